//! The one place that stores files: a directory under DATA_DIR (`files/` by default), or an
//! S3-compatible bucket and prefix when STORAGE=s3://bucket/prefix, both behind `object_store`.
//!
//! Keys are made here from what the portal computed (a SHA-256, a sequence number), never from
//! anything a user typed. A file is put from a local temporary file, streamed: the directory store
//! copies it without reading it into memory; the bucket gets one request for a small file and a
//! multipart upload with a bounded number of parts in flight for a big one.
//!
//! A put into the directory is durable when it returns: `object_store`'s `LocalFileSystem` writes a
//! staging file and renames it without any fsync, so the directory store writes its own staging
//! file (`<name>#<digits>`, the name `LocalFileSystem` itself skips in listings), fsyncs it, renames
//! it into place and fsyncs the directory. A failed put removes its staging file.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use tokio::io::AsyncReadExt;

use crate::config::{S3Settings, Settings, StorageLocation};

/// A file up to this size goes to a bucket in one request; a bigger one in parts of this size.
const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts uploading at once: with the part being filled, at most three parts are in memory.
const PARTS_IN_FLIGHT: usize = 2;
/// How much of the file is read at a time.
const READ_CHUNK: usize = 256 * 1024;
/// Where uploaded documents live, each under its SHA-256.
const CONTENT_PREFIX: &str = "sha256";

/// Why a file could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("no stored object {0}")]
    NotFound(String),
    #[error("object storage: {0}")]
    Store(object_store::Error),
    #[error("object storage: {0}")]
    Io(#[from] std::io::Error),
    #[error("setting {0}")]
    Setting(String),
}

impl From<object_store::Error> for StorageError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { path, .. } => StorageError::NotFound(path),
            other => StorageError::Store(other),
        }
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// Where an object lives in the store. Only the constructors below make one, from values the portal
/// computed itself, so a key never carries user input (no `..`, no odd characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectKey(String);

/// A text that is not a SHA-256 in lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 in lowercase hex: {0:?}")]
pub struct NotASha256(pub String);

impl ObjectKey {
    /// `sha256/ab/cd/abcd…`: a file's place by its content, spread over two levels of folders.
    pub fn content_addressed(sha256_hex: &str) -> Result<ObjectKey, NotASha256> {
        let valid = sha256_hex.len() == 64
            && sha256_hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            return Err(NotASha256(sha256_hex.to_owned()));
        }
        Ok(ObjectKey(format!(
            "{CONTENT_PREFIX}/{}/{}/{sha256_hex}",
            &sha256_hex[..2],
            &sha256_hex[2..4]
        )))
    }

    /// The same, from the digest itself.
    pub fn for_sha256(digest: &[u8; 32]) -> ObjectKey {
        ObjectKey::content_addressed(&hex::encode(digest)).expect("hex of 32 bytes")
    }

    /// `audit-checkpoints/<seq>.json`, the sequence number zero-padded so names sort in order.
    pub fn audit_checkpoint(seq: i64) -> ObjectKey {
        ObjectKey(format!("audit-checkpoints/{:019}.json", seq.max(0)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn path(&self) -> StorePath {
        StorePath::from(self.0.as_str())
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stored object being read: its size, and its bytes as they arrive.
pub struct Download {
    pub size: u64,
    pub stream: BoxStream<'static, Result<Bytes>>,
}

#[derive(Clone)]
enum Backend {
    Directory(PathBuf),
    Bucket { bucket: String, prefix: String },
}

/// The object store the portal was configured with; cheap to clone.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    backend: Backend,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Storage({})", self.describe())
    }
}

impl Storage {
    /// The store STORAGE names; the directory is created (private to this user) if missing.
    /// Nothing is sent to a bucket here: a wrong endpoint or key shows on the first put.
    pub fn from_settings(settings: &Settings) -> Result<Storage> {
        match &settings.storage {
            StorageLocation::Directory(root) => Storage::directory(root),
            StorageLocation::S3 { bucket, prefix } => Storage::bucket(bucket, prefix, &settings.s3),
        }
    }

    /// A store in the local directory `root`.
    pub fn directory(root: &Path) -> Result<Storage> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(root)?;
        let store = LocalFileSystem::new_with_prefix(root)?;
        Ok(Storage {
            store: Arc::new(store),
            backend: Backend::Directory(std::fs::canonicalize(root)?),
        })
    }

    /// A store in `bucket` under `prefix`, reached as the AWS_* settings say.
    fn bucket(bucket: &str, prefix: &str, s3: &S3Settings) -> Result<Storage> {
        // The process environment first (it may hold more, such as a web identity for a role),
        // then the settings as read, which are the same in production and the test's own in tests.
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        for (name, value) in &s3.0 {
            let key: AmazonS3ConfigKey = name
                .to_ascii_lowercase()
                .parse()
                .map_err(|e| StorageError::Setting(format!("{name}: {e}")))?;
            builder = builder.with_config(key, value);
        }
        let store = builder
            .build()
            .map_err(|e| StorageError::Setting(format!("STORAGE: {e}")))?;
        let store: Arc<dyn ObjectStore> = match prefix {
            "" => Arc::new(store),
            prefix => Arc::new(PrefixStore::new(store, prefix)),
        };
        Ok(Storage {
            store,
            backend: Backend::Bucket {
                bucket: bucket.to_owned(),
                prefix: prefix.to_owned(),
            },
        })
    }

    /// Where files go, for logs: `directory /var/files` or `s3://bucket/prefix`.
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Directory(root) => format!("directory {}", root.display()),
            Backend::Bucket { bucket, prefix } => format!("s3://{bucket}/{prefix}"),
        }
    }

    /// Whether files go to a bucket rather than a local directory.
    pub fn is_bucket(&self) -> bool {
        matches!(self.backend, Backend::Bucket { .. })
    }

    /// Stores the local file at `path` as `key`, replacing any object there. Memory stays bounded
    /// whatever the file's size; in the directory store the file is on disk when this returns.
    pub async fn put_file(&self, key: &ObjectKey, path: &Path) -> Result<()> {
        match &self.backend {
            Backend::Directory(root) => {
                let (root, key, path) = (root.clone(), key.clone(), path.to_path_buf());
                tokio::task::spawn_blocking(move || put_local(&root, &key, Source::File(&path)))
                    .await
                    .map_err(std::io::Error::other)??;
                Ok(())
            }
            Backend::Bucket { .. } => self.put_remote(key, path).await,
        }
    }

    /// Stores a small object held in memory (a checkpoint), with the same durability as a file.
    pub async fn put_bytes(&self, key: &ObjectKey, bytes: Bytes) -> Result<()> {
        match &self.backend {
            Backend::Directory(root) => {
                let (root, key) = (root.clone(), key.clone());
                tokio::task::spawn_blocking(move || put_local(&root, &key, Source::Bytes(&bytes)))
                    .await
                    .map_err(std::io::Error::other)??;
                Ok(())
            }
            Backend::Bucket { .. } => {
                // A "not found" while writing is the bucket's absence, not the object's.
                self.store
                    .put(&key.path(), bytes.into())
                    .await
                    .map_err(StorageError::Store)?;
                Ok(())
            }
        }
    }

    /// Reads `key`: its size, and its bytes as a stream; `NotFound` when there is no such object.
    pub async fn get(&self, key: &ObjectKey) -> Result<Download> {
        let result = self.store.get(&key.path()).await?;
        let size = result.meta.size;
        let stream = result.into_stream().map(|r| r.map_err(StorageError::from));
        Ok(Download {
            size,
            stream: stream.boxed(),
        })
    }

    /// The size of `key`, or `None` when there is no such object.
    pub async fn size(&self, key: &ObjectKey) -> Result<Option<u64>> {
        match self.store.head(&key.path()).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes `key`; removing what is not there is no error.
    pub async fn delete(&self, key: &ObjectKey) -> Result<()> {
        match self.store.delete(&key.path()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Every uploaded document's object (the keys under `sha256/`) with when it was last written,
    /// as the store lists them (in pages for a bucket). Anything else under that prefix that is not
    /// a content key is left out; the directory store's staging files are not listed.
    pub fn list_documents(&self) -> BoxStream<'static, Result<Listed>> {
        self.store
            .list(Some(&StorePath::from(CONTENT_PREFIX)))
            .filter_map(|item| async move {
                match item {
                    Err(e) => Some(Err(StorageError::from(e))),
                    Ok(meta) => {
                        let location = meta.location.to_string();
                        let hex = location.rsplit('/').next().unwrap_or_default();
                        let key = ObjectKey::content_addressed(hex).ok()?;
                        (key.as_str() == location).then_some(Ok(Listed {
                            key,
                            last_modified: meta.last_modified,
                        }))
                    }
                }
            })
            .boxed()
    }

    /// When `key` was last written, or `None` when there is no such object.
    pub async fn last_modified(&self, key: &ObjectKey) -> Result<Option<DateTime<Utc>>> {
        match self.store.head(&key.path()).await {
            Ok(meta) => Ok(Some(meta.last_modified)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// In the directory store, removes the staging files (`<name>#<digits>`) of puts that never
    /// finished (the process stopped mid-copy) last written before `before`; the paths removed.
    /// A bucket has none: an unfinished multipart upload is the bucket's lifecycle rule's to clear.
    pub async fn remove_stale_staging(&self, before: SystemTime) -> Result<Vec<PathBuf>> {
        let Backend::Directory(root) = &self.backend else {
            return Ok(Vec::new());
        };
        let root = root.join(CONTENT_PREFIX);
        let removed =
            tokio::task::spawn_blocking(move || remove_files_where(&root, before, is_staging_name))
                .await
                .map_err(std::io::Error::other)??;
        Ok(removed)
    }

    /// One request for a small file; a multipart upload for a big one, at most PARTS_IN_FLIGHT
    /// parts uploading while the next is read, aborted (its parts removed) when anything fails.
    async fn put_remote(&self, key: &ObjectKey, path: &Path) -> Result<()> {
        let mut file = tokio::fs::File::open(path).await?;
        let size = file.metadata().await?.len();
        if size <= PART_SIZE as u64 {
            let mut buf = Vec::with_capacity(size as usize);
            file.read_to_end(&mut buf).await?;
            self.store
                .put(&key.path(), Bytes::from(buf).into())
                .await
                .map_err(StorageError::Store)?;
            return Ok(());
        }
        let upload = self
            .store
            .put_multipart(&key.path())
            .await
            .map_err(StorageError::Store)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        match copy_into(&mut file, &mut writer).await {
            Ok(()) => {
                writer.finish().await.map_err(StorageError::Store)?;
                Ok(())
            }
            Err(e) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(key = %key, error = %abort, "a failed upload's parts were not removed");
                }
                Err(e)
            }
        }
    }
}

async fn copy_into(file: &mut tokio::fs::File, writer: &mut WriteMultipart) -> Result<()> {
    let mut buf = vec![0; READ_CHUNK];
    loop {
        let n = file.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        writer
            .wait_for_capacity(PARTS_IN_FLIGHT)
            .await
            .map_err(StorageError::Store)?;
        writer.write(&buf[..n]);
    }
}

/// A listed object: its key and when it was last written.
#[derive(Debug, Clone)]
pub struct Listed {
    pub key: ObjectKey,
    pub last_modified: DateTime<Utc>,
}

/// Whether `name` is a staging file `put_local` writes: `<name>#<digits>`.
fn is_staging_name(name: &str) -> bool {
    name.rsplit_once('#').is_some_and(|(base, digits)| {
        !base.is_empty() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Removes the regular files under `dir` (all levels) whose name `matches` and that were last
/// modified before `before`; the paths removed. A missing `dir` has nothing to remove.
pub fn remove_files_where(
    dir: &Path,
    before: SystemTime,
    matches: impl Fn(&str) -> bool,
) -> std::io::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(current) = todo.pop() {
        let entries = match std::fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            // Not followed: a link is never taken for a folder or removed as a file.
            let kind = entry.file_type()?;
            let path = entry.path();
            if kind.is_dir() {
                todo.push(path);
                continue;
            }
            let name = entry.file_name();
            if !kind.is_file() || !matches(&name.to_string_lossy()) {
                continue;
            }
            if entry.metadata()?.modified()? < before {
                match std::fs::remove_file(&path) {
                    Ok(()) => removed.push(path),
                    // Gone meanwhile: its owner removed it.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(removed)
}

enum Source<'a> {
    File(&'a Path),
    Bytes(&'a [u8]),
}

/// Writes `source` to `root/key` durably: a staging file beside it, fsynced, renamed into place,
/// the folder fsynced. On failure the staging file is removed and an object already there is kept.
fn put_local(root: &Path, key: &ObjectKey, source: Source<'_>) -> std::io::Result<()> {
    let dest = root.join(key.as_str());
    let dir = dest.parent().expect("a key names a file below the root");
    create_dirs_durably(root, dir)?;
    let name = dest
        .file_name()
        .expect("a key names a file")
        .to_string_lossy();
    let staging = dir.join(format!("{name}#{}", rand::random::<u64>()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&staging)?;
        match source {
            // `io::copy` between files uses copy_file_range: the kernel copies, no buffer here.
            Source::File(path) => {
                std::io::copy(&mut std::fs::File::open(path)?, &mut file)?;
            }
            Source::Bytes(bytes) => file.write_all(bytes)?,
        }
        file.sync_all()?;
        std::fs::rename(&staging, &dest)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&staging);
        return Err(e);
    }
    sync_dir(dir)
}

/// Creates the folders from `root` down to `dir` that are missing, each private to this user and
/// recorded in its parent on disk (the parent fsynced), so a new file's path survives a crash.
fn create_dirs_durably(root: &Path, dir: &Path) -> std::io::Result<()> {
    let below = dir.strip_prefix(root).map_err(std::io::Error::other)?;
    let mut current = root.to_path_buf();
    for part in below.components() {
        let parent = current.clone();
        current.push(part);
        match std::fs::DirBuilder::new().mode(0o700).create(&current) {
            Ok(()) => sync_dir(&parent)?,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::TryStreamExt;

    const HEX: &str = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";

    /// Every regular file under `dir`, relative to it.
    fn files_under(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut todo = vec![dir.to_path_buf()];
        while let Some(d) = todo.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    todo.push(path);
                } else {
                    out.push(
                        path.strip_prefix(dir)
                            .unwrap()
                            .to_string_lossy()
                            .into_owned(),
                    );
                }
            }
        }
        out.sort();
        out
    }

    async fn read_all(storage: &Storage, key: &ObjectKey) -> (u64, Vec<u8>) {
        let download = storage.get(key).await.unwrap();
        let chunks: Vec<Bytes> = download.stream.try_collect().await.unwrap();
        (download.size, chunks.concat())
    }

    #[test]
    fn keys_are_made_from_a_hash_never_from_other_text() {
        let key = ObjectKey::content_addressed(HEX).unwrap();
        assert_eq!(key.as_str(), format!("sha256/ab/12/{HEX}"));
        assert_eq!(ObjectKey::for_sha256(&[0xab; 32]).as_str(), {
            let hex = "ab".repeat(32);
            format!("sha256/ab/ab/{hex}")
        });
        for bad in [
            "",
            "../../etc/passwd",
            &HEX.to_uppercase(),
            &HEX[..63],
            &format!("{HEX}0"),
            &format!("{}/x", &HEX[..62]),
        ] {
            assert!(ObjectKey::content_addressed(bad).is_err(), "{bad}");
        }
        assert_eq!(
            ObjectKey::audit_checkpoint(43).as_str(),
            "audit-checkpoints/0000000000000000043.json"
        );
    }

    #[tokio::test]
    async fn a_put_leaves_exactly_one_private_file_that_reads_back() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let storage = Storage::directory(&root.path().join("files")).unwrap();
        let src = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(src.path(), b"%PDF-1.7 a small file").unwrap();
        let key = ObjectKey::content_addressed(HEX).unwrap();
        storage.put_file(&key, src.path()).await.unwrap();
        let files = root.path().join("files");
        assert_eq!(files_under(&files), vec![key.as_str().to_owned()]);
        let mode = std::fs::metadata(files.join(key.as_str()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            read_all(&storage, &key).await,
            (21, b"%PDF-1.7 a small file".to_vec())
        );
        assert_eq!(storage.size(&key).await.unwrap(), Some(21));
        // The same content again replaces it in place: still one file.
        storage.put_file(&key, src.path()).await.unwrap();
        assert_eq!(files_under(&files), vec![key.as_str().to_owned()]);
        storage.delete(&key).await.unwrap();
        assert!(files_under(&files).is_empty());
        assert_eq!(storage.size(&key).await.unwrap(), None);
        storage.delete(&key).await.unwrap();
    }

    #[tokio::test]
    async fn a_failed_put_leaves_no_file_and_keeps_the_one_there() {
        let root = tempfile::tempdir().unwrap();
        let files = root.path().join("files");
        let storage = Storage::directory(&files).unwrap();
        let key = ObjectKey::content_addressed(HEX).unwrap();
        // A folder opens but cannot be read: the copy fails after the staging file was made.
        let unreadable = tempfile::tempdir().unwrap();
        assert!(storage.put_file(&key, unreadable.path()).await.is_err());
        let missing = root.path().join("no-such-file");
        assert!(storage.put_file(&key, &missing).await.is_err());
        assert!(files_under(&files).is_empty(), "{:?}", files_under(&files));
        // An object already stored survives a failed put over it.
        storage
            .put_bytes(&key, Bytes::from_static(b"kept"))
            .await
            .unwrap();
        assert!(storage.put_file(&key, unreadable.path()).await.is_err());
        assert_eq!(files_under(&files), vec![key.as_str().to_owned()]);
        assert_eq!(read_all(&storage, &key).await, (4, b"kept".to_vec()));
    }

    #[tokio::test]
    async fn a_missing_object_is_not_found() {
        let root = tempfile::tempdir().unwrap();
        let storage = Storage::directory(root.path()).unwrap();
        let key = ObjectKey::content_addressed(HEX).unwrap();
        assert!(matches!(
            storage.get(&key).await,
            Err(StorageError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn a_big_file_is_copied_whole() {
        let root = tempfile::tempdir().unwrap();
        let storage = Storage::directory(root.path()).unwrap();
        let src = tempfile::NamedTempFile::new().unwrap();
        let content: Vec<u8> = (0..3 * READ_CHUNK + 7).map(|i| (i % 251) as u8).collect();
        std::fs::write(src.path(), &content).unwrap();
        let key = ObjectKey::content_addressed(HEX).unwrap();
        storage.put_file(&key, src.path()).await.unwrap();
        assert_eq!(
            read_all(&storage, &key).await,
            (content.len() as u64, content)
        );
    }

    #[tokio::test]
    async fn only_the_documents_objects_are_listed_and_only_old_staging_files_removed() {
        let root = tempfile::tempdir().unwrap();
        let storage = Storage::directory(root.path()).unwrap();
        let key = ObjectKey::content_addressed(HEX).unwrap();
        storage
            .put_bytes(&key, Bytes::from_static(b"a"))
            .await
            .unwrap();
        let checkpoint = ObjectKey::audit_checkpoint(1);
        storage
            .put_bytes(&checkpoint, Bytes::from_static(b"{}"))
            .await
            .unwrap();
        // A staging file of a put that never finished, and a file that is no content key.
        let staging = root.path().join(format!("{key}#123"));
        std::fs::write(&staging, b"half").unwrap();
        std::fs::write(root.path().join("sha256/ab/12/notes.txt"), b"x").unwrap();
        let listed: Vec<Listed> = storage.list_documents().try_collect().await.unwrap();
        assert_eq!(
            listed.iter().map(|l| l.key.clone()).collect::<Vec<_>>(),
            vec![key.clone()]
        );
        assert!(listed[0].last_modified <= Utc::now());
        assert!(storage.last_modified(&key).await.unwrap().is_some());
        assert!(storage.last_modified(&checkpoint).await.unwrap().is_some());

        let an_hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
        assert!(
            storage
                .remove_stale_staging(an_hour_ago)
                .await
                .unwrap()
                .is_empty()
        );
        let later = SystemTime::now() + std::time::Duration::from_secs(1);
        assert_eq!(
            storage.remove_stale_staging(later).await.unwrap(),
            vec![staging.clone()]
        );
        assert!(!staging.exists());
        assert_eq!(storage.size(&key).await.unwrap(), Some(1));
        assert!(root.path().join("sha256/ab/12/notes.txt").exists());
    }

    #[test]
    fn staging_names_are_a_name_a_hash_sign_and_digits() {
        assert!(is_staging_name(&format!("{HEX}#123")));
        for name in [
            HEX,
            "#123",
            &format!("{HEX}#"),
            &format!("{HEX}#12a"),
            "upload-x",
        ] {
            assert!(!is_staging_name(name), "{name}");
        }
    }

    #[test]
    fn the_directory_store_is_described_by_its_folder() {
        let root = tempfile::tempdir().unwrap();
        let storage = Storage::directory(root.path()).unwrap();
        assert!(storage.describe().starts_with("directory /"));
        assert!(!storage.is_bucket());
    }
}
