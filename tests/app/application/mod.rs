//! The registration application as its institution's members fill it in.

mod attestation;

use stablereg::domain::application::SectionKind;
use uuid::Uuid;

use crate::support::harness::TestApp;

/// A draft application of `institution`, started by `by`.
pub async fn start_application(app: &TestApp, institution: Uuid, by: Uuid) -> Uuid {
    let mut conn = app.db().await;
    stablereg::db::applications::insert_draft(&mut conn, Uuid::now_v7(), institution, by)
        .await
        .expect("the draft is inserted")
        .expect("the institution had no open application")
}

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
