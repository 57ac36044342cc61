//! Server-side sessions: loaded once per request by `middleware::session::load` from the cookie,
//! checked against the idle and absolute timeouts and the user's state, and handed to handlers
//! through the request.
//! Handlers start, upgrade and end sessions with the functions here; the cookie follows.

use actix_web::{HttpMessage, HttpRequest};
use chrono::{Duration, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::AppState;
use crate::audit::{Action, ObjectType};
use crate::auth::secrets::{fingerprint, random_token};
use crate::db::{self, users::User};
use crate::domain::{Role, Stage};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

pub const IDLE_TIMEOUT_ISSUER: Duration = Duration::minutes(30);
pub const IDLE_TIMEOUT_REGULATOR: Duration = Duration::minutes(15);
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_AFTER: Duration = Duration::seconds(60);

/// The person behind a session, as handlers need them.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub institution_id: Option<Uuid>,
    pub is_institution_admin: bool,
    pub is_authorised_signatory: bool,
    pub mfa_enabled: bool,
    pub lang: Lang,
}

impl From<&User> for SessionUser {
    fn from(u: &User) -> Self {
        SessionUser {
            id: u.id,
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            institution_id: u.institution_id,
            is_institution_admin: u.is_institution_admin,
            is_authorised_signatory: u.is_authorised_signatory,
            mfa_enabled: u.mfa_enabled(),
            lang: u.lang(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: Uuid,
    pub stage: Stage,
    pub csrf_token: String,
    pub user: Option<SessionUser>,
}

impl Session {
    /// The user, once fully signed in.
    pub fn signed_in(&self) -> Option<&SessionUser> {
        self.user.as_ref().filter(|_| self.stage == Stage::SignedIn)
    }
}

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

/// A signed-in user who switches language keeps it: their mail follows the account's language.
/// A failure here costs only the preference, never the page.
pub(crate) async fn remember_language(
    state: &AppState,
    session: &mut Session,
    lang: Lang,
    addr: String,
) {
    let Some(user) = session.user.as_mut().filter(|u| u.lang != lang) else {
        return;
    };
    let actor = crate::audit::Actor {
        user_id: Some(user.id),
        email: Some(user.email.clone()),
        client_addr: Some(addr),
    };
    let (key, id) = (&state.audit_key, user.id);
    let saved = async {
        let mut conn = state.pool.get().await?;
        diesel_async::AsyncConnection::transaction::<_, AppError, _>(
            &mut *conn,
            async move |conn| {
                db::users::set_lang(conn, id, lang.code()).await?;
                let event =
                    crate::audit::Event::new(Action::UserLanguageChanged, ObjectType::User, id)
                        .with(serde_json::json!({"lang": lang.code()}));
                crate::audit::record(conn, key, &actor, event).await?;
                Ok(())
            },
        )
        .await
    };
    match saved.await {
        Ok(()) => user.lang = lang,
        Err(e) => tracing::warn!(error = %e, "cannot save the language preference"),
    }
}

/// The session for `token` if it exists and may still be used; a dead one is deleted.
pub(crate) async fn find_valid(state: &AppState, token: &str) -> AppResult<Option<Session>> {
    let mut conn = state.pool.get().await?;
    let conn = &mut conn;
    let Some((row, user, suspended)) = db::sessions::find(conn, &fingerprint(token)).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let idle = match &user {
        Some(u) if u.role.is_regulator() => IDLE_TIMEOUT_REGULATOR,
        _ => IDLE_TIMEOUT_ISSUER,
    };
    let alive = now - row.last_seen_at < idle
        && now - row.created_at < ABSOLUTE_TIMEOUT
        && (row.user_id.is_none() || user.as_ref().is_some_and(|u| u.active))
        && !suspended;
    if !alive {
        db::sessions::delete(conn, row.id).await?;
        return Ok(None);
    }
    if now - row.last_seen_at > TOUCH_AFTER {
        db::sessions::touch(conn, row.id).await?;
    }
    Ok(Some(Session {
        id: row.id,
        stage: row.stage,
        csrf_token: row.csrf_token,
        user: user.as_ref().map(SessionUser::from),
    }))
}

/// The current session, or a new anonymous one: forms need a session to carry their CSRF token.
pub async fn ensure(req: &HttpRequest, conn: &mut AsyncPgConnection) -> AppResult<Session> {
    if let Some(session) = current(req) {
        return Ok(session);
    }
    begin(req, conn, None, Stage::Anonymous).await
}

/// A session just made in the database, whose cookie is yet to be sent.
pub struct NewSession {
    token: String,
    session: Session,
}

/// Makes a new session for `user` at `stage` with a new token, deleting `replacing`: a token never
/// survives a change of who is signed in or how far (no session fixation). Use it inside the
/// transaction of the change, then `install` the result once the transaction has committed.
pub async fn create(
    conn: &mut AsyncPgConnection,
    replacing: Option<Uuid>,
    user: Option<&User>,
    stage: Stage,
) -> diesel::QueryResult<NewSession> {
    if let Some(old) = replacing {
        db::sessions::delete(conn, old).await?;
    }
    let token = random_token();
    let row = db::sessions::create(
        conn,
        &fingerprint(&token),
        user.map(|u| u.id),
        stage,
        &random_token(),
    )
    .await?;
    let session = Session {
        id: row.id,
        stage,
        csrf_token: row.csrf_token,
        user: user.map(SessionUser::from),
    };
    Ok(NewSession { token, session })
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

/// The browser forgets its session (its row is gone already, with all of the user's sessions).
pub fn forget(req: &HttpRequest) {
    req.extensions_mut().insert(Current(None));
    req.extensions_mut().insert(CookieChange::Clear);
}

/// Ends the current session (sign out).
pub async fn end(req: &HttpRequest, conn: &mut AsyncPgConnection) -> AppResult<()> {
    if let Some(old) = current(req) {
        db::sessions::delete(conn, old.id).await?;
    }
    forget(req);
    Ok(())
}
