//! The register's pages and the admin's calendar and settings in a real browser, in Korean and in
//! English: the register, an issuer's entry, the lookup asked through its form (a registered token
//! and an unlisted one), and signed in as an admin the calendar (with a form sent back), a removal's
//! confirmation, the settings (with an error) and the status page. Each is checked with axe-core at
//! both widths, for sideways scrolling, and with the Nu HTML Checker.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use stablereg::auth::totp;
use stablereg::domain::Role;

use super::fixture::{EVM_ADDRESS, SOLANA_MINT, publish};
use crate::support::browser::Browser;
use crate::support::harness::spawn_app;

const UNLISTED: &str = "0xdac17f958d2ee523a2206206994597c13d831ec7";

async fn fill(b: &Browser, id: &str, value: &str) {
    let field = b.client.find(Locator::Id(id)).await.expect(id);
    scroll_to(b, &field).await;
    field.clear().await.unwrap();
    field.send_keys(value).await.expect("the field takes keys");
}

async fn scroll_to(b: &Browser, element: &fantoccini::elements::Element) {
    b.client
        .execute(
            "arguments[0].scrollIntoView({ block: 'center', behavior: 'instant' });",
            vec![serde_json::to_value(element).unwrap()],
        )
        .await
        .unwrap();
}

async fn click(b: &Browser, css: &str) {
    let element = b.client.find(Locator::Css(css)).await.expect(css);
    scroll_to(b, &element).await;
    element.click().await.expect("it can be clicked");
}

/// Waits (up to 15 s) until the browser is on `path` and its page has loaded.
async fn wait_for_path(b: &Browser, path: &str) {
    let started = Instant::now();
    loop {
        let url = b.client.current_url().await.unwrap();
        let loaded = b
            .client
            .execute("return document.readyState", vec![])
            .await
            .unwrap();
        if url.path() == path && loaded == "complete" {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "waited in vain for {path}; the browser is on {url}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits (up to 15 s) until the page shown holds `text`: a form posted back to its own path leaves
/// the browser on the same path, so the path alone does not say the answer has arrived.
async fn wait_for_text(b: &Browser, text: &str) {
    let started = Instant::now();
    loop {
        let loaded = b
            .client
            .execute("return document.readyState", vec![])
            .await
            .unwrap();
        if loaded == "complete" && b.client.source().await.unwrap().contains(text) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "waited in vain for {text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_register_and_the_admin_pages_pass_axe_in_both_languages() {
    let app = spawn_app().await;
    let rows = [("ethereum", EVM_ADDRESS), ("solana", SOLANA_MINT)];
    publish(&app, "Hanul", "HKRW", "KRW", &rows, 1).await;
    let admin = app.create_account(Role::Admin, None, false).await;
    let b = Browser::start().await;
    for lang in ["ko", "en"] {
        b.goto(&app.url(&format!("/register?lang={lang}"))).await;
        b.check_page().await;
        click(&b, "a[href='/register/KRSC-2026-0001']").await;
        wait_for_path(&b, "/register/KRSC-2026-0001").await;
        b.check_page().await;
        b.goto(&app.url("/register/lookup")).await;
        b.check_page().await;
        for (address, answer) in [
            (EVM_ADDRESS, "KRSC-2026-0001"),
            (UNLISTED, "answer-heading"),
        ] {
            click(&b, "#chain option[value='ethereum']").await;
            fill(&b, "address", address).await;
            click(&b, "main form button[type='submit']").await;
            wait_for_text(&b, &format!("value=\"{address}\"")).await;
            assert!(b.client.source().await.unwrap().contains(answer));
            b.check_page().await;
        }
    }

    b.goto(&app.url("/login")).await;
    fill(&b, "email", &admin.email).await;
    fill(&b, "password", &admin.password).await;
    click(&b, "main form[action='/login'] button[type='submit']").await;
    wait_for_path(&b, "/mfa").await;
    let secret = admin.totp.clone().expect("an admin has MFA on");
    fill(&b, "code", &totp::code_at(&secret, totp::now()).unwrap()).await;
    click(&b, "main form[action='/mfa'] button[type='submit']").await;
    wait_for_path(&b, "/account").await;
    for lang in ["ko", "en"] {
        b.goto(&app.url(&format!("/admin/calendar?year=2026&lang={lang}")))
            .await;
        b.check_page().await;
        click(
            &b,
            "main form[action='/admin/calendar'] button[type='submit']",
        )
        .await;
        wait_for_text(&b, "day-error").await;
        b.check_page().await;
        b.goto(&app.url("/admin/calendar/remove?day=2026-12-25"))
            .await;
        b.check_page().await;
        b.goto(&app.url("/admin/settings")).await;
        b.check_page().await;
        fill(&b, "coverage", "lots").await;
        click(
            &b,
            "main form[action='/admin/settings'] button[type='submit']",
        )
        .await;
        wait_for_text(&b, "coverage-error").await;
        b.check_page().await;
        b.goto(&app.url("/review/register/KRSC-2026-0001/status"))
            .await;
        b.check_page().await;
        click(&b, "main form button[type='submit']").await;
        wait_for_text(&b, "reason-error").await;
        b.check_page().await;
    }
    b.close().await;
}
