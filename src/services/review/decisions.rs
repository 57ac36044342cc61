//! Four-eyes decisions (DOMAIN.md, "Decision"): the assigned reviewer (or approver) proposes approval
//! or rejection with reasons, and an approver who did not propose it approves, rejects or returns
//! it to assessment. Approval gives the registration number, gapless per year, and publishes the
//! issuer on the register, in the transaction of the decision: a rolled-back approval gives its
//! number back. The database refuses a proposer's own decision too (CHECK four_eyes).

use chrono::Datelike;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::{Applied, clock};
use crate::db::applications::Application;
use crate::db::decisions::{Decided, NewProposal, Person, Proposal};
use crate::db::{self, institutions::Institution};
use crate::domain::Role;
use crate::domain::reference::RegistrationNumber;
use crate::domain::review::consultation::{Decision, ProposedOutcome};
use crate::domain::review::transition::Actor;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::mail::{self, messages};
use crate::services::{Context, register};

/// A member of the regulator's staff acting on a case.
#[derive(Debug, Clone, Copy)]
pub struct StaffMember {
    pub id: Uuid,
    pub role: Role,
}

/// The facts about `staff` that the transition rules weigh: are they assigned the case, and did
/// they make the proposal before them.
pub async fn actor_of(
    conn: &mut AsyncPgConnection,
    case: &Application,
    staff: StaffMember,
) -> AppResult<Actor> {
    let assigned = db::review::assignee_of(conn, case.id).await? == Some(staff.id);
    Ok(match staff.role {
        Role::Reviewer => Actor::Reviewer { assigned },
        Role::Approver => {
            let proposer = db::decisions::open_of(conn, case.id)
                .await?
                .map(|p| p.proposed_by);
            Actor::approver(staff.id, assigned, proposer)
        }
        Role::Admin => Actor::Admin,
        Role::Issuer => Actor::OtherMember,
        Role::Consultee => Actor::Consultee { consulted: false },
    })
}

/// The case as the person saw it: a form carries the version its page showed, so a case that
/// changed since is stale even before anyone races for it.
async fn case_seen(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    seen_version: i32,
) -> AppResult<Option<Application>> {
    let case = super::case(conn, id).await?;
    Ok((case.version == seen_version).then_some(case))
}

/// A proposal as the reviewer writes it.
pub struct ProposalText<'a> {
    pub outcome: ProposedOutcome,
    pub reasons: &'a str,
    pub conditions: Option<&'a str>,
}

/// Proposes a decision on case `id`, seen at `seen_version`.
pub async fn propose(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    seen_version: i32,
    staff: StaffMember,
    text: &ProposalText<'_>,
) -> AppResult<Applied> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let Some(case) = case_seen(conn, id, seen_version).await? else {
            return Ok(Applied::Stale);
        };
        let actor = actor_of(conn, &case, staff).await?;
        let proposal = Uuid::now_v7();
        let details = serde_json::json!({
            "proposal": proposal,
            "outcome": text.outcome.as_str(),
            "with_conditions": text.conditions.is_some(),
        });
        let transition = text.outcome.transition();
        let applied = super::apply(conn, cx, &case, transition, actor, details).await?;
        if let Applied::Done(_) = applied {
            let new = NewProposal {
                id: proposal,
                application_id: case.id,
                outcome: text.outcome,
                reasons: text.reasons,
                conditions: text.conditions,
                proposed_by: staff.id,
            };
            db::decisions::insert(conn, &new).await?;
        }
        Ok(applied)
    })
    .await
}

/// What came of a decision, with the registration number an approval gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionMade {
    pub applied: Applied,
    pub registration_number: Option<RegistrationNumber>,
}

/// Decides the proposal before case `id` (seen at `seen_version`): approve, reject, or return it
/// to assessment with `reason`.
pub async fn decide(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    seen_version: i32,
    staff: StaffMember,
    decision: Decision,
    reason: Option<&str>,
) -> AppResult<DecisionMade> {
    let not_made = |applied| DecisionMade {
        applied,
        registration_number: None,
    };
    conn.transaction::<_, AppError, _>(async |conn| {
        let Some(case) = case_seen(conn, id, seen_version).await? else {
            return Ok(not_made(Applied::Stale));
        };
        let actor = actor_of(conn, &case, staff).await?;
        let open = db::decisions::open_of(conn, case.id).await?;
        let details = serde_json::json!({
            "proposal": open.as_ref().map(|p| p.id),
            "decision": decision.as_str(),
        });
        let applied = super::apply(conn, cx, &case, decision.transition(), actor, details).await?;
        let (Applied::Done(_), Some(proposal)) = (applied, open) else {
            return Ok(not_made(applied));
        };
        let number = match decision {
            Decision::Approved => Some(next_registration_number(conn).await?),
            Decision::Rejected | Decision::Returned => None,
        };
        let text = number.map(|n| n.to_string());
        let decided = Decided {
            decision,
            reason,
            by: staff.id,
            registration_number: text.as_deref(),
        };
        if !db::decisions::decide(conn, proposal.id, &decided).await? {
            // The case's version guard makes this unreachable; never decide twice if it is not.
            return Err(AppError::Conflict);
        }
        if let Some(number) = number {
            // The issuer is registered exactly when the approval stands: one transaction.
            register::publish(conn, cx, &case, &number, proposal.conditions.as_deref()).await?;
        }
        tell_members(conn, cx, &case, decision, text.as_deref()).await?;
        Ok(DecisionMade {
            applied,
            registration_number: number,
        })
    })
    .await
}

/// The next registration number of this year in Seoul, taken under the counter's row lock.
async fn next_registration_number(conn: &mut AsyncPgConnection) -> AppResult<RegistrationNumber> {
    let year = clock::today().year();
    let sequence = db::reference_counters::next(conn, "KRSC", year).await?;
    let sequence = u32::try_from(sequence).map_err(|e| AppError::Internal(e.into()))?;
    RegistrationNumber::new(year, sequence).map_err(|e| AppError::Internal(e.into()))
}

/// Tells every active member of the applicant of an approval or a rejection, each in their
/// language; a return to assessment is internal.
async fn tell_members(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    case: &Application,
    decision: Decision,
    number: Option<&str>,
) -> AppResult<()> {
    let decided = match (decision, number) {
        (Decision::Approved, Some(registration_number)) => messages::Decided::Approved {
            registration_number,
        },
        (Decision::Rejected, _) => messages::Decided::Rejected,
        _ => return Ok(()),
    };
    let path = format!("/applications/{}/letter", case.id);
    let reference = case.reference.as_deref().unwrap_or_default();
    for member in db::decisions::members_of(conn, case.institution_id).await? {
        let to = messages::Recipient {
            email: &member.email,
            name: &member.display_name,
            lang: Lang::from_code(&member.lang).unwrap_or_default(),
        };
        let mail = messages::DecisionMade {
            to,
            reference,
            decided,
            path: &path,
        };
        mail::enqueue(conn, cx.settings, mail)
            .await
            .map_err(AppError::Internal)?;
    }
    Ok(())
}

/// Everything a decision letter says.
pub struct Letter {
    pub case: Application,
    pub institution: Institution,
    pub proposal: Proposal,
    /// The approver who decided.
    pub approver: Person,
    /// The language of the applicant: the letter is written in it.
    pub lang: Lang,
}

/// The decision letter of a decided case; none before the decision (404).
pub async fn letter(conn: &mut AsyncPgConnection, case: Application) -> AppResult<Letter> {
    let proposal = db::decisions::final_of(conn, case.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let decided_by = proposal.decided_by.ok_or(AppError::NotFound)?;
    let people = db::decisions::people(conn, &[decided_by, case.created_by]).await?;
    let approver = people
        .iter()
        .find(|p| p.id == decided_by)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let lang = people
        .iter()
        .find(|p| p.id == case.created_by)
        .and_then(|p| Lang::from_code(&p.lang))
        .unwrap_or_default();
    let institution = db::institutions::find(conn, case.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Letter {
        case,
        institution,
        proposal,
        approver,
        lang,
    })
}

/// The decided ones among `applications`, each with its registration number (none for a
/// rejection): the issuer's dashboard shows the number and links the letter.
pub async fn decided_of(
    conn: &mut AsyncPgConnection,
    applications: &[Application],
) -> AppResult<Vec<(Uuid, Option<String>)>> {
    let mut decided = Vec::new();
    for case in applications.iter().filter(|a| a.state.is_decided()) {
        if let Some(proposal) = db::decisions::final_of(conn, case.id).await? {
            decided.push((case.id, proposal.registration_number));
        }
    }
    Ok(decided)
}

/// The case's proposals, oldest first, with the people who made and decided them.
pub async fn proposals(
    conn: &mut AsyncPgConnection,
    case: Uuid,
) -> AppResult<(Vec<Proposal>, Vec<Person>)> {
    let proposals = db::decisions::of_application(conn, case).await?;
    let ids: Vec<Uuid> = proposals
        .iter()
        .flat_map(|p| [Some(p.proposed_by), p.decided_by])
        .flatten()
        .collect();
    let people = db::decisions::people(conn, &ids).await?;
    Ok((proposals, people))
}
