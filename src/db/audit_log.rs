//! The audit log's table and its sequence counter: appends taking turns, the newest row, the rows in
//! order for verification, the admin's filtered pages (and the names of the people and institutions
//! they speak of), and the lookups rules make of it. The chain itself is `audit`'s.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{audit_log, audit_log_counter, institutions, users};
use crate::domain::audit::{Action, ObjectType};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_email: Option<String>,
    pub action: Action,
    pub object_type: ObjectType,
    pub object_id: Option<String>,
    pub client_addr: Option<String>,
    pub details: serde_json::Value,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

/// Appends take turns: each needs the hash of the row before it.
const APPEND_LOCK: i64 = 727_002;

/// Waits for this transaction's turn to append, and keeps it until the transaction ends: a check of
/// the log made after this (did something happen lately?) cannot be overtaken by another append.
pub async fn take_turn(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    diesel::sql_query(format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})"))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The next sequence number, counted in this transaction (after `take_turn`): a deleted row's number
/// is never given again, and a rolled-back append gives its number back.
pub async fn next_seq(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    diesel::update(audit_log_counter::table)
        .set(audit_log_counter::last_seq.eq(audit_log_counter::last_seq + 1))
        .returning(audit_log_counter::last_seq)
        .get_result(conn)
        .await
}

/// The last sequence number given out (0 before the first append).
pub async fn last_counted(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    audit_log_counter::table
        .select(audit_log_counter::last_seq)
        .first(conn)
        .await
}

/// The hash of row `seq`, if the row is there.
pub async fn hash_of(conn: &mut AsyncPgConnection, seq: i64) -> QueryResult<Option<Vec<u8>>> {
    audit_log::table
        .filter(audit_log::seq.eq(seq))
        .select(audit_log::hash)
        .first(conn)
        .await
        .optional()
}

/// The newest row's sequence number before `seq`, if there is such a row.
pub async fn newest_before(conn: &mut AsyncPgConnection, seq: i64) -> QueryResult<Option<i64>> {
    audit_log::table
        .filter(audit_log::seq.lt(seq))
        .select(diesel::dsl::max(audit_log::seq))
        .first(conn)
        .await
}

/// The sequence number and hash of the newest row, if there is one.
pub async fn last(conn: &mut AsyncPgConnection) -> QueryResult<Option<(i64, Vec<u8>)>> {
    audit_log::table
        .select((audit_log::seq, audit_log::hash))
        .order(audit_log::seq.desc())
        .first(conn)
        .await
        .optional()
}

pub async fn insert(conn: &mut AsyncPgConnection, row: &AuditRow) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(row)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Up to `limit` rows in order from `from_seq` on, and before `before` when it is given.
pub async fn batch(
    conn: &mut AsyncPgConnection,
    from_seq: i64,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_log::table
        .select(AuditRow::as_select())
        .filter(audit_log::seq.ge(from_seq))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(audit_log::seq.lt(before));
    }
    query.order(audit_log::seq).limit(limit).load(conn).await
}

/// The first row from `from_seq` on whose action or object type this version does not know, and
/// which therefore cannot be loaded as an `AuditRow`.
pub async fn first_with_unknown_code(
    conn: &mut AsyncPgConnection,
    from_seq: i64,
) -> QueryResult<Option<i64>> {
    let actions: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    let objects: Vec<&str> = ObjectType::ALL.iter().map(|o| o.as_str()).collect();
    audit_log::table
        .filter(audit_log::seq.ge(from_seq))
        .filter(
            audit_log::action
                .ne_all(actions)
                .or(audit_log::object_type.ne_all(objects)),
        )
        .select(audit_log::seq)
        .order(audit_log::seq)
        .first(conn)
        .await
        .optional()
}

/// What the admin's browser of the log filters by, already read from the form.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub action: Option<Action>,
    /// Part of the actor's email or of their name, matched without regard to case.
    pub actor: Option<String>,
    pub object_id: Option<String>,
    /// Rows from this moment on.
    pub since: Option<DateTime<Utc>>,
    /// Rows before this moment.
    pub until: Option<DateTime<Utc>>,
    pub before_seq: Option<i64>,
}

/// A page of the log for the admin's browser, newest first, filtered.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &Filter,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_log::table.select(AuditRow::as_select()).into_boxed();
    if let Some(action) = filter.action {
        query = query.filter(audit_log::action.eq(action));
    }
    if let Some(actor) = filter.actor.as_deref().filter(|a| !a.is_empty()) {
        let pattern = format!("%{}%", super::escape_like(actor));
        let named = users::table
            .filter(users::display_name.ilike(pattern.clone()))
            .select(users::id.nullable());
        query = query.filter(
            audit_log::actor_email
                .ilike(pattern)
                .or(audit_log::actor_id.eq_any(named)),
        );
    }
    if let Some(object) = filter.object_id.as_deref().filter(|a| !a.is_empty()) {
        query = query.filter(audit_log::object_id.eq(object.to_owned()));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_log::occurred_at.ge(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_log::occurred_at.lt(until));
    }
    if let Some(before) = filter.before_seq {
        query = query.filter(audit_log::seq.lt(before));
    }
    query
        .order(audit_log::seq.desc())
        .limit(limit)
        .load(conn)
        .await
}

/// Whether `action` was recorded on the object `object_id` within `window`.
pub async fn acted_on_within(
    conn: &mut AsyncPgConnection,
    action: Action,
    object_id: Uuid,
    window: chrono::Duration,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        audit_log::table
            .filter(audit_log::object_id.eq(object_id.to_string()))
            .filter(audit_log::action.eq(action))
            .filter(audit_log::occurred_at.gt(Utc::now() - window)),
    ))
    .get_result(conn)
    .await
}

/// Whether `action` was recorded on the object `object_id` from the client address `addr` within
/// `window`.
pub async fn acted_on_from_within(
    conn: &mut AsyncPgConnection,
    action: Action,
    object_id: Uuid,
    addr: Option<&str>,
    window: chrono::Duration,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        audit_log::table
            .filter(audit_log::object_id.eq(object_id.to_string()))
            .filter(audit_log::action.eq(action))
            .filter(audit_log::client_addr.is_not_distinct_from(addr))
            .filter(audit_log::occurred_at.gt(Utc::now() - window)),
    ))
    .get_result(conn)
    .await
}

/// The name and email of each of `ids` that is a user, to name the people a page of the log
/// speaks of.
pub async fn user_names(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, String, String)>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name, users::email))
        .load(conn)
        .await
}

/// The Korean and English names of each of `ids` that is an institution.
pub async fn institution_names(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, String, String)>> {
    institutions::table
        .filter(institutions::id.eq_any(ids))
        .select((
            institutions::id,
            institutions::legal_name_ko,
            institutions::legal_name_en,
        ))
        .load(conn)
        .await
}

/// The rows of `actions` done to any of the objects `ids` of `object_type`, newest first, at most
/// `limit`: an institution's timeline of its applications.
pub async fn of_objects(
    conn: &mut AsyncPgConnection,
    object_type: ObjectType,
    ids: &[String],
    actions: &[Action],
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let actions: Vec<&str> = actions.iter().map(|a| a.as_str()).collect();
    audit_log::table
        .filter(audit_log::object_type.eq(object_type.as_str()))
        .filter(audit_log::object_id.eq_any(ids))
        .filter(audit_log::action.eq_any(actions))
        .order(audit_log::seq.desc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
        .await
}
