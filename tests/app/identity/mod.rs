//! Signing up, signing in, the second factor, sessions and the account page.

mod account;
mod form_errors;
mod mfa;
mod sessions;
mod sign_in;
mod signup;
mod words;
