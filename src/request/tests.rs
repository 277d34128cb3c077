//! The request check, one `check` per case: a request against a dataset gives settings or
//! exactly the problems listed, each with its field, position and a fragment of its text.

use std::path::Path;

use super::*;

fn embedded() -> Dataset {
    Dataset::embedded().unwrap()
}

/// The small fixture of four councils (no police, fire or health body).
fn councils_only() -> Dataset {
    Dataset::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/good/northshire.toml"))
        .unwrap()
}

/// Validates a request and checks its problems: (field, position, fragment of message or help).
#[track_caller]
fn check(dataset: &Dataset, request: Request, expected: &[(Field, Option<usize>, &str)]) {
    let found = match request.validate(dataset) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.0,
    };
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((field, index, fragment), p) in expected.iter().zip(&found) {
        assert_eq!((p.field, p.index), (*field, *index), "{p:?}");
        let text = format!("{} {}", p.message, p.help);
        assert!(text.contains(fragment), "{text:?} lacks {fragment:?}");
    }
}

fn names(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

#[test]
fn every_problem_is_reported_at_once() {
    let d = councils_only();
    check(
        &d,
        Request {
            sectors: vec![Sector::Police],
            regions: names(&["South Eest", "Walez"]),
            within_km: Some(-1.0),
            weighting: Weighting { exponent: Some(2.0), ..Weighting::default() },
            ..Request::default()
        },
        &[
            (Field::Sector, Some(0), "no body in the data is of sector \"police\""),
            (Field::Region, Some(0), "no body in the data has region \"South Eest\""),
            (Field::Region, Some(1), "\"Walez\""),
            (Field::WithinKm, None, "at least 0"),
            (Field::Exponent, None, "rank_exponent"),
        ],
    );
}

#[test]
fn filters_that_select_nothing_are_problems() {
    let d = embedded();
    check(
        &d,
        Request { regions: names(&["South Eest"]), ..Request::default() },
        &[(Field::Region, Some(0), "did you mean \"South East\"?")],
    );
    // Each value exists, but no body has both.
    check(
        &d,
        Request { kinds: vec![Kind::District], nations: names(&["Wales"]), ..Request::default() },
        &[(Field::Filter, None, "kind district; nation Wales")],
    );
    check(
        &councils_only(),
        Request { kinds: vec![Kind::PoliceForce], ..Request::default() },
        &[(Field::Kind, Some(0), "kinds in the data: county, district")],
    );
}

#[test]
fn areas_are_found_by_name_and_hold_their_bodies() {
    let d = embedded();
    let valid = Request {
        within_areas: names(&["Gloucestershire"]),
        regions: names(&["south west"]),
        ..Request::default()
    }
    .validate(&d)
    .unwrap();
    let filter = &valid.rank.filter;
    assert_eq!(filter.within_areas, ["E10000013"]);
    assert_eq!(filter.regions, ["South West"]);
    let mut inside: Vec<&str> = d
        .organisations()
        .iter()
        .enumerate()
        .filter(|(i, o)| filter.matches(*i, o))
        .map(|(_, o)| o.name.as_str())
        .collect();
    inside.sort_unstable();
    assert_eq!(
        inside,
        [
            "Cheltenham Borough Council",
            "Cotswold District Council",
            "Forest of Dean District Council",
            "Gloucester City Council",
            "Stroud District Council",
            "Tewkesbury Borough Council",
        ]
    );
    // A police force holds its councils, the county's districts among them.
    let police =
        Request { within_areas: names(&["E23000037"]), ..Request::default() }.validate(&d).unwrap();
    let county = d.find("Gloucestershire").unwrap();
    assert!(police.rank.filter.matches(county, &d.organisations()[county]));
    assert_eq!(police.rank.filter.describe(), "within area E23000037");
}

#[test]
fn unknown_ambiguous_and_empty_areas_are_problems() {
    let d = embedded();
    check(
        &d,
        Request { within_areas: names(&["Glosterhire"]), ..Request::default() },
        &[(Field::WithinArea, Some(0), "Gloucestershire County Council")],
    );
    check(
        &d,
        Request { within_areas: names(&["Cotswold"]), ..Request::default() },
        &[(Field::WithinArea, Some(0), "no body in the data lies inside Cotswold")],
    );
}

#[test]
fn weighting_options_must_fit_together() {
    let d = embedded();
    let weighting = |w: Weighting| Request { weighting: w, ..Request::default() };
    check(
        &d,
        weighting(Weighting { method: Some(MethodName::Explicit), ..Weighting::default() }),
        &[(Field::Method, None, "needs explicit weights")],
    );
    check(
        &d,
        weighting(Weighting {
            method: Some(MethodName::RankExponent),
            exponent: Some(-1.0),
            ..Weighting::default()
        }),
        &[(Field::Exponent, None, "at least 0")],
    );
    let valid = weighting(Weighting { method: Some(MethodName::RankSum), ..Weighting::default() })
        .validate(&d)
        .unwrap();
    assert_eq!(valid.weights.unwrap().method(), Some(&Method::RankSum));
    assert_eq!(Request::default().validate(&d).unwrap().weights, None);
}

#[test]
fn an_empty_request_gives_the_default_settings() {
    let valid = Request::default().validate(&embedded()).unwrap();
    assert_eq!(valid.rank, RankSettings::default());
}

#[test]
fn the_mutual_score_is_named_and_parsed_in_one_place() {
    for m in Mutual::all() {
        assert_eq!(Mutual::parse_name(m.name()), Ok(*m));
        assert!(!m.label().is_empty() && !m.description().is_empty());
    }
    let err = Mutual::parse_name("geometric").unwrap_err();
    assert!(err.help().contains("harmonic"), "{}", err.help());
}
