//! Who someone is: password hashing, one-time codes, the random secrets behind sessions and
//! mailed links, the signed cookies of anonymous sessions, and the root key every other key derives
//! from. (What they may do is their `domain::Role`.)

pub mod anonymous_sessions;
pub mod hashing;
pub mod key;
pub mod secrets;
pub mod totp;
pub mod totp_secrets;
