//! The one declaration of a section's questions, and everything worked out from it: the answers as
//! typed (`Answers`, kept even when wrong, so nothing typed is lost), reading them back from a posted
//! form, and every check of shape and meaning (`problems`). The form page, the task list's status,
//! the check-your-answers page, the completeness check and the regulator's read-only view all walk
//! the same declaration, so a field added here appears everywhere at once.
//!
//! A field is addressed by its `FieldPath`: its name, or a group's name, a row's stable id and the
//! field's name. Information requests and version comparisons point at these paths; the page uses
//! `html_id` for anchors and error links.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::documents::DocumentKind;
use super::section::SectionKind;
use crate::domain::attestation::Isin;
use crate::domain::email::EmailAddress;
use crate::domain::identifiers::{BusinessRegistrationNumber, CorporateRegistrationNumber, Lei};
use crate::domain::money::{Amount, Krw, ReferenceCurrency};
use crate::domain::person_name::PersonName;
use crate::domain::share::BasisPoints;
use crate::domain::telephone::TelephoneNumber;
use crate::domain::token::{Chain, ContractAddress, Ticker};

/// What a section asks, in the order its page shows it.
#[derive(Debug)]
pub struct Section {
    pub kind: SectionKind,
    /// The sentence under the page's heading.
    pub intro: &'static str,
    pub items: &'static [Item],
    /// Checks across fields (share totals, an address on its row's chain), beyond each field's own.
    pub cross_checks: fn(&Answers, &mut Vec<Problem>),
}

/// One question, a repeating group of questions, or a document to upload.
#[derive(Debug)]
pub enum Item {
    Field(Field),
    Group(Group),
    /// A document the section asks for; uploaded apart from the form (multipart), so listed here for
    /// the completeness check and the read-only views.
    Document(DocumentKind),
}

#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    /// The catalogue key of the label.
    pub label: &'static str,
    /// The catalogue key of the hint under the label, if any.
    pub hint: Option<&'static str>,
    pub kind: Kind,
    pub required: bool,
}

/// A question asked once per row: shareholders, directors, chains, reserve lines, corridors.
#[derive(Debug)]
pub struct Group {
    pub name: &'static str,
    /// The legend of the whole group.
    pub label: &'static str,
    /// The heading of one row ("Shareholder {$number}").
    pub row_label: &'static str,
    pub hint: Option<&'static str>,
    pub fields: &'static [Field],
    pub min_rows: usize,
    pub max_rows: usize,
    /// A document asked for once per row (a director's CV).
    pub row_document: Option<DocumentKind>,
}

/// What kind of answer a field takes, which decides both its input and its check.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// One line of text, at most this many characters.
    Text(usize),
    /// Several lines of text, at most this many characters.
    Paragraph(usize),
    PersonName,
    Email,
    Telephone,
    /// An `https://` (or `http://`) address.
    Url,
    /// A calendar date, `YYYY-MM-DD`, not in the future when `past` is set.
    Date {
        past: bool,
    },
    /// Whole won.
    Krw,
    /// An amount in the token's reference currency: whole won, or dollars with cents. Checked
    /// here to the finer of the two; the attestation's figures check it in the currency itself.
    Amount,
    /// An ISIN, with its check digit.
    Isin,
    /// A whole number of units (tokens, days).
    Count,
    /// A percentage, kept as basis points.
    Percent,
    BusinessRegistrationNumber,
    CorporateRegistrationNumber,
    Lei,
    Ticker,
    /// One of a fixed list.
    Choice(&'static [Opt]),
    /// Any of a fixed list.
    Choices(&'static [Opt]),
    /// A yes-or-no question.
    YesNo,
    /// A statement the applicant must tick to confirm.
    Confirm,
    /// A contract address on the chain named by the row's field of this name.
    ContractAddress {
        chain_field: &'static str,
    },
}

/// One option of a choice: its stored value and the catalogue key of its label.
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    pub value: &'static str,
    pub label: &'static str,
}

/// Longest text any field keeps, whatever its own limit: a bound on what a post can make us store.
pub const MAX_TEXT: usize = 10_000;

/// The current answers of every section saved so far: what checks across sections read.
pub type AllAnswers = BTreeMap<SectionKind, Answers>;

/// The answers of one section as typed. Stored as JSON in each saved version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Answers {
    /// Single answers by field name.
    pub values: BTreeMap<String, String>,
    /// The options ticked of each multiple choice.
    pub lists: BTreeMap<String, Vec<String>>,
    /// The rows of each group, in order.
    pub rows: BTreeMap<String, Vec<Row>>,
}

/// One row of a group, with an id that stays the same when rows above it are removed, so that a
/// director's CV and a regulator's question stay with their row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Row {
    pub id: String,
    pub values: BTreeMap<String, String>,
}

impl Answers {
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    pub fn list(&self, name: &str) -> &[String] {
        self.lists.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn rows(&self, group: &str) -> &[Row] {
        self.rows.get(group).map_or(&[], Vec::as_slice)
    }

    pub fn is_empty(&self) -> bool {
        self.values.values().all(|v| v.trim().is_empty())
            && self.lists.values().all(Vec::is_empty)
            && self.rows.values().all(Vec::is_empty)
    }
}

impl Row {
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// A new empty row with a fresh id.
    pub fn fresh() -> Row {
        Row {
            id: uuid::Uuid::new_v4().simple().to_string(),
            values: BTreeMap::new(),
        }
    }
}

/// Where a field is: a field of the section, or a field of one row of a group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FieldPath {
    Field(String),
    Row {
        group: String,
        row: String,
        field: String,
    },
    /// A whole group (its row count, its totals).
    Group(String),
    Document(DocumentKind),
}

impl FieldPath {
    /// The id of the field's input on the section page: letters, digits and hyphens only.
    pub fn html_id(&self, answers: &Answers) -> String {
        match self {
            FieldPath::Field(name) | FieldPath::Group(name) => name.clone(),
            FieldPath::Row { group, row, field } => {
                let index = answers
                    .rows(group)
                    .iter()
                    .position(|r| &r.id == row)
                    .unwrap_or(0);
                format!("{group}-{index}-{field}")
            }
            FieldPath::Document(kind) => format!("document-{}", kind.as_str()),
        }
    }
}

/// Something wrong with an answer: where, and the message's key and arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: FieldPath,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    pub fn at(path: FieldPath, key: &'static str) -> Problem {
        Problem {
            path,
            key,
            args: Vec::new(),
        }
    }
}

impl Section {
    /// The section's questions, groups excluded.
    pub fn fields(&self) -> impl Iterator<Item = &'static Field> {
        self.items.iter().filter_map(|item| match item {
            Item::Field(field) => Some(field),
            _ => None,
        })
    }

    pub fn groups(&self) -> impl Iterator<Item = &'static Group> {
        self.items.iter().filter_map(|item| match item {
            Item::Group(group) => Some(group),
            _ => None,
        })
    }

    /// The documents the section asks for once (not per row).
    pub fn documents(&self) -> impl Iterator<Item = DocumentKind> {
        self.items.iter().filter_map(|item| match item {
            Item::Document(kind) => Some(*kind),
            _ => None,
        })
    }

    pub fn group(&self, name: &str) -> Option<&'static Group> {
        self.groups().find(|g| g.name == name)
    }

    /// The answers in a posted form: every field of the declaration read from its name (`name`,
    /// or `group.index.field` for rows, with `group.index.id` carrying the row's id), and nothing
    /// else. Texts are kept as typed but cut at `MAX_TEXT`; a group keeps at most its `max_rows`.
    pub fn read(&self, posted: &[(String, String)]) -> Answers {
        let mut answers = Answers::default();
        let first = |name: &str| posted.iter().find(|(k, _)| k == name).map(|(_, v)| clip(v));
        for field in self.fields() {
            match field.kind {
                Kind::Choices(options) => {
                    let ticked = posted
                        .iter()
                        .filter(|(k, v)| k == field.name && options.iter().any(|o| o.value == v))
                        .map(|(_, v)| v.clone());
                    let mut ticked: Vec<String> = ticked.collect();
                    ticked.dedup();
                    answers.lists.insert(field.name.into(), ticked);
                }
                _ => {
                    let value = first(field.name).unwrap_or_default();
                    answers.values.insert(field.name.into(), value);
                }
            }
        }
        for group in self.groups() {
            answers
                .rows
                .insert(group.name.into(), read_rows(group, posted));
        }
        answers
    }

    /// Every problem with `answers`, in the order of the page: required answers missing, answers
    /// that do not mean what their field asks, and the section's cross-field checks. Documents are
    /// checked by the caller, which knows what was uploaded (`missing_documents`).
    pub fn problems(&self, answers: &Answers) -> Vec<Problem> {
        let mut problems = Vec::new();
        for item in self.items {
            match item {
                Item::Field(field) => {
                    let path = FieldPath::Field(field.name.into());
                    let value = answers.value(field.name);
                    let list = answers.list(field.name);
                    check_field(field, value, list, None, path, &mut problems);
                }
                Item::Group(group) => check_group(group, answers.rows(group.name), &mut problems),
                Item::Document(_) => {}
            }
        }
        (self.cross_checks)(answers, &mut problems);
        problems
    }

    /// The documents this section still needs, given a test of whether a document of a kind was
    /// uploaded for a row (`None` for one asked once).
    pub fn missing_documents(
        &self,
        answers: &Answers,
        uploaded: impl Fn(DocumentKind, Option<&str>) -> bool,
    ) -> Vec<Problem> {
        let mut missing = Vec::new();
        for kind in self.documents() {
            if !uploaded(kind, None) {
                missing.push(Problem::at(
                    FieldPath::Document(kind),
                    "application-document-missing",
                ));
            }
        }
        for group in self.groups() {
            let Some(kind) = group.row_document else {
                continue;
            };
            for row in answers.rows(group.name) {
                if !uploaded(kind, Some(&row.id)) {
                    missing.push(Problem::at(
                        FieldPath::Row {
                            group: group.name.into(),
                            row: row.id.clone(),
                            field: "document".into(),
                        },
                        "application-document-missing",
                    ));
                }
            }
        }
        missing
    }
}

/// The fields whose answers differ between two versions of `section`, in the order of the page: a
/// field of the section, a field of a row present in both, or a whole row added or removed (named by
/// its group). Used to show what a colleague changed, and by the review to compare versions.
pub fn differences(section: &Section, before: &Answers, after: &Answers) -> Vec<FieldPath> {
    let mut changed = Vec::new();
    for item in section.items {
        match item {
            Item::Field(field) => {
                let differs = before.value(field.name).trim() != after.value(field.name).trim()
                    || before.list(field.name) != after.list(field.name);
                if differs {
                    changed.push(FieldPath::Field(field.name.into()));
                }
            }
            Item::Group(group) => group_differences(group, before, after, &mut changed),
            Item::Document(_) => {}
        }
    }
    changed
}

fn group_differences(
    group: &Group,
    before: &Answers,
    after: &Answers,
    changed: &mut Vec<FieldPath>,
) {
    let (old, new) = (before.rows(group.name), after.rows(group.name));
    let ids = |rows: &[Row]| rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    if ids(old) != ids(new) {
        changed.push(FieldPath::Group(group.name.into()));
    }
    for row in new {
        let Some(was) = old.iter().find(|r| r.id == row.id) else {
            continue;
        };
        for field in group.fields {
            if was.value(field.name).trim() != row.value(field.name).trim() {
                changed.push(FieldPath::Row {
                    group: group.name.into(),
                    row: row.id.clone(),
                    field: field.name.into(),
                });
            }
        }
    }
}

fn clip(value: &str) -> String {
    value.chars().take(MAX_TEXT).collect()
}

/// The rows of `group` in a posted form, in the order of their indexes.
fn read_rows(group: &Group, posted: &[(String, String)]) -> Vec<Row> {
    let mut rows: BTreeMap<usize, Row> = BTreeMap::new();
    for (key, value) in posted {
        let Some(rest) = key
            .strip_prefix(group.name)
            .and_then(|r| r.strip_prefix('.'))
        else {
            continue;
        };
        let Some((index, field)) = rest.split_once('.') else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        if index >= group.max_rows {
            continue;
        }
        let row = rows.entry(index).or_default();
        if field == "id" {
            if is_row_id(value) {
                row.id = value.clone();
            }
        } else if group.fields.iter().any(|f| f.name == field) {
            row.values
                .entry(field.to_owned())
                .or_insert_with(|| clip(value));
        }
    }
    rows.into_values()
        .map(|mut row| {
            if row.id.is_empty() {
                row.id = Row::fresh().id;
            }
            row
        })
        .collect()
}

/// A row id as the portal makes them (32 hex digits): anything else posted is replaced.
fn is_row_id(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

fn check_group(group: &Group, rows: &[Row], problems: &mut Vec<Problem>) {
    if rows.len() < group.min_rows {
        problems.push(Problem {
            path: FieldPath::Group(group.name.into()),
            key: "application-group-too-few",
            args: vec![("min", group.min_rows.to_string())],
        });
    }
    for row in rows {
        for field in group.fields {
            let path = FieldPath::Row {
                group: group.name.into(),
                row: row.id.clone(),
                field: field.name.into(),
            };
            check_field(field, row.value(field.name), &[], Some(row), path, problems);
        }
    }
}

/// The checks of one field: required, then what its kind means.
fn check_field(
    field: &Field,
    value: &str,
    list: &[String],
    row: Option<&Row>,
    path: FieldPath,
    problems: &mut Vec<Problem>,
) {
    let blank = match field.kind {
        Kind::Choices(_) => list.is_empty(),
        _ => value.trim().is_empty(),
    };
    if blank {
        if field.required {
            problems.push(Problem::at(path, required_key(field.kind)));
        }
        return;
    }
    if let Err((key, args)) = check_kind(field.kind, value, row) {
        problems.push(Problem { path, key, args });
    }
}

/// The message for a required answer left blank: "choose" for choices, "tick" for confirmations.
fn required_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Choice(_) | Kind::Choices(_) | Kind::YesNo => "field-choose-one",
        Kind::Confirm => "field-confirm",
        _ => "field-required",
    }
}

type KindError = (&'static str, Vec<(&'static str, String)>);

/// Whether `value` means what a field of `kind` asks. Each domain type does its own parsing.
fn check_kind(kind: Kind, value: &str, row: Option<&Row>) -> Result<(), KindError> {
    let plain = |key: &'static str| (key, Vec::new());
    match kind {
        Kind::Text(max) | Kind::Paragraph(max) => {
            let count = value.chars().count();
            if count > max {
                return Err((
                    "field-too-long",
                    vec![("max", max.to_string()), ("count", count.to_string())],
                ));
            }
            if kind_is_line(kind) && value.contains(['\n', '\r']) {
                return Err(plain("field-one-line"));
            }
            Ok(())
        }
        Kind::PersonName => PersonName::parse(value)
            .map(drop)
            .map_err(|e| plain(e.message_key())),
        Kind::Email => EmailAddress::parse(value)
            .map(drop)
            .map_err(|_| plain("field-email-invalid")),
        Kind::Telephone => TelephoneNumber::parse(value)
            .map(drop)
            .map_err(|e| plain(e.message_key())),
        Kind::Url => check_url(value).map_err(plain),
        Kind::Date { past } => check_date(value, past).map_err(plain),
        Kind::Krw => Krw::parse(value)
            .map(drop)
            .map_err(|e| plain(e.message_key())),
        Kind::Amount => Amount::parse(ReferenceCurrency::Usd, value)
            .map(drop)
            .map_err(|e| plain(e.message_key())),
        Kind::Isin => Isin::parse(value)
            .map(drop)
            .map_err(|e| plain(e.message_key())),
        Kind::Count => crate::domain::number::normalise(value)
            .parse::<u64>()
            .map(drop)
            .map_err(|_| plain("field-count-invalid")),
        Kind::Percent => BasisPoints::parse_percent(value)
            .map(drop)
            .map_err(|e| plain(e.message_key())),
        Kind::BusinessRegistrationNumber => BusinessRegistrationNumber::parse(value)
            .map(drop)
            .map_err(|e| {
                plain(e.message_key(
                    crate::domain::identifiers::Identifier::BusinessRegistrationNumber,
                ))
            }),
        Kind::CorporateRegistrationNumber => CorporateRegistrationNumber::parse(value)
            .map(drop)
            .map_err(|e| {
                plain(e.message_key(
                    crate::domain::identifiers::Identifier::CorporateRegistrationNumber,
                ))
            }),
        Kind::Lei => Lei::parse(value)
            .map(drop)
            .map_err(|e| plain(e.message_key(crate::domain::identifiers::Identifier::Lei))),
        Kind::Ticker => Ticker::parse(value)
            .map(drop)
            .map_err(|e| plain(e.message_key())),
        Kind::Choice(options) => options
            .iter()
            .any(|o| o.value == value)
            .then_some(())
            .ok_or_else(|| plain("field-choose-one")),
        Kind::Choices(_) => Ok(()),
        Kind::YesNo => matches!(value, "yes" | "no")
            .then_some(())
            .ok_or_else(|| plain("field-choose-one")),
        Kind::Confirm => (value == "yes")
            .then_some(())
            .ok_or_else(|| plain("field-confirm")),
        Kind::ContractAddress { chain_field } => {
            let chain = row
                .map(|r| r.value(chain_field))
                .and_then(|c| c.parse::<Chain>().ok());
            match chain {
                // The chain's own field says it is missing; the address cannot be judged without it.
                None => Ok(()),
                Some(chain) => ContractAddress::parse(chain, value)
                    .map(drop)
                    .map_err(|e| plain(e.message_key())),
            }
        }
    }
}

fn kind_is_line(kind: Kind) -> bool {
    matches!(kind, Kind::Text(_))
}

fn check_url(value: &str) -> Result<(), &'static str> {
    let parsed = url::Url::parse(value.trim()).map_err(|_| "field-url-invalid")?;
    let web = matches!(parsed.scheme(), "https" | "http");
    if !web || parsed.host_str().is_none_or(|h| !h.contains('.')) || value.chars().count() > 500 {
        return Err("field-url-invalid");
    }
    Ok(())
}

/// A date as `YYYY-MM-DD` (the date picker's form), with full-width digits folded.
pub fn parse_date(value: &str) -> Option<chrono::NaiveDate> {
    let folded = crate::domain::identifiers::fold_width(value.trim());
    chrono::NaiveDate::parse_from_str(&folded, "%Y-%m-%d").ok()
}

fn check_date(value: &str, past: bool) -> Result<(), &'static str> {
    let date = parse_date(value).ok_or("field-date-invalid")?;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Seoul)
        .date_naive();
    if past && date > today {
        return Err("field-date-future");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
