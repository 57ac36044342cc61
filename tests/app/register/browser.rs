//! The register's pages and the admin's calendar and settings in a real browser, in Korean and in
//! English: the register, an issuer's entry, the lookup asked through its form (a registered token
//! and an unlisted one), and signed in as an admin the calendar (with a form sent back), a removal's
//! confirmation, the settings (with an error) and the status page. Each is checked with axe-core at
//! both widths, for sideways scrolling, and with the Nu HTML Checker.

use stablereg::domain::Role;
use stablereg::i18n::Lang;

use super::fixture::{EVM_ADDRESS, SOLANA_MINT, publish};
use crate::support::browser::Browser;
use crate::support::harness::spawn_app;

const UNLISTED: &str = "0xdac17f958d2ee523a2206206994597c13d831ec7";

/// Waits until the page shown holds `text`: a form answered on its own path leaves the browser
/// there, so the path alone does not say the answer has arrived.
async fn wait_for_text(b: &Browser, text: &str) {
    b.wait_for(text, || async {
        b.client
            .source()
            .await
            .is_ok_and(|source| source.contains(text))
    })
    .await;
}

/// Waits until the browser is on `path`.
async fn wait_for_path(b: &Browser, path: &str) {
    b.wait_for(path, || async {
        b.current_path().await.split('?').next() == Some(path)
    })
    .await;
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
        b.click("a[href='/register/KRSC-2026-0001']").await;
        wait_for_path(&b, "/register/KRSC-2026-0001").await;
        b.check_page().await;
        b.goto(&app.url("/register/lookup")).await;
        b.check_page().await;
        for (address, answer) in [
            (EVM_ADDRESS, "KRSC-2026-0001"),
            (UNLISTED, "answer-heading"),
        ] {
            b.click("#chain option[value='ethereum']").await;
            b.fill("address", address).await;
            b.click("main form button[type='submit']").await;
            wait_for_text(&b, &format!("value=\"{address}\"")).await;
            assert!(b.client.source().await.unwrap().contains(answer));
            b.check_page().await;
        }
    }

    b.sign_in(&app, &admin, Lang::Ko).await;
    for lang in ["ko", "en"] {
        b.goto(&app.url(&format!("/admin/calendar?year=2026&lang={lang}")))
            .await;
        b.check_page().await;
        b.click("main form[action='/admin/calendar'] button[type='submit']")
            .await;
        wait_for_text(&b, "day-error").await;
        b.check_page().await;
        b.goto(&app.url("/admin/calendar/remove?day=2026-12-25"))
            .await;
        b.check_page().await;
        b.goto(&app.url("/admin/settings")).await;
        b.check_page().await;
        b.fill("coverage", "lots").await;
        b.click("main form[action='/admin/settings'] button[type='submit']")
            .await;
        wait_for_text(&b, "coverage-error").await;
        b.check_page().await;
        b.goto(&app.url("/review/register/KRSC-2026-0001/status"))
            .await;
        b.check_page().await;
        b.click("main form button[type='submit']").await;
        wait_for_text(&b, "reason-error").await;
        b.check_page().await;
    }
    b.close().await;
}
