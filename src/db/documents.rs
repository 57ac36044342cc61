//! Uploaded documents: every version kept (append-only), each with its size, SHA-256 and the key of
//! its stored bytes. The newest version of a kind (and subject, for a director's CV) is current.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::documents;
use crate::domain::application::DocumentKind;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub struct Document {
    pub id: Uuid,
    pub application_id: Uuid,
    pub kind: DocumentKind,
    /// The group row the document belongs to, or "" for a document asked once.
    pub subject: String,
    pub version: i32,
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: Uuid,
    pub uploaded_at: DateTime<Utc>,
}

/// The current version of every document of the application.
pub async fn current_of(
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
        .distinct_on((documents::kind, documents::subject))
        .select(Document::as_select())
        .load(conn)
        .await
}
