//! /applications: the institution's applications with their states and dates, and the way to start
//! one when none is open.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db::applications::Application;
use crate::error::AppResult;
use crate::services::application as service;
use crate::web::extract::{Actor, Form, IssuerMember};
use crate::web::reply::{page, redirect};
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "application/dashboard.html")]
struct DashboardPage {
    ctx: PageContext,
    applications: Vec<Application>,
    has_open: bool,
}

pub async fn list(
    ctx: PageContext,
    member: IssuerMember,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let applications = service::of_institution(&mut conn, member.institution).await?;
    let has_open = applications.iter().any(|a| !a.state.is_closed());
    page(
        &DashboardPage {
            ctx,
            applications,
            has_open,
        },
        StatusCode::OK,
    )
}

/// Starts an application, or goes to the open one.
pub async fn start(
    member: IssuerMember,
    actor: Actor,
    state: web::Data<AppState>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    let id = service::start(&mut conn, &cx, member.institution).await?;
    Ok(redirect(&super::task_list_url(id)))
}
