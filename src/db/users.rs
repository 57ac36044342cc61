//! Accounts: issuer members and regulator staff.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::users;
use crate::domain::{EmailAddress, Role};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub institution_id: Option<Uuid>,
    pub is_institution_admin: bool,
    pub is_authorised_signatory: bool,
    pub password_hash: Option<String>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub active: bool,
    pub lang: String,
    pub failed_logins: i32,
    pub last_failed_login_at: Option<DateTime<Utc>>,
    pub locked_at: Option<DateTime<Utc>>,
    pub totp_secret: Option<String>,
    pub totp_enabled_at: Option<DateTime<Utc>>,
    pub totp_last_step: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// A new address waiting for its owner to confirm it.
    pub pending_email: Option<String>,
}

impl User {
    pub fn mfa_enabled(&self) -> bool {
        self.totp_enabled_at.is_some()
    }

    /// The catalogue key of the account's state, as lists and detail pages show it.
    pub fn status_key(&self) -> &'static str {
        if !self.active {
            "status-deactivated"
        } else if self.locked_at.is_some() {
            "status-locked"
        } else if self.password_hash.is_none() {
            "status-invited"
        } else {
            "status-active"
        }
    }

    pub fn lang(&self) -> crate::i18n::Lang {
        crate::i18n::Lang::from_code(&self.lang).unwrap_or_default()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub institution_id: Option<Uuid>,
    pub is_institution_admin: bool,
    pub is_authorised_signatory: bool,
    pub password_hash: Option<&'a str>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub lang: &'a str,
}

pub async fn insert(conn: &mut AsyncPgConnection, user: &NewUser<'_>) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .await
        .optional()
}

/// Addresses are stored in their normal form (see `EmailAddress`), so one spelling matches exactly,
/// under the unique index.
pub async fn find_by_email(
    conn: &mut AsyncPgConnection,
    email: &EmailAddress,
) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email.as_str()))
        .select(User::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn email_taken(conn: &mut AsyncPgConnection, email: &EmailAddress) -> QueryResult<bool> {
    Ok(find_by_email(conn, email).await?.is_some())
}

pub async fn members_of(conn: &mut AsyncPgConnection, institution: Uuid) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::institution_id.eq(institution))
        .select(User::as_select())
        .order((users::created_at, users::email))
        .load(conn)
        .await
}

/// Regulator accounts, optionally filtered by a search term over name and email, and by role.
pub async fn regulators(
    conn: &mut AsyncPgConnection,
    search: &str,
    role: Option<Role>,
) -> QueryResult<Vec<User>> {
    let mut query = users::table
        .filter(users::role.ne(Role::Issuer))
        .select(User::as_select())
        .into_boxed();
    let term = search.trim();
    if !term.is_empty() {
        let pattern = format!("%{}%", crate::db::escape_like(term));
        query = query.filter(
            users::email
                .ilike(pattern.clone())
                .or(users::display_name.ilike(pattern)),
        );
    }
    if let Some(role) = role {
        query = query.filter(users::role.eq(role));
    }
    query.order(users::email).load(conn).await
}

pub async fn count_active_admins(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq(Role::Admin))
        .filter(users::active.eq(true))
        .count()
        .get_result(conn)
        .await
}

/// Locks the active admins' rows so two admins demoting each other cannot both succeed.
pub async fn lock_active_admins(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Uuid>> {
    users::table
        .filter(users::role.eq(Role::Admin))
        .filter(users::active.eq(true))
        .select(users::id)
        .for_update()
        .load(conn)
        .await
}

pub async fn any_exist(conn: &mut AsyncPgConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(users::table.select(users::id)))
        .get_result(conn)
        .await
}

/// Whether any account's address ends with `suffix` (how demo data is recognised), which holds no
/// LIKE wildcards.
pub async fn any_with_email_ending(
    conn: &mut AsyncPgConnection,
    suffix: &str,
) -> QueryResult<bool> {
    debug_assert!(!suffix.contains(['%', '_', '\\']), "{suffix}");
    let pattern = format!("%{suffix}");
    diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::email.like(pattern))
            .select(users::id),
    ))
    .get_result(conn)
    .await
}

pub async fn set_password(conn: &mut AsyncPgConnection, id: Uuid, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::failed_logins.eq(0),
            users::locked_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .await?;
    crate::db::sign_in_failures::forget_all(conn, id).await
}

pub async fn mark_email_verified(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(
        users::table
            .find(id)
            .filter(users::email_verified_at.is_null()),
    )
    .set(users::email_verified_at.eq(Utc::now()))
    .execute(conn)
    .await
    .map(|_| ())
}

/// Reserves one attempt at this account's password or code, made from client address `addr`, before
/// the (slow) check runs: the attempt counts as a failure, of the account and of the address, until
/// `settle_success` takes it back. The account's row is locked while the limits are read and the
/// counts raised, so concurrent attempts each see the others' counts and cannot all slip past a lock
/// or a delay. `None` when the account is locked or this address must wait; the account's count of
/// consecutive failures otherwise.
pub async fn reserve_attempt(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    addr: &str,
) -> QueryResult<Option<i32>> {
    use crate::db::sign_in_failures;
    use crate::domain::sign_in;
    conn.transaction(async |conn| {
        let (failures, locked): (i32, Option<DateTime<Utc>>) = users::table
            .find(id)
            .select((users::failed_logins, users::locked_at))
            .for_update()
            .first(conn)
            .await?;
        let from_address = sign_in_failures::of(conn, id, addr).await?;
        let now = Utc::now();
        if !sign_in::may_attempt(failures, locked.is_some(), from_address, now) {
            return Ok(None);
        }
        sign_in_failures::count(conn, id, addr, now).await?;
        diesel::update(users::table.find(id))
            .set((
                users::failed_logins.eq(users::failed_logins + 1),
                users::last_failed_login_at.eq(now),
            ))
            .returning(users::failed_logins)
            .get_result(conn)
            .await
            .map(Some)
    })
    .await
}

/// The check from `addr` succeeded: the reserved failure is taken back and the counts of the account
/// and of this address start again (other addresses' counts stay: a guesser elsewhere keeps
/// waiting). `false` when the account was locked meanwhile (by a concurrent failure), in which case
/// the success does not count.
pub async fn settle_success(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    addr: &str,
) -> QueryResult<bool> {
    conn.transaction(async |conn| {
        let updated = diesel::update(users::table.find(id).filter(users::locked_at.is_null()))
            .set((
                users::failed_logins.eq(0),
                users::last_failed_login_at.eq(None::<DateTime<Utc>>),
            ))
            .execute(conn)
            .await?;
        if updated == 1 {
            crate::db::sign_in_failures::forget(conn, id, addr).await?;
        }
        Ok(updated == 1)
    })
    .await
}

pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::locked_at.eq(Utc::now()))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn unlock(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::locked_at.eq(None::<DateTime<Utc>>),
            users::failed_logins.eq(0),
        ))
        .execute(conn)
        .await?;
    crate::db::sign_in_failures::forget_all(conn, id).await
}

/// Deactivates an account and ends every session of it at once.
/// Marks the account inactive. Its sessions stay as rows until their next request, which finds the
/// account inactive, deletes the row and shows the deactivated-account page (`web::session`).
pub async fn deactivate(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    set_active(conn, id, false).await
}

pub async fn set_active(conn: &mut AsyncPgConnection, id: Uuid, active: bool) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::active.eq(active))
        .execute(conn)
        .await
        .map(|_| ())
}

/// An unused invitation sent again: the account takes what the new invitation says. `false` when
/// the invitation was accepted meanwhile (the account has a password now).
pub async fn renew_invitation(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    name: &str,
    role: Role,
    signatory: bool,
    lang: &str,
) -> QueryResult<bool> {
    diesel::update(users::table.find(id).filter(users::password_hash.is_null()))
        .set((
            users::display_name.eq(name),
            users::role.eq(role),
            users::is_authorised_signatory.eq(signatory),
            users::lang.eq(lang),
        ))
        .execute(conn)
        .await
        .map(|updated| updated == 1)
}

pub async fn set_role(conn: &mut AsyncPgConnection, id: Uuid, role: Role) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::role.eq(role))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn set_signatory(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    signatory: bool,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::is_authorised_signatory.eq(signatory))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn set_lang(conn: &mut AsyncPgConnection, id: Uuid, lang: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::lang.eq(lang))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Puts a new address aside until it is confirmed.
pub async fn set_pending_email(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    email: &EmailAddress,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::pending_email.eq(email.as_str()))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Makes the confirmed pending address the account's address (it was proven by the link).
pub async fn confirm_pending_email(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<String>> {
    diesel::update(
        users::table
            .find(id)
            .filter(users::pending_email.is_not_null()),
    )
    .set((
        users::email.eq(users::pending_email.assume_not_null()),
        users::pending_email.eq(None::<String>),
        users::email_verified_at.eq(Utc::now()),
    ))
    .returning(users::email)
    .get_result(conn)
    .await
    .optional()
}

/// Turns TOTP on with `sealed_secret` (see `auth::totp_secrets`), `step` being the step of the code
/// that proved it; `false` when MFA was on already (a concurrent enrolment won).
pub async fn enable_totp(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    sealed_secret: &str,
    step: i64,
) -> QueryResult<bool> {
    let updated = diesel::update(
        users::table
            .find(id)
            .filter(users::totp_enabled_at.is_null()),
    )
    .set((
        users::totp_secret.eq(sealed_secret),
        users::totp_enabled_at.eq(Utc::now()),
        users::totp_last_step.eq(step),
    ))
    .execute(conn)
    .await?;
    Ok(updated == 1)
}

/// Accounts whose TOTP secret does not start with `sealed_prefix`: still stored in clear (written
/// before secrets were sealed).
pub async fn with_unsealed_totp(
    conn: &mut AsyncPgConnection,
    sealed_prefix: &str,
) -> QueryResult<Vec<(Uuid, String, bool)>> {
    users::table
        .filter(users::totp_secret.is_not_null())
        .filter(users::totp_secret.not_like(format!("{sealed_prefix}%")))
        .select((
            users::id,
            users::totp_secret.assume_not_null(),
            users::totp_enabled_at.is_not_null(),
        ))
        .load(conn)
        .await
}

/// Replaces a clear TOTP secret with its sealed form, or drops an enrolment that never finished;
/// only while the row still holds `clear` (another instance may have changed it since it was read).
pub async fn reseal_totp(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    clear: &str,
    sealed: Option<&str>,
) -> QueryResult<()> {
    diesel::update(users::table.find(id).filter(users::totp_secret.eq(clear)))
        .set(users::totp_secret.eq(sealed))
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn clear_totp(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::totp_secret.eq(None::<String>),
            users::totp_enabled_at.eq(None::<DateTime<Utc>>),
            users::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Accepts a TOTP time step only if it is later than the last one accepted: the same code (or an
/// older one) never works twice, even from two requests racing each other.
pub async fn accept_totp_step(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    step: i64,
) -> QueryResult<bool> {
    let updated = diesel::update(
        users::table.find(id).filter(
            users::totp_last_step
                .is_null()
                .or(users::totp_last_step.lt(step)),
        ),
    )
    .set(users::totp_last_step.eq(step))
    .execute(conn)
    .await?;
    Ok(updated == 1)
}

/// Replaces a user's recovery codes with new ones (given as fingerprints).
pub async fn replace_recovery_codes(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    hashes: &[Vec<u8>],
) -> QueryResult<()> {
    use crate::db::schema::recovery_codes;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = hashes
        .iter()
        .map(|h| {
            (
                recovery_codes::id.eq(Uuid::now_v7()),
                recovery_codes::user_id.eq(id),
                recovery_codes::code_hash.eq(h),
            )
        })
        .collect();
    diesel::insert_into(recovery_codes::table)
        .values(rows)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Uses one of a user's recovery codes; `false` if it is not theirs or was used already.
pub async fn use_recovery_code(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    hash: &[u8],
) -> QueryResult<bool> {
    use crate::db::schema::recovery_codes;
    let used = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(id))
            .filter(recovery_codes::code_hash.eq(hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(Utc::now())))
    .execute(conn)
    .await?;
    Ok(used == 1)
}

pub async fn delete_recovery_codes(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    use crate::db::schema::recovery_codes;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(id)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The institution's members who can read mail from it: active accounts whose owner accepted
/// their invitation (an invited account has no password yet).
pub async fn active_members_of(
    conn: &mut AsyncPgConnection,
    institution: Uuid,
) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::institution_id.eq(institution))
        .filter(users::active.eq(true))
        .filter(users::password_hash.is_not_null())
        .select(User::as_select())
        .order((users::created_at, users::email))
        .load(conn)
        .await
}
