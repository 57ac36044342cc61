//! The review queue and who works a case: the filtered, keyset-paginated list of cases (one query,
//! joined to institutions and the assignee, on the queue's indexes), the counts per state, and
//! taking and assigning a case (guarded in the SQL).

use chrono::NaiveDate;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Date, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::paging;
use crate::db::schema::{application_state_counts, applications, institutions, users};
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
    /// A whole reference (`APP-2026-000123`), found by its unique index and nothing else.
    pub reference: Option<String>,
    /// A LIKE pattern (already escaped) for names and references.
    pub pattern: Option<String>,
    /// A LIKE pattern of digits for business registration numbers.
    pub digits: Option<String>,
}

/// The queue's filters, already parsed.
#[derive(Debug, Clone)]
pub struct QueueQuery {
    /// The state chosen; without one, every case in the queue (submitted and not closed).
    pub state: Option<ReviewState>,
    pub assignee: AssigneeFilter,
    pub institution_type: Option<InstitutionType>,
    /// Only cases due before this date (overdue: before today).
    pub due_before: Option<NaiveDate>,
    /// Only cases due on or after this date.
    pub due_from: Option<NaiveDate>,
    pub search: Search,
    /// The last row of the previous page: (due date, id); a case without a due date sorts last.
    pub after: Option<(Option<NaiveDate>, Uuid)>,
    /// How many rows to read (written into the statement: see `db::paging`).
    pub limit: u16,
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

// The applications a search's subqueries read, named apart from the queue's own.
diesel::alias!(
    applications as theirs: Theirs,
    applications as by_reference: ByReference
);

/// The queue's rows matching every filter but the cursor, boxed, unordered and unlimited.
macro_rules! filtered {
    ($q:expr) => {{
        let q: &QueueQuery = $q;
        let mut query = applications::table
            .inner_join(institutions::table)
            .left_join(users::table.on(applications::assignee_id.eq(users::id.nullable())))
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
            .into_boxed();
        // The queue's own cases by the column its indexes are limited by (see the migration
        // queue_in_queue), so that the statement is planned once per connection; a chosen state
        // (which may be a closed one) by its code.
        query = match q.state {
            None => query.filter(applications::in_queue),
            Some(state) => query.filter(applications::state.eq(state.as_str())),
        };
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
        if let Some(reference) = &q.search.reference {
            query = query.filter(applications::reference.eq(reference.clone()));
        }
        if let Some(pattern) = &q.search.pattern {
            // The institutions named are found first, on their trigram indexes (migration
            // queue_search), and the cases are theirs: testing the names case by case walked the
            // whole queue for a name few institutions share.
            let by_name = institutions::legal_name_ko
                .ilike(pattern.clone())
                .or(institutions::legal_name_en.ilike(pattern.clone()));
            let named = institutions::table.select(institutions::id).into_boxed();
            let named = match &q.search.digits {
                Some(d) => named
                    .filter(by_name.or(institutions::business_registration_number.like(d.clone()))),
                None => named.filter(by_name),
            };
            query = if pattern.chars().any(|c| c.is_ascii_digit()) {
                // Digits: perhaps a reference. The cases of the institutions named and those
                // whose reference matches, each set found on its own index: an OR of the two
                // conditions walked the whole queue testing each case for a single reference.
                let of_named = theirs
                    .filter(theirs.field(applications::institution_id).eq_any(named))
                    .select(theirs.field(applications::id));
                let referenced = by_reference
                    .filter(
                        by_reference
                            .field(applications::reference)
                            .ilike(pattern.clone())
                            .assume_not_null(),
                    )
                    .select(by_reference.field(applications::id));
                query.filter(applications::id.eq_any(of_named.union_all(referenced)))
            } else {
                // A name alone: PostgreSQL walks the queue in due order for a common name and
                // starts from the few institutions of a rare one.
                query.filter(applications::institution_id.eq_any(named))
            };
        }
        query
    }};
}

/// One page of the queue, sorted by due date (cases without one last), then id: one statement.
/// The cursor is a row comparison on (due_on, id), the order of the queue's indexes, so a deep
/// page starts where the last ended instead of counting its way there; past the dated cases, the
/// undated ones follow by id (a second arm of the same statement, UNION ALL).
///
/// It takes the connection shared, as `counts` does, so that the queue can send both (and the
/// calendar) at once: pipelined on one connection, three reads cost one round trip.
pub async fn page(mut conn: &AsyncPgConnection, q: &QueueQuery) -> QueryResult<Vec<QueueRow>> {
    let mut rows: Vec<QueueRow> = match q.after {
        None => {
            let all =
                filtered!(q).order((applications::due_on.asc().nulls_last(), applications::id));
            paging::limited(all, q.limit).load(&mut conn).await?
        }
        Some((Some(due), id)) => {
            let dated = filtered!(q)
                .filter(applications::due_on.is_not_null())
                .filter(
                    sql::<Bool>("(applications.due_on, applications.id) > (")
                        .bind::<Date, _>(due)
                        .sql(", ")
                        .bind::<SqlUuid, _>(id)
                        .sql(")"),
                )
                .order((applications::due_on, applications::id));
            let undated = filtered!(q)
                .filter(applications::due_on.is_null())
                .order(applications::id);
            paging::union_all(dated, undated, q.limit)
                .load(&mut conn)
                .await?
        }
        Some((None, id)) => {
            let undated = filtered!(q)
                .filter(applications::due_on.is_null())
                .filter(applications::id.gt(id))
                .order(applications::id);
            paging::limited(undated, q.limit).load(&mut conn).await?
        }
    };
    // The arms of a UNION ALL come back in no promised order: the queue's order is restored here.
    rows.sort_by_key(|r| (r.due_on.is_none(), r.due_on, r.id));
    rows.truncate(usize::from(q.limit));
    Ok(rows)
}

/// How many cases are in each state (drafts are not cases), states without any left out: read from
/// the counts the database keeps as applications change (one row per state), as counting every
/// application on each queue page grew with their number.
pub async fn counts(mut conn: &AsyncPgConnection) -> QueryResult<Vec<(ReviewState, i64)>> {
    application_state_counts::table
        .filter(application_state_counts::state.ne(ReviewState::Draft.as_str()))
        .filter(application_state_counts::count.gt(0))
        .select((
            application_state_counts::state,
            application_state_counts::count,
        ))
        .load(&mut conn)
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
