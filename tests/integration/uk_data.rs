//! The embedded UK data as a new user meets it: every sector of the 2011 survey, the areas
//! councils lie within, what each kind of body delivers, and existing partnerships with their
//! sources, all of them changing rankings and explanations.

use crate::harness::Test;

fn json(args: &[&str]) -> serde_json::Value {
    let out = Test::new().args(args.iter().copied()).run();
    out.code(0);
    serde_json::from_str(&out.stdout()).unwrap()
}

fn ids(document: &serde_json::Value) -> Vec<String> {
    document["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_surveyed_sector_is_in_the_embedded_data() {
    for (sector, n) in [("police", 45), ("fire", 49), ("health", 280)] {
        let listed = json(&["list", "--sector", sector, "--format", "json"]);
        assert_eq!(listed.as_array().unwrap().len(), n, "{sector}");
    }
}

#[test]
fn a_district_finds_its_own_police_force_first() {
    let out = Test::new().args(["rank", "cotswold", "--sector", "police", "--top", "1"]).run();
    out.code(0).stdout_has("Gloucestershire police").stdout_has("lies within Gloucestershire");
}

#[test]
fn a_service_focus_keeps_only_bodies_that_deliver_it() {
    let focus = json(&[
        "rank",
        "cotswold",
        "--service",
        "revenues_and_benefits",
        "--top",
        "500",
        "--format",
        "json",
    ]);
    let plain = json(&["rank", "cotswold", "--top", "500", "--format", "json"]);
    let list = json(&["list", "--format", "json"]);
    let kind_of = |id: &str| {
        let body = list.as_array().unwrap().iter().find(|b| b["id"] == id).unwrap();
        (
            body["sector"].as_str().unwrap().to_owned(),
            body["kind"].as_str().unwrap_or("").to_owned(),
        )
    };
    let focused = ids(&focus);
    assert!(!focused.is_empty());
    for id in &focused {
        let (sector, kind) = kind_of(id);
        assert_eq!(sector, "local_government", "{id}");
        assert_ne!(kind, "county", "{id}");
        assert_ne!(kind, "combined_authority", "{id}");
    }
    // The focus changes scores, not only the list: a unitary council's need meets Cotswold's
    // supply in full under the focus.
    let score = |doc: &serde_json::Value, id: &str| {
        doc["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["score"].as_f64().unwrap())
    };
    let swindon = "E06000030";
    assert_ne!(score(&focus, swindon), score(&plain, swindon));
}

#[test]
fn show_lists_areas_and_partnerships_with_sources() {
    let out = Test::new().args(["show", "adur"]).run();
    out.code(0)
        .stdout_has("police      Sussex police (E23000033)")
        .stdout_has("fire        West Sussex fire (E31000037)")
        .stdout_has("health      Sussex ICB (E54000064)")
        .stdout_has("Worthing (E07000229)")
        .stdout_has("source: ")
        .stdout_has("https://www.adur-worthing.gov.uk/");
}

#[test]
fn explain_backs_trust_with_the_partnership_and_its_source() {
    let out = Test::new().args(["explain", "adur", "worthing"]).run();
    out.code(0)
        .stdout_has("existing partnership")
        .stdout_has("combined planning service: planning.adur-worthing.gov.uk");
    let doc = json(&["explain", "adur", "worthing", "--format", "json"]);
    let trust = doc["forward"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == "trust")
        .unwrap()
        .clone();
    assert_eq!(trust["value"], 1.0);
    assert_eq!(trust["neutral"], false);
}

#[test]
fn the_graph_lists_the_new_relations() {
    for relation in ["police-force-area", "fire-authority", "health-body", "combined-authority"] {
        let out = Test::new().args(["graph", "--format", "json", "--relation", relation]).run();
        out.code(0);
        let doc: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
        let edges = doc["edges"].as_array().unwrap();
        assert!(!edges.is_empty(), "{relation}");
        let name = relation.replace('-', "_");
        assert!(edges.iter().all(|e| e["relation"] == name.as_str()), "{relation}");
    }
}

#[test]
fn names_people_use_find_the_new_bodies() {
    for (name, id) in [
        ("Thames Valley Police", "E23000029"),
        ("Devon and Somerset Fire and Rescue", "E31000011"),
        ("NHS Gloucestershire ICB", "E54000043"),
        ("Gloucestershire Hospitals", "RTE"),
    ] {
        let shown = json(&["show", name, "--format", "json"]);
        assert_eq!(shown["id"], id, "{name}");
    }
}
