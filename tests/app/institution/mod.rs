//! An issuer institution's own pages.

mod invitations;
mod members;
