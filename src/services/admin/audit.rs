//! The audit log as the admin browses and downloads it: filtered pages, newest first, with the names
//! of the people and institutions they speak of; a download is itself recorded in the log.

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db::audit_log::{self, AuditRow, Filter};
use crate::error::AppResult;
use crate::services::Context;

const PAGE_SIZE: i64 = 50;

/// Rows read at a time while a download streams: all matching rows go out, never all in memory.
pub const EXPORT_BATCH: i64 = 500;

/// One page of the log, with the names of whom and what it speaks of.
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub names: Names,
    /// Where the next (older) page starts, if there is one: before this row.
    pub older_than: Option<i64>,
}

/// The people and institutions a page of the log names, by id; one missing here is gone.
#[derive(Debug, Default)]
pub struct Names {
    pub users: HashMap<Uuid, Person>,
    pub institutions: HashMap<Uuid, InstitutionName>,
}

#[derive(Debug)]
pub struct Person {
    pub name: String,
    pub email: String,
}

#[derive(Debug)]
pub struct InstitutionName {
    pub ko: String,
    pub en: String,
}

pub async fn page(conn: &mut AsyncPgConnection, filter: &Filter) -> AppResult<AuditPage> {
    let rows = audit_log::page(conn, filter, PAGE_SIZE).await?;
    let names = names_in(conn, &rows).await?;
    let older_than = (rows.len() as i64 == PAGE_SIZE).then(|| rows.last().map_or(0, |r| r.seq));
    Ok(AuditPage {
        rows,
        names,
        older_than,
    })
}

/// The ids a row points at: its actor, its object, and the people and institutions its details
/// name (`by`, `institution_id`).
fn ids_in(row: &AuditRow) -> (Vec<Uuid>, Vec<Uuid>) {
    let uuid = |v: Option<&str>| v.and_then(|s| s.parse::<Uuid>().ok());
    let detail = |key: &str| uuid(row.details.get(key).and_then(|v| v.as_str()));
    let object = uuid(row.object_id.as_deref());
    let mut users: Vec<Uuid> = row.actor_id.into_iter().chain(detail("by")).collect();
    let mut institutions: Vec<Uuid> = detail("institution_id").into_iter().collect();
    match row.object_type {
        ObjectType::User => users.extend(object),
        ObjectType::Institution => institutions.extend(object),
        // Applications and documents are named by their id (and the institution in the details).
        ObjectType::AuditLog
        | ObjectType::Application
        | ObjectType::Document
        | ObjectType::RuleSettings
        | ObjectType::RegisterEntry
        | ObjectType::Holiday => {}
    }
    (users, institutions)
}

async fn names_in(conn: &mut AsyncPgConnection, rows: &[AuditRow]) -> AppResult<Names> {
    let (mut users, mut institutions) = (Vec::new(), Vec::new());
    for row in rows {
        let (u, i) = ids_in(row);
        users.extend(u);
        institutions.extend(i);
    }
    users.sort_unstable();
    users.dedup();
    institutions.sort_unstable();
    institutions.dedup();
    let users = audit_log::user_names(conn, &users).await?;
    let institutions = audit_log::institution_names(conn, &institutions).await?;
    Ok(Names {
        users: users
            .into_iter()
            .map(|(id, name, email)| (id, Person { name, email }))
            .collect(),
        institutions: institutions
            .into_iter()
            .map(|(id, ko, en)| (id, InstitutionName { ko, en }))
            .collect(),
    })
}

/// Records that the actor downloaded the rows `filter` selects: what was taken out of the portal,
/// and by whom, is itself part of the record.
pub async fn record_export(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    filter: &Filter,
) -> AppResult<()> {
    let mut details = serde_json::Map::new();
    let mut put = |key: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            details.insert(key.to_owned(), value.into());
        }
    };
    put("action", filter.action.map(|a| a.as_str().to_owned()));
    put("actor", filter.actor.clone());
    put("object", filter.object_id.clone());
    put("since", filter.since.map(|t| t.to_rfc3339()));
    put("until", filter.until.map(|t| t.to_rfc3339()));
    let event = Event {
        action: Action::AuditExported,
        object_type: ObjectType::AuditLog,
        object_id: None,
        details: details.into(),
    };
    audit::record_alone(conn, cx.audit_key, cx.actor, event).await?;
    Ok(())
}

/// The next rows of a download, newest first: those before `filter.before_seq`.
pub async fn export_batch(
    conn: &mut AsyncPgConnection,
    filter: &Filter,
) -> AppResult<Vec<AuditRow>> {
    Ok(audit_log::page(conn, filter, EXPORT_BATCH).await?)
}
