//! Property tests of the weighting methods: for any order with ties and every method, weights
//! sum to 1, never increase along the order and are equal within ties; rank order centroid is
//! the mean of uniform samples from the weights consistent with the order (Barron & Barrett
//! 1996), with and without ties.

use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{ExplicitWeights, Method, order_weights};

/// Orders of 1 to 8 positions, each holding 1 to 4 tied items.
fn blocks() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..=4, 1..=8)
}

/// Every rank-based method, with exponents from 0 (equal) to 8 (steep).
fn rank_method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::RankOrderCentroid),
        Just(Method::RankSum),
        Just(Method::RankReciprocal),
        (0.0f64..8.0).prop_map(|p| Method::RankExponent { p }),
        Just(Method::SumReciprocal),
        Just(Method::Equal),
    ]
}

/// The invariants of `order_weights`.
fn check_invariants(blocks: &[usize], weights: &[f64]) -> Result<(), TestCaseError> {
    prop_assert_eq!(weights.len(), blocks.iter().sum::<usize>());
    prop_assert!(weights.iter().all(|w| w.is_finite() && *w >= 0.0), "{:?}", weights);
    let total: f64 = weights.iter().sum();
    prop_assert!((total - 1.0).abs() < 1e-12, "sum {}", total);
    prop_assert!(weights.windows(2).all(|w| w[1] <= w[0]), "increasing: {:?}", weights);
    let mut start = 0;
    for &size in blocks {
        let block = &weights[start..start + size];
        prop_assert!(block.iter().all(|w| w.to_bits() == block[0].to_bits()), "tie {:?}", block);
        start += size;
    }
    Ok(())
}

/// An exponential(1) draw: normalised, n of them are uniform on the simplex.
fn exponential(rng: &mut ChaCha8Rng) -> f64 {
    -(1.0 - rng.random::<f64>()).ln()
}

/// A uniform draw from the (k−1)-simplex: Dirichlet(1, …, 1).
fn dirichlet(rng: &mut ChaCha8Rng, k: usize) -> Vec<f64> {
    let mut x: Vec<f64> = (0..k).map(|_| exponential(rng)).collect();
    let total: f64 = x.iter().sum();
    x.iter_mut().for_each(|v| *v /= total);
    x
}

/// The item index at which each block ends (e_b, 1-based).
fn ends(blocks: &[usize]) -> Vec<usize> {
    blocks
        .iter()
        .scan(0, |end, size| {
            *end += size;
            Some(*end)
        })
        .collect()
}

/// Asserts that two weight vectors agree to `tolerance`.
#[track_caller]
fn assert_close(got: &[f64], want: &[f64], tolerance: f64, what: &str) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= tolerance, "{what}: got {got:?}, want {want:?}");
    }
}

proptest! {
    #[test]
    fn rank_methods_sum_to_one_never_increase_and_tie_equally(
        blocks in blocks(),
        method in rank_method(),
    ) {
        let weights = order_weights(&blocks, &method).unwrap();
        check_invariants(&blocks, &weights)?;
    }

    #[test]
    fn explicit_weights_consistent_with_the_order_keep_their_proportions(
        (blocks, values) in blocks().prop_flat_map(|b| {
            let n = b.len();
            (Just(b), prop::collection::vec(0.0f64..10.0, n))
        }),
    ) {
        let mut values = values;
        values.sort_by(|a, b| b.total_cmp(a));
        values[0] += 0.5;
        let items: Vec<f64> = blocks
            .iter()
            .zip(&values)
            .flat_map(|(&size, &v)| std::iter::repeat_n(v, size))
            .collect();
        let total: f64 = items.iter().sum();
        let method = Method::Explicit(ExplicitWeights::new(items.clone()).unwrap());
        let weights = order_weights(&blocks, &method).unwrap();
        check_invariants(&blocks, &weights)?;
        for (w, v) in weights.iter().zip(&items) {
            prop_assert!((w - v / total).abs() < 1e-12);
        }
    }

    #[test]
    fn ties_get_the_mean_of_their_untied_weights_except_under_roc(
        blocks in blocks(),
        method in rank_method(),
    ) {
        prop_assume!(method != Method::RankOrderCentroid);
        let n: usize = blocks.iter().sum();
        let untied = order_weights(&vec![1; n], &method).unwrap();
        let tied = order_weights(&blocks, &method).unwrap();
        let mut start = 0;
        for &size in &blocks {
            let mean = untied[start..start + size].iter().sum::<f64>() / size as f64;
            prop_assert!((tied[start] - mean).abs() < 1e-12, "{:?} vs {:?}", tied, untied);
            start += size;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// The admissible set of an order with ties (weights summing to 1, equal within a block,
    /// never increasing) is the simplex with vertices v_b = (1/e_b, …, 1/e_b, 0, …, 0); a
    /// Dirichlet(1) mix of the vertices is uniform on it, and its mean is the tie formula.
    #[test]
    fn roc_with_ties_is_the_mean_of_uniform_mixes_of_the_vertices(
        blocks in prop::collection::vec(1usize..=3, 1..=4),
        seed in any::<u64>(),
    ) {
        let roc = order_weights(&blocks, &Method::RankOrderCentroid).unwrap();
        let ends = ends(&blocks);
        let n = *ends.last().unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        const SAMPLES: usize = 100_000;
        let mut mean = vec![0.0; n];
        for _ in 0..SAMPLES {
            let lambda = dirichlet(&mut rng, ends.len());
            for (l, &e) in lambda.iter().zip(&ends) {
                for m in mean.iter_mut().take(e) {
                    *m += l / e as f64;
                }
            }
        }
        mean.iter_mut().for_each(|m| *m /= SAMPLES as f64);
        // Each weight is at most 1, so its standard error is below 0.5/√SAMPLES ≈ 0.0016; the
        // observed ones are far smaller.
        for (m, r) in mean.iter().zip(&roc) {
            prop_assert!((m - r).abs() < 0.006, "mean {:?} vs roc {:?}", mean, roc);
        }
    }
}

#[test]
fn roc_is_the_mean_of_sorted_uniform_simplex_samples() {
    // Barron & Barrett (1996): ROC is the centroid of {w_1 ≥ … ≥ w_n ≥ 0, Σ w = 1}. Sorting a
    // uniform draw from the simplex gives a uniform draw from that set, by symmetry.
    let mut rng = ChaCha8Rng::seed_from_u64(1996);
    for n in [2usize, 3, 5, 10] {
        const SAMPLES: usize = 100_000;
        let mut mean = vec![0.0; n];
        for _ in 0..SAMPLES {
            let mut w = dirichlet(&mut rng, n);
            w.sort_by(|a, b| b.total_cmp(a));
            mean.iter_mut().zip(&w).for_each(|(m, v)| *m += v);
        }
        mean.iter_mut().for_each(|m| *m /= SAMPLES as f64);
        let roc = order_weights(&vec![1; n], &Method::RankOrderCentroid).unwrap();
        assert_close(&mean, &roc, 0.003, &format!("n = {n}"));
    }
}

#[test]
fn roc_with_ties_is_the_mean_of_admissible_samples_by_rejection() {
    // An independent check of the tie formula: draw block values u uniformly from
    // {u ≥ 0, Σ_b s_b u_b = 1} (a Dirichlet(1) draw x, u_b = x_b / s_b), keep the draws that
    // never increase, and average. No vertex construction is involved.
    let mut rng = ChaCha8Rng::seed_from_u64(2011);
    for blocks in [vec![1, 3, 1, 1], vec![2, 2], vec![3, 1], vec![1, 2, 3], vec![2, 1, 1]] {
        let mut sum = vec![0.0; blocks.len()];
        let mut accepted = 0usize;
        while accepted < 40_000 {
            let x = dirichlet(&mut rng, blocks.len());
            let u: Vec<f64> = x.iter().zip(&blocks).map(|(x, &s)| x / s as f64).collect();
            if u.windows(2).all(|w| w[1] <= w[0]) {
                sum.iter_mut().zip(&u).for_each(|(s, v)| *s += v);
                accepted += 1;
            }
        }
        let mean: Vec<f64> = blocks
            .iter()
            .zip(&sum)
            .flat_map(|(&size, s)| std::iter::repeat_n(s / accepted as f64, size))
            .collect();
        let roc = order_weights(&blocks, &Method::RankOrderCentroid).unwrap();
        assert_close(&mean, &roc, 0.004, &format!("{blocks:?}"));
    }
}
