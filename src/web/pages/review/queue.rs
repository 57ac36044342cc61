//! GET /review: the queue of cases for reviewers and approvers.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use crate::domain::institution::InstitutionType;
use crate::domain::review::state::ReviewState;
use crate::error::AppResult;
use crate::services::review::queue::{self as service, Assignee, Filters, Line, OPEN};
use crate::web::extract::Staff;
use crate::web::reply::page;
use crate::web::{AppState, PageContext};

/// The queue's filters as the form sends them; anything unknown is ignored.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct QueueParams {
    state: String,
    assignee: String,
    institution_type: String,
    overdue: String,
    due_soon: String,
    q: String,
    #[serde(skip_serializing)]
    after: String,
}

impl QueueParams {
    fn filters(&self) -> Filters {
        Filters {
            state: self.state.parse().ok().filter(|s| *s != ReviewState::Draft),
            assignee: match self.assignee.as_str() {
                "me" => Assignee::Me,
                "unassigned" => Assignee::Unassigned,
                _ => Assignee::Anyone,
            },
            institution_type: self.institution_type.parse().ok(),
            overdue: !self.overdue.is_empty(),
            due_soon: !self.due_soon.is_empty(),
            search: self.q.clone(),
            after: service::parse_cursor(&self.after),
        }
    }

    /// The address of the page after the one shown, with the same filters.
    fn next_url(&self, cursor: &str) -> String {
        let query = serde_urlencoded::to_string(self).unwrap_or_default();
        let after = serde_urlencoded::to_string([("after", cursor)]).unwrap_or_default();
        format!("/review?{query}&{after}")
    }
}

#[derive(Template)]
#[template(path = "review/queue.html")]
struct QueuePage {
    ctx: PageContext,
    params: QueueParams,
    lines: Vec<Line>,
    next: Option<String>,
    counts: Vec<(ReviewState, i64)>,
    states: Vec<ReviewState>,
    types: &'static [InstitutionType],
}

pub async fn list(
    ctx: PageContext,
    staff: Staff,
    state: web::Data<AppState>,
    params: web::Query<QueueParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    let conn = state.pool.get().await?;
    let found = service::queue(&conn, staff.0.id, &params.filters()).await?;
    let counts = ReviewState::ALL
        .iter()
        .filter(|s| **s != ReviewState::Draft)
        .map(|s| (*s, count_of(&found.counts, *s)))
        .collect();
    let shown = QueuePage {
        next: found.next.as_deref().map(|c| params.next_url(c)),
        lines: found.lines,
        counts,
        states: ReviewState::ALL[1..].to_vec(),
        types: InstitutionType::ALL,
        params,
        ctx,
    };
    page(&shown, StatusCode::OK)
}

fn count_of(counts: &[(ReviewState, i64)], state: ReviewState) -> i64 {
    counts
        .iter()
        .find(|(s, _)| *s == state)
        .map_or(0, |(_, n)| *n)
}

impl QueuePage {
    /// The institution's name in the page's language.
    fn name<'a>(&self, line: &'a Line) -> &'a str {
        match self.ctx.lang {
            crate::i18n::Lang::Ko => &line.row.legal_name_ko,
            crate::i18n::Lang::En => &line.row.legal_name_en,
        }
    }

    fn is_open(&self, state: &ReviewState) -> bool {
        OPEN.contains(state)
    }
}
