//! An institution's administrator manages their colleagues: invites them, sets or clears who may
//! sign for the institution (the authorised-signatory flag), and deactivates those who leave.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel_async::AsyncPgConnection;
use serde::Deserialize;
use uuid::Uuid;
use validator::Validate;

use crate::db::institutions::Institution;
use crate::db::users::User;
use crate::domain::EmailAddress;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::services::institution::members::{self as service, Colleague};
use crate::web::confirm::ConfirmPage;
use crate::web::extract::Form;
use crate::web::extract::{Actor, IssuerAdmin};
use crate::web::forms::{Errors, person_name, required, ticked};
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::session;
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "members/list.html")]
struct MembersPage {
    ctx: PageContext,
    institution: Institution,
    members: Vec<User>,
    invitations: Vec<service::ListedInvitation>,
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

impl InviteForm {
    /// The colleague to invite, or what is wrong with the form. The invitation mail is in the
    /// inviter's language unless another is chosen.
    fn colleague(&self, lang: Lang) -> Result<Colleague, Errors> {
        let email = EmailAddress::parse(&self.email);
        let mut errors = self
            .validate()
            .err()
            .map(|shape| Errors::from_shape(&shape, &["name"]))
            .unwrap_or_default();
        let name = person_name(&self.name, "name", &mut errors);
        if email.is_err() {
            errors.add("email", "field-email-invalid");
        }
        let (email, name) = match (email, name) {
            (Ok(email), Some(name)) if errors.is_empty() => (email, name),
            _ => return Err(errors),
        };
        Ok(Colleague {
            name,
            email,
            email_as_typed: self.email.trim().to_owned(),
            signatory: ticked(&self.signatory),
            lang: Lang::from_code(&self.lang).unwrap_or(lang),
        })
    }
}

pub async fn list(
    ctx: PageContext,
    admin: IssuerAdmin,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let form = InviteForm::default();
    let members = members_page(ctx, &mut conn, admin.institution, form, Errors::default()).await?;
    page(&members, StatusCode::OK)
}

/// The page of members and the invitation form, as typed.
async fn members_page(
    ctx: PageContext,
    conn: &mut AsyncPgConnection,
    institution: Uuid,
    mut form: InviteForm,
    errors: Errors,
) -> AppResult<MembersPage> {
    if form.lang.is_empty() {
        // The invitation mail defaults to the inviter's language.
        form.lang = ctx.lang.code().to_owned();
    }
    let service::Colleagues {
        roster: service::Roster {
            institution,
            members,
        },
        invitations,
    } = service::colleagues(conn, institution).await?;
    Ok(MembersPage {
        ctx,
        institution,
        members,
        invitations,
        form,
        errors,
    })
}

pub async fn invite(
    ctx: PageContext,
    IssuerAdmin {
        user: who,
        institution,
    }: IssuerAdmin,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<InviteForm>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let colleague = match form.colleague(ctx.lang) {
        Ok(colleague) => colleague,
        Err(errors) => {
            let members = members_page(ctx, &mut conn, institution, form, errors).await?;
            return form_with_errors(&members);
        }
    };
    let cx = state.services(&actor);
    match service::invite_member(&mut conn, &cx, institution, &who.display_name, colleague).await? {
        Ok(()) => Ok(redirect("/institution/members?notice=invited")),
        Err(refused) => {
            let errors = Errors::form(refused.message_key());
            let members = members_page(ctx, &mut conn, institution, form, errors).await?;
            page(&members, refusal_status(refused))
        }
    }
}

/// 429 past a limit on invitations (the form comes back as typed), 403 for an institution that may
/// not invite yet.
fn refusal_status(refused: service::InviteRefused) -> StatusCode {
    match refused {
        service::InviteRefused::Unconfirmed => StatusCode::FORBIDDEN,
        service::InviteRefused::TooMany => StatusCode::TOO_MANY_REQUESTS,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignatoryForm {
    signatory: String,
}

pub async fn set_signatory(
    req: HttpRequest,
    IssuerAdmin { institution, .. }: IssuerAdmin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<SignatoryForm>,
) -> AppResult<HttpResponse> {
    let signatory = form.signatory == "true";
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    let renewed = service::set_signatory(&mut conn, &cx, institution, *id, signatory).await?;
    // An administrator who changed their own flag goes on under a new session.
    if let Some(new) = renewed {
        session::install(&req, new);
    }
    Ok(redirect("/institution/members?notice=saved"))
}

pub async fn deactivate(
    ctx: PageContext,
    IssuerAdmin { institution, .. }: IssuerAdmin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    match service::deactivate_member(&mut conn, &cx, institution, *id).await? {
        Ok(()) => Ok(redirect("/institution/members?notice=deactivated")),
        Err(refused) => {
            let errors = Errors::form(refused.message_key());
            let form = InviteForm::default();
            let members = members_page(ctx, &mut conn, institution, form, errors).await?;
            page(&members, StatusCode::CONFLICT)
        }
    }
}

/// The page before deactivating a colleague: what it does, and its button.
pub async fn confirm_deactivate(
    ctx: PageContext,
    IssuerAdmin { institution, .. }: IssuerAdmin,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let member = service::member(&mut conn, institution, *id).await?;
    let args = [
        ("name", member.display_name.clone().into()),
        ("email", member.email.clone().into()),
    ];
    ConfirmPage {
        title: ctx.lang.t_with("confirm-deactivate-title", &args),
        what: ctx.lang.t_with("confirm-deactivate-member-what", &args),
        action: format!("/institution/members/{}/deactivate", member.id),
        hidden: Vec::new(),
        choose: None,
        submit: ctx.t("admin-deactivate"),
        back: "/institution/members".to_owned(),
        ctx,
    }
    .reply()
}
