//! Attempts counted per client address, shared by every instance through PostgreSQL: signing in
//! (and asking for a reset link) is limited per minute, signing up (a password hash and a mail
//! each) per hour.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::client_attempts;

/// What an attempt was, which decides the window it is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptKind {
    SignIn,
    SignUp,
}

impl AttemptKind {
    fn as_str(self) -> &'static str {
        match self {
            AttemptKind::SignIn => "sign_in",
            AttemptKind::SignUp => "sign_up",
        }
    }

    fn window(self) -> Duration {
        match self {
            AttemptKind::SignIn => Duration::minutes(1),
            AttemptKind::SignUp => Duration::hours(1),
        }
    }
}

/// The longest window: rows older than this count for nothing.
const LONGEST_WINDOW: Duration = Duration::hours(1);

/// Counts an attempt of `kind` from `addr` and returns how many it made within the kind's window,
/// this one included.
pub async fn count(
    conn: &mut AsyncPgConnection,
    addr: &str,
    kind: AttemptKind,
) -> QueryResult<i64> {
    diesel::insert_into(client_attempts::table)
        .values((
            client_attempts::client_addr.eq(addr),
            client_attempts::kind.eq(kind.as_str()),
        ))
        .execute(conn)
        .await?;
    client_attempts::table
        .filter(client_attempts::client_addr.eq(addr))
        .filter(client_attempts::kind.eq(kind.as_str()))
        .filter(client_attempts::attempted_at.gt(Utc::now() - kind.window()))
        .count()
        .get_result(conn)
        .await
}

pub async fn sweep(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    diesel::delete(
        client_attempts::table
            .filter(client_attempts::attempted_at.lt(Utc::now() - LONGEST_WINDOW)),
    )
    .execute(conn)
    .await
}
