//! `pairs` and `groups` through the binary: on the small fixture (tests/data/good), whose
//! plan is argued, and on the embedded UK data (councils, and the police, fire, health and
//! combined-authority bodies around them); formats, limits, bad options, output files
//! and byte-identical output for any thread count.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{Outcome, Test, test_data};

fn json(out: &Outcome) -> Value {
    serde_json::from_str(&out.stdout()).unwrap()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|b| b["id"].as_str().unwrap().to_owned()).collect()
}

fn pairs_json(args: &[&str]) -> Value {
    let out = Test::new().args(["pairs", "--format", "json", "--quiet"]).args(args).run();
    out.code(0).no_panic();
    json(&out)
}

fn groups_json(args: &[&str]) -> Value {
    let out = Test::new().args(["groups", "--format", "json", "--quiet"]).args(args).run();
    out.code(0).no_panic();
    json(&out)
}

/// Every body appears exactly once, in a pair or unpaired; the total is the sum of the pairs'
/// scores; each pair carries both views with ten criteria.
fn check_plan(doc: &Value) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut total = 0.0;
    for p in doc["pairs"].as_array().unwrap() {
        for side in ["a", "b"] {
            assert!(seen.insert(p[side]["id"].as_str().unwrap().to_owned()), "{p}");
        }
        total += p["score"].as_f64().unwrap();
        for view in ["forward", "backward"] {
            assert_eq!(p[view]["criteria"].as_array().unwrap().len(), 10);
        }
        assert!(!p["reasons"].as_array().unwrap().is_empty());
    }
    for u in ids(&doc["unpaired"]) {
        assert!(seen.insert(u));
    }
    assert_eq!(seen.len() as u64, doc["n_bodies"].as_u64().unwrap());
    assert!((total - doc["total"].as_f64().unwrap()).abs() < 1e-9);
    let scores: Vec<f64> =
        doc["pairs"].as_array().unwrap().iter().map(|p| p["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "pairs are listed best first");
    seen
}

/// The fixture's plan, argued (service fit from what each body seeks, offers or delivers by
/// statute; missing data counts as 0): Eastvale and Westvale are the best pair (0.92: a shared
/// boundary, the same kind, an existing partnership, the same party, and Westvale delivers all
/// three services Eastvale seeks: revenues and benefits, legal and building control); the
/// police force and the fire authority come next (0.84: kind fit 0.9, 5 km apart, an existing
/// partnership, each delivers the control room, estates, fleet and training the other seeks,
/// but the police force states no barriers and neither has a political control, which
/// count 0); that leaves Northshire County Council with Southmoor, the district
/// it contains (0.62).
#[test]
fn the_fixture_pairs_as_argued() {
    let doc = pairs_json(&["--data", test_data("good").to_str().unwrap()]);
    check_plan(&doc);
    let pairs: Vec<(String, String)> = doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["a"]["id"].as_str().unwrap().into(), p["b"]["id"].as_str().unwrap().into()))
        .collect();
    let expected = [("T-EVD", "T-WVD"), ("T-NFRS", "T-NPOL"), ("T-NCC", "T-SMD")];
    assert_eq!(pairs, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
    assert_eq!(doc["method"], "exact");
    assert_eq!(doc["optimal"], true);
    assert_eq!(doc["bound"]["kind"], "exact_optimum");
    assert_eq!(doc["n_unpaired"], 0);
}

#[test]
fn a_region_of_the_embedded_data_is_paired_within_the_region() {
    let doc = pairs_json(&["--region", "South East", "--sector", "local_government"]);
    let bodies = check_plan(&doc);
    assert_eq!(bodies.len(), 72, "the 72 South East councils (with the Surrey shadows)");
    let exact = doc["total"].as_f64().unwrap();
    let greedy = doc["greedy_total"].as_f64().unwrap();
    assert!(exact >= greedy && 2.0 * greedy >= exact, "{exact} {greedy}");
    // Every body is a South East council.
    let listed = Test::new()
        .args(["list", "--region", "South East", "--sector", "local_government"])
        .args(["--format", "json"])
        .run();
    let region: BTreeSet<String> = ids(&json(&listed)).into_iter().collect();
    assert_eq!(bodies, region);
}

#[test]
fn greedy_reports_its_gap() {
    let exact = pairs_json(&["--region", "North West"]);
    let greedy = pairs_json(&["--region", "North West", "--greedy"]);
    check_plan(&greedy);
    assert_eq!(greedy["method"], "greedy");
    assert_eq!(greedy["optimal"], false);
    assert!(["fractional", "twice_greedy"].contains(&greedy["bound"]["kind"].as_str().unwrap()));
    let bound = greedy["bound"]["value"].as_f64().unwrap();
    assert!(bound + 1e-9 >= exact["total"].as_f64().unwrap(), "the bound is an upper bound");
    let compared = pairs_json(&["--region", "North West", "--greedy", "--compare"]);
    assert_eq!(compared["bound"]["kind"], "exact_optimum");
    assert_eq!(compared["exact_total"], exact["total"]);
    let gap = compared["gap"].as_f64().unwrap();
    let expected = exact["total"].as_f64().unwrap() - greedy["total"].as_f64().unwrap();
    assert!((gap - expected).abs() < 1e-9);
    let table = Test::new().args(["pairs", "--region", "North West", "--greedy"]).run();
    table.code(0).stdout_has("greedy: best pair first").stdout_has("below the best possible");
}

#[test]
fn pairs_output_is_byte_identical_for_any_thread_count() {
    let run = |threads: &str, format: &str| {
        let out =
            Test::new().args(["--threads", threads, "pairs", "--format", format, "--quiet"]).run();
        out.code(0);
        out.stdout()
    };
    for format in ["json", "csv", "table"] {
        assert_eq!(run("1", format), run("2", format), "{format}");
    }
}

#[test]
fn groups_output_is_byte_identical_for_any_thread_count() {
    let run = |threads: &str| {
        let out = Test::new()
            .args(["--threads", threads, "groups", "--service", "legal", "--format", "json"])
            .args(["--quiet", "--nation", "Wales"])
            .run();
        out.code(0);
        out.stdout()
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn the_pairs_table_and_csv() {
    let out = Test::new().args(["pairs", "--data", test_data("good").to_str().unwrap()]).run();
    out.code(0)
        .stdout_has(
            "Pairing plan for 6 bodies: 3 pairs, 0 unpaired (exact maximum-weight matching)",
        )
        .stdout_has("the best possible over the candidate graph")
        .stdout_has("Northshire Police")
        .stderr_has("exact matching");
    let csv = Test::new()
        .args(["pairs", "--region", "London", "--sector", "local_government"])
        .args(["--format", "csv", "--quiet"])
        .run();
    csv.code(0);
    let text = csv.stdout();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("status,rank,id,name,partner_id,partner_name"));
    let rows: Vec<&str> = lines.collect();
    let paired = rows.iter().filter(|r| r.starts_with("paired,")).count();
    let unpaired = rows.iter().filter(|r| r.starts_with("unpaired,")).count();
    assert_eq!(2 * paired + unpaired, 33, "the 33 London councils");
}

#[test]
fn pairs_writes_a_file_once() {
    let out = Test::new()
        .args(["pairs", "--region", "Wales", "--out", "plan.json"])
        .args(["--format", "json", "--quiet"]);
    let outcome = out.run();
    outcome.code(0);
    let written = std::fs::read_to_string(outcome.dir().join("plan.json")).unwrap();
    let doc: Value = serde_json::from_str(&written).unwrap();
    check_plan(&doc);
    assert!(outcome.stdout().is_empty());
    // Again without --force: refused, the file kept.
    let again = Test::new().file("plan.json", "old").args(["pairs", "--out", "plan.json"]).run();
    again.code(2).stderr_has("--force");
}

#[test]
fn bad_pairs_and_groups_options_are_usage_errors() {
    for (args, message) in [
        (vec!["pairs", "--mutual", "forward"], "one body's view"),
        (vec!["pairs", "--min-score", "2"], "not a score"),
        (vec!["pairs", "--candidates", "0"], "at least 1"),
        (vec!["pairs", "--compare"], "--greedy"),
        (vec!["pairs", "--exact", "--greedy"], "cannot be used with"),
        (vec!["pairs", "--region", "South Eest"], "did you mean"),
        (vec!["groups"], "--service"),
        (vec!["groups", "--service", "legal", "--max-size", "13"], "13"),
        (vec!["groups", "--service", "legal", "--max-size", "1"], "1"),
        (vec!["groups", "--service", "leagl"], "legal"),
    ] {
        Test::new().args(&args).run().code(2).no_panic().stderr_has(message);
    }
}

#[test]
fn groups_stay_within_the_size_limit_and_cover_every_body_once() {
    for max_size in ["3", "6"] {
        let doc = groups_json(&[
            "--service",
            "legal",
            "--region",
            "South East",
            "--sector",
            "local_government",
            "--max-size",
            max_size,
        ]);
        let limit: usize = max_size.parse().unwrap();
        let mut seen = BTreeSet::new();
        for g in doc["groups"].as_array().unwrap() {
            let members = ids(&g["members"]);
            assert!((2..=limit).contains(&members.len()), "{g}");
            assert_eq!(g["size"], members.len());
            let n = members.len();
            assert_eq!(g["pairs"].as_array().unwrap().len(), n * (n - 1) / 2);
            let average = g["average_score"].as_f64().unwrap();
            assert!((g["value"].as_f64().unwrap() - (n - 1) as f64 * average).abs() < 1e-9);
            for m in members {
                assert!(seen.insert(m));
            }
        }
        for u in ids(&doc["ungrouped"]) {
            assert!(seen.insert(u));
        }
        assert_eq!(seen.len(), 72, "the 72 South East councils");
        assert!(doc["value"].as_f64().unwrap() <= doc["bound"].as_f64().unwrap() + 1e-9);
        assert!(
            doc["search"]["value"].as_f64().unwrap()
                >= doc["search"]["seed_value"].as_f64().unwrap()
        );
        assert_eq!(doc["service"], serde_json::json!(["legal"]));
    }
}

/// The fixture's legal group: every public body runs its own legal service by statute, so
/// all six bodies take part, the police and fire bodies included; together they are worth
/// more than as three pairs (3.134 against the pairing's 2.384). The bound is no longer tight
/// (3.245), so only the value within it is checked; checked by hand over all 203 partitions of
/// the six, the single group is the best possible.
#[test]
fn the_fixture_forms_one_legal_group() {
    let doc = groups_json(&["--data", test_data("good").to_str().unwrap(), "--service", "legal"]);
    assert_eq!(doc["n_bodies"], 6);
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(
        ids(&groups[0]["members"]),
        ["T-EVD", "T-NCC", "T-NFRS", "T-NPOL", "T-SMD", "T-WVD"]
    );
    let (value, bound) = (doc["value"].as_f64().unwrap(), doc["bound"].as_f64().unwrap());
    assert!(value <= bound + 1e-9, "{value} {bound}");
    assert!(value > 2.384 + 1e-3, "a group beats the pairing: {value}");
    let table = Test::new()
        .args(["groups", "--data", test_data("good").to_str().unwrap(), "--service", "legal"])
        .run();
    table.code(0).stdout_has("Partner groups for legal: 1 group of 2 to 6 among 6 bodies");
    let csv = Test::new()
        .args(["groups", "--data", test_data("good").to_str().unwrap(), "--service", "legal"])
        .args(["--format", "csv", "--quiet"])
        .run();
    csv.code(0);
    assert_eq!(csv.stdout().lines().count(), 7, "a header and one row per member");
    assert!(csv.stdout().starts_with("group,size,average_score,value,id,name,service,reasons"));
}

#[test]
fn pairs_table_snapshot() {
    let out = Test::new().args(["pairs", "--quiet"]).data_path(&test_data("good")).run();
    out.code(0);
    insta::assert_snapshot!(out.stdout());
}

#[test]
fn groups_table_snapshot() {
    let out = Test::new()
        .args(["groups", "--service", "legal", "--quiet"])
        .data_path(&test_data("good"))
        .run();
    out.code(0);
    insta::assert_snapshot!(out.stdout());
}

#[test]
fn no_body_or_no_pair_left_is_handled() {
    // No parish council in the embedded data (combined authorities now are): a filter that
    // selects nothing is an error naming it, as in scenario files.
    let out = Test::new().args(["pairs", "--kind", "parish_council", "--quiet"]).run();
    out.code(2).no_panic().stderr_has("--kind: no body in the data is of kind \"parish_council\"");
    // No two councils share a centre (coterminous police, fire and health bodies do: they
    // are 0 km apart).
    let far = pairs_json(&["--within-km", "0", "--sector", "local_government"]);
    assert_eq!(far["n_pairs"], 0);
    assert_eq!(far["n_unpaired"], 384 + 10, "the councils and combined authorities");
    assert_eq!(far["total"].as_f64().unwrap().to_bits(), 0.0f64.to_bits(), "0, not -0");
    let strict = groups_json(&[
        "--service",
        "legal",
        "--region",
        "London",
        "--sector",
        "local_government",
        "--min-score",
        "0.95",
    ]);
    assert_eq!(strict["n_groups"], 0);
    assert_eq!(strict["n_ungrouped"], 33, "the 33 London councils");
}
