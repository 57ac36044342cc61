//! Email addresses in their one normal form: what is stored, compared under the unique index, looked
//! up at sign-in and mailed to, whichever way the address was typed.

use std::fmt;

use unicode_normalization::UnicodeNormalization;

/// An address the mailer can send to, in normal form: trimmed, Unicode NFC and lowercased (full
/// Unicode lowercasing, not case folding: `ß` stays `ß`). The whole address is lowercased, local
/// part too, because no mailbox provider our users have tells `Kim@` from `kim@`, and two accounts
/// for one mailbox (or an account its owner cannot find again) is the worse failure.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

/// Why a typed address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("not an email address the portal can send mail to")]
    Invalid,
}

/// Longest address SMTP carries (RFC 5321's path limit less the angle brackets).
const MAX_LEN: usize = 254;

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let normal = normal_form(raw);
        if deliverable(&normal) {
            Ok(Self(normal))
        } else {
            Err(EmailError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`, which a password must not be built from.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(local, _)| local)
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The normal form of whatever was typed, valid or not. NFC is applied before lowercasing (so NFD
/// input lowercases the same letters) and again after it (lowercasing `İ` gives `i` and a combining
/// dot, and other mappings may leave sequences that compose).
fn normal_form(raw: &str) -> String {
    let composed: String = raw.trim().nfc().collect();
    composed.to_lowercase().nfc().collect()
}

/// Whether the mailer accepts the address (lettre's own parser judges, so nothing accepted here fails
/// at delivery for its form) and its domain has a dot: something@something.tld.
fn deliverable(email: &str) -> bool {
    let Ok(address) = email.parse::<lettre::Address>() else {
        return false;
    };
    let domain = address.domain();
    // An address literal or a bare IP would send mail to whatever host that is, internal ones too.
    let names_a_host = domain.starts_with('[') || domain.parse::<std::net::IpAddr>().is_ok();
    domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !names_a_host
        && email.len() <= MAX_LEN
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normal(raw: &str) -> String {
        EmailAddress::parse(raw).unwrap().into_string()
    }

    #[test]
    fn email_shape() {
        let valid = |raw: &str| EmailAddress::parse(raw).is_ok();
        assert!(valid("kim@hanbit-bank.co.kr"));
        assert!(!valid("kim@localhost"));
        assert!(!valid("kim hanbit@bank.kr"));
        assert!(!valid("@bank.kr"));
        assert!(!valid("kim:lee@bank.kr"), "the mailer refuses it");
        assert!(!valid("kim@@bank.kr"));
        assert!(valid("kim.o'brien+fsc@bank.kr"));
        assert!(valid("김@은행.한국"));
        assert!(!valid("kim@127.0.0.1"), "no mail to a bare IP");
        assert!(!valid("kim@[10.0.0.1]"));
        assert!(!valid(&format!("{}@bank.kr", "k".repeat(250))));
    }

    #[test]
    fn ascii_is_trimmed_and_lowercased() {
        assert_eq!(
            normal("  Kim.Lee@Hanbit-Bank.CO.KR \n"),
            "kim.lee@hanbit-bank.co.kr"
        );
        assert_eq!(normal("kim@bank.kr"), "kim@bank.kr");
    }

    #[test]
    fn upper_and_lower_case_umlauts_are_one_address() {
        assert_eq!(normal("Ä@bank.kr"), "ä@bank.kr");
        assert_eq!(normal("ä@bank.kr"), "ä@bank.kr");
        assert_eq!(normal("ÄRZTIN@BÄNK.DE"), "ärztin@bänk.de");
    }

    #[test]
    fn composed_and_decomposed_letters_are_one_address() {
        let composed = "\u{00C4}@bank.kr"; // Ä as one code point
        let decomposed = "A\u{0308}@bank.kr"; // A and a combining diaeresis
        let lower_decomposed = "a\u{0308}@bank.kr";
        assert_eq!(normal(composed), "\u{00E4}@bank.kr");
        assert_eq!(normal(decomposed), "\u{00E4}@bank.kr");
        assert_eq!(normal(lower_decomposed), "\u{00E4}@bank.kr");
        assert_eq!(
            normal("고@bank.kr"),
            normal("\u{1100}\u{1169}@bank.kr"),
            "Hangul jamo"
        );
    }

    #[test]
    fn turkish_dotted_and_dotless_i_lowercase_without_a_locale() {
        // Capital dotted I lowercases to i and a combining dot above (there is no single letter),
        // whichever way it was typed; a mailbox name with a combining mark is one the mailer
        // refuses, so such an address is refused as a whole, never stored half-lowercased.
        assert_eq!(normal_form("İ@bank.kr"), "i\u{0307}@bank.kr");
        assert_eq!(normal_form("I\u{0307}@bank.kr"), "i\u{0307}@bank.kr");
        assert_eq!(
            EmailAddress::parse("İ@bank.kr"),
            EmailAddress::parse("i\u{0307}@bank.kr")
        );
        assert!(EmailAddress::parse("İ@bank.kr").is_err());
        // Dotless ı is its own letter and stays apart from i; plain I is i.
        assert_eq!(normal("ı@bank.kr"), "ı@bank.kr");
        assert_eq!(normal("I@bank.kr"), "i@bank.kr");
        assert_ne!(normal("ı@bank.kr"), normal("I@bank.kr"));
        // In a domain the dotted I is IDNA's business, which maps it the same way.
        assert_eq!(
            normal("kim@İzmir.com.tr"),
            normal("kim@i\u{0307}zmir.com.tr")
        );
    }

    #[test]
    fn sharp_s_is_lowercased_not_folded() {
        assert_eq!(normal("STRAẞE@bank.de"), "straße@bank.de");
        assert_eq!(normal("straße@bank.de"), "straße@bank.de");
        assert_ne!(normal("straße@bank.de"), normal("STRASSE@bank.de"));
    }

    #[test]
    fn the_local_part_is_before_the_last_at() {
        let email = EmailAddress::parse("Kim.Lee@bank.kr").unwrap();
        assert_eq!(email.local_part(), "kim.lee");
        assert_eq!(email.as_str(), "kim.lee@bank.kr");
    }
}
