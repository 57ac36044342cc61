//! The register as data: `/register.csv` (one row per chain deployment, so a token on three chains
//! is three rows) and `/register.json` (one object per entry with its deployments and history).
//! The columns are stable: new ones are only ever added at the end; they are described on the
//! register page and in the README. Dates are ISO 8601; one value per column.

use std::collections::HashMap;

use actix_web::http::header::{
    self, ContentDisposition, DispositionParam, DispositionType, EntityTag,
};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder, web};
use bytes::Bytes;
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use uuid::Uuid;

use super::{PUBLIC_MAX_AGE, RegisterQuery, brn, percent};
use crate::db::register::{Entry, EventRow, Listed, Search};
use crate::error::{AppError, AppResult};
use crate::services::register as service;
use crate::web::AppState;
use crate::web::assets::accepts_gzip;

/// The CSV's columns in order, each with the catalogue key of its description (the JSON's entry
/// fields have the same names, with `deployments` in place of `chain` and `contract_address`).
pub const COLUMNS: &[(&str, &str)] = &[
    ("registration_number", "register-column-registration_number"),
    ("status", "register-column-status"),
    ("status_since", "register-column-status_since"),
    ("registered_on", "register-column-registered_on"),
    ("legal_name_ko", "register-column-legal_name_ko"),
    ("legal_name_en", "register-column-legal_name_en"),
    ("lei", "register-column-lei"),
    (
        "business_registration_number",
        "register-column-business_registration_number",
    ),
    ("address", "register-column-address"),
    ("website", "register-column-website"),
    ("token_name", "register-column-token_name"),
    ("ticker", "register-column-ticker"),
    ("reference_currency", "register-column-reference_currency"),
    ("chain", "register-column-chain"),
    ("contract_address", "register-column-contract_address"),
    ("white_paper_url", "register-column-white_paper_url"),
    ("white_paper_version", "register-column-white_paper_version"),
    ("conditions", "register-column-conditions"),
    (
        "latest_attestation_on",
        "register-column-latest_attestation_on",
    ),
    (
        "latest_coverage_percent",
        "register-column-latest_coverage_percent",
    ),
    ("updated_at", "register-column-updated_at"),
];

/// Text someone typed, kept from being read as a formula by a spreadsheet.
fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A moment in UTC, to the second (RFC 3339, which is ISO 8601).
fn utc(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The CSV row of an entry on one chain (`None`: an entry without deployments, chain left empty).
fn record(entry: &Entry, chain: Option<(&str, &str)>) -> Vec<String> {
    let optional = |v: &Option<String>| v.as_deref().map(inert).unwrap_or_default();
    vec![
        entry.registration_number.clone(),
        entry.status.as_str().to_owned(),
        entry.status_since.to_string(),
        entry.registered_on.to_string(),
        inert(&entry.legal_name_ko),
        inert(&entry.legal_name_en),
        optional(&entry.lei),
        brn(&entry.business_registration_number),
        inert(&entry.address),
        inert(&entry.website),
        inert(&entry.token_name),
        inert(&entry.ticker),
        entry.reference_currency.clone(),
        chain.map(|c| c.0.to_owned()).unwrap_or_default(),
        chain.map(|c| inert(c.1)).unwrap_or_default(),
        inert(&entry.white_paper_url),
        inert(&entry.white_paper_version),
        optional(&entry.conditions),
        entry
            .latest_attestation_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        entry.latest_coverage_bp.map(percent).unwrap_or_default(),
        utc(&entry.updated_at),
    ]
}

/// The whole register (or the part a query asks for) as CSV, header first.
pub fn csv_of(listed: &[Listed]) -> AppResult<Vec<u8>> {
    let failed = |e: csv::Error| AppError::Internal(e.into());
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(COLUMNS.iter().map(|(name, _)| name))
        .map_err(failed)?;
    for l in listed {
        if l.deployments.is_empty() {
            csv.write_record(record(&l.entry, None)).map_err(failed)?;
        }
        for d in &l.deployments {
            let chain = Some((d.chain.as_str(), d.contract_address.as_str()));
            csv.write_record(record(&l.entry, chain)).map_err(failed)?;
        }
    }
    csv.into_inner().map_err(|e| AppError::Internal(e.into()))
}

/// The unfiltered downloads as last built by this instance, each kept under the register's
/// generation it was built from: a request reads the generation (one row) and is answered from
/// memory until the register changes. Every instance keeps its own; the generation, read from the
/// database on every request, keeps them all right.
#[derive(Default)]
pub struct Downloads {
    csv: Slot,
    json: Slot,
}

#[derive(Default)]
struct Slot {
    kept: std::sync::RwLock<Option<Built>>,
    /// One build at a time: the requests that arrive during it wait for it instead of building too.
    building: tokio::sync::Mutex<()>,
}

/// A body, gzipped once too, and the generation of the register it was built from.
#[derive(Clone)]
struct Built {
    generation: Uuid,
    body: Bytes,
    /// Megabytes compress tenfold; the Compress middleware would redo it for every reader.
    gzip: Bytes,
}

impl Built {
    /// The body in the coding the reader accepts (gzip or none), with its entity tag.
    fn variant(&self, req: &HttpRequest) -> (Option<&'static str>, &Bytes, EntityTag) {
        if wants_gzip(req) {
            (Some("gzip"), &self.gzip, etag_gzip(self.generation))
        } else {
            (None, &self.body, etag(self.generation))
        }
    }
}

/// Whether the reader accepts gzip (the kept downloads have no brotli copy: brotli at its best
/// takes seconds on megabytes, and gzip already makes them a tenth).
fn wants_gzip(req: &HttpRequest) -> bool {
    let accepts = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok());
    accepts_gzip(accepts)
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes)?;
    encoder.finish()
}

impl Slot {
    fn kept(&self, generation: Uuid) -> Option<Built> {
        let kept = self
            .kept
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.as_ref()
            .filter(|b| b.generation == generation)
            .cloned()
    }

    fn keep(&self, built: Built) {
        *self
            .kept
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(built);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Csv,
    Json,
}

/// The download `kind` of the register at `generation` (or later): kept, or built from one
/// snapshot of the register and kept under the generation read in that snapshot, so a body is
/// never kept under a generation it does not belong to.
async fn built(
    state: &AppState,
    conn: &mut AsyncPgConnection,
    kind: Kind,
    generation: Uuid,
) -> AppResult<Built> {
    let slot = match kind {
        Kind::Csv => &state.register_downloads.csv,
        Kind::Json => &state.register_downloads.json,
    };
    if let Some(built) = slot.kept(generation) {
        return Ok(built);
    }
    let _one_at_a_time = slot.building.lock().await;
    if let Some(built) = slot.kept(generation) {
        return Ok(built);
    }
    let snapshot = service::snapshot(conn, kind == Kind::Json).await?;
    let base = state
        .settings
        .base_url
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    let generation = snapshot.generation;
    // Megabytes of text: built off the worker's thread.
    let (body, gzip) = web::block(move || -> AppResult<(Vec<u8>, Vec<u8>)> {
        let body = match kind {
            Kind::Csv => csv_of(&snapshot.listed)?,
            Kind::Json => json_of(&snapshot.listed, &snapshot.events, &base)?,
        };
        let gzip = gzip(&body).map_err(|e| AppError::Internal(e.into()))?;
        Ok((body, gzip))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    let built = Built {
        generation,
        body: body.into(),
        gzip: gzip.into(),
    };
    slot.keep(built.clone());
    Ok(built)
}

/// The ETag of the register at `generation`.
fn etag(generation: Uuid) -> EntityTag {
    EntityTag::new_strong(generation.simple().to_string())
}

/// The ETag of the gzipped copy: a strong tag names one sequence of bytes.
fn etag_gzip(generation: Uuid) -> EntityTag {
    EntityTag::new_strong(format!("{}.gz", generation.simple()))
}

/// Whether the request's If-None-Match names the register at `generation` (or any version), in
/// either coding.
fn unchanged(req: &HttpRequest, generation: Uuid) -> bool {
    match req.get_header::<header::IfNoneMatch>() {
        Some(header::IfNoneMatch::Any) => true,
        Some(header::IfNoneMatch::Items(tags)) => tags
            .iter()
            .any(|t| t.weak_eq(&etag(generation)) || t.weak_eq(&etag_gzip(generation))),
        None => false,
    }
}

fn download(content_type: &str, name: &str) -> HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, PUBLIC_MAX_AGE))
        .insert_header((
            header::CONTENT_DISPOSITION,
            ContentDisposition {
                disposition: DispositionType::Inline,
                parameters: vec![DispositionParam::Filename(name.into())],
            },
        ));
    response
}

/// The whole register as `kind`: 304 when the reader holds it already, else the kept body (built
/// when the register changed), with its ETag.
async fn whole(req: &HttpRequest, state: &AppState, kind: Kind) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let generation = service::generation(&mut conn).await?;
    if unchanged(req, generation) {
        let tag = if wants_gzip(req) {
            etag_gzip(generation)
        } else {
            etag(generation)
        };
        return Ok(HttpResponse::NotModified()
            .insert_header(header::ETag(tag))
            .insert_header((header::VARY, "Accept-Encoding"))
            .insert_header((header::CACHE_CONTROL, PUBLIC_MAX_AGE))
            .finish());
    }
    let built = built(state, &mut conn, kind, generation).await?;
    let (content_type, name) = match kind {
        Kind::Csv => (CSV_TYPE, "register.csv"),
        Kind::Json => ("application/json", "register.json"),
    };
    let (coding, body, tag) = built.variant(req);
    let mut response = download(content_type, name);
    response
        .insert_header(header::ETag(tag))
        .insert_header((header::VARY, "Accept-Encoding"));
    // A response that names its coding already is left alone by the Compress middleware.
    if let Some(coding) = coding {
        response.insert_header((header::CONTENT_ENCODING, coding));
    }
    Ok(response.body(body.clone()))
}

const CSV_TYPE: &str = "text/csv; charset=utf-8";

/// GET /register.csv: the whole register, kept between its changes (see `Downloads`); with the
/// search page's filters, the part they ask for, built for the request.
pub async fn csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<RegisterQuery>,
) -> AppResult<HttpResponse> {
    let search = query.search();
    if search == Search::default() {
        return whole(&req, &state, Kind::Csv).await;
    }
    let mut conn = state.pool.get().await?;
    let listed = service::search(&mut conn, &search).await?;
    Ok(download(CSV_TYPE, "register.csv").body(csv_of(&listed)?))
}

#[derive(Serialize)]
struct JsonRegister<'a> {
    /// When this copy was made (RFC 3339, UTC).
    generated_at: String,
    entries: Vec<JsonEntry<'a>>,
}

#[derive(Serialize)]
struct JsonDeployment<'a> {
    chain: &'a str,
    contract_address: &'a str,
}

#[derive(Serialize)]
struct JsonEvent<'a> {
    status: &'static str,
    effective_on: String,
    recorded_at: String,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    registration_number: &'a str,
    status: &'static str,
    status_since: String,
    registered_on: String,
    legal_name_ko: &'a str,
    legal_name_en: &'a str,
    lei: Option<&'a str>,
    business_registration_number: String,
    address: &'a str,
    website: &'a str,
    token_name: &'a str,
    ticker: &'a str,
    reference_currency: &'a str,
    deployments: Vec<JsonDeployment<'a>>,
    white_paper_url: &'a str,
    white_paper_version: &'a str,
    conditions: Option<&'a str>,
    latest_attestation_on: Option<String>,
    latest_coverage_percent: Option<String>,
    updated_at: String,
    history: Vec<JsonEvent<'a>>,
    url: String,
}

fn json_entry<'a>(l: &'a Listed, events: &[&'a EventRow], base: &str) -> JsonEntry<'a> {
    let e = &l.entry;
    JsonEntry {
        registration_number: &e.registration_number,
        status: e.status.as_str(),
        status_since: e.status_since.to_string(),
        registered_on: e.registered_on.to_string(),
        legal_name_ko: &e.legal_name_ko,
        legal_name_en: &e.legal_name_en,
        lei: e.lei.as_deref(),
        business_registration_number: brn(&e.business_registration_number),
        address: &e.address,
        website: &e.website,
        token_name: &e.token_name,
        ticker: &e.ticker,
        reference_currency: &e.reference_currency,
        deployments: l
            .deployments
            .iter()
            .map(|d| JsonDeployment {
                chain: &d.chain,
                contract_address: &d.contract_address,
            })
            .collect(),
        white_paper_url: &e.white_paper_url,
        white_paper_version: &e.white_paper_version,
        conditions: e.conditions.as_deref(),
        latest_attestation_on: e.latest_attestation_on.map(|d| d.to_string()),
        latest_coverage_percent: e.latest_coverage_bp.map(percent),
        updated_at: utc(&e.updated_at),
        history: events
            .iter()
            .map(|ev| JsonEvent {
                status: ev.status.as_str(),
                effective_on: ev.effective_on.to_string(),
                recorded_at: utc(&ev.occurred_at),
                note: ev.note.as_deref(),
            })
            .collect(),
        url: format!("{base}/register/{}", e.registration_number),
    }
}

/// The JSON download: every entry with its deployments and its history.
fn json_of(listed: &[Listed], events: &[EventRow], base: &str) -> AppResult<Vec<u8>> {
    // Each entry's history, gathered once: searching all events for every entry grew with the
    // square of the register (a second for 3,000 entries).
    let mut histories: HashMap<&str, Vec<&EventRow>> = HashMap::new();
    for event in events {
        let number = event.registration_number.as_str();
        histories.entry(number).or_default().push(event);
    }
    let register = JsonRegister {
        generated_at: utc(&chrono::Utc::now()),
        entries: listed
            .iter()
            .map(|l| {
                let history = histories.get(l.entry.registration_number.as_str());
                json_entry(l, history.map_or(&[], Vec::as_slice), base)
            })
            .collect(),
    };
    // Compact: the indentation was a quarter of a register read by programs (a browser shows JSON
    // indented by itself).
    serde_json::to_vec(&register).map_err(|e| AppError::Internal(e.into()))
}

/// GET /register.json: every entry with its deployments and its history, kept between the
/// register's changes (see `Downloads`).
pub async fn json(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    whole(&req, &state, Kind::Json).await
}
