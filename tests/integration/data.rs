//! The embedded default dataset, `list`, `show` (finding bodies), and `import`.

use std::collections::HashMap;
use std::io::Read as _;
use std::process::{Command, Stdio};

use crate::harness::{Test, repo};

/// The rows of data/uk/uk_councils.csv, by GSS code.
fn uk_rows() -> HashMap<String, csv::StringRecord> {
    let mut reader = csv::Reader::from_path(repo().join("data/uk/uk_councils.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let id = headers.iter().position(|h| h == "gss_code").unwrap();
    reader.records().map(|r| r.unwrap()).map(|r| (r[id].to_owned(), r)).collect()
}

#[test]
fn list_json_from_outside_the_repo_matches_the_uk_csv() {
    let out = Test::new().args(["list", "--format", "json"]).run();
    out.code(0).no_panic();
    let bodies: Vec<serde_json::Value> = serde_json::from_str(&out.stdout()).unwrap();
    // The 384 councils of the CSV, then the police, fire, health and combined-authority bodies
    // and the NHS trusts that build-uk adds from the other tables of data/uk.
    assert_eq!(bodies.len(), 768);
    for body in &bodies {
        assert!(body["kind"].is_string(), "{}", body["id"]);
    }
    let rows = uk_rows();
    let councils: Vec<&serde_json::Value> =
        bodies.iter().filter(|b| rows.contains_key(b["id"].as_str().unwrap())).collect();
    assert_eq!(councils.len(), 384, "every council of the CSV");
    let mut reader = csv::Reader::from_path(repo().join("data/uk/uk_councils.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    for body in councils {
        let id = body["id"].as_str().unwrap();
        let row = &rows[id];
        assert_eq!(body["name"], row[col("official_name")], "{id}");
        assert_eq!(body["region"], row[col("region")], "{id}");
        assert_eq!(
            body["population"].as_u64().unwrap().to_string(),
            row[col("population")],
            "{id}"
        );
        assert!(body["kind"].is_string(), "{id}");
    }
}

#[test]
fn the_default_dataset_validates() {
    Test::new()
        .args(["validate"])
        .run()
        .code(0)
        .stdout_has("ok: 768 organisations in the embedded UK public bodies")
        .stdout_has("district council")
        .stdout_has("police force");
}

#[test]
fn bodies_are_found_by_id_official_name_or_short_name() {
    for query in ["adur", "Adur District Council", "E07000223", "ADUR", "e07000223"] {
        let out = Test::new().args(["show", query, "--format", "json"]).run();
        out.code(0);
        let body: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
        assert_eq!(body["id"], "E07000223", "{query}");
    }
}

#[test]
fn unknown_names_list_the_closest_bodies_with_ids() {
    Test::new()
        .args(["show", "Worthng"])
        .run()
        .code(2)
        .no_panic()
        .stderr_has("no body matches \"Worthng\"")
        .stderr_has("Worthing Borough Council (E07000229)");
}

#[test]
fn list_filters_and_rejects_unknown_regions() {
    let out = Test::new()
        .args(["list", "--region", "south east", "--kind", "district", "--format", "csv"])
        .run();
    out.code(0);
    let lines: Vec<String> = out.stdout().lines().map(str::to_owned).collect();
    assert!(lines[0].starts_with("id,name,short_name,sector,kind"));
    assert!(lines.len() > 50, "{}", lines.len());
    assert!(lines[1..].iter().all(|l| l.contains(",district,") && l.contains("South East")));
    Test::new()
        .args(["list", "--region", "South Eest"])
        .run()
        .code(2)
        .stderr_has("did you mean \"South East\"?");
    Test::new()
        .args(["list", "--kind", "distrct"])
        .run()
        .code(2)
        .stderr_has("did you mean \"district\"?");
}

/// `list --sector` and `--kind` were parsed by clap, so a misspelt name was reported alone,
/// hiding the other problems of the filter: now every problem at once, each naming its flag.
#[test]
fn list_reports_a_misspelt_sector_and_kind_together() {
    Test::new()
        .args(["list", "--sector", "polise", "--kind", "distrct", "--region", "Walez"])
        .run()
        .code(2)
        .no_panic()
        .stderr_has("3 problems with the options")
        .stderr_has("--sector: unknown sector \"polise\"")
        .stderr_has("--kind: unknown kind \"distrct\"")
        .stderr_has("did you mean \"district\"?")
        .stderr_has("--region: no body in the data has region \"Walez\"");
    Test::new()
        .args(["list", "--sector", "polise", "--kind", "distrct"])
        .run()
        .code(2)
        .stderr_has("2 problems with the options");
}

#[test]
fn a_csv_can_be_the_data_directly() {
    let table = repo().join("data/uk/uk_councils.csv");
    let out = Test::new().args(["list", "--format", "json"]).data_path(&table).run();
    out.code(0);
    let bodies: Vec<serde_json::Value> = serde_json::from_str(&out.stdout()).unwrap();
    assert_eq!(bodies.len(), 384);
}

#[test]
fn the_committed_profiles_equal_a_fresh_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("bodies.toml");
    let output = Command::new(env!("CARGO_BIN_EXE_partnermatch"))
        .current_dir(repo())
        .args(["build-uk", "data/uk", "--out"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let fresh = std::fs::read_to_string(&out_path).unwrap();
    let committed = std::fs::read_to_string(repo().join("profiles/uk/bodies.toml")).unwrap();
    assert!(
        fresh == committed,
        "profiles/uk/bodies.toml is stale: rebuild it with \
         `partnermatch build-uk data/uk --out profiles/uk/bodies.toml --force`"
    );
}

const BAD_TABLE: &str = "id,name,lat,lon,sector,population\n\
    T1,Alpha Council,51.0,-1.0,local_government,1000\n\
    T2,Beta Council,51.1,-1.1,local_government,lots\n\
    T3,Gamma Council,51.2,-1.2,local_government,3000\n";

#[test]
fn an_import_with_a_bad_row_writes_nothing_and_names_the_row() {
    let out =
        Test::new().file("t.csv", BAD_TABLE).args(["import", "t.csv", "--out", "out.toml"]).run();
    out.code(2).no_panic();
    out.stderr_has("t.csv:3:")
        .stderr_has("row 2, column `population`")
        .stderr_has("\"lots\" is not a finite number")
        .stderr_has("nothing was written");
    assert!(!out.dir().join("out.toml").exists());
    let leftovers: Vec<_> =
        std::fs::read_dir(out.dir()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "only the table: {leftovers:?}");
}

#[test]
fn skip_invalid_writes_the_rest_and_reports_what_it_skipped() {
    let out = Test::new()
        .file("t.csv", BAD_TABLE)
        .args(["import", "t.csv", "--out", "out.toml", "--skip-invalid"])
        .run();
    out.code(0).stderr_has("skipped: ").stderr_has("row 2").stderr_has("imported 2 of 3 rows");
    let written = std::fs::read_to_string(out.dir().join("out.toml")).unwrap();
    assert!(
        written.contains("\"T1\"") && written.contains("\"T3\"") && !written.contains("\"T2\"")
    );
    Test::new()
        .file("t.csv", BAD_TABLE)
        .file("out.toml", "keep me")
        .args(["import", "t.csv", "--out", "out.toml", "--skip-invalid"])
        .run()
        .code(2)
        .stderr_has("exists; pass --force");
}

#[test]
fn imported_profiles_validate_and_keep_their_values() {
    let out = Test::new()
        .file("t.csv", "Org code,Council,Latitude,Longitude,kind,services_sought\nX1,Xeno Council,52,-1,NMD,legal;audit\n")
        .args(["import", "t.csv", "--out", "x.toml", "--column", "id=Org code", "--column", "name=Council"])
        .run();
    out.code(0);
    let dir = out.dir().to_path_buf();
    let shown =
        Test::new().args(["show", "X1", "--format", "json"]).data_path(&dir.join("x.toml")).run();
    shown.code(0);
    let body: serde_json::Value = serde_json::from_str(&shown.stdout()).unwrap();
    assert_eq!(body["kind"], "district");
    assert_eq!(body["services_sought"], serde_json::json!(["legal", "audit"]));
}

#[test]
fn a_closed_pipe_exits_zero_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_partnermatch"))
        .args(["list", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
