//! The admin area, the audit log and the command line.

mod audit;
mod audit_head;
mod cli;
mod confirm;
mod users;
