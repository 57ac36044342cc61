//! Applications: one row each, found only through the institution that owns it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::applications;
use crate::domain::review::state::ReviewState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = applications)]
pub struct Application {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub state: ReviewState,
    pub reference: Option<String>,
    pub version: i32,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub withdrawal_reason: Option<String>,
}

/// The states in which an application is still open (the unique index counts these).
const CLOSED: [ReviewState; 3] = [
    ReviewState::Approved,
    ReviewState::Rejected,
    ReviewState::Withdrawn,
];

/// A new draft for `institution`; `None` when it already has an open application.
pub async fn insert_draft(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    institution: Uuid,
    created_by: Uuid,
) -> QueryResult<Option<Uuid>> {
    diesel::insert_into(applications::table)
        .values((
            applications::id.eq(id),
            applications::institution_id.eq(institution),
            applications::state.eq(ReviewState::Draft),
            applications::created_by.eq(created_by),
        ))
        .on_conflict_do_nothing()
        .returning(applications::id)
        .get_result(conn)
        .await
        .optional()
}

/// The application `id` if it belongs to `institution`: another institution's is not found.
pub async fn find_of_institution(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    institution: Uuid,
) -> QueryResult<Option<Application>> {
    applications::table
        .filter(applications::id.eq(id))
        .filter(applications::institution_id.eq(institution))
        .select(Application::as_select())
        .first(conn)
        .await
        .optional()
}

/// The application `id` whoever owns it (for regulator staff).
pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Application>> {
    applications::table
        .find(id)
        .select(Application::as_select())
        .first(conn)
        .await
        .optional()
}

/// The same, locked for the rest of the transaction: a change of state reads and writes under it.
pub async fn lock_of_institution(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    institution: Uuid,
) -> QueryResult<Option<Application>> {
    applications::table
        .filter(applications::id.eq(id))
        .filter(applications::institution_id.eq(institution))
        .select(Application::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// The institution's applications, newest first.
pub async fn of_institution(
    conn: &mut AsyncPgConnection,
    institution: Uuid,
) -> QueryResult<Vec<Application>> {
    applications::table
        .filter(applications::institution_id.eq(institution))
        .order(applications::created_at.desc())
        .select(Application::as_select())
        .load(conn)
        .await
}

/// The institution's open application, if it has one.
pub async fn open_of(
    conn: &mut AsyncPgConnection,
    institution: Uuid,
) -> QueryResult<Option<Application>> {
    applications::table
        .filter(applications::institution_id.eq(institution))
        .filter(applications::state.ne_all(CLOSED.map(|s| s.as_str())))
        .select(Application::as_select())
        .first(conn)
        .await
        .optional()
}

/// Moves the application from `from` (at `version`) to `to`, raising its version; false when it is
/// no longer in that state at that version (someone acted first).
pub async fn transition(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    from: ReviewState,
    version: i32,
    to: ReviewState,
) -> QueryResult<bool> {
    let closes = CLOSED.contains(&to);
    diesel::update(
        applications::table
            .filter(applications::id.eq(id))
            .filter(applications::state.eq(from))
            .filter(applications::version.eq(version)),
    )
    .set((
        applications::state.eq(to),
        applications::version.eq(version + 1),
        closes.then(|| applications::closed_at.eq(diesel::dsl::now)),
    ))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// Records the first submission: its reference and time.
pub async fn set_submitted(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    reference: &str,
) -> QueryResult<()> {
    diesel::update(applications::table.find(id))
        .set((
            applications::reference.eq(reference),
            applications::submitted_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn set_withdrawal_reason(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    reason: &str,
) -> QueryResult<()> {
    diesel::update(applications::table.find(id))
        .set(applications::withdrawal_reason.eq(reason))
        .execute(conn)
        .await
        .map(drop)
}
