//! The issuer's side of an information request: each item with where to change the answer it
//! asks about, a note per item, and sending the answers back once every item has one.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use crate::db::applications::Application;
use crate::domain::review::information_request::Target;
use crate::error::{AppError, AppResult};
use crate::services::application as applications;
use crate::services::review::information_requests::{self as service, Answered, Shown};
use crate::web::extract::{Actor, Form, IssuerMember};
use crate::web::forms::Errors;
use crate::web::pages::review::information_requests::label;
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "application/information_request.html")]
struct RequestPage {
    ctx: PageContext,
    application: Application,
    shown: Shown,
    /// Each item's label and where to change what it asks about.
    places: Vec<(String, String)>,
    /// The request still waits for answers.
    open: bool,
    errors: Errors,
}

/// The open request as the task list shows it: when it is due, and each item at its place.
pub struct Summary {
    pub url: String,
    pub due_on: String,
    pub days_left: u32,
    pub late: bool,
    pub items: Vec<(String, String)>,
}

/// The application's open request, if one waits for answers.
pub async fn summary(
    conn: &mut crate::db::Connection,
    ctx: &PageContext,
    application: &Application,
) -> AppResult<Option<Summary>> {
    let id = application.id;
    let Some(shown) = service::open_of(conn, id).await? else {
        return Ok(None);
    };
    let days_left = service::days_left(conn, &shown.request).await?;
    let items = shown.standing().map(|(_, t)| place(ctx, id, t)).collect();
    Ok(Some(Summary {
        url: request_url(id, shown.request.id),
        due_on: shown.request.due_on.to_string(),
        days_left,
        late: shown.late,
        items,
    }))
}

/// What an item is about, named for the issuer, and where in application `id` to change it.
pub fn place(ctx: &PageContext, id: Uuid, target: &Target) -> (String, String) {
    (
        label(ctx, target),
        format!("/applications/{id}{}", target.issuer_path()),
    )
}

fn request_url(id: Uuid, request: Uuid) -> String {
    format!("/applications/{id}/requests/{request}")
}

async fn render(
    ctx: PageContext,
    state: &AppState,
    member: &IssuerMember,
    (id, request): (Uuid, Uuid),
    errors: Errors,
) -> AppResult<RequestPage> {
    let mut conn = state.pool.get().await?;
    let application = applications::of_member(&mut conn, id, member.institution).await?;
    let shown = service::shown(&mut conn, id, request).await?;
    let places = shown
        .items
        .iter()
        .map(|(_, t)| match t {
            Some(t) => place(&ctx, id, t),
            None => (String::new(), format!("/applications/{id}")),
        })
        .collect();
    let open =
        shown.request.answered_on.is_none() && application.state.information_requested().is_some();
    Ok(RequestPage {
        ctx,
        application,
        shown,
        places,
        open,
        errors,
    })
}

pub async fn show(
    ctx: PageContext,
    member: IssuerMember,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let shown = render(ctx, &state, &member, path.into_inner(), Errors::default()).await?;
    page(&shown, StatusCode::OK)
}

#[derive(serde::Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

pub async fn answer(
    ctx: PageContext,
    member: IssuerMember,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid, Uuid)>,
    Form(form): Form<AnswerForm>,
) -> AppResult<HttpResponse> {
    let (id, request, item) = path.into_inner();
    let answer = form.answer.trim();
    let key = if answer.is_empty() {
        Some("inforeq-answer-required")
    } else if answer.chars().count() > service::MAX_ANSWER {
        Some("inforeq-answer-too-long")
    } else {
        None
    };
    if let Some(key) = key {
        let errors = Errors::one("form", key);
        return form_with_errors(&render(ctx, &state, &member, (id, request), errors).await?);
    }
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    let ids = (id, member.institution);
    match service::answer_item(&mut conn, &cx, ids, (request, item), answer).await? {
        Answered::Done => Ok(redirect(&format!(
            "{}#item-{item}",
            request_url(id, request)
        ))),
        _ => Err(AppError::Conflict),
    }
}

pub async fn send(
    ctx: PageContext,
    member: IssuerMember,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let (id, request) = path.into_inner();
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    match service::send_answers(&mut conn, &cx, (id, member.institution), request).await? {
        Answered::Done => Ok(redirect(&format!("/applications/{id}?notice=answers-sent"))),
        Answered::Unanswered => {
            let errors = Errors::one("form", "inforeq-unanswered");
            form_with_errors(&render(ctx, &state, &member, (id, request), errors).await?)
        }
        Answered::Closed => Err(AppError::Conflict),
    }
}
