//! The regulator's review of submitted cases.

pub mod information_requests;
