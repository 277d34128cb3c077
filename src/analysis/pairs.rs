//! The pairing plan: every member body in at most one pair, maximising the total mutual score
//! over the candidate graph, by the exact maximum-weight matching or the weight-sorted greedy,
//! with the greedy's gap to the optimum or to an upper bound. Returns plain results (body
//! indices, scores, timings); explanations and printing are the caller's. No I/O.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::engine::Engine;
use crate::rank::RankSettings;
use crate::score::PairScore;

use super::candidates::{self, AnalysisError, CandidateGraph, PairView};
use super::matching::{self, Matching};

/// How the pairs are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The maximum-weight matching (exact on the candidate graph).
    #[default]
    Exact,
    /// Heaviest edge first while both ends are free: at least half the optimum.
    Greedy,
}

impl Method {
    /// The name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::Greedy => "greedy",
        }
    }
}

/// What to pair and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairsSettings {
    /// Filters, service focus, distance limit, existing partners, how scores combine
    /// (`top` is ignored: `candidates` sets the graph's k).
    pub rank: RankSettings,
    /// Partners per body in the candidate graph.
    pub candidates: usize,
    /// Candidate edges scoring below this are left out.
    pub min_score: f64,
    /// Exact or greedy.
    pub method: Method,
    /// With `Greedy`, also solve exactly to report the true gap.
    pub compare: bool,
}

impl Default for PairsSettings {
    fn default() -> Self {
        Self {
            rank: RankSettings::default(),
            candidates: 10,
            min_score: 0.0,
            method: Method::Exact,
            compare: false,
        }
    }
}

/// One pair of the plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// The body first in id order (dataset index).
    pub a: usize,
    /// Its partner.
    pub b: usize,
    /// Scores in the pair view, `a`'s view forward.
    pub score: PairScore,
    /// Distance between centres (km).
    pub distance_km: f64,
}

/// What the reported bound is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundKind {
    /// The exact optimum, computed.
    ExactOptimum,
    /// The smaller of the fractional bound Σ_v max incident score / 2 and twice the greedy
    /// total (the greedy's 1/2 guarantee).
    Fractional,
    /// Twice the greedy total.
    TwiceGreedy,
}

/// An upper bound on the best total over the candidate graph.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bound {
    /// What it is.
    pub kind: BoundKind,
    /// Its value (sum of mutual scores).
    pub value: f64,
}

/// The size and shape of the candidate graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GraphStats {
    /// Member bodies.
    pub n_bodies: usize,
    /// Candidate edges kept.
    pub n_edges: usize,
    /// Connected components with at least one edge.
    pub n_components: usize,
    /// Bodies in the largest component.
    pub largest_component: usize,
    /// Pairs scored by the top-k search.
    pub pairs_scored: u64,
}

impl GraphStats {
    /// The figures of a candidate graph, its weighted edges and their
    /// connected components.
    pub fn of(
        graph: &CandidateGraph,
        edges: &[matching::WeightedEdge],
        components: &[Vec<u32>],
    ) -> Self {
        Self {
            n_bodies: graph.members.len(),
            n_edges: edges.len(),
            n_components: components.len(),
            largest_component: components.iter().map(Vec::len).max().unwrap_or(0),
            pairs_scored: graph.stats.pairs_scored,
        }
    }
}

/// Wall-clock time of each step.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Timings {
    /// Building the candidate graph (top-k search and edge scoring).
    pub candidates: Duration,
    /// The exact matching, if run.
    pub exact: Option<Duration>,
    /// The greedy.
    pub greedy: Duration,
}

/// The pairing plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PairingPlan {
    /// The method whose pairs these are.
    pub method: Method,
    /// The pairs, best score first (ties by ids).
    pub pairs: Vec<Pair>,
    /// Member bodies left without a partner, in id order.
    pub unpaired: Vec<usize>,
    /// Sum of the pairs' mutual scores.
    pub total: f64,
    /// The exact optimum's total, when computed.
    pub exact_total: Option<f64>,
    /// The greedy's total (always computed: it is cheap).
    pub greedy_total: f64,
    /// An upper bound on any plan's total over the candidate graph.
    pub bound: Bound,
    /// `bound.value − total` (0 for the exact plan).
    pub gap: f64,
    /// Whether the exact matching passed its optimality certificate (always, when computed).
    pub certified: bool,
    /// The candidate graph's shape.
    pub graph: GraphStats,
    /// Step times.
    pub timings: Timings,
    /// The candidate graph as the matching saw it: integer-weighted edges between member
    /// positions (0 to `graph.n_bodies` − 1), for `pairs --graph-out` and outside solvers.
    pub edges: Vec<matching::WeightedEdge>,
    /// The exact matching's total integer weight (the sum of its edges' weights), when computed.
    pub exact_weight: Option<i64>,
}

impl PairingPlan {
    /// The gap as a share of the bound (0 when the bound is 0).
    pub fn gap_share(&self) -> f64 {
        if self.bound.value > 0.0 { self.gap / self.bound.value } else { 0.0 }
    }
}

/// Builds the pairing plan.
///
/// Steps: the candidate graph (`candidates::build`, O(members × top-k search)); the greedy
/// (O(E log E)); with `Exact` (or `compare`) the maximum-weight matching per connected
/// component in parallel (see `matching`), checked against its optimality certificate.
/// "Exact" means: no other set of disjoint candidate pairs has a larger sum of integer weights
/// round(score × 2^30), so its total of scores is within (number of members) × 2^-31 of the
/// best possible; pairs outside the candidate graph (beyond every body's k best) are not
/// considered. Identical results for any thread count.
pub fn plan(engine: &Engine, settings: &PairsSettings) -> Result<PairingPlan, AnalysisError> {
    let started = Instant::now();
    let view = PairView::new(&engine.index, &settings.rank)?;
    let graph =
        candidates::build(engine, &view, &settings.rank, settings.candidates, settings.min_score)?;
    let candidates_time = started.elapsed();
    let n = graph.members.len();
    let edges = graph.weighted_edges();
    let components = matching::components(n, &edges);
    let stats = GraphStats::of(&graph, &edges, &components);

    let greedy_started = Instant::now();
    let greedy = matching::greedy_matching(n, &edges)?;
    let greedy_time = greedy_started.elapsed();
    let greedy_pairs = pairs_of(&graph, &greedy);
    let greedy_total = total_of(&greedy_pairs);

    let run_exact = settings.method == Method::Exact || settings.compare;
    let mut exact_weight = None;
    let (exact_pairs, exact_time) = if run_exact {
        let exact_started = Instant::now();
        let exact = matching::maximum_weight_matching(n, &edges)?;
        exact_weight = Some(exact.weight);
        (Some(pairs_of(&graph, &exact)), Some(exact_started.elapsed()))
    } else {
        (None, None)
    };
    let exact_total = exact_pairs.as_deref().map(total_of);

    let (pairs, total) = match (settings.method, exact_pairs) {
        (Method::Exact, Some(pairs)) => {
            let total = total_of(&pairs);
            (pairs, total)
        }
        _ => (greedy_pairs, greedy_total),
    };
    let bound = match exact_total {
        Some(value) => Bound { kind: BoundKind::ExactOptimum, value },
        None => {
            let fractional = fractional_bound(&graph);
            let twice = 2.0 * greedy_total;
            if fractional <= twice {
                Bound { kind: BoundKind::Fractional, value: fractional }
            } else {
                Bound { kind: BoundKind::TwiceGreedy, value: twice }
            }
        }
    };
    let gap = (bound.value - total).max(0.0);
    let mut paired = vec![false; engine.index.len()];
    for p in &pairs {
        paired[p.a] = true;
        paired[p.b] = true;
    }
    let unpaired = graph.members.iter().copied().filter(|&m| !paired[m]).collect();
    Ok(PairingPlan {
        method: settings.method,
        pairs,
        unpaired,
        total,
        exact_total,
        greedy_total,
        bound,
        gap,
        certified: run_exact,
        graph: stats,
        timings: Timings { candidates: candidates_time, exact: exact_time, greedy: greedy_time },
        edges,
        exact_weight,
    })
}

/// The matched candidate edges, best score first, ties by ids.
fn pairs_of(graph: &CandidateGraph, m: &Matching) -> Vec<Pair> {
    let mut pairs: Vec<Pair> = graph
        .edges
        .iter()
        .filter(|e| {
            let (pa, pb) = (graph.position(e.a), graph.position(e.b));
            matches!((pa, pb), (Some(x), Some(y)) if m.mate[x] == Some(y as u32))
        })
        .map(|e| Pair { a: e.a, b: e.b, score: e.score, distance_km: e.distance_km })
        .collect();
    pairs.sort_by(|x, y| {
        y.score.mutual.total_cmp(&x.score.mutual).then(x.a.cmp(&y.a)).then(x.b.cmp(&y.b))
    });
    pairs
}

/// The sum of the pairs' scores, in their order (so the same pairs always give the same sum),
/// folded from +0.0 (an empty `sum` of floats is −0.0).
fn total_of(pairs: &[Pair]) -> f64 {
    pairs.iter().map(|p| p.score.mutual).fold(0.0, |a, b| a + b)
}

/// Σ over members of their best incident candidate score, halved: no set of disjoint
/// candidate pairs can score more.
fn fractional_bound(graph: &CandidateGraph) -> f64 {
    let mut best = vec![0.0f64; graph.members.len()];
    for e in &graph.edges {
        for body in [e.a, e.b] {
            if let Some(p) = graph.position(body) {
                best[p] = best[p].max(e.score.mutual);
            }
        }
    }
    best.iter().fold(0.0, |a, b| a + b) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Mutual;
    use crate::test_data::random_engine;

    #[test]
    fn exact_beats_or_ties_greedy_and_greedy_reports_its_bound() {
        for seed in 0..8 {
            let engine = random_engine(seed, 60);
            let exact = plan(&engine, &PairsSettings::default()).unwrap();
            assert!(exact.certified);
            assert_eq!(exact.bound.kind, BoundKind::ExactOptimum);
            assert!(exact.total + 1e-9 >= exact.greedy_total);
            assert!(2.0 * exact.greedy_total + 1e-9 >= exact.total);
            assert!(exact.gap.abs() < 1e-12);
            let n_paired = 2 * exact.pairs.len() + exact.unpaired.len();
            assert_eq!(n_paired, 60);
            let greedy = plan(
                &engine,
                &PairsSettings { method: Method::Greedy, ..PairsSettings::default() },
            )
            .unwrap();
            assert!(!greedy.certified);
            assert!((greedy.total - exact.greedy_total).abs() < 1e-12);
            assert!(greedy.bound.value + 1e-9 >= exact.total, "bound below the optimum");
            let compared = plan(
                &engine,
                &PairsSettings {
                    method: Method::Greedy,
                    compare: true,
                    ..PairsSettings::default()
                },
            )
            .unwrap();
            assert_eq!(compared.bound.kind, BoundKind::ExactOptimum);
            assert!((compared.gap - (exact.total - greedy.total)).abs() < 1e-9);
        }
    }

    #[test]
    fn with_every_pair_a_candidate_the_plan_is_the_best_of_all_pairings() {
        // 9 bodies, k = 8: the candidate graph is complete, so the exact plan is the best
        // pairing overall. Checked by trying every pairing.
        for seed in 0..6 {
            let engine = random_engine(seed, 9);
            let settings = PairsSettings { candidates: 8, ..PairsSettings::default() };
            let plan = plan(&engine, &settings).unwrap();
            let view = PairView::new(&engine.index, &settings.rank).unwrap();
            fn best(free: &mut Vec<usize>, view: &PairView<'_>) -> f64 {
                let Some(first) = free.pop() else { return 0.0 };
                let mut b = best(free, view);
                for i in 0..free.len() {
                    let other = free.remove(i);
                    let s = view.score(first.min(other), first.max(other)).mutual;
                    b = b.max(s + best(free, view));
                    free.insert(i, other);
                }
                free.push(first);
                b
            }
            let optimum = best(&mut (0..9).collect(), &view);
            assert!((plan.total - optimum).abs() < 1e-6, "{} vs {optimum}", plan.total);
        }
    }

    #[test]
    fn forward_scores_and_bad_settings_are_refused() {
        let engine = random_engine(1, 10);
        let mut settings = PairsSettings::default();
        settings.rank.mutual = Mutual::Forward;
        assert_eq!(plan(&engine, &settings), Err(AnalysisError::OneSidedScore));
        for bad in [
            PairsSettings { candidates: 0, ..PairsSettings::default() },
            PairsSettings { min_score: 1.5, ..PairsSettings::default() },
            PairsSettings { min_score: f64::NAN, ..PairsSettings::default() },
        ] {
            assert!(matches!(plan(&engine, &bad), Err(AnalysisError::Setting(_))));
        }
    }

    #[test]
    fn min_score_leaves_weak_pairs_out() {
        let engine = random_engine(3, 50);
        let all = plan(&engine, &PairsSettings::default()).unwrap();
        let threshold =
            all.pairs.iter().map(|p| p.score.mutual).sum::<f64>() / all.pairs.len().max(1) as f64;
        let strong =
            plan(&engine, &PairsSettings { min_score: threshold, ..PairsSettings::default() })
                .unwrap();
        assert!(strong.pairs.iter().all(|p| p.score.mutual >= threshold));
        assert!(strong.pairs.len() <= all.pairs.len());
    }

    #[test]
    fn identical_for_one_and_several_threads() {
        let engine = random_engine(11, 120);
        let settings = PairsSettings::default();
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        let a = one.install(|| plan(&engine, &settings)).unwrap();
        let b = three.install(|| plan(&engine, &settings)).unwrap();
        assert_eq!(a.pairs, b.pairs);
        assert_eq!(a.unpaired, b.unpaired);
        assert_eq!(a.total.to_bits(), b.total.to_bits());
    }
}
