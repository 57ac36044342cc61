//! The staff's actions on a case, each posted from the workspace: take it, assign it, record a
//! section's outcome, add an internal note, confirm the application complete. Each goes back to
//! the workspace; a refusal says why, with a link to the case as it is now.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::Role;
use crate::domain::application::SectionKind;
use crate::domain::review::outcome::SectionOutcome;
use crate::domain::review::transition::Refused;
use crate::error::{AppError, AppResult};
use crate::services::review::assignment::{self, Assigned};
use crate::services::review::{Applied, completeness, workspace};
use crate::web::extract::{Actor, Form, Staff};
use crate::web::forms::Errors;
use crate::web::reply::{form_with_errors, redirect};
use crate::web::{AppState, PageContext};

use super::{case, case_url, refused};

/// Longest internal note, in characters (the table's limit).
const NOTE_MAX_CHARS: usize = 10_000;

pub async fn take(
    ctx: PageContext,
    _staff: Staff,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let mut conn = state.pool.get().await?;
    match assignment::take(&mut conn, &state.services(&actor), id).await? {
        Assigned::Done => Ok(redirect(&case_url(id))),
        _ => refused(ctx, id, "review-taken-already", StatusCode::CONFLICT),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    assignee: String,
    version: String,
}

pub async fn assign(
    ctx: PageContext,
    staff: Staff,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    Form(form): Form<AssignForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    if staff.0.role != Role::Approver {
        // Only approvers assign: a reviewer is refused whatever the form says.
        return Err(AppError::Forbidden);
    }
    let to: Option<Uuid> = form.assignee.trim().parse().ok();
    let version: i32 = form.version.trim().parse().unwrap_or(0);
    let cx = state.services(&actor);
    let outcome = match to {
        Some(to) => {
            let mut conn = state.pool.get().await?;
            assignment::assign(&mut conn, &cx, staff.0.role, id, to, version).await?
        }
        None => Assigned::UnknownAssignee,
    };
    match outcome {
        Assigned::Done => Ok(redirect(&case_url(id))),
        Assigned::Stale => refused(ctx, id, "review-refused-state", StatusCode::CONFLICT),
        Assigned::UnknownAssignee => {
            let errors = Errors::one("assignee", "review-choose-person-error");
            form_with_errors(&case::render(&state, ctx, &staff, id, errors).await?)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OutcomeForm {
    outcome: String,
}

pub async fn outcome(
    actor: Actor,
    _staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    Form(form): Form<OutcomeForm>,
) -> AppResult<HttpResponse> {
    let (id, code) = path.into_inner();
    let kind: SectionKind = code.parse().map_err(|_| AppError::NotFound)?;
    let Ok(outcome) = form.outcome.parse::<SectionOutcome>() else {
        // Only the page's buttons send an outcome: anything else is not a choice a person made.
        return Err(AppError::BadRequest);
    };
    let mut conn = state.pool.get().await?;
    workspace::set_outcome(&mut conn, &state.services(&actor), id, kind, outcome).await?;
    Ok(redirect(&format!(
        "{}#section-{}",
        case_url(id),
        kind.as_str()
    )))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    section: String,
    body: String,
}

pub async fn note(
    ctx: PageContext,
    staff: Staff,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    Form(form): Form<NoteForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let body = form.body.trim();
    let key = match body.chars().count() {
        0 => Some("review-note-empty"),
        n if n > NOTE_MAX_CHARS => Some("review-note-too-long"),
        _ => None,
    };
    if let Some(key) = key {
        let shown = case::render(&state, ctx, &staff, id, Errors::one("body", key)).await?;
        return form_with_errors(&shown.with_note(form.body));
    }
    let section = form.section.parse::<SectionKind>().ok();
    let mut conn = state.pool.get().await?;
    workspace::add_note(&mut conn, &state.services(&actor), id, section, body).await?;
    Ok(redirect(&format!("{}#notes-heading", case_url(id))))
}

pub async fn complete(
    ctx: PageContext,
    staff: Staff,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    match completeness::confirm(&mut conn, &cx, staff.0.role, id).await? {
        Applied::Done(_) => Ok(redirect(&case_url(id))),
        Applied::Stale => refused(ctx, id, "review-refused-state", StatusCode::CONFLICT),
        Applied::Refused(Refused::NotFound) => Err(AppError::NotFound),
        Applied::Refused(why @ (Refused::WrongState | Refused::OwnProposal)) => {
            refused(ctx, id, why.message_key(), StatusCode::CONFLICT)
        }
        Applied::Refused(why) => refused(ctx, id, why.message_key(), StatusCode::FORBIDDEN),
    }
}
