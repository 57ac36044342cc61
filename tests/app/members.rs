//! An institution's administrator and their colleagues.

use reqwest::StatusCode;
use stablereg::auth::Role;

use crate::harness::spawn_app;
use crate::support::{link_path, location};

#[tokio::test]
async fn an_institution_admin_invites_a_colleague_and_sets_who_may_sign() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    app.sign_in(&admin).await;
    let res = app
        .submit(
            "/institution/members",
            "/institution/members",
            &[
                ("name", "최준호"),
                ("email", "junho@hanbit.kr"),
                ("lang", "ko"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/institution/members?notice=invited");
    let mail = app.last_mail_to("junho@hanbit.kr").await;
    assert!(
        mail.body_text.contains("한빛 주식회사"),
        "{}",
        mail.body_text
    );

    // The colleague accepts and is signed in straight away (no MFA needed for issuers).
    let link = link_path(&mail, &app);
    let colleague = app.visitor();
    let res = colleague
        .submit(
            &link,
            &link,
            &[
                ("password", "Daejeon-Science-Park-3"),
                ("confirm", "Daejeon-Science-Park-3"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/account?notice=welcome");
    assert_eq!(
        colleague.get("/institution/members").await.status(),
        StatusCode::FORBIDDEN,
        "only the institution's admin manages members"
    );

    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: uuid::Uuid,
    }
    let mut conn = app.db().await;
    let Id { id } = diesel_async::RunQueryDsl::get_result(
        diesel::sql_query("SELECT id FROM users WHERE email = 'junho@hanbit.kr'"),
        &mut conn,
    )
    .await
    .unwrap();
    let token = app.token("/institution/members").await;
    let res = app
        .post(
            &format!("/institution/members/{id}/signatory"),
            &token,
            &[("signatory", "true")],
        )
        .await;
    assert_eq!(location(&res), "/institution/members?notice=saved");
    assert!(
        app.page("/institution/members")
            .await
            .contains("최준호님의 서명 권한 해제")
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "user.signatory_changed")
    );

    // Nobody deactivates themself.
    let res = app
        .post(
            &format!("/institution/members/{}/deactivate", admin.id),
            &token,
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn another_institutions_member_is_not_found() {
    let app = spawn_app().await;
    let ours = app.create_issuer_admin("한빛").await;
    let theirs = app.create_issuer_admin("다른은행").await;
    let their_colleague = app
        .create_account(Role::Issuer, theirs.institution, false)
        .await;
    app.sign_in(&ours).await;
    let token = app.token("/institution/members").await;
    for path in [
        format!("/institution/members/{}/signatory", their_colleague.id),
        format!("/institution/members/{}/deactivate", their_colleague.id),
    ] {
        let res = app.post(&path, &token, &[("signatory", "true")]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert!(
        !app.page("/institution/members")
            .await
            .contains(&their_colleague.email)
    );
}
