//! Korean and English: the message catalogues under `src/locales/{ko,en}/*.ftl` (Fluent), compiled
//! into the binary, and how a request's language is chosen.

use std::borrow::Cow;
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

    /// The message `key` in this language.
    pub fn t(self, key: &str) -> String {
        CATALOGUES.lookup(self.identifier(), key)
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
}
