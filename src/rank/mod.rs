//! Ranking: one body's best partners among all the others, scored in parallel with Rayon
//! (per-thread top-k, merged) or sequentially, with identical results for any thread count:
//! candidates are ordered by mutual score with `f64::total_cmp`, ties broken by id (the index
//! order, since the dataset is sorted by id). No I/O.

pub mod all;
mod bounds;
mod lanes;
mod prefetch;
mod topk;

pub use all::{AllRanker, AllStats};
pub use topk::TopK;

use rayon::prelude::*;

use crate::dataset::Dataset;
use crate::filter::Filter;
use crate::index::{Body, NONE, ScoringIndex, chord_sq, distance_km};
use crate::model::{Criterion, Enumeration, Kind, OrganisationId, Sector, ServiceSet};
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

    /// The candidates named by their ids and names, best first. `dataset` must be the one the
    /// ranking was made from (positions index it). O(k).
    pub fn partners(&self, dataset: &Dataset) -> Vec<Partner> {
        let organisations = dataset.organisations();
        self.candidates
            .iter()
            .filter_map(|r| {
                let o = organisations.get(r.candidate)?;
                Some(Partner {
                    id: o.id.clone(),
                    name: o.name.clone(),
                    candidate: r.candidate,
                    score: r.score,
                    distance_km: r.distance_km,
                })
            })
            .collect()
    }
}

/// A ranked candidate named by its id: what a program using the crate keeps, since a position
/// (`Ranked::candidate`) indexes one dataset and means nothing outside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    /// The candidate's id.
    pub id: OrganisationId,
    /// The candidate's name.
    pub name: String,
    /// The candidate's position in the dataset the ranking was made from.
    pub candidate: usize,
    /// Its scores.
    pub score: PairScore,
    /// Distance from the subject (km).
    pub distance_km: f64,
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
    /// Which bodies lie inside the filter's areas, if it has any (`Filter::inside`).
    inside: Option<std::sync::Arc<[bool]>>,
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
            inside: settings.filter.inside.clone(),
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
        if let Some(inside) = &self.inside
            && !inside.get(candidate.index()).copied().unwrap_or(false)
        {
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

/// A distance beyond which an unrelated candidate cannot reach a threshold, for `rank`.
/// "Unrelated": not touching the subject nor inside it or containing it (those can have a
/// higher proximity at the same distance: 1 inside, a slower decay for neighbours), not a partner and no partner in common (those may have trust above 0).
/// For such a body proximity is at most 0.5^(R·c / h) for a chord c between the centres (an
/// arc is never shorter than R·c); trust is 0 when the subject's partnerships are known (else
/// at most 0.5); the subject's barrier risk is at most its value without size asymmetry; every
/// other value is at most 1, on each side with its own weights.
struct DistanceBound {
    /// The subject's proximity weight, and the bound on the rest of its score.
    forward: (f64, f64),
    /// The same for every weight row of the index (the candidate's side).
    backward: Vec<(f64, f64)>,
    half_km: f64,
    mutual: Mutual,
}

impl DistanceBound {
    fn new(ctx: &Context<'_>, subject: &Body, mutual: Mutual) -> Self {
        let trust = if subject.partnerships_known() { 0.0 } else { crate::score::NEUTRAL };
        let split = |w: &crate::index::CriterionWeights, barrier: f64| {
            let rest: f64 = Criterion::all()
                .iter()
                .map(|c| match c {
                    Criterion::Proximity => 0.0,
                    Criterion::Trust => w[c.index()] * trust,
                    Criterion::BarrierRisk => w[c.index()] * barrier,
                    _ => w[c.index()],
                })
                .sum();
            (w[Criterion::Proximity.index()], rest)
        };
        Self {
            forward: split(ctx.index.weights_of(subject), crate::score::barrier_ceiling(subject)),
            backward: ctx.index.weight_table.iter().map(|w| split(w, 1.0)).collect(),
            half_km: ctx.params.proximity_half_km,
            mutual,
        }
    }

    /// The bound on the mutual score of an unrelated candidate whose proximity is at most
    /// `p`; non-decreasing in `p`.
    fn at(&self, p: f64) -> f64 {
        let forward = (self.forward.0 * p + self.forward.1).min(1.0);
        let backward = self.backward.iter().map(|(w, o)| w * p + o).fold(0.0, f64::max).min(1.0);
        self.mutual.combine(forward, backward) + 1e-9
    }

    /// The squared chord at or beyond which an unrelated candidate scores below `threshold`,
    /// or infinity when none can be ruled out. Bisection keeps `lo` with `at(lo) <
    /// threshold`; a candidate with proximity at most `lo` is ruled out.
    fn chord_sq_beyond(&self, threshold: f64) -> f64 {
        if self.at(0.0) >= threshold {
            return f64::INFINITY;
        }
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for _ in 0..48 {
            let mid = 0.5 * (lo + hi);
            if self.at(mid) < threshold { lo = mid } else { hi = mid }
        }
        if lo <= 0.0 {
            return f64::INFINITY;
        }
        // proximity ≤ 0.5^(R·c / h) ≤ lo when c ≥ −h·log2(lo) / R; a relative margin covers
        // rounding in that inversion.
        let chord =
            -self.half_km * lo.log2() / crate::model::EARTH_RADIUS_KM * (1.0 + 1e-9) + 1e-12;
        chord * chord
    }
}

/// Bodies scored first to set the bar, at most.
const NEAREST: usize = 256;

/// Ranks `subject`'s candidates in parallel: each Rayon thread keeps its own top-k, then the
/// lists are merged. O(n log k) selection. To score fewer pairs, the k-th best of the
/// `NEAREST` nearest eligible bodies (and the subject's neighbours and partners) sets a first
/// bar: the k-th best of some real candidates is never above the final k-th best, so an
/// unrelated body too far to reach it (`DistanceBound`) is counted but not scored. Identical
/// to `rank_sequential`, which scores every candidate, for any thread count.
pub fn rank(index: &ScoringIndex, subject: usize, settings: &RankSettings) -> Ranking {
    let ctx = context(index, subject, settings);
    let eligibility = Eligibility::new(index, settings);
    let k = settings.top;
    let n = index.len();
    let a = index.body(subject);
    // The bar, from the nearest bodies: each part keeps its `NEAREST` nearest in a max-heap
    // by squared chord (ties by index), then the parts are merged.
    type Near = std::collections::BinaryHeap<(u64, u32)>;
    let keep = |mut heap: Near, item: (u64, u32)| {
        if heap.len() < NEAREST {
            heap.push(item);
        } else if heap.peek().is_some_and(|top| item < *top) {
            heap.pop();
            heap.push(item);
        }
        heap
    };
    // Squared chords are non-negative, so their bit patterns order as the numbers do.
    let near: Near = index
        .bodies
        .par_iter()
        .with_min_len(4096)
        .filter(|b| b.index() != subject)
        .fold(Near::new, |heap, b| keep(heap, (chord_sq(a, b).to_bits(), b.idx)))
        .reduce(Near::new, |x, y| y.into_iter().fold(x, keep));
    // Each body once: a body counted twice could raise the bar above the true k-th best.
    let mut first: Vec<u32> = near.iter().map(|x| x.1).collect();
    first.extend_from_slice(index.neighbours.of(subject));
    first.extend_from_slice(index.partners.of(subject));
    first.sort_unstable();
    first.dedup();
    let mut sample = TopK::new(k);
    for &candidate in &first {
        if let Some(r) = consider(&ctx, &eligibility, settings.mutual, subject, candidate as usize)
        {
            sample.push(r);
        }
    }
    let beyond = sample.threshold().map_or(f64::INFINITY, |t| {
        DistanceBound::new(&ctx, a, settings.mutual).chord_sq_beyond(t.score.mutual)
    });
    // Related bodies are never ruled out (children are seen by their parent field).
    let related = index.related(subject);
    let top = (0..n)
        .into_par_iter()
        .with_min_len(1024)
        .fold(
            || TopK::new(k),
            |mut top, candidate| {
                let b = index.body(candidate);
                if chord_sq(a, b) >= beyond
                    && b.parent != a.idx
                    && related.binary_search(&b.idx).is_err()
                {
                    // Too far to enter: counted when eligible, not scored.
                    if eligibility.allows(index, subject, b)
                        && (eligibility.within_km.is_none()
                            || eligibility.within(distance_km(a, b)))
                    {
                        top.skip();
                    }
                } else if let Some(r) =
                    consider(&ctx, &eligibility, settings.mutual, subject, candidate)
                {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use crate::synth::{Like, Settings, generate};
    use crate::weights::{Survey, WeightSettings};

    /// A ranking's partners carry the ids and names of the candidates at its positions, in
    /// its order, and `Engine::partners` finds the body by what a person types.
    #[test]
    fn partners_are_named_by_id_in_ranking_order() {
        let engine = crate::test_data::random_engine(7, 40);
        let settings = RankSettings { top: 5, ..RankSettings::default() };
        let ranking = engine.rank(3, &settings);
        let partners = ranking.partners(&engine.dataset);
        assert_eq!(partners.len(), ranking.candidates.len());
        for (p, r) in partners.iter().zip(&ranking.candidates) {
            let o = &engine.dataset.organisations()[r.candidate];
            assert_eq!(
                (&p.id, &p.name, p.candidate, p.score),
                (&o.id, &o.name, r.candidate, r.score)
            );
        }
        let id = engine.dataset.organisations()[3].id.to_string();
        assert_eq!(engine.partners(&id, &settings).unwrap(), partners);
        assert!(engine.partners("no such body anywhere", &settings).is_err());
    }

    /// On a national-shaped synthetic dataset, where most candidates are far enough for the
    /// distance bound to rule them out, the pruned parallel `rank` gives exactly what scoring
    /// every candidate gives, eligible count included, under every mutual score and with
    /// distance limits and filters.
    #[test]
    fn distance_pruning_changes_nothing_at_scale() {
        let dataset = generate(&Settings::new(4_000, 3, Like::Uk).unwrap()).to_dataset().unwrap();
        let engine =
            Engine::new(dataset, Survey::embedded().unwrap(), WeightSettings::default()).unwrap();
        let n = engine.index.len();
        let variants = [
            RankSettings::default(),
            RankSettings { top: 1, mutual: Mutual::Minimum, ..RankSettings::default() },
            RankSettings { top: 25, mutual: Mutual::Arithmetic, ..RankSettings::default() },
            RankSettings {
                mutual: Mutual::Forward,
                within_km: Some(120.0),
                ..RankSettings::default()
            },
            RankSettings {
                filter: Filter { sectors: vec![Sector::LocalGovernment], ..Filter::default() },
                ..RankSettings::default()
            },
        ];
        for settings in &variants {
            for subject in (0..n).step_by(397) {
                let pruned = rank(&engine.index, subject, settings);
                let full = rank_sequential(&engine.index, subject, settings);
                assert_eq!(pruned.candidates, full.candidates, "subject {subject}, {settings:?}");
                assert_eq!(pruned.n_eligible, full.n_eligible, "subject {subject}, {settings:?}");
            }
        }
    }

    /// The bound never rules out a candidate that scores at or above the threshold: checked
    /// against every candidate of every tenth subject.
    #[test]
    fn the_distance_bound_holds_for_every_far_candidate() {
        let dataset = generate(&Settings::new(1_500, 5, Like::Uk).unwrap()).to_dataset().unwrap();
        let engine =
            Engine::new(dataset, Survey::embedded().unwrap(), WeightSettings::default()).unwrap();
        let settings = RankSettings::default();
        let mut ruled_out = 0usize;
        for subject in (0..engine.index.len()).step_by(10) {
            let ctx = context(&engine.index, subject, &settings);
            let a = engine.index.body(subject);
            let bound = DistanceBound::new(&ctx, a, settings.mutual);
            for threshold in [0.3, 0.5, 0.6, 0.7, 0.8] {
                let beyond = bound.chord_sq_beyond(threshold);
                for b in &engine.index.bodies {
                    let related = a.parent == b.idx
                        || b.parent == a.idx
                        || engine.index.adjacent(subject, b.index())
                        || engine.index.partnered(subject, b.index())
                        || engine.index.common_partners(subject, b.index()) > 0;
                    if b.idx == a.idx || related || chord_sq(a, b) < beyond {
                        continue;
                    }
                    let (score, _) = score_bodies(&ctx, a, b, settings.mutual);
                    assert!(score.mutual < threshold, "{} >= {threshold}", score.mutual);
                    ruled_out += 1;
                }
            }
        }
        // Not vacuous: most far bodies are ruled out at the higher thresholds.
        assert!(ruled_out > 100_000, "only {ruled_out} ruled out");
    }
}
