//! Uploads cut off at random points: the request says how long its body is, then the connection
//! closes part-way through. Afterwards no document row names a missing or partial object, and
//! after the worker's sweep no temporary file remains and every stored object is named by a row.

use std::time::Duration;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use futures_util::TryStreamExt;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::Browser;
use crate::support::documents::{multipart, multipart_type, pdf};
use crate::support::harness::{TestApp, spawn_app};

/// Sends `body` to `path` announcing all of it, but closes the connection after `cut` bytes.
async fn send_cut(app: &TestApp, cookie: &str, path: &str, body: &[u8], cut: usize) {
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nContent-Type: {}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        multipart_type(),
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server may already have answered (and closed) when the body is refused early.
    let _ = stream.write_all(&body[..cut]).await;
    let _ = stream.flush().await;
    tokio::time::sleep(Duration::from_millis(30)).await;
    drop(stream);
}

/// Every document row: its stored object's key, size and SHA-256.
async fn rows(app: &TestApp) -> Vec<(String, i64, String)> {
    use stablereg::db::schema::documents::dsl::*;
    let mut conn = app.db().await;
    documents
        .select((storage_key, size_bytes, sha256))
        .load(&mut conn)
        .await
        .unwrap()
}

/// Every row names an object that is there, whole: its size and its SHA-256 as recorded.
async fn assert_rows_name_whole_objects(app: &TestApp) {
    let storage = app.storage();
    for (stored_key, size, hash) in rows(app).await {
        let key = stablereg::storage::ObjectKey::content_addressed(&hash).unwrap();
        let download = storage
            .get(&key)
            .await
            .unwrap_or_else(|e| panic!("{key} is missing: {e}"));
        let bytes: Vec<bytes::Bytes> = download.stream.try_collect().await.unwrap();
        let bytes = bytes.concat();
        assert_eq!(bytes.len() as i64, size, "{key} is whole");
        assert_eq!(hex::encode(Sha256::digest(&bytes)), hash, "{key} is whole");
        assert_eq!(
            key.as_str(),
            stored_key,
            "a row names its object by its hash"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_cut_anywhere_leave_no_row_naming_a_partial_file_and_the_sweep_clears_the_rest() {
    let app = spawn_app().await;
    let member = app.create_issuer_admin("한빛").await;
    let application = app
        .create_application(member.institution.unwrap(), member.id)
        .await;
    let browser = Browser::new();
    browser.sign_in(&app.address, &member).await;
    let path = format!("/applications/{application}/documents/business_plan");
    let token = browser.token(&app.url(&path)).await;
    let cookie = browser.cookie_header(&app.address);

    let seed: u64 = rand::rng().random();
    eprintln!("cut points from seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let file = pdf(400 * 1024);
    let body = multipart(
        &[("csrf_token", &token), ("subject", "")],
        Some(("계획.pdf", &file)),
    );
    // Where the file's bytes start and end in the body.
    let file_start = body.windows(9).position(|w| w == b"%PDF-1.7\n").unwrap();
    let file_end = file_start + file.len();
    let mut cuts = vec![
        0,
        file_start / 2,
        file_start + 3,
        file_end - 1,
        file_end,
        body.len() - 1,
    ];
    cuts.extend((0..8).map(|_| rng.random_range(file_start..file_end)));
    for cut in cuts {
        send_cut(&app, &cookie, &path, &body, cut).await;
        assert_rows_name_whole_objects(&app).await;
    }
    // A complete upload still goes through after all that.
    let res = browser
        .client
        .post(app.url(&path))
        .header("content-type", multipart_type())
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(!rows(&app).await.is_empty());
    assert_rows_name_whole_objects(&app).await;

    let mut conn = app.db().await;
    let swept = stablereg::jobs::sweep::files(
        &mut conn,
        &app.storage(),
        &app.settings.upload_dir(),
        Duration::ZERO,
    )
    .await
    .unwrap();
    eprintln!("swept {swept:?}");
    assert!(
        app.temporary_files().is_empty(),
        "{:?}",
        app.temporary_files()
    );
    let named: Vec<String> = rows(&app).await.into_iter().map(|(k, _, _)| k).collect();
    let files_root = app.data_dir.path().join("files");
    for stored in app.stored_files() {
        let key = stored.strip_prefix(&files_root).unwrap().to_string_lossy();
        assert!(named.iter().any(|n| *n == key), "{key} is named by a row");
    }
    assert_rows_name_whole_objects(&app).await;
}
