//! Importing the attestation's reserve lines from a CSV or XLSX file: a clean file replaces every
//! reserve line of the section as its next version (the rest of the section as it was), audited
//! as an import; a file with any bad row saves nothing and answers with every problem.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::sections::{self, Saved};
use crate::audit::{self, Action, Event, ObjectType};
use crate::db::applications::Application;
use crate::domain::application::SectionKind;
use crate::domain::application::attestation::{
    attestation_totals, reference_currency, reserve_line_row,
};
use crate::domain::application::findings::section_findings;
use crate::domain::attestation::Totals;
use crate::domain::attestation::import::{ImportProblem, import};
use crate::domain::finding::Finding;
use crate::error::{AppError, AppResult};
use crate::services::Context;

/// What came of an import.
pub enum Imported {
    /// The lines were saved as this version of the section.
    Saved { lines: usize, version: i32 },
    /// The file was not clean: nothing was saved.
    Refused(Vec<ImportProblem>),
    /// A colleague saved the section while the file was read: nothing was saved; try again.
    Conflict,
    /// The application can no longer be changed.
    Closed,
}

/// Reads `file` (CSV or XLSX) as reserve lines in the token's currency and, when every row is
/// clean, saves them in place of the section's reserve lines.
pub async fn import_reserve_lines(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    application: &Application,
    file: Vec<u8>,
) -> AppResult<Imported> {
    if !sections::editable(application) {
        return Ok(Imported::Closed);
    }
    // The section as it stands: the version the import follows, and the answers it keeps.
    let current = sections::current(conn, application.id, SectionKind::Attestation).await?;
    let currency = reference_currency(&super::all_answers(conn, application.id).await?);
    // Parsing a workbook is CPU work: off the request's worker.
    let parsed = tokio::task::spawn_blocking(move || import(&file, currency))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let lines = match parsed {
        Ok(lines) => lines,
        Err(problems) => return Ok(Imported::Refused(problems)),
    };
    let base = current.as_ref().map_or(0, |v| v.version);
    let mut answers = current
        .map(|v| super::answers_of(&v.answers))
        .unwrap_or_default();
    let rows = lines.iter().map(reserve_line_row).collect();
    answers.rows.insert("reserve_lines".into(), rows);
    conn.transaction::<_, AppError, _>(async |conn| {
        let saved = sections::save(
            conn,
            cx,
            application,
            SectionKind::Attestation,
            base,
            &answers,
        )
        .await?;
        let version = match saved {
            Saved::Kept(version) => version,
            Saved::Conflict(_) => return Ok(Imported::Conflict),
            Saved::Closed => return Ok(Imported::Closed),
        };
        let event = Event::new(
            Action::AttestationImported,
            ObjectType::Application,
            application.id,
        )
        .with(serde_json::json!({"version": version, "lines": lines.len()}));
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(Imported::Saved {
            lines: lines.len(),
            version,
        })
    })
    .await
}

/// The attestation as it stands: what is computed from its figures, the result of each check, and
/// how many reserve lines it holds.
pub struct Standing {
    pub totals: Option<Totals>,
    pub findings: Vec<Finding>,
    pub lines: usize,
}

pub async fn standing(conn: &mut AsyncPgConnection, application: Uuid) -> AppResult<Standing> {
    let all = super::all_answers(conn, application).await?;
    let rules = super::rules(conn).await?;
    Ok(Standing {
        totals: attestation_totals(&all),
        findings: section_findings(SectionKind::Attestation, &all, &rules),
        lines: all
            .get(&SectionKind::Attestation)
            .map_or(0, |a| a.rows("reserve_lines").len()),
    })
}
