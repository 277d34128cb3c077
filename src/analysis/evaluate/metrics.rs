//! The figures of an evaluation: hit@k (the share of pairs whose real partner is among the k
//! best candidates) and mean reciprocal rank (the mean of 1/rank, 0 for a partner that is not
//! ranked at all). Pure arithmetic, no I/O.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// The k of hit@k, in output order.
pub const K_VALUES: [usize; 4] = [1, 3, 5, 10];

/// 1/rank, or 0 when the partner was not ranked (filtered out).
pub fn reciprocal_rank(rank: Option<usize>) -> f64 {
    match rank {
        Some(r) if r > 0 => 1.0 / r as f64,
        _ => 0.0,
    }
}

/// Sums over a set of pairs, from which figures follow; sums of disjoint sets add up.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    /// Pairs counted.
    pub pairs: usize,
    /// Pairs whose partner ranked within each k of `K_VALUES`.
    pub hits: [usize; K_VALUES.len()],
    /// Σ 1/rank.
    pub reciprocal_sum: f64,
}

impl Tally {
    /// Counts one pair's rank.
    pub fn add(&mut self, rank: Option<usize>) {
        self.pairs += 1;
        for (hit, k) in self.hits.iter_mut().zip(K_VALUES) {
            *hit += usize::from(rank.is_some_and(|r| r <= k));
        }
        self.reciprocal_sum += reciprocal_rank(rank);
    }

    /// Adds another tally (of other pairs).
    pub fn merge(&mut self, other: &Tally) {
        self.pairs += other.pairs;
        for (a, b) in self.hits.iter_mut().zip(other.hits) {
            *a += b;
        }
        self.reciprocal_sum += other.reciprocal_sum;
    }

    /// The figures.
    pub fn metrics(&self) -> Metrics {
        let n = self.pairs.max(1) as f64;
        Metrics {
            pairs: self.pairs,
            hit_at: HitAt(self.hits.map(|h| h as f64 / n)),
            mrr: self.reciprocal_sum / n,
        }
    }
}

/// hit@k for each k of `K_VALUES`; serialised as an object keyed by k ("1", "3", "5", "10").
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HitAt(pub [f64; K_VALUES.len()]);

impl HitAt {
    /// hit@k for one of `K_VALUES`.
    pub fn at(&self, k: usize) -> Option<f64> {
        K_VALUES.iter().position(|&x| x == k).map(|i| self.0[i])
    }
}

impl Serialize for HitAt {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(K_VALUES.len()))?;
        for (k, v) in K_VALUES.iter().zip(self.0) {
            map.serialize_entry(&k.to_string(), &v)?;
        }
        map.end()
    }
}

/// The figures of one ranker over a set of pairs: 0 everywhere when there is no pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// The ordered pairs counted.
    pub pairs: usize,
    /// The share of pairs whose real partner ranked k-th or better.
    pub hit_at: HitAt,
    /// Mean reciprocal rank.
    pub mrr: f64,
}

impl Metrics {
    /// The figures of a list of ranks (`None`: not ranked).
    pub fn from_ranks(ranks: impl IntoIterator<Item = Option<usize>>) -> Self {
        let mut tally = Tally::default();
        for r in ranks {
            tally.add(r);
        }
        tally.metrics()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(ranks: &[Option<usize>], hit_at: [f64; 4], mrr: f64) {
        let m = Metrics::from_ranks(ranks.iter().copied());
        assert_eq!(m.pairs, ranks.len());
        for (got, want) in m.hit_at.0.iter().zip(hit_at) {
            assert!((got - want).abs() < 1e-12, "{ranks:?}: hit_at {:?}", m.hit_at);
        }
        assert!((m.mrr - mrr).abs() < 1e-12, "{ranks:?}: mrr {}", m.mrr);
    }

    #[test]
    fn hits_and_reciprocal_ranks_follow_their_definitions() {
        check(&[], [0.0; 4], 0.0);
        check(&[Some(1)], [1.0; 4], 1.0);
        check(&[Some(2)], [0.0, 1.0, 1.0, 1.0], 0.5);
        // k is inclusive: rank 3 is a hit at 3, rank 10 at 10, rank 11 at none.
        check(&[Some(3), Some(10)], [0.0, 0.5, 0.5, 1.0], (1.0 / 3.0 + 0.1) / 2.0);
        check(&[Some(11), None], [0.0; 4], (1.0 / 11.0) / 2.0);
        check(
            &[Some(1), Some(4), Some(6), None],
            [0.25, 0.25, 0.5, 0.75],
            (1.0 + 0.25 + 1.0 / 6.0) / 4.0,
        );
    }

    #[test]
    fn tallies_of_disjoint_sets_add_up() {
        let (a, b) = ([Some(1), Some(7)], [None, Some(2), Some(5)]);
        let mut left = Tally::default();
        a.iter().for_each(|r| left.add(*r));
        let mut right = Tally::default();
        b.iter().for_each(|r| right.add(*r));
        left.merge(&right);
        assert_eq!(left.metrics(), Metrics::from_ranks(a.into_iter().chain(b)));
    }

    #[test]
    fn hit_at_is_an_object_keyed_by_k_in_order() {
        let m = Metrics::from_ranks([Some(2)]);
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"pairs":1,"hit_at":{"1":0.0,"3":1.0,"5":1.0,"10":1.0},"mrr":0.5}"#
        );
    }
}
