//! An institution's administrator and their colleagues: inviting them, who may sign for the
//! institution (the authorised-signatory flag), and deactivating those who leave. Anyone outside the
//! administrator's institution is not found.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db::institutions::Institution;
use crate::db::tokens::Purpose;
use crate::db::{self, users::User};
use crate::domain::invitation::InvitationState;
use crate::domain::{EmailAddress, PersonName, Role, Stage};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::services::Context;
use crate::services::identity::invitations::{self, Invitation, Invited};
use crate::services::identity::sessions::{self as session, NewSession};

/// An institution and its members, as the members page shows them.
pub struct Roster {
    pub institution: Institution,
    pub members: Vec<User>,
}

pub async fn roster(conn: &mut AsyncPgConnection, institution: Uuid) -> AppResult<Roster> {
    let found = db::institutions::find(conn, institution)
        .await?
        .ok_or(AppError::NotFound)?;
    let members = db::users::members_of(conn, institution).await?;
    Ok(Roster {
        institution: found,
        members,
    })
}

/// What an institution's administrator sees of their colleagues: the members who took up their
/// accounts (an invited account joins once its owner accepted), and every invitation made, alike
/// whatever came of it, so that the page never shows whether an address had an account.
pub struct Colleagues {
    pub roster: Roster,
    /// Newest first.
    pub invitations: Vec<ListedInvitation>,
}

/// An invitation as the members page lists it.
pub struct ListedInvitation {
    pub name: String,
    pub email_as_typed: String,
    pub invited_at: DateTime<Utc>,
    pub signatory: bool,
    pub state: InvitationState,
}

pub async fn colleagues(conn: &mut AsyncPgConnection, institution: Uuid) -> AppResult<Colleagues> {
    let mut roster = roster(conn, institution).await?;
    roster.members.retain(|m| m.password_hash.is_some());
    let now = Utc::now();
    let lifetime = Purpose::Invitation.lifetime();
    let invitations = db::invitations::of_institution(conn, institution)
        .await?
        .into_iter()
        .map(|i| ListedInvitation {
            state: InvitationState::of(i.accepted, now - i.created_at, lifetime),
            name: i.name,
            email_as_typed: i.email_as_typed,
            invited_at: i.created_at,
            signatory: i.authorised_signatory,
        })
        .collect();
    Ok(Colleagues {
        roster,
        invitations,
    })
}

/// A colleague to invite, as the administrator gave them.
pub struct Colleague {
    pub name: PersonName,
    pub email: EmailAddress,
    /// The address as typed, as the list of invitations shows it.
    pub email_as_typed: String,
    pub signatory: bool,
    /// The language of the invitation mail.
    pub lang: Lang,
}

/// Why an invitation of a colleague was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteRefused {
    /// The institution's first user has not confirmed their email address yet.
    Unconfirmed,
    /// One more invitation would pass a limit (`domain::invitation`).
    TooMany,
}

impl InviteRefused {
    pub fn message_key(&self) -> &'static str {
        match self {
            InviteRefused::Unconfirmed => "invite-institution-unconfirmed",
            InviteRefused::TooMany => "invite-too-many",
        }
    }
}

/// Invites a colleague into `institution`. Whether the address already has an account is not the
/// institution's business: its owner is told by mail, and the answer is the same either way. An
/// institution whose sign-up is not confirmed invites no one.
pub async fn invite_member(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    institution: Uuid,
    inviter: &str,
    colleague: Colleague,
) -> AppResult<Result<(), InviteRefused>> {
    let found = db::institutions::find(conn, institution)
        .await?
        .ok_or(AppError::NotFound)?;
    if !db::institutions::is_confirmed(conn, institution).await? {
        return Ok(Err(InviteRefused::Unconfirmed));
    }
    let invitation = Invitation {
        inviter,
        name: &colleague.name,
        email: &colleague.email,
        email_as_typed: &colleague.email_as_typed,
        role: Role::Issuer,
        institution: Some((institution, found.name(colleague.lang))),
        signatory: colleague.signatory,
        lang: colleague.lang,
        consulted_body: None,
    };
    let invited = conn
        .transaction::<_, AppError, _>(async |conn| invitations::invite(conn, cx, invitation).await)
        .await?;
    match invited {
        Invited::TooMany => Ok(Err(InviteRefused::TooMany)),
        Invited::Created(_) | Invited::AddressInUse => Ok(Ok(())),
    }
}

/// A colleague of the acting administrator; anyone else's account is not found.
/// A member of `institution` (404 for anyone else's), as a page about them shows them.
pub async fn member(conn: &mut AsyncPgConnection, institution: Uuid, id: Uuid) -> AppResult<User> {
    colleague(conn, institution, id).await
}

async fn colleague(conn: &mut AsyncPgConnection, institution: Uuid, id: Uuid) -> AppResult<User> {
    db::users::find(conn, id)
        .await?
        .filter(|u| u.institution_id == Some(institution))
        .ok_or(AppError::NotFound)
}

/// Sets or clears a colleague's authorised-signatory flag. The flag is a privilege: every session of
/// the member ends, so none outlives the change (SECURITY.md, sessions). An administrator changing
/// their own flag goes on under the new session returned, for the handler to install.
pub async fn set_signatory(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    institution: Uuid,
    member: Uuid,
    signatory: bool,
) -> AppResult<Option<NewSession>> {
    let member = colleague(conn, institution, member).await?;
    if signatory == member.is_authorised_signatory {
        return Ok(None);
    }
    let themself = cx.actor.user_id == Some(member.id);
    conn.transaction::<_, AppError, _>(async |conn| {
        db::users::set_signatory(conn, member.id, signatory).await?;
        let event = Event::new(Action::UserSignatoryChanged, ObjectType::User, member.id)
            .with(serde_json::json!({"authorised_signatory": signatory}));
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        db::sessions::delete_all_of(conn, member.id).await?;
        if !themself {
            return Ok(None);
        }
        let user = db::users::find(conn, member.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let new = session::create(conn, None, Some(&user), Stage::SignedIn).await?;
        Ok(Some(new))
    })
    .await
}

/// Why a change to a colleague was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// An administrator deactivating their own account.
    Myself,
}

impl Refused {
    pub fn message_key(&self) -> &'static str {
        match self {
            Refused::Myself => "members-cannot-deactivate-self",
        }
    }
}

/// Deactivates a colleague who has left (their sessions end with the account).
pub async fn deactivate_member(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    institution: Uuid,
    member: Uuid,
) -> AppResult<Result<(), Refused>> {
    let member = colleague(conn, institution, member).await?;
    if cx.actor.user_id == Some(member.id) {
        return Ok(Err(Refused::Myself));
    }
    conn.transaction::<_, AppError, _>(async |conn| {
        db::users::deactivate(conn, member.id).await?;
        let event = Event::new(Action::UserDeactivated, ObjectType::User, member.id);
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(())
    })
    .await?;
    Ok(Ok(()))
}
