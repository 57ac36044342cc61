//! Error pages: styled, in the user's language, and silent about internals.

use actix_web::web;
use stablereg::error::AppError;

use crate::support::harness::{TestConfig, spawn_app, spawn_app_with};

#[tokio::test]
async fn an_unknown_page_is_a_styled_404_in_both_languages() {
    let app = spawn_app().await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status(), 404);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let body = res.text().await.unwrap();
    assert!(body.contains("페이지를 찾을 수 없습니다"));
    assert!(
        body.contains("krds"),
        "the error page uses the portal layout"
    );
    let body = app.get("/no/such/page?lang=en").await.text().await.unwrap();
    assert!(body.contains("Page not found"));
}

#[tokio::test]
async fn a_missing_static_file_is_a_styled_404() {
    let app = spawn_app().await;
    let res = app.get("/static/0/css/nothing.css").await;
    assert_eq!(res.status(), 404);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("페이지를 찾을 수 없습니다")
    );
}

fn boom(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/test/boom",
        web::get().to(|| async {
            Err::<String, _>(AppError::Internal(anyhow::anyhow!(
                "SELECT secret FROM vault WHERE password = 'hunter2'"
            )))
        }),
    )
    .route(
        "/test/conflict",
        web::get().to(|| async { Err::<String, _>(AppError::Conflict) }),
    )
    .route(
        "/test/forbidden",
        web::get().to(|| async { Err::<String, _>(AppError::Forbidden) }),
    );
}

#[tokio::test]
async fn an_internal_error_shows_a_request_id_and_nothing_internal() {
    let app = spawn_app_with(TestConfig {
        extra_routes: boom,
        ..TestConfig::default()
    })
    .await;
    let res = app.get("/test/boom?lang=en").await;
    assert_eq!(res.status(), 500);
    let body = res.text().await.unwrap();
    assert!(body.contains("Something went wrong"));
    assert!(!body.contains("SELECT") && !body.contains("hunter2") && !body.contains("vault"));
    let id = body
        .split("<code>")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .expect("the page shows a request id");
    assert_eq!(id.len(), 36, "a UUID request id: {id}");
}

#[tokio::test]
async fn conflict_and_forbidden_pages_are_styled_in_both_languages() {
    let app = spawn_app_with(TestConfig {
        extra_routes: boom,
        ..TestConfig::default()
    })
    .await;
    let res = app.get("/test/conflict").await;
    assert_eq!(res.status(), 409);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("다른 변경과 충돌했습니다")
    );
    let res = app.get("/test/forbidden?lang=en").await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("You do not have access"));
}

/// Sends `target` as the request line says it, byte for byte: an HTTP client would tidy it first
/// (a `\` made `/`, tabs dropped, `/./` resolved), which is what a browser does but not what a
/// scripted probe does. Returns the body, or "" when the server refused the request line.
async fn raw_get(app: &crate::support::harness::TestApp, target: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response);
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default()
}

/// An attribute's value as a browser reads it: entities decoded, tabs and line breaks dropped,
/// leading blanks ignored.
fn as_browser_reads(value: &str) -> String {
    let mut decoded = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                decoded.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                decoded.push('&');
                rest = &rest[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .trim_start_matches(|c: char| c.is_ascii_control() || c == ' ')
        .to_owned()
}

/// Every `href` and `action` of a page.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in [" href=\"", " action=\""] {
        for piece in html.split(attribute).skip(1) {
            found.push(as_browser_reads(piece.split('"').next().unwrap_or("")));
        }
    }
    found
}

/// Whether a link stays on the portal: a path (one `/`, then neither `/` nor `\`), a place on the
/// same page, or a full URL of the portal's own origin.
fn stays_on_site(link: &str, origin: &str) -> bool {
    let mut chars = link.chars();
    match (chars.next(), chars.next()) {
        (Some('/'), None) | (Some('#'), _) => true,
        (Some('/'), Some(second)) => second != '/' && second != '\\',
        _ => link.starts_with(&format!("{origin}/")),
    }
}

#[tokio::test]
async fn error_pages_link_only_to_the_portal_whatever_the_path() {
    let app = spawn_app().await;
    let origin = app.settings.url("/").trim_end_matches('/').to_owned();
    let probes = [
        "//evil.example/x",
        "//evil.example/x?lang=en&notice=saved",
        "/\\evil.example/x",
        "/\\/evil.example",
        "/%2F%2Fevil.example",
        "/%5C%5Cevil.example",
        "/./evil",
        "/.//evil.example",
        "/x/..//evil.example",
        "/%09/evil.example",
        "/\t/evil.example",
        "/\t\\evil.example",
        "///evil.example/x",
    ];
    let mut pages = 0;
    for probe in probes {
        let body = raw_get(&app, probe).await;
        let found = links(&body);
        if body.contains("<html") {
            pages += 1;
            assert!(
                found.iter().any(|l| l.contains("lang=")),
                "{probe:?}: the page has its language switch: {found:?}"
            );
        }
        for link in found {
            assert!(
                stays_on_site(&link, &origin),
                "{probe:?} gave a page linking off the site: {link:?}"
            );
        }
    }
    assert!(pages >= 10, "the probes reached the portal's pages");
}
