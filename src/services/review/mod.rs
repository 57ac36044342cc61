//! The regulator's review of submitted applications. Every change of a case's state goes through
//! `apply`: the domain's rule for the transition decides from who acts and the state they saw, and
//! the SQL update is guarded by that state and the case's version, so an action on a case that
//! changed meanwhile is `Applied::Stale` (a 409 page), never a second change.

pub mod assignment;
pub mod clock;
pub mod completeness;
pub mod consultation;
pub mod decisions;
pub mod information_requests;
pub mod queue;
pub mod workspace;

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db;
use crate::db::applications::Application;
use crate::domain::review::state::ReviewState;
use crate::domain::review::transition::{Actor, Refused, Transition};
use crate::error::{AppError, AppResult};
use crate::services::Context;

/// What came of a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Made: the case is now in this state.
    Done(ReviewState),
    /// Not allowed, and why.
    Refused(Refused),
    /// The case changed since the person looked at it (another person acted first).
    Stale,
}

/// A submitted case, as regulator staff find it; an application never submitted (a draft, or a
/// draft withdrawn) is not a case (404).
pub async fn case(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Application> {
    db::applications::find(conn, id)
        .await?
        .filter(|a| a.state != ReviewState::Draft && a.submitted_at.is_some())
        .ok_or(AppError::NotFound)
}

/// Makes `transition` on `case` (as read, at its version) for `actor`, with its audit row. Call
/// inside the transaction that writes the transition's own records, so they stand or fall together.
pub async fn apply(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    case: &Application,
    transition: Transition,
    actor: Actor,
    details: serde_json::Value,
) -> AppResult<Applied> {
    let to = match transition.check(actor, case.state) {
        Ok(to) => to,
        Err(refused) => return Ok(Applied::Refused(refused)),
    };
    if !db::applications::transition(conn, case.id, case.state, case.version, to).await? {
        return Ok(Applied::Stale);
    }
    let event = Event::new(action_of(transition), ObjectType::Application, case.id).with(
        serde_json::json!({"from": case.state.as_str(), "to": to.as_str(), "details": details}),
    );
    audit::record(conn, cx.audit_key, cx.actor, event).await?;
    Ok(Applied::Done(to))
}

/// The audit log's action for each transition.
pub fn action_of(transition: Transition) -> Action {
    match transition {
        Transition::Submit => Action::ApplicationSubmitted,
        Transition::Withdraw => Action::ApplicationWithdrawn,
        Transition::ConfirmComplete => Action::CompletenessConfirmed,
        Transition::RequestInformation => Action::InformationRequested,
        Transition::AnswerInformationRequest => Action::InformationAnswered,
        Transition::SendForConsultation => Action::ConsultationSent,
        Transition::RecordOpinion => Action::OpinionRecorded,
        Transition::ProposeApproval | Transition::ProposeRejection => Action::DecisionProposed,
        Transition::Approve => Action::ApplicationApproved,
        Transition::Reject => Action::ApplicationRejected,
        Transition::ReturnToAssessment => Action::ProposalReturned,
    }
}
