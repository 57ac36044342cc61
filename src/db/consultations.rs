//! Consultations: a case sent to a consulted body with a question, and the opinion its staff
//! record. A consultee finds only the consultations of their own body.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{applications, consultations, institutions, users};
use crate::domain::review::consultation::{ConsultedBody, Opinion};
use crate::domain::review::state::ReviewState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consultations)]
pub struct Consultation {
    pub id: Uuid,
    pub application_id: Uuid,
    pub body: ConsultedBody,
    pub question: String,
    pub due_on: NaiveDate,
    pub sent_by: Uuid,
    pub sent_at: DateTime<Utc>,
    pub opinion: Option<Opinion>,
    pub reasons: Option<String>,
    pub opinion_by: Option<Uuid>,
    pub opinion_at: Option<DateTime<Utc>>,
}

pub struct NewConsultation<'a> {
    pub id: Uuid,
    pub application_id: Uuid,
    pub body: ConsultedBody,
    pub question: &'a str,
    pub due_on: NaiveDate,
    pub sent_by: Uuid,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewConsultation<'_>) -> QueryResult<()> {
    diesel::insert_into(consultations::table)
        .values((
            consultations::id.eq(new.id),
            consultations::application_id.eq(new.application_id),
            consultations::body.eq(new.body),
            consultations::question.eq(new.question),
            consultations::due_on.eq(new.due_on),
            consultations::sent_by.eq(new.sent_by),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// A case's consultations, oldest first.
pub async fn of_application(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Vec<Consultation>> {
    consultations::table
        .filter(consultations::application_id.eq(application))
        .order((consultations::sent_at, consultations::id))
        .select(Consultation::as_select())
        .load(conn)
        .await
}

/// The consultation `id` if it was sent to `body`: another body's is not found.
pub async fn find_for_body(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    body: ConsultedBody,
) -> QueryResult<Option<Consultation>> {
    consultations::table
        .filter(consultations::id.eq(id))
        .filter(consultations::body.eq(body))
        .select(Consultation::as_select())
        .first(conn)
        .await
        .optional()
}

/// A line of a consultee's list: the consultation with the case it is about.
#[derive(Debug, Clone, Queryable)]
pub struct ForBody {
    pub id: Uuid,
    pub due_on: NaiveDate,
    pub sent_at: DateTime<Utc>,
    pub opinion: Option<Opinion>,
    pub reference: Option<String>,
    pub state: ReviewState,
    pub legal_name_ko: String,
    pub legal_name_en: String,
}

/// The consultations sent to `body`, newest first (at most `limit`).
pub async fn for_body(
    conn: &mut AsyncPgConnection,
    body: ConsultedBody,
    limit: i64,
) -> QueryResult<Vec<ForBody>> {
    consultations::table
        .inner_join(applications::table.on(applications::id.eq(consultations::application_id)))
        .inner_join(institutions::table.on(institutions::id.eq(applications::institution_id)))
        .filter(consultations::body.eq(body))
        .order((consultations::sent_at.desc(), consultations::id.desc()))
        .limit(limit)
        .select((
            consultations::id,
            consultations::due_on,
            consultations::sent_at,
            consultations::opinion,
            applications::reference,
            applications::state,
            institutions::legal_name_ko,
            institutions::legal_name_en,
        ))
        .load(conn)
        .await
}

/// Records the body's opinion, once: false when one was recorded already.
pub async fn record_opinion(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    opinion: Opinion,
    reasons: &str,
    by: Uuid,
) -> QueryResult<bool> {
    diesel::update(
        consultations::table
            .filter(consultations::id.eq(id))
            .filter(consultations::opinion.is_null()),
    )
    .set((
        consultations::opinion.eq(opinion.as_str()),
        consultations::reasons.eq(reasons),
        consultations::opinion_by.eq(by),
        consultations::opinion_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// The body a consultee works for; none for anyone else.
pub async fn body_of(
    conn: &mut AsyncPgConnection,
    user: Uuid,
) -> QueryResult<Option<ConsultedBody>> {
    let body: Option<Option<String>> = users::table
        .find(user)
        .select(users::consulted_body)
        .first(conn)
        .await
        .optional()?;
    Ok(body.flatten().and_then(|b| b.parse().ok()))
}

/// The active consultees of `body` with their language, to tell them of a case sent to them.
pub async fn consultees_of(
    conn: &mut AsyncPgConnection,
    body: ConsultedBody,
) -> QueryResult<Vec<(String, String, String)>> {
    users::table
        .filter(users::consulted_body.eq(body.as_str()))
        .filter(users::active.eq(true))
        .order(users::email)
        .select((users::email, users::display_name, users::lang))
        .load(conn)
        .await
}
