//! Importing reserve lines in a real browser, in Korean and in English: the import page empty, with
//! a bad file's problems listed, and after a file with a coverage breach, each checked with axe-core
//! at both widths and the Nu HTML Checker. The file is chosen in the file input as a person would.

use fantoccini::Locator;
use serde_json::json;
use stablereg::domain::Role;
use stablereg::domain::application::SectionKind;
use stablereg::i18n::Lang;
use std::time::Duration;

use crate::application::save_section;
use crate::support::browser::Browser;

#[tokio::test]
async fn the_import_page_a_bad_file_and_a_breach_pass_axe_in_both_languages() {
    let app = crate::support::harness::spawn_app().await;
    let institution = app.create_institution("Hanbit").await;
    let member = app
        .create_account(Role::Issuer, Some(institution), false)
        .await;
    let application = app.create_application(institution, member.id).await;
    let supply = json!({"rows": {"supply": [{
        "id": "0123456789abcdef0123456789abcdef",
        "values": {"chain": "ethereum", "minted": "1,000,000"}
    }]}});
    save_section(
        &app,
        application,
        SectionKind::Attestation,
        1,
        supply,
        member.id,
    )
    .await;
    let files = tempfile::tempdir().expect("a folder for the files");
    let header = stablereg::domain::attestation::import::COLUMNS.join(",");
    let bad = files.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("{header}\ngold,KB Kookmin Bank,bank,maybe,,12.5,0\n"),
    )
    .unwrap();
    let short = files.path().join("reserves.csv");
    std::fs::write(
        &short,
        format!(
            "{header}\ncash_demand_deposits,KB Kookmin Bank,bank,yes,,450000,0\n\
             cash_demand_deposits,Shinhan Bank,bank,yes,,450000,0\n"
        ),
    )
    .unwrap();

    let b = Browser::start().await;
    b.sign_in(&app, &member, Lang::Ko).await;

    let page = format!("/applications/{application}/attestation/import");
    for lang in [Lang::Ko, Lang::En] {
        b.goto(&app.url(&format!("{page}?lang={}", lang.code())))
            .await;
        assert_eq!(b.text_of("h1").await, lang.t("import-title"));
        b.check_page().await;

        choose_file(&b, &bad).await;
        b.click("main form[enctype='multipart/form-data'] button")
            .await;
        b.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(".portal-error-summary"))
            .await
            .expect("the problems are listed");
        b.wait_for_path(&page).await;
        assert_eq!(
            b.text_of(".portal-error-summary h2").await,
            lang.t("import-problems-title")
        );
        b.check_page().await;

        choose_file(&b, &short).await;
        b.click("main form[enctype='multipart/form-data'] button")
            .await;
        b.wait_for_path(&format!("/applications/{application}/sections/attestation"))
            .await;
        b.goto(&app.url(&page)).await;
        assert!(
            b.text_of(".portal-finding.is-breached")
                .await
                .contains(&lang.t("check-coverage-title"))
        );
        b.check_page().await;
    }
    b.close().await;
}

async fn choose_file(b: &Browser, path: &std::path::Path) {
    b.client
        .find(Locator::Id("file"))
        .await
        .expect("the page has a file input")
        .send_keys(path.to_str().expect("a UTF-8 path"))
        .await
        .expect("the file is chosen");
}
