//! The compiled scoring index: what the scorer needs of every body. The fields a pair's score
//! reads sit together in one compact `Body` record (unit vector, logs of sizes, precomputed
//! barrier terms, reason weights, service bitsets, interned areas, small enums, flags), so
//! that scoring a candidate touches a few consecutive cache lines rather than dozens of
//! arrays; lists (neighbours, partners, ICT systems) are CSR arrays. Built once from the
//! dataset, the partner graph and the weights; read-only afterwards, so any number of threads
//! can score from it. No I/O.

use std::collections::HashMap;

use crate::dataset::Dataset;
use crate::graph::PartnerGraph;
use crate::model::{
    Barrier, ControlType, Criterion, Enumeration, Kind, Party, Reason, Sector, Service,
};

/// Weights per criterion, indexed by `Criterion::index()`.
pub type CriterionWeights = [f64; Criterion::COUNT];

/// The number of barriers (`Barrier::COUNT`).
pub const N_BARRIERS: usize = Barrier::COUNT;
/// The number of reasons (`Reason::COUNT`).
pub const N_REASONS: usize = Reason::COUNT;

/// "Not known" for interned strings and optional indices.
pub const NONE: u32 = u32::MAX;

/// Bodies compiled in parallel at a time by `ScoringIndex::build` before their names are
/// numbered in order: enough to keep every thread busy, few enough to add little memory.
const COMPILE_BLOCK: usize = 16_384;

/// Lists of related bodies in compressed sparse row form: the items of body `i` are
/// `items[offsets[i]..offsets[i + 1]]`, sorted.
#[derive(Debug, Clone, Default)]
pub struct Csr<T> {
    offsets: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy> Csr<T> {
    /// Builds from one list per body.
    pub fn from_lists(lists: impl IntoIterator<Item = Vec<T>>) -> Self {
        let mut offsets = vec![0u32];
        let mut items = Vec::new();
        for list in lists {
            items.extend(list);
            offsets.push(items.len() as u32);
        }
        Self { offsets, items }
    }

    /// Builds for `n` bodies from (body, item) pairs, each body's items in the pairs' order:
    /// two passes over the pairs and no list per body.
    pub fn from_pairs(n: usize, pairs: impl Iterator<Item = (usize, T)> + Clone) -> Self
    where
        T: Default,
    {
        let mut offsets = vec![0u32; n + 1];
        for (i, _) in pairs.clone() {
            offsets[i + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut items = vec![T::default(); offsets[n] as usize];
        for (i, item) in pairs {
            items[next[i] as usize] = item;
            next[i] += 1;
        }
        Self { offsets, items }
    }

    /// The items of body `i`.
    pub fn of(&self, i: usize) -> &[T] {
        &self.items[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// Turns strings into small integers, ignoring case and surrounding space.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    ids: HashMap<String, u32>,
}

impl Interner {
    /// The id of a string, adding it if new.
    pub fn intern(&mut self, text: &str) -> u32 {
        let key = text.trim().to_lowercase();
        let next = self.ids.len() as u32;
        *self.ids.entry(key).or_insert(next)
    }

    /// The id of a string, if known.
    pub fn get(&self, text: &str) -> Option<u32> {
        self.ids.get(&text.trim().to_lowercase()).copied()
    }
}

/// One body's hot data: everything a pair's score reads, in one record of about 170 bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Body {
    /// Unit vector of the body's centre (x, y, z on the unit sphere).
    pub xyz: [f64; 3],
    /// Population; NaN when not known.
    pub population: f64,
    /// Natural log of the population (NaN when not known), for size fit without a log per pair.
    pub ln_population: f64,
    /// Natural log of the budget (NaN when not known).
    pub ln_budget: f64,
    /// The weighted mean severity of the listed barriers, Σ w·s / Σ w (0 when none listed).
    pub barrier_base: f64,
    /// How much the weighted mean grows per unit of size asymmetry: the autonomy and identity
    /// terms Σ w·(1 − s) / Σ w, since their severities grow as s + (1 − s)·g.
    pub barrier_growth: f64,
    /// The body's weight on each reason (its own ranking, weighted by the survey's method);
    /// all zero when not known.
    pub reason_weights: [f64; N_REASONS],
    /// Services the body would share in, as bits over `Service::all()`: those it states it
    /// seeks, or where it states nothing, those it delivers by statute (`Kind::delivers`).
    pub sought: u64,
    /// Services the body could share, as bits: those it states it offers and those it
    /// delivers by statute.
    pub offered: u64,
    /// The areas containing the body (its parent and `Organisation::within`), as a 64-bit
    /// hashed set (`area_bit`): a quick test that two bodies share no area, and what the
    /// bounds of `rank::all` aggregate.
    pub areas: u64,
    /// The body's index in the dataset.
    pub idx: u32,
    /// Interned region (`NONE` when not known).
    pub region: u32,
    /// Interned nation.
    pub nation: u32,
    /// Interned police force area.
    pub police_force_area: u32,
    /// Interned combined authority.
    pub combined_authority: u32,
    /// Parent body (`NONE` when none).
    pub parent: u32,
    /// The body's row in `ScoringIndex::weight_table`.
    pub weight_row: u32,
    /// Sector.
    pub sector: Sector,
    /// Kind, if known.
    pub kind: Option<Kind>,
    /// Lead party, if known.
    pub party: Option<Party>,
    /// Control type, if known.
    pub control: Option<ControlType>,
    /// Bit 0: services sought known (stated, or delivered by statute); bit 1: services offered
    /// known (likewise).
    pub services_known: u8,
    /// Bit `b` set when barrier `b` is listed.
    pub barrier_listed: u8,
    /// `REASONS_KNOWN`, `BARRIERS_KNOWN`, `PARTNERSHIPS_KNOWN`, `ICT_KNOWN`.
    pub flags: u8,
}

impl Body {
    /// Flag: reasons known and not empty.
    pub const REASONS_KNOWN: u8 = 1;
    /// Flag: barriers known (possibly none listed).
    pub const BARRIERS_KNOWN: u8 = 2;
    /// Flag: partnerships known (listed, even as none, or named by a partner).
    pub const PARTNERSHIPS_KNOWN: u8 = 4;
    /// Flag: ICT systems known.
    pub const ICT_KNOWN: u8 = 8;

    /// The body's index in the dataset.
    #[inline]
    pub fn index(&self) -> usize {
        self.idx as usize
    }

    /// Whether the body's reasons are known and not empty.
    #[inline]
    pub fn reasons_known(&self) -> bool {
        self.flags & Self::REASONS_KNOWN != 0
    }

    /// Whether the body's barriers are known.
    #[inline]
    pub fn barriers_known(&self) -> bool {
        self.flags & Self::BARRIERS_KNOWN != 0
    }

    /// Whether the body's partnerships are known.
    #[inline]
    pub fn partnerships_known(&self) -> bool {
        self.flags & Self::PARTNERSHIPS_KNOWN != 0
    }

    /// Whether the body's ICT systems are known.
    #[inline]
    pub fn ict_known(&self) -> bool {
        self.flags & Self::ICT_KNOWN != 0
    }
}

/// The compiled index. Body `i` is body `i` of the dataset (sorted by id).
#[derive(Debug, Clone)]
pub struct ScoringIndex {
    /// Every body's hot record, in dataset order.
    pub bodies: Vec<Body>,
    /// Severity of each barrier each body listed (0 where not listed); read by explanations.
    pub barrier_severity: Vec<[f64; N_BARRIERS]>,
    /// Budgets in pounds (NaN when not known); read by explanations.
    pub budget: Vec<f64>,
    /// Land neighbours.
    pub neighbours: Csr<u32>,
    /// Partners.
    pub partners: Csr<u32>,
    /// The areas containing each body: its parent and the areas it lies `within`, sorted.
    pub containers: Csr<u32>,
    /// The bodies each body contains: its children and the bodies that lie within it, sorted.
    pub members: Csr<u32>,
    /// ICT systems: (service, interned product), sorted by service.
    pub ict: Csr<(u8, u32)>,
    /// Distinct criterion weight vectors.
    pub weight_table: Vec<CriterionWeights>,
    /// Barrier weights from the survey's barrier order, indexed by `Barrier as usize`.
    pub barrier_weights: [f64; N_BARRIERS],
    /// Interned regions, nations, areas (to resolve filters).
    pub places: Interner,
}

/// What the index needs besides the dataset and graph: the weights.
pub struct WeightSource<'a> {
    /// A body's criterion weights (its own order if it has one, else the survey's). `Sync`:
    /// it is called for many bodies at once.
    pub criteria: &'a (dyn Fn(&crate::model::Organisation) -> CriterionWeights + Sync),
    /// Weights of a ranked list of `n` items (reasons), highest first.
    pub ranked_list: &'a dyn Fn(usize) -> Vec<f64>,
    /// Barrier weights, indexed by `Barrier as usize`.
    pub barriers: [f64; N_BARRIERS],
}

/// The hasher of the build's look-up tables: short keys, one look-up per body and field.
type FastHash = foldhash::fast::RandomState;

/// An `Interner` behind a cache of the exact texts already seen. A national dataset repeats a
/// few hundred region, nation and area names over every body: the cache answers those with one
/// look-up of the text as written, and only a text seen for the first time reaches the
/// interner (which lower-cases a copy). Ids are those of interning every text in turn, since
/// the interner still sees each text's first occurrence in the same order.
struct CachedInterner<'s> {
    interner: Interner,
    seen: HashMap<&'s str, u32, FastHash>,
}

impl<'s> CachedInterner<'s> {
    fn new() -> Self {
        Self { interner: Interner::default(), seen: HashMap::default() }
    }

    fn intern(&mut self, text: &'s str) -> u32 {
        if let Some(&id) = self.seen.get(text) {
            return id;
        }
        let id = self.interner.intern(text);
        self.seen.insert(text, id);
        id
    }
}

/// The part of a body's record that depends on the body alone (and the graph), computed for
/// many bodies in parallel; the interned fields and the weight row are filled in afterwards,
/// in body order.
struct Compiled {
    body: Body,
    severity: [f64; N_BARRIERS],
    criteria: CriterionWeights,
    neighbours: Vec<u32>,
    partners: Vec<u32>,
    containers: Vec<u32>,
}

impl ScoringIndex {
    /// Compiles the index. O(n + relations).
    ///
    /// What depends on one body alone (its vector, barrier terms, flags, weights, lists from
    /// the graph) is computed in parallel and collected in body order; what numbers things by
    /// first appearance (interned places and products, rows of the weight table) is done
    /// afterwards in one sequential pass, so the index is the same as a sequential build's.
    pub fn build<'a>(
        dataset: &'a Dataset,
        graph: &PartnerGraph,
        weights: &WeightSource<'_>,
    ) -> Self {
        use rayon::prelude::*;
        let orgs = dataset.organisations();
        let n = orgs.len();
        let mut list_weights: Vec<Vec<f64>> =
            (0..=N_REASONS).map(|k| (weights.ranked_list)(k)).collect();
        list_weights[0].clear();
        let (list_weights, criteria, barriers) =
            (&list_weights, weights.criteria, weights.barriers);
        let mut places = CachedInterner::new();
        let mut products = CachedInterner::new();
        let mut weight_table: Vec<CriterionWeights> = Vec::new();
        let mut weight_rows: HashMap<[u64; Criterion::COUNT], u32, FastHash> = HashMap::default();
        let mut bodies = Vec::with_capacity(n);
        let mut barrier_severity = Vec::with_capacity(n);
        let mut budget = Vec::with_capacity(n);
        let mut ict_lists = Vec::with_capacity(n);
        let mut neighbour_lists = Vec::with_capacity(n);
        let mut partner_lists = Vec::with_capacity(n);
        let mut container_lists = Vec::with_capacity(n);
        // A block at a time: the compiled records of a whole national dataset would add
        // hundreds of megabytes to the peak, next to the profiles and the graph.
        let compiled = orgs.chunks(COMPILE_BLOCK).enumerate().flat_map(|(k, block)| {
            let first = k * COMPILE_BLOCK;
            let compiled: Vec<Compiled> = block
                .par_iter()
                .enumerate()
                .map(|(j, o)| compile_body(first + j, o, graph, criteria, barriers, list_weights))
                .collect();
            block.iter().zip(compiled)
        });
        for (o, c) in compiled {
            let Compiled { mut body, severity, criteria, neighbours, partners, containers } = c;
            let mut intern =
                |s: &'a Option<String>| s.as_deref().map_or(NONE, |s| places.intern(s));
            body.region = intern(&o.region);
            body.nation = intern(&o.nation);
            body.police_force_area = intern(&o.police_force_area);
            body.combined_authority = intern(&o.combined_authority);
            let key = criteria.map(f64::to_bits);
            body.weight_row = *weight_rows.entry(key).or_insert_with(|| {
                weight_table.push(criteria);
                (weight_table.len() - 1) as u32
            });
            bodies.push(body);
            barrier_severity.push(severity);
            budget.push(o.budget_gbp.unwrap_or(f64::NAN));
            let mut ict: Vec<(u8, u32)> = o
                .ict
                .iter()
                .flatten()
                .map(|(s, product)| (*s as u8, products.intern(product)))
                .collect();
            ict.sort_unstable();
            ict_lists.push(ict);
            neighbour_lists.push(neighbours);
            partner_lists.push(partners);
            container_lists.push(containers);
        }
        let containers = Csr::from_lists(container_lists);
        let members = Csr::from_pairs(
            n,
            (0..n).flat_map(|b| containers.of(b).iter().map(move |&c| (c as usize, b as u32))),
        );
        Self {
            bodies,
            barrier_severity,
            budget,
            neighbours: Csr::from_lists(neighbour_lists),
            partners: Csr::from_lists(partner_lists),
            containers,
            members,
            ict: Csr::from_lists(ict_lists),
            weight_table,
            barrier_weights: weights.barriers,
            places: places.interner,
        }
    }

    /// The number of bodies.
    pub fn len(&self) -> usize {
        self.bodies.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.bodies.is_empty()
    }

    /// A body's record.
    #[inline]
    pub fn body(&self, i: usize) -> &Body {
        &self.bodies[i]
    }

    /// A body's criterion weights.
    #[inline]
    pub fn weights(&self, i: usize) -> &CriterionWeights {
        self.weights_of(&self.bodies[i])
    }

    /// The criterion weights of a body record.
    #[inline]
    pub fn weights_of(&self, b: &Body) -> &CriterionWeights {
        &self.weight_table[b.weight_row as usize]
    }

    /// Great-circle distance in km between two bodies' centres, from the chord between their
    /// unit vectors: d = 2R·asin(|a − b| / 2). Same sphere as `LatLon::distance`.
    #[inline]
    pub fn distance_km(&self, a: usize, b: usize) -> f64 {
        distance_km(&self.bodies[a], &self.bodies[b])
    }

    /// Whether two bodies share a land boundary.
    #[inline]
    pub fn adjacent(&self, a: usize, b: usize) -> bool {
        self.neighbours.of(a).binary_search(&(b as u32)).is_ok()
    }

    /// Whether two bodies have an existing partnership.
    #[inline]
    pub fn partnered(&self, a: usize, b: usize) -> bool {
        self.partners.of(a).binary_search(&(b as u32)).is_ok()
    }

    /// The bodies related to `a`: its land neighbours, the areas containing it and the
    /// bodies it contains, its partners and its partners' partners, sorted, each once,
    /// without `a`. These are the only bodies whose proximity can exceed the non-neighbour
    /// distance decay (touching, or one inside the other), whose kind fit can be the two-tier
    /// value (a county and its districts), or whose trust can exceed 0 (a partnership or a
    /// partner in common).
    pub fn related(&self, a: usize) -> Vec<u32> {
        let mut out: Vec<u32> = self.neighbours.of(a).to_vec();
        out.extend_from_slice(self.containers.of(a));
        out.extend_from_slice(self.members.of(a));
        for &p in self.partners.of(a) {
            out.push(p);
            out.extend_from_slice(self.partners.of(p as usize));
        }
        out.sort_unstable();
        out.dedup();
        out.retain(|&b| b as usize != a);
        out
    }

    /// The number of partners two bodies have in common (sorted-list intersection).
    pub fn common_partners(&self, a: usize, b: usize) -> u32 {
        let (mut x, mut y) = (self.partners.of(a), self.partners.of(b));
        let mut n = 0;
        while let (Some(&p), Some(&q)) = (x.first(), y.first()) {
            match p.cmp(&q) {
                std::cmp::Ordering::Less => x = &x[1..],
                std::cmp::Ordering::Greater => y = &y[1..],
                std::cmp::Ordering::Equal => {
                    n += 1;
                    x = &x[1..];
                    y = &y[1..];
                }
            }
        }
        n
    }

    /// Whether one body's area contains the other's (parent links and `within`).
    #[inline]
    pub fn contains_either(&self, a: usize, b: usize) -> bool {
        self.bodies[a].parent == b as u32
            || self.bodies[b].parent == a as u32
            || self.containers.of(a).binary_search(&(b as u32)).is_ok()
            || self.containers.of(b).binary_search(&(a as u32)).is_ok()
    }

    /// An area containing both bodies (a county, police force area, fire and rescue
    /// authority, health body or combined authority), the first in index order; `None` when
    /// they share none. O(1) when their hashed sets are disjoint, as most pairs' are.
    #[inline]
    pub fn common_area(&self, a: usize, b: usize) -> Option<u32> {
        if self.bodies[a].areas & self.bodies[b].areas == 0 {
            return None;
        }
        let (mut x, mut y) = (self.containers.of(a), self.containers.of(b));
        while let (Some(&p), Some(&q)) = (x.first(), y.first()) {
            match p.cmp(&q) {
                std::cmp::Ordering::Less => x = &x[1..],
                std::cmp::Ordering::Greater => y = &y[1..],
                std::cmp::Ordering::Equal => return Some(p),
            }
        }
        None
    }
}

/// One body's record apart from its interned fields (`NONE`) and weight row (0), with its
/// barrier severities, criterion weights and sorted neighbour and partner lists.
fn compile_body(
    i: usize,
    o: &crate::model::Organisation,
    graph: &PartnerGraph,
    criteria: &(dyn Fn(&crate::model::Organisation) -> CriterionWeights + Sync),
    barriers: [f64; N_BARRIERS],
    list_weights: &[Vec<f64>],
) -> Compiled {
    let (lat, lon) = (o.location.lat.to_radians(), o.location.lon.to_radians());
    let mut reason_weights = [0.0; N_REASONS];
    let reasons = o.reasons.as_deref().unwrap_or(&[]);
    let ranked = list_weights.get(reasons.len()).map_or(&[][..], Vec::as_slice);
    for (reason, w) in reasons.iter().zip(ranked) {
        reason_weights[*reason as usize] = *w;
    }
    let mut severity = [0.0; N_BARRIERS];
    let mut listed = 0u8;
    for (b, s) in o.barriers.iter().flatten() {
        severity[*b as usize] = s.get();
        listed |= 1 << (*b as u8);
    }
    let (mut base, mut growth, mut total) = (0.0, 0.0, 0.0);
    for (b, (s, w)) in severity.iter().zip(barriers).enumerate() {
        if listed & (1 << b) != 0 {
            base += w * s;
            total += w;
            if b == Barrier::LossOfAutonomy as usize || b == Barrier::LossOfIdentity as usize {
                growth += w * (1.0 - s);
            }
        }
    }
    let (barrier_base, barrier_growth) =
        if total > 0.0 { (base / total, growth / total) } else { (0.0, 0.0) };
    let relations = graph.relations(i);
    let mut containers = relations.within.clone();
    if let Some(p) = relations.parent {
        containers.push(p as u32);
    }
    containers.sort_unstable();
    containers.dedup();
    containers.retain(|&c| c as usize != i);
    let areas = containers.iter().fold(0u64, |m, &c| m | area_bit(c));
    // What a body delivers by statute is what it could share when it states nothing else.
    let delivers = o.delivers().bits();
    let sought = o.services_sought.map_or(delivers, |s| s.bits());
    let offered = o.services_offered.map_or(0, |s| s.bits()) | delivers;
    // A partnership edge, listed on either side, is a partner.
    let has_partner_edge = !relations.partners.is_empty();
    let mut flags = 0u8;
    if !reasons.is_empty() {
        flags |= Body::REASONS_KNOWN;
    }
    if o.barriers.is_some() {
        flags |= Body::BARRIERS_KNOWN;
    }
    if o.partnerships.is_some() || has_partner_edge {
        flags |= Body::PARTNERSHIPS_KNOWN;
    }
    if o.ict.is_some() {
        flags |= Body::ICT_KNOWN;
    }
    let body = Body {
        xyz: [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()],
        population: o.population.map_or(f64::NAN, |p| p as f64),
        ln_population: o.population.map_or(f64::NAN, |p| (p as f64).ln()),
        ln_budget: o.budget_gbp.map_or(f64::NAN, f64::ln),
        barrier_base,
        barrier_growth,
        reason_weights,
        sought,
        offered,
        areas,
        idx: i as u32,
        region: NONE,
        nation: NONE,
        police_force_area: NONE,
        combined_authority: NONE,
        parent: relations.parent.map_or(NONE, |p| p as u32),
        weight_row: 0,
        sector: o.sector,
        kind: o.kind,
        party: o.political_control.as_ref().and_then(|c| c.lead_party),
        control: o.political_control.as_ref().map(|c| c.control),
        services_known: u8::from(o.services_sought.is_some() || delivers != 0)
            | (u8::from(o.services_offered.is_some() || delivers != 0) << 1),
        barrier_listed: listed,
        flags,
    };
    Compiled {
        body,
        severity,
        criteria: criteria(o),
        neighbours: relations.neighbours,
        partners: relations.partners,
        containers,
    }
}

/// A body index as one bit of a 64-bit hashed set (Fibonacci hashing; `NONE` is no bit).
/// Two bodies whose sets (`Body::areas`) are disjoint share no area.
#[inline]
pub fn area_bit(id: u32) -> u64 {
    if id == NONE { 0 } else { 1u64 << (id.wrapping_mul(0x9E37_79B9) >> 26) }
}

/// Great-circle distance in km between two bodies' centres (see `ScoringIndex::distance_km`).
#[inline]
pub fn distance_km(p: &Body, q: &Body) -> f64 {
    let chord = chord_sq(p, q).sqrt();
    2.0 * crate::model::EARTH_RADIUS_KM * (chord / 2.0).min(1.0).asin()
}

/// The squared chord between two bodies' unit vectors.
#[inline]
pub fn chord_sq(p: &Body, q: &Body) -> f64 {
    let (p, q) = (p.xyz, q.xyz);
    (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)
}

/// The services of a set of bits, for messages.
pub fn services_of(bits: u64) -> impl Iterator<Item = Service> {
    crate::model::ServiceSet::from_bits(bits).iter()
}

/// A reason by its index.
pub fn reason_at(i: usize) -> Option<Reason> {
    Reason::all().get(i).copied()
}

/// A barrier by its index.
pub fn barrier_at(i: usize) -> Option<Barrier> {
    Barrier::all().get(i).copied()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Built from pairs, each body's items are the ones paired with it, in the pairs'
        /// order: what one list per body gives.
        #[test]
        fn csr_from_pairs_matches_lists(
            n in 1usize..40,
            pairs in proptest::collection::vec((0usize..1000, any::<u32>()), 0..200),
        ) {
            let pairs: Vec<(usize, u32)> = pairs.into_iter().map(|(i, x)| (i % n, x)).collect();
            let mut lists = vec![Vec::new(); n];
            for &(i, x) in &pairs {
                lists[i].push(x);
            }
            let from_pairs = Csr::from_pairs(n, pairs.iter().copied());
            let from_lists = Csr::from_lists(lists.clone());
            for (i, list) in lists.iter().enumerate() {
                prop_assert_eq!(from_pairs.of(i), list.as_slice());
                prop_assert_eq!(from_lists.of(i), list.as_slice());
            }
        }
    }
}
