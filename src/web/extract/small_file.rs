//! A small file posted in a multipart form and read into memory up to a limit: a spreadsheet to
//! import, not a document to keep (documents stream to disk). The form's CSRF token and one-time
//! key come before the file (`forms::csrf` is the form's first markup) and are checked before a
//! byte of the file is read. A form that reaches the handler without a file, or not as multipart
//! at all, still has its token checked, so it is refused (403) or answered (no file) like any form.

use actix_web::http::header;
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use serde::Deserialize;

use super::form::claim_submission;
use crate::error::AppError;

/// What the form brought.
pub enum Posted {
    /// The file's bytes, at most the limit.
    File(Vec<u8>),
    /// No file was chosen, or the file was empty.
    NoFile,
    /// The file was larger than the limit: the rest was not kept.
    TooLarge,
}

/// The longest text field read (the token and the key are shorter).
const TEXT_LIMIT: usize = 512;
/// The longest body of a form posted without multipart (the default limit of a form).
const FORM_LIMIT: usize = 256 * 1024;
/// How much of a file over the limit is still read (and dropped), so the browser finishes
/// sending and sees the page saying the file is too large; beyond it the connection is dropped.
const DRAIN_LIMIT: usize = 32 * 1024 * 1024;

/// Reads the form posted to `req`: its CSRF token and one-time key checked, then its `file` field.
pub async fn read(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Posted, AppError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !multipart {
        return read_plain_form(req, payload).await;
    }
    let mut fields = actix_multipart::Multipart::new(req.headers(), payload);
    let (mut token, mut key) = (String::new(), None);
    let mut posted = None;
    let mut drained = 0;
    while let Some(field) = fields.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest)?;
        match (field.name(), &posted) {
            (Some("csrf_token"), None) => token = read_text(&mut field).await?,
            (Some("idempotency_key"), None) => key = Some(read_text(&mut field).await?),
            (Some("file"), None) => {
                claim_submission(req, key.as_deref(), &token).await?;
                let file = read_file(&mut field, limit).await?;
                if let Posted::TooLarge = file {
                    // What follows the file is not read: it may be as large as the file was.
                    return Ok(file);
                }
                posted = Some(file);
            }
            _ => {
                drained += drain(&mut field, DRAIN_LIMIT.saturating_sub(drained)).await?;
            }
        }
    }
    match posted {
        Some(posted) => Ok(posted),
        None => {
            claim_submission(req, key.as_deref(), &token).await?;
            Ok(Posted::NoFile)
        }
    }
}

#[derive(Deserialize)]
struct TokenFields {
    #[serde(default)]
    csrf_token: String,
    idempotency_key: Option<String>,
}

/// A form posted as `application/x-www-form-urlencoded` (or anything but multipart): it has no
/// file, but its token decides between 403 and the page saying a file is needed.
async fn read_plain_form(req: &HttpRequest, mut payload: web::Payload) -> Result<Posted, AppError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest)?;
        if body.len() + chunk.len() > FORM_LIMIT {
            return Err(AppError::BadRequest);
        }
        body.extend_from_slice(&chunk);
    }
    let fields: TokenFields =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest)?;
    claim_submission(req, fields.idempotency_key.as_deref(), &fields.csrf_token).await?;
    Ok(Posted::NoFile)
}

async fn read_text(field: &mut actix_multipart::Field) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest)?;
        if bytes.len() + chunk.len() > TEXT_LIMIT {
            return Err(AppError::BadRequest);
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| AppError::BadRequest)
}

async fn read_file(field: &mut actix_multipart::Field, limit: usize) -> Result<Posted, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest)?;
        if bytes.len() + chunk.len() > limit {
            // Past the drain limit the connection is dropped instead: the page cannot be shown.
            let _ = drain(field, DRAIN_LIMIT).await;
            return Ok(Posted::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(if bytes.is_empty() {
        Posted::NoFile
    } else {
        Posted::File(bytes)
    })
}

/// Reads a field to its end, keeping nothing, up to `cap` bytes: the count read.
async fn drain(field: &mut actix_multipart::Field, cap: usize) -> Result<usize, AppError> {
    let mut read = 0;
    while let Some(chunk) = field.next().await {
        read += chunk.map_err(|_| AppError::BadRequest)?.len();
        if read > cap {
            return Err(AppError::BadRequest);
        }
    }
    Ok(read)
}
