//! Unit tests of the synthetic generator: validity for many settings, determinism, round trips
//! through CSV and TOML, the documented mix, and the shape of neighbours and partnerships.

use std::collections::BTreeMap;

use super::*;
use crate::dataset::Dataset;
use crate::model::{Barrier, Enumeration, Kind, Organisation, Sector, Service};
use crate::model::{Payback, Reason};

fn make(n: usize, seed: u64, like: Like) -> Synthetic {
    generate(&Settings::new(n, seed, like).unwrap())
}

fn csv(s: &Synthetic) -> Vec<u8> {
    let mut out = Vec::new();
    s.write_csv(&mut out).unwrap();
    out
}

fn toml(s: &Synthetic) -> Vec<u8> {
    let mut out = Vec::new();
    s.write_toml(&mut out).unwrap();
    out
}

/// Generates, checks as a dataset, and returns both.
#[track_caller]
fn check(n: usize, seed: u64, like: Like) -> (Synthetic, Dataset) {
    let s = make(n, seed, like);
    assert_eq!(s.len(), n);
    let dataset = s.to_dataset().unwrap_or_else(|d| panic!("{like} n={n} seed={seed}: {d}"));
    assert_eq!(dataset.len(), n);
    (s, dataset)
}

#[test]
fn settings_are_checked() {
    assert_eq!(Settings::new(0, 1, Like::Uk), Err(SynthError::NoBodies));
    assert!(matches!(
        Settings::new(MAX_BODIES + 1, 1, Like::Us),
        Err(SynthError::TooManyBodies { .. })
    ));
    assert!(Settings::new(MAX_BODIES, 1, Like::Us).is_ok());
    assert_eq!(Like::parse(" UK "), Ok(Like::Uk));
    assert_eq!(Like::parse("us"), Ok(Like::Us));
    assert!(Like::parse("fr").is_err());
}

#[test]
fn every_generated_dataset_is_valid() {
    for like in Like::ALL {
        for n in [1, 2, 3, 7, 50, 333, 2_500] {
            for seed in [0, 1, 42, u64::MAX] {
                check(n, seed, like);
            }
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_other_seeds_differ() {
    for like in Like::ALL {
        let a = make(700, 5, like);
        let b = make(700, 5, like);
        assert_eq!(csv(&a), csv(&b));
        assert_eq!(toml(&a), toml(&b));
        assert_ne!(csv(&a), csv(&make(700, 6, like)));
    }
}

/// A pinned digest of one output: fails if a change to the code (or a platform) changes what
/// a seed produces. Update it deliberately, with a CHANGELOG line, when the generator changes.
/// FNV-1a, 64 bits: a simple, fixed digest of an output.
fn digest(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{h:016x}")
}

/// Pinned digests of two outputs: fail if a change to the code (or a platform) changes what a
/// seed produces. Update them deliberately, with a CHANGELOG line, when the generator changes.
#[test]
fn the_output_of_a_seed_is_pinned() {
    for (like, pinned) in [(Like::Uk, PINNED_UK_300_SEED_1), (Like::Us, PINNED_US_300_SEED_1)] {
        let bytes = csv(&make(300, 1, like));
        assert_eq!(digest(&bytes), pinned, "{like}: {}", String::from_utf8_lossy(&bytes[..600]));
    }
}

const PINNED_UK_300_SEED_1: &str = "2adecfa9a15f1a2a";
const PINNED_US_300_SEED_1: &str = "99447474a5f5974b";

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(40))]
    /// Any size, seed and country gives a dataset that the cross-checks accept.
    #[test]
    fn any_settings_give_a_valid_dataset(n in 1usize..400, seed in proptest::prelude::any::<u64>(), us in proptest::prelude::any::<bool>()) {
        let like = if us { Like::Us } else { Like::Uk };
        let s = make(n, seed, like);
        proptest::prop_assert!(s.to_dataset().is_ok());
        proptest::prop_assert_eq!(s.by_sector().iter().map(|(_, k)| k).sum::<usize>(), n);
    }
}

#[test]
fn csv_and_toml_load_back_to_the_generated_profiles() {
    let dir = tempfile::tempdir().unwrap();
    for like in Like::ALL {
        let (s, _) = check(400, 3, like);
        let expected: Vec<Organisation> = s.organisations().map(Result::unwrap).collect();
        let csv_path = dir.path().join(format!("{like}.csv"));
        let toml_path = dir.path().join(format!("{like}.toml"));
        std::fs::write(&csv_path, csv(&s)).unwrap();
        std::fs::write(&toml_path, toml(&s)).unwrap();
        for path in [csv_path, toml_path] {
            let loaded = Dataset::load(&path).unwrap_or_else(|d| panic!("{}: {d}", path.display()));
            assert_eq!(loaded.organisations().len(), expected.len());
            for (got, want) in loaded.organisations().iter().zip(&expected) {
                assert_eq!(got, want, "{}", path.display());
            }
        }
    }
}

#[test]
fn no_csv_cell_needs_quoting() {
    for like in Like::ALL {
        let text = String::from_utf8(csv(&make(3_000, 9, like))).unwrap();
        assert!(!text.contains('"'));
        for line in text.lines() {
            assert_eq!(line.split(',').count(), CSV_COLUMNS.len(), "{line}");
        }
    }
}

#[test]
fn names_and_ids_are_clearly_synthetic() {
    let (_, d) = check(2_000, 4, Like::Uk);
    for o in d.organisations() {
        assert!(o.id.as_str().starts_with("S-"), "{}", o.id);
        assert!(o.name.starts_with("Synthetic "), "{}", o.name);
        if let Some(area) = &o.police_force_area {
            assert!(area.starts_with("Synthetic "));
        }
    }
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole as f64
}

/// The documented proportions hold on a 20,000-body set (docs/synthetic.md).
#[test]
fn the_mix_matches_the_documented_proportions() {
    let (uk, uk_data) = check(20_000, 11, Like::Uk);
    let kinds: BTreeMap<Kind, usize> = uk.by_kind().into_iter().collect();
    let uk_total: f64 = tables::country(Like::Uk).plans.iter().flat_map(|p| &p.counts).sum();
    assert_eq!(uk_total.round() as u64, 12_008, "the total in docs/synthetic.md");
    for (kind, real) in [
        (Kind::ParishCouncil, 10_730.0),
        (Kind::District, 164.0),
        (Kind::County, 21.0),
        (Kind::PoliceForce, 45.0),
        (Kind::NhsTrust, 207.0),
        (Kind::Agency, 400.0),
    ] {
        let want = 20_000.0 * real / uk_total;
        let got = kinds.get(&kind).copied().unwrap_or(0) as f64;
        // Within the rounding of the apportionment (one body per region at most).
        assert!((got - want).abs() <= (0.005 * want).max(2.0), "{kind}: {got} vs {want}");
    }
    let (us, _) = check(20_000, 11, Like::Us);
    let kinds: BTreeMap<Kind, usize> = us.by_kind().into_iter().collect();
    for (kind, real) in [
        (Kind::UsCounty, tables::US_COUNTIES),
        (Kind::Municipality, tables::US_MUNICIPALITIES),
        (Kind::Township, tables::US_TOWNSHIPS),
        (Kind::SpecialDistrict, tables::US_SPECIAL_DISTRICTS),
        (Kind::SchoolDistrict, tables::US_SCHOOL_DISTRICTS),
    ] {
        let want = 20_000.0 * real / 90_837.0;
        let got = kinds[&kind] as f64;
        // Within the rounding of the apportionment (one body per region at most).
        assert!((got - want).abs() <= (0.005 * want).max(2.0), "{kind}: {got} vs {want}");
    }
    assert!(us.by_sector().iter().all(|(s, n)| (*s == Sector::LocalGovernment) == (*n > 0)));

    // Survey prevalences, over the bodies with known reasons (about 90%).
    let orgs = uk_data.organisations();
    let surveyed: Vec<&Organisation> = orgs.iter().filter(|o| o.reasons.is_some()).collect();
    let unsurveyed = share(orgs.len() - surveyed.len(), orgs.len());
    assert!((unsurveyed - tables::UNSURVEYED).abs() < 0.01, "{unsurveyed}");
    let with = |r: Reason| {
        share(
            surveyed.iter().filter(|o| o.reasons.as_ref().unwrap().contains(&r)).count(),
            surveyed.len(),
        )
    };
    assert!((with(Reason::CostReduction) - 0.942).abs() < 0.01, "{}", with(Reason::CostReduction));
    for r in [Reason::Innovation, Reason::ServiceRedesign, Reason::ServiceQuality] {
        assert!((with(r) - 0.72).abs() < 0.015, "{r}: {}", with(r));
    }
    let no_benefit = share(
        surveyed.iter().filter(|o| o.reasons.as_ref().unwrap().is_empty()).count(),
        surveyed.len(),
    );
    assert!((no_benefit - 0.051).abs() < 0.006, "{no_benefit}");
    // Those who see no benefit seek nothing.
    for o in &surveyed {
        if o.reasons.as_ref().unwrap().is_empty() {
            assert!(o.services_sought.unwrap().is_empty());
        }
    }
    // Cost reduction usually comes first.
    let first = share(
        surveyed
            .iter()
            .filter(|o| o.reasons.as_ref().unwrap().first() == Some(&Reason::CostReduction))
            .count(),
        surveyed.len(),
    );
    assert!(first > 0.5, "{first}");

    // Barrier severities: in [0, 1], mean falling in the survey's order.
    let mut means = Vec::new();
    for barrier in Barrier::all() {
        let values: Vec<f64> = orgs
            .iter()
            .filter_map(|o| o.barriers.as_ref()?.get(barrier).map(|s| s.get()))
            .collect();
        assert!(values.iter().all(|v| (0.0..=1.0).contains(v)));
        let listed = share(values.len(), surveyed.len());
        assert!((listed - tables::BARRIER_LISTED).abs() < 0.02, "{barrier}: {listed}");
        means.push(values.iter().sum::<f64>() / values.len() as f64);
    }
    assert!(means.windows(2).all(|w| w[0] > w[1]), "{means:?}");
    assert!(means[0] > 0.55 && means[5] < 0.45, "{means:?}");

    // Payback: more than five years for 57.2%, three to five for 19.5%.
    let paid: Vec<Payback> = orgs.iter().filter_map(|o| o.payback).collect();
    let over5 = share(paid.iter().filter(|p| **p == Payback::OverFiveYears).count(), paid.len());
    let three5 =
        share(paid.iter().filter(|p| **p == Payback::ThreeToFiveYears).count(), paid.len());
    assert!((over5 - 0.572).abs() < 0.015 && (three5 - 0.195).abs() < 0.015, "{over5} {three5}");

    // The LGA map's most shared services are the ones councils seek most.
    let mut sought = vec![0usize; Service::all().len()];
    for o in orgs.iter().filter(|o| matches!(o.kind, Some(Kind::District | Kind::Unitary))) {
        for s in o.services_sought.unwrap().iter() {
            sought[s as usize] += 1;
        }
    }
    let mut ranked: Vec<Service> = Service::all().to_vec();
    ranked.sort_by_key(|s| std::cmp::Reverse(sought[*s as usize]));
    for top in [Service::RevenuesAndBenefits, Service::Legal, Service::BuildingControl] {
        assert!(ranked[..8].contains(&top), "{top} not among {:?}", &ranked[..8]);
    }

    // Partnerships are sparse: a few per cent of bodies.
    for data in [&uk_data, &check(20_000, 11, Like::Us).1] {
        let orgs = data.organisations();
        let partnered = share(
            orgs.iter().filter(|o| !o.partnerships.as_ref().unwrap().is_empty()).count(),
            orgs.len(),
        );
        assert!((0.01..0.10).contains(&partnered), "{partnered}");
    }
}

#[test]
fn structure_follows_the_country() {
    let (_, d) = check(20_000, 2, Like::Uk);
    for (i, o) in d.organisations().iter().enumerate() {
        let Some(parent) = &o.parent else { continue };
        let p = d.get(parent).unwrap();
        assert!(d.index_of(parent).unwrap() < i, "parents come first");
        assert_eq!(p.region, o.region, "{} in {:?}", o.id, p.id);
        match o.kind {
            Some(Kind::District) => assert_eq!(p.kind, Some(Kind::County)),
            Some(Kind::ParishCouncil) => {
                assert!(p.kind.is_some_and(|k| k.sector() == Sector::LocalGovernment));
            }
            Some(Kind::NhsTrust) => assert_eq!(p.kind.map(Kind::sector), Some(Sector::Health)),
            _ => {}
        }
        // A child lies near its parent.
        assert!(o.location.distance(p.location).0 < 250.0, "{} far from {}", o.id, p.id);
    }
    for o in d.organisations() {
        let nation = o.nation.as_deref().unwrap();
        match o.kind {
            Some(Kind::ScottishCouncil) => assert_eq!(nation, "Scotland"),
            Some(Kind::WelshPrincipalArea) => assert_eq!(nation, "Wales"),
            Some(Kind::LondonBorough) => assert_eq!(o.region.as_deref(), Some("London")),
            Some(Kind::County | Kind::District | Kind::IntegratedCareBoard) => {
                assert_eq!(nation, "England");
            }
            _ => {}
        }
        assert!((50.0..=58.6).contains(&o.location.lat) && (-7.5..=1.8).contains(&o.location.lon));
    }
    let (_, d) = check(20_000, 2, Like::Us);
    let township_states: Vec<&str> = tables_township_states();
    for o in d.organisations() {
        assert_eq!(o.nation.as_deref(), Some("United States"));
        if o.kind == Some(Kind::Township) {
            assert!(township_states.contains(&o.region.as_deref().unwrap()), "{:?}", o.region);
        }
        assert!(
            (25.0..=49.0).contains(&o.location.lat) && (-124.5..=-67.0).contains(&o.location.lon)
        );
    }
}

fn tables_township_states() -> Vec<&'static str> {
    let country = tables::country(Like::Us);
    let plan = country.plans.iter().find(|p| p.kind == Kind::Township).unwrap();
    country
        .regions
        .iter()
        .zip(&plan.counts)
        .filter(|(_, c)| **c > 0.0)
        .map(|(r, _)| r.name)
        .collect()
}

#[test]
fn neighbours_are_symmetric_local_and_of_the_same_layer() {
    for like in Like::ALL {
        let (s, d) = check(20_000, 8, like);
        let country = tables::country(like);
        let mut total = 0usize;
        let mut in_layers = 0usize;
        let mut distances = Vec::new();
        for o in d.organisations() {
            if country.layers.iter().any(|l| l.contains(&o.kind.unwrap())) {
                in_layers += 1;
            } else {
                assert!(o.neighbours.is_empty(), "{:?} has no layer", o.kind);
            }
            assert!(o.neighbours.len() <= 7 * 4 * 2, "{}: {}", o.id, o.neighbours.len());
            for n in &o.neighbours {
                assert_ne!(n, &o.id);
                let other = d.get(n).unwrap();
                assert!(other.neighbours.contains(&o.id), "{} -> {n} not symmetric", o.id);
                let shared_layer = country
                    .layers
                    .iter()
                    .any(|l| l.contains(&o.kind.unwrap()) && l.contains(&other.kind.unwrap()));
                assert!(shared_layer, "{:?} and {:?}", o.kind, other.kind);
                distances.push(o.location.distance(other.location).0);
            }
            total += o.neighbours.len();
        }
        let mean_degree = total as f64 / in_layers as f64;
        assert!(in_layers <= s.len());
        assert!((3.0..10.0).contains(&mean_degree), "{like}: {mean_degree}");
        distances.sort_by(f64::total_cmp);
        let median = distances[distances.len() / 2];
        assert!(median < 30.0, "{like}: median neighbour distance {median} km");
        assert!(distances.last().copied().unwrap_or(0.0) <= 301.0);
    }
}

#[test]
fn populations_are_heavy_tailed() {
    let (_, d) = check(20_000, 3, Like::Us);
    let mut pops: Vec<u64> = d
        .organisations()
        .iter()
        .filter(|o| o.kind == Some(Kind::Municipality))
        .filter_map(|o| o.population)
        .collect();
    pops.sort_unstable();
    let median = pops[pops.len() / 2] as f64;
    let p99 = pops[pops.len() * 99 / 100] as f64;
    assert!((900.0..1_600.0).contains(&median), "{median}");
    assert!(p99 / median > 20.0, "a heavy tail: p99 {p99} vs median {median}");
}
