//! The criteria values of every pair an evaluation ranks, computed once, so that the ranks
//! under other weights (or another proximity half-distance) follow from a weighted sum per
//! candidate instead of a new engine: what cross-validation and `weights --fit` evaluate
//! thousands of times. Bit for bit the engine's scores (the same values, summed in the same
//! order, combined by the same `Mutual`); a test holds it to `evaluate`'s ranks.

use rayon::prelude::*;

use super::{Arrangement, EvaluateError, Tally, views};
use crate::dataset::Dataset;
use crate::engine::Engine;
use crate::index::distance_km;
use crate::model::Criterion;
use crate::rank::{Eligibility, RankSettings, context};
use crate::score::{Mutual, PairFacts, ScoringParams};
use crate::weights::{Survey, WeightError, WeightSettings};

const C: usize = Criterion::COUNT;

/// The criteria weights of every body: a few distinct rows (the general one first, then one
/// per body with its own criteria order) and each body's row.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyWeights {
    rows: Vec<[f64; C]>,
    row_of: Vec<u32>,
}

impl BodyWeights {
    /// The same weights for all `n` bodies (explicit weights, which apply to every body).
    pub fn uniform(weights: [f64; C], n: usize) -> Self {
        Self { rows: vec![weights], row_of: vec![0; n] }
    }

    /// Each body's weights under settings, as the engine gives them (`Survey::weights_for`).
    pub fn from_survey(
        survey: &Survey,
        dataset: &Dataset,
        settings: &WeightSettings,
    ) -> Result<Self, WeightError> {
        let general = *survey.weights(settings)?.as_array();
        let mut rows = vec![general];
        let row_of = dataset
            .organisations()
            .iter()
            .map(|o| {
                if o.criteria_order.is_none() {
                    return 0;
                }
                let own = *survey.weights_for(o, settings).as_array();
                match rows.iter().position(|r| r.map(f64::to_bits) == own.map(f64::to_bits)) {
                    Some(i) => i as u32,
                    None => {
                        rows.push(own);
                        (rows.len() - 1) as u32
                    }
                }
            })
            .collect();
        Ok(Self { rows, row_of })
    }

    /// The general weights (those of a body without its own order).
    pub fn general(&self) -> &[f64; C] {
        &self.rows[0]
    }

    #[inline]
    fn of(&self, body: usize) -> &[f64; C] {
        &self.rows[self.row_of.get(body).copied().unwrap_or(0) as usize]
    }
}

/// One ranked body of one arrangement: its eligible candidates with both directions' values.
#[derive(Debug, Clone)]
struct Subject {
    body: usize,
    candidates: Vec<u32>,
    forward: Vec<[f64; C]>,
    backward: Vec<[f64; C]>,
    /// Distance (km), whether the two share a boundary, and whether one contains the other:
    /// what proximity reads.
    distance: Vec<f64>,
    adjacent: Vec<bool>,
    contains: Vec<bool>,
    /// Each real partner's position in `candidates`, `None` when not eligible.
    partners: Vec<Option<usize>>,
}

/// The values of every pair an evaluation ranks (see the module documentation). Memory: 160
/// bytes per (ranked body, candidate), so 29 arrangements of about three members among 400
/// bodies take about 6 MB.
#[derive(Debug, Clone)]
pub struct Prepared {
    arrangements: Vec<Vec<Subject>>,
    params: ScoringParams,
    mutual: Mutual,
}

impl Prepared {
    /// Computes the values of every pair `evaluate` would rank, with the same hidden links
    /// (or `keep_known`) and eligibility.
    pub fn new(
        engine: &Engine,
        arrangements: &[Arrangement],
        rank: &RankSettings,
        keep_known: bool,
    ) -> Result<Self, EvaluateError> {
        let views = views(engine, arrangements, keep_known)?;
        let prepared = views
            .par_iter()
            .map(|view| {
                let engine = &*view.engine;
                let index = &engine.index;
                let eligibility = Eligibility::new(index, rank);
                let mut subjects: Vec<Subject> = Vec::new();
                for &(body, partner) in &view.pairs {
                    if subjects.last().is_none_or(|s| s.body != body) {
                        let ctx = context(index, body, rank);
                        let a = index.body(body);
                        let mut s = Subject {
                            body,
                            candidates: Vec::new(),
                            forward: Vec::new(),
                            backward: Vec::new(),
                            distance: Vec::new(),
                            adjacent: Vec::new(),
                            contains: Vec::new(),
                            partners: Vec::new(),
                        };
                        for c in 0..index.len() {
                            let b = index.body(c);
                            if !eligibility.allows(index, body, b)
                                || !eligibility.within(distance_km(a, b))
                            {
                                continue;
                            }
                            let facts = PairFacts::of_bodies(index, a, b);
                            let (f, bw) = ctx.pair_values(a, b, &facts);
                            s.candidates.push(c as u32);
                            s.forward.push(f.map(|v| v.value));
                            s.backward.push(bw.map(|v| v.value));
                            s.distance.push(facts.distance_km);
                            s.adjacent.push(facts.adjacent);
                            s.contains.push(facts.contains);
                        }
                        subjects.push(s);
                    }
                    if let Some(s) = subjects.last_mut() {
                        let position = s.candidates.binary_search(&(partner as u32)).ok();
                        s.partners.push(position);
                    }
                }
                subjects
            })
            .collect();
        Ok(Self { arrangements: prepared, params: rank.params, mutual: rank.mutual })
    }

    /// The number of arrangements.
    pub fn len(&self) -> usize {
        self.arrangements.len()
    }

    /// Whether there is no arrangement.
    pub fn is_empty(&self) -> bool {
        self.arrangements.is_empty()
    }

    /// The proximity half-distance the values were computed with (km).
    pub fn proximity_half_km(&self) -> f64 {
        self.params.proximity_half_km
    }

    /// Every pair's rank, per arrangement, in `evaluate`'s pair order, under other weights
    /// and proximity half-distance.
    pub fn ranks(&self, weights: &BodyWeights, proximity_half_km: f64) -> Vec<Vec<Option<usize>>> {
        self.arrangements
            .par_iter()
            .map(|subjects| {
                let mut ranks = Vec::new();
                let mut mutual = Vec::new();
                for s in subjects {
                    self.scores(s, weights, proximity_half_km, &mut mutual);
                    for &p in &s.partners {
                        ranks.push(p.map(|p| {
                            let (mp, cp) = (mutual[p], s.candidates[p]);
                            1 + mutual
                                .iter()
                                .zip(&s.candidates)
                                .filter(|&(m, c)| m.total_cmp(&mp).then(cp.cmp(c)).is_gt())
                                .count()
                        }));
                    }
                }
                ranks
            })
            .collect()
    }

    /// Each arrangement's tally under other weights and proximity half-distance.
    pub fn tallies(&self, weights: &BodyWeights, proximity_half_km: f64) -> Vec<Tally> {
        self.ranks(weights, proximity_half_km)
            .into_iter()
            .map(|ranks| {
                let mut t = Tally::default();
                ranks.into_iter().for_each(|r| t.add(r));
                t
            })
            .collect()
    }

    /// The mutual score of each candidate of one subject, into `out`.
    fn scores(&self, s: &Subject, weights: &BodyWeights, half_km: f64, out: &mut Vec<f64>) {
        out.clear();
        let own = weights.of(s.body);
        let same_half = half_km.to_bits() == self.params.proximity_half_km.to_bits();
        let params = ScoringParams { proximity_half_km: half_km, ..self.params };
        let p = Criterion::Proximity.index();
        for j in 0..s.candidates.len() {
            let (mut f, mut b) = (s.forward[j], s.backward[j]);
            if !same_half {
                // The engine's proximity (`criteria::proximity::value`) at another half-distance.
                let v = params.proximity(s.distance[j], s.adjacent[j], s.contains[j]);
                f[p] = v;
                b[p] = v;
            }
            let forward = weighted(own, &f);
            let backward = weighted(weights.of(s.candidates[j] as usize), &b);
            out.push(self.mutual.combine(forward, backward));
        }
    }
}

/// Σ weight × value in criterion order, as `score::weighted` sums.
#[inline]
fn weighted(weights: &[f64; C], values: &[f64; C]) -> f64 {
    let mut score = 0.0;
    for (w, v) in weights.iter().zip(values) {
        score += w * v;
    }
    score
}
