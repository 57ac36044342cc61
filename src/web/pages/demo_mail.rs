//! The demo mailbox: while the portal is tried on a laptop (mail written to files, not production),
//! this lists the mails it sent so a person can follow their links.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use crate::db::{self, outbox::OutboxMail};
use crate::error::{AppError, AppResult};
use crate::web::reply::page;
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "demo/mail_list.html")]
struct MailListPage {
    ctx: PageContext,
    mails: Vec<OutboxMail>,
}

pub async fn list(ctx: PageContext, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let mails = db::outbox::latest(&mut conn, 50).await?;
    page(&MailListPage { ctx, mails }, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "demo/mail_show.html")]
struct MailPage {
    ctx: PageContext,
    mail: OutboxMail,
    links: Vec<String>,
}

pub async fn show(
    ctx: PageContext,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let mail = db::outbox::find(&mut conn, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Only links back into this portal become clickable.
    let root = state.settings.url("/");
    let links = mail
        .body_text
        .split_whitespace()
        .filter(|w| w.starts_with(&root))
        .map(|w| w.replacen(&root, "/", 1))
        .collect();
    page(&MailPage { ctx, mail, links }, StatusCode::OK)
}
