//! The one path every check of a password or code goes through (signing in, the second factor,
//! confirming a sensitive change), so the limits of `domain::sign_in` hold everywhere: the attempt
//! is counted before the check runs, refused while the account is locked or the client's address must
//! wait, audited when it fails, and the 101st consecutive failure locks the account.

use std::future::Future;

use diesel_async::AsyncConnection;
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db::{self, Pool};
use crate::domain::sign_in;
use crate::error::{AppError, AppResult};
use crate::services::Context;

/// The outcome of a limited check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    Accepted,
    /// The check ran and failed.
    Failed,
    /// The check did not run: the account is locked or must wait.
    Refused,
}

/// Runs `check` for the account `user_id` under its attempt limits, the wait being that of the
/// actor's client address (every actor of a request carries it). No database connection is held
/// while `check` runs: a password check waits for a hashing slot and takes tens of milliseconds, and
/// holding a pooled connection meanwhile would starve other requests under a burst of sign-ins.
pub async fn limited_check<F>(
    pool: &Pool,
    cx: &Context<'_>,
    user_id: Uuid,
    failure: Action,
    check: F,
) -> AppResult<Checked>
where
    F: Future<Output = AppResult<bool>>,
{
    let addr = cx.actor.client_addr.as_deref().unwrap_or_default();
    let reserved = {
        let mut conn = pool.get().await?;
        db::users::reserve_attempt(&mut conn, user_id, addr).await?
    };
    let Some(failures) = reserved else {
        let mut conn = pool.get().await?;
        let event = Event::new(Action::SignInRefused, ObjectType::User, user_id)
            .with(serde_json::json!({"reason": "locked_or_slowed_down", "at": failure.as_str()}));
        audit::record_alone(&mut conn, cx.audit_key, cx.actor, event).await?;
        return Ok(Checked::Refused);
    };
    let passed = check.await?;
    let mut conn = pool.get().await?;
    if passed {
        return Ok(
            if db::users::settle_success(&mut conn, user_id, addr).await? {
                Checked::Accepted
            } else {
                Checked::Refused
            },
        );
    }
    conn.transaction::<_, AppError, _>(async |conn| {
        let event = Event::new(failure, ObjectType::User, user_id)
            .with(serde_json::json!({"consecutive_failures": failures}));
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        if sign_in::locks(failures) {
            db::users::lock(conn, user_id).await?;
            let locked = Event::new(Action::AccountLocked, ObjectType::User, user_id);
            audit::record(conn, cx.audit_key, cx.actor, locked).await?;
        }
        Ok(())
    })
    .await?;
    Ok(Checked::Failed)
}
