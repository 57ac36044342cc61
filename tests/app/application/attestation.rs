//! Importing the initial reserve attestation's lines from a file, over HTTP against PostgreSQL: a
//! clean CSV or XLSX file replaces the section's reserve lines and the totals and checks follow; a
//! bad one is answered 422 with every problem by line and column, in the member's language, and
//! saves nothing; another institution's application is not found.

use reqwest::StatusCode;
use serde_json::json;
use stablereg::domain::Role;
use stablereg::domain::application::SectionKind;
use stablereg::domain::attestation::import::COLUMNS;
use uuid::Uuid;

use super::save_section;
use crate::support::accounts::{Account, location};
use crate::support::harness::{TestApp, spawn_app};

const BOUNDARY: &str = "stablereg-test-boundary-7MA4YWxkTrZu0gW";

fn import_path(application: Uuid) -> String {
    format!("/applications/{application}/attestation/import")
}

/// A member of a new institution, its draft application with the attestation's header and one
/// million won of tokens outstanding typed in (version 1), signed in and reading English.
async fn filing() -> (TestApp, Account, Uuid) {
    let app = spawn_app().await;
    let institution = app.create_institution("Hanbit").await;
    let member = app
        .create_account(Role::Issuer, Some(institution), false)
        .await;
    let application = app.create_application(institution, member.id).await;
    let answers = json!({
        "values": {"as_of": "2026-06-30", "firm_name": "Samil PwC"},
        "rows": {"supply": [{
            "id": "0123456789abcdef0123456789abcdef",
            "values": {"chain": "ethereum", "minted": "1,000,000"}
        }]}
    });
    save_section(
        &app,
        application,
        SectionKind::Attestation,
        1,
        answers,
        member.id,
    )
    .await;
    app.sign_in(&member).await;
    let page = app
        .get(&format!("{}?lang=en", import_path(application)))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    (app, member, application)
}

/// A multipart body as a browser sends the import form: token, key, then the file.
fn multipart(token: &str, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    let key = Uuid::new_v4().to_string();
    for (name, value) in [("csrf_token", token), ("idempotency_key", key.as_str())] {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .into_bytes(),
        );
    }
    body.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").into_bytes());
    body
}

async fn post_file(
    app: &TestApp,
    application: Uuid,
    token: &str,
    name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    app.client
        .post(app.url(&import_path(application)))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(token, name, bytes))
        .send()
        .await
        .expect("the server answers")
}

/// Uploads `bytes` as the file of the import form, with the session's token.
async fn upload(app: &TestApp, application: Uuid, name: &str, bytes: &[u8]) -> reqwest::Response {
    let token = app.token("/account/password").await;
    post_file(app, application, &token, name, bytes).await
}

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut text = COLUMNS.join(",");
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.into_bytes()
}

/// The attestation section's newest version: its number and reserve lines (each line's values in
/// the order of the import's columns).
async fn saved_lines(app: &TestApp, application: Uuid) -> (i32, Vec<Vec<String>>) {
    let mut conn = app.db().await;
    let latest =
        stablereg::db::section_versions::latest(&mut conn, application, SectionKind::Attestation)
            .await
            .unwrap();
    let Some(latest) = latest else {
        return (0, Vec::new());
    };
    let answers = stablereg::services::application::answers_of(&latest.answers);
    let fields = [
        "asset_class",
        "custodian",
        "custodian_kind",
        "segregated",
        "isin",
        "amount",
        "maturity_days",
    ];
    let lines = answers
        .rows("reserve_lines")
        .iter()
        .map(|row| fields.iter().map(|f| row.value(f).to_owned()).collect())
        .collect();
    (latest.version, lines)
}

fn imports(actions: &[String]) -> usize {
    actions
        .iter()
        .filter(|a| *a == "application.attestation_imported")
        .count()
}

#[tokio::test]
async fn a_clean_csv_replaces_the_reserve_lines_and_the_coverage_is_shown() {
    let (app, _member, application) = filing().await;
    let file = csv(&[
        "cash_demand_deposits,KB Kookmin Bank,bank,yes,,\"500,000\",0",
        "korean_treasury_bonds,Shinhan Bank,trust,yes,KR7005930003,400000,300",
        "term_deposits,Woori Bank,bank,yes,,300000,93",
    ]);
    let res = upload(&app, application, "reserves.csv", &file).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        format!("/applications/{application}/sections/attestation?notice=imported")
    );
    let (version, lines) = saved_lines(&app, application).await;
    assert_eq!(version, 2, "a new version after the one typed in");
    assert_eq!(
        lines,
        [
            [
                "cash_demand_deposits",
                "KB Kookmin Bank",
                "bank",
                "yes",
                "",
                "500,000",
                "0"
            ],
            [
                "korean_treasury_bonds",
                "Shinhan Bank",
                "trust",
                "yes",
                "KR7005930003",
                "400,000",
                "300"
            ],
            [
                "term_deposits",
                "Woori Bank",
                "bank",
                "yes",
                "",
                "300,000",
                "93"
            ],
        ]
    );
    // The rest of the section is kept as it was typed.
    let mut conn = app.db().await;
    let all = stablereg::services::application::all_answers(&mut conn, application)
        .await
        .unwrap();
    let attestation = &all[&SectionKind::Attestation];
    assert_eq!(attestation.value("firm_name"), "Samil PwC");
    assert_eq!(attestation.rows("supply").len(), 1);
    let actions = app.audit_actions().await;
    assert_eq!(imports(&actions), 1);
    assert!(actions.contains(&"application.section_saved".to_owned()));

    let page = app
        .get(&import_path(application))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Reserve lines saved: 3"), "{page}");
    assert!(page.contains("KRW 1,200,000"), "total reserves: {page}");
    assert!(page.contains("KRW 1,000,000"), "redeemable outstanding");
    assert!(page.contains("120.00%"), "coverage ratio");
    assert!(page.contains("41.66%"), "cash share, rounded down");
    assert!(!page.contains("Warning, not met:"), "every check is met");
}

#[tokio::test]
async fn a_bad_csv_lists_every_problem_by_line_and_column_and_saves_nothing() {
    let (app, _member, application) = filing().await;
    let file = csv(&[
        "cash_demand_deposits,KB Kookmin Bank,bank,yes,,600000,0",
        "gold,Shinhan Bank,bank,yes,,100,0",
        "term_deposits,Woori Bank,bank,maybe,,12.5,30",
        "korean_treasury_bonds,,bank,yes,KR7005930004,100,soon",
    ]);
    let res = upload(&app, application, "reserves.csv", &file).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    for expected in [
        "Line 3, column asset_class: Enter one of the asset class codes",
        "Line 4, column segregated: Enter yes or no.",
        "Line 4, column amount: Won have no decimals",
        "Line 5, column custodian: Enter the custodian",
        "Line 5, column isin: The check digit of this ISIN does not match",
        "Line 5, column residual_maturity_days: Enter the residual maturity",
    ] {
        assert!(page.contains(expected), "{expected} in {page}");
    }
    assert_eq!(page.matches("<li><a href=\"#file\">").count(), 6);
    assert!(page.contains("Nothing was saved."));
    assert_eq!(saved_lines(&app, application).await, (1, Vec::new()));
    assert_eq!(imports(&app.audit_actions().await), 0);

    // In Korean, the same places and messages in Korean.
    app.get(&format!("{}?lang=ko", import_path(application)))
        .await;
    let page = upload(&app, application, "reserves.csv", &file)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("3행, asset_class 열"), "{page}");
    assert!(page.contains("4행, amount 열: 원화에는"), "{page}");
    assert!(page.contains("아무것도 저장되지 않았습니다."));
    assert_eq!(saved_lines(&app, application).await.0, 1);
}

/// An XLSX file as Excel writes it: amounts and days as numbers, the table not in the corner.
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 2, c as u16 + 1);
            match text.parse::<f64>() {
                Ok(number) if r > 2 => sheet.write_number(r, c, number).map(|_| ()),
                _ => sheet.write_string(r, c, *text).map(|_| ()),
            }
            .unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_xlsx_workbook_is_imported_and_its_bad_rows_are_numbered_as_the_sheet_numbers_them() {
    let (app, _member, application) = filing().await;
    let good = xlsx(&[
        &COLUMNS,
        &[
            "cash_demand_deposits",
            "KB국민은행",
            "bank",
            "yes",
            "",
            "700000",
            "0",
        ],
        &["reverse_repos", "신한은행", "bank", "예", "", "500000", "7"],
    ]);
    let res = upload(&app, application, "reserves.xlsx", &good).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (version, lines) = saved_lines(&app, application).await;
    assert_eq!(version, 2);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0][1], "KB국민은행");
    assert_eq!(lines[0][5], "700,000");
    assert_eq!(lines[1][0], "reverse_repos");
    assert_eq!(lines[1][6], "7");

    let bad = xlsx(&[
        &COLUMNS,
        &[
            "cash_demand_deposits",
            "KB국민은행",
            "bank",
            "yes",
            "",
            "-5",
            "0",
        ],
    ]);
    let res = upload(&app, application, "reserves.xlsx", &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    // The header is on the sheet's row 3, so the first line is row 4.
    assert!(
        page.contains("Line 4, column amount: An amount cannot be negative."),
        "{page}"
    );
    assert_eq!(saved_lines(&app, application).await.0, 2, "nothing saved");
}

#[tokio::test]
async fn a_coverage_breach_is_flagged_in_words_after_the_import() {
    let (app, _member, application) = filing().await;
    let file = csv(&[
        "cash_demand_deposits,KB Kookmin Bank,bank,yes,,450000,0",
        "cash_demand_deposits,Shinhan Bank,bank,yes,,450000,0",
    ]);
    let res = upload(&app, application, "reserves.csv", &file).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "a breach never blocks");
    let page = app
        .get(&import_path(application))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Warning, not met:"), "{page}");
    assert!(page.contains("Reserves cover the tokens outstanding"));
    assert!(page.contains("90.00%"));
    assert!(page.contains("KRW 100,000"), "the shortfall");
    assert!(page.contains("Legal basis:"));
    assert!(page.contains("Digital Asset Basic Act bill: reserves of at least 100%"));
    // The checks that are met are listed briefly.
    assert!(page.contains("Met:"));
}

#[tokio::test]
async fn another_institutions_application_is_not_found_and_nothing_is_saved_in_it() {
    let (app, _member, own) = filing().await;
    let other_institution = app.create_institution("Dasom").await;
    let other_member = app
        .create_account(Role::Issuer, Some(other_institution), false)
        .await;
    let other = app
        .create_application(other_institution, other_member.id)
        .await;
    assert_eq!(
        app.get(&import_path(other)).await.status(),
        StatusCode::NOT_FOUND
    );
    let file = csv(&["cash_demand_deposits,KB Kookmin Bank,bank,yes,,450000,0"]);
    let res = upload(&app, other, "reserves.csv", &file).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(saved_lines(&app, other).await, (0, Vec::new()));
    assert_eq!(saved_lines(&app, own).await, (1, Vec::new()));
    assert_eq!(imports(&app.audit_actions().await), 0);
}

#[tokio::test]
async fn no_file_a_file_too_large_and_a_missing_token_are_refused() {
    let (app, _member, application) = filing().await;
    let res = upload(&app, application, "empty.csv", b"").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Choose a CSV or XLSX file to import.")
    );

    let huge = vec![b'a'; 5 * 1024 * 1024 + 1];
    let res = upload(&app, application, "huge.csv", &huge).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("The file is larger than 1024 KiB")
    );

    // Over the import's own limit, under the upload's: read, and refused in words.
    let mut large = csv(&[]);
    large.resize(1024 * 1024 + 1, b'\n');
    let res = upload(&app, application, "large.csv", &large).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let file = csv(&["cash_demand_deposits,KB Kookmin Bank,bank,yes,,450000,0"]);
    let res = post_file(&app, application, "not-the-token", "reserves.csv", &file).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(saved_lines(&app, application).await, (1, Vec::new()));
}

#[tokio::test]
async fn the_template_is_the_header_row_in_utf8_for_excel() {
    let (app, _member, _application) = filing().await;
    let res = app.get("/applications/attestation-template.csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = res.bytes().await.unwrap();
    assert_eq!(
        &body[..],
        format!("\u{FEFF}{}\r\n", COLUMNS.join(",")).as_bytes()
    );
}

#[tokio::test]
async fn cents_in_a_won_attestation_keep_the_section_in_progress_until_a_dollar_token_says_so() {
    let (app, member, application) = filing().await;
    let file = csv(&["cash_demand_deposits,KB Kookmin Bank,bank,yes,,1000000.5,0"]);
    // The import reads amounts in the token's currency (won until the token says otherwise).
    let res = upload(&app, application, "reserves.csv", &file).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Typed in (the declaration accepts cents, for dollar tokens), the task list flags it.
    let line = json!({"id": "fedcba9876543210fedcba9876543210", "values": {
        "asset_class": "cash_demand_deposits", "custodian": "KB", "custodian_kind": "bank",
        "segregated": "yes", "amount": "1,000,000.50", "maturity_days": "0"}});
    let answers = json!({"rows": {"reserve_lines": [line]}});
    save_section(
        &app,
        application,
        SectionKind::Attestation,
        2,
        answers.clone(),
        member.id,
    )
    .await;
    let keys = |tasks: Vec<stablereg::services::application::task_list::Task>| {
        tasks
            .into_iter()
            .find(|t| t.section == SectionKind::Attestation)
            .unwrap()
            .problems
            .into_iter()
            .map(|p| p.key)
            .collect::<Vec<_>>()
    };
    let mut conn = app.db().await;
    let tasks = stablereg::services::application::task_list::tasks(&mut conn, application)
        .await
        .unwrap();
    assert!(keys(tasks).contains(&"money-won-fraction"));
    let token = json!({"values": {"reference_currency": "USD"}});
    save_section(&app, application, SectionKind::Token, 1, token, member.id).await;
    let tasks = stablereg::services::application::task_list::tasks(&mut conn, application)
        .await
        .unwrap();
    assert!(!keys(tasks).contains(&"money-won-fraction"));
}
