//! The product's own rules as plain types and functions: no actix, no diesel. Everything here is
//! tested by fast unit tests beside it.

pub mod identifiers;
pub mod password;
pub mod sign_in;
