//! The integration tests: the real server over HTTP against real PostgreSQL, and real Chromium.
//! One test binary, so everything links once.

mod access_matrix;
mod account;
mod admin;
mod audit;
mod bad_input;
mod browser;
mod browser_identity;
mod browser_pages;
mod cli;
mod cluster;
mod csrf;
mod double_submit;
mod errors;
mod harness;
mod headers;
mod health;
mod mail;
mod members;
mod mfa;
mod pages;
mod sessions;
mod sign_in;
mod signup;
mod smtp;
mod support;
