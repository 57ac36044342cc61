//! A registration application filled in completely and validly, for the tests that need one:
//! every section's answers (checked against the declarations here, so a change to a section that
//! makes them invalid fails loudly) saved as version 1, and every document as a row.

use stablereg::db;
use stablereg::domain::application::SectionKind;
use stablereg::domain::application::form::{Answers, Row};
use stablereg::domain::application::sections::section;
use uuid::Uuid;

use crate::support::harness::TestApp;

fn answers(values: &[(&str, &str)], rows: &[(&str, Vec<Row>)]) -> Answers {
    let mut answers = Answers::default();
    for (name, value) in values {
        answers.values.insert((*name).into(), (*value).into());
    }
    for (group, group_rows) in rows {
        answers.rows.insert((*group).into(), group_rows.clone());
    }
    answers
}

fn row(values: &[(&str, &str)]) -> Row {
    let mut row = Row::fresh();
    for (name, value) in values {
        row.values.insert((*name).into(), (*value).into());
    }
    row
}

/// A valid answer to every section with a form; the director's row is returned for their CV.
pub(crate) fn complete_answers() -> (Vec<(SectionKind, Answers)>, Row) {
    let director = row(&[
        ("name", "김민준"),
        ("position", "대표이사"),
        ("experience", "은행 결제 부문 20년"),
        ("fit_and_proper", "yes"),
    ]);
    let text = "충분히 설명한 내용";
    let mut business_plan = answers(
        &[
            ("distribution_channels", text),
            ("jurisdictions", "대한민국"),
            ("outstanding_year_1", "1000000000"),
            ("outstanding_year_2", "2000000000"),
            ("outstanding_year_3", "3000000000"),
        ],
        &[],
    );
    business_plan
        .lists
        .insert("use_cases".into(), vec!["domestic_payments".into()]);
    let sections = vec![
        (
            SectionKind::Institution,
            answers(
                &[
                    ("legal_name_ko", "한빛디지털 주식회사"),
                    ("legal_name_en", "Hanbit Digital Co., Ltd."),
                    ("legal_form", "stock_company"),
                    ("incorporated_on", "2020-03-02"),
                    ("business_registration_number", "124-81-00998"),
                    ("corporate_registration_number", "110111-1234569"),
                    ("head_office_address", "서울특별시 중구 세종대로 110"),
                    ("website", "https://www.hanbit.example.kr"),
                    ("contact_name", "김민준"),
                    ("contact_email", "compliance@hanbit.example.kr"),
                    ("contact_phone", "02-555-0101"),
                    ("institution_type", "bank_consortium"),
                    ("group_structure", "한빛금융지주의 자회사"),
                ],
                &[(
                    "shareholders",
                    vec![row(&[
                        ("name", "한빛은행"),
                        ("share", "60"),
                        ("is_bank", "yes"),
                    ])],
                )],
            ),
        ),
        (
            SectionKind::Management,
            answers(&[], &[("directors", vec![director.clone()])]),
        ),
        (
            SectionKind::Token,
            answers(
                &[
                    ("token_name", "Hanbit KRW"),
                    ("ticker", "HKRW"),
                    ("reference_currency", "KRW"),
                    ("mint_burn_controls", text),
                    ("white_paper_url", "https://www.hanbit.example.kr/wp.pdf"),
                    ("white_paper_version", "1.0"),
                    ("no_rewards", "yes"),
                ],
                &[(
                    "deployments",
                    vec![row(&[
                        ("chain", "ethereum"),
                        (
                            "contract_address",
                            "0x52908400098527886e0f7030069857d2e4169ee7",
                        ),
                    ])],
                )],
            ),
        ),
        (SectionKind::BusinessPlan, business_plan),
        (
            SectionKind::Capital,
            answers(
                &[
                    ("paid_in_capital", "3000000000"),
                    ("capital_as_of", "2025-12-31"),
                ],
                &[],
            ),
        ),
        (
            SectionKind::ReservePolicy,
            answers(
                &[
                    ("custodians", "한빛은행 신탁부"),
                    ("segregation", "trust"),
                    ("valuation_frequency", "daily"),
                    ("stress_test", text),
                ],
                &[(
                    "targets",
                    vec![row(&[
                        ("asset_class", "cash_demand_deposits"),
                        ("share", "100"),
                    ])],
                )],
            ),
        ),
        (
            SectionKind::Redemption,
            answers(
                &[
                    ("at_par", "yes"),
                    ("payout_days", "3"),
                    ("fees", "없음"),
                    ("minimum_amount", "1"),
                    ("procedure", text),
                ],
                &[],
            ),
        ),
        (
            SectionKind::Risk,
            answers(
                &[
                    ("aml_officer_name", "박준법"),
                    ("aml_officer_email", "aml@hanbit.example.kr"),
                    ("travel_rule", text),
                    ("sanctions_screening", text),
                    ("smart_contract_audit", text),
                    ("business_continuity", text),
                ],
                &[],
            ),
        ),
        (
            SectionKind::CrossBorder,
            answers(
                &[
                    ("monthly_outbound_krw", "1000000"),
                    ("monthly_inbound_krw", "1000000"),
                    ("fx_reporting", text),
                ],
                &[(
                    "corridors",
                    vec![row(&[("country", "미국"), ("direction", "both")])],
                )],
            ),
        ),
        (
            SectionKind::Attestation,
            answers(
                &[
                    ("as_of", "2025-10-31"),
                    ("period_start", "2025-10-01"),
                    ("standard", "isae_3000"),
                    ("firm_name", "한빛회계법인"),
                    ("firm_registration_number", "12345"),
                    ("opinion", "unqualified"),
                    ("signed_on", "2025-11-10"),
                ],
                &[
                    (
                        "supply",
                        vec![row(&[("chain", "ethereum"), ("minted", "1000000")])],
                    ),
                    (
                        "reserve_lines",
                        vec![row(&[
                            ("asset_class", "cash_demand_deposits"),
                            ("custodian", "한빛은행"),
                            ("custodian_kind", "bank"),
                            ("segregated", "yes"),
                            ("amount", "1000000"),
                            ("maturity_days", "0"),
                        ])],
                    ),
                ],
            ),
        ),
    ];
    for (kind, answers) in &sections {
        let problems = section(*kind).problems(answers);
        assert!(problems.is_empty(), "{kind:?} answers: {problems:?}");
    }
    (sections, director)
}

/// Saves `sections` as version 1 of each, by `by`.
pub(crate) async fn save_sections(
    app: &TestApp,
    id: Uuid,
    by: Uuid,
    sections: &[(SectionKind, Answers)],
) {
    let mut conn = app.db().await;
    for (kind, answers) in sections {
        let stored = serde_json::to_value(answers).unwrap();
        let kept = db::section_versions::insert(&mut conn, id, *kind, 1, &stored, by)
            .await
            .unwrap();
        assert!(kept, "{kind:?} saved");
    }
}

/// A document row of `kind` (for the row `subject`, or "" for one asked once).
async fn add_document(app: &TestApp, id: Uuid, by: Uuid, kind: &str, subject: &str) {
    let hash = format!("{:064x}", Uuid::new_v4().as_u128());
    app.sql(&format!(
        "INSERT INTO documents (id, application_id, kind, subject, version, file_name, size_bytes, sha256, storage_key, uploaded_by) \
         VALUES ('{}', '{id}', '{kind}', '{subject}', 1, '{kind}.pdf', 2048, '{hash}', 'test/{hash}', '{by}')",
        Uuid::now_v7()
    ))
    .await;
}

/// Fills every section and uploads every document: the application is complete.
pub(crate) async fn fill_everything(app: &TestApp, id: Uuid, by: Uuid) {
    let (sections, director) = complete_answers();
    save_sections(app, id, by, &sections).await;
    for kind in [
        "articles_of_association",
        "audited_financial_statements",
        "business_plan",
        "white_paper",
        "aml_policy",
        "legal_opinion",
        "attestation_report",
    ] {
        add_document(app, id, by, kind, "").await;
    }
    add_document(app, id, by, "director_cv", &director.id).await;
}
