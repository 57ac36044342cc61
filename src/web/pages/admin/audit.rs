//! The audit log in the admin area: filtered pages, newest first, with a link to older ones; each
//! row told as a sentence, or, in the raw view, as the codes, ids and JSON it holds.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::Deserialize;

use crate::audit::Action;
use crate::db::audit_log::Filter;
use crate::error::AppResult;
use crate::services::admin::audit as service;
use crate::web::forms::Errors;
use crate::web::pages::admin::audit_entry::Entry;
use crate::web::reply::{form_with_errors, page};
use crate::web::{AppState, PageContext};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    actor: String,
    object: String,
    /// The first and last day, in Seoul, as YYYY-MM-DD.
    from: String,
    to: String,
    /// "raw" for the codes, ids and JSON as stored.
    view: String,
    before: Option<i64>,
}

impl AuditQuery {
    /// The filter the query asks for, or what is wrong with it, field by field.
    pub(super) fn filter(&self) -> Result<Filter, Errors> {
        let mut errors = Errors::default();
        let action = match self.action.trim() {
            "" => None,
            code => code
                .parse::<Action>()
                .map_err(|_| errors.add("action", "audit-action-unknown"))
                .ok(),
        };
        let from = seoul_day(&self.from).map_err(|_| errors.add("from", "audit-date-invalid"));
        let to = seoul_day(&self.to).map_err(|_| errors.add("to", "audit-date-invalid"));
        let (Ok(from), Ok(to)) = (from, to) else {
            return Err(errors);
        };
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            errors.add("to", "audit-date-order");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(Filter {
            action,
            actor: text(&self.actor),
            object_id: text(&self.object),
            since: from.and_then(seoul_midnight),
            until: to.and_then(|d| d.succ_opt()).and_then(seoul_midnight),
            before_seq: self.before,
        })
    }

    pub(super) fn raw(&self) -> bool {
        self.view == "raw"
    }

    /// The query string of these filters, with `extra` pairs after them.
    pub(super) fn params(&self, extra: &[(&str, &str)]) -> String {
        let mut params = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("action", &self.action),
            ("actor", &self.actor),
            ("object", &self.object),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.is_empty() {
                params.append_pair(key, value);
            }
        }
        params.extend_pairs(extra).finish()
    }

    /// The link to the page of rows before `seq`, with the same filter and view.
    fn before(&self, seq: i64) -> String {
        let seq = seq.to_string();
        let mut extra = vec![("before", seq.as_str())];
        if self.raw() {
            extra.push(("view", "raw"));
        }
        format!("/admin/audit?{}", self.params(&extra))
    }

    /// The same filters in the other view.
    fn other_view(&self) -> String {
        let extra: &[(&str, &str)] = if self.raw() { &[] } else { &[("view", "raw")] };
        format!("/admin/audit?{}", self.params(extra))
    }

    /// The CSV of every row these filters select.
    fn download(&self) -> String {
        format!("/admin/audit.csv?{}", self.params(&[]))
    }
}

/// A day typed as YYYY-MM-DD (blank for none).
fn seoul_day(text: &str) -> Result<Option<NaiveDate>, chrono::ParseError> {
    match text.trim() {
        "" => Ok(None),
        day => NaiveDate::parse_from_str(day, "%Y-%m-%d").map(Some),
    }
}

/// The moment a day begins in Seoul.
fn seoul_midnight(day: NaiveDate) -> Option<DateTime<Utc>> {
    chrono_tz::Asia::Seoul
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    ctx: PageContext,
    entries: Vec<Entry>,
    actions: Vec<(Action, String)>,
    query: AuditQuery,
    errors: Errors,
    /// The link to the next (older) page, if there is one.
    older: Option<String>,
}

pub async fn list(
    ctx: PageContext,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let actions = Action::ALL
        .iter()
        .map(|a| (*a, ctx.t(a.label_key())))
        .collect();
    let mut page_of = AuditPage {
        ctx,
        entries: Vec::new(),
        actions,
        query,
        errors: Errors::default(),
        older: None,
    };
    let filter = match page_of.query.filter() {
        Ok(filter) => filter,
        Err(errors) => {
            page_of.errors = errors;
            return form_with_errors(&page_of);
        }
    };
    let mut conn = state.pool.get().await?;
    let found = service::page(&mut conn, &filter).await?;
    page_of.older = found.older_than.map(|seq| page_of.query.before(seq));
    let (names, lang) = (&found.names, page_of.ctx.lang);
    page_of.entries = found
        .rows
        .into_iter()
        .map(|r| Entry::of(r, names, lang))
        .collect();
    page(&page_of, StatusCode::OK)
}
