//! Dangerous buttons ask first: deactivation, role changes, MFA resets and suspension each open a
//! page of their own that says what will happen and holds the form that does it.

use reqwest::StatusCode;
use stablereg::domain::Role;

use crate::support::accounts::location;
use crate::support::harness::spawn_app;

#[tokio::test]
async fn an_admin_is_asked_before_deactivating_changing_a_role_or_resetting_mfa() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    app.sign_in(&admin).await;
    let id = reviewer.id;

    let page = app.page(&format!("/admin/users/{id}")).await;
    assert!(page.contains(&format!(r#"href="/admin/users/{id}/deactivate/confirm""#)));
    assert!(page.contains(&format!(r#"href="/admin/users/{id}/reset-mfa/confirm""#)));
    assert!(page.contains(&format!(
        r#"<form method="get" action="/admin/users/{id}/role/confirm""#
    )));
    assert!(
        !page.contains(&format!(r#"action="/admin/users/{id}/deactivate""#)),
        "no button on the account page deactivates at once"
    );

    let confirm = format!("/admin/users/{id}/deactivate/confirm?lang=en");
    let page = app.page(&confirm).await;
    assert!(
        page.contains("Deactivate Test reviewer&#39;s account?"),
        "{page}"
    );
    assert!(page.contains("will no longer be able to sign in"));
    assert!(page.contains(&format!(
        r#"<form method="post" action="/admin/users/{id}/deactivate">"#
    )));
    assert!(
        page.contains(&format!(r#"href="/admin/users/{id}""#)),
        "a way back"
    );
    assert!(
        app.user(id).await.active,
        "opening the page changes nothing"
    );
    let res = app
        .submit(&confirm, &format!("/admin/users/{id}/deactivate"), &[])
        .await;
    assert_eq!(
        location(&res),
        format!("/admin/users/{id}?notice=deactivated")
    );
    assert!(!app.user(id).await.active);

    let page = app
        .page(&format!(
            "/admin/users/{id}/role/confirm?role=approver&lang=en"
        ))
        .await;
    assert!(
        page.contains("Change Test reviewer&#39;s role to Approver?"),
        "{page}"
    );
    assert!(page.contains("goes from Reviewer to Approver"));
    assert!(page.contains(r#"<input type="hidden" name="role" value="approver">"#));
    assert!(!page.contains("csrf_token=") && !page.contains("idempotency_key="));
    assert_eq!(app.user(id).await.role, Role::Reviewer);
    // No regulator role chosen: the page offers them.
    let page = app
        .page(&format!("/admin/users/{id}/role/confirm?role=issuer"))
        .await;
    assert!(page.contains("Change Test reviewer&#39;s role?"), "{page}");
    assert!(page.contains(r#"type="radio" name="role" id="role_approver" value="approver""#));

    let page = app
        .page(&format!("/admin/users/{id}/reset-mfa/confirm?lang=ko"))
        .await;
    assert!(page.contains("2단계 인증을 초기화할까요?"));
    assert!(page.contains(&format!(r#"action="/admin/users/{id}/reset-mfa""#)));
    assert!(app.user(id).await.totp_secret.is_some());

    let unknown = uuid::Uuid::now_v7();
    let res = app
        .get(&format!("/admin/users/{unknown}/deactivate/confirm"))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn suspending_an_institution_is_asked_first() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    let institution = app.create_institution("한빛").await;
    app.sign_in(&admin).await;
    let page = app
        .page(&format!("/admin/institutions/{institution}"))
        .await;
    let confirm = format!("/admin/institutions/{institution}/status/confirm");
    assert!(page.contains(&format!(r#"href="{confirm}""#)), "{page}");
    let page = app.page(&confirm).await;
    assert!(
        page.contains("한빛 주식회사의 이용을 정지할까요?"),
        "{page}"
    );
    assert!(page.contains("즉시 로그아웃"));
    assert!(page.contains(r#"<input type="hidden" name="status" value="suspended">"#));
    let res = app
        .submit(
            &confirm,
            &format!("/admin/institutions/{institution}/status"),
            &[("status", "suspended")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app
        .page(&format!("/admin/institutions/{institution}"))
        .await;
    assert!(page.contains("이용 정지"));
}

#[tokio::test]
async fn an_institution_admin_is_asked_before_deactivating_a_colleague() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    let institution = admin.institution.unwrap();
    let colleague = app
        .create_account(Role::Issuer, Some(institution), false)
        .await;
    let stranger = app.create_issuer_admin("가온").await;
    app.sign_in(&admin).await;

    let page = app.page("/institution/members").await;
    let confirm = format!("/institution/members/{}/deactivate/confirm", colleague.id);
    assert!(page.contains(&format!(r#"href="{confirm}""#)));
    let page = app.page(&format!("{confirm}?lang=en")).await;
    assert!(
        page.contains("Deactivate Test issuer&#39;s account?"),
        "{page}"
    );
    assert!(page.contains("only the portal&#39;s administrators can reactivate it"));
    assert!(app.user(colleague.id).await.active);
    let action = format!("/institution/members/{}/deactivate", colleague.id);
    let res = app.submit(&confirm, &action, &[]).await;
    assert_eq!(location(&res), "/institution/members?notice=deactivated");
    assert!(!app.user(colleague.id).await.active);

    let res = app
        .get(&format!(
            "/institution/members/{}/deactivate/confirm",
            stranger.id
        ))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not a colleague");
}
