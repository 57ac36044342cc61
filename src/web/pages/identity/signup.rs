//! Signing up an institution with its first user (who becomes the institution's administrator), and
//! verifying that user's email address by a single-use link valid for 24 hours.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use validator::Validate;

use super::{link_invalid, refusal};
use crate::db::tokens::Purpose;
use crate::domain::EmailAddress;
use crate::domain::InstitutionType;
use crate::domain::identifiers::{
    BusinessRegistrationNumber, CorporateRegistrationNumber, Identifier, Lei,
};
use crate::domain::institution::{ADDRESS_MAX_CHARS, LEGAL_NAME_MAX_CHARS, TELEPHONE_MAX_CHARS};
use crate::domain::password;
use crate::domain::telephone::TelephoneNumber;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::services::identity::Refusal;
use crate::services::identity::links::link_user;
use crate::services::identity::signup::{self as service, Refused, SignUp};
use crate::web::extract::{Actor, Form};
use crate::web::forms::{Errors, at_most, person_name, required};
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::{AppState, PageContext, session};

/// What the person typed, kept as typed so that nothing is lost when the form comes back with errors.
#[derive(Debug, Default, Deserialize, Validate)]
#[serde(default)]
pub struct SignupForm {
    #[validate(custom(function = "required"))]
    pub legal_name_ko: String,
    #[validate(custom(function = "required"))]
    pub legal_name_en: String,
    #[validate(custom(function = "required"))]
    pub business_registration_number: String,
    #[validate(custom(function = "required"))]
    pub corporate_registration_number: String,
    pub lei: String,
    pub institution_type: String,
    #[validate(custom(function = "required"))]
    pub address: String,
    #[validate(custom(function = "required"))]
    pub contact_phone: String,
    #[validate(custom(function = "required"))]
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

pub async fn form(req: HttpRequest, ctx: PageContext) -> AppResult<HttpResponse> {
    let session = session::ensure(&req)?;
    let page_data = SignupPage {
        ctx: ctx.with_session(&session),
        form: SignupForm::default(),
        errors: Errors::default(),
        types: InstitutionType::ALL,
    };
    page(&page_data, StatusCode::OK)
}

/// The form's fields in the order it shows them: its errors are listed in this order.
const FIELDS: [&str; 12] = [
    "legal_name_ko",
    "legal_name_en",
    "business_registration_number",
    "corporate_registration_number",
    "lei",
    "institution_type",
    "address",
    "contact_phone",
    "name",
    "email",
    "password",
    "confirm",
];

/// The shape of the form (`validator`: required fields), then what its values mean.
fn validate(form: &SignupForm, lang: Lang) -> Result<SignUp, Errors> {
    let mut errors = match form.validate() {
        Ok(()) => Errors::default(),
        Err(shape) => Errors::from_shape(&shape, &FIELDS),
    };
    let brn = match BusinessRegistrationNumber::parse(&form.business_registration_number) {
        Ok(brn) => Some(brn),
        Err(e) if !form.business_registration_number.trim().is_empty() => {
            errors.add(
                "business_registration_number",
                e.message_key(Identifier::BusinessRegistrationNumber),
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
                e.message_key(Identifier::CorporateRegistrationNumber),
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
                errors.add("lei", e.message_key(Identifier::Lei));
                None
            }
        },
    };
    at_most(
        &form.legal_name_ko,
        LEGAL_NAME_MAX_CHARS,
        "legal_name_ko",
        &mut errors,
    );
    at_most(
        &form.legal_name_en,
        LEGAL_NAME_MAX_CHARS,
        "legal_name_en",
        &mut errors,
    );
    at_most(&form.address, ADDRESS_MAX_CHARS, "address", &mut errors);
    at_most(
        &form.contact_phone,
        TELEPHONE_MAX_CHARS,
        "contact_phone",
        &mut errors,
    );
    let name = person_name(&form.name, "name", &mut errors);
    let phone = TelephoneNumber::parse(&form.contact_phone);
    if let Err(e) = &phone
        && !form.contact_phone.trim().is_empty()
    {
        errors.add("contact_phone", e.message_key());
    }
    let institution_type = form.institution_type.parse::<InstitutionType>().ok();
    if institution_type.is_none() {
        errors.add("institution_type", "field-choose-one");
    }
    let email = EmailAddress::parse(&form.email);
    if email.is_err() {
        errors.add("email", "field-email-invalid");
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
    for problem in password::problems_of_new(&form.password, &form.confirm, &word_refs) {
        errors.add(problem.field(), problem.message_key());
    }
    let errors = errors.in_order_of(&FIELDS);
    match (brn, crn, institution_type, email, name, phone) {
        (Some(brn), Some(crn), Some(institution_type), Ok(email), Some(name), Ok(phone))
            if errors.is_empty() =>
        {
            Ok(SignUp {
                legal_name_ko: form.legal_name_ko.trim().to_owned(),
                legal_name_en: form.legal_name_en.trim().to_owned(),
                brn,
                crn,
                lei,
                institution_type,
                address: form.address.trim().to_owned(),
                contact_phone: phone.into_string(),
                name: name.into_string(),
                email,
                password: form.password.clone(),
                lang,
            })
        }
        _ => Err(errors),
    }
}

pub async fn submit(
    ctx: PageContext,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<SignupForm>,
) -> AppResult<HttpResponse> {
    let signup = match validate(&form, ctx.lang) {
        Ok(signup) => signup,
        Err(errors) => return form_with_errors(&signup_page(ctx, form, errors)),
    };
    match service::sign_up(&state.pool, &state.services(&actor), &signup).await? {
        Ok(()) => page(
            &SentPage {
                ctx,
                email: signup.email.into_string(),
            },
            StatusCode::OK,
        ),
        Err(Refused::TooMany) => page(
            &signup_page(ctx, form, refusal(&Refused::TooMany)),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(Refused::BrnTaken) => form_with_errors(&signup_page(ctx, form, brn_taken(&signup.brn))),
    }
}

/// The number has an institution already.
fn brn_taken(brn: &BusinessRegistrationNumber) -> Errors {
    let mut errors = Errors::default();
    let args = vec![("brn", brn.to_string())];
    let taken = Refused::BrnTaken;
    errors.add_with(taken.field(), taken.message_key(), args);
    errors
}

/// The form again with everything typed but the passwords, and the errors on top.
fn signup_page(ctx: PageContext, mut form: SignupForm, errors: Errors) -> SignupPage {
    form.password.clear();
    form.confirm.clear();
    SignupPage {
        ctx,
        form,
        errors,
        types: InstitutionType::ALL,
    }
}

#[derive(Template)]
#[template(path = "signup/verify.html")]
struct VerifyPage {
    ctx: PageContext,
    name: String,
}

/// Opening the link shows a button: mail scanners that follow links must not use it up.
pub async fn verify_form(
    req: HttpRequest,
    ctx: PageContext,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let Some(user) = link_user(&mut conn, Purpose::VerifyEmail, &token).await? else {
        return used_link(ctx, &mut conn, &token).await;
    };
    let session = session::ensure(&req)?;
    page(
        &VerifyPage {
            ctx: ctx.with_session(&session),
            name: user.display_name,
        },
        StatusCode::OK,
    )
}

pub async fn verify(
    ctx: PageContext,
    actor: Actor,
    state: web::Data<AppState>,
    token: web::Path<String>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    if service::verify_email(&mut conn, &state.services(&actor), &token).await? {
        Ok(redirect("/login?notice=email-verified"))
    } else {
        used_link(ctx, &mut conn, &token).await
    }
}

#[derive(Template)]
#[template(path = "signup/verified.html")]
struct VerifiedPage {
    ctx: PageContext,
}

/// A link that no longer works (410 either way): if the address it confirmed is confirmed, that is
/// what the person needs to hear (with the way to sign in), not that the link expired.
async fn used_link(
    ctx: PageContext,
    conn: &mut diesel_async::AsyncPgConnection,
    token: &str,
) -> AppResult<HttpResponse> {
    if service::address_confirmed_by(conn, token).await? {
        return page(&VerifiedPage { ctx }, StatusCode::GONE);
    }
    link_invalid(ctx)
}
