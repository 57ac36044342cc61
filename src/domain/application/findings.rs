//! The checks of DOMAIN.md run on a section's answers as typed: each a `Finding` (passed, or a
//! warning naming the breach), shown on the section page, on check your answers and to the
//! regulator. An answer that does not parse yet is left to the section's problems; the check runs
//! on what can be read.

use super::form::Answers;
use super::ownership::{Shareholder, capital_finding, ownership_findings};
use super::section::SectionKind;
use crate::domain::InstitutionType;
use crate::domain::finding::{Breach, Check, Finding};
use crate::domain::money::Krw;
use crate::domain::rules::{RedemptionRules, Rules};
use crate::domain::share::BasisPoints;

pub use super::form::AllAnswers;

/// The checks of `kind` on the answers given so far, each with the admin's text of its legal
/// basis when there is one.
pub fn section_findings(kind: SectionKind, all: &AllAnswers, rules: &Rules) -> Vec<Finding> {
    let Some(answers) = all.get(&kind) else {
        return Vec::new();
    };
    let mut findings = match kind {
        SectionKind::Institution => institution(answers, rules),
        SectionKind::Capital => Krw::parse(answers.value("paid_in_capital"))
            .ok()
            .and_then(|capital| capital_finding(capital, &rules.capital))
            .into_iter()
            .collect(),
        SectionKind::Redemption => redemption(answers, &rules.redemption).into_iter().collect(),
        SectionKind::Attestation => super::attestation::findings(all, &rules.attestation),
        _ => Vec::new(),
    };
    for finding in &mut findings {
        finding.legal_basis = rules.legal_basis(finding.check).map(str::to_owned);
    }
    findings
}

/// Every check of the application, by section, in the order of the task list.
pub fn all_findings(all: &AllAnswers, rules: &Rules) -> Vec<(SectionKind, Vec<Finding>)> {
    SectionKind::ALL
        .iter()
        .map(|kind| (*kind, section_findings(*kind, all, rules)))
        .filter(|(_, findings)| !findings.is_empty())
        .collect()
}

fn institution(answers: &Answers, rules: &Rules) -> Vec<Finding> {
    let shareholders: Vec<Shareholder> = answers
        .rows("shareholders")
        .iter()
        .filter_map(|row| {
            Some(Shareholder {
                name: row.value("name").trim().to_owned(),
                share: BasisPoints::parse_percent(row.value("share")).ok()?,
                is_bank: row.value("is_bank") == "yes",
            })
        })
        .collect();
    if shareholders.is_empty() {
        return Vec::new();
    }
    ownership_findings(&shareholders, institution_type(answers), &rules.ownership)
}

/// The business days a redemption takes to pay out, against the most the rules allow; nothing
/// until the days read as a whole number.
fn redemption(answers: &Answers, rules: &RedemptionRules) -> Option<Finding> {
    let max_days = *rules.max_payout_days.active()?;
    let days: u32 = crate::domain::number::normalise(answers.value("payout_days"))
        .parse()
        .ok()?;
    let breaches = if days > max_days {
        vec![Breach::PayoutTooSlow { days, max_days }]
    } else {
        Vec::new()
    };
    Some(Finding::new(Check::RedemptionDays, breaches))
}

/// The institution's type as the section answers it. A bank-led consortium is a company owned by
/// banks, not a bank itself, so it counts as "other" for the cap on a bank's holding.
fn institution_type(answers: &Answers) -> InstitutionType {
    match answers.value("institution_type") {
        "bank" => InstitutionType::Bank,
        "non_bank" => InstitutionType::NonBank,
        "fintech" => InstitutionType::Fintech,
        _ => InstitutionType::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::application::form::Row;

    fn row(values: &[(&str, &str)]) -> Row {
        Row {
            id: Row::fresh().id,
            values: values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn ownership_checks_run_on_the_shareholders_typed() {
        let mut institution = Answers::default();
        institution
            .values
            .insert("institution_type".into(), "fintech".into());
        institution.rows.insert(
            "shareholders".into(),
            vec![
                row(&[("name", "Hana Bank"), ("share", "20"), ("is_bank", "yes")]),
                row(&[("name", "Founder"), ("share", "70"), ("is_bank", "no")]),
                row(&[
                    ("name", "Unreadable"),
                    ("share", "lots"),
                    ("is_bank", "yes"),
                ]),
            ],
        );
        let all = AllAnswers::from([(SectionKind::Institution, institution)]);
        let findings = section_findings(SectionKind::Institution, &all, &Rules::default());
        let breached: Vec<Check> = findings
            .iter()
            .filter(|f| !f.passed())
            .map(|f| f.check)
            .collect();
        assert_eq!(breached, [Check::BankMajority, Check::SingleBankCap]);
    }

    #[test]
    fn capital_below_the_minimum_is_flagged_and_blank_capital_is_not_judged() {
        let mut capital = Answers::default();
        capital
            .values
            .insert("paid_in_capital".into(), "4,000,000,000".into());
        let mut all = AllAnswers::from([(SectionKind::Capital, capital)]);
        let findings = section_findings(SectionKind::Capital, &all, &Rules::default());
        assert_eq!(findings.len(), 1);
        assert!(!findings[0].passed());
        all.get_mut(&SectionKind::Capital)
            .unwrap()
            .values
            .insert("paid_in_capital".into(), String::new());
        assert!(section_findings(SectionKind::Capital, &all, &Rules::default()).is_empty());
    }
}
