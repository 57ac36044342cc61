//! The worker's sweep of stored files, in the directory store and in a bucket (moto): an object no
//! row names goes once it is older than the grace period, never sooner; an object a row names
//! stays, and so does anything outside the documents' keys (the audit checkpoints); temporary
//! upload files and unfinished staging files go after the grace period too.

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
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
    // Fifty more objects nobody names (the listing's paging is object_store's; each removal is a
    // lock, a HEAD and a DELETE, slow on moto).
    let mut orphans = vec![orphan.clone()];
    let more: Vec<ObjectKey> = (0..50u32)
        .map(|n| {
            ObjectKey::for_sha256(&<sha2::Sha256 as sha2::Digest>::digest(n.to_be_bytes()).into())
        })
        .collect();
    // Put several at a time: the test stays well inside its minute.
    futures_util::stream::iter(more.clone())
        .for_each_concurrent(16, |key| {
            let storage = storage.clone();
            async move {
                storage
                    .put_bytes(&key, Bytes::from(vec![1u8]))
                    .await
                    .unwrap()
            }
        })
        .await;
    orphans.extend(more);

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

/// An upload recording its row holds the object's lock: a sweep that found the object unnamed
/// waits for it, then sees the row and keeps the object.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweep_waits_for_an_upload_recording_its_row_and_then_keeps_the_object() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    use sha2::Digest;
    let app = spawn_app().await;
    let storage = app.storage();
    let member = app.create_issuer_admin("한빛").await;
    let application = app
        .create_application(member.institution.unwrap(), member.id)
        .await;
    let bytes = b"%PDF-1.7 being recorded".to_vec();
    let sha256 = hex::encode(sha2::Sha256::digest(&bytes));
    let key = ObjectKey::content_addressed(&sha256).unwrap();
    storage
        .put_bytes(&key, Bytes::from(bytes.clone()))
        .await
        .unwrap();

    let mut upload = app.db().await;
    diesel::sql_query("BEGIN")
        .execute(&mut upload)
        .await
        .unwrap();
    stablereg::db::documents::lock_object(&mut upload, key.as_str())
        .await
        .unwrap();
    let sweeping = {
        let (url, storage, dir) = (
            app.database_url.clone(),
            storage.clone(),
            app.settings.upload_dir(),
        );
        tokio::spawn(async move {
            let mut conn = AsyncPgConnection::establish(&url).await.unwrap();
            sweep::files(&mut conn, &storage, &dir, Duration::ZERO)
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !sweeping.is_finished(),
        "the sweep waits for the object's lock"
    );
    diesel::sql_query(format!(
        "INSERT INTO documents (id, application_id, kind, subject, version, file_name, \
         size_bytes, sha256, storage_key, uploaded_by) VALUES ('{}', '{application}', \
         'business_plan', '', 1, 'plan.pdf', {}, '{sha256}', '{key}', '{}')",
        uuid::Uuid::now_v7(),
        bytes.len(),
        member.id
    ))
    .execute(&mut upload)
    .await
    .unwrap();
    diesel::sql_query("COMMIT")
        .execute(&mut upload)
        .await
        .unwrap();
    let swept = sweeping.await.unwrap();
    assert!(swept.objects.is_empty(), "{swept:?}");
    assert!(present(&storage, &key).await, "the recorded object stays");
}
