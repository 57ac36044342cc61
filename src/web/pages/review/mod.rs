//! The regulator's review: the queue of cases, the workspace of one case (with its clocks and the
//! comparison of section versions), and the actions staff take there (take, assign, outcomes,
//! notes, confirm complete, request information).

pub mod actions;
pub mod case;
pub mod compare;
pub mod consultation;
pub mod decisions;
pub mod information_requests;
pub mod letter;
pub mod queue;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use uuid::Uuid;

use crate::domain::review::clock::LoggedDay;
use crate::error::AppResult;
use crate::services::review::workspace::PhaseClock;
use crate::web::PageContext;
use crate::web::reply::page;

/// A case's page in the workspace.
pub fn case_url(id: Uuid) -> String {
    format!("/review/{id}")
}

/// A phase's clock as a page shows it (the workspace, and the issuer's task list through the
/// partial templates/review/clock.html, which takes `clock: Option<ClockView>`).
pub struct ClockView {
    pub phase_key: &'static str,
    pub length: u32,
    pub used: u32,
    pub left: u32,
    pub deadline: String,
    pub overdue: bool,
    pub stopped: bool,
    /// Working days on which the clock was stopped so far.
    pub stopped_days: u32,
    pub days: Vec<DayView>,
}

/// One date of the day-by-day log.
pub struct DayView {
    pub date: String,
    pub entry_key: &'static str,
    /// The day's number when it counted.
    pub counted: Option<u32>,
    pub stop_began: bool,
    pub restarted: bool,
}

impl ClockView {
    pub fn of(clock: &PhaseClock) -> ClockView {
        let s = clock.status;
        ClockView {
            phase_key: clock.phase.label_key(),
            length: clock.length,
            used: s.used,
            left: s.left,
            deadline: s.deadline.to_string(),
            overdue: s.overdue,
            stopped: s.stopped,
            stopped_days: s.stopped_days,
            days: clock.log.iter().map(DayView::of).collect(),
        }
    }
}

impl DayView {
    fn of(day: &LoggedDay) -> DayView {
        DayView {
            date: day.date.to_string(),
            entry_key: day.entry().label_key(),
            counted: day.counted,
            stop_began: day.stop_began,
            restarted: day.restarted,
        }
    }
}

#[derive(Template)]
#[template(path = "review/refused.html")]
struct RefusedPage {
    ctx: PageContext,
    message: String,
    back: String,
}

/// An action that could not be taken: why, in words, and a link to the case as it is now.
pub fn refused(
    ctx: PageContext,
    id: Uuid,
    key: &'static str,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let shown = RefusedPage {
        message: ctx.t(key),
        back: case_url(id),
        ctx,
    };
    page(&shown, status)
}
