//! The reviewer's information requests on a case: the form of items (rows added and removed
//! without JavaScript), sending it, and one request's items with the issuer's answers, each to
//! close or ask again.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use crate::db::applications::Application;
use crate::domain::review::information_request::{ResponseDays, Target};
use crate::domain::review::transition::Refused;
use crate::error::{AppError, AppResult};
use crate::services::review::information_requests::{NewItem, Outcome, Shown};
use crate::services::review::{self, information_requests as service};
use crate::web::extract::{Actor, Form, Staff};
use crate::web::forms::{Errors, at_most};
use crate::web::pages::review::decisions::staff_member;
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::{AppState, PageContext};

/// The most items one request holds, and each row's field names.
const QUESTIONS: [&str; 10] = [
    "question-0",
    "question-1",
    "question-2",
    "question-3",
    "question-4",
    "question-5",
    "question-6",
    "question-7",
    "question-8",
    "question-9",
];
const TARGETS: [&str; 10] = [
    "target-0", "target-1", "target-2", "target-3", "target-4", "target-5", "target-6", "target-7",
    "target-8", "target-9",
];

/// One row of the form as typed.
pub struct Row {
    pub target: String,
    pub question: String,
    pub target_name: &'static str,
    pub question_name: &'static str,
}

impl Row {
    fn at(index: usize, target: &str, question: &str) -> Row {
        Row {
            target: target.to_owned(),
            question: question.to_owned(),
            target_name: TARGETS[index],
            question_name: QUESTIONS[index],
        }
    }
}

/// A choice of the target select.
pub struct TargetChoice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "review/information_request_new.html")]
struct NewPage {
    ctx: PageContext,
    case: Application,
    rows: Vec<Row>,
    days: String,
    targets: Vec<TargetChoice>,
    errors: Errors,
}

#[derive(Template)]
#[template(path = "review/information_request.html")]
struct ShowPage {
    ctx: PageContext,
    case: Application,
    shown: Shown,
    labels: Vec<String>,
    /// Per item, the compare page of its section's versions around the request.
    compares: Vec<String>,
}

/// The answer to a refused or stale action.
fn refused(outcome: Outcome) -> AppError {
    match outcome {
        Outcome::Refused(Refused::NotFound) => AppError::NotFound,
        Outcome::Refused(Refused::WrongState) | Outcome::Stale => AppError::Conflict,
        _ => AppError::Forbidden,
    }
}

/// The catalogue key of an item's status.
pub fn status_key(status: &str) -> &'static str {
    match status {
        "answered" => "inforeq-status-answered",
        "closed" => "inforeq-status-closed",
        "asked_again" => "inforeq-status-asked-again",
        _ => "inforeq-status-open",
    }
}

/// Each target's label: its section's title, then what it names in the section.
pub fn label(ctx: &PageContext, target: &Target) -> String {
    let section = ctx.t(target.section().title_key());
    match target {
        Target::Section(_) => section,
        _ => format!("{section} › {}", ctx.t(target.label_key())),
    }
}

fn new_page(ctx: PageContext, case: Application, rows: Vec<Row>, days: String) -> NewPage {
    let targets = Target::all()
        .iter()
        .map(|t| TargetChoice {
            value: t.as_str(),
            label: label(&ctx, t),
        })
        .collect();
    NewPage {
        ctx,
        case,
        rows,
        days,
        targets,
        errors: Errors::default(),
    }
}

pub async fn new(
    ctx: PageContext,
    user: Staff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let case = review::case(&mut conn, path.into_inner()).await?;
    if let Err(refusal) = service::may_request(&mut conn, &case, staff_member(&user.0)).await? {
        return Err(refused(Outcome::Refused(refusal)));
    }
    let rows = vec![Row::at(0, "", "")];
    let days = ResponseDays::default().get().to_string();
    page(&new_page(ctx, case, rows, days), StatusCode::OK)
}

fn value<'a>(posted: &'a [(String, String)], name: &str) -> &'a str {
    posted
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The rows posted, with the one added or removed as the reviewer asked.
fn rows_of(posted: &[(String, String)]) -> (Vec<Row>, bool) {
    let mut rows: Vec<Row> = (0..QUESTIONS.len())
        .filter(|i| posted.iter().any(|(k, _)| k == QUESTIONS[*i]))
        .map(|i| (value(posted, TARGETS[i]), value(posted, QUESTIONS[i])))
        .enumerate()
        .map(|(i, (target, question))| Row::at(i, target, question))
        .collect();
    let action = value(posted, "action");
    if action == "add" && rows.len() < QUESTIONS.len() {
        rows.push(Row::at(rows.len(), "", ""));
        return (rows, true);
    }
    if let Some(index) = action
        .strip_prefix("remove:")
        .and_then(|i| i.parse::<usize>().ok())
    {
        if index < rows.len() && rows.len() > 1 {
            rows.remove(index);
        }
        let rows = rows.iter().enumerate();
        let rows = rows
            .map(|(i, r)| Row::at(i, &r.target, &r.question))
            .collect();
        return (rows, true);
    }
    (rows, false)
}

/// The items and days, or what is wrong with them.
fn checked(rows: &[Row], days: &str) -> Result<(Vec<NewItem>, ResponseDays), Errors> {
    let mut errors = Errors::default();
    let mut items = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let target = Target::parse(&row.target);
        if target.is_none() {
            errors.add(TARGETS[i], "inforeq-target-required");
        }
        let question = row.question.trim();
        if question.is_empty() {
            errors.add(QUESTIONS[i], "inforeq-question-required");
        }
        at_most(question, service::MAX_QUESTION, QUESTIONS[i], &mut errors);
        if let Some(target) = target {
            items.push(NewItem {
                target,
                question: question.to_owned(),
            });
        }
    }
    if rows.is_empty() {
        errors.add("form", "inforeq-items-required");
    }
    let days = match days.trim().parse::<u32>() {
        Ok(n) => ResponseDays::new(n).map_err(|e| e.message_key()),
        Err(_) => Err("inforeq-days-number"),
    };
    match days {
        Ok(days) if errors.is_empty() => Ok((items, days)),
        Ok(_) => Err(errors),
        Err(key) => {
            errors.add("days", key);
            Err(errors)
        }
    }
}

pub async fn send(
    ctx: PageContext,
    user: Staff,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    Form(posted): Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let case = review::case(&mut conn, path.into_inner()).await?;
    let (rows, changed) = rows_of(&posted);
    let days = value(&posted, "days").to_owned();
    let (items, response_days) = match checked(&rows, &days) {
        _ if changed => return page(&new_page(ctx, case, rows, days), StatusCode::OK),
        Ok(checked) => checked,
        Err(errors) => {
            return form_with_errors(&NewPage {
                errors,
                ..new_page(ctx, case, rows, days)
            });
        }
    };
    let cx = state.services(&actor);
    let id = case.id;
    match service::send(
        &mut conn,
        &cx,
        id,
        staff_member(&user.0),
        &items,
        response_days,
    )
    .await?
    {
        Outcome::Done(request) => Ok(redirect(&format!("/review/{id}/requests/{request}"))),
        other => Err(refused(other)),
    }
}

pub async fn show(
    ctx: PageContext,
    _user: Staff,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (id, request) = path.into_inner();
    let mut conn = state.pool.get().await?;
    let case = review::case(&mut conn, id).await?;
    let shown = service::shown(&mut conn, id, request).await?;
    let labels = shown
        .items
        .iter()
        .map(|(_, t)| t.as_ref().map(|t| label(&ctx, t)).unwrap_or_default())
        .collect();
    // The section as submitted against as answered now: what the request made the members change.
    let compares = shown
        .items
        .iter()
        .map(|(_, t)| match t {
            Some(t) => format!("/review/{id}/sections/{}/compare", t.section().as_str()),
            None => String::new(),
        })
        .collect();
    let shown = ShowPage {
        ctx,
        case,
        shown,
        labels,
        compares,
    };
    page(&shown, StatusCode::OK)
}

#[derive(serde::Deserialize)]
pub struct AskAgainForm {
    #[serde(default)]
    question: String,
}

pub async fn close(
    user: Staff,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid, Uuid)>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let ids = path.into_inner();
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    match service::close_item(&mut conn, &cx, ids, staff_member(&user.0)).await? {
        Outcome::Done(request) => Ok(redirect(&format!("/review/{}/requests/{request}", ids.0))),
        other => Err(refused(other)),
    }
}

pub async fn ask_again(
    user: Staff,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid, Uuid)>,
    Form(form): Form<AskAgainForm>,
) -> AppResult<HttpResponse> {
    let ids = path.into_inner();
    let mut conn = state.pool.get().await?;
    review::case(&mut conn, ids.0).await?;
    service::shown(&mut conn, ids.0, ids.1).await?;
    let question = form.question.trim();
    if question.is_empty() || question.chars().count() > service::MAX_QUESTION {
        return Err(AppError::BadRequest);
    }
    let cx = state.services(&actor);
    match service::ask_again(&mut conn, &cx, ids, staff_member(&user.0), question).await? {
        Outcome::Done(request) => Ok(redirect(&format!("/review/{}/requests/{request}", ids.0))),
        other => Err(refused(other)),
    }
}
