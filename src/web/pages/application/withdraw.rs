//! Withdrawing an application (/applications/{id}/withdraw): a page of its own that says what will
//! happen and asks why, then the withdrawal, from any state before a decision.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use crate::db::applications::Application;
use crate::error::{AppError, AppResult};
use crate::services::application::submission::{self, MAX_REASON, Withdrawn};
use crate::services::application::{self as service};
use crate::web::extract::{Actor, Form, IssuerMember};
use crate::web::forms::{Errors, at_most};
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "application/withdraw.html")]
struct WithdrawPage {
    ctx: PageContext,
    application: Application,
    reason: String,
    errors: Errors,
}

#[derive(serde::Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    reason: String,
}

/// The application, if it can still be withdrawn: a decided or withdrawn one is a 409.
async fn withdrawable(
    state: &AppState,
    member: &IssuerMember,
    id: Uuid,
) -> AppResult<(Application, crate::db::Connection)> {
    let mut conn = state.pool.get().await?;
    let application = service::of_member(&mut conn, id, member.institution).await?;
    if application.state.is_closed() {
        return Err(AppError::Conflict);
    }
    Ok((application, conn))
}

pub async fn form(
    ctx: PageContext,
    member: IssuerMember,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let (application, _) = withdrawable(&state, &member, path.into_inner()).await?;
    let shown = WithdrawPage {
        ctx,
        application,
        reason: String::new(),
        errors: Errors::default(),
    };
    page(&shown, StatusCode::OK)
}

pub async fn withdraw(
    ctx: PageContext,
    member: IssuerMember,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    Form(form): Form<WithdrawForm>,
) -> AppResult<HttpResponse> {
    let (application, mut conn) = withdrawable(&state, &member, path.into_inner()).await?;
    let reason = form.reason.trim();
    let mut errors = Errors::default();
    if reason.is_empty() {
        errors.add("reason", "withdraw-reason-required");
    }
    at_most(reason, MAX_REASON, "reason", &mut errors);
    if !errors.is_empty() {
        let reason = form.reason.clone();
        return form_with_errors(&WithdrawPage {
            ctx,
            application,
            reason,
            errors,
        });
    }
    let cx = state.services(&actor);
    match submission::withdraw(&mut conn, &cx, application.id, member.institution, reason).await? {
        Withdrawn::Done => Ok(redirect("/applications?notice=withdrawn")),
        Withdrawn::Decided => Err(AppError::Conflict),
    }
}
