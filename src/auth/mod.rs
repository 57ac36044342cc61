//! Who someone is: password hashing, one-time codes, the random secrets behind sessions and
//! mailed links, and the signed cookies of anonymous sessions. (What they may do is their
//! `domain::Role`.)

pub mod anonymous_sessions;
pub mod hashing;
pub mod secrets;
pub mod totp;
pub mod totp_secrets;
