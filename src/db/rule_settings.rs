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
