//! A document of the application: its page (what it is, the current file and every earlier version
//! with its SHA-256, and the upload form), the streamed upload, and downloads.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel_async::AsyncPgConnection;
use futures_util::StreamExt;
use serde::Deserialize;
use uuid::Uuid;

use crate::db::applications::Application;
use crate::db::documents::{Document, Uploaded};
use crate::domain::application::DocumentKind;
use crate::error::{AppError, AppResult};
use crate::services::application::documents::{self as service, History, Refused, Subject};
use crate::services::application::{self as applications};
use crate::storage::ObjectKey;
use crate::web::extract::upload::{Outcome, Upload};
use crate::web::extract::{Actor, IssuerMember, SignedIn};
use crate::web::forms::Errors;
use crate::web::reply::{page, redirect};
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "application/document.html")]
struct DocumentPage {
    ctx: PageContext,
    application: Application,
    kind: DocumentKind,
    history: History,
    /// The largest file the form takes, for the page's words and the script's check.
    max_bytes: u64,
    errors: Errors,
}

impl DocumentPage {
    fn current(&self) -> Option<&Uploaded> {
        self.history.versions.as_slice().first()
    }

    fn earlier(&self) -> &[Uploaded] {
        self.history.versions.get(1..).unwrap_or_default()
    }

    fn action(&self) -> String {
        format!(
            "/applications/{}/documents/{}",
            self.application.id,
            self.kind.as_str()
        )
    }

    fn download(&self, document: &Document) -> String {
        format!(
            "/applications/{}/files/{}",
            self.application.id, document.id
        )
    }

    fn max_mib(&self) -> String {
        service::mib(self.max_bytes)
    }

    /// A file's size as people read it (units of 1024, as the limit is stated).
    fn size(&self, bytes: &i64) -> String {
        let bytes = (*bytes).max(0) as f64;
        if bytes < 1024.0 {
            format!("{bytes} B")
        } else if bytes < 1024.0 * 1024.0 {
            format!("{:.1} KB", bytes / 1024.0)
        } else {
            format!("{:.1} MB", bytes / (1024.0 * 1024.0))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SubjectQuery {
    #[serde(default)]
    subject: String,
}

/// The document kind a path names; an unknown one is not found.
fn kind_of(raw: &str) -> AppResult<DocumentKind> {
    raw.parse().map_err(|_| AppError::NotFound)
}

pub async fn show(
    ctx: PageContext,
    member: IssuerMember,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    query: web::Query<SubjectQuery>,
) -> AppResult<HttpResponse> {
    let (id, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    let mut conn = state.pool.get().await?;
    let application = applications::of_member(&mut conn, id, member.institution).await?;
    let history = service::history(&mut conn, &application, kind, &query.subject).await?;
    let page_ = document_page(ctx, &state, application, kind, history, Errors::default());
    page(&page_, StatusCode::OK)
}

fn document_page(
    ctx: PageContext,
    state: &AppState,
    application: Application,
    kind: DocumentKind,
    history: History,
    errors: Errors,
) -> DocumentPage {
    DocumentPage {
        ctx,
        application,
        kind,
        history,
        max_bytes: state.settings.upload_max_file_bytes,
        errors,
    }
}

pub async fn upload(
    req: HttpRequest,
    ctx: PageContext,
    member: IssuerMember,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    multipart: Multipart,
) -> AppResult<HttpResponse> {
    let (id, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    let mut conn = state.pool.get().await?;
    let application = applications::of_member(&mut conn, id, member.institution).await?;
    let upload = Upload::begin(&req, multipart).await?;
    let subject = upload.subject.clone();
    let cx = state.services(&actor);
    match receive(&mut conn, &state, &cx, &application, kind, upload).await? {
        Ok(_) => Ok(redirect(&format!(
            "/applications/{}/sections/{}?notice=uploaded#document-{}",
            application.id,
            kind.section().as_str(),
            kind.as_str()
        ))),
        Err(refused) => {
            refusal(
                &mut conn,
                ctx,
                &state,
                application,
                (kind, &subject),
                refused,
            )
            .await
        }
    }
}

/// Checks what can be checked before the file comes, receives it, and keeps it.
async fn receive(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    cx: &crate::services::Context<'_>,
    application: &Application,
    kind: DocumentKind,
    upload: Upload,
) -> AppResult<Result<Document, Refused>> {
    let subject = upload.subject.clone();
    let (subject, room) = match service::prepare(conn, cx, application, kind, &subject).await? {
        Ok(ready) => ready,
        Err(refused) => return Ok(Err(upload.refuse(refused).await)),
    };
    let dir = state.settings.upload_dir();
    match upload.receive(&dir, room).await? {
        Outcome::Refused(refused) => Ok(Err(refused)),
        Outcome::Received(received) => {
            let storage = &state.storage;
            service::store(conn, cx, storage, application, (kind, &subject), received).await
        }
    }
}

/// The document page again with the reason the upload was refused, and its status: 413 too large,
/// 415 not a PDF, 409 no longer open, 422 for the rest.
async fn refusal(
    conn: &mut AsyncPgConnection,
    ctx: PageContext,
    state: &AppState,
    application: Application,
    (kind, subject): (DocumentKind, &str),
    refused: Refused,
) -> AppResult<HttpResponse> {
    let history = match service::history(conn, &application, kind, subject).await {
        Ok(history) => history,
        Err(AppError::NotFound) => History {
            subject: Subject::default(),
            versions: Vec::new(),
            editable: applications::sections::editable(&application),
        },
        Err(e) => return Err(e),
    };
    let mut errors = Errors::default();
    errors.add_with("file", refused.message_key(), refused.args());
    let status = match refused {
        Refused::TooLarge { .. } | Refused::ApplicationFull { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        Refused::NotPdf => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Refused::Closed => StatusCode::CONFLICT,
        Refused::Empty | Refused::NoFile | Refused::BadSubject => StatusCode::UNPROCESSABLE_ENTITY,
    };
    page(
        &document_page(ctx, state, application, kind, history, errors),
        status,
    )
}

/// A stored file, for the institution's members and regulator staff: anyone else gets a 404.
pub async fn download(
    SignedIn(user): SignedIn,
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (application, document) = path.into_inner();
    let mut conn = state.pool.get().await?;
    let cx = state.services(&actor);
    let who = (user.role, user.institution_id);
    let document = service::for_download(&mut conn, &cx, who, application, document).await?;
    drop(conn);
    let key =
        ObjectKey::content_addressed(&document.sha256).map_err(|e| AppError::Internal(e.into()))?;
    let stored = state
        .storage
        .get(&key)
        .await
        .map_err(|e| AppError::Unavailable(e.into()))?;
    let chunks = stored
        .stream
        .map(|chunk| chunk.map_err(std::io::Error::other));
    // Sized, so the browser can show the download's progress (and no chunked encoding is needed).
    let body = actix_web::body::SizedStream::new(stored.size, chunks);
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CONTENT_DISPOSITION, attachment(&document.file_name)))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// `Content-Disposition: attachment` with the name as RFC 6266 gives it: an ASCII fallback and the
/// UTF-8 name percent-encoded in `filename*`.
fn attachment(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' && c != '%' => c,
            _ => '_',
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_download_name_is_quoted_and_encoded() {
        assert_eq!(
            super::attachment("정관 v2.pdf"),
            "attachment; filename=\"__ v2.pdf\"; filename*=UTF-8''%EC%A0%95%EA%B4%80%20v2.pdf"
        );
        assert_eq!(
            super::attachment("a\"b\\c.pdf"),
            "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%5Cc.pdf"
        );
    }
}
