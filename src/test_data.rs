//! Shared test data: random but valid bodies for property tests. Test-only.

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::dataset::Dataset;
use crate::engine::Engine;
use crate::model::{
    Barrier, ControlType, CriteriaOrder, Criterion, Enumeration, Kind, LatLon, Organisation,
    OrganisationId, Partnership, Party, PoliticalControl, Reason, Sector, Service, ServiceSet,
    Severity,
};
use crate::score::Mutual;
use crate::weights::{Survey, WeightSettings};

/// Every way the two directions of a pair combine, for tests to draw from.
pub const MUTUALS: [Mutual; 4] =
    [Mutual::Harmonic, Mutual::Arithmetic, Mutual::Minimum, Mutual::Forward];

/// An engine over `random_organisations(seed, n)` with the embedded survey and default weights.
pub fn random_engine(seed: u64, n: usize) -> Engine {
    let dataset = Dataset::from_organisations(random_organisations(seed, n), "random").unwrap();
    Engine::new(dataset, Survey::embedded().unwrap(), WeightSettings::default()).unwrap()
}

/// A random but valid set of `n` bodies: every field sometimes known, sometimes not.
pub fn random_organisations(seed: u64, n: usize) -> Vec<Organisation> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let services: Vec<Service> = Service::all()[..12].to_vec();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let sector = Sector::all()[rng.random_range(0..Sector::all().len())];
        let location =
            LatLon::new(rng.random_range(50.0..52.0), rng.random_range(-2.0..0.0)).unwrap();
        let mut o = Organisation::new(
            OrganisationId::new(&format!("R{i:03}")).unwrap(),
            format!("Random body {i}"),
            sector,
            location,
        );
        let area = |rng: &mut ChaCha8Rng, names: &[&str], p: f64| {
            rng.random_bool(p).then(|| names[rng.random_range(0..names.len())].to_owned())
        };
        o.region = area(&mut rng, &["North", "South", "East"], 0.8);
        o.nation = area(&mut rng, &["Testland", "Otherland"], 0.7);
        o.police_force_area = area(&mut rng, &["P1", "P2", "P3", "P4"], 0.2);
        o.combined_authority = area(&mut rng, &["CA1", "CA2"], 0.1);
        let kinds: Vec<Kind> = Kind::of_sector(sector).collect();
        if rng.random_bool(0.8) {
            o.kind = Some(kinds[rng.random_range(0..kinds.len())]);
        }
        if rng.random_bool(0.8) {
            o.population = Some(10f64.powf(rng.random_range(3.0..6.5)) as u64 + 1);
        }
        let pick = |rng: &mut ChaCha8Rng| -> ServiceSet {
            services.iter().copied().filter(|_| rng.random_bool(0.25)).collect()
        };
        if rng.random_bool(0.7) {
            o.services_sought = Some(pick(&mut rng));
        }
        if rng.random_bool(0.5) {
            o.services_offered = Some(pick(&mut rng));
        }
        if rng.random_bool(0.6) {
            let mut reasons = Reason::all().to_vec();
            reasons.shuffle(&mut rng);
            reasons.truncate(rng.random_range(0..=reasons.len()));
            o.reasons = Some(reasons);
        }
        if rng.random_bool(0.6) {
            let mut barriers = std::collections::BTreeMap::new();
            for b in Barrier::all() {
                if rng.random_bool(0.5) {
                    barriers.insert(*b, Severity::new(rng.random_range(0.0..=1.0)).unwrap());
                }
            }
            o.barriers = Some(barriers);
        }
        if rng.random_bool(0.7) {
            let control = ControlType::all()[rng.random_range(0..ControlType::all().len())];
            let lead_party = rng.random_bool(0.9).then(|| Party::all()[rng.random_range(0..4)]);
            o.political_control =
                Some(PoliticalControl { lead_party, control, label: None, as_of: None });
        }
        if i > 0 && rng.random_bool(0.3) {
            o.parent =
                Some(OrganisationId::new(&format!("R{:03}", rng.random_range(0..i))).unwrap());
        }
        if i > 0 && rng.random_bool(0.5) {
            let partners: Vec<usize> = (0..i).filter(|_| rng.random_bool(0.2)).collect();
            o.partnerships = Some(
                partners
                    .into_iter()
                    .map(|j| Partnership {
                        partner: OrganisationId::new(&format!("R{j:03}")).unwrap(),
                        services: pick(&mut rng),
                        since: None,
                        name: None,
                        kind: None,
                        source: None,
                    })
                    .collect(),
            );
        }
        // Areas containing the body (a police force area, a health body): sometimes one,
        // sometimes two, with a share when split.
        if i > 0 && rng.random_bool(0.25) {
            for _ in 0..rng.random_range(1..3) {
                let area = OrganisationId::new(&format!("R{:03}", rng.random_range(0..i))).unwrap();
                if !o.within.contains(&area) && o.parent.as_ref() != Some(&area) {
                    if rng.random_bool(0.3) {
                        o.within_shares.insert(area.clone(), rng.random_range(0.1..1.0));
                    }
                    o.within.push(area);
                }
            }
        }
        if i > 0 {
            o.neighbours = (0..i)
                .filter(|_| rng.random_bool(0.15))
                .map(|j| OrganisationId::new(&format!("R{j:03}")).unwrap())
                .collect();
        }
        if rng.random_bool(0.3) {
            let mut ict = std::collections::BTreeMap::new();
            for s in &services {
                if rng.random_bool(0.3) {
                    ict.insert(
                        *s,
                        ["Unit4", "Civica", "Capita"][rng.random_range(0..3)].to_owned(),
                    );
                }
            }
            o.ict = Some(ict);
        }
        if rng.random_bool(0.15) {
            let mut order = Criterion::all().to_vec();
            order.shuffle(&mut rng);
            o.criteria_order =
                Some(CriteriaOrder::new(order.into_iter().map(|c| vec![c]).collect()).unwrap());
        }
        out.push(o);
    }
    out
}
