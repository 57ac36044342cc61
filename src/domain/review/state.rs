//! The states of an application through its life (DOMAIN.md, "The review lifecycle"), from the
//! issuer's draft to the regulator's decision.
//!
//! An information request interrupts one of two phases, and the answer must return the case to the
//! phase it interrupted with that phase's clock; so there are two such states, one per phase,
//! rather than one state and a column beside it that could disagree with it. Both codes start with
//! `information_requested_`. A consultation is not a state: the case stays under assessment while
//! consulted bodies give their opinions, which are records of their own.

use super::clock::Phase;
use crate::domain::code::coded;

coded! {
    /// Where an application is in its review.
    pub enum ReviewState {
        Draft => "draft",
        Submitted => "submitted",
        /// Asked for more during the completeness check; the completeness clock is stopped.
        InformationRequestedCompleteness => "information_requested_completeness",
        UnderAssessment => "under_assessment",
        /// Asked for more during the assessment; the assessment clock is stopped.
        InformationRequestedAssessment => "information_requested_assessment",
        DecisionProposed => "decision_proposed",
        Approved => "approved",
        Rejected => "rejected",
        Withdrawn => "withdrawn",
    }
}

impl ReviewState {
    pub fn label_key(self) -> &'static str {
        match self {
            ReviewState::Draft => "review-state-draft",
            ReviewState::Submitted => "review-state-submitted",
            ReviewState::InformationRequestedCompleteness => {
                "review-state-information_requested_completeness"
            }
            ReviewState::UnderAssessment => "review-state-under_assessment",
            ReviewState::InformationRequestedAssessment => {
                "review-state-information_requested_assessment"
            }
            ReviewState::DecisionProposed => "review-state-decision_proposed",
            ReviewState::Approved => "review-state-approved",
            ReviewState::Rejected => "review-state-rejected",
            ReviewState::Withdrawn => "review-state-withdrawn",
        }
    }

    /// The phase whose statutory clock belongs to this state (running or stopped); none before
    /// submission and after the end.
    pub fn phase(self) -> Option<Phase> {
        match self {
            ReviewState::Submitted | ReviewState::InformationRequestedCompleteness => {
                Some(Phase::Completeness)
            }
            ReviewState::UnderAssessment
            | ReviewState::InformationRequestedAssessment
            | ReviewState::DecisionProposed => Some(Phase::Assessment),
            ReviewState::Draft
            | ReviewState::Approved
            | ReviewState::Rejected
            | ReviewState::Withdrawn => None,
        }
    }

    /// The phase an open information request interrupted, if one is open.
    pub fn information_requested(self) -> Option<Phase> {
        match self {
            ReviewState::InformationRequestedCompleteness => Some(Phase::Completeness),
            ReviewState::InformationRequestedAssessment => Some(Phase::Assessment),
            _ => None,
        }
    }

    /// Approved or rejected: the regulator has decided.
    pub fn is_decided(self) -> bool {
        matches!(self, ReviewState::Approved | ReviewState::Rejected)
    }

    /// Nothing more happens to it: decided or withdrawn. An institution may then apply again.
    pub fn is_closed(self) -> bool {
        self.is_decided() || self == ReviewState::Withdrawn
    }
}

impl crate::domain::Labelled for ReviewState {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        ReviewState::label_key(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_keep_their_codes() {
        let codes: Vec<_> = ReviewState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            codes,
            [
                "draft",
                "submitted",
                "information_requested_completeness",
                "under_assessment",
                "information_requested_assessment",
                "decision_proposed",
                "approved",
                "rejected",
                "withdrawn"
            ]
        );
        for state in ReviewState::ALL {
            assert_eq!(state.as_str().parse::<ReviewState>(), Ok(*state));
            assert!(state.label_key().ends_with(state.as_str()));
        }
        assert!("information_requested".parse::<ReviewState>().is_err());
    }

    #[test]
    fn each_state_knows_its_phase() {
        use ReviewState::*;
        assert_eq!(Draft.phase(), None);
        assert_eq!(
            InformationRequestedCompleteness.phase(),
            Some(Phase::Completeness)
        );
        assert_eq!(DecisionProposed.phase(), Some(Phase::Assessment));
        assert_eq!(Approved.phase(), None);
        assert_eq!(
            InformationRequestedAssessment.information_requested(),
            Some(Phase::Assessment)
        );
        assert_eq!(UnderAssessment.information_requested(), None);
        let closed: Vec<_> = ReviewState::ALL.iter().filter(|s| s.is_closed()).collect();
        assert_eq!(closed, [&Approved, &Rejected, &Withdrawn]);
        assert!(!Withdrawn.is_decided());
    }
}
