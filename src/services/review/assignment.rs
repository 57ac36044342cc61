//! Who works a case: a reviewer (or approver) takes unassigned work; an approver assigns or
//! reassigns it to any reviewer or approver, who is told by mail. Both are guarded in the SQL
//! (taking only while nobody has it; assigning only at the version the approver saw) and audited.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::mail::{self, messages::CaseAssigned, messages::Recipient};
use crate::services::Context;
use crate::services::review::{case, queue::OPEN};

/// What came of taking or assigning a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assigned {
    Done,
    /// Someone else took it first, or the case changed since the page was shown (a 409).
    Stale,
    /// The chosen person is not an active reviewer or approver.
    UnknownAssignee,
}

/// The acting member of staff takes `id` while it is unassigned.
pub async fn take(conn: &mut AsyncPgConnection, cx: &Context<'_>, id: Uuid) -> AppResult<Assigned> {
    let me = cx.actor.user_id.ok_or(AppError::Forbidden)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        case(conn, id).await?;
        if !db::queue::take(conn, id, me, &OPEN).await? {
            return Ok(Assigned::Stale);
        }
        record(conn, cx, id, me, "take").await?;
        Ok(Assigned::Done)
    })
    .await
}

/// An approver gives `id` (as seen at `version`) to `to`; the assignee is told by mail unless they
/// assigned it to themselves.
pub async fn assign(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    role: Role,
    id: Uuid,
    to: Uuid,
    version: i32,
) -> AppResult<Assigned> {
    let me = cx.actor.user_id.ok_or(AppError::Forbidden)?;
    if role != Role::Approver {
        return Err(AppError::Forbidden);
    }
    conn.transaction::<_, AppError, _>(async |conn| {
        let application = case(conn, id).await?;
        let staff = db::queue::assignable(conn).await?;
        if !staff.iter().any(|s| s.id == to) {
            return Ok(Assigned::UnknownAssignee);
        }
        if !db::queue::assign(conn, id, to, version, &OPEN).await? {
            return Ok(Assigned::Stale);
        }
        record(conn, cx, id, to, "assign").await?;
        if to != me {
            tell(conn, cx, &application, to).await?;
        }
        Ok(Assigned::Done)
    })
    .await
}

/// Who may be chosen as assignee.
pub async fn assignable(conn: &mut AsyncPgConnection) -> AppResult<Vec<db::queue::Assignable>> {
    Ok(db::queue::assignable(conn).await?)
}

async fn record(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    to: Uuid,
    how: &str,
) -> AppResult<()> {
    let event = Event::new(Action::CaseAssigned, ObjectType::Application, id)
        .with(serde_json::json!({"assignee_id": to, "how": how}));
    audit::record(conn, cx.audit_key, cx.actor, event).await?;
    Ok(())
}

/// The mail to the new assignee, in their language.
async fn tell(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    application: &db::applications::Application,
    to: Uuid,
) -> AppResult<()> {
    let Some(assignee) = db::users::find(conn, to).await? else {
        return Ok(());
    };
    let institution = db::institutions::find(conn, application.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let recipient = Recipient::of(&assignee);
    let message = CaseAssigned {
        to: recipient,
        reference: application.reference.as_deref().unwrap_or_default(),
        institution: institution.name(recipient.lang),
        link: &cx.settings.url(&format!("/review/{}", application.id)),
    };
    mail::enqueue(conn, cx.settings, message).await?;
    Ok(())
}
