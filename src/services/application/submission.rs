//! Submitting an application and withdrawing it, both through the review's one way of making a
//! transition (`review::apply`: the rule, the state/version guard, the audit row). A submission
//! happens once: under the application's row lock it takes the year's next reference, moves the
//! draft to submitted, keeps the snapshot of what was submitted, starts the completeness clock and
//! queues the acknowledgement to every member, all in one transaction. A repeat (a double click, a second
//! tab) finds the application submitted and changes nothing.

use chrono::{Datelike, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::rules;
use super::task_list::{self, Task};
use crate::audit::{Action, ObjectType};
use crate::db;
use crate::db::applications::Application;
use crate::db::audit_log::AuditRow;
use crate::domain::calendar::seoul_date;
use crate::domain::reference::ApplicationReference;
use crate::domain::review::clock::Phase;
use crate::domain::review::state::ReviewState;
use crate::domain::review::transition::{Actor as ReviewActor, Refused, Transition};
use crate::error::{AppError, AppResult};
use crate::mail::{self, messages};
use crate::services::Context;
use crate::services::review::{self, Applied, clock};

/// The counter the references are numbered by.
const REFERENCE_KIND: &str = "APP";

/// What came of a submission.
pub enum Submitted {
    /// Submitted, now or by an earlier request.
    Done,
    /// Something is still missing: every section's line of the task list, with its problems.
    Incomplete(Vec<Task>),
    /// The member is not an authorised signatory of the institution.
    NotSignatory,
    /// Withdrawn or decided: it can no longer be submitted.
    Closed,
}

/// Submits the application `id` of `institution` for the signed-in member, who must be one of
/// its authorised signatories and have made the declaration (the caller checked the box).
pub async fn submit(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    institution: Uuid,
) -> AppResult<Submitted> {
    let by = cx.actor.user_id.ok_or(AppError::Forbidden)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let application = db::applications::lock_of_institution(conn, id, institution)
            .await?
            .ok_or(AppError::NotFound)?;
        match application.state {
            ReviewState::Draft => {}
            state if state.is_closed() => return Ok(Submitted::Closed),
            _ => return Ok(Submitted::Done),
        }
        let tasks = task_list::tasks(conn, id).await?;
        if !task_list::all_completed(&tasks) {
            return Ok(Submitted::Incomplete(tasks));
        }
        let member = db::users::find(conn, by)
            .await?
            .ok_or(AppError::Forbidden)?;
        let signatory = member.active
            && member.is_authorised_signatory
            && member.institution_id == Some(institution);
        let actor = ReviewActor::Member { signatory };
        // Refusals are told before a reference is taken: a refused submission uses no number.
        if let Err(refused) = Transition::Submit.check(actor, application.state) {
            return Ok(match refused {
                Refused::NotSignatory => Submitted::NotSignatory,
                _ => Submitted::Closed,
            });
        }
        let reference = next_reference(conn).await?.to_string();
        let round = db::submissions::next_round(conn, id).await?;
        let details = serde_json::json!({"reference": reference, "round": round});
        let applied = review::apply(conn, cx, &application, Transition::Submit, actor, details);
        if applied.await? != Applied::Done(ReviewState::Submitted) {
            // Rolls back, giving the reference back.
            return Err(AppError::Conflict);
        }
        db::applications::set_submitted(conn, id, &reference).await?;
        snapshot(conn, id, by, round, &tasks).await?;
        let settings = rules(conn).await?.clock;
        clock::record(conn, id, Phase::Completeness, "started", &settings).await?;
        acknowledge(conn, cx, &application, &reference, &member.display_name).await?;
        Ok(Submitted::Done)
    })
    .await
}

/// The year's next reference, the year being Seoul's. Gapless: taken inside the transaction.
async fn next_reference(conn: &mut AsyncPgConnection) -> AppResult<ApplicationReference> {
    let year = seoul_date(Utc::now()).year();
    let sequence = db::reference_counters::next(conn, REFERENCE_KIND, year).await?;
    u32::try_from(sequence)
        .ok()
        .and_then(|n| ApplicationReference::new(year, n).ok())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no reference left for {year}")))
}

/// Keeps what is submitted: the version of every saved section and the current documents.
async fn snapshot(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    round: i32,
    tasks: &[Task],
) -> AppResult<()> {
    let sections: serde_json::Map<String, serde_json::Value> = tasks
        .iter()
        .filter(|t| t.version > 0)
        .map(|t| (t.section.as_str().to_owned(), t.version.into()))
        .collect();
    let documents: Vec<Uuid> = db::documents::current_of(conn, id)
        .await?
        .iter()
        .map(|d| d.id)
        .collect();
    let sections = serde_json::Value::Object(sections);
    db::submissions::insert(conn, id, round, by, &sections, &documents).await?;
    Ok(())
}

/// The acknowledgement to every active member of the institution, each in their own language.
async fn acknowledge(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    application: &Application,
    reference: &str,
    submitted_by: &str,
) -> AppResult<()> {
    let institution = db::institutions::find(conn, application.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let received_on = seoul_date(Utc::now()).to_string();
    let link = cx
        .settings
        .url(&format!("/applications/{}/submitted", application.id));
    for member in db::users::active_members_of(conn, application.institution_id).await? {
        let to = messages::Recipient::of(&member);
        let mail = messages::ApplicationReceived {
            to,
            institution: institution.name(to.lang),
            reference,
            received_on: &received_on,
            submitted_by,
            link: &link,
        };
        mail::enqueue(conn, cx.settings, mail).await?;
    }
    Ok(())
}

/// The names of the institution's authorised signatories, for a member who cannot declare.
pub async fn signatories(
    conn: &mut AsyncPgConnection,
    institution: Uuid,
) -> AppResult<Vec<String>> {
    Ok(db::users::active_members_of(conn, institution)
        .await?
        .into_iter()
        .filter(|u| u.is_authorised_signatory)
        .map(|u| u.display_name)
        .collect())
}

/// What came of a withdrawal.
pub enum Withdrawn {
    /// Withdrawn, now or by an earlier request.
    Done,
    /// Decided: too late to withdraw.
    Decided,
}

/// The longest reason a withdrawal may give (the column's check says the same).
pub const MAX_REASON: usize = 2000;

/// Withdraws the application `id` of `institution` with the member's `reason`, from any state
/// before a decision. The institution may then start a new one.
pub async fn withdraw(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    institution: Uuid,
    reason: &str,
) -> AppResult<Withdrawn> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let application = db::applications::lock_of_institution(conn, id, institution)
            .await?
            .ok_or(AppError::NotFound)?;
        if application.state == ReviewState::Withdrawn {
            return Ok(Withdrawn::Done);
        }
        // Any member may withdraw; the rule says from which states.
        let actor = ReviewActor::Member { signatory: false };
        let details = serde_json::json!({"reason": reason});
        let applied = review::apply(conn, cx, &application, Transition::Withdraw, actor, details);
        match applied.await? {
            Applied::Done(_) => {}
            Applied::Refused(_) => return Ok(Withdrawn::Decided),
            Applied::Stale => return Err(AppError::Conflict),
        }
        db::applications::set_withdrawal_reason(conn, id, reason).await?;
        // A closed case has no deadline left in the regulator's queue.
        db::review::set_due_on(conn, id, None).await?;
        Ok(Withdrawn::Done)
    })
    .await
}

/// The actions an issuer's timeline tells of: their own, and the regulator's steps meant for
/// them. Internal steps of the review (assignment, notes, outcomes, consultation, proposals) are
/// not.
pub const TIMELINE_ACTIONS: [Action; 8] = [
    Action::ApplicationStarted,
    Action::ApplicationSubmitted,
    Action::ApplicationWithdrawn,
    Action::CompletenessConfirmed,
    Action::InformationRequested,
    Action::InformationAnswered,
    Action::ApplicationApproved,
    Action::ApplicationRejected,
];

/// The regulator's steps on the timeline: told as the regulator's, without the name of the
/// member of staff who took them.
const REGULATOR_ACTIONS: [Action; 4] = [
    Action::CompletenessConfirmed,
    Action::InformationRequested,
    Action::ApplicationApproved,
    Action::ApplicationRejected,
];

/// How many events the timeline shows.
const TIMELINE_LENGTH: i64 = 50;

/// One event of the timeline, with the name of who did it.
pub struct TimelineEvent {
    pub row: AuditRow,
    pub by: String,
}

/// The events of the institution's `applications` meant for the issuer, newest first.
pub async fn timeline(
    conn: &mut AsyncPgConnection,
    applications: &[Application],
) -> AppResult<Vec<TimelineEvent>> {
    let ids: Vec<String> = applications.iter().map(|a| a.id.to_string()).collect();
    let rows = db::audit_log::of_objects(
        conn,
        ObjectType::Application,
        &ids,
        &TIMELINE_ACTIONS,
        TIMELINE_LENGTH,
    )
    .await?;
    let actors: Vec<Uuid> = rows.iter().filter_map(|r| r.actor_id).collect();
    let names = db::audit_log::user_names(conn, &actors).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let by = names
                .iter()
                .filter(|_| !REGULATOR_ACTIONS.contains(&row.action))
                .find(|(id, _, _)| Some(*id) == row.actor_id)
                .map(|(_, name, _)| name.clone())
                .unwrap_or_default();
            TimelineEvent { row, by }
        })
        .collect())
}

/// The day the regulator's completeness check is due, while the application waits for it (not
/// once it is assessed, withdrawn, or stopped by a request for information).
pub async fn completeness_due(
    conn: &mut AsyncPgConnection,
    application: &Application,
) -> AppResult<Option<chrono::NaiveDate>> {
    if application.state != ReviewState::Submitted {
        return Ok(None);
    }
    let settings = rules(conn).await?.clock;
    let status = clock::status(conn, application.id, Phase::Completeness, &settings).await?;
    Ok(status.filter(|s| !s.stopped).map(|s| s.deadline))
}
