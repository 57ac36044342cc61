//! The harness: the server and its database, accounts, browsers, and a small SMTP server.

pub mod accounts;
pub mod browser;
pub mod harness;
pub mod smtp;
