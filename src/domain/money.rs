//! Money as exact integers of the smallest unit: `Krw` in whole won (won have no minor unit) and
//! `Amount` in a token's reference currency (won, or US cents), parsed from what people type.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::code::coded;
use super::number::{NumberError, group_thousands, parse_scaled};

/// Why a typed amount was refused; each has its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("no amount")]
    Empty,
    #[error("not an amount")]
    Format,
    #[error("negative amount")]
    Negative,
    #[error("won have no decimals")]
    WonFraction,
    #[error("more than two decimals")]
    CentsFraction,
    #[error("amount too large")]
    TooLarge,
}

impl MoneyError {
    /// The catalogue key of the message that explains the problem.
    pub fn message_key(self) -> &'static str {
        match self {
            MoneyError::Empty => "money-empty",
            MoneyError::Format => "money-format",
            MoneyError::Negative => "money-negative",
            MoneyError::WonFraction => "money-won-fraction",
            MoneyError::CentsFraction => "money-cents-fraction",
            MoneyError::TooLarge => "money-too-large",
        }
    }

    fn from_number(error: NumberError, currency: ReferenceCurrency) -> Self {
        match (error, currency) {
            (NumberError::Empty, _) => MoneyError::Empty,
            (NumberError::Format, _) => MoneyError::Format,
            (NumberError::Negative, _) => MoneyError::Negative,
            (NumberError::Decimals, ReferenceCurrency::Krw) => MoneyError::WonFraction,
            (NumberError::Decimals, ReferenceCurrency::Usd) => MoneyError::CentsFraction,
            (NumberError::TooLarge, _) => MoneyError::TooLarge,
        }
    }
}

/// An amount of won, never negative: capital, volumes, thresholds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Krw(i64);

impl Krw {
    pub const ZERO: Krw = Krw(0);

    /// A count of won; `None` when negative.
    pub const fn new(won: i64) -> Option<Krw> {
        if won < 0 { None } else { Some(Krw(won)) }
    }

    /// Typed text: digits with optional `,` separators (full-width digits accepted), no decimals.
    pub fn parse(raw: &str) -> Result<Krw, MoneyError> {
        parse_scaled(raw, 0)
            .map(Krw)
            .map_err(|e| MoneyError::from_number(e, ReferenceCurrency::Krw))
    }

    pub fn won(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Krw) -> Option<Krw> {
        self.0.checked_add(other.0).map(Krw)
    }
}

impl TryFrom<i64> for Krw {
    type Error = MoneyError;

    fn try_from(won: i64) -> Result<Self, Self::Error> {
        Krw::new(won).ok_or(MoneyError::Negative)
    }
}

impl From<Krw> for i64 {
    fn from(krw: Krw) -> i64 {
        krw.0
    }
}

/// "5,000,000,000": the figure alone, so that each language places its own unit (원, KRW).
impl fmt::Display for Krw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&group_thousands(self.0.unsigned_abs()))
    }
}

coded! {
    /// The currency a token is redeemed in at par, and its reserves and supply are counted in.
    pub enum ReferenceCurrency {
        Krw => "KRW",
        Usd => "USD",
    }
}

impl ReferenceCurrency {
    /// Decimals of the smallest unit the portal counts in: won have none, dollars are counted in cents.
    pub fn decimals(self) -> u32 {
        match self {
            ReferenceCurrency::Krw => 0,
            ReferenceCurrency::Usd => 2,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ReferenceCurrency::Krw => "money-currency-krw",
            ReferenceCurrency::Usd => "money-currency-usd",
        }
    }
}

impl crate::domain::Labelled for ReferenceCurrency {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        ReferenceCurrency::label_key(self)
    }
}

/// A non-negative amount in a reference currency, in its smallest unit (won, or US cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Amount {
    currency: ReferenceCurrency,
    minor: i64,
}

impl Amount {
    pub fn zero(currency: ReferenceCurrency) -> Amount {
        Amount { currency, minor: 0 }
    }

    /// An amount of `minor` units (won or cents); `None` when negative.
    pub fn from_minor(currency: ReferenceCurrency, minor: i64) -> Option<Amount> {
        (minor >= 0).then_some(Amount { currency, minor })
    }

    /// Typed text in `currency`: "1,234" won, or "1,234.56" dollars (at most two decimals).
    pub fn parse(currency: ReferenceCurrency, raw: &str) -> Result<Amount, MoneyError> {
        parse_scaled(raw, currency.decimals())
            .map(|minor| Amount { currency, minor })
            .map_err(|e| MoneyError::from_number(e, currency))
    }

    pub fn currency(self) -> ReferenceCurrency {
        self.currency
    }

    /// The count of smallest units: won, or cents.
    pub fn minor(self) -> i64 {
        self.minor
    }
}

/// "KRW 1,234" or "USD 1,234.56": the code says the currency in either language.
impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minor = self.minor.unsigned_abs();
        match self.currency {
            ReferenceCurrency::Krw => write!(f, "KRW {}", group_thousands(minor)),
            ReferenceCurrency::Usd => {
                write!(f, "USD {}.{:02}", group_thousands(minor / 100), minor % 100)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn won_are_whole_and_never_negative() {
        assert_eq!(Krw::parse("5,000,000,000").unwrap().won(), 5_000_000_000);
        assert_eq!(Krw::parse("５０００").unwrap().won(), 5000);
        assert_eq!(Krw::parse("12.5"), Err(MoneyError::WonFraction));
        assert_eq!(Krw::parse("12.0"), Err(MoneyError::WonFraction));
        assert_eq!(Krw::parse("-1"), Err(MoneyError::Negative));
        assert_eq!(Krw::parse(""), Err(MoneyError::Empty));
        assert_eq!(Krw::parse("5억"), Err(MoneyError::Format));
        assert_eq!(Krw::parse("5,00"), Err(MoneyError::Format));
        assert_eq!(
            Krw::parse("99,999,999,999,999,999,999"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(Krw::new(-1), None);
        assert_eq!(
            Krw::parse("5000000000").unwrap().to_string(),
            "5,000,000,000"
        );
        assert_eq!(Krw::ZERO.to_string(), "0");
    }

    #[test]
    fn won_round_trip_through_serde_and_refuse_negatives() {
        let krw = Krw::parse("1,000").unwrap();
        assert_eq!(serde_json::to_string(&krw).unwrap(), "1000");
        assert_eq!(serde_json::from_str::<Krw>("1000").unwrap(), krw);
        assert!(serde_json::from_str::<Krw>("-1").is_err());
    }

    #[test]
    fn reference_amounts_count_won_or_cents() {
        let won = Amount::parse(ReferenceCurrency::Krw, "1,234").unwrap();
        assert_eq!((won.minor(), won.to_string().as_str()), (1234, "KRW 1,234"));
        assert_eq!(
            Amount::parse(ReferenceCurrency::Krw, "1.5"),
            Err(MoneyError::WonFraction)
        );
        let dollars = Amount::parse(ReferenceCurrency::Usd, "1,234.5").unwrap();
        assert_eq!(dollars.minor(), 123_450);
        assert_eq!(dollars.to_string(), "USD 1,234.50");
        assert_eq!(
            Amount::parse(ReferenceCurrency::Usd, "0.001"),
            Err(MoneyError::CentsFraction)
        );
        assert_eq!(
            Amount::parse(ReferenceCurrency::Usd, "-3"),
            Err(MoneyError::Negative)
        );
        assert_eq!(Amount::from_minor(ReferenceCurrency::Usd, -1), None);
        assert_eq!(Amount::zero(ReferenceCurrency::Usd).to_string(), "USD 0.00");
        assert_eq!("USD".parse(), Ok(ReferenceCurrency::Usd));
    }
}
