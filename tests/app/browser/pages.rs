//! The home page and an error page in a real browser: KRDS applied, accessible, keyboard-usable.

use fantoccini::key::Key;

use crate::support::browser::Browser;
use crate::support::harness::spawn_app;

#[tokio::test]
async fn home_and_404_render_with_krds_and_pass_axe_in_both_languages() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    for (lang, heading, not_found) in [
        (
            "ko",
            "스테이블코인 발행인 등록",
            "페이지를 찾을 수 없습니다",
        ),
        ("en", "Stablecoin issuer registration", "Page not found"),
    ] {
        browser.goto(&app.url(&format!("/?lang={lang}"))).await;
        assert_eq!(browser.text_of("h1").await, heading);
        // KRDS's common.css sets the root font size to 62.5% and its component.css fixes the skip
        // link: both are visible only through computed styles when the stylesheets really load.
        assert_eq!(browser.computed_style("html", "font-size").await, "10px");
        assert_eq!(
            browser.computed_style("#krds-skip-link", "position").await,
            "fixed"
        );
        assert!(
            browser
                .computed_style("body", "font-family")
                .await
                .contains("Pretendard GOV")
        );
        browser.check_page().await;

        browser.goto(&app.url("/no/such/page")).await;
        assert_eq!(browser.text_of("h1").await, not_found);
        assert_eq!(browser.computed_style("html", "font-size").await, "10px");
        browser.check_page().await;
    }
    browser.close().await;
}

#[tokio::test]
async fn the_skip_link_moves_focus_to_the_main_content() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    browser.goto(&app.url("/")).await;
    browser.press(Key::Tab).await;
    let focused = browser.client.active_element().await.unwrap();
    assert_eq!(
        focused.attr("href").await.unwrap().as_deref(),
        Some("#main-content")
    );
    browser.press(Key::Enter).await;
    assert_eq!(browser.focused_id().await, "main-content");
    browser.close().await;
}
