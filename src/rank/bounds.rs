//! Upper bounds for exact pruning: a k-d tree over the bodies' unit vectors whose every node
//! carries aggregates of its bodies (bounding box, kinds present, population range, services,
//! reason weights, parties, areas, weights), from which `upper_bound` gives a score no
//! candidate in the node can beat. Proven bounds, criterion by criterion, are in
//! `docs/scoring.md` ("Exact ranking of every body"). No I/O.
//!
//! Why not a spatial-index crate: branch and bound here needs per-node aggregates of arbitrary
//! criteria, which the k-d tree and R-tree crates (kiddo, rstar) do not carry.

use crate::index::{Body, N_REASONS, NONE};
use crate::model::{Criterion, Enumeration, Kind, Sector};
use crate::score::{Context, Mutual, NEUTRAL, barrier_ceiling, kind_fit, sector_fit};

/// Bodies per leaf: small enough for tight aggregates, large enough to amortise a node visit.
pub const LEAF_SIZE: usize = 16;

/// One bit of a 64-bit hashed set of small ids (areas); `NONE` has no bit.
#[inline]
fn bit(id: u32) -> u64 {
    if id == NONE { 0 } else { 1u64 << (id.wrapping_mul(0x9E37_79B9) >> 26) }
}

/// Which area types (bit 0 region, 1 nation, 2 parent) a body does not know. Shared geography
/// is neutral for a pair exactly when no type is known on both sides.
#[inline]
fn unknown_areas(b: &Body) -> u8 {
    u8::from(b.region == NONE)
        | (u8::from(b.nation == NONE) << 1)
        | (u8::from(b.parent == NONE) << 2)
}

/// What a node's bodies have, as far as bounds need.
#[derive(Debug, Clone, Copy)]
pub struct Aggregate {
    kinds: u32,
    sectors_of_unknown_kinds: u8,
    pop_min: f64,
    pop_max: f64,
    any_pop_unknown: bool,
    supply: u64,
    any_supply_unknown: bool,
    need: u64,
    any_need_unknown: bool,
    reason_max: [f64; N_REASONS],
    any_reasons_unknown: bool,
    parties: u32,
    any_party_unknown: bool,
    any_ict_known: bool,
    any_partnerships_unknown: bool,
    parents: u64,
    combined: u64,
    police: u64,
    regions: u64,
    nations: u64,
    unknown_areas: u8,
    weight_max: [f64; Criterion::COUNT],
    barrier_max: f64,
}

impl Aggregate {
    fn empty() -> Self {
        Self {
            kinds: 0,
            sectors_of_unknown_kinds: 0,
            pop_min: f64::INFINITY,
            pop_max: f64::NEG_INFINITY,
            any_pop_unknown: false,
            supply: 0,
            any_supply_unknown: false,
            need: 0,
            any_need_unknown: false,
            reason_max: [0.0; N_REASONS],
            any_reasons_unknown: false,
            parties: 0,
            any_party_unknown: false,
            any_ict_known: false,
            any_partnerships_unknown: false,
            parents: 0,
            combined: 0,
            police: 0,
            regions: 0,
            nations: 0,
            unknown_areas: 0,
            weight_max: [0.0; Criterion::COUNT],
            barrier_max: 0.0,
        }
    }

    fn add(&mut self, ctx: &Context<'_>, b: &Body) {
        match b.kind {
            Some(k) => self.kinds |= 1 << (k as u32),
            None => self.sectors_of_unknown_kinds |= 1 << (b.sector as u8),
        }
        let p = b.population;
        if p.is_finite() {
            self.pop_min = self.pop_min.min(p);
            self.pop_max = self.pop_max.max(p);
        } else {
            self.any_pop_unknown = true;
        }
        match ctx.candidate_supply(b) {
            Some(s) => self.supply |= s,
            None => self.any_supply_unknown = true,
        }
        match ctx.candidate_need(b) {
            Some(n) => self.need |= n,
            None => self.any_need_unknown = true,
        }
        if b.reasons_known() {
            for (m, w) in self.reason_max.iter_mut().zip(&b.reason_weights) {
                *m = m.max(*w);
            }
        } else {
            self.any_reasons_unknown = true;
        }
        match b.party {
            Some(p) => self.parties |= 1 << (p as u32),
            None => self.any_party_unknown = true,
        }
        self.any_ict_known |= b.ict_known();
        self.any_partnerships_unknown |= !b.partnerships_known();
        self.parents |= bit(b.parent);
        self.combined |= bit(b.combined_authority);
        self.police |= bit(b.police_force_area);
        self.regions |= bit(b.region);
        self.nations |= bit(b.nation);
        self.unknown_areas |= unknown_areas(b);
        for (m, w) in self.weight_max.iter_mut().zip(ctx.index.weights_of(b)) {
            *m = m.max(*w);
        }
        self.barrier_max = self.barrier_max.max(barrier_ceiling(b));
    }

    fn merge(&mut self, o: &Aggregate) {
        self.kinds |= o.kinds;
        self.sectors_of_unknown_kinds |= o.sectors_of_unknown_kinds;
        self.pop_min = self.pop_min.min(o.pop_min);
        self.pop_max = self.pop_max.max(o.pop_max);
        self.any_pop_unknown |= o.any_pop_unknown;
        self.supply |= o.supply;
        self.any_supply_unknown |= o.any_supply_unknown;
        self.need |= o.need;
        self.any_need_unknown |= o.any_need_unknown;
        for (m, w) in self.reason_max.iter_mut().zip(&o.reason_max) {
            *m = m.max(*w);
        }
        self.any_reasons_unknown |= o.any_reasons_unknown;
        self.parties |= o.parties;
        self.any_party_unknown |= o.any_party_unknown;
        self.any_ict_known |= o.any_ict_known;
        self.any_partnerships_unknown |= o.any_partnerships_unknown;
        self.parents |= o.parents;
        self.combined |= o.combined;
        self.police |= o.police;
        self.regions |= o.regions;
        self.nations |= o.nations;
        self.unknown_areas |= o.unknown_areas;
        for (m, w) in self.weight_max.iter_mut().zip(&o.weight_max) {
            *m = m.max(*w);
        }
        self.barrier_max = self.barrier_max.max(o.barrier_max);
    }
}

/// A tree node: a box of space, its bodies `order[start..end]`, and their aggregate.
#[derive(Debug, Clone)]
pub struct Node {
    lo: [f64; 3],
    hi: [f64; 3],
    /// First position in `BoundTree::order`.
    pub start: u32,
    /// One past the last position.
    pub end: u32,
    /// Children (`NONE` for a leaf).
    pub children: [u32; 2],
    agg: Aggregate,
}

/// The k-d tree of bounds.
#[derive(Debug, Clone)]
pub struct BoundTree {
    /// Nodes; the root is node 0.
    pub nodes: Vec<Node>,
    /// Body indices in tree order.
    pub order: Vec<u32>,
    /// The bodies' records in tree order, so that a leaf's bodies are scanned from consecutive
    /// memory (a copy of `ScoringIndex::bodies`, permuted).
    pub bodies: Vec<Body>,
}

impl BoundTree {
    /// Builds the tree: median splits on the widest axis, leaves of `LEAF_SIZE`. O(n log n).
    pub fn build(ctx: &Context<'_>) -> Self {
        let n = ctx.index.len();
        let mut tree = Self {
            nodes: Vec::with_capacity(2 * n / LEAF_SIZE + 2),
            order: (0..n as u32).collect(),
            bodies: Vec::new(),
        };
        if n > 0 {
            tree.build_node(ctx, 0, n);
        }
        tree.bodies = tree.order.iter().map(|&b| *ctx.index.body(b as usize)).collect();
        tree
    }

    fn build_node(&mut self, ctx: &Context<'_>, start: usize, end: usize) -> u32 {
        let bodies = &ctx.index.bodies;
        let mut lo = [f64::INFINITY; 3];
        let mut hi = [f64::NEG_INFINITY; 3];
        for &b in &self.order[start..end] {
            for d in 0..3 {
                lo[d] = lo[d].min(bodies[b as usize].xyz[d]);
                hi[d] = hi[d].max(bodies[b as usize].xyz[d]);
            }
        }
        let id = self.nodes.len() as u32;
        self.nodes.push(Node {
            lo,
            hi,
            start: start as u32,
            end: end as u32,
            children: [NONE, NONE],
            agg: Aggregate::empty(),
        });
        if end - start <= LEAF_SIZE {
            let mut agg = Aggregate::empty();
            for &b in &self.order[start..end] {
                agg.add(ctx, &bodies[b as usize]);
            }
            self.nodes[id as usize].agg = agg;
            return id;
        }
        let axis =
            (0..3).max_by(|a, b| (hi[*a] - lo[*a]).total_cmp(&(hi[*b] - lo[*b]))).unwrap_or(0);
        let mid = start + (end - start) / 2;
        // Ties broken by index, so the tree (and the visiting order) is deterministic.
        self.order[start..end].select_nth_unstable_by(mid - start, |a, b| {
            bodies[*a as usize].xyz[axis].total_cmp(&bodies[*b as usize].xyz[axis]).then(a.cmp(b))
        });
        let left = self.build_node(ctx, start, mid);
        let right = self.build_node(ctx, mid, end);
        let mut agg = self.nodes[left as usize].agg;
        agg.merge(&self.nodes[right as usize].agg);
        let node = &mut self.nodes[id as usize];
        node.children = [left, right];
        node.agg = agg;
        id
    }

    /// A lower bound on the great-circle distance (km) from a body to any body in a node: the
    /// chord to the node's box is no longer than the chord to any point in it.
    #[inline]
    pub fn min_distance_km(&self, node: &Node, p: &[f64; 3]) -> f64 {
        let mut sq = 0.0;
        for ((lo, hi), x) in node.lo.iter().zip(&node.hi).zip(p) {
            let gap = (lo - x).max(0.0).max(x - hi);
            sq += gap * gap;
        }
        2.0 * crate::model::EARTH_RADIUS_KM * (sq.sqrt() / 2.0).min(1.0).asin()
    }
}

/// What bounds need of the subject, computed once per subject.
#[derive(Debug, Clone)]
pub struct SubjectBounds {
    weights: [f64; Criterion::COUNT],
    kind_fit_by_kind: [f64; 32],
    sector_fit_by_sector: [f64; 8],
    pop: f64,
    need: Option<u64>,
    supply: Option<u64>,
    barrier: f64,
    reasons: Option<[f64; N_REASONS]>,
    party: Option<u32>,
    ict_known: bool,
    partnerships_known: bool,
    parent_bit: u64,
    combined_bit: u64,
    police_bit: u64,
    region_bit: u64,
    nation_bit: u64,
    known_areas: u8,
}

impl SubjectBounds {
    /// Prepares the subject's side of the bounds.
    pub fn new(ctx: &Context<'_>, a: &Body) -> Self {
        let mut kind_fit_by_kind = [0.0; 32];
        let mut sector_fit_by_sector = [0.0; 8];
        for k in Kind::all() {
            kind_fit_by_kind[*k as usize] = match a.kind {
                Some(ka) => kind_fit(ka, *k),
                None => sector_fit(a.sector, k.sector()),
            };
        }
        for s in Sector::all() {
            sector_fit_by_sector[*s as usize] = sector_fit(a.sector, *s);
        }
        Self {
            weights: *ctx.index.weights_of(a),
            kind_fit_by_kind,
            sector_fit_by_sector,
            pop: a.population,
            need: ctx.need(a),
            supply: ctx.supply(a),
            barrier: barrier_ceiling(a),
            reasons: a.reasons_known().then_some(a.reason_weights),
            party: a.party.map(|p| p as u32),
            ict_known: a.ict_known(),
            partnerships_known: a.partnerships_known(),
            parent_bit: bit(a.parent),
            combined_bit: bit(a.combined_authority),
            police_bit: bit(a.police_force_area),
            region_bit: bit(a.region),
            nation_bit: bit(a.nation),
            known_areas: !unknown_areas(a) & 0b111,
        }
    }
}

/// An upper bound on the mutual score of the subject with any body of the node that is not a
/// special candidate (not a neighbour, parent, child, partner or partner's partner), given the
/// minimum distance to the node. Criterion by criterion, each bound is at least the value any
/// such body can reach (see `docs/scoring.md`); the scores are monotone in the values and the
/// mutual combinations are monotone in both directions, so the bound holds for the total.
#[inline]
pub fn upper_bound(
    ctx: &Context<'_>,
    s: &SubjectBounds,
    node: &Node,
    min_km: f64,
    mutual: Mutual,
) -> f64 {
    let g = &node.agg;
    let proximity = (-min_km / ctx.params.proximity_half_km).exp2();
    // Kind fit: the best kind present, or the best sector among bodies of unknown kind.
    let mut kind = 0.0f64;
    let mut kinds = g.kinds;
    while kinds != 0 {
        let k = kinds.trailing_zeros();
        kind = kind.max(s.kind_fit_by_kind[k as usize]);
        kinds &= kinds - 1;
    }
    let mut sectors = g.sectors_of_unknown_kinds;
    while sectors != 0 {
        let k = sectors.trailing_zeros();
        kind = kind.max(s.sector_fit_by_sector[k as usize]);
        sectors &= sectors - 1;
    }
    // Size fit: 1 when the subject's size lies in the node's range or anything is unknown
    // (a budget could match); else the nearer end of the range.
    let size =
        if !s.pop.is_finite() || g.any_pop_unknown || (g.pop_min..=g.pop_max).contains(&s.pop) {
            1.0
        } else {
            let nearest = if s.pop < g.pop_min { g.pop_min } else { g.pop_max };
            (1.0 - (s.pop / nearest).ln().abs() / std::f64::consts::LN_10).clamp(0.0, 1.0)
        };
    // Trust: no partnership and no partner in common for non-special bodies.
    let trust = if s.partnerships_known || !g.any_partnerships_unknown { 0.0 } else { NEUTRAL };
    let priorities = match &s.reasons {
        None => NEUTRAL,
        Some(r) => {
            let overlap: f64 =
                r.iter().zip(&g.reason_max).map(|(x, y)| x.min(*y)).sum::<f64>().min(1.0);
            if g.any_reasons_unknown { overlap.max(NEUTRAL) } else { overlap }
        }
    };
    let geography =
        if (s.parent_bit & g.parents) | (s.combined_bit & g.combined) | (s.police_bit & g.police)
            != 0
        {
            1.0
        } else if s.region_bit & g.regions != 0 {
            0.5
        } else if s.known_areas & !g.unknown_areas == 0 {
            // Some body may share no known area type with the subject: the neutral value.
            NEUTRAL
        } else if s.nation_bit & g.nations != 0 {
            0.25
        } else {
            0.0
        };
    let ict = if s.ict_known && g.any_ict_known { 1.0 } else { NEUTRAL };
    let political = match s.party {
        None => NEUTRAL,
        Some(p) if g.parties & (1 << p) != 0 => 1.0,
        Some(_) if g.any_party_unknown => NEUTRAL,
        Some(_) => 0.0,
    };
    // Service fit, forward: the share of the subject's need the node's known supply covers.
    let service_forward = match s.need {
        None => NEUTRAL,
        Some(0) => 0.0,
        Some(need) => {
            let covered = f64::from((need & g.supply).count_ones()) / f64::from(need.count_ones());
            if g.any_supply_unknown { covered.max(NEUTRAL) } else { covered }
        }
    };
    // Service fit, backward: some body's need meets the subject's supply.
    let service_backward = match s.supply {
        None => NEUTRAL,
        Some(supply) if g.need & supply != 0 => 1.0,
        Some(_) if g.any_need_unknown => NEUTRAL,
        Some(_) => 0.0,
    };
    let shared = [proximity, 0.0, kind, size, trust, 0.0, priorities, geography, ict, political];
    let mut forward_values = shared;
    forward_values[Criterion::ServiceFit.index()] = service_forward;
    forward_values[Criterion::BarrierRisk.index()] = s.barrier;
    let mut backward_values = shared;
    backward_values[Criterion::ServiceFit.index()] = service_backward;
    backward_values[Criterion::BarrierRisk.index()] = g.barrier_max;
    let forward: f64 = s.weights.iter().zip(&forward_values).map(|(w, v)| w * v).sum();
    let backward: f64 =
        g.weight_max.iter().zip(&backward_values).map(|(w, v)| w * v).sum::<f64>().min(1.0);
    // A margin far above rounding error keeps the bound a bound whatever the summation order.
    mutual.combine(forward.min(1.0), backward) + 1e-9
}
