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
    /// Another request of the same session and route has it; its redirect, once it has one.
    Repeat(Option<String>),
    /// The key belongs to another session or another route.
    Foreign,
}

/// The form a key is claimed for: its route and the session it was sent in.
pub struct Claimant<'a> {
    /// The method and path it was posted to (`POST /admin/users`).
    pub route: &'a str,
    pub session_id: Uuid,
    /// The fingerprint of the session's CSRF token, which a repeat must present.
    pub csrf_fingerprint: &'a [u8],
}

pub async fn claim(
    conn: &mut AsyncPgConnection,
    key: Uuid,
    claimant: &Claimant<'_>,
) -> QueryResult<Claim> {
    let inserted = diesel::insert_into(form_submissions::table)
        .values((
            form_submissions::key.eq(key),
            form_submissions::session_id.eq(claimant.session_id),
            form_submissions::route.eq(claimant.route),
            form_submissions::csrf_fingerprint.eq(claimant.csrf_fingerprint),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 1 {
        return Ok(Claim::First);
    }
    let (owner, route, location): (Uuid, String, Option<String>) = form_submissions::table
        .find(key)
        .select((
            form_submissions::session_id,
            form_submissions::route,
            form_submissions::location,
        ))
        .first(conn)
        .await?;
    Ok(if owner == claimant.session_id && route == claimant.route {
        Claim::Repeat(location)
    } else {
        Claim::Foreign
    })
}

/// What the first submission did to the session its key was claimed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionAfter {
    Kept,
    /// Replaced by a new one (signing in, a step of it).
    Replaced(Uuid),
    /// Ended (signing out).
    Ended,
}

/// A first submission that has finished, as a repeat of it is checked against.
#[derive(Debug, Clone)]
pub struct Finished {
    pub route: String,
    pub session_id: Uuid,
    pub csrf_fingerprint: Vec<u8>,
    pub session_after: SessionAfter,
    /// Where it was sent.
    pub location: String,
}

/// The first submission with this key, once it has finished.
pub async fn finished(conn: &mut AsyncPgConnection, key: Uuid) -> QueryResult<Option<Finished>> {
    type Row = (Uuid, String, Vec<u8>, Option<Uuid>, Option<String>);
    let row: Option<Row> = form_submissions::table
        .find(key)
        .select((
            form_submissions::session_id,
            form_submissions::route,
            form_submissions::csrf_fingerprint,
            form_submissions::final_session_id,
            form_submissions::location,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(
        row.and_then(|(session_id, route, csrf_fingerprint, after, location)| {
            let session_after = match after {
                Some(id) if id == session_id => SessionAfter::Kept,
                Some(id) => SessionAfter::Replaced(id),
                None => SessionAfter::Ended,
            };
            Some(Finished {
                route,
                session_id,
                csrf_fingerprint,
                session_after,
                location: location?,
            })
        }),
    )
}

/// The first submission ended in a redirect: repeats go there too. `final_session` is the session
/// the browser was left with (none when it signed out).
pub async fn complete(
    conn: &mut AsyncPgConnection,
    key: Uuid,
    location: &str,
    final_session: Option<Uuid>,
) -> QueryResult<()> {
    diesel::update(form_submissions::table.find(key))
        .set((
            form_submissions::location.eq(location),
            form_submissions::final_session_id.eq(final_session),
        ))
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
