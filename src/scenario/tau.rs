//! Kendall's tau-b between two top-k lists, the rank correlation `compare` reports per body.
//! Pure arithmetic, no I/O.
//!
//! Definition. Let U be the union of the two lists (each without repeats). Item x gets rank
//! r_A(x) = its 0-based position in A, or |A| when x is not in A: items missing from a list are
//! placed below every listed item, tied with each other (the convention of Fagin, Kumar &
//! Sivakumar 2003, "Comparing top k lists", SIAM Journal on Discrete Mathematics 17(1),
//! 134–160). Likewise r_B. Over the n0 = n(n−1)/2 pairs of U (n = |U|), a pair is concordant
//! when both lists order it the same way, discordant when they order it oppositely; n1 pairs
//! are tied in A and n2 in B. Then (Kendall 1945, "The treatment of ties in ranking problems",
//! Biometrika 33(3), 239–251):
//!
//! ```text
//! tau_b = (n_c − n_d) / sqrt((n0 − n1) · (n0 − n2))
//! ```
//!
//! It is 1 when the lists agree on every pair they both order, −1 when they disagree on every
//! one. Two identical lists (also empty or of one item) give 1 by definition; otherwise, when a
//! denominator factor is 0 (one list empty and the other of any length, say), tau is undefined
//! and `None` is returned.

use std::cmp::Ordering;

/// Kendall's tau-b of two top-k lists over their union, items missing from a list tied below
/// it (see the module documentation). `None` when undefined. O(n²) for n = |A ∪ B| ≤ |A| + |B|.
pub fn top_k_tau_b<T: PartialEq>(a: &[T], b: &[T]) -> Option<f64> {
    if a == b {
        return Some(1.0);
    }
    let mut union: Vec<&T> = a.iter().collect();
    for x in b {
        if !union.contains(&x) {
            union.push(x);
        }
    }
    let rank = |list: &[T], x: &T| list.iter().position(|y| y == x).unwrap_or(list.len());
    let ra: Vec<usize> = union.iter().map(|x| rank(a, x)).collect();
    let rb: Vec<usize> = union.iter().map(|x| rank(b, x)).collect();
    let n = union.len() as u64;
    let (mut concordant, mut discordant, mut tied_a, mut tied_b) = (0u64, 0u64, 0u64, 0u64);
    for i in 0..union.len() {
        for j in i + 1..union.len() {
            let (da, db) = (ra[i].cmp(&ra[j]), rb[i].cmp(&rb[j]));
            match (da, db) {
                (Ordering::Equal, Ordering::Equal) => {
                    tied_a += 1;
                    tied_b += 1;
                }
                (Ordering::Equal, _) => tied_a += 1,
                (_, Ordering::Equal) => tied_b += 1,
                _ if da == db => concordant += 1,
                _ => discordant += 1,
            }
        }
    }
    let n0 = n * n.saturating_sub(1) / 2;
    let (fa, fb) = (n0 - tied_a, n0 - tied_b);
    if fa == 0 || fb == 0 {
        return None;
    }
    let tau = (concordant as f64 - discordant as f64) / ((fa as f64) * (fb as f64)).sqrt();
    Some(tau.clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks tau against a hand-computed value (or undefined).
    #[track_caller]
    fn check(a: &[u32], b: &[u32], expected: Option<f64>) {
        let got = top_k_tau_b(a, b);
        match (got, expected) {
            (Some(g), Some(e)) => assert!((g - e).abs() < 1e-12, "{a:?} vs {b:?}: {g} != {e}"),
            (None, None) => {}
            _ => panic!("{a:?} vs {b:?}: got {got:?}, want {expected:?}"),
        }
        // Tau is symmetric in its arguments.
        assert_eq!(top_k_tau_b(b, a).map(|x| (x * 1e9).round()), got.map(|x| (x * 1e9).round()));
    }

    #[test]
    fn full_permutations() {
        check(&[1, 2, 3], &[1, 2, 3], Some(1.0));
        check(&[1, 2, 3], &[3, 2, 1], Some(-1.0));
        // One swapped pair of three: nc = 2, nd = 1, no ties: (2 − 1)/3.
        check(&[1, 2, 3], &[2, 1, 3], Some(1.0 / 3.0));
        // 1,2,3,4 against 2,1,4,3: two discordant pairs of six: (4 − 2)/6.
        check(&[1, 2, 3, 4], &[2, 1, 4, 3], Some(1.0 / 3.0));
    }

    #[test]
    fn top_k_lists_with_missing_items_tied_below() {
        // U = {1,2,3}; A: 1,2 then 3 below; B: 1,3 then 2 below. (1,2) and (1,3) concordant,
        // (2,3) discordant; no pair tied: (2 − 1)/3.
        check(&[1, 2], &[1, 3], Some(1.0 / 3.0));
        // Disjoint lists: A ties 3 and 4 below, B ties 1 and 2 below; the other four pairs are
        // discordant. n0 = 6, n1 = n2 = 1: −4 / sqrt(5 · 5) = −0.8.
        check(&[1, 2], &[3, 4], Some(-0.8));
        // A shorter list that agrees with the longer one: every untied pair is concordant.
        check(&[1, 2, 3], &[1, 2], Some(1.0));
        // One item each, different: the single pair is discordant.
        check(&[1], &[2], Some(-1.0));
        // U = {1,2,3,4}; A = 1,2,3 (4 below), B = 2,1,4 (3 below). Pairs: (1,2) d, (1,3) c,
        // (1,4) c, (2,3) c, (2,4) c, (3,4) d; no ties: (4 − 2)/6.
        check(&[1, 2, 3], &[2, 1, 4], Some(1.0 / 3.0));
    }

    use proptest::prelude::*;

    /// A top-k list: up to 8 distinct items of 12, in random order.
    fn list() -> impl Strategy<Value = Vec<u32>> {
        proptest::sample::subsequence((0u32..12).collect::<Vec<_>>(), 0..8).prop_shuffle()
    }

    proptest! {
        /// For any two top-k lists: tau is symmetric and in [−1, 1]; a list against itself is 1
        /// and a full list against its reverse is −1.
        #[test]
        fn tau_is_bounded_symmetric_and_exact_at_the_extremes(
            a in list(),
            b in list(),
        ) {
            let ab = top_k_tau_b(&a, &b);
            let ba = top_k_tau_b(&b, &a);
            prop_assert_eq!(ab.map(|x| (x * 1e12).round()), ba.map(|x| (x * 1e12).round()));
            if let Some(t) = ab {
                prop_assert!((-1.0..=1.0).contains(&t));
            }
            prop_assert_eq!(top_k_tau_b(&a, &a), Some(1.0));
            if a.len() >= 2 {
                let reversed: Vec<u32> = a.iter().rev().copied().collect();
                prop_assert_eq!(top_k_tau_b(&a, &reversed), Some(-1.0));
            }
        }
    }

    #[test]
    fn degenerate_lists() {
        check(&[], &[], Some(1.0));
        check(&[7], &[7], Some(1.0));
        // Everything tied in A: undefined.
        check(&[], &[1], None);
        check(&[], &[1, 2], None);
    }
}
