//! What an issuer institution's administrator does for the institution: its members.

pub mod members;
