//! Institutions as the portal's admins see them: their state, which an admin changes.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db;
use crate::domain::InstitutionStatus;
use crate::error::{AppError, AppResult};
use crate::services::Context;

/// Sets an institution's state. Suspending it ends its members' sessions; they cannot sign in
/// until it is active again.
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    status: InstitutionStatus,
) -> AppResult<()> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let institution = db::institutions::find(conn, id)
            .await?
            .ok_or(AppError::NotFound)?;
        db::institutions::set_status(conn, id, status).await?;
        if status == InstitutionStatus::Suspended {
            for member in db::users::members_of(conn, id).await? {
                db::sessions::delete_all_of(conn, member.id).await?;
            }
        }
        let details =
            serde_json::json!({"from": institution.status.as_str(), "to": status.as_str()});
        let event = Event::new(
            Action::InstitutionStatusChanged,
            ObjectType::Institution,
            id,
        )
        .with(details);
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(())
    })
    .await
}
