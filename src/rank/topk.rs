//! A bounded selection of the k best candidates: a heap whose top is the worst kept, so each
//! push is O(log k). Ordering is total (score by `total_cmp`, then index), so the kept set and
//! its order do not depend on the order candidates arrive in.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::{Ranked, ranks_before};

/// Orders candidates so that the heap's maximum is the one ranking last.
#[derive(Debug, Clone, Copy)]
struct Worst(Ranked);

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Worst {}

impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Worst {
    fn cmp(&self, other: &Self) -> Ordering {
        if ranks_before(&self.0, &other.0) {
            Ordering::Less
        } else if ranks_before(&other.0, &self.0) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }
}

/// The k best candidates seen so far.
#[derive(Debug, Clone)]
pub struct TopK {
    k: usize,
    heap: BinaryHeap<Worst>,
    seen: usize,
}

impl TopK {
    /// An empty selection keeping at most `k`.
    pub fn new(k: usize) -> Self {
        Self { k, heap: BinaryHeap::with_capacity(k.min(4096) + 1), seen: 0 }
    }

    /// Offers a candidate.
    #[inline]
    pub fn push(&mut self, r: Ranked) {
        self.seen += 1;
        if self.heap.len() < self.k {
            self.heap.push(Worst(r));
        } else if let Some(worst) = self.heap.peek()
            && ranks_before(&r, &worst.0)
        {
            self.heap.pop();
            self.heap.push(Worst(r));
        }
    }

    /// Counts a candidate that was seen but cannot enter (pruned by a bound).
    #[inline]
    pub fn skip(&mut self) {
        self.seen += 1;
    }

    /// The k-th best score kept, once k are kept (the bar a newcomer must beat).
    pub fn threshold(&self) -> Option<&Ranked> {
        (self.heap.len() >= self.k).then(|| self.heap.peek().map(|w| &w.0)).flatten()
    }

    /// Combines two selections.
    pub fn merge(mut self, other: TopK) -> TopK {
        let seen = self.seen + other.seen;
        for w in other.heap {
            self.push(w.0);
        }
        self.seen = seen;
        self
    }

    /// How many candidates were offered (across merged selections).
    pub fn seen(&self) -> usize {
        self.seen
    }

    /// The kept candidates, best first.
    pub fn into_sorted(self) -> Vec<Ranked> {
        self.heap.into_sorted_vec().into_iter().map(|w| w.0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::PairScore;

    fn r(candidate: usize, mutual: f64) -> Ranked {
        Ranked {
            candidate,
            score: PairScore { forward: mutual, backward: mutual, mutual },
            distance_km: 0.0,
        }
    }

    #[test]
    fn keeps_the_best_with_ties_by_index_whatever_the_order() {
        let items = [r(5, 0.5), r(1, 0.9), r(3, 0.5), r(2, 0.7), r(4, 0.5), r(0, 0.1)];
        let want = vec![1, 2, 3, 4];
        for rotation in 0..items.len() {
            let mut top = TopK::new(4);
            for i in 0..items.len() {
                top.push(items[(i + rotation) % items.len()]);
            }
            let got: Vec<usize> = top.into_sorted().iter().map(|x| x.candidate).collect();
            assert_eq!(got, want, "rotation {rotation}");
        }
        let (mut a, mut b) = (TopK::new(4), TopK::new(4));
        for (i, x) in items.iter().enumerate() {
            if i % 2 == 0 { a.push(*x) } else { b.push(*x) }
        }
        let merged = a.merge(b);
        assert_eq!(merged.seen(), items.len());
        let merged: Vec<usize> = merged.into_sorted().iter().map(|x| x.candidate).collect();
        assert_eq!(merged, want);
        assert!(TopK::new(0).into_sorted().is_empty());
    }
}
