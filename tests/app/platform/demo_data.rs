//! What `stablereg demo` leaves for a person trying the portal: a draft application half filled in,
//! with sections in every status of the task list, and one application of another demo
//! institution in each state of the review, all made through the portal's services.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;
use stablereg::audit::AuditKey;
use stablereg::auth::totp;
use stablereg::demo::answers::{BADA, MIRINAE, SOLBIT};
use stablereg::demo::{DEMO_PASSWORD, DemoAccount, INSTITUTIONS};
use stablereg::domain::attestation::Ratio;

use crate::support::harness::{TestApp, spawn_app};

/// A portal over a database with the demo data loaded, as `stablereg demo` loads it, and the
/// accounts it made (with their TOTP secrets).
async fn demo_app() -> (TestApp, Vec<DemoAccount>) {
    let app = spawn_app().await;
    let key = AuditKey::from_settings(&app.settings).unwrap();
    let mut conn = app.db().await;
    let accounts = stablereg::demo::seed_into(&mut conn, &app.settings, &key)
        .await
        .unwrap();
    (app, accounts)
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Rows of `query`, each a name and a number.
async fn rows(app: &TestApp, query: &str) -> Vec<(String, i64)> {
    let mut conn = app.db().await;
    let rows: Vec<Row> = diesel::sql_query(query)
        .load(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    rows.into_iter().map(|r| (r.name, r.n)).collect()
}

/// How many rows every table of the database holds.
async fn every_count(app: &TestApp) -> Vec<(String, i64)> {
    let tables = rows(
        app,
        "SELECT table_name::text AS name, 0::bigint AS n FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .await;
    let mut counts = Vec::new();
    for (table, _) in tables {
        let query = format!("SELECT '{table}' AS name, count(*) AS n FROM \"{table}\"");
        counts.extend(rows(app, &query).await);
    }
    counts
}

/// Signs in a demo account with the password and, for staff, the TOTP code.
async fn sign_in(app: &TestApp, account: &DemoAccount) {
    let res = app.sign_in_password(account.email, DEMO_PASSWORD).await;
    assert_eq!(res.status(), 303, "{} signs in", account.email);
    if let Some(secret) = &account.totp_secret {
        let code = totp::code_at(secret, totp::now()).unwrap();
        let res = app.submit("/mfa", "/mfa", &[("code", &code)]).await;
        assert_eq!(res.status(), 303, "{} passes MFA", account.email);
    }
}

#[tokio::test]
async fn the_demo_issuer_finds_a_draft_with_sections_in_every_status() {
    let (app, accounts) = demo_app().await;
    let issuer = accounts
        .iter()
        .find(|a| a.email == "issuer@demo.stablereg.kr")
        .unwrap();
    sign_in(&app, issuer).await;
    let list = app.page("/applications").await;
    let start = list
        .find("/applications/0")
        .expect("a draft on the dashboard");
    let path: String = list[start..].chars().take_while(|c| *c != '"').collect();
    let tasks = app.page(&path).await;
    for status in ["완료", "작성 중", "시작 전", "아직 시작할 수 없음"] {
        assert!(tasks.contains(status), "{status} on the demo task list");
    }
    let section = app.page(&format!("{path}/sections/institution")).await;
    assert!(section.contains("value=\"한빛은행 주식회사\""));
}

#[tokio::test]
async fn the_demo_shows_every_state_once_and_a_second_run_changes_nothing() {
    let (app, accounts) = demo_app().await;

    // Each state once; "submitted" twice (a sound application and one with a coverage breach),
    // "under assessment" twice (one of them out for consultation).
    let states = rows(
        &app,
        "SELECT state AS name, count(*) AS n FROM applications GROUP BY state ORDER BY state",
    )
    .await;
    let expected = [
        ("approved", 1),
        ("decision_proposed", 1),
        ("draft", 1),
        ("information_requested_completeness", 1),
        ("rejected", 1),
        ("submitted", 2),
        ("under_assessment", 2),
        ("withdrawn", 1),
    ];
    let expected: Vec<(String, i64)> = expected.iter().map(|(s, n)| ((*s).into(), *n)).collect();
    assert_eq!(states, expected);
    // Every application but the draft went through a submission, with its documents.
    let submitted = rows(
        &app,
        "SELECT 'submissions' AS name, count(*) AS n FROM submissions \
         WHERE cardinality(documents) >= 8",
    )
    .await;
    assert_eq!(
        submitted[0].1, 9,
        "nine snapshots, each with every document"
    );
    // Each institution has one application and one member who can sign in.
    assert_eq!(INSTITUTIONS.len(), 10);
    for demo in &INSTITUTIONS {
        let account = accounts.iter().find(|a| a.email == demo.email).unwrap();
        assert_eq!(account.totp_secret, None);
    }

    // The overdue request: due before today, one item on a field and one on a document.
    let late = rows(
        &app,
        "SELECT i.target AS name, count(*) AS n FROM information_requests r \
         JOIN information_request_items i ON i.request_id = r.id \
         WHERE r.due_on < (now() AT TIME ZONE 'Asia/Seoul')::date AND r.answered_on IS NULL \
         GROUP BY i.target ORDER BY 1",
    )
    .await;
    let targets: Vec<&str> = late.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        targets,
        ["document:legal_opinion", "field:redemption:payout_days"]
    );

    // The approval: its approver did not propose it; the register lists the issuer with its
    // KRSC number and its Ethereum contract.
    let four_eyes = rows(
        &app,
        "SELECT u.email AS name, count(*) AS n FROM decision_proposals p \
         JOIN users u ON u.id IN (p.proposed_by, p.decided_by) \
         WHERE p.decision = 'approved' GROUP BY u.email ORDER BY 1",
    )
    .await;
    assert_eq!(
        four_eyes,
        [
            ("approver@demo.stablereg.kr".to_owned(), 1),
            ("reviewer@demo.stablereg.kr".to_owned(), 1)
        ]
    );
    let register = app.page("/register?lang=en").await;
    assert!(
        register.contains(MIRINAE.name_en),
        "the approved issuer listed"
    );
    assert!(register.contains("KRSC-"));
    assert!(
        !register.contains(BADA.name_en),
        "nobody else is registered"
    );
    let lookup = app
        .page(&format!(
            "/register/lookup?chain=ethereum&address={}&lang=en",
            MIRINAE.contract
        ))
        .await;
    assert!(lookup.contains("This token is on the register"));
    let case = rows(
        &app,
        "SELECT a.id::text AS name, 0::bigint AS n FROM applications a \
         WHERE a.state = 'approved'",
    )
    .await;
    let approved = &case[0].0;

    // The coverage breach: the attestation's figures cover under 100% of the tokens.
    let mut conn = app.db().await;
    let breach = rows(
        &app,
        &format!(
            "SELECT a.id::text AS name, 0::bigint AS n FROM applications a JOIN institutions i \
             ON i.id = a.institution_id WHERE i.legal_name_en = '{}'",
            SOLBIT.name_en
        ),
    )
    .await;
    let breach = breach[0].0.parse().unwrap();
    let standing = stablereg::services::application::attestation::standing(&mut conn, breach)
        .await
        .unwrap();
    let totals = standing.totals.expect("the attestation's totals");
    let coverage = totals.coverage().expect("tokens outstanding");
    assert!(
        coverage < Ratio::from_bp(10_000) && coverage > Ratio::from_bp(0),
        "coverage under 100%: {coverage:?}"
    );
    assert!(standing.findings.iter().any(|f| !f.passed()));

    // Counts of every table before a second run, which changes nothing.
    let before = every_count(&app).await;
    stablereg::demo::seed(&app.settings).await.unwrap();
    let key = AuditKey::from_settings(&app.settings).unwrap();
    let again = stablereg::demo::seed_into(&mut conn, &app.settings, &key).await;
    assert!(
        again.is_err(),
        "seed_into refuses a database with demo data"
    );
    assert_eq!(every_count(&app).await, before);

    // The consultee sees the one consultation, about Bada Bank, and no other case.
    let consultee = accounts
        .iter()
        .find(|a| a.email == "consultee@demo.stablereg.kr")
        .unwrap();
    sign_in(&app, consultee).await;
    let list = app.page("/consultations?lang=en").await;
    assert!(list.contains(BADA.name_en), "{list}");
    for other in INSTITUTIONS
        .iter()
        .filter(|i| i.applicant.name_en != BADA.name_en)
    {
        assert!(
            !list.contains(other.applicant.name_en),
            "{}",
            other.applicant.name_en
        );
    }
    let consultations = rows(
        &app,
        "SELECT body AS name, count(*) AS n FROM consultations GROUP BY body",
    )
    .await;
    assert_eq!(consultations, [("bank_of_korea".to_owned(), 1)]);
    // The approved issuer's member reads the letter, with the registration number.
    let member = accounts
        .iter()
        .find(|a| a.email == "mirinae@demo.stablereg.kr")
        .unwrap();
    let visitor = app.visitor();
    let res = visitor.sign_in_password(member.email, DEMO_PASSWORD).await;
    assert_eq!(res.status(), 303);
    let letter = visitor
        .page(&format!("/applications/{approved}/letter"))
        .await;
    assert!(letter.contains("KRSC-") && letter.contains(MIRINAE.name_ko));
}
