//! Who someone is: password hashing, one-time codes and the random secrets behind sessions and
//! mailed links. (What they may do is their `domain::Role`.)

pub mod hashing;
pub mod secrets;
pub mod totp;
pub mod totp_secrets;
