//! Ranking: one body's best partners among all the others, scored in parallel with Rayon
//! (per-thread top-k, merged) or sequentially, with identical results for any thread count:
//! candidates are ordered by mutual score with `f64::total_cmp`, ties broken by id (the index
//! order, since the dataset is sorted by id). No I/O.

pub mod all;
mod bounds;
mod topk;

pub use all::{AllRanker, AllStats};
pub use topk::TopK;

use rayon::prelude::*;

use crate::filter::Filter;
use crate::index::{Body, NONE, ScoringIndex, distance_km};
use crate::model::{Kind, Sector, ServiceSet};
use crate::score::{Context, Mutual, PairScore, ScoringParams, score_bodies};

/// What to rank and how.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RankSettings {
    /// How many candidates to keep.
    pub top: usize,
    /// Which bodies may be candidates.
    pub filter: Filter,
    /// Only candidates whose centre is within this distance (km).
    pub within_km: Option<f64>,
    /// Services to focus on: only candidates that seek or offer one of them (or whose services
    /// are not known), and service fit computed on them. Empty for no focus.
    #[serde(serialize_with = "serialize_services")]
    pub focus: ServiceSet,
    /// Leave out bodies the subject already partners with.
    pub exclude_partners: bool,
    /// How the two directions combine.
    pub mutual: Mutual,
    /// Criterion constants.
    pub params: ScoringParams,
}

fn serialize_services<S: serde::Serializer>(set: &ServiceSet, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(set, s)
}

impl Default for RankSettings {
    fn default() -> Self {
        Self {
            top: 10,
            filter: Filter::default(),
            within_km: None,
            focus: ServiceSet::EMPTY,
            exclude_partners: false,
            mutual: Mutual::Harmonic,
            params: ScoringParams::default(),
        }
    }
}

/// One ranked candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// The candidate's index.
    pub candidate: usize,
    /// Its scores.
    pub score: PairScore,
    /// Distance from the subject (km).
    pub distance_km: f64,
}

/// `a` ranks before `b`: higher mutual score, then lower index (id).
#[inline]
pub fn ranks_before(a: &Ranked, b: &Ranked) -> bool {
    match b.score.mutual.total_cmp(&a.score.mutual) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => a.candidate < b.candidate,
    }
}

/// The outcome of ranking one body.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// The best candidates, best first.
    pub candidates: Vec<Ranked>,
    /// How many bodies were eligible candidates.
    pub n_eligible: usize,
}

impl Ranking {
    fn from_top(top: TopK) -> Self {
        let n_eligible = top.seen();
        Self { candidates: top.into_sorted(), n_eligible }
    }
}

/// The filter compiled against the index (regions and nations as interned ids).
#[derive(Debug, Clone)]
pub struct Eligibility {
    sectors: Vec<Sector>,
    kinds: Vec<Kind>,
    regions: Vec<u32>,
    nations: Vec<u32>,
    /// The distance limit, if any.
    pub within_km: Option<f64>,
    focus: u64,
    exclude_partners: bool,
}

impl Eligibility {
    /// Compiles settings against an index. Regions and nations the index does not know match
    /// nothing (the CLI checks them against the dataset first and reports a typo).
    pub fn new(index: &ScoringIndex, settings: &RankSettings) -> Self {
        let ids = |names: &[String]| {
            names.iter().map(|n| index.places.get(n).unwrap_or(NONE - 1)).collect()
        };
        Self {
            sectors: settings.filter.sectors.clone(),
            kinds: settings.filter.kinds.clone(),
            regions: ids(&settings.filter.regions),
            nations: ids(&settings.filter.nations),
            within_km: settings.within_km,
            focus: settings.focus.bits(),
            exclude_partners: settings.exclude_partners,
        }
    }

    /// Whether `candidate` may be ranked for `subject`, distance apart (see `within`).
    #[inline]
    pub fn allows(&self, index: &ScoringIndex, subject: usize, candidate: &Body) -> bool {
        if candidate.index() == subject {
            return false;
        }
        if !self.sectors.is_empty() && !self.sectors.contains(&candidate.sector) {
            return false;
        }
        if !self.kinds.is_empty() && !candidate.kind.is_some_and(|k| self.kinds.contains(&k)) {
            return false;
        }
        if !self.regions.is_empty() && !self.regions.contains(&candidate.region) {
            return false;
        }
        if !self.nations.is_empty() && !self.nations.contains(&candidate.nation) {
            return false;
        }
        if self.focus != 0
            && candidate.services_known != 0
            && (candidate.sought | candidate.offered) & self.focus == 0
        {
            return false;
        }
        !(self.exclude_partners && index.partnered(subject, candidate.index()))
    }

    /// Whether a distance is within the `within_km` limit.
    #[inline]
    pub fn within(&self, distance_km: f64) -> bool {
        self.within_km.is_none_or(|d| distance_km <= d)
    }
}

/// Scores one candidate if it is eligible.
#[inline]
fn consider(
    ctx: &Context<'_>,
    eligibility: &Eligibility,
    mutual: Mutual,
    subject: usize,
    candidate: usize,
) -> Option<Ranked> {
    let (a, b) = (ctx.index.body(subject), ctx.index.body(candidate));
    if !eligibility.allows(ctx.index, subject, b) {
        return None;
    }
    if eligibility.within_km.is_some() && !eligibility.within(distance_km(a, b)) {
        return None;
    }
    let (score, facts) = score_bodies(ctx, a, b, mutual);
    Some(Ranked { candidate, score, distance_km: facts.distance_km })
}

/// The scoring context for a subject under settings.
pub fn context<'a>(
    index: &'a ScoringIndex,
    subject: usize,
    settings: &RankSettings,
) -> Context<'a> {
    Context { index, params: settings.params, subject, focus: settings.focus.bits() }
}

/// Ranks `subject`'s candidates in parallel: each Rayon thread keeps its own top-k, then the
/// lists are merged. O(n) pair scorings, O(n log k) selection. Identical to
/// `rank_sequential` for any thread count.
pub fn rank(index: &ScoringIndex, subject: usize, settings: &RankSettings) -> Ranking {
    let ctx = context(index, subject, settings);
    let eligibility = Eligibility::new(index, settings);
    let k = settings.top;
    let top = (0..index.len())
        .into_par_iter()
        .with_min_len(1024)
        .fold(
            || TopK::new(k),
            |mut top, candidate| {
                if let Some(r) = consider(&ctx, &eligibility, settings.mutual, subject, candidate) {
                    top.push(r);
                }
                top
            },
        )
        .reduce(|| TopK::new(k), TopK::merge);
    Ranking::from_top(top)
}

/// The sequential twin of `rank`: the same result on one thread.
pub fn rank_sequential(index: &ScoringIndex, subject: usize, settings: &RankSettings) -> Ranking {
    let ctx = context(index, subject, settings);
    let eligibility = Eligibility::new(index, settings);
    let mut top = TopK::new(settings.top);
    for candidate in 0..index.len() {
        if let Some(r) = consider(&ctx, &eligibility, settings.mutual, subject, candidate) {
            top.push(r);
        }
    }
    Ranking::from_top(top)
}
