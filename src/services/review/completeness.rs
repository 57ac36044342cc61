//! The completeness check: submission starts its clock; the assigned reviewer (or approver)
//! confirms the application complete, which ends that phase and starts the assessment's clock in
//! the same transaction, and the applicant's members are told the date and the new deadline.

use chrono::NaiveDate;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::db;
use crate::db::applications::Application;
use crate::domain::Role;
use crate::domain::review::clock::Phase;
use crate::domain::review::state::ReviewState;
use crate::domain::review::transition::{Actor, Transition};
use crate::error::{AppError, AppResult};
use crate::mail::{self, messages::CompletenessConfirmed, messages::Recipient};
use crate::services::Context;
use crate::services::review::workspace::clock_settings;
use crate::services::review::{self, Applied, case, clock};

/// Starts the completeness clock of a case just submitted (and sets its due date). Call inside the
/// submission's transaction.
pub async fn start_completeness(conn: &mut AsyncPgConnection, application: Uuid) -> AppResult<()> {
    let settings = clock_settings(conn).await?;
    clock::record(conn, application, Phase::Completeness, "started", &settings).await
}

/// The review's actor for a member of staff acting on a case assigned to `assignee`.
pub fn staff_actor(role: Role, me: Uuid, assignee: Option<Uuid>) -> Actor {
    let assigned = assignee == Some(me);
    match role {
        Role::Approver => Actor::Approver {
            assigned,
            proposer: false,
        },
        _ => Actor::Reviewer { assigned },
    }
}

/// The assigned member of staff confirms case `id` complete.
pub async fn confirm(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    role: Role,
    id: Uuid,
) -> AppResult<Applied> {
    let me = cx.actor.user_id.ok_or(AppError::Forbidden)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let application = case(conn, id).await?;
        let assignee = db::queue::assignment(conn, id)
            .await?
            .and_then(|a| a.assignee_id);
        let actor = staff_actor(role, me, assignee);
        let details = serde_json::json!({"confirmed_on": clock::today()});
        let applied = review::apply(
            conn,
            cx,
            &application,
            Transition::ConfirmComplete,
            actor,
            details,
        )
        .await?;
        if applied != Applied::Done(ReviewState::UnderAssessment) {
            return Ok(applied);
        }
        let settings = clock_settings(conn).await?;
        clock::record(conn, id, Phase::Completeness, "stopped", &settings).await?;
        clock::record(conn, id, Phase::Assessment, "started", &settings).await?;
        let deadline = clock::status(conn, id, Phase::Assessment, &settings)
            .await?
            .map_or_else(clock::today, |s| s.deadline);
        tell_members(conn, cx, &application, deadline).await?;
        Ok(applied)
    })
    .await
}

/// The mail to every active member of the applicant, each in their language.
async fn tell_members(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    application: &Application,
    deadline: NaiveDate,
) -> AppResult<()> {
    let link = cx
        .settings
        .url(&format!("/applications/{}", application.id));
    let members = db::users::members_of(conn, application.institution_id).await?;
    for member in members.iter().filter(|m| m.active) {
        let message = CompletenessConfirmed {
            to: Recipient::of(member),
            reference: application.reference.as_deref().unwrap_or_default(),
            confirmed_on: clock::today(),
            deadline,
            link: &link,
        };
        mail::enqueue(conn, cx.settings, message).await?;
    }
    Ok(())
}
