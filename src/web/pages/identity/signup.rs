//! Signing up an institution with its first user (who becomes the institution's administrator), and
//! verifying that user's email address by a single-use link valid for 24 hours.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use uuid::Uuid;

use super::{issue_link, link_invalid, link_user, password_errors};
use crate::audit::{self, Action, Actor, Event, ObjectType};
use crate::auth::secrets::fingerprint;
use crate::db::client_attempts::AttemptKind;
use crate::db::institutions::Institution;
use crate::db::tokens::Purpose;
use crate::db::users::{NewUser, User};
use crate::db::{self};
use crate::domain::identifiers::{
    BusinessRegistrationNumber, CorporateRegistrationNumber, IdentifierError, Lei,
};
use crate::domain::{EmailAddress, InstitutionStatus, InstitutionType, Role, sign_in};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::mail;
use crate::mail::messages::{AddressInUse, AddressUse, Recipient, VerifyEmail};
use crate::web::csrf::Form;
use crate::web::forms::Errors;
use crate::web::reply::{page, redirect};
use crate::web::{AppState, PageContext, client_addr, session};

/// What the person typed, kept as typed so that nothing is lost when the form comes back with errors.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignupForm {
    pub legal_name_ko: String,
    pub legal_name_en: String,
    pub business_registration_number: String,
    pub corporate_registration_number: String,
    pub lei: String,
    pub institution_type: String,
    pub address: String,
    pub contact_phone: String,
    pub name: String,
    pub email: String,
    pub password: String,
    pub confirm: String,
}

#[derive(Template)]
#[template(path = "signup/form.html")]
struct SignupPage {
    ctx: PageContext,
    form: SignupForm,
    errors: Errors,
    types: &'static [InstitutionType],
}

#[derive(Template)]
#[template(path = "signup/sent.html")]
struct SentPage {
    ctx: PageContext,
    email: String,
}

pub async fn form(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    session::ensure(&req, &mut conn).await?;
    let page_data = SignupPage {
        ctx: PageContext::from_request(&req),
        form: SignupForm::default(),
        errors: Errors::default(),
        types: InstitutionType::ALL,
    };
    page(&page_data, StatusCode::OK)
}

/// A sign-up that passed every check of its own.
struct Valid {
    brn: BusinessRegistrationNumber,
    crn: CorporateRegistrationNumber,
    lei: Option<Lei>,
    institution_type: InstitutionType,
    email: EmailAddress,
}

fn identifier_message(lang: Lang, field: &str, e: IdentifierError) -> String {
    let kind = match e {
        IdentifierError::Format => "format",
        IdentifierError::CheckDigit => "check",
    };
    lang.t(&format!("signup-{field}-{kind}"))
}

fn validate(lang: Lang, form: &SignupForm) -> Result<Valid, Errors> {
    let mut errors = Errors::default();
    let required = [
        ("legal_name_ko", &form.legal_name_ko),
        ("legal_name_en", &form.legal_name_en),
        (
            "business_registration_number",
            &form.business_registration_number,
        ),
        (
            "corporate_registration_number",
            &form.corporate_registration_number,
        ),
    ];
    for (field, value) in required {
        if value.trim().is_empty() {
            errors.add(field, lang.t("field-required"));
        }
    }
    let brn = match BusinessRegistrationNumber::parse(&form.business_registration_number) {
        Ok(brn) => Some(brn),
        Err(e) if !form.business_registration_number.trim().is_empty() => {
            errors.add(
                "business_registration_number",
                identifier_message(lang, "brn", e),
            );
            None
        }
        Err(_) => None,
    };
    let crn = match CorporateRegistrationNumber::parse(&form.corporate_registration_number) {
        Ok(crn) => Some(crn),
        Err(e) if !form.corporate_registration_number.trim().is_empty() => {
            errors.add(
                "corporate_registration_number",
                identifier_message(lang, "crn", e),
            );
            None
        }
        Err(_) => None,
    };
    let lei = match form.lei.trim() {
        "" => None,
        raw => match Lei::parse(raw) {
            Ok(lei) => Some(lei),
            Err(e) => {
                errors.add("lei", identifier_message(lang, "lei", e));
                None
            }
        },
    };
    let institution_type = form.institution_type.parse::<InstitutionType>().ok();
    if institution_type.is_none() {
        errors.add("institution_type", lang.t("field-choose-one"));
    }
    for (field, value) in [
        ("address", &form.address),
        ("contact_phone", &form.contact_phone),
        ("name", &form.name),
    ] {
        if value.trim().is_empty() {
            errors.add(field, lang.t("field-required"));
        }
    }
    let email = EmailAddress::parse(&form.email);
    if email.is_err() {
        errors.add("email", lang.t("field-email-invalid"));
    }
    let words = [
        form.legal_name_en.replace(' ', ""),
        form.legal_name_ko.replace(' ', ""),
        email
            .as_ref()
            .map_or("", EmailAddress::local_part)
            .to_owned(),
    ];
    let word_refs: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .chain(form.legal_name_en.split_whitespace())
        .collect();
    for e in password_errors(lang, &form.password, &form.confirm, &word_refs).items() {
        errors.add(e.field, e.message.clone());
    }
    match (brn, crn, institution_type, email) {
        (Some(brn), Some(crn), Some(institution_type), Ok(email)) if errors.is_empty() => {
            Ok(Valid {
                brn,
                crn,
                lei,
                institution_type,
                email,
            })
        }
        _ => Err(errors),
    }
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(mut form): Form<SignupForm>,
) -> AppResult<HttpResponse> {
    let lang = PageContext::from_request(&req).lang;
    let valid = match validate(lang, &form) {
        Ok(valid) => valid,
        Err(errors) => return send_back(&req, form, errors),
    };
    // Each sign-up costs a password hash and sends a mail: one address gets a few an hour, so the
    // form cannot be used to flood mailboxes in the portal's name.
    let attempts = {
        let mut conn = state.pool.get().await?;
        db::client_attempts::count(&mut conn, &client_addr(&req), AttemptKind::SignUp).await?
    };
    if attempts > sign_in::SIGN_UPS_PER_ADDRESS_PER_HOUR {
        let errors = Errors::form(lang.t("signup-too-many"));
        return send_back_with(&req, form, errors, StatusCode::TOO_MANY_REQUESTS);
    }
    // Hashed before anything is looked up, so an address that has an account answers as slowly as
    // one that has not.
    let hash = crate::auth::hashing::hash(&form.password).await?;
    let mut conn = state.pool.get().await?;
    release_lapsed_signup(&mut conn, &state, &req, valid.brn.digits()).await?;
    if db::institutions::brn_taken(&mut conn, valid.brn.digits()).await? {
        let errors = Errors::one(
            "business_registration_number",
            lang.t_with("signup-brn-taken", &[("brn", valid.brn.to_string().into())]),
        );
        return send_back(&req, form, errors);
    }
    let actor = Actor {
        user_id: None,
        email: Some(valid.email.to_string()),
        client_addr: Some(client_addr(&req)),
    };
    if let Some(existing) = db::users::find_by_email(&mut conn, &valid.email).await? {
        // Say nothing on the page about the address having an account; tell its owner instead.
        let (state_ref, actor_ref) = (&state, &actor);
        conn.transaction::<_, AppError, _>(async move |conn| {
            tell_owner_once_an_hour(conn, state_ref, actor_ref, &existing, AddressUse::SignUp)
                .await?;
            audit::record(
                conn,
                &state_ref.audit_key,
                actor_ref,
                Event::new(Action::SignupRefused, ObjectType::User, existing.id)
                    .with(serde_json::json!({"reason": "email_in_use"})),
            )
            .await?;
            Ok(())
        })
        .await?;
        return page(
            &SentPage {
                ctx: PageContext::from_request(&req),
                email: valid.email.into_string(),
            },
            StatusCode::OK,
        );
    }
    let institution = Institution {
        id: Uuid::now_v7(),
        legal_name_ko: form.legal_name_ko.trim().to_owned(),
        legal_name_en: form.legal_name_en.trim().to_owned(),
        business_registration_number: valid.brn.digits().to_owned(),
        corporate_registration_number: valid.crn.digits().to_owned(),
        lei: valid.lei.map(|l| l.as_str().to_owned()),
        institution_type: valid.institution_type,
        address: form.address.trim().to_owned(),
        contact_phone: form.contact_phone.trim().to_owned(),
        status: InstitutionStatus::Active,
        created_at: Utc::now(),
    };
    let user_id = Uuid::now_v7();
    let name = form.name.trim().to_owned();
    let (state_ref, actor_ref, inst_ref) = (&state, &actor, &institution);
    let (email, name_ref, hash_ref) = (&valid.email, &name, &hash);
    let created = conn
        .transaction::<_, AppError, _>(async move |conn| {
                db::institutions::insert(conn, inst_ref).await?;
                let new_user = NewUser {
                    id: user_id,
                    email: email.as_str(),
                    display_name: name_ref,
                    role: Role::Issuer,
                    institution_id: Some(inst_ref.id),
                    is_institution_admin: true,
                    is_authorised_signatory: false,
                    password_hash: Some(hash_ref),
                    email_verified_at: None,
                    lang: lang.code(),
                };
                db::users::insert(conn, &new_user).await?;
                let user = db::users::find(conn, user_id).await?.ok_or(AppError::NotFound)?;
                let link = issue_link(conn, state_ref, &user, Purpose::VerifyEmail).await?;
                let verify = VerifyEmail { to: Recipient::of(&user), institution: inst_ref.name(user.lang()), link: &link };
                mail::enqueue(conn, &state_ref.settings, verify).await?;
                let details = serde_json::json!({"business_registration_number": inst_ref.business_registration_number});
                audit::record(conn, &state_ref.audit_key, actor_ref, Event::new(Action::InstitutionSignedUp, ObjectType::Institution, inst_ref.id).with(details)).await?;
                audit::record(conn, &state_ref.audit_key, actor_ref, Event::new(Action::UserCreated, ObjectType::User, user_id).with(serde_json::json!({"role": Role::Issuer.as_str(), "institution_admin": true}))).await?;
                Ok(true)
            })
        .await;
    match created {
        Ok(_) => page(
            &SentPage {
                ctx: PageContext::from_request(&req),
                email: valid.email.into_string(),
            },
            StatusCode::OK,
        ),
        // Two sign-ups racing: the database's unique indexes decide. The same address racing gets
        // the page a new sign-up gets, as any address in use does.
        Err(AppError::Internal(e))
            if db::violated_unique(&e).is_some_and(|c| c == "users_email_key") =>
        {
            page(
                &SentPage {
                    ctx: PageContext::from_request(&req),
                    email: valid.email.into_string(),
                },
                StatusCode::OK,
            )
        }
        Err(AppError::Internal(e)) if db::is_unique_violation(&e) => {
            form.password.clear();
            form.confirm.clear();
            let errors = Errors::one(
                "business_registration_number",
                lang.t_with("signup-brn-taken", &[("brn", valid.brn.to_string().into())]),
            );
            send_back(&req, form, errors)
        }
        Err(e) => Err(e),
    }
}

/// The form again, with what was typed (but never the password) and the errors.
fn send_back(req: &HttpRequest, form: SignupForm, errors: Errors) -> AppResult<HttpResponse> {
    send_back_with(req, form, errors, StatusCode::UNPROCESSABLE_ENTITY)
}

/// The form again with everything typed but the passwords, and the errors on top.
fn send_back_with(
    req: &HttpRequest,
    mut form: SignupForm,
    errors: Errors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    form.password.clear();
    form.confirm.clear();
    page(
        &SignupPage {
            ctx: PageContext::from_request(req),
            form,
            errors,
            types: InstitutionType::ALL,
        },
        status,
    )
}

/// A sign-up nobody confirmed within the link's lifetime gives way to a new one with the same
/// number (often the same person trying again): otherwise anyone could hold a bank's number for good
/// by signing it up and never confirming. It is removed, and the removal audited, before the new
/// sign-up is checked.
async fn release_lapsed_signup(
    conn: &mut diesel_async::AsyncPgConnection,
    state: &AppState,
    req: &HttpRequest,
    brn_digits: &str,
) -> AppResult<()> {
    let lifetime = Purpose::VerifyEmail.lifetime();
    let Some(lapsed) = db::institutions::lapsed_signup(conn, brn_digits, lifetime).await? else {
        return Ok(());
    };
    let actor = Actor {
        user_id: None,
        email: None,
        client_addr: Some(client_addr(req)),
    };
    let key = &state.audit_key;
    conn.transaction::<_, AppError, _>(async move |conn| {
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
        audit::record(conn, key, &actor, event).await?;
        Ok(())
    })
    .await
}

/// Tells the owner of an address that someone tried to use it (the page the other person sees says
/// nothing about it), at most once an hour, so retries cannot fill their mailbox. Each mail sent is
/// audited as `user.told_of_address_use`, and the hour is counted from the last of those; the check
/// and the record take the audit log's turn together, so two attempts at once send one mail.
pub async fn tell_owner_once_an_hour(
    conn: &mut diesel_async::AsyncPgConnection,
    state: &AppState,
    actor: &Actor,
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
    mail::enqueue(conn, &state.settings, mail).await?;
    let what = match attempt {
        AddressUse::SignUp => "sign_up",
        AddressUse::EmailChange => "email_change",
    };
    let event = Event::new(OWNER_TOLD, ObjectType::User, owner.id)
        .with(serde_json::json!({"attempt": what}));
    audit::record(conn, &state.audit_key, actor, event).await?;
    Ok(())
}

/// The audit action of a mail telling an address's owner of an attempt to use it.
const OWNER_TOLD: Action = Action::UserToldOfAddressUse;

#[derive(Template)]
#[template(path = "signup/verify.html")]
struct VerifyPage {
    ctx: PageContext,
    name: String,
}

/// Opening the link shows a button: mail scanners that follow links must not use it up.
pub async fn verify_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let Some(user) = link_user(&mut conn, Purpose::VerifyEmail, &token).await? else {
        return link_invalid(&req);
    };
    session::ensure(&req, &mut conn).await?;
    page(
        &VerifyPage {
            ctx: PageContext::from_request(&req),
            name: user.display_name,
        },
        StatusCode::OK,
    )
}

pub async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let (state_ref, token_ref, addr) = (&state, &token, client_addr(&req));
    let verified = conn
        .transaction::<_, AppError, _>(async move |conn| {
            let Some(id) =
                db::tokens::consume(conn, Purpose::VerifyEmail, &fingerprint(token_ref)).await?
            else {
                return Ok(false);
            };
            db::users::mark_email_verified(conn, id).await?;
            let user = db::users::find(conn, id).await?.ok_or(AppError::NotFound)?;
            let actor = Actor {
                user_id: Some(id),
                email: Some(user.email.clone()),
                client_addr: Some(addr),
            };
            audit::record(
                conn,
                &state_ref.audit_key,
                &actor,
                Event::new(Action::EmailVerified, ObjectType::User, id),
            )
            .await?;
            Ok(true)
        })
        .await?;
    if verified {
        Ok(redirect("/login?notice=email-verified"))
    } else {
        link_invalid(&req)
    }
}
