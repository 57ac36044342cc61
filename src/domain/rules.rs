//! Every figure and switch of the application's checks in one value, `Rules`, with the defaults of
//! DOMAIN.md. The bills still differ on these figures, so each is a setting: serialisable, so that
//! a settings table can store an admin's overrides, and each with an optional legal-basis text that
//! replaces the catalogue's default (`Check::legal_basis_key`).

use serde::{Deserialize, Serialize};

use super::attestation::Thresholds;
use super::finding::Check;
use super::money::Krw;
use super::review::clock::ClockSettings;
use super::share::BasisPoints;

/// A check's figure, whether the check runs, and the admin's text of its legal basis if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting<T> {
    pub enabled: bool,
    pub value: T,
    #[serde(default)]
    pub legal_basis: Option<String>,
}

impl<T> Setting<T> {
    pub fn on(value: T) -> Setting<T> {
        Setting {
            enabled: true,
            value,
            legal_basis: None,
        }
    }

    /// The figure when the check is switched on.
    pub fn active(&self) -> Option<&T> {
        self.enabled.then_some(&self.value)
    }
}

/// A check with no figure of its own: only its switch and legal-basis text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Switch {
    pub enabled: bool,
    #[serde(default)]
    pub legal_basis: Option<String>,
}

impl Switch {
    pub fn on() -> Switch {
        Switch {
            enabled: true,
            legal_basis: None,
        }
    }
}

/// All the settings of the application's checks. Missing fields read as their defaults, so that a
/// stored override written before a setting existed still loads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    pub ownership: OwnershipRules,
    pub capital: CapitalRules,
    pub attestation: Thresholds,
    pub redemption: RedemptionRules,
    /// The lengths of the review's phases, in working days.
    pub clock: ClockSettings,
}

impl Rules {
    /// The admin's text of `check`'s legal basis, when one replaces the catalogue's default.
    pub fn legal_basis(&self, check: Check) -> Option<&str> {
        let text = match check {
            Check::BankMajority => &self.ownership.bank_majority.legal_basis,
            Check::SingleBankCap => &self.ownership.single_bank_cap.legal_basis,
            Check::LargestShareholder => &self.ownership.largest_shareholder.legal_basis,
            Check::MinimumCapital => &self.capital.minimum.legal_basis,
            Check::Coverage => &self.attestation.coverage_minimum.legal_basis,
            Check::CashShare => &self.attestation.cash_minimum.legal_basis,
            Check::CustodianConcentration => &self.attestation.custodian_maximum.legal_basis,
            Check::EligibleAssets => &self.attestation.eligible_assets.legal_basis,
            Check::Segregation => &self.attestation.segregation.legal_basis,
            Check::RedemptionDays => &self.redemption.max_payout_days.legal_basis,
        };
        text.as_deref().map(str::trim).filter(|t| !t.is_empty())
    }
}

/// Section 1's checks on shareholders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OwnershipRules {
    /// Banks together must hold MORE than this share (default 50%): bank-majority consortia, the
    /// FSC's stated first step.
    pub bank_majority: Setting<BasisPoints>,
    /// No single bank may hold more than this share of a non-financial company (default 15%, the
    /// Banking Act's cap on a bank's holding in another company).
    pub single_bank_cap: Setting<BasisPoints>,
    /// The largest single shareholder must be named.
    pub largest_shareholder: Switch,
}

impl Default for OwnershipRules {
    fn default() -> Self {
        OwnershipRules {
            bank_majority: Setting::on(BasisPoints::new(5_000).unwrap_or(BasisPoints::FULL)),
            single_bank_cap: Setting::on(BasisPoints::new(1_500).unwrap_or(BasisPoints::FULL)),
            largest_shareholder: Switch::on(),
        }
    }
}

/// Section 5's check on paid-in capital.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CapitalRules {
    /// Paid-in capital below this is a warning (default KRW 5,000,000,000, the bill's figure).
    pub minimum: Setting<Krw>,
}

impl Default for CapitalRules {
    fn default() -> Self {
        CapitalRules {
            minimum: Setting::on(Krw::new(5_000_000_000).unwrap_or(Krw::ZERO)),
        }
    }
}

/// Section 7's check on how fast redemptions are paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RedemptionRules {
    /// The most business days a redemption may take to pay out, counted from the later of the
    /// request and the completed identity check (default 3, the leading bill's figure).
    pub max_payout_days: Setting<u32>,
}

impl Default for RedemptionRules {
    fn default() -> Self {
        RedemptionRules {
            max_payout_days: Setting::on(3),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_round_trip_and_fill_in_missing_settings() {
        let rules = Rules::default();
        let json = serde_json::to_string(&rules).unwrap();
        assert_eq!(serde_json::from_str::<Rules>(&json).unwrap(), rules);
        // An override of one figure leaves every other at its default.
        let stored = r#"{"capital":{"minimum":{"enabled":false,"value":1000}}}"#;
        let read: Rules = serde_json::from_str(stored).unwrap();
        assert_eq!(read.capital.minimum.active(), None);
        assert_eq!(read.capital.minimum.value.won(), 1000);
        assert_eq!(read.ownership, OwnershipRules::default());
        assert_eq!(read.attestation, Thresholds::default());
        assert_eq!(read.redemption, RedemptionRules::default());
        assert_eq!(read.clock, ClockSettings::default());
        let clock: Rules = serde_json::from_str(r#"{"clock":{"assessment_days":90}}"#).unwrap();
        assert_eq!(
            (clock.clock.completeness_days, clock.clock.assessment_days),
            (25, 90)
        );
        // A share over 100% or a negative amount is not a setting.
        let bad = r#"{"ownership":{"single_bank_cap":{"enabled":true,"value":10001}}}"#;
        assert!(serde_json::from_str::<Rules>(bad).is_err());
        assert!(
            serde_json::from_str::<Rules>(r#"{"capital":{"minimum":{"enabled":true,"value":-1}}}"#)
                .is_err()
        );
    }

    #[test]
    fn the_defaults_are_those_of_domain_md() {
        let rules = Rules::default();
        assert_eq!(
            rules.ownership.bank_majority.active().map(|b| b.get()),
            Some(5_000)
        );
        assert_eq!(
            rules.ownership.single_bank_cap.active().map(|b| b.get()),
            Some(1_500)
        );
        assert!(rules.ownership.largest_shareholder.enabled);
        assert_eq!(
            rules.capital.minimum.active().map(|k| k.won()),
            Some(5_000_000_000)
        );
        assert_eq!(rules.redemption.max_payout_days.active(), Some(&3));
    }

    #[test]
    fn an_admins_legal_basis_replaces_the_default_and_a_blank_one_does_not() {
        let mut rules = Rules::default();
        assert_eq!(rules.legal_basis(Check::RedemptionDays), None);
        rules.redemption.max_payout_days.legal_basis = Some("  ".into());
        assert_eq!(rules.legal_basis(Check::RedemptionDays), None);
        rules.attestation.segregation.legal_basis = Some(" Act, Art. 9 ".into());
        assert_eq!(rules.legal_basis(Check::Segregation), Some("Act, Art. 9"));
        assert_eq!(rules.legal_basis(Check::Coverage), None);
    }
}
