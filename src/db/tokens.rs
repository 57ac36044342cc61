//! Single-use links sent by mail. Only a fingerprint of the token is stored; using one marks it used
//! in the same statement that checks it, so two clicks cannot both succeed.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::email_tokens;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
    Invitation,
    /// Confirms a new email address (sent to that address).
    ChangeEmail,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
            Purpose::Invitation => "invitation",
            Purpose::ChangeEmail => "change_email",
        }
    }

    /// How long a link stays valid: 24 h to verify or confirm a new address, 1 h to reset, 72 h to
    /// accept an invitation.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::VerifyEmail => Duration::hours(24),
            Purpose::ResetPassword => Duration::hours(1),
            Purpose::Invitation => Duration::hours(72),
            Purpose::ChangeEmail => Duration::hours(24),
        }
    }
}

/// Issues a new link for `user`, replacing any unused one of the same purpose.
pub async fn issue(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    purpose: Purpose,
    token_hash: &[u8],
) -> QueryResult<()> {
    diesel::delete(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user))
            .filter(email_tokens::purpose.eq(purpose.as_str()))
            .filter(email_tokens::used_at.is_null()),
    )
    .execute(conn)
    .await?;
    diesel::insert_into(email_tokens::table)
        .values((
            email_tokens::token_hash.eq(token_hash),
            email_tokens::user_id.eq(user),
            email_tokens::purpose.eq(purpose.as_str()),
            email_tokens::expires_at.eq(Utc::now() + purpose.lifetime()),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The user a still-valid, unused link belongs to, without using it (to show the form it opens).
pub async fn peek(
    conn: &mut AsyncPgConnection,
    purpose: Purpose,
    token_hash: &[u8],
) -> QueryResult<Option<Uuid>> {
    email_tokens::table
        .filter(email_tokens::token_hash.eq(token_hash))
        .filter(email_tokens::purpose.eq(purpose.as_str()))
        .filter(email_tokens::used_at.is_null())
        .filter(email_tokens::expires_at.gt(Utc::now()))
        .select(email_tokens::user_id)
        .first(conn)
        .await
        .optional()
}

/// The user a link was issued to, whether it is still valid, used or expired (to tell someone who
/// opens a used link what it did).
pub async fn owner(
    conn: &mut AsyncPgConnection,
    purpose: Purpose,
    token_hash: &[u8],
) -> QueryResult<Option<Uuid>> {
    email_tokens::table
        .filter(email_tokens::token_hash.eq(token_hash))
        .filter(email_tokens::purpose.eq(purpose.as_str()))
        .select(email_tokens::user_id)
        .first(conn)
        .await
        .optional()
}

/// Uses a link: marks it used and returns its user, or `None` if it is unknown, used or expired.
pub async fn consume(
    conn: &mut AsyncPgConnection,
    purpose: Purpose,
    token_hash: &[u8],
) -> QueryResult<Option<Uuid>> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::token_hash.eq(token_hash))
            .filter(email_tokens::purpose.eq(purpose.as_str()))
            .filter(email_tokens::used_at.is_null())
            .filter(email_tokens::expires_at.gt(Utc::now())),
    )
    .set(email_tokens::used_at.eq(Some(Utc::now())))
    .returning(email_tokens::user_id)
    .get_result(conn)
    .await
    .optional()
}

/// Makes a link expire now (tests and the admin use it to prove expiry is enforced).
pub async fn expire_all(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(email_tokens::table.filter(email_tokens::user_id.eq(user)))
        .set(email_tokens::expires_at.eq(at))
        .execute(conn)
        .await
}

/// Whether a link of `purpose` was issued to `user` within `window` (one reset mail a minute is
/// plenty; more would let anyone fill someone's mailbox).
pub async fn issued_within(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    purpose: Purpose,
    window: Duration,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user))
            .filter(email_tokens::purpose.eq(purpose.as_str()))
            .filter(email_tokens::created_at.gt(Utc::now() - window)),
    ))
    .get_result(conn)
    .await
}
