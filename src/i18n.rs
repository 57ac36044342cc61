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

    /// Every key must exist in both catalogues: a key in one language only would show the other
    /// language (or the key itself) to some users.
    /// The message ids of a language's catalogue files.
    fn catalogue_keys(lang: &str) -> std::collections::BTreeSet<String> {
        {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("src/locales")
                .join(lang);
            let mut keys = std::collections::BTreeSet::new();
            for entry in std::fs::read_dir(&dir).expect("catalogue folder") {
                let path = entry.expect("entry").path();
                let source = std::fs::read_to_string(&path).expect("readable catalogue");
                let resource =
                    fluent_syntax::parser::parse(source.as_str()).unwrap_or_else(|(_, errors)| {
                        panic!("{} does not parse: {errors:?}", path.display())
                    });
                for entry in resource.body {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        let file = path.file_name().unwrap().to_string_lossy().into_owned();
                        assert!(
                            keys.insert(m.id.name.to_string()),
                            "{} twice ({file})",
                            m.id.name
                        );
                    }
                }
            }
            keys
        }
    }

    #[test]
    fn catalogues_have_the_same_keys_in_both_languages() {
        let (ko, en) = (catalogue_keys("ko"), catalogue_keys("en"));
        let only_ko: Vec<_> = ko.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&ko).collect();
        assert!(only_ko.is_empty(), "keys only in Korean: {only_ko:?}");
        assert!(only_en.is_empty(), "keys only in English: {only_en:?}");
        assert!(ko.len() > 10, "the catalogues look empty");
    }

    /// Every key the code and templates name literally must be in the catalogues; a missing one
    /// would show its key instead of words. Keys built at run time are listed by family.
    #[test]
    fn every_key_in_use_is_in_the_catalogues() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        collect(&root.join("src"), &mut sources);
        collect(&root.join("templates"), &mut sources);
        let mut used = std::collections::BTreeSet::new();
        for path in sources {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for call in [".t(\"", ".t1(\"", ".t_with(\"", ".try_t(\""] {
                for piece in text.split(call).skip(1) {
                    let key: String = piece
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                        .collect();
                    if piece[key.len()..].starts_with('"') && !key.is_empty() && !key.ends_with('-')
                    {
                        used.insert(key);
                    }
                }
            }
            for piece in text.split("notice=").skip(1) {
                let notice: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                    .collect();
                if !notice.is_empty() {
                    used.insert(format!("notice-{notice}"));
                }
            }
        }
        for family in [
            &[
                "institution-type-bank",
                "institution-type-non_bank",
                "institution-type-fintech",
                "institution-type-other",
            ][..],
            &["institution-status-active", "institution-status-suspended"],
            &[
                "set-password-title-reset",
                "set-password-title-invitation",
                "set-password-submit-reset",
                "set-password-submit-invitation",
            ],
            &[
                "signup-brn-format",
                "signup-brn-check",
                "signup-crn-format",
                "signup-crn-check",
                "signup-lei-format",
                "signup-lei-check",
            ],
            &[
                "notice-role-changed",
                "notice-deactivated",
                "notice-reactivated",
                "notice-mfa-reset",
                "notice-unlocked",
            ],
            &[
                "role-issuer",
                "role-reviewer",
                "role-approver",
                "role-admin",
            ],
        ] {
            used.extend(family.iter().map(|k| k.to_string()));
        }
        for lang in Lang::ALL {
            let defined = catalogue_keys(lang.code());
            let missing: Vec<_> = used.difference(&defined).collect();
            assert!(
                missing.is_empty(),
                "keys missing in {}: {missing:?}",
                lang.code()
            );
        }
    }

    fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "rs" || e == "html" || e == "txt")
            {
                out.push(path);
            }
        }
    }
}
