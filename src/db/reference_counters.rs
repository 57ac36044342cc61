//! Gapless numbers per kind and year: the next number is taken under the counter row's lock, inside
//! the caller's transaction, so a rolled-back transaction gives its number back and two concurrent
//! ones queue rather than both taking the same.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::reference_counters;

/// The next number of `kind` in `year`, starting at 1. Call inside a transaction.
pub async fn next(conn: &mut AsyncPgConnection, kind: &str, year: i32) -> QueryResult<i32> {
    diesel::insert_into(reference_counters::table)
        .values((
            reference_counters::kind.eq(kind),
            reference_counters::year.eq(year),
            reference_counters::last.eq(1),
        ))
        .on_conflict((reference_counters::kind, reference_counters::year))
        .do_update()
        .set(reference_counters::last.eq(reference_counters::last + 1))
        .returning(reference_counters::last)
        .get_result(conn)
        .await
}
