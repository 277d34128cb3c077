//! Robustness of a ranking when only the order of the criteria is known: stochastic
//! multicriteria acceptability analysis (SMAA; Lahdelma, Hokkanen & Salminen 1998; Lahdelma &
//! Salminen 2001; Tervonen & Lahdelma 2007). Weight vectors are drawn exactly uniformly from
//! the set consistent with the order (a simplex whose vertices are the tie-block centroids), and
//! each candidate's chance of each rank, of the top K, and its central weights are estimated.
//! Because scores are linear in the weights, the exact claims ("in the top K under every
//! admissible weight", "excluded under all") are decided from the simplex's vertices. No I/O.
//!
//! Formulas, proofs and sources: `docs/robustness.md`.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::engine::Engine;
use crate::model::{CriteriaOrder, Criterion};
use crate::rank::{Eligibility, RankSettings, context};
use crate::score::{Mutual, PairFacts};
use crate::weights::{Method, block_sizes};

/// Samples per parallel chunk (at least; larger runs use at most `MAX_CHUNKS` chunks). Each
/// chunk has its own generator seeded from (seed, chunk), and chunk tallies are merged in chunk
/// order, so results do not depend on the number of threads.
const SAMPLES_PER_CHUNK: usize = 256;

/// The most chunks a run is cut into, which bounds the memory of the per-chunk tallies.
const MAX_CHUNKS: usize = 256;

/// A tolerance for comparing scores computed in different summation orders: ties within it
/// count as "can beat", which only ever makes the exact claims more cautious.
const EPSILON: f64 = 1e-12;

/// The most samples accepted (ten million), to bound the run time.
pub const MAX_SAMPLES: usize = 10_000_000;

/// What to analyse.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RobustnessSettings {
    /// Weight vectors to draw.
    pub samples: usize,
    /// Seed of the ChaCha8 generator.
    pub seed: u64,
    /// Candidates, filters and the mutual score (`top` is K).
    pub rank: RankSettings,
}

/// Why an analysis cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RobustnessError {
    /// The harmonic and minimum combinations are not linear in the weights.
    #[error(
        "robustness needs a score linear in the weights: use --mutual arithmetic (the mean of \
         both views, the default here) or --mutual forward, not {0}"
    )]
    NonLinear(&'static str),
    /// Explicit weights leave nothing to vary.
    #[error(
        "explicit weights fix every weight, so there is nothing uncertain to analyse: use a \
         rank-based --method (or none) to sample every weighting consistent with the order"
    )]
    Explicit,
    /// Zero or too many samples.
    #[error("--samples must be between 1 and {MAX_SAMPLES}, not {0}")]
    Samples(usize),
}

/// One candidate's acceptability.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Acceptability {
    /// The candidate's index in the dataset.
    #[serde(skip)]
    pub candidate: usize,
    /// Share of samples in which it ranked r, for r = 1..K (rank acceptability).
    pub ranks: Vec<f64>,
    /// Share of samples in which it ranked in the top K.
    pub top_k: f64,
    /// The subject's mean weight vector over the samples in which this candidate ranked first
    /// (its central weights); `None` when it never did.
    pub central_weights: Option<[f64; Criterion::COUNT]>,
    /// Proven: in the top K under every admissible weight vector.
    pub always_in_top_k: bool,
    /// Shown to be in the top K under some admissible weight vector (at a vertex of the
    /// admissible set or in a sample).
    pub possible_in_top_k: bool,
}

/// The outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Robustness {
    /// Eligible candidates.
    pub n_eligible: usize,
    /// Candidates proven unable to reach the top K (at least K others beat them under every
    /// admissible weight vector), left out before sampling.
    pub n_excluded: usize,
    /// Vertices of the admissible set of the order the sampled weights follow.
    pub vertices: Vec<[f64; Criterion::COUNT]>,
    /// Whether the ranked body has its own criteria order (then its weights and the others'
    /// are drawn independently, each from its own order's set).
    pub own_order: bool,
    /// Every candidate not excluded, most robust first (top-K share, then rank-1 share, then id).
    pub candidates: Vec<Acceptability>,
    /// The mean of the sampled weight vectors of the general order (its centroid estimate).
    pub mean_weights: [f64; Criterion::COUNT],
}

/// The vertices of the set of weight vectors consistent with an order: with tie blocks ending
/// at positions e_1 < ... < e_B, vertex b gives 1/e_b to every criterion in the first e_b
/// positions and 0 to the rest. Every admissible vector (non-negative, summing to 1, never
/// increasing along the order, equal within ties) is a convex combination of them.
pub fn admissible_vertices(order: &CriteriaOrder) -> Vec<[f64; Criterion::COUNT]> {
    let sizes = block_sizes(order);
    let criteria: Vec<Criterion> = order.positions().iter().flatten().copied().collect();
    let mut vertices = Vec::with_capacity(sizes.len());
    let mut end = 0usize;
    for size in sizes {
        end += size;
        let mut v = [0.0; Criterion::COUNT];
        for c in &criteria[..end] {
            v[c.index()] = 1.0 / end as f64;
        }
        vertices.push(v);
    }
    vertices
}

/// A point drawn uniformly from the simplex with `k` vertices: Dirichlet(1, ..., 1), by
/// normalised standard exponentials (−ln U).
fn dirichlet(rng: &mut ChaCha8Rng, k: usize, out: &mut Vec<f64>) {
    out.clear();
    let mut sum = 0.0;
    for _ in 0..k {
        let e = -(1.0 - rng.random::<f64>()).ln();
        out.push(e);
        sum += e;
    }
    for x in out.iter_mut() {
        *x /= sum;
    }
}

fn dot(a: &[f64; Criterion::COUNT], b: &[f64; Criterion::COUNT]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// A candidate's score as a function of the sampled coordinates: `subject[s]` is the forward
/// score at subject vertex s; `general[g]` the backward score at general vertex g, or `fixed`
/// when the candidate keeps its own weights. Both halves are already halved for the mean.
#[derive(Debug, Clone)]
struct Linear {
    candidate: usize,
    subject: Vec<f64>,
    general: Vec<f64>,
    fixed: f64,
}

impl Linear {
    #[inline]
    fn at(&self, lambda: &[f64], mu: &[f64]) -> f64 {
        let mut s = self.fixed;
        for (l, a) in lambda.iter().zip(&self.subject) {
            s += l * a;
        }
        for (m, b) in mu.iter().zip(&self.general) {
            s += m * b;
        }
        s
    }

    /// The score at a vertex of the sampled set.
    #[inline]
    fn at_vertex(&self, v: (usize, usize)) -> f64 {
        self.fixed
            + self.subject.get(v.0).copied().unwrap_or(0.0)
            + self.general.get(v.1).copied().unwrap_or(0.0)
    }
}

/// Analyses the robustness of `subject`'s top K. O(n·V) to prepare and prune (V vertices),
/// then O(samples · m · V) for the m candidates left, and O(m · V · K) for the exact claims.
pub fn robustness(
    engine: &Engine,
    subject: usize,
    settings: &RobustnessSettings,
) -> Result<Robustness, RobustnessError> {
    let mutual = settings.rank.mutual;
    if matches!(mutual, Mutual::Harmonic | Mutual::Minimum) {
        return Err(RobustnessError::NonLinear(mutual.name()));
    }
    if settings.samples == 0 || settings.samples > MAX_SAMPLES {
        return Err(RobustnessError::Samples(settings.samples));
    }
    let method = engine.settings.method().unwrap_or(engine.survey.method());
    if matches!(method, Method::Explicit(_)) {
        return Err(RobustnessError::Explicit);
    }
    let k = settings.rank.top;
    let index = &engine.index;
    let orgs = engine.dataset.organisations();
    let general_order = engine.settings.order().unwrap_or(engine.survey.criteria_order());
    let general = admissible_vertices(general_order);
    let own_order = orgs[subject].criteria_order.is_some();
    let subject_vertices = if own_order {
        admissible_vertices(engine.survey.order_for(&orgs[subject], &engine.settings))
    } else {
        general.clone()
    };
    let both = mutual == Mutual::Arithmetic;
    let half = if both { 0.5 } else { 1.0 };

    // Every eligible candidate's score as a linear function of the sampled coordinates.
    let ctx = context(index, subject, &settings.rank);
    let eligibility = Eligibility::new(index, &settings.rank);
    let linear: Vec<Linear> = (0..index.len())
        .into_par_iter()
        .filter(|&j| {
            eligibility.allows(index, subject, index.body(j))
                && (eligibility.within_km.is_none()
                    || eligibility.within(index.distance_km(subject, j)))
        })
        .map(|j| {
            let facts = PairFacts::of(index, subject, j);
            let values = |from, to| -> [f64; Criterion::COUNT] {
                ctx.values(from, to, &facts).map(|v| v.value)
            };
            let forward = values(subject, j);
            let subject_scores = subject_vertices.iter().map(|v| half * dot(v, &forward)).collect();
            let (general_scores, fixed) = if !both {
                (Vec::new(), 0.0)
            } else {
                let backward = values(j, subject);
                if orgs[j].criteria_order.is_some() {
                    (Vec::new(), half * dot(index.weights(j), &backward))
                } else {
                    (general.iter().map(|v| half * dot(v, &backward)).collect(), 0.0)
                }
            };
            Linear { candidate: j, subject: subject_scores, general: general_scores, fixed }
        })
        .collect();
    let n_eligible = linear.len();

    // The vertices of the sampled set: shared weights move together (one simplex); a subject
    // with its own order is drawn independently (the product of two simplices).
    let vertices: Vec<(usize, usize)> = if own_order && both {
        (0..subject_vertices.len()).flat_map(|s| (0..general.len()).map(move |g| (s, g))).collect()
    } else if both {
        (0..general.len()).map(|v| (v, v)).collect()
    } else {
        (0..subject_vertices.len()).map(|s| (s, usize::MAX)).collect()
    };
    // Exact pruning: the K-th best worst-case score beats every score of a candidate whose best
    // case is below it, under every weight vector, as do the K candidates above it.
    let extremes: Vec<(f64, f64)> = linear
        .iter()
        .map(|l| {
            vertices.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                let s = l.at_vertex(*v);
                (lo.min(s), hi.max(s))
            })
        })
        .collect();
    let kept: Vec<Linear> = if k > 0 && n_eligible > k {
        let mut worst: Vec<f64> = extremes.iter().map(|e| e.0).collect();
        worst.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
        let bar = worst[k - 1] - EPSILON;
        linear.into_iter().zip(&extremes).filter(|(_, e)| e.1 >= bar).map(|(l, _)| l).collect()
    } else if k == 0 {
        Vec::new()
    } else {
        linear
    };
    let n_excluded = n_eligible - kept.len();

    // Sampling, in chunks with their own seeded generators.
    let per_chunk = SAMPLES_PER_CHUNK.max(settings.samples.div_ceil(MAX_CHUNKS));
    let n_chunks = settings.samples.div_ceil(per_chunk);
    let m = kept.len();
    // Each candidate's highest possible score (the coordinates sum to 1 on each simplex), and
    // the candidates in that order: a sample stops scoring at the first candidate whose
    // highest score is below its K-th best, since no later one can reach it.
    let upper: Vec<f64> = kept
        .iter()
        .map(|l| {
            let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max).max(0.0);
            l.fixed + max(&l.subject) + max(&l.general)
        })
        .collect();
    let mut by_upper: Vec<usize> = (0..m).collect();
    by_upper.sort_unstable_by(|&a, &b| {
        upper[b].total_cmp(&upper[a]).then(kept[a].candidate.cmp(&kept[b].candidate))
    });
    let (b_subject, b_general) = (subject_vertices.len(), general.len());
    let shared = !own_order;
    let tallies = (0..n_chunks)
        .into_par_iter()
        .map(|chunk| {
            let mut rng = ChaCha8Rng::seed_from_u64(
                settings.seed ^ (chunk as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            let n = per_chunk.min(settings.samples - chunk * per_chunk);
            let mut t = Tally::new(m, k);
            let (mut lambda, mut mu) = (Vec::new(), Vec::new());
            let mut scores: Vec<(f64, usize)> = Vec::with_capacity(k.min(m) + 1);
            for _ in 0..n {
                dirichlet(&mut rng, b_subject, &mut lambda);
                if shared {
                    mu.clone_from(&lambda);
                } else {
                    dirichlet(&mut rng, b_general, &mut mu);
                }
                let mu_used: &[f64] = if both { &mu } else { &[] };
                let top = k.min(m);
                if top == 0 {
                    continue;
                }
                let by_rank = |a: &(f64, usize), b: &(f64, usize)| {
                    b.0.total_cmp(&a.0).then(kept[a.1].candidate.cmp(&kept[b.1].candidate))
                };
                // The sample's top K, best first, scoring candidates by falling highest score
                // until none left can reach the K-th (a margin far above rounding error).
                scores.clear();
                for &i in &by_upper {
                    if scores.len() == top && upper[i] + 1e-9 < scores[top - 1].0 {
                        break;
                    }
                    let item = (kept[i].at(&lambda, mu_used), i);
                    if scores.len() < top || by_rank(&item, &scores[top - 1]).is_lt() {
                        let at = scores.partition_point(|x| by_rank(x, &item).is_lt());
                        scores.insert(at, item);
                        scores.truncate(top);
                    }
                }
                for (r, (_, i)) in scores.iter().enumerate() {
                    t.ranks[i * k + r] += 1;
                }
                let first = scores[0].1;
                let w = weights_at(&subject_vertices, &lambda);
                for (c, x) in t.central[first].iter_mut().zip(&w) {
                    *c += x;
                }
                let wg = weights_at(&general, if shared { &lambda } else { &mu });
                for (c, x) in t.mean.iter_mut().zip(&wg) {
                    *c += x;
                }
            }
            t
        })
        .collect::<Vec<Tally>>()
        .into_iter()
        .fold(Tally::new(m, k), Tally::merge);

    // Exact claims from the vertices.
    let vertex_tops: Vec<Vec<usize>> = vertices
        .iter()
        .map(|v| {
            let mut at: Vec<(f64, usize)> =
                kept.iter().enumerate().map(|(i, l)| (l.at_vertex(*v), i)).collect();
            at.sort_unstable_by(|a, b| {
                b.0.total_cmp(&a.0).then(kept[a.1].candidate.cmp(&kept[b.1].candidate))
            });
            at.truncate(k);
            at.into_iter().map(|(_, i)| i).collect()
        })
        .collect();
    let samples = settings.samples as f64;
    let mut out: Vec<Acceptability> = kept
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let ranks: Vec<f64> =
                (0..k).map(|r| tallies.ranks[i * k + r] as f64 / samples).collect();
            let top_k: f64 = ranks.iter().sum();
            let firsts = tallies.ranks[i * k] as f64;
            let central_weights = (firsts > 0.0).then(|| tallies.central[i].map(|x| x / firsts));
            let in_every_vertex_top = vertex_tops.iter().all(|t| t.contains(&i));
            // Scores are linear in the sampled coordinates, so whoever can beat `l` anywhere
            // beats it at a vertex; fewer than K such candidates prove `l` is always in the top
            // K. (Candidates left out cannot beat it: they are below K others everywhere, and
            // where they were above `l`, `l` would be out of a vertex's top K.)
            let always_in_top_k = in_every_vertex_top
                && kept
                    .iter()
                    .enumerate()
                    .filter(|(o, other)| *o != i && vertices.iter().any(|v| can_beat(other, l, *v)))
                    .count()
                    < k;
            let possible_in_top_k = top_k > 0.0 || vertex_tops.iter().any(|t| t.contains(&i));
            Acceptability {
                candidate: l.candidate,
                ranks,
                top_k,
                central_weights,
                always_in_top_k,
                possible_in_top_k,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.top_k
            .total_cmp(&a.top_k)
            .then(b.ranks.first().unwrap_or(&0.0).total_cmp(a.ranks.first().unwrap_or(&0.0)))
            .then(a.candidate.cmp(&b.candidate))
    });
    Ok(Robustness {
        n_eligible,
        n_excluded,
        vertices: general,
        own_order,
        candidates: out,
        mean_weights: tallies.mean.map(|x| x / samples),
    })
}

/// Whether `a` can rank above `b` at vertex `v` (ties count, cautiously).
#[inline]
fn can_beat(a: &Linear, b: &Linear, v: (usize, usize)) -> bool {
    a.at_vertex(v) - b.at_vertex(v) > -EPSILON
}

/// The weight vector at simplex coordinates `lambda` over `vertices`.
fn weights_at(vertices: &[[f64; Criterion::COUNT]], lambda: &[f64]) -> [f64; Criterion::COUNT] {
    let mut w = [0.0; Criterion::COUNT];
    for (v, l) in vertices.iter().zip(lambda) {
        for (x, y) in w.iter_mut().zip(v) {
            *x += l * y;
        }
    }
    w
}

/// Counts gathered by one chunk of samples.
struct Tally {
    k: usize,
    ranks: Vec<u64>,
    central: Vec<[f64; Criterion::COUNT]>,
    mean: [f64; Criterion::COUNT],
}

impl Tally {
    fn new(m: usize, k: usize) -> Self {
        Self {
            k,
            ranks: vec![0; m * k],
            central: vec![[0.0; Criterion::COUNT]; m],
            mean: [0.0; Criterion::COUNT],
        }
    }

    fn merge(mut self, other: Tally) -> Tally {
        debug_assert_eq!(self.k, other.k);
        for (a, b) in self.ranks.iter_mut().zip(&other.ranks) {
            *a += b;
        }
        for (a, b) in self.central.iter_mut().zip(&other.central) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (x, y) in self.mean.iter_mut().zip(&other.mean) {
            *x += y;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::dataset::Dataset;
    use crate::model::Enumeration;
    use crate::test_data::random_organisations;
    use crate::weights::{Survey, WeightSettings, criteria_weights};

    fn engine(seed: u64, n: usize, order: Option<&str>) -> Engine {
        let dataset = Dataset::from_organisations(random_organisations(seed, n), "random").unwrap();
        let settings = WeightSettings::new(order.map(|o| o.parse().unwrap()), None).unwrap();
        Engine::new(dataset, Survey::embedded().unwrap(), settings).unwrap()
    }

    fn settings(top: usize, samples: usize, seed: u64, mutual: Mutual) -> RobustnessSettings {
        RobustnessSettings {
            samples,
            seed,
            rank: RankSettings { top, mutual, ..RankSettings::default() },
        }
    }

    #[test]
    fn the_sampler_mean_is_the_rank_order_centroid_with_and_without_ties() {
        for order in [
            None,
            Some(
                "proximity,service_fit+kind_fit,size_fit,trust,barrier_risk+shared_priorities+shared_geography,ict_fit,political_alignment",
            ),
        ] {
            let e = engine(1, 12, order);
            let r = robustness(&e, 0, &settings(3, 200_000, 42, Mutual::Arithmetic)).unwrap();
            let general = e.settings.order().unwrap_or(e.survey.criteria_order());
            let roc = criteria_weights(general, &Method::RankOrderCentroid).unwrap();
            for c in Criterion::all() {
                let (got, want) = (r.mean_weights[c.index()], roc.get(*c));
                assert!((got - want).abs() < 2e-3, "{order:?} {c}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn vertices_span_the_ordered_simplex() {
        let e = engine(1, 3, None);
        let v = admissible_vertices(e.survey.criteria_order());
        assert_eq!(v.len(), 10);
        assert!((v[0][Criterion::Proximity.index()] - 1.0).abs() < 1e-15);
        assert!(v.iter().all(|x| (x.iter().sum::<f64>() - 1.0).abs() < 1e-12));
        let tied = "proximity+service_fit,kind_fit,size_fit,trust,barrier_risk,shared_priorities,shared_geography,ict_fit,political_alignment";
        let v = admissible_vertices(&tied.parse().unwrap());
        assert_eq!(v.len(), 9);
        assert!((v[0][Criterion::ServiceFit.index()] - 0.5).abs() < 1e-15);
    }

    #[test]
    fn linear_mutual_scores_only_and_bad_sample_counts_are_refused() {
        let e = engine(1, 5, None);
        assert!(matches!(
            robustness(&e, 0, &settings(2, 10, 1, Mutual::Harmonic)),
            Err(RobustnessError::NonLinear(_))
        ));
        assert!(matches!(
            robustness(&e, 0, &settings(2, 0, 1, Mutual::Forward)),
            Err(RobustnessError::Samples(0))
        ));
    }

    /// Scores every eligible candidate at weights drawn independently of the analysis, straight
    /// from the criterion values: the brute-force check of the exact claims.
    fn brute_force_tops(
        e: &Engine,
        subject: usize,
        k: usize,
        draws: usize,
        seed: u64,
    ) -> Vec<Vec<usize>> {
        let general = admissible_vertices(e.settings.order().unwrap_or(e.survey.criteria_order()));
        let own = e.dataset.organisations()[subject].criteria_order.is_some();
        let subject_vertices = if own {
            admissible_vertices(
                e.survey.order_for(&e.dataset.organisations()[subject], &e.settings),
            )
        } else {
            general.clone()
        };
        let rank = RankSettings { top: k, ..RankSettings::default() };
        let ctx = context(&e.index, subject, &rank);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (mut lambda, mut mu) = (Vec::new(), Vec::new());
        let mut tops = Vec::new();
        for _ in 0..draws {
            dirichlet(&mut rng, subject_vertices.len(), &mut lambda);
            if own {
                dirichlet(&mut rng, general.len(), &mut mu);
            } else {
                mu.clone_from(&lambda);
            }
            let (ws, wg) = (weights_at(&subject_vertices, &lambda), weights_at(&general, &mu));
            let mut scored: Vec<(f64, usize)> = (0..e.index.len())
                .filter(|&j| j != subject)
                .map(|j| {
                    let facts = PairFacts::of(&e.index, subject, j);
                    let f: [f64; Criterion::COUNT] =
                        ctx.values(subject, j, &facts).map(|v| v.value);
                    let b: [f64; Criterion::COUNT] =
                        ctx.values(j, subject, &facts).map(|v| v.value);
                    let wj = if e.dataset.organisations()[j].criteria_order.is_some() {
                        *e.index.weights(j)
                    } else {
                        wg
                    };
                    ((dot(&ws, &f) + dot(&wj, &b)) / 2.0, j)
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            tops.push(scored.iter().take(k).map(|x| x.1).collect());
        }
        tops
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn exact_claims_agree_with_brute_force_over_sampled_weights(seed in any::<u64>(), n in 2usize..40, k in 1usize..6) {
            let e = engine(seed, n, None);
            let subject = (seed % n as u64) as usize;
            let r = robustness(&e, subject, &settings(k, 2_000, seed, Mutual::Arithmetic)).unwrap();
            let tops = brute_force_tops(&e, subject, k, 300, seed ^ 99);
            let shown: Vec<usize> = r.candidates.iter().map(|a| a.candidate).collect();
            for top in &tops {
                for j in top {
                    // Excluded candidates (not shown) never reach the top K.
                    prop_assert!(shown.contains(j), "excluded candidate {j} reached the top {k}");
                }
            }
            for a in &r.candidates {
                if a.always_in_top_k {
                    prop_assert!(tops.iter().all(|t| t.contains(&a.candidate)), "{} said always, but not", a.candidate);
                    prop_assert!((a.top_k - 1.0).abs() < 1e-12);
                }
                prop_assert!((0.0..=1.0 + 1e-12).contains(&a.top_k));
            }
            // Each rank is taken by exactly one candidate in every sample.
            let n_candidates = r.n_eligible;
            for rank in 0..k.min(n_candidates) {
                let total: f64 = r.candidates.iter().map(|a| a.ranks[rank]).sum();
                prop_assert!((total - 1.0).abs() < 1e-9, "rank {rank} sums to {total}");
            }
        }

        #[test]
        fn figures_repeat_with_the_seed_and_ignore_the_thread_count(seed in any::<u64>(), n in 2usize..30) {
            let e = engine(seed, n, None);
            let s = settings(3, 1_000, seed, Mutual::Arithmetic);
            let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
            let a = one.install(|| robustness(&e, 0, &s)).unwrap();
            let b = robustness(&e, 0, &s).unwrap();
            prop_assert_eq!(&a, &b);
        }
    }
}
