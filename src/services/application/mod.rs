//! The registration application as its institution's members work on it: starting one, the task
//! list, saving sections as versions, and (in submodules) documents, the attestation's import,
//! submission and withdrawal. An application is always reached through the member's institution:
//! another institution's is not found.

pub mod attestation;
pub mod documents;
pub mod sections;
pub mod submission;
pub mod task_list;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db;
use crate::db::applications::Application;
use crate::domain::application::findings::AllAnswers;
use crate::domain::application::form::Answers;
use crate::domain::rules::Rules;
use crate::error::{AppError, AppResult};
use crate::services::Context;

/// The application `id` of the member's `institution`; anyone else's is not found.
pub async fn of_member(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    institution: Uuid,
) -> AppResult<Application> {
    db::applications::find_of_institution(conn, id, institution)
        .await?
        .ok_or(AppError::NotFound)
}

/// Starts an application for the institution, or finds the open one it already has: an
/// institution has at most one open application (the database's unique index decides races).
pub async fn start(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    institution: Uuid,
) -> AppResult<Uuid> {
    let by = cx.actor.user_id.ok_or(AppError::Forbidden)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let id = Uuid::now_v7();
        match db::applications::insert_draft(conn, id, institution, by).await? {
            Some(id) => {
                let event = Event::new(Action::ApplicationStarted, ObjectType::Application, id)
                    .with(serde_json::json!({"institution_id": institution}));
                audit::record(conn, cx.audit_key, cx.actor, event).await?;
                Ok(id)
            }
            None => db::applications::open_of(conn, institution)
                .await?
                .map(|open| open.id)
                .ok_or(AppError::Conflict),
        }
    })
    .await
}

/// The institution's applications, newest first.
pub async fn of_institution(
    conn: &mut AsyncPgConnection,
    institution: Uuid,
) -> AppResult<Vec<Application>> {
    Ok(db::applications::of_institution(conn, institution).await?)
}

/// The current version of every document of the application.
pub async fn documents(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> AppResult<Vec<db::documents::Document>> {
    Ok(db::documents::current_of(conn, application).await?)
}

/// The current answers of every saved section, read back from their newest versions.
pub async fn all_answers(conn: &mut AsyncPgConnection, application: Uuid) -> AppResult<AllAnswers> {
    let latest = db::section_versions::latest_of(conn, application).await?;
    Ok(latest
        .into_iter()
        .map(|v| (v.section, answers_of(&v.answers)))
        .collect())
}

/// Answers as stored. A version saved before a field existed reads with that field blank.
pub fn answers_of(stored: &serde_json::Value) -> Answers {
    serde_json::from_value(stored.clone()).unwrap_or_default()
}

/// The settings of the checks: the defaults, with what an admin changed.
pub async fn rules(conn: &mut AsyncPgConnection) -> AppResult<Rules> {
    Ok(db::rule_settings::load(conn)
        .await?
        .and_then(|stored| serde_json::from_value(stored).ok())
        .unwrap_or_default())
}
