//! Nothing typed is lost when a session ends: a section posted without a live session is kept (only
//! the answers of its declared fields, under the fingerprint of a random token in a cookie of this
//! browser), and the member is sent to sign in. Back on the section, the page shows what they typed,
//! unsaved until they save it again, so a post that never had a valid session changes nothing.

use actix_web::cookie::time::Duration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::ServiceRequest;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use diesel_async::AsyncPgConnection;

use crate::auth::secrets::{fingerprint, random_token};
use crate::db;
use crate::domain::application::form::{Answers, Section};
use crate::domain::application::sections::section;
use crate::error::AppResult;
use crate::web::AppState;

const COOKIE: &str = "kept_post";
/// The only route whose posts are kept.
const SECTION_ROUTE: &str = "/applications/{id}/sections/{section}";

/// When `req` posts a section without a session: keep its answers and answer with the way to sign
/// in and come back. `None` for any other request, which is refused as before.
pub async fn keep(req: &mut ServiceRequest) -> Option<HttpResponse> {
    if req.match_pattern().as_deref() != Some(SECTION_ROUTE) {
        return None;
    }
    let code = req.match_info().get("section")?.to_owned();
    let declared = super::pages::application::section_in_path(&code)
        .ok()
        .map(section)?;
    let state = req.app_data::<web::Data<AppState>>()?.clone();
    let body = req.extract::<web::Bytes>().await.ok()?;
    let posted: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).ok()?;
    let path = req.path().to_owned();
    let token = random_token();
    let stored = serde_json::to_value(declared.read(&posted)).ok()?;
    let mut conn = state.pool.get().await.ok()?;
    db::pending_posts::insert(&mut conn, &fingerprint(&token), &path, &stored)
        .await
        .ok()?;
    let back = format!("{path}?restored=1");
    let login = format!(
        "/login?next={}",
        url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
    );
    let cookie = Cookie::build(COOKIE, token)
        .path("/applications")
        .max_age(Duration::hours(db::pending_posts::KEPT_FOR_HOURS))
        .same_site(SameSite::Lax)
        .http_only(true)
        .secure(state.settings.secure_cookies())
        .finish();
    Some(
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, login))
            .cookie(cookie)
            .finish(),
    )
}

/// The answers kept for this section from a post made after the session ended, if this browser has
/// any (they are taken: shown once, then only what the member saves counts).
pub async fn take(
    req: &HttpRequest,
    conn: &mut AsyncPgConnection,
    declared: &Section,
) -> AppResult<Option<Answers>> {
    let restoring = req.query_string().split('&').any(|p| p == "restored=1");
    let Some(cookie) = req.cookie(COOKIE).filter(|_| restoring) else {
        return Ok(None);
    };
    let kept = db::pending_posts::take(conn, &fingerprint(cookie.value()), req.path()).await?;
    // Read through the declaration again: only its fields, whatever was stored.
    Ok(kept
        .and_then(|stored| serde_json::from_value::<Answers>(stored).ok())
        .map(|answers| declared.read(&flatten(declared, &answers))))
}

/// Answers back into posted pairs, so that they go through `Section::read` like any post.
fn flatten(declared: &Section, answers: &Answers) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = answers
        .values
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (name, list) in &answers.lists {
        pairs.extend(list.iter().map(|v| (name.clone(), v.clone())));
    }
    for group in declared.groups() {
        for (index, row) in answers.rows(group.name).iter().enumerate() {
            pairs.push((format!("{}.{index}.id", group.name), row.id.clone()));
            for (field, value) in &row.values {
                pairs.push((format!("{}.{index}.{field}", group.name), value.clone()));
            }
        }
    }
    pairs
}
