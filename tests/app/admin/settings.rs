//! The check settings over HTTP: an admin's change is validated as a whole, stored, audited with
//! what it replaced, and used by the checks computed afterwards (the capital minimum's finding, the
//! legal basis it cites, the clock's lengths); nobody else reaches the page.

use reqwest::StatusCode;
use stablereg::domain::Role;
use stablereg::domain::application::SectionKind;
use stablereg::domain::application::findings::section_findings;
use stablereg::domain::finding::Check;
use stablereg::domain::rules::Rules;

use crate::application::save_section;
use crate::support::accounts::location;
use crate::support::harness::{TestApp, spawn_app};

/// The settings form with DOMAIN.md's defaults, as the page first shows it.
fn defaults() -> Vec<(&'static str, String)> {
    let mut form: Vec<(&'static str, String)> = [
        ("completeness_days", "25"),
        ("assessment_days", "60"),
        ("bank_majority_on", "on"),
        ("bank_majority", "50"),
        ("single_bank_cap_on", "on"),
        ("single_bank_cap", "15"),
        ("largest_shareholder_on", "on"),
        ("minimum_capital_on", "on"),
        ("minimum_capital", "5,000,000,000"),
        ("coverage_on", "on"),
        ("coverage", "100"),
        ("cash_share_on", "on"),
        ("cash_share", "20"),
        ("custodian_concentration_on", "on"),
        ("custodian_concentration", "50"),
        ("eligible_assets_on", "on"),
        ("cash_demand_deposits_eligible", "on"),
        ("term_deposits_eligible", "on"),
        ("term_deposits_days", "93"),
        ("korean_treasury_bonds_eligible", "on"),
        ("korean_treasury_bonds_days", "365"),
        ("local_government_bonds_eligible", "on"),
        ("local_government_bonds_days", "365"),
        ("monetary_stabilisation_bonds_eligible", "on"),
        ("monetary_stabilisation_bonds_days", "365"),
        ("reverse_repos_eligible", "on"),
        ("reverse_repos_days", "7"),
        ("segregation_on", "on"),
        ("redemption_days_on", "on"),
        ("redemption_days", "3"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect();
    form.push(("foreign_government_bonds_days", String::new()));
    form
}

fn with(
    mut form: Vec<(&'static str, String)>,
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    for (name, value) in changes {
        form.retain(|(k, _)| k != name);
        form.push((name, (*value).to_owned()));
    }
    form
}

async fn post(app: &TestApp, form: &[(&'static str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.submit("/admin/settings", "/admin/settings", &fields)
        .await
}

async fn stored_rules(app: &TestApp) -> Rules {
    let mut conn = app.db().await;
    stablereg::services::application::rules(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_settings_change_is_audited_and_used_by_the_checks_computed_afterwards() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    app.sign_in(&admin).await;
    let page = app.page("/admin/settings?lang=en").await;
    assert!(page.contains("value=\"5000000000\"") && page.contains("id=\"reverse_repos_days\""));

    // An issuer's capital of KRW 3 billion is under the default minimum of 5 billion.
    let issuer = app.create_issuer_admin("Hanul").await;
    let application = app
        .create_application(issuer.institution.unwrap(), issuer.id)
        .await;
    let capital = serde_json::json!({"values": {"paid_in_capital": "3,000,000,000"}});
    save_section(
        &app,
        application,
        SectionKind::Capital,
        1,
        capital,
        issuer.id,
    )
    .await;
    let capital_finding = |rules: Rules| {
        let app = &app;
        async move {
            let mut conn = app.db().await;
            let all = stablereg::services::application::all_answers(&mut conn, application)
                .await
                .unwrap();
            let findings = section_findings(SectionKind::Capital, &all, &rules);
            let finding = findings
                .into_iter()
                .find(|f| f.check == Check::MinimumCapital)
                .unwrap();
            (finding.breaches.is_empty(), finding.legal_basis)
        }
    };
    assert_eq!(
        capital_finding(stored_rules(&app).await).await,
        (false, None)
    );

    // Posting the defaults changes nothing and writes no audit row.
    assert_eq!(
        post(&app, &defaults()).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        !app.audit_actions()
            .await
            .contains(&"rules.changed".to_owned())
    );

    let changed = with(
        defaults(),
        &[
            ("minimum_capital", "1,000,000,000"),
            (
                "minimum_capital_basis",
                "Virtual Asset User Protection Act, Art. 5",
            ),
            ("assessment_days", "90"),
        ],
    );
    let res = post(&app, &changed).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/settings?notice=saved");
    let rules = stored_rules(&app).await;
    assert_eq!(rules.capital.minimum.value.won(), 1_000_000_000);
    assert_eq!(rules.clock.assessment_days, 90);
    let mut expected = Rules::default();
    expected.capital.minimum = rules.capital.minimum.clone();
    expected.clock.assessment_days = 90;
    assert_eq!(rules, expected, "nothing else changed");
    assert_eq!(
        capital_finding(rules).await,
        (
            true,
            Some("Virtual Asset User Protection Act, Art. 5".to_owned())
        ),
        "the same answers pass under the new minimum, citing the admin's basis"
    );
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "rules.changed").count(), 1);
    let mut conn = app.db().await;
    let rows = stablereg::db::audit_log::page(&mut conn, &Default::default(), 1)
        .await
        .unwrap();
    let details = &rows[0].details;
    assert_eq!(
        details["before"]["capital"]["minimum"]["value"],
        5_000_000_000i64
    );
    assert_eq!(
        details["after"]["capital"]["minimum"]["value"],
        1_000_000_000i64
    );

    // A check switched off runs no more.
    let off: Vec<_> = changed
        .into_iter()
        .filter(|(k, _)| *k != "minimum_capital_on")
        .collect();
    assert_eq!(post(&app, &off).await.status(), StatusCode::SEE_OTHER);
    let rules = stored_rules(&app).await;
    assert_eq!(rules.capital.minimum.active(), None);
}

#[tokio::test]
async fn a_bad_settings_form_is_sent_back_with_every_error_and_nothing_saved() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    app.sign_in(&admin).await;
    let bad = with(
        defaults(),
        &[
            ("bank_majority", "150"),
            ("minimum_capital", "lots"),
            ("coverage", "-1"),
            ("completeness_days", "0"),
            ("reverse_repos_days", "x"),
        ],
    );
    let res = post(&app, &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    for field in [
        "bank_majority",
        "minimum_capital",
        "coverage",
        "completeness_days",
        "reverse_repos_days",
    ] {
        assert!(
            page.contains(&format!("id=\"{field}-error\"")),
            "{field} has its error"
        );
    }
    assert!(
        page.contains("value=\"150\""),
        "the form comes back as typed"
    );
    assert_eq!(stored_rules(&app).await, Rules::default());
    assert!(
        !app.audit_actions()
            .await
            .contains(&"rules.changed".to_owned())
    );

    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    let visitor = app.visitor();
    visitor.sign_in(&reviewer).await;
    assert_eq!(
        visitor.get("/admin/settings").await.status(),
        StatusCode::FORBIDDEN
    );
}
