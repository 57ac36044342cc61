//! Information requests (DOMAIN.md, "The review lifecycle"): the assigned reviewer asks, item by
//! item, each tied to a section, a field or a document; the phase's clock stops; the issuer's
//! members answer each item (and may change the targeted sections meanwhile) and send the answers
//! back, which restarts the clock. An answer after the due date is accepted and flagged. The
//! reviewer then closes each item or asks it again.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db;
use crate::db::applications::Application;
use crate::db::information_requests::{Item, NewRequest, Request};
use crate::domain::application::SectionKind;
use crate::domain::review::information_request::{ResponseDays, Target, is_late};
use crate::domain::review::transition::{Actor, Refused, Transition};
use crate::error::{AppError, AppResult};
use crate::mail::{self, messages};
use crate::services::Context;
use crate::services::review::decisions::{StaffMember, actor_of};
use crate::services::review::workspace::clock_settings;
use crate::services::review::{self, Applied, clock};

/// The longest question and answer (the columns' checks say the same).
pub const MAX_QUESTION: usize = 5000;
pub const MAX_ANSWER: usize = 10000;

/// One item the reviewer asks.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub target: Target,
    pub question: String,
}

/// What came of a reviewer's action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done; the request it concerns.
    Done(Uuid),
    Refused(Refused),
    /// The case changed meanwhile.
    Stale,
}

/// A request with its items, each with its target read back.
pub struct Shown {
    pub request: Request,
    pub items: Vec<(Item, Option<Target>)>,
    /// Answered after the due date (or, still open, already past it).
    pub late: bool,
}

impl Shown {
    /// The items the issuer still works on (open or answered; a closed one is settled), each
    /// with its target.
    pub fn standing(&self) -> impl Iterator<Item = (&Item, &Target)> {
        self.items
            .iter()
            .filter(|(item, _)| item.status == "open" || item.status == "answered")
            .filter_map(|(item, target)| target.as_ref().map(|t| (item, t)))
    }
}

/// Whether staff may work on the case's items: only the one it is assigned to.
fn may_work(actor: Actor) -> Result<(), Refused> {
    match actor {
        Actor::Reviewer { assigned: true } | Actor::Approver { assigned: true, .. } => Ok(()),
        Actor::Reviewer { .. } | Actor::Approver { .. } => Err(Refused::NotAssigned),
        _ => Err(Refused::NotPermitted),
    }
}

/// Whether `staff` may ask for information on the case now (for showing the form).
pub async fn may_request(
    conn: &mut AsyncPgConnection,
    case: &Application,
    staff: StaffMember,
) -> AppResult<Result<(), Refused>> {
    let actor = actor_of(conn, case, staff).await?;
    Ok(Transition::RequestInformation
        .check(actor, case.state)
        .map(drop))
}

/// Sends a request of `items` on case `id`, due `days` working days from today: the case moves to
/// information requested, its clock stops and every member of the institution is told.
pub async fn send(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    staff: StaffMember,
    items: &[NewItem],
    days: ResponseDays,
) -> AppResult<Outcome> {
    let asked: Vec<_> = items
        .iter()
        .map(|i| (i.target.as_str(), i.question.clone(), None))
        .collect();
    conn.transaction::<_, AppError, _>(async |conn| {
        let case = locked_case(conn, id).await?;
        open_request(conn, cx, &case, staff, &asked, days).await
    })
    .await
}

/// The case, locked for the rest of the transaction.
async fn locked_case(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Application> {
    let case = review::case(conn, id).await?;
    db::applications::lock_of_institution(conn, id, case.institution_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The request itself, inside the caller's transaction: `asked` holds each item's target,
/// question and the item it asks again.
async fn open_request(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    case: &Application,
    staff: StaffMember,
    asked: &[(String, String, Option<Uuid>)],
    days: ResponseDays,
) -> AppResult<Outcome> {
    let actor = actor_of(conn, case, staff).await?;
    let Some(phase) = case.state.phase() else {
        return Ok(Outcome::Refused(Refused::WrongState));
    };
    let calendar = clock::calendar(conn).await?;
    let sent_on = clock::today();
    let due_on = days.due(&calendar, sent_on);
    let request = Uuid::now_v7();
    let targets: Vec<&str> = asked.iter().map(|(t, _, _)| t.as_str()).collect();
    let details = serde_json::json!({
        "request": request, "targets": targets, "due_on": due_on, "days": days.get(),
    });
    let applied = review::apply(
        conn,
        cx,
        case,
        Transition::RequestInformation,
        actor,
        details,
    );
    match applied.await? {
        Applied::Done(_) => {}
        Applied::Refused(refused) => return Ok(Outcome::Refused(refused)),
        Applied::Stale => return Ok(Outcome::Stale),
    }
    let new = NewRequest {
        id: request,
        application: case.id,
        phase: phase.as_str(),
        sent_by: staff.id,
        sent_on,
        due_on,
    };
    db::information_requests::insert(conn, &new).await?;
    for (target, question, follows) in asked {
        db::information_requests::insert_item(conn, request, target, question, *follows).await?;
    }
    let settings = clock_settings(conn).await?;
    clock::record(conn, case.id, phase, "stopped", &settings).await?;
    tell_members(conn, cx, case, request, asked.len(), &due_on.to_string()).await?;
    Ok(Outcome::Done(request))
}

/// The request's mail to every active member of the institution, each in their own language.
async fn tell_members(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    case: &Application,
    request: Uuid,
    items: usize,
    due_on: &str,
) -> AppResult<()> {
    let institution = db::institutions::find(conn, case.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let link = cx
        .settings
        .url(&format!("/applications/{}/requests/{request}", case.id));
    let reference = case.reference.clone().unwrap_or_default();
    for member in db::users::active_members_of(conn, case.institution_id).await? {
        let to = messages::Recipient::of(&member);
        let mail = messages::InformationRequested {
            to,
            institution: institution.name(to.lang),
            reference: &reference,
            items,
            due_on,
            link: &link,
        };
        mail::enqueue(conn, cx.settings, mail).await?;
    }
    Ok(())
}

/// The request `request` of `application` with its items.
pub async fn shown(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    request: Uuid,
) -> AppResult<Shown> {
    let request = db::information_requests::find(conn, application, request)
        .await?
        .ok_or(AppError::NotFound)?;
    let items = db::information_requests::items_of(conn, request.id)
        .await?
        .into_iter()
        .map(|item| {
            let target = Target::parse(&item.target);
            (item, target)
        })
        .collect();
    let late = is_late(
        request.due_on,
        request.answered_on.unwrap_or_else(clock::today),
    );
    Ok(Shown {
        request,
        items,
        late,
    })
}

/// The request of `application` waiting for answers, if any.
pub async fn open_of(conn: &mut AsyncPgConnection, application: Uuid) -> AppResult<Option<Shown>> {
    match db::information_requests::open_of(conn, application).await? {
        Some(request) => shown(conn, application, request.id).await.map(Some),
        None => Ok(None),
    }
}

/// Working days left to answer `request` from today (0 on and after its due date).
pub async fn days_left(conn: &mut AsyncPgConnection, request: &Request) -> AppResult<u32> {
    let calendar = clock::calendar(conn).await?;
    Ok(calendar.working_days_between(clock::today(), request.due_on))
}

/// Every request of `application`, newest first.
pub async fn requests_of(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> AppResult<Vec<Request>> {
    Ok(db::information_requests::of_application(conn, application).await?)
}

/// Whether `section` of `application` is open again for its members: an information request
/// waits for answers and one of its items is in that section.
pub async fn reopened(
    conn: &mut AsyncPgConnection,
    application: &Application,
    section: SectionKind,
) -> AppResult<bool> {
    if application.state.information_requested().is_none() {
        return Ok(false);
    }
    let targets = db::information_requests::open_targets(conn, application.id).await?;
    Ok(targets
        .iter()
        .filter_map(|t| Target::parse(t))
        .any(|t| t.section() == section))
}

/// Closes an item: the reviewer is satisfied with its answer.
pub async fn close_item(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    (id, request, item): (Uuid, Uuid, Uuid),
    staff: StaffMember,
) -> AppResult<Outcome> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let case = locked_case(conn, id).await?;
        db::information_requests::find(conn, id, request)
            .await?
            .ok_or(AppError::NotFound)?;
        if let Err(refused) = may_work(actor_of(conn, &case, staff).await?) {
            return Ok(Outcome::Refused(refused));
        }
        let from = ["open", "answered"];
        if !db::information_requests::set_item_status(conn, request, item, &from, "closed").await? {
            return Ok(Outcome::Stale);
        }
        let details = serde_json::json!({"request": request, "item": item, "status": "closed"});
        let event = Event::new(
            Action::InformationItemClosed,
            ObjectType::Application,
            case.id,
        );
        audit::record(conn, cx.audit_key, cx.actor, event.with(details)).await?;
        Ok(Outcome::Done(request))
    })
    .await
}

/// Asks an item again with a new question: in the same request while it waits for answers, else
/// in a new request (the case goes back to information requested, the clock stops again).
pub async fn ask_again(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    (id, request, item): (Uuid, Uuid, Uuid),
    staff: StaffMember,
    question: &str,
) -> AppResult<Outcome> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let case = locked_case(conn, id).await?;
        let shown = shown(conn, id, request).await?;
        if let Err(refused) = may_work(actor_of(conn, &case, staff).await?) {
            return Ok(Outcome::Refused(refused));
        }
        let (old, _) = shown
            .items
            .iter()
            .find(|(i, _)| i.id == item)
            .ok_or(AppError::NotFound)?;
        let from = ["open", "answered"];
        if !db::information_requests::set_item_status(conn, request, item, &from, "asked_again")
            .await?
        {
            return Ok(Outcome::Stale);
        }
        let asked = [(old.target.clone(), question.to_owned(), Some(item))];
        let outcome = if shown.request.answered_on.is_none() {
            db::information_requests::insert_item(conn, request, &old.target, question, Some(item))
                .await?;
            Outcome::Done(request)
        } else {
            let days = ResponseDays::default();
            match open_request(conn, cx, &case, staff, &asked, days).await? {
                Outcome::Done(new) => Outcome::Done(new),
                // Nothing of the new request was written: undo the status change too.
                other => return Err(rollback(other)),
            }
        };
        let details =
            serde_json::json!({"request": request, "item": item, "status": "asked_again"});
        let event = Event::new(
            Action::InformationItemClosed,
            ObjectType::Application,
            case.id,
        );
        audit::record(conn, cx.audit_key, cx.actor, event.with(details)).await?;
        Ok(outcome)
    })
    .await
}

/// A refusal met half-way through a transaction: rolled back and answered as a conflict.
fn rollback(outcome: Outcome) -> AppError {
    match outcome {
        Outcome::Refused(Refused::NotFound) => AppError::NotFound,
        _ => AppError::Conflict,
    }
}

/// What came of an issuer's action on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    Done,
    /// Some item still has no answer.
    Unanswered,
    /// The request was answered already, or the case moved on.
    Closed,
}

/// The request of the member's application, if it still waits for answers.
async fn open_request_of(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    institution: Uuid,
    request: Uuid,
) -> AppResult<Option<(Application, Request)>> {
    let application = db::applications::lock_of_institution(conn, id, institution)
        .await?
        .ok_or(AppError::NotFound)?;
    let request = db::information_requests::find(conn, id, request)
        .await?
        .ok_or(AppError::NotFound)?;
    let open = request.answered_on.is_none() && application.state.information_requested().is_some();
    Ok(open.then_some((application, request)))
}

/// Records a member's answer to one item (again, until the answers are sent).
pub async fn answer_item(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    (id, institution): (Uuid, Uuid),
    (request, item): (Uuid, Uuid),
    answer: &str,
) -> AppResult<Answered> {
    conn.transaction::<_, AppError, _>(async |conn| {
        if open_request_of(conn, id, institution, request)
            .await?
            .is_none()
        {
            return Ok(Answered::Closed);
        }
        if !db::information_requests::answer_item(conn, request, item, answer).await? {
            return Err(AppError::NotFound);
        }
        let details = serde_json::json!({"request": request, "item": item});
        let event = Event::new(Action::InformationItemAnswered, ObjectType::Application, id);
        audit::record(conn, cx.audit_key, cx.actor, event.with(details)).await?;
        Ok(Answered::Done)
    })
    .await
}

/// Sends the answers back once every item has one: the case returns to its phase, the clock
/// restarts, and the assigned reviewer is told (a late answer flagged).
pub async fn send_answers(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    (id, institution): (Uuid, Uuid),
    request: Uuid,
) -> AppResult<Answered> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let Some((case, request)) = open_request_of(conn, id, institution, request).await? else {
            return Ok(Answered::Closed);
        };
        let items = db::information_requests::items_of(conn, request.id).await?;
        if items.iter().any(|i| i.status == "open") {
            return Ok(Answered::Unanswered);
        }
        let today = clock::today();
        let late = is_late(request.due_on, today);
        let phase = case
            .state
            .information_requested()
            .ok_or(AppError::Conflict)?;
        let details =
            serde_json::json!({"request": request.id, "due_on": request.due_on, "late": late});
        let actor = Actor::Member { signatory: false };
        let transition = Transition::AnswerInformationRequest;
        match review::apply(conn, cx, &case, transition, actor, details).await? {
            Applied::Done(_) => {}
            Applied::Refused(_) => return Ok(Answered::Closed),
            Applied::Stale => return Err(AppError::Conflict),
        }
        db::information_requests::set_answered(conn, request.id, today).await?;
        let settings = clock_settings(conn).await?;
        clock::record(conn, id, phase, "restarted", &settings).await?;
        tell_assignee(conn, cx, &case, request.id, late).await?;
        Ok(Answered::Done)
    })
    .await
}

/// The answers' mail to the reviewer the case is assigned to, in their language.
async fn tell_assignee(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    case: &Application,
    request: Uuid,
    late: bool,
) -> AppResult<()> {
    let Some(assignee) = db::review::assignee_of(conn, case.id).await? else {
        return Ok(());
    };
    let Some(user) = db::users::find(conn, assignee).await?.filter(|u| u.active) else {
        return Ok(());
    };
    let institution = db::institutions::find(conn, case.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = messages::Recipient::of(&user);
    let link = cx
        .settings
        .url(&format!("/review/{}/requests/{request}", case.id));
    let mail = messages::InformationAnswered {
        to,
        institution: institution.name(to.lang),
        reference: case.reference.as_deref().unwrap_or_default(),
        late,
        link: &link,
    };
    mail::enqueue(conn, cx.settings, mail).await?;
    Ok(())
}
