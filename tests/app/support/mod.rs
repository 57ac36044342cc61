//! The harness: the server and its database, accounts, browsers and the HTML checker, and a small
//! SMTP server.

pub mod accounts;
pub mod browser;
pub mod harness;
pub mod nu_checker;
pub mod smtp;
