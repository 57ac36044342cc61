//! Sections posted after their member's session had ended, kept under the hash of a token that only
//! the member's browser holds, until they sign in again and find them.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::pending_posts;

/// How long a kept post waits for its member to return.
pub const KEPT_FOR_HOURS: i64 = 24;

pub async fn insert(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    path: &str,
    answers: &serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(pending_posts::table)
        .values((
            pending_posts::id.eq(Uuid::now_v7()),
            pending_posts::token_hash.eq(token_hash),
            pending_posts::path.eq(path),
            pending_posts::answers.eq(answers),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Takes the kept post of `token_hash` for `path` (it is deleted as it is read): the answers typed.
pub async fn take(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    path: &str,
) -> QueryResult<Option<serde_json::Value>> {
    let cutoff = chrono::Utc::now() - chrono::Duration::hours(KEPT_FOR_HOURS);
    diesel::delete(
        pending_posts::table
            .filter(pending_posts::token_hash.eq(token_hash))
            .filter(pending_posts::path.eq(path))
            .filter(pending_posts::created_at.gt(cutoff)),
    )
    .returning(pending_posts::answers)
    .get_result(conn)
    .await
    .optional()
}

/// The path of the kept post of `token_hash`, where its member should land after signing in.
pub async fn path_of(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<String>> {
    let cutoff = chrono::Utc::now() - chrono::Duration::hours(KEPT_FOR_HOURS);
    pending_posts::table
        .filter(pending_posts::token_hash.eq(token_hash))
        .filter(pending_posts::created_at.gt(cutoff))
        .select(pending_posts::path)
        .first(conn)
        .await
        .optional()
}
