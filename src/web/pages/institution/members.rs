//! An institution's administrator manages their colleagues: invites them, sets or clears who may
//! sign for the institution (the authorised-signatory flag), and deactivates those who leave.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db::institutions::Institution;
use crate::db::{self, users::User};
use crate::domain::{EmailAddress, Role, Stage};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::csrf::Form;
use crate::web::forms::{Errors, ticked};
use crate::web::invitations::{self, Invitation};
use crate::web::reply::{page, redirect};
use crate::web::session::{self, SessionUser};
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "members/list.html")]
struct MembersPage {
    ctx: PageContext,
    institution: Institution,
    members: Vec<User>,
    form: InviteForm,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    name: String,
    email: String,
    signatory: Option<String>,
    lang: String,
}

/// The signed-in institution administrator and their institution.
fn admin_of(req: &HttpRequest) -> AppResult<(SessionUser, Uuid)> {
    let who = session::user(req).ok_or(AppError::Forbidden)?;
    let institution = who
        .institution_id
        .filter(|_| who.is_institution_admin)
        .ok_or(AppError::Forbidden)?;
    Ok((who, institution))
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    render(
        &req,
        &state,
        InviteForm::default(),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    mut form: InviteForm,
    errors: Errors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (_, institution_id) = admin_of(req)?;
    if form.lang.is_empty() {
        // The invitation mail defaults to the inviter's language.
        form.lang = PageContext::from_request(req).lang.code().to_owned();
    }
    let mut conn = state.pool.get().await?;
    let institution = db::institutions::find(&mut conn, institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let members = db::users::members_of(&mut conn, institution_id).await?;
    page(
        &MembersPage {
            ctx: PageContext::from_request(req),
            institution,
            members,
            form,
            errors,
        },
        status,
    )
}

pub async fn invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<InviteForm>,
) -> AppResult<HttpResponse> {
    let (who, institution_id) = admin_of(&req)?;
    let lang = PageContext::from_request(&req).lang;
    let email = EmailAddress::parse(&form.email);
    let mut errors = Errors::default();
    if form.name.trim().is_empty() {
        errors.add("name", lang.t("field-required"));
    }
    if email.is_err() {
        errors.add("email", lang.t("field-email-invalid"));
    }
    let email = match email {
        Ok(email) if errors.is_empty() => email,
        _ => return render(&req, &state, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    // Whether the address already has an account is not the institution's business: its owner is
    // told by mail, and the page answers the same either way.
    let mut conn = state.pool.get().await?;
    let institution = db::institutions::find(&mut conn, institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let invitee_lang = Lang::from_code(&form.lang).unwrap_or(lang);
    let institution_name = institution.name(invitee_lang).to_owned();
    let inviter = invitations::Inviter {
        name: who.display_name.clone(),
        actor: who.audit_actor(&req),
    };
    let (state_ref, who_ref, name, email_ref) =
        (&state, &inviter, form.name.trim().to_owned(), &email);
    let signatory = ticked(&form.signatory);
    conn.transaction::<_, AppError, _>(async move |conn| {
        let invitation = Invitation {
            name: &name,
            email: email_ref,
            role: Role::Issuer,
            institution: Some((institution_id, &institution_name)),
            signatory,
            lang: invitee_lang,
        };
        invitations::invite(conn, state_ref, who_ref, invitation).await?;
        Ok(())
    })
    .await?;
    Ok(redirect("/institution/members?notice=invited"))
}

/// A colleague of the signed-in administrator; anyone else's account is a 404.
async fn colleague(
    conn: &mut diesel_async::AsyncPgConnection,
    institution: Uuid,
    id: Uuid,
) -> AppResult<User> {
    db::users::find(conn, id)
        .await?
        .filter(|u| u.institution_id == Some(institution))
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignatoryForm {
    signatory: String,
}

pub async fn set_signatory(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<SignatoryForm>,
) -> AppResult<HttpResponse> {
    let (who, institution_id) = admin_of(&req)?;
    let mut conn = state.pool.get().await?;
    let member = colleague(&mut conn, institution_id, *id).await?;
    let signatory = form.signatory == "true";
    if signatory == member.is_authorised_signatory {
        return Ok(redirect("/institution/members?notice=saved"));
    }
    let actor = who.audit_actor(&req);
    let (key, member_id, themself) = (&state.audit_key, member.id, member.id == who.id);
    // The flag is a privilege: every session of the member ends, so none outlives the change
    // (SECURITY.md, sessions); an admin changing their own flag goes on under a new token.
    let renewed = conn
        .transaction::<_, AppError, _>(async move |conn| {
            db::users::set_signatory(conn, member_id, signatory).await?;
            let event = Event::new(Action::UserSignatoryChanged, ObjectType::User, member_id)
                .with(serde_json::json!({"authorised_signatory": signatory}));
            audit::record(conn, key, &actor, event).await?;
            db::sessions::delete_all_of(conn, member_id).await?;
            if !themself {
                return Ok(None);
            }
            let user = db::users::find(conn, member_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let new = session::create(conn, None, Some(&user), Stage::SignedIn).await?;
            Ok(Some(new))
        })
        .await?;
    if let Some(new) = renewed {
        session::install(&req, new);
    }
    Ok(redirect("/institution/members?notice=saved"))
}

pub async fn deactivate(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let (who, institution_id) = admin_of(&req)?;
    let mut conn = state.pool.get().await?;
    let member = colleague(&mut conn, institution_id, *id).await?;
    if member.id == who.id {
        let lang = PageContext::from_request(&req).lang;
        return render(
            &req,
            &state,
            InviteForm::default(),
            Errors::form(lang.t("members-cannot-deactivate-self")),
            StatusCode::CONFLICT,
        )
        .await;
    }
    let actor = who.audit_actor(&req);
    let key = &state.audit_key;
    conn.transaction::<_, AppError, _>(async move |conn| {
        db::users::deactivate(conn, member.id).await?;
        audit::record(
            conn,
            key,
            &actor,
            Event::new(Action::UserDeactivated, ObjectType::User, member.id),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(redirect("/institution/members?notice=deactivated"))
}
