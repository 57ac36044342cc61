//! The integration tests: the real server over HTTP against real PostgreSQL, and real Chromium.
//! One test binary, so everything links once; one folder per area of the portal, and support/ for
//! the harness, the accounts and browsers the tests drive, and a small SMTP server.

mod admin;
mod application;
mod browser;
mod faults;
mod identity;
mod institution;
mod platform;
mod register;
mod review;
mod security;
mod support;
