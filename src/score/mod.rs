//! The scoring core: the ten criteria of partner choice, each a value in [0, 1] for an ordered
//! pair of bodies, the directional score (one side's weights and needs) and the mutual score.
//! Formulas and their evidence are in `docs/scoring.md`; each function's comment names its
//! source. Pure functions over the `ScoringIndex`: no I/O, no allocation on the hot path, no
//! panics on any data, and results that do not depend on the thread that computes them.

mod explain;
mod kind_fit;

pub use explain::{CriterionExplanation, Explanation, SideExplanation, StatedMark, explain};
pub use kind_fit::{TWO_TIERS_OF_ONE_AREA, county_and_district, kind_fit, sector_fit};

use crate::index::{Body, NONE, ScoringIndex, distance_km};
use crate::model::{ControlType, Criterion};

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

/// How the two directions of a pair combine into the mutual score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mutual {
    /// Harmonic mean 2fb/(f+b): both sides must want it, as in reciprocal recommenders
    /// (Pizzato et al. 2010). The default.
    #[default]
    Harmonic,
    /// Arithmetic mean (f+b)/2.
    Arithmetic,
    /// The lesser of the two.
    Minimum,
    /// The ranked body's view only.
    Forward,
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

    /// The name used on the command line and in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Mutual::Harmonic => "harmonic",
            Mutual::Arithmetic => "arithmetic",
            Mutual::Minimum => "minimum",
            Mutual::Forward => "forward",
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
        [
            self.proximity(facts),
            self.service_fit(a, b),
            self.kind_fit(a, b),
            self.size_fit(a, b),
            self.trust(a, b, facts),
            self.barrier_risk(a, b),
            self.shared_priorities(a, b),
            self.shared_geography(a, b, facts),
            self.ict_fit(a, b),
            self.political_alignment(a, b),
        ]
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
        backward[Criterion::ServiceFit.index()] = self.service_fit(b, a);
        backward[Criterion::BarrierRisk.index()] = self.barrier_risk(b, a);
        (forward, backward)
    }

    /// `from`'s directional score of `to`: Σ weight × value with `from`'s weights.
    #[inline]
    pub fn directional(&self, from: usize, to: usize, facts: &PairFacts) -> f64 {
        weighted(self.index.weights(from), &self.values(from, to, facts))
    }

    /// Proximity (`ScoringParams::proximity`): 1 for bodies whose areas contain one another;
    /// for neighbours 0.5^(d / 50 km), else 0.5^(d / 25 km) (LGA 2018: 98% of sharing councils
    /// share with a neighbour; Dixon & Elston 2020; half-distances cross-validated on real
    /// partnerships).
    #[inline]
    pub fn proximity(&self, facts: &PairFacts) -> Value {
        Value::known(self.params.proximity(facts.distance_km, facts.adjacent, facts.contains))
    }

    /// Service fit: the share of what `a` needs that `b` seeks too or offers; the savings
    /// come from here (LGA shared services map). 0 when `a` needs nothing; neutral when
    /// either side's services are not known.
    #[inline]
    pub fn service_fit(&self, a: &Body, b: &Body) -> Value {
        match (self.need(a), self.supply(b)) {
            (Some(0), _) => Value::known(0.0),
            (Some(need), Some(supply)) => {
                Value::known(f64::from((need & supply).count_ones()) / f64::from(need.count_ones()))
            }
            _ => Value::NEUTRAL,
        }
    }

    /// Kind fit: compatibility of sector and kind (`kind_fit` table; Dixon & Elston 2020 on
    /// organisational similarity); a county and a district that lies in it score
    /// `TWO_TIERS_OF_ONE_AREA`. Falls back to the sector table when a kind is not known.
    #[inline]
    pub fn kind_fit(&self, a: &Body, b: &Body) -> Value {
        match (a.kind, b.kind) {
            (Some(x), Some(y)) if county_and_district(x, y) && one_area(a, b) => {
                Value::known(TWO_TIERS_OF_ONE_AREA)
            }
            (Some(x), Some(y)) => Value::known(kind_fit(x, y)),
            _ => Value::known(sector_fit(a.sector, b.sector)),
        }
    }

    /// Size fit: 1 − |ln(p_a / p_b)| / ln 10, clamped to [0, 1], on population, else budget
    /// (Dixon & Elston 2020: similar size and resources). Equal sizes give 1, a tenfold
    /// difference or more gives 0. Neutral when neither measure is known for both.
    #[inline]
    pub fn size_fit(&self, a: &Body, b: &Body) -> Value {
        // |ln(a / b)| as the difference of precomputed logs: no logarithm per pair.
        let gap = if a.ln_population.is_finite() && b.ln_population.is_finite() {
            (a.ln_population - b.ln_population).abs()
        } else if a.ln_budget.is_finite() && b.ln_budget.is_finite() {
            (a.ln_budget - b.ln_budget).abs()
        } else {
            return Value::NEUTRAL;
        };
        Value::known((1.0 - gap / std::f64::consts::LN_10).clamp(0.0, 1.0))
    }

    /// Trust: 1 for an existing partnership; else 1 − 0.5^c for c partners in common (IDeA
    /// 2009; LGA/Localis 2011: trust between leaders is critical). Neutral when neither side's
    /// partnerships are known.
    #[inline]
    pub fn trust(&self, a: &Body, b: &Body, facts: &PairFacts) -> Value {
        if facts.partnered {
            Value::known(1.0)
        } else if a.partnerships_known() || b.partnerships_known() {
            Value::known(1.0 - 0.5f64.powi(facts.common_partners.min(64) as i32))
        } else {
            Value::NEUTRAL
        }
    }

    /// The size asymmetry that raises `a`'s fears of losing autonomy and identity when `b`
    /// is larger: g = 1 − p_a / p_b, or 0 (partnerships where one partner feared a takeover by
    /// a larger one are among those that broke up).
    #[inline]
    pub fn asymmetry(&self, a: &Body, b: &Body) -> f64 {
        let (x, y) = (a.population, b.population);
        if x.is_finite() && y.is_finite() && y > x { 1.0 - x / y } else { 0.0 }
    }

    /// Barrier risk: 1 − the weighted mean severity of the barriers `a` listed, weighted by
    /// the survey's barrier order; fears of losing autonomy and identity grow with size
    /// asymmetry: s' = s + (1 − s)·g. 1 when `a` lists no barrier; neutral when its barriers
    /// are not known.
    #[inline]
    pub fn barrier_risk(&self, a: &Body, b: &Body) -> Value {
        barrier_value(a, self.asymmetry(a, b))
    }

    /// Shared priorities: the overlap Σ_r min(w_a(r), w_b(r)) of the two bodies' reason
    /// weights (each body's own ranking, weighted by the survey's method). 1 for identical
    /// rankings; neutral when either's reasons are not known.
    #[inline]
    pub fn shared_priorities(&self, a: &Body, b: &Body) -> Value {
        if !(a.reasons_known() && b.reasons_known()) {
            return Value::NEUTRAL;
        }
        let mut overlap = 0.0;
        for (x, y) in a.reason_weights.iter().zip(&b.reason_weights) {
            overlap += x.min(*y);
        }
        Value::known(overlap.clamp(0.0, 1.0))
    }

    /// Shared geography: 1 when one contains the other or an area contains both (the same
    /// county, police force area, fire and rescue authority, health body or combined
    /// authority, as bodies of the dataset), or the same combined authority or police force
    /// area by name; `SAME_REGION` (0) in the same region; `SAME_NATION` (0) in the same
    /// nation; else 0 (LGA/Localis 2011:
    /// partnerships across county boundaries broke up; Policing and Crime Act 2017 and Health
    /// and Care Act 2022: bodies of one area have a duty to collaborate). Neutral when no area
    /// type is known for both (region, nation, combined authority, police force area by name,
    /// or an area of the dataset each lies within); known for both and none shared is 0.
    #[inline]
    pub fn shared_geography(&self, a: &Body, b: &Body, facts: &PairFacts) -> Value {
        let same = |x: u32, y: u32| x != NONE && x == y;
        let both = |x: u32, y: u32| x != NONE && y != NONE;
        if facts.contains
            || same(a.combined_authority, b.combined_authority)
            || same(a.police_force_area, b.police_force_area)
            || self.index.common_area(a.index(), b.index()).is_some()
        {
            Value::known(1.0)
        } else if same(a.region, b.region) {
            Value::known(SAME_REGION)
        } else if same(a.nation, b.nation) {
            Value::known(SAME_NATION)
        } else if both(a.region, b.region)
            || both(a.nation, b.nation)
            || both(a.combined_authority, b.combined_authority)
            || both(a.police_force_area, b.police_force_area)
            || (a.areas != 0 && b.areas != 0)
        {
            Value::known(0.0)
        } else {
            Value::NEUTRAL
        }
    }

    /// ICT fit: the share of the services both report systems for where they use the same
    /// product. Neutral when either's systems are not known or they have no service in common.
    #[inline]
    pub fn ict_fit(&self, a: &Body, b: &Body) -> Value {
        if !(a.ict_known() && b.ict_known()) {
            return Value::NEUTRAL;
        }
        let (mut x, mut y) = (self.index.ict.of(a.index()), self.index.ict.of(b.index()));
        let (mut common, mut same) = (0u32, 0u32);
        while let (Some(&(sa, pa)), Some(&(sb, pb))) = (x.first(), y.first()) {
            match sa.cmp(&sb) {
                std::cmp::Ordering::Less => x = &x[1..],
                std::cmp::Ordering::Greater => y = &y[1..],
                std::cmp::Ordering::Equal => {
                    common += 1;
                    same += u32::from(pa == pb);
                    x = &x[1..];
                    y = &y[1..];
                }
            }
        }
        if common == 0 { Value::NEUTRAL } else { Value::known(f64::from(same) / f64::from(common)) }
    }

    /// Political alignment: 1 when both are led by the same party, 0.75 when the same party is
    /// only the largest in a body under no overall control, 0 for different parties. The 2011
    /// survey ranked "same political control" lowest of all, so this criterion comes last.
    /// Neutral when either lead party is not known.
    #[inline]
    pub fn political_alignment(&self, a: &Body, b: &Body) -> Value {
        match (a.party, b.party) {
            (Some(x), Some(y)) if x == y => {
                let noc =
                    a.control == Some(ControlType::Noc) || b.control == Some(ControlType::Noc);
                Value::known(if noc { 0.75 } else { 1.0 })
            }
            (Some(_), Some(_)) => Value::known(0.0),
            _ => Value::NEUTRAL,
        }
    }
}

/// Whether one body is the other's parent (a district and its county). Parents and children
/// are special candidates of exact pruning, scored in full, so a value that depends on this
/// link never needs a bound of its own.
#[inline]
pub fn one_area(a: &Body, b: &Body) -> bool {
    a.parent == b.idx || b.parent == a.idx
}

/// The barrier-risk value of `a` facing a partner of size asymmetry `g`: with the weighted
/// mean severity precomputed as base + g·growth (see `Body`), O(1).
#[inline]
fn barrier_value(a: &Body, g: f64) -> Value {
    if !a.barriers_known() {
        return Value::NEUTRAL;
    }
    if a.barrier_listed == 0 {
        return Value::known(1.0);
    }
    Value::known((1.0 - (a.barrier_base + g * a.barrier_growth)).clamp(0.0, 1.0))
}

/// The highest barrier-risk value a body can have with any partner: the value without size
/// asymmetry, since asymmetry only raises fears. Used by exact pruning.
#[inline]
pub fn barrier_ceiling(a: &Body) -> f64 {
    barrier_value(a, 0.0).value
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
