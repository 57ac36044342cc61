//! Choosing the language of a response: `?lang=` first, then the remembered cookie, then the
//! browser's Accept-Language, then Korean. A `?lang=` choice is remembered for a year
//! (`middleware::lang`).

use actix_web::{HttpRequest, http::header};

use crate::i18n::Lang;

pub const LANG_COOKIE: &str = "lang";

/// The language chosen with `?lang=` in this query string, if any.
pub fn query_lang(query: &str) -> Option<Lang> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::from_code(&v))
}

/// The language this request should be answered in.
pub fn request_lang(req: &HttpRequest) -> Lang {
    query_lang(req.query_string())
        .or_else(|| {
            req.cookie(LANG_COOKIE)
                .and_then(|c| Lang::from_code(c.value()))
        })
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}
