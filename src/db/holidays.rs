//! The public holidays that deadlines skip, as admins keep them (the clock reads the days through
//! `db::review::holidays`).

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::public_holidays;

/// A holiday with its names.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Holiday {
    pub day: NaiveDate,
    pub name_ko: String,
    pub name_en: String,
}

const COLUMNS: (
    public_holidays::day,
    public_holidays::name_ko,
    public_holidays::name_en,
) = (
    public_holidays::day,
    public_holidays::name_ko,
    public_holidays::name_en,
);

/// Every holiday, in date order (a few dozen a year).
pub async fn all(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Holiday>> {
    public_holidays::table
        .order(public_holidays::day)
        .select(COLUMNS)
        .load(conn)
        .await
}

/// The holiday on `day`, if there is one.
pub async fn find(conn: &mut AsyncPgConnection, day: NaiveDate) -> QueryResult<Option<Holiday>> {
    public_holidays::table
        .find(day)
        .select(COLUMNS)
        .first(conn)
        .await
        .optional()
}

/// Adds a holiday; `false` when the day is one already.
pub async fn insert(conn: &mut AsyncPgConnection, holiday: &Holiday) -> QueryResult<bool> {
    diesel::insert_into(public_holidays::table)
        .values((
            public_holidays::day.eq(holiday.day),
            public_holidays::name_ko.eq(&holiday.name_ko),
            public_holidays::name_en.eq(&holiday.name_en),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// Removes the holiday on `day`, returning it; `None` when there was none.
pub async fn delete(conn: &mut AsyncPgConnection, day: NaiveDate) -> QueryResult<Option<Holiday>> {
    diesel::delete(public_holidays::table.find(day))
        .returning(COLUMNS)
        .get_result(conn)
        .await
        .optional()
}
