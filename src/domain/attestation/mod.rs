//! The reserve attestation (DOMAIN.md): the accountant's header, the tokens per chain, the reserve
//! lines, what is computed from them (in exact integers) and the checks on them.

mod checks;
mod header;
pub mod import;
mod isin;
mod reserve;
mod thresholds;

pub use checks::findings;
pub use header::{AssuranceStandard, Header, HeaderError, Opinion, date_problems};
pub use isin::{Isin, IsinError};
pub use reserve::{
    AssetClass, CustodianKind, ReserveLine, SupplyError, TokenSupply, supply_problems,
};
pub use thresholds::{AssetClassRule, EligibleAssets, Thresholds};

use std::fmt;

use crate::domain::money::{Amount, ReferenceCurrency};

/// A ratio in basis points, unbounded above (a coverage of 102.5% is 10,250), floored: shown to
/// the reader, while the checks compare the exact figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ratio(u64);

impl Ratio {
    pub const fn from_bp(bp: u64) -> Ratio {
        Ratio(bp)
    }

    /// `part / whole`, rounded down to a basis point; `None` when `whole` is not positive.
    pub fn of(part: i128, whole: i128) -> Option<Ratio> {
        if whole <= 0 {
            return None;
        }
        let bp = part.max(0).saturating_mul(10_000) / whole;
        Some(Ratio(u64::try_from(bp).unwrap_or(u64::MAX)))
    }

    pub fn bp(self) -> u64 {
        self.0
    }
}

/// "102.50%".
impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::domain::share::write_percent(f, self.0)
    }
}

/// The figures of one attestation, every amount in `currency`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub currency: ReferenceCurrency,
    pub supply: Vec<TokenSupply>,
    pub lines: Vec<ReserveLine>,
}

/// What the portal computes from the figures, in the reference currency's smallest unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub currency: ReferenceCurrency,
    pub total_reserves: i128,
    pub minted: i128,
    /// Minted less frozen, time-locked and treasury tokens.
    pub redeemable_outstanding: i128,
    /// What the reserves must cover: the redeemable tokens plus the frozen and blacklisted ones,
    /// which DOMAIN.md says still count as outstanding (their holders are still owed). Treasury
    /// tokens are owed to no one and time-locked ones are not added back: DOMAIN.md names only
    /// frozen and blacklisted tokens.
    pub owed: i128,
    pub cash_and_demand_deposits: i128,
}

impl Totals {
    pub fn of(figures: &Figures) -> Totals {
        let sum = |f: &dyn Fn(&TokenSupply) -> i128| figures.supply.iter().map(f).sum::<i128>();
        let redeemable_outstanding = sum(&|s| s.redeemable_outstanding());
        let frozen = sum(&|s| i128::from(s.frozen.minor()));
        let line_sum = |keep: &dyn Fn(&ReserveLine) -> bool| {
            figures
                .lines
                .iter()
                .filter(|l| keep(l))
                .map(|l| i128::from(l.amount.minor()))
                .sum::<i128>()
        };
        Totals {
            currency: figures.currency,
            total_reserves: line_sum(&|_| true),
            minted: sum(&|s| i128::from(s.minted.minor())),
            redeemable_outstanding,
            owed: redeemable_outstanding + frozen,
            cash_and_demand_deposits: line_sum(&|l| {
                l.asset_class == AssetClass::CashAndDemandDeposits
            }),
        }
    }

    /// Reserves over what they must cover; `None` when no token is outstanding.
    pub fn coverage(&self) -> Option<Ratio> {
        Ratio::of(self.total_reserves, self.owed)
    }

    /// The share of the reserves in cash and demand deposits; `None` when there are no reserves.
    pub fn cash_share(&self) -> Option<Ratio> {
        Ratio::of(self.cash_and_demand_deposits, self.total_reserves)
    }

    /// A computed figure as an amount to show (held at zero and at the largest amount).
    pub fn amount(&self, minor: i128) -> Amount {
        let minor = i64::try_from(minor.max(0)).unwrap_or(i64::MAX);
        Amount::from_minor(self.currency, minor).unwrap_or(Amount::zero(self.currency))
    }
}

#[cfg(test)]
pub(crate) mod tests;
