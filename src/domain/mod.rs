//! The product's own rules as plain types and functions: no actix, no diesel. Everything here is
//! tested by fast unit tests beside it.

pub mod application;
pub mod attestation;
pub mod audit;
pub mod calendar;
pub mod code;
pub mod email;
pub mod finding;
pub mod identifiers;
pub mod institution;
pub mod invitation;
pub mod money;
pub(crate) mod number;
pub mod password;
pub mod person_name;
pub mod reference;
pub mod register;
pub mod review;
pub mod role;
pub mod rules;
pub mod session;
pub mod share;
pub mod sign_in;
pub mod telephone;
pub mod token;

pub use code::Labelled;
pub use email::EmailAddress;
pub use finding::{Breach, Check, Finding};
pub use institution::{InstitutionStatus, InstitutionType};
pub use money::{Amount, Krw, ReferenceCurrency};
pub use person_name::PersonName;
pub use role::Role;
pub use rules::Rules;
pub use session::Stage;
pub use share::BasisPoints;
