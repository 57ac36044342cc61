//! The signed-in user, one extractor per access level of the route table. The table (`web::ROUTES`
//! with `access::decide`) decides who reaches a handler; these hand the handler who it is, by the
//! same predicate (`Access::admits`), so a handler cannot act for someone its route does not admit.
//! One that fails means the route table is wrong: a 403, as a refused route gets.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use uuid::Uuid;

use crate::error::AppError;
use crate::web::access::Access;
use crate::web::session::{self, SessionUser};

/// The fully signed-in user, if `access` admits them.
fn admitted(req: &HttpRequest, access: Access) -> Result<SessionUser, AppError> {
    session::user(req)
        .filter(|u| access.admits(u))
        .ok_or(AppError::Forbidden)
}

/// The user of an issuer level with the institution they act for.
fn of_institution(user: SessionUser) -> Result<(SessionUser, Uuid), AppError> {
    let institution = user.institution_id.ok_or(AppError::Forbidden)?;
    Ok((user, institution))
}

/// Any fully signed-in user.
#[derive(Debug, Clone)]
pub struct SignedIn(pub SessionUser);

/// A member of an issuer institution, and that institution.
#[derive(Debug, Clone)]
pub struct IssuerMember {
    pub user: SessionUser,
    pub institution: Uuid,
}

/// The administrator of an issuer institution, and that institution.
#[derive(Debug, Clone)]
pub struct IssuerAdmin {
    pub user: SessionUser,
    pub institution: Uuid,
}

/// Regulator staff: a reviewer, an approver or an admin.
#[derive(Debug, Clone)]
pub struct Regulator(pub SessionUser);

/// A portal administrator.
#[derive(Debug, Clone)]
pub struct Admin(pub SessionUser);

/// A reviewer or an approver: the staff who work cases.
#[derive(Debug, Clone)]
pub struct Staff(pub SessionUser);

/// A member of staff of a consulted body.
#[derive(Debug, Clone)]
pub struct Consultee(pub SessionUser);

/// An approver or an admin: who changes an issuer's standing on the register.
#[derive(Debug, Clone)]
pub struct Registrar(pub SessionUser);

/// Each extractor: its access level, and how it is made from an admitted user.
macro_rules! user_extractor {
    ($name:ident, $access:ident, $user:ident => $make:expr) => {
        impl FromRequest for $name {
            type Error = actix_web::Error;
            type Future = Ready<Result<Self, Self::Error>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let made = admitted(req, Access::$access).and_then(|$user| $make);
                ready(made.map_err(Into::into))
            }
        }
    };
}

user_extractor!(SignedIn, SignedIn, user => Ok(SignedIn(user)));
user_extractor!(IssuerMember, IssuerMember, user => of_institution(user)
    .map(|(user, institution)| IssuerMember { user, institution }));
user_extractor!(IssuerAdmin, IssuerAdmin, user => of_institution(user)
    .map(|(user, institution)| IssuerAdmin { user, institution }));
user_extractor!(Regulator, Regulator, user => Ok(Regulator(user)));
user_extractor!(Admin, Admin, user => Ok(Admin(user)));
user_extractor!(Staff, Staff, user => Ok(Staff(user)));
user_extractor!(Consultee, Consultee, user => Ok(Consultee(user)));
user_extractor!(Registrar, Registrar, user => Ok(Registrar(user)));

#[cfg(test)]
mod tests {
    use actix_web::FromRequest;
    use actix_web::test::TestRequest;

    use super::*;
    use crate::domain::{Role, Stage};
    use crate::i18n::Lang;
    use crate::web::access::{Decision, decide};
    use crate::web::session::Session;

    fn user(role: Role, institution_admin: bool) -> SessionUser {
        SessionUser {
            id: Uuid::now_v7(),
            email: "kim@bank.kr".into(),
            display_name: "Kim".into(),
            role,
            institution_id: (role == Role::Issuer).then(Uuid::now_v7),
            is_institution_admin: institution_admin,
            is_authorised_signatory: false,
            mfa_enabled: true,
            lang: Lang::Ko,
        }
    }

    fn session(stage: Stage, user: Option<SessionUser>) -> Session {
        Session {
            id: Uuid::now_v7(),
            stage,
            csrf_token: "t".into(),
            user,
        }
    }

    /// Whether the extractor of `access` hands over a user for a request with `session`.
    async fn extracts(access: Access, session: &Session) -> bool {
        let req = TestRequest::default().to_http_request();
        session::set_current(&req, session.clone());
        let mut payload = Payload::None;
        match access {
            Access::SignedIn => SignedIn::from_request(&req, &mut payload).await.is_ok(),
            Access::IssuerMember => IssuerMember::from_request(&req, &mut payload)
                .await
                .is_ok_and(|m| Some(m.institution) == m.user.institution_id),
            Access::IssuerAdmin => IssuerAdmin::from_request(&req, &mut payload)
                .await
                .is_ok_and(|m| Some(m.institution) == m.user.institution_id),
            Access::Regulator => Regulator::from_request(&req, &mut payload).await.is_ok(),
            Access::Admin => Admin::from_request(&req, &mut payload).await.is_ok(),
            Access::Staff => Staff::from_request(&req, &mut payload).await.is_ok(),
            Access::Consultee => Consultee::from_request(&req, &mut payload).await.is_ok(),
            Access::Registrar => Registrar::from_request(&req, &mut payload).await.is_ok(),
            other => panic!("{other:?} has no user extractor"),
        }
    }

    #[actix_web::test]
    async fn each_extractor_agrees_with_the_route_table() {
        let users = [
            ("issuer member", user(Role::Issuer, false)),
            ("issuer admin", user(Role::Issuer, true)),
            ("reviewer", user(Role::Reviewer, false)),
            ("approver", user(Role::Approver, false)),
            ("admin", user(Role::Admin, false)),
            ("consultee", user(Role::Consultee, false)),
        ];
        let levels = [
            Access::SignedIn,
            Access::IssuerMember,
            Access::IssuerAdmin,
            Access::Regulator,
            Access::Staff,
            Access::Consultee,
            Access::Admin,
            Access::Registrar,
        ];
        for access in levels {
            for (kind, u) in &users {
                for stage in [Stage::SignedIn, Stage::PasswordVerified] {
                    let session = session(stage, Some(u.clone()));
                    let allowed = decide(access, Some(&session), false) == Decision::Allow;
                    assert_eq!(
                        extracts(access, &session).await,
                        allowed,
                        "{access:?} for a {kind} at {stage:?}"
                    );
                }
            }
            let anonymous = session(Stage::Anonymous, None);
            assert!(!extracts(access, &anonymous).await, "{access:?} anonymous");
            assert_eq!(decide(access, Some(&anonymous), false), Decision::SignIn);
        }
    }
}
