//! The register's page reads one page in SQL: with and without a search and its filters, the pages
//! list the same entries in the same order (date of registration, then number) as the whole
//! register read in that order, with their deployments, the count found and the number of pages.

use super::fixture::{EVM_ADDRESS, publish};
use crate::support::harness::{TestApp, spawn_app};

/// 120 entries besides the two published through the service: registered on 40 days (so that
/// many share a date, in an order that is not their numbers'), every 7th suspended, every 3rd in
/// USD, every 4th also on Polygon, every 5th named "Gamma".
async fn seed(app: &TestApp) {
    publish(app, "Hanul", "HKRW", "KRW", &[("ethereum", EVM_ADDRESS)], 1).await;
    publish(app, "Dasol", "DUSD", "USD", &[("base", EVM_ADDRESS)], 2).await;
    app.sql(
        "INSERT INTO applications (id, institution_id, state, reference, created_by)
         SELECT md5('paging-' || i)::uuid, a.institution_id, 'approved',
                'APP-2024-' || lpad(i::text, 6, '0'), a.created_by
           FROM register_entries e JOIN applications a ON a.id = e.application_id,
                generate_series(3, 122) AS i
          WHERE e.registration_number = 'KRSC-2026-0001'",
    )
    .await;
    app.sql(
        "INSERT INTO register_entries (registration_number, application_id, institution_id,
             legal_name_ko, legal_name_en, business_registration_number, address, website,
             token_name, ticker, reference_currency, white_paper_url, white_paper_version,
             registered_on, status, status_since)
         SELECT 'KRSC-2026-' || lpad(i::text, 4, '0'), md5('paging-' || i)::uuid,
                e.institution_id,
                CASE WHEN i % 5 = 0 THEN '감마 ' ELSE '알파 ' END || i,
                CASE WHEN i % 5 = 0 THEN 'Gamma ' ELSE 'Alpha ' END || i || ' Co., Ltd.',
                '1248100998', 'Seoul', 'https://example.kr', 'Token ' || i, 'TK' || i,
                CASE WHEN i % 3 = 0 THEN 'USD' ELSE 'KRW' END,
                'https://example.kr/wp.pdf', '1.0',
                date '2026-01-01' + (i * 17) % 40,
                CASE WHEN i % 7 = 0 THEN 'suspended' ELSE 'registered' END,
                date '2026-01-01'
           FROM register_entries e, generate_series(3, 122) AS i
          WHERE e.registration_number = 'KRSC-2026-0001'",
    )
    .await;
    app.sql(
        "INSERT INTO register_deployments (registration_number, chain, contract_address)
         SELECT 'KRSC-2026-' || lpad(i::text, 4, '0'), 'ethereum', '0x' || md5('eth' || i)
           FROM generate_series(3, 122) AS i
         UNION ALL
         SELECT 'KRSC-2026-' || lpad(i::text, 4, '0'), 'polygon', '0x' || md5('pol' || i)
           FROM generate_series(3, 122) AS i WHERE i % 4 = 0",
    )
    .await;
}

/// The entries a page lists, in order, each with the chains shown for it.
fn rows_on(page: &str) -> Vec<(String, String)> {
    page.split("<tr>")
        .filter(|row| row.contains("href=\"/register/KRSC-"))
        .map(|row| {
            let at = row.find("href=\"/register/").unwrap() + 16;
            let number = row[at..at + 14].to_owned();
            let chains = row.split("<td").nth(4).unwrap();
            let chains = &chains[chains.find('>').unwrap() + 1..chains.find("</td>").unwrap()];
            (number, chains.to_owned())
        })
        .collect()
}

/// What the register holds for `condition`, in its order, read here without the portal's code:
/// each entry's number and its chains as the page names them.
async fn expected(app: &TestApp, condition: &str) -> Vec<(String, String)> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        number: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        chains: String,
    }
    let query = format!(
        "SELECT e.registration_number AS number,
                coalesce((SELECT string_agg(initcap(d.chain), ', ' ORDER BY d.chain, d.contract_address)
                            FROM register_deployments d
                           WHERE d.registration_number = e.registration_number), '') AS chains
           FROM register_entries e WHERE {condition}
          ORDER BY e.registered_on, e.registration_number"
    );
    let mut conn = app.db().await;
    let rows: Vec<Row> = diesel_async::RunQueryDsl::load(diesel::sql_query(query), &mut conn)
        .await
        .unwrap();
    rows.into_iter().map(|r| (r.number, r.chains)).collect()
}

#[tokio::test]
async fn pages_read_in_sql_list_what_the_whole_register_lists_in_its_order() {
    let app = spawn_app().await;
    seed(&app).await;
    let visitor = app.visitor();
    for (query, condition) in [
        ("", "true"),
        ("status=suspended", "e.status = 'suspended'"),
        ("status=registered", "e.status = 'registered'"),
        ("currency=USD", "e.reference_currency = 'USD'"),
        (
            "chain=polygon",
            "EXISTS (SELECT 1 FROM register_deployments d WHERE d.registration_number = e.registration_number AND d.chain = 'polygon')",
        ),
        ("q=gamma", "e.legal_name_en ILIKE '%gamma%'"),
        (
            "q=alpha&status=registered&currency=KRW",
            "e.legal_name_en ILIKE '%alpha%' AND e.status = 'registered' AND e.reference_currency = 'KRW'",
        ),
        (
            "q=krsc-2026-0045",
            "e.registration_number = 'KRSC-2026-0045'",
        ),
        ("q=tk77", "e.ticker = 'TK77'"),
    ] {
        let want = expected(&app, condition).await;
        let pages = want.len().div_ceil(50).max(1);
        let mut listed = Vec::new();
        for page in 1..=pages {
            let html = visitor
                .page(&format!("/register?lang=en&{query}&page={page}"))
                .await;
            let caption = format!("Issuers found: {}", want.len());
            assert!(html.contains(&caption), "{query} page {page}: {caption}");
            if pages > 1 {
                let of = format!("page {page} of {pages}");
                assert!(html.contains(&of), "{query}: {of}");
            }
            listed.extend(rows_on(&html));
        }
        assert_eq!(listed, want, "{query}");
        // Past the last page: the last page.
        let past = visitor
            .page(&format!("/register?lang=en&{query}&page=999"))
            .await;
        let last = want.len().saturating_sub(1) / 50 * 50;
        assert_eq!(rows_on(&past), want[last..], "{query} past the end");
    }
    // The seeding gives the filters something to tell apart.
    assert_eq!(expected(&app, "true").await.len(), 122);
    assert!(expected(&app, "e.status = 'suspended'").await.len() > 10);
}
