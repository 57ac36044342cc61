//! Deny by default: the route table (`web::routes`) gives every route an `Access`, and `enforce`,
//! wrapped around each route, is the only thing that decides who reaches it. A route missing from
//! the table cannot be reached at all.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use super::middleware::error_pages::refusal;
use super::session::{self, Session, SessionUser};
use super::{AppState, ROUTES};
use crate::domain::{Role, Stage};
use crate::error::AppError;

/// Who may reach a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Everybody, signed in or not.
    Anyone,
    /// Someone whose password was accepted and whose second factor is still to come.
    SecondFactor,
    /// Enrolling in MFA: after the password at sign-in, or signed in without MFA yet.
    MfaEnrolment,
    /// Any fully signed-in user.
    SignedIn,
    /// A member of an issuer institution (its administrator too).
    IssuerMember,
    /// The administrator of an issuer institution.
    IssuerAdmin,
    /// Regulator staff: reviewers, approvers and admins.
    Regulator,
    /// The staff who work cases: reviewers and approvers.
    Staff,
    /// Staff of a consulted body.
    Consultee,
    /// Portal administrators.
    Admin,
    /// Those who change an issuer's standing on the public register: approvers and admins.
    Registrar,
    /// Only while trying the portal (not production, mail written to files).
    Demo,
}

impl Access {
    /// Whether a fully signed-in `user` may reach a route of this access: the one predicate that
    /// both `decide` and the extractors of `extract::user` apply. The levels that do not depend on
    /// who the user is (anyone, the steps of signing in, the demo) admit by their stage instead,
    /// which `decide` weighs: here only `Anyone` admits.
    pub fn admits(self, user: &SessionUser) -> bool {
        let issuer = user.role == Role::Issuer && user.institution_id.is_some();
        match self {
            Access::Anyone | Access::SignedIn => true,
            Access::IssuerMember => issuer,
            Access::IssuerAdmin => issuer && user.is_institution_admin,
            Access::Regulator => user.role.is_regulator(),
            Access::Staff => matches!(user.role, Role::Reviewer | Role::Approver),
            Access::Consultee => user.role == Role::Consultee,
            Access::Admin => user.role == Role::Admin,
            Access::Registrar => matches!(user.role, Role::Approver | Role::Admin),
            Access::SecondFactor | Access::MfaEnrolment | Access::Demo => false,
        }
    }
}

pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

/// What happens to a request, given its route's access and its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Not signed in: a page asks for sign-in; a form post is refused.
    SignIn,
    /// Signed in already, on a step of signing in: a page goes to the account; a form post is refused.
    AlreadySignedIn,
    Forbidden,
    NotFound,
}

pub fn decide(access: Access, session: Option<&Session>, demo_enabled: bool) -> Decision {
    let stage = session.map_or(Stage::Anonymous, |s| s.stage);
    let user = session.and_then(|s| s.user.as_ref());
    let signed_in = session.and_then(Session::signed_in);
    match access {
        Access::Anyone => Decision::Allow,
        Access::Demo if demo_enabled => Decision::Allow,
        Access::Demo => Decision::NotFound,
        Access::SecondFactor => match (stage, user) {
            (Stage::PasswordVerified, Some(u)) if u.mfa_enabled => Decision::Allow,
            (Stage::SignedIn, Some(_)) => Decision::AlreadySignedIn,
            _ => Decision::SignIn,
        },
        Access::MfaEnrolment => match (stage, user) {
            (Stage::PasswordVerified | Stage::SignedIn, Some(u)) if !u.mfa_enabled => {
                Decision::Allow
            }
            (Stage::Anonymous, _) => Decision::SignIn,
            _ => Decision::Forbidden,
        },
        Access::SignedIn
        | Access::IssuerMember
        | Access::IssuerAdmin
        | Access::Regulator
        | Access::Staff
        | Access::Consultee
        | Access::Admin
        | Access::Registrar => match signed_in {
            Some(u) if access.admits(u) => Decision::Allow,
            Some(_) => Decision::Forbidden,
            None => Decision::SignIn,
        },
    }
}

/// The table's entry for a method and route pattern.
pub fn lookup(method: &Method, pattern: &str) -> Option<&'static RouteSpec> {
    ROUTES
        .iter()
        .find(|r| r.method == method.as_str() && r.path == pattern)
}

/// Middleware around every route: applies the table.
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    let access = req
        .match_pattern()
        .and_then(|p| lookup(req.method(), &p))
        .map(|r| r.access);
    let demo = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.demo_enabled());
    let decision = match access {
        Some(access) => decide(access, session::current(req.request()).as_ref(), demo),
        None => Decision::NotFound,
    };
    match decision {
        Decision::Allow => Ok(next.call(req).await?.map_into_left_body()),
        Decision::SignIn if req.method() == Method::GET => {
            let next_path = req
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned();
            let target = format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(next_path.as_bytes()).collect::<String>()
            );
            let response = HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .finish();
            Ok(req.into_response(response).map_into_right_body())
        }
        Decision::AlreadySignedIn if req.method() == Method::GET => {
            let response = HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/account"))
                .finish();
            Ok(req.into_response(response).map_into_right_body())
        }
        Decision::SignIn if req.method() == Method::POST => {
            let mut req = req;
            match crate::web::kept_posts::keep(&mut req).await {
                Some(response) => Ok(req.into_response(response).map_into_right_body()),
                None => Ok(refusal(req, AppError::Forbidden).map_into_right_body()),
            }
        }
        Decision::SignIn | Decision::AlreadySignedIn | Decision::Forbidden => {
            Ok(refusal(req, AppError::Forbidden).map_into_right_body())
        }
        Decision::NotFound => Ok(refusal(req, AppError::NotFound).map_into_right_body()),
    }
}
