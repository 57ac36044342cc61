//! The settings of the application's checks and of the review's clock, as admins change them:
//! stored as one JSON value over the code's defaults, each change audited with what it replaced,
//! and read by every check computed from then on (`services::application::rules`).

use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::audit::{self, Action, Event, ObjectType};
use crate::db;
use crate::domain::rules::Rules;
use crate::error::{AppError, AppResult};
use crate::services::Context;

/// The object id the settings' audit rows name: there is one set of settings.
const SETTINGS_ID: &str = "rules";

/// Replaces the settings with `rules`, audited with the settings before and after; `false` when
/// nothing changed (no row is written).
pub async fn save(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    rules: &Rules,
) -> AppResult<bool> {
    let json = |r: &Rules| serde_json::to_value(r).map_err(|e| AppError::Internal(e.into()));
    let after = json(rules)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let stored = db::rule_settings::load_for_update(conn).await?;
        let before: Rules = stored
            .and_then(|s| serde_json::from_value(s).ok())
            .unwrap_or_default();
        if &before == rules {
            return Ok(false);
        }
        db::rule_settings::save(conn, &after, cx.actor.user_id).await?;
        let event = Event::new(
            Action::RuleSettingsChanged,
            ObjectType::RuleSettings,
            SETTINGS_ID,
        )
        .with(serde_json::json!({"before": json(&before)?, "after": after}));
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(true)
    })
    .await
}
