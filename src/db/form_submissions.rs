//! Idempotency keys of submitted forms (see `web::extract::Form`).

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::form_submissions;

/// What is known of a key when a form arrives with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This request is the first with the key: it does the work.
    First,
    /// Another request of the same session has it; its redirect, once it has one.
    Repeat(Option<String>),
    /// The key belongs to another session.
    Foreign,
}

pub async fn claim(conn: &mut AsyncPgConnection, key: Uuid, session: Uuid) -> QueryResult<Claim> {
    let inserted = diesel::insert_into(form_submissions::table)
        .values((
            form_submissions::key.eq(key),
            form_submissions::session_id.eq(session),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 1 {
        return Ok(Claim::First);
    }
    let (owner, location): (Uuid, Option<String>) = form_submissions::table
        .find(key)
        .select((form_submissions::session_id, form_submissions::location))
        .first(conn)
        .await?;
    Ok(if owner == session {
        Claim::Repeat(location)
    } else {
        Claim::Foreign
    })
}

/// Where the first submission with this key was sent, once it has finished.
pub async fn location(conn: &mut AsyncPgConnection, key: Uuid) -> QueryResult<Option<String>> {
    Ok(form_submissions::table
        .find(key)
        .select(form_submissions::location)
        .first::<Option<String>>(conn)
        .await
        .optional()?
        .flatten())
}

/// The first submission ended in a redirect: repeats go there too.
pub async fn complete(conn: &mut AsyncPgConnection, key: Uuid, location: &str) -> QueryResult<()> {
    diesel::update(form_submissions::table.find(key))
        .set(form_submissions::location.eq(location))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The first submission changed nothing (the form came back with errors): the key is free again,
/// so sending the corrected form works.
pub async fn release(conn: &mut AsyncPgConnection, key: Uuid) -> QueryResult<()> {
    diesel::delete(form_submissions::table.find(key))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Keys older than a day are of no more use.
pub async fn sweep(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    diesel::delete(
        form_submissions::table
            .filter(form_submissions::created_at.lt(Utc::now() - Duration::days(1))),
    )
    .execute(conn)
    .await
}
