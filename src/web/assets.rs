//! Static files under versioned URLs (`/static/<content hash>/…`), so browsers may cache them for a
//! year and still see a new stylesheet the moment it changes.
//!
//! They are served from memory: the static folder is read once at start-up and every text file is
//! compressed then, with gzip and brotli, so a request costs a map lookup and one ready body (no
//! disk read on a blocking thread, no compression per request, no body streamed in pieces).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// Versioned URLs never change content: a year, and no revalidation.
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

/// The version in asset URLs: a hash of every file under the static folder. Instances built from the
/// same files agree on it, so a page from one instance finds its assets on another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetVersion(String);

impl AssetVersion {
    pub fn of_dir(dir: &Path) -> std::io::Result<AssetVersion> {
        Ok(read_tree(dir)?.0)
    }

    pub fn prefix(&self) -> String {
        format!("/static/{}", self.0)
    }
}

/// Files with their paths relative to the static folder, `/`-separated.
type Tree = Vec<(String, Vec<u8>)>;

/// Every file under `dir`, and the version of them all.
fn read_tree(dir: &Path) -> std::io::Result<(AssetVersion, Tree)> {
    let mut paths = Vec::new();
    collect_files(dir, &mut paths)?;
    paths.sort();
    let mut hasher = Sha256::new();
    let mut files = Vec::with_capacity(paths.len());
    for path in &paths {
        let relative = path.strip_prefix(dir).unwrap_or(path).to_string_lossy();
        let bytes = std::fs::read(path)?;
        hasher.update(relative.as_bytes());
        hasher.update(&bytes);
        files.push((relative.replace(std::path::MAIN_SEPARATOR, "/"), bytes));
    }
    let digest = hasher.finalize();
    Ok((AssetVersion(hex::encode(&digest[..6])), files))
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

/// A content coding the portal keeps ready for its assets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }
}

/// The coding to answer with for an Accept-Encoding header: brotli, else gzip, whichever the client
/// accepts with the higher weight (brotli on a tie, as it is the smaller), else the file as it is.
pub fn choose_coding(accept_encoding: Option<&str>) -> Coding {
    let Weights { br, gzip } = weights(accept_encoding);
    if br > 0.0 && br >= gzip {
        Coding::Brotli
    } else if gzip > 0.0 {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// Whether an Accept-Encoding header accepts gzip (for answers kept only plain and gzipped).
pub fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    weights(accept_encoding).gzip > 0.0
}

/// How much a client wants each coding we have (0: not at all).
struct Weights {
    br: f32,
    gzip: f32,
}

fn weights(accept_encoding: Option<&str>) -> Weights {
    let (mut br, mut gzip, mut any) = (None, None, None);
    for item in accept_encoding.unwrap_or("").split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let weight = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match name.as_str() {
            "br" => br = Some(weight),
            "gzip" | "x-gzip" => gzip = Some(weight),
            "*" => any = Some(weight),
            _ => {}
        }
    }
    Weights {
        br: br.or(any).unwrap_or(0.0),
        gzip: gzip.or(any).unwrap_or(0.0),
    }
}

/// One file, as it is and compressed.
struct Asset {
    content_type: HeaderValue,
    /// A hash of the content, the base of each coding's entity tag.
    tag: String,
    identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

impl Asset {
    /// The body and entity tag for `wanted`, or the file as it is when it has no such coding.
    fn variant(&self, wanted: Coding) -> (Coding, &Bytes, String) {
        match wanted {
            Coding::Brotli if self.brotli.is_some() => {
                let body = self.brotli.as_ref().unwrap_or(&self.identity);
                (Coding::Brotli, body, format!("\"{}.br\"", self.tag))
            }
            Coding::Gzip | Coding::Brotli if self.gzip.is_some() => {
                let body = self.gzip.as_ref().unwrap_or(&self.identity);
                (Coding::Gzip, body, format!("\"{}.gz\"", self.tag))
            }
            _ => (
                Coding::Identity,
                &self.identity,
                format!("\"{}\"", self.tag),
            ),
        }
    }

    fn compressed(&self) -> bool {
        self.gzip.is_some() || self.brotli.is_some()
    }
}

/// The static folder in memory.
pub struct StaticFiles {
    version: AssetVersion,
    files: HashMap<String, Asset>,
}

/// Folders already loaded by this process, with their version: the tests start many servers on one
/// folder, and compress it once.
static LOADED: Mutex<Vec<(PathBuf, Arc<StaticFiles>)>> = Mutex::new(Vec::new());

impl StaticFiles {
    /// Reads `dir` and compresses its text files (once per process and version of the folder).
    pub fn load(dir: &Path) -> std::io::Result<Arc<StaticFiles>> {
        let (version, files) = read_tree(dir)?;
        let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, files)) = loaded
            .iter()
            .find(|(d, f)| d == dir && f.version == version)
        {
            return Ok(files.clone());
        }
        let files = Arc::new(StaticFiles {
            version,
            files: compress_all(files),
        });
        loaded.retain(|(d, _)| d != dir);
        loaded.push((dir.to_owned(), files.clone()));
        Ok(files)
    }

    pub fn version(&self) -> &AssetVersion {
        &self.version
    }

    /// The file at `path` in `coding` if it has that copy, else as it is; with the coding given.
    pub fn get(&self, path: &str, coding: Coding) -> Option<(Coding, Bytes)> {
        let (coding, body, _) = self.files.get(path)?.variant(coding);
        Some((coding, body.clone()))
    }
}

/// Builds every asset, compressing on every core: brotli at its best takes a while on the larger
/// stylesheets, and this runs before the server answers.
fn compress_all(files: Tree) -> HashMap<String, Asset> {
    let queue = Mutex::new(files);
    let done = Mutex::new(HashMap::new());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let Some((path, bytes)) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop()
                    else {
                        break;
                    };
                    let asset = asset(&path, bytes);
                    done.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(path, asset);
                }
            });
        }
    });
    done.into_inner().unwrap_or_else(|e| e.into_inner())
}

fn asset(path: &str, bytes: Vec<u8>) -> Asset {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime::TEXT
        || [mime::JAVASCRIPT, mime::JSON, mime::XML, mime::SVG].contains(&mime.subtype())
        || [Some(mime::XML), Some(mime::JSON)].contains(&mime.suffix());
    let utf8 =
        mime.type_() == mime::TEXT || [mime::JAVASCRIPT, mime::JSON].contains(&mime.subtype());
    let content_type = if utf8 && mime.get_param(mime::CHARSET).is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    let hash = Sha256::digest(&bytes);
    // Fonts and images are compressed already; a coding that saves little is not worth a variant.
    let worth = |c: Vec<u8>| (c.len() + c.len() / 10 < bytes.len()).then(|| Bytes::from(c));
    let (gzip, brotli) = if text {
        (worth(gzip(&bytes)), worth(brotli(&bytes)))
    } else {
        (None, None)
    };
    Asset {
        content_type: HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        tag: hex::encode(&hash[..8]),
        identity: Bytes::from(bytes),
        gzip,
        brotli,
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = brotli::CompressorWriter::new(Vec::new(), 64 * 1024, BROTLI_QUALITY, 22);
    let _ = encoder.write_all(bytes);
    encoder.into_inner()
}

/// Brotli's quality: 11 (its best) took five times as long as 9 on the larger stylesheets for a few
/// per cent less, and start-up pays it.
const BROTLI_QUALITY: u32 = 9;

/// The static file service. Any version segment is accepted: during a rolling deploy a page from
/// the old instance may ask the new one for its assets. Other methods than GET and HEAD get a 405.
pub fn service(files: Arc<StaticFiles>) -> actix_web::Resource {
    web::resource("/static/{version}/{path:.*}")
        .app_data(web::Data::from(files))
        .route(web::get().to(serve))
        .route(web::head().to(serve))
}

/// The Accept-Encoding header of a request for a static file, kept aside from the headers.
#[derive(Clone)]
struct AcceptedCodings(Option<String>);

/// Middleware, outside the Compress middleware: takes the Accept-Encoding header off requests for
/// static files, so that Compress leaves their answers alone (it would compress a font or an image
/// again on every request), and keeps it for `serve`, which answers from its compressed copies.
pub async fn keep_compression_to_ourselves(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.path().starts_with("/static/") {
        let values: Vec<String> = (req.headers_mut().remove(header::ACCEPT_ENCODING))
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        let accept = (!values.is_empty()).then(|| values.join(", "));
        req.extensions_mut().insert(AcceptedCodings(accept));
    }
    next.call(req).await
}

/// The codings the client accepts: kept aside by `keep_compression_to_ourselves`, or the header.
fn accepted_codings(req: &HttpRequest) -> Option<String> {
    match req.extensions().get::<AcceptedCodings>() {
        Some(AcceptedCodings(kept)) => kept.clone(),
        None => (req.headers().get(header::ACCEPT_ENCODING))
            .and_then(|v| v.to_str().ok().map(str::to_owned)),
    }
}

/// Whether the client's If-None-Match names `etag`: it has this very copy.
fn has_copy(req: &HttpRequest, etag: &str) -> bool {
    (req.headers().get(header::IF_NONE_MATCH))
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| (tags.split(',')).any(|t| t.trim().trim_start_matches("W/") == etag))
}

/// One ready body in the coding the client prefers, or 304 when it has it already.
async fn serve(
    req: HttpRequest,
    files: web::Data<StaticFiles>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_version, path) = path.into_inner();
    let hidden = path.split('/').any(|part| part.starts_with('.'));
    let asset = (files.files.get(&path))
        .filter(|_| !hidden)
        .ok_or(AppError::NotFound)?;
    let (coding, body, etag) = asset.variant(choose_coding(accepted_codings(&req).as_deref()));
    let fresh = has_copy(&req, &etag);
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::CACHE_CONTROL, CACHE_FOREVER))
        .insert_header((header::ETAG, etag));
    if asset.compressed() {
        res.insert_header((header::VARY, "Accept-Encoding"));
    }
    if fresh {
        return Ok(res.finish());
    }
    if let Some(coding) = coding.header() {
        res.insert_header((header::CONTENT_ENCODING, coding));
    }
    Ok(res
        .insert_header((header::CONTENT_TYPE, asset.content_type.clone()))
        .body(body.clone()))
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::path::Path;

    use super::{AssetVersion, Coding, StaticFiles, accepts_gzip, choose_coding};

    #[test]
    fn text_files_are_kept_compressed_and_decode_to_the_file() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
        let files = StaticFiles::load(&dir).unwrap();
        assert_eq!(files.version(), &AssetVersion::of_dir(&dir).unwrap());
        let (coding, css) = files.get("css/app.css", Coding::Identity).unwrap();
        assert_eq!(coding, Coding::Identity);
        assert_eq!(css, std::fs::read(dir.join("css/app.css")).unwrap());

        let (coding, gz) = files.get("css/app.css", Coding::Gzip).unwrap();
        assert_eq!(coding, Coding::Gzip);
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, css);

        let (coding, br) = files.get("css/app.css", Coding::Brotli).unwrap();
        assert_eq!(coding, Coding::Brotli);
        assert!(br.len() < gz.len(), "brotli is the smaller");
        let mut plain = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, css);

        let font = "vendor/krds/fonts/PretendardGOV-Regular.subset.woff2";
        let (coding, _) = files.get(font, Coding::Brotli).unwrap();
        assert_eq!(coding, Coding::Identity, "a font is compressed already");
        assert!(
            std::sync::Arc::ptr_eq(&files, &StaticFiles::load(&dir).unwrap()),
            "the folder is compressed once per process"
        );
    }

    #[test]
    fn the_smallest_coding_the_client_accepts_is_chosen() {
        assert_eq!(choose_coding(None), Coding::Identity);
        assert_eq!(choose_coding(Some("")), Coding::Identity);
        assert_eq!(
            choose_coding(Some("gzip, deflate, br, zstd")),
            Coding::Brotli
        );
        assert_eq!(choose_coding(Some("gzip")), Coding::Gzip);
        assert_eq!(choose_coding(Some("br;q=0.5, gzip")), Coding::Gzip);
        assert_eq!(choose_coding(Some("BR;Q=0.9, gzip;q=0.8")), Coding::Brotli);
        assert_eq!(choose_coding(Some("br;q=0, gzip;q=0")), Coding::Identity);
        assert_eq!(choose_coding(Some("deflate, identity")), Coding::Identity);
        assert_eq!(choose_coding(Some("*")), Coding::Brotli);
        assert_eq!(choose_coding(Some("*;q=0.1, br;q=0")), Coding::Gzip);
        assert_eq!(choose_coding(Some("x-gzip")), Coding::Gzip);
    }

    #[test]
    fn gzip_is_accepted_only_when_named_or_under_a_wildcard() {
        assert!(accepts_gzip(Some("gzip, deflate, br")));
        assert!(accepts_gzip(Some("x-gzip")));
        assert!(accepts_gzip(Some("br, *;q=0.1")));
        // A client that takes brotli only must not be sent gzip.
        assert!(!accepts_gzip(Some("br")));
        assert!(!accepts_gzip(Some("br, gzip;q=0")));
        assert!(!accepts_gzip(None));
    }
}
