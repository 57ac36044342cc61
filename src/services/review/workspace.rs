//! The review workspace: everything staff read about a case (the submitted answers section by
//! section, every document version, the checks' findings, both clocks, notes and outcomes), the
//! comparison of two versions of a section, and the internal notes and section outcomes staff write.

use std::collections::HashMap;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db;
use crate::db::applications::Application;
use crate::db::case_file::Note;
use crate::db::documents::Document;
use crate::db::institutions::Institution;
use crate::db::queue::Assignment;
use crate::db::section_versions::SectionVersion;
use crate::domain::application::SectionKind;
use crate::domain::application::attestation::attestation_totals;
use crate::domain::application::findings::{AllAnswers, section_findings};
use crate::domain::attestation::Totals;
use crate::domain::finding::Finding;
use crate::domain::review::clock::{ClockSettings, ClockStatus, LoggedDay, Phase};
use crate::domain::review::outcome::SectionOutcome;
use crate::error::{AppError, AppResult};
use crate::services::Context;
use crate::services::application::{answers_of, rules};
use crate::services::review::{case, clock};

/// The clock lengths: the defaults, or what an admin set on the settings page (part of `Rules`).
pub async fn clock_settings(conn: &mut AsyncPgConnection) -> AppResult<ClockSettings> {
    Ok(rules(conn).await?.clock)
}

/// One phase's clock as both sides see it today.
pub struct PhaseClock {
    pub phase: Phase,
    pub length: u32,
    pub status: ClockStatus,
    pub log: Vec<LoggedDay>,
}

/// The clocks of every phase that has started, completeness first.
pub async fn clocks(conn: &mut AsyncPgConnection, application: Uuid) -> AppResult<Vec<PhaseClock>> {
    let settings = clock_settings(conn).await?;
    let calendar = clock::calendar(conn).await?;
    let today = clock::today();
    let mut clocks = Vec::new();
    for phase in Phase::ALL {
        if let Some(c) = clock::clock(conn, application, *phase, &settings).await? {
            clocks.push(PhaseClock {
                phase: *phase,
                length: phase.length(&settings),
                status: c.status(&calendar, today),
                log: c.log(&calendar, today),
            });
        }
    }
    Ok(clocks)
}

/// The clock of the phase the case is in now, if any (what the issuer's task list shows).
pub async fn current_clock(
    conn: &mut AsyncPgConnection,
    application: &Application,
) -> AppResult<Option<PhaseClock>> {
    let Some(phase) = application.state.phase() else {
        return Ok(None);
    };
    Ok(clocks(conn, application.id)
        .await?
        .into_iter()
        .find(|c| c.phase == phase))
}

/// A section as submitted in the latest round.
pub struct SubmittedSection {
    pub kind: SectionKind,
    pub submitted: SectionVersion,
    /// The newest version, when it is newer than the one submitted.
    pub latest_version: i32,
    pub findings: Vec<Finding>,
    /// The attestation's computed figures (the attestation section only).
    pub totals: Option<Totals>,
    pub outcome: Option<(SectionOutcome, String)>,
}

/// Everything the workspace shows about a case.
pub struct CaseFile {
    pub application: Application,
    pub institution: Institution,
    pub assignment: Assignment,
    pub sections: Vec<SubmittedSection>,
    /// Every version of every document, newest of each first.
    pub documents: Vec<Document>,
    /// The ids of the documents in the latest submission.
    pub submitted_documents: Vec<Uuid>,
    pub notes: Vec<Note>,
    pub clocks: Vec<PhaseClock>,
    /// Every information request of the case, newest first.
    pub requests: Vec<db::information_requests::Request>,
}

/// The case file of case `id` (a 404 for a draft or an unknown id).
pub async fn case_file(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<CaseFile> {
    let application = case(conn, id).await?;
    let institution = db::institutions::find(conn, application.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let assignment = db::queue::assignment(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (versions, submitted_documents) = submitted_versions(conn, id).await?;
    let mut submitted = db::section_versions::these(conn, id, &versions).await?;
    submitted.sort_by_key(|v| SectionKind::ALL.iter().position(|k| *k == v.section));
    let all: AllAnswers = submitted
        .iter()
        .map(|v| (v.section, answers_of(&v.answers)))
        .collect();
    let rules = rules(conn).await?;
    let latest: HashMap<SectionKind, i32> = db::section_versions::latest_of(conn, id)
        .await?
        .into_iter()
        .map(|v| (v.section, v.version))
        .collect();
    let outcomes = outcomes(conn, id).await?;
    let sections = submitted
        .into_iter()
        .map(|v| SubmittedSection {
            kind: v.section,
            latest_version: latest.get(&v.section).copied().unwrap_or(v.version),
            findings: section_findings(v.section, &all, &rules),
            totals: (v.section == SectionKind::Attestation)
                .then(|| attestation_totals(&all))
                .flatten(),
            outcome: outcomes.get(&v.section).cloned(),
            submitted: v,
        })
        .collect();
    Ok(CaseFile {
        documents: db::case_file::documents_with_history(conn, id).await?,
        notes: db::case_file::notes_of(conn, id).await?,
        clocks: clocks(conn, id).await?,
        requests: db::information_requests::of_application(conn, id).await?,
        application,
        institution,
        assignment,
        sections,
        submitted_documents,
    })
}

/// The version of each section in the latest submission, and its documents.
async fn submitted_versions(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> AppResult<(HashMap<SectionKind, i32>, Vec<Uuid>)> {
    let Some((_, sections, documents)) = db::case_file::latest_submission(conn, id).await? else {
        return Ok((HashMap::new(), Vec::new()));
    };
    let versions = sections
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(code, v)| {
            let kind = code.parse::<SectionKind>().ok()?;
            let version = i32::try_from(v.as_i64()?).ok()?;
            Some((kind, version))
        })
        .collect();
    Ok((versions, documents))
}

async fn outcomes(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> AppResult<HashMap<SectionKind, (SectionOutcome, String)>> {
    Ok(db::case_file::outcomes_of(conn, id)
        .await?
        .into_iter()
        .filter_map(|(section, outcome, by, _)| {
            Some((section.parse().ok()?, (outcome.parse().ok()?, by)))
        })
        .collect())
}

/// Two versions of a section to compare.
pub struct Comparison {
    pub application: Application,
    /// The version submitted in the latest round, if the section was submitted.
    pub submitted_version: Option<i32>,
    pub latest_version: Option<i32>,
    pub from: Option<SectionVersion>,
    pub to: Option<SectionVersion>,
}

/// Versions `from` and `to` of section `kind` of case `id`: by default the one submitted and the
/// newest. A version that does not exist is `None` (the page says so).
pub async fn compare(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    kind: SectionKind,
    from: Option<i32>,
    to: Option<i32>,
) -> AppResult<Comparison> {
    let application = case(conn, id).await?;
    let (versions, _) = submitted_versions(conn, id).await?;
    let submitted_version = versions.get(&kind).copied();
    let latest_version = db::section_versions::latest(conn, id, kind)
        .await?
        .map(|v| v.version);
    let mut find = async |version: Option<i32>| match version {
        Some(v) => db::section_versions::find(conn, id, kind, v).await,
        None => Ok(None),
    };
    let from = find(from.or(submitted_version)).await?;
    let to = find(to.or(latest_version)).await?;
    Ok(Comparison {
        application,
        submitted_version,
        latest_version,
        from,
        to,
    })
}

/// Adds an internal note to case `id` (about one section, or the whole case).
pub async fn add_note(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    section: Option<SectionKind>,
    body: &str,
) -> AppResult<()> {
    let me = cx.actor.user_id.ok_or(AppError::Forbidden)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        case(conn, id).await?;
        let note = Uuid::now_v7();
        let code = section.map(SectionKind::as_str);
        db::case_file::insert_note(conn, note, id, code, me, body).await?;
        // The note's text stays in its table: the audit log says a note was added, not what it says.
        let event = Event::new(Action::ReviewNoteAdded, ObjectType::Application, id)
            .with(serde_json::json!({"note_id": note, "section": code}));
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(())
    })
    .await
}

/// Records the outcome of section `kind` of case `id`.
pub async fn set_outcome(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    kind: SectionKind,
    outcome: SectionOutcome,
) -> AppResult<()> {
    let me = cx.actor.user_id.ok_or(AppError::Forbidden)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let application = case(conn, id).await?;
        if application.state.is_closed() {
            return Err(AppError::Conflict);
        }
        db::case_file::set_outcome(conn, id, kind.as_str(), outcome.as_str(), me).await?;
        let event = Event::new(Action::SectionOutcomeSet, ObjectType::Application, id)
            .with(serde_json::json!({"section": kind.as_str(), "outcome": outcome.as_str()}));
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(())
    })
    .await
}
