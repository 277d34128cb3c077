//! Property tests of the scorer's invariants on random datasets: values in [0, 1], a symmetric
//! mutual score, contributions that sum to the score, parallel equal to sequential, and
//! results independent of input order and thread count.

use proptest::prelude::*;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Context, Mutual, PairFacts, ScoringParams, explain, score_pair};
use crate::dataset::Dataset;
use crate::engine::Engine;
use crate::model::{
    Barrier, ControlType, CriteriaOrder, Criterion, Enumeration, Kind, LatLon, Organisation,
    OrganisationId, Partnership, Party, PoliticalControl, Reason, Sector, Service, ServiceSet,
    Severity,
};
use crate::rank::{RankSettings, rank, rank_sequential};
use crate::weights::{Survey, WeightSettings};

/// A random but valid set of `n` bodies: every field sometimes known, sometimes not.
fn random_organisations(seed: u64, n: usize) -> Vec<Organisation> {
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
                    })
                    .collect(),
            );
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

fn engine(organisations: Vec<Organisation>) -> Engine {
    let dataset = Dataset::from_organisations(organisations, "random").unwrap();
    Engine::new(dataset, Survey::embedded().unwrap(), WeightSettings::default()).unwrap()
}

fn random_settings(rng: &mut ChaCha8Rng) -> RankSettings {
    let mut settings = RankSettings { top: rng.random_range(0..12), ..RankSettings::default() };
    if rng.random_bool(0.3) {
        settings.within_km = Some(rng.random_range(20.0..150.0));
    }
    if rng.random_bool(0.3) {
        settings.focus = [Service::all()[rng.random_range(0..12)]].into_iter().collect();
    }
    settings.exclude_partners = rng.random_bool(0.3);
    settings.mutual = [Mutual::Harmonic, Mutual::Arithmetic, Mutual::Minimum, Mutual::Forward]
        [rng.random_range(0..4)];
    if rng.random_bool(0.2) {
        settings.filter.sectors = vec![Sector::LocalGovernment, Sector::Police];
    }
    settings
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn values_are_in_range_and_contributions_sum_to_the_score(seed in any::<u64>(), n in 2usize..30) {
        let e = engine(random_organisations(seed, n));
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        for _ in 0..20 {
            let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
            if a == b { continue; }
            let settings = random_settings(&mut rng);
            let ctx = Context { index: &e.index, params: ScoringParams::default(), subject: a, focus: settings.focus.bits() };
            let facts = PairFacts::of(&e.index, a, b);
            for (from, to) in [(a, b), (b, a)] {
                for v in ctx.values(from, to, &facts) {
                    prop_assert!((0.0..=1.0).contains(&v.value), "{v:?}");
                }
            }
            let x = explain(&ctx, &e.dataset, a, b, settings.mutual);
            for side in [&x.forward, &x.backward] {
                let sum: f64 = side.criteria.iter().map(|c| c.contribution).sum();
                prop_assert!((sum - side.score).abs() <= 1e-12);
                prop_assert!((0.0..=1.0 + 1e-12).contains(&side.score));
                let political = &side.criteria[Criterion::PoliticalAlignment.index()];
                prop_assert!(political.contribution <= political.weight + 1e-15);
            }
            let (score, _) = score_pair(&ctx, a, b, settings.mutual);
            // Explanation and ranking agree to the last bit.
            prop_assert_eq!(score.forward.to_bits(), x.forward.score.to_bits());
            prop_assert_eq!(score.backward.to_bits(), x.backward.score.to_bits());
            prop_assert_eq!(score.mutual.to_bits(), x.mutual.to_bits());
        }
    }

    #[test]
    fn the_mutual_score_is_symmetric(seed in any::<u64>(), n in 2usize..30) {
        let e = engine(random_organisations(seed, n));
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for _ in 0..20 {
            let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
            for mutual in [Mutual::Harmonic, Mutual::Arithmetic, Mutual::Minimum] {
                let ab = score_pair(&Context { index: &e.index, params: ScoringParams::default(), subject: a, focus: 0 }, a, b, mutual).0;
                let ba = score_pair(&Context { index: &e.index, params: ScoringParams::default(), subject: b, focus: 0 }, b, a, mutual).0;
                prop_assert_eq!(ab.mutual.to_bits(), ba.mutual.to_bits());
                prop_assert_eq!(ab.forward.to_bits(), ba.backward.to_bits());
            }
        }
    }

    #[test]
    fn parallel_equals_sequential_and_thread_count_does_not_matter(seed in any::<u64>(), n in 2usize..60) {
        let e = engine(random_organisations(seed, n));
        let mut rng = ChaCha8Rng::seed_from_u64(!seed);
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        for _ in 0..5 {
            let subject = rng.random_range(0..n);
            let settings = random_settings(&mut rng);
            let sequential = rank_sequential(&e.index, subject, &settings);
            let parallel = rank(&e.index, subject, &settings);
            prop_assert_eq!(&parallel, &sequential);
            prop_assert_eq!(&one.install(|| rank(&e.index, subject, &settings)), &sequential);
            prop_assert_eq!(&three.install(|| rank(&e.index, subject, &settings)), &sequential);
            prop_assert!(sequential.candidates.len() <= settings.top);
            prop_assert!(sequential.candidates.iter().all(|r| r.candidate != subject));
        }
    }

    #[test]
    fn results_do_not_depend_on_input_order(seed in any::<u64>(), n in 2usize..30) {
        let organisations = random_organisations(seed, n);
        let mut shuffled = organisations.clone();
        shuffled.shuffle(&mut ChaCha8Rng::seed_from_u64(seed.wrapping_add(1)));
        let (a, b) = (engine(organisations), engine(shuffled));
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for _ in 0..5 {
            let subject = rng.random_range(0..n);
            let settings = random_settings(&mut rng);
            let ids = |e: &Engine| -> Vec<(String, f64)> {
                e.rank(subject, &settings)
                    .candidates
                    .iter()
                    .map(|r| (e.dataset.organisations()[r.candidate].id.to_string(), r.score.mutual))
                    .collect()
            };
            prop_assert_eq!(ids(&a), ids(&b));
        }
    }
}
