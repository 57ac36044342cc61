//! The regulator's review over HTTP: consultation, four-eyes decisions, registration numbers and
//! decision letters.

mod browser;
mod consultation;
pub mod decisions;
