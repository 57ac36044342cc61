//! /applications: the institution's applications with their states and dates, the way to start
//! one when none is open, and the timeline of what happened to them, newest first.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use crate::db::applications::Application;
use crate::error::AppResult;
use crate::services::application as service;
use crate::services::application::submission::{self, TimelineEvent};
use crate::web::extract::{Actor, Form, IssuerMember};
use crate::web::reply::{page, redirect};
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "application/dashboard.html")]
struct DashboardPage {
    ctx: PageContext,
    applications: Vec<Application>,
    has_open: bool,
    timeline: Vec<TimelineView>,
    /// The decided applications, each with its registration number (none for a rejection).
    decided: Vec<(Uuid, Option<String>)>,
}

impl DashboardPage {
    /// Application `id`'s decision: `Some(number)` once decided (the number empty for a rejection).
    fn decision_of(&self, id: &Uuid) -> Option<&str> {
        self.decided
            .iter()
            .find(|(decided, _)| decided == id)
            .map(|(_, number)| number.as_deref().unwrap_or_default())
    }
}

/// An event of the timeline in the page's language.
struct TimelineView {
    at: String,
    what: String,
    /// The application it happened to: its reference, or "Draft application".
    application: String,
    by: String,
    /// The reason given, for a withdrawal.
    reason: Option<String>,
}

fn timeline_view(
    ctx: &PageContext,
    applications: &[Application],
    event: TimelineEvent,
) -> TimelineView {
    let row = event.row;
    let reference = applications
        .iter()
        .find(|a| row.object_id.as_deref() == Some(a.id.to_string().as_str()))
        .and_then(|a| a.reference.clone());
    // A transition's own details sit under "details" (`review::apply`).
    let detail = |name: &str| {
        row.details
            .get("details")
            .and_then(|d| d.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    TimelineView {
        at: ctx.datetime(&row.occurred_at),
        what: ctx.t(row.action.label_key()),
        application: detail("reference")
            .or(reference)
            .unwrap_or_else(|| ctx.t("application-draft-name")),
        by: event.by,
        reason: detail("reason"),
    }
}

pub async fn list(
    ctx: PageContext,
    member: IssuerMember,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let applications = service::of_institution(&mut conn, member.institution).await?;
    let has_open = applications.iter().any(|a| !a.state.is_closed());
    let events = submission::timeline(&mut conn, &applications).await?;
    let decided = crate::services::review::decisions::decided_of(&mut conn, &applications).await?;
    let timeline = events
        .into_iter()
        .map(|e| timeline_view(&ctx, &applications, e))
        .collect();
    page(
        &DashboardPage {
            ctx,
            applications,
            has_open,
            timeline,
            decided,
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
