//! The review's shared records: the clock's events and the holiday calendar they are counted on.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{applications, clock_events, public_holidays};

/// A recorded start, stop or restart of a phase's clock.
#[derive(Debug, Clone, Queryable)]
pub struct ClockEventRow {
    pub phase: String,
    pub kind: String,
    pub on_date: NaiveDate,
}

/// The clock events of a case, oldest first.
pub async fn clock_events_of(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Vec<ClockEventRow>> {
    clock_events::table
        .filter(clock_events::application_id.eq(application))
        .order(clock_events::seq)
        .select((
            clock_events::phase,
            clock_events::kind,
            clock_events::on_date,
        ))
        .load(conn)
        .await
}

/// Records a clock event after the case's others. Call inside the transaction that changes the
/// case's state, under its row lock, so two events never take the same place.
pub async fn record_clock_event(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    phase: &str,
    kind: &str,
    on: NaiveDate,
) -> QueryResult<()> {
    let next: i32 = clock_events::table
        .filter(clock_events::application_id.eq(application))
        .select(diesel::dsl::max(clock_events::seq))
        .first::<Option<i32>>(conn)
        .await?
        .map_or(1, |last| last + 1);
    diesel::insert_into(clock_events::table)
        .values((
            clock_events::application_id.eq(application),
            clock_events::seq.eq(next),
            clock_events::phase.eq(phase),
            clock_events::kind.eq(kind),
            clock_events::on_date.eq(on),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Whom case `application` is assigned to, as it stands in the database now.
pub async fn assignee_of(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Option<Uuid>> {
    applications::table
        .find(application)
        .select(applications::assignee_id)
        .first(conn)
        .await
}

/// Keeps the case's deadline (what the queue sorts by) in step with its clock.
pub async fn set_due_on(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    due_on: Option<NaiveDate>,
) -> QueryResult<()> {
    diesel::update(applications::table.find(application))
        .set(applications::due_on.eq(due_on))
        .execute(conn)
        .await
        .map(drop)
}

/// Every public holiday in the calendar.
pub async fn holidays(mut conn: &AsyncPgConnection) -> QueryResult<Vec<NaiveDate>> {
    public_holidays::table
        .select(public_holidays::day)
        .order(public_holidays::day)
        .load(&mut conn)
        .await
}
