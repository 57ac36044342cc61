//! Signed checkpoints of the audit log's head, kept outside the database: a line per checkpoint
//! (the newest row's sequence number and hash, the time, an HMAC under a key derived from AUDIT_KEY)
//! appended to a file under DATA_DIR and logged, and copied to the bucket when STORAGE is S3. Someone who can delete the newest rows can neither
//! reach the file nor sign a line, so `verify` can tell that rows the checkpoint saw are gone.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SubsecRound, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::AuditKey;
use crate::config::Settings;
use crate::db;
use crate::storage::{ObjectKey, Storage};

/// The file under DATA_DIR that checkpoints are appended to.
pub const FILE_NAME: &str = "audit-checkpoints.log";

/// The line format's version, signed with the rest, so a later format cannot be mistaken for this.
const VERSION: &str = "v1";

/// The file the worker writes and `audit verify` reads unless told another.
pub fn default_path(settings: &Settings) -> PathBuf {
    settings.data_dir.join(FILE_NAME)
}

/// The key that signs checkpoints: derived, so a signed line reveals nothing about the chain's key.
#[derive(Clone)]
pub struct CheckpointKey([u8; 32]);

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckpointKey(..)")
    }
}

impl CheckpointKey {
    pub fn new(key: &AuditKey) -> Self {
        CheckpointKey(key.derive("audit checkpoint"))
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes any key length")
    }
}

/// The head of the log as a checkpoint saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: Vec<u8>,
    pub written_at: DateTime<Utc>,
}

/// Why a line of the file is not a checkpoint that can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BadLine {
    #[error("is not a checkpoint line")]
    Malformed,
    #[error(
        "has a signature that does not verify (the line was changed, or signed with another key)"
    )]
    BadSignature,
}

impl Checkpoint {
    /// A checkpoint of the row `seq` with hash `hash`, written now.
    pub fn now(seq: i64, hash: Vec<u8>) -> Self {
        Checkpoint {
            seq,
            hash,
            written_at: Utc::now().trunc_subsecs(6),
        }
    }

    /// What the signature covers: `v1 seq=43 hash=<hex> at=2026-11-22T10:00:00.000000Z`.
    fn body(&self) -> String {
        format!(
            "{VERSION} seq={} hash={} at={}",
            self.seq,
            hex::encode(&self.hash),
            self.written_at.format("%Y-%m-%dT%H:%M:%S%.6fZ")
        )
    }

    /// The line written to the file, newline included: the body, then ` mac=<hex>`.
    pub fn line(&self, key: &CheckpointKey) -> String {
        let body = self.body();
        let mut mac = key.mac();
        mac.update(body.as_bytes());
        let mac = hex::encode(mac.finalize().into_bytes());
        format!("{body} mac={mac}\n")
    }

    /// Reads one line of the file (without its newline), checking its signature.
    pub fn parse(line: &str, key: &CheckpointKey) -> Result<Checkpoint, BadLine> {
        let (body, mac) = line.rsplit_once(" mac=").ok_or(BadLine::Malformed)?;
        let checkpoint = Self::parse_body(body).ok_or(BadLine::Malformed)?;
        let mac = hex::decode(mac).map_err(|_| BadLine::Malformed)?;
        let mut expected = key.mac();
        expected.update(body.as_bytes());
        expected
            .verify_slice(&mac)
            .map_err(|_| BadLine::BadSignature)?;
        Ok(checkpoint)
    }

    fn parse_body(body: &str) -> Option<Checkpoint> {
        let mut fields = body.split(' ');
        (fields.next()? == VERSION).then_some(())?;
        let seq = fields.next()?.strip_prefix("seq=")?.parse().ok()?;
        let hash = hex::decode(fields.next()?.strip_prefix("hash=")?).ok()?;
        let written_at = DateTime::parse_from_rfc3339(fields.next()?.strip_prefix("at=")?).ok()?;
        fields.next().is_none().then_some(Checkpoint {
            seq,
            hash,
            written_at: written_at.to_utc(),
        })
    }
}

/// Appends one line to the file: opened for appending only (so instances sharing the file never
/// overwrite each other), created private to this user, the line in a single write (so lines never
/// interleave), and flushed to disk before the checkpoint counts as written.
pub fn append(path: &Path, line: &str) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)?;
    // A file made by hand, or by an older copy, may be readable by others: checkpoints are no
    // secret, but the file is the log's anchor and only its writer should touch it.
    if file.metadata()?.permissions().mode() & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    let written = file.write(line.as_bytes())?;
    if written != line.len() {
        return Err(std::io::Error::other(format!(
            "only {written} of {} bytes were written",
            line.len()
        )));
    }
    file.sync_data()
}

/// One line of the file, numbered from 1, as read.
pub type Line = (usize, Result<Checkpoint, BadLine>);

/// Every non-empty line of the file, each read as a checkpoint; `None` when there is no file yet.
pub fn read(path: &Path, key: &CheckpointKey) -> std::io::Result<Option<Vec<Line>>> {
    let mut text = String::new();
    match std::fs::File::open(path) {
        Ok(mut file) => file.read_to_string(&mut text)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(
        text.lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| (i + 1, Checkpoint::parse(line, key)))
            .collect(),
    ))
}

/// The checkpoint that anchors the most rows: the highest sequence number, the latest of equals.
pub fn newest(lines: &[Line]) -> Option<&Checkpoint> {
    lines
        .iter()
        .filter_map(|(_, read)| read.as_ref().ok())
        .max_by_key(|c| (c.seq, c.written_at))
}

/// The log's newest row as a checkpoint, written to `path` and logged (so log shipping keeps a
/// copy); `None` when the log is empty and there is nothing to anchor.
pub async fn write(
    conn: &mut AsyncPgConnection,
    key: &CheckpointKey,
    path: &Path,
) -> anyhow::Result<Option<Checkpoint>> {
    let Some((seq, hash)) = db::audit_log::last(conn).await? else {
        return Ok(None);
    };
    let checkpoint = Checkpoint::now(seq, hash);
    let line = checkpoint.line(key);
    let file = path.to_path_buf();
    let to_file = line.clone();
    tokio::task::spawn_blocking(move || append(&file, &to_file))
        .await?
        .map_err(|e| anyhow::anyhow!("cannot append to {}: {e}", path.display()))?;
    tracing::info!(
        seq,
        checkpoint = line.trim_end(),
        file = %path.display(),
        "audit checkpoint written"
    );
    Ok(Some(checkpoint))
}

/// The copy of a checkpoint kept in object storage: its key (`audit-checkpoints/<seq>.json`) and
/// JSON holding the signed line as written to the file, with its fields for people reading it.
pub fn stored_copy(checkpoint: &Checkpoint, key: &CheckpointKey) -> (ObjectKey, Vec<u8>) {
    let json = serde_json::json!({
        "seq": checkpoint.seq,
        "hash": hex::encode(&checkpoint.hash),
        "written_at": checkpoint.written_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        "line": checkpoint.line(key).trim_end(),
    });
    (
        ObjectKey::audit_checkpoint(checkpoint.seq),
        serde_json::to_vec_pretty(&json).expect("JSON of strings and a number"),
    )
}

/// Copies `checkpoint` to object storage when STORAGE is a bucket (a directory under DATA_DIR
/// adds nothing to the file beside it), and logs it; whether a copy was made.
pub async fn copy_to_storage(
    storage: &Storage,
    checkpoint: &Checkpoint,
    key: &CheckpointKey,
) -> anyhow::Result<bool> {
    if !storage.is_bucket() {
        return Ok(false);
    }
    let (object, json) = stored_copy(checkpoint, key);
    storage
        .put_bytes(&object, json.into())
        .await
        .map_err(|e| anyhow::anyhow!("cannot copy the checkpoint to {object}: {e}"))?;
    tracing::info!(
        seq = checkpoint.seq,
        object = %object,
        storage = %storage.describe(),
        "audit checkpoint copied to object storage"
    );
    Ok(true)
}

/// How the log stands against a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Against {
    /// The row the checkpoint saw is there with the hash it saw.
    Matches,
    /// The rows `first` to `last` (the checkpoint's) are gone.
    Missing { first: i64, last: i64 },
    /// The row is there but its hash is not the one the checkpoint saw.
    Differs,
}

/// Compares the log with `checkpoint`. The chain walk says whether the rows up to it fit; this says
/// whether the row it saw is still there, as it was.
pub async fn against(
    conn: &mut AsyncPgConnection,
    checkpoint: &Checkpoint,
) -> QueryResult<Against> {
    Ok(match db::audit_log::hash_of(conn, checkpoint.seq).await? {
        Some(hash) if hash == checkpoint.hash => Against::Matches,
        Some(_) => Against::Differs,
        None => Against::Missing {
            first: db::audit_log::newest_before(conn, checkpoint.seq)
                .await?
                .map_or(1, |seq| seq + 1),
            last: checkpoint.seq,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CheckpointKey {
        CheckpointKey::new(&AuditKey::new("test-audit-key-not-secret-but-32-chars"))
    }

    fn sample() -> Checkpoint {
        Checkpoint {
            seq: 43,
            hash: vec![0xab; 32],
            written_at: DateTime::parse_from_rfc3339("2026-11-22T10:00:00.123456Z")
                .unwrap()
                .to_utc(),
        }
    }

    #[test]
    fn a_line_names_the_row_its_hash_and_the_time_and_ends_with_its_signature() {
        let line = sample().line(&key());
        let expected = format!(
            "v1 seq=43 hash={} at=2026-11-22T10:00:00.123456Z mac=",
            "ab".repeat(32)
        );
        assert!(line.starts_with(&expected), "{line}");
        assert!(line.ends_with('\n'));
        let mac = line.trim_end().rsplit_once(" mac=").unwrap().1;
        assert_eq!(mac.len(), 64, "HMAC-SHA256 in hex");
        assert_eq!(line.matches('\n').count(), 1, "one line");
    }

    #[test]
    fn a_line_reads_back_as_the_checkpoint_it_was() {
        let line = sample().line(&key());
        assert_eq!(Checkpoint::parse(line.trim_end(), &key()), Ok(sample()));
    }

    #[test]
    fn the_signature_is_an_hmac_under_the_derived_key() {
        let line = sample().line(&key());
        let (body, mac) = line.trim_end().rsplit_once(" mac=").unwrap();
        let derived =
            AuditKey::new("test-audit-key-not-secret-but-32-chars").derive("audit checkpoint");
        let mut expected = <Hmac<Sha256> as KeyInit>::new_from_slice(&derived).unwrap();
        expected.update(body.as_bytes());
        assert_eq!(mac, hex::encode(expected.finalize().into_bytes()));
    }

    #[test]
    fn a_changed_line_or_another_key_does_not_verify() {
        let line = sample().line(&key());
        let line = line.trim_end();
        let fewer_rows = line.replace("seq=43", "seq=40");
        assert_eq!(
            Checkpoint::parse(&fewer_rows, &key()),
            Err(BadLine::BadSignature)
        );
        let other = CheckpointKey::new(&AuditKey::new("another key entirely, also 32 chars"));
        assert_eq!(Checkpoint::parse(line, &other), Err(BadLine::BadSignature));
    }

    #[test]
    fn anything_else_is_not_a_checkpoint() {
        let line = sample().line(&key());
        let line = line.trim_end();
        for bad in [
            "",
            "hello",
            &line.replace("v1 ", "v2 "),
            &line.replace("seq=43", "seq=many"),
            &line.replace("hash=ab", "hash=zz"),
            &line.replace(" at=", " when="),
            &line.replace(" mac=", " mac=xyz"),
            &format!("{line} extra"),
        ] {
            assert_eq!(
                Checkpoint::parse(bad, &key()),
                Err(BadLine::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_newest_checkpoint_anchors_the_most_rows() {
        let mut later = sample();
        later.seq = 44;
        let lines = vec![
            (1, Ok(later.clone())),
            (2, Ok(sample())),
            (3, Err(BadLine::BadSignature)),
        ];
        assert_eq!(newest(&lines), Some(&later));
        assert_eq!(newest(&[(1, Err(BadLine::Malformed))]), None);
    }

    #[test]
    fn the_stored_copy_holds_the_signed_line_under_its_sequence_number() {
        let (object, json) = stored_copy(&sample(), &key());
        assert_eq!(
            object.as_str(),
            "audit-checkpoints/0000000000000000043.json"
        );
        let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(json["seq"], 43);
        assert_eq!(json["hash"], "ab".repeat(32));
        assert_eq!(json["written_at"], "2026-11-22T10:00:00.123456Z");
        let line = json["line"].as_str().unwrap();
        assert_eq!(Checkpoint::parse(line, &key()), Ok(sample()));
    }

    #[tokio::test]
    async fn a_directory_store_gets_no_copy() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::directory(dir.path()).unwrap();
        assert!(!copy_to_storage(&storage, &sample(), &key()).await.unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn lines_are_appended_to_a_private_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(FILE_NAME);
        assert!(read(&path, &key()).unwrap().is_none(), "no file yet");
        append(&path, &sample().line(&key())).unwrap();
        append(&path, "not a checkpoint\n").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let lines = read(&path, &key()).unwrap().unwrap();
        assert_eq!(lines, vec![(1, Ok(sample())), (2, Err(BadLine::Malformed))]);
    }
}
