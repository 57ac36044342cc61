//! Server-side sessions, and the per-address sign-in counter that every instance shares.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::sessions;
use crate::db::users::User;
use crate::domain::{InstitutionStatus, Stage};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub stage: Stage,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Creates a session whose cookie token has the fingerprint `token_hash`.
pub async fn create(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    user_id: Option<Uuid>,
    stage: Stage,
    csrf_token: &str,
) -> QueryResult<SessionRow> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(Uuid::now_v7()),
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user_id),
            sessions::stage.eq(stage),
            sessions::csrf_token.eq(csrf_token),
        ))
        .returning(SessionRow::as_returning())
        .get_result(conn)
        .await
}

/// The session with this token fingerprint, its user, and whether the user's institution (if any)
/// is suspended: everything that decides whether the session may still be used, in one query.
pub async fn find(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<(SessionRow, Option<User>, bool)>> {
    use crate::db::schema::{institutions, users};
    let found: Option<(SessionRow, Option<User>, Option<InstitutionStatus>)> = sessions::table
        .left_join(users::table.left_join(institutions::table))
        .filter(sessions::token_hash.eq(token_hash))
        .select((
            SessionRow::as_select(),
            Option::<User>::as_select(),
            institutions::status.nullable(),
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(found.map(|(row, user, status)| {
        let suspended = status == Some(InstitutionStatus::Suspended);
        (row, user, suspended)
    }))
}

pub async fn touch(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_seen_at.eq(Utc::now()))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::delete(sessions::table.find(id))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Ends every session of a user (deactivation, password reset).
pub async fn delete_all_of(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id)))
        .execute(conn)
        .await
}

/// Ends every session of a user but one (a password change keeps the session that made it).
pub async fn delete_others_of(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    keep: Uuid,
) -> QueryResult<usize> {
    diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.ne(keep)),
    )
    .execute(conn)
    .await
}

/// Removes sessions nobody can use any more: idle past the longest idle timeout, or past the
/// absolute lifetime.
pub async fn sweep(
    conn: &mut AsyncPgConnection,
    idle: Duration,
    absolute: Duration,
) -> QueryResult<usize> {
    let now = Utc::now();
    diesel::delete(
        sessions::table.filter(
            sessions::last_seen_at
                .lt(now - idle)
                .or(sessions::created_at.lt(now - absolute)),
        ),
    )
    .execute(conn)
    .await
}
