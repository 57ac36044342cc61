//! The tamper-evident audit log. Each row's hash is an HMAC-SHA256, under a key kept outside the
//! database, of the previous row's hash and the row's own canonical content. A trigger refuses
//! UPDATE, DELETE and TRUNCATE; someone who disables it still cannot rewrite history without the key,
//! and `verify` names the first row that does not fit.

use chrono::{SubsecRound, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use uuid::Uuid;

use crate::db::{self, audit_log::AuditRow};

pub mod checkpoint;
mod words;

pub use crate::auth::key::AuditKey;
pub use crate::domain::audit::{Action, ObjectType};

/// Who did it: a signed-in person, or nobody yet (a failed sign-in, a sign-up).
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub email: Option<String>,
    pub client_addr: Option<String>,
}

/// One thing that happened, as the log records it.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: Action,
    pub object_type: ObjectType,
    pub object_id: Option<String>,
    pub details: serde_json::Value,
}

impl Event {
    pub fn new(action: Action, object_type: ObjectType, object_id: impl ToString) -> Self {
        Event {
            action,
            object_type,
            object_id: Some(object_id.to_string()),
            details: serde_json::json!({}),
        }
    }

    pub fn with(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// What the chain covers, in a fixed field order.
#[derive(Serialize)]
struct Canonical<'a> {
    seq: i64,
    occurred_at: String,
    actor_id: Option<Uuid>,
    actor_email: Option<&'a str>,
    action: &'a str,
    object_type: &'a str,
    object_id: Option<&'a str>,
    client_addr: Option<&'a str>,
    details: &'a serde_json::Value,
}

fn canonical(row: &AuditRow) -> Vec<u8> {
    serde_json::to_vec(&Canonical {
        seq: row.seq,
        occurred_at: row.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        actor_id: row.actor_id,
        actor_email: row.actor_email.as_deref(),
        action: row.action.as_str(),
        object_type: row.object_type.as_str(),
        object_id: row.object_id.as_deref(),
        client_addr: row.client_addr.as_deref(),
        details: &row.details,
    })
    .unwrap_or_default()
}

/// The chain starts from 32 zero bytes.
const GENESIS: [u8; 32] = [0; 32];

/// Appends `event` to the log. Call it inside the transaction that makes the change, so the change
/// and its record commit together or not at all.
pub async fn record(
    conn: &mut AsyncPgConnection,
    key: &AuditKey,
    actor: &Actor,
    event: Event,
) -> QueryResult<()> {
    db::audit_log::take_turn(conn).await?;
    let seq = db::audit_log::next_seq(conn).await?;
    let prev_hash = match db::audit_log::last(conn).await? {
        Some((_, hash)) => hash,
        None => GENESIS.to_vec(),
    };
    let mut row = AuditRow {
        seq,
        occurred_at: Utc::now().trunc_subsecs(6),
        actor_id: actor.user_id,
        actor_email: actor.email.clone(),
        action: event.action,
        object_type: event.object_type,
        object_id: event.object_id,
        client_addr: actor.client_addr.clone(),
        details: event.details,
        prev_hash,
        hash: Vec::new(),
    };
    row.hash = key.mac(&[&row.prev_hash, &canonical(&row)]);
    db::audit_log::insert(conn, &row).await
}

/// Records an event that comes with no other change (a refused sign-in, say) in a transaction of
/// its own.
pub async fn record_alone(
    conn: &mut AsyncPgConnection,
    key: &AuditKey,
    actor: &Actor,
    event: Event,
) -> QueryResult<()> {
    diesel_async::AsyncConnection::transaction(conn, async |conn| {
        record(conn, key, actor, event).await
    })
    .await
}

/// The rows missing after the newest one, as `(first, last)`, when the counter gave out numbers
/// beyond it: only a deletion takes rows away without taking their numbers back.
pub async fn missing_newest(conn: &mut AsyncPgConnection) -> QueryResult<Option<(i64, i64)>> {
    // The counter first: an append that commits between the two reads then only adds a row.
    let counted = db::audit_log::last_counted(conn).await?;
    let newest = db::audit_log::last(conn).await?.map_or(0, |(seq, _)| seq);
    Ok((newest < counted).then_some((newest + 1, counted)))
}

/// The first row that breaks the chain, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: &'static str,
}

/// Walks the whole log in order; `Ok(None)` when every row fits, else the first that does not.
pub async fn verify(
    conn: &mut AsyncPgConnection,
    key: &AuditKey,
) -> QueryResult<(i64, Option<BrokenLink>)> {
    const BATCH: i64 = 1000;
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS.to_vec();
    // A row naming an action or object type this version does not know cannot be loaded: the rows
    // before it are walked, and it is the row that does not fit.
    let mut unreadable = None;
    loop {
        let rows = match db::audit_log::batch(conn, expected_seq, unreadable, BATCH).await {
            Err(diesel::result::Error::DeserializationError(e)) if unreadable.is_none() => {
                unreadable = db::audit_log::first_with_unknown_code(conn, expected_seq).await?;
                if unreadable.is_none() {
                    return Err(diesel::result::Error::DeserializationError(e));
                }
                continue;
            }
            rows => rows?,
        };
        let done = (rows.len() as i64) < BATCH;
        for row in rows {
            let broken = |reason| {
                Ok((
                    row.seq - 1,
                    Some(BrokenLink {
                        seq: row.seq,
                        reason,
                    }),
                ))
            };
            if row.seq != expected_seq {
                return Ok((
                    expected_seq - 1,
                    Some(BrokenLink {
                        seq: expected_seq,
                        reason: "missing row",
                    }),
                ));
            }
            if row.prev_hash != prev_hash {
                return broken("does not follow the row before it");
            }
            if key.mac(&[&row.prev_hash, &canonical(&row)]) != row.hash {
                return broken("content does not match its hash");
            }
            prev_hash = row.hash;
            expected_seq += 1;
        }
        if done {
            let broken = unreadable.map(|seq| BrokenLink {
                seq: expected_seq,
                reason: if seq == expected_seq {
                    "names an action or object type this version does not know"
                } else {
                    "missing row"
                },
            });
            return Ok((expected_seq - 1, broken));
        }
    }
}
