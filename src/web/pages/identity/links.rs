//! The links sent by mail that set a password: a forgotten password (1 hour) and an invitation
//! (72 hours). Each works once; a reset ends every session of the user and lifts a lock.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel_async::AsyncPgConnection;
use serde::Deserialize;

use super::sign_in::institution_suspended;
use super::{context_words, issue_link, password_errors};
use crate::audit::{self, Action, Actor, Event, ObjectType};
use crate::auth::hashing;
use crate::auth::secrets::fingerprint;
use crate::db::client_attempts::AttemptKind;
use crate::db::tokens::Purpose;
use crate::db::{self, users::User};
use crate::domain::{Stage, sign_in};
use crate::error::{AppError, AppResult};
use crate::mail;
use crate::mail::messages::{PasswordReset, Recipient};
use crate::web::extract::Form;
use crate::web::extract::acting_as;
use crate::web::forms::{Errors, looks_like_email, normalise_email};
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::session;
use crate::web::{AppState, PageContext, client_addr};

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    ctx: PageContext,
    email: String,
    errors: Errors,
    sent: bool,
}

pub async fn forgot_form(
    req: HttpRequest,
    ctx: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let session = session::ensure(&req, &mut conn).await?;
    page(
        &ForgotPage {
            ctx: ctx.with_session(&session),
            email: String::new(),
            errors: Errors::default(),
            sent: false,
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// The answer is the same, and comes as fast, whether or not the address has an account: the
/// lookup and the mail happen after the response has gone.
pub async fn forgot(
    req: HttpRequest,
    ctx: PageContext,
    state: web::Data<AppState>,
    Form(form): Form<EmailForm>,
) -> AppResult<HttpResponse> {
    let email = normalise_email(&form.email);
    if !looks_like_email(&email) {
        let errors = Errors::one("email", "field-email-invalid");
        return form_with_errors(&ForgotPage {
            ctx,
            email,
            errors,
            sent: false,
        });
    }
    let addr = client_addr(&req);
    let attempts = {
        let mut conn = state.pool.get().await?;
        db::client_attempts::count(&mut conn, &addr, AttemptKind::SignIn).await?
    };
    if attempts > sign_in::ATTEMPTS_PER_ADDRESS_PER_MINUTE {
        let errors = Errors::form("login-too-many");
        return page(
            &ForgotPage {
                ctx,
                email,
                errors,
                sent: false,
            },
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let (state_bg, email_bg) = (state.clone(), email.clone());
    actix_web::rt::spawn(async move {
        if let Err(e) = send_reset_link(&state_bg, &email_bg, addr).await {
            tracing::error!(error = ?e, "cannot send a password reset link");
        }
    });
    page(
        &ForgotPage {
            ctx,
            email,
            errors: Errors::default(),
            sent: true,
        },
        StatusCode::OK,
    )
}

async fn send_reset_link(state: &AppState, email: &str, addr: String) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    let Some(user) = db::users::find_by_email(&mut conn, email)
        .await?
        .filter(|u| u.active)
    else {
        return Ok(());
    };
    if db::tokens::issued_within(
        &mut conn,
        user.id,
        Purpose::ResetPassword,
        chrono::Duration::minutes(1),
    )
    .await?
    {
        return Ok(());
    }
    let actor = Actor {
        user_id: Some(user.id),
        email: Some(user.email.clone()),
        client_addr: Some(addr),
    };
    let user_ref = &user;
    diesel_async::AsyncConnection::transaction::<_, AppError, _>(&mut *conn, async move |conn| {
        let link = issue_link(conn, state, user_ref, Purpose::ResetPassword).await?;
        let reset = PasswordReset {
            to: Recipient::of(user_ref),
            link: &link,
        };
        mail::enqueue(conn, &state.settings, reset).await?;
        audit::record(
            conn,
            &state.audit_key,
            &actor,
            Event::new(
                Action::PasswordResetRequested,
                ObjectType::User,
                user_ref.id,
            ),
        )
        .await?;
        Ok(())
    })
    .await
}

#[derive(Template)]
#[template(path = "auth/set_password.html")]
struct SetPasswordPage {
    ctx: PageContext,
    /// Resetting or accepting an invitation: the heading and the button differ.
    purpose: SetPasswordPurpose,
    name: String,
    errors: Errors,
}

/// Why a link asks for a new password, as its page words it.
#[derive(Debug, Clone, Copy)]
enum SetPasswordPurpose {
    Reset,
    Invitation,
}

impl SetPasswordPurpose {
    /// The catalogue key of the page's heading.
    fn title_key(self) -> &'static str {
        match self {
            SetPasswordPurpose::Reset => "set-password-title-reset",
            SetPasswordPurpose::Invitation => "set-password-title-invitation",
        }
    }

    /// The catalogue key of the page's button.
    fn submit_key(self) -> &'static str {
        match self {
            SetPasswordPurpose::Reset => "set-password-submit-reset",
            SetPasswordPurpose::Invitation => "set-password-submit-invitation",
        }
    }
}

/// The page of a password-setting link, for its heading and button.
fn page_name(purpose: Purpose) -> SetPasswordPurpose {
    if purpose == Purpose::Invitation {
        SetPasswordPurpose::Invitation
    } else {
        SetPasswordPurpose::Reset
    }
}

#[derive(Template)]
#[template(path = "auth/link_invalid.html")]
struct LinkInvalidPage {
    ctx: PageContext,
}

pub fn link_invalid(ctx: PageContext) -> AppResult<HttpResponse> {
    page(&LinkInvalidPage { ctx }, StatusCode::GONE)
}

/// The user behind a still-valid link, without using it up.
/// The active user behind a still-valid link of `purpose`, without using the link up.
pub async fn link_user(
    conn: &mut AsyncPgConnection,
    purpose: Purpose,
    token: &str,
) -> AppResult<Option<User>> {
    match db::tokens::peek(conn, purpose, &fingerprint(token)).await? {
        Some(id) => Ok(db::users::find(conn, id).await?.filter(|u| u.active)),
        None => Ok(None),
    }
}

pub async fn reset_form(
    req: HttpRequest,
    ctx: PageContext,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    set_password_form(req, ctx, state, token, Purpose::ResetPassword).await
}

pub async fn invitation_form(
    req: HttpRequest,
    ctx: PageContext,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    set_password_form(req, ctx, state, token, Purpose::Invitation).await
}

async fn set_password_form(
    req: HttpRequest,
    ctx: PageContext,
    state: web::Data<AppState>,
    token: String,
    purpose: Purpose,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let Some(user) = link_user(&mut conn, purpose, &token).await? else {
        return link_invalid(ctx);
    };
    let session = session::ensure(&req, &mut conn).await?;
    let p = SetPasswordPage {
        ctx: ctx.with_session(&session),
        purpose: page_name(purpose),
        name: user.display_name,
        errors: Errors::default(),
    };
    page(&p, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn reset(
    req: HttpRequest,
    ctx: PageContext,
    state: web::Data<AppState>,
    token: web::Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<HttpResponse> {
    let link = (token.into_inner(), Purpose::ResetPassword);
    set_password(req, ctx, state, link, form).await
}

pub async fn accept_invitation(
    req: HttpRequest,
    ctx: PageContext,
    state: web::Data<AppState>,
    token: web::Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<HttpResponse> {
    let link = (token.into_inner(), Purpose::Invitation);
    set_password(req, ctx, state, link, form).await
}

/// Sets a password through a mailed link. A reset ends every session of the user and lifts a lock;
/// accepting an invitation signs the new user in (regulator staff go on to enrol their second factor).
async fn set_password(
    req: HttpRequest,
    ctx: PageContext,
    state: web::Data<AppState>,
    (token, purpose): (String, Purpose),
    form: NewPasswordForm,
) -> AppResult<HttpResponse> {
    let (user, words) = {
        let mut conn = state.pool.get().await?;
        let Some(user) = link_user(&mut conn, purpose, &token).await? else {
            return link_invalid(ctx);
        };
        let words = context_words(&mut conn, &user).await?;
        (user, words)
    };
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut errors = password_errors(&form.password, &form.confirm, &word_refs);
    if purpose == Purpose::Invitation
        && errors.is_empty()
        && institution_suspended(&state, &user).await?
    {
        errors = Errors::form("login-suspended");
    }
    if !errors.is_empty() {
        let p = SetPasswordPage {
            ctx,
            purpose: page_name(purpose),
            name: user.display_name,
            errors,
        };
        return form_with_errors(&p);
    }
    let hash = hashing::hash(&form.password).await?;
    let actor = acting_as(&user, &req);
    let (key, user_ref, token_ref, old) =
        (&state.audit_key, &user, &token, session::current_id(&req));
    let mut conn = state.pool.get().await?;
    let signed_in = diesel_async::AsyncConnection::transaction::<_, AppError, _>(
        &mut *conn,
        async move |conn| {
            // Using the link inside the transaction: of two racing submits only one gets it.
            db::tokens::consume(conn, purpose, &fingerprint(token_ref))
                .await?
                .ok_or(AppError::Conflict)?;
            db::users::set_password(conn, user_ref.id, &hash).await?;
            db::users::mark_email_verified(conn, user_ref.id).await?;
            db::sessions::delete_all_of(conn, user_ref.id).await?;
            if purpose == Purpose::ResetPassword {
                audit::record(
                    conn,
                    key,
                    &actor,
                    Event::new(Action::PasswordReset, ObjectType::User, user_ref.id),
                )
                .await?;
                return Ok(None);
            }
            audit::record(
                conn,
                key,
                &actor,
                Event::new(Action::InvitationAccepted, ObjectType::User, user_ref.id),
            )
            .await?;
            let fresh = db::users::find(conn, user_ref.id)
                .await?
                .ok_or(AppError::NotFound)?;
            let stage = if fresh.role.is_regulator() {
                Stage::PasswordVerified
            } else {
                Stage::SignedIn
            };
            Ok(Some(session::create(conn, old, Some(&fresh), stage).await?))
        },
    )
    .await?;
    Ok(match signed_in.map(|new| session::install(&req, new)) {
        None => redirect("/login?notice=password-reset"),
        Some(s) if s.stage == Stage::SignedIn => redirect("/account?notice=welcome"),
        Some(_) => redirect("/mfa/enrol"),
    })
}
