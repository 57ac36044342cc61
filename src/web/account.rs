//! A signed-in user's own account: who they are, and changing their password, email address or
//! second factor. Each change asks for the password (and a code, once MFA is on) again.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;

use super::auth::{check_second_factor, context_words, issue_link, password_errors};
use super::csrf::Form;
use super::forms::{Errors, looks_like_email, normalise_email};
use super::reply::{page, redirect};
use super::session::{self, SessionUser, Stage};
use super::{AppState, PageContext};
use crate::audit::{self, Event};
use crate::auth::hashing;
use crate::db::institutions::Institution;
use crate::db::tokens::Purpose;
use crate::db::{self, users::User};
use crate::error::{AppError, AppResult};
use crate::mail::{self, LinkMail};

fn signed_in(req: &HttpRequest) -> AppResult<SessionUser> {
    session::user(req).ok_or(AppError::Forbidden)
}

async fn load(conn: &mut AsyncPgConnection, who: &SessionUser) -> AppResult<User> {
    db::users::find(conn, who.id)
        .await?
        .ok_or(AppError::Forbidden)
}

#[derive(Template)]
#[template(path = "account/show.html")]
struct AccountPage {
    ctx: PageContext,
    user: User,
    institution: Option<Institution>,
    errors: Errors,
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    render_account(&req, &state, Errors::default(), StatusCode::OK).await
}

async fn render_account(
    req: &HttpRequest,
    state: &AppState,
    errors: Errors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let who = signed_in(req)?;
    let mut conn = state.pool.get().await?;
    let user = load(&mut conn, &who).await?;
    let institution = match user.institution_id {
        Some(id) => db::institutions::find(&mut conn, id).await?,
        None => None,
    };
    page(
        &AccountPage {
            ctx: PageContext::from_request(req),
            user,
            institution,
            errors,
        },
        status,
    )
}

/// The password, and the code when MFA is on, typed again before a sensitive change.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Reauthentication {
    current_password: String,
    code: String,
}

/// Checks a re-authentication; a wrong one counts as a failed sign-in.
async fn reauthenticate(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    req: &HttpRequest,
    user: &User,
    given: &Reauthentication,
) -> AppResult<Result<(), &'static str>> {
    let password_ok = hashing::verify(&given.current_password, user.password_hash.as_deref())
        .await?
        .matches;
    let code_ok = !user.mfa_enabled()
        || check_second_factor(conn, user, &given.code)
            .await?
            .is_some();
    if password_ok && code_ok {
        if let Some(s) = session::current(req) {
            db::sessions::mark_reauthenticated(conn, s.id).await?;
        }
        return Ok(Ok(()));
    }
    let actor = SessionUser::from(user).audit_actor(req);
    let key = &state.audit_key;
    conn.transaction::<_, AppError, _>(async move |conn| {
        db::users::record_failed_login(conn, user.id).await?;
        audit::record(
            conn,
            key,
            &actor,
            Event::new("reauthentication.failed", "user", user.id),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(Err(if password_ok {
        "mfa-wrong-code"
    } else {
        "account-wrong-password"
    }))
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    ctx: PageContext,
    mfa: bool,
    errors: Errors,
}

pub async fn password_form(req: HttpRequest) -> AppResult<HttpResponse> {
    let who = signed_in(&req)?;
    page(
        &PasswordPage {
            ctx: PageContext::from_request(&req),
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
    state: web::Data<AppState>,
    Form(form): Form<ChangePasswordForm>,
) -> AppResult<HttpResponse> {
    let who = signed_in(&req)?;
    let mut conn = state.pool.get().await?;
    let user = load(&mut conn, &who).await?;
    let lang = PageContext::from_request(&req).lang;
    let send_back = |errors: Errors| {
        page(
            &PasswordPage {
                ctx: PageContext::from_request(&req),
                mfa: who.mfa_enabled,
                errors,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if let Err(key) = reauthenticate(&mut conn, &state, &req, &user, &form.reauth).await? {
        return send_back(Errors::form(lang.t(key)));
    }
    let words = context_words(&mut conn, &user).await?;
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let errors = password_errors(lang, &form.password, &form.confirm, &word_refs);
    if !errors.is_empty() {
        return send_back(errors);
    }
    let hash = hashing::hash(&form.password).await?;
    let actor = who.audit_actor(&req);
    let (key, user_ref) = (&state.audit_key, &user);
    let new = conn
        .transaction::<_, AppError, _>(async move |conn| {
            db::users::set_password(conn, user_ref.id, &hash).await?;
            // Every other session ends; this one continues under a new token.
            db::sessions::delete_all_of(conn, user_ref.id).await?;
            audit::record(
                conn,
                key,
                &actor,
                Event::new("password.changed", "user", user_ref.id),
            )
            .await?;
            Ok(session::create(conn, None, Some(user_ref), Stage::SignedIn).await?)
        })
        .await?;
    session::install(&req, new);
    Ok(redirect("/account?notice=password-changed"))
}

#[derive(Template)]
#[template(path = "account/email.html")]
struct EmailPage {
    ctx: PageContext,
    mfa: bool,
    email: String,
    errors: Errors,
}

pub async fn email_form(req: HttpRequest) -> AppResult<HttpResponse> {
    let who = signed_in(&req)?;
    page(
        &EmailPage {
            ctx: PageContext::from_request(&req),
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

/// A new address must be verified before it can be used to sign in: the change signs the user out
/// and mails a verification link to the new address.
pub async fn change_email(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<ChangeEmailForm>,
) -> AppResult<HttpResponse> {
    let who = signed_in(&req)?;
    let mut conn = state.pool.get().await?;
    let user = load(&mut conn, &who).await?;
    let lang = PageContext::from_request(&req).lang;
    let email = normalise_email(&form.email);
    let send_back = |errors: Errors, email: String| {
        page(
            &EmailPage {
                ctx: PageContext::from_request(&req),
                mfa: who.mfa_enabled,
                email,
                errors,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if !looks_like_email(&email) {
        let mut errors = Errors::default();
        errors.add("email", lang.t("field-email-invalid"));
        return send_back(errors, email);
    }
    if let Err(key) = reauthenticate(&mut conn, &state, &req, &user, &form.reauth).await? {
        return send_back(Errors::form(lang.t(key)), email);
    }
    if db::users::email_taken(&mut conn, &email).await? {
        let mut errors = Errors::default();
        errors.add("email", lang.t("account-email-unavailable"));
        return send_back(errors, email);
    }
    let actor = who.audit_actor(&req);
    let (state_ref, user_ref, email_ref) = (&state, &user, &email);
    conn.transaction::<_, AppError, _>(async move |conn| {
        db::users::set_email(conn, user_ref.id, email_ref).await?;
        db::users::unverify_email(conn, user_ref.id).await?;
        db::sessions::delete_all_of(conn, user_ref.id).await?;
        let changed = db::users::find(conn, user_ref.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let link = issue_link(
            conn,
            state_ref,
            &changed,
            Purpose::VerifyEmail,
            "verify-email",
        )
        .await?;
        let lang = changed.lang();
        let mail = LinkMail {
            lang,
            to: changed.email.clone(),
            greeting: lang.t_with(
                "mail-greeting",
                &[("name", changed.display_name.clone().into())],
            ),
            subject: lang.t("mail-verify-subject"),
            paragraphs: vec![lang.t("mail-email-changed-body")],
            link,
            link_label: lang.t("mail-verify-action"),
            footnote: lang.t("mail-verify-footnote"),
        };
        mail::enqueue(conn, &state_ref.settings, mail).await?;
        let details = serde_json::json!({"from": user_ref.email, "to": email_ref});
        audit::record(
            conn,
            &state_ref.audit_key,
            &actor,
            Event::new("email.changed", "user", user_ref.id).with(details),
        )
        .await?;
        Ok(())
    })
    .await?;
    // All of the user's sessions, this one included, ended in the transaction.
    session::forget(&req);
    Ok(redirect("/login?notice=email-changed"))
}

/// Turns the second factor off (to move to a new phone, say). Regulator staff must enrol again
/// before they can go on.
pub async fn reset_mfa(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<Reauthentication>,
) -> AppResult<HttpResponse> {
    let who = signed_in(&req)?;
    let mut conn = state.pool.get().await?;
    let user = load(&mut conn, &who).await?;
    if !user.mfa_enabled() {
        return Ok(redirect("/account"));
    }
    if let Err(key) = reauthenticate(&mut conn, &state, &req, &user, &form).await? {
        let lang = PageContext::from_request(&req).lang;
        return render_account(
            &req,
            &state,
            Errors::form(lang.t(key)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let actor = who.audit_actor(&req);
    let (key, user_ref, old) = (&state.audit_key, &user, session::current_id(&req));
    let regulator = user.role().is_regulator();
    let new = conn
        .transaction::<_, AppError, _>(async move |conn| {
            db::users::clear_totp(conn, user_ref.id).await?;
            db::users::delete_recovery_codes(conn, user_ref.id).await?;
            audit::record(
                conn,
                key,
                &actor,
                Event::new("mfa.removed", "user", user_ref.id),
            )
            .await?;
            let changed = db::users::find(conn, user_ref.id)
                .await?
                .ok_or(AppError::NotFound)?;
            let stage = if regulator {
                Stage::PasswordVerified
            } else {
                Stage::SignedIn
            };
            Ok(session::create(conn, old, Some(&changed), stage).await?)
        })
        .await?;
    session::install(&req, new);
    Ok(redirect(if regulator {
        "/mfa/enrol"
    } else {
        "/account?notice=mfa-removed"
    }))
}
