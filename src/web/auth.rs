//! Signing in and out, the second factor and its enrolment, forgotten passwords and accepting an
//! invitation. No message here tells whether an email address has an account.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;

use super::csrf::Form;
use super::forms::{Errors, normalise_email};
use super::reply::{page, redirect, safe_next};
use super::session::{self, Stage};
use super::{AppState, PageContext, client_addr};
use crate::audit::{self, Actor, Event};
use crate::auth::secrets::{fingerprint, normalise_recovery_code, random_token, recovery_code};
use crate::auth::{Role, hashing, totp};
use crate::db::tokens::Purpose;
use crate::db::{self, users::User};
use crate::domain::{password, sign_in};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::mail::{self, LinkMail};

// ----- sign in -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: PageContext,
    email: String,
    next: String,
    errors: Errors,
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
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

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let addr = client_addr(&req);
    let email = normalise_email(&form.email);
    let outcome = check_sign_in(&mut conn, &state, &addr, &email, &form.password).await?;
    let user = match outcome {
        Ok(user) => user,
        Err(refusal) => {
            let lang = PageContext::from_request(&req).lang;
            let (status, key) = match refusal {
                Refusal::Generic => (StatusCode::UNPROCESSABLE_ENTITY, "login-failed"),
                Refusal::TooManyFromAddress => (StatusCode::TOO_MANY_REQUESTS, "login-too-many"),
                Refusal::EmailNotVerified => (StatusCode::UNPROCESSABLE_ENTITY, "login-unverified"),
                Refusal::InstitutionSuspended => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "login-suspended")
                }
            };
            let errors = Errors::form(lang.t(key));
            let next = safe_next(&form.next).unwrap_or_default();
            return page(
                &LoginPage {
                    ctx: PageContext::from_request(&req),
                    email,
                    next,
                    errors,
                },
                status,
            );
        }
    };
    // The second factor is required of regulator staff and of anyone who enrolled.
    let stage = if user.role().is_regulator() || user.mfa_enabled() {
        Stage::PasswordVerified
    } else {
        Stage::SignedIn
    };
    let actor = Actor {
        user_id: Some(user.id),
        email: Some(user.email.clone()),
        client_addr: Some(addr),
    };
    let (key, user_ref, old) = (&state.audit_key, &user, session::current_id(&req));
    let new = conn
        .transaction::<_, AppError, _>(async move |conn| {
            let action = if stage == Stage::SignedIn {
                "sign_in.succeeded"
            } else {
                "sign_in.password_accepted"
            };
            audit::record(conn, key, &actor, Event::new(action, "user", user_ref.id)).await?;
            Ok(session::create(conn, old, Some(user_ref), stage).await?)
        })
        .await?;
    session::install(&req, new);
    Ok(redirect(&after_password(
        &user,
        stage,
        safe_next(&form.next),
    )))
}

async fn user_after(conn: &mut AsyncPgConnection, req: &HttpRequest) -> AppResult<User> {
    let id = session::current(req)
        .and_then(|s| s.user)
        .map(|u| u.id)
        .ok_or(AppError::Forbidden)?;
    db::users::find(conn, id).await?.ok_or(AppError::Forbidden)
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

/// All the checks of a sign-in attempt, counting and auditing failures as it goes.
async fn check_sign_in(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    addr: &str,
    email: &str,
    password: &str,
) -> AppResult<Result<User, Refusal>> {
    if db::sessions::count_sign_in_attempt(conn, addr).await?
        > sign_in::ATTEMPTS_PER_ADDRESS_PER_MINUTE
    {
        return Ok(Err(Refusal::TooManyFromAddress));
    }
    let anonymous = Actor {
        user_id: None,
        email: Some(email.to_owned()),
        client_addr: Some(addr.to_owned()),
    };
    let Some(user) = db::users::find_by_email(conn, email).await? else {
        hashing::verify(password, None).await?;
        record(
            conn,
            state,
            &anonymous,
            Event::new("sign_in.failed", "user", "")
                .with(serde_json::json!({"reason": "unknown_email"})),
        )
        .await?;
        return Ok(Err(Refusal::Generic));
    };
    let actor = Actor {
        user_id: Some(user.id),
        ..anonymous
    };
    if user.locked_at.is_some()
        || sign_in::must_wait(user.failed_logins, user.last_failed_login_at, Utc::now())
    {
        // Checked anyway, so a locked account answers as slowly as any other.
        hashing::verify(password, None).await?;
        let reason = if user.locked_at.is_some() {
            "locked"
        } else {
            "slowed_down"
        };
        record(
            conn,
            state,
            &actor,
            Event::new("sign_in.refused", "user", user.id)
                .with(serde_json::json!({"reason": reason})),
        )
        .await?;
        return Ok(Err(Refusal::Generic));
    }
    let verification = hashing::verify(password, user.password_hash.as_deref()).await?;
    if !verification.matches {
        count_failure(conn, state, &actor, &user, "sign_in.failed").await?;
        return Ok(Err(Refusal::Generic));
    }
    if !user.active {
        record(
            conn,
            state,
            &actor,
            Event::new("sign_in.refused", "user", user.id)
                .with(serde_json::json!({"reason": "deactivated"})),
        )
        .await?;
        return Ok(Err(Refusal::Generic));
    }
    if user.email_verified_at.is_none() {
        return Ok(Err(Refusal::EmailNotVerified));
    }
    if let Some(institution) = user.institution_id {
        let suspended = db::institutions::find(conn, institution)
            .await?
            .is_some_and(|i| i.status == "suspended");
        if suspended {
            return Ok(Err(Refusal::InstitutionSuspended));
        }
    }
    db::users::reset_failures(conn, user.id).await?;
    if verification.needs_rehash {
        db::users::set_password(conn, user.id, &hashing::hash(password).await?).await?;
    }
    Ok(Ok(user))
}

async fn record(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    actor: &Actor,
    event: Event,
) -> AppResult<()> {
    let key = &state.audit_key;
    conn.transaction::<_, AppError, _>(async move |conn| {
        Ok(audit::record(conn, key, actor, event).await?)
    })
    .await
}

/// A wrong password or code: counted, audited, and the account locked at the limit.
async fn count_failure(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    actor: &Actor,
    user: &User,
    action: &'static str,
) -> AppResult<()> {
    let key = &state.audit_key;
    conn.transaction::<_, AppError, _>(async move |conn| {
        let failures = db::users::record_failed_login(conn, user.id).await?;
        audit::record(
            conn,
            key,
            actor,
            Event::new(action, "user", user.id)
                .with(serde_json::json!({"consecutive_failures": failures})),
        )
        .await?;
        if sign_in::locks(failures) && user.locked_at.is_none() {
            db::users::lock(conn, user.id).await?;
            audit::record(
                conn,
                key,
                actor,
                Event::new("account.locked", "user", user.id),
            )
            .await?;
        }
        Ok(())
    })
    .await
}

pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    if let Some(user) = session::current(&req).and_then(|s| s.user) {
        let actor = user.audit_actor(&req);
        record(
            &mut conn,
            &state,
            &actor,
            Event::new("sign_out", "user", user.id),
        )
        .await?;
    }
    session::end(&req, &mut conn).await?;
    Ok(redirect("/?notice=signed-out"))
}

// ----- the second factor ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "auth/mfa.html")]
struct MfaPage {
    ctx: PageContext,
    next: String,
    errors: Errors,
}

pub async fn mfa_form(req: HttpRequest, query: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    let next = safe_next(&query.next).unwrap_or_default();
    page(
        &MfaPage {
            ctx: PageContext::from_request(&req),
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
    state: web::Data<AppState>,
    Form(form): Form<CodeForm>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let user = user_after(&mut conn, &req).await?;
    let actor = Actor {
        user_id: Some(user.id),
        email: Some(user.email.clone()),
        client_addr: Some(client_addr(&req)),
    };
    let accepted = match check_second_factor(&mut conn, &user, &form.code).await? {
        Some(how) => Some(how),
        None => {
            count_failure(&mut conn, &state, &actor, &user, "mfa.failed").await?;
            None
        }
    };
    let Some(how) = accepted.filter(|_| user.active && user.locked_at.is_none()) else {
        let lang = PageContext::from_request(&req).lang;
        let next = safe_next(&form.next).unwrap_or_default();
        let errors = Errors::form(lang.t("mfa-wrong-code"));
        return page(
            &MfaPage {
                ctx: PageContext::from_request(&req),
                next,
                errors,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let (key, user_ref, old) = (&state.audit_key, &user, session::current_id(&req));
    let new = conn
        .transaction::<_, AppError, _>(async move |conn| {
            db::users::reset_failures(conn, user_ref.id).await?;
            audit::record(conn, key, &actor, Event::new(how, "user", user_ref.id)).await?;
            Ok(session::create(conn, old, Some(user_ref), Stage::SignedIn).await?)
        })
        .await?;
    session::install(&req, new);
    Ok(redirect(
        &safe_next(&form.next).unwrap_or_else(|| "/account".into()),
    ))
}

/// Checks a TOTP code (accepted once) or a recovery code (used up); the audit action on success.
pub async fn check_second_factor(
    conn: &mut AsyncPgConnection,
    user: &User,
    code: &str,
) -> AppResult<Option<&'static str>> {
    let Some(secret) = user.totp_secret.as_deref().filter(|_| user.mfa_enabled()) else {
        return Ok(None);
    };
    if let Some(step) = totp::matching_step(secret, code, totp::now()) {
        return Ok(db::users::accept_totp_step(conn, user.id, step)
            .await?
            .then_some("sign_in.succeeded"));
    }
    let recovery = fingerprint(&normalise_recovery_code(code));
    Ok(db::users::use_recovery_code(conn, user.id, &recovery)
        .await?
        .then_some("mfa.recovery_code_used"))
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
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let user = user_after(&mut conn, &req).await?;
    let secret = match user.totp_secret.clone() {
        Some(secret) => secret,
        None => {
            let secret = totp::new_secret();
            db::users::begin_totp(&mut conn, user.id, &secret).await?;
            secret
        }
    };
    let next = safe_next(&query.next).unwrap_or_default();
    render_enrol(&req, &user, secret, next, Errors::default(), StatusCode::OK)
}

fn render_enrol(
    req: &HttpRequest,
    user: &User,
    secret: String,
    next: String,
    errors: Errors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let ask_password = session::current(req).is_some_and(|s| s.stage == Stage::SignedIn);
    let qr_svg = totp::qr_svg(&secret, &user.email)?;
    page(
        &EnrolPage {
            ctx: PageContext::from_request(req),
            secret: spaced(&secret),
            qr_svg,
            next,
            ask_password,
            errors,
        },
        status,
    )
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
    state: web::Data<AppState>,
    Form(form): Form<CodeForm>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let user = user_after(&mut conn, &req).await?;
    let secret = user.totp_secret.clone().ok_or(AppError::Conflict)?;
    let lang = PageContext::from_request(&req).lang;
    let next = safe_next(&form.next).unwrap_or_default();
    let signed_in = session::current(&req).is_some_and(|s| s.stage == Stage::SignedIn);
    if signed_in
        && !hashing::verify(&form.current_password, user.password_hash.as_deref())
            .await?
            .matches
    {
        let errors = Errors::form(lang.t("account-wrong-password"));
        return render_enrol(
            &req,
            &user,
            secret,
            next,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let Some(step) = totp::matching_step(&secret, &form.code, totp::now()) else {
        let errors = Errors::form(lang.t("mfa-wrong-code"));
        return render_enrol(
            &req,
            &user,
            secret,
            next,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let codes: Vec<String> = (0..10).map(|_| recovery_code()).collect();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| fingerprint(c)).collect();
    let actor = Actor {
        user_id: Some(user.id),
        email: Some(user.email.clone()),
        client_addr: Some(client_addr(&req)),
    };
    let (key, user_ref, old) = (&state.audit_key, &user, session::current_id(&req));
    let new = conn
        .transaction::<_, AppError, _>(async move |conn| {
            db::users::enable_totp(conn, user_ref.id, step).await?;
            db::users::replace_recovery_codes(conn, user_ref.id, &hashes).await?;
            audit::record(
                conn,
                key,
                &actor,
                Event::new("mfa.enrolled", "user", user_ref.id),
            )
            .await?;
            // Enrolling completes signing in, and is a change of privilege: a new session token.
            let enrolled = db::users::find(conn, user_ref.id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(session::create(conn, old, Some(&enrolled), Stage::SignedIn).await?)
        })
        .await?;
    session::install(&req, new);
    let next = if next.is_empty() {
        "/account".to_owned()
    } else {
        next
    };
    page(
        &RecoveryCodesPage {
            ctx: PageContext::from_request(&req),
            codes,
            next,
        },
        StatusCode::OK,
    )
}

// ----- forgotten password --------------------------------------------------------------------

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

pub async fn forgot(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<EmailForm>,
) -> AppResult<HttpResponse> {
    let email = normalise_email(&form.email);
    let lang = PageContext::from_request(&req).lang;
    if !super::forms::looks_like_email(&email) {
        let errors = {
            let mut e = Errors::default();
            e.add("email", lang.t("field-email-invalid"));
            e
        };
        return page(
            &ForgotPage {
                ctx: PageContext::from_request(&req),
                email,
                errors,
                sent: false,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let mut conn = state.pool.get().await?;
    if let Some(user) = db::users::find_by_email(&mut conn, &email)
        .await?
        .filter(|u| u.active)
    {
        let actor = Actor {
            user_id: Some(user.id),
            email: Some(user.email.clone()),
            client_addr: Some(client_addr(&req)),
        };
        let (state_ref, user_ref) = (&state, &user);
        conn.transaction::<_, AppError, _>(async move |conn| {
            let link = issue_link(
                conn,
                state_ref,
                user_ref,
                Purpose::ResetPassword,
                "password/reset",
            )
            .await?;
            let mail = reset_mail(user_ref, link);
            mail::enqueue(conn, &state_ref.settings, mail).await?;
            audit::record(
                conn,
                &state_ref.audit_key,
                &actor,
                Event::new("password.reset_requested", "user", user_ref.id),
            )
            .await?;
            Ok(())
        })
        .await?;
    }
    // The same answer whether or not the address has an account.
    page(
        &ForgotPage {
            ctx: PageContext::from_request(&req),
            email,
            errors: Errors::default(),
            sent: true,
        },
        StatusCode::OK,
    )
}

/// Issues a single-use link of `purpose` for `user` and returns its full URL.
pub async fn issue_link(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    user: &User,
    purpose: Purpose,
    path: &str,
) -> AppResult<String> {
    let token = random_token();
    db::tokens::issue(conn, user.id, purpose, &fingerprint(&token)).await?;
    let base = state.settings.base_url.as_str().trim_end_matches('/');
    Ok(format!("{base}/{path}/{token}"))
}

fn reset_mail(user: &User, link: String) -> LinkMail {
    let lang = user.lang();
    LinkMail {
        lang,
        to: user.email.clone(),
        greeting: lang.t_with(
            "mail-greeting",
            &[("name", user.display_name.clone().into())],
        ),
        subject: lang.t("mail-reset-subject"),
        paragraphs: vec![lang.t("mail-reset-body")],
        link,
        link_label: lang.t("mail-reset-action"),
        footnote: lang.t("mail-reset-footnote"),
    }
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
async fn link_user(
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
    let page_purpose = if purpose == Purpose::Invitation {
        "invitation"
    } else {
        "reset"
    };
    page(
        &SetPasswordPage {
            ctx: PageContext::from_request(&req),
            purpose: page_purpose,
            name: user.display_name,
            errors: Errors::default(),
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// The message for a password that fails the rules, or for a confirmation that differs.
pub fn password_errors(lang: Lang, password: &str, confirm: &str, context: &[&str]) -> Errors {
    let mut errors = Errors::default();
    if let Err(problem) = password::check(password, context) {
        let key = match problem {
            password::PasswordProblem::TooShort => "password-too-short",
            password::PasswordProblem::TooLong => "password-too-long",
            password::PasswordProblem::Common => "password-common",
            password::PasswordProblem::ContextWord => "password-context",
        };
        errors.add("password", lang.t(key));
    } else if password != confirm {
        errors.add("confirm", lang.t("password-mismatch"));
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
    let mut conn = state.pool.get().await?;
    let Some(user) = link_user(&mut conn, purpose, &token).await? else {
        return link_invalid(&req);
    };
    let lang = PageContext::from_request(&req).lang;
    let words = context_words(&mut conn, &user).await?;
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let errors = password_errors(lang, &form.password, &form.confirm, &word_refs);
    let page_purpose = if purpose == Purpose::Invitation {
        "invitation"
    } else {
        "reset"
    };
    if !errors.is_empty() {
        let p = SetPasswordPage {
            ctx: PageContext::from_request(&req),
            purpose: page_purpose,
            name: user.display_name,
            errors,
        };
        return page(&p, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let hash = hashing::hash(&form.password).await?;
    let actor = Actor {
        user_id: Some(user.id),
        email: Some(user.email.clone()),
        client_addr: Some(client_addr(&req)),
    };
    let (key, user_ref, token_ref, old) =
        (&state.audit_key, &user, &token, session::current_id(&req));
    let signed_in = conn
        .transaction::<_, AppError, _>(async move |conn| {
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
                    Event::new("password.reset", "user", user_ref.id),
                )
                .await?;
                return Ok(None);
            }
            audit::record(
                conn,
                key,
                &actor,
                Event::new("invitation.accepted", "user", user_ref.id),
            )
            .await?;
            let fresh = db::users::find(conn, user_ref.id)
                .await?
                .ok_or(AppError::NotFound)?;
            let stage = if fresh.role().is_regulator() {
                Stage::PasswordVerified
            } else {
                Stage::SignedIn
            };
            Ok(Some(session::create(conn, old, Some(&fresh), stage).await?))
        })
        .await?;
    Ok(match signed_in.map(|new| session::install(&req, new)) {
        None => redirect("/login?notice=password-reset"),
        Some(s) if s.stage == Stage::SignedIn => redirect("/account?notice=welcome"),
        Some(_) => redirect("/mfa/enrol"),
    })
}

/// Makes sure a regulator role is what `role` says before an account is made for it.
pub fn regulator_role(raw: &str) -> Option<Role> {
    raw.parse::<Role>().ok().filter(|r| r.is_regulator())
}
