//! Cross-site request forgery protection, written once: the `Form` extractor checks the synchronizer
//! token of the session in every form it parses, and `refuse_cross_site` turns away state-changing
//! requests that browsers mark as coming from another site.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use super::error_pages::refusal;
use super::{AppState, session};
use crate::auth::secrets::same_secret;
use crate::error::AppError;

/// A URL-encoded form whose `csrf_token` field matched the session's token.
pub struct Form<T>(pub T);

#[derive(serde::Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf_token: String,
}

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let body = body.await?;
            let session = session::current(&req).ok_or(AppError::Forbidden)?;
            let field: TokenField =
                serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest)?;
            if super::forms::has_nul(url::form_urlencoded::parse(&body)) {
                return Err(AppError::BadRequest.into());
            }
            if field.csrf_token.is_empty() || !same_secret(&field.csrf_token, &session.csrf_token) {
                return Err(AppError::Forbidden.into());
            }
            let value = serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest)?;
            Ok(Form(value))
        })
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
