//! Who the audit log records as acting: the user of the request's session (signed in, or on a step
//! of signing in) with the client's address; for an anonymous request, the address alone. A handler
//! that acts for someone the session does not know yet (a user found by a mailed link, a password
//! just accepted) names them with `acting_as`.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

pub use crate::audit::Actor;
use crate::db::users::User;
use crate::web::{client_addr, session};

impl FromRequest for Actor {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = session::current(req).and_then(|s| s.user);
        ready(Ok(Actor {
            user_id: user.as_ref().map(|u| u.id),
            email: user.map(|u| u.email),
            client_addr: Some(client_addr(req)),
        }))
    }
}

/// The actor for `user` acting through this request, when the session is not (yet) theirs.
pub fn acting_as(user: &User, req: &HttpRequest) -> Actor {
    Actor {
        user_id: Some(user.id),
        email: Some(user.email.clone()),
        client_addr: Some(client_addr(req)),
    }
}
