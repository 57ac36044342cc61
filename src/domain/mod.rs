//! The product's own rules as plain types and functions: no actix, no diesel. Everything here is
//! tested by fast unit tests beside it.

pub mod calendar;
pub mod code;
pub mod email;
pub mod identifiers;
pub mod institution;
pub mod password;
pub mod reference;
pub mod register;
pub mod review;
pub mod role;
pub mod session;
pub mod sign_in;
pub mod telephone;

pub use code::Labelled;
pub use email::EmailAddress;
pub use institution::{InstitutionStatus, InstitutionType};
pub use role::Role;
pub use session::Stage;
