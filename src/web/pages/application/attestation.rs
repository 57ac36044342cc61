//! Importing the attestation's reserve lines from a CSV or XLSX file: the page that documents the
//! columns, takes the file and lists every problem of a bad one (line and column, in the member's
//! language), and the template to start from.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use crate::db::applications::Application;
use crate::domain::application::form::Opt;
use crate::domain::application::sections::ASSET_CLASSES;
use crate::domain::attestation::Totals;
use crate::domain::attestation::import::{
    self as file, ImportError, ImportProblem, MAX_BYTES, MAX_LINES,
};
use crate::domain::finding::Finding;
use crate::error::{AppError, AppResult};
use crate::services::application::attestation::{self as service, Imported, Standing};
use crate::services::application::{of_member, sections};
use crate::web::extract::small_file::{self, Posted};
use crate::web::extract::{Actor, IssuerMember};
use crate::web::reply::{page, redirect};
use crate::web::{AppState, PageContext};

/// The most a posted file may be before the server stops reading it (413); a file over the
/// import's own limit (`MAX_BYTES`) but under this one is read and refused in words (422).
const UPLOAD_LIMIT: usize = 5 * 1024 * 1024;

/// One column of the file, as the page documents it.
pub struct Column {
    pub name: &'static str,
    /// The catalogue key of what it holds.
    pub meaning: &'static str,
}

/// The columns in the order of the template (`import::COLUMNS`).
pub const COLUMNS: [Column; 7] = [
    Column {
        name: "asset_class",
        meaning: "import-column-asset_class",
    },
    Column {
        name: "custodian",
        meaning: "import-column-custodian",
    },
    Column {
        name: "custodian_kind",
        meaning: "import-column-custodian_kind",
    },
    Column {
        name: "segregated",
        meaning: "import-column-segregated",
    },
    Column {
        name: "isin",
        meaning: "import-column-isin",
    },
    Column {
        name: "amount",
        meaning: "import-column-amount",
    },
    Column {
        name: "residual_maturity_days",
        meaning: "import-column-residual_maturity_days",
    },
];

/// A problem of the file in the page's language: where ("Line 3, column amount") and what.
pub struct ShownProblem {
    pub place: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "application/attestation_import.html")]
struct ImportPage {
    ctx: PageContext,
    application: Uuid,
    problems: Vec<ShownProblem>,
    file_hint: String,
    columns: &'static [Column],
    asset_classes: &'static [Opt],
    lines: usize,
    totals: Option<Totals>,
    findings: Vec<Finding>,
}

impl ImportPage {
    fn new(ctx: PageContext, application: Uuid, problems: &[ImportProblem], now: Standing) -> Self {
        let file_hint = ctx.message_with(
            "import-file-hint",
            vec![
                ("max_kib", (MAX_BYTES / 1024).to_string()),
                ("max_lines", MAX_LINES.to_string()),
            ],
        );
        ImportPage {
            problems: problems.iter().map(|p| shown(&ctx, p)).collect(),
            ctx,
            application,
            file_hint,
            columns: &COLUMNS,
            asset_classes: ASSET_CLASSES,
            lines: now.lines,
            totals: now.totals,
            findings: now.findings,
        }
    }
}

fn shown(ctx: &PageContext, problem: &ImportProblem) -> ShownProblem {
    let place = match (problem.line, &problem.column) {
        (Some(line), Some(column)) => ctx.message_with(
            "import-at-line-column",
            vec![("line", line.to_string()), ("column", column.clone())],
        ),
        (Some(line), None) => ctx.message_with("import-at-line", vec![("line", line.to_string())]),
        _ => String::new(),
    };
    let message = ctx.message_with(problem.error.message_key(), problem.args());
    ShownProblem { place, message }
}

/// The page with the file's `problems` (none on GET) and the section as it stands.
async fn render(
    ctx: PageContext,
    state: &AppState,
    application: Uuid,
    problems: &[ImportProblem],
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let now = service::standing(&mut conn, application).await?;
    page(&ImportPage::new(ctx, application, problems, now), status)
}

/// The application `id` of the member's institution, while it can still be changed.
async fn editable_application(
    state: &AppState,
    id: Uuid,
    institution: Uuid,
) -> AppResult<Application> {
    let mut conn = state.pool.get().await?;
    let application = of_member(&mut conn, id, institution).await?;
    if !sections::editable(&application) {
        return Err(AppError::Conflict);
    }
    Ok(application)
}

pub async fn form(
    ctx: PageContext,
    member: IssuerMember,
    id: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let application = editable_application(&state, *id, member.institution).await?;
    render(ctx, &state, application.id, &[], StatusCode::OK).await
}

pub async fn import(
    ctx: PageContext,
    member: IssuerMember,
    id: web::Path<Uuid>,
    actor: Actor,
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let application = editable_application(&state, *id, member.institution).await?;
    let refused = |error, status| (vec![ImportProblem::file(error)], status);
    let (problems, status) = match small_file::read(&req, payload, UPLOAD_LIMIT).await? {
        Posted::TooLarge => refused(ImportError::TooLarge, StatusCode::PAYLOAD_TOO_LARGE),
        Posted::NoFile => refused(ImportError::NoFile, StatusCode::UNPROCESSABLE_ENTITY),
        Posted::File(bytes) => {
            let mut conn = state.pool.get().await?;
            let cx = state.services(&actor);
            match service::import_reserve_lines(&mut conn, &cx, &application, bytes).await? {
                Imported::Saved { .. } => {
                    let to = format!(
                        "/applications/{}/sections/attestation?notice=imported",
                        application.id
                    );
                    return Ok(redirect(&to));
                }
                Imported::Refused(problems) => (problems, StatusCode::UNPROCESSABLE_ENTITY),
                Imported::Conflict | Imported::Closed => return Err(AppError::Conflict),
            }
        }
    };
    render(ctx, &state, application.id, &problems, status).await
}

/// The template to fill in: the header row, in UTF-8 that Excel opens as such.
pub async fn template(_member: IssuerMember) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"reserve-lines-template.csv\"",
        ))
        .body(file::template_csv())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_documents_every_column_of_the_file_in_its_order() {
        let documented: Vec<_> = super::COLUMNS.iter().map(|c| c.name).collect();
        assert_eq!(documented, crate::domain::attestation::import::COLUMNS);
    }
}
