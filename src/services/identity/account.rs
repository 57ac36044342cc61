//! A signed-in user's own account: changing their password, email address or second factor, and
//! their language. Each change asks for the password (and a code, once MFA is on) again, under the
//! same attempt limits as signing in.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::attempts::{Checked, Step, limited_check};
use super::codes::check_second_factor;
use super::sessions::{self, NewSession};
use super::{Refusal, context_words, issue_link, tell_owner_once_an_hour};
use crate::audit::{self, Action, Actor, Event, ObjectType};
use crate::auth::hashing;
use crate::auth::secrets::fingerprint;
use crate::auth::totp_secrets::TotpSecrets;
use crate::db::institutions::Institution;
use crate::db::tokens::Purpose;
use crate::db::{self, Pool, users::User};
use crate::domain::EmailAddress;
use crate::domain::Stage;
use crate::domain::password::{self, NewPasswordProblem};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::mail::messages::{ConfirmNewAddress, EmailChangeRequested};
use crate::mail::{self, messages::AddressUse, messages::Recipient};
use crate::services::Context;

/// Why a change to one's own account was turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    WrongPassword,
    WrongCode,
    NewPassword(NewPasswordProblem),
    /// The new address is the account's address already.
    SameEmail,
    /// The new address is not an email address.
    InvalidEmail,
}

impl Refusal for Refused {
    fn field(&self) -> &'static str {
        match self {
            Refused::WrongPassword => "current_password",
            Refused::WrongCode => "code",
            Refused::NewPassword(problem) => problem.field(),
            Refused::SameEmail | Refused::InvalidEmail => "email",
        }
    }

    fn message_key(&self) -> &'static str {
        match self {
            Refused::WrongPassword => "account-wrong-password",
            Refused::WrongCode => "mfa-wrong-code",
            Refused::NewPassword(problem) => problem.message_key(),
            Refused::SameEmail => "account-email-same",
            Refused::InvalidEmail => "field-email-invalid",
        }
    }
}

/// The password, and the code when MFA is on, typed again before a sensitive change.
#[derive(Debug, Clone, Copy)]
pub struct Reauthentication<'a> {
    pub current_password: &'a str,
    pub code: &'a str,
}

/// The account and its institution, as the account page shows them.
pub async fn account(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
) -> AppResult<(User, Option<Institution>)> {
    let user = signed_in_user(conn, user_id).await?;
    let institution = match user.institution_id {
        Some(id) => db::institutions::find(conn, id).await?,
        None => None,
    };
    Ok((user, institution))
}

/// The signed-in user, fresh from the database.
async fn signed_in_user(conn: &mut AsyncPgConnection, user_id: Uuid) -> AppResult<User> {
    db::users::find(conn, user_id)
        .await?
        .ok_or(AppError::Forbidden)
}

/// Checks a re-authentication under the attempt limits of the account and of the client's address;
/// over either it is a 429.
pub async fn reauthenticate(
    pool: &Pool,
    cx: &Context<'_>,
    secrets: &TotpSecrets,
    user: &User,
    given: &Reauthentication<'_>,
) -> AppResult<Result<(), Refused>> {
    let mut password_ok = false;
    let checked = limited_check(pool, cx, user.id, Step::Reconfirmation, async {
        password_ok = hashing::verify(given.current_password, user.password_hash.as_deref())
            .await?
            .matches;
        if !password_ok || !user.mfa_enabled() {
            return Ok(password_ok);
        }
        let mut conn = pool.get().await?;
        Ok(check_second_factor(&mut conn, secrets, user, given.code)
            .await?
            .is_some())
    })
    .await?;
    Ok(match checked {
        Checked::Accepted => Ok(()),
        // Over a limit: a 429, whose refusal is audited at most once a minute (see `attempts`).
        Checked::Refused | Checked::TooMany => return Err(AppError::TooManyRequests),
        _ if password_ok => Err(Refused::WrongCode),
        _ => Err(Refused::WrongPassword),
    })
}

/// A new password, typed twice, with the re-authentication that allows it.
pub struct PasswordChange<'a> {
    pub reauthentication: Reauthentication<'a>,
    pub password: &'a str,
    pub confirm: &'a str,
}

/// Changes the password. Every other session ends; this one continues under the new session. A
/// refusal lists every problem found (a wrong current password and a new one that breaks the rules),
/// so the form is corrected in one round.
pub async fn change_password(
    pool: &Pool,
    cx: &Context<'_>,
    secrets: &TotpSecrets,
    user_id: Uuid,
    change: &PasswordChange<'_>,
) -> AppResult<Result<NewSession, Vec<Refused>>> {
    let user = signed_in_user(&mut *pool.get().await?, user_id).await?;
    let mut refusals: Vec<Refused> =
        reauthenticate(pool, cx, secrets, &user, &change.reauthentication)
            .await?
            .err()
            .into_iter()
            .collect();
    let words = context_words(&mut *pool.get().await?, &user).await?;
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let problems = password::problems_of_new(change.password, change.confirm, &word_refs);
    refusals.extend(problems.into_iter().map(Refused::NewPassword));
    if !refusals.is_empty() {
        return Ok(Err(refusals));
    }
    let hash = hashing::hash(change.password).await?;
    let mut conn = pool.get().await?;
    let session = conn
        .transaction::<_, AppError, _>(async |conn| {
            db::users::set_password(conn, user.id, &hash).await?;
            db::sessions::delete_all_of(conn, user.id).await?;
            let event = Event::new(Action::PasswordChanged, ObjectType::User, user.id);
            audit::record(conn, cx.audit_key, cx.actor, event).await?;
            Ok(sessions::create(conn, None, Some(&user), Stage::SignedIn).await?)
        })
        .await?;
    Ok(Ok(session))
}

/// Asks to change the address to `typed`. The new address takes effect only once its owner
/// follows the link sent to it; until then the account keeps its address, and the old address is
/// told about the request. Whether the new address already has an account is never answered: its
/// owner is told instead. A refusal lists every problem found (a bad address and a wrong password
/// together), so the form is corrected in one round.
pub async fn request_email_change(
    pool: &Pool,
    cx: &Context<'_>,
    secrets: &TotpSecrets,
    user_id: Uuid,
    typed: &str,
    given: &Reauthentication<'_>,
) -> AppResult<Result<(), Vec<Refused>>> {
    let user = signed_in_user(&mut *pool.get().await?, user_id).await?;
    let email = EmailAddress::parse(typed).ok();
    let mut refusals = Vec::new();
    match &email {
        None => refusals.push(Refused::InvalidEmail),
        Some(email) if email.as_str() == user.email => refusals.push(Refused::SameEmail),
        Some(_) => {}
    }
    if let Err(refused) = reauthenticate(pool, cx, secrets, &user, given).await? {
        refusals.push(refused);
    }
    let Some(email) = email.filter(|_| refusals.is_empty()) else {
        return Ok(Err(refusals));
    };
    let email = &email;
    let mut conn = pool.get().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if let Some(owner) = db::users::find_by_email(conn, email).await? {
            tell_owner_once_an_hour(conn, cx, &owner, AddressUse::EmailChange).await?;
            let details = serde_json::json!({"by": user.id});
            let event = Event::new(Action::EmailChangeAddressInUse, ObjectType::User, owner.id)
                .with(details);
            audit::record(conn, cx.audit_key, cx.actor, event).await?;
        } else {
            send_confirmation(conn, cx, &user, email).await?;
        }
        let told = EmailChangeRequested {
            to: Recipient::of(&user),
            new_email: email.as_str(),
        };
        mail::enqueue(conn, cx.settings, told).await?;
        let details = serde_json::json!({"to": email.as_str()});
        let event =
            Event::new(Action::EmailChangeRequested, ObjectType::User, user.id).with(details);
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(())
    })
    .await?;
    Ok(Ok(()))
}

/// Puts `email` aside as the account's pending address and mails the link that confirms it there.
async fn send_confirmation(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    user: &User,
    email: &EmailAddress,
) -> AppResult<()> {
    db::users::set_pending_email(conn, user.id, email).await?;
    let mut pending = user.clone();
    pending.email = email.as_str().to_owned();
    let link = issue_link(conn, cx.settings, pending.id, Purpose::ChangeEmail).await?;
    let confirm = ConfirmNewAddress {
        to: Recipient::of(&pending),
        link: &link,
    };
    mail::enqueue(conn, cx.settings, confirm).await?;
    Ok(())
}

/// Makes the pending address of the user behind a still-valid link their address, using the link
/// up. `false` when the link is unknown, used or expired, or someone took the address meanwhile.
pub async fn confirm_email_change(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    token: &str,
) -> AppResult<bool> {
    let confirmed = conn
        .transaction::<_, AppError, _>(async |conn| {
            let Some(id) =
                db::tokens::consume(conn, Purpose::ChangeEmail, &fingerprint(token)).await?
            else {
                return Ok(false);
            };
            let Some(before) = db::users::find(conn, id).await? else {
                return Ok(false);
            };
            let Some(email) = db::users::confirm_pending_email(conn, id).await? else {
                return Ok(false);
            };
            let actor = Actor {
                user_id: Some(id),
                email: Some(email.clone()),
                client_addr: cx.actor.client_addr.clone(),
            };
            let details = serde_json::json!({"from": before.email, "to": email});
            let event = Event::new(Action::EmailChanged, ObjectType::User, id).with(details);
            audit::record(conn, cx.audit_key, &actor, event).await?;
            Ok(true)
        })
        .await;
    match confirmed {
        // Someone took the address in the meantime: the unique index refuses it.
        Err(AppError::Internal(e)) if db::is_unique_violation(&e) => Ok(false),
        other => other,
    }
}

/// What turning the second factor off did.
pub enum MfaRemoval {
    /// It was not on: nothing to do.
    NotOn,
    /// It is off, under a new session; regulator staff must enrol again before they can go on.
    Removed {
        session: NewSession,
        must_enrol: bool,
    },
}

/// Turns the second factor off (to move to a new phone, say).
pub async fn remove_second_factor(
    pool: &Pool,
    cx: &Context<'_>,
    secrets: &TotpSecrets,
    user_id: Uuid,
    replacing: Option<Uuid>,
    given: &Reauthentication<'_>,
) -> AppResult<Result<MfaRemoval, Refused>> {
    let user = signed_in_user(&mut *pool.get().await?, user_id).await?;
    if !user.mfa_enabled() {
        return Ok(Ok(MfaRemoval::NotOn));
    }
    if let Err(refused) = reauthenticate(pool, cx, secrets, &user, given).await? {
        return Ok(Err(refused));
    }
    let must_enrol = user.role.is_official();
    let stage = if must_enrol {
        Stage::PasswordVerified
    } else {
        Stage::SignedIn
    };
    let mut conn = pool.get().await?;
    let session = conn
        .transaction::<_, AppError, _>(async |conn| {
            db::users::clear_totp(conn, user.id).await?;
            db::users::delete_recovery_codes(conn, user.id).await?;
            let event = Event::new(Action::MfaRemoved, ObjectType::User, user.id);
            audit::record(conn, cx.audit_key, cx.actor, event).await?;
            let changed = db::users::find(conn, user.id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(sessions::create(conn, replacing, Some(&changed), stage).await?)
        })
        .await?;
    Ok(Ok(MfaRemoval::Removed {
        session,
        must_enrol,
    }))
}

/// Keeps the language a signed-in user switched to as their account's: their mail follows it.
pub async fn remember_language(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    user_id: Uuid,
    lang: Lang,
) -> AppResult<()> {
    conn.transaction::<_, AppError, _>(async |conn| {
        db::users::set_lang(conn, user_id, lang.code()).await?;
        let event = Event::new(Action::UserLanguageChanged, ObjectType::User, user_id)
            .with(serde_json::json!({"lang": lang.code()}));
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(())
    })
    .await
}
