//! The whole register's CSV and JSON are built once per change of the register and kept: each
//! answer carries the register's generation as its ETag, a reader holding it gets a 304, and a
//! publication, a change of status or an attestation shows in the very next download.

use diesel_async::SimpleAsyncConnection;
use reqwest::StatusCode;
use stablereg::domain::Role;
use stablereg::domain::reference::RegistrationNumber;

use super::fixture::{EVM_ADDRESS, app_with_hanul, publish};
use crate::support::harness::TestApp;

/// A download: its ETag and its body.
async fn download(app: &TestApp, path: &str) -> (String, String) {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(res.headers()["cache-control"], "public, max-age=60");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    (etag, res.text().await.unwrap())
}

/// The JSON's entry `number`.
fn entry<'a>(json: &'a serde_json::Value, number: &str) -> &'a serde_json::Value {
    json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["registration_number"] == number)
        .unwrap_or_else(|| panic!("{number} in {json}"))
}

/// The CSV's row of `number` (its first chain).
fn row(csv: &str, number: &str) -> csv::StringRecord {
    csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == number)
        .unwrap_or_else(|| panic!("{number} in {csv}"))
}

async fn not_modified(app: &TestApp, path: &str, etag: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_reader_holding_the_register_gets_a_304_and_a_copy_is_kept_until_the_register_changes() {
    let app = app_with_hanul().await;
    let (csv_tag, _) = download(&app, "/register.csv").await;
    let (json_tag, first) = download(&app, "/register.json").await;
    assert_eq!(
        csv_tag, json_tag,
        "both are of the register's one generation"
    );
    assert!(csv_tag.starts_with('"') && csv_tag.len() > 20, "{csv_tag}");
    for path in ["/register.csv", "/register.json"] {
        let res = not_modified(&app, path, &csv_tag).await;
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(res.headers()["etag"], csv_tag.as_str());
        assert_eq!(res.headers()["cache-control"], "public, max-age=60");
        assert!(res.text().await.unwrap().is_empty());
        let other = not_modified(&app, path, "\"something-else\"").await;
        assert_eq!(other.status(), StatusCode::OK, "{path}");
    }
    // Kept: a second later the same copy, made when the first was asked for.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let (_, again) = download(&app, "/register.json").await;
    let made = |body: &str| {
        serde_json::from_str::<serde_json::Value>(body).unwrap()["generated_at"].clone()
    };
    assert_eq!(made(&again), made(&first), "built once, kept");
    // A filtered download is built for the request and has no ETag.
    let res = app.get("/register.csv?currency=KRW").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("etag").is_none());

    // A new issuer is in the next download of each, under a new ETag; the old one gets it all.
    publish(&app, "Dasol", "DUSD", "USD", &[("base", EVM_ADDRESS)], 2).await;
    let (tag, csv) = download(&app, "/register.csv").await;
    assert_ne!(tag, csv_tag);
    assert_eq!(row(&csv, "KRSC-2026-0002")[11].to_owned(), "DUSD");
    let (_, json) = download(&app, "/register.json").await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(entry(&json, "KRSC-2026-0002")["ticker"], "DUSD");
    let res = not_modified(&app, "/register.json", &csv_tag).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_change_of_status_and_an_attestation_show_in_the_next_download() {
    let app = app_with_hanul().await;
    let (before, _) = download(&app, "/register.csv").await;
    download(&app, "/register.json").await;

    // A suspension through the approver's form.
    let approver = app.create_account(Role::Approver, None, false).await;
    app.sign_in(&approver).await;
    let form = "/review/register/KRSC-2026-0001/status";
    let today = stablereg::services::review::clock::today().to_string();
    let fields = [
        ("status", "suspended"),
        ("reason", "Reserves below 100% for two months"),
        ("effective_on", today.as_str()),
    ];
    let res = app.submit(form, form, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (suspended, csv) = download(&app, "/register.csv").await;
    assert_ne!(suspended, before);
    assert_eq!(&row(&csv, "KRSC-2026-0001")[1], "suspended");
    let (_, json) = download(&app, "/register.json").await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let hanul = entry(&json, "KRSC-2026-0001");
    assert_eq!(hanul["status"], "suspended");
    assert_eq!(
        hanul["history"][1]["note"],
        "Reserves below 100% for two months"
    );

    // An attestation changes the entry and writes no event: it changes the register all the same.
    let number = RegistrationNumber::new(2026, 1).unwrap();
    let on = "2026-10-31".parse().unwrap();
    let mut conn = app.db().await;
    let record = stablereg::services::register::record_attestation;
    assert!(record(&mut conn, &number, on, 10_235).await.unwrap());
    let (attested, csv) = download(&app, "/register.csv").await;
    assert_ne!(attested, suspended);
    let hanul = row(&csv, "KRSC-2026-0001");
    assert_eq!((&hanul[18], &hanul[19]), ("2026-10-31", "102.35"));
    let (_, json) = download(&app, "/register.json").await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let hanul = entry(&json, "KRSC-2026-0001");
    assert_eq!(hanul["latest_coverage_percent"], "102.35");
}

/// A change whose transaction began before another's but commits after it still changes the
/// register: the time of a change (now(), taken when its transaction begins) could not tell it
/// from a copy made in between.
#[tokio::test]
async fn a_change_begun_before_a_later_one_still_shows() {
    let app = app_with_hanul().await;
    publish(&app, "Dasol", "DUSD", "USD", &[("base", EVM_ADDRESS)], 2).await;
    let record = stablereg::services::register::record_attestation;
    let on = "2026-10-31".parse::<chrono::NaiveDate>().unwrap();
    let mut slow = app.db().await;
    slow.batch_execute("BEGIN; SELECT now();").await.unwrap();
    // Meanwhile another attestation commits, and the register is downloaded.
    let mut quick = app.db().await;
    let other = RegistrationNumber::new(2026, 2).unwrap();
    assert!(record(&mut quick, &other, on, 9_950).await.unwrap());
    let (between, csv) = download(&app, "/register.csv").await;
    assert_eq!(&row(&csv, "KRSC-2026-0002")[19], "99.50");
    // The slow one writes and commits: its entry's updated_at is older than the other's.
    let number = RegistrationNumber::new(2026, 1).unwrap();
    assert!(record(&mut slow, &number, on, 10_235).await.unwrap());
    assert_eq!(
        &row(&download(&app, "/register.csv").await.1, "KRSC-2026-0001")[19],
        ""
    );
    slow.batch_execute("COMMIT").await.unwrap();
    let (after, csv) = download(&app, "/register.csv").await;
    assert_ne!(after, between);
    assert_eq!(&row(&csv, "KRSC-2026-0001")[19], "102.35");
}

#[tokio::test]
async fn a_reader_accepting_gzip_gets_the_kept_copy_gzipped_under_its_own_etag() {
    use std::io::Read;
    let app = app_with_hanul().await;
    for path in ["/register.csv", "/register.json"] {
        let (plain_tag, plain) = download(&app, path).await;
        let gzip = [("accept-encoding", "gzip, deflate, br")];
        let res = app.get_with(path, &gzip).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["content-encoding"], "gzip", "{path}");
        assert_eq!(res.headers()["vary"], "Accept-Encoding", "{path}");
        let tag = res.headers()["etag"].to_str().unwrap().to_owned();
        assert_ne!(tag, plain_tag, "a strong tag names one coding's bytes");
        let body = res.bytes().await.unwrap();
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_string(&mut unzipped)
            .expect("valid gzip");
        assert_eq!(unzipped, plain, "{path}: the same kept copy");
        let again = app
            .get_with(path, &[gzip[0], ("if-none-match", tag.as_str())])
            .await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.headers()["etag"], tag.as_str(), "{path}");
    }
}

#[tokio::test]
async fn a_reader_that_takes_only_brotli_is_never_sent_the_gzipped_copy() {
    let app = app_with_hanul().await;
    for accept in ["br", "br, gzip;q=0"] {
        let res = app
            .get_with("/register.csv", &[("accept-encoding", accept)])
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{accept}");
        let coding = res.headers().get("content-encoding");
        assert!(
            coding.is_none_or(|c| c != "gzip"),
            "{accept}: sent {coding:?}"
        );
    }
}
