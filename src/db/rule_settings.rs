//! The stored settings of the application's checks: one row of JSON over the code's defaults.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::rule_settings;

/// The stored settings, if an admin ever changed any.
pub async fn load(conn: &mut AsyncPgConnection) -> QueryResult<Option<serde_json::Value>> {
    rule_settings::table
        .select(rule_settings::rules)
        .first(conn)
        .await
        .optional()
}

/// Stores `rules` (the whole settings, as JSON) as changed by `by`.
pub async fn save(
    conn: &mut AsyncPgConnection,
    rules: &serde_json::Value,
    by: Option<uuid::Uuid>,
) -> QueryResult<()> {
    diesel::insert_into(rule_settings::table)
        .values((
            rule_settings::id.eq(true),
            rule_settings::rules.eq(rules),
            rule_settings::updated_by.eq(by),
        ))
        .on_conflict(rule_settings::id)
        .do_update()
        .set((
            rule_settings::rules.eq(rules),
            rule_settings::updated_by.eq(by),
            rule_settings::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// The stored settings, locked until the transaction ends (a change reads what it replaces).
pub async fn load_for_update(
    conn: &mut AsyncPgConnection,
) -> QueryResult<Option<serde_json::Value>> {
    rule_settings::table
        .select(rule_settings::rules)
        .for_update()
        .first(conn)
        .await
        .optional()
}
