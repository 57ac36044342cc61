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
use crate::domain::{EmailAddress, Stage, sign_in};
use crate::error::{AppError, AppResult};
use crate::mail;
use crate::mail::messages::{PasswordReset, Recipient};
use crate::web::csrf::Form;
use crate::web::forms::Errors;
use crate::web::reply::{page, redirect};
use crate::web::session;
use crate::web::{AppState, PageContext, actor_of, client_addr};

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    ctx: PageContext,
    email: String,
    errors: Errors,
    sent: bool,
}

pub async fn forgot_form(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    session::ensure(&req, &mut conn).await?;
    page(
        &ForgotPage {
            ctx: PageContext::from_request(&req),
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
    state: web::Data<AppState>,
    Form(form): Form<EmailForm>,
) -> AppResult<HttpResponse> {
    let email = form.email.trim().to_owned();
    let ctx = PageContext::from_request(&req);
    let Ok(address) = EmailAddress::parse(&email) else {
        let errors = Errors::one("email", ctx.t("field-email-invalid"));
        return page(
            &ForgotPage {
                ctx,
                email,
                errors,
                sent: false,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let addr = client_addr(&req);
    let attempts = {
        let mut conn = state.pool.get().await?;
        db::client_attempts::count(&mut conn, &addr, AttemptKind::SignIn).await?
    };
    if attempts > sign_in::ATTEMPTS_PER_ADDRESS_PER_MINUTE {
        let errors = Errors::form(ctx.t("login-too-many"));
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
    let (state_bg, email_bg) = (state.clone(), address);
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

async fn send_reset_link(state: &AppState, email: &EmailAddress, addr: String) -> AppResult<()> {
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
    /// "reset" or "invitation": the heading and the button differ.
    purpose: &'static str,
    name: String,
    errors: Errors,
}

/// The page name of a password-setting link, for its heading and button.
fn page_name(purpose: Purpose) -> &'static str {
    if purpose == Purpose::Invitation {
        "invitation"
    } else {
        "reset"
    }
}

#[derive(Template)]
#[template(path = "auth/link_invalid.html")]
struct LinkInvalidPage {
    ctx: PageContext,
}

pub fn link_invalid(req: &HttpRequest) -> AppResult<HttpResponse> {
    page(
        &LinkInvalidPage {
            ctx: PageContext::from_request(req),
        },
        StatusCode::GONE,
    )
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
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    set_password_form(req, state, token.into_inner(), Purpose::ResetPassword).await
}

pub async fn invitation_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    set_password_form(req, state, token.into_inner(), Purpose::Invitation).await
}

async fn set_password_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: String,
    purpose: Purpose,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let Some(user) = link_user(&mut conn, purpose, &token).await? else {
        return link_invalid(&req);
    };
    session::ensure(&req, &mut conn).await?;
    let p = SetPasswordPage {
        ctx: PageContext::from_request(&req),
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
    state: web::Data<AppState>,
    token: web::Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<HttpResponse> {
    set_password(req, state, token.into_inner(), Purpose::ResetPassword, form).await
}

pub async fn accept_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<HttpResponse> {
    set_password(req, state, token.into_inner(), Purpose::Invitation, form).await
}

/// Sets a password through a mailed link. A reset ends every session of the user and lifts a lock;
/// accepting an invitation signs the new user in (regulator staff go on to enrol their second factor).
async fn set_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: String,
    purpose: Purpose,
    form: NewPasswordForm,
) -> AppResult<HttpResponse> {
    let (user, words) = {
        let mut conn = state.pool.get().await?;
        let Some(user) = link_user(&mut conn, purpose, &token).await? else {
            return link_invalid(&req);
        };
        let words = context_words(&mut conn, &user).await?;
        (user, words)
    };
    let ctx = PageContext::from_request(&req);
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut errors = password_errors(ctx.lang, &form.password, &form.confirm, &word_refs);
    if purpose == Purpose::Invitation
        && errors.is_empty()
        && institution_suspended(&state, &user).await?
    {
        errors = Errors::form(ctx.t("login-suspended"));
    }
    if !errors.is_empty() {
        let p = SetPasswordPage {
            ctx,
            purpose: page_name(purpose),
            name: user.display_name,
            errors,
        };
        return page(&p, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let hash = hashing::hash(&form.password).await?;
    let actor = actor_of(&user, &req);
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
