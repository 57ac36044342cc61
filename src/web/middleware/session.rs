//! The session middleware: finds the session of the request's cookie once per request, and sets or
//! clears the cookie on the way out as the handler's session changes asked.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::LOCATION;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, web};

use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::services::identity::account;
use crate::web::AppState;
use crate::web::session::{
    CookieChange, Current, Found, Session, cookie_name, deactivated_page, find_valid,
};

fn state_of(req: &HttpRequest) -> AppResult<web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no app state")))
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
            Ok(Found::Alive(mut session)) => {
                if let Some(lang) = crate::web::lang::query_lang(req.query_string())
                    && from_our_own_pages(&req)
                {
                    remember_language(
                        &state,
                        &mut session,
                        lang,
                        crate::web::client_addr(req.request()),
                    )
                    .await;
                }
                req.extensions_mut().insert(Current(Some(session)));
            }
            Ok(Found::Dead) => {
                req.extensions_mut().insert(CookieChange::Clear);
            }
            Ok(Found::Deactivated { staff }) => {
                let mut gone = session_cookie(
                    cookie_name(&state),
                    String::new(),
                    state.settings.secure_cookies(),
                );
                gone.make_removal();
                let res = actix_web::HttpResponse::SeeOther()
                    .insert_header((LOCATION, deactivated_page(staff)))
                    .cookie(gone)
                    .finish();
                return Ok(req.into_response(res));
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
    let saved = async {
        let mut conn = state.pool.get().await?;
        account::remember_language(&mut conn, &state.services(&actor), user.id, lang).await
    };
    match saved.await {
        Ok(()) => user.lang = lang,
        Err(e) => tracing::warn!(error = %e, "cannot save the language preference"),
    }
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
