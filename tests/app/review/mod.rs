//! The regulator's review of submitted applications.

mod information_requests;
