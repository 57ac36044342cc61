//! Korean business identifiers and the LEI, each checked with its check digits on parse, so a value
//! of these types is always well formed.

use std::fmt;

/// Why an identifier was refused; each maps to a message in the catalogues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("wrong length or characters")]
    Format,
    #[error("check digit does not match")]
    CheckDigit,
}

/// Which identifier a problem is about: the messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identifier {
    BusinessRegistrationNumber,
    CorporateRegistrationNumber,
    Lei,
}

impl IdentifierError {
    /// The catalogue key of the message that explains the problem with `identifier`.
    pub fn message_key(self, identifier: Identifier) -> &'static str {
        use Identifier::*;
        match (identifier, self) {
            (BusinessRegistrationNumber, IdentifierError::Format) => "signup-brn-format",
            (BusinessRegistrationNumber, IdentifierError::CheckDigit) => "signup-brn-check",
            (CorporateRegistrationNumber, IdentifierError::Format) => "signup-crn-format",
            (CorporateRegistrationNumber, IdentifierError::CheckDigit) => "signup-crn-check",
            (Lei, IdentifierError::Format) => "signup-lei-format",
            (Lei, IdentifierError::CheckDigit) => "signup-lei-check",
        }
    }
}

/// Text as a Korean input method may type it, folded to the ASCII a number is checked in:
/// full-width letters, digits and signs (`０-９`, `Ａ-Ｚ`, `－`, `＋`) to their ASCII forms, the
/// ideographic space and other spaces to a space, and the dashes people paste (hyphen, en dash,
/// minus sign) to `-`. Nothing else changes, so a character that is truly wrong is still refused.
pub fn fold_width(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200A}' => ' ',
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
            _ => c,
        })
        .collect()
}

/// Whether `c` only separates groups of a number as people write it (`124-81-00998`, `124 81 00998`).
fn is_separator(c: char) -> bool {
    matches!(c, '-' | ' ')
}

fn digits_of(raw: &str, len: usize) -> Result<Vec<u32>, IdentifierError> {
    let digits: Vec<u32> = fold_width(raw)
        .chars()
        .filter(|c| !is_separator(*c))
        .map(|c| c.to_digit(10).ok_or(IdentifierError::Format))
        .collect::<Result<_, _>>()?;
    if digits.len() != len {
        return Err(IdentifierError::Format);
    }
    Ok(digits)
}

/// 사업자등록번호: 10 digits, shown `123-45-67890`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BusinessRegistrationNumber(String);

impl BusinessRegistrationNumber {
    pub fn parse(raw: &str) -> Result<Self, IdentifierError> {
        let d = digits_of(raw, 10)?;
        const WEIGHTS: [u32; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];
        let weighted: u32 = d.iter().zip(WEIGHTS).map(|(digit, w)| digit * w).sum();
        let sum = weighted + d[8] * 5 / 10;
        if (10 - sum % 10) % 10 != d[9] {
            return Err(IdentifierError::CheckDigit);
        }
        Ok(Self(
            d.iter()
                .map(|n| char::from_digit(*n, 10).unwrap_or('0'))
                .collect(),
        ))
    }

    /// The ten digits without separators, as stored.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BusinessRegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", &self.0[..3], &self.0[3..5], &self.0[5..])
    }
}

/// 법인등록번호: 13 digits, shown `110111-1234569`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CorporateRegistrationNumber(String);

impl CorporateRegistrationNumber {
    pub fn parse(raw: &str) -> Result<Self, IdentifierError> {
        let d = digits_of(raw, 13)?;
        let sum: u32 = d[..12]
            .iter()
            .enumerate()
            .map(|(i, digit)| digit * if i % 2 == 0 { 1 } else { 2 })
            .sum();
        if (10 - sum % 10) % 10 != d[12] {
            return Err(IdentifierError::CheckDigit);
        }
        Ok(Self(
            d.iter()
                .map(|n| char::from_digit(*n, 10).unwrap_or('0'))
                .collect(),
        ))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CorporateRegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..6], &self.0[6..])
    }
}

/// Legal Entity Identifier (ISO 17442): 18 alphanumerics and 2 check digits, ISO 7064 MOD 97-10.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lei(String);

impl Lei {
    pub fn parse(raw: &str) -> Result<Self, IdentifierError> {
        let lei: String = fold_width(raw)
            .chars()
            .filter(|c| !is_separator(*c))
            .collect::<String>()
            .to_ascii_uppercase();
        if lei.len() != 20
            || !lei.chars().all(|c| c.is_ascii_alphanumeric())
            || !lei[18..].chars().all(|c| c.is_ascii_digit())
        {
            return Err(IdentifierError::Format);
        }
        // Letters count as 10..35; the remainder is computed digit by digit to stay within u32.
        let remainder = lei.chars().fold(0u32, |acc, c| {
            let value = c.to_digit(36).unwrap_or(0);
            if value >= 10 {
                (acc * 100 + value) % 97
            } else {
                (acc * 10 + value) % 97
            }
        });
        if remainder != 1 {
            return Err(IdentifierError::CheckDigit);
        }
        Ok(Self(lei))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Lei {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_registration_number_checks_its_digit() {
        let brn = BusinessRegistrationNumber::parse("124-81-00998").unwrap();
        assert_eq!(brn.to_string(), "124-81-00998");
        assert_eq!(brn.digits(), "1248100998");
        assert_eq!(
            BusinessRegistrationNumber::parse("1248100998").unwrap(),
            brn
        );
        assert_eq!(
            BusinessRegistrationNumber::parse("124-81-00997"),
            Err(IdentifierError::CheckDigit)
        );
        assert_eq!(
            BusinessRegistrationNumber::parse("124-81-0099"),
            Err(IdentifierError::Format)
        );
        assert_eq!(
            BusinessRegistrationNumber::parse("124-81-0099x"),
            Err(IdentifierError::Format)
        );
    }

    #[test]
    fn every_wrong_last_digit_is_refused() {
        let valid = (0..10)
            .filter(|d| BusinessRegistrationNumber::parse(&format!("124810099{d}")).is_ok())
            .count();
        assert_eq!(valid, 1);
        let valid = (0..10)
            .filter(|d| CorporateRegistrationNumber::parse(&format!("110111123456{d}")).is_ok())
            .count();
        assert_eq!(valid, 1);
    }

    #[test]
    fn corporate_registration_number_checks_its_digit() {
        // 1·1+1·2+0·1+1·2+1·1+1·2+1·1+2·2+3·1+4·2+5·1+6·2 = 41 → (10 − 1) mod 10 = 9
        let crn = CorporateRegistrationNumber::parse("110111-1234569").unwrap();
        assert_eq!(crn.to_string(), "110111-1234569");
        assert_eq!(
            CorporateRegistrationNumber::parse("110111-1234567"),
            Err(IdentifierError::CheckDigit)
        );
        assert_eq!(
            CorporateRegistrationNumber::parse("110111-123456"),
            Err(IdentifierError::Format)
        );
    }

    #[test]
    fn full_width_digits_and_pasted_dashes_are_read_as_typed_on_a_korean_keyboard() {
        let brn = BusinessRegistrationNumber::parse("１２４－８１－００９９８").unwrap();
        assert_eq!(brn.digits(), "1248100998");
        assert_eq!(
            BusinessRegistrationNumber::parse("124\u{2013}81\u{3000}00998"),
            Ok(brn)
        );
        assert_eq!(
            BusinessRegistrationNumber::parse("１２４－８１－００９９７"),
            Err(IdentifierError::CheckDigit),
            "folded, then checked"
        );
        let crn = CorporateRegistrationNumber::parse("１１０１１１ １２３４５６９").unwrap();
        assert_eq!(crn.to_string(), "110111-1234569");
        let lei = Lei::parse("５０６７００ｇｅ１Ｇ２９ ３２５ＱＸ３６３").unwrap();
        assert_eq!(lei.as_str(), "506700GE1G29325QX363");
        assert_eq!(
            Lei::parse("5067-00GE-1G29-325Q-X363").map(|l| l.to_string()),
            Ok("506700GE1G29325QX363".to_owned())
        );
        assert_eq!(
            BusinessRegistrationNumber::parse("124.81.00998"),
            Err(IdentifierError::Format),
            "only spaces and dashes separate"
        );
    }

    #[test]
    fn lei_checks_mod_97() {
        // Published LEIs: the GLEIF's own, and one from the ISO 17442 examples.
        assert!(Lei::parse("5493001KJTIIGC8Y1R12").is_ok());
        let gleif = Lei::parse("506700gE1G29325QX363").unwrap();
        assert_eq!(gleif.as_str(), "506700GE1G29325QX363");
        assert_eq!(
            Lei::parse("506700GE1G29325QX364"),
            Err(IdentifierError::CheckDigit)
        );
        assert_eq!(
            Lei::parse("506700GE1G29325QX36"),
            Err(IdentifierError::Format)
        );
        assert_eq!(
            Lei::parse("506700GE1G29325QX3A3"),
            Err(IdentifierError::Format)
        );
    }
}
