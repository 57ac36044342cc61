//! The checks on section 1 (shareholders) and section 5 (paid-in capital): each a `Finding`, a
//! warning at worst, since the ownership rules are still a bill.

use crate::domain::InstitutionType;
use crate::domain::finding::{Breach, Check, Finding};
use crate::domain::money::Krw;
use crate::domain::rules::{CapitalRules, OwnershipRules};
use crate::domain::share::BasisPoints;

/// A shareholder holding 10% or more, as section 1 lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shareholder {
    pub name: String,
    pub share: BasisPoints,
    pub is_bank: bool,
}

/// Whether the Banking Act's cap on a bank's holding applies to the applicant. DOMAIN.md words the
/// check as "no single bank over 15% of a non-financial company": a bank or a non-bank financial
/// company is a financial company, so the cap is checked for fintechs and other companies only.
/// A new kind of institution must take its side here (the match has no catch-all).
pub fn is_non_financial(kind: InstitutionType) -> bool {
    match kind {
        InstitutionType::Bank | InstitutionType::NonBank => false,
        InstitutionType::Fintech | InstitutionType::Other => true,
    }
}

/// The shareholder with the largest share; the first listed of those tied.
pub fn largest_shareholder(shareholders: &[Shareholder]) -> Option<&Shareholder> {
    shareholders.iter().rev().max_by_key(|s| s.share)
}

/// The ownership checks that are switched on, in the order of DOMAIN.md.
pub fn ownership_findings(
    shareholders: &[Shareholder],
    kind: InstitutionType,
    rules: &OwnershipRules,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(required) = rules.bank_majority.active() {
        let banks: u32 = shareholders
            .iter()
            .filter(|s| s.is_bank)
            .map(|s| u32::from(s.share.get()))
            .sum();
        let breaches = if banks > u32::from(required.get()) {
            Vec::new()
        } else {
            let banks = u16::try_from(banks)
                .ok()
                .and_then(BasisPoints::new)
                .unwrap_or(BasisPoints::FULL);
            vec![Breach::BanksMinority {
                banks,
                required: *required,
            }]
        };
        findings.push(Finding::new(Check::BankMajority, breaches));
    }
    if let Some(cap) = rules.single_bank_cap.active()
        && is_non_financial(kind)
    {
        let breaches = shareholders
            .iter()
            .filter(|s| s.is_bank && s.share > *cap)
            .map(|s| Breach::BankOverCap {
                shareholder: s.name.clone(),
                share: s.share,
                cap: *cap,
            })
            .collect();
        findings.push(Finding::new(Check::SingleBankCap, breaches));
    }
    if rules.largest_shareholder.enabled {
        let named = largest_shareholder(shareholders).is_some_and(|s| !s.name.trim().is_empty());
        let breaches = if named {
            Vec::new()
        } else {
            vec![Breach::LargestShareholderUnnamed]
        };
        findings.push(Finding::new(Check::LargestShareholder, breaches));
    }
    findings
}

/// The capital check, when switched on: paid-in capital below the minimum is a warning.
pub fn capital_finding(capital: Krw, rules: &CapitalRules) -> Option<Finding> {
    let minimum = *rules.minimum.active()?;
    let breaches = if capital >= minimum {
        Vec::new()
    } else {
        let shortfall = Krw::new(minimum.won() - capital.won()).unwrap_or(Krw::ZERO);
        vec![Breach::CapitalBelowMinimum {
            capital,
            minimum,
            shortfall,
        }]
    };
    Some(Finding::new(Check::MinimumCapital, breaches))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(name: &str, bp: u16, is_bank: bool) -> Shareholder {
        Shareholder {
            name: name.into(),
            share: BasisPoints::new(bp).unwrap(),
            is_bank,
        }
    }

    fn finding(findings: &[Finding], check: Check) -> Option<&Finding> {
        findings.iter().find(|f| f.check == check)
    }

    fn bank_majority(bank_bp: &[u16]) -> Finding {
        let holders: Vec<_> = bank_bp.iter().map(|bp| holder("Bank", *bp, true)).collect();
        let findings =
            ownership_findings(&holders, InstitutionType::Bank, &OwnershipRules::default());
        finding(&findings, Check::BankMajority).unwrap().clone()
    }

    #[test]
    fn banks_must_hold_more_than_half() {
        assert!(bank_majority(&[3000, 2001]).passed());
        let at = bank_majority(&[3000, 2000]);
        assert_eq!(
            at.breaches,
            [Breach::BanksMinority {
                banks: BasisPoints::new(5000).unwrap(),
                required: BasisPoints::new(5000).unwrap()
            }]
        );
        assert_eq!(at.breaches[0].args()[0], ("banks", "50.00%".to_owned()));
        assert!(!bank_majority(&[3000, 1999]).passed());
        assert!(!bank_majority(&[]).passed());
        // Non-banks do not count towards the majority.
        let holders = [holder("Bank", 4000, true), holder("Fintech", 6000, false)];
        let findings =
            ownership_findings(&holders, InstitutionType::Bank, &OwnershipRules::default());
        assert!(!finding(&findings, Check::BankMajority).unwrap().passed());
    }

    #[test]
    fn no_single_bank_over_fifteen_percent_of_a_non_financial_company() {
        let rules = OwnershipRules::default();
        let holders = [
            holder("A Bank", 1500, true),
            holder("B Bank", 1501, true),
            holder("Founder", 6999, false),
        ];
        let findings = ownership_findings(&holders, InstitutionType::Fintech, &rules);
        let cap = finding(&findings, Check::SingleBankCap).unwrap();
        assert_eq!(cap.breaches.len(), 1, "15.00% passes, 15.01% does not");
        assert_eq!(
            cap.breaches[0].args()[0],
            ("shareholder", "B Bank".to_owned())
        );
        assert_eq!(
            cap.breaches[0].message_key(),
            "check-single_bank_cap-breach"
        );
        let just_below = [holder("A Bank", 1499, true)];
        let findings = ownership_findings(&just_below, InstitutionType::Other, &rules);
        assert!(finding(&findings, Check::SingleBankCap).unwrap().passed());
        // A financial company is outside the cap.
        for kind in [InstitutionType::Bank, InstitutionType::NonBank] {
            let findings = ownership_findings(&holders, kind, &rules);
            assert!(finding(&findings, Check::SingleBankCap).is_none());
        }
    }

    #[test]
    fn the_largest_shareholder_is_named() {
        let rules = OwnershipRules::default();
        let holders = [
            holder("Small", 1000, false),
            holder("Big", 4000, false),
            holder("Tie", 4000, true),
        ];
        assert_eq!(largest_shareholder(&holders).unwrap().name, "Big");
        let findings = ownership_findings(&holders, InstitutionType::Bank, &rules);
        assert!(
            finding(&findings, Check::LargestShareholder)
                .unwrap()
                .passed()
        );
        let unnamed = [holder(" ", 4000, false)];
        let findings = ownership_findings(&unnamed, InstitutionType::Bank, &rules);
        assert_eq!(
            finding(&findings, Check::LargestShareholder)
                .unwrap()
                .breaches,
            [Breach::LargestShareholderUnnamed]
        );
        let findings = ownership_findings(&[], InstitutionType::Bank, &rules);
        assert!(
            !finding(&findings, Check::LargestShareholder)
                .unwrap()
                .passed()
        );
    }

    #[test]
    fn switched_off_checks_are_not_run() {
        let mut rules = OwnershipRules::default();
        rules.bank_majority.enabled = false;
        rules.single_bank_cap.enabled = false;
        rules.largest_shareholder.enabled = false;
        assert!(ownership_findings(&[], InstitutionType::Fintech, &rules).is_empty());
        let mut capital = CapitalRules::default();
        capital.minimum.enabled = false;
        assert_eq!(capital_finding(Krw::ZERO, &capital), None);
    }

    #[test]
    fn capital_below_five_billion_won_is_a_warning() {
        let rules = CapitalRules::default();
        let at = capital_finding(Krw::new(5_000_000_000).unwrap(), &rules).unwrap();
        assert!(at.passed());
        assert!(
            capital_finding(Krw::new(5_000_000_001).unwrap(), &rules)
                .unwrap()
                .passed()
        );
        let below = capital_finding(Krw::new(4_999_999_999).unwrap(), &rules).unwrap();
        assert_eq!(below.check, Check::MinimumCapital);
        assert_eq!(
            below.breaches[0].args(),
            [
                ("capital", "4,999,999,999".to_owned()),
                ("minimum", "5,000,000,000".to_owned()),
                ("shortfall", "1".to_owned())
            ]
        );
    }
}
