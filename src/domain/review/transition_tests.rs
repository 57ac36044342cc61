//! Every transition for every kind of person in every state: the allowed ones from one table,
//! everything else refused, and each refusal for its reason.

use super::*;

const SIGNATORY: Actor = Actor::Member { signatory: true };
const MEMBER: Actor = Actor::Member { signatory: false };
const REVIEWER: Actor = Actor::Reviewer { assigned: true };
const OTHER_REVIEWER: Actor = Actor::Reviewer { assigned: false };
const ASSIGNED_APPROVER: Actor = Actor::Approver {
    assigned: true,
    proposer: false,
};
const ASSIGNED_PROPOSER: Actor = Actor::Approver {
    assigned: true,
    proposer: true,
};
const APPROVER: Actor = Actor::Approver {
    assigned: false,
    proposer: false,
};
const PROPOSER: Actor = Actor::Approver {
    assigned: false,
    proposer: true,
};
const CONSULTEE: Actor = Actor::Consultee { consulted: true };
const OTHER_CONSULTEE: Actor = Actor::Consultee { consulted: false };

const EVERYONE: [Actor; 12] = [
    SIGNATORY,
    MEMBER,
    Actor::OtherMember,
    REVIEWER,
    OTHER_REVIEWER,
    ASSIGNED_APPROVER,
    ASSIGNED_PROPOSER,
    APPROVER,
    PROPOSER,
    CONSULTEE,
    OTHER_CONSULTEE,
    Actor::Admin,
];

const MEMBERS: &[Actor] = &[SIGNATORY, MEMBER];
const ASSIGNED: &[Actor] = &[REVIEWER, ASSIGNED_APPROVER, ASSIGNED_PROPOSER];
const DECIDERS: &[Actor] = &[ASSIGNED_APPROVER, APPROVER];

/// A transition, who may make it, and each state it moves from and to.
type Allowed = (
    Transition,
    &'static [Actor],
    Vec<(ReviewState, ReviewState)>,
);

/// What is allowed, written out from DOMAIN.md rather than from the code's own rules.
fn allowed() -> Vec<Allowed> {
    use Transition::*;
    let before_decision = [
        Draft,
        Submitted,
        InformationRequestedCompleteness,
        UnderAssessment,
        InformationRequestedAssessment,
        DecisionProposed,
    ];
    vec![
        (Submit, &[SIGNATORY], vec![(Draft, Submitted)]),
        (
            Withdraw,
            MEMBERS,
            before_decision.iter().map(|s| (*s, Withdrawn)).collect(),
        ),
        (
            ConfirmComplete,
            ASSIGNED,
            vec![(Submitted, UnderAssessment)],
        ),
        (
            RequestInformation,
            ASSIGNED,
            vec![
                (Submitted, InformationRequestedCompleteness),
                (UnderAssessment, InformationRequestedAssessment),
            ],
        ),
        (
            AnswerInformationRequest,
            MEMBERS,
            vec![
                (InformationRequestedCompleteness, Submitted),
                (InformationRequestedAssessment, UnderAssessment),
            ],
        ),
        (
            SendForConsultation,
            ASSIGNED,
            vec![(UnderAssessment, UnderAssessment)],
        ),
        (
            RecordOpinion,
            &[CONSULTEE],
            vec![
                (UnderAssessment, UnderAssessment),
                (DecisionProposed, DecisionProposed),
            ],
        ),
        (
            ProposeApproval,
            ASSIGNED,
            vec![(UnderAssessment, DecisionProposed)],
        ),
        (
            ProposeRejection,
            ASSIGNED,
            vec![(UnderAssessment, DecisionProposed)],
        ),
        (Approve, DECIDERS, vec![(DecisionProposed, Approved)]),
        (Reject, DECIDERS, vec![(DecisionProposed, Rejected)]),
        (
            ReturnToAssessment,
            DECIDERS,
            vec![(DecisionProposed, UnderAssessment)],
        ),
    ]
}

fn expected(transition: Transition, actor: Actor, from: ReviewState) -> Option<ReviewState> {
    allowed()
        .into_iter()
        .filter(|(t, actors, _)| *t == transition && actors.contains(&actor))
        .flat_map(|(_, _, moves)| moves)
        .find(|(source, _)| *source == from)
        .map(|(_, to)| to)
}

#[test]
fn every_transition_for_every_actor_in_every_state() {
    let mut allowed_count = 0;
    for transition in Transition::ALL {
        for actor in EVERYONE {
            for from in ReviewState::ALL {
                let outcome = transition.check(actor, *from);
                match expected(*transition, actor, *from) {
                    Some(to) => {
                        allowed_count += 1;
                        assert_eq!(outcome, Ok(to), "{transition} by {actor:?} from {from}");
                    }
                    None => assert!(
                        outcome.is_err(),
                        "{transition} by {actor:?} from {from} should be refused, got {outcome:?}"
                    ),
                }
            }
        }
    }
    // 1 + 2·6 + 3 + 3·2 + 2·2 + 3 + 2 + 3 + 3 + 2 + 2 + 2
    assert_eq!(allowed_count, 43);
}

#[test]
fn nothing_happens_after_the_end() {
    for transition in Transition::ALL {
        for actor in EVERYONE {
            for closed in [Approved, Rejected, Withdrawn] {
                assert!(transition.check(actor, closed).is_err());
            }
        }
    }
}

#[test]
fn a_case_not_theirs_does_not_exist_for_them() {
    for transition in Transition::ALL {
        for from in ReviewState::ALL {
            for outsider in [Actor::OtherMember, OTHER_CONSULTEE] {
                assert_eq!(transition.check(outsider, *from), Err(Refused::NotFound));
            }
        }
    }
}

#[test]
fn roles_that_may_never_do_it_are_refused_in_any_state() {
    for from in ReviewState::ALL {
        for transition in Transition::ALL {
            assert_eq!(
                transition.check(Actor::Admin, *from),
                Err(Refused::NotPermitted),
                "admins do not decide applications"
            );
        }
        for staff in [Transition::ConfirmComplete, Transition::Approve] {
            assert_eq!(staff.check(SIGNATORY, *from), Err(Refused::NotPermitted));
        }
        for issuer in [Transition::Submit, Transition::AnswerInformationRequest] {
            assert_eq!(issuer.check(APPROVER, *from), Err(Refused::NotPermitted));
        }
        assert_eq!(
            Transition::Approve.check(REVIEWER, *from),
            Err(Refused::NotPermitted)
        );
        assert_eq!(
            Transition::ProposeApproval.check(CONSULTEE, *from),
            Err(Refused::NotPermitted)
        );
        assert_eq!(
            Transition::RecordOpinion.check(REVIEWER, *from),
            Err(Refused::NotPermitted)
        );
    }
}

#[test]
fn the_right_person_in_the_wrong_state_is_a_conflict() {
    assert_eq!(
        Transition::Submit.check(SIGNATORY, Submitted),
        Err(Refused::WrongState)
    );
    assert_eq!(
        Transition::ConfirmComplete.check(REVIEWER, UnderAssessment),
        Err(Refused::WrongState)
    );
    assert_eq!(
        Transition::Approve.check(APPROVER, UnderAssessment),
        Err(Refused::WrongState)
    );
    // A stale action from someone no longer assigned is still first a conflict of state.
    assert_eq!(
        Transition::ConfirmComplete.check(OTHER_REVIEWER, Approved),
        Err(Refused::WrongState)
    );
}

#[test]
fn reviewers_of_another_assignment_are_refused() {
    let staff_work = [
        (Transition::ConfirmComplete, Submitted),
        (Transition::RequestInformation, Submitted),
        (Transition::RequestInformation, UnderAssessment),
        (Transition::SendForConsultation, UnderAssessment),
        (Transition::ProposeApproval, UnderAssessment),
        (Transition::ProposeRejection, UnderAssessment),
    ];
    for (transition, from) in staff_work {
        for unassigned in [OTHER_REVIEWER, APPROVER, PROPOSER] {
            assert_eq!(
                transition.check(unassigned, from),
                Err(Refused::NotAssigned)
            );
        }
    }
}

#[test]
fn only_a_signatory_submits() {
    assert_eq!(
        Transition::Submit.check(MEMBER, Draft),
        Err(Refused::NotSignatory)
    );
    assert_eq!(Transition::Submit.check(SIGNATORY, Draft), Ok(Submitted));
}

#[test]
fn the_proposer_never_decides() {
    for transition in [
        Transition::Approve,
        Transition::Reject,
        Transition::ReturnToAssessment,
    ] {
        for proposer in [PROPOSER, ASSIGNED_PROPOSER] {
            assert_eq!(
                transition.check(proposer, DecisionProposed),
                Err(Refused::OwnProposal)
            );
        }
    }
    let (me, colleague) = (Uuid::now_v7(), Uuid::now_v7());
    assert_eq!(separate_duties(Some(me), me), Err(Refused::OwnProposal));
    assert_eq!(separate_duties(Some(colleague), me), Ok(()));
    assert_eq!(separate_duties(None, me), Ok(()));
    assert_eq!(Actor::approver(me, false, Some(me)), PROPOSER);
    assert_eq!(
        Actor::approver(me, true, Some(colleague)),
        ASSIGNED_APPROVER
    );
    assert_eq!(
        Transition::Approve.check(
            Actor::approver(me, false, Some(colleague)),
            DecisionProposed
        ),
        Ok(Approved)
    );
}

#[test]
fn an_answer_returns_to_the_phase_it_interrupted() {
    let completeness = Transition::RequestInformation
        .check(REVIEWER, Submitted)
        .unwrap();
    let assessment = Transition::RequestInformation
        .check(REVIEWER, UnderAssessment)
        .unwrap();
    assert_eq!(
        completeness.information_requested(),
        Some(super::super::clock::Phase::Completeness)
    );
    assert_eq!(
        Transition::AnswerInformationRequest.check(MEMBER, completeness),
        Ok(Submitted)
    );
    assert_eq!(
        Transition::AnswerInformationRequest.check(MEMBER, assessment),
        Ok(UnderAssessment)
    );
}

#[test]
fn transitions_keep_their_codes_and_refusals_name_their_messages() {
    for transition in Transition::ALL {
        assert_eq!(transition.as_str().parse::<Transition>(), Ok(*transition));
        assert!(transition.sources().count() > 0);
    }
    assert_eq!(Transition::Withdraw.sources().count(), 6);
    assert_eq!(
        Refused::OwnProposal.message_key(),
        "review-refused-own-proposal"
    );
}
