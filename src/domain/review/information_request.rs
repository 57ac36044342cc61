//! The due date of an information request: a number of working days the reviewer gives the issuer
//! to answer (10 unless the reviewer chooses otherwise, never more than 20, DOMAIN.md), counted as
//! every deadline is (day 1 is the first working day after the request was sent).

use chrono::NaiveDate;

use crate::domain::calendar::Calendar;

/// Working days an issuer has to answer when the reviewer does not say.
pub const DEFAULT_RESPONSE_DAYS: u32 = 10;
/// The most working days a reviewer may give.
pub const MAX_RESPONSE_DAYS: u32 = 20;

/// Why a number of days to answer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ResponseDaysRefused {
    #[error("fewer than 1 working day")]
    TooFew,
    #[error("more than {MAX_RESPONSE_DAYS} working days")]
    TooMany,
}

impl ResponseDaysRefused {
    pub fn message_key(self) -> &'static str {
        match self {
            ResponseDaysRefused::TooFew => "review-request-days-too-few",
            ResponseDaysRefused::TooMany => "review-request-days-too-many",
        }
    }
}

/// Working days to answer an information request, from 1 to `MAX_RESPONSE_DAYS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseDays(u32);

impl Default for ResponseDays {
    fn default() -> Self {
        Self(DEFAULT_RESPONSE_DAYS)
    }
}

impl ResponseDays {
    pub fn new(days: u32) -> Result<Self, ResponseDaysRefused> {
        match days {
            0 => Err(ResponseDaysRefused::TooFew),
            1..=MAX_RESPONSE_DAYS => Ok(Self(days)),
            _ => Err(ResponseDaysRefused::TooMany),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// The last day to answer a request sent on `sent` (a Seoul date).
    pub fn due(self, calendar: &Calendar, sent: NaiveDate) -> NaiveDate {
        calendar.add_working_days(sent, self.0)
    }
}

/// Whether an answer that arrived on `answered` (a Seoul date) came after the due date: such an
/// answer is accepted and flagged, not refused.
pub fn is_late(due: NaiveDate, answered: NaiveDate) -> bool {
    answered > due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn between_one_and_twenty_working_days() {
        assert_eq!(ResponseDays::default().get(), 10);
        assert_eq!(ResponseDays::new(0), Err(ResponseDaysRefused::TooFew));
        assert_eq!(ResponseDays::new(1).map(ResponseDays::get), Ok(1));
        assert_eq!(ResponseDays::new(20).map(ResponseDays::get), Ok(20));
        assert_eq!(ResponseDays::new(21), Err(ResponseDaysRefused::TooMany));
    }

    #[test]
    fn a_request_over_chuseok_is_due_after_it() {
        let calendar = Calendar::seeded();
        // Sent Tuesday 22 September 2026: 23 (1), Chuseok and the weekend, 28 Sep to 2 Oct
        // (2-6), 3-5 October off, 6-8 (7-9), 9 October off, Monday 12 (10).
        let due = ResponseDays::default().due(&calendar, d(2026, 9, 22));
        assert_eq!(due, d(2026, 10, 12));
        assert!(!is_late(due, d(2026, 10, 12)));
        assert!(is_late(due, d(2026, 10, 13)));
        assert!(!is_late(due, d(2026, 9, 23)));
        let shortest = ResponseDays::new(1).unwrap().due(&calendar, d(2026, 9, 23));
        assert_eq!(shortest, d(2026, 9, 28));
    }

    #[test]
    fn a_request_over_new_year() {
        let calendar = Calendar::seeded();
        // Sent Wednesday 23 December 2026: 24 (1), 25 off, 28-31 (2-5), 1 January off, 4-8
        // January (6-10), 11-15 (11-15), 18-22 (16-20): due Friday 22 January 2027.
        let due = ResponseDays::new(20)
            .unwrap()
            .due(&calendar, d(2026, 12, 23));
        assert_eq!(due, d(2027, 1, 22));
        assert_eq!(
            ResponseDays::default().due(&calendar, d(2026, 12, 23)),
            d(2027, 1, 8)
        );
    }
}
