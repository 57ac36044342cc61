//! The admin area, the audit log and the command line.

mod audit;
mod cli;
mod users;
