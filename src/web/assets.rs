//! Static files under versioned URLs (`/static/<content hash>/…`), so browsers may cache them for a
//! year and still see a new stylesheet the moment it changes.

use std::path::{Path, PathBuf};

use actix_files::Files;
use actix_web::middleware::DefaultHeaders;
use actix_web::web;
use sha2::{Digest, Sha256};

/// The version in asset URLs: a hash of every file under the static folder. Instances built from the
/// same files agree on it, so a page from one instance finds its assets on another.
#[derive(Debug, Clone)]
pub struct AssetVersion(String);

impl AssetVersion {
    pub fn of_dir(dir: &Path) -> std::io::Result<AssetVersion> {
        let mut files = Vec::new();
        collect_files(dir, &mut files)?;
        files.sort();
        let mut hasher = Sha256::new();
        for file in &files {
            hasher.update(
                file.strip_prefix(dir)
                    .unwrap_or(file)
                    .to_string_lossy()
                    .as_bytes(),
            );
            hasher.update(std::fs::read(file)?);
        }
        let digest = hasher.finalize();
        Ok(AssetVersion(hex::encode(&digest[..6])))
    }

    pub fn prefix(&self) -> String {
        format!("/static/{}", self.0)
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The static file service. Any version segment is accepted: during a rolling deploy a page from
/// the old instance may ask the new one for its assets.
pub fn service(
    dir: PathBuf,
) -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    web::scope("/static/{version}")
        .wrap(DefaultHeaders::new().add(("Cache-Control", "public, max-age=31536000, immutable")))
        .service(Files::new("", dir).prefer_utf8(true))
}
