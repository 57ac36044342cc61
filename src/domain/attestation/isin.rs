//! The ISIN (ISO 6166) of a security on a reserve line, checked with its Luhn check digit.

use std::fmt;

/// Why a typed ISIN was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IsinError {
    #[error("not 2 letters, 9 letters or digits and a digit")]
    Format,
    #[error("check digit does not match")]
    CheckDigit,
}

impl IsinError {
    pub fn message_key(self) -> &'static str {
        match self {
            IsinError::Format => "attestation-isin-format",
            IsinError::CheckDigit => "attestation-isin-check",
        }
    }
}

/// 12 characters: a country code of 2 letters, 9 letters or digits, and a check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Isin(String);

impl Isin {
    pub fn parse(raw: &str) -> Result<Isin, IsinError> {
        let isin = raw.trim().to_ascii_uppercase();
        let b = isin.as_bytes();
        if b.len() != 12
            || !b[..2].iter().all(u8::is_ascii_uppercase)
            || !b[2..11].iter().all(u8::is_ascii_alphanumeric)
            || !b[11].is_ascii_digit()
        {
            return Err(IsinError::Format);
        }
        // Letters become two digits (A = 10 … Z = 35); the digits then pass the Luhn check.
        let digits: Vec<u32> = isin
            .chars()
            .flat_map(|c| {
                let value = c.to_digit(36).unwrap_or(0);
                if value >= 10 {
                    vec![value / 10, value % 10]
                } else {
                    vec![value]
                }
            })
            .collect();
        let sum: u32 = digits
            .iter()
            .rev()
            .enumerate()
            .map(|(i, d)| match (i % 2, d * 2) {
                (0, _) => *d,
                (_, doubled) if doubled > 9 => doubled - 9,
                (_, doubled) => doubled,
            })
            .sum();
        if !sum.is_multiple_of(10) {
            return Err(IsinError::CheckDigit);
        }
        Ok(Isin(isin))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Isin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isins_check_their_luhn_digit() {
        // Apple, Samsung Electronics, a US Treasury note: published ISINs.
        for isin in ["US0378331005", "KR7005930003", "US912828ZT04"] {
            assert_eq!(Isin::parse(isin).unwrap().as_str(), isin);
        }
        assert_eq!(
            Isin::parse(" kr7005930003 ").unwrap().as_str(),
            "KR7005930003"
        );
        assert_eq!(Isin::parse("US0378331006"), Err(IsinError::CheckDigit));
        assert_eq!(Isin::parse("KR7005930004"), Err(IsinError::CheckDigit));
        assert_eq!(Isin::parse("US037833100"), Err(IsinError::Format));
        assert_eq!(Isin::parse("1S0378331005"), Err(IsinError::Format));
        assert_eq!(Isin::parse("US037833100X"), Err(IsinError::Format));
        let valid = (0..10)
            .filter(|d| Isin::parse(&format!("KR700593000{d}")).is_ok())
            .count();
        assert_eq!(valid, 1);
    }
}
