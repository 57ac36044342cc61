//! Saving a section: every save is a new version, kept for good. A save names the version the member
//! started from; when a colleague saved a newer one meanwhile, nothing is overwritten and the member
//! is shown both (`Saved::Conflict`).

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db;
use crate::db::applications::Application;
use crate::db::section_versions::SectionVersion;
use crate::domain::application::SectionKind;
use crate::domain::application::form::Answers;
use crate::domain::review::state::ReviewState;
use crate::error::{AppError, AppResult};
use crate::services::Context;

/// What came of a save.
pub enum Saved {
    /// Kept as this version.
    Kept(i32),
    /// A colleague saved `theirs` after the version this member started from: nothing was saved.
    Conflict(Box<SectionVersion>),
    /// The application can no longer be changed (submitted, withdrawn or decided).
    Closed,
}

/// The section as last saved, if ever.
pub async fn current(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    section: SectionKind,
) -> AppResult<Option<SectionVersion>> {
    Ok(db::section_versions::latest(conn, application, section).await?)
}

/// Whether members may still change the application's answers.
pub fn editable(application: &Application) -> bool {
    application.state == ReviewState::Draft
}

/// Whether members may change `section` now: in a draft, or while an information request waits
/// for answers on it.
pub async fn section_editable(
    conn: &mut AsyncPgConnection,
    application: &Application,
    section: SectionKind,
) -> AppResult<bool> {
    if editable(application) {
        return Ok(true);
    }
    crate::services::review::information_requests::reopened(conn, application, section).await
}

/// Saves `answers` as the version after `base` (0 when the member started from a blank section).
pub async fn save(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    application: &Application,
    section: SectionKind,
    base: i32,
    answers: &Answers,
) -> AppResult<Saved> {
    if !section_editable(conn, application, section).await? {
        return Ok(Saved::Closed);
    }
    let by = cx.actor.user_id.ok_or(AppError::Forbidden)?;
    let stored = serde_json::to_value(answers).map_err(|e| AppError::Internal(e.into()))?;
    let version = base + 1;
    let kept = conn
        .transaction::<_, AppError, _>(async |conn| {
            if !db::section_versions::insert(conn, application.id, section, version, &stored, by)
                .await?
            {
                return Ok(false);
            }
            let event = Event::new(
                Action::SectionSaved,
                ObjectType::Application,
                application.id,
            )
            .with(serde_json::json!({"section": section.as_str(), "version": version}));
            audit::record(conn, cx.audit_key, cx.actor, event).await?;
            Ok(true)
        })
        .await?;
    if kept {
        return Ok(Saved::Kept(version));
    }
    match db::section_versions::latest(conn, application.id, section).await? {
        Some(theirs) => Ok(Saved::Conflict(Box::new(theirs))),
        None => Err(AppError::Conflict),
    }
}
