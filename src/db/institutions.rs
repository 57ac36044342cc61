//! Applicant and registered institutions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::institutions;
use crate::domain::{InstitutionStatus, InstitutionType};
use crate::i18n::Lang;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = institutions)]
pub struct Institution {
    pub id: Uuid,
    pub legal_name_ko: String,
    pub legal_name_en: String,
    pub business_registration_number: String,
    pub corporate_registration_number: String,
    pub lei: Option<String>,
    pub institution_type: InstitutionType,
    pub address: String,
    pub contact_phone: String,
    pub status: InstitutionStatus,
    pub created_at: DateTime<Utc>,
}

impl Institution {
    /// The legal name in `lang`: the Korean one in Korean, the English one in English.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ko => &self.legal_name_ko,
            Lang::En => &self.legal_name_en,
        }
    }
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

/// Whether the institution's sign-up is confirmed: its first user (the one who signed it up) has
/// confirmed their email address.
pub async fn is_confirmed(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    use crate::db::schema::users;
    let first: Option<Option<DateTime<Utc>>> = users::table
        .filter(users::institution_id.eq(id))
        .order((users::created_at, users::id))
        .select(users::email_verified_at)
        .first(conn)
        .await
        .optional()?;
    Ok(matches!(first, Some(Some(_))))
}

/// The institution signed up with this number whose sign-up lapsed: nobody of it ever confirmed
/// their email, and the confirmation link (`lifetime`) ran out. Such a sign-up does not hold the
/// number against a new one.
pub async fn lapsed_signup(
    conn: &mut AsyncPgConnection,
    brn_digits: &str,
    lifetime: chrono::Duration,
) -> QueryResult<Option<Uuid>> {
    use crate::db::schema::users;
    let confirmed_member = users::table
        .filter(users::institution_id.eq(institutions::id.nullable()))
        .filter(users::email_verified_at.is_not_null());
    institutions::table
        .filter(institutions::business_registration_number.eq(brn_digits))
        .filter(institutions::created_at.lt(Utc::now() - lifetime))
        .filter(diesel::dsl::not(diesel::dsl::exists(confirmed_member)))
        .select(institutions::id)
        .first(conn)
        .await
        .optional()
}

/// Removes a lapsed sign-up, the institution and its unconfirmed account (their sessions and links
/// go with the account), and returns the accounts removed. Call inside a transaction. The accounts
/// are locked first: a confirmation landing meanwhile is waited for and then seen, and the sign-up
/// is kept (`None`).
pub async fn remove_lapsed_signup(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<Vec<Uuid>>> {
    use crate::db::schema::users;
    let members: Vec<(Uuid, Option<DateTime<Utc>>)> = users::table
        .filter(users::institution_id.eq(id))
        .select((users::id, users::email_verified_at))
        .for_update()
        .load(conn)
        .await?;
    if members.iter().any(|(_, confirmed)| confirmed.is_some()) {
        return Ok(None);
    }
    diesel::delete(users::table.filter(users::institution_id.eq(id)))
        .execute(conn)
        .await?;
    let removed = diesel::delete(institutions::table.find(id))
        .execute(conn)
        .await?;
    Ok((removed == 1).then(|| members.into_iter().map(|(id, _)| id).collect()))
}

pub async fn all(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Institution>> {
    institutions::table
        .select(Institution::as_select())
        .order(institutions::legal_name_ko)
        .load(conn)
        .await
}

pub async fn set_status(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: InstitutionStatus,
) -> QueryResult<()> {
    diesel::update(institutions::table.find(id))
        .set(institutions::status.eq(status))
        .execute(conn)
        .await
        .map(|_| ())
}
