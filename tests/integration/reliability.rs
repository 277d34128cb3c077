//! Hostile input through the binary: every case gets a located error, exit 2 and no output
//! written; and a run killed mid-write leaves no partial file.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::Test;

const PROFILE: &str = "id = \"H1\"\nname = \"Hostile Council\"\nsector = \"local_government\"\nlocation = { lat = 51.0, lon = -1.0 }\n";

/// Files in a folder other than the inputs named.
fn leftovers(dir: &Path, inputs: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !inputs.contains(&n.as_str()))
        .collect()
}

/// Runs `validate` on a TOML file and `import` on a CSV, expecting exit 2, the fragments on
/// standard error and nothing written.
#[track_caller]
fn refused(name: &str, contents: impl AsRef<[u8]>, fragments: &[&str]) {
    let is_csv = name.ends_with(".csv");
    let args: Vec<&str> = if is_csv {
        vec!["import", name, "--out", "out.toml"]
    } else {
        vec!["validate", "--data", name]
    };
    let out = Test::new().file(name, contents).args(&args).run();
    out.code(2).no_panic();
    let stderr = out.stderr();
    assert!(
        stderr.contains(&format!("{name}:")) || stderr.contains(name),
        "the file is not named:\n{stderr}"
    );
    for f in fragments {
        out.stderr_has(f);
    }
    assert!(
        leftovers(out.dir(), &[name]).is_empty(),
        "something was written: {:?}",
        leftovers(out.dir(), &[name])
    );
}

#[test]
fn truncated_files_are_located() {
    refused("cut.toml", &PROFILE[..40], &["cut.toml:3:", "invalid TOML"]);
    refused(
        "cut.csv",
        "id,name,lat,lon,sector\nH1,\"Hostile Coun",
        &["cut.csv:2:", "row 1", "missing quote"],
    );
}

#[test]
fn huge_files_are_refused_before_reading() {
    let t = Test::new();
    let path = t.dir().join("huge.toml");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(257 * 1024 * 1024).unwrap();
    drop(file);
    let out = t.args(["validate", "--data", "huge.toml"]).run();
    out.code(2).no_panic().stderr_has("huge.toml: file is larger than the limit of 256 MiB");
    // A table with no line breaks is not read as one giant row.
    let mut line = String::from("id,name,lat,lon\n");
    line.push_str(&"x".repeat(2 << 20));
    refused("oneline.csv", line, &["longer than 1 MiB"]);
}

#[test]
fn deep_nesting_is_refused() {
    let deep = format!("{PROFILE}notes = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    refused("deep.toml", deep, &["deep.toml:5:", "recursion"]);
    let tables = format!("a = {}1{}\n", "{b=".repeat(50_000), "}".repeat(50_000));
    refused("tables.toml", tables, &["tables.toml:1:", "invalid TOML"]);
}

#[test]
fn binary_junk_is_refused() {
    let junk: Vec<u8> =
        (0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    refused("junk.toml", &junk, &["not valid UTF-8"]);
    let mut csv = b"id,name,lat,lon\n".to_vec();
    csv.extend_from_slice(&junk);
    refused("junk.csv", csv, &["not a text table"]);
}

#[test]
fn wrong_encodings_are_named() {
    let utf16: Vec<u8> =
        [0xff, 0xfe].into_iter().chain(PROFILE.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    refused("utf16.toml", &utf16, &["utf16.toml:1:1", "UTF-16"]);
    let latin1 = PROFILE.replace("Hostile", "Caf\u{e9}").replace('\u{e9}', "\u{1}");
    let latin1: Vec<u8> = latin1.bytes().map(|b| if b == 1 { 0xe9 } else { b }).collect();
    refused("latin1.toml", &latin1, &["latin1.toml:2:", "not valid UTF-8"]);
}

#[test]
fn nan_and_infinite_numbers_are_refused() {
    refused(
        "nan.toml",
        PROFILE.replace("lat = 51.0", "lat = nan"),
        &["nan.toml:4:", "location.lat", "finite"],
    );
    refused("inf.toml", format!("{PROFILE}population = inf\n"), &["inf.toml:5:", "population"]);
    refused(
        "sev.toml",
        format!("{PROFILE}barriers = {{ job_losses = -nan }}\n"),
        &["sev.toml:5:", "barriers.job_losses"],
    );
    refused(
        "nan.csv",
        "id,name,lat,lon,sector\nH1,Hostile,NaN,0,police\n",
        &["nan.csv:2:", "row 1, column `lat`", "finite"],
    );
    refused(
        "inf.csv",
        "id,name,lat,lon,sector\nH1,Hostile,1e999,0,police\n",
        &["inf.csv:2:", "finite"],
    );
}

#[test]
fn extreme_coordinates_are_handled() {
    refused(
        "far.toml",
        PROFILE.replace("lat = 51.0", "lat = 1e308"),
        &["far.toml:4:", "outside [-90, 90]"],
    );
    // The poles and the antimeridian are valid places; ranking across them must not fail.
    let poles = "id,name,lat,lon,sector\nN,North,90,180,police\nS,South,-90,-180,police\nE,Edge,0,180,police\nW,West,0,-180,police\n";
    let out = Test::new()
        .file("poles.csv", poles)
        .args(["rank", "N", "--format", "json"])
        .data("poles.csv")
        .run();
    out.code(0).no_panic();
    let doc: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    let far = doc["candidates"].as_array().unwrap().iter().find(|c| c["id"] == "S").unwrap();
    assert!(
        (far["distance_km"].as_f64().unwrap() - 20015.1).abs() < 1.0,
        "pole to pole is half the circumference"
    );
}

#[test]
fn a_million_row_table_with_one_bad_row_at_the_end() {
    let mut text = String::with_capacity(40_000_000);
    text.push_str("id,name,lat,lon,sector\n");
    for i in 0..999_999u32 {
        let _ = writeln!(
            text,
            "M{i},Body {i},{:.3},{:.3},police",
            50.0 + f64::from(i % 1000) * 0.008,
            -4.0 + f64::from(i / 1000) * 0.008
        );
    }
    text.push_str("LAST,Last Body,51,0,polise\n");
    refused(
        "million.csv",
        text,
        &["million.csv:1000001:", "row 1000000, column `sector`", "did you mean \"police\""],
    );
}

#[test]
fn duplicate_ids_at_scale_are_reported_without_flooding() {
    let mut text = String::from("id,name,lat,lon,sector\n");
    for i in 0..100_000u32 {
        let _ = writeln!(text, "DUP,Body {i},51,0,police");
    }
    let out =
        Test::new().file("dup.csv", &text).args(["import", "dup.csv", "--out", "out.toml"]).run();
    out.code(2)
        .no_panic()
        .stderr_has("duplicate id \"DUP\"")
        .stderr_has("more problems not shown")
        .stderr_has("99999 problems found");
    assert!(out.stderr().lines().count() < 2_000, "the error list is capped");
    assert!(!out.dir().join("out.toml").exists());
}

#[test]
fn cyclic_and_self_references_are_refused() {
    let cycle = "id,name,lat,lon,sector,parent\nA,Alpha,51,0,police,B\nB,Beta,51,0,police,C\nC,Gamma,51,0,police,A\n";
    refused("cycle.csv", cycle, &["cycle.csv:2:", "parent links form a cycle: A -> B -> C -> A"]);
    let selfish = "id,name,lat,lon,sector,partners,neighbours\nA,Alpha,51,0,police,A,A\n";
    refused("self.csv", selfish, &["own partner", "own neighbour"]);
    refused("self.toml", format!("{PROFILE}parent = \"H1\"\n"), &["self.toml:5:", "own parent"]);
}

/// A long `rank-all` killed mid-run leaves neither its output nor a temporary file.
#[test]
fn a_run_killed_mid_write_leaves_no_partial_file() {
    let t = Test::new();
    let mut table = String::from("id,name,lat,lon,sector\n");
    for i in 0..40_000u32 {
        let _ = writeln!(
            table,
            "K{i},Body {i},{:.4},{:.4},local_government",
            50.0 + f64::from(i % 200) * 0.02,
            -4.0 + f64::from(i / 200) * 0.02
        );
    }
    std::fs::File::create(t.dir().join("bodies.csv")).unwrap().write_all(table.as_bytes()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_partnermatch"))
        .current_dir(t.dir())
        .args([
            "--data",
            "bodies.csv",
            "rank-all",
            "--brute-force",
            "--top",
            "50",
            "--out",
            "out.csv",
            "--quiet",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    assert!(child.try_wait().unwrap().is_none(), "the run must still be going when killed");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(leftovers(t.dir(), &["bodies.csv"]), Vec::<String>::new());
}
