//! The object storage module against a real S3-compatible server (moto, started by the test on
//! loopback): what the directory store's unit tests prove, through STORAGE=s3://bucket/prefix.

use std::collections::HashMap;

use bytes::Bytes;
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use stablereg::config::Settings;
use stablereg::storage::{ObjectKey, Storage, StorageError};

use crate::support::s3::S3Server;

fn storage_for(server: &S3Server, bucket: &str, prefix: &str) -> Storage {
    let env: HashMap<&str, String> = server.env(bucket, prefix).into_iter().collect();
    let settings = Settings::from_lookup(|k| env.get(k).cloned()).expect("valid settings");
    let storage = Storage::from_settings(&settings).expect("the bucket store builds");
    assert!(storage.is_bucket());
    assert_eq!(storage.describe(), format!("s3://{bucket}/{prefix}"));
    storage
}

/// A file of `len` bytes in `dir`, its content-addressed key, and its content.
fn file(dir: &std::path::Path, len: usize) -> (std::path::PathBuf, ObjectKey, Vec<u8>) {
    let content: Vec<u8> = (0..len).map(|i| (i * 7 % 253) as u8).collect();
    let path = dir.join(format!("upload-{len}"));
    std::fs::write(&path, &content).unwrap();
    let key = ObjectKey::for_sha256(&Sha256::digest(&content).into());
    (path, key, content)
}

async fn read_back(storage: &Storage, key: &ObjectKey) -> (u64, Vec<u8>) {
    let download = storage.get(key).await.expect("the object is there");
    let chunks: Vec<Bytes> = download.stream.try_collect().await.expect("it streams");
    (download.size, chunks.concat())
}

#[tokio::test]
async fn files_go_into_the_bucket_under_the_prefix_and_come_back_and_go() {
    let server = S3Server::start().await;
    server.create_bucket("filings").await;
    let storage = storage_for(&server, "filings", "portal/files");
    let dir = tempfile::tempdir().unwrap();
    // One request for a small file; a multipart upload of two parts (8 MiB and 1 MiB) for a big one.
    let (small, small_key, small_content) = file(dir.path(), 1000);
    let (big, big_key, big_content) = file(dir.path(), 9 * 1024 * 1024);
    storage.put_file(&small_key, &small).await.unwrap();
    storage.put_file(&big_key, &big).await.unwrap();

    assert_eq!(
        server.keys("filings").await,
        {
            let mut keys = vec![
                format!("portal/files/{small_key}"),
                format!("portal/files/{big_key}"),
            ];
            keys.sort();
            keys
        },
        "each file once, under the prefix, nothing left of the multipart upload"
    );
    let straight = server
        .object("filings", &format!("portal/files/{big_key}"))
        .await;
    assert!(
        straight.as_deref() == Some(&big_content[..]),
        "the server holds the whole big file"
    );
    assert_eq!(read_back(&storage, &small_key).await, (1000, small_content));
    assert_eq!(
        read_back(&storage, &big_key).await,
        (big_content.len() as u64, big_content)
    );
    assert_eq!(storage.size(&small_key).await.unwrap(), Some(1000));

    storage.delete(&big_key).await.unwrap();
    storage.delete(&big_key).await.unwrap();
    assert_eq!(
        server.keys("filings").await,
        vec![format!("portal/files/{small_key}")]
    );
    assert!(matches!(
        storage.get(&big_key).await,
        Err(StorageError::NotFound(_))
    ));
    assert_eq!(storage.size(&big_key).await.unwrap(), None);
}

#[tokio::test]
async fn a_failed_put_leaves_nothing_in_the_bucket() {
    let server = S3Server::start().await;
    server.create_bucket("filings").await;
    let storage = storage_for(&server, "filings", "files");
    let dir = tempfile::tempdir().unwrap();
    let (_, key, _) = file(dir.path(), 10);
    assert!(
        storage
            .put_file(&key, &dir.path().join("no-such-file"))
            .await
            .is_err()
    );
    // A folder opens but cannot be read.
    assert!(storage.put_file(&key, dir.path()).await.is_err());
    assert!(server.keys("filings").await.is_empty());
}

#[tokio::test]
async fn a_missing_bucket_is_an_error_not_a_silent_loss() {
    let server = S3Server::start().await;
    let storage = storage_for(&server, "nobody-made-this", "files");
    let dir = tempfile::tempdir().unwrap();
    let (path, key, _) = file(dir.path(), 10);
    let err = storage.put_file(&key, &path).await.unwrap_err();
    assert!(matches!(err, StorageError::Store(_)), "{err}");
}
