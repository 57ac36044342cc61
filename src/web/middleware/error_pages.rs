//! Styled error pages in the user's language. Every 4xx and 5xx response that is not already an HTML
//! page (a handler's `AppError`, an unknown route, a refused method, a missing static file) is
//! replaced by one; a 5xx page shows the request id and nothing else about the cause.

use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpMessage, HttpResponse};
use askama::Template;

use crate::web::PageContext;

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    ctx: PageContext,
    status: u16,
    title: String,
    body: String,
    request_id: Option<String>,
}

/// The catalogue keys of a status's title and body: the statuses users meet get their own words.
fn message_keys(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("error-400-title", "error-400-body"),
        403 => ("error-403-title", "error-403-body"),
        404 => ("error-404-title", "error-404-body"),
        405 => ("error-405-title", "error-405-body"),
        409 => ("error-409-title", "error-409-body"),
        413 => ("error-413-title", "error-413-body"),
        415 => ("error-415-title", "error-415-body"),
        429 => ("error-429-title", "error-429-body"),
        503 => ("error-503-title", "error-503-body"),
        s if s >= 500 => ("error-500-title", "error-500-body"),
        _ => ("error-400-title", "error-400-body"),
    }
}

pub fn render<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let request = res.request().clone();
    let ctx = PageContext::from_request(&request);
    let request_id = status.is_server_error().then(|| {
        request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default()
    });
    let (title, body) = message_keys(status);
    let page = ErrorPage {
        title: ctx.t(title),
        body: ctx.t(body),
        status: status.as_u16(),
        request_id,
        ctx,
    };
    let html = page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "cannot render the error page");
        String::from("<!DOCTYPE html><title>Error</title><p>Error / 오류</p>")
    });
    let mut response = HttpResponse::build(status);
    response.content_type("text/html; charset=utf-8");
    // Keep what the original response said about retrying and allowed methods.
    for name in [header::RETRY_AFTER, header::ALLOW, header::SET_COOKIE] {
        for value in res.headers().get_all(&name) {
            response.append_header((name.clone(), value.clone()));
        }
    }
    let new = ServiceResponse::new(request, response.body(html));
    Ok(ErrorHandlerResponse::Response(new.map_into_right_body()))
}

/// A middleware's refusal as a response. Middleware must answer with a response rather than an
/// error: an error would travel past the error-page renderer and the security headers.
pub fn refusal(
    req: actix_web::dev::ServiceRequest,
    error: crate::error::AppError,
) -> ServiceResponse<actix_web::body::BoxBody> {
    use actix_web::ResponseError;
    req.into_response(error.error_response())
}
