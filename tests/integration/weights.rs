//! `partnermatch weights`: the default survey gives ten criteria with political alignment last
//! at 0.01 (rank order centroid); every method matches its published formula; ties share a
//! weight; bad orders, methods and survey files exit 2 naming what is wrong.

use serde_json::Value;

use crate::harness::{Test, repo};

/// The default criteria order (DESIGN.md, `profiles/survey.toml`).
const DEFAULT_ORDER: [&str; 10] = [
    "proximity",
    "service_fit",
    "kind_fit",
    "size_fit",
    "trust",
    "barrier_risk",
    "shared_priorities",
    "shared_geography",
    "ict_fit",
    "political_alignment",
];

/// Runs `partnermatch weights --format json` with extra arguments and returns the rows.
fn json_rows(args: &[&str]) -> Vec<Value> {
    let out = Test::new().args(["weights", "--format", "json"]).args(args).run();
    out.code(0).no_panic();
    serde_json::from_str(&out.stdout()).unwrap()
}

/// The weight of each named item of the rows, in row order.
fn weights_of(rows: &[Value], key: &str) -> Vec<(String, f64)> {
    rows.iter()
        .map(|r| (r[key].as_str().unwrap().to_owned(), r["weight"].as_f64().unwrap()))
        .collect()
}

/// The published formulas, written out again independently of the library, for n untied
/// items (docs/weights.md).
fn formula(method: &str, n: usize, p: f64) -> Vec<f64> {
    let nf = n as f64;
    let normalise = |raw: Vec<f64>| {
        let total: f64 = raw.iter().sum();
        raw.into_iter().map(|v| v / total).collect::<Vec<f64>>()
    };
    match method {
        // Barron & Barrett (1996): w_i = (1/n) Σ_{k=i..n} 1/k.
        "rank_order_centroid" => {
            (1..=n).map(|i| (i..=n).map(|k| 1.0 / k as f64).sum::<f64>() / nf).collect()
        }
        // Stillwell, Seaver & Edwards (1981): w_i = 2(n+1−i) / (n(n+1)).
        "rank_sum" => (1..=n).map(|i| 2.0 * (nf + 1.0 - i as f64) / (nf * (nf + 1.0))).collect(),
        // w_i = (1/i) / Σ_j 1/j.
        "rank_reciprocal" => normalise((1..=n).map(|i| 1.0 / i as f64).collect()),
        // w_i = (n−i+1)^p / Σ_j (n−j+1)^p.
        "rank_exponent" => normalise((1..=n).map(|i| (nf - i as f64 + 1.0).powf(p)).collect()),
        // Danielson & Ekenberg (2014): w_i ∝ 1/i + (n+1−i)/n.
        "sum_reciprocal" => {
            normalise((1..=n).map(|i| 1.0 / i as f64 + (nf + 1.0 - i as f64) / nf).collect())
        }
        "equal" => vec![1.0 / nf; n],
        other => panic!("no formula for {other}"),
    }
}

#[test]
fn the_default_lists_ten_criteria_with_political_alignment_last_at_one_hundredth() {
    let rows = json_rows(&[]);
    assert_eq!(rows.len(), 10);
    let names: Vec<&str> = rows.iter().map(|r| r["criterion"].as_str().unwrap()).collect();
    assert_eq!(names, DEFAULT_ORDER);
    let last = rows.last().unwrap();
    assert_eq!(last["criterion"], "political_alignment");
    assert_eq!(last["position"], 10);
    assert_eq!(last["basis"], "survey");
    assert!((last["weight"].as_f64().unwrap() - 0.01).abs() < 1e-12, "{last}");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["position"].as_u64(), Some(i as u64 + 1));
        assert_eq!(row["tied"], false);
        assert!(!row["evidence"].as_str().unwrap().is_empty());
        assert!(!row["source"].as_str().unwrap().is_empty());
    }
    let total: f64 = rows.iter().map(|r| r["weight"].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-12);
}

#[test]
fn every_method_matches_its_formula() {
    let cases: &[(&[&str], &str, f64)] = &[
        (&["--method", "rank_order_centroid"], "rank_order_centroid", 0.0),
        (&["--method", "roc"], "rank_order_centroid", 0.0),
        (&["--method", "rank_sum"], "rank_sum", 0.0),
        (&["--method", "rs"], "rank_sum", 0.0),
        (&["--method", "rank_reciprocal"], "rank_reciprocal", 0.0),
        (&["--method", "rr"], "rank_reciprocal", 0.0),
        (&["--method", "rank_exponent"], "rank_exponent", 2.0),
        (&["--method", "re", "--exponent", "1.5"], "rank_exponent", 1.5),
        (&["--method", "re", "--exponent", "0"], "equal", 0.0),
        (&["--method", "sum_reciprocal"], "sum_reciprocal", 0.0),
        (&["--method", "sr"], "sum_reciprocal", 0.0),
        (&["--method", "equal"], "equal", 0.0),
    ];
    for (args, method, p) in cases {
        let rows = json_rows(args);
        let expected = formula(method, 10, *p);
        for (row, want) in rows.iter().zip(&expected) {
            let got = row["weight"].as_f64().unwrap();
            assert!((got - want).abs() < 1e-12, "{args:?}: {row} vs {want}");
        }
    }
}

#[test]
fn explicit_weights_are_scaled_to_sum_to_one_and_the_table_says_so() {
    let weights: Vec<String> =
        DEFAULT_ORDER.iter().enumerate().map(|(i, c)| format!("{c}={}", 10 - i)).collect();
    let weights = weights.join(",");
    let rows = json_rows(&["--weights", &weights]);
    for (i, (name, w)) in weights_of(&rows, "criterion").iter().enumerate() {
        assert_eq!(name, DEFAULT_ORDER[i]);
        assert!((w - (10 - i) as f64 / 55.0).abs() < 1e-12, "{name}: {w}");
    }
    Test::new()
        .args(["weights", "--method", "explicit", "--weights", &weights])
        .run()
        .code(0)
        .stdout_has("criteria weights: explicit weights")
        .stdout_has("the explicit weights given sum to 55; each was divided by the sum");

    // Weights that grow along the order are refused, naming both criteria.
    let rising = weights.replace("proximity=10", "proximity=1");
    Test::new()
        .args(["weights", "--weights", &rising])
        .run()
        .code(2)
        .no_panic()
        .stderr_has("\"service_fit\" (9) comes after \"proximity\" (1)");
}

#[test]
fn a_tied_order_gives_tied_criteria_equal_weights_and_one_position() {
    let order = "proximity,service_fit+kind_fit,size_fit,trust,barrier_risk=shared_priorities,\
                 shared_geography,ict_fit,political_alignment";
    for method in ["roc", "rs", "rr", "re", "sr", "equal"] {
        let rows = json_rows(&["--order", order, "--method", method]);
        let by_name = |name: &str| rows.iter().find(|r| r["criterion"] == name).unwrap();
        let (service, kind) = (by_name("service_fit"), by_name("kind_fit"));
        assert_eq!(service["weight"], kind["weight"], "{method}");
        assert_eq!((&service["position"], &kind["position"]), (&Value::from(2), &Value::from(2)));
        assert_eq!((&service["tied"], &kind["tied"]), (&Value::Bool(true), &Value::Bool(true)));
        assert_eq!(by_name("barrier_risk")["weight"], by_name("shared_priorities")["weight"]);
        assert_eq!(by_name("size_fit")["position"], 3);
        assert_eq!(by_name("political_alignment")["position"], 8);
        let total: f64 = rows.iter().map(|r| r["weight"].as_f64().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-12, "{method}: {total}");
    }
    // Rank order centroid with ties: blocks end at e = 1, 3, 4, 5, 7, 8, 9, 10 (B = 8), and
    // w_i = (1/B) Σ_{e_b ≥ i} 1/e_b.
    let ends = [1.0, 3.0, 4.0, 5.0, 7.0, 8.0, 9.0, 10.0];
    let tied: f64 = ends[1..].iter().map(|e| 1.0 / e).sum::<f64>() / 8.0;
    let rows = json_rows(&["--order", order]);
    let kind = rows.iter().find(|r| r["criterion"] == "kind_fit").unwrap();
    assert!((kind["weight"].as_f64().unwrap() - tied).abs() < 1e-12, "{kind}");
}

#[test]
fn a_bad_order_exits_2_naming_the_criterion() {
    let default = DEFAULT_ORDER.join(",");
    let cases = [
        (default.replace("trust", "trsut"), "unknown criterion \"trsut\": did you mean \"trust\"?"),
        (default.replace(",ict_fit", ""), "criteria missing from the order: ict_fit"),
        (default.replace("ict_fit", "proximity"), "criterion \"proximity\" appears more than once"),
    ];
    for (order, message) in cases {
        Test::new()
            .args(["weights", "--order", &order])
            .run()
            .code(2)
            .no_panic()
            .stderr_has("--order")
            .stderr_has(message);
    }
}

#[test]
fn an_unknown_method_exits_2_with_a_suggestion() {
    Test::new()
        .args(["weights", "--method", "rank_sun"])
        .run()
        .code(2)
        .no_panic()
        .stderr_has("unknown weighting method \"rank_sun\"")
        .stderr_has("did you mean \"rank_sum\"?");
    Test::new()
        .args(["weights", "--method", "explicit"])
        .run()
        .code(2)
        .stderr_has("--method: the explicit method needs explicit weights");
    Test::new()
        .args(["weights", "--method", "re", "--exponent", "-1"])
        .run()
        .code(2)
        .stderr_has("--exponent: the exponent p = -1");
}

#[test]
fn a_broken_survey_file_exits_2_with_file_line_and_field() {
    let survey = std::fs::read_to_string(repo().join("profiles/survey.toml")).unwrap();
    let broken = survey.replace("criterion = \"trust\"", "criterion = \"trsut\"");
    let line = broken.lines().position(|l| l.contains("\"trsut\"")).unwrap() + 1;
    let out = Test::new()
        .file("my_survey.toml", &broken)
        .args(["weights", "--survey", "my_survey.toml"])
        .run();
    out.code(2).no_panic();
    out.stderr_has("invalid survey file my_survey.toml")
        .stderr_has(&format!("my_survey.toml:{line}:13: field `criteria[4].criterion`"))
        .stderr_has("unknown criterion \"trsut\"")
        .stderr_has("did you mean \"trust\"?");

    let wrong_type = survey.replace("method = \"rank_order_centroid\"", "method = 3");
    let line = wrong_type.lines().position(|l| l == "method = 3").unwrap() + 1;
    Test::new()
        .file("s.toml", &wrong_type)
        .args(["--survey", "s.toml", "weights"])
        .run()
        .code(2)
        .stderr_has(&format!("s.toml:{line}:10: field `method`: expected a string"));

    Test::new()
        .args(["weights", "--survey", "missing.toml"])
        .run()
        .code(2)
        .stderr_has("missing.toml: cannot read file");
}

#[test]
fn an_edited_survey_file_changes_the_weights() {
    let survey = std::fs::read_to_string(repo().join("profiles/survey.toml")).unwrap();
    let edited = survey.replace("method = \"rank_order_centroid\"", "method = \"rank_sum\"");
    let out = Test::new().file("s.toml", &edited).args(["weights", "--survey", "s.toml"]).run();
    out.code(0).stdout_has("criteria weights: rank sum (Stillwell, Seaver & Edwards 1981)");
    out.stdout_has("0.1818"); // 10/55
}

#[test]
fn barriers_and_reasons_have_weights_too() {
    let rows = json_rows(&["--barriers"]);
    let barriers = weights_of(&rows, "barrier");
    assert_eq!(barriers.len(), 6);
    assert_eq!(barriers[0].0, "job_losses");
    let expected = formula("rank_order_centroid", 6, 0.0);
    for ((name, got), want) in barriers.iter().zip(&expected) {
        assert!((got - want).abs() < 1e-12, "{name}");
    }

    let rows = json_rows(&["--reasons"]);
    let positions: Vec<u64> = rows.iter().map(|r| r["position"].as_u64().unwrap()).collect();
    assert_eq!(positions, [1, 2, 2, 2, 3, 4]);
    assert_eq!(rows[1]["weight"], rows[3]["weight"]);

    Test::new()
        .args(["weights", "--barriers", "--method", "rs"])
        .run()
        .code(2)
        .stderr_has("change the criteria only");
}

#[test]
fn a_body_with_its_own_order_gets_its_own_weights() {
    let profile = r#"
[[organisation]]
id = "A1"
name = "Alpha District Council"
sector = "local_government"
location = { lat = 51.0, lon = -1.0 }
criteria_order = [
    "political_alignment", "proximity", "service_fit", "kind_fit", "size_fit", "trust",
    "barrier_risk", "shared_priorities", "shared_geography", "ict_fit",
]

[[organisation]]
id = "B2"
name = "Beta District Council"
sector = "local_government"
location = { lat = 51.1, lon = -1.1 }
"#;
    let run = |id: &str| {
        let out = Test::new()
            .file("bodies.toml", profile)
            .args(["weights", "--format", "json", "--for", id])
            .data("bodies.toml")
            .run();
        out.code(0);
        let rows: Vec<Value> = serde_json::from_str(&out.stdout()).unwrap();
        rows
    };
    let own = run("A1");
    assert_eq!(own[0]["criterion"], "political_alignment");
    assert!((own[9]["weight"].as_f64().unwrap() - 0.01).abs() < 1e-12);
    let general = run("B2");
    assert_eq!(general[9]["criterion"], "political_alignment");

    Test::new()
        .file("bodies.toml", profile)
        .args(["weights", "--for", "A"])
        .data("bodies.toml")
        .run()
        .code(2)
        .stderr_has("no body matches \"A\"")
        .stderr_has("Alpha District Council (A1)");
}

#[test]
fn the_table_shows_position_weight_and_evidence() {
    let out = Test::new().args(["weights"]).run();
    out.code(0).no_panic();
    insta::assert_snapshot!(out.stdout());
}
