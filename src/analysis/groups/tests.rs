//! Tests of the grouping: the search against brute force over every partition on small
//! problems, the bound against brute force on small datasets (with and without a service
//! focus), the size limit, the floor, and thread-count independence.

use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::model::{Enumeration, Service, ServiceSet};
use crate::test_data::random_engine;

/// The best objective over every partition of 0..n into groups the problem allows.
fn brute_force(problem: &Problem<'_>) -> f64 {
    fn go(i: usize, groups: &mut Vec<Vec<u32>>, problem: &Problem<'_>, best: &mut f64) {
        if i == problem.n {
            if let Some(v) = problem.objective(groups) {
                *best = best.max(v);
            }
            return;
        }
        for g in 0..groups.len() {
            if groups[g].len() < problem.max_size {
                groups[g].push(i as u32);
                go(i + 1, groups, problem, best);
                groups[g].pop();
            }
        }
        groups.push(vec![i as u32]);
        go(i + 1, groups, problem, best);
        groups.pop();
    }
    let mut best = 0.0;
    go(0, &mut Vec::new(), problem, &mut best);
    best
}

struct Random {
    scores: Vec<Vec<Option<f64>>>,
    neighbours: Vec<Vec<u32>>,
}

fn random_problem(seed: u64, n: usize) -> Random {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut scores: Vec<Vec<Option<f64>>> = vec![vec![None; n]; n];
    for (i, j) in (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))) {
        let s: Option<f64> = (!rng.random_bool(0.1)).then(|| rng.random_range(0.0..1.0));
        scores[i][j] = s;
        scores[j][i] = s;
    }
    // Neighbours: each item's 3 best, symmetrised, as in the candidate graph.
    let mut neighbours = vec![Vec::new(); n];
    for i in 0..n {
        let mut order: Vec<usize> = (0..n).filter(|&j| j != i && scores[i][j].is_some()).collect();
        order.sort_by(|&a, &b| scores[i][b].unwrap().total_cmp(&scores[i][a].unwrap()));
        for &j in order.iter().take(3) {
            neighbours[i].push(j as u32);
            neighbours[j].push(i as u32);
        }
    }
    for list in &mut neighbours {
        list.sort_unstable();
        list.dedup();
    }
    Random { scores, neighbours }
}

/// Seeds by the exact matching over neighbour edges reaching the floor, as `form_groups` does.
fn seeds(r: &Random, floor: f64) -> Vec<(u32, u32)> {
    let n = r.scores.len();
    let mut edges = Vec::new();
    for (i, list) in r.neighbours.iter().enumerate() {
        for &j in list {
            let score = r.scores[i][j as usize].unwrap();
            if (i as u32) < j && score >= floor {
                let w = candidates::weight_of(score);
                edges.push(matching::WeightedEdge::new(i as u32, j, w));
            }
        }
    }
    matching::maximum_weight_matching(n, &edges).unwrap().pairs().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// On problems small enough to try every partition, the search returns valid groups whose
    /// objective is never above the optimum and never below the seeds; without a floor it is
    /// within 20% of the optimum (observed: the worst of 6,000 random problems was 85%; not
    /// proven. A floor can cut the search's paths: with one, only the seeds are a guarantee).
    #[test]
    fn search_is_valid_and_close_to_brute_force(seed in any::<u64>(), n in 1usize..9, max_size in 2usize..5, floor in prop::sample::select(vec![0.0, 0.0, 0.3, 0.5])) {
        let r = random_problem(seed, n);
        let score = |i: u32, j: u32| r.scores[i as usize][j as usize];
        let problem = Problem { n, score: &score, neighbours: &r.neighbours, max_size, floor };
        let (groups, stats) = search(&problem, &seeds(&r, problem.floor), 50);
        let mut seen = vec![false; n];
        for g in &groups {
            prop_assert!(g.len() >= 2 && g.len() <= max_size);
            prop_assert!(problem.evaluate(g).is_some());
            for &x in g {
                prop_assert!(!seen[x as usize]);
                seen[x as usize] = true;
            }
        }
        let value = problem.objective(&groups).unwrap();
        prop_assert!((value - stats.value).abs() < 1e-9);
        prop_assert!(value + 1e-9 >= stats.seed_value);
        let best = brute_force(&problem);
        prop_assert!(value <= best + 1e-9, "{value} above the optimum {best}");
        if floor == 0.0 {
            prop_assert!(value >= 0.8 * best - 1e-9, "{value} far below the optimum {best}");
        }
    }
}

/// How good the search is on 300 small problems per floor: how often optimal, the mean and
/// the worst share of the optimum.
fn quality(floor: f64) -> (usize, f64, f64) {
    let (mut optimal, mut worst, mut sum) = (0, 1.0f64, 0.0);
    for seed in 0..300u64 {
        let n = 4 + (seed % 5) as usize;
        let r = random_problem(seed, n);
        let score = |i: u32, j: u32| r.scores[i as usize][j as usize];
        let problem = Problem { n, score: &score, neighbours: &r.neighbours, max_size: 4, floor };
        let (groups, _) = search(&problem, &seeds(&r, floor), 50);
        let value = problem.objective(&groups).unwrap();
        let best = brute_force(&problem);
        let share = if best > 0.0 { value / best } else { 1.0 };
        worst = worst.min(share);
        sum += share;
        if value >= best - 1e-9 {
            optimal += 1;
        }
    }
    (optimal, sum / 300.0, worst)
}

#[test]
fn the_search_is_usually_optimal_on_small_problems() {
    // Measured (docs/analysis.md): without a floor, optimal in 272 of 300, mean 99.7% of the
    // optimum, worst 89.7%; with a floor of 0.5, optimal in 282, mean 99.7%, worst 82.5%.
    // Fail if the search degrades.
    let (optimal, mean, worst) = quality(0.0);
    assert!(optimal >= 255 && mean >= 0.99 && worst >= 0.85, "{optimal} {mean} {worst}");
    let (optimal, mean, worst) = quality(0.5);
    assert!(optimal >= 265 && mean >= 0.99 && worst >= 0.75, "{optimal} {mean} {worst}");
}

#[test]
fn pairs_only_is_the_matching() {
    for seed in 0..50u64 {
        let n = 8;
        let r = random_problem(seed, n);
        // Complete neighbours: the seeds are then the best pairing of all.
        let neighbours: Vec<Vec<u32>> = (0..n as u32)
            .map(|i| {
                (0..n as u32)
                    .filter(|&j| j != i && r.scores[i as usize][j as usize].is_some())
                    .collect()
            })
            .collect();
        let r = Random { scores: r.scores, neighbours };
        let score = |i: u32, j: u32| r.scores[i as usize][j as usize];
        let problem =
            Problem { n, score: &score, neighbours: &r.neighbours, max_size: 2, floor: 0.0 };
        let (groups, stats) = search(&problem, &seeds(&r, problem.floor), 50);
        assert!(groups.iter().all(|g| g.len() == 2));
        assert!((stats.value - brute_force(&problem)).abs() < 1e-6);
    }
}

#[test]
fn evaluate_checks_size_exclusions_and_floor() {
    let scores = [[None, Some(0.8), Some(0.2)], [Some(0.8), None, None], [Some(0.2), None, None]];
    let score = |i: u32, j: u32| scores[i as usize][j as usize];
    let neighbours = vec![vec![1, 2], vec![0], vec![0]];
    let check = |members: &[u32], max_size: usize, floor: f64, expected: Option<f64>| {
        let problem = Problem { n: 3, score: &score, neighbours: &neighbours, max_size, floor };
        assert_eq!(problem.evaluate(members), expected, "{members:?} M={max_size} floor={floor}");
    };
    check(&[0], 2, 0.0, Some(0.0));
    check(&[0, 1], 2, 0.0, Some(0.8));
    check(&[0, 1], 2, 0.9, None);
    check(&[0, 1, 2], 3, 0.0, None); // 1 and 2 may not share a group
    check(&[0, 2], 3, 0.2, Some(0.2));
    check(&[0, 2], 3, 0.25, None);
    check(&[0, 1], 1, 0.0, None);
    assert!((group_value(3, 1.5) - 1.0).abs() < 1e-15);
    assert!(group_value(1, 0.0).abs() < 1e-15);
}

fn focus(seed: u64) -> ServiceSet {
    [Service::all()[(seed % 12) as usize]].into_iter().collect()
}

#[test]
fn groups_respect_the_size_limit_and_the_bound() {
    for seed in 0..10u64 {
        let engine = random_engine(seed, 80);
        for max_size in [2, 3, 6] {
            let mut settings = GroupsSettings { max_size, ..GroupsSettings::default() };
            settings.rank.focus = focus(seed);
            let grouping = form_groups(&engine, &settings).unwrap();
            let view = PairView::new(&engine.index, &settings.rank).unwrap();
            let mut seen = BTreeSet::new();
            for g in &grouping.groups {
                assert!((2..=max_size).contains(&g.members.len()));
                for &m in &g.members {
                    assert!(view.is_member(m));
                    assert!(seen.insert(m), "body {m} in two groups");
                }
                assert!((g.value - (g.members.len() - 1) as f64 * g.average).abs() < 1e-9);
            }
            for &u in &grouping.ungrouped {
                assert!(seen.insert(u));
            }
            assert_eq!(seen.len(), grouping.graph.n_bodies);
            assert!(grouping.value <= grouping.bound + 1e-9);
            assert!(grouping.value + 1e-9 >= grouping.search.seed_value);
            assert!(grouping.groups.windows(2).all(|w| w[0].average >= w[1].average));
        }
    }
}

#[test]
fn the_bound_holds_against_every_partition_of_small_datasets() {
    // Small datasets and few candidates per body, so that the bound must account for partners
    // outside the candidate lists, with and without a focus and for each combination.
    for seed in 0..24u64 {
        let engine = random_engine(seed, 9);
        for mutual in [Mutual::Harmonic, Mutual::Arithmetic, Mutual::Minimum] {
            let mut settings =
                GroupsSettings { candidates: 2, max_size: 3, ..GroupsSettings::default() };
            settings.rank.mutual = mutual;
            settings.rank.focus = focus(seed);
            if seed % 2 == 0 {
                settings.rank.focus = [Service::Legal, Service::Audit].into_iter().collect();
            }
            let grouping = form_groups(&engine, &settings).unwrap();
            let view = PairView::new(&engine.index, &settings.rank).unwrap();
            let members: Vec<usize> =
                (0..engine.index.len()).filter(|&i| view.is_member(i)).collect();
            let n = members.len();
            let score = |i: u32, j: u32| {
                let (a, b) = (members[i as usize], members[j as usize]);
                view.allowed(a, b).then(|| view.score(a.min(b), a.max(b)).mutual)
            };
            let neighbours = vec![Vec::new(); n];
            let problem =
                Problem { n, score: &score, neighbours: &neighbours, max_size: 3, floor: 0.0 };
            let best = brute_force(&problem);
            assert!(
                best <= grouping.bound + 1e-9,
                "seed {seed}: optimum {best} above bound {}",
                grouping.bound
            );
            assert!(grouping.value <= best + 1e-9);
        }
    }
}

#[test]
fn groups_need_a_service_and_sane_settings() {
    let engine = random_engine(1, 20);
    let no_focus = GroupsSettings::default();
    assert!(matches!(form_groups(&engine, &no_focus), Err(AnalysisError::Setting(_))));
    let mut settings = GroupsSettings::default();
    settings.rank.focus = focus(1);
    for bad in [
        GroupsSettings { max_size: 1, ..settings.clone() },
        GroupsSettings { max_size: MAX_GROUP_SIZE + 1, ..settings.clone() },
        GroupsSettings { min_score: -0.1, ..settings.clone() },
        GroupsSettings { candidates: 0, ..settings.clone() },
    ] {
        assert!(matches!(form_groups(&engine, &bad), Err(AnalysisError::Setting(_))));
    }
    let mut forward = settings.clone();
    forward.rank.mutual = Mutual::Forward;
    assert_eq!(form_groups(&engine, &forward), Err(AnalysisError::OneSidedScore));
}

#[test]
fn the_floor_holds_for_every_member() {
    let engine = random_engine(5, 60);
    let mut settings = GroupsSettings { min_score: 0.55, ..GroupsSettings::default() };
    settings.rank.focus = focus(5);
    let grouping = form_groups(&engine, &settings).unwrap();
    let view = PairView::new(&engine.index, &settings.rank).unwrap();
    for g in &grouping.groups {
        for &a in &g.members {
            let sum: f64 =
                g.members.iter().filter(|&&b| b != a).map(|&b| view.score(a, b).mutual).sum();
            assert!(sum / (g.members.len() - 1) as f64 >= 0.55 - 1e-12);
        }
    }
}

#[test]
fn identical_for_one_and_several_threads() {
    let engine = random_engine(9, 150);
    let mut settings = GroupsSettings::default();
    settings.rank.focus = focus(9);
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    let a = one.install(|| form_groups(&engine, &settings)).unwrap();
    let b = three.install(|| form_groups(&engine, &settings)).unwrap();
    assert_eq!(a.groups, b.groups);
    assert_eq!(a.ungrouped, b.ungrouped);
    assert_eq!(a.value.to_bits(), b.value.to_bits());
    assert_eq!(a.bound.to_bits(), b.bound.to_bits());
    let view = PairView::new(&engine.index, &settings.rank).unwrap();
    if let Some(g) = a.groups.first() {
        let summary = summarise(&view, &engine.dataset, &g.members);
        assert_eq!(summary.len(), Criterion::COUNT);
        assert!(summary.iter().all(|c| (0.0..=1.0).contains(&c.value)));
    }
}
