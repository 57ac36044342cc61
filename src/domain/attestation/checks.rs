//! The reserve checks of DOMAIN.md, each switchable, each a `Finding` naming the line, the custodian
//! and by how much. Comparisons are made on the exact integers, never on rounded ratios.

use std::collections::BTreeMap;

use crate::domain::finding::{Breach, Check, Finding};
use crate::domain::share::BasisPoints;

use super::{CustodianKind, Figures, Ratio, Thresholds, Totals};

/// The findings of every switched-on check, in the order of DOMAIN.md.
pub fn findings(figures: &Figures, thresholds: &Thresholds) -> Vec<Finding> {
    let totals = Totals::of(figures);
    let mut out = Vec::new();
    if let Some(minimum) = thresholds.coverage_minimum.active() {
        out.push(coverage(&totals, *minimum));
    }
    if let Some(minimum) = thresholds.cash_minimum.active() {
        out.push(cash_share(&totals, *minimum));
    }
    if let Some(cap) = thresholds.custodian_maximum.active() {
        out.push(custodian_concentration(figures, &totals, *cap));
    }
    if let Some(eligible) = thresholds.eligible_assets.active() {
        let breaches = figures
            .lines
            .iter()
            .enumerate()
            .filter_map(|(i, line)| {
                let rule = eligible.rule(line.asset_class);
                match rule.max_residual_days {
                    _ if !rule.eligible => Some(Breach::AssetClassIneligible { line: i + 1 }),
                    Some(max) if line.residual_maturity_days > max => {
                        Some(Breach::MaturityTooLong {
                            line: i + 1,
                            days: line.residual_maturity_days,
                            max_days: max,
                        })
                    }
                    _ => None,
                }
            })
            .collect();
        out.push(Finding::new(Check::EligibleAssets, breaches));
    }
    if thresholds.segregation.enabled {
        let mut breaches = Vec::new();
        for (i, line) in figures.lines.iter().enumerate() {
            let custodian = line.custodian.clone();
            if line.custodian_kind == CustodianKind::Other {
                breaches.push(Breach::CustodianNotBankOrTrust {
                    line: i + 1,
                    custodian: custodian.clone(),
                });
            }
            if !line.segregated {
                breaches.push(Breach::NotSegregated {
                    line: i + 1,
                    custodian,
                });
            }
        }
        out.push(Finding::new(Check::Segregation, breaches));
    }
    out
}

/// `part / whole` is at least `bp` basis points, exactly: part × 10,000 ≥ bp × whole.
fn at_least(part: i128, whole: i128, bp: u32) -> bool {
    part * 10_000 >= i128::from(bp) * whole
}

/// The smallest amount that is at least `bp` basis points of `whole`.
fn share_of_rounded_up(whole: i128, bp: u32) -> i128 {
    (i128::from(bp) * whole + 9_999) / 10_000
}

fn coverage(totals: &Totals, minimum: u32) -> Finding {
    // No token outstanding: nothing to cover.
    let breaches = if totals.owed <= 0 || at_least(totals.total_reserves, totals.owed, minimum) {
        Vec::new()
    } else {
        let needed = share_of_rounded_up(totals.owed, minimum);
        vec![Breach::CoverageBelow {
            coverage: totals.coverage().unwrap_or(Ratio::from_bp(0)),
            required: Ratio::from_bp(u64::from(minimum)),
            shortfall: totals.amount(needed - totals.total_reserves),
        }]
    };
    Finding::new(Check::Coverage, breaches)
}

fn cash_share(totals: &Totals, minimum: BasisPoints) -> Finding {
    let required = u32::from(minimum.get());
    // With no reserves at all the cash share is nil, which only a 0% minimum allows.
    let passed = if totals.total_reserves <= 0 {
        required == 0
    } else {
        at_least(
            totals.cash_and_demand_deposits,
            totals.total_reserves,
            required,
        )
    };
    let breaches = if passed {
        Vec::new()
    } else {
        vec![Breach::CashBelow {
            cash: Ratio::of(totals.cash_and_demand_deposits, totals.total_reserves)
                .unwrap_or(Ratio::from_bp(0)),
            required: minimum,
        }]
    };
    Finding::new(Check::CashShare, breaches)
}

/// A custodian's name as compared: case, and spaces between and around words, do not make a new
/// custodian ("KB Kookmin Bank" and "kb  kookmin bank " are one).
fn custodian_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn custodian_concentration(figures: &Figures, totals: &Totals, cap: BasisPoints) -> Finding {
    let mut held: BTreeMap<String, (&str, i128, usize)> = BTreeMap::new();
    for (i, line) in figures.lines.iter().enumerate() {
        let entry =
            held.entry(custodian_key(&line.custodian))
                .or_insert((line.custodian.trim(), 0, i));
        entry.1 += i128::from(line.amount.minor());
    }
    let cap_bp = u32::from(cap.get());
    let mut over: Vec<_> = held
        .into_values()
        .filter(|(_, amount, _)| *amount * 10_000 > i128::from(cap_bp) * totals.total_reserves)
        .collect();
    // In the order the custodians first appear in the report.
    over.sort_by_key(|(_, _, first)| *first);
    let breaches = over
        .into_iter()
        .map(|(name, amount, _)| Breach::CustodianOverCap {
            custodian: name.to_owned(),
            share: Ratio::of(amount, totals.total_reserves).unwrap_or(Ratio::from_bp(0)),
            cap,
            excess: totals.amount(amount - i128::from(cap_bp) * totals.total_reserves / 10_000),
        })
        .collect();
    Finding::new(Check::CustodianConcentration, breaches)
}
