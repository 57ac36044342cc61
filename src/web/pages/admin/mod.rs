//! The admin area: regulator accounts (invite, change role, deactivate and reactivate, reset MFA,
//! unlock), institutions and their state, and the audit log. The last active admin can never be
//! removed or demoted, and an admin cannot deactivate themself.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db::audit_log::{self, AuditRow};
use crate::db::institutions::Institution;
use crate::db::{self, users::User};
use crate::domain::{EmailAddress, InstitutionStatus, Role};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::csrf::Form;
use crate::web::forms::Errors;
use crate::web::invitations::{self, Invitation, Invited};
use crate::web::reply::{page, redirect};
use crate::web::session::{self, SessionUser};
use crate::web::{AppState, PageContext};

/// The admin acting, for the audit log and the rules about themself. The route table is what admits
/// only admins to these handlers; the role is checked here again so a handler can never act for
/// someone else by mistake.
fn admin(req: &HttpRequest) -> AppResult<SessionUser> {
    session::user(req)
        .filter(|u| u.role == Role::Admin)
        .ok_or(AppError::Forbidden)
}

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
    req: HttpRequest,
    state: web::Data<AppState>,
    search: web::Query<UserSearch>,
) -> AppResult<HttpResponse> {
    let search = search.into_inner();
    let mut conn = state.pool.get().await?;
    let role = Role::parse_regulator(&search.role);
    let users = db::users::regulators(&mut conn, &search.q, role).await?;
    page(
        &UsersPage {
            ctx: PageContext::from_request(&req),
            users,
            search,
            roles: Role::REGULATOR_ROLES,
        },
        StatusCode::OK,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
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

pub async fn invite_form(req: HttpRequest) -> AppResult<HttpResponse> {
    let form = InviteForm {
        role: Role::Reviewer.as_str().into(),
        lang: PageContext::from_request(&req).lang.code().into(),
        ..InviteForm::default()
    };
    page(
        &InvitePage {
            ctx: PageContext::from_request(&req),
            form,
            errors: Errors::default(),
            roles: Role::REGULATOR_ROLES,
        },
        StatusCode::OK,
    )
}

pub async fn invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<InviteForm>,
) -> AppResult<HttpResponse> {
    let who = admin(&req)?;
    let lang = PageContext::from_request(&req).lang;
    let email = EmailAddress::parse(&form.email);
    let mut errors = Errors::default();
    if form.name.trim().is_empty() {
        errors.add("name", lang.t("field-required"));
    }
    if email.is_err() {
        errors.add("email", lang.t("field-email-invalid"));
    }
    let role = Role::parse_regulator(&form.role);
    if role.is_none() {
        errors.add("role", lang.t("field-choose-one"));
    }
    let mut conn = state.pool.get().await?;
    if errors.is_empty()
        && let Ok(address) = &email
        && let Some(owner) = db::users::find_by_email(&mut conn, address).await?
        && !invitations::may_invite_again(&owner, None)
    {
        errors.add("email", lang.t("invite-email-unavailable"));
    }
    let (Some(role), Ok(email)) = (role.filter(|_| errors.is_empty()), email) else {
        let page_data = InvitePage {
            ctx: PageContext::from_request(&req),
            form,
            errors,
            roles: Role::REGULATOR_ROLES,
        };
        return page(&page_data, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let invitee_lang = Lang::from_code(&form.lang).unwrap_or(lang);
    let inviter = invitations::Inviter {
        name: who.display_name.clone(),
        actor: who.audit_actor(&req),
    };
    let (state_ref, who_ref, name, email_ref) =
        (&state, &inviter, form.name.trim().to_owned(), &email);
    let invited = conn
        .transaction::<_, AppError, _>(async move |conn| {
            let invitation = Invitation {
                name: &name,
                email: email_ref,
                role,
                institution: None,
                signatory: false,
                lang: invitee_lang,
            };
            invitations::invite(conn, state_ref, who_ref, invitation).await
        })
        .await?;
    match invited {
        Invited::Created(id) => Ok(redirect(&format!("/admin/users/{id}?notice=invited"))),
        // Taken between the check above and the insert: the same answer as the check's.
        Invited::AddressInUse => {
            let errors = Errors::one("email", lang.t("invite-email-unavailable"));
            let page_data = InvitePage {
                ctx: PageContext::from_request(&req),
                form,
                errors,
                roles: Role::REGULATOR_ROLES,
            };
            page(&page_data, StatusCode::UNPROCESSABLE_ENTITY)
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
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    render_user(&req, &state, *id, Errors::default(), StatusCode::OK).await
}

async fn render_user(
    req: &HttpRequest,
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
            ctx: PageContext::from_request(req),
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

async fn change_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: Uuid,
    change: AccountChange,
) -> AppResult<HttpResponse> {
    let who = admin(&req)?;
    let mut conn = state.pool.get().await?;
    let actor = who.audit_actor(&req);
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
            let lang = PageContext::from_request(&req).lang;
            render_user(
                &req,
                &state,
                id,
                Errors::form(lang.t(refused.message_key())),
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
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<RoleForm>,
) -> AppResult<HttpResponse> {
    let role = Role::parse_regulator(&form.role).ok_or(AppError::BadRequest)?;
    change_account(req, state, *id, AccountChange::Role(role)).await
}

pub async fn deactivate(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    change_account(req, state, *id, AccountChange::Deactivate).await
}

pub async fn reactivate(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    change_account(req, state, *id, AccountChange::Reactivate).await
}

pub async fn reset_mfa(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    change_account(req, state, *id, AccountChange::ResetMfa).await
}

pub async fn unlock(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> AppResult<HttpResponse> {
    change_account(req, state, *id, AccountChange::Unlock).await
}

// ----- institutions --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/institutions.html")]
struct InstitutionsPage {
    ctx: PageContext,
    institutions: Vec<Institution>,
}

pub async fn institutions(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let institutions = db::institutions::all(&mut conn).await?;
    page(
        &InstitutionsPage {
            ctx: PageContext::from_request(&req),
            institutions,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "admin/institution.html")]
struct InstitutionPage {
    ctx: PageContext,
    institution: Institution,
    members: Vec<User>,
}

pub async fn institution(
    req: HttpRequest,
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
            ctx: PageContext::from_request(&req),
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
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Form(form): Form<StatusForm>,
) -> AppResult<HttpResponse> {
    let who = admin(&req)?;
    let status: InstitutionStatus = form.status.parse().map_err(|_| AppError::BadRequest)?;
    let id = *id;
    let mut conn = state.pool.get().await?;
    let actor = who.audit_actor(&req);
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
    req: HttpRequest,
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
            ctx: PageContext::from_request(&req),
            rows,
            actions,
            query,
            older,
        },
        StatusCode::OK,
    )
}
