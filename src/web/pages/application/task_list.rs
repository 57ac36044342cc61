//! /applications/{id}: each section's status, what it still needs, who changed it last and when.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use crate::db::applications::Application;
use crate::domain::application::sections::section;
use crate::error::AppResult;
use crate::services::application::{self as service, task_list};
use crate::services::review::workspace;
use crate::web::extract::IssuerMember;
use crate::web::pages::review::ClockView;
use crate::web::reply::page;
use crate::web::{AppState, PageContext};

use super::view::label_of;

#[derive(Template)]
#[template(path = "application/task_list.html")]
struct TaskListPage {
    ctx: PageContext,
    application: Application,
    tasks: Vec<TaskView>,
    ready: bool,
    editable: bool,
    /// The statutory clock of the phase the case is in, as the regulator sees it.
    clock: Option<ClockView>,
    /// The information request waiting for the members' answers, if any.
    request: Option<super::information_requests::Summary>,
}

/// A line of the task list in the page's language.
struct TaskView {
    title: String,
    url: String,
    status: String,
    badge: &'static str,
    /// The first few things still missing, and how many in all.
    missing: Vec<(String, String)>,
    missing_count: usize,
    saved: Option<(String, String)>,
    can_start: bool,
}

/// How many missing answers a line of the task list names before "and N more".
const NAMED: usize = 3;

pub async fn show(
    ctx: PageContext,
    member: IssuerMember,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let application = service::of_member(&mut conn, path.into_inner(), member.institution).await?;
    let tasks = task_list::tasks(&mut conn, application.id).await?;
    let ready = task_list::all_completed(&tasks);
    let tasks = tasks.iter().map(|t| view(&ctx, &application, t)).collect();
    let editable = service::sections::editable(&application);
    let clock = workspace::current_clock(&mut conn, &application)
        .await?
        .as_ref()
        .map(ClockView::of);
    let request = super::information_requests::summary(&mut conn, &ctx, &application).await?;
    let page_ = TaskListPage {
        ctx,
        application,
        tasks,
        ready,
        editable,
        clock,
        request,
    };
    page(&page_, StatusCode::OK)
}

fn view(ctx: &PageContext, application: &Application, task: &task_list::Task) -> TaskView {
    let declared = section(task.section);
    let url = super::section_url(application.id, task.section);
    let missing = task
        .problems
        .iter()
        .take(NAMED)
        .map(|p| {
            let anchor = format!("{url}#{}", p.path.html_id(&task.answers));
            (anchor, label_of(ctx, declared, &task.answers, &p.path))
        })
        .collect();
    TaskView {
        title: ctx.t(task.section.title_key()),
        status: ctx.t(task.progress.label_key()),
        badge: task.progress.badge(),
        can_start: task.progress != task_list::Progress::CannotStartYet,
        missing,
        missing_count: task.problems.len(),
        saved: task
            .saved_by
            .clone()
            .zip(task.saved_at.as_ref().map(|at| ctx.datetime(at))),
        url,
    }
}
