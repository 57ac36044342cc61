//! Signing up an institution with its first user (who becomes the institution's administrator), and
//! verifying that user's email address by a single-use link valid for 24 hours.

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::{Refusal, acting_as, client_addr, issue_link, tell_owner_once_an_hour, with_actor};
use crate::audit::{self, Action, Actor, Event, ObjectType};
use crate::auth::hashing;
use crate::auth::secrets::fingerprint;
use crate::db::client_attempts::AttemptKind;
use crate::db::institutions::Institution;
use crate::db::tokens::Purpose;
use crate::db::users::{NewUser, User};
use crate::db::{self, Pool};
use crate::domain::EmailAddress;
use crate::domain::identifiers::{BusinessRegistrationNumber, CorporateRegistrationNumber, Lei};
use crate::domain::{InstitutionStatus, InstitutionType, Role, sign_in};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::mail::{self, messages::AddressUse, messages::Recipient, messages::VerifyEmail};
use crate::services::Context;

/// A sign-up whose fields each passed their own checks, trimmed.
pub struct SignUp {
    pub legal_name_ko: String,
    pub legal_name_en: String,
    pub brn: BusinessRegistrationNumber,
    pub crn: CorporateRegistrationNumber,
    pub lei: Option<Lei>,
    pub institution_type: InstitutionType,
    pub address: String,
    pub contact_phone: String,
    pub name: String,
    pub email: EmailAddress,
    pub password: String,
    /// The language the first user's mail comes in.
    pub lang: Lang,
}

/// Why a sign-up was turned away. An address in use is not among them: its page says nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Too many sign-ups from the client's address this hour.
    TooMany,
    /// The business registration number has an institution already.
    BrnTaken,
}

impl Refusal for Refused {
    fn field(&self) -> &'static str {
        match self {
            Refused::TooMany => "form",
            Refused::BrnTaken => "business_registration_number",
        }
    }

    fn message_key(&self) -> &'static str {
        match self {
            Refused::TooMany => "signup-too-many",
            Refused::BrnTaken => "signup-brn-taken",
        }
    }
}

/// Signs up an institution and its first user and mails them the link that verifies their address.
/// An address that has an account gets the same answer, and its owner is told instead.
pub async fn sign_up(
    pool: &Pool,
    cx: &Context<'_>,
    signup: &SignUp,
) -> AppResult<Result<(), Refused>> {
    // Each sign-up costs a password hash and sends a mail: one address gets a few an hour, so the
    // form cannot be used to flood mailboxes in the portal's name.
    let attempts = {
        let mut conn = pool.get().await?;
        db::client_attempts::count(&mut conn, &client_addr(cx), AttemptKind::SignUp).await?
    };
    if attempts > sign_in::SIGN_UPS_PER_ADDRESS_PER_HOUR {
        return Ok(Err(Refused::TooMany));
    }
    // Hashed before anything is looked up, so an address that has an account answers as slowly as
    // one that has not.
    let hash = hashing::hash(&signup.password).await?;
    let mut conn = pool.get().await?;
    release_lapsed_signup(&mut conn, cx, signup.brn.digits()).await?;
    if db::institutions::brn_taken(&mut conn, signup.brn.digits()).await? {
        return Ok(Err(Refused::BrnTaken));
    }
    let actor = Actor {
        user_id: None,
        email: Some(signup.email.as_str().to_owned()),
        client_addr: Some(client_addr(cx)),
    };
    let cx = &with_actor(cx, &actor);
    if let Some(existing) = db::users::find_by_email(&mut conn, &signup.email).await? {
        refuse_address_in_use(&mut conn, cx, &existing).await?;
        return Ok(Ok(()));
    }
    match create(&mut conn, cx, signup, &hash).await {
        Ok(()) => Ok(Ok(())),
        // Two sign-ups racing: the database's unique indexes decide. The same address racing gets
        // the answer a new sign-up gets, as any address in use does.
        Err(AppError::Internal(e))
            if db::violated_unique(&e).is_some_and(|c| c == "users_email_key") =>
        {
            Ok(Ok(()))
        }
        Err(AppError::Internal(e)) if db::is_unique_violation(&e) => Ok(Err(Refused::BrnTaken)),
        Err(e) => Err(e),
    }
}

/// Says nothing on the page about the address having an account; tells its owner instead.
async fn refuse_address_in_use(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    existing: &User,
) -> AppResult<()> {
    conn.transaction::<_, AppError, _>(async |conn| {
        tell_owner_once_an_hour(conn, cx, existing, AddressUse::SignUp).await?;
        let event = Event::new(Action::SignupRefused, ObjectType::User, existing.id)
            .with(serde_json::json!({"reason": "email_in_use"}));
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(())
    })
    .await
}

/// The institution, its first user and the link that verifies their address, in one transaction.
async fn create(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    signup: &SignUp,
    hash: &str,
) -> AppResult<()> {
    let institution = Institution {
        id: Uuid::now_v7(),
        legal_name_ko: signup.legal_name_ko.clone(),
        legal_name_en: signup.legal_name_en.clone(),
        business_registration_number: signup.brn.digits().to_owned(),
        corporate_registration_number: signup.crn.digits().to_owned(),
        lei: signup.lei.as_ref().map(|l| l.as_str().to_owned()),
        institution_type: signup.institution_type,
        address: signup.address.clone(),
        contact_phone: signup.contact_phone.clone(),
        status: InstitutionStatus::Active,
        created_at: Utc::now(),
    };
    let user_id = Uuid::now_v7();
    conn.transaction::<_, AppError, _>(async |conn| {
        db::institutions::insert(conn, &institution).await?;
        let new_user = NewUser {
            id: user_id,
            email: signup.email.as_str(),
            display_name: &signup.name,
            role: Role::Issuer,
            institution_id: Some(institution.id),
            is_institution_admin: true,
            is_authorised_signatory: false,
            password_hash: Some(hash),
            email_verified_at: None,
            lang: signup.lang.code(),
        };
        db::users::insert(conn, &new_user).await?;
        let user = db::users::find(conn, user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let link = issue_link(conn, cx.settings, user.id, Purpose::VerifyEmail).await?;
        let verify = VerifyEmail {
            to: Recipient::of(&user),
            institution: institution.name(user.lang()),
            link: &link,
        };
        mail::enqueue(conn, cx.settings, verify).await?;
        let details = serde_json::json!({
            "business_registration_number": institution.business_registration_number,
        });
        let signed_up = Event::new(
            Action::InstitutionSignedUp,
            ObjectType::Institution,
            institution.id,
        );
        audit::record(conn, cx.audit_key, cx.actor, signed_up.with(details)).await?;
        let details = serde_json::json!({"role": Role::Issuer.as_str(), "institution_admin": true});
        let created = Event::new(Action::UserCreated, ObjectType::User, user_id).with(details);
        audit::record(conn, cx.audit_key, cx.actor, created).await?;
        Ok(())
    })
    .await
}

/// A sign-up nobody confirmed within the link's lifetime gives way to a new one with the same
/// number (often the same person trying again): otherwise anyone could hold a bank's number for good
/// by signing it up and never confirming. It is removed, and the removal audited, before the new
/// sign-up is checked.
async fn release_lapsed_signup(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    brn_digits: &str,
) -> AppResult<()> {
    let lifetime = Purpose::VerifyEmail.lifetime();
    let Some(lapsed) = db::institutions::lapsed_signup(conn, brn_digits, lifetime).await? else {
        return Ok(());
    };
    let actor = Actor {
        user_id: None,
        email: None,
        client_addr: Some(client_addr(cx)),
    };
    conn.transaction::<_, AppError, _>(async |conn| {
        // Another sign-up may have removed it first, or its owner confirmed it meanwhile.
        let Some(accounts) = db::institutions::remove_lapsed_signup(conn, lapsed).await? else {
            return Ok(());
        };
        let details = serde_json::json!({
            "business_registration_number": brn_digits,
            "accounts_removed": accounts,
        });
        let event = Event::new(
            Action::InstitutionSignupLapsed,
            ObjectType::Institution,
            lapsed,
        )
        .with(details);
        audit::record(conn, cx.audit_key, &actor, event).await?;
        Ok(())
    })
    .await
}

/// Whether `token` is a confirmation link (used or lapsed) of an active account whose address is
/// confirmed already: opening it again says so rather than that the link has expired.
pub async fn address_confirmed_by(conn: &mut AsyncPgConnection, token: &str) -> AppResult<bool> {
    let Some(id) = db::tokens::owner(conn, Purpose::VerifyEmail, &fingerprint(token)).await? else {
        return Ok(false);
    };
    let user = db::users::find(conn, id).await?;
    Ok(user.is_some_and(|u| u.active && u.email_verified_at.is_some()))
}

/// Verifies the address of the user behind a still-valid link, using the link up. `false` when the
/// link is unknown, used or expired.
pub async fn verify_email(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    token: &str,
) -> AppResult<bool> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let Some(id) = db::tokens::consume(conn, Purpose::VerifyEmail, &fingerprint(token)).await?
        else {
            return Ok(false);
        };
        db::users::mark_email_verified(conn, id).await?;
        let user = db::users::find(conn, id).await?.ok_or(AppError::NotFound)?;
        let event = Event::new(Action::EmailVerified, ObjectType::User, id);
        audit::record(conn, cx.audit_key, &acting_as(cx, &user), event).await?;
        Ok(true)
    })
    .await
}
