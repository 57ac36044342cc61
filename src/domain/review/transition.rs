//! The transitions of the review lifecycle, each declared once: the states it leaves from, the
//! state it leads to, and who may make it. `Transition::check` decides from the facts about the
//! person acting (their `Actor`) and the case's current state; the service then makes the change
//! with `UPDATE … WHERE state = $from AND version = $v`, so a stale check becomes a 409.
//!
//! Decisions taken here:
//! - Any member of the applicant institution may withdraw or answer an information request; only
//!   an authorised signatory may submit (the declaration is theirs).
//! - The reviewer's work (confirm complete, request information, consult, propose) is for the
//!   assigned reviewer, who may be an approver: an approver may do all a reviewer may.
//! - Any approver but the proposer decides or returns a proposal (separation of duties); the
//!   database refuses it as well.
//! - A consultation keeps the case under assessment; a consulted body records its opinion while
//!   the case is under assessment or a decision is proposed (the proposal shows late opinions too).
//! - A member of another institution, and a consultee the case was not sent to, are told the case
//!   does not exist (a 404), never that they may not act on it.

use uuid::Uuid;

use super::state::ReviewState;
use crate::domain::code::coded;

use ReviewState::*;

coded! {
    /// A change of state a person asks for; the code is the audit log's name for it.
    pub enum Transition {
        Submit => "submit",
        Withdraw => "withdraw",
        ConfirmComplete => "confirm_complete",
        RequestInformation => "request_information",
        AnswerInformationRequest => "answer_information_request",
        SendForConsultation => "send_for_consultation",
        RecordOpinion => "record_opinion",
        ProposeApproval => "propose_approval",
        ProposeRejection => "propose_rejection",
        Approve => "approve",
        Reject => "reject",
        ReturnToAssessment => "return_to_assessment",
    }
}

/// The facts about the person acting that the rules need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A member of the applicant institution.
    Member {
        signatory: bool,
    },
    /// A member of another institution.
    OtherMember,
    Reviewer {
        assigned: bool,
    },
    Approver {
        assigned: bool,
        proposer: bool,
    },
    /// Staff of a consulted body; `consulted` when the case was sent to their body.
    Consultee {
        consulted: bool,
    },
    Admin,
}

impl Actor {
    /// An approver, told from the ids whether they made the proposal now before them.
    pub fn approver(id: Uuid, assigned: bool, proposer: Option<Uuid>) -> Actor {
        Actor::Approver {
            assigned,
            proposer: separate_duties(proposer, id).is_err(),
        }
    }
}

/// Who may make a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// An authorised signatory of the applicant.
    Signatory,
    /// Any member of the applicant.
    Member,
    /// The reviewer or approver the case is assigned to.
    AssignedStaff,
    /// An approver who did not make the proposal.
    Decider,
    /// A consultee of a body the case was sent to.
    Consultee,
}

/// Why a transition was refused; the web layer answers `NotFound` with a 404 and `WrongState`
/// with the 409 page, the others with their message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the case is not visible to this person")]
    NotFound,
    #[error("this role may not do this")]
    NotPermitted,
    #[error("not possible in the case's current state")]
    WrongState,
    #[error("the case is assigned to someone else")]
    NotAssigned,
    #[error("only an authorised signatory may do this")]
    NotSignatory,
    #[error("the proposer may not decide their own proposal")]
    OwnProposal,
}

impl Refused {
    pub fn message_key(self) -> &'static str {
        match self {
            Refused::NotFound => "review-refused-not-found",
            Refused::NotPermitted => "review-refused-not-permitted",
            Refused::WrongState => "review-refused-state",
            Refused::NotAssigned => "review-refused-not-assigned",
            Refused::NotSignatory => "review-refused-not-signatory",
            Refused::OwnProposal => "review-refused-own-proposal",
        }
    }
}

/// Separation of duties: the person deciding a proposal is not the one who made it.
pub fn separate_duties(proposer: Option<Uuid>, decider: Uuid) -> Result<(), Refused> {
    match proposer {
        Some(proposer) if proposer == decider => Err(Refused::OwnProposal),
        _ => Ok(()),
    }
}

/// Every state before a decision: the issuer may withdraw from any of them.
const BEFORE_DECISION: [(ReviewState, ReviewState); 6] = [
    (Draft, Withdrawn),
    (Submitted, Withdrawn),
    (InformationRequestedCompleteness, Withdrawn),
    (UnderAssessment, Withdrawn),
    (InformationRequestedAssessment, Withdrawn),
    (DecisionProposed, Withdrawn),
];

impl Transition {
    /// Who may make it, and each state it leaves from with the state it leads to.
    fn rule(self) -> (Who, &'static [(ReviewState, ReviewState)]) {
        match self {
            Transition::Submit => (Who::Signatory, &[(Draft, Submitted)]),
            Transition::Withdraw => (Who::Member, &BEFORE_DECISION),
            Transition::ConfirmComplete => (Who::AssignedStaff, &[(Submitted, UnderAssessment)]),
            Transition::RequestInformation => (
                Who::AssignedStaff,
                &[
                    (Submitted, InformationRequestedCompleteness),
                    (UnderAssessment, InformationRequestedAssessment),
                ],
            ),
            Transition::AnswerInformationRequest => (
                Who::Member,
                &[
                    (InformationRequestedCompleteness, Submitted),
                    (InformationRequestedAssessment, UnderAssessment),
                ],
            ),
            Transition::SendForConsultation => {
                (Who::AssignedStaff, &[(UnderAssessment, UnderAssessment)])
            }
            Transition::RecordOpinion => (
                Who::Consultee,
                &[
                    (UnderAssessment, UnderAssessment),
                    (DecisionProposed, DecisionProposed),
                ],
            ),
            Transition::ProposeApproval | Transition::ProposeRejection => {
                (Who::AssignedStaff, &[(UnderAssessment, DecisionProposed)])
            }
            Transition::Approve => (Who::Decider, &[(DecisionProposed, Approved)]),
            Transition::Reject => (Who::Decider, &[(DecisionProposed, Rejected)]),
            Transition::ReturnToAssessment => {
                (Who::Decider, &[(DecisionProposed, UnderAssessment)])
            }
        }
    }

    /// The state the case moves to when `actor` makes this transition from `current`, or why not.
    /// Checked in this order: whether the case exists for them, their role, the state, then the
    /// finer facts (assignment, signatory, own proposal).
    pub fn check(self, actor: Actor, current: ReviewState) -> Result<ReviewState, Refused> {
        if matches!(
            actor,
            Actor::OtherMember | Actor::Consultee { consulted: false }
        ) {
            return Err(Refused::NotFound);
        }
        let (who, moves) = self.rule();
        let role_fits = matches!(
            (who, actor),
            (Who::Signatory | Who::Member, Actor::Member { .. })
                | (
                    Who::AssignedStaff,
                    Actor::Reviewer { .. } | Actor::Approver { .. }
                )
                | (Who::Decider, Actor::Approver { .. })
                | (Who::Consultee, Actor::Consultee { .. })
        );
        if !role_fits {
            return Err(Refused::NotPermitted);
        }
        let target = moves
            .iter()
            .find(|(from, _)| *from == current)
            .map(|(_, to)| *to)
            .ok_or(Refused::WrongState)?;
        match (who, actor) {
            (
                Who::AssignedStaff,
                Actor::Reviewer { assigned: false }
                | Actor::Approver {
                    assigned: false, ..
                },
            ) => Err(Refused::NotAssigned),
            (Who::Signatory, Actor::Member { signatory: false }) => Err(Refused::NotSignatory),
            (Who::Decider, Actor::Approver { proposer: true, .. }) => Err(Refused::OwnProposal),
            _ => Ok(target),
        }
    }

    /// The states this transition may leave from.
    pub fn sources(self) -> impl Iterator<Item = ReviewState> {
        self.rule().1.iter().map(|(from, _)| *from)
    }
}

#[cfg(test)]
#[path = "transition_tests.rs"]
mod tests;
