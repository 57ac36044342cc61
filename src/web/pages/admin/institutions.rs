//! Institutions in the admin area: the list, an institution with its members, and its state.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::db::{self, institutions::Institution, users::User};
use crate::domain::InstitutionStatus;
use crate::error::{AppError, AppResult};
use crate::services::admin::institutions as service;
use crate::services::institution::members::{Roster, roster};
use crate::web::confirm::ConfirmPage;
use crate::web::extract::Form;
use crate::web::extract::{Actor, Admin};
use crate::web::reply::{page, redirect};
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "admin/institutions.html")]
struct InstitutionsPage {
    ctx: PageContext,
    institutions: Vec<Institution>,
}

pub async fn list(ctx: PageContext, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let institutions = db::institutions::all(&mut conn).await?;
    page(&InstitutionsPage { ctx, institutions }, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "admin/institution.html")]
struct InstitutionPage {
    ctx: PageContext,
    institution: Institution,
    members: Vec<User>,
}

pub async fn show(
    ctx: PageContext,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let Roster {
        institution,
        members,
    } = roster(&mut conn, *id).await?;
    page(
        &InstitutionPage {
            ctx,
            institution,
            members,
        },
        StatusCode::OK,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    status: String,
}

/// Suspending an institution ends its members' sessions; they cannot sign in until it is active again.
pub async fn set_status(
    _: Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<StatusForm>,
) -> AppResult<HttpResponse> {
    let status: InstitutionStatus = form.status.parse().map_err(|_| AppError::BadRequest)?;
    let id = *id;
    let mut conn = state.pool.get().await?;
    service::set_status(&mut conn, &state.services(&actor), id, status).await?;
    Ok(redirect(&format!("/admin/institutions/{id}?notice=saved")))
}

/// The page before suspending an institution: what it does, and its button. Making it active again
/// needs no question.
pub async fn confirm_status(
    ctx: PageContext,
    _: Admin,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let Roster { institution, .. } = roster(&mut conn, *id).await?;
    let args = [("name", institution.legal_name_ko.clone().into())];
    ConfirmPage {
        title: ctx.lang.t_with("confirm-suspend-title", &args),
        what: ctx.lang.t_with("confirm-suspend-what", &args),
        action: format!("/admin/institutions/{}/status", institution.id),
        hidden: vec![("status", InstitutionStatus::Suspended.as_str().to_owned())],
        choose: None,
        submit: ctx.t("admin-suspend-institution"),
        back: format!("/admin/institutions/{}", institution.id),
        ctx,
    }
    .reply()
}
