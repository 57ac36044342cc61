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

/// A document version with the name of the member who uploaded it.
pub type Uploaded = (Document, String);

/// A new version of a document. Its number comes from the caller, who holds the application's lock.
pub struct NewDocument<'a> {
    pub id: Uuid,
    pub application_id: Uuid,
    pub kind: DocumentKind,
    pub subject: &'a str,
    pub version: i32,
    pub file_name: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub uploaded_by: Uuid,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewDocument<'_>) -> QueryResult<()> {
    diesel::insert_into(documents::table)
        .values((
            documents::id.eq(new.id),
            documents::application_id.eq(new.application_id),
            documents::kind.eq(new.kind),
            documents::subject.eq(new.subject),
            documents::version.eq(new.version),
            documents::file_name.eq(new.file_name),
            documents::size_bytes.eq(new.size_bytes),
            documents::sha256.eq(new.sha256),
            documents::storage_key.eq(new.storage_key),
            documents::uploaded_by.eq(new.uploaded_by),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The newest version number of a document, 0 when none was uploaded.
pub async fn latest_version(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    kind: DocumentKind,
    subject: &str,
) -> QueryResult<i32> {
    documents::table
        .filter(documents::application_id.eq(application))
        .filter(documents::kind.eq(kind))
        .filter(documents::subject.eq(subject))
        .select(diesel::dsl::max(documents::version))
        .first::<Option<i32>>(conn)
        .await
        .map(|v| v.unwrap_or(0))
}

/// Every version of a document, newest first, each with its uploader's name.
pub async fn history(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    kind: DocumentKind,
    subject: &str,
) -> QueryResult<Vec<Uploaded>> {
    use crate::db::schema::users;
    documents::table
        .inner_join(users::table.on(users::id.eq(documents::uploaded_by)))
        .filter(documents::application_id.eq(application))
        .filter(documents::kind.eq(kind))
        .filter(documents::subject.eq(subject))
        .order(documents::version.desc())
        .select((Document::as_select(), users::display_name))
        .load(conn)
        .await
}

/// The document version `id` of `application`.
pub async fn find_in(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    id: Uuid,
) -> QueryResult<Option<Document>> {
    documents::table
        .filter(documents::id.eq(id))
        .filter(documents::application_id.eq(application))
        .select(Document::as_select())
        .first(conn)
        .await
        .optional()
}

/// Which of `keys` some document version names as its stored object.
pub async fn referenced_keys(
    conn: &mut AsyncPgConnection,
    keys: &[String],
) -> QueryResult<Vec<String>> {
    documents::table
        .filter(documents::storage_key.eq_any(keys))
        .select(documents::storage_key)
        .distinct()
        .load(conn)
        .await
}

/// Takes, until the transaction ends, the lock on the stored object `key`: the sweep holds it
/// while it checks that no row names the object and removes it, and an upload holds it while it
/// checks the object is there and records its row, so neither can slip between the other's steps.
pub async fn lock_object(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 727101))")
        .bind::<diesel::sql_types::Text, _>(key)
        .execute(conn)
        .await
        .map(|_| ())
}
