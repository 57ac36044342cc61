//! The worker's sweep of what uploads leave behind: stored objects no document row names (an
//! upload whose row never committed, or was cut off after its file was stored), temporary upload
//! files of requests that died with their process, and the directory store's staging files of puts
//! that never finished. Only what is older than the grace period (SWEEP_GRACE_SECONDS) goes, so an
//! upload in flight is never swept; an object is removed under its lock
//! (`db::documents::lock_object`), which an upload also takes to record its row, after checking
//! again that no row names it and that it was not written again meanwhile. Garbage is logged, not
//! audited: nothing a person did changed.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use futures_util::StreamExt;

use crate::db;
use crate::storage::{ObjectKey, Storage, remove_files_where};

/// How many listed objects are looked up in the database at once.
const BATCH: usize = 500;

/// What one sweep removed.
#[derive(Debug, Default)]
pub struct Swept {
    /// Stored objects no document row named.
    pub objects: Vec<ObjectKey>,
    /// Temporary upload files and staging files of unfinished puts.
    pub files: Vec<PathBuf>,
}

/// Sweeps the objects of `storage` and the temporary files in `upload_dir` older than `grace`.
pub async fn files(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    upload_dir: &Path,
    grace: Duration,
) -> anyhow::Result<Swept> {
    let before = SystemTime::now() - grace;
    let cutoff = DateTime::<Utc>::from(before);
    let mut swept = Swept::default();
    let mut listed = storage.list_documents().chunks(BATCH);
    while let Some(batch) = listed.next().await {
        let mut old = Vec::with_capacity(batch.len());
        for item in batch {
            let item = item?;
            if item.last_modified < cutoff {
                old.push(item.key);
            }
        }
        let names: Vec<String> = old.iter().map(|k| k.as_str().to_owned()).collect();
        let named = db::documents::referenced_keys(conn, &names).await?;
        for key in old
            .into_iter()
            .filter(|k| !named.iter().any(|n| n == k.as_str()))
        {
            if remove_orphan(conn, storage, &key, cutoff).await? {
                tracing::info!(key = %key, "an unreferenced stored object was swept");
                swept.objects.push(key);
            }
        }
    }
    let dir = upload_dir.to_path_buf();
    let temporary = tokio::task::spawn_blocking(move || {
        remove_files_where(&dir, before, |name| name.starts_with("upload-"))
    })
    .await??;
    let staging = storage.remove_stale_staging(before).await?;
    for path in temporary.iter().chain(&staging) {
        tracing::info!(path = %path.display(), "a stale temporary upload file was swept");
    }
    swept.files.extend(temporary.into_iter().chain(staging));
    Ok(swept)
}

/// Removes `key` if, under its lock, still no row names it and it was last written before
/// `cutoff`; whether it was removed.
async fn remove_orphan(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    key: &ObjectKey,
    cutoff: DateTime<Utc>,
) -> anyhow::Result<bool> {
    conn.transaction::<bool, anyhow::Error, _>(async |conn| {
        db::documents::lock_object(conn, key.as_str()).await?;
        let name = [key.as_str().to_owned()];
        if !db::documents::referenced_keys(conn, &name)
            .await?
            .is_empty()
        {
            return Ok(false);
        }
        match storage.last_modified(key).await? {
            Some(written) if written < cutoff => {}
            _ => return Ok(false),
        }
        storage.delete(key).await?;
        Ok(true)
    })
    .await
}
