//! A query string with a NUL character is refused before any handler reads it (see `forms::has_nul`).

/// Middleware: a query string with a NUL character is refused before any handler reads it.
pub async fn refuse_nul_in_query(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    if crate::web::forms::has_nul(url::form_urlencoded::parse(req.query_string().as_bytes())) {
        return Ok(super::error_pages::refusal(
            req,
            crate::error::AppError::BadRequest,
        ));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
