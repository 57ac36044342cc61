//! Signing up, signing in, the second factor, sessions and the account page.

mod account;
mod mfa;
mod sessions;
mod sign_in;
mod signup;
