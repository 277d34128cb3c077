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
        // A weight sweep makes the weights explicit, with the order they imply.
        let order = manifest["weights"]["order"].as_str().unwrap();
        match manifest["weights"].get("pinned") {
            None => assert!(order.starts_with("proximity,"), "{order}"),
            Some(pinned) => {
                let criterion = pinned["criterion"].as_str().unwrap();
                assert_eq!(manifest["weights"]["criteria"][criterion], pinned["weight"]);
                assert_eq!(manifest["weights"]["method"]["name"], "explicit");
            }
        }
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
    assert_eq!(n, 11);
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
    assert_eq!(doc["baseline"]["run"], "legal-south-east__method=rank_sum");
    let only = &doc["comparisons"][0];
    assert_eq!(doc["comparisons"].as_array().unwrap().len(), 1);
    assert_eq!(only["summary"]["n_changed"], 0);
    assert_eq!(only["summary"]["mean_tau"], 1.0);
    let bodies = only["bodies"].as_array().unwrap();
    assert_eq!(bodies.len(), 51);
    assert!(bodies.iter().all(|b| b["tau"] == 1.0 && b["changed"] == false));

    // Two different runs: something changes, and the summary says what.
    let other = out.dir().join("runs/legal-south-east__method=rank_order_centroid");
    let diff = Test::new()
        .args(["scenario", "compare", &other.display().to_string(), &run, "--format", "json"])
        .run();
    diff.code(0);
    let doc: Value = serde_json::from_str(&diff.stdout()).unwrap();
    assert!(doc["comparisons"][0]["summary"]["n_changed"].as_u64().unwrap() > 0);
    assert!(doc["comparisons"][0]["summary"]["mean_tau"].as_f64().unwrap() < 1.0);
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
    // A scenario file that expands to several runs gives them all, the first the baseline.
    let swept = Test::new()
        .file("s.toml", "name = \"s\"\n[subjects]\nbodies = [\"Adur\"]\n[sweep]\ntop = [3, 4]\n")
        .args(["scenario", "compare", "s.toml", "--format", "json"])
        .run();
    swept.code(0);
    let doc: Value = serde_json::from_str(&swept.stdout()).unwrap();
    assert_eq!(doc["baseline"]["run"], "s__top=3");
    assert_eq!(doc["comparisons"][0]["b"]["run"], "s__top=4");
    assert_eq!(doc["comparisons"][0]["summary"]["n_entered"], 1);
    // One run alone has nothing to be compared with.
    let alone =
        Test::new().file("adur.toml", scenario).args(["scenario", "compare", "adur.toml"]).run();
    alone.code(2).stderr_has("compare needs at least two runs").stderr_has("only one run (adur)");
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
    assert_eq!(
        files,
        ["adur/manifest.json", "adur/rankings.csv", "adur/rankings.json", "adur/results.csv"]
    );
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
        // Police forces are in the embedded data; parish councils are not.
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

/// The manifest of a run folder.
fn manifest_of(folder: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap()
}

/// A CSV file's rows as maps from column to value, and its header.
fn csv_rows(path: &Path) -> (Vec<String>, Vec<std::collections::BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader
        .records()
        .map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_owned)).collect())
        .collect();
    (header, rows)
}

fn csv_text_rows(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    reader
        .records()
        .map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_owned)).collect())
        .collect()
}

const PROXIMITY_SWEEP: &str = "name = \"prox\"\ntop = 4\n[subjects]\nbodies = [\"Adur\", \
     \"Worthing\", \"Arun\"]\n[sweep]\nweight.proximity = [0.05, 0.10, 0.15, 0.20]\n";

#[test]
fn one_scenario_sweeping_proximitys_weight_gives_four_runs_whose_weights_sum_to_one() {
    let out = Test::new()
        .file("prox.toml", PROXIMITY_SWEEP)
        .file("base.toml", "name = \"base\"\ntop = 4\n[subjects]\nbodies = [\"Adur\"]\n")
        .args(["scenario", "run", "prox.toml", "base.toml", "--out", "runs"])
        .run();
    out.code(0).no_panic().stdout_has("wrote 5 runs");
    let runs = out.dir().join("runs");
    let base = manifest_of(&runs.join("base"));
    let base_weight = |c: &str| base["weights"]["criteria"][c].as_f64().unwrap();
    for (label, value) in [("0.05", 0.05), ("0.1", 0.10), ("0.15", 0.15), ("0.2", 0.20)] {
        let run = format!("prox__weight.proximity={label}");
        let m = manifest_of(&runs.join(&run));
        assert_eq!(m["run"], run.as_str());
        assert_eq!(m["sweep"][0]["parameter"], "weight.proximity");
        assert_eq!(m["sweep"][0]["value"], label);
        let criteria = m["weights"]["criteria"].as_object().unwrap();
        let sum: f64 = criteria.values().map(|w| w.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-12, "{run}: weights sum to {sum}");
        assert!((criteria["proximity"].as_f64().unwrap() - value).abs() < 1e-12, "{run}");
        // The other nine keep the survey's ratios: each is scaled by (1 − w) / (1 − base).
        let scale = (1.0 - value) / (1.0 - base_weight("proximity"));
        for (name, w) in criteria.iter().filter(|(n, _)| *n != "proximity") {
            let expected = base_weight(name) * scale;
            assert!((w.as_f64().unwrap() - expected).abs() < 1e-12, "{run} {name}");
        }
        let pinned = &m["weights"]["pinned"];
        assert_eq!(pinned["criterion"], "proximity");
        assert_eq!(pinned["base_method"]["name"], "rank_order_centroid");
        assert!((pinned["others_scaled_by"].as_f64().unwrap() - scale).abs() < 1e-12);
        // The order the weights imply: proximity sinks as its weight falls below the others'.
        let order = m["weights"]["order"].as_str().unwrap();
        assert!(!order.starts_with("proximity"), "{run}: {order}");
    }
    // The runs differ: a lighter proximity lowers the score of a neighbour.
    let rankings = |run: &str| -> Value {
        let path = runs.join(run).join("rankings.json");
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    };
    let low = rankings("prox__weight.proximity=0.05");
    let high = rankings("prox__weight.proximity=0.2");
    assert_ne!(low["subjects"][0]["candidates"], high["subjects"][0]["candidates"]);
}

#[test]
fn a_position_sweep_moves_one_criterion_and_keeps_the_others_in_order() {
    let scenario = "name = \"pos\"\ntop = 2\n[subjects]\nbodies = [\"Adur\"]\n[sweep]\n\
                    position.political_alignment = [1, 10]\n";
    let out = Test::new().file("pos.toml", scenario).args(["scenario", "run", "pos.toml"]).run();
    out.code(0).no_panic();
    let runs = out.dir().join("scenario-runs");
    let first = manifest_of(&runs.join("pos__position.political_alignment=1"));
    assert_eq!(
        first["weights"]["order"],
        "political_alignment,proximity,service_fit,kind_fit,size_fit,trust,barrier_risk,\
         shared_priorities,shared_geography,ict_fit"
    );
    assert_eq!(first["weights"]["moved"]["position"], 1);
    // Rank order centroid's first weight for ten criteria: (1/10)(1 + 1/2 + ... + 1/10).
    let top: f64 = (1..=10).map(|k| 1.0 / f64::from(k)).sum::<f64>() / 10.0;
    let w = first["weights"]["criteria"]["political_alignment"].as_f64().unwrap();
    assert!((w - top).abs() < 1e-12, "{w}");
    let last = manifest_of(&runs.join("pos__position.political_alignment=10"));
    assert!(last["weights"]["order"].as_str().unwrap().ends_with(",political_alignment"));
    assert!(last["weights"]["moved"]["base_order"].as_str().unwrap().starts_with("proximity,"));
}

#[test]
fn broken_weight_and_position_sweeps_exit_2_and_write_nothing() {
    broken(
        "weight_range",
        "name = \"x\"\n[sweep]\nweight.proximity = [0.1, 1.5]\n",
        &[
            "weight_range.toml:3:26: field `sweep.weight.proximity[1]`: weight 1.5 is outside [0, 1]",
        ],
    );
    broken(
        "weight_typo",
        "name = \"x\"\n[sweep]\nweight.proximty = [0.1]\n",
        &["weight_typo.toml:3:8", "did you mean \"proximity\"?"],
    );
    broken(
        "criterion_alone",
        "name = \"x\"\n[sweep]\nproximity = [0.1]\n",
        &["unknown sweep parameter `proximity`", "did you mean `weight.proximity` (its weight)"],
    );
    broken(
        "weight_bare",
        "name = \"x\"\n[sweep]\nweight = [0.1]\n",
        &["`weight` needs a criterion", "weight.proximity = [0.05, 0.1, 0.15, 0.2]"],
    );
    broken(
        "two_weights",
        "name = \"x\"\n[sweep]\nweight.proximity = [0.1]\nweight.trust = [0.2]\n",
        &["only one criterion's weight can be swept", "`weight.proximity` and `weight.trust`"],
    );
    broken(
        "position_explicit",
        "name = \"x\"\n[weights.explicit]\nproximity = 0.3\nservice_fit = 0.2\nkind_fit = 0.1\n\
         size_fit = 0.1\ntrust = 0.1\nbarrier_risk = 0.05\nshared_priorities = 0.05\n\
         shared_geography = 0.04\nict_fit = 0.03\npolitical_alignment = 0.03\n[sweep]\n\
         position.trust = [1]\n",
        &["the sweep over `position.trust` needs rank-based weights"],
    );
    broken(
        "position_range",
        "name = \"x\"\n[sweep]\nposition.trust = [0, 11]\n",
        &["field `sweep.position.trust[0]`: a position must be a whole number from 1 to 10"],
    );
}

#[test]
fn explicit_weights_that_do_not_sum_to_one_are_rescaled_with_a_warning() {
    let scenario = "name = \"w\"\ntop = 2\n[subjects]\nbodies = [\"Adur\"]\n[weights.explicit]\n\
                    proximity = 0.4\nservice_fit = 0.2\nkind_fit = 0.2\nsize_fit = 0.2\n\
                    trust = 0.2\nbarrier_risk = 0.16\nshared_priorities = 0.16\n\
                    shared_geography = 0.16\nict_fit = 0.16\npolitical_alignment = 0.16\n";
    let out = Test::new().file("w.toml", scenario).args(["scenario", "run", "w.toml"]).run();
    out.code(0)
        .no_panic()
        .stderr_has("warning: w.toml:5:1: field `weights.explicit`: the explicit weights sum to 2,")
        .stderr_has("each is divided by 2, so the weights used are proximity 0.2, service_fit 0.1")
        .stderr_has("political_alignment 0.08");
    let m = manifest_of(&out.dir().join("scenario-runs/w"));
    let used = m["weights"]["criteria"]["proximity"].as_f64().unwrap();
    assert!((used - 0.2).abs() < 1e-12, "{used}");
    // Weights that sum to 1 are used as written, without a warning.
    let exact = scenario
        .replace("= 0.2\n", "= 0.1\n")
        .replace("= 0.16\n", "= 0.08\n")
        .replace("proximity = 0.4", "proximity = 0.2");
    let quiet = Test::new().file("w.toml", exact).args(["scenario", "run", "w.toml"]).run();
    quiet.code(0);
    assert!(!quiet.stderr().contains("warning"), "{}", quiet.stderr());
}

#[test]
fn compare_of_four_runs_writes_one_csv_row_per_body_run_and_candidate_movement() {
    let out = Test::new()
        .file("prox.toml", PROXIMITY_SWEEP)
        .args(["scenario", "run", "prox.toml", "--out", "runs"])
        .run();
    out.code(0);
    let runs = out.dir().join("runs");
    let names = ["0.05", "0.1", "0.15", "0.2"].map(|v| format!("prox__weight.proximity={v}"));
    let paths: Vec<String> = names.iter().map(|n| runs.join(n).display().to_string()).collect();
    let csv =
        Test::new().args(["scenario", "compare"]).args(&paths).args(["--format", "csv"]).run();
    csv.code(0).no_panic();
    let rows = csv_text_rows(&csv.stdout());
    // Each (run, body): one row per candidate in either top 4, exactly once.
    let top = |run: &str, body: &str| -> Vec<(String, usize)> {
        csv_rows(&runs.join(run).join("results.csv"))
            .1
            .into_iter()
            .filter(|r| r["subject_id"] == body)
            .map(|r| (r["candidate_id"].clone(), r["rank"].parse().unwrap()))
            .collect()
    };
    let mut expected_rows = 0;
    for run in &names[1..] {
        for body in ["E07000223", "E07000224", "E07000229"] {
            let (a, b) = (top(&names[0], body), top(run, body));
            let mine: Vec<_> =
                rows.iter().filter(|r| r["run"] == *run && r["subject_id"] == body).collect();
            let mut union: Vec<&String> = a.iter().chain(&b).map(|(id, _)| id).collect();
            union.sort();
            union.dedup();
            expected_rows += union.len();
            let mut listed: Vec<&String> = mine.iter().map(|r| &r["candidate_id"]).collect();
            listed.sort();
            assert_eq!(listed, union, "{run} {body}");
            for r in mine {
                assert_eq!(r["baseline"], names[0]);
                let rank_in = |list: &[(String, usize)]| {
                    list.iter().find(|(id, _)| *id == r["candidate_id"]).map(|(_, k)| *k)
                };
                let (ra, rb) = (rank_in(&a), rank_in(&b));
                let movement = match (ra, rb) {
                    (Some(x), Some(y)) if x > y => "up",
                    (Some(x), Some(y)) if x < y => "down",
                    (Some(_), Some(_)) => "same",
                    (Some(_), None) => "left",
                    _ => "entered",
                };
                assert_eq!(r["movement"], movement, "{run} {body} {}", r["candidate_id"]);
                assert_eq!(r["rank_baseline"], ra.map_or(String::new(), |k| k.to_string()));
                assert_eq!(r["rank_run"], rb.map_or(String::new(), |k| k.to_string()));
                let tau: f64 = r["tau"].parse().unwrap();
                assert!((-1.0..=1.0).contains(&tau));
            }
        }
    }
    assert_eq!(rows.len(), expected_rows);
    assert!(rows.iter().any(|r| r["score_change"].parse::<f64>().unwrap() != 0.0));
    // The table has an overview line per run compared.
    let table = Test::new().args(["scenario", "compare"]).args(&paths).run();
    table.code(0).stdout_has(&format!("baseline: {}", names[0]));
    for run in &names[1..] {
        table.stdout_has(&format!("== {run} against the baseline =="));
    }
}

#[test]
fn runs_that_share_no_body_are_named_as_such() {
    let out = Test::new()
        .file("a.toml", "name = \"a\"\ntop = 2\n[subjects]\nbodies = [\"Adur\"]\n")
        .file("b.toml", "name = \"b\"\ntop = 2\n[subjects]\nbodies = [\"Worthing\", \"Arun\"]\n")
        .args(["scenario", "run", "a.toml", "b.toml", "--out", "runs"])
        .run();
    out.code(0);
    let run = |n: &str| out.dir().join("runs").join(n).display().to_string();
    let table = Test::new().args(["scenario", "compare", &run("a"), &run("b")]).run();
    table
        .code(0)
        .stdout_has("A and B share no ranked body, so there is nothing to compare: A ranks 1 body, B ranks 2 bodies");
    assert!(!table.stdout().contains("no change"), "{}", table.stdout());
    let json =
        Test::new().args(["scenario", "compare", &run("a"), &run("b"), "--format", "json"]).run();
    let doc: Value = serde_json::from_str(&json.stdout()).unwrap();
    assert_eq!(doc["comparisons"][0]["bodies"].as_array().unwrap().len(), 0);
    assert_eq!(doc["comparisons"][0]["only_in_b"].as_array().unwrap().len(), 2);
    let csv =
        Test::new().args(["scenario", "compare", &run("a"), &run("b"), "--format", "csv"]).run();
    csv.code(0).stderr_has("warning: run b ranks no body that the baseline a ranks");
    assert_eq!(csv.stdout().lines().count(), 1, "only the header: {}", csv.stdout());
    assert!(csv.stdout().starts_with("baseline,run,subject_id,"));
    // Among several runs, the one that shares none is marked in the overview.
    let three = Test::new().args(["scenario", "compare", &run("a"), &run("a"), &run("b")]).run();
    three.code(0).stdout_has("0 shared");
}

#[test]
fn results_csv_of_a_sweep_is_long_format_with_the_swept_value() {
    let out = Test::new()
        .file("prox.toml", PROXIMITY_SWEEP)
        .args(["scenario", "run", "prox.toml", "--out", "runs"])
        .run();
    out.code(0);
    let folder = out.dir().join("runs/prox__weight.proximity=0.15");
    let path = folder.join("results.csv");
    let (header, rows) = csv_rows(&path);
    assert_eq!(
        header,
        [
            "scenario",
            "run",
            "weight.proximity",
            "subject_id",
            "subject_name",
            "rank",
            "candidate_id",
            "candidate_name",
            "score",
            "forward",
            "backward",
            "distance_km"
        ]
    );
    // One row per body and candidate, each carrying the run and the swept value.
    assert_eq!(rows.len(), 3 * 4);
    for r in &rows {
        assert_eq!(r["scenario"], "prox");
        assert_eq!(r["run"], "prox__weight.proximity=0.15");
        assert_eq!(r["weight.proximity"], "0.15");
    }
    // The same rows as rankings.csv, with the run columns in front.
    let (_, plain) = csv_rows(&folder.join("rankings.csv"));
    for (long, short) in rows.iter().zip(&plain) {
        for (k, v) in short {
            assert_eq!(&long[k], v, "{k}");
        }
    }
    // Python's csv.DictReader reads it in one call (when python3 is on the machine).
    let script = "import csv, sys\nrows = list(csv.DictReader(open(sys.argv[1], newline='')))\n\
                  assert len(rows) == 12, len(rows)\n\
                  assert {r['weight.proximity'] for r in rows} == {'0.15'}\n\
                  assert all(float(r['score']) > 0 for r in rows)\nprint('ok', len(rows))\n";
    match std::process::Command::new("python3").arg("-c").arg(script).arg(&path).output() {
        Ok(done) => {
            let stdout = String::from_utf8_lossy(&done.stdout);
            assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
            assert_eq!(stdout.trim(), "ok 12");
        }
        Err(_) => eprintln!("python3 not found: the DictReader check is skipped"),
    }
}

#[test]
fn stack_concatenates_runs_with_the_union_of_their_columns() {
    let out = Test::new()
        .file("prox.toml", PROXIMITY_SWEEP)
        .file(
            "top.toml",
            "name = \"top\"\n[subjects]\nbodies = [\"Adur\"]\n[sweep]\ntop = [1, 2]\n",
        )
        .args(["scenario", "run", "prox.toml", "top.toml", "--out", "runs"])
        .run();
    out.code(0);
    let dir = out.dir().to_path_buf();
    let runs = dir.join("runs").display().to_string();
    let stacked = Test::new().args(["scenario", "stack", &runs, "--out"]).run();
    stacked.code(2).no_panic();
    let file = dir.join("all.csv");
    let done =
        Test::new().args(["scenario", "stack", &runs, "--out", &file.display().to_string()]).run();
    done.code(0).no_panic().stderr_has("wrote 51 rows of 6 runs");
    let (header, rows) = csv_rows(&file);
    assert_eq!(&header[..5], ["scenario", "run", "weight.proximity", "top", "subject_id"]);
    // Four runs of three bodies' top 4, then top 1 and top 2 of one body.
    assert_eq!(rows.len(), 4 * 3 * 4 + (1 + 2));
    for r in &rows {
        if r["scenario"] == "prox" {
            assert_eq!(r["top"], "");
            assert!(r["run"].ends_with(&format!("={}", r["weight.proximity"])));
        } else {
            assert_eq!(r["weight.proximity"], "");
            assert_eq!(r["run"], format!("top__top={}", r["top"]));
        }
    }
    // To standard output too, the same bytes.
    let piped = Test::new().args(["scenario", "stack", &runs]).run();
    piped.code(0);
    assert_eq!(piped.stdout().as_bytes(), std::fs::read(&file).unwrap());
    // A run given twice would count twice: refused. So is a folder with no runs.
    let one = dir.join("runs/top__top=1").display().to_string();
    let twice = Test::new().args(["scenario", "stack", &runs, &one]).run();
    twice.code(2).stderr_has("run top__top=1 is also in");
    let empty = Test::new().args(["scenario", "stack", "."]).run();
    empty.code(2).stderr_has("no results.csv here or in any folder inside");
    // The existing file is kept without --force.
    let again =
        Test::new().args(["scenario", "stack", &runs, "--out", &file.display().to_string()]).run();
    again.code(2).no_panic();
}

/// The worked example of `examples/README.md`: every numbered point there is checked here.
#[test]
fn the_consultants_worked_example_shows_what_examples_readme_describes() {
    let out = Test::new()
        .args(["scenario", "run", &example("gloucestershire-legal.toml"), "--out", "runs"])
        .run();
    out.code(0).no_panic().stdout_has("wrote 4 runs");
    let runs = out.dir().join("runs");
    let names = ["0.05", "0.1", "0.15", "0.2"]
        .map(|v| format!("gloucestershire-legal__weight.proximity={v}"));
    // 1. Four runs of six districts' top 5, the weights as swept, summing to 1; the pledge.
    for (i, (name, w)) in names.iter().zip([0.05, 0.10, 0.15, 0.20]).enumerate() {
        let m = manifest_of(&runs.join(name));
        let criteria = m["weights"]["criteria"].as_object().unwrap();
        let sum: f64 = criteria.values().map(|x| x.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-12, "{name}: {sum}");
        assert!((criteria["proximity"].as_f64().unwrap() - w).abs() < 1e-12);
        let base = m["weights"]["pinned"]["base_weight"].as_f64().unwrap();
        assert!((base - 0.293).abs() < 5e-4, "{base}");
        let scale = m["weights"]["pinned"]["others_scaled_by"].as_f64().unwrap();
        assert!((scale - (1.0 - w) / (1.0 - base)).abs() < 1e-12);
        if i == 0 {
            assert!((scale - 1.344).abs() < 5e-4, "{scale}");
        }
        assert_eq!(m["subjects"]["n"], 6);
        assert_eq!(m["settings"]["top"], 5);
        assert_eq!(m["mitigations"][0]["n_bodies_changed"], 6);
        assert_eq!(m["overrides"].as_array().unwrap().len(), 2);
    }
    // 2. The first choices, at every weight; the county, the one outsider.
    let first_choices = [
        ("Cheltenham Borough Council", "Tewkesbury Borough Council"),
        ("Cotswold District Council", "Tewkesbury Borough Council"),
        ("Forest of Dean District Council", "Stroud District Council"),
        ("Gloucester City Council", "Gloucestershire County Council"),
        ("Stroud District Council", "Gloucester City Council"),
        ("Tewkesbury Borough Council", "Cheltenham Borough Council"),
    ];
    let lists = |name: &str, body: &str| -> Vec<String> {
        csv_rows(&runs.join(name).join("results.csv"))
            .1
            .into_iter()
            .filter(|r| r["subject_name"] == body)
            .map(|r| r["candidate_name"].clone())
            .collect()
    };
    let districts = [
        "Cheltenham Borough Council",
        "Cotswold District Council",
        "Forest of Dean District Council",
        "Gloucester City Council",
        "Stroud District Council",
        "Tewkesbury Borough Council",
    ];
    for (i, name) in names.iter().enumerate() {
        let (_, rows) = csv_rows(&runs.join(name).join("results.csv"));
        assert_eq!(rows.len(), 30, "{name}");
        // Only the districts and their county (Gloucester's first choice at every weight; in
        // four top 5s at 0.20).
        let outsiders: Vec<&str> = rows
            .iter()
            .filter(|r| !districts.contains(&r["candidate_name"].as_str()))
            .map(|r| r["candidate_name"].as_str())
            .collect();
        assert!(outsiders.iter().all(|o| *o == "Gloucestershire County Council"), "{name}");
        assert_eq!(outsiders.len(), if i < 3 { 1 } else { 4 }, "{name}: {outsiders:?}");
        for (body, first) in first_choices {
            assert_eq!(lists(name, body)[0], first, "{name}: {body}");
        }
        // 6. Service fit's reason: every district candidate also seeks legal services; the
        // county offers them.
        for r in &rows {
            if districts.contains(&r["candidate_name"].as_str()) {
                assert!(r["reasons"].contains("also seeks legal"), "{}", r["reasons"]);
                assert!(!r["reasons"].contains("offers legal"), "{}", r["reasons"]);
            } else if r["candidate_name"] == "Gloucestershire County Council" {
                assert!(r["reasons"].contains("offers legal"), "{}", r["reasons"]);
            }
        }
    }
    // 3. Only the lower places move.
    let forest = "Forest of Dean District Council";
    assert_eq!(
        lists(&names[0], forest),
        [
            "Stroud District Council",
            "Tewkesbury Borough Council",
            "Cotswold District Council",
            "Gloucester City Council",
            "Cheltenham Borough Council"
        ]
    );
    assert_eq!(
        lists(&names[3], forest),
        [
            "Stroud District Council",
            "Tewkesbury Borough Council",
            "Gloucester City Council",
            "Cheltenham Borough Council",
            "Gloucestershire County Council"
        ]
    );
    let paths: Vec<String> = names.iter().map(|n| runs.join(n).display().to_string()).collect();
    let json =
        Test::new().args(["scenario", "compare"]).args(&paths).args(["--format", "json"]).run();
    json.code(0);
    let doc: Value = serde_json::from_str(&json.stdout()).unwrap();
    assert_eq!(doc["baseline"]["run"], names[0].as_str());
    let comparisons = doc["comparisons"].as_array().unwrap();
    assert_eq!(comparisons.len(), 3);
    // (Cheltenham, Cotswold, Forest of Dean, Gloucester, Stroud) taus at 0.10, 0.15 and 0.20;
    // Tewkesbury keeps 1.
    let expected_tau =
        [(0.8, 0.6, 0.8, 0.8, 0.8), (0.8, 0.6, 0.6, 0.6, 0.6), (11.0 / 15.0, 0.6, 0.6, 0.6, 0.6)];
    let entered = [0, 1, 4];
    for ((c, (cheltenham, cotswold, forest, gloucester, stroud)), n_in) in
        comparisons.iter().zip(expected_tau).zip(entered)
    {
        let s = &c["summary"];
        assert_eq!(s["n_bodies"], 6);
        assert_eq!(s["n_top1_changed"], 0);
        assert_eq!(s["n_entered"], n_in);
        assert_eq!(s["n_left"], n_in);
        for b in c["bodies"].as_array().unwrap() {
            let tau = b["tau"].as_f64().unwrap();
            let expected = match b["name"].as_str().unwrap() {
                "Cheltenham Borough Council" => cheltenham,
                "Stroud District Council" => stroud,
                "Cotswold District Council" => cotswold,
                "Forest of Dean District Council" => forest,
                "Gloucester City Council" => gloucester,
                _ => 1.0,
            };
            assert!((tau - expected).abs() < 1e-9, "{}: {} {tau}", c["b"]["run"], b["name"]);
        }
    }
    let last = &comparisons[2]["summary"];
    assert_eq!(last["n_changed"], 6);
    assert_eq!(last["n_moved"], 12);
    assert!((last["mean_tau"].as_f64().unwrap() - 0.688_888_889).abs() < 1e-6);
    assert!((last["min_tau"].as_f64().unwrap() - 0.6).abs() < 1e-9);
    // 4. The movements as CSV: 95 rows, at 0.20 eight up, four down, four entered, four left.
    let csv =
        Test::new().args(["scenario", "compare"]).args(&paths).args(["--format", "csv"]).run();
    csv.code(0);
    let moves = csv_text_rows(&csv.stdout());
    assert_eq!(moves.len(), 3 * 6 * 5 + 1 + 4);
    assert!(
        moves
            .iter()
            .all(|r| ["same", "up", "down", "entered", "left"].contains(&r["movement"].as_str()))
    );
    let count =
        |m: &str| moves.iter().filter(|r| r["run"] == names[3] && r["movement"] == m).count();
    assert_eq!((count("up"), count("down"), count("entered"), count("left")), (8, 4, 4, 4));
    // 5. Stacked: 120 rows with the swept weight as a column.
    let table = out.dir().join("legal.csv");
    let stack = Test::new()
        .args(["scenario", "stack", &runs.display().to_string(), "--out"])
        .args([table.display().to_string()])
        .run();
    stack.code(0);
    let (header, rows) = csv_rows(&table);
    assert_eq!(header[2], "weight.proximity");
    assert_eq!(rows.len(), 120);
    let mut weights: Vec<&str> = rows.iter().map(|r| r["weight.proximity"].as_str()).collect();
    weights.dedup();
    assert_eq!(weights, ["0.05", "0.1", "0.15", "0.2"]);
}
