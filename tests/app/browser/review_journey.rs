//! Issue 10's journey with four people, in a real browser, in Korean and in English, as new users
//! would go: only the draft is filled in beforehand; from the issuer's submission on, every step is
//! a click on a link or a button of the page before it. The issuer submits; the reviewer takes the
//! case from the queue and asks about one field and one document; the issuer answers both (the
//! field edited, a new version of the document); the reviewer compares the section as submitted
//! with it as answered, closes the items, confirms completeness and consults the Bank of Korea,
//! whose consultee has no objection; the reviewer proposes approval with a condition and an
//! approver approves; the issuer finds the registration number and the letter; the public register
//! lists the issuer and the lookup of its contract says registered. Every page on the way is checked
//! at both widths (axe-core, no sideways scrolling) and with the Nu HTML Checker.

use fantoccini::Locator;
use stablereg::domain::Role;
use stablereg::i18n::Lang;
use uuid::Uuid;

use crate::application::complete::fill_everything;
use crate::support::accounts::Account;
use crate::support::browser::Browser;
use crate::support::documents::pdf;
use crate::support::harness::{TestApp, spawn_app};

/// The contract of the complete answers' one deployment (`complete_answers`).
const CONTRACT: &str = "0x52908400098527886e0f7030069857d2e4169ee7";
/// The English legal name as the issuer corrects it in answer to the request.
const CORRECTED: &str = "Hanbit Digital Assets Co., Ltd.";

#[tokio::test]
async fn four_people_take_an_application_to_the_register_in_korean() {
    journey(Lang::Ko).await;
}

#[tokio::test]
async fn four_people_take_an_application_to_the_register_in_english() {
    journey(Lang::En).await;
}

/// The four people of the journey.
struct People {
    issuer: Account,
    reviewer: Account,
    consultee: Account,
    approver: Account,
}

async fn people(app: &TestApp, lang: Lang) -> (People, Uuid) {
    let institution = app.create_institution("Hanbit Digital").await;
    let issuer = app
        .create_account(Role::Issuer, Some(institution), true)
        .await;
    let people = People {
        issuer,
        reviewer: app.create_account(Role::Reviewer, None, false).await,
        consultee: app.create_consultee("bank_of_korea").await,
        approver: app.create_account(Role::Approver, None, false).await,
    };
    // Everyone reads the portal (and its mail) in the journey's language; the issuer signs.
    app.sql(&format!(
        "UPDATE users SET lang = '{}' WHERE id IN ('{}', '{}', '{}', '{}')",
        lang.code(),
        people.issuer.id,
        people.reviewer.id,
        people.consultee.id,
        people.approver.id
    ))
    .await;
    app.sql(&format!(
        "UPDATE users SET is_authorised_signatory = true WHERE id = '{}'",
        people.issuer.id
    ))
    .await;
    // A complete draft: every section answered and every document uploaded.
    let id = app.create_application(institution, people.issuer.id).await;
    fill_everything(app, id, people.issuer.id).await;
    (people, id)
}

/// Clicks `css` and waits until the page it was on is gone: many steps here (a form sent back to
/// its own page) end on the path they started from, which is no sign that the next page came.
async fn click_away(b: &Browser, css: &str) {
    let before = b.client.find(Locator::Css("html")).await.unwrap();
    b.click(css).await;
    b.wait_for("the next page", || async {
        before.tag_name().await.is_err()
    })
    .await;
}

/// Clicks `css` and waits for the next page, at `path`, to load, then checks it.
async fn go(b: &Browser, css: &str, path: &str) {
    click_away(b, css).await;
    b.wait_for_path(path).await;
    b.check_page().await;
}

async fn journey(lang: Lang) {
    let app = spawn_app().await;
    let (people, id) = people(&app, lang).await;
    let b = Browser::start().await;
    submit(&app, &b, &people, id, lang).await;
    let request = request_information(&app, &b, &people, id, lang).await;
    answer(&app, &b, &people, (id, request), lang).await;
    complete_and_consult(&app, &b, &people, (id, request), lang).await;
    opinion(&app, &b, &people, lang).await;
    propose_and_approve(&app, &b, &people, id, lang).await;
    let number = letter(&app, &b, &people, id, lang).await;
    register(&app, &b, &number, lang).await;
    b.close().await;
}

/// The issuer checks the answers, declares and submits.
async fn submit(app: &TestApp, b: &Browser, people: &People, id: Uuid, lang: Lang) {
    b.sign_in(app, &people.issuer, lang).await;
    go(b, "header a[href='/applications']", "/applications").await;
    go(
        b,
        &format!("main a[href='/applications/{id}']"),
        &format!("/applications/{id}"),
    )
    .await;
    let check = format!("/applications/{id}/check");
    go(b, &format!("main a[href='{check}']"), &check).await;
    b.click("label[for='declaration']").await;
    b.click(".portal-declaration button[type='submit']").await;
    b.wait_for_heading(&lang.t("submitted-title")).await;
    b.check_page().await;
}

/// The reviewer takes the case from the queue and asks about the English name and the AML policy.
async fn request_information(
    app: &TestApp,
    b: &Browser,
    people: &People,
    id: Uuid,
    lang: Lang,
) -> Uuid {
    b.sign_in(app, &people.reviewer, lang).await;
    go(b, "header a[href='/review']", "/review").await;
    let case = format!("/review/{id}");
    go(b, &format!("main a[href='{case}']"), &case).await;
    go(b, &format!("form[action='{case}/take'] button"), &case).await;
    let new = format!("{case}/requests/new");
    go(b, &format!("main a[href='{new}']"), &new).await;
    b.click("#target-0 option[value='field:institution:legal_name_en']")
        .await;
    b.fill("question-0", "Give the English name as registered.")
        .await;
    b.click("main form button[value='add']").await;
    b.wait_for("a second item", || async {
        b.client.find(Locator::Id("target-1")).await.is_ok()
    })
    .await;
    // The form as "add" renders it again, the first item kept: a page of its own to check.
    b.check_page().await;
    b.click("#target-1 option[value='document:aml_policy']")
        .await;
    b.fill("question-1", "Send the AML policy as the board adopted it.")
        .await;
    b.click("main form button[value='send']").await;
    b.wait_for_heading(&lang.t("inforeq-title")).await;
    b.check_page().await;
    let path = b.current_path().await;
    let request = path.rsplit('/').next().unwrap();
    Uuid::parse_str(request).unwrap_or_else(|_| panic!("a request's page, not {path}"))
}

/// The issuer finds the request on the task list, corrects the field, uploads a new version of the
/// document, answers both items and sends the answers.
async fn answer(
    app: &TestApp,
    b: &Browser,
    people: &People,
    (id, request): (Uuid, Uuid),
    lang: Lang,
) {
    b.sign_in(app, &people.issuer, lang).await;
    go(b, "header a[href='/applications']", "/applications").await;
    let task_list = format!("/applications/{id}");
    go(b, &format!("main a[href='{task_list}']"), &task_list).await;
    // The task list names both items, each a link to its place.
    let section = format!("/applications/{id}/sections/institution");
    go(
        b,
        &format!("#open-request ~ ul a[href='{section}#legal_name_en']"),
        &section,
    )
    .await;
    // The section page asks the question too, beside the field it is about.
    let asked = b.text_of("#legal_name_en-question").await;
    assert!(
        asked.contains("Give the English name as registered."),
        "{asked}"
    );
    b.check_page().await;
    b.fill("legal_name_en", CORRECTED).await;
    b.click(".portal-actions button[value='continue']").await;
    b.wait_for("the section saved", || async {
        b.current_path().await != section
    })
    .await;
    b.goto(&app.url(&task_list)).await;
    b.wait_for_heading(&lang.t("task-list-title")).await;
    b.check_page().await;
    let document = format!("/applications/{id}/documents/aml_policy");
    go(
        b,
        &format!("#open-request ~ ul a[href='{document}']"),
        &document,
    )
    .await;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("aml-policy-2026.pdf");
    std::fs::write(&file, pdf(64)).unwrap();
    b.client
        .find(Locator::Id("file"))
        .await
        .expect("a file input")
        .send_keys(file.to_str().unwrap())
        .await
        .expect("the file is chosen");
    // Stored, the new version is the current one, back on its section.
    go(
        b,
        "form.portal-upload button[type='submit']",
        &format!("/applications/{id}/sections/documents"),
    )
    .await;
    assert!(b.text_of("main").await.contains("aml-policy-2026.pdf"));

    b.goto(&app.url(&task_list)).await;
    b.wait_for_heading(&lang.t("task-list-title")).await;
    b.check_page().await;
    let page = format!("/applications/{id}/requests/{request}");
    go(b, &format!("#open-request ~ p a[href='{page}']"), &page).await;
    for (n, text) in [
        (0, "The English name is now as registered."),
        (1, "The board adopted the policy attached."),
    ] {
        let field = b
            .client
            .find_all(Locator::Css("main textarea[name='answer']"))
            .await
            .unwrap()
            .remove(n);
        let id = field.attr("id").await.unwrap().unwrap();
        b.fill(&id, text).await;
        click_away(b, &format!("form:has(#{id}) button")).await;
        b.wait_for_path(&page).await;
    }
    b.check_page().await;
    b.click("main form[action$='/send'] button[type='submit']")
        .await;
    b.wait_for_heading(&lang.t("task-list-title")).await;
    b.check_page().await;
}

/// The reviewer reads the answers, compares the section, closes both items, confirms the case
/// complete and sends it to the Bank of Korea.
async fn complete_and_consult(
    app: &TestApp,
    b: &Browser,
    people: &People,
    (id, request): (Uuid, Uuid),
    lang: Lang,
) {
    b.sign_in(app, &people.reviewer, lang).await;
    go(b, "header a[href='/review']", "/review").await;
    let case = format!("/review/{id}");
    go(b, &format!("main a[href='{case}']"), &case).await;
    let page = format!("{case}/requests/{request}");
    go(b, &format!("main a[href='{page}']"), &page).await;
    assert!(
        b.text_of("main")
            .await
            .contains("The English name is now as registered.")
    );
    let compare = format!("{case}/sections/institution/compare");
    b.click(&format!("main a[href^='{compare}']")).await;
    b.wait_for_path(&compare).await;
    let table = b.text_of("main table").await;
    assert!(table.contains("Hanbit Digital Co., Ltd."), "{table}");
    assert!(table.contains(CORRECTED), "{table}");
    b.check_page().await;
    b.goto(&app.url(&page)).await;
    b.wait_for_path(&page).await;
    for _ in 0..2 {
        click_away(b, "main form[action$='/close'] button").await;
        b.wait_for_path(&page).await;
    }
    assert!(
        b.client
            .find(Locator::Css("main form[action$='/close']"))
            .await
            .is_err()
    );
    b.check_page().await;
    go(b, &format!("main a[href='{case}']"), &case).await;
    go(b, &format!("form[action='{case}/complete'] button"), &case).await;
    let consultations = format!("{case}/consultations");
    go(
        b,
        &format!("main a[href='{consultations}']"),
        &consultations,
    )
    .await;
    b.click("label[for='body_bank_of_korea']").await;
    b.fill("question", "Does the reserve custody raise any concern?")
        .await;
    go(b, "main form button[type='submit']", &consultations).await;
}

/// The Bank of Korea's consultee has no objection.
async fn opinion(app: &TestApp, b: &Browser, people: &People, lang: Lang) {
    b.sign_in(app, &people.consultee, lang).await;
    go(b, "header a[href='/consultations']", "/consultations").await;
    b.click("main table a").await;
    b.wait_for_heading(&lang.t("consultee-case-title")).await;
    b.check_page().await;
    let path = b.current_path().await;
    b.click("label[for='opinion_no_objection']").await;
    b.fill("reasons", "Custody at two banks is sound.").await;
    click_away(b, "main form button[type='submit']").await;
    b.wait_for_path(&path).await;
    assert!(
        b.text_of("main")
            .await
            .contains(&lang.t("opinion-no_objection"))
    );
    b.check_page().await;
}

/// The reviewer proposes approval with a condition; the approver approves.
async fn propose_and_approve(app: &TestApp, b: &Browser, people: &People, id: Uuid, lang: Lang) {
    b.sign_in(app, &people.reviewer, lang).await;
    go(b, "header a[href='/review']", "/review").await;
    let case = format!("/review/{id}");
    go(b, &format!("main a[href='{case}']"), &case).await;
    let decision = format!("{case}/decision");
    go(b, &format!("main a[href='{decision}']"), &decision).await;
    assert!(
        b.text_of("main")
            .await
            .contains("Custody at two banks is sound.")
    );
    b.click("label[for='outcome_approve']").await;
    b.fill(
        "reasons",
        "Reserves are fully backed and held at two banks.",
    )
    .await;
    b.fill("conditions", "Issuance at most 100 billion won.")
        .await;
    go(
        b,
        "main form[action$='/propose'] button[type='submit']",
        &decision,
    )
    .await;

    b.sign_in(app, &people.approver, lang).await;
    go(b, "header a[href='/review']", "/review").await;
    go(
        b,
        "main a[href='/review?state=decision_proposed']",
        "/review",
    )
    .await;
    go(b, &format!("main a[href='{case}']"), &case).await;
    go(b, &format!("main a[href='{decision}']"), &decision).await;
    b.click("label[for='decision_approved']").await;
    go(
        b,
        "main form[action$='/decide'] button[type='submit']",
        &decision,
    )
    .await;
    assert!(b.text_of("main").await.contains("KRSC-"));
}

/// The issuer sees the registration number on the dashboard and opens the letter: its number.
async fn letter(app: &TestApp, b: &Browser, people: &People, id: Uuid, lang: Lang) -> String {
    b.sign_in(app, &people.issuer, lang).await;
    go(b, "header a[href='/applications']", "/applications").await;
    let main = b.text_of("main").await;
    let number = main
        .split_whitespace()
        .find(|w| w.starts_with("KRSC-"))
        .unwrap_or_else(|| panic!("a registration number on the dashboard: {main}"))
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned();
    let letter = format!("/applications/{id}/letter");
    go(b, &format!("main a[href='{letter}']"), &letter).await;
    let text = b.text_of("main").await;
    assert!(text.contains(&number), "{text}");
    assert!(text.contains("Issuance at most 100 billion won."), "{text}");
    number
}

/// Anyone finds the issuer on the public register, and its token by chain and contract address.
async fn register(app: &TestApp, b: &Browser, number: &str, lang: Lang) {
    b.client.delete_all_cookies().await.unwrap();
    b.goto(&app.url(&format!("/?lang={}", lang.code()))).await;
    go(b, "header a[href='/register']", "/register").await;
    let entry = format!("/register/{number}");
    go(b, &format!("main a[href='{entry}']"), &entry).await;
    // The entry is the application as approved: with the name as the issuer corrected it.
    let text = b.text_of("main").await;
    assert!(text.contains(CORRECTED), "{text}");
    assert!(text.contains("Issuance at most 100 billion won."), "{text}");
    go(b, "main a[href='/register']", "/register").await;
    go(b, "main a[href='/register/lookup']", "/register/lookup").await;
    b.click("#chain option[value='ethereum']").await;
    b.fill("address", CONTRACT).await;
    go(b, "main form button[type='submit']", "/register/lookup").await;
    assert_eq!(
        b.text_of("#answer-heading").await,
        lang.t("register-lookup-registered")
    );
    assert!(b.text_of(".portal-answer").await.contains(number));
}
