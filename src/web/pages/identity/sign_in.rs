//! Signing in with a password, and signing out.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{NextQuery, refusal};
use crate::db::users::User;
use crate::domain::Stage;
use crate::error::AppResult;
use crate::services::identity::sign_in::{self as service, Refused};
use crate::web::extract::{Actor, Form};
use crate::web::forms::Errors;
use crate::web::reply::{form_with_errors, page, redirect, safe_next};
use crate::web::session;
use crate::web::{AppState, PageContext};

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
    ctx: PageContext,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    let session = session::ensure(&req)?;
    let next = safe_next(&query.next).unwrap_or_default();
    page(
        &LoginPage {
            ctx: ctx.with_session(&session),
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

pub async fn login(
    req: HttpRequest,
    ctx: PageContext,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let email = form.email.trim();
    let cx = state.services(&actor);
    let old = session::current_id(&req);
    match service::sign_in(&state.pool, &cx, email, &form.password, old).await? {
        Ok(accepted) => {
            session::install(&req, accepted.session);
            let next = safe_next(&form.next);
            Ok(redirect(&after_password(
                &accepted.user,
                accepted.stage,
                next,
            )))
        }
        Err(refused) => {
            let login_page = LoginPage {
                ctx,
                email: email.to_owned(),
                next: safe_next(&form.next).unwrap_or_default(),
                errors: refusal(&refused),
            };
            match refused {
                Refused::TooManyFromAddress => page(&login_page, StatusCode::TOO_MANY_REQUESTS),
                _ => form_with_errors(&login_page),
            }
        }
    }
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

pub async fn logout(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let ending = session::current_id(&req);
    service::sign_out(&mut conn, &state.services(&actor), ending).await?;
    session::forget(&req);
    Ok(redirect("/?notice=signed-out"))
}
