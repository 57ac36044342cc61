//! State-changing requests that browsers mark as coming from another site are turned away before any
//! handler sees them.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web;

use super::error_pages::refusal;
use crate::error::AppError;
use crate::web::AppState;

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
