//! Every invitation made (who invited whom, when, and what came of it): counted by the limits on
//! invitations and listed on an institution's members page.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{invitations, users};
use crate::domain::invitation::Sent;

/// What came of an invitation; kept for the portal, never shown to the inviter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Renewed,
    AddressInUse,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Renewed => "renewed",
            Outcome::AddressInUse => "address_in_use",
        }
    }
}

/// An invitation as it is recorded.
pub struct NewInvitation<'a> {
    pub invited_by: Option<Uuid>,
    pub institution_id: Option<Uuid>,
    /// The address in its normal form.
    pub email: &'a str,
    pub email_as_typed: &'a str,
    pub name: &'a str,
    pub authorised_signatory: bool,
    pub user_id: Option<Uuid>,
    pub outcome: Outcome,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewInvitation<'_>) -> QueryResult<()> {
    diesel::insert_into(invitations::table)
        .values((
            invitations::id.eq(Uuid::now_v7()),
            invitations::invited_by.eq(new.invited_by),
            invitations::institution_id.eq(new.institution_id),
            invitations::email.eq(new.email),
            invitations::email_as_typed.eq(new.email_as_typed),
            invitations::name.eq(new.name),
            invitations::authorised_signatory.eq(new.authorised_signatory),
            invitations::user_id.eq(new.user_id),
            invitations::outcome.eq(new.outcome.as_str()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Key of the transaction lock taken while invitations are counted and written, so that invitations
/// sent at once are counted one after the other and none slips past a limit.
const COUNTING_LOCK: i64 = 0x696e_7669_7465;

/// Waits for the invitation counting lock, held until the transaction ends. Call inside one.
pub async fn lock_for_counting(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<diesel::sql_types::BigInt, _>(COUNTING_LOCK)
        .execute(conn)
        .await?;
    Ok(())
}

/// The invitations the limits count, as of `now`: by this inviter, into this institution, and to
/// this address (normal form).
pub async fn sent(
    conn: &mut AsyncPgConnection,
    inviter: Option<Uuid>,
    institution: Option<Uuid>,
    email: &str,
    now: DateTime<Utc>,
) -> QueryResult<Sent> {
    let hour_ago = now - Duration::hours(1);
    let day_ago = now - Duration::days(1);
    let since = |from: DateTime<Utc>| invitations::created_at.gt(from);
    let by_inviter = |from| {
        invitations::table
            .filter(invitations::invited_by.eq(inviter))
            .filter(since(from))
            .count()
    };
    let into_institution = |from| {
        invitations::table
            .filter(invitations::institution_id.eq(institution))
            .filter(since(from))
            .count()
    };
    Ok(Sent {
        by_inviter_last_hour: by_inviter(hour_ago).get_result(conn).await?,
        by_inviter_last_day: by_inviter(day_ago).get_result(conn).await?,
        by_institution_last_hour: into_institution(hour_ago).get_result(conn).await?,
        by_institution_last_day: into_institution(day_ago).get_result(conn).await?,
        to_address_last_day: invitations::table
            .filter(invitations::email.eq(email))
            .filter(since(day_ago))
            .count()
            .get_result(conn)
            .await?,
    })
}

/// An invitation as an institution's members page lists it: the same for every outcome, except that
/// it shows as accepted once its account is the institution's and has a password.
#[derive(Debug, Clone, Queryable)]
pub struct Listed {
    pub created_at: DateTime<Utc>,
    pub name: String,
    pub email_as_typed: String,
    pub authorised_signatory: bool,
    pub accepted: bool,
}

/// The invitations into `institution`, newest first.
pub async fn of_institution(
    conn: &mut AsyncPgConnection,
    institution: Uuid,
) -> QueryResult<Vec<Listed>> {
    let accepted = users::password_hash
        .is_not_null()
        .and(users::institution_id.eq(invitations::institution_id))
        .nullable()
        .is_not_distinct_from(Some(true));
    invitations::table
        .left_join(users::table.on(users::id.nullable().eq(invitations::user_id)))
        .filter(invitations::institution_id.eq(institution))
        .select((
            invitations::created_at,
            invitations::name,
            invitations::email_as_typed,
            invitations::authorised_signatory,
            accepted,
        ))
        .order((invitations::created_at.desc(), invitations::id.desc()))
        .load(conn)
        .await
}
