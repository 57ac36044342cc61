//! The issuer's registration application over HTTP: starting one, the task list, each section's
//! form with its checks, versions and colleagues, nothing lost when a session ends, and check your
//! answers, submission and withdrawal.

mod attestation;
pub(crate) mod complete;
mod documents;
mod sections;
mod submission;
mod withdrawal;

use stablereg::domain::application::SectionKind;
use uuid::Uuid;

use crate::support::harness::TestApp;

/// Saves `answers` (stored JSON) as `version` of `section`, as a member's save would.
pub async fn save_section(
    app: &TestApp,
    application: Uuid,
    section: SectionKind,
    version: i32,
    answers: serde_json::Value,
    by: Uuid,
) {
    let mut conn = app.db().await;
    let kept = stablereg::db::section_versions::insert(
        &mut conn,
        application,
        section,
        version,
        &answers,
        by,
    )
    .await
    .expect("the version is inserted");
    assert!(kept, "{section:?} version {version} was new");
}
