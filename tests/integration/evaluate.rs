//! `partnermatch evaluate` and `weights --fit`: the table, JSON and CSV shapes; each
//! arrangement's own links hidden (the ranks of data that never held them) or kept with
//! `--keep-known`; unknown members as warnings or, with `--strict`, errors; malformed files;
//! seeded, byte-identical fits.

use serde_json::Value;

use crate::harness::Test;

/// Three real arrangements of councils in the embedded data (from the development file).
const COUNCILS: &str = "\
id,members,services,start_year,kind,source_url,confidence
adur-worthing,Adur District Council;Worthing Borough Council,joint teams,2008,shared_management,https://example.org,confirmed
3c-shared-services,Cambridge City Council;Huntingdonshire District Council;South Cambridgeshire District Council,ICT,2015,service,https://example.org,confirmed
cheshire-east-west,Cheshire East Council;Cheshire West and Chester Council,,2009,service,,confirmed
";

/// Six fictional bodies along a line, A and D recorded as partners when `linked`, else no
/// partnership recorded at all.
fn bodies(linked: bool) -> String {
    let mut out = String::new();
    for (i, letter) in ["A", "B", "C", "D", "E", "F"].iter().enumerate() {
        out.push_str(&format!(
            "[[organisation]]\nid = \"TEST-{letter}\"\nname = \"Test body {letter}\"\nsector = \"local_government\"\n\
             kind = \"district\"\nlocation = {{ lat = 52.0, lon = {} }}\npopulation = {}\n",
            -1.0 + 0.1 * i as f64,
            100_000 + 20_000 * i
        ));
        if *letter == "A" && linked {
            out.push_str("[[organisation.partnership]]\npartner = \"TEST-D\"\n");
        }
        out.push('\n');
    }
    out
}

fn json(out: &crate::harness::Outcome) -> Value {
    serde_json::from_str(&out.stdout()).unwrap()
}

#[test]
fn the_table_shows_the_engine_and_both_baselines() {
    let out =
        Test::new().file("p.csv", COUNCILS).args(["evaluate", "--partnerships", "p.csv"]).run();
    out.code(0).no_panic();
    out.stdout_has("3 arrangements (0 skipped, 0 members not found), 10 ordered pairs")
        .stdout_has("ranker                          hit@1  hit@3  hit@5  hit@10    MRR")
        .stdout_has("\nengine  ")
        .stdout_has("\nnearest by distance  ")
        .stdout_has("\nshared boundary, then distance  ");
    assert_eq!(out.stderr(), "");
}

#[test]
fn json_gives_hit_at_by_k_mrr_pairs_and_every_pairs_ranks() {
    let out = Test::new()
        .file("p.csv", COUNCILS)
        .args(["evaluate", "--partnerships", "p.csv", "--format", "json"])
        .run();
    out.code(0).no_panic();
    let doc = json(&out);
    // An object keyed by k, in order 1, 3, 5, 10 (the text, since a map parsed back is sorted).
    let text = out.stdout();
    let at = |k: &str| text.find(&format!("\"{k}\": ")).unwrap();
    assert!(at("1") < at("3") && at("3") < at("5") && at("5") < at("10"));
    for k in ["1", "3", "5", "10"] {
        assert!(doc["hit_at"][k].is_f64(), "{k}");
    }
    assert_eq!(doc["pairs"], 10);
    assert_eq!(doc["left_out_known"], 0);
    assert_eq!(doc["mode"], "hide_links");
    let ranks = doc["ranks"].as_array().unwrap();
    assert_eq!(ranks.len(), 10);
    // The figures follow from the ranks.
    let engine: Vec<u64> = ranks.iter().map(|r| r["rank"].as_u64().unwrap()).collect();
    let mrr: f64 = engine.iter().map(|r| 1.0 / *r as f64).sum::<f64>() / 10.0;
    assert!((doc["mrr"].as_f64().unwrap() - mrr).abs() < 1e-12);
    let hit5 = engine.iter().filter(|r| **r <= 5).count() as f64 / 10.0;
    assert!((doc["hit_at"]["5"].as_f64().unwrap() - hit5).abs() < 1e-12);
    let nearest: Vec<u64> = ranks.iter().map(|r| r["nearest_rank"].as_u64().unwrap()).collect();
    let nearest_mrr: f64 = nearest.iter().map(|r| 1.0 / *r as f64).sum::<f64>() / 10.0;
    assert!((doc["baselines"]["nearest"]["mrr"].as_f64().unwrap() - nearest_mrr).abs() < 1e-12);
    assert!(doc["baselines"]["boundary_then_nearest"]["hit_at"]["10"].is_f64());
    let first = &ranks[0];
    assert_eq!(first["arrangement"], "adur-worthing");
    assert_eq!(first["body"], "E07000223");
    assert_eq!(first["partner"], "E07000229");
    // Every other body of the embedded data (768 bodies).
    assert_eq!(first["candidates"], 767);
}

#[test]
fn csv_has_one_row_per_pair() {
    let out = Test::new()
        .file("p.csv", COUNCILS)
        .args(["evaluate", "--partnerships", "p.csv", "--format", "csv"])
        .run();
    out.code(0).no_panic();
    let text = out.stdout();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "arrangement,body,body_name,partner,partner_name,candidates,rank,nearest_rank,boundary_rank"
    );
    assert_eq!(lines.len(), 11);
    assert!(lines[1].starts_with(
        "adur-worthing,E07000223,Adur District Council,E07000229,Worthing Borough Council,767,"
    ));
}

#[test]
fn an_arrangements_own_links_are_hidden_and_nothing_else() {
    let ranks = |linked: bool, extra: &[&str]| {
        let out = Test::new()
            .file("bodies.toml", bodies(linked))
            .file("p.csv", "id,members\nadf,TEST-A;TEST-D;TEST-F\n")
            .data("bodies.toml")
            .args(["evaluate", "--partnerships", "p.csv", "--format", "json"])
            .args(extra)
            .run();
        out.code(0).no_panic();
        json(&out)
    };
    let hidden = ranks(true, &[]);
    let never = ranks(false, &[]);
    assert_eq!(hidden["hidden_links"], 1);
    assert_eq!(never["hidden_links"], 0);
    assert_eq!(hidden["pairs"], 6);
    // Hiding the link gives exactly the ranks of the data without it.
    assert_eq!(hidden["ranks"], never["ranks"]);
    // --keep-known keeps it and leaves the two known pairs (A-D, D-A) out.
    let kept = ranks(true, &["--keep-known"]);
    assert_eq!(kept["mode"], "keep_known");
    assert_eq!(kept["left_out_known"], 2);
    assert_eq!(kept["pairs"], 4);
    for r in kept["ranks"].as_array().unwrap() {
        let pair = [r["body"].as_str().unwrap(), r["partner"].as_str().unwrap()];
        assert!(pair != ["TEST-A", "TEST-D"] && pair != ["TEST-D", "TEST-A"], "{pair:?}");
    }
}

const WITH_UNKNOWN: &str = "\
id,members
aw,Adur District Council;Worthing Borough Council
sscl,Cabinet Office;Department for Work and Pensions
tri,Westminster City Council;Royal Borough of Kensington and Chelsea;London Borough of Hammersmith & Fulham
";

#[test]
fn unknown_members_are_located_warnings_and_the_run_goes_on() {
    let out = Test::new()
        .file("p.csv", WITH_UNKNOWN)
        .args(["evaluate", "--partnerships", "p.csv", "--format", "json"])
        .run();
    out.code(0).no_panic();
    out.stderr_has("warning: p.csv:3: row 2, column `members`: arrangement \"sscl\": unknown member \"Cabinet Office\"")
        .stderr_has("arrangement \"sscl\" has 0 members the dataset knows (of 2 listed): skipped")
        .stderr_has("2 members not found, 1 arrangement skipped");
    // The embedded data knows "Westminster City Council" (an alias of City of Westminster).
    assert!(!out.stderr().contains("arrangement \"tri\""), "{}", out.stderr());
    let doc = json(&out);
    assert_eq!(doc["unresolved_members"], 2);
    assert_eq!(doc["skipped_arrangements"], 1);
    assert_eq!(doc["arrangements"], 2);
    // Adur-Worthing both ways, and the three tri-borough members every way.
    assert_eq!(doc["pairs"], 8);
}

#[test]
fn strict_makes_unknown_members_an_error_with_nothing_on_stdout() {
    let out = Test::new()
        .file("p.csv", WITH_UNKNOWN)
        .args(["evaluate", "--partnerships", "p.csv", "--strict"])
        .run();
    out.code(2).no_panic();
    assert_eq!(out.stdout(), "");
    out.stderr_has("(--strict;")
        .stderr_has("error: p.csv:3: row 2, column `members`: arrangement \"sscl\": unknown member \"Cabinet Office\"");
}

#[test]
fn malformed_files_are_located_errors() {
    let check = |contents: &[u8], fragments: &[&str]| {
        let out =
            Test::new().file("p.csv", contents).args(["evaluate", "--partnerships", "p.csv"]).run();
        out.code(2).no_panic();
        assert_eq!(out.stdout(), "");
        for f in fragments {
            out.stderr_has(f);
        }
    };
    check(
        b"id,bodies\nx,Adur;Worthing\n",
        &["invalid partnerships file p.csv", "p.csv:1: field `members`: no `members` column"],
    );
    check(b"", &["p.csv: file is empty"]);
    check(b"id,members\n", &["has a header row but no arrangement"]);
    check(b"id,members\nx,Adur;Wor\xffthing\n", &["p.csv:2:", "not valid UTF-8"]);
    let out = Test::new().args(["evaluate", "--partnerships", "missing.csv"]).run();
    out.code(2).stderr_has("missing.csv: cannot read file");
}

#[test]
fn weights_fit_prints_both_orders_and_repeats_byte_for_byte() {
    let run = |seed: &str| {
        let out = Test::new()
            .file("p.csv", COUNCILS)
            .args(["weights", "--fit", "p.csv", "--restarts", "2", "--seed", seed])
            .run();
        out.code(0).no_panic();
        out.stdout()
    };
    let first = run("5");
    assert_eq!(first, run("5"));
    // On one thread too.
    let one = Test::new()
        .file("p.csv", COUNCILS)
        .args(["--threads", "1", "weights", "--fit", "p.csv", "--restarts", "2", "--seed", "5"])
        .run();
    assert_eq!(one.code(0).stdout(), first);
    assert!(first.contains("Kendall's tau-b between the stated and fitted orders: "), "{first}");
    for fragment in [
        "stated (the survey file)",
        "\nstated  ",
        "fitted, cross-validated",
        "fitted, in-sample",
        "--order ",
    ] {
        assert!(first.contains(fragment), "{fragment}: {first}");
    }
    let out = Test::new()
        .file("p.csv", COUNCILS)
        .args(["weights", "--fit", "p.csv", "--restarts", "1", "--format", "json"])
        .run();
    out.code(0).no_panic();
    let doc = json(&out);
    assert_eq!(doc["fitted_order"].as_array().unwrap().len(), 10);
    assert_eq!(doc["stated_order"][0][0], "proximity");
    assert_eq!(doc["moves"].as_array().unwrap().len(), 10);
    assert!(doc["kendall_tau"].as_f64().unwrap().abs() <= 1.0);
    for figures in ["stated", "fitted_in_sample", "fitted_cross_validated"] {
        assert_eq!(doc[figures]["pairs"], 10, "{figures}");
        assert!(doc[figures]["hit_at"]["10"].is_f64(), "{figures}");
    }
}

#[test]
fn fit_options_without_fit_or_out_of_range_are_usage_errors() {
    let out = Test::new().args(["weights", "--seed", "3"]).run();
    out.code(2).stderr_has("--seed applies only with --fit FILE");
    let out = Test::new()
        .file("p.csv", COUNCILS)
        .args(["weights", "--fit", "p.csv", "--restarts", "1001"])
        .run();
    out.code(2).stderr_has("--restarts must be at most 1000");
}

#[test]
fn an_ambiguous_member_lists_the_bodies_it_matches() {
    let data = format!(
        "{}\n[[organisation]]\nid = \"TEST-G\"\nname = \"Test body G\"\nshort_name = \"Twin\"\nsector = \"local_government\"\nlocation = {{ lat = 52.5, lon = -1.0 }}\n\n[[organisation]]\nid = \"TEST-H\"\nname = \"Test body H\"\nshort_name = \"Twin\"\nsector = \"local_government\"\nlocation = {{ lat = 52.6, lon = -1.0 }}\n",
        bodies(false)
    );
    let out = Test::new()
        .file("bodies.toml", data)
        .file("p.csv", "id,members\nab,TEST-A;TEST-B\ntw,TEST-A;Twin\n")
        .data("bodies.toml")
        .args(["evaluate", "--partnerships", "p.csv", "--strict"])
        .run();
    out.code(2).no_panic();
    out.stderr_has(
        "p.csv:3: row 2, column `members`: arrangement \"tw\": member \"Twin\" matches 2 bodies",
    )
    .stderr_has("give the id instead: Test body G (TEST-G), Test body H (TEST-H)");
}
