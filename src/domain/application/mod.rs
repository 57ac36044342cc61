//! The registration application's own rules: its sections, the documents it needs and the checks on
//! what the applicant declares.

pub mod documents;
pub mod ownership;
pub mod section;

pub use documents::DocumentKind;
pub use ownership::{Shareholder, capital_finding, largest_shareholder, ownership_findings};
pub use section::SectionKind;
