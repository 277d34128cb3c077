//! `scenario run` and `scenario compare` through the binary: the shipped examples run twice give
//! byte-identical folders, a run compared with itself shows no change, manifests hold the
//! weights, and every kind of broken scenario exits 2 with a located message and writes nothing.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{Test, repo};

/// Every file under a folder (relative path, bytes), sorted; empty if it does not exist.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().display().to_string();
            out.push((rel, std::fs::read(entry.path()).unwrap()));
        }
    }
    out
}

fn example(name: &str) -> String {
    repo().join("examples/scenarios").join(name).display().to_string()
}

fn examples() -> Vec<String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(repo().join("examples/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    names.into_iter().map(|p| p.display().to_string()).collect()
}

#[test]
fn each_shipped_example_runs_twice_to_byte_identical_output() {
    let files = examples();
    assert!(files.len() >= 3, "{files:?}");
    for file in files {
        let first = Test::new().args(["scenario", "run", &file, "--out", "one"]).run();
        first.code(0).no_panic().stdout_has("wrote ");
        // Again, on one thread, into another folder: the same bytes.
        let second =
            Test::new().args(["--threads", "1", "scenario", "run", &file, "--out", "two"]).run();
        second.code(0).no_panic();
        let (a, b) = (tree(&first.dir().join("one")), tree(&second.dir().join("two")));
        assert!(a.len() >= 3, "{file}: {} files", a.len());
        assert_eq!(
            a.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            b.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
        for ((path, x), (_, y)) in a.iter().zip(&b) {
            assert!(x == y, "{file}: {path} differs between runs");
        }
        // No absolute path, no temp folder name, no time in any output.
        for (path, bytes) in &a {
            let text = String::from_utf8_lossy(bytes);
            let temp = first.dir().display().to_string();
            assert!(!text.contains(&temp), "{path} holds the output folder's path");
            assert!(!text.contains(&repo().display().to_string()), "{path} holds an absolute path");
        }
    }
}

#[test]
fn every_manifest_holds_the_resolved_weights_and_settings() {
    let out = Test::new().args(["scenario", "run"]).args(examples()).args(["--out", "runs"]).run();
    out.code(0).no_panic();
    let runs = out.dir().join("runs");
    let mut n = 0;
    for entry in std::fs::read_dir(&runs).unwrap() {
        let folder = entry.unwrap().path();
        let manifest: Value =
            serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
        n += 1;
        assert_eq!(manifest["format"], "partnermatch-scenario-run/1");
        assert_eq!(manifest["engine"]["name"], "partnermatch");
        assert_eq!(manifest["run"], folder.file_name().unwrap().to_str().unwrap());
        let criteria = manifest["weights"]["criteria"].as_object().unwrap();
        assert_eq!(criteria.len(), 10);
        let sum: f64 = criteria.values().map(|w| w.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{sum}");
        assert_eq!(manifest["weights"]["barriers"].as_object().unwrap().len(), 6);
        assert!(manifest["weights"]["method"]["name"].is_string());
        assert!(manifest["weights"]["order"].as_str().unwrap().starts_with("proximity,"));
        assert_eq!(manifest["dataset"]["sha256"].as_str().unwrap().len(), 64);
        for key in ["top", "filter", "within_km", "focus", "exclude_partners", "mutual", "params"] {
            assert!(manifest["settings"].get(key).is_some(), "settings.{key} missing");
        }
        // Each output's hash is the hash of the file written.
        for output in manifest["outputs"].as_array().unwrap() {
            let bytes = std::fs::read(folder.join(output["file"].as_str().unwrap())).unwrap();
            assert_eq!(output["bytes"].as_u64().unwrap() as usize, bytes.len());
            assert_eq!(output["sha256"], partnermatch::scenario::sha256_hex(&bytes));
        }
    }
    assert_eq!(n, 7);
    // The political-control runs differ only in the weight of political alignment.
    let read = |run: &str| -> Value {
        let path = runs.join(run).join("manifest.json");
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    };
    let survey = read("political-control__weights=survey");
    let none = read("political-control__weights=no-political-control");
    assert!(
        (survey["weights"]["criteria"]["political_alignment"].as_f64().unwrap() - 0.01).abs()
            < 1e-12
    );
    assert_eq!(none["weights"]["criteria"]["political_alignment"], 0.0);
    assert_eq!(none["weights"]["method"]["name"], "explicit");
    // The blue-light mitigation is recorded with the bodies it changed.
    let pledge = read("blue-light__mitigation.job_losses=0.5");
    assert_eq!(pledge["mitigations"][1]["barrier"], "job_losses");
    assert_eq!(pledge["mitigations"][1]["reduce_by"], 0.5);
    assert_eq!(pledge["mitigations"][1]["n_bodies_changed"], 10);
    assert_eq!(pledge["dataset"]["source"], "../data/blue-light");
}

#[test]
fn a_run_compared_with_itself_shows_no_change() {
    let out = Test::new()
        .args(["scenario", "run", &example("legal-south-east.toml"), "--out", "runs"])
        .run();
    out.code(0);
    let run = out.dir().join("runs/legal-south-east__method=rank_sum").display().to_string();
    let table = Test::new().args(["scenario", "compare", &run, &run]).run();
    table.code(0).no_panic().stdout_has("no change: all 51 bodies have the same top 5");
    let json = Test::new().args(["scenario", "compare", &run, &run, "--format", "json"]).run();
    json.code(0);
    let doc: Value = serde_json::from_str(&json.stdout()).unwrap();
    assert_eq!(doc["summary"]["n_changed"], 0);
    assert_eq!(doc["summary"]["mean_tau"], 1.0);
    let bodies = doc["bodies"].as_array().unwrap();
    assert_eq!(bodies.len(), 51);
    assert!(bodies.iter().all(|b| b["tau"] == 1.0 && b["changed"] == false));

    // Two different runs: something changes, and the summary says what.
    let other = out.dir().join("runs/legal-south-east__method=rank_order_centroid");
    let diff = Test::new()
        .args(["scenario", "compare", &other.display().to_string(), &run, "--format", "json"])
        .run();
    diff.code(0);
    let doc: Value = serde_json::from_str(&diff.stdout()).unwrap();
    assert!(doc["summary"]["n_changed"].as_u64().unwrap() > 0);
    assert!(doc["summary"]["mean_tau"].as_f64().unwrap() < 1.0);
    assert!(doc["tau_definition"].as_str().unwrap().contains("tau-b"));
}

#[test]
fn compare_runs_a_scenario_file_in_memory() {
    let scenario = "name = \"adur\"\ntop = 3\n[subjects]\nbodies = [\"Adur\"]\n";
    let out = Test::new().file("adur.toml", scenario).args(["scenario", "run", "adur.toml"]).run();
    out.code(0);
    // The default output folder, relative to where the command runs.
    assert!(out.dir().join("scenario-runs/adur/manifest.json").is_file());
    let same = Test::new()
        .file("adur.toml", scenario)
        .args(["scenario", "compare", "adur.toml", "adur.toml"])
        .run();
    same.code(0).stdout_has("no change: all 1 bodies");
    // A scenario file that expands to several runs cannot be one side of a comparison.
    let swept = Test::new()
        .file("s.toml", "name = \"s\"\n[subjects]\nbodies = [\"Adur\"]\n[sweep]\ntop = [3, 4]\n")
        .args(["scenario", "compare", "s.toml", "s.toml"])
        .run();
    swept.code(2).stderr_has("expands to 2 runs").stderr_has("s__top=3, s__top=4");
    let not_a_run = Test::new().args(["scenario", "compare", ".", "."]).run();
    not_a_run.code(2).stderr_has("not a scenario run folder");
}

#[test]
fn an_existing_run_folder_is_refused_without_force() {
    let scenario = "name = \"adur\"\ntop = 2\n[subjects]\nbodies = [\"Adur\"]\n";
    let test = Test::new().file("adur.toml", scenario).file("runs/adur/notes.txt", "mine");
    let dir = test.dir().to_path_buf();
    let refused = test.args(["scenario", "run", "adur.toml", "--out", "runs"]).run();
    refused.code(2).stderr_has("pass --force to replace it");
    assert_eq!(tree(&dir.join("runs")), vec![("adur/notes.txt".to_owned(), b"mine".to_vec())]);
    // With --force the folder is replaced whole.
    let forced = Test::new()
        .file("adur.toml", scenario)
        .file("runs/adur/notes.txt", "mine")
        .args(["scenario", "run", "adur.toml", "--out", "runs", "--force"])
        .run();
    forced.code(0);
    let files: Vec<String> = tree(&forced.dir().join("runs")).into_iter().map(|(p, _)| p).collect();
    assert_eq!(files, ["adur/manifest.json", "adur/rankings.csv", "adur/rankings.json"]);
    // An empty run folder holds nothing to lose: it is simply used.
    let empty = Test::new().file("adur.toml", scenario);
    std::fs::create_dir_all(empty.dir().join("runs/adur")).unwrap();
    let empty = empty.args(["scenario", "run", "adur.toml", "--out", "runs"]).run();
    empty.code(0);
    assert!(empty.dir().join("runs/adur/manifest.json").is_file());
    // `--out .` writes beside the scenario and leaves no staging folder behind.
    let here = Test::new()
        .file("adur.toml", scenario)
        .args(["scenario", "run", "adur.toml", "--out", "."])
        .run();
    here.code(0);
    let mut names: Vec<String> = std::fs::read_dir(here.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["adur", "adur.toml"]);
}

/// A broken scenario: exit 2, the message fragments on standard error, and the output folder
/// exactly as it was (absent, or holding only an unrelated file).
#[track_caller]
fn broken(name: &str, text: &str, fragments: &[&str]) {
    for existing in [false, true] {
        let mut test = Test::new().file(&format!("{name}.toml"), text);
        if existing {
            test = test.file("out/unrelated.txt", "keep me");
        }
        let out = test.args(["scenario", "run", &format!("{name}.toml"), "--out", "out"]).run();
        out.code(2).no_panic().stderr_has("invalid scenario:");
        for f in fragments {
            out.stderr_has(f);
        }
        let expected: Vec<(String, Vec<u8>)> = if existing {
            vec![("unrelated.txt".to_owned(), b"keep me".to_vec())]
        } else {
            Vec::new()
        };
        assert_eq!(tree(&out.dir().join("out")), expected, "{name}: output changed");
        assert_eq!(out.dir().join("out").exists(), existing, "{name}");
    }
}

#[test]
fn every_kind_of_broken_scenario_exits_2_and_writes_nothing() {
    broken(
        "unknown_key",
        "name = \"x\"\ntopp = 3\n",
        &["unknown_key.toml:2:1: field `topp`: unknown field `topp`", "did you mean `top`?"],
    );
    broken(
        "unknown_body",
        "name = \"x\"\n[subjects]\nbodies = [\"Adur\", \"Wothing\"]\n",
        &[
            "unknown_body.toml:3:19: field `subjects.bodies[1]`: unknown body \"Wothing\"",
            "did you mean \"Worthing Borough Council\" (E07000229)?",
        ],
    );
    broken(
        "no_such_region",
        "name = \"x\"\n[candidates]\nregions = [\"South Est\"]\n",
        &[
            "no_such_region.toml:3:12: field `candidates.regions[0]`: no body in the data has region \"South Est\"",
            "did you mean \"South East\"?",
        ],
    );
    broken(
        "kind_not_in_data",
        // Police forces are in the embedded data now; parish councils are not.
        "name = \"x\"\n[subjects]\nkinds = [\"parish_council\"]\n",
        &[
            "kind_not_in_data.toml:3:10: field `subjects.kinds[0]`: no body in the data is of kind \"parish_council\"",
            "kinds in the data:",
        ],
    );
    broken(
        "empty_sweep",
        "name = \"x\"\n[sweep]\nmethod = []\n",
        &["empty_sweep.toml:3:1: field `sweep.method`: the sweep over `method` has no values"],
    );
    broken(
        "unknown_parameter",
        "name = \"x\"\n[sweep]\nmethd = [\"rank_sum\"]\n",
        &[
            "unknown_parameter.toml:3:1: field `sweep.methd`: unknown sweep parameter `methd`",
            "did you mean `method`?",
        ],
    );
    broken(
        "bad_value",
        "name = \"x\"\n[sweep]\nmitigation.job_losses = [0, 1.5]\n",
        &[
            "bad_value.toml:3:29: field `sweep.mitigation.job_losses[1]`: mitigation 1.5 is outside [0, 1]",
        ],
    );
    broken(
        "bad_method",
        "name = \"x\"\n[sweep]\nmethod = [\"rank_summ\"]\n",
        &["bad_method.toml:3:11", "did you mean \"rank_sum\"?"],
    );
    broken(
        "missing_data",
        "name = \"x\"\ndataset = \"nowhere\"\n",
        &["missing_data.toml:2:11: field `dataset`: no file or folder at \"nowhere\""],
    );
    broken("syntax", "name = \"x\n", &["syntax.toml:1:", "invalid TOML"]);
}

#[test]
fn one_broken_file_stops_every_run() {
    let good = example("legal-south-east.toml");
    let out = Test::new()
        .file("bad.toml", "name = \"bad\"\n[sweep]\ntop = [0]\n")
        .args(["scenario", "run", &good, "bad.toml", "--out", "out"])
        .run();
    out.code(2).stderr_has("invalid scenarios:").stderr_has("bad.toml:3:8");
    assert!(!out.dir().join("out").exists());
}

#[test]
fn scenarios_name_their_own_data() {
    let out = Test::new()
        .file("a.toml", "name = \"a\"\n")
        .args(["--data", "x.csv", "scenario", "run", "a.toml"])
        .run();
    out.code(2).stderr_has("drop --data and --survey");
}

#[test]
fn the_compare_table_shows_the_summary_and_changed_bodies() {
    let out =
        Test::new().args(["scenario", "run", &example("blue-light.toml"), "--out", "runs"]).run();
    out.code(0);
    let run = |name: &str| out.dir().join("runs").join(name).display().to_string();
    let table = Test::new()
        .args([
            "scenario",
            "compare",
            &run("blue-light__mitigation.job_losses=0"),
            &run("blue-light__mitigation.job_losses=1"),
        ])
        .run();
    table.code(0).no_panic();
    insta::assert_snapshot!(table.stdout());
}
