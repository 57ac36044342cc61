//! Server-side sessions: loaded once per request by `load` from the cookie, checked against the
//! idle and absolute timeouts and the user's state, and handed to handlers through the request.
//! Handlers start, upgrade and end sessions with the functions here; the cookie follows.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, web};
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

impl SessionUser {
    pub fn audit_actor(&self, req: &HttpRequest) -> crate::audit::Actor {
        crate::audit::Actor {
            user_id: Some(self.id),
            email: Some(self.email.clone()),
            client_addr: Some(super::client_addr(req)),
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
struct Current(Option<Session>);

/// What the response must do with the session cookie.
#[derive(Clone)]
enum CookieChange {
    Set(String),
    Clear,
}

fn cookie_name(state: &AppState) -> &'static str {
    if state.settings.secure_cookies() {
        "__Host-session"
    } else {
        "session"
    }
}

fn state_of(req: &HttpRequest) -> AppResult<web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no app state")))
}

/// The current session, if any.
pub fn current(req: &HttpRequest) -> Option<Session> {
    req.extensions().get::<Current>().and_then(|c| c.0.clone())
}

/// The fully signed-in user, if any.
pub fn user(req: &HttpRequest) -> Option<SessionUser> {
    current(req).and_then(|s| s.signed_in().cloned())
}

/// Middleware: finds the session of the request's cookie and checks it is still good.
pub async fn load(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let path = req.path();
    let needs_session = !(path.starts_with("/static/") || path == "/healthz" || path == "/readyz");
    let state = req.app_data::<web::Data<AppState>>().cloned();
    if let Some(state) = state.filter(|_| needs_session)
        && let Some(cookie) = req.cookie(cookie_name(&state))
    {
        match find_valid(&state, cookie.value()).await {
            Ok(Some(mut session)) => {
                if let Some(lang) = super::lang::query_lang(req.query_string())
                    && from_our_own_pages(&req)
                {
                    remember_language(
                        &state,
                        &mut session,
                        lang,
                        super::client_addr(req.request()),
                    )
                    .await;
                }
                req.extensions_mut().insert(Current(Some(session)));
            }
            Ok(None) => {
                req.extensions_mut().insert(CookieChange::Clear);
            }
            Err(e) => return Ok(super::error_pages::refusal(req, e)),
        }
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    let change = res.request().extensions().get::<CookieChange>().cloned();
    if let Some(change) = change {
        let state = state_of(res.request())?;
        let name = cookie_name(&state);
        let cookie = match change {
            CookieChange::Set(token) => {
                session_cookie(name, token, state.settings.secure_cookies())
            }
            CookieChange::Clear => {
                let mut c = session_cookie(name, String::new(), state.settings.secure_cookies());
                c.make_removal();
                c
            }
        };
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}

fn session_cookie(name: &'static str, token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

/// Whether the browser says this request comes from one of our own pages. Only then does `?lang=`
/// change the account's language: a link elsewhere (another site, a mail, a chat) may switch the
/// page and its cookie, but it must not change an account (state changes come from us alone).
fn from_our_own_pages(req: &ServiceRequest) -> bool {
    req.headers()
        .get("sec-fetch-site")
        .is_some_and(|site| site == "same-origin")
}

/// A signed-in user who switches language keeps it: their mail follows the account's language.
/// A failure here costs only the preference, never the page.
async fn remember_language(state: &AppState, session: &mut Session, lang: Lang, addr: String) {
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
async fn find_valid(state: &AppState, token: &str) -> AppResult<Option<Session>> {
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
