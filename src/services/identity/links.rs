//! The links sent by mail that set a password: a forgotten password (1 hour) and an invitation
//! (72 hours). Each works once; a reset ends every session of the user and lifts a lock.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::sessions::{self, NewSession};
use super::{Refusal, acting_as, client_addr, context_words, institution_suspended, issue_link};
use crate::audit::{self, Action, Actor, Event, ObjectType};
use crate::auth::hashing;
use crate::auth::secrets::fingerprint;
use crate::config::Settings;
use crate::db::client_attempts::AttemptKind;
use crate::db::tokens::Purpose;
use crate::db::{self, Pool, users::User};
use crate::domain::EmailAddress;
use crate::domain::password::{self, NewPasswordProblem};
use crate::domain::{Stage, sign_in};
use crate::error::{AppError, AppResult};
use crate::mail::{self, messages::PasswordReset, messages::Recipient};
use crate::services::Context;

/// The active user behind a still-valid link of `purpose`, without using the link up.
pub async fn link_user(
    conn: &mut AsyncPgConnection,
    purpose: Purpose,
    token: &str,
) -> AppResult<Option<User>> {
    match db::tokens::peek(conn, purpose, &fingerprint(token)).await? {
        Some(id) => Ok(db::users::find(conn, id).await?.filter(|u| u.active)),
        None => Ok(None),
    }
}

/// Why a reset link was not sent: too many attempts from the client's address this minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany;

impl Refusal for TooMany {
    fn field(&self) -> &'static str {
        "form"
    }

    fn message_key(&self) -> &'static str {
        "login-too-many"
    }
}

/// Sends a reset link to `email` if it has an active account. The answer is the same, and comes as
/// fast, whether or not it has one: the lookup and the mail happen after the answer has gone.
pub async fn request_password_reset(
    pool: &Pool,
    cx: &Context<'_>,
    email: &EmailAddress,
) -> AppResult<Result<(), TooMany>> {
    let addr = client_addr(cx);
    let attempts = {
        let mut conn = pool.get().await?;
        db::client_attempts::count(&mut conn, &addr, AttemptKind::SignIn).await?
    };
    if attempts > sign_in::ATTEMPTS_PER_ADDRESS_PER_MINUTE {
        return Ok(Err(TooMany));
    }
    let later = Later {
        pool: pool.clone(),
        settings: cx.settings.clone(),
        audit_key: cx.audit_key.clone(),
        addr,
    };
    let email = email.clone();
    tokio::task::spawn_local(async move {
        if let Err(e) = later.send_reset_link(&email).await {
            tracing::error!(error = ?e, "cannot send a password reset link");
        }
    });
    Ok(Ok(()))
}

/// What sending a reset link needs once the request has been answered.
struct Later {
    pool: Pool,
    settings: Settings,
    audit_key: crate::audit::AuditKey,
    addr: String,
}

impl Later {
    async fn send_reset_link(&self, email: &EmailAddress) -> AppResult<()> {
        let mut conn = self.pool.get().await?;
        let Some(user) = db::users::find_by_email(&mut conn, email)
            .await?
            .filter(|u| u.active)
        else {
            return Ok(());
        };
        let minute = chrono::Duration::minutes(1);
        if db::tokens::issued_within(&mut conn, user.id, Purpose::ResetPassword, minute).await? {
            return Ok(());
        }
        let actor = Actor {
            user_id: Some(user.id),
            email: Some(user.email.clone()),
            client_addr: Some(self.addr.clone()),
        };
        conn.transaction::<_, AppError, _>(async |conn| {
            let link = issue_link(conn, &self.settings, user.id, Purpose::ResetPassword).await?;
            let reset = PasswordReset {
                to: Recipient::of(&user),
                link: &link,
            };
            mail::enqueue(conn, &self.settings, reset).await?;
            let event = Event::new(Action::PasswordResetRequested, ObjectType::User, user.id);
            audit::record(conn, &self.audit_key, &actor, event).await?;
            Ok(())
        })
        .await
    }
}

/// Why a password-setting link did not set the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    NewPassword(NewPasswordProblem),
    /// The invitation's institution is suspended.
    Suspended,
}

impl Refusal for Refused {
    fn field(&self) -> &'static str {
        match self {
            Refused::NewPassword(problem) => problem.field(),
            Refused::Suspended => "form",
        }
    }

    fn message_key(&self) -> &'static str {
        match self {
            Refused::NewPassword(problem) => problem.message_key(),
            Refused::Suspended => "login-suspended",
        }
    }
}

/// A mailed link that sets a password, and the new password typed twice.
pub struct LinkPassword<'a> {
    pub token: &'a str,
    /// `ResetPassword` or `Invitation`.
    pub purpose: Purpose,
    pub password: &'a str,
    pub confirm: &'a str,
}

/// Sets `user`'s password (the user behind the link, see `link_user`) and uses the link up. A reset
/// ends every session of the user and lifts a lock (`None`: they sign in again); accepting an
/// invitation signs the new user in in place of `replacing` (regulator staff at the step of
/// enrolling their second factor). A refusal lists every problem of the new password at once.
pub async fn set_password(
    pool: &Pool,
    cx: &Context<'_>,
    user: &User,
    link: &LinkPassword<'_>,
    replacing: Option<Uuid>,
) -> AppResult<Result<Option<NewSession>, Vec<Refused>>> {
    let words = context_words(&mut *pool.get().await?, user).await?;
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let problems = password::problems_of_new(link.password, link.confirm, &word_refs);
    if !problems.is_empty() {
        return Ok(Err(problems
            .into_iter()
            .map(Refused::NewPassword)
            .collect()));
    }
    if link.purpose == Purpose::Invitation
        && institution_suspended(&mut *pool.get().await?, user).await?
    {
        return Ok(Err(vec![Refused::Suspended]));
    }
    let hash = hashing::hash(link.password).await?;
    let actor = acting_as(cx, user);
    let mut conn = pool.get().await?;
    let signed_in = conn
        .transaction::<_, AppError, _>(async |conn| {
            // Using the link inside the transaction: of two racing submits only one gets it.
            db::tokens::consume(conn, link.purpose, &fingerprint(link.token))
                .await?
                .ok_or(AppError::Conflict)?;
            db::users::set_password(conn, user.id, &hash).await?;
            db::users::mark_email_verified(conn, user.id).await?;
            db::sessions::delete_all_of(conn, user.id).await?;
            if link.purpose == Purpose::ResetPassword {
                let event = Event::new(Action::PasswordReset, ObjectType::User, user.id);
                audit::record(conn, cx.audit_key, &actor, event).await?;
                return Ok(None);
            }
            let event = Event::new(Action::InvitationAccepted, ObjectType::User, user.id);
            audit::record(conn, cx.audit_key, &actor, event).await?;
            let fresh = db::users::find(conn, user.id)
                .await?
                .ok_or(AppError::NotFound)?;
            let stage = if fresh.role.is_official() {
                Stage::PasswordVerified
            } else {
                Stage::SignedIn
            };
            Ok(Some(
                sessions::create(conn, replacing, Some(&fresh), stage).await?,
            ))
        })
        .await?;
    Ok(Ok(signed_in))
}
