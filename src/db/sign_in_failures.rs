//! Failed password and code checks counted per account and client address: the growing wait of
//! `domain::sign_in` is per pair, while the lock counts the account's failures (in `users`).
//! Written only under the account's row lock (see `users::reserve_attempt`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::sign_in_failures;
use crate::domain::sign_in::{ADDRESS_FAILURES_KEPT, AddressFailures};

pub async fn of(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    addr: &str,
) -> QueryResult<AddressFailures> {
    let row: Option<(i32, DateTime<Utc>)> = sign_in_failures::table
        .find((user_id, addr))
        .select((
            sign_in_failures::failures,
            sign_in_failures::last_failure_at,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(
        row.map_or_else(AddressFailures::default, |(count, last)| AddressFailures {
            count,
            last: Some(last),
        }),
    )
}

/// One more failure from `addr`, at `now`.
pub async fn count(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    addr: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(sign_in_failures::table)
        .values((
            sign_in_failures::user_id.eq(user_id),
            sign_in_failures::client_addr.eq(addr),
            sign_in_failures::failures.eq(1),
            sign_in_failures::last_failure_at.eq(now),
        ))
        .on_conflict((sign_in_failures::user_id, sign_in_failures::client_addr))
        .do_update()
        .set((
            sign_in_failures::failures.eq(sign_in_failures::failures + 1),
            sign_in_failures::last_failure_at.eq(excluded(sign_in_failures::last_failure_at)),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// A check from `addr` succeeded: its count starts again (other addresses keep theirs).
pub async fn forget(conn: &mut AsyncPgConnection, user_id: Uuid, addr: &str) -> QueryResult<()> {
    diesel::delete(sign_in_failures::table.find((user_id, addr)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The password was reset or the account unlocked: every address starts again.
pub async fn forget_all(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<()> {
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::user_id.eq(user_id)))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn sweep(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    diesel::delete(
        sign_in_failures::table
            .filter(sign_in_failures::last_failure_at.lt(Utc::now() - ADDRESS_FAILURES_KEPT)),
    )
    .execute(conn)
    .await
}
