//! Browser journeys of identity: sign-up, invitation, MFA enrolment, deactivation, with axe-core.
//!
//! Each journey is tried as a person would: pages are reached by clicking the links and buttons the
//! portal shows, mail is read in the demo mailbox, TOTP codes are computed from the secret the
//! enrolment page shows. Every page reached is checked, in Korean and in English, at a desktop's and
//! a phone's width (`Browser::check_page`).

use fantoccini::Locator;
use serde_json::json;
use stablereg::auth::totp;
use stablereg::domain::Role;
use stablereg::i18n::Lang;
use std::time::{Duration, Instant};

use crate::support::browser::Browser;
use crate::support::harness::{TestApp, spawn_app};

/// A password that passes the rules, and is built from none of the names used here.
const PASSWORD: &str = "Namsan-Tower-Evening-Walk-77";

#[tokio::test]
async fn identity_journeys_in_a_browser_pass_axe_in_korean() {
    identity_journeys(Lang::Ko).await;
}

#[tokio::test]
async fn identity_journeys_in_a_browser_pass_axe_in_english() {
    identity_journeys(Lang::En).await;
}

async fn identity_journeys(lang: Lang) {
    let app = spawn_app().await;
    institution_signs_up_verifies_signs_in_and_out(&app, lang).await;
    admin_invites_a_reviewer_then_deactivates_them(&app, lang).await;
}

/// An institution signs up, its first user confirms their address from the mail, signs in and out.
async fn institution_signs_up_verifies_signs_in_and_out(app: &TestApp, lang: Lang) {
    let email = format!("first.user.{}@hangang-bank.example", lang.code());
    let b = Browser::start().await;
    open_home(&b, app, lang).await;

    b.click(".portal-nav a[href='/signup']").await;
    arrive(&b, lang, "/signup", &lang.t("signup-title")).await;
    let (legal_name_ko, legal_name_en) =
        ("한강디지털은행 주식회사", "Hangang Digital Bank Co., Ltd.");
    let name = match lang {
        Lang::Ko => "홍길동",
        Lang::En => "Gildong Hong",
    };
    b.fill("legal_name_ko", legal_name_ko).await;
    b.fill("legal_name_en", legal_name_en).await;
    b.fill("business_registration_number", "124-81-00998").await;
    b.fill("corporate_registration_number", "110111-1234569")
        .await;
    choose(&b, "institution_type_bank").await;
    b.fill("address", "서울특별시 중구 세종대로 110").await;
    b.fill("contact_phone", "02-123-4567").await;
    b.fill("name", name).await;
    b.fill("email", &email).await;
    b.fill("password", PASSWORD).await;
    // A slip of the finger in the confirmation: the form comes back, with the error, and keeps
    // everything but the passwords.
    b.fill("confirm", "Namsan-Tower-Evening-Walk-78").await;
    b.click("main form[action='/signup'] button[type='submit']")
        .await;
    b.wait_for("the sign-up form to come back with its errors", || async {
        b.client
            .find(Locator::Css(".portal-error-summary"))
            .await
            .is_ok()
    })
    .await;
    arrive(&b, lang, "/signup", &lang.t("signup-title")).await;
    assert!(
        b.text_of(".portal-error-summary")
            .await
            .contains(&lang.t("password-mismatch")),
        "the error summary names the mismatch"
    );
    assert_eq!(
        attr(&b, "#confirm", "aria-invalid").await.as_deref(),
        Some("true")
    );
    assert_eq!(value_of(&b, "#legal_name_ko").await, legal_name_ko);
    assert_eq!(value_of(&b, "#email").await, email);
    assert_eq!(value_of(&b, "#password").await, "");
    b.fill("password", PASSWORD).await;
    b.fill("confirm", PASSWORD).await;
    b.click("main form[action='/signup'] button[type='submit']")
        .await;
    arrive(&b, lang, "/signup", &lang.t("signup-sent-title")).await;
    assert!(b.text_of("main [role='status']").await.contains(&email));

    // The page points to the demo mailbox, where the confirmation mail waits.
    b.click("main a[href='/demo/mail']").await;
    arrive(&b, lang, "/demo/mail", &lang.t("demo-mail-title")).await;
    click_mail_to(&b, &email).await;
    arrive(&b, lang, "/demo/mail/*", &lang.t("mail-verify-subject")).await;
    b.click("a.demo-mail-link").await;
    arrive(&b, lang, "/verify-email/*", &lang.t("verify-title")).await;
    assert!(b.text_of("main p").await.contains(name));
    b.click("main form button[type='submit']").await;
    let url = arrive(&b, lang, "/login", &lang.t("login-title")).await;
    assert_eq!(url.query(), Some("notice=email-verified"));
    assert_eq!(
        b.text_of(".portal-notice").await,
        lang.t("notice-email-verified")
    );

    b.fill("email", &email).await;
    b.fill("password", PASSWORD).await;
    b.click("main form[action='/login'] button[type='submit']")
        .await;
    arrive(&b, lang, "/account", &lang.t("account-title")).await;
    assert!(b.text_of(".portal-nav").await.contains(name));
    let summary = b.text_of("main .portal-summary").await;
    assert!(summary.contains(&email), "{summary}");
    assert!(summary.contains(legal_name_en), "{summary}");
    assert!(summary.contains(&lang.t("role-issuer")), "{summary}");

    // The first user administers the institution's users: they invite a colleague, who is listed
    // among the invitations below the table of members until they accept.
    b.click(".portal-nav a[href='/institution/members']").await;
    arrive(&b, lang, "/institution/members", &lang.t("members-title")).await;
    let colleague = format!("colleague.{}@hangang-bank.example", lang.code());
    b.fill("name", "Seoyeon Park").await;
    b.fill("email", &colleague).await;
    choose(&b, &format!("lang_{}", lang.code())).await;
    b.click("main form[action='/institution/members'] button[type='submit']")
        .await;
    let url = arrive(&b, lang, "/institution/members?*", &lang.t("members-title")).await;
    assert_eq!(url.query(), Some("notice=invited"));
    let members = b.text_of("main table").await;
    let invitations = b
        .text_of("main section[aria-labelledby='invitations-heading'] table")
        .await;
    assert!(
        members.contains(&email) && invitations.contains(&colleague),
        "{members} {invitations}"
    );

    sign_out(&b, lang).await;
    // Signed out for real: the account page now asks for sign-in.
    b.goto(&app.url("/account")).await;
    arrive(&b, lang, "/login", &lang.t("login-title")).await;
    b.close().await;
}

/// An admin invites a reviewer; the reviewer sets a password, enrols TOTP and signs in; the admin
/// deactivates the reviewer, whose open page fails on the next click with the deactivated-account page.
async fn admin_invites_a_reviewer_then_deactivates_them(app: &TestApp, lang: Lang) {
    let admin = app.create_account(Role::Admin, None, false).await;
    let admin_secret = admin.totp.clone().expect("an admin has MFA on");
    let reviewer_email = format!("reviewer.{}@fsc.example", lang.code());
    let reviewer_name = match lang {
        Lang::Ko => "김심사",
        Lang::En => "Minji Kim",
    };

    // The admin signs in with password and code in browser A, and stays signed in.
    let a = Browser::start().await;
    open_home(&a, app, lang).await;
    a.click(".portal-nav a[href='/login']").await;
    arrive(&a, lang, "/login", &lang.t("login-title")).await;
    a.fill("email", &admin.email).await;
    a.fill("password", &admin.password).await;
    a.click("main form[action='/login'] button[type='submit']")
        .await;
    arrive(&a, lang, "/mfa", &lang.t("mfa-title")).await;
    a.fill("code", &current_code(&admin_secret)).await;
    a.click("main form[action='/mfa'] button[type='submit']")
        .await;
    arrive(&a, lang, "/account", &lang.t("account-title")).await;

    a.click(".portal-nav a[href='/admin']").await;
    arrive(&a, lang, "/admin", &lang.t("admin-users")).await;
    a.click(".portal-subnav a[href='/admin/users/new']").await;
    arrive(&a, lang, "/admin/users/new", &lang.t("admin-invite")).await;
    a.fill("name", reviewer_name).await;
    a.fill("email", &reviewer_email).await;
    choose(&a, "role_reviewer").await;
    choose(&a, &format!("lang_{}", lang.code())).await;
    a.click("main form[action='/admin/users'] button[type='submit']")
        .await;
    let url = arrive(&a, lang, "/admin/users/*", reviewer_name).await;
    assert_eq!(url.query(), Some("notice=invited"));
    assert_eq!(a.text_of(".portal-notice").await, lang.t("notice-invited"));
    assert!(
        a.text_of("main .portal-summary")
            .await
            .contains(&lang.t("status-invited"))
    );
    let reviewer_page = url.path().to_owned();
    let reviewer_id = reviewer_page.trim_start_matches("/admin/users/").to_owned();

    // The reviewer, in browser B, opens the invitation mail and follows its link.
    let b = Browser::start().await;
    open_home(&b, app, lang).await;
    b.click(".portal-nav a[href='/demo/mail']").await;
    arrive(&b, lang, "/demo/mail", &lang.t("demo-mail-title")).await;
    click_mail_to(&b, &reviewer_email).await;
    arrive(&b, lang, "/demo/mail/*", &lang.t("mail-invite-subject")).await;
    b.click("a.demo-mail-link").await;
    arrive(
        &b,
        lang,
        "/invitation/*",
        &lang.t("set-password-title-invitation"),
    )
    .await;
    assert!(b.text_of("main p").await.contains(reviewer_name));
    b.fill("password", PASSWORD).await;
    b.fill("confirm", PASSWORD).await;
    b.click("main form button[type='submit']").await;

    // Regulator staff enrol their second factor straight away.
    arrive(&b, lang, "/mfa/enrol", &lang.t("enrol-title")).await;
    let secret: String = b
        .text_of("#totp-secret")
        .await
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(!secret.is_empty(), "the enrolment page shows the secret");
    b.fill("code", &current_code(&secret)).await;
    b.click("main form[action='/mfa/enrol'] button[type='submit']")
        .await;
    arrive(&b, lang, "/mfa/enrol", &lang.t("recovery-title")).await;
    let codes = b
        .client
        .find_all(Locator::Css("#recovery-codes li"))
        .await
        .unwrap();
    assert_eq!(codes.len(), 10, "ten recovery codes are shown");
    b.click("main a.krds-btn[href='/account']").await;
    arrive(&b, lang, "/account", &lang.t("account-title")).await;
    let summary = b.text_of("main .portal-summary").await;
    assert!(summary.contains(&reviewer_email), "{summary}");
    assert!(summary.contains(&lang.t("role-reviewer")), "{summary}");
    assert!(summary.contains(&lang.t("mfa-on")), "{summary}");

    // Signing in again, with the password and a code from the authenticator.
    sign_out(&b, lang).await;
    b.click(".portal-nav a[href='/login']").await;
    arrive(&b, lang, "/login", &lang.t("login-title")).await;
    b.fill("email", &reviewer_email).await;
    b.fill("password", PASSWORD).await;
    b.click("main form[action='/login'] button[type='submit']")
        .await;
    arrive(&b, lang, "/mfa", &lang.t("mfa-title")).await;
    // The enrolment used up the current time step; a code is accepted once per step.
    app.sql(&format!(
        "UPDATE users SET totp_last_step = NULL WHERE id = '{reviewer_id}'"
    ))
    .await;
    b.fill("code", &current_code(&secret)).await;
    b.click("main form[action='/mfa'] button[type='submit']")
        .await;
    arrive(&b, lang, "/account", &lang.t("account-title")).await;
    assert!(b.text_of(".portal-nav").await.contains(reviewer_name));

    // The admin, still signed in in browser A, deactivates the reviewer.
    a.goto(&app.url(&reviewer_page)).await;
    arrive(&a, lang, &reviewer_page, reviewer_name).await;
    let summary = a.text_of("main .portal-summary").await;
    assert!(summary.contains(&lang.t("status-active")), "{summary}");
    assert!(summary.contains(&lang.t("mfa-on")), "{summary}");
    // The account page asks first, on a page of its own that says what will happen.
    a.click("main a[href$='/deactivate/confirm']").await;
    let confirm = format!("{reviewer_page}/deactivate/confirm");
    let question = lang.t_with(
        "confirm-deactivate-title",
        &[("name", reviewer_name.to_owned().into())],
    );
    arrive(&a, lang, &confirm, &question).await;
    a.click("main form[action$='/deactivate'] button[type='submit']")
        .await;
    let deactivated = format!("{reviewer_page}?notice=deactivated");
    arrive(&a, lang, &deactivated, reviewer_name).await;
    assert_eq!(
        a.text_of(".portal-notice").await,
        lang.t("notice-deactivated")
    );
    assert!(
        a.text_of("main .portal-summary")
            .await
            .contains(&lang.t("status-deactivated"))
    );

    // The admin finds the institution that signed up, and the deactivation in the audit log.
    a.click(".portal-subnav a[href='/admin/institutions']")
        .await;
    arrive(
        &a,
        lang,
        "/admin/institutions",
        &lang.t("admin-institutions"),
    )
    .await;
    a.click("main table a[href^='/admin/institutions/']").await;
    arrive(&a, lang, "/admin/institutions/*", "한강디지털은행 주식회사").await;
    a.click(".portal-subnav a[href='/admin/audit']").await;
    arrive(&a, lang, "/admin/audit", &lang.t("admin-audit")).await;
    let rows = a
        .client
        .find_all(Locator::Css("main table tbody tr"))
        .await
        .unwrap();
    assert!(rows.len() > 1, "the audit log lists what was done");

    // The reviewer's open page fails on the next click: they land on a page that says the account
    // was deactivated and, for staff, that the portal's administrator can help…
    b.click("main a[href='/account/password']").await;
    let deactivated = "/account/deactivated?account=staff";
    arrive(&b, lang, deactivated, &lang.t("account-deactivated-title")).await;
    assert!(
        b.text_of("main")
            .await
            .contains(&lang.t("account-deactivated-contact-staff"))
    );
    assert!(
        !b.text_of(".portal-nav").await.contains(reviewer_name),
        "the header no longer shows the reviewer as signed in"
    );
    // …and signing in again is refused, with the same message as for a wrong password.
    b.click("header a[href='/login']").await;
    arrive(&b, lang, "/login", &lang.t("login-title")).await;
    b.fill("email", &reviewer_email).await;
    b.fill("password", PASSWORD).await;
    b.click("main form[action='/login'] button[type='submit']")
        .await;
    b.wait_for("the sign-in to be refused", || async {
        b.client
            .find(Locator::Css(".portal-error-summary"))
            .await
            .is_ok()
    })
    .await;
    arrive(&b, lang, "/login", &lang.t("login-title")).await;
    assert!(
        b.text_of(".portal-error-summary")
            .await
            .contains(&lang.t("login-failed"))
    );

    a.close().await;
    b.close().await;
}

// ----- what a person does in the browser -----------------------------------------------------

/// Opens the home page in `lang` (remembered in a cookie from then on).
async fn open_home(b: &Browser, app: &TestApp, lang: Lang) {
    b.goto(&app.url(&format!("/?lang={}", lang.code()))).await;
    arrive(b, lang, "/", &lang.t("home-title")).await;
}

/// Signs out with the header's button and checks the home page says so.
async fn sign_out(b: &Browser, lang: Lang) {
    b.click("header form[action='/logout'] button[type='submit']")
        .await;
    let url = arrive(b, lang, "/", &lang.t("home-title")).await;
    assert_eq!(url.query(), Some("notice=signed-out"));
    assert_eq!(
        b.text_of(".portal-notice").await,
        lang.t("notice-signed-out")
    );
    assert!(
        b.client
            .find(Locator::Css("header form[action='/logout']"))
            .await
            .is_err(),
        "no sign-out button once signed out"
    );
}

/// Opens, in the demo mailbox's list, the newest mail to `to`.
async fn click_mail_to(b: &Browser, to: &str) {
    let xpath =
        format!("//table//tr[td[normalize-space()='{to}']]//a[starts-with(@href, '/demo/mail/')]");
    b.client
        .find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("the mailbox lists a mail to {to}: {e}"))
        .click()
        .await
        .expect("the mail opens");
}

/// The code an authenticator app shows now for `secret`.
fn current_code(secret: &str) -> String {
    totp::code_at(secret, totp::now()).expect("a valid secret")
}

/// Picks a radio button by its label, as a person would (KRDS draws its own radio over the input),
/// and checks it took.
async fn choose(b: &Browser, id: &str) {
    b.click(&format!("label[for='{id}']")).await;
    let checked = b
        .client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no #{id}: {e}"))
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(checked.as_deref(), Some("true"), "#{id} is chosen");
}

async fn attr(b: &Browser, css: &str, name: &str) -> Option<String> {
    b.client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .attr(name)
        .await
        .unwrap()
}

async fn value_of(b: &Browser, css: &str) -> String {
    b.client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Waits until the browser is on `path` (and its query, if `path` has one; a trailing `*` matches
/// any rest) showing `h1`, then checks the page is in `lang` and checks it as every page is checked
/// (axe-core and sideways scrolling at both widths, the Nu HTML Checker). Returns the page's URL.
async fn arrive(b: &Browser, lang: Lang, path: &str, h1: &str) -> url::Url {
    let matches = |url: &url::Url| {
        let actual = match url.query() {
            Some(query) if path.contains('?') => format!("{}?{query}", url.path()),
            _ => url.path().to_owned(),
        };
        match path.strip_suffix('*') {
            Some(prefix) => actual.starts_with(prefix) && actual.len() > prefix.len(),
            None => actual == path,
        }
    };
    let started = Instant::now();
    let url = loop {
        // The URL is read on both sides of the heading: a navigation finishing between two reads
        // would otherwise pair the old page's URL with the new page's heading.
        let url = b.client.current_url().await.expect("a current URL");
        if matches(&url)
            && b.heading().await == h1
            && b.client.current_url().await.expect("a current URL") == url
        {
            break url;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "expected {path} with heading {h1:?}; the browser is on {} with heading {:?}",
            b.current_path().await,
            b.heading().await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let page_lang = b
        .client
        .execute("return document.documentElement.lang", vec![])
        .await
        .expect("script runs");
    assert_eq!(page_lang, json!(lang.code()), "the language of {url}");
    b.check_page().await;
    url
}
