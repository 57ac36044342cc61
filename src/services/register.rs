//! The public register (DOMAIN.md, "Public register"): publishing an approved issuer from what it
//! submitted, changing its status (suspension, reinstatement, revocation), recording its latest
//! attestation, and reading it for the public pages, CSV, JSON, lookup and feed.

use chrono::NaiveDate;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::audit::{self, Action, Event, ObjectType};
use crate::db;
use crate::db::applications::Application;
use crate::db::register::{Deployment, Entry, EventRow, Listed, NamedEvent, Search};
use crate::domain::application::SectionKind;
use crate::domain::application::form::Answers;
use crate::domain::reference::RegistrationNumber;
use crate::domain::register::RegisterStatus;
use crate::domain::token::{AddressRule, Chain, ContractAddress};
use crate::error::{AppError, AppResult};
use crate::services::Context;
use crate::services::application::answers_of;
use crate::services::review::clock::today;

/// Publishes the approved `case` on the register as `number`, from the answers it submitted (the
/// institution and token sections of its latest submission): the entry, one deployment per chain
/// row, and its first event. Runs inside the caller's transaction (the approval), so the number,
/// the decision and the entry stand or fall together.
pub async fn publish(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    case: &Application,
    number: &RegistrationNumber,
    conditions: Option<&str>,
) -> AppResult<()> {
    let institution = submitted_answers(conn, case, SectionKind::Institution).await?;
    let token = submitted_answers(conn, case, SectionKind::Token).await?;
    let today = today();
    let conditions = conditions.map(str::trim).filter(|c| !c.is_empty());
    let entry = entry_of(case, number, &institution, &token, today, conditions);
    let deployments = deployments_of(&token);
    db::register::insert(conn, &entry, &deployments, None).await?;
    let event = Event::new(
        Action::RegisterStatusChanged,
        ObjectType::RegisterEntry,
        number,
    )
    .with(serde_json::json!({
        "to": RegisterStatus::Registered.as_str(),
        "effective_on": today,
        "application_id": case.id,
        "institution_id": case.institution_id,
    }));
    audit::record(conn, cx.audit_key, cx.actor, event).await?;
    Ok(())
}

/// The answers of `section` as the regulator approved them: the version named by the latest
/// submission; or the newest version once the issuer has answered an information request, since
/// answers change sections (a section is open only while a request about it waits for answers,
/// and no decision is taken while one waits, so the newest version is the last one answered); or
/// the newest version for a case submitted before snapshots were kept.
async fn submitted_answers(
    conn: &mut AsyncPgConnection,
    case: &Application,
    section: SectionKind,
) -> AppResult<Answers> {
    let answered = db::information_requests::of_application(conn, case.id)
        .await?
        .iter()
        .any(|r| r.answered_on.is_some());
    let submitted = db::submissions::of_application(conn, case.id).await?;
    let version = submitted
        .last()
        .filter(|_| !answered)
        .and_then(|s| s.sections.get(section.as_str()))
        .and_then(serde_json::Value::as_i64)
        .and_then(|v| i32::try_from(v).ok());
    let stored = match version {
        Some(version) => db::section_versions::find(conn, case.id, section, version).await?,
        None => db::section_versions::latest(conn, case.id, section).await?,
    };
    let stored = stored.ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "approved application {} has no {} section",
            case.id,
            section.as_str()
        ))
    })?;
    Ok(answers_of(&stored.answers))
}

/// Text as typed, trimmed.
fn text(answers: &Answers, field: &str) -> String {
    answers.value(field).trim().to_owned()
}

fn entry_of(
    case: &Application,
    number: &RegistrationNumber,
    institution: &Answers,
    token: &Answers,
    today: NaiveDate,
    conditions: Option<&str>,
) -> Entry {
    let digits: String = institution
        .value("business_registration_number")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let lei = text(institution, "lei").to_ascii_uppercase();
    Entry {
        registration_number: number.to_string(),
        application_id: case.id,
        institution_id: case.institution_id,
        legal_name_ko: text(institution, "legal_name_ko"),
        legal_name_en: text(institution, "legal_name_en"),
        lei: (!lei.is_empty()).then_some(lei),
        business_registration_number: digits,
        address: text(institution, "head_office_address"),
        website: text(institution, "website"),
        token_name: text(token, "token_name"),
        ticker: text(token, "ticker").to_ascii_uppercase(),
        reference_currency: text(token, "reference_currency"),
        white_paper_url: text(token, "white_paper_url"),
        white_paper_version: text(token, "white_paper_version"),
        registered_on: today,
        status: RegisterStatus::Registered,
        status_since: today,
        conditions: conditions.map(str::to_owned),
        latest_attestation_on: None,
        latest_coverage_bp: None,
        updated_at: chrono::Utc::now(),
    }
}

/// One deployment per chain row, its address in the chain's canonical form (EIP-55 on EVM chains)
/// so that the lookup finds it however it is typed.
fn deployments_of(token: &Answers) -> Vec<Deployment> {
    token
        .rows("deployments")
        .iter()
        .filter_map(|row| {
            let chain = row.value("chain").trim();
            let raw = row.value("contract_address").trim();
            if chain.is_empty() || raw.is_empty() {
                return None;
            }
            let contract_address = chain
                .parse::<Chain>()
                .ok()
                .and_then(|c| ContractAddress::parse(c, raw).ok())
                .map_or_else(|| raw.to_owned(), |a| a.as_str().to_owned());
            Some(Deployment {
                chain: chain.to_owned(),
                contract_address,
            })
        })
        .collect()
}

/// What came of a change of status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChanged {
    Done,
    /// The status may not become the one asked for (a revocation is final; no change to itself).
    NotAllowed,
}

/// Suspends, reinstates or revokes the entry `number` from `effective_on`, with its reason in the
/// entry's public history and in the audit log.
pub async fn change_status(
    conn: &mut AsyncPgConnection,
    cx: &Context<'_>,
    number: &RegistrationNumber,
    status: RegisterStatus,
    reason: &str,
    effective_on: NaiveDate,
) -> AppResult<StatusChanged> {
    let number = number.to_string();
    conn.transaction::<_, AppError, _>(async |conn| {
        let entry = db::register::find(conn, &number, true)
            .await?
            .ok_or(AppError::NotFound)?;
        if !entry.status.may_become(status) {
            return Ok(StatusChanged::NotAllowed);
        }
        db::register::set_status(conn, &number, status, effective_on, reason).await?;
        let event = Event::new(
            Action::RegisterStatusChanged,
            ObjectType::RegisterEntry,
            &number,
        )
        .with(serde_json::json!({
            "from": entry.status.as_str(),
            "to": status.as_str(),
            "effective_on": effective_on,
            "reason": reason,
            "institution_id": entry.institution_id,
        }));
        audit::record(conn, cx.audit_key, cx.actor, event).await?;
        Ok(StatusChanged::Done)
    })
    .await
}

/// Records the date (`as_of`) and coverage (basis points of reserves over tokens outstanding) of
/// the entry's latest attestation; an attestation older than the one shown changes nothing. Call
/// inside the transaction that accepts the attestation (it writes that action's audit row).
/// Whether the entry took it.
pub async fn record_attestation(
    conn: &mut AsyncPgConnection,
    number: &RegistrationNumber,
    as_of: NaiveDate,
    coverage_bp: i64,
) -> AppResult<bool> {
    Ok(db::register::set_attestation(conn, &number.to_string(), as_of, coverage_bp).await?)
}

/// The entries matching `search`, with their deployments.
pub async fn search(conn: &mut AsyncPgConnection, search: &Search) -> AppResult<Vec<Listed>> {
    Ok(db::register::search(conn, search).await?)
}

/// One page of the register's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The entries of the page, with their deployments.
    pub entries: Vec<Listed>,
    /// How many entries the search found in all.
    pub found: usize,
    /// The page shown (from 1) and how many there are (at least one, even when nothing is found).
    pub page: usize,
    pub pages: usize,
}

/// Page `asked` (from 1) of the entries matching `search`, `size` a page: one past the end is the
/// last, and the count and the page are read in one snapshot. Three queries (the count, the page,
/// its deployments), whatever the register's size.
pub async fn page(
    conn: &mut AsyncPgConnection,
    search: &Search,
    asked: usize,
    size: u16,
) -> AppResult<Page> {
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run::<_, AppError, _>(async |conn| {
            let found = usize::try_from(db::register::count(conn, search).await?).unwrap_or(0);
            let pages = found.div_ceil(usize::from(size)).max(1);
            let page = asked.clamp(1, pages);
            let offset = i64::try_from((page - 1) * usize::from(size)).unwrap_or(i64::MAX);
            let entries = db::register::page(conn, search, offset, size).await?;
            Ok(Page {
                entries,
                found,
                page,
                pages,
            })
        })
        .await
}

/// The register's generation: it changes in the same transaction as every write to the register,
/// so that what was built from it can be kept under it (the downloads, their ETag).
pub async fn generation(conn: &mut AsyncPgConnection) -> AppResult<uuid::Uuid> {
    Ok(db::register::generation(conn).await?)
}

/// The whole register as of one moment, with the generation it has at that moment.
pub struct Snapshot {
    pub generation: uuid::Uuid,
    pub listed: Vec<Listed>,
    /// Every event, oldest first, when asked for (the JSON's histories).
    pub events: Vec<EventRow>,
}

/// Every entry with its deployments (and every event when `with_events`), read with the
/// generation in one snapshot (REPEATABLE READ): what is built from it belongs to that generation
/// even when the register changes meanwhile.
pub async fn snapshot(conn: &mut AsyncPgConnection, with_events: bool) -> AppResult<Snapshot> {
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run::<_, AppError, _>(async |conn| {
            let generation = db::register::generation(conn).await?;
            let listed = db::register::search(conn, &Search::default()).await?;
            let events = if with_events {
                db::register::all_events(conn).await?
            } else {
                Vec::new()
            };
            Ok(Snapshot {
                generation,
                listed,
                events,
            })
        })
        .await
}

/// An entry as its public page shows it.
pub struct EntryPage {
    pub entry: Entry,
    pub deployments: Vec<Deployment>,
    pub history: Vec<EventRow>,
}

/// The entry `number` with its deployments and history; an unknown number is not found.
pub async fn entry(conn: &mut AsyncPgConnection, number: &str) -> AppResult<EntryPage> {
    let entry = db::register::find(conn, number, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let deployments = db::register::deployments_of(conn, number).await?;
    let history = db::register::events_of(conn, number).await?;
    Ok(EntryPage {
        entry,
        deployments,
        history,
    })
}

/// The newest changes of the register, newest first (the Atom feed).
pub async fn latest_events(conn: &mut AsyncPgConnection) -> AppResult<Vec<NamedEvent>> {
    Ok(db::register::latest_events(conn, 100).await?)
}

/// What the lookup by chain and address found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The address is a registered issuer's token on that chain (normally one entry).
    Registered(Vec<(Entry, Deployment)>),
    /// A well-formed address that is not on the register.
    NotRegistered,
    /// Not an address of that chain at all.
    Malformed,
}

/// Whether the token at `address` on `chain` is on the register. EVM addresses match in any case.
pub async fn lookup(
    conn: &mut AsyncPgConnection,
    chain: Chain,
    address: &str,
) -> AppResult<Lookup> {
    let Ok(address) = ContractAddress::parse(chain, address) else {
        return Ok(Lookup::Malformed);
    };
    let any_case = chain.address_rule() == AddressRule::Evm;
    let found = db::register::lookup(conn, chain.as_str(), address.as_str(), any_case).await?;
    Ok(if found.is_empty() {
        Lookup::NotRegistered
    } else {
        Lookup::Registered(found)
    })
}
