//! Signing in with a password, and signing out.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::attempts::{Checked, Step, limited_check};
use super::sessions::{self, NewSession};
use super::{Refusal, acting_as, client_addr, institution_suspended, with_actor};
use crate::audit::{self, Action, Actor, Event, ObjectType};
use crate::auth::hashing;
use crate::db::client_attempts::AttemptKind;
use crate::db::{self, Pool, users::User};
use crate::domain::EmailAddress;
use crate::domain::{Stage, sign_in};
use crate::error::{AppError, AppResult};
use crate::services::Context;

/// Why a sign-in did not go through, as far as the person at the keyboard may know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Wrong email, wrong password, locked, slowed down, deactivated: one message for all of them.
    Generic,
    TooManyFromAddress,
    EmailNotVerified,
    InstitutionSuspended,
}

impl Refusal for Refused {
    fn field(&self) -> &'static str {
        "form"
    }

    fn message_key(&self) -> &'static str {
        match self {
            Refused::Generic => "login-failed",
            Refused::TooManyFromAddress => "login-too-many",
            Refused::EmailNotVerified => "login-unverified",
            Refused::InstitutionSuspended => "login-suspended",
        }
    }
}

/// A password accepted: the user, how far they are signed in, and their new session.
pub struct PasswordAccepted {
    pub user: User,
    /// `SignedIn`, or `PasswordVerified` when the second factor (or its enrolment) is still to come.
    pub stage: Stage,
    pub session: NewSession,
}

/// Checks an email and password and, when they are right, starts a session in place of `replacing`.
pub async fn sign_in(
    pool: &Pool,
    cx: &Context<'_>,
    email: &str,
    password: &str,
    replacing: Option<Uuid>,
) -> AppResult<Result<PasswordAccepted, Refused>> {
    let user = match check(pool, cx, email, password).await? {
        Ok(user) => user,
        Err(refused) => return Ok(Err(refused)),
    };
    // The second factor is required of regulator staff and of anyone who enrolled.
    let stage = if user.role.is_official() || user.mfa_enabled() {
        Stage::PasswordVerified
    } else {
        Stage::SignedIn
    };
    let action = if stage == Stage::SignedIn {
        Action::SignInSucceeded
    } else {
        Action::SignInPasswordAccepted
    };
    let actor = acting_as(cx, &user);
    let mut conn = pool.get().await?;
    let session = conn
        .transaction::<_, AppError, _>(async |conn| {
            let event = Event::new(action, ObjectType::User, user.id);
            audit::record(conn, cx.audit_key, &actor, event).await?;
            Ok(sessions::create(conn, replacing, Some(&user), stage).await?)
        })
        .await?;
    Ok(Ok(PasswordAccepted {
        user,
        stage,
        session,
    }))
}

/// All the checks of a sign-in attempt. Connections are taken only around each query, never while
/// a password is being hashed.
async fn check(
    pool: &Pool,
    cx: &Context<'_>,
    email: &str,
    password: &str,
) -> AppResult<Result<User, Refused>> {
    let addr = client_addr(cx);
    let (attempts, found) = {
        let mut conn = pool.get().await?;
        let attempts = db::client_attempts::count(&mut conn, &addr, AttemptKind::SignIn).await?;
        let found = match EmailAddress::parse(email) {
            Ok(address) => db::users::find_by_email(&mut conn, &address).await?,
            // Nobody has an address the mailer would refuse: the same answer as an unknown one.
            Err(_) => None,
        };
        (attempts, found)
    };
    if attempts > sign_in::ATTEMPTS_PER_ADDRESS_PER_MINUTE {
        return Ok(Err(Refused::TooManyFromAddress));
    }
    let actor = Actor {
        user_id: found.as_ref().map(|u| u.id),
        email: Some(email.to_owned()),
        client_addr: Some(addr),
    };
    let cx = &with_actor(cx, &actor);
    let Some(user) = found else {
        // An unknown email takes as long as a known one: a password is checked all the same.
        hashing::verify(password, None).await?;
        let event = Event::new(Action::SignInFailed, ObjectType::User, "")
            .with(serde_json::json!({"reason": "unknown_email"}));
        refuse(pool, cx, event).await?;
        return Ok(Err(Refused::Generic));
    };
    let mut needs_rehash = false;
    let checked = limited_check(pool, cx, user.id, Step::Password, async {
        let v = hashing::verify(password, user.password_hash.as_deref()).await?;
        needs_rehash = v.needs_rehash;
        Ok(v.matches)
    })
    .await?;
    match checked {
        Checked::Accepted => {}
        Checked::Failed => return Ok(Err(Refused::Generic)),
        Checked::TooMany => return Ok(Err(Refused::TooManyFromAddress)),
        Checked::Refused => {
            // Answered as slowly as a checked password, so a locked account does not stand out.
            hashing::verify(password, None).await?;
            return Ok(Err(Refused::Generic));
        }
    }
    if let Some((refused, reason)) = refusal_of(pool, &user).await? {
        let event = Event::new(Action::SignInRefused, ObjectType::User, user.id)
            .with(serde_json::json!({"reason": reason}));
        refuse(pool, cx, event).await?;
        return Ok(Err(refused));
    }
    if needs_rehash {
        let hash = hashing::hash(password).await?;
        let mut conn = pool.get().await?;
        db::users::set_password(&mut conn, user.id, &hash).await?;
    }
    Ok(Ok(user))
}

/// Why a user whose password was right still may not sign in, with the reason the log records.
async fn refusal_of(pool: &Pool, user: &User) -> AppResult<Option<(Refused, &'static str)>> {
    Ok(if !user.active {
        Some((Refused::Generic, "deactivated"))
    } else if user.email_verified_at.is_none() {
        Some((Refused::EmailNotVerified, "email_not_verified"))
    } else if institution_suspended(&mut *pool.get().await?, user).await? {
        Some((Refused::InstitutionSuspended, "institution_suspended"))
    } else {
        None
    })
}

async fn refuse(pool: &Pool, cx: &Context<'_>, event: Event) -> AppResult<()> {
    let mut conn = pool.get().await?;
    Ok(audit::record_alone(&mut conn, cx.audit_key, cx.actor, event).await?)
}

/// Signs out: the sign-out is audited when someone was signed in (or on a step of it), and the
/// session `ending` is deleted.
pub async fn sign_out(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    ending: Option<Uuid>,
) -> AppResult<()> {
    if let Some(user_id) = cx.actor.user_id {
        let event = Event::new(Action::SignOut, ObjectType::User, user_id);
        audit::record_alone(conn, cx.audit_key, cx.actor, event).await?;
    }
    if let Some(id) = ending {
        db::sessions::delete(conn, id).await?;
    }
    Ok(())
}
