//! /review/{id}/consultations: the case's consultations with the opinions given, and the form that
//! sends the case to one or more consulted bodies with a question and a due date in working days.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::decisions::{answer, staff_member, version};
use crate::db::applications::Application;
use crate::db::consultations::Consultation;
use crate::domain::review::consultation::{
    ConsultedBody, DEFAULT_CONSULTATION_DAYS, MAX_CONSULTATION_DAYS,
};
use crate::domain::review::state::ReviewState;
use crate::error::AppResult;
use crate::services::review;
use crate::services::review::consultation::{self as service, Request};
use crate::web::extract::{Actor, Form, Staff};
use crate::web::forms::{Errors, at_most, ticked};
use crate::web::reply::{form_with_errors, page};
use crate::web::{AppState, PageContext};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConsultForm {
    version: String,
    body_bank_of_korea: Option<String>,
    body_ministry_of_economy_and_finance: Option<String>,
    body_fss: Option<String>,
    question: String,
    days: String,
}

impl ConsultForm {
    /// The bodies ticked, in the order the form lists them.
    fn bodies(&self) -> Vec<ConsultedBody> {
        [
            (ConsultedBody::BankOfKorea, &self.body_bank_of_korea),
            (
                ConsultedBody::MinistryOfEconomyAndFinance,
                &self.body_ministry_of_economy_and_finance,
            ),
            (ConsultedBody::Fss, &self.body_fss),
        ]
        .into_iter()
        .filter(|(_, box_)| ticked(box_))
        .map(|(body, _)| body)
        .collect()
    }

    fn checked(&self) -> Result<(Vec<ConsultedBody>, u32), Errors> {
        let mut errors = Errors::default();
        let bodies = self.bodies();
        if bodies.is_empty() {
            errors.add("bodies", "consultation-bodies-required");
        }
        if self.question.trim().is_empty() {
            errors.add("question", "field-required");
        }
        at_most(&self.question, 5_000, "question", &mut errors);
        let days = self.days.trim().parse::<u32>().ok();
        let days = days.filter(|d| (1..=MAX_CONSULTATION_DAYS).contains(d));
        if days.is_none() {
            errors.add("days", "consultation-days-range");
        }
        match days {
            Some(days) if errors.is_empty() => Ok((bodies, days)),
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "review/consultation.html")]
struct ConsultationPage {
    ctx: PageContext,
    case: Application,
    consultations: Vec<Consultation>,
    form: ConsultForm,
    errors: Errors,
    chosen: Vec<ConsultedBody>,
    bodies: &'static [ConsultedBody],
}

impl ConsultationPage {
    fn may_send(&self) -> bool {
        self.case.state == ReviewState::UnderAssessment
    }

    fn is_chosen(&self, body: &ConsultedBody) -> bool {
        self.chosen.contains(body)
    }

    /// The name of a body's checkbox, as `ConsultForm` reads it.
    fn field_of(&self, body: &ConsultedBody) -> &'static str {
        match body {
            ConsultedBody::BankOfKorea => "body_bank_of_korea",
            ConsultedBody::MinistryOfEconomyAndFinance => "body_ministry_of_economy_and_finance",
            ConsultedBody::Fss => "body_fss",
        }
    }
}

async fn render(
    ctx: PageContext,
    state: &AppState,
    id: Uuid,
    form: ConsultForm,
    errors: Errors,
) -> AppResult<ConsultationPage> {
    let mut conn = state.pool.get().await?;
    let case = review::case(&mut conn, id).await?;
    let consultations = crate::db::consultations::of_application(&mut conn, id).await?;
    Ok(ConsultationPage {
        ctx,
        case,
        consultations,
        chosen: form.bodies(),
        form,
        errors,
        bodies: ConsultedBody::ALL,
    })
}

pub async fn show(
    ctx: PageContext,
    _staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let form = ConsultForm {
        days: DEFAULT_CONSULTATION_DAYS.to_string(),
        ..ConsultForm::default()
    };
    let shown = render(ctx, &state, *id, form, Errors::default()).await?;
    page(&shown, StatusCode::OK)
}

pub async fn send(
    ctx: PageContext,
    Staff(user): Staff,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<ConsultForm>,
) -> AppResult<HttpResponse> {
    let seen = version(&form.version);
    let (bodies, days) = match form.checked() {
        Ok(checked) => checked,
        Err(errors) => return form_with_errors(&render(ctx, &state, *id, form, errors).await?),
    };
    let request = Request {
        bodies: &bodies,
        question: form.question.trim(),
        days,
    };
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    let who = staff_member(&user);
    let applied = service::send(&mut conn, &cx, *id, seen, who, &request).await?;
    let back = format!("/review/{id}/consultations");
    answer(ctx, applied, &back, "consultation-sent")
}
