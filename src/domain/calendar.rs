//! Korean working days in Asia/Seoul: which dates count towards a deadline (not a weekend, not a
//! public holiday) and how deadlines are counted in them. The holidays are data the admins keep;
//! `SEED_HOLIDAYS` is what the calendar starts with (DOMAIN.md, "Working days").
//!
//! Counting rule, used by every deadline: the day an event happens is day 0, and **day 1 is the
//! first working day after it**. A request sent on Friday with 1 working day to answer is due on
//! Monday (or the next working day after a holiday).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use chrono_tz::Asia::Seoul;

/// A date written out in a constant: an impossible date stops the build, not the server.
const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("not a date"),
    }
}

/// The public holidays the calendar is seeded with, exactly as DOMAIN.md lists them (2026-2027).
pub const SEED_HOLIDAYS: [NaiveDate; 46] = [
    date(2026, 1, 1),
    date(2026, 2, 16),
    date(2026, 2, 17),
    date(2026, 2, 18),
    date(2026, 3, 1),
    date(2026, 3, 2),
    date(2026, 5, 1),
    date(2026, 5, 5),
    date(2026, 5, 24),
    date(2026, 5, 25),
    date(2026, 6, 3),
    date(2026, 6, 6),
    date(2026, 7, 17),
    date(2026, 8, 15),
    date(2026, 8, 17),
    date(2026, 9, 24),
    date(2026, 9, 25),
    date(2026, 9, 26),
    date(2026, 10, 3),
    date(2026, 10, 5),
    date(2026, 10, 9),
    date(2026, 12, 25),
    date(2027, 1, 1),
    date(2027, 2, 6),
    date(2027, 2, 7),
    date(2027, 2, 8),
    date(2027, 2, 9),
    date(2027, 3, 1),
    date(2027, 5, 1),
    date(2027, 5, 3),
    date(2027, 5, 5),
    date(2027, 5, 13),
    date(2027, 6, 6),
    date(2027, 7, 17),
    date(2027, 7, 19),
    date(2027, 8, 15),
    date(2027, 8, 16),
    date(2027, 9, 14),
    date(2027, 9, 15),
    date(2027, 9, 16),
    date(2027, 10, 3),
    date(2027, 10, 4),
    date(2027, 10, 9),
    date(2027, 10, 11),
    date(2027, 12, 25),
    date(2027, 12, 27),
];

/// The Seoul calendar date of an instant: what "today" and "the day it was filed" mean to the
/// regulator and the issuer (a filing at 23:30 UTC is already the next morning in Seoul).
pub fn seoul_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Seoul).date_naive()
}

/// What kind of day a date is. A public holiday on a weekend is a holiday: that names why it is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    Working,
    Weekend,
    Holiday,
}

/// The working-day calendar: weekends and the holidays it was built with are off.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self {
            holidays: holidays.into_iter().collect(),
        }
    }

    /// The calendar as seeded, before any admin change.
    pub fn seeded() -> Self {
        Self::new(SEED_HOLIDAYS)
    }

    pub fn day_kind(&self, date: NaiveDate) -> DayKind {
        if self.holidays.contains(&date) {
            DayKind::Holiday
        } else if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            DayKind::Weekend
        } else {
            DayKind::Working
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.day_kind(date) == DayKind::Working
    }

    /// The first working day after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        self.add_working_days(date, 1)
    }

    /// The `n`th working day after `from` (day 1 is the first working day after `from`, whatever
    /// `from` is); `from` itself when `n` is 0.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut date = from;
        let mut left = n;
        while left > 0 {
            date = following(date);
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// How many working days fall after `from` up to and including `to`: the inverse of
    /// `add_working_days` on working days. 0 when `to` is not after `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0;
        let mut date = from;
        while date < to {
            date = following(date);
            if self.is_working_day(date) {
                count += 1;
            }
        }
        count
    }
}

/// The next calendar date. Dates here are years from chrono's limit, so running out is a bug.
pub(crate) fn following(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn the_seed_is_domain_md_list() {
        let by_year = |year| SEED_HOLIDAYS.iter().filter(|h| h.year() == year).count();
        assert_eq!((by_year(2026), by_year(2027)), (22, 24));
        let calendar = Calendar::seeded();
        // Chuseok 2026 falls on Thursday to Saturday; Sunday is off anyway.
        assert_eq!(calendar.day_kind(d(2026, 9, 24)), DayKind::Holiday);
        assert_eq!(calendar.day_kind(d(2026, 9, 26)), DayKind::Holiday);
        assert_eq!(calendar.day_kind(d(2026, 9, 27)), DayKind::Weekend);
        assert_eq!(calendar.day_kind(d(2026, 9, 28)), DayKind::Working);
        assert_eq!(calendar.day_kind(d(2027, 12, 27)), DayKind::Holiday);
        assert!(!calendar.is_working_day(d(2026, 1, 1)));
        assert!(calendar.is_working_day(d(2026, 1, 2)));
    }

    #[test]
    fn day_one_is_the_first_working_day_after() {
        let calendar = Calendar::seeded();
        // Monday 2026-03-16: day 1 is Tuesday, day 0 is the day itself.
        assert_eq!(calendar.add_working_days(d(2026, 3, 16), 0), d(2026, 3, 16));
        assert_eq!(calendar.add_working_days(d(2026, 3, 16), 1), d(2026, 3, 17));
        // Friday → Monday; a Saturday start still counts Monday as day 1.
        assert_eq!(calendar.add_working_days(d(2026, 3, 20), 1), d(2026, 3, 23));
        assert_eq!(calendar.add_working_days(d(2026, 3, 21), 1), d(2026, 3, 23));
        assert_eq!(calendar.add_working_days(d(2026, 3, 20), 5), d(2026, 3, 27));
    }

    #[test]
    fn holidays_are_skipped() {
        let calendar = Calendar::seeded();
        // Seollal 2026: Mon 16 to Wed 18 February are off.
        assert_eq!(calendar.add_working_days(d(2026, 2, 13), 1), d(2026, 2, 19));
        // Chuseok 2026: Wednesday 23 September, day 1 is Monday 28.
        assert_eq!(calendar.add_working_days(d(2026, 9, 23), 1), d(2026, 9, 28));
        // Across New Year: Thursday 31 December 2026 → Monday 4 January 2027.
        assert_eq!(calendar.next_working_day(d(2026, 12, 31)), d(2027, 1, 4));
        // Without holidays the same dates are ordinary days.
        let plain = Calendar::default();
        assert_eq!(plain.add_working_days(d(2026, 9, 23), 1), d(2026, 9, 24));
    }

    #[test]
    fn working_days_between_undoes_adding_them() {
        let calendar = Calendar::seeded();
        let from = d(2026, 9, 21);
        for n in 0..40 {
            let to = calendar.add_working_days(from, n);
            assert_eq!(calendar.working_days_between(from, to), n);
        }
        assert_eq!(
            calendar.working_days_between(d(2026, 9, 23), d(2026, 9, 27)),
            0
        );
        assert_eq!(
            calendar.working_days_between(d(2026, 9, 28), d(2026, 9, 21)),
            0
        );
        // December 2026 from the 1st: 22 weekdays, less Christmas.
        assert_eq!(
            calendar.working_days_between(d(2026, 11, 30), d(2026, 12, 31)),
            22
        );
    }

    #[test]
    fn the_seoul_date_of_an_instant() {
        let late = Utc.with_ymd_and_hms(2026, 3, 16, 23, 30, 0).unwrap();
        assert_eq!(seoul_date(late), d(2026, 3, 17));
        let before_midnight = Utc.with_ymd_and_hms(2026, 3, 16, 14, 59, 59).unwrap();
        assert_eq!(seoul_date(before_midnight), d(2026, 3, 16));
        let midnight = Utc.with_ymd_and_hms(2026, 3, 16, 15, 0, 0).unwrap();
        assert_eq!(seoul_date(midnight), d(2026, 3, 17));
        // New Year's Eve in UTC is already New Year's Day in Seoul.
        let eve = Utc.with_ymd_and_hms(2026, 12, 31, 20, 0, 0).unwrap();
        assert_eq!(seoul_date(eve), d(2027, 1, 1));
    }
}
