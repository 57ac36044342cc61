//! Who someone is and what they may do: roles, password hashing, one-time codes and the random
//! secrets behind sessions and mailed links.

pub mod hashing;
pub mod role;
pub mod secrets;
pub mod totp;
pub mod totp_secrets;

pub use role::Role;
