//! Sessions: loaded once per request by `middleware::session::load` from the cookie, checked
//! against the idle and absolute timeouts and the user's state, and handed to handlers through the
//! request. A session with a user (at any stage of signing in) is a row in PostgreSQL; an anonymous
//! one lives in its signed cookie alone (`auth::anonymous_sessions`), so anonymous visits write
//! nothing.
//! Services make new sessions (`services::identity::sessions`); handlers install or forget them
//! here, and the cookie follows.

use actix_web::{HttpMessage, HttpRequest, web};
use chrono::{Duration, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::AppState;
use crate::auth::anonymous_sessions::AnonymousSessions;
use crate::auth::secrets::fingerprint;
use crate::db::{self, users::User};
use crate::domain::Stage;
use crate::error::{AppError, AppResult};
pub use crate::services::identity::sessions::{NewSession, Session, SessionUser, create};

pub const IDLE_TIMEOUT_ISSUER: Duration = Duration::minutes(30);
pub const IDLE_TIMEOUT_REGULATOR: Duration = Duration::minutes(15);
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_AFTER: Duration = Duration::seconds(60);

/// The session of this request, as the middleware found it or a handler made it.
#[derive(Clone)]
pub(crate) struct Current(pub(crate) Option<Session>);

/// What the response must do with the session cookie.
#[derive(Clone)]
pub(crate) enum CookieChange {
    Set(String),
    Clear,
}

pub(crate) fn cookie_name(state: &AppState) -> &'static str {
    if state.settings.secure_cookies() {
        "__Host-session"
    } else {
        "session"
    }
}

/// The current session, if any.
pub fn current(req: &HttpRequest) -> Option<Session> {
    req.extensions().get::<Current>().and_then(|c| c.0.clone())
}

/// Makes `session` the current one of this request without a cookie (for unit tests of extractors).
#[cfg(test)]
pub(crate) fn set_current(req: &HttpRequest, session: Session) {
    req.extensions_mut().insert(Current(Some(session)));
}

/// The fully signed-in user, if any.
pub fn user(req: &HttpRequest) -> Option<SessionUser> {
    current(req).and_then(|s| s.signed_in().cloned())
}

/// What a request's session cookie turned out to be.
pub(crate) enum Found {
    Alive(Session),
    /// No such session, or timed out: the cookie is cleared and the request goes on without it.
    Dead,
    /// The account was deactivated since: the row is deleted and the person is told, on a page
    /// that says whom to ask (their institution's administrator, or for staff the portal's).
    Deactivated {
        staff: bool,
    },
}

/// The session for `token` if it exists and may still be used; a dead one is deleted.
pub(crate) async fn find_valid(state: &AppState, token: &str) -> AppResult<Found> {
    if AnonymousSessions::is_anonymous(token) {
        return Ok(anonymous(state, token).map_or(Found::Dead, Found::Alive));
    }
    let mut conn = state.pool.get().await?;
    let conn = &mut conn;
    let Some((row, user, suspended)) = db::sessions::find(conn, &fingerprint(token)).await? else {
        return Ok(Found::Dead);
    };
    if let Some(user) = user.as_ref().filter(|u| !u.active) {
        db::sessions::delete(conn, row.id).await?;
        return Ok(Found::Deactivated {
            staff: user.role.is_official(),
        });
    }
    let now = Utc::now();
    let idle = match &user {
        Some(u) if u.role.is_official() => IDLE_TIMEOUT_REGULATOR,
        _ => IDLE_TIMEOUT_ISSUER,
    };
    let alive = now - row.last_seen_at < idle
        && now - row.created_at < ABSOLUTE_TIMEOUT
        && (row.user_id.is_none() || user.as_ref().is_some_and(|u| u.active))
        && !suspended;
    if !alive {
        db::sessions::delete(conn, row.id).await?;
        return Ok(Found::Dead);
    }
    if now - row.last_seen_at > TOUCH_AFTER {
        db::sessions::touch(conn, row.id).await?;
    }
    Ok(Found::Alive(Session {
        id: row.id,
        stage: row.stage,
        csrf_token: row.csrf_token,
        user: user.as_ref().map(SessionUser::from),
    }))
}

/// Where a deactivated account's next request lands.
pub fn deactivated_page(staff: bool) -> &'static str {
    if staff {
        "/account/deactivated?account=staff"
    } else {
        "/account/deactivated?account=institution"
    }
}

/// The anonymous session of a cookie, if its signature holds and it is younger than the absolute
/// lifetime. It has no idle timeout: nothing is kept to time, and it opens nothing but public forms.
fn anonymous(state: &AppState, cookie: &str) -> Option<Session> {
    let opened =
        AnonymousSessions::new(&state.audit_key).open(cookie, Utc::now(), ABSOLUTE_TIMEOUT);
    opened.map(|a| Session {
        id: a.id,
        stage: Stage::Anonymous,
        csrf_token: a.csrf_token,
        user: None,
    })
}

/// The current session, or a new anonymous one: forms need a session to carry their CSRF token.
/// A new anonymous session is its signed cookie alone; the database learns of it only when it gets
/// a user (signing in replaces it with a row).
pub fn ensure(req: &HttpRequest) -> AppResult<Session> {
    if let Some(session) = current(req) {
        return Ok(session);
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no app state")))?;
    let (cookie, anonymous) = AnonymousSessions::new(&state.audit_key).issue(Utc::now());
    let session = Session {
        id: anonymous.id,
        stage: Stage::Anonymous,
        csrf_token: anonymous.csrf_token,
        user: None,
    };
    Ok(install(
        req,
        NewSession {
            token: cookie,
            session,
        },
    ))
}

/// Makes `new` the session of this request and of the browser (its cookie goes with the response).
pub fn install(req: &HttpRequest, new: NewSession) -> Session {
    req.extensions_mut()
        .insert(Current(Some(new.session.clone())));
    req.extensions_mut().insert(CookieChange::Set(new.token));
    new.session
}

/// The id of the current session, to replace it.
pub fn current_id(req: &HttpRequest) -> Option<Uuid> {
    current(req).map(|s| s.id)
}

/// `create` and `install` in one, for changes that need no transaction of their own.
pub async fn begin(
    req: &HttpRequest,
    conn: &mut AsyncPgConnection,
    user: Option<&User>,
    stage: Stage,
) -> AppResult<Session> {
    let new = create(conn, current_id(req), user, stage).await?;
    Ok(install(req, new))
}

/// The browser forgets its session (its row is gone already: signed out, or with all of the user's
/// sessions).
pub fn forget(req: &HttpRequest) {
    req.extensions_mut().insert(Current(None));
    req.extensions_mut().insert(CookieChange::Clear);
}
