//! `--format xlsx` of `rank`, `pairs` and `groups` and the page's spreadsheet download, read
//! back with a real spreadsheet reader (`calamine`): the same cells as `--format csv`, numbers
//! as numbers, and a sheet of the weights and sources; refused without `--out`.

use calamine::{Data, Reader, Xlsx};

use crate::harness::{Server, Test};

/// The rows of one sheet of a workbook.
fn sheet(bytes: Vec<u8>, name: &str) -> Vec<Vec<Data>> {
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).expect("a readable workbook");
    let range = workbook.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range.rows().map(<[Data]>::to_vec).collect()
}

/// Asserts that a sheet holds the CSV's cells: numbers as numbers with the same value, text
/// as text, empty fields as empty cells.
#[track_caller]
fn assert_same_cells(rows: &[Vec<Data>], csv_text: &str) {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv_text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(records.len() > 1, "a header and rows: {csv_text}");
    assert_eq!(rows.len(), records.len(), "as many rows as the CSV");
    let mut numbers = 0;
    for (r, (row, record)) in rows.iter().zip(&records).enumerate() {
        assert_eq!(row.len(), record.len(), "row {r}");
        for (c, (cell, field)) in row.iter().zip(record).enumerate() {
            match cell {
                Data::Float(v) => {
                    let want: f64 = field.parse().unwrap_or_else(|_| {
                        panic!("row {r} column {c}: a number in the sheet, {field:?} in the CSV")
                    });
                    assert_eq!(v.to_bits(), want.to_bits(), "row {r} column {c}: {v} vs {field}");
                    numbers += 1;
                }
                Data::String(s) => assert_eq!(s, field, "row {r} column {c}"),
                Data::Empty => assert_eq!(field, "", "row {r} column {c}"),
                other => panic!("row {r} column {c}: unexpected cell {other:?}"),
            }
        }
    }
    assert!(numbers > 0, "the numbers are stored as numbers, not text");
}

#[test]
fn rank_xlsx_has_the_numbers_of_rank_csv() {
    let csv = Test::new().args(["rank", "cotswold", "--format", "csv"]).run();
    csv.code(0);
    let xlsx = Test::new().args(["rank", "cotswold", "--format", "xlsx", "--out", "c.xlsx"]).run();
    xlsx.code(0);
    assert!(xlsx.stdout().is_empty(), "nothing on standard output");
    let bytes = std::fs::read(xlsx.dir().join("c.xlsx")).unwrap();
    let partners = sheet(bytes.clone(), "Partners");
    assert_same_cells(&partners, &csv.stdout());
    assert_eq!(partners[1][2], Data::String("Cheltenham Borough Council".into()));

    // The sheet of weights and sources: the ranked body, every criterion's weight (summing to
    // one), and the data's licences.
    let about = sheet(bytes, "Weights and sources");
    let text: Vec<String> = about.iter().flatten().map(ToString::to_string).collect();
    assert!(text.iter().any(|t| t.contains("Cotswold District Council")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("Open Government Licence")), "{text:?}");
    let header = about.iter().position(|r| r[0] == Data::String("position".into())).unwrap();
    let weights: f64 = about[header + 1..header + 11]
        .iter()
        .map(|r| match r[3] {
            Data::Float(w) => w,
            ref other => panic!("a weight, not {other:?}"),
        })
        .sum();
    assert!((weights - 1.0).abs() < 1e-9, "weights sum to {weights}");
}

#[test]
fn pairs_and_groups_xlsx_have_the_numbers_of_their_csv() {
    for (command, sheet_name) in [
        (vec!["pairs", "--region", "Wales", "--quiet"], "Pairs"),
        (vec!["groups", "--service", "legal", "--region", "Wales", "--quiet"], "Groups"),
    ] {
        let csv = Test::new().args(&command).args(["--format", "csv"]).run();
        csv.code(0);
        let xlsx = Test::new().args(&command).args(["--format", "xlsx", "--out", "w.xlsx"]).run();
        xlsx.code(0);
        let bytes = std::fs::read(xlsx.dir().join("w.xlsx")).unwrap();
        assert_same_cells(&sheet(bytes.clone(), sheet_name), &csv.stdout());
        let about = sheet(bytes, "Weights and sources");
        assert!(
            about.iter().flatten().any(|c| *c == Data::String("proximity".into())),
            "{about:?}"
        );
    }
}

#[test]
fn xlsx_needs_a_file() {
    for command in [
        vec!["rank", "cotswold"],
        vec!["pairs", "--region", "Wales"],
        vec!["groups", "--service", "legal"],
    ] {
        Test::new()
            .args(&command)
            .args(["--format", "xlsx"])
            .run()
            .code(2)
            .no_panic()
            .stderr_has("give --out FILE.xlsx");
    }
    // An existing file is kept unless --force.
    let kept = Test::new()
        .file("c.xlsx", "old")
        .args(["rank", "cotswold", "--format", "xlsx", "--out", "c.xlsx"])
        .run();
    kept.code(2).stderr_has("--force");
    assert_eq!(std::fs::read_to_string(kept.dir().join("c.xlsx")).unwrap(), "old");
}

#[test]
fn the_page_downloads_the_same_spreadsheet() {
    let server = Server::start(&[]);
    let reply = server.get("/api/rank?body=cotswold&top=5&format=xlsx");
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        reply.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(reply.header("content-disposition").unwrap().contains("partners-E07000079.xlsx"));
    let csv = Test::new().args(["rank", "cotswold", "--top", "5", "--format", "csv"]).run();
    csv.code(0);
    assert_same_cells(&sheet(reply.body, "Partners"), &csv.stdout());
}
