//! Every saved version of every section, append-only. The newest version of a section is its current
//! answers; a save names the version it started from, so two colleagues saving the same section do
//! not overwrite each other (the second save finds its version taken).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{section_versions, users};
use crate::domain::application::SectionKind;

/// A saved version of a section, with who saved it.
#[derive(Debug, Clone, Queryable)]
pub struct SectionVersion {
    pub section: SectionKind,
    pub version: i32,
    pub answers: serde_json::Value,
    pub saved_by: Uuid,
    pub saved_by_name: String,
    pub saved_at: DateTime<Utc>,
}

type Columns = (
    section_versions::section,
    section_versions::version,
    section_versions::answers,
    section_versions::saved_by,
    users::display_name,
    section_versions::saved_at,
);

const COLUMNS: Columns = (
    section_versions::section,
    section_versions::version,
    section_versions::answers,
    section_versions::saved_by,
    users::display_name,
    section_versions::saved_at,
);

/// The newest version of every section saved so far.
pub async fn latest_of(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Vec<SectionVersion>> {
    section_versions::table
        .inner_join(users::table)
        .filter(section_versions::application_id.eq(application))
        .order((section_versions::section, section_versions::version.desc()))
        .distinct_on(section_versions::section)
        .select(COLUMNS)
        .load(conn)
        .await
}

/// The versions `wanted` names (section → version), in one query: it reads the wanted sections'
/// rows at any of the wanted version numbers (a few more than needed at most) and keeps the pairs.
pub async fn these(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    wanted: &HashMap<SectionKind, i32>,
) -> QueryResult<Vec<SectionVersion>> {
    let sections: Vec<&str> = wanted.keys().map(|k| k.as_str()).collect();
    let versions: Vec<i32> = wanted.values().copied().collect();
    let mut found: Vec<SectionVersion> = section_versions::table
        .inner_join(users::table)
        .filter(section_versions::application_id.eq(application))
        .filter(section_versions::section.eq_any(sections))
        .filter(section_versions::version.eq_any(versions))
        .select(COLUMNS)
        .load(conn)
        .await?;
    found.retain(|v| wanted.get(&v.section) == Some(&v.version));
    Ok(found)
}

/// The newest version of one section.
pub async fn latest(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    section: SectionKind,
) -> QueryResult<Option<SectionVersion>> {
    one(conn, application, section, None).await
}

/// One version of a section.
pub async fn find(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    section: SectionKind,
    version: i32,
) -> QueryResult<Option<SectionVersion>> {
    one(conn, application, section, Some(version)).await
}

/// The version `version` of a section, or its newest when `None`.
async fn one(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    section: SectionKind,
    version: Option<i32>,
) -> QueryResult<Option<SectionVersion>> {
    let mut query = section_versions::table
        .inner_join(users::table)
        .filter(section_versions::application_id.eq(application))
        .filter(section_versions::section.eq(section))
        .order(section_versions::version.desc())
        .select(COLUMNS)
        .into_boxed();
    if let Some(version) = version {
        query = query.filter(section_versions::version.eq(version));
    }
    query.first(conn).await.optional()
}

/// Saves `answers` as `version`; false when that version already exists (a colleague saved first).
pub async fn insert(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    section: SectionKind,
    version: i32,
    answers: &serde_json::Value,
    saved_by: Uuid,
) -> QueryResult<bool> {
    diesel::insert_into(section_versions::table)
        .values((
            section_versions::application_id.eq(application),
            section_versions::section.eq(section),
            section_versions::version.eq(version),
            section_versions::answers.eq(answers),
            section_versions::saved_by.eq(saved_by),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n == 1)
}
