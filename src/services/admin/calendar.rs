//! The holiday calendar the statutory clocks are counted on: admins add and remove days, each
//! change audited; every clock computed afterwards counts on the new calendar.

use chrono::{Datelike, NaiveDate};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::audit::{self, Action, Event, ObjectType};
use crate::db;
use crate::db::holidays::Holiday;
use crate::error::{AppError, AppResult};
use crate::services::Context;

/// The calendar as the admin page shows it: the years it has days in, and one year's days.
pub struct Year {
    pub years: Vec<i32>,
    pub year: i32,
    pub holidays: Vec<Holiday>,
}

/// The holidays of `year`, with every year the calendar holds (and `year` itself).
pub async fn year(conn: &mut AsyncPgConnection, year: i32) -> AppResult<Year> {
    let all = db::holidays::all(conn).await?;
    let mut years: Vec<i32> = all.iter().map(|h| h.day.year()).collect();
    years.push(year);
    years.sort_unstable();
    years.dedup();
    let holidays = all.into_iter().filter(|h| h.day.year() == year).collect();
    Ok(Year {
        years,
        year,
        holidays,
    })
}

/// The holiday on `day`; not found when the day is not one.
pub async fn holiday(conn: &mut AsyncPgConnection, day: NaiveDate) -> AppResult<Holiday> {
    db::holidays::find(conn, day)
        .await?
        .ok_or(AppError::NotFound)
}

/// Adds a holiday, audited; `false` when the day is one already (nothing changes).
pub async fn add(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    holiday: &Holiday,
) -> AppResult<bool> {
    conn.transaction::<_, AppError, _>(async |conn| {
        if !db::holidays::insert(conn, holiday).await? {
            return Ok(false);
        }
        let event = Event::new(Action::HolidayAdded, ObjectType::Holiday, holiday.day)
            .with(serde_json::json!({"name_ko": holiday.name_ko, "name_en": holiday.name_en}));
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(true)
    })
    .await
}

/// Removes the holiday on `day`, audited; not found when the day is not one.
pub async fn remove(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    day: NaiveDate,
) -> AppResult<()> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let removed = db::holidays::delete(conn, day)
            .await?
            .ok_or(AppError::NotFound)?;
        let event = Event::new(Action::HolidayRemoved, ObjectType::Holiday, day)
            .with(serde_json::json!({"name_ko": removed.name_ko, "name_en": removed.name_en}));
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(())
    })
    .await
}
