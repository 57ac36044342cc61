//! The reserve checks at, just below and just above each threshold.

use super::*;
use crate::domain::finding::{Breach, Check, Finding};
use crate::domain::share::BasisPoints;
use crate::domain::token::Chain;

const KRW: ReferenceCurrency = ReferenceCurrency::Krw;

fn won(n: i64) -> Amount {
    Amount::from_minor(KRW, n).unwrap()
}

pub(crate) fn line(class: AssetClass, custodian: &str, amount: i64, days: u32) -> ReserveLine {
    ReserveLine {
        asset_class: class,
        custodian: custodian.into(),
        custodian_kind: CustodianKind::Bank,
        segregated: true,
        isin: None,
        amount: won(amount),
        residual_maturity_days: days,
    }
}

fn supply(minted: i64, frozen: i64, time_locked: i64, treasury: i64) -> TokenSupply {
    TokenSupply {
        chain: Chain::Ethereum,
        minted: won(minted),
        frozen: won(frozen),
        time_locked: won(time_locked),
        treasury: won(treasury),
    }
}

fn figures(supply: Vec<TokenSupply>, lines: Vec<ReserveLine>) -> Figures {
    Figures {
        currency: KRW,
        supply,
        lines,
    }
}

fn finding(figures: &Figures, check: Check) -> Finding {
    findings(figures, &Thresholds::default())
        .into_iter()
        .find(|f| f.check == check)
        .unwrap()
}

/// Reserves of `reserves` won in cash at two banks, against one million tokens outstanding.
fn covered_by(reserves: i64) -> Figures {
    let half = reserves / 2;
    figures(
        vec![supply(1_000_000, 0, 0, 0)],
        vec![
            line(AssetClass::CashAndDemandDeposits, "A Bank", half, 0),
            line(
                AssetClass::CashAndDemandDeposits,
                "B Bank",
                reserves - half,
                0,
            ),
        ],
    )
}

#[test]
fn totals_follow_domain_md() {
    let f = figures(
        vec![supply(1_000, 100, 50, 200), {
            let mut s = supply(500, 0, 0, 0);
            s.chain = Chain::Solana;
            s
        }],
        vec![
            line(AssetClass::CashAndDemandDeposits, "A", 300, 0),
            line(AssetClass::TermDeposits, "B", 900, 30),
        ],
    );
    let t = Totals::of(&f);
    assert_eq!((t.minted, t.redeemable_outstanding), (1_500, 1_150));
    // Frozen tokens are still owed; time-locked and treasury tokens are not added back.
    assert_eq!(t.owed, 1_250);
    assert_eq!((t.total_reserves, t.cash_and_demand_deposits), (1_200, 300));
    assert_eq!(t.coverage(), Some(Ratio::from_bp(9_600)));
    assert_eq!(t.coverage().unwrap().to_string(), "96.00%");
    assert_eq!(t.amount(t.owed).to_string(), "KRW 1,250");
    assert!(supply_problems(&f.supply).is_empty());
}

#[test]
fn supply_must_add_up() {
    let over = supply(100, 50, 30, 21);
    assert_eq!(
        supply_problems(&[over.clone(), supply(1, 0, 0, 0)]),
        [
            SupplyError::NonRedeemableOverMinted(Chain::Ethereum),
            SupplyError::ChainTwice(Chain::Ethereum)
        ]
    );
    assert!(supply_problems(&[supply(100, 50, 30, 20)]).is_empty());
}

#[test]
fn coverage_at_least_one_hundred_percent() {
    assert!(finding(&covered_by(1_000_000), Check::Coverage).passed());
    assert!(finding(&covered_by(1_000_001), Check::Coverage).passed());
    let below = finding(&covered_by(999_999), Check::Coverage);
    assert_eq!(
        below.breaches,
        [Breach::CoverageBelow {
            coverage: Ratio::from_bp(9_999),
            required: Ratio::from_bp(10_000),
            shortfall: won(1),
        }]
    );
    assert_eq!(below.breaches[0].message_key(), "check-coverage-breach");
    assert_eq!(
        below.breaches[0].args()[0],
        ("coverage", "99.99%".to_owned())
    );
}

#[test]
fn frozen_tokens_still_need_reserves() {
    let mut f = covered_by(900_000);
    f.supply = vec![supply(1_000_000, 100_000, 0, 0)];
    assert!(!finding(&f, Check::Coverage).passed());
    f.supply = vec![supply(1_000_000, 0, 0, 100_000)];
    assert!(finding(&f, Check::Coverage).passed());
    f.supply = Vec::new();
    assert!(finding(&f, Check::Coverage).passed(), "nothing outstanding");
}

#[test]
fn coverage_threshold_can_be_raised() {
    let mut thresholds = Thresholds::default();
    thresholds.coverage_minimum.value = 10_250;
    let f = covered_by(1_025_000);
    let passed = |f: &Figures, t: &Thresholds| findings(f, t)[0].passed();
    assert!(passed(&f, &thresholds));
    assert!(!passed(&covered_by(1_024_999), &thresholds));
}

fn cash_of(cash: i64) -> Figures {
    figures(
        vec![supply(10_000, 0, 0, 0)],
        vec![
            line(AssetClass::CashAndDemandDeposits, "A", cash, 0),
            line(AssetClass::KoreanTreasuryBonds, "B", 5_000 - cash, 100),
            line(AssetClass::TermDeposits, "C", 5_000, 30),
        ],
    )
}

#[test]
fn at_least_twenty_percent_in_cash_and_demand_deposits() {
    assert!(finding(&cash_of(2_000), Check::CashShare).passed());
    assert!(finding(&cash_of(2_001), Check::CashShare).passed());
    assert_eq!(
        finding(&cash_of(1_999), Check::CashShare).breaches,
        [Breach::CashBelow {
            cash: Ratio::from_bp(1_999),
            required: BasisPoints::new(2_000).unwrap()
        }]
    );
    let none = figures(vec![supply(1, 0, 0, 0)], Vec::new());
    assert!(!finding(&none, Check::CashShare).passed());
}

fn at_custodian(amount: i64) -> Figures {
    figures(
        vec![supply(10_000, 0, 0, 0)],
        vec![
            line(
                AssetClass::CashAndDemandDeposits,
                "KB Kookmin Bank",
                amount - 1_000,
                0,
            ),
            line(
                AssetClass::TermDeposits,
                "Shinhan Bank",
                (10_000 - amount) / 2,
                10,
            ),
            line(
                AssetClass::TermDeposits,
                "Woori Bank",
                (10_001 - amount) / 2,
                10,
            ),
            line(AssetClass::TermDeposits, " kb  KOOKMIN bank", 1_000, 10),
        ],
    )
}

#[test]
fn no_custodian_over_half_of_the_reserves() {
    assert!(finding(&at_custodian(5_000), Check::CustodianConcentration).passed());
    assert!(finding(&at_custodian(4_999), Check::CustodianConcentration).passed());
    let over = finding(&at_custodian(5_001), Check::CustodianConcentration);
    assert_eq!(
        over.breaches,
        [Breach::CustodianOverCap {
            custodian: "KB Kookmin Bank".into(),
            share: Ratio::from_bp(5_001),
            cap: BasisPoints::new(5_000).unwrap(),
            excess: won(1),
        }]
    );
    assert_eq!(over.breaches[0].args()[3], ("excess", "KRW 1".to_owned()));
}

fn maturity(class: AssetClass, days: u32) -> Finding {
    let f = figures(
        vec![supply(100, 0, 0, 0)],
        vec![
            line(AssetClass::CashAndDemandDeposits, "A", 50, 0),
            line(class, "B", 50, days),
        ],
    );
    finding(&f, Check::EligibleAssets)
}

#[test]
fn eligible_classes_within_their_maturities() {
    let limits = [
        (AssetClass::TermDeposits, 93),
        (AssetClass::KoreanTreasuryBonds, 365),
        (AssetClass::LocalGovernmentBonds, 365),
        (AssetClass::MonetaryStabilisationBonds, 365),
        (AssetClass::ReverseRepos, 7),
    ];
    for (class, max) in limits {
        assert!(maturity(class, max - 1).passed(), "{class} below");
        assert!(maturity(class, max).passed(), "{class} at");
        assert_eq!(
            maturity(class, max + 1).breaches,
            [Breach::MaturityTooLong {
                line: 2,
                days: max + 1,
                max_days: max
            }],
            "{class} above"
        );
    }
    assert!(maturity(AssetClass::CashAndDemandDeposits, 10_000).passed());
    for class in [AssetClass::ForeignGovernmentBonds, AssetClass::Other] {
        let f = maturity(class, 0);
        assert_eq!(f.breaches, [Breach::AssetClassIneligible { line: 2 }]);
        assert_eq!(
            f.breaches[0].message_key(),
            "check-eligible_assets-ineligible"
        );
    }
}

#[test]
fn every_line_with_a_bank_or_trust_in_a_segregated_account() {
    let mut trust = line(AssetClass::KoreanTreasuryBonds, "Trust Co", 10, 30);
    trust.custodian_kind = CustodianKind::Trust;
    let mut broker = line(AssetClass::KoreanTreasuryBonds, "Broker", 10, 30);
    broker.custodian_kind = CustodianKind::Other;
    let mut pooled = line(AssetClass::CashAndDemandDeposits, "C Bank", 10, 0);
    pooled.segregated = false;
    let f = figures(
        vec![],
        vec![
            line(AssetClass::CashAndDemandDeposits, "A Bank", 10, 0),
            trust,
            broker,
            pooled,
        ],
    );
    assert_eq!(
        finding(&f, Check::Segregation).breaches,
        [
            Breach::CustodianNotBankOrTrust {
                line: 3,
                custodian: "Broker".into()
            },
            Breach::NotSegregated {
                line: 4,
                custodian: "C Bank".into()
            },
        ]
    );
}

#[test]
fn switched_off_checks_are_not_run() {
    let mut t = Thresholds::default();
    t.coverage_minimum.enabled = false;
    t.cash_minimum.enabled = false;
    t.custodian_maximum.enabled = false;
    t.eligible_assets.enabled = false;
    t.segregation.enabled = false;
    assert!(findings(&covered_by(0), &t).is_empty());
    let all = findings(&covered_by(0), &Thresholds::default());
    let checks: Vec<_> = all.iter().map(|f| f.check).collect();
    assert_eq!(
        checks,
        [
            Check::Coverage,
            Check::CashShare,
            Check::CustodianConcentration,
            Check::EligibleAssets,
            Check::Segregation
        ]
    );
}
