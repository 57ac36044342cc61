//! Shares and percentages as basis points (1% = 100 bp), parsed from a percentage with up to two
//! decimals, and share totals that must not exceed 100%.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::number::{NumberError, parse_scaled};

/// Why a typed percentage, or a set of shares, was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    #[error("no percentage")]
    Empty,
    #[error("not a percentage")]
    Format,
    #[error("negative percentage")]
    Negative,
    #[error("more than two decimals")]
    Decimals,
    #[error("over 100%")]
    OverHundred,
    #[error("shares together over 100%")]
    TotalOverHundred,
}

impl ShareError {
    /// The catalogue key of the message that explains the problem.
    pub fn message_key(self) -> &'static str {
        match self {
            ShareError::Empty => "share-empty",
            ShareError::Format => "share-format",
            ShareError::Negative => "share-negative",
            ShareError::Decimals => "share-decimals",
            ShareError::OverHundred => "share-over-hundred",
            ShareError::TotalOverHundred => "share-total-over-hundred",
        }
    }
}

/// A share of a whole, 0 to 10,000 basis points (0% to 100%).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "u16", into = "u16")]
pub struct BasisPoints(u16);

impl BasisPoints {
    pub const ZERO: BasisPoints = BasisPoints(0);
    pub const FULL: BasisPoints = BasisPoints(10_000);

    /// `None` above 10,000 (100%).
    pub const fn new(bp: u16) -> Option<BasisPoints> {
        if bp > 10_000 {
            None
        } else {
            Some(BasisPoints(bp))
        }
    }

    /// A percentage as typed: "12.34" or "12.34%" is 1,234 bp; at most two decimals.
    pub fn parse_percent(raw: &str) -> Result<BasisPoints, ShareError> {
        let text = super::number::normalise(raw);
        let text = text.strip_suffix('%').unwrap_or(&text);
        let bp = parse_scaled(text, 2).map_err(|e| match e {
            NumberError::Empty => ShareError::Empty,
            NumberError::Format => ShareError::Format,
            NumberError::Negative => ShareError::Negative,
            NumberError::Decimals => ShareError::Decimals,
            NumberError::TooLarge => ShareError::OverHundred,
        })?;
        u16::try_from(bp)
            .ok()
            .and_then(BasisPoints::new)
            .ok_or(ShareError::OverHundred)
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for BasisPoints {
    type Error = ShareError;

    fn try_from(bp: u16) -> Result<Self, Self::Error> {
        BasisPoints::new(bp).ok_or(ShareError::OverHundred)
    }
}

impl From<BasisPoints> for u16 {
    fn from(bp: BasisPoints) -> u16 {
        bp.0
    }
}

/// "12.34%", always with two decimals.
impl fmt::Display for BasisPoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_percent(f, u64::from(self.0))
    }
}

/// Basis points as a percentage with two decimals; also for ratios above 100% (coverage).
pub(crate) fn write_percent(f: &mut fmt::Formatter<'_>, bp: u64) -> fmt::Result {
    write!(
        f,
        "{}.{:02}%",
        super::number::group_thousands(bp / 100),
        bp % 100
    )
}

/// The sum of several shares of one whole (a company's shareholders): refused above 100%.
pub fn total_of(shares: impl IntoIterator<Item = BasisPoints>) -> Result<BasisPoints, ShareError> {
    let sum: u32 = shares.into_iter().map(|s| u32::from(s.0)).sum();
    u16::try_from(sum)
        .ok()
        .and_then(BasisPoints::new)
        .ok_or(ShareError::TotalOverHundred)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bp(n: u16) -> BasisPoints {
        BasisPoints::new(n).unwrap()
    }

    #[test]
    fn percentages_become_basis_points() {
        assert_eq!(BasisPoints::parse_percent("12.34"), Ok(bp(1234)));
        assert_eq!(BasisPoints::parse_percent("12.34%"), Ok(bp(1234)));
        assert_eq!(BasisPoints::parse_percent("１２．５％"), Ok(bp(1250)));
        assert_eq!(BasisPoints::parse_percent("0"), Ok(bp(0)));
        assert_eq!(BasisPoints::parse_percent("100"), Ok(BasisPoints::FULL));
        assert_eq!(BasisPoints::parse_percent("100.00"), Ok(BasisPoints::FULL));
        assert_eq!(
            BasisPoints::parse_percent("100.01"),
            Err(ShareError::OverHundred)
        );
        assert_eq!(
            BasisPoints::parse_percent("1000000"),
            Err(ShareError::OverHundred)
        );
        assert_eq!(
            BasisPoints::parse_percent("12.345"),
            Err(ShareError::Decimals)
        );
        assert_eq!(BasisPoints::parse_percent("-1"), Err(ShareError::Negative));
        assert_eq!(BasisPoints::parse_percent(""), Err(ShareError::Empty));
        assert_eq!(BasisPoints::parse_percent("ten"), Err(ShareError::Format));
        assert_eq!(BasisPoints::new(10_001), None);
    }

    #[test]
    fn basis_points_show_as_percentages() {
        assert_eq!(bp(1234).to_string(), "12.34%");
        assert_eq!(bp(1200).to_string(), "12.00%");
        assert_eq!(bp(5).to_string(), "0.05%");
        assert_eq!(BasisPoints::FULL.to_string(), "100.00%");
        assert_eq!(serde_json::to_string(&bp(1500)).unwrap(), "1500");
        assert!(serde_json::from_str::<BasisPoints>("10001").is_err());
    }

    #[test]
    fn shares_together_stop_at_one_hundred_percent() {
        assert_eq!(total_of([bp(6000), bp(4000)]), Ok(BasisPoints::FULL));
        assert_eq!(total_of([bp(6000), bp(3999)]), Ok(bp(9999)));
        assert_eq!(
            total_of([bp(6000), bp(4001)]),
            Err(ShareError::TotalOverHundred)
        );
        assert_eq!(
            total_of([BasisPoints::FULL; 7]),
            Err(ShareError::TotalOverHundred)
        );
        assert_eq!(total_of([]), Ok(BasisPoints::ZERO));
    }
}
