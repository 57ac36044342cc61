//! Decision proposals and what approvers made of them. The proposer never decides their own
//! proposal: the four_eyes CHECK holds whatever code writes the row. Also the few facts about a
//! case and its people that a decision needs (its assignee, the issuer's members, staff names).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{decision_proposals, users};
use crate::domain::review::consultation::{Decision, ProposedOutcome};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = decision_proposals)]
pub struct Proposal {
    pub id: Uuid,
    pub application_id: Uuid,
    pub outcome: ProposedOutcome,
    pub reasons: String,
    pub conditions: Option<String>,
    pub proposed_by: Uuid,
    pub proposed_at: DateTime<Utc>,
    pub decision: Option<Decision>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub registration_number: Option<String>,
}

pub struct NewProposal<'a> {
    pub id: Uuid,
    pub application_id: Uuid,
    pub outcome: ProposedOutcome,
    pub reasons: &'a str,
    pub conditions: Option<&'a str>,
    pub proposed_by: Uuid,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewProposal<'_>) -> QueryResult<()> {
    diesel::insert_into(decision_proposals::table)
        .values((
            decision_proposals::id.eq(new.id),
            decision_proposals::application_id.eq(new.application_id),
            decision_proposals::outcome.eq(new.outcome),
            decision_proposals::reasons.eq(new.reasons),
            decision_proposals::conditions.eq(new.conditions),
            decision_proposals::proposed_by.eq(new.proposed_by),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// A case's proposals, oldest first (returned ones stay, with the approver's reason).
pub async fn of_application(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Vec<Proposal>> {
    decision_proposals::table
        .filter(decision_proposals::application_id.eq(application))
        .order((decision_proposals::proposed_at, decision_proposals::id))
        .select(Proposal::as_select())
        .load(conn)
        .await
}

/// The proposal of a case still waiting for a decision, if there is one.
pub async fn open_of(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Option<Proposal>> {
    decision_proposals::table
        .filter(decision_proposals::application_id.eq(application))
        .filter(decision_proposals::decision.is_null())
        .select(Proposal::as_select())
        .first(conn)
        .await
        .optional()
}

/// The proposal that ended the case (approved or rejected), if it has ended so.
pub async fn final_of(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Option<Proposal>> {
    decision_proposals::table
        .filter(decision_proposals::application_id.eq(application))
        .filter(
            decision_proposals::decision
                .eq_any([Decision::Approved.as_str(), Decision::Rejected.as_str()]),
        )
        .select(Proposal::as_select())
        .first(conn)
        .await
        .optional()
}

/// What an approver decided.
pub struct Decided<'a> {
    pub decision: Decision,
    pub reason: Option<&'a str>,
    pub by: Uuid,
    pub registration_number: Option<&'a str>,
}

/// Records the decision on an open proposal: false when it was decided already.
pub async fn decide(
    conn: &mut AsyncPgConnection,
    proposal: Uuid,
    decided: &Decided<'_>,
) -> QueryResult<bool> {
    diesel::update(
        decision_proposals::table
            .filter(decision_proposals::id.eq(proposal))
            .filter(decision_proposals::decision.is_null()),
    )
    .set((
        decision_proposals::decision.eq(decided.decision.as_str()),
        decision_proposals::decision_reason.eq(decided.reason),
        decision_proposals::decided_by.eq(decided.by),
        decision_proposals::decided_at.eq(diesel::dsl::now),
        decision_proposals::registration_number.eq(decided.registration_number),
    ))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// A person as a decision names them.
#[derive(Debug, Clone, Queryable)]
pub struct Person {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: crate::domain::Role,
    pub lang: String,
}

/// The people `ids` names (staff who proposed, decided, gave an opinion).
pub async fn people(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Person>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((
            users::id,
            users::email,
            users::display_name,
            users::role,
            users::lang,
        ))
        .load(conn)
        .await
}

/// The active members of an institution, to tell them of a decision.
pub async fn members_of(
    conn: &mut AsyncPgConnection,
    institution: Uuid,
) -> QueryResult<Vec<Person>> {
    users::table
        .filter(users::institution_id.eq(institution))
        .filter(users::active.eq(true))
        .order(users::email)
        .select((
            users::id,
            users::email,
            users::display_name,
            users::role,
            users::lang,
        ))
        .load(conn)
        .await
}
