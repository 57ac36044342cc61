//! The integration tests: the real server over HTTP against real PostgreSQL, and real Chromium.
//! One test binary, so everything links once.

mod browser;
mod browser_pages;
mod cluster;
mod errors;
mod harness;
mod headers;
mod health;
mod pages;
