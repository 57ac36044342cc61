//! A multipart upload form, read as it streams: first its small text fields (the CSRF token and the
//! form's one-time key, checked as every form's are, and the subject), then its one file, written
//! to a temporary file under DATA_DIR while its SHA-256 is worked out and its size is held to the
//! room it may take. Nothing of the file is ever held in memory beyond one chunk, and the temporary
//! file is removed whenever the upload does not get as far as being stored (it is dropped).

use std::io::Write;
use std::path::Path;

use actix_multipart::{Field, Multipart};
use actix_web::HttpRequest;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::services::application::documents::{Received, Refused, Room, display_name};
use crate::web::extract::form::claim_submission;

/// The longest text field the form has (a UUID, a token): anything longer is a bad request.
const MAX_TEXT_FIELD: usize = 1024;
/// How much of a refused file is still read (and thrown away) so that the browser, still sending,
/// gets to see the answer: past this the connection is simply closed.
const MAX_DRAIN: u64 = 64 * 1024 * 1024;
/// The first bytes of every PDF.
const PDF_MAGIC: &[u8] = b"%PDF-";

/// An upload form whose text fields have been read and checked, its file not yet received.
pub struct Upload {
    multipart: Multipart,
    /// The file's part, when the form had one.
    file: Option<Field>,
    /// The `subject` field: a director's row id for a CV, else empty.
    pub subject: String,
}

/// What came of receiving the file.
pub enum Outcome {
    Received(Received),
    Refused(Refused),
}

impl Upload {
    /// Reads the form's text fields up to its file, and checks the CSRF token and the one-time key
    /// (`form::claim_submission`) before any of the file is read.
    pub async fn begin(req: &HttpRequest, mut multipart: Multipart) -> Result<Upload, AppError> {
        let (mut csrf_token, mut key, mut subject) = (String::new(), None, String::new());
        let mut file = None;
        while let Some(field) = multipart.next().await {
            let mut field = field.map_err(|_| AppError::BadRequest)?;
            if field.name() == Some("file") {
                file = Some(field);
                break;
            }
            let value = text(&mut field).await?;
            match field.name() {
                Some("csrf_token") => csrf_token = value,
                Some("idempotency_key") => key = Some(value),
                Some("subject") => subject = value,
                _ => {}
            }
        }
        claim_submission(req, key.as_deref(), &csrf_token).await?;
        Ok(Upload {
            multipart,
            file,
            subject,
        })
    }

    /// Receives the file into a temporary file in `dir`: refused when there is none, when it is
    /// empty, when it does not start as a PDF does, or as soon as it grows past `room`.
    pub async fn receive(mut self, dir: &Path, room: Room) -> Result<Outcome, AppError> {
        let Some(mut field) = self.file.take() else {
            return Ok(Outcome::Refused(Refused::NoFile));
        };
        let raw_name = file_name(&field);
        let received = stream_to(&mut field, dir, room.bytes).await?;
        // A field read to its end must not be polled again: only the rest of the form is drained.
        let finished = matches!(received, Streamed::Done { .. });
        let refused = match &received {
            Streamed::Done { size: 0, .. } if raw_name.is_empty() => Some(Refused::NoFile),
            Streamed::Done { size: 0, .. } => Some(Refused::Empty),
            Streamed::Done { head, .. } if !head.starts_with(PDF_MAGIC) => Some(Refused::NotPdf),
            Streamed::Done { .. } => None,
            Streamed::NotPdf => Some(Refused::NotPdf),
            Streamed::TooLarge => Some(room.refusal),
        };
        if let Some(refused) = refused {
            self.drain((!finished).then_some(field)).await;
            return Ok(Outcome::Refused(refused));
        }
        let Streamed::Done {
            file, size, sha256, ..
        } = received
        else {
            unreachable!("every other outcome was refused above")
        };
        Ok(Outcome::Received(Received {
            file,
            size,
            sha256,
            file_name: display_name(&raw_name),
        }))
    }

    /// Refuses the upload before its file is read: the rest of the form is read and thrown away.
    pub async fn refuse(mut self, refused: Refused) -> Refused {
        // Without a file part the form was read to its end already.
        if let Some(field) = self.file.take() {
            self.drain(Some(field)).await;
        }
        refused
    }

    /// Reads what is left of a refused form, up to a bound, so the browser can read the answer.
    /// Each part is dropped before the next is asked for: the parser waits for that.
    async fn drain(mut self, field: Option<Field>) {
        let mut left = MAX_DRAIN;
        let mut current = field;
        if current.is_none() {
            current = self.next_part().await;
        }
        while let Some(mut field) = current.take() {
            while let Some(Ok(chunk)) = field.next().await {
                left = left.saturating_sub(chunk.len() as u64);
                if left == 0 {
                    return;
                }
            }
            drop(field);
            current = self.next_part().await;
        }
    }

    async fn next_part(&mut self) -> Option<Field> {
        match self.multipart.next().await {
            Some(Ok(next)) => Some(next),
            _ => None,
        }
    }
}

/// The file's name as sent, or "" when the browser sent the part with no file chosen.
fn file_name(field: &Field) -> String {
    let Some(disposition) = field.content_disposition() else {
        return String::new();
    };
    if let Some(ext) = disposition.get_filename_ext() {
        return String::from_utf8_lossy(&ext.value).into_owned();
    }
    disposition.get_filename().unwrap_or_default().to_owned()
}

/// A short text field's value; a longer one, or one that is not UTF-8, is a bad request.
async fn text(field: &mut Field) -> Result<String, AppError> {
    let bytes = field
        .bytes(MAX_TEXT_FIELD)
        .await
        .map_err(|_| AppError::BadRequest)?
        .map_err(|_| AppError::BadRequest)?;
    let value = String::from_utf8(bytes.to_vec()).map_err(|_| AppError::BadRequest)?;
    if value.contains('\0') {
        return Err(AppError::BadRequest);
    }
    Ok(value)
}

/// How streaming a file ended.
enum Streamed {
    Done {
        file: tempfile::NamedTempFile,
        size: u64,
        sha256: String,
        /// Its first bytes (up to the length of the PDF magic).
        head: Vec<u8>,
    },
    /// Its first bytes are not a PDF's: the rest was not written.
    NotPdf,
    /// It went past the room it had: what was written is removed.
    TooLarge,
}

/// Writes the field into a new temporary file in `dir`, hashing it on the way, stopping as soon as
/// it is past `limit` bytes or its first bytes are not a PDF's.
async fn stream_to(field: &mut Field, dir: &Path, limit: u64) -> Result<Streamed, AppError> {
    let internal = |e: std::io::Error| AppError::Internal(e.into());
    std::fs::create_dir_all(dir).map_err(internal)?;
    let file = tempfile::Builder::new()
        .prefix("upload-")
        .tempfile_in(dir)
        .map_err(internal)?;
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, file);
    let (mut hasher, mut size, mut head) = (Sha256::new(), 0u64, Vec::new());
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest)?;
        size += chunk.len() as u64;
        if size > limit {
            return Ok(Streamed::TooLarge);
        }
        if head.len() < PDF_MAGIC.len() {
            let wanted = PDF_MAGIC.len() - head.len();
            head.extend_from_slice(&chunk[..wanted.min(chunk.len())]);
            if !PDF_MAGIC.starts_with(&head) {
                return Ok(Streamed::NotPdf);
            }
        }
        hasher.update(&chunk);
        out.write_all(&chunk).map_err(internal)?;
    }
    let file = out.into_inner().map_err(|e| internal(e.into_error()))?;
    Ok(Streamed::Done {
        file,
        size,
        sha256: hex::encode(hasher.finalize()),
        head,
    })
}
