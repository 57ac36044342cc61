//! Back-dating for `stablereg demo` only: the demo's overdue information request must have been
//! sent weeks ago, which no action of the portal can do today. Nothing else calls these.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{applications, clock_events, information_requests};

/// The days an application's submission and its one information request happened on, as if
/// they had happened then: the application's `submitted_at`, the completeness clock's start and
/// stop, and the request's sending and due dates. The audit log and the submission's snapshot
/// (rows the database refuses to change) keep the real times.
pub struct BackDated {
    pub submitted_at: DateTime<Utc>,
    pub submitted_on: NaiveDate,
    pub sent_on: NaiveDate,
    pub due_on: NaiveDate,
}

/// Moves the submission and the information request of `application` to the days of `dates`.
pub async fn back_date_request(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    dates: &BackDated,
) -> QueryResult<()> {
    diesel::update(applications::table.find(application))
        .set(applications::submitted_at.eq(dates.submitted_at))
        .execute(conn)
        .await?;
    let of_case = clock_events::application_id
        .eq(application)
        .and(clock_events::phase.eq("completeness"));
    diesel::update(clock_events::table.filter(of_case.and(clock_events::kind.eq("started"))))
        .set(clock_events::on_date.eq(dates.submitted_on))
        .execute(conn)
        .await?;
    diesel::update(clock_events::table.filter(of_case.and(clock_events::kind.eq("stopped"))))
        .set(clock_events::on_date.eq(dates.sent_on))
        .execute(conn)
        .await?;
    diesel::update(
        information_requests::table.filter(information_requests::application_id.eq(application)),
    )
    .set((
        information_requests::sent_on.eq(dates.sent_on),
        information_requests::due_on.eq(dates.due_on),
    ))
    .execute(conn)
    .await?;
    Ok(())
}
