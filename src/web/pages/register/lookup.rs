//! Is the token someone is offering registered? The lookup by chain and contract address, as a
//! page and as JSON (`/register/lookup.json`, or the page asked with `Accept: application/json`).
//! The register's main public use: an address that is not on it is said so plainly, with a
//! warning that imitations borrow registered issuers' names and tickers.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::{PUBLIC_MAX_AGE, RegisterWords};
use crate::db::register::{Deployment, Entry};
use crate::domain::register::RegisterStatus;
use crate::domain::token::Chain;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::services::register::{self as service, Lookup};
use crate::web::forms::Errors;
use crate::web::reply::page;
use crate::web::{AppState, PageContext};

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct LookupQuery {
    pub chain: String,
    pub address: String,
}

/// What was asked, read: nothing yet, a question to answer, or what is wrong with it.
enum Asked {
    Nothing,
    Question(Chain, String),
    Wrong(Errors),
}

impl LookupQuery {
    fn read(&self) -> Asked {
        let address = self.address.trim();
        if self.chain.is_empty() && address.is_empty() {
            return Asked::Nothing;
        }
        let mut errors = Errors::default();
        let chain = self.chain.parse::<Chain>().ok();
        if chain.is_none() {
            errors.add("chain", "field-choose-one");
        }
        if address.is_empty() {
            errors.add("address", "register-lookup-address-missing");
        }
        match chain {
            Some(chain) if errors.is_empty() => Asked::Question(chain, address.to_owned()),
            _ => Asked::Wrong(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "register/lookup.html")]
struct LookupPage {
    ctx: PageContext,
    query: LookupQuery,
    errors: Errors,
    chains: &'static [Chain],
    answer: Option<Lookup>,
}

impl RegisterWords for LookupPage {
    fn lang(&self) -> Lang {
        self.ctx.lang
    }
}

impl LookupPage {
    fn chain_label(&self, chain: &Chain) -> String {
        self.ctx.t(chain.label_key())
    }
}

/// Whether the client asked for JSON rather than a page.
fn wants_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json") && !accept.contains("text/html"))
}

/// GET /register/lookup: the form, and the answer once a chain and an address are given.
pub async fn page_or_json(
    req: HttpRequest,
    ctx: PageContext,
    state: web::Data<AppState>,
    query: web::Query<LookupQuery>,
) -> AppResult<HttpResponse> {
    if wants_json(&req) {
        return json(state, query).await;
    }
    let query = query.into_inner();
    let (answer, errors) = match query.read() {
        Asked::Nothing => (None, Errors::default()),
        Asked::Wrong(errors) => (None, errors),
        Asked::Question(chain, address) => {
            let mut conn = state.pool.get().await?;
            let answer = service::lookup(&mut conn, chain, &address).await?;
            (Some(answer), Errors::default())
        }
    };
    let view = LookupPage {
        ctx,
        query,
        errors,
        chains: Chain::ALL,
        answer,
    };
    page(&view, StatusCode::OK)
}

#[derive(Serialize)]
struct JsonAnswer<'a> {
    chain: &'a str,
    address: &'a str,
    /// Whether `address` is a well-formed address of `chain` at all.
    valid_address: bool,
    registered: bool,
    /// The registered issuers whose token this is (normally one).
    issuers: Vec<JsonIssuer<'a>>,
    warning: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonIssuer<'a> {
    registration_number: &'a str,
    legal_name_ko: &'a str,
    legal_name_en: &'a str,
    token_name: &'a str,
    ticker: &'a str,
    status: &'static str,
    status_since: String,
    contract_address: &'a str,
    url: String,
}

fn issuer<'a>(base: &str, entry: &'a Entry, deployment: &'a Deployment) -> JsonIssuer<'a> {
    JsonIssuer {
        registration_number: &entry.registration_number,
        legal_name_ko: &entry.legal_name_ko,
        legal_name_en: &entry.legal_name_en,
        token_name: &entry.token_name,
        ticker: &entry.ticker,
        status: entry.status.as_str(),
        status_since: entry.status_since.to_string(),
        contract_address: &deployment.contract_address,
        url: format!("{base}/register/{}", entry.registration_number),
    }
}

/// The warning given with every answer that is not a registered token, in English (the JSON is
/// for programs; the page says it in the reader's language).
const NOT_REGISTERED: &str = "This address is not on the public register of stablecoin issuers. \
    Tokens imitating registered issuers, with their names and tickers, have appeared before: do \
    not treat a token as registered unless its exact address is listed here.";

/// GET /register/lookup.json: the lookup's answer as JSON; 400 when the chain or address is missing.
pub async fn json(
    state: web::Data<AppState>,
    query: web::Query<LookupQuery>,
) -> AppResult<HttpResponse> {
    let Asked::Question(chain, address) = query.read() else {
        let body = serde_json::json!({
            "error": "give chain (one of the codes in chains) and address",
            "chains": Chain::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        });
        return Ok(HttpResponse::BadRequest().json(body));
    };
    let mut conn = state.pool.get().await?;
    let answer = service::lookup(&mut conn, chain, &address).await?;
    let base = state.settings.base_url.as_str().trim_end_matches('/');
    let issuers: Vec<JsonIssuer<'_>> = match &answer {
        Lookup::Registered(found) => found.iter().map(|(e, d)| issuer(base, e, d)).collect(),
        _ => Vec::new(),
    };
    let body = JsonAnswer {
        chain: chain.as_str(),
        address: &address,
        valid_address: answer != Lookup::Malformed,
        registered: !issuers.is_empty(),
        warning: issuers.is_empty().then_some(NOT_REGISTERED),
        issuers,
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_MAX_AGE))
        .insert_header((header::VARY, "Accept"))
        .json(body))
}
