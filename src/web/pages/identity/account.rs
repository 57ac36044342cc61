//! A signed-in user's own account: who they are, and changing their password, email address or
//! second factor. Each change asks for the password (and a code, once MFA is on) again, under the
//! same attempt limits as signing in.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel_async::AsyncConnection;
use serde::Deserialize;

use super::signup::tell_owner_once_an_hour;
use super::{
    Checked, check_second_factor, context_words, issue_link, limited_check, link_invalid,
    link_user, password_errors,
};
use crate::audit::{self, Action, Event, ObjectType};
use crate::auth::hashing;
use crate::auth::secrets::fingerprint;
use crate::db::institutions::Institution;
use crate::db::tokens::Purpose;
use crate::db::{self, users::User};
use crate::domain::{EmailAddress, Stage};
use crate::error::{AppError, AppResult};
use crate::mail;
use crate::mail::messages::{AddressUse, ConfirmNewAddress, EmailChangeRequested, Recipient};
use crate::web::csrf::Form;
use crate::web::forms::Errors;
use crate::web::reply::{page, redirect};
use crate::web::session::{self, SessionUser};
use crate::web::{AppState, PageContext, actor_of};

fn signed_in(req: &HttpRequest) -> AppResult<SessionUser> {
    session::user(req).ok_or(AppError::Forbidden)
}

async fn load(state: &AppState, who: &SessionUser) -> AppResult<User> {
    let mut conn = state.pool.get().await?;
    db::users::find(&mut conn, who.id)
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
    let user = load(state, &signed_in(req)?).await?;
    let institution = match user.institution_id {
        Some(id) => {
            let mut conn = state.pool.get().await?;
            db::institutions::find(&mut conn, id).await?
        }
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

/// Checks a re-authentication under the account's attempt limits; on failure, the errors to show
/// beside the fields.
async fn reauthenticate(
    state: &AppState,
    req: &HttpRequest,
    user: &User,
    given: &Reauthentication,
) -> AppResult<Result<(), Errors>> {
    let mut password_ok = false;
    let checked = limited_check(
        state,
        &actor_of(user, req),
        user.id,
        Action::ReauthenticationFailed,
        async {
            password_ok = hashing::verify(&given.current_password, user.password_hash.as_deref())
                .await?
                .matches;
            if !password_ok || !user.mfa_enabled() {
                return Ok(password_ok);
            }
            let mut conn = state.pool.get().await?;
            Ok(
                check_second_factor(&mut conn, &state.totp_secrets, user, &given.code)
                    .await?
                    .is_some(),
            )
        },
    )
    .await?;
    if checked == Checked::Accepted {
        return Ok(Ok(()));
    }
    let lang = PageContext::from_request(req).lang;
    let mut errors = Errors::default();
    if password_ok {
        errors.add("code", lang.t("mfa-wrong-code"));
    } else {
        errors.add("current_password", lang.t("account-wrong-password"));
    }
    Ok(Err(errors))
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
    let user = load(&state, &who).await?;
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
    if let Err(errors) = reauthenticate(&state, &req, &user, &form.reauth).await? {
        return send_back(errors);
    }
    let words = {
        let mut conn = state.pool.get().await?;
        context_words(&mut conn, &user).await?
    };
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let errors = password_errors(
        PageContext::from_request(&req).lang,
        &form.password,
        &form.confirm,
        &word_refs,
    );
    if !errors.is_empty() {
        return send_back(errors);
    }
    let hash = hashing::hash(&form.password).await?;
    let actor = actor_of(&user, &req);
    let (key, user_ref) = (&state.audit_key, &user);
    let mut conn = state.pool.get().await?;
    let new = conn
        .transaction::<_, AppError, _>(async move |conn| {
            db::users::set_password(conn, user_ref.id, &hash).await?;
            // Every other session ends; this one continues under a new token.
            db::sessions::delete_all_of(conn, user_ref.id).await?;
            audit::record(
                conn,
                key,
                &actor,
                Event::new(Action::PasswordChanged, ObjectType::User, user_ref.id),
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

/// A new address takes effect only once its owner follows the link sent to it; until then the
/// account keeps its address, and the old address is told about the request. Whether the new
/// address already has an account is never shown: its owner is told instead.
pub async fn change_email(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<ChangeEmailForm>,
) -> AppResult<HttpResponse> {
    let who = signed_in(&req)?;
    let user = load(&state, &who).await?;
    let lang = PageContext::from_request(&req).lang;
    let email = form.email.trim().to_owned();
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
    let address = match EmailAddress::parse(&email) {
        Ok(address) if address.as_str() != user.email => address,
        parsed => {
            let errors = Errors::one(
                "email",
                lang.t(if parsed.is_ok() {
                    "account-email-same"
                } else {
                    "field-email-invalid"
                }),
            );
            return send_back(errors, email);
        }
    };
    if let Err(errors) = reauthenticate(&state, &req, &user, &form.reauth).await? {
        return send_back(errors, email);
    }
    let actor = actor_of(&user, &req);
    let (state_ref, user_ref, email_ref) = (&state, &user, &address);
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, AppError, _>(async move |conn| {
        if let Some(owner) = db::users::find_by_email(conn, email_ref).await? {
            tell_owner_once_an_hour(conn, state_ref, &actor, &owner, AddressUse::EmailChange)
                .await?;
            let details = serde_json::json!({"by": user_ref.id});
            let event = Event::new(Action::EmailChangeAddressInUse, ObjectType::User, owner.id)
                .with(details);
            audit::record(conn, &state_ref.audit_key, &actor, event).await?;
        } else {
            db::users::set_pending_email(conn, user_ref.id, email_ref).await?;
            let mut pending = user_ref.clone();
            pending.email = email_ref.to_string();
            let link = issue_link(conn, state_ref, &pending, Purpose::ChangeEmail).await?;
            mail::enqueue(
                conn,
                &state_ref.settings,
                ConfirmNewAddress {
                    to: Recipient::of(&pending),
                    link: &link,
                },
            )
            .await?;
        }
        mail::enqueue(
            conn,
            &state_ref.settings,
            EmailChangeRequested {
                to: Recipient::of(user_ref),
                new_email: email_ref.as_str(),
            },
        )
        .await?;
        let details = serde_json::json!({"to": email_ref.as_str()});
        audit::record(
            conn,
            &state_ref.audit_key,
            &actor,
            Event::new(Action::EmailChangeRequested, ObjectType::User, user_ref.id).with(details),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(redirect("/account?notice=email-change-sent"))
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
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let Some(pending) = link_user(&mut conn, Purpose::ChangeEmail, &token)
        .await?
        .and_then(|u| u.pending_email)
    else {
        return link_invalid(&req);
    };
    session::ensure(&req, &mut conn).await?;
    page(
        &ConfirmEmailPage {
            ctx: PageContext::from_request(&req),
            email: pending,
        },
        StatusCode::OK,
    )
}

pub async fn confirm_email(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let addr = crate::web::client_addr(&req);
    let (key, token_ref) = (&state.audit_key, &token);
    let mut conn = state.pool.get().await?;
    let confirmed = conn
        .transaction::<_, AppError, _>(async move |conn| {
            let Some(id) =
                db::tokens::consume(conn, Purpose::ChangeEmail, &fingerprint(token_ref)).await?
            else {
                return Ok(false);
            };
            let Some(before) = db::users::find(conn, id).await? else {
                return Ok(false);
            };
            let Some(email) = db::users::confirm_pending_email(conn, id).await? else {
                return Ok(false);
            };
            let actor = audit::Actor {
                user_id: Some(id),
                email: Some(email.clone()),
                client_addr: Some(addr),
            };
            let details = serde_json::json!({"from": before.email, "to": email});
            audit::record(
                conn,
                key,
                &actor,
                Event::new(Action::EmailChanged, ObjectType::User, id).with(details),
            )
            .await?;
            Ok(true)
        })
        .await;
    match confirmed {
        Ok(true) => Ok(redirect(if session::user(&req).is_some() {
            "/account?notice=email-changed"
        } else {
            "/login?notice=email-changed"
        })),
        Ok(false) => link_invalid(&req),
        // Someone took the address in the meantime: the unique index refuses it.
        Err(AppError::Internal(e)) if crate::db::is_unique_violation(&e) => link_invalid(&req),
        Err(e) => Err(e),
    }
}

/// Turns the second factor off (to move to a new phone, say). Regulator staff must enrol again
/// before they can go on.
pub async fn reset_mfa(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<Reauthentication>,
) -> AppResult<HttpResponse> {
    let who = signed_in(&req)?;
    let user = load(&state, &who).await?;
    if !user.mfa_enabled() {
        return Ok(redirect("/account"));
    }
    if let Err(errors) = reauthenticate(&state, &req, &user, &form).await? {
        return render_account(&req, &state, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let actor = actor_of(&user, &req);
    let (key, user_ref, old) = (&state.audit_key, &user, session::current_id(&req));
    let regulator = user.role.is_regulator();
    let mut conn = state.pool.get().await?;
    let new = conn
        .transaction::<_, AppError, _>(async move |conn| {
            db::users::clear_totp(conn, user_ref.id).await?;
            db::users::delete_recovery_codes(conn, user_ref.id).await?;
            audit::record(
                conn,
                key,
                &actor,
                Event::new(Action::MfaRemoved, ObjectType::User, user_ref.id),
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
