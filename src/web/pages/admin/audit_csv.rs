//! The audit log as a CSV file for investigators: every row the page's filters select, newest first,
//! streamed a batch at a time. Its columns are listed in the README; the download is itself audited.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};

use crate::db::audit_log::{AuditRow, Filter};
use crate::error::{AppError, AppResult};
use crate::services::admin::audit as service;
use crate::web::AppState;
use crate::web::extract::{Actor, Admin};
use crate::web::pages::admin::audit::AuditQuery;
use crate::web::reply::redirect;

/// The columns, in order (README "Audit log").
const COLUMNS: [&str; 10] = [
    "seq",
    "occurred_at",
    "actor_id",
    "actor_email",
    "action",
    "object_type",
    "object_id",
    "client_addr",
    "details",
    "hash",
];

/// A byte order mark first, so that spreadsheet programs read the file as UTF-8 (Korean names).
const BOM: &[u8] = "\u{FEFF}".as_bytes();

pub async fn download(
    _: Admin,
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    // Filters the page refuses are shown there, with their messages.
    let Ok(filter) = query.filter() else {
        return Ok(redirect(&format!("/admin/audit?{}", query.params(&[]))));
    };
    let mut conn = state.pool.get().await?;
    service::record_export(&mut conn, &state.services(&actor), &filter).await?;
    drop(conn);
    let body = futures_util::stream::try_unfold(Some((state, filter, true)), next_batch);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            ContentDisposition {
                disposition: DispositionType::Attachment,
                parameters: vec![DispositionParam::Filename("audit-log.csv".into())],
            },
        ))
        .streaming(body))
}

type Cursor = Option<(web::Data<AppState>, Filter, bool)>;

/// The next batch of lines (the header first), and where the one after starts; `None` when done.
async fn next_batch(cursor: Cursor) -> AppResult<Option<(web::Bytes, Cursor)>> {
    let Some((state, mut filter, first)) = cursor else {
        return Ok(None);
    };
    let rows = {
        let mut conn = state.pool.get().await?;
        service::export_batch(&mut conn, &filter).await?
    };
    let mut out = if first { BOM.to_vec() } else { Vec::new() };
    out.extend(lines(&rows, first)?);
    let more = rows.len() as i64 == service::EXPORT_BATCH;
    filter.before_seq = rows.last().map(|r| r.seq);
    let next = more.then_some((state, filter, false));
    Ok(Some((web::Bytes::from(out), next)))
}

fn lines(rows: &[AuditRow], header: bool) -> AppResult<Vec<u8>> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| AppError::Internal(e.into());
    if header {
        csv.write_record(COLUMNS).map_err(failed)?;
    }
    for row in rows {
        csv.write_record(record(row)).map_err(failed)?;
    }
    csv.into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

fn record(row: &AuditRow) -> [String; 10] {
    let text = |v: &Option<String>| v.as_deref().map(inert).unwrap_or_default();
    [
        row.seq.to_string(),
        row.occurred_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        row.actor_id.map(|id| id.to_string()).unwrap_or_default(),
        text(&row.actor_email),
        row.action.as_str().to_owned(),
        row.object_type.as_str().to_owned(),
        text(&row.object_id),
        text(&row.client_addr),
        row.details.to_string(),
        hex::encode(&row.hash),
    ]
}

/// Text a person typed (an email given at sign-in, say) kept from being read as a formula by a
/// spreadsheet: one starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` first.
fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn typed_text_is_never_a_formula() {
        assert_eq!(super::inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::inert("@sum"), "'@sum");
        assert_eq!(super::inert("kim@fsc.example"), "kim@fsc.example");
    }
}
