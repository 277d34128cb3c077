//! One short case per validation rule: the TOML, and the problems expected as
//! `line:field:message fragment`.

use std::path::Path;

use super::*;
use crate::dataset::Dataset;
use crate::model::{Barrier, Criterion, Kind, Party, Reason, Sector, Service};

/// A valid body to build cases from; `{}` is replaced by the case's extra lines.
const BASE: &str = r#"id = "A1"
name = "Alpha Council"
sector = "local_government"
location = { lat = 51.0, lon = -1.0 }
"#;

/// Parses `text` (one file) and checks the problems against `expected`, each
/// `"line:field:fragment"`, in order. The dataset checks run too.
#[track_caller]
fn check(text: &str, expected: &[&str]) {
    let parsed = parse_profiles_bytes(Path::new("case.toml"), text.as_bytes());
    let problems: Vec<String> = match Dataset::from_parsed(parsed, "case") {
        Ok(_) => Vec::new(),
        Err(d) => d
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{}",
                    d.location.line.map_or("-".to_owned(), |l| l.to_string()),
                    d.field.clone().unwrap_or_default(),
                    d.message
                )
            })
            .collect(),
    };
    assert_eq!(problems.len(), expected.len(), "got {problems:#?}");
    for (got, want) in problems.iter().zip(expected) {
        let mut parts = want.splitn(3, ':');
        let (line, field, fragment) =
            (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        let prefix = format!("{line}:{field}:");
        assert!(got.starts_with(&prefix) && got.contains(fragment), "got {got:?}, want {want:?}");
    }
}

fn with(extra: &str) -> String {
    format!("{BASE}{extra}")
}

#[test]
fn a_minimal_body_is_valid() {
    check(BASE, &[]);
}

#[test]
fn missing_required_fields_are_named() {
    check(
        "id = \"A\"\n",
        &[
            "1:name:missing required field `name`",
            "1:sector:missing required field `sector`",
            "1:location:missing required field `location`",
        ],
    );
    check(
        "name = \"x\"\nsector = \"fire\"\nlocation = { lat = 1, lon = 2 }\n",
        &["1:id:missing required field `id`"],
    );
    check(
        &BASE.replace("lon = -1.0", "").replace("lat = 51.0,", "lat = 51.0"),
        &["4:location.lon:missing required field `lon`"],
    );
}

#[test]
fn unknown_fields_get_a_suggestion() {
    check(&with("populaton = 5\n"), &["5:populaton:unknown field `populaton`"]);
    check(
        &with("political_control = { control = \"majority\", leader = \"x\" }\n"),
        &["5:political_control.leader:unknown field `leader`"],
    );
}

#[test]
fn wrong_types_are_reported() {
    check(
        &with("population = \"many\"\n"),
        &["5:population:expected a whole number, found a string"],
    );
    check(&with("neighbours = \"B\"\n"), &["5:neighbours:expected an array, found a string"]);
    check(&with("population = 1.5\n"), &["5:population:expected a whole number, found 1.5"]);
    check(&with("reasons = [1]\n"), &["5:reasons[0]:expected a string, found an integer"]);
}

#[test]
fn unknown_enumeration_values_are_reported() {
    check(
        &BASE.replace("local_government", "local_govt"),
        &["3:sector:unknown sector \"local_govt\""],
    );
    check(&with("kind = \"county_council\"\n"), &["5:kind:unknown kind \"county_council\""]);
    check(
        &with("services_sought = [\"legal\", \"lawyers\"]\n"),
        &["5:services_sought[1]:unknown service \"lawyers\""],
    );
    check(
        &with("political_control = { lead_party = \"XYZ\", control = \"majority\" }\n"),
        &["5:political_control.lead_party:unknown party \"XYZ\""],
    );
    check(
        &with("kind = \"police_force\"\n"),
        &["5:kind:kind \"police_force\" belongs to sector \"police\""],
    );
    check(&with("ict = { finanse = \"Unit4\" }\n"), &["5:ict.finanse:unknown service \"finanse\""]);
}

#[test]
fn ranges_are_checked() {
    check(
        &BASE.replace("lat = 51.0", "lat = 91.0"),
        &["4:location.lat:latitude 91 is outside [-90, 90]"],
    );
    check(
        &BASE.replace("lon = -1.0", "lon = 181"),
        &["4:location.lon:longitude 181 is outside [-180, 180]"],
    );
    check(&with("population = 0\n"), &["5:population:`population` must be positive, found 0"]);
    check(&with("population = -3\n"), &["5:population:must be positive"]);
    check(&with("budget_gbp = -1.0\n"), &["5:budget_gbp:must be positive"]);
    check(
        &with("barriers = { job_losses = 1.2 }\n"),
        &["5:barriers.job_losses:severity 1.2 is outside [0, 1]"],
    );
    check(
        &with("barriers = { job_losses = -0.1 }\n"),
        &["5:barriers.job_losses:severity -0.1 is outside [0, 1]"],
    );
    check(
        &with("barriers = { job_losses = nan }\n"),
        &["5:barriers.job_losses:expected a finite number"],
    );
    check(
        &with("[[partnership]]\npartner = \"A1\"\nsince = 20\n"),
        &[
            "6:partnership[0].partner:a body cannot be its own partner",
            "7:partnership[0].since:year 20 is not plausible",
        ],
    );
}

#[test]
fn duplicates_in_lists_are_reported() {
    check(
        &with("reasons = [\"innovation\", \"innovation\"]\n"),
        &["5:reasons[1]:reason \"innovation\" is listed twice"],
    );
    check(
        &with("criteria_order = [\"proximity\", \"proximity\"]\n"),
        &["5:criteria_order[1]:criterion \"proximity\" appears more than once"],
    );
    check(
        &with("criteria_order = [\"proximity\"]\n"),
        &["5:criteria_order:criteria missing from the order"],
    );
    check(
        &with("neighbours = [\"A1\", \"A1\"]\n"),
        &[
            "5:neighbours[0]:a body cannot be its own neighbour",
            "5:neighbours[1]:\"A1\" is listed twice",
        ],
    );
}

#[test]
fn references_must_name_known_bodies() {
    let two = format!(
        "[[organisation]]\n{BASE}neighbours = [\"B2\"]\n\n[[organisation]]\n{}",
        BASE.replace("A1", "B1")
    );
    check(&two, &["6:organisation[0].neighbours[0]:neighbour \"B2\" is not a known body"]);
    let partner = with("[[partnership]]\npartner = \"A2\"\n");
    check(&partner, &["6:partnership[0].partner:partner \"A2\" is not a known body"]);
    check(&with("parent = \"Z9\"\n"), &["5:parent:parent \"Z9\" is not a known body"]);
}

#[test]
fn duplicate_ids_name_both_places() {
    let text = format!("[[organisation]]\n{BASE}\n[[organisation]]\n{BASE}");
    check(&text, &["8:organisation[1].id:duplicate id \"A1\": also defined at case.toml:2:6"]);
}

#[test]
fn self_references_and_parent_cycles_are_refused() {
    check(&with("parent = \"A1\"\n"), &["5:parent:a body cannot be its own parent"]);
    let cycle = format!(
        "[[organisation]]\n{BASE}parent = \"B1\"\n\n[[organisation]]\n{}parent = \"A1\"\n",
        BASE.replace("A1", "B1")
    );
    check(
        &cycle,
        &[
            "6:organisation[0].parent:parent links form a cycle: A1 -> B1 -> A1",
            "13:organisation[1].parent:parent links form a cycle",
        ],
    );
}

#[test]
fn file_level_problems_are_reported() {
    check("", &["-::file is empty"]);
    check("a = [\n", &["1::invalid TOML"]);
    check("[survey]\nmethod = \"rank_sum\"\n", &["-::this looks like a survey file"]);
    check(
        "[[organisation]]\n[[organisation]]\n",
        &[
            "1:organisation[0].id:missing required field `id`",
            "1:organisation[0].name:missing",
            "1:organisation[0].sector:missing",
            "1:organisation[0].location:missing",
            "2:organisation[1].id:missing required field `id`",
            "2:organisation[1].name:missing",
            "2:organisation[1].sector:missing",
            "2:organisation[1].location:missing",
        ],
    );
}

#[test]
fn a_full_profile_reads_into_typed_values() {
    let text = with(
        r#"short_name = "Alpha"
kind = "district"
region = "South East"
population = 64187
political_control = { lead_party = "ldm", control = "majority", as_of = 2026-10-08 }
reasons = ["cost_reduction", "resilience"]
barriers = { job_losses = 0.8 }
services_sought = ["legal"]
services_offered = ["building_control"]
ict = { finance = "Unit4 ERP" }
payback = "3_to_5_years"
criteria_order = ["proximity", ["service_fit", "kind_fit"], "size_fit", "trust", "barrier_risk", "shared_priorities", "shared_geography", "ict_fit", "political_alignment"]
"#,
    );
    let parsed = parse_profiles_bytes(Path::new("case.toml"), text.as_bytes());
    assert!(parsed.diagnostics.is_empty(), "{}", parsed.diagnostics);
    let o = &parsed.organisations[0].organisation;
    assert_eq!(o.sector, Sector::LocalGovernment);
    assert_eq!(o.kind, Some(Kind::District));
    assert_eq!(o.tier, Some(crate::model::Tier::Lower), "tier implied by kind");
    assert_eq!(o.population, Some(64187));
    let control = o.political_control.as_ref().unwrap();
    assert_eq!(control.lead_party, Some(Party::Ldm));
    assert_eq!(control.as_of.as_deref(), Some("2026-10-08"));
    assert_eq!(o.reasons.as_deref(), Some(&[Reason::CostReduction, Reason::Resilience][..]));
    assert!((o.barriers.as_ref().unwrap()[&Barrier::JobLosses].get() - 0.8).abs() < 1e-12);
    assert!(o.services_sought.unwrap().contains(Service::Legal));
    assert!(o.partnerships.is_none(), "absent partnerships are unknown, not none");
    let order = o.criteria_order.as_ref().unwrap();
    assert_eq!(order.positions()[1], vec![Criterion::ServiceFit, Criterion::KindFit]);
}

#[test]
fn written_profiles_read_back_the_same() {
    let text = format!(
        "[[organisation]]\n{}",
        with(
            r#"short_name = "Alpha \"A\""
kind = "district"
aliases = ["Alpha DC"]
political_control = { control = "noc", label = "NOC" }
barriers = { job_losses = 0.8, time_to_set_up = 0.1 }
services_sought = []
ict = { finance = "Unit4" }
neighbours = ["B1"]

[[organisation.partnership]]
partner = "B1"
services = ["legal"]
since = 2010
"#
        )
    ) + &format!("\n[[organisation]]\n{}partnership = []\n", BASE.replace("A1", "B1"));
    let first = parse_profiles_bytes(Path::new("a.toml"), text.as_bytes());
    assert!(first.diagnostics.is_empty(), "{}", first.diagnostics);
    let organisations: Vec<_> =
        first.organisations.iter().map(|p| p.organisation.clone()).collect();
    let written = to_toml(&organisations, "a header\n\nover lines");
    let second = parse_profiles_bytes(Path::new("b.toml"), written.as_bytes());
    assert!(second.diagnostics.is_empty(), "{}\n{written}", second.diagnostics);
    let again: Vec<_> = second.organisations.iter().map(|p| p.organisation.clone()).collect();
    assert_eq!(organisations, again, "{written}");
    assert_eq!(again[1].partnerships.as_deref(), Some(&[][..]));
    assert!(written.starts_with("# a header\n#\n# over lines\n"));
}

#[test]
fn the_profile_docs_list_every_field() {
    let docs = include_str!("../../docs/profiles.md");
    for field in FIELDS {
        let row = format!("| `{field}` |");
        assert!(docs.lines().any(|l| l.starts_with(&row)), "docs/profiles.md lacks {row}");
    }
}

/// The row of every item's place, in order.
fn rows_of(places: &Places) -> Vec<Option<usize>> {
    places.iter().map(|p| p.row).collect()
}

#[test]
fn shared_places_behave_as_a_list_of_copies() {
    let at = |row: usize| {
        let mut place = Place::new(Location::file(Path::new("t.csv")), "neighbours");
        place.row = Some(row);
        place
    };
    let mut shared = Places::repeated(at(1), 3);
    assert_eq!((shared.len(), rows_of(&shared)), (3, vec![Some(1); 3]));
    assert!(shared.get(3).is_none());
    shared.remove(0);
    assert_eq!(rows_of(&shared), vec![Some(1); 2]);
    shared.push(at(2));
    assert_eq!(rows_of(&shared), vec![Some(1), Some(1), Some(2)]);
    shared.remove(1);
    assert_eq!(rows_of(&shared), vec![Some(1), Some(2)]);
    shared.remove(5);
    assert_eq!(shared.len(), 2);
    let mut one = Places::repeated(at(4), 1);
    one.remove(0);
    assert!(one.is_empty() && one.get(0).is_none());
    one.push(at(5));
    assert_eq!(rows_of(&one), vec![Some(5)]);
    assert!(Places::repeated(at(6), 0).is_empty());
    let each = Places::each(vec![at(7), at(8)]);
    assert_eq!(rows_of(&each), vec![Some(7), Some(8)]);
}
