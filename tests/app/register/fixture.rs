//! A registered issuer for the tests: an application with its institution and token sections
//! saved twice (the second version after submission, so the register must read the submitted
//! one), submitted, approved and published through `services::register::publish`, as the
//! approval does.

use stablereg::domain::application::SectionKind;
use stablereg::domain::reference::RegistrationNumber;
use stablereg::services::Context;

use crate::application::save_section;
use crate::support::harness::TestApp;

/// USDC's address on Ethereum, lower case as people paste it; the register keeps it checksummed.
pub const EVM_ADDRESS: &str = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
pub const EVM_CHECKSUMMED: &str = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
/// A Solana mint (USDC's).
pub const SOLANA_MINT: &str = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

/// What a published issuer is, for the tests to look for.
pub struct Published {
    pub number: RegistrationNumber,
}

fn institution_answers(name: &str) -> serde_json::Value {
    serde_json::json!({
        "values": {
            "legal_name_ko": format!("{name} 주식회사"),
            "legal_name_en": format!("{name} Co., Ltd."),
            "business_registration_number": "124-81-00998",
            "lei": "",
            "head_office_address": "서울특별시 중구 세종대로 110",
            "website": "https://example.kr",
        }
    })
}

fn token_answers(ticker: &str, currency: &str, rows: &[(&str, &str)]) -> serde_json::Value {
    let rows: Vec<_> = rows
        .iter()
        .enumerate()
        .map(|(i, (chain, address))| {
            serde_json::json!({"id": format!("r{i}"), "values": {"chain": chain, "contract_address": address}})
        })
        .collect();
    serde_json::json!({
        "values": {
            "token_name": format!("{ticker} Won"),
            "ticker": ticker.to_lowercase(),
            "reference_currency": currency,
            "white_paper_url": "https://example.kr/white-paper.pdf",
            "white_paper_version": "1.0",
        },
        "rows": {"deployments": rows}
    })
}

/// Saves the two sections the register reads (institution and token, one chain on Ethereum) on
/// `application`, as a case under review has them.
pub async fn save_register_sections(
    app: &TestApp,
    application: uuid::Uuid,
    name: &str,
    ticker: &str,
    by: uuid::Uuid,
) {
    let institution = institution_answers(name);
    save_section(
        app,
        application,
        SectionKind::Institution,
        1,
        institution,
        by,
    )
    .await;
    let tokens = token_answers(ticker, "KRW", &[("ethereum", EVM_ADDRESS)]);
    save_section(app, application, SectionKind::Token, 1, tokens, by).await;
}

/// A portal with one issuer on the register: Hanul's HKRW in won on Ethereum, KRSC-2026-0001.
pub async fn app_with_hanul() -> TestApp {
    let app = crate::support::harness::spawn_app().await;
    publish(
        &app,
        "Hanul",
        "HKRW",
        "KRW",
        &[("ethereum", EVM_ADDRESS)],
        1,
    )
    .await;
    app
}

/// Publishes `name` with `ticker` in `currency`, deployed as `rows` (chain, address), as
/// registration number `sequence` of 2026.
pub async fn publish(
    app: &TestApp,
    name: &str,
    ticker: &str,
    currency: &str,
    rows: &[(&str, &str)],
    sequence: u32,
) -> Published {
    let member = app.create_issuer_admin(name).await;
    let institution = member.institution.expect("an issuer");
    let application = app.create_application(institution, member.id).await;
    let tokens = token_answers(ticker, currency, rows);
    let institution_v1 = institution_answers(name);
    save_section(
        app,
        application,
        SectionKind::Institution,
        1,
        institution_v1,
        member.id,
    )
    .await;
    save_section(app, application, SectionKind::Token, 1, tokens, member.id).await;
    app.sql(&format!(
        "INSERT INTO submissions (application_id, round, submitted_by, sections, documents) \
         VALUES ('{application}', 1, '{}', '{{\"institution\": 1, \"token\": 1}}', '{{}}')",
        member.id
    ))
    .await;
    // Saved after submission: not what was approved, so never on the register.
    let later = token_answers("LATER", currency, &[("ethereum", EVM_ADDRESS)]);
    save_section(app, application, SectionKind::Token, 2, later, member.id).await;
    approve_and_publish(app, application, sequence).await
}

/// Approves `application` and publishes it as registration number `sequence` of 2026, as the
/// approval does.
pub async fn approve_and_publish(
    app: &TestApp,
    application: uuid::Uuid,
    sequence: u32,
) -> Published {
    // A reference of a year no other fixture uses: references are unique.
    app.sql(&format!(
        "UPDATE applications SET state = 'approved', reference = 'APP-2025-{:06}' \
         WHERE id = '{application}'",
        900_000 + sequence
    ))
    .await;
    let number = RegistrationNumber::new(2026, sequence).expect("a number");
    let mut conn = app.db().await;
    let case = stablereg::db::applications::find(&mut conn, application)
        .await
        .unwrap()
        .expect("the case");
    let key = stablereg::audit::AuditKey::from_settings(&app.settings).expect("the audit key");
    let actor = stablereg::audit::Actor::default();
    let cx = Context {
        settings: &app.settings,
        audit_key: &key,
        actor: &actor,
    };
    stablereg::services::register::publish(
        &mut conn,
        &cx,
        &case,
        &number,
        Some("Issuance cap KRW 1 trillion"),
    )
    .await
    .expect("published");
    Published { number }
}
