//! Inviting someone by email, shared by an institution's administrator (colleagues) and the portal
//! admins (regulator staff): the account is made without a password, and a link valid for 72 hours
//! lets its owner set one. Every invitation is recorded (`db::invitations`) and counted against the
//! limits of `domain::invitation`.

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::issue_link;
use crate::audit::{self, Action, Event, ObjectType};
use crate::db::invitations::{NewInvitation, Outcome};
use crate::db::tokens::Purpose;
use crate::db::{self, users::NewUser};
use crate::domain::invitation as limits;
use crate::domain::review::consultation::ConsultedBody;
use crate::domain::{EmailAddress, PersonName, Role};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::mail;
use crate::mail::messages::{self, InvitationRefused, InvitedTo, Recipient};
use crate::services::Context;

/// Who is invited, to what, and by whom (the inviter's name is shown in the mail; the context's actor
/// is recorded as acting).
pub struct Invitation<'a> {
    pub inviter: &'a str,
    pub name: &'a PersonName,
    pub email: &'a EmailAddress,
    /// The address as the inviter typed it, as the list of invitations shows it.
    pub email_as_typed: &'a str,
    pub role: Role,
    pub institution: Option<(Uuid, &'a str)>,
    pub signatory: bool,
    pub lang: Lang,
    /// The consulted body of a consultee (and of no one else).
    pub consulted_body: Option<ConsultedBody>,
}

/// What came of an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invited {
    Created(Uuid),
    /// The address already has an account: its owner was told, and nothing was made.
    AddressInUse,
    /// One more would pass a limit on invitations: nothing was sent or recorded.
    TooMany,
}

/// Makes the invited account and mails its link. When the address already has an account, its owner
/// gets a mail instead; the caller decides whether the inviter may learn that. Nothing is sent past
/// a limit of `domain::invitation`. Call inside a transaction.
pub async fn invite(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    invitation: Invitation<'_>,
) -> AppResult<Invited> {
    if !within_limits(conn, cx, &invitation).await? {
        return Ok(Invited::TooMany);
    }
    let (invited, outcome) =
        if let Some(owner) = db::users::find_by_email(conn, invitation.email).await? {
            if may_invite_again(&owner, invitation.institution.map(|(id, _)| id)) {
                invite_again(conn, cx, &owner, &invitation).await?
            } else {
                address_in_use(conn, cx, invitation.inviter, &owner).await?
            }
        } else {
            invite_new(conn, cx, &invitation).await?
        };
    let user_id = match invited {
        Invited::Created(id) => Some(id),
        Invited::AddressInUse | Invited::TooMany => None,
    };
    record(conn, cx, &invitation, user_id, outcome).await?;
    Ok(invited)
}

/// Whether one more invitation stays within the limits. Takes the counting lock first, so that
/// invitations sent at once are counted one after the other.
async fn within_limits(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    invitation: &Invitation<'_>,
) -> AppResult<bool> {
    db::invitations::lock_for_counting(conn).await?;
    let institution = invitation.institution.map(|(id, _)| id);
    let email = invitation.email.as_str();
    let now = chrono::Utc::now();
    let sent = db::invitations::sent(conn, cx.actor.user_id, institution, email, now).await?;
    Ok(limits::may_send(&sent).is_ok())
}

/// Records the invitation, whatever came of it.
async fn record(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    invitation: &Invitation<'_>,
    user_id: Option<Uuid>,
    outcome: Outcome,
) -> AppResult<()> {
    let new = NewInvitation {
        invited_by: cx.actor.user_id,
        institution_id: invitation.institution.map(|(id, _)| id),
        email: invitation.email.as_str(),
        email_as_typed: invitation.email_as_typed,
        name: invitation.name.as_str(),
        authorised_signatory: invitation.signatory,
        user_id,
        outcome,
    };
    db::invitations::insert(conn, &new).await?;
    Ok(())
}

/// Makes the invited account of an address that has none, and mails its link.
async fn invite_new(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    invitation: &Invitation<'_>,
) -> AppResult<(Invited, Outcome)> {
    let id = Uuid::now_v7();
    let new_user = NewUser {
        id,
        email: invitation.email.as_str(),
        display_name: invitation.name.as_str(),
        role: invitation.role,
        institution_id: invitation.institution.map(|(id, _)| id),
        is_institution_admin: false,
        is_authorised_signatory: invitation.signatory,
        password_hash: None,
        email_verified_at: None,
        lang: invitation.lang.code(),
    };
    let body = invitation.consulted_body.map(ConsultedBody::as_str);
    db::users::insert_with_body(conn, &new_user, body).await?;
    send_link(conn, cx, id, invitation).await?;
    let details = serde_json::json!({
        "email": invitation.email.as_str(),
        "role": invitation.role.as_str(),
        "consulted_body": body,
        "institution_id": invitation.institution.map(|(id, _)| id),
        "authorised_signatory": invitation.signatory,
    });
    audit::record(
        conn,
        cx.audit_key,
        cx.actor,
        Event::new(Action::UserInvited, ObjectType::User, id).with(details),
    )
    .await?;
    Ok((Invited::Created(id), Outcome::Created))
}

/// Whether an address that has an account may be invited again by this inviter: the account was
/// invited and never used (no password yet, still active), and it belongs where the inviter
/// invites (their institution, or the regulator's staff). An expired invitation is then renewed
/// instead of being refused as an address in use.
pub fn may_invite_again(owner: &db::users::User, institution: Option<Uuid>) -> bool {
    let same_place = match institution {
        Some(id) => owner.institution_id == Some(id),
        None => owner.institution_id.is_none() && owner.role.is_official(),
    };
    owner.password_hash.is_none() && owner.active && same_place
}

/// Renews an unused invitation: the account takes the new invitation's name, role, flag and
/// language, links sent before stop working, and a fresh 72-hour link is mailed.
async fn invite_again(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    owner: &db::users::User,
    invitation: &Invitation<'_>,
) -> AppResult<(Invited, Outcome)> {
    let renewed = db::users::renew_invitation(
        conn,
        owner.id,
        invitation.name.as_str(),
        invitation.role,
        invitation.signatory,
        invitation.lang.code(),
        invitation.consulted_body.map(ConsultedBody::as_str),
    )
    .await?;
    if !renewed {
        // Accepted in the meantime: the account is in use now.
        return address_in_use(conn, cx, invitation.inviter, owner).await;
    }
    db::tokens::expire_all(conn, owner.id, chrono::Utc::now()).await?;
    send_link(conn, cx, owner.id, invitation).await?;
    let details = serde_json::json!({
        "role": invitation.role.as_str(),
        "authorised_signatory": invitation.signatory,
    });
    audit::record(
        conn,
        cx.audit_key,
        cx.actor,
        Event::new(Action::UserInvitationRenewed, ObjectType::User, owner.id).with(details),
    )
    .await?;
    Ok((Invited::Created(owner.id), Outcome::Renewed))
}

/// Issues the invited account's 72-hour link and mails it.
async fn send_link(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    invitation: &Invitation<'_>,
) -> AppResult<()> {
    let link = issue_link(conn, cx.settings, id, Purpose::Invitation).await?;
    let invited_to = match invitation.institution {
        Some((_, institution)) => InvitedTo::Institution(institution),
        None => InvitedTo::Staff(invitation.role),
    };
    let mail = messages::Invitation {
        to: Recipient {
            email: invitation.email.as_str(),
            name: invitation.name.as_str(),
            lang: invitation.lang,
        },
        inviter: invitation.inviter,
        invited_to,
        link: &link,
    };
    mail::enqueue(conn, cx.settings, mail).await?;
    Ok(())
}

/// The address already has an account that cannot be invited: its owner is told, nothing is made.
async fn address_in_use(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    inviter: &str,
    owner: &db::users::User,
) -> AppResult<(Invited, Outcome)> {
    let mail = InvitationRefused {
        to: Recipient::of(owner),
        inviter,
    };
    mail::enqueue(conn, cx.settings, mail).await?;
    let event = Event::new(Action::UserInviteRefused, ObjectType::User, owner.id)
        .with(serde_json::json!({"reason": "email_in_use"}));
    audit::record(conn, cx.audit_key, cx.actor, event).await?;
    Ok((Invited::AddressInUse, Outcome::AddressInUse))
}
