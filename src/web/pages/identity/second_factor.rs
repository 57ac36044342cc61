//! The second factor: entering a code after the password, and enrolling (a QR code drawn on the
//! server, the secret as text, ten recovery codes shown once).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{NextQuery, refusal, signing_in};
use crate::auth::totp;
use crate::domain::Stage;
use crate::error::AppResult;
use crate::services::identity::second_factor::{self as service, SigningIn};
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
    let at = signing_in(&req)?;
    let cx = state.services(&actor);
    let Some(new) =
        service::complete_sign_in(&state.pool, &cx, &state.totp_secrets, at, &form.code).await?
    else {
        let errors = Errors::one("code", "mfa-wrong-code");
        let next = safe_next(&form.next).unwrap_or_default();
        return form_with_errors(&MfaPage { ctx, next, errors });
    };
    session::install(&req, new);
    Ok(redirect(
        &safe_next(&form.next).unwrap_or_else(|| "/account".into()),
    ))
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
    /// Regulator staff must enrol; for everyone else it is a choice, and the page says so.
    required: bool,
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
    let at = signing_in(&req)?;
    let next = safe_next(&query.next).unwrap_or_default();
    let enrol = enrol_page(&state, at, ctx, next, Errors::default()).await?;
    page(&enrol, StatusCode::OK)
}

/// The enrolment page: the secret offered in this session as a QR code and as text.
async fn enrol_page(
    state: &AppState,
    at: SigningIn,
    ctx: PageContext,
    next: String,
    errors: Errors,
) -> AppResult<EnrolPage> {
    let mut conn = state.pool.get().await?;
    let enrolment = service::enrolment(&mut conn, &state.totp_secrets, at).await?;
    let qr_svg = totp::qr_svg(&enrolment.secret, &enrolment.user.email)?;
    Ok(EnrolPage {
        ctx,
        secret: spaced(&enrolment.secret),
        qr_svg,
        next,
        ask_password: at.stage == Stage::SignedIn,
        required: enrolment.user.role.is_official(),
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
    let at = signing_in(&req)?;
    let next = safe_next(&form.next).unwrap_or_default();
    let (cx, secrets) = (state.services(&actor), &state.totp_secrets);
    let password = &form.current_password;
    let enrolled = match service::enrol(&state.pool, &cx, secrets, at, &form.code, password).await?
    {
        Ok(enrolled) => enrolled,
        Err(refused) => {
            let enrol = enrol_page(&state, at, ctx, next, refusal(&refused)).await?;
            return form_with_errors(&enrol);
        }
    };
    let session = session::install(&req, enrolled.session);
    let next = if next.is_empty() {
        "/account".to_owned()
    } else {
        next
    };
    page(
        &RecoveryCodesPage {
            ctx: ctx.with_session(&session),
            codes: enrolled.codes,
            next,
        },
        StatusCode::OK,
    )
}
