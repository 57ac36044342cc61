//! What every rendered page needs besides its own data: the language, the links for the language
//! switch, and asset URLs. Page structs carry one `PageContext` named `ctx`.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::i18n::Lang;
use crate::web::forms::{Choice, Errors, FieldError};
use crate::web::notice::Notice;

use crate::web::session::{self, Session, SessionUser};
use crate::web::{AppState, lang::request_lang};

#[derive(Debug, Clone)]
pub struct PageContext {
    pub lang: Lang,
    /// The current path and query without `lang` and `notice`, to build the language switch links.
    path_without_lang: String,
    asset_prefix: String,
    /// The session's CSRF token, put in every form ("" when there is no session).
    pub csrf_token: String,
    /// The signed-in user, for the header.
    pub user: Option<SessionUser>,
    /// The name of a user partway through signing in (enrolling or entering their second factor):
    /// the header shows them and a way to sign out, not the visitor's links.
    pub signing_in: Option<String>,
    /// A message about what just happened (`?notice=…` after a redirect), already translated.
    pub notice: Option<String>,
    pub demo: bool,
}

impl PageContext {
    pub fn from_request(req: &HttpRequest) -> Self {
        let state = req.app_data::<web::Data<AppState>>();
        let asset_prefix = state
            .map(|s| s.assets.prefix())
            .unwrap_or_else(|| "/static/0".into());
        let demo = state.is_some_and(|s| s.demo_enabled());
        let session = session::current(req);
        let lang = request_lang(req);
        let notice = Notice::from_query(req.query_string()).map(|n| lang.t(n.message_key()));
        // The language links keep the query but the notice: it told of what had just been done,
        // and switching language does not do it again.
        let kept: Vec<(String, String)> =
            url::form_urlencoded::parse(req.query_string().as_bytes())
                .filter(|(k, _)| k != "lang" && k != "notice")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        let mut path_without_lang = same_origin_path(req.path());
        if !kept.is_empty() {
            path_without_lang.push('?');
            path_without_lang.push_str(
                &url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(kept)
                    .finish(),
            );
        }
        PageContext {
            lang,
            path_without_lang,
            asset_prefix,
            csrf_token: session
                .as_ref()
                .map(|s| s.csrf_token.clone())
                .unwrap_or_default(),
            signing_in: session.as_ref().and_then(partway),
            user: session.and_then(|s| s.signed_in().cloned()),
            notice,
            demo,
        }
    }

    /// The context once a handler has started or replaced the session (a form's first visit, a
    /// step of signing in): its CSRF token and signed-in user are the new session's.
    pub fn with_session(mut self, session: &Session) -> Self {
        self.csrf_token = session.csrf_token.clone();
        self.user = session.signed_in().cloned();
        self.signing_in = partway(session);
        self
    }

    /// The message `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// A form error's message in the page's language.
    pub fn error_message(&self, error: &FieldError) -> String {
        if error.args.is_empty() {
            return self.lang.t(error.key);
        }
        let args: Vec<_> = error
            .args
            .iter()
            .map(|(name, value)| (*name, value.clone().into()))
            .collect();
        self.lang.t_with(error.key, &args)
    }

    /// The label of the field `error` stands beside, in the page's language, for the error summary;
    /// `labels` pairs each field's id with its label key. "" for the form as a whole.
    pub fn error_label<'a, L>(&self, error: &FieldError, labels: &L) -> String
    where
        L: AsRef<[(&'a str, &'a str)]> + ?Sized,
    {
        labels
            .as_ref()
            .iter()
            .find(|(field, _)| *field == error.field)
            .map(|(_, key)| self.t(key))
            .unwrap_or_default()
    }

    /// The message of `field`'s error in the page's language, or "" when it has none.
    pub fn field_error(&self, errors: &Errors, field: &str) -> String {
        errors
            .get(field)
            .map(|e| self.error_message(e))
            .unwrap_or_default()
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

    /// The message `key` with named text arguments, for templates.
    pub fn t1(&self, key: &str, name: &'static str, value: &str) -> String {
        self.lang.t_with(key, &[(name, value.to_owned().into())])
    }

    /// The message `key` with its named arguments, already written as text (a finding's breach,
    /// an import's problem), for templates.
    pub fn message_with(&self, key: &str, args: Vec<(&'static str, String)>) -> String {
        let args: Vec<_> = args
            .into_iter()
            .map(|(name, value)| (name, value.into()))
            .collect();
        self.lang.t_with(key, &args)
    }

    /// Radio options for coded values (roles, institution types), each named in the page's language.
    pub fn choices<T: crate::domain::Labelled>(&self, values: &[T]) -> Vec<Choice> {
        values
            .iter()
            .map(|v| Choice {
                value: v.code().to_owned(),
                label: self.t(v.label_key()),
                lang: None,
            })
            .collect()
    }

    /// Radio options for the languages, each named in itself.
    pub fn language_choices(&self) -> Vec<Choice> {
        Lang::ALL
            .iter()
            .map(|l| Choice {
                value: l.code().to_owned(),
                label: l.native_name().to_owned(),
                lang: Some(l.code()),
            })
            .collect()
    }

    /// A moment as people in Korea read it: Seoul time.
    pub fn datetime(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&chrono_tz::Asia::Seoul)
            .format("%Y-%m-%d %H:%M KST")
            .to_string()
    }

    /// A fresh one-time key for a form (see `extract::Form`).
    pub fn form_key(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }

    /// Whether `id` is the signed-in user (no one may deactivate themself).
    pub fn is_me(&self, id: &uuid::Uuid) -> bool {
        self.user.as_ref().is_some_and(|u| u.id == *id)
    }

    pub fn is_admin(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == crate::domain::Role::Admin)
    }

    pub fn is_issuer(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == crate::domain::Role::Issuer)
    }

    /// A reviewer or an approver: the review queue is theirs.
    pub fn is_review_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| {
            matches!(
                u.role,
                crate::domain::Role::Reviewer | crate::domain::Role::Approver
            )
        })
    }

    pub fn is_issuer_admin(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == crate::domain::Role::Issuer && u.is_institution_admin)
    }
}

/// The name of the user of a session that is not fully signed in yet.
fn partway(session: &Session) -> Option<String> {
    let user = session.user.as_ref()?;
    session
        .signed_in()
        .is_none()
        .then(|| user.display_name.clone())
}

/// A request's path made safe to link to: always a path on this site, whatever the request said.
/// Browsers read `\` as `/`, drop tabs and line breaks, and resolve `.` and `..`, so a link that
/// starts `//`, `/\` or `/\t/` names another host. The path is rebuilt from its segments, split at
/// `/` and `\`, without empty and `.` ones, `..` resolved, and every character that is not plainly
/// a path's percent-encoded: the result is `/` or `/` and a segment, never `//`.
pub fn same_origin_path(raw: &str) -> String {
    let mut segments: Vec<String> = Vec::new();
    for segment in raw.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(encode_segment(segment)),
        }
    }
    let mut path = format!("/{}", segments.join("/"));
    if !segments.is_empty() && raw.ends_with(['/', '\\']) {
        path.push('/');
    }
    path
}

/// A path segment with every byte percent-encoded except the characters RFC 3986 allows in one
/// (`%XX` escapes already there are kept as they are).
fn encode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        let escape = b == b'%'
            && bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
        if escape || b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl FromRequest for PageContext {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(PageContext::from_request(req)))
    }
}

#[cfg(test)]
mod tests {
    use super::same_origin_path;

    #[test]
    fn a_request_path_becomes_a_path_on_this_site() {
        for (raw, path) in [
            ("/", "/"),
            ("/admin/users", "/admin/users"),
            ("/admin/", "/admin/"),
            ("//evil.example/x", "/evil.example/x"),
            ("/\\evil.example/x", "/evil.example/x"),
            ("/\\/evil.example", "/evil.example"),
            ("///", "/"),
            ("/./evil", "/evil"),
            ("/x/..//evil.example", "/evil.example"),
            ("/../../etc", "/etc"),
            ("/\t/evil.example", "/%09/evil.example"),
            ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),
            ("/100%/x", "/100%25/x"),
            ("/신청", "/%EC%8B%A0%EC%B2%AD"),
            ("/a\"b<c>", "/a%22b%3Cc%3E"),
        ] {
            assert_eq!(same_origin_path(raw), path, "{raw:?}");
        }
    }
}
