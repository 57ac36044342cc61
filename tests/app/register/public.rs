//! What approval publishes is found by anyone: on the register's page by name, number and ticker
//! and through its filters, on the issuer's page, in the CSV (one row per chain, stable header)
//! and the JSON, by the lookup (EVM addresses in any case) and in the Atom feed; an address that
//! is not registered is said to be so, with the warning about imitations.

use reqwest::StatusCode;
use stablereg::domain::reference::RegistrationNumber;

use super::fixture::{
    EVM_ADDRESS, EVM_CHECKSUMMED, SOLANA_MINT, approve_and_publish, publish, save_register_sections,
};
use crate::support::harness::{TestApp, spawn_app};

/// Tether's address on Ethereum: valid, and on no one's entry here.
const UNLISTED: &str = "0xdac17f958d2ee523a2206206994597c13d831ec7";
const BASE_ADDRESS: &str = "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913";

const HEADER: &str = "registration_number,status,status_since,registered_on,legal_name_ko,\
legal_name_en,lei,business_registration_number,address,website,token_name,ticker,\
reference_currency,chain,contract_address,white_paper_url,white_paper_version,conditions,\
latest_attestation_on,latest_coverage_percent,updated_at";

fn today() -> String {
    stablereg::services::review::clock::today().to_string()
}

async fn two_issuers(app: &TestApp) {
    let rows = [
        ("ethereum", EVM_ADDRESS),
        ("polygon", EVM_CHECKSUMMED),
        ("solana", SOLANA_MINT),
    ];
    publish(app, "Hanul", "hkrw", "KRW", &rows, 1).await;
    publish(app, "Dasol", "DUSD", "USD", &[("base", BASE_ADDRESS)], 2).await;
}

/// The registration numbers a register page lists, in order.
fn numbers_on(page: &str) -> Vec<String> {
    page.match_indices("href=\"/register/KRSC-")
        .map(|(i, _)| page[i + 16..i + 30].to_owned())
        .collect()
}

#[tokio::test]
async fn the_register_page_finds_issuers_by_name_number_ticker_and_filters() {
    let app = spawn_app().await;
    two_issuers(&app).await;
    let all = app.page("/register").await;
    assert_eq!(numbers_on(&all), ["KRSC-2026-0001", "KRSC-2026-0002"]);
    assert!(
        all.contains("HKRW") && !all.contains("LATER"),
        "the submitted ticker only"
    );
    for (query, expected) in [
        ("q=hkrw", vec!["KRSC-2026-0001"]),
        ("q=krsc-2026-0002", vec!["KRSC-2026-0002"]),
        ("q=Hanul", vec!["KRSC-2026-0001"]),
        ("q=Dasol%20%EC%A3%BC%EC%8B%9D", vec!["KRSC-2026-0002"]),
        ("q=nobody", vec![]),
        ("chain=solana", vec!["KRSC-2026-0001"]),
        ("chain=base", vec!["KRSC-2026-0002"]),
        ("currency=USD", vec!["KRSC-2026-0002"]),
        ("status=registered&currency=KRW", vec!["KRSC-2026-0001"]),
        ("status=suspended", vec![]),
        (
            "chain=unknown&currency=EUR",
            vec!["KRSC-2026-0001", "KRSC-2026-0002"],
        ),
    ] {
        let page = app.page(&format!("/register?{query}")).await;
        assert_eq!(numbers_on(&page), expected, "{query}");
    }
    // The issuer's page: what was submitted, with the conditions and the first event.
    let entry = app.page("/register/KRSC-2026-0001?lang=en").await;
    for text in [
        "Hanul Co., Ltd.",
        "Hanul 주식회사",
        "124-81-00998",
        EVM_CHECKSUMMED,
        SOLANA_MINT,
        "Issuance cap KRW 1 trillion",
        "Registered",
        &today(),
    ] {
        assert!(entry.contains(text), "the entry shows {text}");
    }
    let korean = app.page("/register/krsc-2026-0001?lang=ko").await;
    assert!(korean.contains("상태 이력") && korean.contains("등록"));
    for missing in ["/register/KRSC-2026-0099", "/register/not-a-number"] {
        assert_eq!(
            app.get(missing).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

#[tokio::test]
async fn the_csv_has_its_stable_columns_and_one_row_per_chain() {
    let app = spawn_app().await;
    two_issuers(&app).await;
    let res = app.get("/register.csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(headers["cache-control"], "public, max-age=60");
    let body = res.text().await.unwrap();
    assert_eq!(
        body.lines().next(),
        Some(HEADER),
        "the header never changes"
    );
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let of = |number: &str| -> Vec<(String, String)> {
        rows.iter()
            .filter(|r| &r[0] == number)
            .map(|r| (r[13].to_owned(), r[14].to_owned()))
            .collect()
    };
    assert_eq!(
        of("KRSC-2026-0001"),
        [
            ("ethereum".to_owned(), EVM_CHECKSUMMED.to_owned()),
            ("polygon".to_owned(), EVM_CHECKSUMMED.to_owned()),
            ("solana".to_owned(), SOLANA_MINT.to_owned()),
        ],
        "a token on three chains is three rows, addresses in canonical form"
    );
    assert_eq!(of("KRSC-2026-0002").len(), 1);
    let first = &rows[0];
    assert_eq!(
        (&first[1], &first[2], &first[3]),
        ("registered", today().as_str(), today().as_str())
    );
    assert_eq!(
        (&first[7], &first[11], &first[12]),
        ("124-81-00998", "HKRW", "KRW")
    );
    assert_eq!(
        (&first[6], &first[19]),
        ("", ""),
        "no LEI, no attestation yet"
    );
    assert!(
        chrono::DateTime::parse_from_rfc3339(&first[20]).is_ok(),
        "updated_at"
    );
    // The page's filters apply to the download too.
    let usd = app
        .get("/register.csv?currency=USD")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(usd.lines().count(), 2, "{usd}");
}

#[tokio::test]
async fn the_json_holds_every_entry_with_its_deployments_and_history() {
    let app = spawn_app().await;
    two_issuers(&app).await;
    let res = app.get("/register.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let json: serde_json::Value = res.json().await.unwrap();
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let first = &entries[0];
    assert_eq!(first["registration_number"], "KRSC-2026-0001");
    assert_eq!(first["ticker"], "HKRW");
    assert_eq!(first["lei"], serde_json::Value::Null);
    assert_eq!(first["deployments"].as_array().unwrap().len(), 3);
    assert_eq!(first["deployments"][0]["contract_address"], EVM_CHECKSUMMED);
    assert_eq!(first["history"][0]["status"], "registered");
    assert_eq!(first["history"][0]["effective_on"], today());
    assert_eq!(first["registered_on"], today());
    assert!(
        first["url"]
            .as_str()
            .unwrap()
            .ends_with("/register/KRSC-2026-0001")
    );
    assert_eq!(entries[1]["reference_currency"], "USD");
}

#[tokio::test]
async fn the_lookup_finds_a_registered_token_in_any_case_and_warns_about_any_other() {
    let app = spawn_app().await;
    two_issuers(&app).await;
    let upper = format!("0x{}", EVM_ADDRESS[2..].to_uppercase());
    let found: serde_json::Value = app
        .get(&format!(
            "/register/lookup.json?chain=ethereum&address={upper}"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["registered"], true, "{found}");
    assert_eq!(found["issuers"][0]["registration_number"], "KRSC-2026-0001");
    assert_eq!(found["issuers"][0]["status"], "registered");
    assert_eq!(found["warning"], serde_json::Value::Null);
    // The same page, asked for JSON.
    let res = app
        .get_with(
            &format!("/register/lookup?chain=solana&address={SOLANA_MINT}"),
            &[("accept", "application/json")],
        )
        .await;
    let asked: serde_json::Value = res.json().await.unwrap();
    assert_eq!(asked["registered"], true);
    // Registered, but on another chain: not this token.
    for (chain, address) in [
        ("ethereum", UNLISTED),
        ("arbitrum", EVM_ADDRESS),
        ("base", EVM_ADDRESS),
    ] {
        let answer: serde_json::Value = app
            .get(&format!(
                "/register/lookup.json?chain={chain}&address={address}"
            ))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(answer["registered"], false, "{chain} {address}");
        assert_eq!(answer["valid_address"], true);
        assert!(
            answer["warning"]
                .as_str()
                .unwrap()
                .contains("not on the public register")
        );
    }
    let malformed: serde_json::Value = app
        .get("/register/lookup.json?chain=solana&address=0xnot-base58")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&malformed["registered"], &malformed["valid_address"]),
        (&false.into(), &false.into())
    );
    let res = app.get("/register/lookup.json?address=0x1").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "no chain");

    // As a page, in both languages.
    let page = app
        .page(&format!(
            "/register/lookup?chain=ethereum&address={EVM_ADDRESS}&lang=en"
        ))
        .await;
    assert!(page.contains("This token is on the register") && page.contains("KRSC-2026-0001"));
    let page = app
        .page(&format!(
            "/register/lookup?chain=ethereum&address={UNLISTED}&lang=en"
        ))
        .await;
    assert!(page.contains("This address is not on the register"));
    assert!(page.contains("Imitations copy registered issuers"));
    let page = app
        .page(&format!(
            "/register/lookup?chain=ethereum&address={UNLISTED}&lang=ko"
        ))
        .await;
    assert!(page.contains("등록부에 없는 주소입니다") && page.contains("모방 토큰"));
    let page = app
        .page("/register/lookup?chain=&address=0x1&lang=en")
        .await;
    assert!(
        page.contains("Choose one option."),
        "the missing chain is named"
    );
    let empty = app.page("/register/lookup").await;
    assert!(
        !empty.contains("answer-heading"),
        "no answer before a question"
    );
}

/// The names of the elements of `xml`, checking that it is well-formed.
fn elements(xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut names = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                names.push(e.name().into_inner().to_owned());
            }
            Event::Eof => return names,
            _ => {}
        }
    }
}

#[tokio::test]
async fn the_atom_feed_is_valid_and_lists_each_change_newest_first() {
    let app = spawn_app().await;
    let empty = app.get("/register/feed.atom").await;
    assert_eq!(
        empty.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let names = elements(&empty.text().await.unwrap());
    for required in ["feed", "id", "title", "updated", "author", "name", "link"] {
        assert!(
            names.iter().any(|n| n == required),
            "an empty feed has its {required}"
        );
    }
    two_issuers(&app).await;
    let xml = app.get("/register/feed.atom").await.text().await.unwrap();
    assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    let names = elements(&xml);
    assert_eq!(names.iter().filter(|n| *n == "entry").count(), 2);
    assert_eq!(names.iter().filter(|n| *n == "summary").count(), 2);
    let dasol = xml
        .find("Dasol Co., Ltd.")
        .expect("the second registration");
    let hanul = xml.find("Hanul Co., Ltd.").expect("the first registration");
    assert!(dasol < hanul, "newest first");
    assert!(xml.contains("/register/KRSC-2026-0002\"/>"));
}

#[tokio::test]
async fn the_latest_attestation_shows_and_an_older_one_does_not_replace_it() {
    let app = spawn_app().await;
    two_issuers(&app).await;
    let number = RegistrationNumber::new(2026, 1).unwrap();
    let mut conn = app.db().await;
    let on = |d: &str| d.parse::<chrono::NaiveDate>().unwrap();
    let record = stablereg::services::register::record_attestation;
    assert!(
        record(&mut conn, &number, on("2026-10-31"), 10_235)
            .await
            .unwrap()
    );
    assert!(
        !record(&mut conn, &number, on("2026-09-30"), 9_000)
            .await
            .unwrap()
    );
    let page = app.page("/register/KRSC-2026-0001?lang=en").await;
    assert!(
        page.contains("2026-10-31") && page.contains("102.35%"),
        "{page}"
    );
    let csv = app
        .get("/register.csv?q=KRSC-2026-0001")
        .await
        .text()
        .await
        .unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(row.contains(",2026-10-31,102.35,"), "{row}");
}

/// An issuer that corrected an answer at the regulator's request is registered as corrected: the
/// approval publishes the application as answered, not as first submitted.
#[tokio::test]
async fn an_issuer_is_registered_with_what_it_answered_to_a_request() {
    let app = spawn_app().await;
    let member = app.create_issuer_admin("Hanul").await;
    let application = app
        .create_application(member.institution.unwrap(), member.id)
        .await;
    save_register_sections(&app, application, "Hanul", "HKRW", member.id).await;
    app.sql(&format!(
        "INSERT INTO submissions (application_id, round, submitted_by, sections, documents) \
         VALUES ('{application}', 1, '{}', '{{\"institution\": 1, \"token\": 1}}', '{{}}')",
        member.id
    ))
    .await;
    // Asked about the English name, the issuer corrected it and sent the answers.
    app.sql(&format!(
        "INSERT INTO information_requests (id, application_id, phase, sent_by, sent_on, due_on, answered_on) \
         VALUES ('{}', '{application}', 'completeness', '{}', CURRENT_DATE, CURRENT_DATE + 14, CURRENT_DATE)",
        uuid::Uuid::now_v7(),
        member.id
    ))
    .await;
    let corrected = serde_json::json!({"values": {
        "legal_name_ko": "Hanul 주식회사",
        "legal_name_en": "Hanul Digital Assets Co., Ltd.",
        "business_registration_number": "124-81-00998",
        "head_office_address": "서울특별시 중구 세종대로 110",
    }});
    crate::application::save_section(
        &app,
        application,
        stablereg::domain::application::SectionKind::Institution,
        2,
        corrected,
        member.id,
    )
    .await;
    let published = approve_and_publish(&app, application, 1).await;
    let page = app
        .page(&format!("/register/{}?lang=en", published.number))
        .await;
    assert!(page.contains("Hanul Digital Assets Co., Ltd."), "{page}");
    assert!(!page.contains("Hanul Co., Ltd."), "{page}");
}

#[tokio::test]
async fn the_register_lists_fifty_issuers_a_page_and_keeps_the_search_across_pages() {
    let app = spawn_app().await;
    for n in 1..=51 {
        let name = format!("Issuer{n:02}");
        let rows = [("ethereum", EVM_ADDRESS)];
        publish(&app, &name, &format!("T{n:02}"), "KRW", &rows, n).await;
    }
    let visitor = app.visitor();
    let links = |page: &str| page.matches("href=\"/register/KRSC-").count();
    let first = visitor.page("/register?lang=en&chain=ethereum").await;
    assert!(first.contains("Issuers found: 51 · page 1 of 2"), "{first}");
    assert_eq!(links(&first), 50);
    assert!(first.contains(r#"href="/register?chain=ethereum&#38;page=2""#));
    assert!(!first.contains("Previous page"));

    let second = visitor
        .page("/register?lang=en&chain=ethereum&page=2")
        .await;
    assert_eq!(links(&second), 1);
    assert!(second.contains("page 2 of 2"));
    assert!(second.contains(r#"href="/register?chain=ethereum&#38;page=1""#));
    assert!(!second.contains("Next page"));
    // A page past the end is the last; one that is no number is the first.
    let past = visitor.page("/register?lang=en&page=99").await;
    assert!(past.contains("page 2 of 2"));
    let odd = visitor.page("/register?lang=en&page=abc").await;
    assert!(odd.contains("page 1 of 2"));
    let korean = visitor.page("/register?lang=ko").await;
    assert!(korean.contains("2쪽 중 1쪽"), "the pages in Korean too");
}
