//! The candidate graph both analyses start from: the member bodies (those that pass the
//! filters and the service focus), each joined to its k best partners exactly as `rank` would
//! list them (`AllRanker`), every edge weighted by the pair's mutual score in the symmetric
//! pair view. Also the pair view itself (scores, eligibility and explanations of any two
//! members) and the errors of the analyses. No I/O.
//!
//! The pair view treats both bodies alike. Without a service focus it is exactly `rank`'s
//! score, which is symmetric for the harmonic, arithmetic and minimum combinations. Under a
//! focus `rank` takes the ranked body to seek the focus services, which would make a pair's
//! score depend on which side was ranked; here each body's need is what it seeks or offers
//! within the focus instead, so both orders give the same score.

use rayon::prelude::*;

use crate::dataset::Dataset;
use crate::engine::Engine;
use crate::index::ScoringIndex;
use crate::rank::{AllRanker, AllStats, Eligibility, RankSettings, Ranked};
use crate::score::{self, Context, Explanation, Mutual, PairScore, score_pair};

use super::matching::{MAX_WEIGHT, MatchingError, WeightedEdge};

/// Scores become integer weights as round(score × 2^30) for the exact matching: scores lie in
/// [0, 1], so weights lie in 0..=2^30, and rounding moves each by at most 2^-31.
pub const WEIGHT_SCALE: f64 = (1u64 << 30) as f64;

/// The integer weight of a score (see `WEIGHT_SCALE`).
pub fn weight_of(score: f64) -> i64 {
    let w = (score.clamp(0.0, 1.0) * WEIGHT_SCALE).round() as i64;
    w.clamp(0, MAX_WEIGHT)
}

/// What the analyses refuse, and failures inside them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    /// `Mutual::Forward` makes a pair's score depend on its order.
    #[error(
        "a pairing needs a score both sides share; --mutual forward is one body's view only: use harmonic, arithmetic or minimum"
    )]
    OneSidedScore,
    /// A setting out of range.
    #[error("{0}")]
    Setting(String),
    /// The matching failed (a bug: its input is built valid here).
    #[error(transparent)]
    Matching(#[from] MatchingError),
}

/// Scores, eligibility and explanations of any two bodies, the same from either side.
pub struct PairView<'a> {
    /// The index scored from.
    pub index: &'a ScoringIndex,
    ctx: Context<'a>,
    mutual: Mutual,
    exclude_partners: bool,
    within_km: Option<f64>,
    members: Eligibility,
}

impl<'a> PairView<'a> {
    /// The pair view of an index under ranking settings. Fails for a one-sided score.
    pub fn new(index: &'a ScoringIndex, settings: &RankSettings) -> Result<Self, AnalysisError> {
        if settings.mutual == Mutual::Forward {
            return Err(AnalysisError::OneSidedScore);
        }
        // Membership depends on the body alone: the filter and focus, without the pairwise
        // conditions (distance, existing partners), which `allowed` checks.
        let member_settings =
            RankSettings { within_km: None, exclude_partners: false, ..settings.clone() };
        Ok(Self {
            index,
            // No body is the subject (`usize::MAX` is none): each needs what it seeks or
            // offers within the focus.
            ctx: Context {
                index,
                params: settings.params,
                subject: usize::MAX,
                focus: settings.focus.bits(),
            },
            mutual: settings.mutual,
            exclude_partners: settings.exclude_partners,
            within_km: settings.within_km,
            members: Eligibility::new(index, &member_settings),
        })
    }

    /// Whether a body takes part: it passes the filters and the service focus.
    pub fn is_member(&self, body: usize) -> bool {
        body < self.index.len()
            && self.members.allows(self.index, usize::MAX, self.index.body(body))
    }

    /// Whether two members may be put together: distinct, within the distance limit and, with
    /// `exclude_partners`, not already partners.
    pub fn allowed(&self, a: usize, b: usize) -> bool {
        a != b
            && !(self.exclude_partners && self.index.partnered(a, b))
            && self.within_km.is_none_or(|d| self.index.distance_km(a, b) <= d)
    }

    /// The pair's scores, `a`'s view forward. `score(a, b).mutual == score(b, a).mutual`.
    pub fn score(&self, a: usize, b: usize) -> PairScore {
        score_pair(&self.ctx, a, b, self.mutual).0
    }

    /// The pair's scores and the distance between their centres (km).
    pub fn score_and_distance(&self, a: usize, b: usize) -> (PairScore, f64) {
        let (score, facts) = score_pair(&self.ctx, a, b, self.mutual);
        (score, facts.distance_km)
    }

    /// Every criterion both ways, with reasons, in the same pair view.
    pub fn explain(&self, dataset: &Dataset, a: usize, b: usize) -> Explanation {
        score::explain(&self.ctx, dataset, a, b, self.mutual)
    }

    /// How the two views combine.
    pub fn mutual(&self) -> Mutual {
        self.mutual
    }
}

/// One edge of the candidate graph, `a < b` (dataset indices).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CandidateEdge {
    /// The body first in id order.
    pub a: usize,
    /// The other body.
    pub b: usize,
    /// The pair's scores in the pair view (`a`'s view forward).
    pub score: PairScore,
    /// Distance between centres (km).
    pub distance_km: f64,
}

/// The candidate graph.
#[derive(Debug, Clone)]
pub struct CandidateGraph {
    /// The member bodies (dataset indices), in id order.
    pub members: Vec<usize>,
    /// Each member's k best partners as `rank` lists them, aligned with `members`.
    pub lists: Vec<Vec<Ranked>>,
    /// The edges with score at least the minimum (and above 0), sorted by (a, b).
    pub edges: Vec<CandidateEdge>,
    /// Candidates per body.
    pub k: usize,
    /// What the top-k search did.
    pub stats: AllStats,
}

impl CandidateGraph {
    /// A member's position in `members`, if it is one.
    pub fn position(&self, body: usize) -> Option<usize> {
        self.members.binary_search(&body).ok()
    }

    /// The edges as integer-weighted edges over member positions (for the matching).
    pub fn weighted_edges(&self) -> Vec<WeightedEdge> {
        let mut position = vec![u32::MAX; self.members.last().map_or(0, |&m| m + 1)];
        for (i, &m) in self.members.iter().enumerate() {
            position[m] = i as u32;
        }
        self.edges
            .iter()
            .map(|e| WeightedEdge::new(position[e.a], position[e.b], weight_of(e.score.mutual)))
            .collect()
    }
}

/// Builds the candidate graph: the members, each one's top `k` partners (exact, in parallel,
/// by `AllRanker`'s pruned search), and the union of those pairs scored in the pair view,
/// keeping those with mutual score at least `min_score` and an integer weight above 0.
/// O(members × top-k search) + O(E log E) for E ≤ members × k edges. Deterministic for any
/// thread count (results are collected in member order).
pub fn build(
    engine: &Engine,
    view: &PairView<'_>,
    settings: &RankSettings,
    k: usize,
    min_score: f64,
) -> Result<CandidateGraph, AnalysisError> {
    if k == 0 {
        return Err(AnalysisError::Setting(
            "--candidates must be at least 1 (partners per body in the candidate graph)".to_owned(),
        ));
    }
    if !(0.0..=1.0).contains(&min_score) {
        return Err(AnalysisError::Setting(format!(
            "--min-score {min_score} is not a score; give a number from 0 to 1"
        )));
    }
    let index = &engine.index;
    let members: Vec<usize> = (0..index.len()).filter(|&i| view.is_member(i)).collect();
    let top_settings = RankSettings { top: k, ..settings.clone() };
    let ranker = AllRanker::new(index, &top_settings);
    let (lists, stats) = ranker.pruned_many(&members);
    let mut pairs: Vec<(usize, usize)> = members
        .iter()
        .zip(&lists)
        .flat_map(|(&a, list)| list.iter().map(move |r| (a.min(r.candidate), a.max(r.candidate))))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let edges: Vec<CandidateEdge> = pairs
        .par_iter()
        .map(|&(a, b)| {
            let (score, distance_km) = view.score_and_distance(a, b);
            CandidateEdge { a, b, score, distance_km }
        })
        .collect::<Vec<_>>()
        .into_iter()
        .filter(|e| e.score.mutual >= min_score && weight_of(e.score.mutual) > 0)
        .collect();
    Ok(CandidateGraph { members, lists, edges, k, stats })
}
