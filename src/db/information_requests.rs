//! Information requests and their items: what the reviewer asked, what the issuer answered, and
//! which items were closed or asked again.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{information_request_items, information_requests};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = information_requests)]
pub struct Request {
    pub id: Uuid,
    pub application_id: Uuid,
    pub phase: String,
    pub sent_by: Uuid,
    pub sent_on: NaiveDate,
    pub due_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = information_request_items)]
pub struct Item {
    pub id: Uuid,
    pub request_id: Uuid,
    pub position: i32,
    pub target: String,
    pub question: String,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub status: String,
    pub follows: Option<Uuid>,
}

/// A new request of `application`, sent today.
pub struct NewRequest<'a> {
    pub id: Uuid,
    pub application: Uuid,
    pub phase: &'a str,
    pub sent_by: Uuid,
    pub sent_on: NaiveDate,
    pub due_on: NaiveDate,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewRequest<'_>) -> QueryResult<()> {
    diesel::insert_into(information_requests::table)
        .values((
            information_requests::id.eq(new.id),
            information_requests::application_id.eq(new.application),
            information_requests::phase.eq(new.phase),
            information_requests::sent_by.eq(new.sent_by),
            information_requests::sent_on.eq(new.sent_on),
            information_requests::due_on.eq(new.due_on),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Adds an item after the request's others; `follows` is the item it asks again.
pub async fn insert_item(
    conn: &mut AsyncPgConnection,
    request: Uuid,
    target: &str,
    question: &str,
    follows: Option<Uuid>,
) -> QueryResult<Uuid> {
    let last: Option<i32> = information_request_items::table
        .filter(information_request_items::request_id.eq(request))
        .select(diesel::dsl::max(information_request_items::position))
        .first(conn)
        .await?;
    let id = Uuid::now_v7();
    diesel::insert_into(information_request_items::table)
        .values((
            information_request_items::id.eq(id),
            information_request_items::request_id.eq(request),
            information_request_items::position.eq(last.map_or(1, |p| p + 1)),
            information_request_items::target.eq(target),
            information_request_items::question.eq(question),
            information_request_items::follows.eq(follows),
        ))
        .execute(conn)
        .await?;
    Ok(id)
}

/// The request `id` of `application`.
pub async fn find(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    id: Uuid,
) -> QueryResult<Option<Request>> {
    information_requests::table
        .filter(information_requests::id.eq(id))
        .filter(information_requests::application_id.eq(application))
        .select(Request::as_select())
        .first(conn)
        .await
        .optional()
}

/// Every request of `application`, newest first.
pub async fn of_application(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Vec<Request>> {
    information_requests::table
        .filter(information_requests::application_id.eq(application))
        .order(information_requests::created_at.desc())
        .select(Request::as_select())
        .load(conn)
        .await
}

/// The request of `application` still waiting for the issuer's answers, if any.
pub async fn open_of(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Option<Request>> {
    information_requests::table
        .filter(information_requests::application_id.eq(application))
        .filter(information_requests::answered_on.is_null())
        .order(information_requests::created_at.desc())
        .select(Request::as_select())
        .first(conn)
        .await
        .optional()
}

/// The items of a request in their order.
pub async fn items_of(conn: &mut AsyncPgConnection, request: Uuid) -> QueryResult<Vec<Item>> {
    information_request_items::table
        .filter(information_request_items::request_id.eq(request))
        .order(information_request_items::position)
        .select(Item::as_select())
        .load(conn)
        .await
}

/// Records the issuer's answer to an open or answered item; false when the item is not one.
pub async fn answer_item(
    conn: &mut AsyncPgConnection,
    request: Uuid,
    item: Uuid,
    answer: &str,
) -> QueryResult<bool> {
    diesel::update(information_request_items::table)
        .filter(information_request_items::id.eq(item))
        .filter(information_request_items::request_id.eq(request))
        .filter(information_request_items::status.eq_any(["open", "answered"]))
        .set((
            information_request_items::answer.eq(answer),
            information_request_items::answered_at.eq(diesel::dsl::now),
            information_request_items::status.eq("answered"),
        ))
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// Moves an item from one of `from` to `to`; false when it was in none of them.
pub async fn set_item_status(
    conn: &mut AsyncPgConnection,
    request: Uuid,
    item: Uuid,
    from: &[&str],
    to: &str,
) -> QueryResult<bool> {
    diesel::update(information_request_items::table)
        .filter(information_request_items::id.eq(item))
        .filter(information_request_items::request_id.eq(request))
        .filter(information_request_items::status.eq_any(from))
        .set(information_request_items::status.eq(to))
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// Marks the request answered on `on`; false when it already was.
pub async fn set_answered(
    conn: &mut AsyncPgConnection,
    request: Uuid,
    on: NaiveDate,
) -> QueryResult<bool> {
    diesel::update(information_requests::table.find(request))
        .filter(information_requests::answered_on.is_null())
        .set(information_requests::answered_on.eq(on))
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// The targets of the items of `application`'s open request.
pub async fn open_targets(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Vec<String>> {
    information_request_items::table
        .inner_join(information_requests::table)
        .filter(information_requests::application_id.eq(application))
        .filter(information_requests::answered_on.is_null())
        .select(information_request_items::target)
        .load(conn)
        .await
}
