//! The consulted bodies' pages: /consultations lists the cases sent to the consultee's body,
//! /consultations/{id} shows one read-only with the question, and takes the body's opinion. A
//! consultation sent to another body is not found.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::db::consultations::ForBody;
use crate::domain::application::SectionKind;
use crate::domain::application::sections::section;
use crate::domain::review::consultation::{ConsultedBody, Opinion};
use crate::error::AppResult;
use crate::services::application as applications;
use crate::services::review::consultation::{self as service, ForConsultee};
use crate::web::extract::{Actor, Consultee, Form};
use crate::web::forms::{Errors, at_most};
use crate::web::pages::application::view::{ItemView, SectionView};
use crate::web::pages::review::decisions::{MAX_TEXT, answer};
use crate::web::reply::{form_with_errors, page};
use crate::web::{AppState, PageContext};

/// How many consultations the list shows, newest first.
const LISTED: i64 = 200;

#[derive(Template)]
#[template(path = "consultee/list.html")]
struct ListPage {
    ctx: PageContext,
    body: ConsultedBody,
    consultations: Vec<ForBody>,
}

pub async fn list(
    ctx: PageContext,
    Consultee(user): Consultee,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let body = service::body_of(&mut conn, user.id).await?;
    let consultations = crate::db::consultations::for_body(&mut conn, body, LISTED).await?;
    page(
        &ListPage {
            ctx,
            body,
            consultations,
        },
        StatusCode::OK,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OpinionForm {
    opinion: String,
    reasons: String,
}

impl OpinionForm {
    fn checked(&self) -> Result<Opinion, Errors> {
        let mut errors = Errors::default();
        let opinion = self.opinion.parse::<Opinion>().ok();
        if opinion.is_none() {
            errors.add("opinion", "field-choose-one");
        }
        if self.reasons.trim().is_empty() {
            errors.add("reasons", "field-required");
        }
        at_most(&self.reasons, MAX_TEXT, "reasons", &mut errors);
        match opinion {
            Some(opinion) if errors.is_empty() => Ok(opinion),
            _ => Err(errors),
        }
    }
}

/// One submitted section, read-only.
struct SectionShown {
    title: String,
    view: SectionView,
}

#[derive(Template)]
#[template(path = "consultee/show.html")]
struct ShowPage {
    ctx: PageContext,
    found: ForConsultee,
    sections: Vec<SectionShown>,
    form: OpinionForm,
    errors: Errors,
    opinions: &'static [Opinion],
}

impl ShowPage {
    /// The applicant's legal name in the page's language.
    fn applicant(&self) -> &str {
        self.found.institution.name(self.ctx.lang)
    }
}

async fn render(
    ctx: PageContext,
    state: &AppState,
    (id, consultee): (Uuid, Uuid),
    form: OpinionForm,
    errors: Errors,
) -> AppResult<ShowPage> {
    let mut conn = state.pool.get().await?;
    let found = service::for_consultee(&mut conn, id, consultee).await?;
    let all = applications::all_answers(&mut conn, found.case.id).await?;
    let documents = applications::documents(&mut conn, found.case.id).await?;
    let sections = SectionKind::ALL
        .iter()
        .filter_map(|kind| Some((kind, all.get(kind)?)))
        .map(|(kind, answers)| SectionShown {
            title: ctx.t(kind.title_key()),
            view: SectionView::new(
                &ctx,
                found.case.id,
                section(*kind),
                answers,
                &[],
                &documents,
            ),
        })
        .collect();
    Ok(ShowPage {
        ctx,
        found,
        sections,
        form,
        errors,
        opinions: Opinion::ALL,
    })
}

pub async fn show(
    ctx: PageContext,
    Consultee(user): Consultee,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let key = (*id, user.id);
    let shown = render(ctx, &state, key, OpinionForm::default(), Errors::default()).await?;
    page(&shown, StatusCode::OK)
}

pub async fn opinion(
    ctx: PageContext,
    Consultee(user): Consultee,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<OpinionForm>,
) -> AppResult<HttpResponse> {
    let opinion = match form.checked() {
        Ok(opinion) => opinion,
        Err(errors) => {
            let shown = render(ctx, &state, (*id, user.id), form, errors).await?;
            return form_with_errors(&shown);
        }
    };
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    let reasons = form.reasons.trim();
    let applied = service::record_opinion(&mut conn, &cx, *id, user.id, opinion, reasons).await?;
    answer(
        ctx,
        applied,
        &format!("/consultations/{id}"),
        "opinion-recorded",
    )
}
