//! Upper bounds for exact pruning: a k-d tree over the bodies' unit vectors whose every node
//! carries aggregates of its bodies (bounding box, kinds present, population range, services,
//! reason weights, parties, areas, weights), from which a score no candidate in the node can
//! beat follows: `upper_bound` computes it in `f64` (the reference, used by tests) and
//! `lanes::GroupBounds` for a group of subjects at once, as the walk does. Proven bounds,
//! criterion by criterion, are in `docs/scoring.md` ("Exact ranking of every body"). No I/O.
//!
//! Why not a spatial-index crate: branch and bound here needs per-node aggregates of arbitrary
//! criteria, which the k-d tree and R-tree crates (kiddo, rstar) do not carry.

use super::prefetch::prefetch;
use crate::index::{Body, N_REASONS, NONE};
use crate::model::{Criterion, Enumeration, Kind, Sector};
use crate::score::{Context, barrier_ceiling, kind_fit, sector_fit};
#[cfg(test)]
use crate::score::{Mutual, NEUTRAL};

/// Bodies per leaf: small enough for tight aggregates, large enough to amortise a node visit.
pub const LEAF_SIZE: usize = 2;

/// Cells of at most this many bodies are split by size rather than by space.
pub const ATTRIBUTE_SPLITS_BELOW: usize = 32;

/// One bit of a 64-bit hashed set of small ids (areas); `NONE` has no bit.
#[inline]
fn bit(id: u32) -> u64 {
    crate::index::area_bit(id)
}

/// Which area types (bit 0 region, 1 nation, 2 parent) a body does not know. Shared geography
/// is neutral for a pair exactly when no type is known on both sides.
#[inline]
fn unknown_areas(b: &Body) -> u8 {
    u8::from(b.region == NONE) | (u8::from(b.nation == NONE) << 1) | (u8::from(b.areas == 0) << 2)
}

/// `x` rounded up to an `f32`: never below `x`, so a maximum stays a bound.
#[inline]
pub(super) fn f32_up(x: f64) -> f32 {
    let f = x as f32;
    if f64::from(f) < x { f.next_up() } else { f }
}

/// `x` rounded down to an `f32`: never above `x`, so a minimum stays a bound.
#[inline]
pub(super) fn f32_down(x: f64) -> f32 {
    let f = x as f32;
    if f64::from(f) > x { f.next_down() } else { f }
}

/// Slots of `Aggregate::need_by_count`: needs of 1, 2, 3 and 4 or more services.
pub const NEED_SLOTS: usize = 4;

/// The slot of a non-empty need: its number of services, less one, at most `NEED_SLOTS − 1`.
#[inline]
fn need_slot(need: u64) -> usize {
    (need.count_ones() as usize).clamp(1, NEED_SLOTS) - 1
}

/// Groups of bodies whose supplies a node keeps apart (`Aggregate::supply_groups`).
pub const SUPPLY_GROUPS: usize = 4;

/// The supply groups of two nodes' bodies together: the non-empty unions of both, without
/// repeats, the two whose union grows least over the larger of them merged (ties: the smaller
/// union, then the first pair) until at most `SUPPLY_GROUPS` are left. A node of at most
/// `SUPPLY_GROUPS` bodies keeps each body's supply apart; any grouping keeps the bound.
fn merge_supply_groups(a: &[u64; SUPPLY_GROUPS], b: &[u64; SUPPLY_GROUPS]) -> [u64; SUPPLY_GROUPS] {
    let mut sets = [0u64; 2 * SUPPLY_GROUPS];
    let mut len = 0;
    for &set in a.iter().chain(b) {
        if set != 0 && !sets[..len].contains(&set) {
            sets[len] = set;
            len += 1;
        }
    }
    while len > SUPPLY_GROUPS {
        let mut best = (u32::MAX, u32::MAX, 0, 1);
        for i in 0..len {
            for j in i + 1..len {
                let union = (sets[i] | sets[j]).count_ones();
                let growth = union - sets[i].count_ones().max(sets[j].count_ones());
                if (growth, union) < (best.0, best.1) {
                    best = (growth, union, i, j);
                }
            }
        }
        let (_, _, i, j) = best;
        sets[i] |= sets[j];
        sets.copy_within(j + 1..len, j);
        len -= 1;
    }
    let mut out = [0u64; SUPPLY_GROUPS];
    out.copy_from_slice(&sets[..SUPPLY_GROUPS]);
    out
}

/// Aggregate flag: some body's population is not known.
pub(super) const POP_UNKNOWN: u8 = 1;
/// Aggregate flag: some body's supply of services is not known.
pub(super) const SUPPLY_UNKNOWN: u8 = 2;
/// Aggregate flag: some body's need of services is not known.
pub(super) const NEED_UNKNOWN: u8 = 4;
/// Aggregate flag: some body's reasons are not known.
pub(super) const REASONS_UNKNOWN: u8 = 8;
/// Aggregate flag: some body's lead party is not known.
pub(super) const PARTY_UNKNOWN: u8 = 16;
/// Aggregate flag: some body's ICT systems are known.
pub(super) const ICT_KNOWN: u8 = 32;
/// Aggregate flag: some body's partnerships are not known.
pub(super) const PARTNERSHIPS_UNKNOWN: u8 = 64;

/// What a node's bodies have, as far as bounds need. Reals that bound from above are rounded
/// up to `f32`, so they stay bounds. Built with the tree; the walk reads the node's
/// `NodeSide`, made from it.
#[derive(Debug, Clone, Copy)]
pub struct Aggregate {
    /// The known supplies, in at most `SUPPLY_GROUPS` groups of bodies, each group's union: a
    /// body supplies no more of a need than its group's union does (`merge_supply_groups`).
    pub(super) supply_groups: [u64; SUPPLY_GROUPS],
    /// The union of the known, non-empty needs of `c` services in slot `c − 1`, the last slot
    /// holding needs of `NEED_SLOTS` services or more: a body's share of its need that the
    /// subject supplies is bounded within its slot (`upper_bound`).
    pub(super) need_by_count: [u64; NEED_SLOTS],
    pub(super) parents: u64,
    pub(super) combined: u64,
    pub(super) police: u64,
    pub(super) regions: u64,
    pub(super) nations: u64,
    /// Range of the natural log of the known populations.
    pub(super) ln_pop_min: f64,
    pub(super) ln_pop_max: f64,
    /// The highest barrier-risk value any body can have.
    pub(super) barrier_max: f64,
    /// Element-wise maximum of the reason weights of bodies whose reasons are known.
    pub(super) reason_max: [f32; N_REASONS],
    pub(super) kinds: u32,
    pub(super) parties: u32,
    /// The weight row every body shares, or `NONE` when they differ (then `BoundTree::weight_max`
    /// holds the element-wise maximum).
    pub(super) weight_row: u32,
    pub(super) sectors_of_unknown_kinds: u8,
    pub(super) flags: u8,
    pub(super) unknown_areas: u8,
    /// The most services any body with a known supply supplies.
    pub(super) supply_max_count: u8,
}

impl Aggregate {
    fn empty() -> Self {
        Self {
            supply_groups: [0; SUPPLY_GROUPS],
            need_by_count: [0; NEED_SLOTS],
            parents: 0,
            combined: 0,
            police: 0,
            regions: 0,
            nations: 0,
            ln_pop_min: f64::INFINITY,
            ln_pop_max: f64::NEG_INFINITY,
            barrier_max: 0.0,
            reason_max: [0.0; N_REASONS],
            kinds: 0,
            parties: 0,
            weight_row: NONE - 1,
            sectors_of_unknown_kinds: 0,
            flags: 0,
            unknown_areas: 0,
            supply_max_count: 0,
        }
    }

    fn add(&mut self, ctx: &Context<'_>, b: &Body) {
        let mut other = Self::empty();
        match b.kind {
            Some(k) => other.kinds = 1 << (k as u32),
            None => other.sectors_of_unknown_kinds = 1 << (b.sector as u8),
        }
        // Size fit reads the logs; a body without a population may be compared on budget, so
        // it makes the range unbounded.
        if b.ln_population.is_finite() {
            other.ln_pop_min = b.ln_population;
            other.ln_pop_max = b.ln_population;
        } else {
            other.flags |= POP_UNKNOWN;
        }
        match ctx.candidate_supply(b) {
            Some(s) => {
                other.supply_groups[0] = s;
                other.supply_max_count = s.count_ones() as u8;
            }
            None => other.flags |= SUPPLY_UNKNOWN,
        }
        match ctx.candidate_need(b) {
            Some(n) => {
                if n != 0 {
                    other.need_by_count[need_slot(n)] = n;
                }
            }
            None => other.flags |= NEED_UNKNOWN,
        }
        if b.reasons_known() {
            for (m, w) in other.reason_max.iter_mut().zip(&b.reason_weights) {
                *m = f32_up(*w);
            }
        } else {
            other.flags |= REASONS_UNKNOWN;
        }
        match b.party {
            Some(p) => other.parties = 1 << (p as u32),
            None => other.flags |= PARTY_UNKNOWN,
        }
        if b.ict_known() {
            other.flags |= ICT_KNOWN;
        }
        if !b.partnerships_known() {
            other.flags |= PARTNERSHIPS_UNKNOWN;
        }
        // Every area containing the body: a common one makes geography 1.
        other.parents = b.areas;
        other.combined = bit(b.combined_authority);
        other.police = bit(b.police_force_area);
        other.regions = bit(b.region);
        other.nations = bit(b.nation);
        other.unknown_areas = unknown_areas(b);
        other.weight_row = b.weight_row;
        other.barrier_max = barrier_ceiling(b);
        self.merge(&other);
    }

    fn merge(&mut self, o: &Aggregate) {
        self.supply_groups = merge_supply_groups(&self.supply_groups, &o.supply_groups);
        for (m, n) in self.need_by_count.iter_mut().zip(&o.need_by_count) {
            *m |= n;
        }
        self.parents |= o.parents;
        self.combined |= o.combined;
        self.police |= o.police;
        self.regions |= o.regions;
        self.nations |= o.nations;
        self.ln_pop_min = self.ln_pop_min.min(o.ln_pop_min);
        self.ln_pop_max = self.ln_pop_max.max(o.ln_pop_max);
        self.barrier_max = self.barrier_max.max(o.barrier_max);
        for (m, w) in self.reason_max.iter_mut().zip(&o.reason_max) {
            *m = m.max(*w);
        }
        self.kinds |= o.kinds;
        self.parties |= o.parties;
        // `NONE - 1` marks an empty aggregate, which takes the other's row.
        self.weight_row = match (self.weight_row, o.weight_row) {
            (x, y) if x == NONE - 1 => y,
            (x, y) if y == NONE - 1 || x == y => x,
            _ => NONE,
        };
        self.sectors_of_unknown_kinds |= o.sectors_of_unknown_kinds;
        self.flags |= o.flags;
        self.unknown_areas |= o.unknown_areas;
        self.supply_max_count = self.supply_max_count.max(o.supply_max_count);
    }
}

/// What a node's bound needs of the node's aggregate: its sets, and its reals in the lanes'
/// `f32`, rounded in the bound's favour. Computed once per node when the tree is built
/// (`Node::side`).
#[derive(Debug, Clone, Default)]
pub struct NodeSide {
    pub(super) supply_groups: [u64; SUPPLY_GROUPS],
    pub(super) need_by_count: [u64; NEED_SLOTS],
    pub(super) parents: u64,
    pub(super) combined: u64,
    pub(super) police: u64,
    pub(super) regions: u64,
    pub(super) nations: u64,
    pub(super) reason_max: [f32; N_REASONS],
    /// The criterion weights that bound the node's bodies' own, rounded up.
    pub(super) weights: [f32; Criterion::COUNT],
    pub(super) pop_min: f32,
    pub(super) pop_max: f32,
    pub(super) supply_max: f32,
    pub(super) barrier_max: f32,
    pub(super) known_areas: u32,
    pub(super) kinds: u32,
    pub(super) parties: u32,
    pub(super) sectors_of_unknown_kinds: u8,
    pub(super) pop_unknown: bool,
    pub(super) partnerships_unknown: bool,
    pub(super) reasons_unknown: bool,
    pub(super) ict_known: bool,
    pub(super) party_unknown: bool,
    pub(super) supply_unknown: bool,
    pub(super) need_unknown: bool,
}

impl NodeSide {
    /// A node's side, from its aggregate and the weights that bound its bodies'.
    pub fn new(g: &Aggregate, weights: &[f64; Criterion::COUNT]) -> Self {
        let unknown = |flag: u8| g.flags & flag != 0;
        Self {
            supply_groups: g.supply_groups,
            need_by_count: g.need_by_count,
            parents: g.parents,
            combined: g.combined,
            police: g.police,
            regions: g.regions,
            nations: g.nations,
            reason_max: g.reason_max,
            kinds: g.kinds,
            parties: g.parties,
            sectors_of_unknown_kinds: g.sectors_of_unknown_kinds,
            weights: weights.map(f32_up),
            pop_min: f32_down(g.ln_pop_min),
            pop_max: f32_up(g.ln_pop_max),
            supply_max: f32::from(g.supply_max_count),
            barrier_max: f32_up(g.barrier_max),
            known_areas: u32::from(!g.unknown_areas & 0b111),
            pop_unknown: unknown(POP_UNKNOWN),
            partnerships_unknown: unknown(PARTNERSHIPS_UNKNOWN),
            reasons_unknown: unknown(REASONS_UNKNOWN),
            ict_known: unknown(ICT_KNOWN),
            party_unknown: unknown(PARTY_UNKNOWN),
            supply_unknown: unknown(SUPPLY_UNKNOWN),
            need_unknown: unknown(NEED_UNKNOWN),
        }
    }
}

/// A tree node: a box of space, its bodies `order[start..end]`, and what the bound reads of
/// their aggregate. Aligned to cache lines: a node's bound reads exactly four of them.
#[derive(Debug, Clone)]
#[repr(align(64))]
pub struct Node {
    /// The box, rounded outwards to `f32`.
    pub(super) lo: [f32; 3],
    pub(super) hi: [f32; 3],
    /// First position in `BoundTree::order`.
    pub start: u32,
    /// One past the last position.
    pub end: u32,
    /// Children (`NONE` for a leaf).
    pub children: [u32; 2],
    /// What the lanes' bound (`lanes`) reads of the node's aggregate, next to the rest so
    /// that a node's bound reads one contiguous record.
    pub(super) side: NodeSide,
}

const _: () = assert!(size_of::<Node>() == 256, "a node is four cache lines");

impl Node {
    /// A slot before the build fills it.
    fn empty() -> Node {
        Node {
            lo: [0.0; 3],
            hi: [0.0; 3],
            start: 0,
            end: 0,
            children: [NONE, NONE],
            side: NodeSide::default(),
        }
    }
}

/// The k-d tree of bounds.
#[derive(Debug, Clone)]
pub struct BoundTree {
    /// Nodes.
    pub nodes: Vec<Node>,
    /// One root per kind present (and per sector of bodies of unknown kind), in kind order.
    pub roots: Vec<u32>,
    /// Per node, its bodies' aggregate, from which its `side` is made. Kept after the build
    /// only in test builds, for the reference bound (`upper_bound`): a national tree's
    /// aggregates take hundreds of megabytes the walk never reads.
    #[cfg(test)]
    pub(super) aggregates: Vec<Aggregate>,
    /// Per node, the element-wise maximum of its bodies' criterion weights (read only for
    /// nodes whose bodies do not share one weight row). Kept as `aggregates` is.
    #[cfg(test)]
    weight_max: Vec<[f64; Criterion::COUNT]>,
    /// Body indices in tree order.
    pub order: Vec<u32>,
    /// The bodies' records in tree order, so that a leaf's bodies are scanned from consecutive
    /// memory (a copy of `ScoringIndex::bodies`, permuted).
    pub bodies: Vec<Body>,
}

impl BoundTree {
    /// Builds the tree: median splits on the widest axis, then, in cells of at most
    /// `ATTRIBUTE_SPLITS_BELOW` bodies, median splits on size; leaves of `LEAF_SIZE`.
    /// O(n log n), subtrees of at least `PARALLEL_FROM` bodies built in parallel. A node's
    /// id depends only on the sizes of the cells above it (`subtree_nodes`), so the tree is
    /// the same however the work is shared out.
    pub fn build(ctx: &Context<'_>) -> Self {
        use rayon::prelude::*;
        let n = ctx.index.len();
        // Kind fit is exact per kind, so a tree per kind lets the walk drop whole kinds that
        // fit the subject badly at their root.
        let group = |b: u32| -> u32 {
            let body = &ctx.index.bodies[b as usize];
            body.kind.map_or(64 + body.sector as u32, |k| k as u32)
        };
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.par_sort_unstable_by_key(|&b| (group(b), b));
        let mut sizes = Vec::new();
        let mut start = 0;
        while start < n {
            let key = group(order[start]);
            let end = start + order[start..].partition_point(|&b| group(b) == key);
            sizes.push(end - start);
            start = end;
        }
        // What the splits read, beside each body's index: scanned and moved in place, rather
        // than read from the index body by body.
        let mut items: Vec<Item> = order
            .par_iter()
            .map(|&b| {
                let body = ctx.index.body(b as usize);
                Item { xyz: body.xyz, ln_population: body.ln_population, body: b }
            })
            .collect();
        // The roots take the first ids, in kind order; each root's descendants follow, root
        // by root.
        let total = sizes.len() + sizes.iter().map(|&m| subtree_nodes(m) - 1).sum::<usize>();
        // Made in parallel: most of the time goes in the first writes to fresh pages.
        let mut nodes: Vec<Node> = (0..total).into_par_iter().map(|_| Node::empty()).collect();
        #[cfg(test)]
        let mut aggregates = vec![Aggregate::empty(); total];
        #[cfg(test)]
        let mut weight_max = vec![[0.0; Criterion::COUNT]; total];
        {
            let all = Slots {
                nodes: &mut nodes,
                #[cfg(test)]
                aggregates: &mut aggregates,
                #[cfg(test)]
                weights: &mut weight_max,
            };
            let (mut roots, mut rest) = all.split_at(sizes.len());
            let mut cells = items.as_mut_slice();
            let (mut start, mut first_free) = (0, sizes.len() as u32);
            let mut jobs = Vec::with_capacity(sizes.len());
            for &m in &sizes {
                let below = subtree_nodes(m) - 1;
                let (root, other_roots) = roots.split_at(1);
                let (descendants, later) = rest.split_at(below);
                let (cell, other_cells) = std::mem::take(&mut cells).split_at_mut(m);
                jobs.push((root, descendants, first_free, cell, start));
                first_free += below as u32;
                start += m;
                (roots, rest, cells) = (other_roots, later, other_cells);
            }
            jobs.into_par_iter().for_each(|(root, descendants, first_free, cell, start)| {
                fill(ctx, root, descendants, first_free, cell, start);
            });
        }
        let order: Vec<u32> = items.iter().map(|item| item.body).collect();
        let bodies = order.par_iter().map(|&b| *ctx.index.body(b as usize)).collect();
        Self {
            nodes,
            roots: (0..sizes.len() as u32).collect(),
            #[cfg(test)]
            aggregates,
            #[cfg(test)]
            weight_max,
            order,
            bodies,
        }
    }

    /// Asks the processor for the records of a node's children ahead of their bounds
    /// (nothing for a leaf). A hint: see `prefetch`.
    #[inline]
    pub fn prefetch_children(&self, id: u32) {
        let [first, second] = self.nodes[id as usize].children;
        if first != NONE {
            prefetch(&self.nodes[first as usize]);
            prefetch(&self.nodes[second as usize]);
        }
    }

    /// A lower bound on the great-circle distance (km) from a body to any body in a node:
    /// R times the chord to the node's box, since the chord to the box is no longer than the
    /// chord to any point in it and an arc 2R·asin(c/2) is never shorter than R·c. Closer
    /// than 100 km the two differ by less than a metre; no arcsine per node. The `f64`
    /// reference for the lanes' distance (`lanes`), used in tests.
    #[cfg(test)]
    pub fn min_distance_km(&self, node: &Node, p: &[f64; 3]) -> f64 {
        let mut sq = 0.0;
        for ((lo, hi), x) in node.lo.iter().zip(&node.hi).zip(p) {
            let gap = (f64::from(*lo) - x).max(0.0).max(x - f64::from(*hi));
            sq += gap * gap;
        }
        crate::model::EARTH_RADIUS_KM * sq.sqrt()
    }

    /// The criterion weights that bound a node's bodies' own: their shared row, or the
    /// element-wise maximum (as `fill` picks them for the node's side). Test builds only.
    #[cfg(test)]
    pub(super) fn backward_weights<'c>(
        &'c self,
        ctx: &'c Context<'_>,
        id: u32,
    ) -> &'c [f64; Criterion::COUNT] {
        let row = self.aggregates[id as usize].weight_row;
        if row == NONE {
            &self.weight_max[id as usize]
        } else {
            &ctx.index.weight_table[row as usize]
        }
    }
}

/// Subtrees of at least this many bodies build their two halves in parallel (a few in tests,
/// so that small trees take that path).
const PARALLEL_FROM: usize = if cfg!(test) { 8 } else { 4096 };

/// The nodes of the subtree over `m` bodies, its root included: 1 for a leaf, else one more
/// than its halves' (⌊m/2⌋ and ⌈m/2⌉ bodies). O(log m): the sizes at each depth are two
/// consecutive numbers, so the counts are carried in pairs (f(h), f(h + 1)).
fn subtree_nodes(m: usize) -> usize {
    fn pair(m: usize) -> (usize, usize) {
        if m < LEAF_SIZE {
            return (1, 1);
        }
        let (fh, fh1) = pair(m / 2);
        let (first, second) = if m.is_multiple_of(2) {
            (1 + 2 * fh, 1 + fh + fh1)
        } else {
            (1 + fh + fh1, 1 + 2 * fh1)
        };
        (if m <= LEAF_SIZE { 1 } else { first }, second)
    }
    pair(m).0
}

/// A body as the build's splits see it.
#[derive(Debug, Clone, Copy)]
struct Item {
    xyz: [f64; 3],
    ln_population: f64,
    /// The body's index.
    body: u32,
}

/// Node slots being filled, for a range of ids; in test builds, with their aggregates and
/// their weights' maxima.
struct Slots<'a> {
    nodes: &'a mut [Node],
    #[cfg(test)]
    aggregates: &'a mut [Aggregate],
    #[cfg(test)]
    weights: &'a mut [[f64; Criterion::COUNT]],
}

impl<'a> Slots<'a> {
    /// The first `k` slots and the rest.
    fn split_at(self, k: usize) -> (Slots<'a>, Slots<'a>) {
        let (n0, n1) = self.nodes.split_at_mut(k);
        #[cfg(test)]
        let ((a0, a1), (w0, w1)) = (self.aggregates.split_at_mut(k), self.weights.split_at_mut(k));
        (
            Slots {
                nodes: n0,
                #[cfg(test)]
                aggregates: a0,
                #[cfg(test)]
                weights: w0,
            },
            Slots {
                nodes: n1,
                #[cfg(test)]
                aggregates: a1,
                #[cfg(test)]
                weights: w1,
            },
        )
    }
}

/// Builds the subtree of `cell` (bodies `start..start + cell.len()` of the tree's order) into
/// `slot`, its descendants into `descendants` (ids from `first_free`), and returns the
/// subtree's aggregate and its bodies' weights' maximum. A node's two children take adjacent
/// ids, so bounding both reads consecutive memory; the left child's descendants come next,
/// then the right's.
fn fill(
    ctx: &Context<'_>,
    slot: Slots<'_>,
    descendants: Slots<'_>,
    first_free: u32,
    cell: &mut [Item],
    start: usize,
) -> (Aggregate, [f64; Criterion::COUNT]) {
    let m = cell.len();
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for item in cell.iter() {
        for d in 0..3 {
            lo[d] = lo[d].min(item.xyz[d]);
            hi[d] = hi[d].max(item.xyz[d]);
        }
    }
    let node = &mut slot.nodes[0];
    node.lo = lo.map(f32_down);
    node.hi = hi.map(f32_up);
    node.start = start as u32;
    node.end = (start + m) as u32;
    let (agg, weight_max) = if m <= LEAF_SIZE {
        let mut agg = Aggregate::empty();
        let mut weight_max = [0.0f64; Criterion::COUNT];
        for item in cell.iter() {
            let body = ctx.index.body(item.body as usize);
            agg.add(ctx, body);
            for (m, w) in weight_max.iter_mut().zip(ctx.index.weights_of(body)) {
                *m = m.max(*w);
            }
        }
        (agg, weight_max)
    } else {
        let mid = m / 2;
        if m <= ATTRIBUTE_SPLITS_BELOW {
            // Small cells split by size instead of space, so that leaves hold bodies of similar
            // size and their size-fit bound is tight; their boxes are still exact.
            cell.select_nth_unstable_by(mid, |a, b| {
                a.ln_population.total_cmp(&b.ln_population).then(a.body.cmp(&b.body))
            });
        } else {
            let axis =
                (0..3).max_by(|a, b| (hi[*a] - lo[*a]).total_cmp(&(hi[*b] - lo[*b]))).unwrap_or(0);
            // Ties broken by index, so the tree (and the visiting order) is deterministic.
            cell.select_nth_unstable_by(mid, |a, b| {
                a.xyz[axis].total_cmp(&b.xyz[axis]).then(a.body.cmp(&b.body))
            });
        }
        let left_nodes = subtree_nodes(mid) - 1;
        let (children, rest) = descendants.split_at(2);
        let (left, right) = children.split_at(1);
        let (left_descendants, right_descendants) = rest.split_at(left_nodes);
        let (left_cell, right_cell) = cell.split_at_mut(mid);
        let right_first = first_free + 2 + left_nodes as u32;
        let build_left = || fill(ctx, left, left_descendants, first_free + 2, left_cell, start);
        let build_right =
            || fill(ctx, right, right_descendants, right_first, right_cell, start + mid);
        let ((mut agg, mut weight_max), (right_agg, right_weights)) = if m >= PARALLEL_FROM {
            rayon::join(build_left, build_right)
        } else {
            (build_left(), build_right())
        };
        agg.merge(&right_agg);
        for (m, w) in weight_max.iter_mut().zip(&right_weights) {
            *m = m.max(*w);
        }
        slot.nodes[0].children = [first_free, first_free + 1];
        (agg, weight_max)
    };
    let weights = if agg.weight_row == NONE {
        &weight_max
    } else {
        &ctx.index.weight_table[agg.weight_row as usize]
    };
    slot.nodes[0].side = NodeSide::new(&agg, weights);
    #[cfg(test)]
    {
        slot.aggregates[0] = agg;
        slot.weights[0] = weight_max;
    }
    (agg, weight_max)
}

/// What bounds need of the subject, computed once per subject.
#[derive(Debug, Clone)]
pub struct SubjectBounds {
    pub(super) weights: [f64; Criterion::COUNT],
    pub(super) kind_fit_by_kind: [f64; 32],
    pub(super) sector_fit_by_sector: [f64; 8],
    pub(super) ln_pop: f64,
    pub(super) need: Option<u64>,
    pub(super) supply: Option<u64>,
    pub(super) barrier: f64,
    pub(super) reasons: Option<[f64; N_REASONS]>,
    pub(super) party: Option<u32>,
    pub(super) ict_known: bool,
    pub(super) partnerships_known: bool,
    pub(super) parent_bit: u64,
    pub(super) combined_bit: u64,
    pub(super) police_bit: u64,
    pub(super) region_bit: u64,
    pub(super) nation_bit: u64,
    pub(super) known_areas: u8,
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
            ln_pop: a.ln_population,
            need: ctx.need(a),
            supply: ctx.supply(a),
            barrier: barrier_ceiling(a),
            reasons: a.reasons_known().then_some(a.reason_weights),
            party: a.party.map(|p| p as u32),
            ict_known: a.ict_known(),
            partnerships_known: a.partnerships_known(),
            parent_bit: a.areas,
            combined_bit: bit(a.combined_authority),
            police_bit: bit(a.police_force_area),
            region_bit: bit(a.region),
            nation_bit: bit(a.nation),
            known_areas: !unknown_areas(a) & 0b111,
        }
    }
}

/// The `f64` reference for `lanes::GroupBounds::bound`, which computes the same bounds for a
/// group of subjects at once in `f32` and is checked in tests never to fall below this one.
///
/// An upper bound on the mutual score of the subject with any body of node `id` that is not
/// a special candidate (not a neighbour, parent, child, partner or partner's partner), given
/// a lower bound on the distance to the node. Criterion by criterion, each bound is at least
/// the value any such body can reach (see `docs/scoring.md`); the scores are monotone in the
/// values and the mutual combinations are monotone in both directions, so the bound holds for
/// the total.
#[cfg(test)]
pub fn upper_bound(
    ctx: &Context<'_>,
    s: &SubjectBounds,
    tree: &BoundTree,
    id: u32,
    min_km: f64,
    mutual: Mutual,
) -> f64 {
    let g = &tree.aggregates[id as usize];
    let unknown = |flag: u8| g.flags & flag != 0;
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
    // (a budget could match); else the value at the nearer end of the range.
    let size = if !s.ln_pop.is_finite()
        || unknown(POP_UNKNOWN)
        || (g.ln_pop_min..=g.ln_pop_max).contains(&s.ln_pop)
    {
        1.0
    } else {
        let gap =
            if s.ln_pop < g.ln_pop_min { g.ln_pop_min - s.ln_pop } else { s.ln_pop - g.ln_pop_max };
        (1.0 - gap / std::f64::consts::LN_10).clamp(0.0, 1.0)
    };
    // Trust: no partnership and no partner in common for non-special bodies.
    let trust = if s.partnerships_known || !unknown(PARTNERSHIPS_UNKNOWN) { 0.0 } else { NEUTRAL };
    let priorities = match &s.reasons {
        None => NEUTRAL,
        Some(r) => {
            let overlap: f64 = r
                .iter()
                .zip(&g.reason_max)
                .map(|(x, y)| x.min(f64::from(*y)))
                .sum::<f64>()
                .min(1.0);
            if unknown(REASONS_UNKNOWN) { overlap.max(NEUTRAL) } else { overlap }
        }
    };
    let known_geography: f64 =
        if (s.parent_bit & g.parents) | (s.combined_bit & g.combined) | (s.police_bit & g.police)
            != 0
        {
            1.0
        } else if s.region_bit & g.regions != 0 {
            crate::score::SAME_REGION
        } else if s.nation_bit & g.nations != 0 {
            crate::score::SAME_NATION
        } else {
            0.0
        };
    // Some body may share no known area type with the subject: the neutral value too.
    let geography = if s.known_areas & !g.unknown_areas == 0 {
        known_geography.max(NEUTRAL)
    } else {
        known_geography
    };
    let ict = if s.ict_known && unknown(ICT_KNOWN) { 1.0 } else { NEUTRAL };
    let political = match s.party {
        None => NEUTRAL,
        Some(p) if g.parties & (1 << p) != 0 => 1.0,
        Some(_) if unknown(PARTY_UNKNOWN) => NEUTRAL,
        Some(_) => 0.0,
    };
    // Service fit, forward: the share of the subject's need that a group of the node's known
    // supplies covers at most, where no one body supplies more than `supply_max_count`
    // services.
    let service_forward = match s.need {
        None => NEUTRAL,
        Some(0) => 0.0,
        Some(need) => {
            let covered =
                g.supply_groups.iter().map(|u| (need & u).count_ones()).max().unwrap_or(0);
            let covered = covered.min(u32::from(g.supply_max_count));
            let covered = f64::from(covered) / f64::from(need.count_ones());
            if unknown(SUPPLY_UNKNOWN) { covered.max(NEUTRAL) } else { covered }
        }
    };
    // Service fit, backward: a body's need n of c services lies in the union N_c of its
    // slot, so it meets the subject's supply S in at most |N_c ∩ S| services, and its share
    // |n ∩ S| / c is at most |N_c ∩ S| / c (c the slot's fewest, at most 1); the bound is the
    // largest over the slots.
    let service_backward = match s.supply {
        None => NEUTRAL,
        Some(supply) => {
            let mut share = 0.0f64;
            for (slot, n) in g.need_by_count.iter().enumerate() {
                let met = f64::from((n & supply).count_ones());
                share = share.max((met / (slot + 1) as f64).min(1.0));
            }
            if unknown(NEED_UNKNOWN) { share.max(NEUTRAL) } else { share }
        }
    };
    let shared = [proximity, 0.0, kind, size, trust, 0.0, priorities, geography, ict, political];
    let mut forward_values = shared;
    forward_values[Criterion::ServiceFit.index()] = service_forward;
    forward_values[Criterion::BarrierRisk.index()] = s.barrier;
    let mut backward_values = shared;
    backward_values[Criterion::ServiceFit.index()] = service_backward;
    backward_values[Criterion::BarrierRisk.index()] = g.barrier_max;
    let forward: f64 = s.weights.iter().zip(&forward_values).map(|(w, v)| w * v).sum();
    let backward: f64 = tree
        .backward_weights(ctx, id)
        .iter()
        .zip(&backward_values)
        .map(|(w, v)| w * v)
        .sum::<f64>()
        .min(1.0);
    // A margin far above rounding error keeps the bound a bound whatever the summation order.
    mutual.combine(forward.min(1.0), backward) + 1e-9
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::model::Service;
    use crate::rank::{RankSettings, context};
    use crate::score::{PairFacts, score_bodies};
    use crate::test_data::{MUTUALS, random_engine};

    #[test]
    fn need_slots_hold_needs_by_their_size() {
        assert_eq!(need_slot(0b1), 0);
        assert_eq!(need_slot(0b101), 1);
        assert_eq!(need_slot(0b10101), 2);
        assert_eq!(need_slot(0b1111), NEED_SLOTS - 1);
        assert_eq!(need_slot(u64::MAX), NEED_SLOTS - 1);
    }

    /// The nodes of a cell, counted as the build makes them.
    fn counted(m: usize) -> usize {
        if m <= LEAF_SIZE { 1 } else { 1 + counted(m / 2) + counted(m - m / 2) }
    }

    #[test]
    fn subtree_nodes_counts_a_cells_nodes() {
        for m in (0..3000).chain([65_535, 65_536, 100_001, 1_000_000]) {
            assert_eq!(subtree_nodes(m), counted(m), "{m} bodies");
        }
    }

    proptest! {
        /// The tree (built in parallel from 8 bodies in tests) is well formed and the same on
        /// every build: each body once, children's ranges splitting their parent's, ids as
        /// counted, boxes holding their bodies, leaves of at most `LEAF_SIZE`.
        #[test]
        fn the_tree_is_well_formed_and_deterministic(seed in any::<u64>(), n in 1usize..300) {
            let engine = random_engine(seed, n);
            let ctx = context(&engine.index, 0, &RankSettings::default());
            let tree = BoundTree::build(&ctx);
            let again = BoundTree::build(&ctx);
            prop_assert_eq!(&tree.order, &again.order);
            let mut sorted = tree.order.clone();
            sorted.sort_unstable();
            prop_assert_eq!(sorted, (0..n as u32).collect::<Vec<_>>());
            let roots: usize = tree.roots.iter().map(|&r| {
                let node = &tree.nodes[r as usize];
                counted((node.end - node.start) as usize)
            }).sum();
            prop_assert_eq!(roots, tree.nodes.len());
            for (id, node) in tree.nodes.iter().enumerate() {
                let twin = &again.nodes[id];
                prop_assert_eq!((node.lo, node.hi, node.start, node.end, node.children),
                    (twin.lo, twin.hi, twin.start, twin.end, twin.children));
                for body in &tree.bodies[node.start as usize..node.end as usize] {
                    for d in 0..3 {
                        prop_assert!(f64::from(node.lo[d]) <= body.xyz[d]);
                        prop_assert!(body.xyz[d] <= f64::from(node.hi[d]));
                    }
                }
                if node.children[0] == NONE {
                    prop_assert!((node.end - node.start) as usize <= LEAF_SIZE);
                } else {
                    let [l, r] = node.children.map(|c| &tree.nodes[c as usize]);
                    prop_assert_eq!(node.children[1], node.children[0] + 1);
                    prop_assert_eq!((l.start, l.end, r.end), (node.start, r.start, node.end));
                }
            }
        }

        /// Merged supply groups are at most `SUPPLY_GROUPS`, each body's supply lies within
        /// one of them (which keeps the forward bound), and up to `SUPPLY_GROUPS` distinct
        /// supplies are kept apart.
        #[test]
        fn supply_groups_cover_every_supply(sets in proptest::collection::vec(0u64..1 << 12, 1..40)) {
            let mut groups = [0u64; SUPPLY_GROUPS];
            for &set in &sets {
                let mut own = [0u64; SUPPLY_GROUPS];
                own[0] = set;
                groups = merge_supply_groups(&groups, &own);
                prop_assert!(groups.iter().all(|g| *g == 0 || sets.iter().any(|s| s & g == *s)));
            }
            for &set in &sets {
                prop_assert!(set == 0 || groups.iter().any(|g| set & g == set), "{set:b} in no group");
            }
            let mut distinct: Vec<u64> = sets.iter().copied().filter(|s| *s != 0).collect();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() <= SUPPLY_GROUPS {
                let mut kept: Vec<u64> = groups.iter().copied().filter(|g| *g != 0).collect();
                kept.sort_unstable();
                prop_assert_eq!(kept, distinct);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// The reference bound of every node is at least the mutual score of the subject with
        /// each body of the node that is unrelated to it (the bodies the walk scores from the
        /// tree), for random data and settings: the bound is a bound.
        #[test]
        fn upper_bound_is_at_least_every_unrelated_score(seed in any::<u64>(), n in 1usize..60) {
            let engine = random_engine(seed, n);
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 11);
            let mut settings = RankSettings {
                mutual: MUTUALS[rng.random_range(0..4)],
                ..RankSettings::default()
            };
            if rng.random_bool(0.3) {
                settings.focus = [Service::all()[rng.random_range(0..12)]].into_iter().collect();
            }
            let index = &engine.index;
            let tree = BoundTree::build(&context(index, 0, &settings));
            for a in 0..n {
                let ctx = context(index, a, &settings);
                let subject = index.body(a);
                let side = SubjectBounds::new(&ctx, subject);
                for (id, node) in tree.nodes.iter().enumerate() {
                    let min_km = tree.min_distance_km(node, &subject.xyz);
                    let bound = upper_bound(&ctx, &side, &tree, id as u32, min_km, settings.mutual);
                    for body in &tree.bodies[node.start as usize..node.end as usize] {
                        let unrelated = body.index() != a
                            && PairFacts::of_bodies(index, subject, body) == PairFacts::unrelated(subject, body);
                        if unrelated {
                            let score = score_bodies(&ctx, subject, body, settings.mutual).0.mutual;
                            prop_assert!(bound >= score, "node {id}: bound {bound} < score {score} of body {}", body.index());
                        }
                    }
                }
            }
        }
    }
}
