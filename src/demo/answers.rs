//! A complete, valid set of answers for every section, as a careful applicant would give them: the
//! demo's filled-in applications start from these, and tests that need a finished application
//! use them rather than typing every field again.

use crate::domain::application::SectionKind;
use crate::domain::application::form::{Answers, Row};

/// The applicant's names, so that several demo applications differ.
#[derive(Debug, Clone, Copy)]
pub struct Applicant {
    pub name_ko: &'static str,
    pub name_en: &'static str,
    /// A business registration number with a valid check digit.
    pub brn: &'static str,
    /// A corporate registration number with a valid check digit.
    pub crn: &'static str,
    /// The short name its own staff use (the custodian trust department, the first shareholder).
    pub short_ko: &'static str,
    /// The web domain of its site and mail addresses.
    pub domain: &'static str,
    pub token_name: &'static str,
    pub ticker: &'static str,
    /// An Ethereum contract address (EIP-55 mixed case).
    pub contract: &'static str,
}

pub const HANBIT: Applicant = Applicant {
    name_ko: "한빛은행 주식회사",
    name_en: "Hanbit Bank Co., Ltd.",
    brn: "124-81-00998",
    crn: "110111-1234569",
    short_ko: "한빛은행",
    domain: "hanbit.example.kr",
    token_name: "Hanbit Won",
    ticker: "HBKRW",
    contract: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
};

/// The demo's application submitted, complete.
pub const DASOM: Applicant = Applicant {
    name_ko: "다솜은행 주식회사",
    name_en: "Dasom Bank Co., Ltd.",
    brn: "201-81-64682",
    crn: "110111-6825545",
    short_ko: "다솜은행",
    domain: "dasom.example.kr",
    token_name: "Dasom Won",
    ticker: "DSKRW",
    contract: "0x123B1612dd272d1371C17149D439536B3216FDAe",
};

/// The demo's application asked for information, answer overdue.
pub const GARAM: Applicant = Applicant {
    name_ko: "가람은행 주식회사",
    name_en: "Garam Bank Co., Ltd.",
    brn: "220-81-59249",
    crn: "110111-3143289",
    short_ko: "가람은행",
    domain: "garam.example.kr",
    token_name: "Garam Won",
    ticker: "GRKRW",
    contract: "0x75729faE923D5a4fD12aABfE228f219E9cB0Eb53",
};

/// The demo's application under assessment.
pub const ONNURI: Applicant = Applicant {
    name_ko: "온누리은행 주식회사",
    name_en: "Onnuri Bank Co., Ltd.",
    brn: "104-81-35756",
    crn: "110111-8055504",
    short_ko: "온누리은행",
    domain: "onnuri.example.kr",
    token_name: "Onnuri Won",
    ticker: "ONKRW",
    contract: "0x947cCf25eC84D8DBc74254770F58904dBa41ECCc",
};

/// The demo's application out for consultation to the Bank of Korea.
pub const BADA: Applicant = Applicant {
    name_ko: "바다은행 주식회사",
    name_en: "Bada Bank Co., Ltd.",
    brn: "104-81-78890",
    crn: "110111-6651007",
    short_ko: "바다은행",
    domain: "bada.example.kr",
    token_name: "Bada Won",
    ticker: "BDKRW",
    contract: "0xc1626e53A13043b026C48BBf33FEfF9243a8F506",
};

/// The demo's application decision proposed.
pub const HANGYEOL: Applicant = Applicant {
    name_ko: "한결은행 주식회사",
    name_en: "Hangyeol Bank Co., Ltd.",
    brn: "110-81-24012",
    crn: "110111-7235884",
    short_ko: "한결은행",
    domain: "hangyeol.example.kr",
    token_name: "Hangyeol Won",
    ticker: "HGKRW",
    contract: "0x0928B5b7A767c76Fb008F86bebb2737f6a6F0FB2",
};

/// The demo's application approved and on the register.
pub const MIRINAE: Applicant = Applicant {
    name_ko: "미리내은행 주식회사",
    name_en: "Mirinae Bank Co., Ltd.",
    brn: "104-81-63650",
    crn: "110111-8203046",
    short_ko: "미리내은행",
    domain: "mirinae.example.kr",
    token_name: "Mirinae Won",
    ticker: "MRKRW",
    contract: "0x6f5Da2CEc255404e4FB440034D6608697a8D41be",
};

/// The demo's application rejected.
pub const BYEOLBIT: Applicant = Applicant {
    name_ko: "별빛은행 주식회사",
    name_en: "Byeolbit Bank Co., Ltd.",
    brn: "106-81-84665",
    crn: "110111-4410603",
    short_ko: "별빛은행",
    domain: "byeolbit.example.kr",
    token_name: "Byeolbit Won",
    ticker: "BBKRW",
    contract: "0x440E50454f31Af3176813E02EA68ef786E4d3CEA",
};

/// The demo's application withdrawn.
pub const MIR: Applicant = Applicant {
    name_ko: "미르은행 주식회사",
    name_en: "Mir Bank Co., Ltd.",
    brn: "201-81-70170",
    crn: "110111-0766729",
    short_ko: "미르은행",
    domain: "mir.example.kr",
    token_name: "Mir Won",
    ticker: "MIKRW",
    contract: "0x6934B484e73Cf575DcaD6BA2B0aEe0ca92373288",
};

/// The demo's application submitted with a reserve short of its tokens.
pub const SOLBIT: Applicant = Applicant {
    name_ko: "솔빛은행 주식회사",
    name_en: "Solbit Bank Co., Ltd.",
    brn: "201-81-44309",
    crn: "110111-7924891",
    short_ko: "솔빛은행",
    domain: "solbit.example.kr",
    token_name: "Solbit Won",
    ticker: "SBKRW",
    contract: "0x4d8c4fa2815d2802827283e0ad84173581569969",
};

/// Every demo applicant, the draft's first.
pub const ALL: [&Applicant; 10] = [
    &HANBIT, &DASOM, &GARAM, &ONNURI, &BADA, &HANGYEOL, &MIRINAE, &BYEOLBIT, &MIR, &SOLBIT,
];

/// How the attestation's reserve compares with the tokens outstanding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserve {
    /// 102% coverage, every check passed.
    Sound,
    /// 95% coverage: the coverage check is breached.
    Short,
}

fn row(values: &[(&str, &str)]) -> Row {
    Row {
        values: values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        ..Row::fresh()
    }
}

fn answers(values: &[(&str, &str)], rows: Vec<(&str, Vec<Row>)>) -> Answers {
    Answers {
        values: values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        lists: Default::default(),
        rows: rows.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    }
}

/// The answers of `section` for `applicant`; the declaration has none (it is made at submission).
pub fn complete(section: SectionKind, applicant: &Applicant, reserve: Reserve) -> Answers {
    match section {
        SectionKind::Institution => institution(applicant),
        SectionKind::Management => answers(
            &[],
            vec![(
                "directors",
                vec![
                    row(&[
                        ("name", "이정민"),
                        ("position", "대표이사 CEO"),
                        (
                            "experience",
                            "시중은행 결제사업 총괄 15년, 디지털자산 TF 의장.",
                        ),
                        ("fit_and_proper", "yes"),
                    ]),
                    row(&[
                        ("name", "Park Soyeon"),
                        ("position", "Chief Risk Officer"),
                        (
                            "experience",
                            "Twelve years in treasury and liquidity risk at two banks.",
                        ),
                        ("fit_and_proper", "yes"),
                    ]),
                ],
            )],
        ),
        SectionKind::Token => token(applicant),
        SectionKind::BusinessPlan => {
            let mut plan = answers(
                &[
                    (
                        "distribution_channels",
                        "모바일뱅킹 앱, 제휴 가맹점 결제망, 기업 정산 API.",
                    ),
                    ("jurisdictions", "대한민국, 싱가포르, 베트남"),
                    ("outstanding_year_1", "50000000000"),
                    ("outstanding_year_2", "150000000000"),
                    ("outstanding_year_3", "300000000000"),
                ],
                vec![],
            );
            plan.lists.insert(
                "use_cases".into(),
                vec!["domestic_payments".into(), "cross_border".into()],
            );
            plan
        }
        SectionKind::Capital => answers(
            &[
                ("paid_in_capital", "10,000,000,000"),
                ("capital_as_of", "2026-09-30"),
                ("capital_notes", "전액 현금 납입."),
            ],
            vec![],
        ),
        SectionKind::ReservePolicy => answers(
            &[
                (
                    "custodians",
                    &format!("{} 신탁부, 한국증권금융.", applicant.short_ko),
                ),
                ("segregation", "trust"),
                ("valuation_frequency", "daily"),
                ("stress_test", "30% 일시 상환 시나리오에서 T+1 지급 가능."),
            ],
            vec![(
                "targets",
                vec![
                    row(&[("asset_class", "cash_demand_deposits"), ("share", "40")]),
                    row(&[("asset_class", "korean_treasury_bonds"), ("share", "60")]),
                ],
            )],
        ),
        SectionKind::Redemption => answers(
            &[
                ("at_par", "yes"),
                ("payout_days", "2"),
                ("fees", "상환 수수료 없음."),
                ("minimum_amount", "10000"),
                (
                    "procedure",
                    "앱에서 상환 신청, 본인 확인 후 등록 계좌로 지급.",
                ),
            ],
            vec![],
        ),
        SectionKind::Risk => answers(
            &[
                ("aml_officer_name", "최준호"),
                ("aml_officer_email", &format!("aml@{}", applicant.domain)),
                (
                    "travel_rule",
                    "VerifyVASP 연동, 100만 원 이상 이전 시 정보 송수신.",
                ),
                (
                    "sanctions_screening",
                    "OFAC, UN, 금융위 제재 목록 실시간 대조.",
                ),
                (
                    "smart_contract_audit",
                    "2026년 8월 외부 감사 완료, 중대 결함 없음.",
                ),
                ("business_continuity", "이중화 데이터센터, RTO 4시간."),
            ],
            vec![],
        ),
        SectionKind::CrossBorder => answers(
            &[
                ("monthly_outbound_krw", "20,000,000,000"),
                ("monthly_inbound_krw", "8,000,000,000"),
                (
                    "fx_reporting",
                    "월별 거래 내역을 한국은행 외환전산망으로 보고.",
                ),
            ],
            vec![(
                "corridors",
                vec![
                    row(&[("country", "Singapore"), ("direction", "both")]),
                    row(&[("country", "Viet Nam"), ("direction", "outbound")]),
                ],
            )],
        ),
        SectionKind::Attestation => attestation(applicant, reserve),
        SectionKind::Documents | SectionKind::Declaration => Answers::default(),
    }
}

fn institution(applicant: &Applicant) -> Answers {
    answers(
        &[
            ("legal_name_ko", applicant.name_ko),
            ("legal_name_en", applicant.name_en),
            ("legal_form", "stock_company"),
            ("incorporated_on", "2019-04-01"),
            ("business_registration_number", applicant.brn),
            ("corporate_registration_number", applicant.crn),
            ("lei", ""),
            ("head_office_address", "서울특별시 중구 세종대로 110"),
            ("website", &format!("https://www.{}", applicant.domain)),
            ("contact_name", "김하늘"),
            ("contact_email", &format!("compliance@{}", applicant.domain)),
            ("contact_phone", "02-1234-5678"),
            ("institution_type", "bank"),
            (
                "group_structure",
                &format!(
                    "{}과 은행 세 곳, 핀테크 한 곳이 세운 합작법인.",
                    applicant.short_ko
                ),
            ),
        ],
        vec![(
            "shareholders",
            vec![
                // Banks together hold the majority, none over the Banking Act's 15% cap.
                row(&[
                    ("name", applicant.short_ko),
                    ("share", "15"),
                    ("is_bank", "yes"),
                ]),
                row(&[("name", "다온은행"), ("share", "15"), ("is_bank", "yes")]),
                row(&[("name", "새봄은행"), ("share", "15"), ("is_bank", "yes")]),
                row(&[("name", "누리은행"), ("share", "15"), ("is_bank", "yes")]),
                row(&[("name", "케이페이먼츠"), ("share", "40"), ("is_bank", "no")]),
            ],
        )],
    )
}

fn token(applicant: &Applicant) -> Answers {
    answers(
        &[
            ("token_name", applicant.token_name),
            ("ticker", applicant.ticker),
            ("reference_currency", "KRW"),
            (
                "mint_burn_controls",
                "2-of-3 멀티시그, 발행은 준비자산 입금 확인 후에만.",
            ),
            (
                "white_paper_url",
                &format!("https://www.{}/whitepaper.pdf", applicant.domain),
            ),
            ("white_paper_version", "1.2"),
            ("no_rewards", "yes"),
        ],
        vec![(
            "deployments",
            vec![row(&[
                ("chain", "ethereum"),
                ("contract_address", applicant.contract),
            ])],
        )],
    )
}

fn attestation(applicant: &Applicant, reserve: Reserve) -> Answers {
    // 100 billion won outstanding; the reserve covers 102% or, short, 95%.
    let treasury = match reserve {
        Reserve::Sound => "31,000,000,000",
        Reserve::Short => "27,500,000,000",
    };
    answers(
        &[
            ("as_of", "2026-10-31"),
            ("period_start", "2026-10-01"),
            ("standard", "korean_equivalent"),
            ("firm_name", "삼일회계법인"),
            ("firm_registration_number", "2-0001"),
            ("opinion", "unqualified"),
            ("signed_on", "2026-11-10"),
        ],
        vec![
            (
                "supply",
                vec![row(&[("chain", "ethereum"), ("minted", "100,000,000,000")])],
            ),
            (
                "reserve_lines",
                vec![
                    row(&[
                        ("asset_class", "cash_demand_deposits"),
                        ("custodian", &format!("{} 신탁부", applicant.short_ko)),
                        ("custodian_kind", "trust"),
                        ("segregated", "yes"),
                        ("amount", "40,000,000,000"),
                        ("maturity_days", "0"),
                    ]),
                    // Bonds with two custodians: no custodian holds more than half.
                    row(&[
                        ("asset_class", "korean_treasury_bonds"),
                        ("custodian", "한국증권금융"),
                        ("custodian_kind", "trust"),
                        ("segregated", "yes"),
                        ("amount", treasury),
                        ("maturity_days", "120"),
                    ]),
                    row(&[
                        ("asset_class", "monetary_stabilisation_bonds"),
                        ("custodian", "한국예탁결제원"),
                        ("custodian_kind", "trust"),
                        ("segregated", "yes"),
                        ("amount", treasury),
                        ("maturity_days", "90"),
                    ]),
                ],
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::application::findings::{AllAnswers, section_findings};
    use crate::domain::application::sections::section;
    use crate::domain::rules::Rules;

    fn all(reserve: Reserve) -> AllAnswers {
        SectionKind::ALL
            .iter()
            .map(|kind| (*kind, complete(*kind, &HANBIT, reserve)))
            .collect()
    }

    #[test]
    fn every_section_of_every_applicant_is_complete_and_valid() {
        for applicant in ALL {
            for kind in SectionKind::ALL {
                let answers = complete(*kind, applicant, Reserve::Sound);
                let problems = section(*kind).problems(&answers);
                assert!(
                    problems.is_empty(),
                    "{}, {kind:?}: {problems:?}",
                    applicant.name_en
                );
            }
        }
    }

    #[test]
    fn every_applicant_has_its_own_valid_numbers_and_an_eip55_contract() {
        use crate::domain::identifiers::{BusinessRegistrationNumber, CorporateRegistrationNumber};
        use crate::domain::token::{Chain, ContractAddress};
        let mut seen = std::collections::HashSet::new();
        for a in ALL {
            assert!(
                BusinessRegistrationNumber::parse(a.brn).is_ok(),
                "{}",
                a.brn
            );
            assert!(
                CorporateRegistrationNumber::parse(a.crn).is_ok(),
                "{}",
                a.crn
            );
            let contract = ContractAddress::parse(Chain::Ethereum, a.contract).unwrap();
            assert_eq!(
                contract.as_str(),
                a.contract,
                "EIP-55 form of {}",
                a.name_en
            );
            for unique in [a.name_ko, a.brn, a.crn, a.ticker, a.contract, a.domain] {
                assert!(seen.insert(unique), "{unique} used twice");
            }
        }
    }

    #[test]
    fn a_short_reserve_breaches_the_coverage_check_and_a_sound_one_passes_every_check() {
        let rules = Rules::default();
        for kind in SectionKind::ALL {
            let findings = section_findings(*kind, &all(Reserve::Sound), &rules);
            assert!(
                findings.iter().all(|f| f.passed()),
                "{kind:?}: {findings:?}"
            );
        }
        let short = section_findings(SectionKind::Attestation, &all(Reserve::Short), &rules);
        assert!(short.iter().any(|f| !f.passed()));
    }
}
