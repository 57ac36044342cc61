//! GET /review/{id}: the workspace of one case (the header with both clocks, the submitted
//! application read-only section by section, documents with every version and hash, the checks'
//! findings, outcomes and internal notes), and GET /review/{id}/clock, the day-by-day log.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use crate::db::case_file::Note;
use crate::db::documents::Document;
use crate::db::information_requests::Request;
use crate::db::queue::Assignable;
use crate::domain::Role;
use crate::domain::application::sections::section;
use crate::domain::finding::Finding;
use crate::domain::review::outcome::SectionOutcome;
use crate::domain::review::state::ReviewState;
use crate::error::AppResult;
use crate::services::application::answers_of;
use crate::services::review::assignment;
use crate::services::review::workspace::{self, CaseFile, SubmittedSection};
use crate::web::extract::Staff;
use crate::web::forms::Errors;
use crate::web::pages::application::view::{ItemView, SectionView};
use crate::web::reply::page;
use crate::web::{AppState, PageContext};

use super::ClockView;

#[derive(Template)]
#[template(path = "review/case.html")]
pub(super) struct CasePage {
    ctx: PageContext,
    id: Uuid,
    reference: String,
    institution: String,
    state: ReviewState,
    version: i32,
    assignee: Option<String>,
    mine: bool,
    unassigned: bool,
    is_approver: bool,
    staff: Vec<Assignable>,
    clocks: Vec<ClockView>,
    sections: Vec<SectionShown>,
    documents: Vec<DocumentShown>,
    notes: Vec<NoteShown>,
    requests: Vec<Request>,
    errors: Errors,
    note_body: String,
}

pub(super) struct SectionShown {
    code: &'static str,
    title: String,
    view: SectionView,
    version: i32,
    latest_version: i32,
    findings: Vec<Finding>,
    totals: Option<crate::domain::attestation::Totals>,
    outcome: Option<(SectionOutcome, String)>,
}

pub(super) struct DocumentShown {
    doc: Document,
    label: String,
    submitted: bool,
    uploaded_at: String,
}

pub(super) struct NoteShown {
    note: Note,
    section: String,
    at: String,
}

pub async fn show(
    ctx: PageContext,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let shown = render(&state, ctx, &staff, path.into_inner(), Errors::default()).await?;
    page(&shown, StatusCode::OK)
}

/// The workspace of case `id`, with `errors` from a form sent back.
pub(super) async fn render(
    state: &AppState,
    ctx: PageContext,
    staff: &Staff,
    id: Uuid,
    errors: Errors,
) -> AppResult<CasePage> {
    let mut conn = state.pool.get().await?;
    let file = workspace::case_file(&mut conn, id).await?;
    let staff_list = match staff.0.role {
        Role::Approver => assignment::assignable(&mut conn).await?,
        _ => Vec::new(),
    };
    Ok(view(ctx, staff, file, staff_list, errors))
}

fn view(
    ctx: PageContext,
    staff: &Staff,
    file: CaseFile,
    staff_list: Vec<Assignable>,
    errors: Errors,
) -> CasePage {
    let id = file.application.id;
    let assignee = file.assignment.assignee_id;
    let sections = sections_shown(
        &ctx,
        id,
        file.sections,
        &file.documents,
        &file.submitted_documents,
    );
    let documents = documents_shown(&ctx, file.documents, &file.submitted_documents);
    let notes = file
        .notes
        .into_iter()
        .map(|n| note_shown(&ctx, n))
        .collect();
    CasePage {
        id,
        reference: file.application.reference.clone().unwrap_or_default(),
        institution: file.institution.name(ctx.lang).to_owned(),
        state: file.application.state,
        version: file.application.version,
        assignee: file.assignment.assignee_name,
        mine: assignee == Some(staff.0.id),
        unassigned: assignee.is_none(),
        is_approver: staff.0.role == Role::Approver,
        staff: staff_list,
        clocks: file.clocks.iter().map(ClockView::of).collect(),
        sections,
        documents,
        notes,
        requests: file.requests,
        errors,
        note_body: String::new(),
        ctx,
    }
}

/// Each submitted section read-only, its documents those of the submission.
fn sections_shown(
    ctx: &PageContext,
    id: Uuid,
    sections: Vec<SubmittedSection>,
    documents: &[Document],
    submitted_ids: &[Uuid],
) -> Vec<SectionShown> {
    let submitted: Vec<Document> = documents
        .iter()
        .filter(|d| submitted_ids.contains(&d.id))
        .cloned()
        .collect();
    sections
        .into_iter()
        .map(|s| section_shown(ctx, id, s, &submitted))
        .collect()
}

fn documents_shown(
    ctx: &PageContext,
    documents: Vec<Document>,
    submitted: &[Uuid],
) -> Vec<DocumentShown> {
    documents
        .into_iter()
        .map(|doc| DocumentShown {
            label: ctx.t(doc.kind.label_key()),
            submitted: submitted.contains(&doc.id),
            uploaded_at: ctx.datetime(&doc.uploaded_at),
            doc,
        })
        .collect()
}

fn section_shown(
    ctx: &PageContext,
    id: Uuid,
    s: SubmittedSection,
    documents: &[Document],
) -> SectionShown {
    let answers = answers_of(&s.submitted.answers);
    SectionShown {
        code: s.kind.as_str(),
        title: ctx.t(s.kind.title_key()),
        view: SectionView::new(ctx, id, section(s.kind), &answers, &[], documents),
        version: s.submitted.version,
        latest_version: s.latest_version,
        findings: s.findings,
        totals: s.totals,
        outcome: s.outcome,
    }
}

fn note_shown(ctx: &PageContext, note: Note) -> NoteShown {
    let section = note
        .section
        .as_deref()
        .and_then(|c| c.parse::<crate::domain::application::SectionKind>().ok())
        .map(|k| ctx.t(k.title_key()))
        .unwrap_or_default();
    NoteShown {
        at: ctx.datetime(&note.created_at),
        section,
        note,
    }
}

impl CasePage {
    pub(super) fn with_note(mut self, body: String) -> Self {
        self.note_body = body;
        self
    }

    fn outcomes(&self) -> &'static [SectionOutcome] {
        SectionOutcome::ALL
    }

    fn can_complete(&self) -> bool {
        self.mine && self.state == ReviewState::Submitted
    }

    /// The assignee may ask for information while checking completeness or assessing.
    fn may_request(&self) -> bool {
        self.mine
            && matches!(
                self.state,
                ReviewState::Submitted | ReviewState::UnderAssessment
            )
    }

    fn is_open(&self) -> bool {
        !self.state.is_closed()
    }
}

#[derive(Template)]
#[template(path = "review/clock_log.html")]
struct ClockLogPage {
    ctx: PageContext,
    id: Uuid,
    reference: String,
    clocks: Vec<ClockView>,
}

pub async fn clock_log(
    ctx: PageContext,
    _staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let mut conn = state.pool.get().await?;
    let application = crate::services::review::case(&mut conn, id).await?;
    let clocks = workspace::clocks(&mut conn, id).await?;
    let shown = ClockLogPage {
        ctx,
        id,
        reference: application.reference.unwrap_or_default(),
        clocks: clocks.iter().map(ClockView::of).collect(),
    };
    page(&shown, StatusCode::OK)
}
