//! Unit tests of scenarios: parsing (one `check` per case), sweep expansion and names, checks
//! against the data, the effects of mitigation and overrides, determinism, and comparison.

// Exact values are the point here: settings read back as written, service fits that are whole
// shares, and a run compared with itself whose score changes are exactly 0.
#![allow(clippy::float_cmp)]

use std::path::Path;

use super::*;
use crate::diagnostic::SourceText;
use crate::model::Barrier;
use crate::score::Mutual;
use crate::weights::MethodName;

/// The scenario text as if it were the file `tests/scenario.toml`, so that `dataset =
/// "data/good"` names the small synthetic fixture.
fn source(text: &str) -> SourceText {
    SourceText::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenario.toml"), text.into())
}

fn parse(text: &str) -> Result<Scenario, Diagnostics> {
    Scenario::parse(&source(text))
}

/// Every problem of parsing and planning, as printed.
fn problems(text: &str) -> Vec<String> {
    let found = parse(text).and_then(|s| plan(&[s]).map(|_| ()));
    match found {
        Ok(()) => Vec::new(),
        Err(d) => d.iter().map(ToString::to_string).collect(),
    }
}

/// Checks that a scenario has problems, one per fragment list, each containing all of its
/// fragments (the location `scenario.toml:LINE:COLUMN`, the field, the message, the help).
#[track_caller]
fn check(text: &str, expected: &[&[&str]]) {
    let found = problems(text);
    assert_eq!(found.len(), expected.len(), "{text}\n{found:#?}");
    for fragments in expected {
        assert!(
            found.iter().any(|p| fragments.iter().all(|f| p.contains(f))),
            "no problem has all of {fragments:?}:\n{found:#?}"
        );
    }
}

const FIXTURE: &str = "name = \"t\"\ndataset = \"data/good\"\n";

const FLAT: &str = "[weights.explicit]\nproximity = 1\nservice_fit = 1\nkind_fit = 1\n\
     size_fit = 1\ntrust = 1\nbarrier_risk = 1\nshared_priorities = 1\nshared_geography = 1\n\
     ict_fit = 1\npolitical_alignment = 1\n";

#[test]
fn a_minimal_scenario_takes_the_defaults() {
    let s = parse("name = \"minimal\"\n").unwrap();
    assert_eq!(s.settings.top, 10);
    assert_eq!(s.settings.mutual, Mutual::Harmonic);
    assert_eq!(s.subjects, Subjects::All);
    assert_eq!(s.dataset.0, Source::Embedded);
    assert_eq!(s.output, OutputOptions { csv: true, explain: false });
    let runs = s.runs();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].name, "minimal");
    assert!(runs[0].assignments.is_empty());
}

#[test]
fn every_key_is_read() {
    let s = parse(
        r#"
name = "full"
description = "all keys"
dataset = "data/good"
survey = "embedded"
top = 3
mutual = "minimum"
focus = ["legal", "waste"]
[weights]
method = "rank_exponent"
exponent = 3
order = "service_fit,proximity,kind_fit,size_fit,trust,barrier_risk,shared_priorities,shared_geography,ict_fit,political_alignment"
[candidates]
sectors = ["local_government"]
kinds = ["district"]
regions = ["North Sea Test Region"]
nations = ["Testland"]
within_km = 40
exclude_partners = true
[subjects]
bodies = ["Eastvale", "T-WVD"]
[[mitigation]]
barrier = "job_losses"
reduce_by = 0.5
bodies = ["Eastvale"]
note = "pledge"
[[override]]
bodies = ["Southmoor"]
add_services_offered = ["legal"]
barriers = { silo_mentality = 0.2 }
reasons = ["cost_reduction"]
population = 50000
budget_gbp = 1e8
payback = "3_to_5_years"
criteria_order = ["proximity", ["service_fit", "kind_fit"], "size_fit", "trust", "barrier_risk", "shared_priorities", "shared_geography", "ict_fit", "political_alignment"]
note = "what if"
[output]
csv = false
explain = true
"#,
    )
    .unwrap();
    assert_eq!(s.settings.top, 3);
    assert_eq!(s.settings.mutual, Mutual::Minimum);
    assert_eq!(s.settings.focus.len(), 2);
    assert_eq!(s.settings.weights.method(), Some(crate::weights::Method::RankExponent { p: 3.0 }));
    assert!(s.settings.weights.order.is_some());
    assert_eq!(s.settings.candidates.filter.kinds.len(), 1);
    assert_eq!(s.settings.within_km, Some(40.0));
    assert!(s.settings.exclude_partners);
    assert!(matches!(&s.subjects, Subjects::Bodies(b) if b.len() == 2));
    assert_eq!(s.settings.mitigations[0].reduce_by.value, 0.5);
    let changes = &s.overrides[0].changes;
    assert_eq!(changes.population, Some(50_000));
    assert!(changes.criteria_order.is_some());
    assert_eq!(s.output, OutputOptions { csv: false, explain: true });
    assert_eq!(plan(&[s]).unwrap().len(), 1);
}

#[test]
fn file_problems_are_located_with_a_fix() {
    check(
        "nme = \"x\"\n",
        &[
            &["scenario.toml:1:1", "field `nme`", "unknown field `nme`", "did you mean `name`?"],
            &["missing required field `name`"],
        ],
    );
    check("name = \"a b\"\n", &[&["scenario.toml:1:8", "not safe", "did you mean \"a-b\"?"]]);
    check("name = \"x\"\ntop = 0\n", &[&["scenario.toml:2:7", "field `top`", "from 1 to 10000"]]);
    check("name = \"x\"\nmutual = \"harmonc\"\n", &[&["did you mean \"harmonic\"?"]]);
    check(
        "name = \"x\"\nfocus = [\"legl\"]\n",
        &[&["field `focus[0]`", "did you mean \"legal\"?"]],
    );
    check("name = \"x\"\n[candidates]\nwithin_km = -1\n", &[&["field `candidates.within_km`"]]);
    check("id = \"X\"\nname = \"x\"\n", &[&["looks like a profile file"]]);
    check("name = \"x\"\n[output]\nexplian = true\n", &[&["did you mean `explain`?"]]);
    check("name = [\"x\"\n", &[&["invalid TOML"]]);
}

#[test]
fn weights_must_agree_with_each_other() {
    check(
        "name = \"x\"\n[weights]\nmethod = \"explicit\"\n",
        &[&["scenario.toml:3:10", "needs explicit weights", "[weights.explicit]"]],
    );
    check(
        "name = \"x\"\n[weights]\nexponent = 2\n",
        &[&["field `weights.exponent`", "applies only to method \"rank_exponent\""]],
    );
    check("name = \"x\"\n[weights]\nmethod = \"rank_summ\"\n", &[&["did you mean \"rank_sum\"?"]]);
    check(
        "name = \"x\"\n[weights.explicit]\nproximity = 1\n",
        &[&["scenario.toml:2:1", "no explicit weight for service_fit"]],
    );
    check(
        &format!("name = \"x\"\n[weights]\nmethod = \"rank_sum\"\n{FLAT}"),
        &[&["scenario.toml:3:10", "method \"rank_sum\" conflicts with [weights.explicit]"]],
    );
    check(
        "name = \"x\"\n[weights]\norder = \"proximity,trust\"\n",
        &[&["field `weights.order`", "criteria missing from the order"]],
    );
    // Explicit weights that increase along the survey's order are refused when planned.
    let increasing = "name = \"x\"\ndataset = \"data/good\"\n[weights.explicit]\nproximity = 0.1\n\
         service_fit = 0.2\nkind_fit = 0.1\nsize_fit = 0.1\ntrust = 0.1\nbarrier_risk = 0.1\n\
         shared_priorities = 0.1\nshared_geography = 0.1\nict_fit = 0.1\n\
         political_alignment = 0\n";
    check(increasing, &[&["scenario.toml:3:1", "explicit weights increase along the order"]]);
    assert!(problems(&format!("{FIXTURE}{FLAT}")).is_empty());
}

#[test]
fn subjects_overrides_and_mitigations_are_checked() {
    check(
        "name = \"x\"\n[subjects]\nall = true\nbodies = [\"a\"]\n",
        &[&["`all = true` conflicts"]],
    );
    check("name = \"x\"\n[subjects]\nbodies = []\n", &[&["`bodies` is empty"]]);
    check(
        "name = \"x\"\n[subjects]\nbodies = [\"a\"]\nkinds = [\"district\"]\n",
        &[&["either `bodies` or a filter"]],
    );
    check("name = \"x\"\n[[override]]\nbodies = [\"a\"]\n", &[&["this override changes nothing"]]);
    check(
        "name = \"x\"\n[[override]]\nbodies = [\"a\"]\nservices_sought = []\nadd_services_sought = [\"legal\"]\n",
        &[&["`add_services_sought` conflicts with `services_sought`"]],
    );
    check(
        "name = \"x\"\n[[mitigation]]\nbarrier = \"job_loss\"\nreduce_by = 1.5\n",
        &[
            &["field `mitigation[0].barrier`", "did you mean \"job_losses\"?"],
            &["field `mitigation[0].reduce_by`", "outside [0, 1]"],
        ],
    );
    check(
        "name = \"x\"\n[[mitigation]]\nnote = \"n\"\n",
        &[&["missing required field `barrier`"], &["missing required field `reduce_by`"]],
    );
}

#[test]
fn bad_sweeps_are_located() {
    check("name = \"x\"\n[sweep]\nmethod = []\n", &[&["scenario.toml:3:1", "has no values"]]);
    check(
        "name = \"x\"\n[sweep]\nmehtod = [\"rank_sum\"]\n",
        &[&["unknown sweep parameter `mehtod`", "did you mean `method`?"]],
    );
    check(
        "name = \"x\"\n[sweep]\nmitgation.job_losses = [0]\n",
        &[&["did you mean `mitigation`?"]],
    );
    check(
        "name = \"x\"\n[sweep]\nmitigation = [0.5]\n",
        &[&["`mitigation` needs a barrier", "mitigation.job_losses = [0, 0.5]"]],
    );
    check(
        "name = \"x\"\n[sweep]\nmitigation.job_loses = [0]\n",
        &[&["unknown barrier \"job_loses\"", "did you mean \"job_losses\"?"]],
    );
    check(
        "name = \"x\"\n[sweep]\nmethod = [\"rank_sum\", \"rank_sume\"]\n",
        &[&["scenario.toml:3:23", "field `sweep.method[1]`", "did you mean \"rank_sum\"?"]],
    );
    check(
        "name = \"x\"\n[sweep]\nmitigation.job_losses = [0, 1.5, \"half\"]\n",
        &[
            &["field `sweep.mitigation.job_losses[1]`", "outside [0, 1]"],
            &["field `sweep.mitigation.job_losses[2]`", "expected a finite number, found a string"],
        ],
    );
    check("name = \"x\"\n[sweep]\ntop = [5, 5]\n", &[&["value 5 is listed twice"]]);
    check(
        "name = \"x\"\n[sweep]\nweights = [\"survey\", \"no-politics\"]\n",
        &[&["unknown weight set \"no-politics\""]],
    );
    check("name = \"x\"\n[sweep]\nmethod = [\"explicit\"]\n", &[&["sweep `weights` over named"]]);
    check("name = \"x\"\n[sweep]\nexponent = [1, 2]\n", &[&["needs method \"rank_exponent\""]]);
    check(
        "name = \"x\"\n[sweep]\nmethod = [\"equal\"]\nweights = [\"survey\"]\n",
        &[&["cannot both be swept"]],
    );
    check(
        "name = \"x\"\n[[mitigation]]\nbarrier = \"job_losses\"\nreduce_by = 0.1\n\
         [[mitigation]]\nbarrier = \"job_losses\"\nreduce_by = 0.2\n\
         [sweep]\nmitigation.job_losses = [0]\n",
        &[&["matches 2 [[mitigation]] tables"]],
    );
    let many: Vec<String> = (1..=11).map(|i| i.to_string()).collect();
    let list = many.join(", ");
    check(
        &format!(
            "name = \"x\"\n[sweep]\ntop = [{list}]\nwithin_km = [{list}]\nmitigation.job_losses = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]\n"
        ),
        &[&["expands to 1331 runs, more than 1000"]],
    );
}

#[test]
fn data_problems_point_at_the_scenario() {
    let text = format!(
        "{FIXTURE}[candidates]\nregions = [\"North Sea Tst Region\"]\nkinds = [\"unitary\"]\n\
         [subjects]\nbodies = [\"Eastvail\", \"Westvale\", \"T-WVD\"]\n\
         [[override]]\nbodies = [\"Nowhere\"]\nservices_sought = [\"legal\"]\n"
    );
    check(
        &text,
        &[
            &[
                "scenario.toml:4:12",
                "no body in the data has region",
                "did you mean \"North Sea Test Region\"?",
            ],
            &[
                "scenario.toml:5:10",
                "no body in the data is of kind \"unitary\"",
                "kinds in the data: county",
            ],
            &[
                "scenario.toml:7:11",
                "unknown body \"Eastvail\"",
                "did you mean \"Eastvale District Council\" (T-EVD)?",
            ],
            &["scenario.toml:7:35", "names Westvale District Council (T-WVD) again"],
            &["scenario.toml:9:11", "field `override[0].bodies[0]`", "unknown body \"Nowhere\""],
        ],
    );
    // Each value exists, but no body has them all.
    check(
        &format!("{FIXTURE}[subjects]\nsectors = [\"police\"]\nkinds = [\"district\"]\n"),
        &[&["scenario.toml:3:1", "no body in the data passes the whole filter"]],
    );
    check(
        "name = \"x\"\ndataset = \"no/such/folder\"\n",
        &[&["scenario.toml:2:11", "no file or folder at \"no/such/folder\""]],
    );
}

#[test]
fn run_names_must_not_collide() {
    let a = parse(FIXTURE).unwrap();
    let b = parse(FIXTURE).unwrap();
    let err = plan(&[a, b]).unwrap_err().to_string();
    assert!(err.contains("run name \"t\" is used twice"), "{err}");
}

#[test]
fn sweeps_expand_in_order_with_readable_safe_names() {
    let s = parse(
        "name = \"legal-se\"\n[sweep]\nmethod = [\"roc\", \"rank_sum\"]\n\
         mitigation.job_losses = [0, 0.25]\nfocus = [\"legal\", [\"legal\", \"waste\"], []]\n",
    )
    .unwrap();
    let names: Vec<String> = s.runs().into_iter().map(|r| r.name).collect();
    assert_eq!(names.len(), 12);
    assert_eq!(
        names[0],
        "legal-se__method=rank_order_centroid__mitigation.job_losses=0__focus=legal"
    );
    assert_eq!(
        names[1],
        "legal-se__method=rank_order_centroid__mitigation.job_losses=0__focus=legal+waste"
    );
    assert_eq!(
        names[2],
        "legal-se__method=rank_order_centroid__mitigation.job_losses=0__focus=none"
    );
    assert_eq!(names[11], "legal-se__method=rank_sum__mitigation.job_losses=0.25__focus=none");
    for name in &names {
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.=+".contains(c)), "{name}");
    }
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len());
}

#[test]
fn swept_values_reach_the_settings() {
    let s = parse(
        "name = \"x\"\n[[mitigation]]\nbarrier = \"silo_mentality\"\nreduce_by = 0.1\nbodies = [\"a\"]\n\
         [weight_sets.flat]\nproximity = 1\nservice_fit = 1\nkind_fit = 1\nsize_fit = 1\ntrust = 1\n\
         barrier_risk = 1\nshared_priorities = 1\nshared_geography = 1\nict_fit = 1\n\
         political_alignment = 1\n\
         [sweep]\nweights = [\"survey\", \"flat\"]\nmitigation.silo_mentality = [0.5]\n\
         mitigation.job_losses = [1]\ntop = [3]\nmutual = [\"forward\"]\n",
    )
    .unwrap();
    let runs = s.runs();
    assert_eq!(runs.len(), 2);
    let (survey, flat) = (&runs[0].settings, &runs[1].settings);
    assert!(survey.weights.explicit.is_none());
    assert_eq!(flat.weights.explicit.as_ref().map(|e| e.value.name.as_str()), Some("flat"));
    assert_eq!(survey.top, 3);
    assert_eq!(survey.mutual, Mutual::Forward);
    // The existing silo mitigation is changed in place (its bodies kept); job losses, which had
    // none, gets one for every body.
    assert_eq!(survey.mitigations.len(), 2);
    assert_eq!(survey.mitigations[0].barrier, Barrier::SiloMentality);
    assert_eq!(survey.mitigations[0].reduce_by.value, 0.5);
    assert!(survey.mitigations[0].bodies.is_some());
    assert_eq!(survey.mitigations[1].barrier, Barrier::JobLosses);
    assert!(survey.mitigations[1].bodies.is_none());
    assert_eq!(
        runs[1].assignments[0],
        Assignment { parameter: "weights".into(), value: "flat".into() }
    );
    let method = parse("name = \"x\"\n[sweep]\nmethod = [\"rank_exponent\"]\n").unwrap();
    let settings = &method.runs()[0].settings;
    assert_eq!(settings.weights.method.as_ref().map(|m| m.value), Some(MethodName::RankExponent));
}

/// Runs a scenario on the fixture with explanations, one result per run.
fn run(text: &str) -> Vec<RunResult> {
    let s = parse(&format!("{FIXTURE}{text}\n[output]\nexplain = true\n")).unwrap();
    execute(&plan(&[s]).unwrap()).unwrap()
}

/// The forward value of a criterion for a subject's candidate.
fn forward(result: &RunResult, subject: &str, candidate: &str, criterion: &str) -> f64 {
    let s = result.rankings.subjects.iter().find(|s| s.id == subject).unwrap();
    let c = s.candidates.iter().find(|c| c.id == candidate).unwrap();
    let x = c.criteria.as_ref().unwrap().iter().find(|x| x.criterion == criterion).unwrap();
    x.forward.value
}

#[test]
fn mitigation_scales_the_chosen_barrier_of_the_chosen_bodies() {
    let runs = run(
        "[subjects]\nbodies = [\"T-EVD\"]\n[[mitigation]]\nbarrier = \"job_losses\"\nreduce_by = 0\n\
         bodies = [\"T-EVD\"]\n[sweep]\nmitigation.job_losses = [0, 0.5, 1]\n",
    );
    let risk: Vec<f64> =
        runs.iter().map(|r| forward(r, "T-EVD", "T-WVD", "barrier_risk")).collect();
    // Less fear of job losses means less barrier risk: the value rises with the mitigation.
    assert!(risk[0] < risk[1] && risk[1] < risk[2], "{risk:?}");
    // Eastvale's barriers: job losses 0.7, silo 0.3, identity 0.4 (Westvale is larger, so
    // identity grows: g = 1 − 95,000/110,000). Barrier weights: rank order centroid over six.
    let w: Vec<f64> =
        (1..=6).map(|i| (i..=6).map(|k| 1.0 / f64::from(k)).sum::<f64>() / 6.0).collect();
    let g = 1.0 - 95_000.0 / 110_000.0;
    let identity = 0.4 + 0.6 * g;
    for (run, job) in runs.iter().zip([0.7, 0.35, 0.0]) {
        let risk = (w[0] * job + w[1] * 0.3 + w[4] * identity) / (w[0] + w[1] + w[4]);
        let got = forward(run, "T-EVD", "T-WVD", "barrier_risk");
        assert!((got - (1.0 - risk)).abs() < 1e-12, "{got} vs {}", 1.0 - risk);
    }
    let manifests: Vec<&Manifest> = runs.iter().map(|r| &r.manifest).collect();
    assert_eq!(manifests[1].mitigations[0].n_bodies_changed, 1);
    // Mitigation 0 changes nothing: the data hash is the loaded data's.
    assert_eq!(manifests[0].dataset.sha256, manifests[0].dataset.base_sha256);
    assert_ne!(manifests[1].dataset.sha256, manifests[1].dataset.base_sha256);
}

#[test]
fn mitigation_leaves_bodies_with_unknown_barriers_alone() {
    // Southmoor's barriers are unknown: its barrier risk stays neutral and nothing changes.
    let runs =
        run("[[mitigation]]\nbarrier = \"job_losses\"\nreduce_by = 1\nbodies = [\"T-SMD\"]\n");
    assert_eq!(runs[0].manifest.mitigations[0].n_bodies_changed, 0);
    assert_eq!(runs[0].manifest.dataset.sha256, runs[0].manifest.dataset.base_sha256);
}

#[test]
fn overrides_change_the_profiles_they_name() {
    let base = run("[subjects]\nbodies = [\"T-SMD\"]\n");
    // Southmoor seeks legal; Northshire CC offers it. What if Southmoor sought waste instead
    // (which Eastvale offers) and Westvale offered waste too?
    let what_if = run("[subjects]\nbodies = [\"T-SMD\"]\n[[override]]\nbodies = [\"Southmoor\"]\n\
         services_sought = [\"waste\"]\n[[override]]\nbodies = [\"Westvale\"]\n\
         add_services_offered = [\"waste\"]\n");
    // Service fit: the share of what Southmoor seeks that the candidate seeks or offers.
    let fit = |r: &RunResult, c: &str| forward(r, "T-SMD", c, "service_fit");
    assert_eq!([fit(&base[0], "T-NCC"), fit(&base[0], "T-EVD")], [1.0, 1.0]);
    assert_eq!([fit(&what_if[0], "T-NCC"), fit(&what_if[0], "T-EVD")], [0.0, 1.0]);
    assert_eq!(fit(&what_if[0], "T-WVD"), 1.0);
    let m = &what_if[0].manifest;
    assert_eq!(m.overrides.len(), 2);
    assert_eq!(m.overrides[0].bodies, vec!["T-SMD".to_owned()]);
    assert_ne!(m.dataset.sha256, m.dataset.base_sha256);
}

#[test]
fn runs_are_byte_identical_for_any_thread_count() {
    let text = format!(
        "{FIXTURE}[sweep]\nmethod = [\"roc\", \"rank_sum\"]\nmitigation.job_losses = [0, 0.5]\n"
    );
    let files = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let s = parse(&text).unwrap();
            let results = execute(&plan(&[s]).unwrap()).unwrap();
            results.into_iter().map(|r| (r.name, r.files)).collect::<Vec<_>>()
        })
    };
    let one = files(1);
    assert_eq!(one.len(), 4);
    assert_eq!(one, files(3));
    assert_eq!(one, files(1));
}

#[test]
fn manifests_hold_the_resolved_weights() {
    let runs = run("[sweep]\nmethod = [\"rank_sum\"]\n");
    let json: serde_json::Value =
        serde_json::from_slice(&runs[0].files.last().unwrap().bytes).unwrap();
    assert_eq!(json["format"], FORMAT);
    assert_eq!(json["weights"]["method"]["name"], "rank_sum");
    // Rank sum over ten criteria: the first gets 10/55, the last 1/55.
    let w = &json["weights"]["criteria"];
    assert!((w["proximity"].as_f64().unwrap() - 10.0 / 55.0).abs() < 1e-12);
    assert!((w["political_alignment"].as_f64().unwrap() - 1.0 / 55.0).abs() < 1e-12);
    // Barrier weights come from the survey file's barrier order and method (rank order
    // centroid over six barriers), whatever the criteria method.
    let b = &json["weights"]["barriers"];
    let roc: f64 = (1..=6).map(|k| 1.0 / f64::from(k)).sum::<f64>() / 6.0;
    assert!((b["job_losses"].as_f64().unwrap() - roc).abs() < 1e-12);
    assert_eq!(json["sweep"][0]["value"], "rank_sum");
    assert_eq!(json["dataset"]["source"], "data/good");
    assert_eq!(json["scenario"]["file"], "scenario.toml");
    assert_eq!(
        json["outputs"].as_array().unwrap().len(),
        3,
        "rankings.json, rankings.csv, results.csv"
    );
}

#[test]
fn a_run_compared_with_itself_shows_no_change() {
    let runs = run("[sweep]\nmutual = [\"harmonic\", \"forward\"]\n");
    let same = compare(&runs[0].rankings, &runs[0].rankings);
    assert_eq!(same.summary.n_changed, 0);
    assert_eq!(same.summary.n_bodies, 6);
    assert!(same.bodies.iter().all(|b| b.tau == Some(1.0) && !b.changed));
    assert_eq!(same.summary.mean_tau, Some(1.0));
    assert_eq!(same.summary.max_abs_score_change, 0.0);
    let different = compare(&runs[0].rankings, &runs[1].rankings);
    assert!(different.summary.n_changed > 0);
}

#[test]
fn compare_reports_entries_exits_and_moves() {
    let ranking = |ids: &[(&str, f64)]| SubjectRanking {
        id: "S".into(),
        name: "Subject".into(),
        n_eligible: 9,
        candidates: ids
            .iter()
            .enumerate()
            .map(|(i, (id, score))| CandidateResult {
                rank: i + 1,
                id: (*id).into(),
                name: format!("Body {id}"),
                score: *score,
                forward: *score,
                backward: *score,
                distance_km: 1.0,
                reasons: Vec::new(),
                criteria: None,
            })
            .collect(),
    };
    let a = ranking(&[("x", 0.9), ("y", 0.8), ("z", 0.7)]);
    let b = ranking(&[("y", 0.85), ("x", 0.8), ("w", 0.6)]);
    let c = compare_body(&a, &b);
    assert!(c.changed && c.top1_changed);
    assert_eq!(c.entered.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["w"]);
    assert_eq!(c.left.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["z"]);
    assert_eq!(c.common[0].id, "x");
    assert_eq!(c.common[0].rank_change, -1);
    assert!((c.common[0].score_change + 0.1).abs() < 1e-12);
    assert_eq!(c.common[1].rank_change, 1);
    // U = {x,y,z,w}: A = x,y,z (w below), B = y,x,w (z below): as in the tau tests, 1/3.
    assert!((c.tau.unwrap() - 1.0 / 3.0).abs() < 1e-12);
}

#[test]
fn the_shipped_examples_parse_and_plan() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    assert!(paths.len() >= 3);
    let scenarios = load_all(&paths).unwrap();
    let plans = plan(&scenarios).unwrap();
    assert!(plans.len() >= 7);
}

/// A manifest for tests that only need a `RunResult` shape.
pub(super) fn manifest_stub() -> Manifest {
    let s = parse(&format!("{FIXTURE}[subjects]\nbodies = [\"T-SMD\"]\n")).unwrap();
    execute(&plan(&[s]).unwrap()).unwrap().remove(0).manifest
}

#[test]
fn the_docs_list_every_key_and_sweep_parameter() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenarios.md"))
            .unwrap();
    for key in parse::ROOT_FIELDS {
        assert!(docs.contains(&format!("| `{key}` |")), "docs/scenarios.md lacks `{key}`");
    }
    let dotted =
        |n: &&String| ["mitigation.", "weight.", "position."].iter().any(|h| n.starts_with(h));
    for name in Parameter::all_names().iter().filter(|n| !dotted(n)) {
        assert!(docs.contains(&format!("| `{name}` |")), "docs/scenarios.md lacks `{name}`");
    }
    assert!(docs.contains("| `mitigation.BARRIER` |"));
    assert!(docs.contains("| `weight.CRITERION` |"));
    assert!(docs.contains("| `position.CRITERION` |"));
}

/// Replaces hashes and the crate version, which change with the fixture, the survey file or a
/// release and are checked by other tests, so that the snapshot shows the shape and settings.
fn redact(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key.ends_with("sha256") {
                    *v = serde_json::Value::from("[sha256]");
                } else if key == "version" || key == "bytes" {
                    *v = serde_json::Value::from(format!("[{key}]"));
                } else {
                    redact(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[test]
fn manifest_snapshot() {
    let runs = run(
        "description = \"snapshot\"\ntop = 2\nfocus = [\"legal\"]\n[candidates]\nkinds = [\"district\"]\n\
         [subjects]\nbodies = [\"Eastvale\"]\n\
         [[mitigation]]\nbarrier = \"job_losses\"\nreduce_by = 0.5\nnote = \"pledge\"\n\
         [[override]]\nbodies = [\"Southmoor\"]\nadd_services_offered = [\"legal\"]\n\
         note = \"what if (hypothetical)\"\n[sweep]\nmethod = [\"rank_sum\"]\n",
    );
    let mut json: serde_json::Value =
        serde_json::from_slice(&runs[0].files.last().unwrap().bytes).unwrap();
    redact(&mut json);
    insta::assert_json_snapshot!(json);
}

const SURVEY_ORDER: &str = "proximity,service_fit,kind_fit,size_fit,trust,barrier_risk,\
     shared_priorities,shared_geography,ict_fit,political_alignment";

#[test]
fn moving_a_criterion_keeps_the_others_in_order() {
    use crate::model::Criterion::*;
    use crate::weights::{format_order, parse_order};
    #[track_caller]
    fn check(
        base: &str,
        c: crate::model::Criterion,
        position: usize,
        expected: Result<&str, usize>,
    ) {
        let base = parse_order(base).unwrap();
        let got = plan::move_criterion(&base, c, position).map(|o| format_order(&o));
        assert_eq!(got, expected.map(str::to_owned));
    }
    check(
        SURVEY_ORDER,
        PoliticalAlignment,
        1,
        Ok("political_alignment,proximity,service_fit,kind_fit,size_fit,trust,barrier_risk,\
            shared_priorities,shared_geography,ict_fit"),
    );
    check(
        SURVEY_ORDER,
        Proximity,
        10,
        Ok("service_fit,kind_fit,size_fit,trust,barrier_risk,shared_priorities,\
            shared_geography,ict_fit,political_alignment,proximity"),
    );
    check(SURVEY_ORDER, Trust, 5, Ok(SURVEY_ORDER));
    check(SURVEY_ORDER, Trust, 11, Err(10));
    // With ties: a tie keeps its other members; a criterion moved is alone at its position.
    let tied = "proximity,service_fit+kind_fit,size_fit+trust,barrier_risk,shared_priorities,\
                shared_geography,ict_fit,political_alignment";
    check(
        tied,
        KindFit,
        1,
        Ok("kind_fit,proximity,service_fit,size_fit+trust,barrier_risk,shared_priorities,\
            shared_geography,ict_fit,political_alignment"),
    );
    check(
        tied,
        Trust,
        3,
        Ok("proximity,service_fit+kind_fit,trust,size_fit,barrier_risk,shared_priorities,\
            shared_geography,ict_fit,political_alignment"),
    );
    // Proximity out leaves 7 positions, so 8 places to put it.
    check(tied, Proximity, 9, Err(8));
    check(tied, Proximity, 0, Err(8));
}

#[test]
fn pinning_a_weight_rescales_the_others_in_proportion() {
    use crate::model::{Criterion, Enumeration};
    use crate::weights::{ExplicitWeights, Method, Weights, format_order, parse_order};
    let equal = Weights::equal();
    let (pinned, scale) = plan::pin_weight(&equal, Criterion::Trust, 0.55).unwrap();
    assert!((scale - 0.5).abs() < 1e-12);
    for c in Criterion::all() {
        let expected = if *c == Criterion::Trust { 0.55 } else { 0.05 };
        assert!((pinned.values()[c.index()] - expected).abs() < 1e-12, "{c}");
    }
    assert!((pinned.sum() - 1.0).abs() < 1e-12);
    // The implied order: trust first, the nine others tied.
    let order = plan::implied_order(&pinned).unwrap();
    assert_eq!(
        format_order(&order),
        "trust,proximity+service_fit+kind_fit+size_fit+barrier_risk+shared_priorities+\
         shared_geography+ict_fit+political_alignment"
    );
    // 1 leaves the others nothing; 0 removes the criterion and keeps the ratios of the rest.
    let (all, _) = plan::pin_weight(&equal, Criterion::Trust, 1.0).unwrap();
    assert_eq!(all.values().iter().filter(|w| **w == 0.0).count(), 9);
    let (none, scale) = plan::pin_weight(&equal, Criterion::Trust, 0.0).unwrap();
    assert!((scale - 1.0 / 0.9).abs() < 1e-12);
    assert_eq!(none.values()[Criterion::Trust.index()], 0.0);
    // When the others all weigh 0 there is nothing to rescale.
    let only = ExplicitWeights::for_criteria(
        Criterion::all().iter().map(|c| (*c, if *c == Criterion::Proximity { 1.0 } else { 0.0 })),
    )
    .unwrap();
    let order = parse_order(SURVEY_ORDER).unwrap();
    let lopsided = Weights::for_order(&order, &Method::Explicit(only)).unwrap();
    let err = plan::pin_weight(&lopsided, Criterion::Proximity, 0.5).unwrap_err();
    assert!(err.contains("every other criterion weighs 0"), "{err}");
}

#[test]
fn a_weight_sweep_reaches_the_manifest_and_the_ranking() {
    let runs =
        run("top = 3\n[subjects]\nbodies = [\"Eastvale\"]\n[sweep]\nweight.trust = [0, 0.5]\n");
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].name, "t__weight.trust=0");
    let trust = |r: &RunResult| r.manifest.weights.criteria.get(crate::model::Criterion::Trust);
    assert_eq!(trust(&runs[0]), 0.0);
    assert!((trust(&runs[1]) - 0.5).abs() < 1e-12);
    let pinned = runs[1].manifest.weights.pinned.as_ref().unwrap();
    assert_eq!(pinned.criterion, "trust");
    assert!(runs[1].manifest.weights.order.starts_with("trust,"));
    // The long table carries the swept value on every row.
    let results = runs[1].files.iter().find(|f| f.name == RESULTS_CSV).unwrap();
    let text = String::from_utf8(results.bytes.clone()).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("scenario,run,weight.trust,subject_id,"));
    assert!(lines.all(|l| l.starts_with("t,t__weight.trust=0.5,0.5,")));
}

#[test]
fn the_long_comparison_lists_every_candidate_movement() {
    let ranking = |id: &str, ids: &[&str]| SubjectRanking {
        id: id.into(),
        name: format!("Subject {id}"),
        n_eligible: 9,
        candidates: ids
            .iter()
            .enumerate()
            .map(|(i, c)| CandidateResult {
                rank: i + 1,
                id: (*c).into(),
                name: format!("Body {c}"),
                score: 1.0 - i as f64 / 10.0,
                forward: 0.5,
                backward: 0.5,
                distance_km: 1.0,
                reasons: Vec::new(),
                criteria: None,
            })
            .collect(),
    };
    let rankings = |run: &str, subjects: Vec<SubjectRanking>| Rankings {
        scenario: "s".into(),
        run: run.into(),
        top: 3,
        subjects,
    };
    let base = rankings("a", vec![ranking("S", &["x", "y", "z", "v"]), ranking("T", &[])]);
    let other = rankings("b", vec![ranking("S", &["y", "x", "w", "v"]), ranking("T", &[])]);
    let disjoint = rankings("c", vec![ranking("U", &["x"])]);
    let all = compare_many(&base, &[other, disjoint]);
    assert!(!all.comparisons[0].shares_no_bodies());
    assert!(all.comparisons[1].shares_no_bodies());
    type Row = (String, String, Movement, Option<usize>, Option<usize>);
    let rows: Vec<Row> = all
        .movements()
        .into_iter()
        .map(|r| (r.subject_id, r.candidate_id, r.movement, r.rank_baseline, r.rank_run))
        .collect();
    let row = |s: &str, c: &str, m, a, b| (s.to_owned(), c.to_owned(), m, a, b);
    assert_eq!(
        rows,
        [
            row("S", "x", Movement::Down, Some(1), Some(2)),
            row("S", "y", Movement::Up, Some(2), Some(1)),
            row("S", "z", Movement::Left, Some(3), None),
            row("S", "v", Movement::Same, Some(4), Some(4)),
            row("S", "w", Movement::Entered, None, Some(3)),
            row("T", "", Movement::None, None, None),
        ]
    );
}

#[test]
fn stacking_reports_a_broken_results_table_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("r");
    std::fs::create_dir(&run).unwrap();
    std::fs::write(run.join(RESULTS_CSV), "scenario,run,subject_id\ns,r,A\ns,r\n").unwrap();
    let err = stack(std::slice::from_ref(&run)).unwrap_err().to_string();
    assert!(err.contains("results.csv:3: the row has 2 fields, the header 3"), "{err}");
    std::fs::write(run.join(RESULTS_CSV), "a,b\n1,2\n").unwrap();
    let err = stack(&[run]).unwrap_err().to_string();
    assert!(err.contains("not a scenario results table"), "{err}");
}

/// The bad request of every front end's test (two regions no body has, a sector no body is
/// of), in a scenario: every problem at once, each at its own file:line:column.
#[test]
fn one_bad_request_reports_every_problem_at_its_place() {
    check(
        "name = \"t\"\ndataset = \"data/good/northshire.toml\"\n[candidates]\n\
         sectors = [\"police\"]\nregions = [\"South Eest\", \"Walez\"]\n",
        &[
            &["scenario.toml:4:12", "candidates.sectors[0]", "sector \"police\""],
            &["scenario.toml:5:12", "candidates.regions[0]", "region \"South Eest\""],
            &["scenario.toml:5:26", "candidates.regions[1]", "region \"Walez\""],
        ],
    );
}

#[test]
fn within_areas_limits_candidates_and_subjects_to_an_area() {
    let text = "name = \"t\"\n[subjects]\nwithin_areas = [\"Gloucestershire\"]\n\
                [candidates]\nwithin_areas = [\"Gloucestershire\"]\n";
    let plans = plan(&[parse(text).unwrap()]).unwrap();
    assert_eq!(plans[0].n_subjects(), 6);
    assert_eq!(plans[0].rank.filter.within_areas, ["E10000013"]);
    check(
        "name = \"t\"\n[candidates]\nwithin_areas = [\"Glosterhire\", \"Cotswold\"]\n",
        &[
            &["scenario.toml:3:17", "no body matches area \"Glosterhire\"", "Gloucestershire"],
            &["scenario.toml:3:32", "no body in the data lies inside Cotswold"],
        ],
    );
}
