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
use crate::model::{Criterion, Enumeration, Organisation, Sector, Service};
use crate::rank::{RankSettings, rank, rank_sequential};
use crate::test_data::{MUTUALS, random_organisations};
use crate::weights::{Survey, WeightSettings};

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
    settings.mutual = MUTUALS[rng.random_range(0..4)];
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

    /// Missing data never counts in a body's favour: stating barriers (however severe),
    /// reasons or ICT systems where they were unknown never lowers any pair's mutual score
    /// with that body.
    #[test]
    fn stating_a_fact_never_ranks_a_body_below_leaving_it_unknown(
        seed in any::<u64>(),
        n in 2usize..25,
    ) {
        let mut organisations = random_organisations(seed, n);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 7);
        let body = rng.random_range(0..n);
        let stated = organisations[body].clone();
        organisations[body].barriers = None;
        organisations[body].reasons = None;
        organisations[body].ict = None;
        let silent = engine(organisations.clone());
        organisations[body] = stated;
        let speaking = engine(organisations);
        for subject in 0..n {
            if subject == body {
                continue;
            }
            for mutual in MUTUALS {
                let score = |e: &Engine| {
                    let ctx = Context {
                        index: &e.index,
                        params: ScoringParams::default(),
                        subject,
                        focus: 0,
                    };
                    score_pair(&ctx, subject, body, mutual).0.mutual
                };
                let (before, after) = (score(&silent), score(&speaking));
                prop_assert!(after >= before, "{after} < {before} for subject {subject}");
            }
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
