//! Documents: the streamed upload and its refusals (each leaving no file and no row), the history of
//! versions with their hashes, and downloads with their headers, for whom they are meant.

use reqwest::{Response, StatusCode};
use stablereg::domain::Role;
use stablereg::domain::application::DocumentKind;
use uuid::Uuid;

use crate::support::accounts::{Account, csrf_token, location};
use crate::support::documents::{multipart, multipart_type, pdf};
use crate::support::harness::{TestApp, TestConfig, spawn_app, spawn_app_with};

/// An institution's member, signed in on `app.client`, and a draft application of theirs.
async fn member_with_application(app: &TestApp) -> (Account, Uuid) {
    let member = app.create_issuer_admin("한빛").await;
    let institution = member.institution.unwrap();
    let application = app.create_application(institution, member.id).await;
    app.sign_in(&member).await;
    (member, application)
}

fn page_of(application: Uuid, kind: &str) -> String {
    format!("/applications/{application}/documents/{kind}")
}

/// Opens the document page as a browser would and sends the form with `subject` and the file.
async fn upload(
    app: &TestApp,
    application: Uuid,
    kind: &str,
    subject: &str,
    file: Option<(&str, &[u8])>,
) -> Response {
    let page = page_of(application, kind);
    let query = if subject.is_empty() {
        String::new()
    } else {
        format!("?subject={subject}")
    };
    let html = app
        .get(&format!("{page}{query}"))
        .await
        .text()
        .await
        .unwrap();
    let token = csrf_token(&html).unwrap_or_default();
    send(app, &page, &token, subject, file).await
}

async fn send(
    app: &TestApp,
    page: &str,
    token: &str,
    subject: &str,
    file: Option<(&str, &[u8])>,
) -> Response {
    let body = multipart(&[("csrf_token", token), ("subject", subject)], file);
    app.client
        .post(app.url(page))
        .header("content-type", multipart_type())
        .body(body)
        .send()
        .await
        .expect("answered")
}

async fn document_rows(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let mut conn = app.db().await;
    stablereg::db::schema::documents::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

/// A refusal: its status, its message on the re-rendered page, and nothing left behind.
async fn assert_refused(app: &TestApp, res: Response, status: StatusCode, message: &str) {
    assert_eq!(res.status(), status);
    let html = res.text().await.unwrap();
    assert!(html.contains(message), "{message} in {html}");
    assert_eq!(document_rows(app).await, 0, "no row");
    assert!(app.stored_files().is_empty(), "no stored file");
    assert!(app.temporary_files().is_empty(), "no temporary file left");
}

#[tokio::test]
async fn a_pdf_is_stored_under_its_hash_and_the_member_goes_back_to_the_section() {
    let app = spawn_app().await;
    let (member, application) = member_with_application(&app).await;
    let file = pdf(100);
    let res = upload(
        &app,
        application,
        "business_plan",
        "",
        Some(("계획.pdf", &file)),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        format!(
            "/applications/{application}/sections/documents?notice=uploaded#document-business_plan"
        )
    );
    use sha2::Digest;
    let sha256 = hex::encode(sha2::Sha256::digest(&file));
    let stored = app.stored_files();
    assert_eq!(stored.len(), 1);
    assert!(stored[0].ends_with(&sha256), "{stored:?}");
    assert_eq!(std::fs::read(&stored[0]).unwrap(), file);
    assert!(
        app.temporary_files().is_empty(),
        "the temporary file is gone"
    );
    let html = app
        .get(&page_of(application, "business_plan"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&sha256) && html.contains("계획.pdf"),
        "{html}"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"document.uploaded".to_owned())
    );
    let _ = member;
}

#[tokio::test]
async fn html_renamed_to_pdf_is_refused_with_415() {
    let app = spawn_app().await;
    let (_, application) = member_with_application(&app).await;
    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
    let res = upload(
        &app,
        application,
        "white_paper",
        "",
        Some(("paper.pdf", html)),
    )
    .await;
    assert_refused(
        &app,
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "PDF 파일이 아닙니다",
    )
    .await;
}

#[tokio::test]
async fn a_file_that_starts_as_a_pdf_but_does_not_parse_is_refused_with_415() {
    let app = spawn_app().await;
    let (_, application) = member_with_application(&app).await;
    let fake = b"%PDF-1.7\nnothing of a PDF follows\n%%EOF\n";
    let res = upload(
        &app,
        application,
        "white_paper",
        "",
        Some(("fake.pdf", fake)),
    )
    .await;
    assert_refused(
        &app,
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "PDF 파일이 아닙니다",
    )
    .await;
    let mut truncated = pdf(0);
    truncated.truncate(truncated.len() - 40);
    let res = upload(
        &app,
        application,
        "white_paper",
        "",
        Some(("cut.pdf", &truncated)),
    )
    .await;
    assert_refused(
        &app,
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "PDF 파일이 아닙니다",
    )
    .await;
}

#[tokio::test]
async fn one_byte_over_the_limit_is_refused_with_413_leaving_no_file_and_no_row() {
    let file = pdf(4096);
    let mut config = TestConfig::default();
    config
        .env
        .insert("UPLOAD_MAX_FILE_BYTES", (file.len() - 1).to_string());
    let app = spawn_app_with(config).await;
    let (_, application) = member_with_application(&app).await;
    let res = upload(
        &app,
        application,
        "aml_policy",
        "",
        Some(("aml.pdf", &file)),
    )
    .await;
    assert_refused(&app, res, StatusCode::PAYLOAD_TOO_LARGE, "파일이").await;
    // At the limit exactly, the same file less its last byte would be no PDF; one of the limit's
    // own size is accepted.
    let fits = pdf(4095);
    assert_eq!(fits.len() as u64, app.settings.upload_max_file_bytes);
    let res = upload(
        &app,
        application,
        "aml_policy",
        "",
        Some(("aml.pdf", &fits)),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_application_limit_counts_current_versions_only() {
    let file = pdf(4096);
    let mut config = TestConfig::default();
    config.env.insert(
        "UPLOAD_MAX_APPLICATION_BYTES",
        (file.len() * 2 + 10).to_string(),
    );
    let app = spawn_app_with(config).await;
    let (_, application) = member_with_application(&app).await;
    for kind in ["business_plan", "aml_policy"] {
        let res = upload(&app, application, kind, "", Some(("a.pdf", &file))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{kind}");
    }
    let res = upload(
        &app,
        application,
        "legal_opinion",
        "",
        Some(("b.pdf", &pdf(10))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("신청서의 서류가 모두"));
    // A new version of a document replaces its old one in the count.
    let res = upload(
        &app,
        application,
        "aml_policy",
        "",
        Some(("a2.pdf", &pdf(4000))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(document_rows(&app).await, 3);
}

#[tokio::test]
async fn an_empty_file_or_no_file_is_refused_with_422() {
    let app = spawn_app().await;
    let (_, application) = member_with_application(&app).await;
    let res = upload(
        &app,
        application,
        "business_plan",
        "",
        Some(("empty.pdf", b"")),
    )
    .await;
    assert_refused(&app, res, StatusCode::UNPROCESSABLE_ENTITY, "빈 파일입니다").await;
    let res = upload(&app, application, "business_plan", "", Some(("", b""))).await;
    assert_refused(
        &app,
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "PDF 파일을 선택해",
    )
    .await;
    let res = upload(&app, application, "business_plan", "", None).await;
    assert_refused(
        &app,
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "PDF 파일을 선택해",
    )
    .await;
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_before_the_file_is_read() {
    let app = spawn_app().await;
    let (_, application) = member_with_application(&app).await;
    let page = page_of(application, "business_plan");
    let res = send(&app, &page, "", "", Some(("a.pdf", &pdf(0)))).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(document_rows(&app).await, 0);
    assert!(app.temporary_files().is_empty());
}

#[tokio::test]
async fn a_traversal_file_name_is_only_a_name() {
    let app = spawn_app().await;
    let (_, application) = member_with_application(&app).await;
    let res = upload(
        &app,
        application,
        "legal_opinion",
        "",
        Some(("../../../../x.pdf", &pdf(0))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let name: Vec<String> = {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use stablereg::db::schema::documents::dsl::*;
        let mut conn = app.db().await;
        documents.select(file_name).load(&mut conn).await.unwrap()
    };
    assert_eq!(name, ["x.pdf"]);
    let data = app.data_dir.path();
    assert!(!data.join("x.pdf").exists() && !data.parent().unwrap().join("x.pdf").exists());
    let stored = app.stored_files();
    assert_eq!(stored.len(), 1);
    assert!(
        stored[0].starts_with(data.join("files").join("sha256")),
        "{stored:?}"
    );
}

#[tokio::test]
async fn a_download_comes_as_an_attachment_that_cannot_run() {
    let app = spawn_app().await;
    let (_, application) = member_with_application(&app).await;
    let file = pdf(10);
    upload(
        &app,
        application,
        "white_paper",
        "",
        Some(("백서 v1.pdf", &file)),
    )
    .await;
    let html = app
        .get(&page_of(application, "white_paper"))
        .await
        .text()
        .await
        .unwrap();
    let link = html
        .split("href=\"")
        .find(|s| s.starts_with(&format!("/applications/{application}/files/")))
        .and_then(|s| s.split('"').next())
        .expect("a download link")
        .to_owned();
    let res = app.get(&link).await;
    assert_eq!(res.status(), StatusCode::OK);
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"__ v1.pdf\"; filename*=UTF-8''%EB%B0%B1%EC%84%9C%20v1.pdf"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("content-security-policy"), "sandbox");
    assert_eq!(header("cache-control"), "no-store");
    assert_eq!(res.bytes().await.unwrap().as_ref(), file.as_slice());
}

#[tokio::test]
async fn another_institution_finds_nothing_of_this_application() {
    let app = spawn_app().await;
    let owner = app.create_issuer_admin("한빛").await;
    let application = app
        .create_application(owner.institution.unwrap(), owner.id)
        .await;
    let document = app
        .store_document(application, DocumentKind::BusinessPlan, owner.id, &pdf(0))
        .await;
    let stranger = app.create_issuer_admin("가온").await;
    app.sign_in(&stranger).await;
    let download = format!("/applications/{application}/files/{document}");
    assert_eq!(app.get(&download).await.status(), StatusCode::NOT_FOUND);
    let page = page_of(application, "business_plan");
    assert_eq!(app.get(&page).await.status(), StatusCode::NOT_FOUND);
    // Their own valid token, on a form to someone else's application.
    let token = csrf_token(&app.get("/account/password").await.text().await.unwrap()).unwrap();
    let res = send(&app, &page, &token, "", Some(("mine.pdf", &pdf(0)))).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(document_rows(&app).await, 1, "only the owner's document");
    // A document id of one application under another's path is not found either.
    let own = app
        .create_application(stranger.institution.unwrap(), stranger.id)
        .await;
    let crossed = format!("/applications/{own}/files/{document}");
    assert_eq!(app.get(&crossed).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_regulators_download_is_audited_and_a_members_is_not() {
    let app = spawn_app().await;
    let (member, application) = member_with_application(&app).await;
    let document = app
        .store_document(application, DocumentKind::LegalOpinion, member.id, &pdf(0))
        .await;
    let download = format!("/applications/{application}/files/{document}");
    assert_eq!(app.get(&download).await.status(), StatusCode::OK);
    assert!(
        !app.audit_actions()
            .await
            .contains(&"document.downloaded".to_owned())
    );
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    let staff = app.visitor();
    staff.sign_in(&reviewer).await;
    assert_eq!(staff.get(&download).await.status(), StatusCode::OK);
    let downloads: Vec<_> = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|a| a == "document.downloaded")
        .collect();
    assert_eq!(downloads.len(), 1);
    let mut conn = app.db().await;
    let rows = stablereg::db::audit_log::page(
        &mut conn,
        &stablereg::db::audit_log::Filter::default(),
        i64::MAX,
    )
    .await
    .unwrap();
    let row = rows
        .iter()
        .find(|r| r.action.as_str() == "document.downloaded")
        .unwrap();
    assert_eq!(
        row.object_id.as_deref(),
        Some(document.to_string().as_str())
    );
}

#[tokio::test]
async fn a_replaced_document_lists_both_versions_with_their_hashes() {
    let app = spawn_app().await;
    let (_, application) = member_with_application(&app).await;
    let (first, second) = (pdf(1), pdf(2));
    for (name, file) in [("v1.pdf", &first), ("v2.pdf", &second)] {
        let res = upload(
            &app,
            application,
            "articles_of_association",
            "",
            Some((name, file)),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    use sha2::Digest;
    let hash = |b: &[u8]| hex::encode(sha2::Sha256::digest(b));
    let html = app
        .get(&page_of(application, "articles_of_association"))
        .await
        .text()
        .await
        .unwrap();
    let current = html
        .find(&hash(&second))
        .expect("the current version's hash");
    let earlier = html
        .find(&hash(&first))
        .expect("the earlier version's hash");
    assert!(current < earlier, "the current version comes first");
    assert!(html.contains("v1.pdf") && html.contains("v2.pdf"));
    assert_eq!(app.stored_files().len(), 2, "both files kept");
}

#[tokio::test]
async fn a_cv_belongs_to_a_director_of_the_management_section() {
    let app = spawn_app().await;
    let (member, application) = member_with_application(&app).await;
    let res = upload(
        &app,
        application,
        "director_cv",
        "",
        Some(("cv.pdf", &pdf(0))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let row = app.save_director(application, member.id, "김하나").await;
    let page = format!("{}?subject={row}", page_of(application, "director_cv"));
    let html = app.get(&page).await.text().await.unwrap();
    assert!(html.contains("김하나"), "{html}");
    let token = csrf_token(&html).unwrap();
    let cv = pdf(0);
    let wrong = send(
        &app,
        &page_of(application, "director_cv"),
        &token,
        "nobody",
        Some(("cv.pdf", &cv)),
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("임원의 이력서가 아닙니다")
    );
    let res = upload(
        &app,
        application,
        "director_cv",
        &row,
        Some(("cv.pdf", &cv)),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        format!(
            "/applications/{application}/sections/management?notice=uploaded#document-director_cv"
        )
    );
    // The white paper takes no subject: it has no page for a director, and is refused for one.
    let paper = page_of(application, "white_paper");
    let of_director = app.get(&format!("{paper}?subject={row}")).await;
    assert_eq!(of_director.status(), StatusCode::NOT_FOUND);
    let res = send(&app, &paper, &token, &row, Some(("w.pdf", &cv))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_submitted_application_takes_no_more_documents() {
    let app = spawn_app().await;
    let (_, application) = member_with_application(&app).await;
    let html = app
        .get(&page_of(application, "business_plan"))
        .await
        .text()
        .await
        .unwrap();
    let token = csrf_token(&html).unwrap();
    app.sql(&format!(
        "UPDATE applications SET state = 'submitted' WHERE id = '{application}'"
    ))
    .await;
    let res = send(
        &app,
        &page_of(application, "business_plan"),
        &token,
        "",
        Some(("a.pdf", &pdf(0))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("서류를 더 이상 바꿀 수 없습니다")
    );
    assert_eq!(document_rows(&app).await, 0);
}
