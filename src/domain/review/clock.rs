//! The statutory clock of a review phase, counted in Korean working days: days used, days left, the
//! deadline, and a day-by-day log that both the issuer and the regulator see.
//!
//! Rules, in Seoul dates (see `calendar::seoul_date`):
//! - The phase starts on day 0 (the date of submission, or of the confirmation of completeness);
//!   day 1 is the first working day after it (`Calendar::add_working_days`).
//! - **A day counts when it is a working day and the clock was running at the end of that day.**
//!   So the day an information request is sent does not count (the clock stopped that day), and
//!   the day its answer arrives does (the clock runs again by the evening). A request sent and
//!   answered on the same day stops nothing.
//! - The deadline is the day the last counted day falls on: each stopped working day moves it by
//!   one working day; stopped weekends and holidays move nothing, since they would not have
//!   counted anyway.
//! - While the clock is stopped, the deadline shown is the earliest it can still be: the one if
//!   the answer arrived tomorrow. Each further stopped working day moves it on.
//! - A phase is overdue once today is after its deadline (so a deadline on a Friday is overdue on
//!   the Saturday).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::calendar::{Calendar, DayKind, following};
use crate::domain::code::coded;

coded! {
    /// The two phases with a statutory length.
    pub enum Phase {
        /// From submission: is everything there?
        Completeness => "completeness",
        /// From the confirmation of completeness: the assessment itself.
        Assessment => "assessment",
    }
}

impl Phase {
    /// How many working days the phase has.
    pub fn length(self, settings: &ClockSettings) -> u32 {
        match self {
            Phase::Completeness => settings.completeness_days,
            Phase::Assessment => settings.assessment_days,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Phase::Completeness => "review-phase-completeness",
            Phase::Assessment => "review-phase-assessment",
        }
    }
}

/// The lengths of the phases, in working days: settings an admin may change (DOMAIN.md), stored
/// as JSON in the settings table. A stored value missing a field takes its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClockSettings {
    pub completeness_days: u32,
    pub assessment_days: u32,
}

impl Default for ClockSettings {
    fn default() -> Self {
        Self {
            completeness_days: 25,
            assessment_days: 60,
        }
    }
}

/// A stop or a restart of the clock, on the Seoul date it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockEvent {
    /// An information request was sent.
    Stopped(NaiveDate),
    /// Its answer arrived.
    Restarted(NaiveDate),
}

/// Events that do not make a history: a bug or a damaged row, never something a user did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("the clock is already stopped")]
    AlreadyStopped,
    #[error("the clock is not stopped")]
    NotStopped,
    #[error("an event before the phase or the previous event")]
    OutOfOrder,
}

/// The working days from `from` (inclusive) to `until` (exclusive; still open when `None`) on
/// which the clock did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stop {
    from: NaiveDate,
    until: Option<NaiveDate>,
}

/// The clock of one phase: its start, its length and its stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    start: NaiveDate,
    length: u32,
    stops: Vec<Stop>,
}

/// Where a clock stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockStatus {
    pub used: u32,
    pub left: u32,
    pub deadline: NaiveDate,
    pub overdue: bool,
    /// An information request is open.
    pub stopped: bool,
    /// Working days on which the clock did not run, so far: how far the deadline moved.
    pub stopped_days: u32,
}

impl ClockStatus {
    /// Whether the deadline falls within the next `n` working days (today included) and the clock
    /// runs: a stopped clock waits for the issuer, so it is nobody's urgent work.
    pub fn due_within(&self, n: u32) -> bool {
        !self.stopped && !self.overdue && self.left <= n
    }
}

/// One date of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoggedDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub stopped: bool,
    /// The day's number when it counted (1 for the first counted day).
    pub counted: Option<u32>,
    /// An information request stopped the clock that day.
    pub stop_began: bool,
    /// An answer restarted the clock that day.
    pub restarted: bool,
}

/// What a logged day was for the clock, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayEntry {
    Counted,
    Weekend,
    Holiday,
    Stopped,
}

impl DayEntry {
    pub fn label_key(self) -> &'static str {
        match self {
            DayEntry::Counted => "review-clock-day-counted",
            DayEntry::Weekend => "review-clock-day-weekend",
            DayEntry::Holiday => "review-clock-day-holiday",
            DayEntry::Stopped => "review-clock-day-stopped",
        }
    }
}

impl LoggedDay {
    /// A weekend or holiday stays one during a stop: only stopped working days move the deadline.
    pub fn entry(&self) -> DayEntry {
        match (self.kind, self.stopped) {
            (DayKind::Weekend, _) => DayEntry::Weekend,
            (DayKind::Holiday, _) => DayEntry::Holiday,
            (DayKind::Working, true) => DayEntry::Stopped,
            (DayKind::Working, false) => DayEntry::Counted,
        }
    }
}

impl Clock {
    /// A running clock of `length` working days that started on `start`.
    pub fn new(start: NaiveDate, length: u32) -> Self {
        Self {
            start,
            length,
            stops: Vec::new(),
        }
    }

    /// The clock of a phase after its stops and restarts, oldest first.
    pub fn with_events(
        start: NaiveDate,
        length: u32,
        events: &[ClockEvent],
    ) -> Result<Self, ClockError> {
        let mut clock = Self::new(start, length);
        for event in events {
            match *event {
                ClockEvent::Stopped(on) => clock.stop(on)?,
                ClockEvent::Restarted(on) => clock.restart(on)?,
            }
        }
        Ok(clock)
    }

    fn last_event(&self) -> NaiveDate {
        self.stops
            .last()
            .map_or(self.start, |stop| stop.until.unwrap_or(stop.from))
    }

    pub fn is_stopped(&self) -> bool {
        self.stops.last().is_some_and(|stop| stop.until.is_none())
    }

    pub fn stop(&mut self, on: NaiveDate) -> Result<(), ClockError> {
        if self.is_stopped() {
            return Err(ClockError::AlreadyStopped);
        }
        if on < self.last_event() {
            return Err(ClockError::OutOfOrder);
        }
        self.stops.push(Stop {
            from: on,
            until: None,
        });
        Ok(())
    }

    pub fn restart(&mut self, on: NaiveDate) -> Result<(), ClockError> {
        if !self.is_stopped() {
            return Err(ClockError::NotStopped);
        }
        if on < self.last_event() {
            return Err(ClockError::OutOfOrder);
        }
        if let Some(stop) = self.stops.last_mut() {
            stop.until = Some(on);
        }
        Ok(())
    }

    /// Whether the clock was stopped at the end of `date`, as known on `today` (an open stop
    /// lasts through today).
    fn stopped_on(&self, date: NaiveDate, today: NaiveDate) -> bool {
        self.stops
            .iter()
            .any(|stop| stop.from <= date && stop.until.map_or(date <= today, |until| date < until))
    }

    fn log_day(&self, calendar: &Calendar, date: NaiveDate, today: NaiveDate) -> LoggedDay {
        LoggedDay {
            date,
            kind: calendar.day_kind(date),
            stopped: self.stopped_on(date, today),
            counted: None,
            stop_began: self.stops.iter().any(|stop| stop.from == date),
            restarted: self.stops.iter().any(|stop| stop.until == Some(date)),
        }
    }

    /// Every date from day 1 up to and including `today`, each numbered when it counted.
    pub fn log(&self, calendar: &Calendar, today: NaiveDate) -> Vec<LoggedDay> {
        let mut days = Vec::new();
        let mut counted = 0;
        let mut date = following(self.start);
        while date <= today {
            let mut day = self.log_day(calendar, date, today);
            if day.entry() == DayEntry::Counted {
                counted += 1;
                day.counted = Some(counted);
            }
            days.push(day);
            date = following(date);
        }
        days
    }

    /// The date of the phase's last counted day, counting stops as known on `today`.
    fn deadline(&self, calendar: &Calendar, today: NaiveDate) -> NaiveDate {
        let mut date = self.start;
        let mut counted = 0;
        while counted < self.length {
            date = following(date);
            if calendar.is_working_day(date) && !self.stopped_on(date, today) {
                counted += 1;
            }
        }
        date
    }

    /// Where the clock stands on `today`.
    pub fn status(&self, calendar: &Calendar, today: NaiveDate) -> ClockStatus {
        let log = self.log(calendar, today);
        let used = log.iter().filter(|d| d.counted.is_some()).count();
        let stopped_days = log
            .iter()
            .filter(|d| d.entry() == DayEntry::Stopped)
            .count();
        let used = u32::try_from(used).unwrap_or(u32::MAX);
        let deadline = self.deadline(calendar, today);
        ClockStatus {
            used,
            left: self.length.saturating_sub(used),
            deadline,
            overdue: today > deadline,
            stopped: self.is_stopped(),
            stopped_days: u32::try_from(stopped_days).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
#[path = "clock_tests.rs"]
mod tests;
