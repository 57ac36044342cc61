//! One page per section, drawn from its declaration: GET shows the saved answers (or those kept
//! from a post made after the session ended); POST saves a new version, valid or not, and then goes
//! on, comes back with the errors (422), adds or removes a row (no JavaScript needed), or shows
//! what a colleague changed meanwhile (409) with everything this member typed still in the form.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use crate::db::applications::Application;
use crate::db::documents::Document;
use crate::db::section_versions::SectionVersion;
use crate::domain::application::SectionKind;
use crate::domain::application::attestation::attestation_totals;
use crate::domain::application::findings::{AllAnswers, section_findings};
use crate::domain::application::form::{Answers, Problem, Row, Section, differences};
use crate::domain::application::sections::section;
use crate::domain::attestation::Totals;
use crate::domain::finding::Finding;
use crate::domain::review::information_request::Target;
use crate::domain::rules::Rules;
use crate::error::AppResult;
use crate::services::application::{self as service, sections::Saved};
use crate::services::review::information_requests;
use crate::web::extract::{Actor, Form, IssuerMember};
use crate::web::kept_posts;
use crate::web::reply::{page, redirect};
use crate::web::{AppState, PageContext};

use super::view::{ItemView, SectionView, label_of};

#[derive(Template)]
#[template(path = "application/section.html")]
struct SectionPage {
    ctx: PageContext,
    application: Uuid,
    title: String,
    intro: String,
    view: SectionView,
    base_version: i32,
    editable: bool,
    restored: bool,
    conflict: Option<Conflict>,
    /// The checks of DOMAIN.md on the answers shown: warnings, never blocks.
    findings: Vec<Finding>,
    /// What the attestation's figures come to (the attestation section only).
    totals: Option<Totals>,
    is_attestation: bool,
    /// The regulator's open questions about this section, each with where it points.
    asked: Vec<Asked>,
}

/// A question of the open information request about this section.
struct Asked {
    label: String,
    href: String,
    question: String,
}

/// What a colleague saved while this member was typing, field by field.
struct Conflict {
    saved_by: String,
    saved_at: String,
    changes: Vec<Change>,
}

struct Change {
    field: String,
    mine: String,
    theirs: String,
}

/// A section as this request found it, with the other sections' answers its checks read.
struct Found {
    application: Application,
    kind: SectionKind,
    documents: Vec<Document>,
    all: AllAnswers,
    rules: Rules,
    /// Members may change it: a draft, or reopened by an information request.
    editable: bool,
    /// The open information request's questions about this section (its fields, its groups, its
    /// documents or the whole of it).
    questions: Vec<(String, Target)>,
}

impl Found {
    fn declared(&self) -> &'static Section {
        section(self.kind)
    }
}

async fn find(
    state: &AppState,
    member: &IssuerMember,
    (id, code): (Uuid, String),
) -> AppResult<(Found, crate::db::Connection)> {
    let kind = super::section_in_path(&code)?;
    let mut conn = state.pool.get().await?;
    let application = service::of_member(&mut conn, id, member.institution).await?;
    let documents = service::documents(&mut conn, id).await?;
    let all = service::all_answers(&mut conn, id).await?;
    let rules = service::rules(&mut conn).await?;
    let editable = service::sections::section_editable(&mut conn, &application, kind).await?;
    let questions = questions_about(&mut conn, id, kind).await?;
    let found = Found {
        application,
        kind,
        documents,
        all,
        rules,
        editable,
        questions,
    };
    Ok((found, conn))
}

/// The questions of the application's open information request about section `kind`, in the
/// request's order; items the reviewer closed are settled and left out.
async fn questions_about(
    conn: &mut crate::db::Connection,
    id: Uuid,
    kind: SectionKind,
) -> AppResult<Vec<(String, Target)>> {
    let Some(shown) = information_requests::open_of(conn, id).await? else {
        return Ok(Vec::new());
    };
    Ok(shown
        .standing()
        .filter(|(_, t)| t.section() == kind)
        .map(|(item, t)| (item.question.clone(), t.clone()))
        .collect())
}

pub async fn show(
    ctx: PageContext,
    req: HttpRequest,
    member: IssuerMember,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
) -> AppResult<HttpResponse> {
    let (found, mut conn) = find(&state, &member, path.into_inner()).await?;
    let saved = service::sections::current(&mut conn, found.application.id, found.kind).await?;
    let base = saved.as_ref().map_or(0, |v| v.version);
    let kept = kept_posts::take(&req, &mut conn, found.declared()).await?;
    let restored = kept.is_some();
    let answers = kept
        .or_else(|| saved.map(|v| service::answers_of(&v.answers)))
        .unwrap_or_else(|| blank(found.declared()));
    let mut shown = render(ctx, &found, &answers, &[], base);
    shown.restored = restored;
    page(&shown, StatusCode::OK)
}

/// What the member asked for with the button they pressed.
enum Intent {
    Continue,
    Later,
    AddRow(String),
    RemoveRow(String, usize),
}

impl Intent {
    fn of(posted: &[(String, String)]) -> Intent {
        let action = field(posted, "action");
        if let Some(group) = action.strip_prefix("add:") {
            return Intent::AddRow(group.to_owned());
        }
        if let Some((group, index)) = action
            .strip_prefix("remove:")
            .and_then(|rest| rest.rsplit_once(':'))
            && let Ok(index) = index.parse()
        {
            return Intent::RemoveRow(group.to_owned(), index);
        }
        match action {
            "later" => Intent::Later,
            _ => Intent::Continue,
        }
    }
}

fn field<'a>(posted: &'a [(String, String)], name: &str) -> &'a str {
    posted
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

pub async fn save(
    ctx: PageContext,
    member: IssuerMember,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let (found, mut conn) = find(&state, &member, path.into_inner()).await?;
    let mut answers = found.declared().read(&posted);
    // A version is 1 or more: a base below 0 (or at the very top) is no version someone saw.
    let base: i32 = field(&posted, "base_version")
        .parse()
        .ok()
        .filter(|b: &i32| (0..i32::MAX).contains(b))
        .unwrap_or(0);
    let intent = Intent::of(&posted);
    if let Intent::AddRow(group) | Intent::RemoveRow(group, _) = &intent {
        change_rows(found.declared(), &mut answers, &intent, group);
        return page(&render(ctx, &found, &answers, &[], base), StatusCode::OK);
    }
    let cx = state.services(&actor);
    let (app, kind) = (&found.application, found.kind);
    match service::sections::save(&mut conn, &cx, app, kind, base, &answers).await? {
        Saved::Kept(version) => after_save(ctx, &found, &answers, version, &intent),
        Saved::Conflict(theirs) => conflict(ctx, &found, &answers, &theirs),
        Saved::Closed => {
            let mut shown = render(ctx, &found, &answers, &[], base);
            shown.editable = false;
            page(&shown, StatusCode::CONFLICT)
        }
    }
}

/// Adds an empty row to a group, or removes one, as the member asked without JavaScript.
fn change_rows(declared: &Section, answers: &mut Answers, intent: &Intent, group: &str) {
    let Some(declared) = declared.group(group) else {
        return;
    };
    let rows = answers.rows.entry(group.to_owned()).or_default();
    match intent {
        Intent::AddRow(_) if rows.len() < declared.max_rows => rows.push(Row::fresh()),
        Intent::RemoveRow(_, index) if *index < rows.len() => {
            rows.remove(*index);
        }
        _ => {}
    }
}

fn after_save(
    ctx: PageContext,
    found: &Found,
    answers: &Answers,
    version: i32,
    intent: &Intent,
) -> AppResult<HttpResponse> {
    let id = found.application.id;
    if let Intent::Later = intent {
        return Ok(redirect(&format!(
            "{}?notice=saved",
            super::task_list_url(id)
        )));
    }
    let problems = problems_of(found, answers);
    if problems.is_empty() {
        return Ok(redirect(&next_url(id, found.kind)));
    }
    let shown = render(ctx, found, answers, &problems, version);
    crate::web::reply::form_with_errors(&shown)
}

/// Every problem of the section, documents included.
fn problems_of(found: &Found, answers: &Answers) -> Vec<Problem> {
    service::task_list::problems(found.kind, answers, &found.all, &found.documents)
}

/// The next section in the task list's order, or check your answers after the last.
fn next_url(application: Uuid, current: SectionKind) -> String {
    let all = SectionKind::ALL;
    let after = all.iter().skip_while(|s| **s != current).nth(1);
    match after {
        Some(SectionKind::Declaration) | None => format!("/applications/{application}/check"),
        Some(next) => super::section_url(application, *next),
    }
}

fn conflict(
    ctx: PageContext,
    found: &Found,
    mine: &Answers,
    theirs: &SectionVersion,
) -> AppResult<HttpResponse> {
    let declared = found.declared();
    let saved = service::answers_of(&theirs.answers);
    let (mine_view, theirs_view) = (
        SectionView::new(
            &ctx,
            found.application.id,
            declared,
            mine,
            &[],
            &found.documents,
        ),
        SectionView::new(
            &ctx,
            found.application.id,
            declared,
            &saved,
            &[],
            &found.documents,
        ),
    );
    let changes = differences(declared, &saved, mine)
        .iter()
        .map(|path| Change {
            field: label_of(&ctx, declared, mine, path),
            mine: mine_view.display_of(&path.html_id(mine)),
            theirs: theirs_view.display_of(&path.html_id(&saved)),
        })
        .collect();
    let conflict = Conflict {
        saved_by: theirs.saved_by_name.clone(),
        saved_at: ctx.datetime(&theirs.saved_at),
        changes,
    };
    let mut shown = render(ctx, found, mine, &[], theirs.version);
    shown.conflict = Some(conflict);
    page(&shown, StatusCode::CONFLICT)
}

fn render(
    ctx: PageContext,
    found: &Found,
    answers: &Answers,
    problems: &[Problem],
    base_version: i32,
) -> SectionPage {
    let declared = found.declared();
    let id = found.application.id;
    let mut view = SectionView::new(&ctx, id, declared, answers, problems, &found.documents);
    // Each question also beside the field it is about (a top-level field's id is its name).
    for item in &mut view.items {
        if let ItemView::Field(field) = item {
            let about = found.questions.iter().find(
                |(_, t)| matches!(t, Target::Field { name, .. } if *name == field.id.as_str()),
            );
            if let Some((question, _)) = about {
                field.question.clone_from(question);
            }
        }
    }
    let asked = found
        .questions
        .iter()
        .map(|(question, target)| {
            let (label, href) = super::information_requests::place(&ctx, id, target);
            Asked {
                label,
                href,
                question: question.clone(),
            }
        })
        .collect();
    let mut all = found.all.clone();
    all.insert(found.kind, answers.clone());
    let is_attestation = found.kind == SectionKind::Attestation;
    SectionPage {
        findings: section_findings(found.kind, &all, &found.rules),
        totals: is_attestation.then(|| attestation_totals(&all)).flatten(),
        is_attestation,
        asked,
        title: ctx.t(found.kind.title_key()),
        intro: ctx.t(declared.intro),
        view,
        base_version,
        editable: found.editable,
        restored: false,
        conflict: None,
        application: id,
        ctx,
    }
}

/// A section never saved: each group starts with the rows it needs, so the first row is on the page.
fn blank(declared: &Section) -> Answers {
    let mut answers = Answers::default();
    for group in declared.groups() {
        let rows = (0..group.min_rows.max(1)).map(|_| Row::fresh()).collect();
        answers.rows.insert(group.name.into(), rows);
    }
    answers
}
