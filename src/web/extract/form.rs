//! Every form POST goes through here, written once: the `Form` extractor checks the synchronizer
//! token of the session (CSRF) and the form's one-time key (a double submit does the work once).
//! `check_csrf` and `claim_submission` are the two checks as plain functions, for any extractor of
//! a posted body (a multipart upload calls them too).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::auth::secrets::same_secret;
use crate::db::{self, form_submissions::Claim};
use crate::error::AppError;
use crate::web::{AppState, session};

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
            if crate::web::forms::has_nul(url::form_urlencoded::parse(&body)) {
                return Err(AppError::BadRequest.into());
            }
            let field: TokenField =
                serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest)?;
            claim_submission(&req, field.idempotency_key.as_deref(), &field.csrf_token).await?;
            let value = serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest)?;
            Ok(Form(value))
        })
    }
}

/// Whether `token`, as posted, is the session's CSRF token: a 403 otherwise, and without a session.
pub fn check_csrf(req: &HttpRequest, token: &str) -> Result<(), AppError> {
    let session = session::current(req).ok_or(AppError::Forbidden)?;
    if token.is_empty() || !same_secret(token, &session.csrf_token) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The checks of a posted form, given its one-time key (if it has one) and its CSRF token: a repeat
/// of a finished submission answers with the first one's redirect (`AppError::Repeat`), the token
/// must match, and the key is claimed for this request so a repeat waits for it.
pub async fn claim_submission(
    req: &HttpRequest,
    idempotency_key: Option<&str>,
    csrf_token: &str,
) -> Result<(), AppError> {
    let key = idempotency_key.and_then(|k| uuid::Uuid::parse_str(k).ok());
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or(AppError::Forbidden)?;
    // A form sent again after its first submission finished goes where the first went. This
    // comes before the session check: the first may have changed the session (signing in does).
    if let Some(key) = key
        && let Some(location) = completed(&state, key).await?
    {
        return Err(AppError::Repeat(location));
    }
    check_csrf(req, csrf_token)?;
    let session = session::current(req).ok_or(AppError::Forbidden)?;
    if let Some(key) = key {
        claim(&state, req, key, session.id).await?;
    }
    Ok(())
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
pub(crate) struct Submission(pub(crate) uuid::Uuid);
