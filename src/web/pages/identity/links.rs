//! The links sent by mail that set a password: a forgotten password (1 hour) and an invitation
//! (72 hours). Each works once; a reset ends every session of the user and lifts a lock.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{refusal, refusals};
use crate::db::tokens::Purpose;
use crate::domain::EmailAddress;
use crate::domain::Stage;
use crate::error::AppResult;
use crate::services::identity::links::{self as service, LinkPassword, link_user};
use crate::web::extract::{Actor, Form};
use crate::web::forms::Errors;
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::session;
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    ctx: PageContext,
    email: String,
    errors: Errors,
    sent: bool,
}

pub async fn forgot_form(req: HttpRequest, ctx: PageContext) -> AppResult<HttpResponse> {
    let session = session::ensure(&req)?;
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

/// The answer is the same, and comes as fast, whether or not the address has an account.
pub async fn forgot(
    ctx: PageContext,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<EmailForm>,
) -> AppResult<HttpResponse> {
    let Ok(address) = EmailAddress::parse(&form.email) else {
        let errors = Errors::one("email", "field-email-invalid");
        return form_with_errors(&forgot_page(ctx, form.email.trim().to_owned(), errors));
    };
    let email = address.as_str().to_owned();
    let cx = state.services(&actor);
    match service::request_password_reset(&state.pool, &cx, &address).await? {
        Ok(()) => {
            let sent = ForgotPage {
                ctx,
                email,
                errors: Errors::default(),
                sent: true,
            };
            page(&sent, StatusCode::OK)
        }
        Err(too_many) => page(
            &forgot_page(ctx, email, refusal(&too_many)),
            StatusCode::TOO_MANY_REQUESTS,
        ),
    }
}

/// The form again, as typed, with its errors.
fn forgot_page(ctx: PageContext, email: String, errors: Errors) -> ForgotPage {
    ForgotPage {
        ctx,
        email,
        errors,
        sent: false,
    }
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
    let session = session::ensure(&req)?;
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
    actor: Actor,
    state: web::Data<AppState>,
    token: web::Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<HttpResponse> {
    let link = (token.into_inner(), Purpose::ResetPassword);
    set_password(req, ctx, (actor, state), link, form).await
}

pub async fn accept_invitation(
    req: HttpRequest,
    ctx: PageContext,
    actor: Actor,
    state: web::Data<AppState>,
    token: web::Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<HttpResponse> {
    let link = (token.into_inner(), Purpose::Invitation);
    set_password(req, ctx, (actor, state), link, form).await
}

/// Sets a password through a mailed link. A reset ends every session of the user, who signs in
/// again; accepting an invitation signs the new user in (regulator staff go on to enrol their second
/// factor).
async fn set_password(
    req: HttpRequest,
    ctx: PageContext,
    (actor, state): (Actor, web::Data<AppState>),
    (token, purpose): (String, Purpose),
    form: NewPasswordForm,
) -> AppResult<HttpResponse> {
    let Some(user) = link_user(&mut *state.pool.get().await?, purpose, &token).await? else {
        return link_invalid(ctx);
    };
    let link = LinkPassword {
        token: &token,
        purpose,
        password: &form.password,
        confirm: &form.confirm,
    };
    let (cx, old) = (state.services(&actor), session::current_id(&req));
    let signed_in = match service::set_password(&state.pool, &cx, &user, &link, old).await? {
        Ok(signed_in) => signed_in,
        Err(refused) => {
            let p = SetPasswordPage {
                ctx,
                purpose: page_name(purpose),
                name: user.display_name,
                errors: refusals(&refused, &["password", "confirm"]),
            };
            return form_with_errors(&p);
        }
    };
    Ok(match signed_in.map(|new| session::install(&req, new)) {
        None => redirect("/login?notice=password-reset"),
        Some(s) if s.stage == Stage::SignedIn => redirect("/account?notice=welcome"),
        Some(_) => redirect("/mfa/enrol"),
    })
}
