//! Applicant and registered institutions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::institutions;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = institutions)]
pub struct Institution {
    pub id: Uuid,
    pub legal_name_ko: String,
    pub legal_name_en: String,
    pub business_registration_number: String,
    pub corporate_registration_number: String,
    pub lei: Option<String>,
    pub institution_type: String,
    pub address: String,
    pub contact_phone: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut AsyncPgConnection, institution: &Institution) -> QueryResult<()> {
    diesel::insert_into(institutions::table)
        .values(institution)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Institution>> {
    institutions::table
        .find(id)
        .select(Institution::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn brn_taken(conn: &mut AsyncPgConnection, brn_digits: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        institutions::table.filter(institutions::business_registration_number.eq(brn_digits)),
    ))
    .get_result(conn)
    .await
}

pub async fn all(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Institution>> {
    institutions::table
        .select(Institution::as_select())
        .order(institutions::legal_name_ko)
        .load(conn)
        .await
}

pub async fn set_status(conn: &mut AsyncPgConnection, id: Uuid, status: &str) -> QueryResult<()> {
    diesel::update(institutions::table.find(id))
        .set(institutions::status.eq(status))
        .execute(conn)
        .await
        .map(|_| ())
}
