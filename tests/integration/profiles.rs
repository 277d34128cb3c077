//! Our own body through the binary: `profile` writes a template, filling it in and passing it
//! back with `--profile` changes the ranking and every output says what was stated and where;
//! CSV layers from the spreadsheet template; located errors; `export` then `--data` gives the
//! same rankings byte for byte.

use serde_json::Value;

use crate::harness::Test;

/// The forward criterion `name` of the candidate `id` in a `rank --format json` document.
fn forward<'a>(doc: &'a Value, id: &str, name: &str) -> &'a Value {
    let candidate = doc["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} not ranked"));
    candidate["forward"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == name)
        .unwrap()
}

/// `profile cotswold --out our.toml`, with `services_sought = ["legal"]` and one barrier set
/// in it, as the README's example does.
fn filled_in_template() -> String {
    let out = Test::new().args(["profile", "cotswold", "--out", "our.toml"]).run();
    out.code(0).no_panic().stderr_has("wrote our.toml");
    let template = std::fs::read_to_string(out.dir().join("our.toml")).unwrap();
    assert!(template.contains("# services_sought = "), "{template}");
    assert!(template.contains("# barriers.job_losses ="), "{template}");
    assert!(template.contains("id = \"E07000079\""), "{template}");
    let filled = template
        .replace("# services_sought = [\"...\", \"...\"]", "services_sought = [\"legal\"]")
        .replace("# barriers.job_losses =", "barriers.job_losses = 0.8");
    assert_ne!(filled, template);
    filled
}

/// The README's example: the template filled in and passed back gives a forward service fit and a
/// barrier risk that are not neutral, with reasons saying what was stated in `our.toml`.
#[test]
fn a_filled_in_template_is_stated_in_the_ranking() {
    let out = Test::new()
        .file("our.toml", filled_in_template())
        .args(["rank", "cotswold", "--profile", "our.toml", "--format", "json", "--top", "20"])
        .run();
    out.code(0).no_panic();
    let doc: Value = serde_json::from_str(&out.stdout()).unwrap();
    assert_eq!(doc["organisation"]["id"], "E07000079");
    let stated: Vec<&str> =
        doc["stated"].as_array().unwrap().iter().map(|s| s["field"].as_str().unwrap()).collect();
    assert_eq!(stated, ["barriers", "services_sought"], "only what was changed is stated");
    assert!(doc["stated"].as_array().unwrap().iter().all(|s| s["stated_by"] == "our.toml"));

    // Tewkesbury (E07000083) borders Cotswold.
    let barrier = forward(&doc, "E07000083", "barrier_risk");
    assert_eq!(barrier["neutral"], false);
    assert!(barrier["value"].as_f64().unwrap() < 0.5, "a 0.8 fear of job losses: {barrier}");
    let reason = barrier["reason"].as_str().unwrap();
    assert!(reason.contains("fear of job losses 0.80"), "{reason}");
    assert!(reason.ends_with("(stated by our.toml: Cotswold's barriers)"), "{reason}");
    assert_eq!(barrier["stated"][0]["field"], "barriers");
    assert_eq!(barrier["stated"][0]["stated_by"], "our.toml");

    // Cotswold seeks legal services; Tewkesbury, a district council, delivers them by statute:
    // the forward service fit is known, and its reason says Cotswold's need was stated.
    let fit = forward(&doc, "E07000083", "service_fit");
    assert_eq!(fit["neutral"], false);
    assert_eq!(fit["value"], 1.0);
    assert_eq!(
        fit["reason"],
        "Tewkesbury delivers legal (stated by our.toml: Cotswold's services sought)"
    );
    assert_eq!(fit["stated"][0]["field"], "services_sought");
    assert_eq!(fit["stated"][0]["stated_by"], "our.toml");

    // Without the layer nothing is stated, barrier risk is neutral, and Cotswold's need is
    // what it delivers by statute.
    let plain = Test::new().args(["rank", "cotswold", "--format", "json", "--top", "20"]).run();
    let plain: Value = serde_json::from_str(&plain.code(0).stdout()).unwrap();
    assert!(plain.get("stated").is_none());
    assert_eq!(forward(&plain, "E07000083", "barrier_risk")["neutral"], true);
    let fit = forward(&plain, "E07000083", "service_fit");
    let reason = fit["reason"].as_str().unwrap();
    assert!(reason.starts_with("Tewkesbury delivers "), "{reason}");
    assert!(reason.ends_with(" services Cotswold delivers"), "{reason}");
    assert!(fit.get("stated").is_none(), "{fit}");
}

/// A second layer, a CSV from the spreadsheet template, states a partner's offer: the forward
/// service fit's reason then says the partner offers the service (not only delivers it by
/// statute), and names both layers.
#[test]
fn a_csv_layer_from_the_spreadsheet_template_states_a_partners_offer() {
    let template = Test::new().args(["profile", "--template", "--format", "csv"]).run();
    template.code(0).no_panic();
    let text = template.stdout();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("id,name,"), "{header}");
    assert!(header.contains(",services_offered,"), "{header}");
    let allowed = lines.next().unwrap();
    assert!(allowed.starts_with("# allowed values"), "{allowed}");
    assert!(allowed.contains("revenues_and_benefits"), "{allowed}");
    assert!(lines.next().is_none());
    // The consultant's row: the partner by name, only its offer; every other cell empty.
    let n_columns = header.split(',').count();
    let offered = header.split(',').position(|c| c == "services_offered").unwrap();
    let mut row = vec![String::new(); n_columns];
    row[0] = "Tewkesbury".to_owned();
    row[offered] = "legal;waste".to_owned();
    let csv = format!("{text}{}\n", row.join(","));

    let out = Test::new()
        .file("our.toml", filled_in_template())
        .file("partners.csv", csv)
        .args(["rank", "cotswold", "--profile", "our.toml", "--profile", "partners.csv"])
        .args(["--format", "json", "--top", "20"])
        .run();
    out.code(0).no_panic();
    let doc: Value = serde_json::from_str(&out.stdout()).unwrap();
    let fit = forward(&doc, "E07000083", "service_fit");
    assert_eq!(fit["neutral"], false);
    assert_eq!(fit["value"], 1.0);
    assert_eq!(
        fit["reason"],
        "Tewkesbury offers legal (stated by our.toml: Cotswold's services sought; \
         stated by partners.csv: Tewkesbury's services offered)"
    );

    // A body's CSV template passed back unedited restates the data: nothing is stated.
    let body_row = Test::new().args(["profile", "cotswold", "--format", "csv"]).run();
    body_row.code(0);
    assert_eq!(body_row.stdout().lines().count(), 3, "header, allowed values, the body");
    let unchanged = Test::new()
        .file("cotswold.csv", body_row.stdout())
        .args(["show", "cotswold", "--profile", "cotswold.csv"])
        .run();
    assert!(!unchanged.code(0).stdout().contains("stated by"), "{}", unchanged.stdout());

    // `show` and `explain` say so too.
    let show = Test::new()
        .file("partners.csv", format!("{text}{}\n", row.join(",")))
        .args(["show", "tewkesbury", "--profile", "partners.csv"])
        .run();
    show.code(0)
        .stdout_has("offers      legal, waste")
        .stdout_has("stated by partners.csv: services_offered");
}

#[test]
fn show_and_explain_mark_stated_fields() {
    let layer = "id = \"Cotswold District Council\"\nreasons = [\"cost_reduction\"]\n";
    let show = Test::new()
        .file("our.toml", layer)
        .args(["show", "E07000079", "--profile", "our.toml", "--format", "json"])
        .run();
    let doc: Value = serde_json::from_str(&show.code(0).stdout()).unwrap();
    assert_eq!(doc["reasons"][0], "cost_reduction");
    assert_eq!(doc["stated"][0]["field"], "reasons");
    assert_eq!(doc["stated"][0]["stated_by"], "our.toml");
    Test::new()
        .file("our.toml", layer)
        .args(["explain", "cotswold", "stroud", "--profile", "our.toml"])
        .run()
        .code(0)
        .stdout_has("(stated by our.toml: Cotswold's reasons)");
}

/// Every problem of every layer in one run, each with file, line, field and a fix; exit 2.
#[test]
fn bad_layers_are_located_errors() {
    let out = Test::new()
        .file("a.toml", "id = \"Cotswald\"\nbarriers.job_losses = 1.5\n")
        .file("b.toml", "id = \"cotswold\"\nservices_sought = [\"legl\"]\n")
        .file("c.csv", "id,population\nStroud,lots\n")
        .args(["rank", "cotswold", "--profile", "a.toml", "--profile", "b.toml"])
        .args(["--profile", "c.csv"])
        .run();
    out.code(2).no_panic();
    out.stderr_has("a.toml:2")
        .stderr_has("severity 1.5 is outside [0, 1]")
        .stderr_has("b.toml:2")
        .stderr_has("legal")
        .stderr_has("c.csv:2")
        .stderr_has("\"lots\" is not a finite number");
    assert!(out.stdout().is_empty());

    let out = Test::new()
        .file("a.toml", "id = \"Cotswald\"\nservices_sought = [\"legal\"]\n")
        .args(["show", "cotswold", "--profile", "a.toml"])
        .run();
    out.code(2)
        .stderr_has("a.toml:1")
        .stderr_has("no body matches \"Cotswald\"")
        .stderr_has("Cotswold District Council (E07000079)")
        .stderr_has("to add a new body");
}

/// The text without its "(stated by FILE: ...)" marks: exported data is data, and states
/// nothing.
fn unstated(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" (stated by ") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(')').map_or(rest.len(), |e| at + e + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `export` writes the whole dataset: loading it back with `--data` gives the same rankings
/// byte for byte, as TOML and as CSV, with and without a layer (the layered ranking's "stated
/// by" marks apart: the exported file states nothing, it is the data).
#[test]
fn exported_data_gives_identical_rankings() {
    let export = Test::new()
        .file("our.toml", filled_in_template())
        .args(["export", "--out", "all.toml", "--profile", "our.toml"])
        .run();
    export.code(0).stderr_has("exported 768 bodies");
    let dir = export.dir();
    let csv = Test::new()
        .args(["export", "--format", "csv", "--out"])
        .args([dir.join("all.csv").display().to_string()])
        .args(["--profile", &dir.join("our.toml").display().to_string()])
        .run();
    csv.code(0);
    for body in ["cotswold", "adur", "leeds", "isle of wight", "E06000054", "Fife"] {
        for format in ["table", "csv"] {
            let rank = |data: Option<&str>| {
                let mut t = Test::new().args(["rank", body, "--top", "15", "--format", format]);
                t = match data {
                    Some(file) => t.data_path(&dir.join(file)),
                    None => t.args(["--profile", &dir.join("our.toml").display().to_string()]),
                };
                let out = t.run();
                out.code(0);
                out.stdout()
            };
            let layered = unstated(&rank(None));
            assert_eq!(layered, rank(Some("all.toml")), "{body} {format} via TOML");
            // A CSV cannot hold a partnership's name, kind or year (docs/profiles.md), which
            // the reasons quote (the reasons are the last column): the numbers, the order and
            // every text before the partnership's description are the same.
            let strip = |text: &str| -> String {
                text.lines()
                    .map(|l| match l.find("existing partnership") {
                        Some(i) => &l[..i],
                        None => l,
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert_eq!(strip(&layered), strip(&rank(Some("all.csv"))), "{body} {format} via CSV");
        }
    }
    let rank_all = |data: Option<&str>| {
        let mut t = Test::new().args(["rank-all", "--quiet", "--top", "5"]);
        if let Some(file) = data {
            t = t.data_path(&dir.join(file));
        }
        let out = t.run();
        out.code(0);
        out.stdout()
    };
    let plain_export = Test::new().args(["export", "--format", "csv"]).run();
    plain_export.code(0);
    let reloaded = Test::new()
        .file("plain.csv", plain_export.stdout())
        .args(["rank-all", "--quiet", "--top", "5"])
        .data("plain.csv")
        .run();
    assert_eq!(rank_all(None), reloaded.code(0).stdout(), "rank-all on the embedded data");
}

/// `list` says on standard error that it is a summary, leaving its CSV as it was.
#[test]
fn list_says_it_is_a_summary() {
    let out = Test::new().args(["list", "--format", "csv"]).run();
    out.code(0).stderr_has("summary").stderr_has("partnermatch export");
    assert!(out.stdout().starts_with("id,name,"));
}

/// The report lists what the body stated, with each file, before the ranking, and keeps the
/// embedded data's attribution with a layer and with `--data`.
#[test]
fn the_report_says_what_the_body_stated() {
    let out = Test::new()
        .file("our.toml", filled_in_template())
        .args(["report", "cotswold", "--profile", "our.toml", "--out", "-"])
        .run();
    out.code(0).no_panic();
    let html = out.stdout();
    let stated = html.find("What this body stated").expect("a stated section");
    let ranking = html.find("id=\"ranking\"").unwrap();
    assert!(stated < ranking, "the stated section comes before the ranking");
    assert!(html.contains("services sought"), "{html}");
    assert!(html.contains("[&quot;legal&quot;]") || html.contains("[\"legal\"]"));
    assert!(html.contains("our.toml"));
    assert!(html.contains("Contains data from mySociety"));

    let plain = Test::new().args(["report", "cotswold", "--out", "-"]).run();
    assert!(!plain.code(0).stdout().contains("What this body stated"));

    let export = Test::new().args(["export", "--out", "all.toml"]).run();
    export.code(0);
    let with_data = Test::new()
        .args(["report", "cotswold", "--out", "-"])
        .data_path(&export.dir().join("all.toml"))
        .run();
    with_data.code(0).stdout_has("Contains data from mySociety");
}

/// A scenario lays `profiles = [...]` over its data (paths relative to the scenario file): the
/// layered ranking is the one `rank --profile` gives, and the manifest records what was stated.
#[test]
fn scenario_files_take_profile_layers() {
    let layer = "id = \"cotswold\"\nservices_sought = [\"legal\"]\nbarriers.job_losses = 0.8\n";
    let scenario = "name = \"layered\"\nprofiles = [\"layers/our.toml\"]\ntop = 5\n\n\
                    [subjects]\nbodies = [\"cotswold\"]\n";
    let out = Test::new()
        .file("layers/our.toml", layer)
        .file("s.toml", scenario)
        .args(["scenario", "run", "s.toml", "--out", "runs"])
        .run();
    out.code(0).no_panic();
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(out.dir().join("runs/layered/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["dataset"]["source"], "embedded with profiles layers/our.toml");
    let stated: Vec<(&str, &str)> = manifest["dataset"]["stated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["field"].as_str().unwrap(), m["stated_by"].as_str().unwrap()))
        .collect();
    assert_eq!(stated, [("barriers", "layers/our.toml"), ("services_sought", "layers/our.toml")]);
    let rankings: Value = serde_json::from_str(
        &std::fs::read_to_string(out.dir().join("runs/layered/rankings.json")).unwrap(),
    )
    .unwrap();
    let rank = Test::new()
        .file("our.toml", layer)
        .args(["rank", "cotswold", "--profile", "our.toml", "--format", "json", "--top", "5"])
        .run();
    let doc: Value = serde_json::from_str(&rank.code(0).stdout()).unwrap();
    let scores = |candidates: &Value| -> Vec<(String, f64)> {
        candidates
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].as_str().unwrap().to_owned(), c["score"].as_f64().unwrap()))
            .collect()
    };
    assert_eq!(scores(&rankings["subjects"][0]["candidates"]), scores(&doc["candidates"]));

    // A missing layer is a located error naming the scenario's line; --profile is refused.
    let out = Test::new()
        .file("s.toml", scenario)
        .args(["scenario", "run", "s.toml", "--out", "runs"])
        .run();
    out.code(2).stderr_has("s.toml:2").stderr_has("no profile layer at \"layers/our.toml\"");
    assert!(!out.dir().join("runs").exists());
    Test::new()
        .file("s.toml", scenario)
        .args(["scenario", "run", "s.toml", "--out", "runs", "--profile", "x.toml"])
        .run()
        .code(2)
        .stderr_has("drop --data and --survey, and --profile");
}
