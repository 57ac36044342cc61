//! The initial reserve attestation as the ATTESTATION section answers it: its figures, read from
//! the rows typed or imported (in the token's reference currency), what is computed from them, and
//! the problems of the header's dates, of the per-chain supply and of amounts finer than the
//! currency counts. A row that does not read yet is left out of the figures: it is already one of
//! the section's problems, and the checks judge what can be read.

use std::str::FromStr;

use super::form::AllAnswers;
use super::form::{Answers, FieldPath, Problem, Row, parse_date};
use super::section::SectionKind;
use crate::domain::attestation::{
    AssetClass, CustodianKind, Figures, HeaderError, Isin, ReserveLine, SupplyError, Thresholds,
    TokenSupply, Totals, date_problems,
};
use crate::domain::finding::{Breach, Finding};
use crate::domain::money::{Amount, ReferenceCurrency};
use crate::domain::number::{group_thousands, normalise};
use crate::domain::token::Chain;

/// The currency the token redeems in, as its section answers it: KRW until it says otherwise.
pub fn reference_currency(all: &AllAnswers) -> ReferenceCurrency {
    all.get(&SectionKind::Token)
        .and_then(|token| token.value("reference_currency").parse().ok())
        .unwrap_or(ReferenceCurrency::Krw)
}

/// The attestation's figures as far as its rows read; `None` before any chain or reserve line does.
pub fn attestation_figures(all: &AllAnswers) -> Option<Figures> {
    read(all).map(|(figures, _)| figures)
}

/// What is computed from the figures, for display beside them.
pub fn attestation_totals(all: &AllAnswers) -> Option<Totals> {
    attestation_figures(all).map(|figures| Totals::of(&figures))
}

/// The reserve checks on the attestation's figures. A breach names a line by its place among the
/// rows on the page (and in an imported file's order), unreadable rows counted too.
pub fn findings(all: &AllAnswers, thresholds: &Thresholds) -> Vec<Finding> {
    let Some((figures, positions)) = read(all) else {
        return Vec::new();
    };
    let mut findings = crate::domain::attestation::findings(&figures, thresholds);
    for breach in findings.iter_mut().flat_map(|f| f.breaches.iter_mut()) {
        if let Some(line) = line_of(breach) {
            *line = positions.get(*line - 1).copied().unwrap_or(*line);
        }
    }
    findings
}

/// The figures, and for each reserve line read its row's place (from 1) among the section's rows.
fn read(all: &AllAnswers) -> Option<(Figures, Vec<usize>)> {
    let answers = all.get(&SectionKind::Attestation)?;
    let currency = reference_currency(all);
    let supply: Vec<TokenSupply> = answers
        .rows("supply")
        .iter()
        .filter_map(|row| supply_of(row, currency))
        .collect();
    let (positions, lines): (Vec<usize>, Vec<ReserveLine>) = answers
        .rows("reserve_lines")
        .iter()
        .enumerate()
        .filter_map(|(i, row)| reserve_line_of(row, currency).map(|line| (i + 1, line)))
        .unzip();
    if supply.is_empty() && lines.is_empty() {
        return None;
    }
    let figures = Figures {
        currency,
        supply,
        lines,
    };
    Some((figures, positions))
}

fn line_of(breach: &mut Breach) -> Option<&mut usize> {
    match breach {
        Breach::AssetClassIneligible { line }
        | Breach::MaturityTooLong { line, .. }
        | Breach::CustodianNotBankOrTrust { line, .. }
        | Breach::NotSegregated { line, .. } => Some(line),
        _ => None,
    }
}

/// An optional amount: blank is nothing; anything else must read.
fn amount_or_zero(row: &Row, field: &str, currency: ReferenceCurrency) -> Option<Amount> {
    match row.value(field).trim() {
        "" => Some(Amount::zero(currency)),
        text => Amount::parse(currency, text).ok(),
    }
}

fn supply_of(row: &Row, currency: ReferenceCurrency) -> Option<TokenSupply> {
    Some(TokenSupply {
        chain: Chain::from_str(row.value("chain")).ok()?,
        minted: Amount::parse(currency, row.value("minted")).ok()?,
        frozen: amount_or_zero(row, "frozen", currency)?,
        time_locked: amount_or_zero(row, "time_locked", currency)?,
        treasury: amount_or_zero(row, "treasury", currency)?,
    })
}

fn reserve_line_of(row: &Row, currency: ReferenceCurrency) -> Option<ReserveLine> {
    let custodian = row.value("custodian").trim();
    if custodian.is_empty() {
        return None;
    }
    let isin = match row.value("isin").trim() {
        "" => None,
        text => Some(Isin::parse(text).ok()?),
    };
    let segregated = match row.value("segregated") {
        "yes" => true,
        "no" => false,
        _ => return None,
    };
    Some(ReserveLine {
        asset_class: AssetClass::from_str(row.value("asset_class")).ok()?,
        custodian: custodian.to_owned(),
        custodian_kind: CustodianKind::from_str(row.value("custodian_kind")).ok()?,
        segregated,
        isin,
        amount: Amount::parse(currency, row.value("amount")).ok()?,
        residual_maturity_days: normalise(row.value("maturity_days")).parse().ok()?,
    })
}

/// A reserve line as the section's row holds it, as if typed: what an imported file puts in the
/// section. Amounts are written as people type them ("1,234" won, "1,234.56" dollars).
pub fn reserve_line_row(line: &ReserveLine) -> Row {
    let minor = line.amount.minor().unsigned_abs();
    let amount = match line.amount.currency() {
        ReferenceCurrency::Krw => group_thousands(minor),
        ReferenceCurrency::Usd => format!("{}.{:02}", group_thousands(minor / 100), minor % 100),
    };
    let segregated = if line.segregated { "yes" } else { "no" };
    let values = [
        ("asset_class", line.asset_class.as_str().to_owned()),
        ("custodian", line.custodian.clone()),
        ("custodian_kind", line.custodian_kind.as_str().to_owned()),
        ("segregated", segregated.to_owned()),
        (
            "isin",
            line.isin
                .as_ref()
                .map(|i| i.as_str().to_owned())
                .unwrap_or_default(),
        ),
        ("amount", amount),
        ("maturity_days", line.residual_maturity_days.to_string()),
    ];
    Row {
        values: values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        ..Row::fresh()
    }
}

/// The section's checks across fields (its declaration's `cross_checks`): the header's dates in
/// order, each chain once, and never more tokens set aside on a chain than minted on it.
pub fn cross_checks(answers: &Answers, problems: &mut Vec<Problem>) {
    if let Some(as_of) = parse_date(answers.value("as_of")) {
        let period_start = parse_date(answers.value("period_start"));
        let signed_on = parse_date(answers.value("signed_on"));
        for error in date_problems(as_of, period_start, signed_on) {
            let field = match error {
                HeaderError::PeriodAfterAsOf => "period_start",
                HeaderError::SignedBeforeAsOf => "signed_on",
            };
            problems.push(Problem::at(
                FieldPath::Field(field.into()),
                error.message_key(),
            ));
        }
    }
    // The currency is the token section's, not known here; the comparison holds in either, read
    // at the finer one (cents).
    let rows = answers.rows("supply");
    let read: Vec<(&Row, TokenSupply)> = rows
        .iter()
        .filter_map(|row| Some((row, supply_of(row, ReferenceCurrency::Usd)?)))
        .collect();
    for (i, (row, supply)) in read.iter().enumerate() {
        let at = |field: &str| FieldPath::Row {
            group: "supply".into(),
            row: row.id.clone(),
            field: field.into(),
        };
        if read[..i]
            .iter()
            .any(|(_, earlier)| earlier.chain == supply.chain)
        {
            let error = SupplyError::ChainTwice(supply.chain);
            problems.push(Problem::at(at("chain"), error.message_key()));
        }
        if supply.redeemable_outstanding() < 0 {
            let error = SupplyError::NonRedeemableOverMinted(supply.chain);
            problems.push(Problem::at(at("minted"), error.message_key()));
        }
    }
}

/// Amounts that read as amounts but not in the token's currency (cents typed for a won token):
/// the declaration checks amounts at the finer of the two currencies, and only here is the
/// token's known. The section's page adds these to its problems.
pub fn currency_problems(all: &AllAnswers) -> Vec<Problem> {
    let currency = reference_currency(all);
    let Some(answers) = all.get(&SectionKind::Attestation) else {
        return Vec::new();
    };
    let groups: [(&str, &[&str]); 2] = [
        ("supply", &["minted", "frozen", "time_locked", "treasury"]),
        ("reserve_lines", &["amount"]),
    ];
    let mut problems = Vec::new();
    for (group, fields) in groups {
        for row in answers.rows(group) {
            for field in fields {
                let text = row.value(field);
                if text.trim().is_empty() || Amount::parse(ReferenceCurrency::Usd, text).is_err() {
                    continue;
                }
                if let Err(error) = Amount::parse(currency, text) {
                    problems.push(Problem::at(
                        FieldPath::Row {
                            group: group.into(),
                            row: row.id.clone(),
                            field: (*field).into(),
                        },
                        error.message_key(),
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests;
