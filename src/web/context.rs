//! What every rendered page needs besides its own data: the language, the links for the language
//! switch, and asset URLs. Page structs carry one `PageContext` named `ctx`.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::i18n::Lang;

use super::{AppState, lang::request_lang};

#[derive(Debug, Clone)]
pub struct PageContext {
    pub lang: Lang,
    /// The current path and query without `lang`, to build the language switch links.
    path_without_lang: String,
    asset_prefix: String,
}

impl PageContext {
    pub fn from_request(req: &HttpRequest) -> Self {
        let asset_prefix = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.assets.prefix())
            .unwrap_or_else(|| "/static/0".into());
        let kept: Vec<(String, String)> =
            url::form_urlencoded::parse(req.query_string().as_bytes())
                .filter(|(k, _)| k != "lang")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        let mut path_without_lang = req.path().to_owned();
        if !kept.is_empty() {
            path_without_lang.push('?');
            path_without_lang.push_str(
                &url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(kept)
                    .finish(),
            );
        }
        PageContext {
            lang: request_lang(req),
            path_without_lang,
            asset_prefix,
        }
    }

    /// The message `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The versioned URL of a file under `static/`.
    pub fn asset(&self, path: &str) -> String {
        format!("{}/{path}", self.asset_prefix)
    }

    /// The current page in `lang`.
    pub fn switch_to(&self, lang: &Lang) -> String {
        let sep = if self.path_without_lang.contains('?') {
            '&'
        } else {
            '?'
        };
        format!("{}{sep}lang={}", self.path_without_lang, lang.code())
    }

    pub fn languages(&self) -> [Lang; 2] {
        Lang::ALL
    }
}

impl FromRequest for PageContext {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(PageContext::from_request(req)))
    }
}
