//! Mail waiting to be delivered. Rows are written in the transaction of the change that causes the
//! mail, and claimed by the delivery worker with `FOR UPDATE SKIP LOCKED`, so several instances
//! share the work without sending a mail twice.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::outbox;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct OutboxMail {
    pub id: Uuid,
    pub message_id: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Set when the receiving server refused the mail for good; it is not tried again.
    pub abandoned_at: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &mut AsyncPgConnection, mail: &OutboxMail) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(mail)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The next mail that is due, locked for this transaction; other workers skip it.
pub async fn claim_due(conn: &mut AsyncPgConnection) -> QueryResult<Option<OutboxMail>> {
    outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::abandoned_at.is_null())
        .filter(outbox::next_attempt_at.le(Utc::now()))
        .order(outbox::next_attempt_at)
        .select(OutboxMail::as_select())
        .for_update()
        .skip_locked()
        .first(conn)
        .await
        .optional()
}

pub async fn mark_sent(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::sent_at.eq(Utc::now()),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records a failed attempt and when to try again.
pub async fn mark_failed(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    retry_in: Duration,
    error: &str,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(Utc::now() + retry_in),
            outbox::last_error.eq(error),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records an attempt the receiving side refused for good: the mail is kept with the reason, and
/// never tried again.
pub async fn abandon(conn: &mut AsyncPgConnection, id: Uuid, error: &str) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::abandoned_at.eq(Utc::now()),
            outbox::last_error.eq(error),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The newest mails, for the demo mailbox page.
pub async fn latest(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<OutboxMail>> {
    outbox::table
        .select(OutboxMail::as_select())
        .order(outbox::created_at.desc())
        .limit(limit)
        .load(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<OutboxMail>> {
    outbox::table
        .find(id)
        .select(OutboxMail::as_select())
        .first(conn)
        .await
        .optional()
}
