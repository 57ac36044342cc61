//! Documents of an application: a member uploads a PDF (received as a temporary file, hashed while it
//! streamed in), it is checked as a PDF by a parse, stored under its SHA-256 and recorded as the next
//! version of its kind; earlier versions stay in the history. Downloads are for the institution's
//! members and for regulator staff, whose every download is audited.

use std::path::Path;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::audit::{self, Action, Event, ObjectType};
use crate::db;
use crate::db::applications::Application;
use crate::db::documents::{Document, NewDocument, Uploaded};
use crate::domain::Role;
use crate::domain::application::{DocumentKind, SectionKind};
use crate::error::{AppError, AppResult};
use crate::services::Context;
use crate::storage::{ObjectKey, Storage};

use super::sections::section_editable;

/// The group of the management section whose rows each need a CV.
const DIRECTORS: &str = "directors";

/// A file as it arrived: in a temporary file (removed when this is dropped, whatever happens), with
/// its size and SHA-256 worked out while it streamed in, and the name the member's computer gave it.
pub struct Received {
    pub file: tempfile::NamedTempFile,
    pub size: u64,
    pub sha256: String,
    /// Already made safe to show (`display_name`); never used as a path.
    pub file_name: String,
}

/// Why an upload was refused, each with its own message for the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Over the per-file limit, in bytes.
    TooLarge {
        max: u64,
    },
    /// Over what is left of the application's limit: `max` bytes for all its documents.
    ApplicationFull {
        max: u64,
    },
    NotPdf,
    Empty,
    NoFile,
    /// A director's CV for no director of the management section (or a subject on another kind).
    BadSubject,
    /// The application was submitted, withdrawn or decided.
    Closed,
}

impl Refused {
    pub fn message_key(self) -> &'static str {
        match self {
            Refused::TooLarge { .. } => "upload-too-large",
            Refused::ApplicationFull { .. } => "upload-application-full",
            Refused::NotPdf => "upload-not-pdf",
            Refused::Empty => "upload-empty",
            Refused::NoFile => "upload-no-file",
            Refused::BadSubject => "upload-bad-subject",
            Refused::Closed => "upload-closed",
        }
    }

    /// The message's arguments: limits in MiB, as the page states them.
    pub fn args(self) -> Vec<(&'static str, String)> {
        match self {
            Refused::TooLarge { max } | Refused::ApplicationFull { max } => {
                vec![("max_mib", mib(max))]
            }
            _ => Vec::new(),
        }
    }
}

/// Bytes in MiB for people: whole when whole, else to one decimal.
pub fn mib(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if bytes.is_multiple_of(1024 * 1024) {
        format!("{mib:.0}")
    } else {
        format!("{mib:.1}")
    }
}

/// What an upload may still bring, and the refusal when it brings more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room {
    pub bytes: u64,
    pub refusal: Refused,
}

/// The room for a file from the limits and what the application's other current documents take: the
/// per-file limit, or what is left of the application's limit when that is less.
pub fn room_left(per_file: u64, per_application: u64, others: u64) -> Room {
    let left = per_application.saturating_sub(others);
    if per_file <= left {
        Room {
            bytes: per_file,
            refusal: Refused::TooLarge { max: per_file },
        }
    } else {
        Room {
            bytes: left,
            refusal: Refused::ApplicationFull {
                max: per_application,
            },
        }
    }
}

/// What the application's current documents take, but the one of `kind` and `subject` (which a new
/// version replaces).
async fn others_size(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    kind: DocumentKind,
    subject: &str,
) -> AppResult<u64> {
    let current = db::documents::current_of(conn, application).await?;
    Ok(current
        .iter()
        .filter(|d| !(d.kind == kind && d.subject == subject))
        .map(|d| d.size_bytes.max(0) as u64)
        .sum())
}

/// How large a file of `kind` for `subject` may be, now.
pub async fn room(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    application: Uuid,
    kind: DocumentKind,
    subject: &str,
) -> AppResult<Room> {
    let others = others_size(conn, application, kind, subject).await?;
    let s = cx.settings;
    Ok(room_left(
        s.upload_max_file_bytes,
        s.upload_max_application_bytes,
        others,
    ))
}

/// Whom a document is about: a director (by their row in the management section), or the
/// application as a whole ("").
#[derive(Debug, Clone, Default)]
pub struct Subject {
    pub id: String,
    /// The director's name as last saved.
    pub name: Option<String>,
}

/// The subject `raw` of a document of `kind`: a director's row id for a CV, nothing for the others.
pub async fn subject(
    conn: &mut AsyncPgConnection,
    application: Uuid,
    kind: DocumentKind,
    raw: &str,
) -> AppResult<Option<Subject>> {
    let raw = raw.trim();
    if !kind.per_director() {
        return Ok(raw.is_empty().then(Subject::default));
    }
    let Some(management) =
        super::sections::current(conn, application, SectionKind::Management).await?
    else {
        return Ok(None);
    };
    let answers = super::answers_of(&management.answers);
    Ok(answers
        .rows(DIRECTORS)
        .iter()
        .find(|row| !raw.is_empty() && row.id == raw)
        .map(|row| Subject {
            id: row.id.clone(),
            name: Some(row.value("name").trim().to_owned()).filter(|n| !n.is_empty()),
        }))
}

/// A document's page: whom it is about, every version newest first, and whether it may be replaced.
pub struct History {
    pub subject: Subject,
    pub versions: Vec<Uploaded>,
    pub editable: bool,
}

/// The page of the document of `kind` for `subject`; an unknown subject is not found.
pub async fn history(
    conn: &mut AsyncPgConnection,
    application: &Application,
    kind: DocumentKind,
    subject: &str,
) -> AppResult<History> {
    let subject = self::subject(conn, application.id, kind, subject)
        .await?
        .ok_or(AppError::NotFound)?;
    let versions = db::documents::history(conn, application.id, kind, &subject.id).await?;
    Ok(History {
        subject,
        versions,
        editable: section_editable(conn, application, kind.section()).await?,
    })
}

/// Whether the file at `path` is a PDF: it starts with `%PDF-`, and its trailer, cross-reference
/// table, catalogue and page tree parse, with at least one page. A file whose cross-reference data
/// had to be rebuilt by scanning it (a truncated upload, or text that merely starts like a PDF) is
/// not accepted; one whose offsets were a little off is, as readers accept it. The file is mapped
/// rather than read, so a large upload is never held in memory: only the parts the parser touches
/// are read.
pub fn parses_as_pdf(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    // SAFETY: the map is read-only and the file is our own temporary file (mode 0600, in a
    // directory of ours), which nothing writes to or truncates while it is checked.
    let Ok(map) = (unsafe { memmap2::Mmap::map(&file) }) else {
        return false;
    };
    map.starts_with(b"%PDF-")
        && lopdf::Document::load_metadata_mem(&map).is_ok_and(|meta| {
            meta.page_count > 0
                && meta.xref_recovery != Some(lopdf::xref::XrefRecovery::Reconstructed)
        })
}

/// Checks the file as a PDF on the blocking pool (a parse is CPU work).
async fn check_pdf(received: &Received) -> AppResult<bool> {
    let path = received.file.path().to_owned();
    tokio::task::spawn_blocking(move || parses_as_pdf(&path))
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

/// Records the stored file as the next version of its document, under the application's lock, once
/// more checking what may have changed while it was received: the application's state and room.
async fn record(
    conn: &mut AsyncPgConnection,
    (cx, storage): (&Context<'_>, &Storage),
    application: &Application,
    new: NewDocument<'_>,
) -> AppResult<Result<Document, Refused>> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let locked =
            db::applications::lock_of_institution(conn, application.id, application.institution_id)
                .await?
                .ok_or(AppError::NotFound)?;
        if !section_editable(conn, &locked, new.kind.section()).await? {
            return Ok(Err(Refused::Closed));
        }
        let room = room(conn, cx, locked.id, new.kind, new.subject).await?;
        if new.size_bytes as u64 > room.bytes {
            return Ok(Err(room.refusal));
        }
        stored_whole(conn, storage, &new).await?;
        let version = db::documents::latest_version(conn, locked.id, new.kind, new.subject).await?;
        let new = NewDocument {
            version: version + 1,
            ..new
        };
        db::documents::insert(conn, &new).await?;
        let event = Event::new(Action::DocumentUploaded, ObjectType::Document, new.id).with(
            serde_json::json!({
                "application_id": locked.id,
                "kind": new.kind.as_str(),
                "subject": new.subject,
                "version": new.version,
                "size_bytes": new.size_bytes,
                "sha256": new.sha256,
                "replaces": version > 0,
            }),
        );
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        let stored = db::documents::find_in(conn, locked.id, new.id).await?;
        stored.ok_or(AppError::NotFound).map(Ok)
    })
    .await
}

/// Holds the stored object's lock to the end of the transaction and checks, under it, that the
/// object is there whole: the sweep removes an unreferenced object only under the same lock, so
/// one swept between its put and this row is seen here (and the upload fails) rather than named
/// by a row.
async fn stored_whole(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    new: &NewDocument<'_>,
) -> AppResult<()> {
    db::documents::lock_object(conn, new.storage_key).await?;
    let key = ObjectKey::content_addressed(new.sha256).map_err(|e| AppError::Internal(e.into()))?;
    let size = storage
        .size(&key)
        .await
        .map_err(|e| AppError::Unavailable(e.into()))?;
    if size != Some(new.size_bytes as u64) {
        let lost = anyhow::anyhow!("the stored object {key} went before its row was recorded");
        return Err(AppError::Unavailable(lost));
    }
    Ok(())
}

/// Before a file is received: whether the application still takes documents, whom this one is
/// about, and how large it may be.
pub async fn prepare(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    application: &Application,
    kind: DocumentKind,
    subject: &str,
) -> AppResult<Result<(Subject, Room), Refused>> {
    if !section_editable(conn, application, kind.section()).await? {
        return Ok(Err(Refused::Closed));
    }
    let Some(subject) = self::subject(conn, application.id, kind, subject).await? else {
        return Ok(Err(Refused::BadSubject));
    };
    let room = room(conn, cx, application.id, kind, &subject.id).await?;
    Ok(Ok((subject, room)))
}

/// Keeps a received file as the next version of its document: it must parse as a PDF; it is stored
/// under its SHA-256 (written and synced) before its row commits, so no row ever names a missing or
/// partial file. The temporary file goes when `received` is dropped, whatever the outcome. A stored
/// file whose row then does not commit stays as an unreferenced object under its own hash, harmless.
pub async fn store(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    storage: &Storage,
    application: &Application,
    (kind, subject): (DocumentKind, &Subject),
    received: Received,
) -> AppResult<Result<Document, Refused>> {
    if !check_pdf(&received).await? {
        return Ok(Err(Refused::NotPdf));
    }
    let by = cx.actor.user_id.ok_or(AppError::Forbidden)?;
    let key =
        ObjectKey::content_addressed(&received.sha256).map_err(|e| AppError::Internal(e.into()))?;
    storage
        .put_file(&key, received.file.path())
        .await
        .map_err(|e| AppError::Unavailable(e.into()))?;
    let new = NewDocument {
        id: Uuid::now_v7(),
        application_id: application.id,
        kind,
        subject: &subject.id,
        version: 0,
        file_name: &received.file_name,
        size_bytes: i64::try_from(received.size).map_err(|e| AppError::Internal(e.into()))?,
        sha256: &received.sha256,
        storage_key: key.as_str(),
        uploaded_by: by,
    };
    record(conn, (cx, storage), application, new).await
}

/// Whether the signed-in user may read the documents of `application`: its institution's members,
/// and regulator staff.
fn may_read(role: Role, institution: Option<Uuid>, application: &Application) -> bool {
    role.is_regulator() || (role == Role::Issuer && institution == Some(application.institution_id))
}

/// The document version `document` of `application`, for a download by a user of `role` (of
/// `institution`, for an issuer); anyone else is told it is not found. Every download by regulator
/// staff is audited.
pub async fn for_download(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    (role, institution): (Role, Option<Uuid>),
    application: Uuid,
    document: Uuid,
) -> AppResult<Document> {
    let application = db::applications::find(conn, application)
        .await?
        .filter(|a| may_read(role, institution, a))
        .ok_or(AppError::NotFound)?;
    let document = db::documents::find_in(conn, application.id, document)
        .await?
        .ok_or(AppError::NotFound)?;
    if role.is_regulator() {
        let event = Event::new(
            Action::DocumentDownloaded,
            ObjectType::Document,
            document.id,
        )
        .with(serde_json::json!({
            "application_id": application.id,
            "kind": document.kind.as_str(),
            "version": document.version,
            "sha256": document.sha256,
        }));
        audit::record_alone(conn, cx.audit_key, cx.actor, event).await?;
    }
    Ok(document)
}

/// A file name as the member's computer gave it, made safe to keep and show: only its last path
/// component, no control characters, at most 255 characters; "document.pdf" when nothing is left.
/// It is only ever shown and offered back as a download name, never used as a path.
pub fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    if clean.is_empty() {
        return "document.pdf".to_owned();
    }
    clean.chars().take(255).collect()
}

/// Bidirectional overrides and other format characters that could make a name read differently.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_keeps_its_last_component_and_nothing_that_hides() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("C:\\Users\\kim\\cv.pdf"), "cv.pdf");
        assert_eq!(display_name("../.."), "document.pdf");
        assert_eq!(display_name(""), "document.pdf");
        assert_eq!(display_name(".hidden.pdf"), "hidden.pdf");
        assert_eq!(display_name("a\u{202e}fdp.exe"), "afdp.exe");
        assert_eq!(display_name("정관\n.pdf"), "정관.pdf");
        assert_eq!(display_name(&"가".repeat(300)).chars().count(), 255);
    }

    #[test]
    fn the_room_is_the_smaller_of_the_two_limits() {
        let mib = 1024 * 1024;
        assert_eq!(
            room_left(25 * mib, 200 * mib, 0),
            Room {
                bytes: 25 * mib,
                refusal: Refused::TooLarge { max: 25 * mib }
            }
        );
        assert_eq!(room_left(25 * mib, 200 * mib, 175 * mib).bytes, 25 * mib);
        let nearly_full = room_left(25 * mib, 200 * mib, 190 * mib);
        assert_eq!(nearly_full.bytes, 10 * mib);
        assert_eq!(
            nearly_full.refusal,
            Refused::ApplicationFull { max: 200 * mib }
        );
        assert_eq!(room_left(25 * mib, 200 * mib, 300 * mib).bytes, 0);
        assert_eq!(super::mib(25 * mib), "25");
        assert_eq!(super::mib(mib + mib / 2), "1.5");
    }

    fn parses(bytes: &[u8]) -> bool {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, bytes).unwrap();
        parses_as_pdf(file.path())
    }

    #[test]
    fn a_pdf_is_what_parses_not_what_it_starts_with() {
        assert!(parses(&minimal_pdf()));
        assert!(!parses(b"%PDF-1.7\nthis is not a PDF at all\n%%EOF\n"));
        assert!(!parses(b"<html><body>not a pdf</body></html>"));
        assert!(!parses(b""));
        let mut truncated = minimal_pdf();
        truncated.truncate(truncated.len() / 2);
        assert!(!parses(&truncated));
    }

    /// A one-page PDF with a correct cross-reference table.
    pub(crate) fn minimal_pdf() -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ];
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n");
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
        );
        out
    }
}
