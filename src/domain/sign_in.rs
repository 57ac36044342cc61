//! How hard we make guessing a password: after 5 consecutive failures from one client address each
//! further attempt on that account from that address must wait longer (1 s, 2 s, 4 s … up to 15
//! minutes), and more than 100 consecutive failures on the account from any addresses (the 101st)
//! lock it until the owner resets the password by email or an admin unlocks it. The wait is per
//! account and address so that someone guessing slows only themself: the owner signing in from
//! their own address is not kept waiting. Counters live in PostgreSQL, so every instance of the
//! portal sees the same ones.

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

/// Consecutive failures on one account from one client address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressFailures {
    pub count: i32,
    pub last: Option<DateTime<Utc>>,
}

/// How long an address's failures are kept after its last one: long past the longest wait, after
/// which they would change nothing but how soon the next five count.
pub const ADDRESS_FAILURES_KEPT: Duration = Duration::days(1);

/// Whether an attempt on an account may be checked now, given the account's consecutive failures
/// (every attempt under way counts as one) and those from the attempt's address. Never while the
/// account is locked, nor once the attempt that would lock it is under way; and not while this
/// address must wait. Other addresses' failures never make this one wait.
pub fn may_attempt(
    account_failures: i32,
    locked: bool,
    from_address: AddressFailures,
    now: DateTime<Utc>,
) -> bool {
    !locked && !locks(account_failures) && !must_wait(from_address.count, from_address.last, now)
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

    #[test]
    fn one_address_waiting_does_not_make_another_wait() {
        let now = Utc::now();
        let guesser = AddressFailures {
            count: 40,
            last: Some(now),
        };
        assert!(!may_attempt(40, false, guesser, now));
        assert!(may_attempt(40, false, AddressFailures::default(), now));
        let owner_once_wrong = AddressFailures {
            count: 1,
            last: Some(now),
        };
        assert!(may_attempt(41, false, owner_once_wrong, now));
    }

    #[test]
    fn no_address_gets_past_a_lock_or_the_attempt_that_locks() {
        let now = Utc::now();
        let fresh = AddressFailures::default();
        assert!(
            may_attempt(LOCK_AFTER, false, fresh, now),
            "the 101st is checked"
        );
        assert!(
            !may_attempt(LOCK_AFTER + 1, false, fresh, now),
            "it is under way"
        );
        assert!(!may_attempt(0, true, fresh, now), "locked");
    }
}
