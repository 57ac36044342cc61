//! Applications and their documents made for a test: a draft straight in the database, a document
//! stored and recorded as an upload would leave it, PDFs good and bad, and multipart bodies built by
//! hand (so a test controls the order of the parts and the file name exactly).

use stablereg::db;
use stablereg::domain::application::{DocumentKind, SectionKind};
use stablereg::storage::{ObjectKey, Storage};
use uuid::Uuid;

use crate::support::harness::TestApp;

/// The boundary of the multipart bodies the tests build.
pub const BOUNDARY: &str = "----stablereg-test-boundary-7MA4YWxkTrZu0gW";

impl TestApp {
    /// Saves the management section with one director named `name`; their row id.
    pub async fn save_director(&self, application: Uuid, by: Uuid, name: &str) -> String {
        let row = Uuid::new_v4().simple().to_string();
        let answers = serde_json::json!({
            "rows": {"directors": [{"id": row, "values": {"name": name}}]}
        });
        let mut conn = self.db().await;
        let kept = db::section_versions::insert(
            &mut conn,
            application,
            SectionKind::Management,
            1,
            &answers,
            by,
        )
        .await
        .unwrap();
        assert!(kept, "the management section had no version yet");
        row
    }

    /// The app's file store, as the server has it.
    pub fn storage(&self) -> Storage {
        Storage::from_settings(&self.settings).expect("the store opens")
    }

    /// A document stored and recorded as an upload leaves it (version 1 of its kind); its id.
    pub async fn store_document(
        &self,
        application: Uuid,
        kind: DocumentKind,
        by: Uuid,
        bytes: &[u8],
    ) -> Uuid {
        use sha2::Digest;
        let sha256 = hex::encode(sha2::Sha256::digest(bytes));
        let key = ObjectKey::content_addressed(&sha256).unwrap();
        self.storage()
            .put_bytes(&key, bytes.to_vec().into())
            .await
            .unwrap();
        let id = Uuid::now_v7();
        self.sql(&format!(
            "INSERT INTO documents (id, application_id, kind, subject, version, file_name, \
             size_bytes, sha256, storage_key, uploaded_by) VALUES ('{id}', '{application}', \
             '{}', '', 1, 'stored.pdf', {}, '{sha256}', '{}', '{by}')",
            kind.as_str(),
            bytes.len(),
            key.as_str()
        ))
        .await;
        id
    }

    /// Every object in the app's directory store (its files under DATA_DIR/files).
    pub fn stored_files(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.data_dir.path().join("files"), &mut out);
        out
    }

    /// What is left in the upload's temporary directory.
    pub fn temporary_files(&self) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(self.data_dir.path().join("tmp"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect()
    }
}

/// A one-page PDF with a correct cross-reference table; `padding` bytes of a comment make it larger.
pub fn pdf(padding: usize) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut out = b"%PDF-1.7\n".to_vec();
    if padding > 0 {
        out.push(b'%');
        out.extend(std::iter::repeat_n(b'x', padding));
        out.push(b'\n');
    }
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

/// A multipart/form-data body: the text fields in order, then the file part (when given) as
/// `(file name, bytes)`.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// The content type of a body made by `multipart`.
pub fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}
