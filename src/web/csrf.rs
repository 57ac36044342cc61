//! Every form POST goes through here, written once: the `Form` extractor checks the synchronizer
//! token of the session (CSRF) and the form's one-time key (a double submit does the work once), and
//! `refuse_cross_site` turns away state-changing requests that browsers mark as coming from another
//! site.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::de::DeserializeOwned;

use super::error_pages::refusal;
use super::{AppState, session};
use crate::auth::secrets::same_secret;
use crate::db::{self, form_submissions::Claim};
use crate::error::AppError;

/// A URL-encoded form whose `csrf_token` field matched the session's token.
pub struct Form<T>(pub T);

#[derive(serde::Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf_token: String,
    /// A one-time key of the rendered form, so that sending it twice does the work once.
    idempotency_key: Option<String>,
}

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let body = body.await?;
            if super::forms::has_nul(url::form_urlencoded::parse(&body)) {
                return Err(AppError::BadRequest.into());
            }
            let field: TokenField =
                serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest)?;
            let key = field
                .idempotency_key
                .as_deref()
                .and_then(|k| uuid::Uuid::parse_str(k).ok());
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or(AppError::Forbidden)?;
            // A form sent again after its first submission finished goes where the first went. This
            // comes before the session check: the first may have changed the session (signing in does).
            if let Some(key) = key
                && let Some(location) = completed(&state, key).await?
            {
                return Err(AppError::Repeat(location).into());
            }
            let session = session::current(&req).ok_or(AppError::Forbidden)?;
            if field.csrf_token.is_empty() || !same_secret(&field.csrf_token, &session.csrf_token) {
                return Err(AppError::Forbidden.into());
            }
            if let Some(key) = key {
                claim(&state, &req, key, session.id).await?;
            }
            let value = serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest)?;
            Ok(Form(value))
        })
    }
}

/// The redirect of a finished first submission with this key, if there is one.
async fn completed(state: &AppState, key: uuid::Uuid) -> Result<Option<String>, AppError> {
    let mut conn = state.pool.get().await?;
    Ok(db::form_submissions::location(&mut conn, key).await?)
}

/// How long a repeat waits for the first submission of its form to finish.
const REPEAT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Claims the key for this request, or, when another request of the session has it, waits for that
/// one to finish and answers with its redirect.
async fn claim(
    state: &AppState,
    req: &HttpRequest,
    key: uuid::Uuid,
    session: uuid::Uuid,
) -> Result<(), AppError> {
    let started = std::time::Instant::now();
    loop {
        let claim = {
            let mut conn = state.pool.get().await?;
            db::form_submissions::claim(&mut conn, key, session).await?
        };
        match claim {
            Claim::First => {
                req.extensions_mut().insert(Submission(key));
                return Ok(());
            }
            Claim::Foreign => return Err(AppError::Forbidden),
            Claim::Repeat(Some(location)) => return Err(AppError::Repeat(location)),
            Claim::Repeat(None) if started.elapsed() > REPEAT_WAIT => {
                return Err(AppError::Conflict);
            }
            Claim::Repeat(None) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
}

/// Marks a request as the first submission of its form's key.
#[derive(Clone, Copy)]
struct Submission(uuid::Uuid);

/// Middleware: records how the first submission of a form ended, for its repeats. A redirect is
/// replayed as it is; a page shown on success sends repeats to the account (or home); a form sent
/// back with errors frees the key, so the corrected form can be sent. A repeat leaves here as the
/// plain redirect it is: it travelled as an error only to skip the handler, and the request log
/// would otherwise report every double click as one.
pub async fn record_submission(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    if let Some(location) = replayed(&res) {
        return Ok(res.into_response(super::reply::redirect(&location)));
    }
    let Some(Submission(key)) = res.request().extensions().get::<Submission>().copied() else {
        return Ok(res);
    };
    let status = res.status();
    let location = if status.is_redirection() {
        res.headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    } else if status.is_success() {
        let home = if session::user(res.request()).is_some() {
            "/account"
        } else {
            "/"
        };
        Some(format!("{home}?notice=already-submitted"))
    } else {
        None
    };
    if let Some(state) = res.request().app_data::<web::Data<AppState>>() {
        let recorded = async {
            let mut conn = state.pool.get().await?;
            match &location {
                Some(to) => db::form_submissions::complete(&mut conn, key, to).await?,
                None => db::form_submissions::release(&mut conn, key).await?,
            }
            Ok::<_, AppError>(())
        };
        if let Err(e) = recorded.await {
            tracing::warn!(error = %e, "cannot record a form submission's outcome");
        }
    }
    Ok(res)
}

/// Where a repeated submission is sent, when this response answers one.
fn replayed(res: &ServiceResponse) -> Option<String> {
    match res.response().error()?.as_error::<AppError>()? {
        AppError::Repeat(location) => Some(location.clone()),
        _ => None,
    }
}

/// Middleware: a POST that the browser says comes from another site, or whose Origin is not ours,
/// is refused before any handler sees it.
pub async fn refuse_cross_site(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let headers = req.headers();
        let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        if fetch_site == Some("cross-site") {
            return Ok(refusal(req, AppError::Forbidden));
        }
        if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            let ours = req
                .app_data::<web::Data<AppState>>()
                .map(|s| s.settings.base_url.origin().ascii_serialization())
                .unwrap_or_default();
            if origin != ours {
                return Ok(refusal(req, AppError::Forbidden));
            }
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
