//! Consultation (DOMAIN.md, "Consultation"): the assigned staff send a case under assessment to one
//! or more consulted bodies with a question and a due date in working days; the case stays under
//! assessment. A consultee sees only their body's consultations and records its opinion once.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::decisions::{StaffMember, actor_of};
use super::{Applied, clock};
use crate::db::applications::Application;
use crate::db::consultations::{Consultation, NewConsultation};
use crate::db::{self, institutions::Institution};
use crate::domain::review::consultation::{ConsultedBody, Opinion};
use crate::domain::review::transition::{Actor, Transition};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::mail::{self, messages};
use crate::services::Context;

/// What the staff ask, of whom, and in how many working days.
pub struct Request<'a> {
    pub bodies: &'a [ConsultedBody],
    pub question: &'a str,
    pub days: u32,
}

/// Sends case `id` (seen at `seen_version`) to each body of `request`, and tells their consultees.
pub async fn send(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    seen_version: i32,
    staff: StaffMember,
    request: &Request<'_>,
) -> AppResult<Applied> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let case = super::case(conn, id).await?;
        if case.version != seen_version {
            return Ok(Applied::Stale);
        }
        let actor = actor_of(conn, &case, staff).await?;
        let due_on = clock::calendar(conn)
            .await?
            .add_working_days(clock::today(), request.days);
        let bodies: Vec<&str> = request.bodies.iter().map(|b| b.as_str()).collect();
        let details = serde_json::json!({"bodies": bodies, "due_on": due_on});
        let transition = Transition::SendForConsultation;
        let applied = super::apply(conn, cx, &case, transition, actor, details).await?;
        if applied != Applied::Done(case.state) {
            return Ok(applied);
        }
        let institution = db::institutions::find(conn, case.institution_id)
            .await?
            .ok_or(AppError::NotFound)?;
        for &body in request.bodies {
            let new = NewConsultation {
                id: Uuid::now_v7(),
                application_id: case.id,
                body,
                question: request.question,
                due_on,
                sent_by: staff.id,
            };
            db::consultations::insert(conn, &new).await?;
            tell_consultees(conn, cx, &case, &institution, &new).await?;
        }
        Ok(applied)
    })
    .await
}

/// Mails each active consultee of the consultation's body, in their language.
async fn tell_consultees(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    case: &Application,
    institution: &Institution,
    consultation: &NewConsultation<'_>,
) -> AppResult<()> {
    let path = format!("/consultations/{}", consultation.id);
    let reference = case.reference.as_deref().unwrap_or_default();
    for (email, name, lang) in db::consultations::consultees_of(conn, consultation.body).await? {
        let lang = Lang::from_code(&lang).unwrap_or_default();
        let mail = messages::ConsultationRequested {
            to: messages::Recipient {
                email: &email,
                name: &name,
                lang,
            },
            reference,
            institution: institution.name(lang),
            due_on: consultation.due_on,
            path: &path,
        };
        mail::enqueue(conn, cx.settings, mail)
            .await
            .map_err(AppError::Internal)?;
    }
    Ok(())
}

/// A consultation as its consultee reads it, with the case it is about.
pub struct ForConsultee {
    pub consultation: Consultation,
    pub case: Application,
    pub institution: Institution,
}

/// The body `consultee` works for: anyone else has no consultations (404).
pub async fn body_of(conn: &mut AsyncPgConnection, consultee: Uuid) -> AppResult<ConsultedBody> {
    db::consultations::body_of(conn, consultee)
        .await?
        .ok_or(AppError::NotFound)
}

/// Consultation `id` if it was sent to the consultee's body; another body's is not found.
pub async fn for_consultee(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    consultee: Uuid,
) -> AppResult<ForConsultee> {
    let body = body_of(conn, consultee).await?;
    let consultation = db::consultations::find_for_body(conn, id, body)
        .await?
        .ok_or(AppError::NotFound)?;
    let case = super::case(conn, consultation.application_id).await?;
    let institution = db::institutions::find(conn, case.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ForConsultee {
        consultation,
        case,
        institution,
    })
}

/// Records the opinion of the consultee's body on consultation `id`, once. A second opinion on
/// the same consultation (a colleague's, or the same form sent again) is stale.
pub async fn record_opinion(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    consultee: Uuid,
    opinion: Opinion,
    reasons: &str,
) -> AppResult<Applied> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let found = for_consultee(conn, id, consultee).await?;
        if found.consultation.opinion.is_some() {
            return Ok(Applied::Stale);
        }
        let details = serde_json::json!({
            "consultation": id,
            "body": found.consultation.body.as_str(),
            "opinion": opinion.as_str(),
        });
        let actor = Actor::Consultee { consulted: true };
        let transition = Transition::RecordOpinion;
        let applied = super::apply(conn, cx, &found.case, transition, actor, details).await?;
        if let Applied::Done(_) = applied
            && !db::consultations::record_opinion(conn, id, opinion, reasons, consultee).await?
        {
            return Err(AppError::Conflict);
        }
        Ok(applied)
    })
    .await
}
