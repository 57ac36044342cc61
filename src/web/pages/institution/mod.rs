//! An issuer institution's own pages: its members.

pub mod members;
