//! Signing in and out, the second factor and its enrolment, and the links sent by mail (forgotten
//! passwords, invitations). No message here tells whether an email address has an account.

use actix_web::HttpRequest;
use diesel_async::AsyncPgConnection;
use serde::Deserialize;

use crate::auth::secrets::{fingerprint, random_token};
use crate::db::tokens::Purpose;
use crate::db::{self, users::User};
use crate::domain::password;
use crate::error::{AppError, AppResult};
use crate::services::identity::Refusal;
use crate::web::AppState;
use crate::web::forms::Errors;
use crate::web::session;

pub mod account;
mod attempts;
mod links;
mod second_factor;
mod sign_in;
pub mod signup;

pub use attempts::{Checked, limited_check};
pub use links::{
    accept_invitation, forgot, forgot_form, invitation_form, link_invalid, reset, reset_form,
};
pub use second_factor::{check_second_factor, enrol, enrol_form, mfa, mfa_form};
pub use sign_in::{login, login_form, logout};

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// A service's refusal, beside the field it concerns.
fn refusal(refused: &impl Refusal) -> Errors {
    Errors::one(refused.field(), refused.message_key())
}

/// The user of the current session, fresh from the database (for the steps of signing in, whose
/// session holds a user who is not fully signed in yet).
async fn session_user(conn: &mut AsyncPgConnection, req: &HttpRequest) -> AppResult<User> {
    let id = session::current(req)
        .and_then(|s| s.user)
        .map(|u| u.id)
        .ok_or(AppError::Forbidden)?;
    db::users::find(conn, id).await?.ok_or(AppError::Forbidden)
}

/// Issues a single-use link of `purpose` for `user` and returns its full URL.
pub async fn issue_link(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    user: &User,
    purpose: Purpose,
) -> AppResult<String> {
    let token = random_token();
    db::tokens::issue(conn, user.id, purpose, &fingerprint(&token)).await?;
    Ok(state
        .settings
        .url(&format!("{}/{token}", link_path(purpose))))
}

/// Where each kind of mailed link opens.
fn link_path(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::VerifyEmail => "verify-email",
        Purpose::ResetPassword => "password/reset",
        Purpose::Invitation => "invitation",
        Purpose::ChangeEmail => "email/confirm",
    }
}

/// The message for a password that fails the rules, or for a confirmation that differs.
pub fn password_errors(password: &str, confirm: &str, context: &[&str]) -> Errors {
    let mut errors = Errors::default();
    if let Err(problem) = password::check(password, context) {
        errors.add("password", problem.message_key());
    } else if password != confirm {
        errors.add("confirm", "password-mismatch");
    }
    errors
}

/// Words of a user's own context that their password must not be built from.
pub async fn context_words(conn: &mut AsyncPgConnection, user: &User) -> AppResult<Vec<String>> {
    let mut words = vec![user.email.split('@').next().unwrap_or("").to_owned()];
    words.extend(user.display_name.split_whitespace().map(str::to_owned));
    if let Some(id) = user.institution_id
        && let Some(inst) = db::institutions::find(conn, id).await?
    {
        words.push(inst.legal_name_ko.replace(' ', ""));
        words.push(inst.legal_name_en.replace(' ', ""));
        words.extend(inst.legal_name_en.split_whitespace().map(str::to_owned));
    }
    Ok(words)
}
