//! The admin area: regulator accounts (invite, change role, deactivate and reactivate, reset MFA,
//! unlock), institutions and their state, and the audit log. The last active admin can never be
//! removed or demoted, and an admin cannot deactivate themself.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use uuid::Uuid;
use validator::Validate;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db::audit_log::{self, AuditRow};
use crate::db::institutions::Institution;
use crate::db::{self, users::User};
use crate::domain::{InstitutionStatus, Role};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::services::identity::invitations::{self, Invitation, Invited};
use crate::web::extract::Form;
use crate::web::extract::{Actor, Admin};
use crate::web::forms::{Errors, looks_like_email, normalise_email, required};
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::session::SessionUser;
use crate::web::{AppState, PageContext};

// ----- regulator accounts --------------------------------------------------------------------

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
    roles: [Role; 3],
}

pub async fn users(
    ctx: PageContext,
    state: web::Data<AppState>,
    search: web::Query<UserSearch>,
) -> AppResult<HttpResponse> {
    let search = search.into_inner();
    let mut conn = state.pool.get().await?;
    let role = Role::parse_regulator(&search.role);
    let users = db::users::regulators(&mut conn, &search.q, role).await?;
    page(
        &UsersPage {
            ctx,
            users,
            search,
            roles: Role::REGULATOR_ROLES,
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
}

#[derive(Template)]
#[template(path = "admin/invite.html")]
struct InvitePage {
    ctx: PageContext,
    form: InviteForm,
    errors: Errors,
    roles: [Role; 3],
}

pub async fn invite_form(ctx: PageContext) -> AppResult<HttpResponse> {
    let form = InviteForm {
        role: Role::Reviewer.as_str().into(),
        lang: ctx.lang.code().into(),
        ..InviteForm::default()
    };
    page(
        &InvitePage {
            ctx,
            form,
            errors: Errors::default(),
            roles: Role::REGULATOR_ROLES,
        },
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
    let role = Role::parse_regulator(&form.role);
    if role.is_none() {
        errors.add("role", "field-choose-one");
    }
    let mut conn = state.pool.get().await?;
    if errors.is_empty()
        && let Some(owner) = db::users::find_by_email(&mut conn, &email).await?
        && !invitations::may_invite_again(&owner, None)
    {
        errors.add("email", "invite-email-unavailable");
    }
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        let page_data = InvitePage {
            ctx,
            form,
            errors,
            roles: Role::REGULATOR_ROLES,
        };
        return form_with_errors(&page_data);
    };
    let invitee_lang = Lang::from_code(&form.lang).unwrap_or(lang);
    let cx = state.services(&actor);
    let invited = conn
        .transaction::<_, AppError, _>(async |conn| {
            let invitation = Invitation {
                inviter: &who.display_name,
                name: form.name.trim(),
                email: &email,
                role,
                institution: None,
                signatory: false,
                lang: invitee_lang,
            };
            invitations::invite(conn, &cx, invitation).await
        })
        .await?;
    match invited {
        Invited::Created(id) => Ok(redirect(&format!("/admin/users/{id}?notice=invited"))),
        // Taken between the check above and the insert: the same answer as the check's.
        Invited::AddressInUse => {
            let errors = Errors::one("email", "invite-email-unavailable");
            let page_data = InvitePage {
                ctx,
                form,
                errors,
                roles: Role::REGULATOR_ROLES,
            };
            form_with_errors(&page_data)
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

pub async fn user(
    ctx: PageContext,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    render_user(ctx, &state, *id, Errors::default(), StatusCode::OK).await
}

async fn render_user(
    ctx: PageContext,
    state: &AppState,
    id: Uuid,
    errors: Errors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let user = db::users::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let institution = match user.institution_id {
        Some(i) => db::institutions::find(&mut conn, i).await?,
        None => None,
    };
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

/// A change an admin makes to an account, checked and audited in one transaction.
enum AccountChange {
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

    fn notice(&self) -> &'static str {
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
enum Refused {
    Myself,
    LastAdmin,
    NotRegulator,
}

impl Refused {
    fn message_key(&self) -> &'static str {
        match self {
            Refused::Myself => "admin-cannot-change-self",
            Refused::LastAdmin => "admin-last-admin",
            Refused::NotRegulator => "admin-not-regulator",
        }
    }
}

async fn apply(
    conn: &mut AsyncPgConnection,
    who: &SessionUser,
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
    if about_themself && target.id == who.id {
        return Ok(Err(Refused::Myself));
    }
    if matches!(change, AccountChange::Role(_)) && !target.role.is_regulator() {
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
        AccountChange::Reactivate => db::users::set_active(conn, target.id, true).await?,
        AccountChange::ResetMfa => {
            db::users::clear_totp(conn, target.id).await?;
            db::users::delete_recovery_codes(conn, target.id).await?;
        }
        AccountChange::Unlock => db::users::unlock(conn, target.id).await?,
    }
    // A change of role or factor ends the account's sessions at once (deactivation does too).
    if matches!(change, AccountChange::Role(_) | AccountChange::ResetMfa) {
        db::sessions::delete_all_of(conn, target.id).await?;
    }
    Ok(Ok(()))
}

/// Who asks for an account change: the page to answer with, the admin and their audit actor.
struct Asker {
    ctx: PageContext,
    who: SessionUser,
    actor: Actor,
}

async fn change_account(
    Asker { ctx, who, actor }: Asker,
    state: web::Data<AppState>,
    id: Uuid,
    change: AccountChange,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let (key, who_ref, change_ref) = (&state.audit_key, &who, &change);
    let outcome = conn
        .transaction::<_, AppError, _>(async move |conn| {
            let target = db::users::find(conn, id).await?.ok_or(AppError::NotFound)?;
            let outcome = apply(conn, who_ref, &target, change_ref).await?;
            if outcome.is_ok() {
                let details = match change_ref {
                    AccountChange::Role(role) => {
                        serde_json::json!({"from": target.role.as_str(), "to": role.as_str()})
                    }
                    _ => serde_json::json!({}),
                };
                audit::record(
                    conn,
                    key,
                    &actor,
                    Event::new(change_ref.action(), ObjectType::User, id).with(details),
                )
                .await?;
            }
            Ok(outcome)
        })
        .await?;
    match outcome {
        Ok(()) => Ok(redirect(&format!(
            "/admin/users/{id}?notice={}",
            change.notice()
        ))),
        Err(refused) => {
            render_user(
                ctx,
                &state,
                id,
                Errors::form(refused.message_key()),
                StatusCode::CONFLICT,
            )
            .await
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
    Admin(who): Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<RoleForm>,
) -> AppResult<HttpResponse> {
    let role = Role::parse_regulator(&form.role).ok_or(AppError::BadRequest)?;
    change_account(
        Asker { ctx, who, actor },
        state,
        *id,
        AccountChange::Role(role),
    )
    .await
}

pub async fn deactivate(
    ctx: PageContext,
    Admin(who): Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    change_account(
        Asker { ctx, who, actor },
        state,
        *id,
        AccountChange::Deactivate,
    )
    .await
}

pub async fn reactivate(
    ctx: PageContext,
    Admin(who): Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    change_account(
        Asker { ctx, who, actor },
        state,
        *id,
        AccountChange::Reactivate,
    )
    .await
}

pub async fn reset_mfa(
    ctx: PageContext,
    Admin(who): Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    change_account(
        Asker { ctx, who, actor },
        state,
        *id,
        AccountChange::ResetMfa,
    )
    .await
}

pub async fn unlock(
    ctx: PageContext,
    Admin(who): Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    change_account(Asker { ctx, who, actor }, state, *id, AccountChange::Unlock).await
}

// ----- institutions --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/institutions.html")]
struct InstitutionsPage {
    ctx: PageContext,
    institutions: Vec<Institution>,
}

pub async fn institutions(ctx: PageContext, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let institutions = db::institutions::all(&mut conn).await?;
    page(&InstitutionsPage { ctx, institutions }, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "admin/institution.html")]
struct InstitutionPage {
    ctx: PageContext,
    institution: Institution,
    members: Vec<User>,
}

pub async fn institution(
    ctx: PageContext,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let institution = db::institutions::find(&mut conn, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    let members = db::users::members_of(&mut conn, *id).await?;
    page(
        &InstitutionPage {
            ctx,
            institution,
            members,
        },
        StatusCode::OK,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    status: String,
}

/// Suspending an institution ends its members' sessions; they cannot sign in until it is active again.
pub async fn set_institution_status(
    _: Admin,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<StatusForm>,
) -> AppResult<HttpResponse> {
    let status: InstitutionStatus = form.status.parse().map_err(|_| AppError::BadRequest)?;
    let id = *id;
    let mut conn = state.pool.get().await?;
    let key = &state.audit_key;
    conn.transaction::<_, AppError, _>(async move |conn| {
        let institution = db::institutions::find(conn, id)
            .await?
            .ok_or(AppError::NotFound)?;
        db::institutions::set_status(conn, id, status).await?;
        if status == InstitutionStatus::Suspended {
            for member in db::users::members_of(conn, id).await? {
                db::sessions::delete_all_of(conn, member.id).await?;
            }
        }
        let details =
            serde_json::json!({"from": institution.status.as_str(), "to": status.as_str()});
        audit::record(
            conn,
            key,
            &actor,
            Event::new(
                Action::InstitutionStatusChanged,
                ObjectType::Institution,
                id,
            )
            .with(details),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(redirect(&format!("/admin/institutions/{id}?notice=saved")))
}

// ----- audit log -----------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    actor: String,
    object: String,
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    ctx: PageContext,
    rows: Vec<AuditRow>,
    actions: Vec<Action>,
    query: AuditQuery,
    /// The link to the next (older) page, if there is one.
    older: Option<String>,
}

const AUDIT_PAGE_SIZE: i64 = 50;

pub async fn audit(
    ctx: PageContext,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let filter = audit_log::Filter {
        action: Some(query.action.clone()),
        actor_email: Some(query.actor.clone()),
        object_id: Some(query.object.clone()),
        before_seq: query.before,
    };
    let mut conn = state.pool.get().await?;
    let rows = audit_log::page(&mut conn, &filter, AUDIT_PAGE_SIZE).await?;
    let actions = audit_log::actions(&mut conn).await?;
    let older = (rows.len() as i64 == AUDIT_PAGE_SIZE).then(|| {
        let last = rows.last().map_or(0, |r| r.seq);
        let params = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("action", &query.action)
            .append_pair("actor", &query.actor)
            .append_pair("object", &query.object)
            .append_pair("before", &last.to_string())
            .finish();
        format!("/admin/audit?{params}")
    });
    page(
        &AuditPage {
            ctx,
            rows,
            actions,
            query,
            older,
        },
        StatusCode::OK,
    )
}
