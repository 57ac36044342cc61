//! The one path every check of a password or code goes through (signing in, the second factor,
//! confirming a sensitive change), so the limits of `domain::sign_in` hold everywhere: the attempt
//! is counted against the client address's limit and the account's before the check runs, refused
//! while the account is locked, the client's address must wait or has made too many attempts this
//! minute, audited when it fails, and the 101st consecutive failure locks the account.

use std::future::Future;

use chrono::Duration;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db::client_attempts::AttemptKind;
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
    /// The check did not run: the client's address made too many attempts this minute.
    TooMany,
}

/// Which check is being made: it decides where the attempt is counted against the client address
/// and how often a refusal is written to the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The password when signing in. Its attempt was counted against the address before the account
    /// was looked up (an unknown email counts too); a refusal is answered like a wrong password, so
    /// a locked account does not stand out, and each one is audited (the address's limit bounds them).
    Password,
    /// The code after the password; a refusal is answered like a wrong code.
    SecondFactor,
    /// A signed-in user confirming a change with their password (and code): a refusal is answered
    /// 429, so it is audited at most once a minute per account and address, not once per request.
    Reconfirmation,
}

impl Step {
    /// The audit action of a failed check.
    fn failure(self) -> Action {
        match self {
            Step::Password => Action::SignInFailed,
            Step::SecondFactor => Action::MfaFailed,
            Step::Reconfirmation => Action::ReauthenticationFailed,
        }
    }
}

/// How long one audit row stands for all the refusals of an account and address answered 429.
const REFUSALS_AUDITED_EVERY: Duration = Duration::minutes(1);

/// Runs `check` for the account `user_id` under its attempt limits, the wait being that of the
/// actor's client address (every actor of a request carries it). No database connection is held
/// while `check` runs: a password check waits for a hashing slot and takes tens of milliseconds, and
/// holding a pooled connection meanwhile would starve other requests under a burst of sign-ins.
pub async fn limited_check<F>(
    pool: &Pool,
    cx: &Context<'_>,
    user_id: Uuid,
    step: Step,
    check: F,
) -> AppResult<Checked>
where
    F: Future<Output = AppResult<bool>>,
{
    let addr = cx.actor.client_addr.as_deref().unwrap_or_default();
    if step != Step::Password && too_many_from(pool, addr).await? {
        refused(pool, cx, user_id, step, "too_many_from_address", true).await?;
        return Ok(Checked::TooMany);
    }
    let reserved = {
        let mut conn = pool.get().await?;
        db::users::reserve_attempt(&mut conn, user_id, addr).await?
    };
    let Some(failures) = reserved else {
        let once_a_minute = step == Step::Reconfirmation;
        refused(
            pool,
            cx,
            user_id,
            step,
            "locked_or_slowed_down",
            once_a_minute,
        )
        .await?;
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
        let event = Event::new(step.failure(), ObjectType::User, user_id)
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

/// Counts an attempt from `addr` and tells whether it is over the address's limit for the minute.
async fn too_many_from(pool: &Pool, addr: &str) -> AppResult<bool> {
    let mut conn = pool.get().await?;
    let attempts = db::client_attempts::count(&mut conn, addr, AttemptKind::SignIn).await?;
    Ok(attempts > sign_in::ATTEMPTS_PER_ADDRESS_PER_MINUTE)
}

/// Audits a check that did not run. With `once_a_minute`, only when no refusal of this account from
/// this address was audited within the last minute: a scan answered 429 must not flood the log. The
/// look and the write take the log's turn together, so a burst writes one row.
async fn refused(
    pool: &Pool,
    cx: &Context<'_>,
    user_id: Uuid,
    step: Step,
    reason: &str,
    once_a_minute: bool,
) -> AppResult<()> {
    let mut conn = pool.get().await?;
    let addr = cx.actor.client_addr.as_deref();
    conn.transaction::<_, AppError, _>(async |conn| {
        if once_a_minute {
            db::audit_log::take_turn(conn).await?;
            let action = Action::SignInRefused;
            let window = REFUSALS_AUDITED_EVERY;
            if db::audit_log::acted_on_from_within(conn, action, user_id, addr, window).await? {
                return Ok(());
            }
        }
        let event = Event::new(Action::SignInRefused, ObjectType::User, user_id)
            .with(serde_json::json!({"reason": reason, "at": step.failure().as_str()}));
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(())
    })
    .await
}
