//! The registration application's own rules: its sections, the documents it needs and the checks on
//! what the applicant declares.

pub mod ownership;

pub use ownership::{Shareholder, capital_finding, largest_shareholder, ownership_findings};
