//! Portable random draws for the synthetic generator: a ChaCha8 stream turned into uniforms,
//! integers, normals and weighted choices by code in this file only, with the transcendental
//! functions of `libm` (a port of musl's libm), so that one seed gives the same numbers on every
//! platform, compiler and thread count. Owns no knowledge of bodies.

use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

/// A seeded stream of draws. Each phase of the generator uses its own ChaCha stream
/// (`set_stream`), so that a change to one phase leaves the others' draws as they were.
pub(super) struct Draw {
    rng: ChaCha8Rng,
    spare_normal: Option<f64>,
}

impl Draw {
    /// The stream `stream` of the generator seeded with `seed` (seed expansion by
    /// `SeedableRng::seed_from_u64`, which `rand_core` specifies as portable).
    pub(super) fn new(seed: u64, stream: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Self { rng, spare_normal: None }
    }

    /// A uniform number in [0, 1) with 53 random bits.
    pub(super) fn unit(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform integer in [0, n) by Lemire's multiply-and-reject method (no modulo bias);
    /// 0 when `n` is 0.
    pub(super) fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        if n == 0 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.rng.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as usize;
            }
        }
    }

    /// True with probability `p`.
    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A standard normal draw by the Box–Muller transform (Box & Muller 1958), keeping the
    /// second value of each pair for the next call.
    pub(super) fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        let u1 = 1.0 - self.unit(); // in (0, 1], so the logarithm is finite
        let u2 = self.unit();
        let r = (-2.0 * libm::log(u1)).sqrt();
        let theta = std::f64::consts::TAU * u2;
        self.spare_normal = Some(r * libm::sin(theta));
        r * libm::cos(theta)
    }

    /// A log-normal draw with the given median and log-scale standard deviation, with the
    /// normal deviate it came from (so that callers can tie other traits to size).
    pub(super) fn log_normal(&mut self, median: f64, sigma: f64) -> (f64, f64) {
        let z = self.normal();
        (median * libm::exp(sigma * z), z)
    }

    /// An index drawn with probability proportional to `weights` (non-negative); `None` when
    /// they sum to zero or the slice is empty. O(n).
    pub(super) fn weighted(&mut self, weights: &[f64]) -> Option<usize> {
        let total: f64 = weights.iter().sum();
        if total.is_nan() || total <= 0.0 {
            return None;
        }
        let mut target = self.unit() * total;
        let mut last = None;
        for (i, w) in weights.iter().enumerate() {
            if *w > 0.0 {
                if target < *w {
                    return Some(i);
                }
                target -= w;
                last = Some(i);
            }
        }
        last // rounding left the target just past the end: the last positive weight
    }

    /// An index drawn with probability proportional to the gaps of a running total
    /// (`cumulative[i]` is the sum of the weights up to and including `i`). O(log n).
    pub(super) fn weighted_cumulative(&mut self, cumulative: &[f64]) -> Option<usize> {
        let total = *cumulative.last()?;
        if total.is_nan() || total <= 0.0 {
            return None;
        }
        let target = self.unit() * total;
        let i = cumulative.partition_point(|c| *c <= target);
        Some(i.min(cumulative.len() - 1))
    }

    /// Up to `k` distinct indices drawn one after another with probability proportional to
    /// `weights`, as a bit set (successive sampling without replacement). At most 64 items.
    pub(super) fn weighted_subset(&mut self, weights: &[f64], k: usize) -> u64 {
        let mut left: Vec<f64> = weights.iter().take(64).copied().collect();
        let mut chosen = 0u64;
        for _ in 0..k {
            let Some(i) = self.weighted(&left) else { break };
            chosen |= 1 << i;
            left[i] = 0.0;
        }
        chosen
    }

    /// A count in 1..=max with P(k) proportional to `ratio^(k-1)` (a truncated geometric).
    pub(super) fn count(&mut self, ratio: f64, max: usize) -> usize {
        let mut k = 1;
        while k < max && self.chance(ratio) {
            k += 1;
        }
        k
    }
}

/// The logistic function, 1 / (1 + e^-x).
pub(super) fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_fixed_by_seed_and_stream() {
        let take = |seed, stream| {
            let mut d = Draw::new(seed, stream);
            (0..4).map(|_| d.rng.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(take(1, 0), take(1, 0));
        assert_ne!(take(1, 0), take(2, 0));
        assert_ne!(take(1, 0), take(1, 1));
    }

    #[test]
    fn draws_have_the_right_ranges_and_moments() {
        let mut d = Draw::new(7, 0);
        let n = 200_000u32;
        let (mut sum, mut sum2) = (0.0, 0.0);
        for _ in 0..n {
            let z = d.normal();
            sum += z;
            sum2 += z * z;
            let u = d.unit();
            assert!((0.0..1.0).contains(&u));
            assert!(d.below(7) < 7);
        }
        let mean = sum / f64::from(n);
        let var = sum2 / f64::from(n) - mean * mean;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
        assert_eq!(d.below(0), 0);
        assert_eq!(d.below(1), 0);
    }

    #[test]
    fn weighted_choices_follow_the_weights() {
        let mut d = Draw::new(3, 0);
        let weights = [1.0, 0.0, 3.0];
        let cumulative = [1.0, 1.0, 4.0];
        let mut hits = [0usize; 3];
        let mut hits_cumulative = [0usize; 3];
        for _ in 0..40_000 {
            hits[d.weighted(&weights).unwrap()] += 1;
            hits_cumulative[d.weighted_cumulative(&cumulative).unwrap()] += 1;
        }
        for h in [hits, hits_cumulative] {
            assert_eq!(h[1], 0);
            let share = h[2] as f64 / 40_000.0;
            assert!((share - 0.75).abs() < 0.01, "{share}");
        }
        assert_eq!(d.weighted(&[]), None);
        assert_eq!(d.weighted(&[0.0, 0.0]), None);
        assert_eq!(d.weighted_cumulative(&[]), None);
        let subset = d.weighted_subset(&[1.0, 0.0, 1.0, 1.0], 5);
        assert_eq!(subset, 0b1101, "every positive weight once, never a zero one");
    }
}
