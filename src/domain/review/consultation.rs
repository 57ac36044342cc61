//! Consultation and decisions (DOMAIN.md, "Consultation" and "Decision"): the standing bodies the
//! FSC consults, the opinions they record, what a reviewer proposes and what an approver decides.
//! Opinions are records, not votes: nothing here counts them.

use crate::domain::code::coded;

coded! {
    /// A standing body the regulator consults; its staff are the portal's consultees.
    pub enum ConsultedBody {
        BankOfKorea => "bank_of_korea",
        MinistryOfEconomyAndFinance => "ministry_of_economy_and_finance",
        Fss => "fss",
    }
}

impl ConsultedBody {
    pub fn label_key(self) -> &'static str {
        match self {
            ConsultedBody::BankOfKorea => "consulted-body-bank_of_korea",
            ConsultedBody::MinistryOfEconomyAndFinance => {
                "consulted-body-ministry_of_economy_and_finance"
            }
            ConsultedBody::Fss => "consulted-body-fss",
        }
    }
}

impl crate::domain::Labelled for ConsultedBody {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        ConsultedBody::label_key(self)
    }
}

coded! {
    /// What a consulted body made of a case.
    pub enum Opinion {
        NoObjection => "no_objection",
        Objection => "objection",
        Comments => "comments",
    }
}

impl Opinion {
    pub fn label_key(self) -> &'static str {
        match self {
            Opinion::NoObjection => "opinion-no_objection",
            Opinion::Objection => "opinion-objection",
            Opinion::Comments => "opinion-comments",
        }
    }
}

impl crate::domain::Labelled for Opinion {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        Opinion::label_key(self)
    }
}

coded! {
    /// What a reviewer proposes.
    pub enum ProposedOutcome {
        Approve => "approve",
        Reject => "reject",
    }
}

impl ProposedOutcome {
    pub fn label_key(self) -> &'static str {
        match self {
            ProposedOutcome::Approve => "proposal-approve",
            ProposedOutcome::Reject => "proposal-reject",
        }
    }

    /// The transition that makes the proposal.
    pub fn transition(self) -> super::transition::Transition {
        match self {
            ProposedOutcome::Approve => super::transition::Transition::ProposeApproval,
            ProposedOutcome::Reject => super::transition::Transition::ProposeRejection,
        }
    }
}

impl crate::domain::Labelled for ProposedOutcome {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        ProposedOutcome::label_key(self)
    }
}

coded! {
    /// What an approver makes of a proposal.
    pub enum Decision {
        Approved => "approved",
        Rejected => "rejected",
        Returned => "returned",
    }
}

impl Decision {
    pub fn label_key(self) -> &'static str {
        match self {
            Decision::Approved => "decision-approved",
            Decision::Rejected => "decision-rejected",
            Decision::Returned => "decision-returned",
        }
    }

    /// The transition that makes the decision.
    pub fn transition(self) -> super::transition::Transition {
        match self {
            Decision::Approved => super::transition::Transition::Approve,
            Decision::Rejected => super::transition::Transition::Reject,
            Decision::Returned => super::transition::Transition::ReturnToAssessment,
        }
    }
}

impl crate::domain::Labelled for Decision {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        Decision::label_key(self)
    }
}

/// A consultation's default answer time, in working days (DOMAIN.md).
pub const DEFAULT_CONSULTATION_DAYS: u32 = 10;
/// The longest answer time a reviewer may give.
pub const MAX_CONSULTATION_DAYS: u32 = 30;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::transition::Transition;

    #[test]
    fn codes_match_the_database_checks() {
        let bodies: Vec<_> = ConsultedBody::ALL.iter().map(|b| b.as_str()).collect();
        assert_eq!(
            bodies,
            ["bank_of_korea", "ministry_of_economy_and_finance", "fss"]
        );
        let opinions: Vec<_> = Opinion::ALL.iter().map(|o| o.as_str()).collect();
        assert_eq!(opinions, ["no_objection", "objection", "comments"]);
        let decisions: Vec<_> = Decision::ALL.iter().map(|d| d.as_str()).collect();
        assert_eq!(decisions, ["approved", "rejected", "returned"]);
        for body in ConsultedBody::ALL {
            assert!(body.label_key().ends_with(body.as_str()));
        }
    }

    #[test]
    fn each_choice_names_its_transition() {
        assert_eq!(
            ProposedOutcome::Approve.transition(),
            Transition::ProposeApproval
        );
        assert_eq!(
            ProposedOutcome::Reject.transition(),
            Transition::ProposeRejection
        );
        assert_eq!(
            Decision::Returned.transition(),
            Transition::ReturnToAssessment
        );
        assert_eq!(Decision::Approved.transition(), Transition::Approve);
    }
}
