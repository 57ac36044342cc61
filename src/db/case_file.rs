//! What the review workspace reads and writes besides the case's state: the latest submission's
//! snapshot, every version of every document, internal notes and each section's outcome. Notes and
//! outcomes are the regulator's own: nothing on the issuer's side reads these tables.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::documents::Document;
use crate::db::schema::{documents, review_notes, section_outcomes, submissions, users};

/// The versions of each section in the latest submission (`{"institution": 3, ...}`), if any.
pub async fn latest_submission(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Option<(i32, serde_json::Value, Vec<Uuid>)>> {
    submissions::table
        .filter(submissions::application_id.eq(application))
        .order(submissions::round.desc())
        .select((
            submissions::round,
            submissions::sections,
            submissions::documents,
        ))
        .first(conn)
        .await
        .optional()
}

/// Every version of every document of the application, newest version of each first.
pub async fn documents_with_history(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Vec<Document>> {
    documents::table
        .filter(documents::application_id.eq(application))
        .order((
            documents::kind,
            documents::subject,
            documents::version.desc(),
        ))
        .select(Document::as_select())
        .load(conn)
        .await
}

/// An internal note with its author's name.
#[derive(Debug, Clone, Queryable)]
pub struct Note {
    pub id: Uuid,
    pub section: Option<String>,
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn notes_of(conn: &mut AsyncPgConnection, application: Uuid) -> QueryResult<Vec<Note>> {
    review_notes::table
        .inner_join(users::table.on(users::id.eq(review_notes::author_id)))
        .filter(review_notes::application_id.eq(application))
        .order(review_notes::created_at)
        .select((
            review_notes::id,
            review_notes::section,
            users::display_name,
            review_notes::body,
            review_notes::created_at,
        ))
        .load(conn)
        .await
}

pub async fn insert_note(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    application: Uuid,
    section: Option<&str>,
    author: Uuid,
    body: &str,
) -> QueryResult<()> {
    diesel::insert_into(review_notes::table)
        .values((
            review_notes::id.eq(id),
            review_notes::application_id.eq(application),
            review_notes::section.eq(section),
            review_notes::author_id.eq(author),
            review_notes::body.eq(body),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Each section's outcome: (section, outcome, who decided, when).
pub async fn outcomes_of(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Vec<(String, String, String, DateTime<Utc>)>> {
    section_outcomes::table
        .inner_join(users::table.on(users::id.eq(section_outcomes::decided_by)))
        .filter(section_outcomes::application_id.eq(application))
        .select((
            section_outcomes::section,
            section_outcomes::outcome,
            users::display_name,
            section_outcomes::decided_at,
        ))
        .load(conn)
        .await
}

/// Sets (or changes) a section's outcome.
pub async fn set_outcome(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    section: &str,
    outcome: &str,
    by: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(section_outcomes::table)
        .values((
            section_outcomes::application_id.eq(application),
            section_outcomes::section.eq(section),
            section_outcomes::outcome.eq(outcome),
            section_outcomes::decided_by.eq(by),
        ))
        .on_conflict((section_outcomes::application_id, section_outcomes::section))
        .do_update()
        .set((
            section_outcomes::outcome.eq(outcome),
            section_outcomes::decided_by.eq(by),
            section_outcomes::decided_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map(drop)
}
