//! `partnermatch validate`: good data gives a summary and exit 0; every bad profile in the
//! corpus under `tests/data/bad` is reported with its file, line and field, and exit 2.

use std::path::{Path, PathBuf};

use crate::harness::{Test, test_data};

#[test]
fn good_profiles_give_a_summary_by_sector_and_kind() {
    let out = Test::new().args(["validate"]).data_path(&test_data("good")).run();
    out.code(0).no_panic();
    out.stdout_has("ok: 6 organisations")
        .stdout_has("district council")
        .stdout_has("fire and rescue authority");
    let districts =
        out.stdout().lines().find(|l| l.contains("district council")).unwrap().to_owned();
    assert!(districts.trim_end().ends_with('3'), "{districts}");
}

/// One expected problem: the file, line (None for the whole file), field and message text.
struct Expected {
    file: PathBuf,
    line: Option<usize>,
    field: Option<String>,
    text: String,
}

fn expectations(path: &Path) -> Vec<Expected> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    match name.as_str() {
        "empty.toml" => {
            return vec![Expected {
                file: path.into(),
                line: None,
                field: None,
                text: "file is empty".into(),
            }];
        }
        "non_utf8.toml" => {
            return vec![Expected {
                file: path.into(),
                line: Some(2),
                field: None,
                text: "not valid UTF-8".into(),
            }];
        }
        _ => {}
    }
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|rest| {
            let mut parts = rest.splitn(3, ' ');
            let line = parts.next().unwrap().parse().ok();
            let field = parts.next().unwrap();
            Expected {
                file: path.into(),
                line,
                field: (field != "-").then(|| field.to_owned()),
                text: parts.next().unwrap().to_owned(),
            }
        })
        .collect()
}

fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir(&test_data("bad"));
    files.sort();
    files
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    out
}

#[track_caller]
fn assert_reported(stderr: &str, e: &Expected) {
    let place = match e.line {
        Some(line) => format!("{}:{line}:", e.file.display()),
        None => format!("{}: ", e.file.display()),
    };
    let found = stderr.lines().zip(stderr.lines().skip(1).chain(std::iter::once(""))).any(
        |(line, next)| {
            let whole = format!("{line}\n{next}");
            line.starts_with(&format!("error: {place}"))
                && e.field.as_ref().is_none_or(|f| line.contains(&format!("field `{f}`")))
                && whole.contains(&e.text)
        },
    );
    assert!(found, "expected {place} field {:?} {:?} in:\n{stderr}", e.field, e.text);
}

#[test]
fn every_bad_profile_is_reported_with_file_line_and_field() {
    let files = corpus();
    assert!(files.len() >= 15, "corpus has {} files", files.len());
    let mut all = Vec::new();
    for file in &files {
        let expected = expectations(file);
        let is_dup = file.parent().unwrap().ends_with("duplicate_ids");
        if is_dup && expected.is_empty() {
            continue; // the first of the pair is valid on its own
        }
        assert!(!expected.is_empty(), "{} expects nothing", file.display());
        let target = if is_dup { file.parent().unwrap().to_path_buf() } else { file.clone() };
        let out = Test::new().args(["validate"]).data_path(&target).run();
        out.code(2).no_panic();
        for e in &expected {
            assert_reported(&out.stderr(), e);
        }
        assert_eq!(out.stdout(), "", "nothing on stdout when invalid");
        all.extend(expected);
    }
    // The whole corpus as one directory: every problem in every file, in one run.
    let out = Test::new().args(["validate"]).data_path(&test_data("bad")).run();
    out.code(2).no_panic();
    for e in &all {
        assert_reported(&out.stderr(), e);
    }
    out.stderr_has(&format!("{} problems found", out.stderr().matches("\nerror: ").count()));
}

#[test]
fn a_missing_data_path_is_a_usage_error() {
    Test::new()
        .args(["validate", "--data", "no/such/dir"])
        .run()
        .code(2)
        .no_panic()
        .stderr_has("no/such/dir: cannot read data");
}

#[test]
fn a_directory_without_profiles_is_refused() {
    Test::new()
        .file("empty/readme.txt", "nothing here")
        .args(["validate"])
        .data("empty")
        .run()
        .code(2)
        .stderr_has("no profile files (*.toml) in this directory");
}

#[test]
fn help_and_version_document_exit_codes() {
    Test::new()
        .args(["--help"])
        .run()
        .code(0)
        .stdout_has("Exit codes:")
        .stdout_has("2  invalid input");
    Test::new()
        .args(["--version"])
        .run()
        .code(0)
        .stdout_has(concat!("partnermatch ", env!("CARGO_PKG_VERSION")));
    Test::new().args(["--no-such-flag"]).run().code(2).no_panic();
}
