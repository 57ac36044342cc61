//! Regulator accounts, as the portal's admins manage them: inviting staff, and the guarded changes
//! (role, deactivation and reactivation, MFA reset, unlock). The last active admin can never be
//! removed or demoted, and an admin cannot deactivate themself.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db::institutions::Institution;
use crate::db::{self, users::User};
use crate::domain::Role;
use crate::domain::review::consultation::ConsultedBody;
use crate::domain::{EmailAddress, PersonName};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::services::Context;
use crate::services::identity::invitations::{self, Invitation, Invited};

/// An account and the institution it belongs to, if any, as the admin's account page shows them.
pub struct Account {
    pub user: User,
    pub institution: Option<Institution>,
}

pub async fn account(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Account> {
    let user = db::users::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let institution = match user.institution_id {
        Some(i) => db::institutions::find(conn, i).await?,
        None => None,
    };
    Ok(Account { user, institution })
}

/// A member of the regulator's staff to invite, as the admin gave them.
pub struct Staff {
    pub name: PersonName,
    pub email: EmailAddress,
    /// The address as typed.
    pub email_as_typed: String,
    pub role: Role,
    /// The language of the invitation mail.
    pub lang: Lang,
    /// The body a consultee works for.
    pub consulted_body: Option<ConsultedBody>,
}

/// Why an invitation of staff was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteRefused {
    /// The address has an account that cannot be invited again.
    AddressUnavailable,
    /// One more invitation would pass a limit (`domain::invitation`).
    TooMany,
}

impl InviteRefused {
    pub fn message_key(&self) -> &'static str {
        match self {
            InviteRefused::AddressUnavailable => "invite-email-unavailable",
            InviteRefused::TooMany => "invite-too-many",
        }
    }

    /// The field the message stands beside ("form" for the summary only).
    pub fn field(&self) -> &'static str {
        match self {
            InviteRefused::AddressUnavailable => "email",
            InviteRefused::TooMany => "form",
        }
    }
}

/// Invites a member of staff and answers with their account. An admin may learn that an address is
/// in use (unlike an institution): the invitation is refused.
pub async fn invite_staff(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    inviter: &str,
    staff: Staff,
) -> AppResult<Result<Uuid, InviteRefused>> {
    if let Some(owner) = db::users::find_by_email(conn, &staff.email).await?
        && !invitations::may_invite_again(&owner, None)
    {
        return Ok(Err(InviteRefused::AddressUnavailable));
    }
    let invitation = Invitation {
        inviter,
        name: &staff.name,
        email: &staff.email,
        email_as_typed: &staff.email_as_typed,
        role: staff.role,
        institution: None,
        signatory: false,
        lang: staff.lang,
        consulted_body: staff.consulted_body,
    };
    let invited = conn
        .transaction::<_, AppError, _>(async |conn| invitations::invite(conn, cx, invitation).await)
        .await?;
    match invited {
        Invited::Created(id) => Ok(Ok(id)),
        // Taken between the check above and the insert: the same answer as the check's.
        Invited::AddressInUse => Ok(Err(InviteRefused::AddressUnavailable)),
        Invited::TooMany => Ok(Err(InviteRefused::TooMany)),
    }
}

/// A change an admin makes to an account, checked and audited in one transaction.
pub enum AccountChange {
    Role(Role),
    Deactivate,
    Reactivate,
    ResetMfa,
    Unlock,
}

impl AccountChange {
    fn action(&self) -> Action {
        match self {
            AccountChange::Role(_) => Action::UserRoleChanged,
            AccountChange::Deactivate => Action::UserDeactivated,
            AccountChange::Reactivate => Action::UserReactivated,
            AccountChange::ResetMfa => Action::MfaResetByAdmin,
            AccountChange::Unlock => Action::AccountUnlocked,
        }
    }

    /// The notice the account's page shows once the change is made.
    pub fn notice(&self) -> &'static str {
        match self {
            AccountChange::Role(_) => "role-changed",
            AccountChange::Deactivate => "deactivated",
            AccountChange::Reactivate => "reactivated",
            AccountChange::ResetMfa => "mfa-reset",
            AccountChange::Unlock => "unlocked",
        }
    }
}

/// Why an admin's change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Myself,
    LastAdmin,
    NotRegulator,
}

impl Refused {
    pub fn message_key(&self) -> &'static str {
        match self {
            Refused::Myself => "admin-cannot-change-self",
            Refused::LastAdmin => "admin-last-admin",
            Refused::NotRegulator => "admin-not-regulator",
        }
    }
}

/// Makes `change` to the account `id` if the rules allow it, and audits it, in one transaction.
pub async fn change_account(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    id: Uuid,
    change: &AccountChange,
) -> AppResult<Result<(), Refused>> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let target = db::users::find(conn, id).await?.ok_or(AppError::NotFound)?;
        let outcome = apply(conn, cx, &target, change).await?;
        if outcome.is_ok() {
            let details = match change {
                AccountChange::Role(role) => {
                    serde_json::json!({"from": target.role.as_str(), "to": role.as_str()})
                }
                _ => serde_json::json!({}),
            };
            let event = Event::new(change.action(), ObjectType::User, id).with(details);
            audit::record(conn, cx.audit_key, cx.actor, event).await?;
        }
        Ok(outcome)
    })
    .await
}

async fn apply(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    target: &User,
    change: &AccountChange,
) -> AppResult<Result<(), Refused>> {
    let removes_admin = target.role == Role::Admin
        && target.active
        && matches!(
            change,
            AccountChange::Deactivate | AccountChange::Role(Role::Reviewer | Role::Approver)
        );
    // Their own MFA an admin resets from their account, which asks for the password and a code
    // again; here one click would do it, which a hijacked session must not be able to.
    let about_themself = matches!(
        change,
        AccountChange::Deactivate | AccountChange::Role(_) | AccountChange::ResetMfa
    );
    if about_themself && cx.actor.user_id == Some(target.id) {
        return Ok(Err(Refused::Myself));
    }
    // A consultee's role belongs to their body: it is not changed, only given by invitation.
    let fixed_role = !target.role.is_regulator();
    if matches!(change, AccountChange::Role(_)) && fixed_role {
        return Ok(Err(Refused::NotRegulator));
    }
    if removes_admin {
        // Locked, so two admins removing each other at once cannot leave none.
        let admins = db::users::lock_active_admins(conn).await?;
        if admins.len() <= 1 {
            return Ok(Err(Refused::LastAdmin));
        }
    }
    match change {
        AccountChange::Role(role) => db::users::set_role(conn, target.id, *role).await?,
        AccountChange::Deactivate => db::users::deactivate(conn, target.id).await?,
        AccountChange::Reactivate => {
            db::users::set_active(conn, target.id, true).await?;
            // Sessions from before the deactivation that were never used since stay dead.
            db::sessions::delete_all_of(conn, target.id).await?;
        }
        AccountChange::ResetMfa => {
            db::users::clear_totp(conn, target.id).await?;
            db::users::delete_recovery_codes(conn, target.id).await?;
        }
        AccountChange::Unlock => db::users::unlock(conn, target.id).await?,
    }
    // A change of role or factor ends the account's sessions at once. Deactivation ends them too:
    // an inactive account's session is refused (and its row deleted) at its next request.
    if matches!(change, AccountChange::Role(_) | AccountChange::ResetMfa) {
        db::sessions::delete_all_of(conn, target.id).await?;
    }
    Ok(Ok(()))
}
