//! The demo's applications: the demo issuer's draft, half filled in, so that a person trying the
//! portal finds the task list with sections in every status.

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::answers::{self, Applicant, Reserve};
use crate::audit::{self, Action, AuditKey, Event, ObjectType};
use crate::cli::cli_actor;
use crate::db;
use crate::domain::application::SectionKind;

/// The sections the demo draft has answered: the first four, the rest not started.
const DRAFT_SECTIONS: [SectionKind; 4] = [
    SectionKind::Institution,
    SectionKind::Management,
    SectionKind::Token,
    SectionKind::BusinessPlan,
];

/// A draft of `institution`, started by `by`, with the first sections answered.
pub async fn seed_draft(
    conn: &mut AsyncPgConnection,
    key: &AuditKey,
    institution: Uuid,
    by: Uuid,
    applicant: &Applicant,
) -> anyhow::Result<Uuid> {
    let id = db::applications::insert_draft(conn, Uuid::now_v7(), institution, by)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo institution already has an open application"))?;
    let started = Event::new(Action::ApplicationStarted, ObjectType::Application, id)
        .with(serde_json::json!({"institution_id": institution, "by": "demo"}));
    audit::record(conn, key, &cli_actor(), started).await?;
    for section in DRAFT_SECTIONS {
        let answers = answers::complete(section, applicant, Reserve::Sound);
        db::section_versions::insert(conn, id, section, 1, &serde_json::to_value(&answers)?, by)
            .await?;
        let saved = Event::new(Action::SectionSaved, ObjectType::Application, id)
            .with(serde_json::json!({"section": section.as_str(), "version": 1, "by": "demo"}));
        audit::record(conn, key, &cli_actor(), saved).await?;
    }
    Ok(id)
}
