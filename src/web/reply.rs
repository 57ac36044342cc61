//! Responses every handler builds the same way.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;

use crate::error::AppResult;

/// A rendered page with the given status (200 for a page, 422 for a form sent back with errors).
pub fn page(template: &impl Template, status: StatusCode) -> AppResult<HttpResponse> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(template.render()?))
}

/// A form sent back with errors: the page as it was filled in, with its errors, and 422. Every form
/// handler answers this way, so the double-submit record frees the form's key for the corrected one.
pub fn form_with_errors(template: &impl Template) -> AppResult<HttpResponse> {
    page(template, StatusCode::UNPROCESSABLE_ENTITY)
}

/// After a successful POST: 303 so that reloading the next page does not post again.
pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_owned()))
        .finish()
}

/// A `next` parameter is followed only to a path on this site, never to another host. Browsers drop
/// tabs and newlines from URLs (so `/\t/evil.example` becomes `//evil.example`) and read `\` as `/`,
/// so any of those, any control character, and anything that is not a plain absolute path is refused.
pub fn safe_next(next: &str) -> Option<String> {
    let plain = next.starts_with('/')
        && !next.starts_with("//")
        && !next
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        && !next.contains("://");
    plain.then(|| next.to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            super::safe_next("/admin?q=1").as_deref(),
            Some("/admin?q=1")
        );
        assert_eq!(super::safe_next("//evil.example"), None);
        assert_eq!(super::safe_next("https://evil.example"), None);
        assert_eq!(super::safe_next("/\\evil.example"), None);
        assert_eq!(super::safe_next("/\t/evil.example"), None);
        assert_eq!(super::safe_next("/\n/evil.example"), None);
        assert_eq!(super::safe_next("/ /evil.example"), None);
        assert_eq!(
            super::safe_next("/%09/evil.example").as_deref(),
            Some("/%09/evil.example"),
            "still encoded: a path"
        );
        assert_eq!(super::safe_next(""), None);
    }
}
