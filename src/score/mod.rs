//! The scoring core: the criteria of partner choice (`Criterion`), each a value in [0, 1] for an
//! ordered pair of bodies, the directional score (one side's weights and needs) and the mutual
//! score. Formulas and their evidence are in `docs/scoring.md`; each function's comment names its
//! source. Pure functions over the `ScoringIndex`: no I/O, no allocation on the hot path, no panics
//! on any data, and results that do not depend on the thread that computes them.

pub mod criteria;
mod explain;
mod kind_fit;

pub use criteria::barrier_risk::{asymmetry, barrier_ceiling};
pub use explain::{CriterionExplanation, Explanation, SideExplanation, StatedMark, explain};
pub use kind_fit::{TWO_TIERS_OF_ONE_AREA, county_and_district, kind_fit, sector_fit};

use crate::index::{Body, ScoringIndex, distance_km};
use crate::model::Criterion;

/// The value given to a criterion that has no data to work on: the lowest a criterion gives,
/// so that missing data never counts in a body's favour. Stating a fact (a barrier, a reason,
/// an ICT system, a partnership) can then only keep or raise a body's value on that criterion
/// compared with leaving it unknown, and a body that says nothing never outranks one that
/// honestly states a concern. It is flagged as `neutral` ("no data") in every output.
pub const NEUTRAL: f64 = 0.0;

/// Shared geography of two bodies in the same region (England) with no area in common. 0: the
/// English regions have had no role in local government since the regional development
/// agencies and government offices closed (2010–2012), and partnerships across county
/// boundaries are among those that broke up (LGA/Localis 2011). Cross-validated on real
/// partnerships: 0 beats the former 0.5 (`docs/validity.md`). Exact pruning's bounds read it.
pub const SAME_REGION: f64 = 0.0;

/// Shared geography of two bodies in the same nation with no area or region in common. 0, as
/// for a region (cross-validated: the former 0.25 does no better).
pub const SAME_NATION: f64 = 0.0;

/// Tunable constants of the criteria, with their documented defaults.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ScoringParams {
    /// Distance at which proximity halves for bodies that do not touch (km). 25 km is about the
    /// distance between neighbouring district centres, so a non-neighbour that close scores
    /// 0.5. Leave-one-arrangement-out cross-validation on real partnerships keeps it
    /// (`docs/validity.md`).
    pub proximity_half_km: f64,
    /// Distance at which proximity halves for bodies that share a boundary (km), never below
    /// the value at `proximity_half_km`. A boundary shared by two large areas whose centres lie
    /// far apart is a weaker tie than one between two small neighbours; cross-validated on real
    /// partnerships, 50 km (twice the non-neighbour figure) beats counting every shared
    /// boundary as 1 (`docs/validity.md`).
    pub neighbour_half_km: f64,
}

impl ScoringParams {
    /// The documented defaults: 25 km apart, 50 km for neighbours.
    pub const DEFAULT: ScoringParams =
        ScoringParams { proximity_half_km: 25.0, neighbour_half_km: 50.0 };

    /// Proximity of two bodies `distance_km` apart: 1 when one's area contains the other's;
    /// max(0.5^(d / neighbour_half_km), 0.5^(d / proximity_half_km)) when they share a
    /// boundary; else 0.5^(d / proximity_half_km). Non-decreasing as the distance shrinks, and
    /// never lower for neighbours than for non-neighbours at the same distance.
    #[inline]
    pub fn proximity(&self, distance_km: f64, adjacent: bool, contains: bool) -> f64 {
        let apart = (-distance_km / self.proximity_half_km).exp2();
        if contains {
            1.0
        } else if adjacent {
            (-distance_km / self.neighbour_half_km).exp2().max(apart)
        } else {
            apart
        }
    }
}

impl Default for ScoringParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How the two directions of a pair combine into the mutual score. Parsed (`parse_name`),
/// named and described here only: every front end and output uses these words. The label is
/// the short form ("harmonic mean"), `description` the sentence.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Mutual {
    /// Harmonic mean 2fb/(f+b): both sides must want it, as in reciprocal recommenders
    /// (Pizzato et al. 2010). The default.
    #[default]
    #[strum(message = "harmonic mean")]
    Harmonic,
    /// Arithmetic mean (f+b)/2.
    #[strum(message = "arithmetic mean")]
    Arithmetic,
    /// The lesser of the two.
    #[strum(message = "minimum")]
    Minimum,
    /// The ranked body's view only.
    #[strum(message = "the ranked body's view")]
    Forward,
}

impl crate::model::Enumeration for Mutual {
    const WHAT: &'static str = "mutual score";
}

impl Mutual {
    /// Combines a forward and a backward score. For inputs in [0, 1] the result is in [0, 1].
    #[inline]
    pub fn combine(self, forward: f64, backward: f64) -> f64 {
        match self {
            Mutual::Harmonic => {
                let sum = forward + backward;
                if sum > 0.0 { 2.0 * forward * backward / sum } else { 0.0 }
            }
            Mutual::Arithmetic => 0.5 * (forward + backward),
            Mutual::Minimum => forward.min(backward),
            Mutual::Forward => forward,
        }
    }

    /// The name used on the command line, in files and in outputs.
    pub fn name(self) -> &'static str {
        crate::model::Enumeration::name(self)
    }

    /// How the two views combine, for sentences.
    pub fn description(self) -> &'static str {
        match self {
            Mutual::Harmonic => "the harmonic mean of both views (both sides must want it)",
            Mutual::Arithmetic => "the arithmetic mean of both views",
            Mutual::Minimum => "the lesser of the two views",
            Mutual::Forward => "the ranked body's view only",
        }
    }
}

/// One criterion's value for a pair, and whether it is the neutral stand-in for missing data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Value {
    /// In [0, 1].
    pub value: f64,
    /// True when the data needed was missing and `NEUTRAL` was used.
    pub neutral: bool,
}

impl Value {
    #[inline]
    fn known(value: f64) -> Self {
        Self { value, neutral: false }
    }

    const NEUTRAL: Value = Value { value: NEUTRAL, neutral: true };
}

/// What the scorer needs besides the index: the body being ranked and the service focus.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The index.
    pub index: &'a ScoringIndex,
    /// Criterion constants.
    pub params: ScoringParams,
    /// The body whose partners are ranked. Under a service focus it is taken to seek the
    /// focus services.
    pub subject: usize,
    /// Services to focus on (bits), or 0 for none.
    pub focus: u64,
}

/// The facts of a pair that both directions share, computed once per pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairFacts {
    /// Great-circle distance between centres (km).
    pub distance_km: f64,
    /// They share a land boundary.
    pub adjacent: bool,
    /// One's area contains the other's.
    pub contains: bool,
    /// They have an existing partnership.
    pub partnered: bool,
    /// Partners they have in common.
    pub common_partners: u32,
}

impl PairFacts {
    /// Computes the shared facts of a pair.
    #[inline]
    pub fn of(index: &ScoringIndex, a: usize, b: usize) -> Self {
        Self::of_bodies(index, index.body(a), index.body(b))
    }

    /// The facts of an unrelated pair: not neighbours, not partners, no partner in common,
    /// neither inside the other. Only the distance is computed.
    #[inline]
    pub fn unrelated(a: &Body, b: &Body) -> Self {
        Self {
            distance_km: distance_km(a, b),
            adjacent: false,
            contains: false,
            partnered: false,
            common_partners: 0,
        }
    }

    /// Computes the shared facts of a pair from their records.
    #[inline]
    pub fn of_bodies(index: &ScoringIndex, a: &Body, b: &Body) -> Self {
        let (ai, bi) = (a.index(), b.index());
        let partnered = index.partnered(ai, bi);
        Self {
            distance_km: distance_km(a, b),
            adjacent: index.adjacent(ai, bi),
            contains: index.contains_either(ai, bi),
            partnered,
            common_partners: if partnered { 0 } else { index.common_partners(ai, bi) },
        }
    }
}

impl Context<'_> {
    /// Services `x` wants to share in: the focus for the subject under a focus, else as a
    /// candidate (`candidate_need`). `None` when not known.
    #[inline]
    pub fn need(&self, x: &Body) -> Option<u64> {
        if self.focus != 0 && x.index() == self.subject {
            Some(self.focus)
        } else {
            self.candidate_need(x)
        }
    }

    /// Services `x` wants to share in as a candidate: what it seeks, or under a focus what it
    /// seeks or offers within the focus. `None` when not known.
    #[inline]
    pub fn candidate_need(&self, x: &Body) -> Option<u64> {
        if self.focus != 0 {
            (x.services_known != 0).then_some((x.sought | x.offered) & self.focus)
        } else {
            (x.services_known & 1 != 0).then_some(x.sought)
        }
    }

    /// Services `y` could share: what it seeks or offers (the subject also the focus).
    #[inline]
    pub fn supply(&self, y: &Body) -> Option<u64> {
        if self.focus != 0 && y.index() == self.subject {
            Some(y.sought | y.offered | self.focus)
        } else {
            self.candidate_supply(y)
        }
    }

    /// Services `y` could share as a candidate: what it seeks or offers, when either is known.
    #[inline]
    pub fn candidate_supply(&self, y: &Body) -> Option<u64> {
        (y.services_known != 0).then_some(y.sought | y.offered)
    }

    /// Every criterion's value from `from`'s view of `to`, in `Criterion::all()` order.
    #[inline]
    pub fn values(&self, from: usize, to: usize, facts: &PairFacts) -> [Value; Criterion::COUNT] {
        self.values_of(self.index.body(from), self.index.body(to), facts)
    }

    /// Every criterion's value from `a`'s view of `b`, from their records.
    #[inline]
    pub fn values_of(&self, a: &Body, b: &Body, facts: &PairFacts) -> [Value; Criterion::COUNT] {
        criteria::values(self, a, b, facts)
    }

    /// Both directions' values of a pair: the symmetric criteria computed once, service fit
    /// and barrier risk each way. Each array equals `values_of` for its direction, bit for bit
    /// (the symmetric criteria give identical bits either way round).
    #[inline]
    pub fn pair_values(
        &self,
        a: &Body,
        b: &Body,
        facts: &PairFacts,
    ) -> ([Value; Criterion::COUNT], [Value; Criterion::COUNT]) {
        let forward = self.values_of(a, b, facts);
        let mut backward = forward;
        backward[Criterion::ServiceFit.index()] = criteria::service_fit::value(self, b, a, facts);
        backward[Criterion::BarrierRisk.index()] = criteria::barrier_risk::value(self, b, a, facts);
        (forward, backward)
    }

    /// `from`'s directional score of `to`: Σ weight × value with `from`'s weights.
    #[inline]
    pub fn directional(&self, from: usize, to: usize, facts: &PairFacts) -> f64 {
        weighted(self.index.weights(from), &self.values(from, to, facts))
    }
}

/// Whether one body is the other's parent (a district and its county). Parents and children
/// are special candidates of exact pruning, scored in full, so a value that depends on this
/// link never needs a bound of its own.
#[inline]
pub fn one_area(a: &Body, b: &Body) -> bool {
    a.parent == b.idx || b.parent == a.idx
}

/// Σ weight × value, summed in criterion order (the order explanations sum in too).
#[inline]
pub fn weighted(weights: &[f64; Criterion::COUNT], values: &[Value; Criterion::COUNT]) -> f64 {
    let mut score = 0.0;
    for (w, v) in weights.iter().zip(values.iter()) {
        score += w * v.value;
    }
    score
}

/// A scored pair: both directions and their combination.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairScore {
    /// The subject's view of the candidate.
    pub forward: f64,
    /// The candidate's view of the subject.
    pub backward: f64,
    /// The combination.
    pub mutual: f64,
}

/// Scores a pair both ways. The same function serves ranking and explanation, so their numbers
/// agree exactly.
#[inline]
pub fn score_pair(
    ctx: &Context<'_>,
    subject: usize,
    candidate: usize,
    mutual: Mutual,
) -> (PairScore, PairFacts) {
    score_bodies(ctx, ctx.index.body(subject), ctx.index.body(candidate), mutual)
}

/// Scores a pair both ways from the two records (the hot path of ranking).
#[inline]
pub fn score_bodies(
    ctx: &Context<'_>,
    a: &Body,
    b: &Body,
    mutual: Mutual,
) -> (PairScore, PairFacts) {
    score_with_facts(ctx, a, b, PairFacts::of_bodies(ctx.index, a, b), mutual)
}

/// Scores a pair known to be unrelated (see `PairFacts::unrelated`): `score_bodies` bit for
/// bit, without looking up neighbours and partners. The hot path of `rank-all`, whose tree
/// holds no related pair.
#[inline]
pub fn score_unrelated(
    ctx: &Context<'_>,
    a: &Body,
    b: &Body,
    mutual: Mutual,
) -> (PairScore, PairFacts) {
    let facts = PairFacts::unrelated(a, b);
    debug_assert_eq!(facts, PairFacts::of_bodies(ctx.index, a, b), "pair is related");
    score_with_facts(ctx, a, b, facts, mutual)
}

#[inline]
fn score_with_facts(
    ctx: &Context<'_>,
    a: &Body,
    b: &Body,
    facts: PairFacts,
    mutual: Mutual,
) -> (PairScore, PairFacts) {
    let (f, bw) = ctx.pair_values(a, b, &facts);
    let forward = weighted(ctx.index.weights_of(a), &f);
    let backward = weighted(ctx.index.weights_of(b), &bw);
    (PairScore { forward, backward, mutual: mutual.combine(forward, backward) }, facts)
}

#[cfg(test)]
mod tests;
