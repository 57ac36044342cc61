//! The statutory clock against the 2026-2027 calendar of DOMAIN.md.

use super::*;

fn d(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn seeded() -> Calendar {
    Calendar::seeded()
}

#[test]
fn the_phases_take_their_lengths_from_the_settings() {
    let settings = ClockSettings::default();
    assert_eq!(Phase::Completeness.length(&settings), 25);
    assert_eq!(Phase::Assessment.length(&settings), 60);
    let stored = serde_json::to_string(&settings).unwrap();
    assert_eq!(stored, r#"{"completeness_days":25,"assessment_days":60}"#);
    let edited: ClockSettings = serde_json::from_str(r#"{"assessment_days":90}"#).unwrap();
    assert_eq!(Phase::Assessment.length(&edited), 90);
    assert_eq!(
        Phase::Completeness.length(&edited),
        25,
        "a missing field keeps its default"
    );
    assert_eq!("assessment".parse::<Phase>(), Ok(Phase::Assessment));
}

#[test]
fn a_completeness_check_filed_before_a_weekend() {
    let calendar = seeded();
    // Submitted on Friday 13 March 2026: day 1 is Monday 16, day 25 is Friday 17 April.
    let clock = Clock::new(d(2026, 3, 13), 25);
    let on_sunday = clock.status(&calendar, d(2026, 3, 15));
    assert_eq!((on_sunday.used, on_sunday.left), (0, 25));
    assert_eq!(on_sunday.deadline, d(2026, 4, 17));
    let on_monday = clock.status(&calendar, d(2026, 3, 16));
    assert_eq!((on_monday.used, on_monday.left), (1, 24));
    // Filed on the Saturday instead: the same day 1, the same deadline.
    let saturday = Clock::new(d(2026, 3, 14), 25).status(&calendar, d(2026, 3, 16));
    assert_eq!((saturday.used, saturday.deadline), (1, d(2026, 4, 17)));
}

#[test]
fn the_deadline_day_is_due_and_the_day_after_is_overdue() {
    let calendar = seeded();
    let clock = Clock::new(d(2026, 3, 13), 25);
    let on_the_day = clock.status(&calendar, d(2026, 4, 17));
    assert_eq!((on_the_day.used, on_the_day.left), (25, 0));
    assert!(!on_the_day.overdue && on_the_day.due_within(0));
    let saturday = clock.status(&calendar, d(2026, 4, 18));
    assert!(saturday.overdue && !saturday.due_within(5));
    assert_eq!((saturday.used, saturday.left), (25, 0));
    let monday = clock.status(&calendar, d(2026, 4, 20));
    assert_eq!((monday.used, monday.left), (26, 0));
}

#[test]
fn due_within_counts_working_days_left() {
    let calendar = seeded();
    let clock = Clock::new(d(2026, 3, 13), 25);
    // Friday 10 April: 5 working days left (13 to 17 April).
    let status = clock.status(&calendar, d(2026, 4, 10));
    assert_eq!(status.left, 5);
    assert!(status.due_within(5));
    assert!(!status.due_within(4));
}

#[test]
fn holidays_do_not_count() {
    let calendar = seeded();
    // Tuesday 28 April 2026, 5 days: 29, 30 April, (1 May holiday), 4, (5 May holiday), 6, 7.
    let clock = Clock::new(d(2026, 4, 28), 5);
    let status = clock.status(&calendar, d(2026, 5, 5));
    assert_eq!((status.used, status.deadline), (3, d(2026, 5, 7)));
    let entries: Vec<_> = clock
        .log(&calendar, d(2026, 5, 7))
        .iter()
        .map(|day| day.entry())
        .collect();
    use DayEntry::*;
    assert_eq!(
        entries,
        [
            Counted, Counted, Holiday, Weekend, Weekend, Counted, Holiday, Counted, Counted
        ]
    );
}

#[test]
fn the_day_of_a_stop_does_not_count_and_the_day_of_the_restart_does() {
    let calendar = seeded();
    // Completeness confirmed on Monday 14 September 2026; a request sent on Tuesday 22.
    let mut clock = Clock::new(d(2026, 9, 14), 60);
    assert_eq!(clock.status(&calendar, d(2026, 9, 21)).used, 5);
    clock.stop(d(2026, 9, 22)).unwrap();
    let sent = clock.status(&calendar, d(2026, 9, 22));
    assert_eq!((sent.used, sent.stopped, sent.stopped_days), (5, true, 1));
    clock.restart(d(2026, 9, 29)).unwrap();
    let answered = clock.status(&calendar, d(2026, 9, 29));
    assert_eq!((answered.used, answered.stopped), (6, false));
    let log = clock.log(&calendar, d(2026, 9, 29));
    let stop_day = log.iter().find(|day| day.date == d(2026, 9, 22)).unwrap();
    assert!(stop_day.stop_began && stop_day.stopped && stop_day.counted.is_none());
    let restart_day = log.last().unwrap();
    assert!(restart_day.restarted && !restart_day.stopped);
    assert_eq!(restart_day.counted, Some(6));
}

#[test]
fn a_request_spanning_chuseok_moves_the_deadline_by_the_stopped_working_days_only() {
    let calendar = seeded();
    let running = Clock::new(d(2026, 9, 14), 60);
    assert_eq!(
        running.status(&calendar, d(2026, 9, 14)).deadline,
        d(2026, 12, 11)
    );
    // Stopped Tuesday 22 September, answered Tuesday 29: stopped on 22, 23 and 28 (working
    // days) and over Chuseok (24-26) and the Sunday, which would not have counted anyway.
    let events = [
        ClockEvent::Stopped(d(2026, 9, 22)),
        ClockEvent::Restarted(d(2026, 9, 29)),
    ];
    let clock = Clock::with_events(d(2026, 9, 14), 60, &events).unwrap();
    let status = clock.status(&calendar, d(2026, 10, 1));
    assert_eq!(status.stopped_days, 3);
    assert_eq!(status.deadline, d(2026, 12, 16));
    assert_eq!(
        status.deadline,
        calendar.add_working_days(d(2026, 12, 11), 3)
    );
    let entries: Vec<_> = clock
        .log(&calendar, d(2026, 9, 29))
        .iter()
        .skip_while(|day| day.date < d(2026, 9, 22))
        .map(|day| day.entry())
        .collect();
    use DayEntry::*;
    assert_eq!(
        entries,
        [
            Stopped, Stopped, Holiday, Holiday, Holiday, Weekend, Stopped, Counted
        ]
    );
}

#[test]
fn a_stopped_clock_shows_the_earliest_deadline_and_is_not_due() {
    let calendar = seeded();
    let mut clock = Clock::new(d(2026, 9, 14), 60);
    clock.stop(d(2026, 9, 22)).unwrap();
    // On Wednesday 23 two working days are stopped (22, 23): the deadline is two working days
    // after the running clock's 11 December, as if the answer came the next day.
    let wednesday = clock.status(&calendar, d(2026, 9, 23));
    assert_eq!(
        wednesday.deadline,
        calendar.add_working_days(d(2026, 12, 11), 2)
    );
    let monday = clock.status(&calendar, d(2026, 9, 28));
    assert_eq!(monday.deadline, d(2026, 12, 16));
    assert!(monday.stopped && !monday.due_within(100));
    // Still stopped on Tuesday 6 October: 22, 23, 28, 29, 30 September, 1, 2 and 6 October.
    let later = clock.status(&calendar, d(2026, 10, 6));
    assert_eq!(later.stopped_days, 8);
    assert_eq!(
        later.deadline,
        calendar.add_working_days(d(2026, 12, 11), 8)
    );
}

#[test]
fn a_stop_and_restart_on_the_same_day_stops_nothing() {
    let calendar = seeded();
    let events = [
        ClockEvent::Stopped(d(2026, 3, 17)),
        ClockEvent::Restarted(d(2026, 3, 17)),
    ];
    let clock = Clock::with_events(d(2026, 3, 13), 25, &events).unwrap();
    let status = clock.status(&calendar, d(2026, 3, 18));
    assert_eq!((status.used, status.stopped_days), (3, 0));
    assert_eq!(status.deadline, d(2026, 4, 17));
}

#[test]
fn a_deadline_across_new_year() {
    let calendar = seeded();
    // Submitted Tuesday 1 December 2026: Christmas and 1 January are off, day 25 is 7 January.
    let clock = Clock::new(d(2026, 12, 1), 25);
    let eve = clock.status(&calendar, d(2026, 12, 31));
    assert_eq!((eve.used, eve.left, eve.deadline), (21, 4, d(2027, 1, 7)));
    assert!(eve.due_within(5));
    assert!(!clock.status(&calendar, d(2027, 1, 7)).overdue);
    assert!(clock.status(&calendar, d(2027, 1, 8)).overdue);
    // A request from Wednesday 30 December answered on Tuesday 5 January stops 30, 31 December
    // and 4 January: three working days later, Tuesday 12 January.
    let events = [
        ClockEvent::Stopped(d(2026, 12, 30)),
        ClockEvent::Restarted(d(2027, 1, 5)),
    ];
    let clock = Clock::with_events(d(2026, 12, 1), 25, &events).unwrap();
    let status = clock.status(&calendar, d(2027, 1, 5));
    assert_eq!((status.used, status.stopped_days), (20, 3));
    assert_eq!(status.deadline, d(2027, 1, 12));
}

#[test]
fn a_stop_after_the_deadline_leaves_the_case_overdue() {
    let calendar = seeded();
    let events = [ClockEvent::Stopped(d(2026, 4, 21))];
    let clock = Clock::with_events(d(2026, 3, 13), 25, &events).unwrap();
    let status = clock.status(&calendar, d(2026, 4, 24));
    assert_eq!(status.deadline, d(2026, 4, 17));
    assert!(status.overdue && status.stopped);
    assert_eq!((status.used, status.left), (26, 0));
}

#[test]
fn events_must_make_a_history() {
    let start = d(2026, 3, 13);
    let stop = ClockEvent::Stopped(d(2026, 3, 17));
    let restart = ClockEvent::Restarted(d(2026, 3, 19));
    assert_eq!(
        Clock::with_events(start, 25, &[restart]),
        Err(ClockError::NotStopped)
    );
    assert_eq!(
        Clock::with_events(start, 25, &[stop, stop]),
        Err(ClockError::AlreadyStopped)
    );
    let early = ClockEvent::Restarted(d(2026, 3, 16));
    assert_eq!(
        Clock::with_events(start, 25, &[stop, early]),
        Err(ClockError::OutOfOrder)
    );
    let before_start = ClockEvent::Stopped(d(2026, 3, 12));
    assert_eq!(
        Clock::with_events(start, 25, &[before_start]),
        Err(ClockError::OutOfOrder)
    );
    let again = ClockEvent::Stopped(d(2026, 3, 18));
    assert!(Clock::with_events(start, 25, &[stop, restart, again]).is_err());
    let later = ClockEvent::Stopped(d(2026, 3, 20));
    let clock = Clock::with_events(start, 25, &[stop, restart, later]).unwrap();
    assert!(clock.is_stopped());
}
