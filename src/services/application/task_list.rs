//! The task list: how far each section is, what it still needs, who changed it last and when. Worked
//! out from the sections' declarations, their newest versions and the documents uploaded; nothing of
//! it is stored apart from them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::db;
use crate::db::documents::Document;
use crate::domain::application::attestation::currency_problems;
use crate::domain::application::findings::AllAnswers;
use crate::domain::application::form::{Answers, Problem};
use crate::domain::application::sections::section;
use crate::domain::application::{DocumentKind, SectionKind};
use crate::error::AppResult;

/// How far a section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Waits for other sections to be completed first.
    CannotStartYet,
    NotStarted,
    InProgress,
    Completed,
}

impl Progress {
    pub fn label_key(self) -> &'static str {
        match self {
            Progress::CannotStartYet => "progress-cannot-start",
            Progress::NotStarted => "progress-not-started",
            Progress::InProgress => "progress-in-progress",
            Progress::Completed => "progress-completed",
        }
    }

    /// The KRDS badge colour of the status.
    pub fn badge(self) -> &'static str {
        match self {
            Progress::CannotStartYet => "gray",
            Progress::NotStarted => "secondary",
            Progress::InProgress => "warning",
            Progress::Completed => "success",
        }
    }
}

/// One line of the task list.
pub struct Task {
    pub section: SectionKind,
    pub progress: Progress,
    /// What is still wrong or missing, in the order of the page.
    pub problems: Vec<Problem>,
    pub answers: Answers,
    pub version: i32,
    pub saved_by: Option<String>,
    pub saved_at: Option<DateTime<Utc>>,
}

/// Whether a document of `kind` (for the row `subject`, or asked once) was uploaded.
pub fn uploaded(documents: &[Document], kind: DocumentKind, subject: Option<&str>) -> bool {
    documents
        .iter()
        .any(|d| d.kind == kind && d.subject == subject.unwrap_or(""))
}

/// The task list of an application: every section but the declaration, which is made on the
/// check-your-answers page.
pub async fn tasks(conn: &mut AsyncPgConnection, application: Uuid) -> AppResult<Vec<Task>> {
    let latest: BTreeMap<_, _> = db::section_versions::latest_of(conn, application)
        .await?
        .into_iter()
        .map(|v| (v.section, v))
        .collect();
    let documents = db::documents::current_of(conn, application).await?;
    // Amounts are checked in the token's currency only once the token section is known to say it.
    let all: AllAnswers = latest
        .iter()
        .map(|(kind, v)| (*kind, super::answers_of(&v.answers)))
        .collect();
    let mut tasks: Vec<Task> = SectionKind::ALL
        .iter()
        .filter(|kind| **kind != SectionKind::Declaration)
        .map(|kind| {
            let saved = latest.get(kind);
            let answers = saved
                .map(|v| super::answers_of(&v.answers))
                .unwrap_or_default();
            let declared = section(*kind);
            let problems = problems(*kind, &answers, &all, &documents);
            let started =
                saved.is_some() || declared.documents().any(|k| uploaded(&documents, k, None));
            let progress = match (started, problems.is_empty()) {
                (false, _) => Progress::NotStarted,
                (true, true) => Progress::Completed,
                (true, false) => Progress::InProgress,
            };
            Task {
                section: *kind,
                progress,
                problems,
                answers,
                version: saved.map_or(0, |v| v.version),
                saved_by: saved.map(|v| v.saved_by_name.clone()),
                saved_at: saved.map(|v| v.saved_at),
            }
        })
        .collect();
    let completed: Vec<SectionKind> = tasks
        .iter()
        .filter(|t| t.progress == Progress::Completed)
        .map(|t| t.section)
        .collect();
    for task in &mut tasks {
        if task.progress == Progress::NotStarted
            && !task.section.can_start(|s| completed.contains(&s))
        {
            task.progress = Progress::CannotStartYet;
        }
    }
    Ok(tasks)
}

/// Every problem of a section's `answers`: its declaration's checks, the documents it still needs,
/// and, for the attestation, amounts that do not fit the token's currency (`all` holds the other
/// sections' current answers).
pub fn problems(
    kind: SectionKind,
    answers: &Answers,
    all: &AllAnswers,
    documents: &[Document],
) -> Vec<Problem> {
    let declared = section(kind);
    let mut problems = declared.problems(answers);
    problems.extend(declared.missing_documents(answers, |k, s| uploaded(documents, k, s)));
    if kind == SectionKind::Attestation {
        let mut with_these = all.clone();
        with_these.insert(kind, answers.clone());
        problems.extend(currency_problems(&with_these));
    }
    problems
}

/// Whether every section is completed: the application may be submitted.
pub fn all_completed(tasks: &[Task]) -> bool {
    tasks.iter().all(|t| t.progress == Progress::Completed)
}
