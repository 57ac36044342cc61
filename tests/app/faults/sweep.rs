//! The worker's sweep of stored files, in the directory store and in a bucket (moto): an object no
//! row names goes once it is older than the grace period, never sooner; an object a row names
//! stays, and so does anything outside the documents' keys (the audit checkpoints); temporary
//! upload files and unfinished staging files go after the grace period too.

use std::time::Duration;

use bytes::Bytes;
use stablereg::domain::application::DocumentKind;
use stablereg::jobs::sweep::{self, Swept};
use stablereg::storage::{ObjectKey, Storage};

use crate::support::harness::{TestApp, TestConfig, spawn_app, spawn_app_with};
use crate::support::s3::S3Server;

const HOUR: Duration = Duration::from_secs(3600);

async fn sweep_with(app: &TestApp, grace: Duration) -> Swept {
    let mut conn = app.db().await;
    sweep::files(&mut conn, &app.storage(), &app.settings.upload_dir(), grace)
        .await
        .expect("the sweep runs")
}

/// What every store holds for the test: a document its row names, an object nobody names, and an
/// audit checkpoint; their keys.
async fn fill(app: &TestApp, storage: &Storage) -> (ObjectKey, ObjectKey, ObjectKey) {
    use sha2::Digest;
    let member = app.create_issuer_admin("한빛").await;
    let application = app
        .create_application(member.institution.unwrap(), member.id)
        .await;
    let named = b"%PDF-1.7 named by a row".to_vec();
    app.store_document(application, DocumentKind::BusinessPlan, member.id, &named)
        .await;
    let orphan = b"%PDF-1.7 whose row never committed".to_vec();
    let orphan_key = ObjectKey::for_sha256(&sha2::Sha256::digest(&orphan).into());
    storage
        .put_bytes(&orphan_key, Bytes::from(orphan))
        .await
        .unwrap();
    let checkpoint = ObjectKey::audit_checkpoint(1);
    storage
        .put_bytes(&checkpoint, Bytes::from_static(b"{}"))
        .await
        .unwrap();
    let named_key = ObjectKey::for_sha256(&sha2::Sha256::digest(&named).into());
    (named_key, orphan_key, checkpoint)
}

async fn present(storage: &Storage, key: &ObjectKey) -> bool {
    storage.size(key).await.unwrap().is_some()
}

#[tokio::test]
async fn the_directory_store_loses_only_old_unnamed_objects_and_stale_temporary_files() {
    let app = spawn_app().await;
    let storage = app.storage();
    let (named, orphan, checkpoint) = fill(&app, &storage).await;
    // A temporary upload file a dead request left, another file of that folder that is no upload's,
    // and the staging file of a put that never finished.
    let tmp = app.settings.upload_dir();
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("upload-a1b2c3"), b"%PDF-1.7 half").unwrap();
    std::fs::write(tmp.join("notes.txt"), b"not an upload").unwrap();
    let files = app.data_dir.path().join("files");
    let staging = files.join(format!("{named}#12345"));
    std::fs::write(&staging, b"%PDF-1.7 half").unwrap();
    let stored_before = app.stored_files().len();

    // Within the grace period nothing goes: it may be an upload in flight.
    let swept = sweep_with(&app, HOUR).await;
    assert!(
        swept.objects.is_empty() && swept.files.is_empty(),
        "{swept:?}"
    );
    assert_eq!(app.stored_files().len(), stored_before);
    assert_eq!(app.temporary_files().len(), 2);

    let swept = sweep_with(&app, Duration::ZERO).await;
    assert_eq!(swept.objects, vec![orphan.clone()]);
    assert_eq!(swept.files.len(), 2, "{swept:?}");
    assert!(!present(&storage, &orphan).await);
    assert!(present(&storage, &named).await);
    assert!(present(&storage, &checkpoint).await);
    assert!(!staging.exists());
    assert_eq!(app.temporary_files(), vec![tmp.join("notes.txt")]);
    // Nothing more the second time.
    let swept = sweep_with(&app, Duration::ZERO).await;
    assert!(
        swept.objects.is_empty() && swept.files.is_empty(),
        "{swept:?}"
    );
}

#[tokio::test]
async fn a_bucket_loses_only_old_unnamed_objects() {
    let server = S3Server::start().await;
    server.create_bucket("filings").await;
    let mut config = TestConfig::default();
    config.env.extend(server.env("filings", "portal"));
    let app = spawn_app_with(config).await;
    let storage = app.storage();
    assert!(storage.is_bucket());
    let (named, orphan, checkpoint) = fill(&app, &storage).await;
    // More than one page of the bucket's listing (1,000 keys) of objects nobody names.
    let mut orphans = vec![orphan.clone()];
    for n in 0..1000u32 {
        let digest = <sha2::Sha256 as sha2::Digest>::digest(n.to_be_bytes());
        let key = ObjectKey::for_sha256(&digest.into());
        storage
            .put_bytes(&key, Bytes::from(vec![1u8]))
            .await
            .unwrap();
        orphans.push(key);
    }

    let swept = sweep_with(&app, HOUR).await;
    assert!(swept.objects.is_empty(), "{swept:?}");
    assert!(present(&storage, &orphan).await);

    let mut swept = sweep_with(&app, Duration::ZERO).await.objects;
    swept.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    orphans.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    assert_eq!(swept, orphans);
    // The worker may have copied audit checkpoints of its own meanwhile: those stay too.
    let left: Vec<String> = server
        .keys("filings")
        .await
        .into_iter()
        .filter(|k| !k.starts_with("portal/audit-checkpoints/"))
        .collect();
    assert_eq!(left, vec![format!("portal/{named}")]);
    assert!(present(&storage, &checkpoint).await);
}
