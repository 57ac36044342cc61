//! An institution's administrator manages their colleagues: invites them, sets or clears who may
//! sign for the institution (the authorised-signatory flag), and deactivates those who leave.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use uuid::Uuid;
use validator::Validate;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db::institutions::Institution;
use crate::db::{self, users::User};
use crate::domain::{Role, Stage};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::services::identity::invitations::{self, Invitation};
use crate::web::extract::Form;
use crate::web::extract::{Actor, IssuerAdmin};
use crate::web::forms::{Errors, looks_like_email, normalise_email, required, ticked};
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::session;
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

#[derive(Debug, Default, Deserialize, Validate)]
#[serde(default)]
pub struct InviteForm {
    #[validate(custom(function = "required"))]
    name: String,
    email: String,
    signatory: Option<String>,
    lang: String,
}

pub async fn list(
    ctx: PageContext,
    admin: IssuerAdmin,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let form = InviteForm::default();
    let members = members_page(ctx, admin.institution, &state, form, Errors::default()).await?;
    page(&members, StatusCode::OK)
}

/// The page of members and the invitation form, as typed.
async fn members_page(
    ctx: PageContext,
    institution_id: Uuid,
    state: &AppState,
    mut form: InviteForm,
    errors: Errors,
) -> AppResult<MembersPage> {
    if form.lang.is_empty() {
        // The invitation mail defaults to the inviter's language.
        form.lang = ctx.lang.code().to_owned();
    }
    let mut conn = state.pool.get().await?;
    let institution = db::institutions::find(&mut conn, institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let members = db::users::members_of(&mut conn, institution_id).await?;
    Ok(MembersPage {
        ctx,
        institution,
        members,
        form,
        errors,
    })
}

pub async fn invite(
    ctx: PageContext,
    IssuerAdmin {
        user: who,
        institution: institution_id,
    }: IssuerAdmin,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<InviteForm>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let email = normalise_email(&form.email);
    let mut errors = form
        .validate()
        .err()
        .map(|shape| Errors::from_shape(&shape, &["name"]))
        .unwrap_or_default();
    if !looks_like_email(&email) {
        errors.add("email", "field-email-invalid");
    }
    if !errors.is_empty() {
        let members = members_page(ctx, institution_id, &state, form, errors).await?;
        return form_with_errors(&members);
    }
    // Whether the address already has an account is not the institution's business: its owner is
    // told by mail, and the page answers the same either way.
    let mut conn = state.pool.get().await?;
    let institution = db::institutions::find(&mut conn, institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let invitee_lang = Lang::from_code(&form.lang).unwrap_or(lang);
    let institution_name = institution.name(invitee_lang).to_owned();
    let cx = state.services(&actor);
    let signatory = ticked(&form.signatory);
    conn.transaction::<_, AppError, _>(async |conn| {
        let invitation = Invitation {
            inviter: &who.display_name,
            name: form.name.trim(),
            email: &email,
            role: Role::Issuer,
            institution: Some((institution_id, &institution_name)),
            signatory,
            lang: invitee_lang,
        };
        invitations::invite(conn, &cx, invitation).await?;
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
    IssuerAdmin {
        user: who,
        institution: institution_id,
    }: IssuerAdmin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<SignatoryForm>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let member = colleague(&mut conn, institution_id, *id).await?;
    let signatory = form.signatory == "true";
    if signatory == member.is_authorised_signatory {
        return Ok(redirect("/institution/members?notice=saved"));
    }
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
    ctx: PageContext,
    IssuerAdmin {
        user: who,
        institution: institution_id,
    }: IssuerAdmin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let member = colleague(&mut conn, institution_id, *id).await?;
    if member.id == who.id {
        let errors = Errors::form("members-cannot-deactivate-self");
        let form = InviteForm::default();
        let members = members_page(ctx, institution_id, &state, form, errors).await?;
        return page(&members, StatusCode::CONFLICT);
    }
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
