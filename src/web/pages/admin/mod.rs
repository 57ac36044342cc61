//! The admin area: regulator accounts (invite, change role, deactivate and reactivate, reset MFA,
//! unlock), institutions and their state, and the audit log. The last active admin can never be
//! removed or demoted, and an admin cannot deactivate themself.

pub mod users;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db::audit_log::{self, AuditRow};
use crate::db::institutions::Institution;
use crate::db::{self, users::User};
use crate::domain::InstitutionStatus;
use crate::error::{AppError, AppResult};
use crate::web::extract::Form;
use crate::web::extract::{Actor, Admin};
use crate::web::reply::{page, redirect};
use crate::web::{AppState, PageContext};

// ----- institutions --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/institutions.html")]
struct InstitutionsPage {
    ctx: PageContext,
    institutions: Vec<Institution>,
}

pub async fn institutions(ctx: PageContext, state: web::Data<AppState>) -> AppResult<HttpResponse> {
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

pub async fn institution(
    ctx: PageContext,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let institution = db::institutions::find(&mut conn, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    let members = db::users::members_of(&mut conn, *id).await?;
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
pub async fn set_institution_status(
    _: Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<StatusForm>,
) -> AppResult<HttpResponse> {
    let status: InstitutionStatus = form.status.parse().map_err(|_| AppError::BadRequest)?;
    let id = *id;
    let mut conn = state.pool.get().await?;
    let key = &state.audit_key;
    conn.transaction::<_, AppError, _>(async move |conn| {
        let institution = db::institutions::find(conn, id)
            .await?
            .ok_or(AppError::NotFound)?;
        db::institutions::set_status(conn, id, status).await?;
        if status == InstitutionStatus::Suspended {
            for member in db::users::members_of(conn, id).await? {
                db::sessions::delete_all_of(conn, member.id).await?;
            }
        }
        let details =
            serde_json::json!({"from": institution.status.as_str(), "to": status.as_str()});
        audit::record(
            conn,
            key,
            &actor,
            Event::new(
                Action::InstitutionStatusChanged,
                ObjectType::Institution,
                id,
            )
            .with(details),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(redirect(&format!("/admin/institutions/{id}?notice=saved")))
}

// ----- audit log -----------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    actor: String,
    object: String,
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    ctx: PageContext,
    rows: Vec<AuditRow>,
    actions: Vec<Action>,
    query: AuditQuery,
    /// The link to the next (older) page, if there is one.
    older: Option<String>,
}

const AUDIT_PAGE_SIZE: i64 = 50;

pub async fn audit(
    ctx: PageContext,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let filter = audit_log::Filter {
        action: Some(query.action.clone()),
        actor_email: Some(query.actor.clone()),
        object_id: Some(query.object.clone()),
        before_seq: query.before,
    };
    let mut conn = state.pool.get().await?;
    let rows = audit_log::page(&mut conn, &filter, AUDIT_PAGE_SIZE).await?;
    let actions = audit_log::actions(&mut conn).await?;
    let older = (rows.len() as i64 == AUDIT_PAGE_SIZE).then(|| {
        let last = rows.last().map_or(0, |r| r.seq);
        let params = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("action", &query.action)
            .append_pair("actor", &query.actor)
            .append_pair("object", &query.object)
            .append_pair("before", &last.to_string())
            .finish();
        format!("/admin/audit?{params}")
    });
    page(
        &AuditPage {
            ctx,
            rows,
            actions,
            query,
            older,
        },
        StatusCode::OK,
    )
}
