//! The registration application's own rules: its sections, the documents it needs and the checks on
//! what the applicant declares.

pub mod attestation;
pub mod documents;
pub mod findings;
pub mod form;
pub mod ownership;
pub mod section;
pub mod sections;

pub use documents::DocumentKind;
pub use ownership::{Shareholder, capital_finding, largest_shareholder, ownership_findings};
pub use section::SectionKind;
