//! A person's name as the portal stores, shows and mails it: plain words of bounded length, never a
//! link, a line break or a control that reorders text, since it is shown to others and mailed by the
//! portal (an invitation's name field was used to write phishing mail).

use std::fmt;

/// Longest name accepted, in characters.
pub const MAX_CHARS: usize = 100;

/// A checked name: trimmed, at most `MAX_CHARS` characters, with no link, no control character and no
/// bidirectional control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

/// Why a typed name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("no name")]
    Empty,
    #[error("longer than {MAX_CHARS} characters")]
    TooLong,
    #[error("looks like a link")]
    Link,
    #[error("holds a line break or control character")]
    Control,
}

impl NameError {
    /// The catalogue key of the message shown beside the field.
    pub fn message_key(self) -> &'static str {
        match self {
            NameError::Empty => "field-required",
            NameError::TooLong => "field-name-too-long",
            NameError::Link => "field-name-link",
            NameError::Control => "field-name-control",
        }
    }
}

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.chars().count() > MAX_CHARS {
            return Err(NameError::TooLong);
        }
        if name.chars().any(|c| c.is_control() || is_bidi_control(c)) {
            return Err(NameError::Control);
        }
        if looks_like_link(name) {
            return Err(NameError::Link);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The invisible marks and embeddings that change the order text is shown in (U+202E turns the rest
/// of a line around): a name never needs them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Endings of host names seen in links written into names; a word like `evil.example` ends in one.
const LINK_TAILS: [&str; 16] = [
    "com", "net", "org", "io", "kr", "example", "info", "biz", "co", "me", "app", "dev", "xyz",
    "top", "link", "site",
];

/// Whether the name holds a web address: a scheme, `www.`, or a word of the form `host.tail`.
fn looks_like_link(name: &str) -> bool {
    let lower = name.to_lowercase();
    if lower.contains("://") || lower.contains("www.") || lower.contains("http") {
        return true;
    }
    lower.split_whitespace().any(|word| {
        let mut labels = word.split('.');
        let host = labels.next().unwrap_or_default();
        !host.is_empty()
            && labels.any(|label| {
                let tail = label.split(|c: char| !c.is_alphanumeric()).next();
                tail.is_some_and(|tail| LINK_TAILS.contains(&tail))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_kept_trimmed() {
        for name in [
            "김지우",
            "Jiwoo Kim",
            "O'Brien-Park",
            "Seoyeon Park Jr.",
            "Älva Kim",
            "St. John",
        ] {
            assert_eq!(
                PersonName::parse(&format!(" {name} ")).unwrap().as_str(),
                name
            );
        }
    }

    #[test]
    fn length_is_capped_in_characters() {
        assert!(PersonName::parse(&"김".repeat(MAX_CHARS)).is_ok());
        assert_eq!(
            PersonName::parse(&"김".repeat(MAX_CHARS + 1)),
            Err(NameError::TooLong)
        );
        assert_eq!(
            PersonName::parse(&"a".repeat(90_000)),
            Err(NameError::TooLong)
        );
        assert_eq!(PersonName::parse("  "), Err(NameError::Empty));
    }

    #[test]
    fn links_are_refused() {
        for name in [
            "Security Team: sign in at https://evil.example/login",
            "see http//evil",
            "ftp://files",
            "www.evil",
            "go to evil.example/login",
            "Kim evil.com",
        ] {
            assert_eq!(PersonName::parse(name), Err(NameError::Link), "{name}");
        }
    }

    #[test]
    fn line_breaks_controls_and_bidi_controls_are_refused() {
        for name in [
            "Kim\nDear user",
            "Kim\r\nX",
            "Kim\tPark",
            "Kim\u{0}",
            "Kim\u{202E}gnp.exe",
            "Kim\u{202A}",
            "Kim\u{2066}x\u{2069}",
            "Kim\u{200E}",
            "Kim\u{200F}",
        ] {
            assert_eq!(PersonName::parse(name), Err(NameError::Control), "{name:?}");
        }
    }
}
