//! The public register, without signing in: the searchable list, an issuer's page with its status
//! history, the CSV and JSON downloads, the lookup by chain and contract address, the Atom feed of
//! changes; and the page on which an approver or an admin changes an issuer's status.

pub mod downloads;
pub mod feed;
pub mod lookup;
pub mod status;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::register::{Deployment, Entry, EventRow, Listed, Search};
use crate::domain::money::ReferenceCurrency;
use crate::domain::reference::RegistrationNumber;
use crate::domain::register::RegisterStatus;
use crate::domain::token::Chain;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::services::register as service;
use crate::web::reply::page;
use crate::web::{AppState, PageContext};

/// How long the public downloads may be kept by browsers and proxies: short, so that a suspension
/// or a revocation shows within a minute everywhere (the pages themselves are not cached).
pub const PUBLIC_MAX_AGE: &str = "public, max-age=60";

/// What the register's search form sends; unknown values are ignored.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct RegisterQuery {
    pub q: String,
    pub status: String,
    pub chain: String,
    pub currency: String,
    /// The page of the list, from 1; anything else is the first.
    pub page: String,
}

/// How many issuers one page of the register lists.
const PAGE_SIZE: u16 = 50;

impl RegisterQuery {
    /// The register's URL with this search on page `page`.
    fn page_url(&self, page: usize) -> String {
        let page = page.to_string();
        let pairs = [
            ("q", self.q.as_str()),
            ("status", self.status.as_str()),
            ("chain", self.chain.as_str()),
            ("currency", self.currency.as_str()),
            ("page", page.as_str()),
        ];
        let kept: Vec<_> = pairs.iter().filter(|(_, v)| !v.is_empty()).collect();
        format!(
            "/register?{}",
            serde_urlencoded::to_string(kept).unwrap_or_default()
        )
    }

    /// The search the query asks for: a registration number exactly, else a ticker or part of a
    /// name, with the filters that name a known status, chain or currency.
    pub fn search(&self) -> Search {
        let text = self.q.trim();
        Search {
            number: text
                .parse::<RegistrationNumber>()
                .ok()
                .map(|n| n.to_string()),
            text: (!text.is_empty()).then(|| text.to_owned()),
            status: self.status.parse().ok(),
            chain: self
                .chain
                .parse::<Chain>()
                .ok()
                .map(|c| c.as_str().to_owned()),
            currency: self
                .currency
                .parse::<ReferenceCurrency>()
                .ok()
                .map(|c| c.as_str().to_owned()),
        }
    }
}

/// The words a register page needs for an entry, in the reader's language.
pub trait RegisterWords {
    fn lang(&self) -> Lang;

    /// The issuer's legal name in the reader's language.
    fn name<'a>(&self, entry: &'a Entry) -> &'a str {
        match self.lang() {
            Lang::Ko => &entry.legal_name_ko,
            Lang::En => &entry.legal_name_en,
        }
    }

    /// A chain's name, or its code if this version does not know it.
    fn chain_name(&self, code: &str) -> String {
        code.parse::<Chain>()
            .map_or_else(|_| code.to_owned(), |c| self.lang().t(c.label_key()))
    }

    fn status_name(&self, status: &RegisterStatus) -> String {
        self.lang().t(status.label_key())
    }
}

/// A business registration number as people write it: `123-45-67890`.
pub fn brn(digits: &str) -> String {
    if digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &digits[..3], &digits[3..5], &digits[5..])
    } else {
        digits.to_owned()
    }
}

/// Basis points as a percentage with two decimals: 10235 is "102.35".
pub fn percent(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let bp = bp.unsigned_abs();
    format!("{sign}{}.{:02}", bp / 100, bp % 100)
}

#[derive(Template)]
#[template(path = "register/list.html")]
struct ListPage {
    ctx: PageContext,
    query: RegisterQuery,
    /// How many issuers the search found, on every page.
    found: usize,
    page: usize,
    pages: usize,
    previous: Option<String>,
    next: Option<String>,
    entries: Vec<Listed>,
    statuses: &'static [RegisterStatus],
    chains: &'static [Chain],
    currencies: &'static [ReferenceCurrency],
}

impl ListPage {
    /// "page 2 of 7", in the page's language.
    fn page_of(&self) -> String {
        let args = vec![
            ("page", self.page.to_string()),
            ("pages", self.pages.to_string()),
        ];
        self.ctx.message_with("register-page-of", args)
    }
}

impl RegisterWords for ListPage {
    fn lang(&self) -> Lang {
        self.ctx.lang
    }
}

impl ListPage {
    fn chain_label(&self, chain: &Chain) -> String {
        self.ctx.t(chain.label_key())
    }

    /// The downloads' columns with the catalogue key of each one's description.
    fn columns(&self) -> &'static [(&'static str, &'static str)] {
        downloads::COLUMNS
    }
}

pub async fn list(
    ctx: PageContext,
    state: web::Data<AppState>,
    query: web::Query<RegisterQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let mut conn = state.pool.get().await?;
    let asked = query.page.trim().parse().unwrap_or(1);
    let service::Page {
        entries,
        found,
        page: current,
        pages,
    } = service::page(&mut conn, &query.search(), asked, PAGE_SIZE).await?;
    let list = ListPage {
        previous: (current > 1).then(|| query.page_url(current - 1)),
        next: (current < pages).then(|| query.page_url(current + 1)),
        found,
        page: current,
        pages,
        ctx,
        query,
        entries,
        statuses: RegisterStatus::ALL,
        chains: Chain::ALL,
        currencies: ReferenceCurrency::ALL,
    };
    page(&list, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "register/entry.html")]
struct EntryPage {
    ctx: PageContext,
    entry: Entry,
    deployments: Vec<Deployment>,
    history: Vec<EventRow>,
}

impl RegisterWords for EntryPage {
    fn lang(&self) -> Lang {
        self.ctx.lang
    }
}

impl EntryPage {
    fn brn(&self) -> String {
        brn(&self.entry.business_registration_number)
    }

    fn coverage(&self, bp: &i64) -> String {
        percent(*bp)
    }

    /// Whether the reader may change the issuer's status (an approver or an admin).
    fn may_change_status(&self) -> bool {
        self.ctx
            .user
            .as_ref()
            .is_some_and(|u| crate::web::access::Access::Registrar.admits(u))
    }
}

pub async fn show(
    ctx: PageContext,
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> AppResult<HttpResponse> {
    let number: RegistrationNumber = number
        .parse()
        .map_err(|_| crate::error::AppError::NotFound)?;
    let mut conn = state.pool.get().await?;
    let service::EntryPage {
        entry,
        deployments,
        history,
    } = service::entry(&mut conn, &number.to_string()).await?;
    let view = EntryPage {
        ctx,
        entry,
        deployments,
        history,
    };
    page(&view, StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_as_people_read_them() {
        assert_eq!(brn("1248100998"), "124-81-00998");
        assert_eq!(brn("12481"), "12481");
        assert_eq!(percent(10_235), "102.35");
        assert_eq!(percent(10_000), "100.00");
        assert_eq!(percent(5), "0.05");
        assert_eq!(percent(-150), "-1.50");
    }

    #[test]
    fn a_query_reads_a_number_a_text_and_known_filters_only() {
        let query = RegisterQuery {
            q: " krsc-2026-0001 ".into(),
            status: "suspended".into(),
            chain: "ethereum".into(),
            currency: "EUR".into(),
            page: "2".into(),
        };
        let search = query.search();
        assert_eq!(search.number.as_deref(), Some("KRSC-2026-0001"));
        assert_eq!(search.status, Some(RegisterStatus::Suspended));
        assert_eq!(search.chain.as_deref(), Some("ethereum"));
        assert_eq!(search.currency, None);
        // The next page keeps the search and its filters, the unknown currency as sent.
        assert_eq!(
            query.page_url(3),
            "/register?q=+krsc-2026-0001+&status=suspended&chain=ethereum&currency=EUR&page=3"
        );
        let by_name = RegisterQuery {
            q: "Won".into(),
            status: "bogus".into(),
            ..RegisterQuery::default()
        }
        .search();
        assert_eq!(
            (by_name.number, by_name.text.as_deref(), by_name.status),
            (None, Some("Won"), None)
        );
    }
}
