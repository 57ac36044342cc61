//! Check your answers (/applications/{id}/check): every answer of every section with a link back
//! to its field, the documents with their hashes, the warnings of the checks, what is still
//! missing, and the declaration that submits the application (POST .../submit); then the
//! confirmation with the reference (GET .../submitted).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use crate::db::Connection;
use crate::db::applications::Application;
use crate::domain::application::SectionKind;
use crate::domain::application::findings::all_findings;
use crate::domain::application::sections::section;
use crate::domain::finding::Finding;
use crate::error::AppResult;
use crate::services::application::submission::{self, Submitted};
use crate::services::application::task_list::{self, Progress, Task};
use crate::services::application::{self as service};
use crate::web::extract::{Actor, Form, IssuerMember};
use crate::web::forms::{Errors, ticked};
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::{AppState, PageContext};

use super::view::{ItemView, SectionView, label_of};

#[derive(Template)]
#[template(path = "application/check.html")]
struct CheckPage {
    ctx: PageContext,
    application: Application,
    sections: Vec<SectionCheck>,
    /// Every breached check: the anchor of its section's checks and what it is.
    warnings: Vec<(String, String)>,
    /// What is still missing: where to fix it and what it is.
    missing: Vec<(String, String)>,
    complete: bool,
    editable: bool,
    may_declare: bool,
    /// Who may make the declaration, for a member who may not.
    signatories: String,
    errors: Errors,
}

/// A section as check your answers shows it.
struct SectionCheck {
    /// The section's code, for the anchor of its checks.
    code: &'static str,
    title: String,
    url: String,
    view: SectionView,
    /// The checks run on the section's answers (`application/findings.html`).
    findings: Vec<Finding>,
}

#[derive(serde::Deserialize)]
pub struct Declaration {
    #[serde(default)]
    declaration: Option<String>,
}

pub async fn show(
    ctx: PageContext,
    member: IssuerMember,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let application = service::of_member(&mut conn, path.into_inner(), member.institution).await?;
    let shown = render(ctx, &mut conn, &member, application, Errors::default()).await?;
    page(&shown, StatusCode::OK)
}

/// The declaration: submits the application when every section is complete and the member is an
/// authorised signatory who ticked the box. A repeat lands on the confirmation too.
pub async fn submit(
    ctx: PageContext,
    member: IssuerMember,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    Form(form): Form<Declaration>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let application = service::of_member(&mut conn, path.into_inner(), member.institution).await?;
    let id = application.id;
    if !ticked(&form.declaration) && service::sections::editable(&application) {
        let errors = Errors::one("declaration", "submit-declaration-required");
        let shown = render(ctx, &mut conn, &member, application, errors).await?;
        return form_with_errors(&shown);
    }
    let cx = state.services(&actor);
    match submission::submit(&mut conn, &cx, id, member.institution).await? {
        Submitted::Done => Ok(redirect(&submitted_url(id))),
        Submitted::Incomplete(_) => {
            let errors = Errors::form("submit-incomplete");
            let shown = render(ctx, &mut conn, &member, application, errors).await?;
            form_with_errors(&shown)
        }
        Submitted::NotSignatory => not_signatory(ctx, &mut conn, &member, id).await,
        Submitted::Closed => Err(crate::error::AppError::Conflict),
    }
}

fn submitted_url(id: Uuid) -> String {
    format!("/applications/{id}/submitted")
}

#[derive(Template)]
#[template(path = "application/not_signatory.html")]
struct NotSignatoryPage {
    ctx: PageContext,
    application: Uuid,
    signatories: String,
}

/// A clear refusal for a member who is not an authorised signatory: who can declare instead.
async fn not_signatory(
    ctx: PageContext,
    conn: &mut Connection,
    member: &IssuerMember,
    application: Uuid,
) -> AppResult<HttpResponse> {
    let signatories = submission::signatories(conn, member.institution).await?;
    let shown = NotSignatoryPage {
        ctx,
        application,
        signatories: signatories.join(", "),
    };
    page(&shown, StatusCode::FORBIDDEN)
}

#[derive(Template)]
#[template(path = "application/submitted.html")]
struct SubmittedPage {
    ctx: PageContext,
    application: Application,
    reference: String,
    submitted_at: String,
    /// When the completeness check is due, while its clock runs.
    due: Option<String>,
}

/// The confirmation: the reference and what happens next.
pub async fn submitted(
    ctx: PageContext,
    member: IssuerMember,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let application = service::of_member(&mut conn, path.into_inner(), member.institution).await?;
    let (Some(reference), Some(at)) = (application.reference.clone(), application.submitted_at)
    else {
        return Ok(redirect(&format!("/applications/{}/check", application.id)));
    };
    let due = submission::completeness_due(&mut conn, &application).await?;
    let shown = SubmittedPage {
        due: due.map(|d| d.to_string()),
        submitted_at: ctx.datetime(&at),
        ctx,
        application,
        reference,
    };
    page(&shown, StatusCode::OK)
}

async fn render(
    ctx: PageContext,
    conn: &mut Connection,
    member: &IssuerMember,
    application: Application,
    errors: Errors,
) -> AppResult<CheckPage> {
    let id = application.id;
    let tasks = task_list::tasks(conn, id).await?;
    let documents = service::documents(conn, id).await?;
    let all = service::all_answers(conn, id).await?;
    let rules = service::rules(conn).await?;
    let mut findings = all_findings(&all, &rules);
    let warnings = warnings(&ctx, &findings);
    let sections = tasks
        .iter()
        .map(|t| SectionCheck {
            code: t.section.as_str(),
            title: ctx.t(t.section.title_key()),
            url: super::section_url(id, t.section),
            view: SectionView::new(&ctx, id, section(t.section), &t.answers, &[], &documents),
            findings: take_findings(&mut findings, t.section),
        })
        .collect();
    let missing = tasks.iter().flat_map(|t| missing(&ctx, id, t)).collect();
    let signatories = submission::signatories(conn, member.institution).await?;
    Ok(CheckPage {
        complete: task_list::all_completed(&tasks),
        editable: service::sections::editable(&application),
        may_declare: member.user.is_authorised_signatory,
        signatories: signatories.join(", "),
        sections,
        warnings,
        missing,
        errors,
        application,
        ctx,
    })
}

type SectionFindings = (SectionKind, Vec<Finding>);

/// Each breached check, linking to the checks of its section.
fn warnings(ctx: &PageContext, findings: &[SectionFindings]) -> Vec<(String, String)> {
    findings
        .iter()
        .flat_map(|(kind, findings)| findings.iter().map(move |f| (*kind, f)))
        .filter(|(_, f)| !f.passed())
        .map(|(kind, f)| {
            let href = format!("#checks-{}", kind.as_str());
            let text = format!(
                "{}: {}",
                ctx.t(kind.title_key()),
                ctx.t(f.check.title_key())
            );
            (href, text)
        })
        .collect()
}

/// The findings of `kind`, taken out of the application's.
fn take_findings(findings: &mut [SectionFindings], kind: SectionKind) -> Vec<Finding> {
    findings
        .iter_mut()
        .find(|(k, _)| *k == kind)
        .map(|(_, f)| std::mem::take(f))
        .unwrap_or_default()
}

/// What a section still needs, each a link to its field; a section not started is one link.
fn missing(ctx: &PageContext, application: Uuid, task: &Task) -> Vec<(String, String)> {
    let url = super::section_url(application, task.section);
    let title = ctx.t(task.section.title_key());
    match task.progress {
        Progress::Completed => Vec::new(),
        Progress::NotStarted | Progress::CannotStartYet => {
            vec![(url, format!("{title}: {}", ctx.t("progress-not-started")))]
        }
        Progress::InProgress => {
            let declared = section(task.section);
            task.problems
                .iter()
                .map(|p| {
                    let href = format!("{url}#{}", p.path.html_id(&task.answers));
                    let label = label_of(ctx, declared, &task.answers, &p.path);
                    (href, format!("{title}: {label}"))
                })
                .collect()
        }
    }
}
