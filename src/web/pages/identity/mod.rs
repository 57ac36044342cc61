//! Signing in and out, the second factor and its enrolment, and the links sent by mail (forgotten
//! passwords, invitations). No message here tells whether an email address has an account.

use actix_web::HttpRequest;
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::services::identity::Refusal;
use crate::services::identity::second_factor::SigningIn;
use crate::web::forms::Errors;
use crate::web::session;

pub mod account;
mod links;
mod second_factor;
mod sign_in;
pub mod signup;

pub use links::{
    accept_invitation, forgot, forgot_form, invitation_form, link_invalid, reset, reset_form,
};
pub use second_factor::{enrol, enrol_form, mfa, mfa_form};
pub use sign_in::{login, login_form, logout};

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// The step of signing in this request's session is at, with its user (who is not fully signed in
/// yet): a 403 without one.
fn signing_in(req: &HttpRequest) -> AppResult<SigningIn> {
    session::current(req)
        .as_ref()
        .and_then(SigningIn::of)
        .ok_or(AppError::Forbidden)
}

/// A service's refusal, beside the field it concerns.
fn refusal(refused: &impl Refusal) -> Errors {
    Errors::one(refused.field(), refused.message_key())
}

/// Every refusal of a service, each beside the field it concerns, in the order the form shows
/// `fields`.
fn refusals(refused: &[impl Refusal], fields: &[&str]) -> Errors {
    let mut errors = Errors::default();
    for r in refused {
        errors.add(r.field(), r.message_key());
    }
    errors.in_order_of(fields)
}
