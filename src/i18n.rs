//! Korean and English: the message catalogues under `src/locales/{ko,en}/*.ftl` (Fluent), compiled
//! into the binary, and how a request's language is chosen.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static CATALOGUES = {
        locales: "./src/locales",
        fallback_language: "ko",
        // Unicode isolation marks around arguments confuse screen readers and copy-paste.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages the portal speaks. Korean is the default: it is what the users work in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ko,
    En,
}

/// More than the catalogues hold: a key that is not a message is never kept without bound.
const RESOLVED_LIMIT: usize = 8192;

thread_local! {
    /// The messages without arguments this thread has resolved, per language (`Lang as usize`).
    static RESOLVED: RefCell<[HashMap<String, String>; 2]> = RefCell::default();
}

static KO: LazyLock<LanguageIdentifier> = LazyLock::new(|| "ko".parse().expect("valid tag"));
static EN: LazyLock<LanguageIdentifier> = LazyLock::new(|| "en".parse().expect("valid tag"));

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ko, Lang::En];

    /// The BCP 47 tag, as used in `lang` attributes, the `?lang=` parameter and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "ko" => Some(Lang::Ko),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's name in itself, as a language switch shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ko => "한국어",
            Lang::En => "English",
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }

    /// The first supported language in an `Accept-Language` header, in the order the browser gives.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        fluent_langneg::accepted_languages::parse(header)
            .iter()
            .find_map(|tag| Lang::from_code(tag.language.as_str()))
    }

    fn identifier(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Ko => &KO,
            Lang::En => &EN,
        }
    }

    /// The message `key` in this language. A message without arguments always reads the same, so
    /// each thread keeps the ones it has resolved: a page shows dozens of them, and resolving one
    /// through the catalogues (language negotiation, bundle lookup, pattern resolution) cost more
    /// than rendering the rest of the page.
    pub fn t(self, key: &str) -> String {
        RESOLVED.with_borrow_mut(|resolved| {
            let messages = &mut resolved[self as usize];
            if let Some(message) = messages.get(key) {
                return message.clone();
            }
            let message = CATALOGUES.lookup(self.identifier(), key);
            if messages.len() < RESOLVED_LIMIT {
                messages.insert(key.to_owned(), message.clone());
            }
            message
        })
    }

    /// The message `key`, or `None` when no catalogue has it.
    pub fn try_t(self, key: &str) -> Option<String> {
        CATALOGUES.try_lookup(self.identifier(), key)
    }

    /// The message `key` with named arguments filled in.
    pub fn t_with(self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        CATALOGUES.lookup_with_args(self.identifier(), key, &args)
    }
}

#[cfg(test)]
mod keys;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_supported_tag() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,ko;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("ko-KR,ko;q=0.9"), Some(Lang::Ko));
        assert_eq!(Lang::from_accept_language("fr-FR,en;q=0.5"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr-FR"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn messages_come_in_both_languages() {
        assert_eq!(Lang::Ko.t("lang-name"), "한국어");
        assert_eq!(Lang::En.t("lang-name"), "English");
    }

    #[test]
    fn a_kept_message_stays_in_its_own_language() {
        // Asked again, each language answers from what this thread kept, never the other's.
        for _ in 0..2 {
            assert_eq!(Lang::En.t("lang-name"), "English");
            assert_eq!(Lang::Ko.t("lang-name"), "한국어");
        }
        assert_eq!(
            Lang::En.t("lang-name"),
            CATALOGUES.lookup(Lang::En.identifier(), "lang-name")
        );
    }
}
