//! /review/{id}/decision: the proposals of a case with the consulted bodies' opinions, the form
//! to propose a decision while the case is under assessment, and the approver's form once one is
//! proposed. Also how every review action of these pages answers what came of it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::db::applications::Application;
use crate::db::consultations::Consultation;
use crate::db::decisions::{Person, Proposal};
use crate::domain::review::consultation::{Decision, ProposedOutcome};
use crate::domain::review::state::ReviewState;
use crate::domain::review::transition::Refused;
use crate::error::{AppError, AppResult};
use crate::services::review::decisions::{self as service, ProposalText, StaffMember};
use crate::services::review::{self, Applied};
use crate::web::extract::{Actor, Form, Staff};
use crate::web::forms::{Errors, at_most};
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::session::SessionUser;
use crate::web::{AppState, PageContext};

/// The longest reasons, conditions or question a form takes (the database's limit).
pub const MAX_TEXT: usize = 10_000;

/// The member of staff a session user is.
pub fn staff_member(user: &SessionUser) -> StaffMember {
    StaffMember {
        id: user.id,
        role: user.role,
    }
}

#[derive(Template)]
#[template(path = "review/decision_refused.html")]
struct RefusedPage {
    ctx: PageContext,
    message: &'static str,
    back: String,
}

/// What a review action answers: its page with a notice when made; a 404 for a case the person may
/// not see; otherwise a page saying why not (409 when the case changed, 403 for a rule) with a
/// link to the case's current page.
pub fn answer(
    ctx: PageContext,
    applied: Applied,
    back: &str,
    notice: &str,
) -> AppResult<HttpResponse> {
    let (message, status) = match applied {
        Applied::Done(_) => return Ok(redirect(&format!("{back}?notice={notice}"))),
        Applied::Refused(Refused::NotFound) => return Err(AppError::NotFound),
        Applied::Stale | Applied::Refused(Refused::WrongState) => {
            ("review-refused-state", StatusCode::CONFLICT)
        }
        Applied::Refused(refused) => (refused.message_key(), StatusCode::FORBIDDEN),
    };
    let back = back.to_owned();
    page(&RefusedPage { ctx, message, back }, status)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProposeForm {
    version: String,
    outcome: String,
    reasons: String,
    conditions: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    version: String,
    decision: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "review/decision.html")]
struct DecisionPage {
    ctx: PageContext,
    case: Application,
    consultations: Vec<Consultation>,
    proposals: Vec<Proposal>,
    people: Vec<Person>,
    propose: ProposeForm,
    decide: DecideForm,
    errors: Errors,
    outcomes: &'static [ProposedOutcome],
    decisions: &'static [Decision],
}

impl DecisionPage {
    /// The name of the person `id`, as the page shows who proposed or decided.
    fn name_of(&self, id: &Uuid) -> String {
        self.people
            .iter()
            .find(|p| p.id == *id)
            .map_or_else(String::new, |p| p.display_name.clone())
    }

    fn proposing(&self) -> bool {
        self.case.state == ReviewState::UnderAssessment
    }

    fn deciding(&self) -> bool {
        self.case.state == ReviewState::DecisionProposed
    }

    fn decided(&self) -> bool {
        self.case.state.is_decided()
    }
}

async fn render(
    ctx: PageContext,
    state: &AppState,
    id: Uuid,
    forms: (ProposeForm, DecideForm),
    errors: Errors,
) -> AppResult<DecisionPage> {
    let mut conn = state.pool.get().await?;
    let case = review::case(&mut conn, id).await?;
    let consultations = crate::db::consultations::of_application(&mut conn, id).await?;
    let (proposals, people) = service::proposals(&mut conn, id).await?;
    Ok(DecisionPage {
        ctx,
        case,
        consultations,
        proposals,
        people,
        propose: forms.0,
        decide: forms.1,
        errors,
        outcomes: ProposedOutcome::ALL,
        decisions: Decision::ALL,
    })
}

pub async fn show(
    ctx: PageContext,
    _staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let forms = (ProposeForm::default(), DecideForm::default());
    let shown = render(ctx, &state, *id, forms, Errors::default()).await?;
    page(&shown, StatusCode::OK)
}

/// The version of the case the form's page showed. A form naming none that we gave (versions
/// start at 1) matches no version of the case, so the action is answered as stale.
pub fn version(raw: &str) -> i32 {
    raw.trim().parse().unwrap_or(0)
}

impl ProposeForm {
    fn checked(&self) -> Result<(ProposedOutcome, &str, Option<&str>), Errors> {
        let mut errors = Errors::default();
        let outcome = self.outcome.parse::<ProposedOutcome>().ok();
        if outcome.is_none() {
            errors.add("outcome", "field-choose-one");
        }
        if self.reasons.trim().is_empty() {
            errors.add("reasons", "field-required");
        }
        at_most(&self.reasons, MAX_TEXT, "reasons", &mut errors);
        at_most(&self.conditions, MAX_TEXT, "conditions", &mut errors);
        let conditions = Some(self.conditions.trim()).filter(|c| !c.is_empty());
        if outcome == Some(ProposedOutcome::Reject) && conditions.is_some() {
            errors.add("conditions", "decision-conditions-only-approval");
        }
        match outcome {
            Some(outcome) if errors.is_empty() => Ok((outcome, self.reasons.trim(), conditions)),
            _ => Err(errors),
        }
    }
}

pub async fn propose(
    ctx: PageContext,
    Staff(user): Staff,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<ProposeForm>,
) -> AppResult<HttpResponse> {
    let seen = version(&form.version);
    let (outcome, reasons, conditions) = match form.checked() {
        Ok(checked) => checked,
        Err(errors) => {
            let forms = (form, DecideForm::default());
            return form_with_errors(&render(ctx, &state, *id, forms, errors).await?);
        }
    };
    let text = ProposalText {
        outcome,
        reasons,
        conditions,
    };
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    let applied = service::propose(&mut conn, &cx, *id, seen, staff_member(&user), &text).await?;
    answer(
        ctx,
        applied,
        &format!("/review/{id}/decision"),
        "decision-proposed",
    )
}

impl DecideForm {
    fn checked(&self) -> Result<(Decision, Option<&str>), Errors> {
        let mut errors = Errors::default();
        let decision = self.decision.parse::<Decision>().ok();
        if decision.is_none() {
            errors.add("decision", "field-choose-one");
        }
        let reason = Some(self.reason.trim()).filter(|r| !r.is_empty());
        if decision == Some(Decision::Returned) && reason.is_none() {
            errors.add("reason", "decision-return-reason-required");
        }
        at_most(&self.reason, MAX_TEXT, "reason", &mut errors);
        match decision {
            Some(decision) if errors.is_empty() => Ok((decision, reason)),
            _ => Err(errors),
        }
    }
}

pub async fn decide(
    ctx: PageContext,
    Staff(user): Staff,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<DecideForm>,
) -> AppResult<HttpResponse> {
    let seen = version(&form.version);
    let (decision, reason) = match form.checked() {
        Ok(checked) => checked,
        Err(errors) => {
            let forms = (ProposeForm::default(), form);
            return form_with_errors(&render(ctx, &state, *id, forms, errors).await?);
        }
    };
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    let who = staff_member(&user);
    let made = service::decide(&mut conn, &cx, *id, seen, who, decision, reason).await?;
    answer(
        ctx,
        made.applied,
        &format!("/review/{id}/decision"),
        "decided",
    )
}
