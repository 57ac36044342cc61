//! Reserve lines imported from a CSV or XLSX file: the documented columns, a header row, every bad
//! row reported with its line and column, and nothing imported until the whole file is clean.
//!
//! The columns, in any order, one line per reserve line:
//! - `asset_class`: one of the codes of `AssetClass` (`cash_demand_deposits`, `term_deposits`,
//!   `korean_treasury_bonds`, `local_government_bonds`, `monetary_stabilisation_bonds`,
//!   `reverse_repos`, `foreign_government_bonds`, `other`);
//! - `custodian`: the custodian's name;
//! - `custodian_kind`: `bank`, `trust` or `other`;
//! - `segregated`: `yes` or `no` (also `true`/`false`, `y`/`n`, `1`/`0`, `예`/`아니오`);
//! - `isin`: the security's ISIN, empty where it has none;
//! - `amount`: fair value in the token's reference currency: whole won, or dollars with at most two
//!   decimals; thousands separators allowed;
//! - `residual_maturity_days`: whole days to maturity, 0 for cash and demand deposits.

use std::io::Cursor;

use calamine::{Reader, Xlsx};

use crate::domain::money::{MoneyError, ReferenceCurrency};

use super::isin::{Isin, IsinError};
use super::reserve::{AssetClass, CustodianKind, ReserveLine};

/// The header row the file must have, as the page, the README and the template show it.
pub const COLUMNS: [&str; 7] = [
    "asset_class",
    "custodian",
    "custodian_kind",
    "segregated",
    "isin",
    "amount",
    "residual_maturity_days",
];

/// The largest file read (1 MiB): five hundred reserve lines take a twentieth of it.
pub const MAX_BYTES: usize = 1024 * 1024;
/// The most reserve lines one file may hold: as many as the attestation section keeps
/// (its `reserve_lines` group), so an imported file is never cut short.
pub const MAX_LINES: usize = 500;
/// The longest custodian name kept, in characters.
const MAX_CUSTODIAN_CHARS: usize = 200;

/// A file's format, told from its first bytes: an XLSX file is a ZIP archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    pub fn sniff(bytes: &[u8]) -> FileFormat {
        if bytes.starts_with(b"PK\x03\x04") {
            FileFormat::Xlsx
        } else {
            FileFormat::Csv
        }
    }
}

/// What is wrong with a file, a header or a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// No file was sent, or an empty one.
    NoFile,
    TooLarge,
    TooManyLines,
    Unreadable,
    NoLines,
    MissingColumn,
    UnknownColumn,
    DuplicateColumn,
    FieldCount,
    AssetClass,
    CustodianEmpty,
    CustodianTooLong,
    CustodianKind,
    Segregated,
    Isin(IsinError),
    Amount(MoneyError),
    Maturity,
}

impl ImportError {
    pub fn message_key(&self) -> &'static str {
        match self {
            ImportError::NoFile => "import-no-file",
            ImportError::TooLarge => "import-too-large",
            ImportError::TooManyLines => "import-too-many-lines",
            ImportError::Unreadable => "import-unreadable",
            ImportError::NoLines => "import-no-lines",
            ImportError::MissingColumn => "import-missing-column",
            ImportError::UnknownColumn => "import-unknown-column",
            ImportError::DuplicateColumn => "import-duplicate-column",
            ImportError::FieldCount => "import-field-count",
            ImportError::AssetClass => "import-asset-class",
            ImportError::CustodianEmpty => "import-custodian-empty",
            ImportError::CustodianTooLong => "import-custodian-too-long",
            ImportError::CustodianKind => "import-custodian-kind",
            ImportError::Segregated => "import-segregated",
            ImportError::Isin(e) => e.message_key(),
            ImportError::Amount(e) => e.message_key(),
            ImportError::Maturity => "import-maturity",
        }
    }
}

/// One problem of a file: where (the file's line, counting the header as line 1, and the column's
/// name) and what. A problem of the whole file has no line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub line: Option<usize>,
    pub column: Option<String>,
    pub error: ImportError,
}

impl ImportProblem {
    /// A problem of the whole file.
    pub fn file(error: ImportError) -> ImportProblem {
        ImportProblem {
            line: None,
            column: None,
            error,
        }
    }

    fn at(line: usize, column: &str, error: ImportError) -> ImportProblem {
        ImportProblem {
            line: Some(line),
            column: Some(column.to_owned()),
            error,
        }
    }

    /// The arguments of the message: the limits the file went over, and the column named.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        let mut args = vec![
            ("max_lines", MAX_LINES.to_string()),
            ("max_kib", (MAX_BYTES / 1024).to_string()),
        ];
        if let Some(line) = self.line {
            args.push(("line", line.to_string()));
        }
        if let Some(column) = &self.column {
            args.push(("column", column.clone()));
        }
        args
    }
}

/// The reserve lines of a CSV or XLSX file, amounts in `currency`; or every problem of the file.
pub fn import(
    bytes: &[u8],
    currency: ReferenceCurrency,
) -> Result<Vec<ReserveLine>, Vec<ImportProblem>> {
    if bytes.len() > MAX_BYTES {
        return Err(vec![ImportProblem::file(ImportError::TooLarge)]);
    }
    let rows = match FileFormat::sniff(bytes) {
        FileFormat::Csv => csv_rows(bytes),
        FileFormat::Xlsx => xlsx_rows(bytes),
    }
    .map_err(|e| vec![ImportProblem::file(e)])?;
    lines_of(rows, currency)
}

/// The bytes of the template offered for download: the header row, in UTF-8 with a byte-order
/// mark so that Excel opens it as UTF-8 and keeps Korean names intact.
pub fn template_csv() -> Vec<u8> {
    format!("\u{FEFF}{}\r\n", COLUMNS.join(",")).into_bytes()
}

/// A row of cells as text, with its line number in the file.
type Row = (usize, Vec<String>);

/// The rows of a CSV file. UTF-8 (with or without a byte-order mark) is expected; a file that is
/// not UTF-8 is read as Korean Windows' code page 949, which Excel writes when it saves "CSV".
fn csv_rows(bytes: &[u8]) -> Result<Vec<Row>, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::EUC_KR.decode(bytes);
            if had_errors {
                return Err(ImportError::Unreadable);
            }
            text
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| ImportError::Unreadable)?;
        let line = record
            .position()
            .map_or(rows.len() + 1, |p| p.line() as usize);
        rows.push((line, record.iter().map(str::to_owned).collect()));
        if rows.len() > MAX_LINES + 1 {
            break;
        }
    }
    Ok(rows)
}

/// The most a workbook may unpack to, as its archive declares: a sheet of the largest import is a
/// few MiB of XML, and a small file that unpacks to gigabytes (a "zip bomb") is not read.
const MAX_UNPACKED_BYTES: u128 = 32 * 1024 * 1024;

/// What the archive's files unpack to, as its central directory declares (which, unlike its
/// local headers, always states the sizes).
fn unpacked_size(bytes: &[u8]) -> Option<u128> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut total = 0u128;
    for i in 0..archive.len() {
        total += u128::from(archive.by_index_raw(i).ok()?.size());
    }
    Some(total)
}

/// The rows of an XLSX file's first sheet, numbered as the spreadsheet numbers them.
fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Row>, ImportError> {
    if unpacked_size(bytes).is_none_or(|size| size > MAX_UNPACKED_BYTES) {
        return Err(ImportError::Unreadable);
    }
    let mut workbook: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|_| ImportError::Unreadable)?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(ImportError::Unreadable)?
        .map_err(|_| ImportError::Unreadable)?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            // Cells left of the used range are blank: keep the columns where the sheet has them.
            let mut row = vec![String::new(); first_column];
            row.extend(cells.iter().map(|c| c.to_string()));
            (first_row + i + 1, row)
        })
        .collect())
}

/// The header's column positions, or what is wrong with the header.
fn header_positions(line: usize, header: &[String]) -> Result<[usize; 7], Vec<ImportProblem>> {
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut problems = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        if !COLUMNS.contains(&name.as_str()) {
            problems.push(ImportProblem::at(line, name, ImportError::UnknownColumn));
        } else if names[..i].contains(name) {
            problems.push(ImportProblem::at(line, name, ImportError::DuplicateColumn));
        }
    }
    let mut positions = [0; 7];
    for (slot, column) in positions.iter_mut().zip(COLUMNS) {
        match names.iter().position(|n| n == column) {
            Some(at) => *slot = at,
            None => problems.push(ImportProblem::at(line, column, ImportError::MissingColumn)),
        }
    }
    if problems.is_empty() {
        Ok(positions)
    } else {
        Err(problems)
    }
}

fn lines_of(
    rows: Vec<Row>,
    currency: ReferenceCurrency,
) -> Result<Vec<ReserveLine>, Vec<ImportProblem>> {
    let is_blank = |cells: &[String]| cells.iter().all(|c| c.trim().is_empty());
    let mut rows = rows.into_iter().filter(|(_, cells)| !is_blank(cells));
    let Some((header_line, header)) = rows.next() else {
        return Err(vec![ImportProblem::file(ImportError::NoLines)]);
    };
    let positions = header_positions(header_line, &header)?;
    let rows: Vec<Row> = rows.collect();
    if rows.is_empty() {
        return Err(vec![ImportProblem::file(ImportError::NoLines)]);
    }
    if rows.len() > MAX_LINES {
        return Err(vec![ImportProblem::file(ImportError::TooManyLines)]);
    }
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (line, cells) in rows {
        if cells.len() > header.len() {
            problems.push(ImportProblem {
                line: Some(line),
                column: None,
                error: ImportError::FieldCount,
            });
            continue;
        }
        let row = positions.map(|at| cells.get(at).map_or("", |c| c.trim()));
        match reserve_line(&row, currency) {
            Ok(reserve_line) => lines.push(reserve_line),
            Err(errors) => problems.extend(
                errors
                    .into_iter()
                    .map(|(column, e)| ImportProblem::at(line, COLUMNS[column], e)),
            ),
        }
    }
    if problems.is_empty() {
        Ok(lines)
    } else {
        Err(problems)
    }
}

/// One row read as a reserve line, or the problem of each of its bad cells (by column index).
fn reserve_line(
    row: &[&str; 7],
    currency: ReferenceCurrency,
) -> Result<ReserveLine, Vec<(usize, ImportError)>> {
    let cell = |column: usize| row[column];
    let mut errors = Vec::new();
    let mut check = |column: usize, result: Result<(), ImportError>| {
        if let Err(e) = result {
            errors.push((column, e));
        }
    };
    let asset_class = cell(0).to_lowercase().parse::<AssetClass>().ok();
    check(0, asset_class.map(|_| ()).ok_or(ImportError::AssetClass));
    let custodian = cell(1).to_owned();
    check(
        1,
        match custodian.chars().count() {
            0 => Err(ImportError::CustodianEmpty),
            n if n > MAX_CUSTODIAN_CHARS => Err(ImportError::CustodianTooLong),
            _ => Ok(()),
        },
    );
    let custodian_kind = cell(2).to_lowercase().parse::<CustodianKind>().ok();
    check(
        2,
        custodian_kind.map(|_| ()).ok_or(ImportError::CustodianKind),
    );
    let segregated = yes_or_no(cell(3));
    check(3, segregated.map(|_| ()).ok_or(ImportError::Segregated));
    let isin = match cell(4) {
        "" => Ok(None),
        text => Isin::parse(text).map(Some).map_err(ImportError::Isin),
    };
    check(4, isin.as_ref().map(|_| ()).map_err(Clone::clone));
    let amount =
        crate::domain::money::Amount::parse(currency, cell(5)).map_err(ImportError::Amount);
    check(5, amount.clone().map(|_| ()));
    let days = cell(6)
        .parse::<u32>()
        .ok()
        .filter(|_| cell(6).chars().all(|c| c.is_ascii_digit()));
    check(6, days.map(|_| ()).ok_or(ImportError::Maturity));
    match (asset_class, custodian_kind, segregated, isin, amount, days) {
        (
            Some(asset_class),
            Some(custodian_kind),
            Some(segregated),
            Ok(isin),
            Ok(amount),
            Some(days),
        ) if errors.is_empty() => Ok(ReserveLine {
            asset_class,
            custodian,
            custodian_kind,
            segregated,
            isin,
            amount,
            residual_maturity_days: days,
        }),
        _ => Err(errors),
    }
}

fn yes_or_no(text: &str) -> Option<bool> {
    match text.to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "예" | "네" => Some(true),
        "no" | "n" | "false" | "0" | "아니오" | "아니요" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
