//! The SECURITY.md "headers" row, on every route: pages, probes, static files and error pages.

use reqwest::header::HeaderMap;

use stablereg::domain::Role;

use crate::support::harness::{TestConfig, spawn_app, spawn_app_with};

/// Every route the portal has, with an example of each kind of response. Later issues add theirs.
const ROUTES: &[&str] = &[
    "/",
    "/?lang=en",
    "/healthz",
    "/readyz",
    "/no/such/page",
    "/static/0/css/app.css",
];

fn assert_security_headers(path: &str, h: &HeaderMap) {
    let csp = h
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{path}: no CSP"))
        .to_str()
        .unwrap();
    for directive in [
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ] {
        assert!(
            csp.contains(directive),
            "{path}: CSP lacks {directive}: {csp}"
        );
    }
    assert!(
        !csp.contains("unsafe-inline"),
        "{path}: CSP allows inline code"
    );
    assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
    assert_eq!(
        h["referrer-policy"], "strict-origin-when-cross-origin",
        "{path}"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ROUTES {
        let res = app.get(path).await;
        let h = res.headers();
        assert_security_headers(path, h);
        let cache = h["cache-control"].to_str().unwrap();
        if path.starts_with("/static/") {
            assert!(cache.contains("immutable"), "{path}: {cache}");
        } else {
            assert_eq!(cache, "no-store", "{path}");
        }
        assert!(
            h.get("strict-transport-security").is_none(),
            "{path}: HSTS over plain http"
        );
    }
}

#[tokio::test]
async fn hsts_is_sent_when_the_portal_is_served_over_https() {
    let mut config = TestConfig::default();
    config
        .env
        .insert("BASE_URL", "https://stablereg.example".into());
    let app = spawn_app_with(config).await;
    for path in ROUTES {
        let res = app.get(path).await;
        assert_security_headers(path, res.headers());
        let hsts = res
            .headers()
            .get("strict-transport-security")
            .unwrap_or_else(|| panic!("{path}: no HSTS"));
        assert!(hsts.to_str().unwrap().starts_with("max-age="), "{path}");
    }
    let res = app.get("/?lang=en").await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("Secure"),
        "cookies are Secure over https: {cookie}"
    );
}

/// The `lang` cookie set by a language switch, on a page, a form and an error page.
async fn lang_cookies(base_url: &str) -> Vec<String> {
    let mut config = TestConfig::default();
    config.env.insert("BASE_URL", base_url.into());
    let app = spawn_app_with(config).await;
    let mut cookies = Vec::new();
    for path in ["/?lang=en", "/login?lang=en", "/no-such-page?lang=en"] {
        let res = app
            .visitor()
            .client
            .get(app.url(path))
            .send()
            .await
            .unwrap();
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|c| c.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("lang="))
            .unwrap_or_else(|| panic!("{path}: no lang cookie"));
        cookies.push(cookie);
    }
    cookies
}

#[tokio::test]
async fn the_lang_cookie_is_secure_over_https_only() {
    for cookie in lang_cookies("https://stablereg.example").await {
        assert!(
            cookie.contains("; Secure") && cookie.contains("HttpOnly"),
            "{cookie}"
        );
    }
    for cookie in lang_cookies("http://127.0.0.1:8080").await {
        assert!(!cookie.contains("Secure"), "{cookie}");
    }
}

/// The public register's downloads and feed, the same for everyone, may be kept a minute (so that
/// a change shows within it); every other page is never stored.
fn cache_control(path: &str) -> &'static str {
    match path {
        "/register.csv" | "/register.json" | "/register/feed.atom" => "public, max-age=60",
        _ => "no-store",
    }
}

/// Every GET route of the route table, with its parameters filled in.
fn table_paths(user: uuid::Uuid, institution: uuid::Uuid) -> Vec<String> {
    stablereg::web::ROUTES
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| {
            let id = if r.path.contains("institutions") {
                institution
            } else {
                user
            };
            r.path
                .replace("{id}", &id.to_string())
                .replace("{token}", "not-a-real-token")
        })
        .collect()
}

#[tokio::test]
async fn every_page_of_the_route_table_carries_them_signed_out_and_signed_in() {
    let app = spawn_app().await;
    let issuer = app.create_issuer_admin("한빛").await;
    let admin = app.create_account(Role::Admin, None, false).await;
    let paths = table_paths(issuer.id, issuer.institution.unwrap());
    assert!(paths.len() > 20, "the table has its routes");
    for path in &paths {
        let res = app.get(path).await;
        assert_security_headers(path, res.headers());
        assert_eq!(
            res.headers()["cache-control"],
            cache_control(path),
            "{path}"
        );
    }
    for account in [&issuer, &admin] {
        app.sign_in(account).await;
        for path in &paths {
            let res = app.get(path).await;
            assert_security_headers(path, res.headers());
            assert_eq!(
                res.headers()["cache-control"],
                cache_control(path),
                "{path} signed in: never cached"
            );
        }
    }
}
