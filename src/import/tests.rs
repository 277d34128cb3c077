//! Import cases: a small table, and the problems expected as `line:row:column:fragment`.

use std::path::{Path, PathBuf};

use super::*;
use crate::model::{Barrier, ControlType, Kind, Party, Sector, Service, Status};

const HEADER: &str = "id,name,lat,lon,sector";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Imports `text` and checks the problems, each `"line:row:column:fragment"`.
#[track_caller]
fn check(text: &str, mapping: &Mapping, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "t.csv", text);
    let problems: Vec<String> = match import(&path, &[], mapping, false) {
        Ok(_) => Vec::new(),
        Err(d) => d
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{}:{}",
                    d.location.line.map_or("-".into(), |l| l.to_string()),
                    d.row.map_or("-".into(), |r| r.to_string()),
                    d.field.clone().unwrap_or_default(),
                    d.message
                )
            })
            .collect(),
    };
    assert_eq!(problems.len(), expected.len(), "got {problems:#?}");
    for (got, want) in problems.iter().zip(expected) {
        let (prefix, fragment) = want.rsplit_once(':').unwrap();
        assert!(got.starts_with(prefix) && got.contains(fragment), "got {got:?}, want {want:?}");
    }
}

fn ok(text: &str, mapping: &Mapping) -> Dataset {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "t.csv", text);
    match import(&path, &[], mapping, false) {
        Ok(i) => i.dataset,
        Err(d) => panic!("{d}"),
    }
}

#[test]
fn a_plain_table_imports() {
    let d = ok(&format!("{HEADER}\nA1,Alpha,51.5,-0.1,police\n"), &Mapping::default());
    assert_eq!(d.len(), 1);
    assert_eq!(d.organisations()[0].sector, Sector::Police);
}

#[test]
fn bad_cells_are_reported_with_row_and_column() {
    let m = Mapping::default();
    check(&format!("{HEADER}\nA1,Alpha,95,-0.1,police\n"), &m, &["2:1:lat:latitude 95 is outside"]);
    check(
        &format!("{HEADER}\nA1,Alpha,x,-0.1,police\n"),
        &m,
        &["2:1:lat:\"x\" is not a finite number"],
    );
    check(&format!("{HEADER}\nA1,Alpha,nan,-0.1,police\n"), &m, &["2:1:lat:not a finite number"]);
    check(
        &format!("{HEADER}\nA1,Alpha,51,-0.1,polise\n"),
        &m,
        &["2:1:sector:unknown sector \"polise\""],
    );
    check(&format!("{HEADER}\nA1,,51,-0.1,police\n"), &m, &["2:1:name:the name is empty"]);
    check(&format!("{HEADER}\nA 1,Alpha,51,-0.1,police\n"), &m, &["2:1:id:an id may hold only"]);
    check(
        &format!("{HEADER}\nA1,Alpha,51,-0.1\n"),
        &m,
        &["2:1::the row has 4 cells but the header has 5"],
    );
    check(
        &format!("{HEADER},population\nA1,Alpha,51,-0.1,police,0\n"),
        &m,
        &["2:1:population:population must be positive"],
    );
    check(
        &format!("{HEADER},barriers\nA1,Alpha,51,-0.1,police,job_losses:2\n"),
        &m,
        &["2:1:barriers:severity \"2\" of job_losses"],
    );
}

#[test]
fn every_bad_row_is_reported_in_one_run() {
    let text = format!(
        "{HEADER}\nA1,Alpha,95,0,police\nA2,Beta,50,0,police\nA3,Gamma,50,0,fyre\nA1,Delta,50,0,fire\n"
    );
    check(
        &text,
        &Mapping::default(),
        &[
            "2:1:lat:latitude 95",
            "4:3:sector:unknown sector",
            "5:4:id:duplicate id \"A1\": also defined at",
        ],
    );
}

#[test]
fn required_columns_are_named() {
    check(
        "id,name,latitude\nA,B,1\n",
        &Mapping::default(),
        &["1:-::no column for the required field `lon`"],
    );
}

#[test]
fn references_between_rows_are_checked() {
    let text = format!(
        "{HEADER},neighbours,parent\nA1,Alpha,51,0,police,A2;A9,\nA2,Beta,51,0,police,,A2\n"
    );
    check(
        &text,
        &Mapping::default(),
        &[
            "2:1:neighbours:neighbour \"A9\" is not a known body",
            "3:2:parent:a body cannot be its own parent",
        ],
    );
}

#[test]
fn kinds_imply_sectors_and_ons_codes_are_kinds() {
    let d = ok(
        "gss_code,official_name,type_code,lat,lon\nE1,Alpha,NMD,51,0\nE2,Beta,CTY,51,0\n",
        &Mapping::default(),
    );
    let o = &d.organisations()[0];
    assert_eq!((o.sector, o.kind), (Sector::LocalGovernment, Some(Kind::District)));
    assert_eq!(d.organisations()[1].kind, Some(Kind::County));
}

#[test]
fn list_cells_and_structured_cells_parse() {
    let text = "id,name,lat,lon,sector,services_sought,barriers,partners,lead_party,control,status,population\n\
                A1,Alpha,51,0,local_government,legal;ict,job_losses:0.8;silo_mentality=0.2,A2:legal+audit,ldm,no overall control,shadow (vests 2027),\"64,187\"\n\
                A2,Beta,51,0,local_government,none,,none,,,,\n";
    let d = ok(text, &Mapping::default());
    let a = &d.organisations()[0];
    let sought = a.services_sought.unwrap();
    assert!(sought.contains(Service::Legal) && sought.contains(Service::Ict));
    assert!((a.barriers.as_ref().unwrap()[&Barrier::SiloMentality].get() - 0.2).abs() < 1e-12);
    let p = &a.partnerships.as_ref().unwrap()[0];
    assert!(p.services.contains(Service::Audit));
    let control = a.political_control.as_ref().unwrap();
    assert_eq!((control.lead_party, control.control), (Some(Party::Ldm), ControlType::Noc));
    assert_eq!(a.status, Status::Shadow);
    assert_eq!(a.population, Some(64187));
    let b = &d.organisations()[1];
    assert_eq!(b.services_sought.map(|s| s.len()), Some(0), "`none` is known-empty");
    assert_eq!(b.partnerships.as_ref().map(Vec::len), Some(0));
    assert!(b.barriers.is_none(), "an empty cell is unknown");
}

#[test]
fn mappings_rename_translate_and_default() {
    let mut m = Mapping::default();
    m.set_column("id=Org code").unwrap();
    m.set_default("sector=fire").unwrap();
    m.values.insert(
        Field::Kind,
        [("fire service".to_owned(), "fire_and_rescue_authority".to_owned())].into(),
    );
    let d = ok("Org code,name,lat,lon,kind\nF1,Northshire FRS,55,1,Fire Service\n", &m);
    assert_eq!(d.organisations()[0].kind, Some(Kind::FireAndRescueAuthority));
}

#[test]
fn skipping_keeps_the_rest_and_drops_references_to_skipped_rows() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEADER},neighbours\nA1,Alpha,95,0,police,A2\nA2,Beta,50,0,police,A1;A3\nA3,Gamma,50,0,police,A2\n"
    );
    let path = write(dir.path(), "t.csv", &text);
    let imported = import(&path, &[], &Mapping::default(), true).unwrap();
    assert_eq!(imported.dataset.len(), 2);
    assert_eq!(imported.n_skipped, 1);
    let a2 = imported.dataset.organisations().iter().find(|o| o.id.as_str() == "A2").unwrap();
    assert_eq!(a2.neighbours.iter().map(|n| n.as_str()).collect::<Vec<_>>(), vec!["A3"]);
    assert!(imported.skipped.iter().any(|d| d.message.contains("latitude 95")));
    assert!(
        imported.skipped.iter().any(|d| d.help.as_deref().is_some_and(|h| h.contains("dropped")))
    );
}

#[test]
fn edge_lists_add_neighbours_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let table = write(
        dir.path(),
        "t.csv",
        &format!("{HEADER}\nA1,Alpha,51,0,police\nA2,Beta,51,0,police\n"),
    );
    let edges = write(dir.path(), "e.csv", "a,b\nA1,A2\n");
    let d = import(&table, &[edges], &Mapping::default(), false).unwrap().dataset;
    assert!(d.organisations().iter().all(|o| o.neighbours.len() == 1));
    let bad = write(dir.path(), "bad.csv", "a,b\nA1,A7\n");
    let err = import(&table, &[bad], &Mapping::default(), false).err().unwrap();
    assert!(err.to_string().contains("neighbour \"A7\" is not a known body"), "{err}");
}

/// Regression: in `data/uk/uk_councils.csv`, a problem in Oldham's row (data row 231, line
/// 232) was reported at line 231, because the csv reader's position pointed at the previous
/// record's newline.
#[test]
fn regression_line_numbers_of_rows_after_the_first_buffer() {
    let table = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/uk/uk_councils.csv");
    let mut mapping = Mapping::default();
    mapping.values.insert(Field::Control, [("noc".to_owned(), "bogus".to_owned())].into());
    let err = import(&table, &[], &mapping, false).err().unwrap();
    let first = err.iter().next().unwrap();
    assert_eq!((first.location.line, first.row), (Some(232), Some(231)), "{first}");
    assert!(first.to_string().contains("unknown control type \"bogus\""));
}

/// Lines stay right deep into a large file with quoted cells.
#[test]
fn line_numbers_stay_right_deep_into_large_files() {
    let mut text = String::from(HEADER);
    text.push('\n');
    for i in 0..5000 {
        text.push_str(&format!("B{i},\"Body {i}, with a quoted name\",51.0,-0.1,police\n"));
    }
    text.push_str("BAD,Bad,51,-0.1,polise\n");
    check(&text, &Mapping::default(), &["5002:5001:sector:unknown sector"]);
}

/// Rows and failures come out in file order across many batches (a few rows each in tests),
/// however conversion and appending overlap with reading.
#[test]
fn rows_and_failures_keep_file_order_across_batches() {
    let bad = [0, 3, 6, 7, 40, 41, 77, 99];
    let mut text = String::from(HEADER);
    text.push('\n');
    for i in 0..100 {
        let sector = if bad.contains(&i) { "polise" } else { "police" };
        text.push_str(&format!("B{i:03},Body {i},51.0,-0.1,{sector}\n"));
    }
    let read = read_table_from(Path::new("t.csv"), text.as_bytes(), &Mapping::default()).unwrap();
    assert_eq!(read.n_rows, 100);
    let ids: Vec<String> = read.rows.iter().map(|r| r.organisation.id.to_string()).collect();
    let kept: Vec<String> =
        (0..100).filter(|i| !bad.contains(i)).map(|i| format!("B{i:03}")).collect();
    assert_eq!(ids, kept);
    let failed: Vec<Option<usize>> = read.failures.iter().map(|f| f.problems[0].row).collect();
    assert_eq!(failed, bad.map(|i| Some(i + 1)));
}
