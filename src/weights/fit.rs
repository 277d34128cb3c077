//! The criteria order that real partnerships reveal (`partnermatch weights --fit`): a search
//! over criteria orders (and, as an option, free weights) for the one whose ranks best explain
//! a set of real arrangements (highest mean reciprocal rank), scored honestly by
//! leave-one-arrangement-out cross-validation, beside the stated order.
//!
//! The search. 10! orders are too many to score, so it is a seeded local search: hill climbing
//! over the orders one move away (a criterion moved to another position: the nine adjacent
//! swaps and the 81 longer moves; the best strict improvement is taken, the first on ties), started from the stated order and from `restarts` random orders (ChaCha8
//! from `seed`, Fisher–Yates shuffles); the best end point wins (the earliest on ties). With
//! `free_weights`, a coordinate search then follows from the best order's weights: one weight
//! at a time multiplied by 0, 1/2 or 2 (0 becomes 0.02) and the vector rescaled to sum to 1,
//! the best strict improvement taken, until none or `MAX_WEIGHT_ROUNDS`. Every scoring is
//! memoised, and every fold uses the same starts, so folds share most of their work.
//! Deterministic: the same inputs and seed give the same result on any thread count. The
//! figures printed are exact for the order or weights found; the search itself is not
//! exhaustive, so a better order may exist.
//!
//! The figures. The stated order is scored on every arrangement (nothing is fitted to them).
//! The fitted order is the search's result on all arrangements; its in-sample figures are
//! optimistic. The cross-validated figures score each arrangement with the order searched on
//! the others only. No I/O.

use std::collections::HashMap;

use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::{Method, Survey, WeightError, WeightSettings};
use crate::analysis::evaluate::{BodyWeights, Metrics, Prepared, Tally};
use crate::dataset::Dataset;
use crate::model::{CriteriaOrder, Criterion, Enumeration};

const C: usize = Criterion::COUNT;

/// The rounds of the free-weight search, at most.
pub const MAX_WEIGHT_ROUNDS: usize = 40;

/// The most restarts a fit accepts: each costs a full local search per fold.
pub const MAX_RESTARTS: usize = 1_000;

/// The restarts from random orders by default.
pub const DEFAULT_RESTARTS: usize = 8;

/// Why a fit could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    /// Explicit weights: no order changes them.
    #[error(
        "--fit searches criteria orders, which explicit weights ignore: drop --weights and \
         --method explicit (add --free-weights to fit free weights)"
    )]
    Explicit,
    /// No starting order (a bug: the stated order is always one).
    #[error("the search had no starting order (a bug)")]
    NoStart,
    /// Weights could not be made.
    #[error(transparent)]
    Weight(#[from] WeightError),
}

/// How to search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FitSettings {
    /// Seed of the random starting orders.
    pub seed: u64,
    /// Random starting orders besides the stated one.
    pub restarts: usize,
    /// Search free weights after the order.
    pub free_weights: bool,
}

impl Default for FitSettings {
    fn default() -> Self {
        Self { seed: 1, restarts: DEFAULT_RESTARTS, free_weights: false }
    }
}

/// One criterion's place in both orders (1-based positions; ties share one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Move {
    /// The criterion.
    pub criterion: Criterion,
    /// Its position in the stated order.
    pub stated_position: usize,
    /// Its position in the fitted order.
    pub fitted_position: usize,
    /// Positions moved up (negative: down).
    #[serde(rename = "move")]
    pub moved: i64,
}

/// The outcome of a fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// The stated order (the settings' or the survey's), highest first.
    pub stated_order: Vec<Vec<Criterion>>,
    /// The fitted order, highest first.
    pub fitted_order: Vec<Criterion>,
    /// The fitted weights (the fitted order's under the method, or the free weights); the
    /// command line writes them as a map by criterion.
    #[serde(skip)]
    pub fitted_weights: [f64; C],
    /// Every criterion's move, in fitted order.
    pub moves: Vec<Move>,
    /// Kendall's tau-b between the stated and fitted orders.
    pub kendall_tau: f64,
    /// The stated order's figures on every arrangement.
    pub stated: Metrics,
    /// The fitted order's figures on every arrangement (in-sample, optimistic).
    pub fitted_in_sample: Metrics,
    /// Each arrangement scored by the order (or weights) fitted on the others.
    pub fitted_cross_validated: Metrics,
    /// Folds whose fitted order equals the one fitted on all arrangements.
    pub folds_agreeing: usize,
    /// Distinct orders and weight vectors scored.
    pub evaluations: usize,
}

/// A point of the search: an order (as criterion indices, highest first), or free weights.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Point {
    order: [u8; C],
    weights: Option<[f64; C]>,
}

/// The memoised scorer.
struct Scorer<'a> {
    prepared: &'a Prepared,
    survey: &'a Survey,
    dataset: &'a Dataset,
    method: Method,
    half_km: f64,
    orders: HashMap<[u8; C], Vec<Tally>>,
    weights: HashMap<[u64; C], Vec<Tally>>,
}

impl Scorer<'_> {
    fn order_of(order: &[u8; C]) -> Result<CriteriaOrder, WeightError> {
        let all = Criterion::all();
        CriteriaOrder::new(order.iter().map(|&i| vec![all[usize::from(i)]]).collect())
            .map_err(WeightError::InvalidOrder)
    }

    fn order_weights(&self, order: &[u8; C]) -> Result<BodyWeights, WeightError> {
        let settings =
            WeightSettings::new(Some(Self::order_of(order)?), Some(self.method.clone()))?;
        BodyWeights::from_survey(self.survey, self.dataset, &settings)
    }

    fn tallies(&mut self, point: &Point) -> Result<&[Tally], FitError> {
        match point.weights {
            None => {
                if !self.orders.contains_key(&point.order) {
                    let weights = self.order_weights(&point.order)?;
                    let t = self.prepared.tallies(&weights, self.half_km);
                    self.orders.insert(point.order, t);
                }
                Ok(self.orders.get(&point.order).map_or(&[][..], Vec::as_slice))
            }
            Some(w) => {
                let key = w.map(f64::to_bits);
                if !self.weights.contains_key(&key) {
                    let weights = BodyWeights::uniform(w, self.dataset.len());
                    let t = self.prepared.tallies(&weights, self.half_km);
                    self.weights.insert(key, t);
                }
                Ok(self.weights.get(&key).map_or(&[][..], Vec::as_slice))
            }
        }
    }

    /// Σ 1/rank over the arrangements other than `held_out`, in arrangement order.
    fn objective(&mut self, point: &Point, held_out: Option<usize>) -> Result<f64, FitError> {
        Ok(self
            .tallies(point)?
            .iter()
            .enumerate()
            .filter(|(a, _)| Some(*a) != held_out)
            .map(|(_, t)| t.reciprocal_sum)
            .sum())
    }

    /// The best point found for the arrangements other than `held_out`.
    fn search(
        &mut self,
        starts: &[[u8; C]],
        held_out: Option<usize>,
        free: bool,
    ) -> Result<Point, FitError> {
        let mut best: Option<(Point, f64)> = None;
        for start in starts {
            let mut current = Point { order: *start, weights: None };
            let mut value = self.objective(&current, held_out)?;
            loop {
                let mut step: Option<(Point, f64)> = None;
                for (from, to) in moves() {
                    let mut order = current.order;
                    let c = order[from];
                    if from < to {
                        order.copy_within(from + 1..=to, from);
                    } else {
                        order.copy_within(to..from, to + 1);
                    }
                    order[to] = c;
                    let next = Point { order, weights: None };
                    let v = self.objective(&next, held_out)?;
                    if v > value && step.is_none_or(|(_, s)| v > s) {
                        step = Some((next, v));
                    }
                }
                match step {
                    Some((next, v)) => (current, value) = (next, v),
                    None => break,
                }
            }
            if best.is_none_or(|(_, b)| value > b) {
                best = Some((current, value));
            }
        }
        let Some((mut point, _)) = best else {
            return Err(FitError::NoStart);
        };
        if free {
            let general = *self.order_weights(&point.order)?.general();
            point.weights = Some(general);
            let mut value = self.objective(&point, held_out)?;
            for _ in 0..MAX_WEIGHT_ROUNDS {
                let mut step: Option<(Point, f64)> = None;
                let current = point.weights.unwrap_or(general);
                for i in 0..C {
                    for factor in [0.0, 0.5, 2.0] {
                        let mut w = current;
                        w[i] = if w[i] == 0.0 && factor > 1.0 { 0.02 } else { w[i] * factor };
                        let total: f64 = w.iter().sum();
                        if total <= 0.0 {
                            continue;
                        }
                        w.iter_mut().for_each(|x| *x /= total);
                        if w.map(f64::to_bits) == current.map(f64::to_bits) {
                            continue;
                        }
                        let next = Point { order: point.order, weights: Some(w) };
                        let v = self.objective(&next, held_out)?;
                        if v > value && step.is_none_or(|(_, s)| v > s) {
                            step = Some((next, v));
                        }
                    }
                }
                match step {
                    Some((next, v)) => (point, value) = (next, v),
                    None => break,
                }
            }
            // The order the free weights imply: by weight, highest first, ties by the order.
            if let Some(w) = point.weights {
                let mut order = point.order;
                order.sort_by(|a, b| w[usize::from(*b)].total_cmp(&w[usize::from(*a)]));
                point.order = order;
            }
        }
        Ok(point)
    }
}

/// The moves of the order search, (from, to): first the nine adjacent swaps, then every other
/// move of one criterion to another position (81), so that a plateau of swaps is crossed.
fn moves() -> impl Iterator<Item = (usize, usize)> {
    let adjacent = (0..C - 1).map(|i| (i, i + 1));
    let longer = (0..C)
        .flat_map(|from| (0..C).map(move |to| (from, to)))
        .filter(|&(f, t)| f.abs_diff(t) > 1);
    adjacent.chain(longer)
}

/// The stated order as criterion indices, ties in criterion order.
fn flatten(order: &CriteriaOrder) -> [u8; C] {
    let mut out = [0u8; C];
    for (slot, c) in out.iter_mut().zip(order.positions().iter().flatten()) {
        *slot = c.index() as u8;
    }
    out
}

/// 1-based positions of each criterion (by `Criterion::index`) in an order with ties.
fn positions(order: &[Vec<Criterion>]) -> [usize; C] {
    let mut out = [0; C];
    for (p, block) in order.iter().enumerate() {
        for c in block {
            out[c.index()] = p + 1;
        }
    }
    out
}

/// Kendall's tau-b between two rankings given as positions (equal positions are ties):
/// (n_c − n_d) / sqrt((n0 − n1)(n0 − n2)) (Kendall 1945). `None` when either ranking ties
/// everything. O(n²).
pub fn kendall_tau_b(a: &[usize], b: &[usize]) -> Option<f64> {
    let n = a.len().min(b.len());
    let (mut concordant, mut discordant, mut tied_a, mut tied_b, mut n0) =
        (0i64, 0i64, 0i64, 0i64, 0i64);
    for i in 0..n {
        for j in i + 1..n {
            n0 += 1;
            let (da, db) = (a[i].cmp(&a[j]), b[i].cmp(&b[j]));
            if da.is_eq() {
                tied_a += 1;
            }
            if db.is_eq() {
                tied_b += 1;
            }
            if !da.is_eq() && !db.is_eq() {
                if da == db {
                    concordant += 1;
                } else {
                    discordant += 1;
                }
            }
        }
    }
    let denominator = ((n0 - tied_a) as f64 * (n0 - tied_b) as f64).sqrt();
    (denominator > 0.0).then(|| (concordant - discordant) as f64 / denominator)
}

/// Fits the criteria order (and with `free_weights` the weights) to prepared arrangements, and
/// cross-validates the fit (see the module documentation). Errors only for explicit weights,
/// which no order changes.
pub fn fit(
    prepared: &Prepared,
    survey: &Survey,
    dataset: &Dataset,
    settings: &WeightSettings,
    fit: &FitSettings,
) -> Result<Fit, FitError> {
    let method = settings.method().unwrap_or(survey.method()).clone();
    if matches!(method, Method::Explicit(_)) {
        return Err(FitError::Explicit);
    }
    let stated_order = settings.order().unwrap_or(survey.criteria_order()).clone();
    let mut starts = vec![flatten(&stated_order)];
    let mut rng = ChaCha8Rng::seed_from_u64(fit.seed);
    for _ in 0..fit.restarts {
        let mut order: [u8; C] = std::array::from_fn(|i| i as u8);
        for i in (1..C).rev() {
            // The modulo bias over 2^64 draws is below 10^-18 for ten items.
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        starts.push(order);
    }
    let mut scorer = Scorer {
        prepared,
        survey,
        dataset,
        method,
        half_km: prepared.proximity_half_km(),
        orders: HashMap::new(),
        weights: HashMap::new(),
    };
    let metrics = |t: &[Tally]| {
        let mut total = Tally::default();
        t.iter().for_each(|x| total.merge(x));
        total.metrics()
    };
    let stated_point = Point { order: starts[0], weights: None };
    let stated = if stated_order.positions().iter().all(|b| b.len() == 1) {
        metrics(scorer.tallies(&stated_point)?)
    } else {
        // Ties: score the order as stated, with its tied weights.
        let weights = BodyWeights::from_survey(
            survey,
            dataset,
            &WeightSettings::new(Some(stated_order.clone()), settings.method().cloned())?,
        )?;
        metrics(&prepared.tallies(&weights, scorer.half_km))
    };
    let full = scorer.search(&starts, None, fit.free_weights)?;
    let fitted_in_sample = metrics(scorer.tallies(&full)?);
    let mut pooled = Tally::default();
    let mut folds_agreeing = 0;
    for held_out in 0..prepared.len() {
        let point = scorer.search(&starts, Some(held_out), fit.free_weights)?;
        folds_agreeing += usize::from(point == full);
        if let Some(t) = scorer.tallies(&point)?.get(held_out) {
            pooled.merge(t);
        }
    }
    let all = Criterion::all();
    let fitted_order: Vec<Criterion> = full.order.iter().map(|&i| all[usize::from(i)]).collect();
    let fitted_weights = match full.weights {
        Some(w) => w,
        None => *scorer.order_weights(&full.order)?.general(),
    };
    let stated_positions = positions(stated_order.positions());
    let fitted_blocks: Vec<Vec<Criterion>> = fitted_order.iter().map(|c| vec![*c]).collect();
    let fitted_positions = positions(&fitted_blocks);
    let moves = fitted_order
        .iter()
        .map(|c| Move {
            criterion: *c,
            stated_position: stated_positions[c.index()],
            fitted_position: fitted_positions[c.index()],
            moved: stated_positions[c.index()] as i64 - fitted_positions[c.index()] as i64,
        })
        .collect();
    Ok(Fit {
        stated_order: stated_order.positions().to_vec(),
        kendall_tau: kendall_tau_b(&stated_positions, &fitted_positions).unwrap_or(0.0),
        fitted_order,
        fitted_weights,
        moves,
        stated,
        fitted_in_sample,
        fitted_cross_validated: pooled.metrics(),
        folds_agreeing,
        evaluations: scorer.orders.len() + scorer.weights.len(),
    })
}

/// The criterion names of an order, for messages.
pub fn names(order: &[Criterion]) -> Vec<&'static str> {
    order.iter().map(|c| c.name()).collect()
}

#[cfg(test)]
mod tests;
