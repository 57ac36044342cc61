//! The second factor: entering a code after the password, and enrolling (a QR code drawn on the
//! server, the secret as text, ten recovery codes shown once).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel_async::AsyncPgConnection;
use serde::Deserialize;

use super::{Checked, NextQuery, limited_check, session_user};
use crate::audit::{self, Action, Event, ObjectType};
use crate::auth::secrets::{fingerprint, normalise_recovery_code, recovery_code};
use crate::auth::totp_secrets::TotpSecrets;
use crate::auth::{hashing, totp};
use crate::db::{self, users::User};
use crate::domain::Stage;
use crate::error::{AppError, AppResult};
use crate::web::extract::Actor;
use crate::web::extract::Form;
use crate::web::forms::Errors;
use crate::web::reply::{form_with_errors, page, redirect, safe_next};
use crate::web::session;
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "auth/mfa.html")]
struct MfaPage {
    ctx: PageContext,
    next: String,
    errors: Errors,
}

pub async fn mfa_form(ctx: PageContext, query: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    let next = safe_next(&query.next).unwrap_or_default();
    page(
        &MfaPage {
            ctx,
            next,
            errors: Errors::default(),
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    current_password: String,
}

pub async fn mfa(
    req: HttpRequest,
    ctx: PageContext,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<CodeForm>,
) -> AppResult<HttpResponse> {
    let user = {
        let mut conn = state.pool.get().await?;
        session_user(&mut conn, &req).await?
    };
    let mut how = None;
    let checked = limited_check(&state, &actor, user.id, Action::MfaFailed, async {
        let mut conn = state.pool.get().await?;
        how = check_second_factor(&mut conn, &state.totp_secrets, &user, &form.code).await?;
        Ok(how.is_some())
    })
    .await?;
    let (Checked::Accepted, Some(how)) = (checked, how) else {
        let errors = Errors::one("code", "mfa-wrong-code");
        let next = safe_next(&form.next).unwrap_or_default();
        return form_with_errors(&MfaPage { ctx, next, errors });
    };
    let (key, user_ref, old) = (&state.audit_key, &user, session::current_id(&req));
    let mut conn = state.pool.get().await?;
    let new = diesel_async::AsyncConnection::transaction::<_, AppError, _>(
        &mut *conn,
        async move |conn| {
            audit::record(
                conn,
                key,
                &actor,
                Event::new(how, ObjectType::User, user_ref.id),
            )
            .await?;
            Ok(session::create(conn, old, Some(user_ref), Stage::SignedIn).await?)
        },
    )
    .await?;
    session::install(&req, new);
    Ok(redirect(
        &safe_next(&form.next).unwrap_or_else(|| "/account".into()),
    ))
}

/// Checks a TOTP code (accepted once) or a recovery code (used up); the audit action on success.
pub async fn check_second_factor(
    conn: &mut AsyncPgConnection,
    secrets: &TotpSecrets,
    user: &User,
    code: &str,
) -> AppResult<Option<Action>> {
    let Some(sealed) = user.totp_secret.as_deref().filter(|_| user.mfa_enabled()) else {
        return Ok(None);
    };
    // A secret that does not open (AUDIT_KEY changed, say) must not shut out recovery codes.
    let secret = secrets
        .open(user.id, sealed)
        .inspect_err(|e| tracing::error!(user = %user.id, error = %e, "cannot open a TOTP secret"))
        .ok();
    if let Some(step) = secret.and_then(|s| totp::matching_step(&s, code, totp::now())) {
        return Ok(db::users::accept_totp_step(conn, user.id, step)
            .await?
            .then_some(Action::SignInSucceeded));
    }
    let recovery = fingerprint(&normalise_recovery_code(code));
    Ok(db::users::use_recovery_code(conn, user.id, &recovery)
        .await?
        .then_some(Action::MfaRecoveryCodeUsed))
}

#[derive(Template)]
#[template(path = "auth/enrol.html")]
struct EnrolPage {
    ctx: PageContext,
    secret: String,
    qr_svg: String,
    next: String,
    /// A signed-in user enrolling by choice confirms with their password.
    ask_password: bool,
    errors: Errors,
}

#[derive(Template)]
#[template(path = "auth/recovery_codes.html")]
struct RecoveryCodesPage {
    ctx: PageContext,
    codes: Vec<String>,
    next: String,
}

pub async fn enrol_form(
    req: HttpRequest,
    ctx: PageContext,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let user = session_user(&mut conn, &req).await?;
    let secret = enrolment_secret(&state, &req, &user)?;
    let next = safe_next(&query.next).unwrap_or_default();
    let errors = Errors::default();
    page(
        &enrol_page(&req, ctx, &user, (secret, next), errors)?,
        StatusCode::OK,
    )
}

/// The secret offered for enrolment in this session (nothing is stored until a code proves it).
fn enrolment_secret(state: &AppState, req: &HttpRequest, user: &User) -> AppResult<String> {
    let session = session::current_id(req).ok_or(AppError::Forbidden)?;
    Ok(state.totp_secrets.enrolment_secret(session, user.id))
}

fn enrol_page(
    req: &HttpRequest,
    ctx: PageContext,
    user: &User,
    (secret, next): (String, String),
    errors: Errors,
) -> AppResult<EnrolPage> {
    let ask_password = session::current(req).is_some_and(|s| s.stage == Stage::SignedIn);
    let qr_svg = totp::qr_svg(&secret, &user.email)?;
    Ok(EnrolPage {
        ctx,
        secret: spaced(&secret),
        qr_svg,
        next,
        ask_password,
        errors,
    })
}

/// The secret in groups of four, as people type it into an authenticator app.
fn spaced(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub async fn enrol(
    req: HttpRequest,
    ctx: PageContext,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<CodeForm>,
) -> AppResult<HttpResponse> {
    let user = {
        let mut conn = state.pool.get().await?;
        session_user(&mut conn, &req).await?
    };
    if user.mfa_enabled() {
        return Err(AppError::Conflict);
    }
    let secret = enrolment_secret(&state, &req, &user)?;
    let next = safe_next(&form.next).unwrap_or_default();
    // A signed-in user turning MFA on proves it is them, under the same limits as signing in.
    if session::current(&req).is_some_and(|s| s.stage == Stage::SignedIn) {
        let password = form.current_password.clone();
        let checked = limited_check(
            &state,
            &actor,
            user.id,
            Action::ReauthenticationFailed,
            async {
                Ok(hashing::verify(&password, user.password_hash.as_deref())
                    .await?
                    .matches)
            },
        )
        .await?;
        if checked != Checked::Accepted {
            let errors = Errors::one("current_password", "account-wrong-password");
            return form_with_errors(&enrol_page(&req, ctx, &user, (secret, next), errors)?);
        }
    }
    let Some(step) = totp::matching_step(&secret, &form.code, totp::now()) else {
        let errors = Errors::one("code", "mfa-wrong-code");
        return form_with_errors(&enrol_page(&req, ctx, &user, (secret, next), errors)?);
    };
    let codes: Vec<String> = (0..10).map(|_| recovery_code()).collect();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| fingerprint(c)).collect();
    let sealed = state.totp_secrets.seal(user.id, &secret);
    let (key, user_ref, old, sealed_ref) =
        (&state.audit_key, &user, session::current_id(&req), &sealed);
    let mut conn = state.pool.get().await?;
    let new = diesel_async::AsyncConnection::transaction::<_, AppError, _>(
        &mut *conn,
        async move |conn| {
            if !db::users::enable_totp(conn, user_ref.id, sealed_ref, step).await? {
                return Err(AppError::Conflict);
            }
            db::users::replace_recovery_codes(conn, user_ref.id, &hashes).await?;
            audit::record(
                conn,
                key,
                &actor,
                Event::new(Action::MfaEnrolled, ObjectType::User, user_ref.id),
            )
            .await?;
            // Enrolling completes signing in, and is a change of privilege: a new session token.
            let enrolled = db::users::find(conn, user_ref.id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(session::create(conn, old, Some(&enrolled), Stage::SignedIn).await?)
        },
    )
    .await?;
    let session = session::install(&req, new);
    let next = if next.is_empty() {
        "/account".to_owned()
    } else {
        next
    };
    page(
        &RecoveryCodesPage {
            ctx: ctx.with_session(&session),
            codes,
            next,
        },
        StatusCode::OK,
    )
}
