//! How hard we make guessing a password: after 5 consecutive failures each further attempt must wait
//! longer (1 s, 2 s, 4 s … up to 15 minutes), and more than 100 consecutive failures (the 101st) lock the account until
//! the owner resets the password by email or an admin unlocks it. Counters live in PostgreSQL, so
//! every instance of the portal sees the same ones.

use chrono::{DateTime, Duration, Utc};

/// Consecutive failures before attempts are slowed down.
pub const FREE_ATTEMPTS: i32 = 5;
/// Consecutive failures allowed; the next one locks the account.
pub const LOCK_AFTER: i32 = 100;

/// Whether this many consecutive failures lock the account.
pub fn locks(failures: i32) -> bool {
    failures > LOCK_AFTER
}
/// Sign-in attempts one client address may make in a minute.
pub const ATTEMPTS_PER_ADDRESS_PER_MINUTE: i64 = 30;
/// Sign-ups one client address may send in an hour: an institution signs up once, and each
/// sign-up sends a mail.
pub const SIGN_UPS_PER_ADDRESS_PER_HOUR: i64 = 10;

const MAX_DELAY: Duration = Duration::minutes(15);

/// How long after the last failure the next attempt must wait.
pub fn delay_after(failures: i32) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::zero();
    }
    let exponent = (failures - FREE_ATTEMPTS).min(20);
    Duration::seconds(1i64 << exponent).min(MAX_DELAY)
}

/// Whether an attempt now must be turned away unchecked because the last failure was too recent.
pub fn must_wait(failures: i32, last_failure: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_failure.is_some_and(|last| now < last + delay_after(failures))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_five_failures_cost_nothing() {
        assert_eq!(delay_after(0), Duration::zero());
        assert_eq!(delay_after(4), Duration::zero());
        assert_eq!(delay_after(5), Duration::seconds(1));
        assert_eq!(delay_after(8), Duration::seconds(8));
        assert_eq!(delay_after(99), MAX_DELAY);
    }

    #[test]
    fn the_hundred_and_first_failure_locks() {
        assert!(!locks(100));
        assert!(locks(101));
    }

    #[test]
    fn an_attempt_waits_out_the_delay() {
        let now = Utc::now();
        assert!(!must_wait(4, Some(now), now));
        assert!(must_wait(7, Some(now - Duration::seconds(3)), now));
        assert!(!must_wait(7, Some(now - Duration::seconds(5)), now));
        assert!(!must_wait(50, None, now));
    }
}
