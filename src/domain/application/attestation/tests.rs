//! The attestation's figures and checks through the answers path: rows as typed (or imported),
//! read in the token's currency, each check at, just below and just above its threshold.

use super::*;
use crate::domain::application::findings::section_findings;
use crate::domain::application::sections::section;
use crate::domain::finding::Check;
use crate::domain::rules::Rules;

fn row(values: &[(&str, &str)]) -> Row {
    Row {
        id: Row::fresh().id,
        values: values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

fn chain(chain: &str, minted: &str, frozen: &str) -> Row {
    row(&[("chain", chain), ("minted", minted), ("frozen", frozen)])
}

/// A reserve line held in a segregated account at a bank.
fn line(class: &str, custodian: &str, amount: &str, days: &str) -> Row {
    row(&[
        ("asset_class", class),
        ("custodian", custodian),
        ("custodian_kind", "bank"),
        ("segregated", "yes"),
        ("isin", ""),
        ("amount", amount),
        ("maturity_days", days),
    ])
}

fn cash(custodian: &str, amount: &str) -> Row {
    line("cash_demand_deposits", custodian, amount, "0")
}

fn answers_with(supply: Vec<Row>, lines: Vec<Row>) -> AllAnswers {
    let mut attestation = Answers::default();
    attestation.rows.insert("supply".into(), supply);
    attestation.rows.insert("reserve_lines".into(), lines);
    AllAnswers::from([(SectionKind::Attestation, attestation)])
}

/// One million tokens outstanding on one chain, against `lines`.
fn million_against(lines: Vec<Row>) -> AllAnswers {
    answers_with(vec![chain("ethereum", "1,000,000", "")], lines)
}

fn with_currency(mut all: AllAnswers, currency: &str) -> AllAnswers {
    let mut token = Answers::default();
    token
        .values
        .insert("reference_currency".into(), currency.into());
    all.insert(SectionKind::Token, token);
    all
}

fn finding(all: &AllAnswers, check: Check) -> Finding {
    section_findings(SectionKind::Attestation, all, &Rules::default())
        .into_iter()
        .find(|f| f.check == check)
        .unwrap_or_else(|| panic!("no {check:?} finding"))
}

fn passes(all: &AllAnswers, check: Check) -> bool {
    finding(all, check).passed()
}

/// Cash split over four banks (so no custodian is over 50%), `amount` won in all.
fn cash_of(amount: i64) -> Vec<Row> {
    let quarter = amount / 4;
    let rest = amount - 3 * quarter;
    ["A Bank", "B Bank", "C Bank"]
        .iter()
        .map(|bank| cash(bank, &quarter.to_string()))
        .chain([cash("D Bank", &rest.to_string())])
        .collect()
}

#[test]
fn coverage_at_and_around_one_hundred_percent_through_the_answers() {
    assert!(!passes(&million_against(cash_of(999_999)), Check::Coverage));
    assert!(passes(
        &million_against(cash_of(1_000_000)),
        Check::Coverage
    ));
    assert!(passes(
        &million_against(cash_of(1_000_001)),
        Check::Coverage
    ));
    // Frozen tokens still count as outstanding: 1,000,000 against 1,000,000 minted of which
    // 10 frozen is covered, and against 1,000,000 redeemable plus 10 frozen it is not.
    let frozen = answers_with(
        vec![chain("ethereum", "1,000,010", "10")],
        cash_of(1_000_000),
    );
    assert!(!passes(&frozen, Check::Coverage));
}

#[test]
fn totals_are_shown_in_the_tokens_currency() {
    let all = million_against(cash_of(1_200_000));
    let totals = attestation_totals(&all).unwrap();
    assert_eq!(totals.currency, ReferenceCurrency::Krw);
    assert_eq!(totals.total_reserves, 1_200_000);
    assert_eq!(totals.redeemable_outstanding, 1_000_000);
    assert_eq!(totals.coverage().unwrap().to_string(), "120.00%");
    assert_eq!(totals.cash_share().unwrap().to_string(), "100.00%");
    // In dollars, cents are read and counted.
    let usd = with_currency(
        answers_with(
            vec![chain("base", "1,000.50", "")],
            vec![cash("A Bank", "500.25"), cash("B Bank", "500.25")],
        ),
        "USD",
    );
    let totals = attestation_totals(&usd).unwrap();
    assert_eq!(totals.currency, ReferenceCurrency::Usd);
    assert_eq!(
        (totals.total_reserves, totals.redeemable_outstanding),
        (100_050, 100_050)
    );
    assert_eq!(
        totals.amount(totals.total_reserves).to_string(),
        "USD 1,000.50"
    );
    assert!(passes(&usd, Check::Coverage));
    // Nothing typed yet: nothing to show.
    assert_eq!(attestation_totals(&AllAnswers::new()), None);
    assert_eq!(attestation_totals(&answers_with(vec![], vec![])), None);
}

#[test]
fn cash_share_at_and_around_twenty_percent() {
    let with_cash = |cash_won: i64| {
        let mut lines = cash_of(cash_won);
        let bonds = 1_000_000 - cash_won;
        // Bonds split over two more banks, each under half of the reserves.
        lines.push(line(
            "korean_treasury_bonds",
            "E Bank",
            &(bonds / 2).to_string(),
            "300",
        ));
        lines.push(line(
            "korean_treasury_bonds",
            "F Bank",
            &(bonds - bonds / 2).to_string(),
            "300",
        ));
        million_against(lines)
    };
    assert!(!passes(&with_cash(199_999), Check::CashShare));
    assert!(passes(&with_cash(200_000), Check::CashShare));
    assert!(passes(&with_cash(200_001), Check::CashShare));
}

#[test]
fn custodian_concentration_at_and_around_fifty_percent() {
    // A Bank holds `a`; B Bank and C Bank share the rest, each under half.
    let split = |a: i64| {
        let rest = 1_000_000 - a;
        million_against(vec![
            cash("A Bank", &a.to_string()),
            cash("B Bank", &(rest / 2).to_string()),
            cash("C Bank", &(rest - rest / 2).to_string()),
        ])
    };
    assert!(passes(&split(500_000), Check::CustodianConcentration));
    assert!(!passes(&split(500_001), Check::CustodianConcentration));
    assert!(passes(&split(499_999), Check::CustodianConcentration));
}

#[test]
fn maturities_at_and_around_each_classes_limit() {
    for (class, max) in [
        ("term_deposits", 93),
        ("korean_treasury_bonds", 365),
        ("local_government_bonds", 365),
        ("monetary_stabilisation_bonds", 365),
        ("reverse_repos", 7),
    ] {
        let at = |days: u32| {
            let mut lines = cash_of(600_000);
            lines.push(line(class, "E Bank", "400,000", &days.to_string()));
            passes(&million_against(lines), Check::EligibleAssets)
        };
        assert!(at(max - 1), "{class} {}", max - 1);
        assert!(at(max), "{class} {max}");
        assert!(!at(max + 1), "{class} {}", max + 1);
    }
    let mut lines = cash_of(600_000);
    lines.push(line("foreign_government_bonds", "E Bank", "400,000", "30"));
    assert!(!passes(&million_against(lines), Check::EligibleAssets));
}

#[test]
fn a_breach_names_the_row_on_the_page_even_after_an_unreadable_row() {
    let mut lines = vec![
        cash("A Bank", "500,000"),
        // Row 2 does not read (its amount is a word): the section shows that problem.
        cash("B Bank", "lots"),
        line("term_deposits", "C Bank", "500,000", "94"),
    ];
    lines[2]
        .values
        .insert("custodian_kind".into(), "other".into());
    let all = million_against(lines);
    let eligible = finding(&all, Check::EligibleAssets);
    assert_eq!(
        eligible.breaches,
        [Breach::MaturityTooLong {
            line: 3,
            days: 94,
            max_days: 93
        }]
    );
    let segregation = finding(&all, Check::Segregation);
    assert_eq!(
        segregation.breaches,
        [Breach::CustodianNotBankOrTrust {
            line: 3,
            custodian: "C Bank".into()
        }]
    );
    // The unreadable row is left out of the figures.
    assert_eq!(attestation_totals(&all).unwrap().total_reserves, 1_000_000);
}

#[test]
fn the_header_dates_are_the_sections_problems() {
    let declaration = section(SectionKind::Attestation);
    let mut answers = Answers::default();
    for (field, value) in [
        ("as_of", "2026-06-30"),
        ("period_start", "2026-07-01"),
        ("signed_on", "2026-06-29"),
    ] {
        answers.values.insert(field.into(), value.into());
    }
    let keys = |answers: &Answers| {
        declaration
            .problems(answers)
            .into_iter()
            .filter(|p| p.key.starts_with("attestation-"))
            .map(|p| (p.path, p.key))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(&answers),
        [
            (
                FieldPath::Field("period_start".into()),
                "attestation-period-after-as-of"
            ),
            (
                FieldPath::Field("signed_on".into()),
                "attestation-signed-before-as-of"
            ),
        ]
    );
    // The same day is in order; a date not typed yet is not judged.
    answers
        .values
        .insert("period_start".into(), "2026-06-30".into());
    answers.values.insert("signed_on".into(), String::new());
    assert!(keys(&answers).is_empty());
}

#[test]
fn a_chain_twice_or_more_set_aside_than_minted_is_a_problem_at_its_row() {
    let declaration = section(SectionKind::Attestation);
    let mut answers = Answers::default();
    let first = chain("ethereum", "1,000", "");
    let twice = chain("ethereum", "500", "");
    let over = row(&[
        ("chain", "base"),
        ("minted", "100"),
        ("frozen", "60"),
        ("treasury", "41"),
    ]);
    let ids = [twice.id.clone(), over.id.clone()];
    answers
        .rows
        .insert("supply".into(), vec![first, twice, over]);
    let found: Vec<_> = declaration
        .problems(&answers)
        .into_iter()
        .filter(|p| p.key.starts_with("attestation-supply"))
        .map(|p| (p.path, p.key))
        .collect();
    let at = |row: &str, field: &str| FieldPath::Row {
        group: "supply".into(),
        row: row.into(),
        field: field.into(),
    };
    assert_eq!(
        found,
        [
            (at(&ids[0], "chain"), "attestation-supply-chain-twice"),
            (at(&ids[1], "minted"), "attestation-supply-over-minted"),
        ]
    );
}

#[test]
fn cents_typed_for_a_won_token_are_a_problem_and_left_out_of_the_figures() {
    let all = million_against(vec![cash("A Bank", "500,000.5"), cash("B Bank", "500,000")]);
    let problems = currency_problems(&all);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].key, "money-won-fraction");
    assert_eq!(attestation_totals(&all).unwrap().total_reserves, 500_000);
    // The same in dollars is two amounts of cents, and no problem.
    let usd = with_currency(all, "USD");
    assert!(currency_problems(&usd).is_empty());
    assert_eq!(
        attestation_totals(&usd).unwrap().total_reserves,
        100_000_050
    );
}

#[test]
fn redemption_days_at_and_around_the_limit_and_switched_off() {
    let days = |value: &str, rules: &Rules| {
        let mut redemption = Answers::default();
        redemption.values.insert("payout_days".into(), value.into());
        let all = AllAnswers::from([(SectionKind::Redemption, redemption)]);
        section_findings(SectionKind::Redemption, &all, rules)
    };
    let rules = Rules::default();
    assert!(days("2", &rules)[0].passed());
    assert!(days("3", &rules)[0].passed());
    assert!(days("３", &rules)[0].passed(), "full-width digits read");
    let slow = days("4", &rules);
    assert_eq!(
        slow[0].breaches,
        [Breach::PayoutTooSlow {
            days: 4,
            max_days: 3
        }]
    );
    assert!(days("", &rules).is_empty(), "nothing typed, nothing judged");
    assert!(days("soon", &rules).is_empty());
    let mut off = Rules::default();
    off.redemption.max_payout_days.enabled = false;
    assert!(days("30", &off).is_empty());
    off.redemption.max_payout_days = crate::domain::rules::Setting::on(5);
    off.redemption.max_payout_days.legal_basis = Some("Bill, Art. 25".into());
    let five = days("5", &off);
    assert!(five[0].passed());
    assert_eq!(five[0].legal_basis.as_deref(), Some("Bill, Art. 25"));
}

#[test]
fn a_file_holds_no_more_lines_than_the_section_keeps() {
    let group = section(SectionKind::Attestation)
        .group("reserve_lines")
        .unwrap();
    assert_eq!(
        crate::domain::attestation::import::MAX_LINES,
        group.max_rows
    );
}

#[test]
fn an_imported_line_reads_back_as_it_was_in_either_currency() {
    for (currency, amount) in [("KRW", "1,234,567"), ("USD", "1,234,567.05")] {
        let typed = row(&[
            ("asset_class", "korean_treasury_bonds"),
            ("custodian", "신한은행"),
            ("custodian_kind", "trust"),
            ("segregated", "no"),
            ("isin", "KR7005930003"),
            ("amount", amount),
            ("maturity_days", "120"),
        ]);
        let currency: ReferenceCurrency = currency.parse().unwrap();
        let line = reserve_line_of(&typed, currency).unwrap();
        let written = reserve_line_row(&line);
        assert_eq!(written.values, typed.values);
        assert_ne!(written.id, typed.id, "a fresh row");
        assert_eq!(reserve_line_of(&written, currency), Some(line));
    }
}
