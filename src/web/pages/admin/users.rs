//! Regulator accounts in the admin area: the list, inviting staff, an account's page and the guarded
//! changes made from it (role, deactivation and reactivation, MFA reset, unlock).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel_async::AsyncPgConnection;
use serde::Deserialize;
use uuid::Uuid;
use validator::Validate;

use crate::db::institutions::Institution;
use crate::db::{self, users::User};
use crate::domain::EmailAddress;
use crate::domain::Role;
use crate::domain::review::consultation::ConsultedBody;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::services::admin::accounts::{self, AccountChange, InviteRefused, Staff};
use crate::web::confirm::{Choose, ConfirmPage};
use crate::web::extract::Form;
use crate::web::extract::{Actor, Admin};
use crate::web::forms::{Errors, person_name, required};
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::{AppState, PageContext};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserSearch {
    q: String,
    role: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    ctx: PageContext,
    users: Vec<User>,
    search: UserSearch,
    roles: [Role; 4],
}

pub async fn list(
    ctx: PageContext,
    state: web::Data<AppState>,
    search: web::Query<UserSearch>,
) -> AppResult<HttpResponse> {
    let search = search.into_inner();
    let mut conn = state.pool.get().await?;
    let role = Role::parse_invited_by_admin(&search.role);
    let users = db::users::regulators(&mut conn, &search.q, role).await?;
    page(
        &UsersPage {
            ctx,
            users,
            search,
            roles: Role::INVITED_BY_ADMIN,
        },
        StatusCode::OK,
    )
}

#[derive(Debug, Default, Deserialize, Validate)]
#[serde(default)]
pub struct InviteForm {
    #[validate(custom(function = "required"))]
    name: String,
    email: String,
    role: String,
    lang: String,
    /// The consulted body, for a consultee.
    body: String,
}

impl InviteForm {
    /// The member of staff to invite, or what is wrong with the form. The invitation mail is in the
    /// inviter's language unless another is chosen.
    fn staff(&self, lang: Lang) -> Result<Staff, Errors> {
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
        let role = Role::parse_invited_by_admin(&self.role);
        if role.is_none() {
            errors.add("role", "field-choose-one");
        }
        // A consultee belongs to a body; nobody else does, whatever was ticked.
        let body = self.body.parse::<ConsultedBody>().ok();
        let consulted_body = (role == Some(Role::Consultee)).then_some(body).flatten();
        if role == Some(Role::Consultee) && consulted_body.is_none() {
            errors.add("body", "admin-invite-body-required");
        }
        match (role, email, name) {
            (Some(role), Ok(email), Some(name)) if errors.is_empty() => Ok(Staff {
                name,
                email,
                email_as_typed: self.email.trim().to_owned(),
                role,
                lang: Lang::from_code(&self.lang).unwrap_or(lang),
                consulted_body,
            }),
            _ => Err(errors),
        }
    }
}

/// The form comes back as typed: 422 for an address in use, 429 past a limit on invitations.
fn refusal_status(refused: InviteRefused) -> StatusCode {
    match refused {
        InviteRefused::AddressUnavailable => StatusCode::UNPROCESSABLE_ENTITY,
        InviteRefused::TooMany => StatusCode::TOO_MANY_REQUESTS,
    }
}

#[derive(Template)]
#[template(path = "admin/invite.html")]
struct InvitePage {
    ctx: PageContext,
    form: InviteForm,
    errors: Errors,
    roles: [Role; 4],
    bodies: &'static [ConsultedBody],
}

impl InvitePage {
    fn new(ctx: PageContext, form: InviteForm, errors: Errors) -> Self {
        InvitePage {
            ctx,
            form,
            errors,
            roles: Role::INVITED_BY_ADMIN,
            bodies: ConsultedBody::ALL,
        }
    }
}

pub async fn invite_form(ctx: PageContext) -> AppResult<HttpResponse> {
    let form = InviteForm {
        role: Role::Reviewer.as_str().into(),
        lang: ctx.lang.code().into(),
        ..InviteForm::default()
    };
    page(
        &InvitePage::new(ctx, form, Errors::default()),
        StatusCode::OK,
    )
}

pub async fn invite(
    ctx: PageContext,
    Admin(who): Admin,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<InviteForm>,
) -> AppResult<HttpResponse> {
    let staff = match form.staff(ctx.lang) {
        Ok(staff) => staff,
        Err(errors) => return form_with_errors(&InvitePage::new(ctx, form, errors)),
    };
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    match accounts::invite_staff(&mut conn, &cx, &who.display_name, staff).await? {
        Ok(id) => Ok(redirect(&format!("/admin/users/{id}?notice=invited"))),
        Err(refused) => {
            let errors = Errors::one(refused.field(), refused.message_key());
            page(&InvitePage::new(ctx, form, errors), refusal_status(refused))
        }
    }
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    ctx: PageContext,
    user: User,
    institution: Option<Institution>,
    roles: [Role; 3],
    errors: Errors,
}

pub async fn show(
    ctx: PageContext,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    render_user(ctx, &mut conn, *id, Errors::default(), StatusCode::OK).await
}

async fn render_user(
    ctx: PageContext,
    conn: &mut AsyncPgConnection,
    id: Uuid,
    errors: Errors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let accounts::Account { user, institution } = accounts::account(conn, id).await?;
    page(
        &UserPage {
            ctx,
            user,
            institution,
            roles: Role::REGULATOR_ROLES,
            errors,
        },
        status,
    )
}

/// Makes an account change and answers with the account's page: with a notice once made, or with
/// why it was refused (409).
async fn change_account(
    ctx: PageContext,
    actor: Actor,
    state: web::Data<AppState>,
    id: Uuid,
    change: AccountChange,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    match accounts::change_account(&mut conn, &cx, id, &change).await? {
        Ok(()) => Ok(redirect(&format!(
            "/admin/users/{id}?notice={}",
            change.notice()
        ))),
        Err(refused) => {
            let errors = Errors::form(refused.message_key());
            render_user(ctx, &mut conn, id, errors, StatusCode::CONFLICT).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    role: String,
}

pub async fn change_role(
    ctx: PageContext,
    _: Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<RoleForm>,
) -> AppResult<HttpResponse> {
    let role = Role::parse_regulator(&form.role).ok_or(AppError::BadRequest)?;
    change_account(ctx, actor, state, *id, AccountChange::Role(role)).await
}

pub async fn deactivate(
    ctx: PageContext,
    _: Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    change_account(ctx, actor, state, *id, AccountChange::Deactivate).await
}

pub async fn reactivate(
    ctx: PageContext,
    _: Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    change_account(ctx, actor, state, *id, AccountChange::Reactivate).await
}

pub async fn reset_mfa(
    ctx: PageContext,
    _: Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    change_account(ctx, actor, state, *id, AccountChange::ResetMfa).await
}

pub async fn unlock(
    ctx: PageContext,
    _: Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    change_account(ctx, actor, state, *id, AccountChange::Unlock).await
}

/// The page before a deactivation, a role change or an MFA reset: what it will do, and its button.
/// A role change with no role chosen yet (`None`, see `confirm_role`) offers the roles there.
async fn confirm_change(
    ctx: PageContext,
    state: web::Data<AppState>,
    id: Uuid,
    change: Option<AccountChange>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let accounts::Account { user, .. } = accounts::account(&mut conn, id).await?;
    let (verb, role) = match change {
        Some(AccountChange::ResetMfa) => ("reset-mfa", None),
        Some(AccountChange::Role(role)) => ("role", Some(role)),
        Some(_) => ("deactivate", None),
        None => ("role", None),
    };
    let [title, what, submit] = confirmation_keys(change.as_ref());
    let role_name = role.map(|r| ctx.t(r.label_key())).unwrap_or_default();
    let args = [
        ("name", user.display_name.clone().into()),
        ("email", user.email.clone().into()),
        ("from", ctx.t(user.role.label_key()).into()),
        ("role", role_name.into()),
    ];
    ConfirmPage {
        title: ctx.lang.t_with(title, &args),
        what: ctx.lang.t_with(what, &args),
        action: format!("/admin/users/{id}/{verb}"),
        hidden: role
            .map(|r| ("role", r.as_str().to_owned()))
            .into_iter()
            .collect(),
        choose: change.is_none().then(|| Choose {
            name: "role",
            legend: ctx.t("field-role"),
            choices: ctx.choices(&Role::REGULATOR_ROLES),
        }),
        submit: ctx.t(submit),
        back: format!("/admin/users/{id}"),
        ctx,
    }
    .reply()
}

/// The question, what will happen, and the button, of each change that asks first.
fn confirmation_keys(change: Option<&AccountChange>) -> [&'static str; 3] {
    match change {
        None => [
            "confirm-role-choose-title",
            "confirm-role-choose-what",
            "admin-change-role-submit",
        ],
        Some(AccountChange::Role(_)) => [
            "confirm-role-title",
            "confirm-role-what",
            "admin-change-role-submit",
        ],
        Some(AccountChange::ResetMfa) => [
            "confirm-reset-mfa-title",
            "confirm-reset-mfa-what",
            "admin-reset-mfa",
        ],
        _ => [
            "confirm-deactivate-title",
            "confirm-deactivate-what",
            "admin-deactivate",
        ],
    }
}

pub async fn confirm_deactivate(
    ctx: PageContext,
    _: Admin,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    confirm_change(ctx, state, *id, Some(AccountChange::Deactivate)).await
}

pub async fn confirm_reset_mfa(
    ctx: PageContext,
    _: Admin,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    confirm_change(ctx, state, *id, Some(AccountChange::ResetMfa)).await
}

/// The role chosen on the account page comes as `?role=`: the page asks before changing it. Without
/// a regulator role there, the page offers the roles to choose from.
pub async fn confirm_role(
    ctx: PageContext,
    _: Admin,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    form: web::Query<RoleForm>,
) -> AppResult<HttpResponse> {
    let change = Role::parse_regulator(&form.role).map(AccountChange::Role);
    confirm_change(ctx, state, *id, change).await
}
