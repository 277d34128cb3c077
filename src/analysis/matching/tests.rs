//! Tests of the matching: hand-made blossom cases and random graphs against brute force,
//! medium graphs against a subset dynamic programme and (bipartite) the Hungarian method,
//! greedy against its guarantee, parallel against sequential, and bad input.

use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

fn edges(list: &[(u32, u32, i64)]) -> Vec<WeightedEdge> {
    list.iter().map(|&(u, v, w)| WeightedEdge::new(u, v, w)).collect()
}

fn vertex_count(list: &[WeightedEdge]) -> usize {
    list.iter().map(|e| e.u.max(e.v) as usize + 1).max().unwrap_or(0)
}

/// The best matching weight by trying everything: the lowest free vertex stays single or is
/// matched to each free neighbour in turn.
fn brute_force(n: usize, list: &[WeightedEdge]) -> i64 {
    let mut weight = vec![vec![None; n]; n];
    for e in list {
        weight[e.u as usize][e.v as usize] = Some(e.weight);
        weight[e.v as usize][e.u as usize] = Some(e.weight);
    }
    fn go(i: usize, used: &mut Vec<bool>, weight: &[Vec<Option<i64>>]) -> i64 {
        let n = used.len();
        let Some(i) = (i..n).find(|&v| !used[v]) else { return 0 };
        used[i] = true;
        let mut best = go(i + 1, used, weight);
        for j in i + 1..n {
            if let (false, Some(w)) = (used[j], weight[i][j]) {
                used[j] = true;
                best = best.max(w + go(i + 1, used, weight));
                used[j] = false;
            }
        }
        used[i] = false;
        best
    }
    go(0, &mut vec![false; n], &weight)
}

/// The best matching weight by dynamic programming over vertex subsets: O(2^n · n).
fn subset_dp(n: usize, list: &[WeightedEdge]) -> i64 {
    let mut weight = vec![vec![-1i64; n]; n];
    for e in list {
        weight[e.u as usize][e.v as usize] = e.weight;
        weight[e.v as usize][e.u as usize] = e.weight;
    }
    let mut best = vec![0i64; 1 << n];
    for mask in 1usize..1 << n {
        let i = mask.trailing_zeros() as usize;
        let rest = mask & !(1 << i);
        let mut b = best[rest];
        let mut others = rest;
        while others != 0 {
            let j = others.trailing_zeros() as usize;
            others &= others - 1;
            if weight[i][j] >= 0 {
                b = b.max(weight[i][j] + best[rest & !(1 << j)]);
            }
        }
        best[mask] = b;
    }
    best[(1 << n) - 1]
}

/// Maximum-weight bipartite matching by the Hungarian method (Kuhn 1955, potentials form) on
/// the square matrix of left × right weights, 0 for missing edges: with weights ≥ 0 the best
/// assignment's weight is the best matching's. O(k³).
fn hungarian(left: usize, right: usize, list: &[WeightedEdge]) -> i64 {
    let k = left.max(right);
    let mut cost = vec![vec![0i64; k + 1]; k + 1];
    for e in list {
        let (l, r) = (e.u as usize, e.v as usize - left);
        cost[l + 1][r + 1] = -e.weight;
    }
    let (mut u, mut v) = (vec![0i64; k + 1], vec![0i64; k + 1]);
    let (mut p, mut way) = (vec![0usize; k + 1], vec![0usize; k + 1]);
    for i in 1..=k {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![i64::MAX; k + 1];
        let mut used = vec![false; k + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = i64::MAX;
            let mut j1 = 0;
            for j in 1..=k {
                if !used[j] {
                    let cur = cost[i0][j] - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=k {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    (1..=k).map(|j| -cost[p[j]][j]).sum()
}

/// Checks that a result is a valid matching of the graph with the weight it claims.
fn check_valid(n: usize, list: &[WeightedEdge], m: &Matching) {
    assert_eq!(m.mate.len(), n);
    let mut total = 0;
    for (u, mate) in m.mate.iter().enumerate() {
        if let Some(v) = mate {
            assert_eq!(m.mate[*v as usize], Some(u as u32), "asymmetric mate");
            if (u as u32) < *v {
                let e = list
                    .iter()
                    .find(|e| (e.u.min(e.v), e.u.max(e.v)) == (u as u32, *v))
                    .expect("matched pair is an edge");
                total += e.weight;
            }
        }
    }
    assert_eq!(total, m.weight);
}

fn check(list: &[(u32, u32, i64)]) {
    let list = edges(list);
    let n = vertex_count(&list);
    let exact = maximum_weight_matching_whole(n, &list).unwrap();
    check_valid(n, &list, &exact);
    assert_eq!(exact.weight, brute_force(n, &list), "{list:?}");
    let split = maximum_weight_matching(n, &list).unwrap();
    check_valid(n, &list, &split);
    assert_eq!(split.weight, exact.weight);
}

/// Hand-made cases that force each step of the algorithm: blossoms formed, nested, relabelled,
/// used for augmenting, and T-blossoms expanded (in the spirit of the classic test set of van
/// Rantwijk's mwmatching.py). Each is checked against brute force.
#[test]
fn blossom_cases_match_brute_force() {
    let cases: &[&[(u32, u32, i64)]] = &[
        &[],
        &[(0, 1, 1)],
        &[(1, 2, 10), (2, 3, 11)],
        &[(1, 2, 5), (2, 3, 11), (3, 4, 5)],
        &[(1, 2, 8), (1, 3, 9), (2, 3, 10), (3, 4, 7)],
        &[(1, 2, 8), (1, 3, 9), (2, 3, 10), (3, 4, 7), (1, 6, 5), (4, 5, 6)],
        &[(1, 2, 9), (1, 3, 8), (2, 3, 10), (1, 4, 5), (4, 5, 4), (1, 6, 3)],
        &[(1, 2, 9), (1, 3, 8), (2, 3, 10), (1, 4, 5), (4, 5, 3), (1, 6, 4)],
        &[(1, 2, 9), (1, 3, 8), (2, 3, 10), (1, 4, 5), (4, 5, 3), (3, 6, 4)],
        &[(1, 2, 9), (1, 3, 9), (2, 3, 10), (2, 4, 8), (3, 5, 8), (4, 5, 10), (5, 6, 6)],
        &[
            (1, 2, 10),
            (1, 7, 10),
            (2, 3, 12),
            (3, 4, 20),
            (3, 5, 20),
            (4, 5, 25),
            (5, 6, 10),
            (6, 7, 10),
            (7, 8, 8),
        ],
        &[
            (1, 2, 8),
            (1, 3, 8),
            (2, 3, 10),
            (2, 4, 12),
            (3, 5, 12),
            (4, 5, 14),
            (4, 6, 12),
            (5, 7, 12),
            (6, 7, 14),
            (7, 8, 12),
        ],
        &[
            (1, 2, 23),
            (1, 5, 22),
            (1, 6, 15),
            (2, 3, 25),
            (3, 4, 22),
            (4, 5, 25),
            (4, 8, 14),
            (5, 7, 13),
        ],
        &[
            (1, 2, 19),
            (1, 3, 20),
            (1, 8, 8),
            (2, 3, 25),
            (2, 4, 18),
            (3, 5, 18),
            (4, 5, 13),
            (4, 7, 7),
            (5, 6, 7),
        ],
        &[
            (1, 2, 45),
            (1, 5, 45),
            (2, 3, 50),
            (3, 4, 45),
            (4, 5, 50),
            (1, 6, 30),
            (3, 9, 35),
            (4, 8, 35),
            (5, 7, 26),
            (9, 10, 5),
        ],
        &[
            (1, 2, 45),
            (1, 5, 45),
            (2, 3, 50),
            (3, 4, 45),
            (4, 5, 50),
            (1, 6, 30),
            (3, 9, 35),
            (4, 8, 26),
            (5, 7, 40),
            (9, 10, 5),
        ],
        &[
            (1, 2, 45),
            (1, 5, 45),
            (2, 3, 50),
            (3, 4, 45),
            (4, 5, 50),
            (1, 6, 30),
            (3, 9, 35),
            (4, 8, 28),
            (5, 7, 26),
            (9, 10, 5),
        ],
        &[
            (1, 2, 45),
            (1, 7, 45),
            (2, 3, 50),
            (3, 4, 45),
            (4, 5, 95),
            (4, 6, 94),
            (5, 6, 94),
            (6, 7, 50),
            (1, 8, 30),
            (3, 11, 35),
            (5, 9, 36),
            (7, 10, 26),
            (11, 12, 5),
        ],
        &[
            (1, 2, 40),
            (1, 3, 40),
            (2, 3, 60),
            (2, 4, 55),
            (3, 5, 55),
            (4, 5, 50),
            (1, 8, 15),
            (5, 7, 30),
            (7, 6, 10),
            (8, 10, 10),
            (4, 9, 30),
        ],
        // Zero weights, equal weights, a lone odd cycle.
        &[(0, 1, 0), (1, 2, 0)],
        &[(0, 1, 5), (1, 2, 5), (2, 0, 5)],
        &[(0, 1, 7), (1, 2, 7), (2, 3, 7), (3, 4, 7), (4, 0, 7)],
    ];
    for case in cases {
        check(case);
    }
}

#[test]
fn a_known_optimum() {
    // Two triangles joined by a light edge: the heaviest edge of each alone gives 20, but the
    // link (3) lets both triangles be matched with one of the others: 10 + 3 + 9 = 22.
    let list =
        edges(&[(0, 1, 10), (1, 2, 9), (2, 0, 8), (3, 4, 10), (4, 5, 9), (5, 3, 8), (2, 3, 3)]);
    let m = maximum_weight_matching(6, &list).unwrap();
    assert_eq!(m.weight, 22);
    assert_eq!(m.pairs().collect::<Vec<_>>(), vec![(0, 1), (2, 3), (4, 5)]);
    assert_eq!(m.len(), 3);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let cases: Vec<(usize, Vec<WeightedEdge>, &str)> = vec![
        (2, edges(&[(0, 2, 1)]), "names vertex 2"),
        (2, edges(&[(1, 1, 1)]), "to itself"),
        (2, edges(&[(0, 1, -1)]), "weight -1"),
        (2, edges(&[(0, 1, MAX_WEIGHT + 1)]), "weights must be"),
        (3, edges(&[(0, 1, 1), (2, 0, 1), (1, 0, 4)]), "edges 0 and 2"),
    ];
    for (n, list, message) in cases {
        for result in [
            maximum_weight_matching(n, &list),
            maximum_weight_matching_whole(n, &list),
            greedy_matching(n, &list),
        ] {
            let err = result.unwrap_err().to_string();
            assert!(err.contains(message), "{err} lacks {message}");
        }
    }
}

#[test]
fn the_largest_weights_stay_exact() {
    let list = edges(&[(0, 1, MAX_WEIGHT), (1, 2, MAX_WEIGHT), (2, 3, MAX_WEIGHT - 1)]);
    let m = maximum_weight_matching(4, &list).unwrap();
    assert_eq!(m.weight, 2 * MAX_WEIGHT - 1);
}

#[test]
fn greedy_takes_the_heaviest_first_with_ties_by_vertex() {
    // Path 0-1-2-3 with weights 5, 6, 5: greedy takes (1,2) for 6; the optimum is 10.
    let list = edges(&[(0, 1, 5), (1, 2, 6), (2, 3, 5)]);
    let g = greedy_matching(4, &list).unwrap();
    assert_eq!(g.pairs().collect::<Vec<_>>(), vec![(1, 2)]);
    assert_eq!(maximum_weight_matching(4, &list).unwrap().weight, 10);
    // Equal weights: the edge with the smaller vertex wins.
    let list = edges(&[(2, 3, 4), (1, 2, 4), (0, 1, 4)]);
    assert_eq!(
        greedy_matching(4, &list).unwrap().pairs().collect::<Vec<_>>(),
        vec![(0, 1), (2, 3)]
    );
    assert_eq!(vertex_bound_doubled(4, &list), 16);
}

#[test]
fn components_are_found_in_vertex_order() {
    let list = edges(&[(4, 5, 1), (0, 3, 1), (3, 1, 1)]);
    assert_eq!(components(7, &list), vec![vec![0, 1, 3], vec![4, 5]]);
}

#[test]
fn the_certificate_check_rejects_wrong_answers() {
    let list = edges(&[(0, 1, 5), (1, 2, 6), (2, 3, 5)]);
    let mut solver = Solver::new(4, &list);
    solver.run().unwrap();
    let certificate = solver.certificate();
    assert_eq!(verify(4, &list, &solver.mate, &certificate), Ok(()));
    // The greedy's matching is not optimal: no dual can certify it.
    let greedy = vec![NONE, 2, 1, NONE];
    assert!(verify(4, &list, &greedy, &certificate).is_err());
    let mut lowered = certificate.clone();
    lowered.vertex_dual2x[0] -= 1;
    assert!(verify(4, &list, &solver.mate, &lowered).is_err());
}

/// A random graph: n vertices, each pair an edge with probability `density`, weights in
/// 0..max_weight (small ranges make ties, which make blossoms).
fn random_graph(
    rng: &mut ChaCha8Rng,
    n: usize,
    density: f64,
    max_weight: i64,
) -> Vec<WeightedEdge> {
    let mut list = Vec::new();
    for u in 0..n as u32 {
        for v in u + 1..n as u32 {
            if rng.random_bool(density) {
                let (a, b) = if rng.random_bool(0.5) { (u, v) } else { (v, u) };
                list.push(WeightedEdge::new(a, b, rng.random_range(0..max_weight)));
            }
        }
    }
    // Shuffle the edge order: the result must not depend on it (only ties may differ).
    for i in (1..list.len()).rev() {
        let j = rng.random_range(0..=i);
        list.swap(i, j);
    }
    list
}

/// A random geometric graph like the candidate graphs: points in the unit square, each joined
/// to its k nearest, weights decaying with distance.
pub(crate) fn knn_graph(seed: u64, n: usize, k: usize) -> Vec<WeightedEdge> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let points: Vec<(f64, f64)> =
        (0..n).map(|_| (rng.random_range(0.0..1.0), rng.random_range(0.0..1.0))).collect();
    let mut seen = std::collections::BTreeSet::new();
    for (i, p) in points.iter().enumerate() {
        let mut near: Vec<(f64, usize)> = points
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(j, q)| ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2), j))
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0));
        for &(_, j) in near.iter().take(k) {
            seen.insert((i.min(j) as u32, i.max(j) as u32));
        }
    }
    seen.into_iter()
        .map(|(u, v)| {
            let (a, b) = (points[u as usize], points[v as usize]);
            let d = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
            WeightedEdge::new(u, v, (f64::from(1u32 << 30) * 0.5f64.powf(d * 20.0)).round() as i64)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// The exact matching equals brute force on small random graphs, dense or sparse, with
    /// few distinct weights (ties and odd cycles: blossoms) or many.
    #[test]
    fn exact_equals_brute_force(seed in any::<u64>(), n in 0usize..11, density in 0.2f64..1.0, max_weight in prop::sample::select(vec![2i64, 4, 10, 1000])) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let list = random_graph(&mut rng, n, density, max_weight);
        let exact = maximum_weight_matching_whole(n, &list).unwrap();
        check_valid(n, &list, &exact);
        prop_assert_eq!(exact.weight, brute_force(n, &list));
        let split = maximum_weight_matching(n, &list).unwrap();
        check_valid(n, &list, &split);
        prop_assert_eq!(split.weight, exact.weight);
    }

    /// Greedy is a valid matching of at least half the optimum, and never above it; the
    /// fractional bound is never below the optimum.
    #[test]
    fn greedy_is_at_least_half_the_optimum(seed in any::<u64>(), n in 0usize..40, density in 0.05f64..0.6) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let list = random_graph(&mut rng, n, density, 100);
        let exact = maximum_weight_matching(n, &list).unwrap();
        let greedy = greedy_matching(n, &list).unwrap();
        check_valid(n, &list, &greedy);
        prop_assert!(2 * greedy.weight >= exact.weight, "greedy {} exact {}", greedy.weight, exact.weight);
        prop_assert!(greedy.weight <= exact.weight);
        prop_assert!(vertex_bound_doubled(n, &list) >= 2 * exact.weight);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Medium graphs (up to 18 vertices, up to all 153 edges) against dynamic programming
    /// over vertex subsets.
    #[test]
    fn exact_equals_subset_dp(seed in any::<u64>(), n in 12usize..19, density in 0.1f64..1.0) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let list = random_graph(&mut rng, n, density, 20);
        prop_assert_eq!(maximum_weight_matching(n, &list).unwrap().weight, subset_dp(n, &list));
    }

    /// Bipartite graphs up to 160 vertices against the Hungarian method.
    #[test]
    fn exact_equals_hungarian_on_bipartite_graphs(seed in any::<u64>(), left in 1usize..80, right in 1usize..80, density in 0.02f64..0.5) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut list = Vec::new();
        for u in 0..left as u32 {
            for v in 0..right as u32 {
                if rng.random_bool(density) {
                    list.push(WeightedEdge::new(u, left as u32 + v, rng.random_range(0..50)));
                }
            }
        }
        let n = left + right;
        prop_assert_eq!(maximum_weight_matching(n, &list).unwrap().weight, hungarian(left, right, &list));
    }
}

/// Larger geometric graphs: the certificate is checked inside every solve; the component
/// split, the whole-graph solve, sequential and parallel runs all agree.
#[test]
fn geometric_graphs_parallel_equals_sequential() {
    for (seed, n, k) in [(1u64, 300usize, 5usize), (2, 1000, 10), (3, 2000, 3)] {
        let list = knn_graph(seed, n, k);
        let parallel = maximum_weight_matching(n, &list).unwrap();
        let sequential = maximum_weight_matching_sequential(n, &list).unwrap();
        assert_eq!(parallel, sequential);
        let whole = maximum_weight_matching_whole(n, &list).unwrap();
        assert_eq!(whole.weight, parallel.weight);
        check_valid(n, &list, &parallel);
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        assert_eq!(one.install(|| maximum_weight_matching(n, &list)).unwrap(), parallel);
        let greedy = greedy_matching(n, &list).unwrap();
        assert!(greedy.weight <= parallel.weight && 2 * greedy.weight >= parallel.weight);
    }
}
