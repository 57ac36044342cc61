//! The figures of the reserve checks, with DOMAIN.md's defaults; part of `Rules`, so admins can
//! change each figure, switch each check off and replace its legal-basis text.

use serde::{Deserialize, Serialize};

use crate::domain::rules::{Setting, Switch};
use crate::domain::share::BasisPoints;

use super::reserve::AssetClass;

/// The reserve checks' settings. Defaults: coverage at least 100%; at least 20% in cash and demand
/// deposits; no custodian over 50%; only eligible asset classes, each within its maximum residual
/// maturity (term deposits 93 days, Korean government, local government and Monetary Stabilisation
/// bonds 365 days, reverse repos on those 7 days); every line with a bank or trust custodian in a
/// segregated account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    /// Reserves over outstanding tokens, in basis points; may exceed 10,000 (an over-collateral rule).
    pub coverage_minimum: Setting<u32>,
    pub cash_minimum: Setting<BasisPoints>,
    pub custodian_maximum: Setting<BasisPoints>,
    pub eligible_assets: Setting<EligibleAssets>,
    pub segregation: Switch,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            coverage_minimum: Setting::on(10_000),
            cash_minimum: Setting::on(BasisPoints::new(2_000).unwrap_or(BasisPoints::FULL)),
            custodian_maximum: Setting::on(BasisPoints::new(5_000).unwrap_or(BasisPoints::ZERO)),
            eligible_assets: Setting::on(EligibleAssets::default()),
            segregation: Switch::on(),
        }
    }
}

/// Whether a class of asset may back the tokens, and until how close to maturity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetClassRule {
    pub eligible: bool,
    /// The longest residual maturity allowed, in days; `None` for no limit (cash).
    pub max_residual_days: Option<u32>,
}

impl AssetClassRule {
    const fn within(days: u32) -> AssetClassRule {
        AssetClassRule {
            eligible: true,
            max_residual_days: Some(days),
        }
    }

    const INELIGIBLE: AssetClassRule = AssetClassRule {
        eligible: false,
        max_residual_days: None,
    };
}

/// One rule per asset class, as fields so that the stored settings read plainly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EligibleAssets {
    pub cash_demand_deposits: AssetClassRule,
    pub term_deposits: AssetClassRule,
    pub korean_treasury_bonds: AssetClassRule,
    pub local_government_bonds: AssetClassRule,
    pub monetary_stabilisation_bonds: AssetClassRule,
    pub reverse_repos: AssetClassRule,
    pub foreign_government_bonds: AssetClassRule,
    pub other: AssetClassRule,
}

impl Default for EligibleAssets {
    fn default() -> Self {
        EligibleAssets {
            cash_demand_deposits: AssetClassRule {
                eligible: true,
                max_residual_days: None,
            },
            term_deposits: AssetClassRule::within(93),
            korean_treasury_bonds: AssetClassRule::within(365),
            local_government_bonds: AssetClassRule::within(365),
            monetary_stabilisation_bonds: AssetClassRule::within(365),
            reverse_repos: AssetClassRule::within(7),
            foreign_government_bonds: AssetClassRule::INELIGIBLE,
            other: AssetClassRule::INELIGIBLE,
        }
    }
}

impl EligibleAssets {
    pub fn rule(&self, class: AssetClass) -> AssetClassRule {
        match class {
            AssetClass::CashAndDemandDeposits => self.cash_demand_deposits,
            AssetClass::TermDeposits => self.term_deposits,
            AssetClass::KoreanTreasuryBonds => self.korean_treasury_bonds,
            AssetClass::LocalGovernmentBonds => self.local_government_bonds,
            AssetClass::MonetaryStabilisationBonds => self.monetary_stabilisation_bonds,
            AssetClass::ReverseRepos => self.reverse_repos,
            AssetClass::ForeignGovernmentBonds => self.foreign_government_bonds,
            AssetClass::Other => self.other,
        }
    }
}
