//! Signing in with a password, and signing out.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Checked, NextQuery, limited_check};
use crate::audit::{self, Action, Actor, Event, ObjectType};
use crate::auth::hashing;
use crate::db::client_attempts::AttemptKind;
use crate::db::{self, users::User};
use crate::domain::{EmailAddress, InstitutionStatus, Stage, sign_in};
use crate::error::{AppError, AppResult};
use crate::web::csrf::Form;
use crate::web::forms::Errors;
use crate::web::reply::{page, redirect, safe_next};
use crate::web::session;
use crate::web::{AppState, PageContext, client_addr};

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: PageContext,
    email: String,
    next: String,
    errors: Errors,
}

pub async fn login_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    session::ensure(&req, &mut conn).await?;
    let next = safe_next(&query.next).unwrap_or_default();
    page(
        &LoginPage {
            ctx: PageContext::from_request(&req),
            email: String::new(),
            next,
            errors: Errors::default(),
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Why a sign-in did not go through, as far as the person at the keyboard may know.
enum Refusal {
    /// Wrong email, wrong password, locked, slowed down, deactivated: one message for all of them.
    Generic,
    TooManyFromAddress,
    EmailNotVerified,
    InstitutionSuspended,
}

impl Refusal {
    fn status_and_message(&self) -> (StatusCode, &'static str) {
        match self {
            Refusal::Generic => (StatusCode::UNPROCESSABLE_ENTITY, "login-failed"),
            Refusal::TooManyFromAddress => (StatusCode::TOO_MANY_REQUESTS, "login-too-many"),
            Refusal::EmailNotVerified => (StatusCode::UNPROCESSABLE_ENTITY, "login-unverified"),
            Refusal::InstitutionSuspended => (StatusCode::UNPROCESSABLE_ENTITY, "login-suspended"),
        }
    }
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let email = form.email.trim().to_owned();
    let user = match check_sign_in(&state, &client_addr(&req), &email, &form.password).await? {
        Ok(user) => user,
        Err(refusal) => {
            let ctx = PageContext::from_request(&req);
            let (status, key) = refusal.status_and_message();
            let errors = Errors::form(ctx.t(key));
            let next = safe_next(&form.next).unwrap_or_default();
            return page(
                &LoginPage {
                    ctx,
                    email,
                    next,
                    errors,
                },
                status,
            );
        }
    };
    // The second factor is required of regulator staff and of anyone who enrolled.
    let stage = if user.role.is_regulator() || user.mfa_enabled() {
        Stage::PasswordVerified
    } else {
        Stage::SignedIn
    };
    let actor = crate::web::actor_of(&user, &req);
    let (key, user_ref, old) = (&state.audit_key, &user, session::current_id(&req));
    let mut conn = state.pool.get().await?;
    let new = diesel_async::AsyncConnection::transaction::<_, AppError, _>(
        &mut *conn,
        async move |conn| {
            let action = if stage == Stage::SignedIn {
                Action::SignInSucceeded
            } else {
                Action::SignInPasswordAccepted
            };
            audit::record(
                conn,
                key,
                &actor,
                Event::new(action, ObjectType::User, user_ref.id),
            )
            .await?;
            Ok(session::create(conn, old, Some(user_ref), stage).await?)
        },
    )
    .await?;
    session::install(&req, new);
    Ok(redirect(&after_password(
        &user,
        stage,
        safe_next(&form.next),
    )))
}

/// Where to go once the password was right.
fn after_password(user: &User, stage: Stage, next: Option<String>) -> String {
    match stage {
        Stage::SignedIn => next.unwrap_or_else(|| "/account".into()),
        _ if user.mfa_enabled() => with_next("/mfa", next),
        _ => with_next("/mfa/enrol", next),
    }
}

fn with_next(path: &str, next: Option<String>) -> String {
    match next {
        Some(n) => format!(
            "{path}?next={}",
            url::form_urlencoded::byte_serialize(n.as_bytes()).collect::<String>()
        ),
        None => path.to_owned(),
    }
}

/// All the checks of a sign-in attempt. Connections are taken only around each query, never while
/// a password is being hashed.
async fn check_sign_in(
    state: &AppState,
    addr: &str,
    email: &str,
    password: &str,
) -> AppResult<Result<User, Refusal>> {
    let (attempts, found) = {
        let mut conn = state.pool.get().await?;
        let attempts = db::client_attempts::count(&mut conn, addr, AttemptKind::SignIn).await?;
        // Something that is no address has no account: it fails as an unknown one does.
        let found = match EmailAddress::parse(email) {
            Ok(address) => db::users::find_by_email(&mut conn, &address).await?,
            Err(_) => None,
        };
        (attempts, found)
    };
    if attempts > sign_in::ATTEMPTS_PER_ADDRESS_PER_MINUTE {
        return Ok(Err(Refusal::TooManyFromAddress));
    }
    let actor = Actor {
        user_id: found.as_ref().map(|u| u.id),
        email: Some(email.to_owned()),
        client_addr: Some(addr.to_owned()),
    };
    let Some(user) = found else {
        // An unknown email takes as long as a known one: a password is checked all the same.
        hashing::verify(password, None).await?;
        let event = Event::new(Action::SignInFailed, ObjectType::User, "")
            .with(serde_json::json!({"reason": "unknown_email"}));
        refuse(state, &actor, event).await?;
        return Ok(Err(Refusal::Generic));
    };
    let mut needs_rehash = false;
    let checked = limited_check(state, &actor, user.id, Action::SignInFailed, async {
        let v = hashing::verify(password, user.password_hash.as_deref()).await?;
        needs_rehash = v.needs_rehash;
        Ok(v.matches)
    })
    .await?;
    match checked {
        Checked::Accepted => {}
        Checked::Failed => return Ok(Err(Refusal::Generic)),
        Checked::Refused => {
            // Answered as slowly as a checked password, so a locked account does not stand out.
            hashing::verify(password, None).await?;
            return Ok(Err(Refusal::Generic));
        }
    }
    let refusal = if !user.active {
        Some((Refusal::Generic, "deactivated"))
    } else if user.email_verified_at.is_none() {
        Some((Refusal::EmailNotVerified, "email_not_verified"))
    } else if institution_suspended(state, &user).await? {
        Some((Refusal::InstitutionSuspended, "institution_suspended"))
    } else {
        None
    };
    if let Some((refusal, reason)) = refusal {
        let event = Event::new(Action::SignInRefused, ObjectType::User, user.id)
            .with(serde_json::json!({"reason": reason}));
        refuse(state, &actor, event).await?;
        return Ok(Err(refusal));
    }
    if needs_rehash {
        let hash = hashing::hash(password).await?;
        let mut conn = state.pool.get().await?;
        db::users::set_password(&mut conn, user.id, &hash).await?;
    }
    Ok(Ok(user))
}

/// Whether the user belongs to a suspended institution.
pub async fn institution_suspended(state: &AppState, user: &User) -> AppResult<bool> {
    let Some(id) = user.institution_id else {
        return Ok(false);
    };
    let mut conn = state.pool.get().await?;
    Ok(db::institutions::find(&mut conn, id)
        .await?
        .is_some_and(|i| i.status == InstitutionStatus::Suspended))
}

async fn refuse(state: &AppState, actor: &Actor, event: Event) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    Ok(audit::record_alone(&mut conn, &state.audit_key, actor, event).await?)
}

pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    if let Some(user) = session::current(&req).and_then(|s| s.user) {
        let actor = user.audit_actor(&req);
        audit::record_alone(
            &mut conn,
            &state.audit_key,
            &actor,
            Event::new(Action::SignOut, ObjectType::User, user.id),
        )
        .await?;
    }
    session::end(&req, &mut conn).await?;
    Ok(redirect("/?notice=signed-out"))
}
