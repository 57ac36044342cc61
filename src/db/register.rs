//! The public register: its entries, each chain deployment, and the append-only history of every
//! change of status (the Atom feed reads it). Published at approval; read by anyone.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::paging;
use crate::db::schema::{
    register_deployments, register_entries, register_events, register_generation,
};
use crate::domain::register::RegisterStatus;

diesel::define_sql_function! {
    /// SQL's `upper`: the ticker index is on `upper(ticker)`.
    fn upper(text: Text) -> Text;
}

diesel::define_sql_function! {
    /// SQL's `lower`: the lookup index is on `lower(contract_address)`.
    fn lower(text: Text) -> Text;
}

/// An entry of the register, as published and kept up to date.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = register_entries)]
pub struct Entry {
    pub registration_number: String,
    pub application_id: Uuid,
    pub institution_id: Uuid,
    pub legal_name_ko: String,
    pub legal_name_en: String,
    pub lei: Option<String>,
    pub business_registration_number: String,
    pub address: String,
    pub website: String,
    pub token_name: String,
    pub ticker: String,
    pub reference_currency: String,
    pub white_paper_url: String,
    pub white_paper_version: String,
    pub registered_on: NaiveDate,
    pub status: RegisterStatus,
    pub status_since: NaiveDate,
    pub conditions: Option<String>,
    pub latest_attestation_on: Option<NaiveDate>,
    pub latest_coverage_bp: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

/// A token's contract on one chain.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Deployment {
    pub chain: String,
    pub contract_address: String,
}

/// One change of an entry's status, in the order they happened.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct EventRow {
    pub seq: i64,
    pub registration_number: String,
    pub occurred_at: DateTime<Utc>,
    pub status: RegisterStatus,
    pub effective_on: NaiveDate,
    pub note: Option<String>,
}

/// An event with the names of the entry it is about (the feed's entries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedEvent {
    pub event: EventRow,
    pub legal_name_en: String,
    pub legal_name_ko: String,
    pub ticker: String,
}

/// An entry with its deployments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub entry: Entry,
    pub deployments: Vec<Deployment>,
}

/// What a search of the register asks for; each part only when given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// A registration number exactly, or a ticker exactly (any case), or part of a name.
    pub text: Option<String>,
    /// Read as a registration number when it is one.
    pub number: Option<String>,
    pub status: Option<RegisterStatus>,
    pub chain: Option<String>,
    pub currency: Option<String>,
}

const EVENT_COLUMNS: (
    register_events::seq,
    register_events::registration_number,
    register_events::occurred_at,
    register_events::status,
    register_events::effective_on,
    register_events::note,
) = (
    register_events::seq,
    register_events::registration_number,
    register_events::occurred_at,
    register_events::status,
    register_events::effective_on,
    register_events::note,
);

/// Publishes a new entry with its deployments and its first event. Call inside the approval's
/// transaction.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    entry: &Entry,
    deployments: &[Deployment],
    note: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(register_entries::table)
        .values(entry)
        .execute(conn)
        .await?;
    let rows: Vec<_> = deployments
        .iter()
        .map(|d| {
            (
                register_deployments::registration_number.eq(&entry.registration_number),
                register_deployments::chain.eq(&d.chain),
                register_deployments::contract_address.eq(&d.contract_address),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(register_deployments::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    insert_event(
        conn,
        &entry.registration_number,
        entry.status,
        entry.registered_on,
        note,
    )
    .await
}

/// Appends an event to an entry's history.
async fn insert_event(
    conn: &mut AsyncPgConnection,
    number: &str,
    status: RegisterStatus,
    effective_on: NaiveDate,
    note: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(register_events::table)
        .values((
            register_events::registration_number.eq(number),
            register_events::status.eq(status),
            register_events::effective_on.eq(effective_on),
            register_events::note.eq(note),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// The entry `number`, locked for a change of its status when `for_update`.
pub async fn find(
    conn: &mut AsyncPgConnection,
    number: &str,
    for_update: bool,
) -> QueryResult<Option<Entry>> {
    let query = register_entries::table
        .find(number)
        .select(Entry::as_select());
    if for_update {
        query.for_update().first(conn).await.optional()
    } else {
        query.first(conn).await.optional()
    }
}

/// Changes an entry's status from `from` (as read under the lock), with its event.
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    number: &str,
    status: RegisterStatus,
    effective_on: NaiveDate,
    reason: &str,
) -> QueryResult<()> {
    diesel::update(register_entries::table.find(number))
        .set((
            register_entries::status.eq(status),
            register_entries::status_since.eq(effective_on),
            register_entries::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    insert_event(conn, number, status, effective_on, Some(reason)).await
}

/// Records the date and coverage of an entry's latest attestation; an older one changes nothing.
/// Whether the entry took it.
pub async fn set_attestation(
    conn: &mut AsyncPgConnection,
    number: &str,
    as_of: NaiveDate,
    coverage_bp: i64,
) -> QueryResult<bool> {
    diesel::update(
        register_entries::table.find(number).filter(
            register_entries::latest_attestation_on
                .is_null()
                .or(register_entries::latest_attestation_on.le(as_of)),
        ),
    )
    .set((
        register_entries::latest_attestation_on.eq(as_of),
        register_entries::latest_coverage_bp.eq(coverage_bp),
        register_entries::updated_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// The entry of an application, if it was published.
pub async fn of_application(
    conn: &mut AsyncPgConnection,
    application: Uuid,
) -> QueryResult<Option<Entry>> {
    register_entries::table
        .filter(register_entries::application_id.eq(application))
        .select(Entry::as_select())
        .first(conn)
        .await
        .optional()
}

/// The entries matching `search`, in no order yet: a registration number alone when one is asked
/// for, else a ticker exactly or part of a name, with each filter given.
fn filtered(search: &Search) -> register_entries::BoxedQuery<'static, Pg> {
    let mut query = register_entries::table.into_boxed();
    if let Some(number) = &search.number {
        query = query.filter(register_entries::registration_number.eq(number.clone()));
    } else if let Some(text) = &search.text {
        let pattern = format!("%{}%", super::escape_like(text));
        query = query.filter(
            upper(register_entries::ticker)
                .eq(text.to_uppercase())
                .or(register_entries::legal_name_en.ilike(pattern.clone()))
                .or(register_entries::legal_name_ko.ilike(pattern.clone()))
                .or(register_entries::token_name.ilike(pattern)),
        );
    }
    if let Some(status) = search.status {
        query = query.filter(register_entries::status.eq(status));
    }
    if let Some(currency) = &search.currency {
        query = query.filter(register_entries::reference_currency.eq(currency.clone()));
    }
    if let Some(chain) = &search.chain {
        let on_chain = register_deployments::table
            .select(register_deployments::registration_number)
            .filter(register_deployments::chain.eq(chain.clone()));
        query = query.filter(register_entries::registration_number.eq_any(on_chain));
    }
    query
}

/// How many entries match `search`: for the whole register the count its trigger keeps beside the
/// generation (see the migration register_count), else an index-only count of the matches.
pub async fn count(conn: &mut AsyncPgConnection, search: &Search) -> QueryResult<i64> {
    if *search == Search::default() {
        return register_generation::table
            .select(register_generation::entries)
            .first(conn)
            .await;
    }
    filtered(search).count().get_result(conn).await
}

/// The entries matching `search` in the register's order (date of registration, then number).
fn in_order(search: &Search) -> register_entries::BoxedQuery<'static, Pg, EntrySql> {
    filtered(search)
        .order((
            register_entries::registered_on,
            register_entries::registration_number,
        ))
        .select(Entry::as_select())
}

type EntrySql = diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<Entry, Pg>>;

/// `rows` entries matching `search` after the first `offset`, in the register's order, each with
/// its deployments: two queries, the second only for the deployments of the entries read. A page
/// is read through the index in that order (register_entries_in_order, or the status's or the
/// currency's); OFFSET walks the entries before it, which is cheap at the register's size (a few
/// thousand issuers at most). The page's length is written into the statement (`db::paging`), and
/// the first page, which most readers ask for, has no OFFSET: its plan is made once per connection.
pub async fn page(
    conn: &mut AsyncPgConnection,
    search: &Search,
    offset: i64,
    rows: u16,
) -> QueryResult<Vec<Listed>> {
    let entries: Vec<Entry> = if offset == 0 {
        paging::limited(in_order(search), rows).load(conn).await?
    } else {
        paging::limited(in_order(search).offset(offset), rows)
            .load(conn)
            .await?
    };
    with_deployments(conn, search, entries).await
}

/// Every entry matching `search` with all its deployments, in the register's order.
pub async fn search(conn: &mut AsyncPgConnection, search: &Search) -> QueryResult<Vec<Listed>> {
    let entries = in_order(search).load(conn).await?;
    with_deployments(conn, search, entries).await
}

/// `entries` (those of `search`) each with its deployments, read in one query.
async fn with_deployments(
    conn: &mut AsyncPgConnection,
    search: &Search,
    entries: Vec<Entry>,
) -> QueryResult<Vec<Listed>> {
    let numbers: Vec<String> = entries
        .iter()
        .map(|e| e.registration_number.clone())
        .collect();
    // The deployments of the entries read: of the numbers read when they are a page, else of
    // the same search as a subquery (an array of thousands of numbers is compared one by one).
    let mut deployments = register_deployments::table.into_boxed();
    deployments = if entries.len() <= 1_000 {
        deployments.filter(register_deployments::registration_number.eq_any(numbers))
    } else {
        let numbers = filtered(search).select(register_entries::registration_number);
        deployments.filter(register_deployments::registration_number.eq_any(numbers))
    };
    let rows: Vec<(String, String, String)> = deployments
        .order((
            register_deployments::registration_number,
            register_deployments::chain,
            register_deployments::contract_address,
        ))
        .select((
            register_deployments::registration_number,
            register_deployments::chain,
            register_deployments::contract_address,
        ))
        .load(conn)
        .await?;
    let mut of: HashMap<String, Vec<Deployment>> = HashMap::new();
    for (number, chain, contract_address) in rows {
        of.entry(number).or_default().push(Deployment {
            chain,
            contract_address,
        });
    }
    Ok(entries
        .into_iter()
        .map(|entry| Listed {
            deployments: of.remove(&entry.registration_number).unwrap_or_default(),
            entry,
        })
        .collect())
}

/// The register's generation: it changes with every write to the register (a trigger sets it), in
/// the writer's transaction.
pub async fn generation(conn: &mut AsyncPgConnection) -> QueryResult<Uuid> {
    register_generation::table
        .select(register_generation::generation)
        .first(conn)
        .await
}

/// The deployments of an entry.
pub async fn deployments_of(
    conn: &mut AsyncPgConnection,
    number: &str,
) -> QueryResult<Vec<Deployment>> {
    register_deployments::table
        .filter(register_deployments::registration_number.eq(number))
        .order((
            register_deployments::chain,
            register_deployments::contract_address,
        ))
        .select((
            register_deployments::chain,
            register_deployments::contract_address,
        ))
        .load(conn)
        .await
}

/// The history of an entry, oldest first.
pub async fn events_of(conn: &mut AsyncPgConnection, number: &str) -> QueryResult<Vec<EventRow>> {
    register_events::table
        .filter(register_events::registration_number.eq(number))
        .order(register_events::seq)
        .select(EVENT_COLUMNS)
        .load(conn)
        .await
}

/// Every event of the register, oldest first (the JSON's histories).
pub async fn all_events(conn: &mut AsyncPgConnection) -> QueryResult<Vec<EventRow>> {
    register_events::table
        .order(register_events::seq)
        .select(EVENT_COLUMNS)
        .load(conn)
        .await
}

/// The newest `limit` events with the names of their entries, newest first (the Atom feed).
pub async fn latest_events(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> QueryResult<Vec<NamedEvent>> {
    let rows: Vec<(EventRow, String, String, String)> = register_events::table
        .inner_join(register_entries::table)
        .order(register_events::seq.desc())
        .limit(limit)
        .select((
            EVENT_COLUMNS,
            register_entries::legal_name_en,
            register_entries::legal_name_ko,
            register_entries::ticker,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(event, legal_name_en, legal_name_ko, ticker)| NamedEvent {
            event,
            legal_name_en,
            legal_name_ko,
            ticker,
        })
        .collect())
}

/// The entries with a deployment on `chain` at `address`: any case when `any_case` (EVM addresses
/// are hex, their case only a checksum), else exactly. Uses the lookup index on
/// `(chain, lower(contract_address))`.
pub async fn lookup(
    conn: &mut AsyncPgConnection,
    chain: &str,
    address: &str,
    any_case: bool,
) -> QueryResult<Vec<(Entry, Deployment)>> {
    let mut query = register_deployments::table
        .inner_join(register_entries::table)
        .filter(register_deployments::chain.eq(chain))
        .filter(lower(register_deployments::contract_address).eq(address.to_lowercase()))
        .select((
            Entry::as_select(),
            (
                register_deployments::chain,
                register_deployments::contract_address,
            ),
        ))
        .order(register_entries::registration_number)
        .into_boxed();
    if !any_case {
        query = query.filter(register_deployments::contract_address.eq(address.to_owned()));
    }
    query.load(conn).await
}
