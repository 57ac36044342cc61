//! The review queue: the cases staff work, filtered and searched, sorted by the clock's due date,
//! 50 to a page by keyset (`after=<due_on>,<id>`), with each case's working days left and the
//! number of cases in each state.

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use futures_util::TryFutureExt;
use uuid::Uuid;

use crate::db;
use crate::db::queue::{AssigneeFilter, QueueQuery, QueueRow, Search};
use crate::domain::calendar::Calendar;
use crate::domain::institution::InstitutionType;
use crate::domain::reference::ApplicationReference;
use crate::domain::review::state::ReviewState;
use crate::error::AppResult;
use crate::services::review::clock;

/// Cases on one page of the queue.
pub const PAGE_SIZE: u16 = 50;

/// "Due soon": the deadline falls within this many working days.
pub const DUE_SOON_DAYS: u32 = 5;

/// The states a case is worked in: the queue shows these unless a state is chosen. The database
/// knows them as `applications.in_queue` (every state but these four: draft, approved, rejected,
/// withdrawn; migration queue_in_queue), which the queue's query reads.
pub const OPEN: [ReviewState; 5] = [
    ReviewState::Submitted,
    ReviewState::InformationRequestedCompleteness,
    ReviewState::UnderAssessment,
    ReviewState::InformationRequestedAssessment,
    ReviewState::DecisionProposed,
];

/// Whose cases to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Assignee {
    #[default]
    Anyone,
    Me,
    Unassigned,
}

/// The queue's filters as the person chose them.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub state: Option<ReviewState>,
    pub assignee: Assignee,
    pub institution_type: Option<InstitutionType>,
    pub overdue: bool,
    pub due_soon: bool,
    pub search: String,
    pub after: Option<(Option<NaiveDate>, Uuid)>,
}

/// A line of the queue with its clock in working days.
pub struct Line {
    pub row: QueueRow,
    /// Working days after today up to the deadline; `None` while the clock is stopped.
    pub days_left: Option<u32>,
    pub overdue: bool,
}

pub struct QueuePage {
    pub lines: Vec<Line>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
    pub counts: Vec<(ReviewState, i64)>,
}

/// One page of the queue for the member of staff `me`. The calendar, the page and the counts are
/// read together, pipelined on the one connection (one round trip instead of three), except that a
/// "due soon" filter needs the calendar first to know its last day.
pub async fn queue(conn: &AsyncPgConnection, me: Uuid, filters: &Filters) -> AppResult<QueuePage> {
    let today = clock::today();
    let known = if filters.due_soon {
        Some(clock::calendar(conn).await?)
    } else {
        None
    };
    let query = query_of(me, filters, today, known.as_ref());
    let calendar = async {
        match known {
            Some(calendar) => Ok(calendar),
            None => clock::calendar(conn).await,
        }
    };
    let (calendar, mut rows, counts) = futures_util::try_join!(
        calendar,
        db::queue::page(conn, &query).err_into(),
        db::queue::counts(conn).err_into(),
    )?;
    let page_size = usize::from(PAGE_SIZE);
    let more = rows.len() > page_size;
    rows.truncate(page_size);
    let next = more
        .then(|| rows.last().map(|r| cursor(r.due_on, r.id)))
        .flatten();
    let lines = rows
        .into_iter()
        .map(|row| {
            let overdue = row.due_on.is_some_and(|d| d < today);
            let days_left = row.due_on.map(|d| calendar.working_days_between(today, d));
            Line {
                row,
                days_left,
                overdue,
            }
        })
        .collect();
    Ok(QueuePage {
        lines,
        next,
        counts,
    })
}

/// The filters as the query reads them; `calendar` is needed (and given) for "due soon" only.
fn query_of(
    me: Uuid,
    filters: &Filters,
    today: NaiveDate,
    calendar: Option<&Calendar>,
) -> QueueQuery {
    let mut due_before = filters.overdue.then_some(today);
    let mut due_from = None;
    if let Some(calendar) = calendar.filter(|_| filters.due_soon) {
        // Left ≤ 5 working days and not yet overdue: due from today up to the 5th working day.
        let limit = calendar.add_working_days(today, DUE_SOON_DAYS + 1);
        due_before = Some(due_before.map_or(limit, |b| b.min(limit)));
        due_from = Some(today);
    }
    QueueQuery {
        state: filters.state,
        assignee: match filters.assignee {
            Assignee::Anyone => AssigneeFilter::Anyone,
            Assignee::Me => AssigneeFilter::Person(me),
            Assignee::Unassigned => AssigneeFilter::Unassigned,
        },
        institution_type: filters.institution_type,
        due_before,
        due_from,
        search: search_of(&filters.search),
        after: filters.after,
        limit: PAGE_SIZE + 1,
    }
}

/// The `after` parameter for a page that starts after this case.
pub fn cursor(due_on: Option<NaiveDate>, id: Uuid) -> String {
    match due_on {
        Some(d) => format!("{d},{id}"),
        None => format!(",{id}"),
    }
}

/// An `after` parameter read back; anything malformed starts from the first page.
pub fn parse_cursor(raw: &str) -> Option<(Option<NaiveDate>, Uuid)> {
    let (due, id) = raw.split_once(',')?;
    let id = id.trim().parse().ok()?;
    match due.trim() {
        "" => Some((None, id)),
        d => Some((Some(d.parse().ok()?), id)),
    }
}

/// The search as the query matches it: a whole reference exactly; else a name or reference anywhere
/// (case-insensitively), and a business registration number by its digits whatever the separators
/// typed.
pub fn search_of(raw: &str) -> Search {
    // Control characters (NUL above all, which PostgreSQL text cannot hold) are never typed.
    let cleaned: String = raw.chars().filter(|c| !c.is_control()).collect();
    let raw = cleaned.trim();
    if raw.is_empty() {
        return Search::default();
    }
    // A whole reference, as pasted from a letter or a mail: that case, by its unique index.
    if let Ok(reference) = raw.parse::<ApplicationReference>() {
        return Search {
            reference: Some(reference.to_string()),
            ..Search::default()
        };
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let number_like = raw
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '.'));
    Search {
        reference: None,
        pattern: Some(format!("%{}%", escape_like(raw))),
        digits: (number_like && digits.len() >= 3).then(|| format!("%{digits}%")),
    }
}

/// `raw` with LIKE's wildcards taken literally.
fn escape_like(raw: &str) -> String {
    raw.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_states_are_those_the_databases_in_queue_column_counts() {
        let not_in_queue = [
            ReviewState::Draft,
            ReviewState::Approved,
            ReviewState::Rejected,
            ReviewState::Withdrawn,
        ];
        let open: Vec<ReviewState> = ReviewState::ALL
            .iter()
            .copied()
            .filter(|s| !not_in_queue.contains(s))
            .collect();
        assert_eq!(open, OPEN);
    }

    #[test]
    fn cursors_read_back_and_nonsense_starts_over() {
        let id = Uuid::now_v7();
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(parse_cursor(&cursor(Some(day), id)), Some((Some(day), id)));
        assert_eq!(parse_cursor(&cursor(None, id)), Some((None, id)));
        assert_eq!(parse_cursor("2026-02-30,x"), None);
        assert_eq!(parse_cursor(""), None);
    }

    #[test]
    fn numbers_are_searched_by_digits_and_wildcards_are_literal() {
        let s = search_of(" 124-81-00998 ");
        assert_eq!(s.digits.as_deref(), Some("%1248100998%"));
        assert_eq!(s.pattern.as_deref(), Some("%124-81-00998%"));
        let s = search_of("Hanbit 100%_");
        assert_eq!(s.digits, None);
        assert_eq!(s.pattern.as_deref(), Some("%Hanbit 100\\%\\_%"));
        assert_eq!(search_of("  "), Search::default());
        assert_eq!(search_of("\0"), Search::default());
    }

    #[test]
    fn a_whole_reference_is_searched_as_that_reference_alone() {
        let s = search_of(" app-2026-000123 ");
        assert_eq!(s.reference.as_deref(), Some("APP-2026-000123"));
        assert_eq!((s.pattern, s.digits), (None, None));
        // Part of one is a pattern, as any other text.
        let s = search_of("APP-2026-0001");
        assert_eq!(s.reference, None);
        assert_eq!(s.pattern.as_deref(), Some("%APP-2026-0001%"));
    }
}
