//! The identity actions: signing up, signing in and out, the second factor, the links sent by mail
//! and a user's own account changes. No answer here tells whether an email address has an account.

use diesel_async::AsyncPgConnection;

use super::Context;
use crate::audit::{self, Action, Actor, Event, ObjectType};
use crate::auth::secrets::{fingerprint, random_token};
use crate::config::Settings;
use crate::db::tokens::Purpose;
use crate::db::{self, users::User};
use crate::domain::InstitutionStatus;
use crate::error::AppResult;
use crate::mail::{self, messages::AddressInUse, messages::AddressUse, messages::Recipient};

pub mod account;
pub mod attempts;
pub mod codes;
pub mod invitations;
pub mod links;
pub mod second_factor;
pub mod sessions;
pub mod sign_in;
pub mod signup;

/// Why an action was turned away, as the person at the keyboard may know it: a message key and the
/// form field it stands beside ("form" for the form as a whole).
pub trait Refusal {
    fn field(&self) -> &'static str;
    fn message_key(&self) -> &'static str;
}

/// Issues a single-use link of `purpose` for the user `user` and returns its full URL.
pub async fn issue_link(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    user: uuid::Uuid,
    purpose: Purpose,
) -> AppResult<String> {
    let token = random_token();
    db::tokens::issue(conn, user, purpose, &fingerprint(&token)).await?;
    Ok(settings.url(&format!("{}/{token}", link_path(purpose))))
}

/// Where each kind of mailed link opens.
fn link_path(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::VerifyEmail => "verify-email",
        Purpose::ResetPassword => "password/reset",
        Purpose::Invitation => "invitation",
        Purpose::ChangeEmail => "email/confirm",
    }
}

/// Words of a user's own context that their password must not be built from.
pub async fn context_words(conn: &mut AsyncPgConnection, user: &User) -> AppResult<Vec<String>> {
    let mut words = vec![user.email.split('@').next().unwrap_or("").to_owned()];
    words.extend(user.display_name.split_whitespace().map(str::to_owned));
    if let Some(id) = user.institution_id
        && let Some(inst) = db::institutions::find(conn, id).await?
    {
        words.push(inst.legal_name_ko.replace(' ', ""));
        words.push(inst.legal_name_en.replace(' ', ""));
        words.extend(inst.legal_name_en.split_whitespace().map(str::to_owned));
    }
    Ok(words)
}

/// Whether the user belongs to a suspended institution.
pub async fn institution_suspended(conn: &mut AsyncPgConnection, user: &User) -> AppResult<bool> {
    let Some(id) = user.institution_id else {
        return Ok(false);
    };
    Ok(db::institutions::find(conn, id)
        .await?
        .is_some_and(|i| i.status == InstitutionStatus::Suspended))
}

/// The client's address the request came from, as the audit log records it.
fn client_addr(cx: &Context<'_>) -> String {
    cx.actor
        .client_addr
        .clone()
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The actor for `user` acting from the request's address, when the session is not (yet) theirs:
/// a user found by a mailed link, a password just accepted.
fn acting_as(cx: &Context<'_>, user: &User) -> Actor {
    Actor {
        user_id: Some(user.id),
        email: Some(user.email.clone()),
        client_addr: cx.actor.client_addr.clone(),
    }
}

/// The context of `cx` with another actor.
fn with_actor<'a>(cx: &Context<'a>, actor: &'a Actor) -> Context<'a> {
    Context {
        settings: cx.settings,
        audit_key: cx.audit_key,
        actor,
    }
}

/// Tells the owner of an address that someone tried to use it (the page the other person sees says
/// nothing about it), at most once an hour, so retries cannot fill their mailbox. Each mail sent is
/// audited as `user.told_of_address_use`, and the hour is counted from the last of those; the check
/// and the record take the audit log's turn together, so two attempts at once send one mail.
async fn tell_owner_once_an_hour(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    owner: &User,
    attempt: AddressUse,
) -> AppResult<()> {
    db::audit_log::take_turn(conn).await?;
    let told_lately =
        db::audit_log::acted_on_within(conn, OWNER_TOLD, owner.id, chrono::Duration::hours(1))
            .await?;
    if told_lately {
        return Ok(());
    }
    let mail = AddressInUse {
        to: Recipient::of(owner),
        attempt,
    };
    mail::enqueue(conn, cx.settings, mail).await?;
    let what = match attempt {
        AddressUse::SignUp => "sign_up",
        AddressUse::EmailChange => "email_change",
    };
    let event = Event::new(OWNER_TOLD, ObjectType::User, owner.id)
        .with(serde_json::json!({"attempt": what}));
    audit::record(conn, cx.audit_key, cx.actor, event).await?;
    Ok(())
}

/// The audit action of a mail telling an address's owner of an attempt to use it.
const OWNER_TOLD: Action = Action::UserToldOfAddressUse;
