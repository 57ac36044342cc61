//! GET /review/{id}/sections/{section}/compare?from=N&to=M: two versions of a section field by
//! field (by default as submitted against the newest), each change named by its field's label.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::db::section_versions::SectionVersion;
use crate::domain::application::SectionKind;
use crate::domain::application::form::{Answers, Section, differences};
use crate::domain::application::sections::section;
use crate::error::{AppError, AppResult};
use crate::services::application::answers_of;
use crate::services::review::workspace;
use crate::web::extract::Staff;
use crate::web::pages::application::view::{SectionView, label_of};
use crate::web::reply::page;
use crate::web::{AppState, PageContext};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CompareParams {
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "review/compare.html")]
struct ComparePage {
    ctx: PageContext,
    id: Uuid,
    code: &'static str,
    title: String,
    reference: String,
    /// Every version of the section, for the choice of two.
    versions: Vec<i32>,
    submitted: Option<i32>,
    from: Option<Side>,
    to: Option<Side>,
    changes: Vec<Change>,
}

struct Side {
    version: i32,
    saved_by: String,
    saved_at: String,
}

struct Change {
    field: String,
    before: String,
    after: String,
}

pub async fn show(
    ctx: PageContext,
    _staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    params: web::Query<CompareParams>,
) -> AppResult<HttpResponse> {
    let (id, code) = path.into_inner();
    let kind: SectionKind = code.parse().map_err(|_| AppError::NotFound)?;
    let (from, to) = (
        params.from.trim().parse().ok(),
        params.to.trim().parse().ok(),
    );
    let mut conn = state.pool.get().await?;
    let found = workspace::compare(&mut conn, id, kind, from, to).await?;
    let declared = section(kind);
    let changes = match (&found.from, &found.to) {
        (Some(a), Some(b)) => changes(&ctx, id, declared, a, b),
        _ => Vec::new(),
    };
    let side = |v: &SectionVersion| Side {
        version: v.version,
        saved_by: v.saved_by_name.clone(),
        saved_at: ctx.datetime(&v.saved_at),
    };
    let shown = ComparePage {
        id,
        code: kind.as_str(),
        title: ctx.t(kind.title_key()),
        reference: found.application.reference.clone().unwrap_or_default(),
        versions: (1..=found.latest_version.unwrap_or(0)).collect(),
        submitted: found.submitted_version,
        from: found.from.as_ref().map(side),
        to: found.to.as_ref().map(side),
        changes,
        ctx,
    };
    page(&shown, StatusCode::OK)
}

/// What differs from `a` to `b`, field by field, each value in words.
fn changes(
    ctx: &PageContext,
    id: Uuid,
    declared: &Section,
    a: &SectionVersion,
    b: &SectionVersion,
) -> Vec<Change> {
    let (before, after): (Answers, Answers) = (answers_of(&a.answers), answers_of(&b.answers));
    let before_view = SectionView::new(ctx, id, declared, &before, &[], &[]);
    let after_view = SectionView::new(ctx, id, declared, &after, &[], &[]);
    differences(declared, &before, &after)
        .iter()
        .map(|path| Change {
            field: label_of(ctx, declared, &after, path),
            before: before_view.display_of(&path.html_id(&before)),
            after: after_view.display_of(&path.html_id(&after)),
        })
        .collect()
}
