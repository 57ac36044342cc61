//! The harness: the server and its database, accounts, browsers and the HTML checker, and a small
//! SMTP server, and an S3-compatible server.

pub mod accounts;
pub mod browser;
pub mod documents;
pub mod harness;
pub mod nu_checker;
pub mod s3;
pub mod smtp;
