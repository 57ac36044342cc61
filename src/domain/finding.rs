//! The outcome of a rule check on figures the applicant gave: passed, or a warning naming what was
//! breached and by how much. A finding never blocks a save; it is shown to both sides.

use super::code::coded;
use super::money::{Amount, Krw};
use super::share::BasisPoints;

pub use super::attestation::Ratio;

coded! {
    /// Every check the portal runs on an application, each switchable in `Rules`.
    pub enum Check {
        BankMajority => "bank_majority",
        SingleBankCap => "single_bank_cap",
        LargestShareholder => "largest_shareholder",
        MinimumCapital => "minimum_capital",
        Coverage => "coverage",
        CashShare => "cash_share",
        CustodianConcentration => "custodian_concentration",
        EligibleAssets => "eligible_assets",
        Segregation => "segregation",
        RedemptionDays => "redemption_days",
    }
}

impl Check {
    /// What the check asks, as a heading.
    pub fn title_key(self) -> &'static str {
        match self {
            Check::BankMajority => "check-bank_majority-title",
            Check::SingleBankCap => "check-single_bank_cap-title",
            Check::LargestShareholder => "check-largest_shareholder-title",
            Check::MinimumCapital => "check-minimum_capital-title",
            Check::Coverage => "check-coverage-title",
            Check::CashShare => "check-cash_share-title",
            Check::CustodianConcentration => "check-custodian_concentration-title",
            Check::EligibleAssets => "check-eligible_assets-title",
            Check::Segregation => "check-segregation-title",
            Check::RedemptionDays => "check-redemption_days-title",
        }
    }

    /// The default text of the check's legal basis; an admin's text in `Rules` replaces it.
    pub fn legal_basis_key(self) -> &'static str {
        match self {
            Check::BankMajority => "check-bank_majority-basis",
            Check::SingleBankCap => "check-single_bank_cap-basis",
            Check::LargestShareholder => "check-largest_shareholder-basis",
            Check::MinimumCapital => "check-minimum_capital-basis",
            Check::Coverage => "check-coverage-basis",
            Check::CashShare => "check-cash_share-basis",
            Check::CustodianConcentration => "check-custodian_concentration-basis",
            Check::EligibleAssets => "check-eligible_assets-basis",
            Check::Segregation => "check-segregation-basis",
            Check::RedemptionDays => "check-redemption_days-basis",
        }
    }
}

/// One breach of a check, with the figures that show it. Lines are numbered from 1 in the order
/// the reserve lines were given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breach {
    BanksMinority {
        banks: BasisPoints,
        required: BasisPoints,
    },
    BankOverCap {
        shareholder: String,
        share: BasisPoints,
        cap: BasisPoints,
    },
    LargestShareholderUnnamed,
    CapitalBelowMinimum {
        capital: Krw,
        minimum: Krw,
        shortfall: Krw,
    },
    CoverageBelow {
        coverage: Ratio,
        required: Ratio,
        shortfall: Amount,
    },
    CashBelow {
        cash: Ratio,
        required: BasisPoints,
    },
    CustodianOverCap {
        custodian: String,
        share: Ratio,
        cap: BasisPoints,
        excess: Amount,
    },
    AssetClassIneligible {
        line: usize,
    },
    MaturityTooLong {
        line: usize,
        days: u32,
        max_days: u32,
    },
    CustodianNotBankOrTrust {
        line: usize,
        custodian: String,
    },
    NotSegregated {
        line: usize,
        custodian: String,
    },
    PayoutTooSlow {
        days: u32,
        max_days: u32,
    },
}

impl Breach {
    /// The message that says what is wrong, with `args` for its blanks.
    pub fn message_key(&self) -> &'static str {
        match self {
            Breach::BanksMinority { .. } => "check-bank_majority-breach",
            Breach::BankOverCap { .. } => "check-single_bank_cap-breach",
            Breach::LargestShareholderUnnamed => "check-largest_shareholder-breach",
            Breach::CapitalBelowMinimum { .. } => "check-minimum_capital-breach",
            Breach::CoverageBelow { .. } => "check-coverage-breach",
            Breach::CashBelow { .. } => "check-cash_share-breach",
            Breach::CustodianOverCap { .. } => "check-custodian_concentration-breach",
            Breach::AssetClassIneligible { .. } => "check-eligible_assets-ineligible",
            Breach::MaturityTooLong { .. } => "check-eligible_assets-maturity",
            Breach::CustodianNotBankOrTrust { .. } => "check-segregation-custodian",
            Breach::NotSegregated { .. } => "check-segregation-account",
            Breach::PayoutTooSlow { .. } => "check-redemption_days-breach",
        }
    }

    /// The message's arguments, already written as the figures read in either language.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Breach::BanksMinority { banks, required } => {
                vec![
                    ("banks", banks.to_string()),
                    ("required", required.to_string()),
                ]
            }
            Breach::BankOverCap {
                shareholder,
                share,
                cap,
            } => vec![
                ("shareholder", shareholder.clone()),
                ("share", share.to_string()),
                ("cap", cap.to_string()),
            ],
            Breach::LargestShareholderUnnamed => Vec::new(),
            Breach::CapitalBelowMinimum {
                capital,
                minimum,
                shortfall,
            } => vec![
                ("capital", capital.to_string()),
                ("minimum", minimum.to_string()),
                ("shortfall", shortfall.to_string()),
            ],
            Breach::CoverageBelow {
                coverage,
                required,
                shortfall,
            } => vec![
                ("coverage", coverage.to_string()),
                ("required", required.to_string()),
                ("shortfall", shortfall.to_string()),
            ],
            Breach::CashBelow { cash, required } => {
                vec![
                    ("cash", cash.to_string()),
                    ("required", required.to_string()),
                ]
            }
            Breach::CustodianOverCap {
                custodian,
                share,
                cap,
                excess,
            } => vec![
                ("custodian", custodian.clone()),
                ("share", share.to_string()),
                ("cap", cap.to_string()),
                ("excess", excess.to_string()),
            ],
            Breach::AssetClassIneligible { line } => vec![("line", line.to_string())],
            Breach::MaturityTooLong {
                line,
                days,
                max_days,
            } => vec![
                ("line", line.to_string()),
                ("days", days.to_string()),
                ("max", max_days.to_string()),
            ],
            Breach::CustodianNotBankOrTrust { line, custodian }
            | Breach::NotSegregated { line, custodian } => {
                vec![("line", line.to_string()), ("custodian", custodian.clone())]
            }
            Breach::PayoutTooSlow { days, max_days } => {
                vec![("days", days.to_string()), ("max", max_days.to_string())]
            }
        }
    }
}

/// A check's outcome: passed when it found no breach, a warning listing each breach otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: Check,
    pub breaches: Vec<Breach>,
    /// The admin's text of the check's legal basis, when it replaces the catalogue's
    /// (`Check::legal_basis_key`); set from `Rules::legal_basis`.
    pub legal_basis: Option<String>,
}

impl Finding {
    pub fn new(check: Check, breaches: Vec<Breach>) -> Finding {
        Finding {
            check,
            breaches,
            legal_basis: None,
        }
    }

    pub fn passed(&self) -> bool {
        self.breaches.is_empty()
    }
}
