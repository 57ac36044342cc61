//! The audit log in the admin area: filtered pages, newest first, with a link to older ones.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::audit::Action;
use crate::db::audit_log::{AuditRow, Filter};
use crate::error::AppResult;
use crate::services::admin::audit as service;
use crate::web::reply::page;
use crate::web::{AppState, PageContext};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    actor: String,
    object: String,
    before: Option<i64>,
}

impl AuditQuery {
    fn filter(&self) -> Filter {
        Filter {
            action: Some(self.action.clone()),
            actor_email: Some(self.actor.clone()),
            object_id: Some(self.object.clone()),
            before_seq: self.before,
        }
    }

    /// The link to the page of rows before `seq`, with the same filter.
    fn before(&self, seq: i64) -> String {
        let params = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("action", &self.action)
            .append_pair("actor", &self.actor)
            .append_pair("object", &self.object)
            .append_pair("before", &seq.to_string())
            .finish();
        format!("/admin/audit?{params}")
    }
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

pub async fn list(
    ctx: PageContext,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let mut conn = state.pool.get().await?;
    let found = service::page(&mut conn, &query.filter()).await?;
    let older = found.older_than.map(|seq| query.before(seq));
    page(
        &AuditPage {
            ctx,
            rows: found.rows,
            actions: found.actions,
            query,
            older,
        },
        StatusCode::OK,
    )
}
