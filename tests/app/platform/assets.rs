//! Static files over one kept-alive connection: the same bytes each time, in the coding asked for.

use std::io::Read;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;

use crate::support::harness::{TestApp, spawn_app};

/// An HTTP/1.1 connection of its own to the app: every request on it goes over the same socket.
async fn one_connection(app: &TestApp) -> SendRequest<Empty<Bytes>> {
    let host = app.address.trim_start_matches("http://");
    let stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    sender
}

async fn fetch(
    conn: &mut SendRequest<Empty<Bytes>>,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
) -> (Response<()>, Vec<u8>) {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1");
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    conn.ready().await.expect("the connection is still open");
    let res = conn
        .send_request(req.body(Empty::new()).unwrap())
        .await
        .expect("answered on the same connection");
    let (head, body) = res.into_parts();
    let body = body.collect().await.unwrap().to_bytes().to_vec();
    (Response::from_parts(head, ()), body)
}

fn header<'a>(res: &'a Response<()>, name: &str) -> Option<&'a str> {
    res.headers().get(name).map(|v| v.to_str().unwrap())
}

fn gunzip(body: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut plain)
        .expect("valid gzip");
    plain
}

fn unbrotli(body: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    brotli::Decompressor::new(body, 4096)
        .read_to_end(&mut plain)
        .expect("valid brotli");
    plain
}

async fn stylesheet_href(app: &TestApp) -> String {
    let home = app.get("/").await.text().await.unwrap();
    home.split('"')
        .find(|s| s.starts_with("/static/") && s.ends_with("/css/app.css"))
        .expect("a versioned stylesheet link")
        .to_owned()
}

#[tokio::test]
async fn an_asset_fetched_twice_on_one_connection_is_the_same_in_every_coding() {
    let app = spawn_app().await;
    let href = stylesheet_href(&app).await;
    let on_disk =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/static/css/app.css")).unwrap();
    let mut conn = one_connection(&app).await;

    type Decode = fn(&[u8]) -> Vec<u8>;
    let cases: [(&str, Option<&str>, Decode); 5] = [
        ("", None, |b| b.to_vec()),
        ("gzip", Some("gzip"), gunzip),
        ("br", Some("br"), unbrotli),
        ("gzip, deflate, br, zstd", Some("br"), unbrotli),
        ("deflate, br;q=0, gzip;q=0", None, |b| b.to_vec()),
    ];
    for (accept, coding, decode) in cases {
        let headers: &[(&str, &str)] = if accept.is_empty() {
            &[]
        } else {
            &[("accept-encoding", accept)]
        };
        let (first, first_body) = fetch(&mut conn, Method::GET, &href, headers).await;
        let (second, second_body) = fetch(&mut conn, Method::GET, &href, headers).await;
        for res in [&first, &second] {
            assert_eq!(res.status(), 200, "{accept}");
            assert_eq!(header(res, "content-encoding"), coding, "{accept}");
            assert_eq!(header(res, "vary"), Some("Accept-Encoding"), "{accept}");
            assert_eq!(
                header(res, "cache-control"),
                Some("public, max-age=31536000, immutable")
            );
            assert_eq!(header(res, "content-type"), Some("text/css; charset=utf-8"));
            assert_eq!(header(res, "x-content-type-options"), Some("nosniff"));
            assert!(header(res, "content-security-policy").is_some());
        }
        assert_eq!(first_body, second_body, "{accept}: the same bytes twice");
        assert_eq!(
            decode(&first_body),
            on_disk,
            "{accept}: decodes to the file"
        );
        if coding.is_some() {
            assert!(first_body.len() < on_disk.len(), "{accept}: compressed");
        }
    }
}

#[tokio::test]
async fn assets_answer_head_revalidation_and_fonts_as_they_are() {
    let app = spawn_app().await;
    let href = stylesheet_href(&app).await;
    let mut conn = one_connection(&app).await;
    let br = [("accept-encoding", "br")];

    let (res, body) = fetch(&mut conn, Method::GET, &href, &br).await;
    let etag = header(&res, "etag").expect("an entity tag").to_owned();
    let (head, head_body) = fetch(&mut conn, Method::HEAD, &href, &br).await;
    assert_eq!(head.status(), 200);
    assert!(head_body.is_empty(), "HEAD has no body");
    assert_eq!(
        header(&head, "content-length"),
        Some(body.len().to_string().as_str())
    );

    let if_none_match = [("accept-encoding", "br"), ("if-none-match", etag.as_str())];
    let (res, body) = fetch(&mut conn, Method::GET, &href, &if_none_match).await;
    assert_eq!(res.status(), 304, "the client has this coding already");
    assert!(body.is_empty());
    let other_coding = [
        ("accept-encoding", "gzip"),
        ("if-none-match", etag.as_str()),
    ];
    let (res, _) = fetch(&mut conn, Method::GET, &href, &other_coding).await;
    assert_eq!(res.status(), 200, "a gzip copy is another entity");

    let font = href.replace(
        "/css/app.css",
        "/vendor/krds/fonts/PretendardGOV-Regular.subset.woff2",
    );
    let (res, body) = fetch(
        &mut conn,
        Method::GET,
        &font,
        &[("accept-encoding", "gzip, br")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        header(&res, "content-encoding"),
        None,
        "a font is compressed already and is not compressed again"
    );
    assert_eq!(
        body,
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/static/vendor/krds/fonts/PretendardGOV-Regular.subset.woff2"
        ))
        .unwrap()
    );

    let hidden = href.replace("/css/app.css", "/vendor/.installed");
    let (res, _) = fetch(&mut conn, Method::GET, &hidden, &[]).await;
    assert_eq!(res.status(), 404, "hidden files are not served");
}
