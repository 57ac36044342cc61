//! A case's statutory clocks, computed from its recorded events on the holiday calendar: both
//! sides see the same days used, days left, deadline and day-by-day log.

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::db;
use crate::domain::calendar::{Calendar, seoul_date};
use crate::domain::review::clock::{Clock, ClockEvent, ClockSettings, ClockStatus, Phase};
use crate::error::{AppError, AppResult};

/// The holiday calendar as admins keep it.
pub async fn calendar(conn: &AsyncPgConnection) -> AppResult<Calendar> {
    Ok(Calendar::new(db::review::holidays(conn).await?))
}

/// Today in Seoul, the day events are dated by.
pub fn today() -> NaiveDate {
    seoul_date(chrono::Utc::now())
}

/// The clock of `phase` of a case, if that phase has started.
pub async fn clock(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    phase: Phase,
    settings: &ClockSettings,
) -> AppResult<Option<Clock>> {
    let events = db::review::clock_events_of(conn, application).await?;
    let mut of_phase = events.iter().filter(|e| e.phase == phase.as_str());
    let Some(start) = of_phase.find(|e| e.kind == "started") else {
        return Ok(None);
    };
    let changes: Vec<ClockEvent> = of_phase
        .filter_map(|e| match e.kind.as_str() {
            "stopped" => Some(ClockEvent::Stopped(e.on_date)),
            "restarted" => Some(ClockEvent::Restarted(e.on_date)),
            _ => None,
        })
        .collect();
    Clock::with_events(start.on_date, phase.length(settings), &changes)
        .map(Some)
        .map_err(|e| AppError::Internal(e.into()))
}

/// Records `kind` ("started", "stopped", "restarted") of `phase` today and brings the case's
/// deadline up to date. Call inside the transition's transaction.
pub async fn record(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    phase: Phase,
    kind: &str,
    settings: &ClockSettings,
) -> AppResult<()> {
    db::review::record_clock_event(conn, application, phase.as_str(), kind, today()).await?;
    let calendar = calendar(conn).await?;
    let status = clock(conn, application, phase, settings)
        .await?
        .map(|c| c.status(&calendar, today()));
    let due = status.filter(|s| !s.stopped).map(|s| s.deadline);
    db::review::set_due_on(conn, application, due).await?;
    Ok(())
}

/// Where a phase's clock stands today.
pub async fn status(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    phase: Phase,
    settings: &ClockSettings,
) -> AppResult<Option<ClockStatus>> {
    let calendar = calendar(conn).await?;
    Ok(clock(conn, application, phase, settings)
        .await?
        .map(|c| c.status(&calendar, today())))
}
