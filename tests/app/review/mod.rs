//! The regulator's review over HTTP: the queue, assignment, the workspace, completeness and
//! information requests, consultation and decisions.

mod browser;
mod consultation;
pub mod decisions;
mod information_requests;
mod queue;
mod workspace;

use stablereg::domain::application::SectionKind;
use uuid::Uuid;

use crate::application::save_section;
use crate::support::harness::TestApp;

/// A case as submission leaves it: the application submitted with reference `APP-2026-<n>`, the
/// institution section saved as version 1 (legal names and a shareholder) and recorded in the
/// submission's snapshot, and the completeness clock started.
pub async fn submitted_case(app: &TestApp, institution: Uuid, by: Uuid, n: u32) -> Uuid {
    let id = app.create_application(institution, by).await;
    let answers = serde_json::json!({
        "values": {"legal_name_ko": "한빛디지털 주식회사", "legal_name_en": "Hanbit Digital Co., Ltd.",
                   "website": "https://www.hanbit.example.kr"},
        "rows": {"shareholders": [{"id": "r1", "values": {"name": "한빛은행", "share": "60", "is_bank": "yes"}}]}
    });
    save_section(app, id, SectionKind::Institution, 1, answers, by).await;
    app.sql(&format!(
        "UPDATE applications SET state = 'submitted', reference = 'APP-2026-{n:06}', \
         submitted_at = now(), version = 2 WHERE id = '{id}'"
    ))
    .await;
    app.sql(&format!(
        "INSERT INTO submissions (application_id, round, submitted_by, sections, documents) \
         VALUES ('{id}', 1, '{by}', '{{\"institution\": 1}}', '{{}}')"
    ))
    .await;
    let mut conn = app.db().await;
    stablereg::services::review::completeness::start_completeness(&mut conn, id)
        .await
        .expect("the completeness clock starts");
    id
}
