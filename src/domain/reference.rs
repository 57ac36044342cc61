//! The numbers the portal gives out: an application's reference (`APP-2026-000123`, sequential per
//! year from submission) and a registered issuer's registration number (`KRSC-2026-0001`, gapless
//! per year from approval). The database hands out the sequences; these types write and read them.
//! The year is the Seoul year of the event (`calendar::seoul_date`).

use std::fmt;
use std::str::FromStr;

/// Text that is not a reference or a registration number of the right shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a well-formed number")]
pub struct NumberFormatError;

/// The year and the sequence of `PREFIX-YYYY-NNN…`, with exactly `digits` digits in the sequence.
/// Case and surrounding spaces are forgiven: people paste these from letters and mails.
fn parse_numbered(raw: &str, prefix: &str, digits: usize) -> Result<(i32, u32), NumberFormatError> {
    let text = raw.trim().to_ascii_uppercase();
    let mut parts = text.split('-');
    let (Some(head), Some(year), Some(sequence), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(NumberFormatError);
    };
    let all_digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if head != prefix || !all_digits(year, 4) || !all_digits(sequence, digits) {
        return Err(NumberFormatError);
    }
    let year = year.parse().map_err(|_| NumberFormatError)?;
    let sequence = sequence.parse().map_err(|_| NumberFormatError)?;
    Ok((year, sequence))
}

/// Checks a year and a sequence against the width they are written in.
fn checked(year: i32, sequence: u32, max: u32) -> Result<(i32, u32), NumberFormatError> {
    if (2000..=9999).contains(&year) && (1..=max).contains(&sequence) {
        Ok((year, sequence))
    } else {
        Err(NumberFormatError)
    }
}

/// Declares a number written `PREFIX-YYYY-` followed by a sequence of `digits` digits: its type,
/// `new` (which checks the year and the sequence), `year`, `sequence`, `FromStr` and `Display`.
macro_rules! numbered {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, $digits:literal, $max:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name {
            year: i32,
            sequence: u32,
        }

        impl $name {
            pub const MAX_SEQUENCE: u32 = $max;

            pub fn new(year: i32, sequence: u32) -> Result<Self, NumberFormatError> {
                let (year, sequence) = checked(year, sequence, Self::MAX_SEQUENCE)?;
                Ok(Self { year, sequence })
            }

            pub fn year(self) -> i32 {
                self.year
            }

            pub fn sequence(self) -> u32 {
                self.sequence
            }
        }

        impl FromStr for $name {
            type Err = NumberFormatError;

            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                let (year, sequence) = parse_numbered(raw, $prefix, $digits)?;
                Self::new(year, sequence)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}-{}-{:0width$}", $prefix, self.year, self.sequence, width = $digits)
            }
        }
    };
}

numbered!(
    /// An application's reference, given at submission: `APP-2026-000123`.
    ApplicationReference,
    "APP",
    6,
    999_999
);

numbered!(
    /// A registered issuer's number, given at approval: `KRSC-2026-0001`.
    RegistrationNumber,
    "KRSC",
    4,
    9_999
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_references_are_written_and_read_back() {
        let reference = ApplicationReference::new(2026, 123).unwrap();
        assert_eq!(reference.to_string(), "APP-2026-000123");
        assert_eq!("APP-2026-000123".parse(), Ok(reference));
        assert_eq!(" app-2026-000123 ".parse(), Ok(reference));
        assert_eq!((reference.year(), reference.sequence()), (2026, 123));
        let last = ApplicationReference::new(2026, 999_999).unwrap();
        assert_eq!(last.to_string(), "APP-2026-999999");
        assert!(ApplicationReference::new(2026, 1_000_000).is_err());
        assert!(ApplicationReference::new(2026, 0).is_err());
        assert!(ApplicationReference::new(26, 1).is_err());
    }

    #[test]
    fn malformed_application_references_are_refused() {
        for bad in [
            "",
            "APP-2026-123",
            "APP-2026-0001234",
            "APP-2026-000000",
            "APP-26-000123",
            "APP2026000123",
            "APP-2026-000123-1",
            "KRSC-2026-000123",
            "APP-2026-00012a",
            "APP-2026-+00123",
            "APP--2026-000123",
        ] {
            assert_eq!(
                bad.parse::<ApplicationReference>(),
                Err(NumberFormatError),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn registration_numbers_are_written_and_read_back() {
        let number = RegistrationNumber::new(2026, 1).unwrap();
        assert_eq!(number.to_string(), "KRSC-2026-0001");
        assert_eq!("KRSC-2026-0001".parse(), Ok(number));
        assert_eq!("krsc-2026-0001".parse(), Ok(number));
        assert!(RegistrationNumber::new(2027, 9_999).is_ok());
        assert!(RegistrationNumber::new(2027, 10_000).is_err());
        for bad in [
            "KRSC-2026-1",
            "KRSC-2026-00001",
            "KRSC-2026-0000",
            "APP-2026-0001",
        ] {
            assert!(bad.parse::<RegistrationNumber>().is_err(), "{bad:?}");
        }
        // Ordered by year, then sequence: the register lists them in the order given.
        let later = RegistrationNumber::new(2027, 1).unwrap();
        assert!(number < RegistrationNumber::new(2026, 2).unwrap() && number < later);
    }
}
