//! Submissions: the immutable snapshot of what was submitted each round (the version of every
//! section and the ids of the documents as they stood). Rows are only ever added.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::submissions;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submissions)]
pub struct Submission {
    pub application_id: Uuid,
    pub round: i32,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
    /// `{"institution": 3, ...}`: the version of each section submitted.
    pub sections: serde_json::Value,
    pub documents: Vec<Uuid>,
}

/// The round the next submission of `application` will be (1 for the first).
pub async fn next_round(conn: &mut AsyncPgConnection, application: Uuid) -> QueryResult<i32> {
    let last: Option<i32> = submissions::table
        .filter(submissions::application_id.eq(application))
        .select(diesel::dsl::max(submissions::round))
        .first(conn)
        .await?;
    Ok(last.unwrap_or(0) + 1)
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    round: i32,
    submitted_by: Uuid,
    sections: &serde_json::Value,
    documents: &[Uuid],
) -> QueryResult<()> {
    diesel::insert_into(submissions::table)
        .values((
            submissions::application_id.eq(application),
            submissions::round.eq(round),
            submissions::submitted_by.eq(submitted_by),
            submissions::sections.eq(sections),
            submissions::documents.eq(documents),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Every submission of `application`, first round first.
pub async fn of_application(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Vec<Submission>> {
    submissions::table
        .filter(submissions::application_id.eq(application))
        .order(submissions::round)
        .select(Submission::as_select())
        .load(conn)
        .await
}
