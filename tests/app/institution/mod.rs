//! An issuer institution's own pages.

mod members;
