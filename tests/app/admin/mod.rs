//! The admin area, the audit log and the command line.

mod audit;
mod audit_head;
mod audit_page;
mod calendar;
mod cli;
mod confirm;
mod settings;
mod users;
