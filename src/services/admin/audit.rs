//! The audit log as the admin browses it: filtered pages, newest first.

use diesel_async::AsyncPgConnection;

use crate::audit::Action;
use crate::db::audit_log::{self, AuditRow, Filter};
use crate::error::AppResult;

const PAGE_SIZE: i64 = 50;

/// One page of the log, with what the filter may choose from.
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// The actions the log holds, for the filter.
    pub actions: Vec<Action>,
    /// Where the next (older) page starts, if there is one: before this row.
    pub older_than: Option<i64>,
}

pub async fn page(conn: &mut AsyncPgConnection, filter: &Filter) -> AppResult<AuditPage> {
    let rows = audit_log::page(conn, filter, PAGE_SIZE).await?;
    let actions = audit_log::actions(conn).await?;
    let older_than = (rows.len() as i64 == PAGE_SIZE).then(|| rows.last().map_or(0, |r| r.seq));
    Ok(AuditPage {
        rows,
        actions,
        older_than,
    })
}
