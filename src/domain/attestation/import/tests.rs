//! The import on good and bad CSV and XLSX files.

use super::*;

const KRW: ReferenceCurrency = ReferenceCurrency::Krw;

fn problems(bytes: &[u8]) -> Vec<(Option<usize>, Option<String>, &'static str)> {
    import(bytes, KRW)
        .unwrap_err()
        .iter()
        .map(|p| (p.line, p.column.clone(), p.error.message_key()))
        .collect()
}

fn at(
    line: usize,
    column: &str,
    key: &'static str,
) -> (Option<usize>, Option<String>, &'static str) {
    (Some(line), Some(column.to_owned()), key)
}

const GOOD: &str =
    "asset_class,custodian,custodian_kind,segregated,isin,amount,residual_maturity_days
cash_demand_deposits,KB국민은행,bank,yes,,\"1,000,000,000\",0
korean_treasury_bonds,Shinhan Trust,trust,예,KR7005930003,500000000,120
";

#[test]
fn a_good_csv_file_gives_its_lines() {
    let lines = import(GOOD.as_bytes(), KRW).unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].asset_class, AssetClass::CashAndDemandDeposits);
    assert_eq!(lines[0].custodian, "KB국민은행");
    assert_eq!(lines[0].amount.minor(), 1_000_000_000);
    assert_eq!(lines[0].isin, None);
    assert_eq!(lines[1].custodian_kind, CustodianKind::Trust);
    assert!(lines[1].segregated);
    assert_eq!(lines[1].isin.as_ref().unwrap().as_str(), "KR7005930003");
    assert_eq!(lines[1].residual_maturity_days, 120);
}

#[test]
fn columns_in_any_order_with_a_bom_blank_lines_and_dollars() {
    let file = "\u{FEFF}Amount, ISIN ,asset_class,custodian,custodian_kind,segregated,residual_maturity_days\r\n\
                1234.56,,cash_demand_deposits,Citibank,bank,true,0\r\n,,,,,,\r\n";
    let lines = import(file.as_bytes(), ReferenceCurrency::Usd).unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].amount.minor(), 123_456);
}

#[test]
fn a_csv_file_saved_by_korean_excel_is_read() {
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(GOOD);
    assert!(std::str::from_utf8(&bytes).is_err());
    let lines = import(&bytes, KRW).unwrap();
    assert_eq!(lines[0].custodian, "KB국민은행");
}

#[test]
fn every_bad_cell_is_reported_and_nothing_imported() {
    let file = "asset_class,custodian,custodian_kind,segregated,isin,amount,residual_maturity_days
gold,KB,broker,maybe,KR7005930004,12.5,-3
cash_demand_deposits,,bank,no,,-1,0
term_deposits,Woori,bank,yes,,100,30
";
    assert_eq!(
        problems(file.as_bytes()),
        [
            at(2, "asset_class", "import-asset-class"),
            at(2, "custodian_kind", "import-custodian-kind"),
            at(2, "segregated", "import-segregated"),
            at(2, "isin", "attestation-isin-check"),
            at(2, "amount", "money-won-fraction"),
            at(2, "residual_maturity_days", "import-maturity"),
            at(3, "custodian", "import-custodian-empty"),
            at(3, "amount", "money-negative"),
        ]
    );
    let long = format!(
        "{}\ncash_demand_deposits,{},bank,yes,,1,0,extra\ncash_demand_deposits,{},bank,yes,,1,0\n",
        COLUMNS.join(","),
        "x",
        "y".repeat(201)
    );
    assert_eq!(
        problems(long.as_bytes()),
        [
            (Some(2), None, "import-field-count"),
            at(3, "custodian", "import-custodian-too-long"),
        ]
    );
}

#[test]
fn the_header_is_required_and_checked() {
    let file = "asset_class,custodian,kind,segregated,amount,amount,residual_maturity_days\nx,y,z,yes,1,1,0\n";
    assert_eq!(
        problems(file.as_bytes()),
        [
            at(1, "kind", "import-unknown-column"),
            at(1, "amount", "import-duplicate-column"),
            at(1, "custodian_kind", "import-missing-column"),
            at(1, "isin", "import-missing-column"),
        ]
    );
    // A file of lines without a header is refused at its first line, not read as data.
    let headless = "cash_demand_deposits,KB,bank,yes,,1000,0\n";
    let refused = problems(headless.as_bytes());
    assert!(refused.iter().all(|(line, _, _)| *line == Some(1)));
    assert_eq!(
        refused
            .iter()
            .filter(|p| p.2 == "import-missing-column")
            .count(),
        7
    );
    assert_eq!(problems(b""), [(None, None, "import-no-lines")]);
    assert_eq!(
        problems(COLUMNS.join(",").as_bytes()),
        [(None, None, "import-no-lines")]
    );
}

#[test]
fn size_and_line_caps() {
    let too_big = vec![b' '; MAX_BYTES + 1];
    assert_eq!(problems(&too_big), [(None, None, "import-too-large")]);
    let row = "cash_demand_deposits,KB,bank,yes,,1,0\n";
    let at_cap = format!("{}\n{}", COLUMNS.join(","), row.repeat(MAX_LINES));
    assert_eq!(import(at_cap.as_bytes(), KRW).unwrap().len(), MAX_LINES);
    let over = format!("{}\n{}", COLUMNS.join(","), row.repeat(MAX_LINES + 1));
    assert_eq!(
        problems(over.as_bytes()),
        [(None, None, "import-too-many-lines")]
    );
    assert_eq!(
        problems(b"PK\x03\x04 not really a zip"),
        [(None, None, "import-unreadable")]
    );
}

#[test]
fn the_template_is_the_header_row_and_imports_as_empty() {
    let template = template_csv();
    assert!(template.starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(
        std::str::from_utf8(&template[3..]).unwrap(),
        "asset_class,custodian,custodian_kind,segregated,isin,amount,residual_maturity_days\r\n"
    );
    assert_eq!(problems(&template), [(None, None, "import-no-lines")]);
}

/// An XLSX file as Excel would write it: numbers as numbers, the table starting at row 2, column B.
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16 + 1);
            match text.parse::<f64>() {
                Ok(number) if r > 1 => sheet.write_number(r, c, number).map(|_| ()),
                _ => sheet.write_string(r, c, *text).map(|_| ()),
            }
            .unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_good_xlsx_file_gives_its_lines() {
    let bytes = xlsx(&[
        &COLUMNS,
        &[
            "cash_demand_deposits",
            "KB국민은행",
            "bank",
            "yes",
            "",
            "1000000000",
            "0",
        ],
        &[
            "term_deposits",
            "Woori",
            "bank",
            "no",
            "",
            "250000000",
            "93",
        ],
    ]);
    assert_eq!(FileFormat::sniff(&bytes), FileFormat::Xlsx);
    let lines = import(&bytes, KRW).unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].amount.minor(), 1_000_000_000);
    assert_eq!(lines[1].residual_maturity_days, 93);
    assert!(!lines[1].segregated);
    let dollars = xlsx(&[
        &COLUMNS,
        &[
            "cash_demand_deposits",
            "Citi",
            "bank",
            "yes",
            "",
            "1234.56",
            "0",
        ],
    ]);
    assert_eq!(
        import(&dollars, ReferenceCurrency::Usd).unwrap()[0]
            .amount
            .minor(),
        123_456
    );
}

#[test]
fn a_bad_xlsx_file_names_the_spreadsheet_rows() {
    let bytes = xlsx(&[
        &COLUMNS,
        &[
            "cash_demand_deposits",
            "KB",
            "bank",
            "yes",
            "",
            "1000.5",
            "0",
        ],
        &["bonds", "KB", "bank", "yes", "", "1000", "0"],
    ]);
    // The header is on the sheet's row 2, so the lines are rows 3 and 4.
    assert_eq!(
        problems(&bytes),
        [
            at(3, "amount", "money-won-fraction"),
            at(4, "asset_class", "import-asset-class")
        ]
    );
}

/// A workbook-shaped archive whose sheet unpacks to more than the import reads: refused unread.
#[test]
fn a_small_file_that_unpacks_to_a_huge_sheet_is_not_read() {
    use std::io::Write;
    let mut zipped = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    zipped
        .start_file("xl/worksheets/sheet1.xml", deflated)
        .unwrap();
    let block = vec![b' '; 1024 * 1024];
    for _ in 0..33 {
        zipped.write_all(&block).unwrap();
    }
    let bytes = zipped.finish().unwrap().into_inner();
    assert!(
        bytes.len() < MAX_BYTES,
        "small when packed: {}",
        bytes.len()
    );
    assert_eq!(FileFormat::sniff(&bytes), FileFormat::Xlsx);
    assert_eq!(problems(&bytes), [(None, None, "import-unreadable")]);
}
