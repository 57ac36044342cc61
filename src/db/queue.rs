//! The review queue and who works a case: the filtered, keyset-paginated list of cases (one query,
//! joined to institutions and the assignee, on the queue's indexes), the counts per state, and
//! taking and assigning a case (guarded in the SQL).

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{applications, institutions, users};
use crate::domain::Role;
use crate::domain::institution::InstitutionType;
use crate::domain::review::state::ReviewState;

/// Whose cases the queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    Anyone,
    Unassigned,
    Person(Uuid),
}

/// What the search box matched against: names and references by pattern, registration numbers by
/// their digits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// A LIKE pattern (already escaped) for names and references.
    pub pattern: Option<String>,
    /// A LIKE pattern of digits for business registration numbers.
    pub digits: Option<String>,
}

/// The queue's filters, already parsed.
#[derive(Debug, Clone)]
pub struct QueueQuery {
    /// The states shown (the open ones unless a state is chosen).
    pub states: Vec<ReviewState>,
    pub assignee: AssigneeFilter,
    pub institution_type: Option<InstitutionType>,
    /// Only cases due before this date (overdue: before today).
    pub due_before: Option<NaiveDate>,
    /// Only cases due on or after this date.
    pub due_from: Option<NaiveDate>,
    pub search: Search,
    /// The last row of the previous page: (due date, id); a case without a due date sorts last.
    pub after: Option<(Option<NaiveDate>, Uuid)>,
    pub limit: i64,
}

/// A line of the queue.
#[derive(Debug, Clone, Queryable)]
pub struct QueueRow {
    pub id: Uuid,
    pub reference: Option<String>,
    pub state: ReviewState,
    pub due_on: Option<NaiveDate>,
    pub legal_name_ko: String,
    pub legal_name_en: String,
    pub institution_type: InstitutionType,
    pub assignee_id: Option<Uuid>,
    pub assignee_name: Option<String>,
}

/// One page of the queue, sorted by due date (cases without one last), then id.
pub async fn page(conn: &mut AsyncPgConnection, q: &QueueQuery) -> QueryResult<Vec<QueueRow>> {
    let mut query = applications::table
        .inner_join(institutions::table)
        .left_join(users::table.on(applications::assignee_id.eq(users::id.nullable())))
        .filter(applications::state.eq_any(q.states.iter().map(|s| s.as_str())))
        .select((
            applications::id,
            applications::reference,
            applications::state,
            applications::due_on,
            institutions::legal_name_ko,
            institutions::legal_name_en,
            institutions::institution_type,
            applications::assignee_id,
            users::display_name.nullable(),
        ))
        .order((applications::due_on.asc().nulls_last(), applications::id))
        .limit(q.limit)
        .into_boxed();
    query = match q.assignee {
        AssigneeFilter::Anyone => query,
        AssigneeFilter::Unassigned => query.filter(applications::assignee_id.is_null()),
        AssigneeFilter::Person(id) => query.filter(applications::assignee_id.eq(id)),
    };
    if let Some(kind) = q.institution_type {
        query = query.filter(institutions::institution_type.eq(kind.as_str()));
    }
    if let Some(before) = q.due_before {
        query = query.filter(applications::due_on.lt(before));
    }
    if let Some(from) = q.due_from {
        query = query.filter(applications::due_on.ge(from));
    }
    query = match (&q.search.pattern, &q.search.digits) {
        (Some(pattern), digits) => {
            let by_text = institutions::legal_name_ko
                .ilike(pattern.clone())
                .or(institutions::legal_name_en.ilike(pattern.clone()))
                .or(applications::reference
                    .ilike(pattern.clone())
                    .assume_not_null());
            match digits {
                Some(d) => query
                    .filter(by_text.or(institutions::business_registration_number.like(d.clone()))),
                None => query.filter(by_text),
            }
        }
        (None, Some(d)) => query.filter(institutions::business_registration_number.like(d.clone())),
        (None, None) => query,
    };
    query = match q.after {
        None => query,
        Some((Some(due), id)) => query.filter(
            applications::due_on
                .gt(due)
                .or(applications::due_on.eq(due).and(applications::id.gt(id)))
                .or(applications::due_on.is_null())
                .assume_not_null(),
        ),
        Some((None, id)) => {
            query.filter(applications::due_on.is_null().and(applications::id.gt(id)))
        }
    };
    query.load(conn).await
}

/// How many cases are in each state (drafts are not cases).
pub async fn counts(conn: &mut AsyncPgConnection) -> QueryResult<Vec<(ReviewState, i64)>> {
    applications::table
        .filter(applications::state.ne(ReviewState::Draft))
        .group_by(applications::state)
        .select((applications::state, diesel::dsl::count_star()))
        .load(conn)
        .await
}

/// Who works the case and until when, with the version that guards changes to it.
#[derive(Debug, Clone, Queryable)]
pub struct Assignment {
    pub assignee_id: Option<Uuid>,
    pub assignee_name: Option<String>,
    pub due_on: Option<NaiveDate>,
}

pub async fn assignment(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Assignment>> {
    applications::table
        .left_join(users::table.on(applications::assignee_id.eq(users::id.nullable())))
        .filter(applications::id.eq(id))
        .select((
            applications::assignee_id,
            users::display_name.nullable(),
            applications::due_on,
        ))
        .first(conn)
        .await
        .optional()
}

/// Gives the case to `to` while nobody has it; false when someone took it first or it is closed.
/// Raises the version: a transition prepared under the old assignment is then stale.
pub async fn take(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    to: Uuid,
    open: &[ReviewState],
) -> QueryResult<bool> {
    diesel::update(
        applications::table
            .filter(applications::id.eq(id))
            .filter(applications::assignee_id.is_null())
            .filter(applications::state.eq_any(open.iter().map(|s| s.as_str()))),
    )
    .set((
        applications::assignee_id.eq(to),
        applications::version.eq(applications::version + 1),
    ))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// Gives the case to `to` whoever had it, if it is still at `version`; false otherwise.
pub async fn assign(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    to: Uuid,
    version: i32,
    open: &[ReviewState],
) -> QueryResult<bool> {
    diesel::update(
        applications::table
            .filter(applications::id.eq(id))
            .filter(applications::version.eq(version))
            .filter(applications::state.eq_any(open.iter().map(|s| s.as_str()))),
    )
    .set((
        applications::assignee_id.eq(to),
        applications::version.eq(version + 1),
    ))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// A member of staff a case can be assigned to.
#[derive(Debug, Clone, Queryable)]
pub struct Assignable {
    pub id: Uuid,
    pub display_name: String,
    pub role: Role,
}

/// The active reviewers and approvers, by name.
pub async fn assignable(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Assignable>> {
    users::table
        .filter(users::active.eq(true))
        .filter(users::role.eq_any([Role::Reviewer.as_str(), Role::Approver.as_str()]))
        .order((users::display_name, users::id))
        .select((users::id, users::display_name, users::role))
        .load(conn)
        .await
}
