//! The audit log as the admin reads it (issue 8, item 2): sentences in the reader's language with
//! the people and institutions linked, details as labelled values, the filters (action, actor,
//! object, Seoul date range), the raw view and the CSV download, which is itself recorded.

use reqwest::StatusCode;
use stablereg::domain::Role;

use crate::support::accounts::{Account, location};
use crate::support::harness::{TestApp, spawn_app};

/// An admin, signed in, who changed a reviewer's role and then deactivated them.
async fn history(app: &TestApp) -> (Account, Account) {
    let admin = app.create_account(Role::Admin, None, false).await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    app.sign_in(&admin).await;
    let token = app.token("/admin/users/new").await;
    let user = format!("/admin/users/{}", reviewer.id);
    let res = app
        .post(&format!("{user}/role"), &token, &[("role", "approver")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app.post(&format!("{user}/deactivate"), &token, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    (admin, reviewer)
}

/// The number of rows the page lists.
fn rows(html: &str) -> usize {
    let body = html.split("<tbody>").nth(1).unwrap_or_default();
    body.split("</tbody>")
        .next()
        .unwrap_or_default()
        .matches("<tr>")
        .count()
        - usize::from(html.contains("colspan="))
}

fn seoul_today() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Seoul)
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::test]
async fn each_row_is_a_sentence_in_the_readers_language_with_links_and_labelled_details() {
    let app = spawn_app().await;
    let (admin, reviewer) = history(&app).await;
    let (admin_link, reviewer_link) = (
        format!(r#"<a href="/admin/users/{}">Test admin</a>"#, admin.id),
        format!(
            r#"<a href="/admin/users/{}">Test reviewer</a>"#,
            reviewer.id
        ),
    );

    let en = app.page("/admin/audit?lang=en").await;
    assert!(
        en.contains(&format!(
            "{admin_link} deactivated the account of {reviewer_link}."
        )),
        "{en}"
    );
    assert!(en.contains(&format!(
        "{admin_link} changed the role of {reviewer_link}."
    )));
    assert!(en.contains("<dt>From</dt><dd>Reviewer</dd>"), "{en}");
    assert!(en.contains("<dt>To</dt><dd>Approver</dd>"));
    assert!(
        en.contains(">Account deactivated</option>"),
        "the filter names actions"
    );
    assert!(en.contains(" KST"), "times are Seoul's");
    for raw in ["user.deactivated<", "{&#34;"] {
        assert!(
            !en.contains(raw),
            "no raw code or JSON in the readable view: {raw}"
        );
    }

    let ko = app.page("/admin/audit?lang=ko").await;
    assert!(
        ko.contains(&format!(
            "{admin_link}(이)가 {reviewer_link} 계정을 비활성화했습니다."
        )),
        "{ko}"
    );
    assert!(ko.contains("<dt>변경 전</dt><dd>심사자</dd>"));
    assert!(ko.contains("<dt>변경 후</dt><dd>승인권자</dd>"));
    assert!(ko.contains(">계정 비활성화</option>"));
}

#[tokio::test]
async fn the_filters_narrow_the_rows_each_and_together() {
    let app = spawn_app().await;
    let (admin, reviewer) = history(&app).await;
    let all = rows(&app.page("/admin/audit").await);
    assert!(
        all >= 4,
        "two sign-in steps, the role change and the deactivation: {all}"
    );

    let deactivated = app
        .page("/admin/audit?lang=en&action=user.deactivated")
        .await;
    assert_eq!(rows(&deactivated), 1);
    assert!(deactivated.contains("deactivated the account of"));
    assert!(deactivated.contains(r#"<option value="user.deactivated" selected>"#));

    // The actor by part of their name or of their email, in any case.
    let by_name = app.page("/admin/audit?actor=test+ADMIN").await;
    assert_eq!(rows(&by_name), all, "every row so far is the admin's");
    let by_email = app
        .page(&format!("/admin/audit?actor={}", &admin.email[..12]))
        .await;
    assert_eq!(rows(&by_email), all);
    assert_eq!(rows(&app.page("/admin/audit?actor=nobody-here").await), 0);

    let object = app
        .page(&format!("/admin/audit?object={}", reviewer.id))
        .await;
    assert_eq!(rows(&object), 2, "the role change and the deactivation");
    let together = app
        .page(&format!(
            "/admin/audit?object={}&action=user.role_changed&actor=Test",
            reviewer.id
        ))
        .await;
    assert_eq!(rows(&together), 1);

    let today = seoul_today();
    let range = app
        .page(&format!("/admin/audit?from={today}&to={today}"))
        .await;
    assert_eq!(rows(&range), all, "both days are included, in Seoul time");
    assert_eq!(rows(&app.page("/admin/audit?to=2000-01-01").await), 0);
    assert_eq!(rows(&app.page("/admin/audit?from=2999-01-01").await), 0);
}

#[tokio::test]
async fn a_bad_date_is_named_at_its_field_and_the_other_values_stay() {
    let app = spawn_app().await;
    history(&app).await;
    let res = app
        .get("/admin/audit?lang=en&actor=kim&action=user.deactivated&from=2026-02-30&to=2026-03-01")
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(r#"<p class="form-hint-invalid" id="from-error">Enter a date as YYYY-MM-DD"#),
        "{html}"
    );
    assert!(
        html.contains(r##"<a href="#from">"##),
        "the summary links to the field"
    );
    assert!(html.contains(r#"value="kim""#) && html.contains(r#"value="2026-03-01""#));
    assert!(html.contains(r#"<option value="user.deactivated" selected>"#));
    assert!(
        !html.contains("<tbody>"),
        "no rows for a filter that cannot be read"
    );

    let res = app
        .get("/admin/audit?lang=en&from=2026-03-02&to=2026-03-01")
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("The end date must be on or after the start date.")
    );
}

#[tokio::test]
async fn the_raw_view_shows_codes_ids_and_json() {
    let app = spawn_app().await;
    let (admin, reviewer) = history(&app).await;
    let raw = app
        .page(&format!("/admin/audit?view=raw&object={}", reviewer.id))
        .await;
    assert!(raw.contains("<code>user.deactivated</code>"), "{raw}");
    assert!(raw.contains(&format!("<code>{}</code>", reviewer.id)));
    assert!(raw.contains(&format!("<code>{}</code> {}", admin.id, admin.email)));
    assert!(raw.contains("{&#34;from&#34;:&#34;reviewer&#34;,&#34;to&#34;:&#34;approver&#34;}"));
    assert!(
        raw.contains(r#"<input type="hidden" name="view" value="raw">"#),
        "filtering keeps the view"
    );
    assert!(
        raw.contains(&format!(r#"href="/admin/audit?object={}""#, reviewer.id)),
        "a link back to the sentences with the same filter"
    );
}

#[tokio::test]
async fn the_csv_holds_the_filtered_rows_and_its_download_is_recorded() {
    let app = spawn_app().await;
    let (admin, reviewer) = history(&app).await;
    let res = app
        .get(&format!(
            "/admin/audit.csv?object={}&action=user.deactivated",
            reviewer.id
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let header = |name: &str| res.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        header("content-disposition"),
        r#"attachment; filename="audit-log.csv""#
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    let body = res.text().await.unwrap();
    let body = body
        .strip_prefix('\u{FEFF}')
        .expect("a byte order mark for spreadsheets");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[0],
        "seq,occurred_at,actor_id,actor_email,action,object_type,object_id,client_addr,details,hash"
    );
    assert_eq!(lines.len(), 2, "the one deactivation: {body}");
    let cells: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(cells[2], admin.id.to_string());
    assert_eq!(cells[3], admin.email);
    assert_eq!(cells[4], "user.deactivated");
    assert_eq!(cells[5], "user");
    assert_eq!(cells[6], reviewer.id.to_string());
    assert!(
        cells[1].ends_with('Z') && cells[1].contains('T'),
        "ISO 8601 UTC: {}",
        cells[1]
    );
    assert_eq!(cells[8], "{}");
    assert_eq!(cells[9].len(), 64, "the hash in hex");

    assert_eq!(app.audit_actions().await.last().unwrap(), "audit.exported");
    let page = app.page("/admin/audit?lang=en&action=audit.exported").await;
    assert!(page.contains("downloaded the audit log as CSV."), "{page}");
    assert!(
        page.contains("<dt>Object</dt>"),
        "the filters of the download are its details"
    );

    // Anyone else: the route table's answer (sign in first; other roles refused).
    let reviewer2 = app.create_account(Role::Reviewer, None, false).await;
    let other = app.visitor();
    let res = other.get("/admin/audit.csv").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login"));
    other.sign_in(&reviewer2).await;
    assert_eq!(
        other.get("/admin/audit.csv").await.status(),
        StatusCode::FORBIDDEN
    );
}
