//! A signed-in user's own account: who they are, and changing their password, email address or
//! second factor. Each change asks for the password (and a code, once MFA is on) again, under the
//! same attempt limits as signing in.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{link_invalid, refusal, refusals};
use crate::db::institutions::Institution;
use crate::db::tokens::Purpose;
use crate::db::users::User;
use crate::error::AppResult;
use crate::services::identity::account::{self as service, MfaRemoval, PasswordChange};
use crate::services::identity::links::link_user;
use crate::web::extract::Form;
use crate::web::extract::{Actor, SignedIn};
use crate::web::forms::Errors;
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::session::{self, SessionUser};
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "account/show.html")]
struct AccountPage {
    ctx: PageContext,
    user: User,
    institution: Option<Institution>,
    errors: Errors,
}

pub async fn show(
    ctx: PageContext,
    SignedIn(who): SignedIn,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let account = account_page(ctx, &who, &state, Errors::default()).await?;
    page(&account, StatusCode::OK)
}

async fn account_page(
    ctx: PageContext,
    who: &SessionUser,
    state: &AppState,
    errors: Errors,
) -> AppResult<AccountPage> {
    let mut conn = state.pool.get().await?;
    let (user, institution) = service::account(&mut conn, who.id).await?;
    Ok(AccountPage {
        ctx,
        user,
        institution,
        errors,
    })
}

/// The password, and the code when MFA is on, typed again before a sensitive change.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Reauthentication {
    current_password: String,
    code: String,
}

impl Reauthentication {
    fn given(&self) -> service::Reauthentication<'_> {
        service::Reauthentication {
            current_password: &self.current_password,
            code: &self.code,
        }
    }
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    ctx: PageContext,
    mfa: bool,
    errors: Errors,
}

pub async fn password_form(ctx: PageContext, SignedIn(who): SignedIn) -> AppResult<HttpResponse> {
    page(
        &PasswordPage {
            ctx,
            mfa: who.mfa_enabled,
            errors: Errors::default(),
        },
        StatusCode::OK,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChangePasswordForm {
    #[serde(flatten)]
    reauth: Reauthentication,
    password: String,
    confirm: String,
}

pub async fn change_password(
    req: HttpRequest,
    ctx: PageContext,
    SignedIn(who): SignedIn,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<ChangePasswordForm>,
) -> AppResult<HttpResponse> {
    let change = PasswordChange {
        reauthentication: form.reauth.given(),
        password: &form.password,
        confirm: &form.confirm,
    };
    let (cx, secrets) = (state.services(&actor), &state.totp_secrets);
    match service::change_password(&state.pool, &cx, secrets, who.id, &change).await? {
        Ok(new) => {
            session::install(&req, new);
            Ok(redirect("/account?notice=password-changed"))
        }
        Err(refused) => form_with_errors(&PasswordPage {
            ctx,
            mfa: who.mfa_enabled,
            errors: refusals(
                &refused,
                &["current_password", "code", "password", "confirm"],
            ),
        }),
    }
}

#[derive(Template)]
#[template(path = "account/email.html")]
struct EmailPage {
    ctx: PageContext,
    mfa: bool,
    email: String,
    errors: Errors,
}

pub async fn email_form(ctx: PageContext, SignedIn(who): SignedIn) -> AppResult<HttpResponse> {
    page(
        &EmailPage {
            ctx,
            mfa: who.mfa_enabled,
            email: String::new(),
            errors: Errors::default(),
        },
        StatusCode::OK,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChangeEmailForm {
    #[serde(flatten)]
    reauth: Reauthentication,
    email: String,
}

/// A new address takes effect only once its owner follows the link sent to it (see the service).
pub async fn change_email(
    ctx: PageContext,
    SignedIn(who): SignedIn,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<ChangeEmailForm>,
) -> AppResult<HttpResponse> {
    let (cx, secrets) = (state.services(&actor), &state.totp_secrets);
    let given = form.reauth.given();
    match service::request_email_change(&state.pool, &cx, secrets, who.id, &form.email, &given)
        .await?
    {
        Ok(()) => Ok(redirect("/account?notice=email-change-sent")),
        Err(refused) => form_with_errors(&EmailPage {
            ctx,
            mfa: who.mfa_enabled,
            email: form.email.trim().to_owned(),
            errors: refusals(&refused, &["email", "current_password", "code"]),
        }),
    }
}

#[derive(Template)]
#[template(path = "account/confirm_email.html")]
struct ConfirmEmailPage {
    ctx: PageContext,
    email: String,
}

/// Opening the link shows a button: mail scanners that follow links must not use it up.
pub async fn confirm_email_form(
    req: HttpRequest,
    ctx: PageContext,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let Some(pending) = link_user(&mut conn, Purpose::ChangeEmail, &token)
        .await?
        .and_then(|u| u.pending_email)
    else {
        return link_invalid(ctx);
    };
    let session = session::ensure(&req)?;
    page(
        &ConfirmEmailPage {
            ctx: ctx.with_session(&session),
            email: pending,
        },
        StatusCode::OK,
    )
}

pub async fn confirm_email(
    ctx: PageContext,
    actor: Actor,
    state: web::Data<AppState>,
    token: web::Path<String>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    if !service::confirm_email_change(&mut conn, &state.services(&actor), &token).await? {
        return link_invalid(ctx);
    }
    Ok(redirect(if ctx.user.is_some() {
        "/account?notice=email-changed"
    } else {
        "/login?notice=email-changed"
    }))
}

/// Turns the second factor off (to move to a new phone, say). Regulator staff must enrol again
/// before they can go on.
pub async fn reset_mfa(
    req: HttpRequest,
    ctx: PageContext,
    SignedIn(who): SignedIn,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<Reauthentication>,
) -> AppResult<HttpResponse> {
    let (cx, secrets) = (state.services(&actor), &state.totp_secrets);
    let (old, given) = (session::current_id(&req), form.given());
    let removal = service::remove_second_factor(&state.pool, &cx, secrets, who.id, old, &given);
    match removal.await? {
        Ok(MfaRemoval::NotOn) => Ok(redirect("/account")),
        Ok(MfaRemoval::Removed {
            session: new,
            must_enrol,
        }) => {
            session::install(&req, new);
            Ok(redirect(if must_enrol {
                "/mfa/enrol"
            } else {
                "/account?notice=mfa-removed"
            }))
        }
        Err(refused) => {
            form_with_errors(&account_page(ctx, &who, &state, refusal(&refused)).await?)
        }
    }
}

#[derive(Template)]
#[template(path = "account/deactivated.html")]
struct DeactivatedPage {
    ctx: PageContext,
    /// The message saying whom to ask.
    contact: &'static str,
}

/// Where a deactivated account's open session lands on its next request (the session middleware
/// sends it here): what happened, and whom to ask. `?account=` says which kind of account it was;
/// anything else names both.
pub async fn deactivated(req: HttpRequest, ctx: PageContext) -> AppResult<HttpResponse> {
    let contact = match req
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("account="))
    {
        Some("institution") => "account-deactivated-contact-institution",
        Some("staff") => "account-deactivated-contact-staff",
        _ => "account-deactivated-contact-either",
    };
    page(&DeactivatedPage { ctx, contact }, StatusCode::OK)
}
