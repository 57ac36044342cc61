//! Check your answers, the declaration and submission (one reference, one snapshot, one set of
//! mails however many times it is sent), the confirmation, withdrawal and the issuer's timeline.

use chrono::Datelike;
use diesel_async::RunQueryDsl;
use futures_util::future::join_all;
use reqwest::StatusCode;
use stablereg::db;
use stablereg::domain::Role;
use stablereg::domain::application::SectionKind;
use stablereg::domain::application::form::{Answers, Row};
use stablereg::domain::application::sections::section;
use uuid::Uuid;

use crate::support::accounts::{Account, Visitor, csrf_token, location};
use crate::support::harness::{TestApp, spawn_app};

/// An institution with a signatory (Korean) and a colleague who is not one (English), and a draft
/// application started by the signatory.
struct Filing<'a> {
    institution: Uuid,
    signatory: Account,
    colleague: Account,
    signatory_visitor: Visitor<'a>,
    colleague_visitor: Visitor<'a>,
    id: Uuid,
}

async fn filing<'a>(app: &'a TestApp, name: &str) -> Filing<'a> {
    let institution = app.create_institution(name).await;
    let signatory = app
        .create_account(Role::Issuer, Some(institution), true)
        .await;
    let colleague = app
        .create_account(Role::Issuer, Some(institution), false)
        .await;
    app.sql(&format!(
        "UPDATE users SET is_authorised_signatory = true, display_name = '김서명' WHERE id = '{}'",
        signatory.id
    ))
    .await;
    app.sql(&format!(
        "UPDATE users SET lang = 'en', display_name = 'Jane Colleague' WHERE id = '{}'",
        colleague.id
    ))
    .await;
    let signatory_visitor = app.visitor();
    signatory_visitor.sign_in(&signatory).await;
    let colleague_visitor = app.visitor();
    colleague_visitor.sign_in(&colleague).await;
    // The colleague reads the portal in English (the cookie `?lang=` leaves).
    colleague_visitor.page("/applications?lang=en").await;
    let res = signatory_visitor
        .submit("/applications", "/applications", &[])
        .await;
    let id: Uuid = location(&res)
        .trim_start_matches("/applications/")
        .parse()
        .expect("the new application");
    Filing {
        institution,
        signatory,
        colleague,
        signatory_visitor,
        colleague_visitor,
        id,
    }
}

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
async fn save_sections(app: &TestApp, id: Uuid, by: Uuid, sections: &[(SectionKind, Answers)]) {
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

fn check_url(id: Uuid) -> String {
    format!("/applications/{id}/check")
}

fn submit_url(id: Uuid) -> String {
    format!("/applications/{id}/submit")
}

/// The one-time key of the first form on a page.
fn form_key(html: &str) -> String {
    html.split(r#"name="idempotency_key" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a form key")
        .to_owned()
}

async fn declare(visitor: &Visitor<'_>, id: Uuid) -> reqwest::Response {
    visitor
        .submit(&check_url(id), &submit_url(id), &[("declaration", "yes")])
        .await
}

fn seoul_year() -> i32 {
    stablereg::domain::calendar::seoul_date(chrono::Utc::now()).year()
}

async fn count(app: &TestApp, query: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.db().await;
    diesel::sql_query(query)
        .get_result::<Count>(&mut conn)
        .await
        .unwrap()
        .n
}

async fn application(app: &TestApp, id: Uuid) -> db::applications::Application {
    let mut conn = app.db().await;
    db::applications::find(&mut conn, id)
        .await
        .unwrap()
        .expect("the application")
}

#[tokio::test]
async fn an_incomplete_application_lists_what_is_missing_and_cannot_be_submitted() {
    let app = spawn_app().await;
    let f = filing(&app, "Hanbit").await;
    let (sections, _) = complete_answers();
    // Only the institution section, and the capital without its date.
    let mut capital = sections[4].1.clone();
    capital.values.remove("capital_as_of");
    save_sections(
        &app,
        f.id,
        f.signatory.id,
        &[sections[0].clone(), (SectionKind::Capital, capital)],
    )
    .await;
    let page = f.signatory_visitor.page(&check_url(f.id)).await;
    assert!(page.contains("아직 빠진 내용"), "{page}");
    assert!(
        page.contains(&format!(
            "href=\"/applications/{}/sections/capital#capital_as_of\"",
            f.id
        )),
        "the missing answer links to its field"
    );
    assert!(
        page.contains(&format!("href=\"/applications/{}/sections/token\"", f.id)),
        "a section not started links to its page"
    );
    assert!(
        !page.contains(&format!("action=\"{}\"", submit_url(f.id))),
        "no declaration while incomplete"
    );
    assert!(
        page.contains("한빛디지털 주식회사"),
        "the answers given so far"
    );
    let res = declare(&f.signatory_visitor, f.id).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("신청서가 아직 완성되지 않았습니다"), "{html}");
    assert!(html.contains("sections/capital#capital_as_of"));
    let stored = application(&app, f.id).await;
    assert_eq!(stored.state.as_str(), "draft");
    assert_eq!(stored.reference, None);
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM submissions").await,
        0
    );
}

#[tokio::test]
async fn only_an_authorised_signatory_may_declare() {
    let app = spawn_app().await;
    let f = filing(&app, "Hanbit").await;
    fill_everything(&app, f.id, f.signatory.id).await;
    let page = f.colleague_visitor.page(&check_url(f.id)).await;
    assert!(page.contains("Only an authorised signatory"), "{page}");
    assert!(page.contains("김서명"), "who can declare");
    assert!(!page.contains(&format!("action=\"{}\"", submit_url(f.id))));
    let token = csrf_token(&page).unwrap();
    let res = f
        .colleague_visitor
        .post(&submit_url(f.id), &token, &[("declaration", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("You cannot submit this application"),
        "{html}"
    );
    assert!(html.contains("김서명") && html.contains("Nothing was submitted."));
    assert_eq!(application(&app, f.id).await.state.as_str(), "draft");
    assert!(
        !app.audit_actions()
            .await
            .contains(&"application.submitted".to_owned())
    );
}

#[tokio::test]
async fn submitting_gives_a_reference_a_snapshot_and_an_acknowledgement_in_each_language() {
    let app = spawn_app().await;
    let f = filing(&app, "Hanbit").await;
    fill_everything(&app, f.id, f.signatory.id).await;

    let page = f.signatory_visitor.page(&check_url(f.id)).await;
    assert!(!page.contains("아직 빠진 내용"), "complete");
    for expected in [
        "한빛디지털 주식회사",
        "Hanbit KRW",
        "0x52908400098527886e0f7030069857d2e4169ee7",
        "김민준",
        "SHA-256",
        "articles_of_association.pdf",
        "2048",
    ] {
        assert!(page.contains(expected), "{expected} on check your answers");
    }
    assert!(
        page.contains(&format!(
            "href=\"/applications/{}/sections/institution#legal_name_ko\"",
            f.id
        )),
        "a change link to the field"
    );
    assert!(
        page.contains("변경<span class=\"sr-only\"> 법인명(한글)</span>"),
        "the change link names its field for screen readers"
    );
    assert!(
        page.contains("점검 결과 경고"),
        "the capital below the minimum is a warning"
    );
    assert!(page.contains(&format!("action=\"{}\"", submit_url(f.id))));

    // The box must be ticked.
    let res = f
        .signatory_visitor
        .submit(&check_url(f.id), &submit_url(f.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("확인란을 선택하세요"));

    let res = declare(&f.signatory_visitor, f.id).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/applications/{}/submitted", f.id));
    let reference = format!("APP-{}-000001", seoul_year());
    let confirmation = f.signatory_visitor.page(&location(&res)).await;
    assert!(confirmation.contains(&reference), "{confirmation}");
    assert!(confirmation.contains("25영업일"), "what happens next");
    assert!(
        confirmation.contains("기한은 20"),
        "the completeness check's due date"
    );

    let stored = application(&app, f.id).await;
    assert_eq!(stored.state.as_str(), "submitted");
    assert_eq!(stored.reference.as_deref(), Some(reference.as_str()));
    assert!(stored.submitted_at.is_some());

    let mut conn = app.db().await;
    let snapshots = db::submissions::of_application(&mut conn, f.id)
        .await
        .unwrap();
    assert_eq!(snapshots.len(), 1);
    let snapshot = &snapshots[0];
    assert_eq!(snapshot.round, 1);
    assert_eq!(snapshot.submitted_by, f.signatory.id);
    assert_eq!(snapshot.sections["institution"], 1);
    assert_eq!(snapshot.sections["attestation"], 1);
    assert_eq!(
        snapshot.sections.as_object().unwrap().len(),
        10,
        "every section with a form"
    );
    assert_eq!(snapshot.documents.len(), 8, "every current document");
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) AS n FROM clock_events WHERE application_id = '{}' \
                 AND phase = 'completeness' AND kind = 'started'",
                f.id
            )
        )
        .await,
        1,
        "the completeness clock starts"
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) AS n FROM applications WHERE id = '{}' AND due_on IS NOT NULL",
                f.id
            )
        )
        .await,
        1,
        "with its deadline"
    );

    let ko = app.last_mail_to(&f.signatory.email).await;
    assert!(ko.subject.contains("등록 신청서가 접수되었습니다"));
    assert!(ko.body_text.contains(&reference) && ko.body_text.contains("Hanbit 주식회사"));
    assert!(ko.body_text.contains("\"김서명\""), "who submitted");
    let en = app.last_mail_to(&f.colleague.email).await;
    assert!(en.subject.contains("Registration application received"));
    assert!(en.body_text.contains(&reference) && en.body_text.contains("Hanbit Co., Ltd."));
    assert!(en.body_text.contains("25 working days"));
    assert_eq!(
        app.audit_actions()
            .await
            .iter()
            .filter(|a| *a == "application.submitted")
            .count(),
        1
    );

    // Read-only from now on: a section refuses a change, and no change links are offered.
    let res = f
        .signatory_visitor
        .submit(
            &format!("/applications/{}/sections/capital", f.id),
            &format!("/applications/{}/sections/capital", f.id),
            &[
                ("base_version", "1"),
                ("paid_in_capital", "9000000000"),
                ("capital_as_of", "2025-12-31"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let after = f.signatory_visitor.page(&check_url(f.id)).await;
    assert!(after.contains(&reference));
    assert!(!after.contains("sections/institution#legal_name_ko"));
    assert!(!after.contains(&format!("action=\"{}\"", submit_url(f.id))));

    // The timeline tells of it, newest first.
    let dashboard = f.colleague_visitor.page("/applications").await;
    let submitted = dashboard.find("Application submitted").expect("submitted");
    let started = dashboard.find("Application started").expect("started");
    assert!(submitted < started, "newest first: {dashboard}");
    assert!(dashboard.contains("by 김서명"));

    // The next institution's application takes the next number.
    let g = filing(&app, "Dasol").await;
    fill_everything(&app, g.id, g.signatory.id).await;
    let res = declare(&g.signatory_visitor, g.id).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        application(&app, g.id).await.reference,
        Some(format!("APP-{}-000002", seoul_year()))
    );
}

/// Posts the declaration `n` times at once; with `same_key`, all carry the one form's key (a
/// double click), otherwise each its own (several tabs).
async fn declare_at_once(visitor: &Visitor<'_>, id: Uuid, n: usize, same_key: bool) -> Vec<String> {
    let mut forms = Vec::new();
    let first = visitor.page(&check_url(id)).await;
    for _ in 0..n {
        let page = if same_key {
            first.clone()
        } else {
            visitor.page(&check_url(id)).await
        };
        forms.push((csrf_token(&page).unwrap(), form_key(&page)));
    }
    let url = submit_url(id);
    let posts = forms.iter().map(|(token, key)| {
        let url = url.as_str();
        async move {
            let fields = [("idempotency_key", key.as_str()), ("declaration", "yes")];
            visitor.post(url, token, &fields).await
        }
    });
    let answers = join_all(posts).await;
    answers
        .iter()
        .map(|res| {
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "every post answered");
            location(res)
        })
        .collect()
}

#[tokio::test]
async fn ten_concurrent_submissions_make_one_submission_one_reference_and_one_set_of_mails() {
    let app = spawn_app().await;
    for (name, same_key) in [("Hanbit", true), ("Dasol", false)] {
        let f = filing(&app, name).await;
        fill_everything(&app, f.id, f.signatory.id).await;
        let locations = declare_at_once(&f.signatory_visitor, f.id, 10, same_key).await;
        let confirmation = format!("/applications/{}/submitted", f.id);
        assert!(
            locations.iter().all(|l| *l == confirmation),
            "{locations:?}"
        );
        let id = f.id;
        let one = |what: &str| format!("{what} ({name}, same key: {same_key})");
        assert_eq!(
            count(
                &app,
                &format!("SELECT count(*) AS n FROM submissions WHERE application_id = '{id}'")
            )
            .await,
            1,
            "{}",
            one("one submission")
        );
        assert_eq!(
            count(
                &app,
                &format!("SELECT count(*) AS n FROM audit_log WHERE action = 'application.submitted' AND object_id = '{id}'")
            )
            .await,
            1,
            "{}",
            one("one audit row")
        );
        assert_eq!(
            app.mails_to(&f.signatory.email).await,
            1,
            "{}",
            one("one mail")
        );
        assert_eq!(
            app.mails_to(&f.colleague.email).await,
            1,
            "{}",
            one("one mail")
        );
        let _ = f.institution;
    }
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT last::bigint AS n FROM reference_counters WHERE kind = 'APP' AND year = {}",
                seoul_year()
            )
        )
        .await,
        2,
        "one reference each, no number lost"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(DISTINCT reference) AS n FROM applications WHERE reference IS NOT NULL"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_withdrawal_gives_its_reason_and_frees_the_institution_to_start_again() {
    let app = spawn_app().await;
    let f = filing(&app, "Hanbit").await;
    fill_everything(&app, f.id, f.signatory.id).await;
    assert_eq!(
        declare(&f.signatory_visitor, f.id).await.status(),
        StatusCode::SEE_OTHER
    );
    let withdraw = format!("/applications/{}/withdraw", f.id);
    let page = f.colleague_visitor.page(&withdraw).await;
    assert!(page.contains("name=\"reason\""));

    let res = f
        .colleague_visitor
        .submit(&withdraw, &withdraw, &[("reason", "   ")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Enter why you are withdrawing the application.")
    );
    let long = "가".repeat(2001);
    let res = f
        .colleague_visitor
        .submit(&withdraw, &withdraw, &[("reason", long.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("2000"), "the limit told");
    assert!(html.contains(&long), "what was typed kept");
    assert_eq!(application(&app, f.id).await.state.as_str(), "submitted");

    let reason = "사업 계획을 다시 세웁니다";
    let res = f
        .colleague_visitor
        .submit(&withdraw, &withdraw, &[("reason", reason)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/applications?notice=withdrawn");
    let stored = application(&app, f.id).await;
    assert_eq!(stored.state.as_str(), "withdrawn");
    assert_eq!(stored.withdrawal_reason.as_deref(), Some(reason));
    assert!(stored.closed_at.is_some());
    let details = count(
        &app,
        &format!(
            "SELECT count(*) AS n FROM audit_log WHERE action = 'application.withdrawn' \
             AND object_id = '{}' AND details->'details'->>'reason' = '{reason}'",
            f.id
        ),
    )
    .await;
    assert_eq!(details, 1, "audited with the reason");

    let dashboard = f.signatory_visitor.page(&location(&res)).await;
    assert!(dashboard.contains("신청이 철회되었습니다"), "{dashboard}");
    assert!(dashboard.contains(reason), "the timeline gives the reason");
    assert!(
        dashboard.contains("action=\"/applications\""),
        "a new one may start"
    );
    assert_eq!(
        f.signatory_visitor.get(&withdraw).await.status(),
        StatusCode::CONFLICT,
        "withdrawn once"
    );
    let res = f
        .signatory_visitor
        .submit("/applications", "/applications", &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_ne!(
        location(&res),
        format!("/applications/{}", f.id),
        "a new one"
    );

    // A draft may be withdrawn as well.
    let g = filing(&app, "Dasol").await;
    let withdraw = format!("/applications/{}/withdraw", g.id);
    let res = g
        .signatory_visitor
        .submit(&withdraw, &withdraw, &[("reason", "다시 준비합니다")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(application(&app, g.id).await.state.as_str(), "withdrawn");
}

#[tokio::test]
async fn another_institutions_application_is_not_found_on_every_new_route() {
    let app = spawn_app().await;
    let f = filing(&app, "Hanbit").await;
    fill_everything(&app, f.id, f.signatory.id).await;
    let other = filing(&app, "Dasol").await;
    let stranger = &other.signatory_visitor;
    for path in ["check", "submitted", "withdraw"] {
        let res = stranger
            .get(&format!("/applications/{}/{path}", f.id))
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "GET {path}");
    }
    let token = stranger.token("/applications").await;
    let res = stranger
        .post(&submit_url(f.id), &token, &[("declaration", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = stranger
        .post(
            &format!("/applications/{}/withdraw", f.id),
            &token,
            &[("reason", "남의 신청서")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let stored = application(&app, f.id).await;
    assert_eq!(stored.state.as_str(), "draft", "untouched");
}
