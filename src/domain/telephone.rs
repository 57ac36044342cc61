//! Telephone numbers as people in Korea type them: digits grouped by spaces or hyphens, perhaps a
//! leading + and country code, perhaps in full-width digits from a Korean input method.

use std::fmt;

use super::identifiers::fold_width;

/// Fewer digits is no Korean number (the shortest, `1588-1234`, has 8); more is beyond E.164.
pub const MIN_DIGITS: usize = 8;
pub const MAX_DIGITS: usize = 15;

/// Why a telephone number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not 8 to 15 digits with spaces, hyphens and a leading +")]
pub struct TelephoneError;

impl TelephoneError {
    /// The catalogue key of the message that explains the problem.
    pub fn message_key(self) -> &'static str {
        "field-phone-invalid"
    }
}

/// A telephone number, kept as written (in ASCII, single spaces) since people group digits their
/// own way: `02-555-0101`, `+82 2 555 0101`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TelephoneNumber(String);

impl TelephoneNumber {
    pub fn parse(raw: &str) -> Result<Self, TelephoneError> {
        let folded = fold_width(raw);
        let written = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        let rest = written.strip_prefix('+').unwrap_or(&written);
        let well_formed = rest.starts_with(|c: char| c.is_ascii_digit())
            && rest.ends_with(|c: char| c.is_ascii_digit())
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
        let digits = rest.chars().filter(char::is_ascii_digit).count();
        if !well_formed || !(MIN_DIGITS..=MAX_DIGITS).contains(&digits) {
            return Err(TelephoneError);
        }
        Ok(Self(written))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for TelephoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_people_write_them_are_accepted_as_written() {
        for (raw, kept) in [
            ("02-555-0101", "02-555-0101"),
            ("  010 1234 5678 ", "010 1234 5678"),
            ("+82 2 555 0101", "+82 2 555 0101"),
            ("1588-1234", "1588-1234"),
            ("０２－５５５－０１０１", "02-555-0101"),
            (
                "＋８２\u{3000}２\u{3000}５５５\u{3000}０１０１",
                "+82 2 555 0101",
            ),
        ] {
            assert_eq!(
                TelephoneNumber::parse(raw).map(|t| t.to_string()),
                Ok(kept.into()),
                "{raw}"
            );
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for raw in [
            "",
            "1234567",
            "1234567890123456",
            "02-555-O1O1",
            "02)555-0101",
            "82+2-555-0101",
            "++82 2 555 0101",
            "-02-555-0101",
            "02-555-0101 ext 3",
        ] {
            assert_eq!(TelephoneNumber::parse(raw), Err(TelephoneError), "{raw:?}");
        }
    }
}
