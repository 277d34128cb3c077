//! The compiled scoring index: what the scorer needs of every body, as a struct of arrays
//! (unit vectors for distance, enums as small integers, bitsets for services, fixed arrays for
//! barriers and reason weights, CSR lists for neighbours and partners, interned strings for
//! regions and ICT products). Built once from the dataset, the partner graph and the weights;
//! read-only afterwards, so any number of threads can score from it. No I/O.

use std::collections::HashMap;

use crate::dataset::Dataset;
use crate::graph::{PartnerGraph, Relation};
use crate::model::{
    Barrier, ControlType, Criterion, Enumeration, Kind, Party, Reason, Sector, Service,
};

/// Weights per criterion, indexed by `Criterion::index()`.
pub type CriterionWeights = [f64; Criterion::COUNT];

/// The number of barriers.
pub const N_BARRIERS: usize = 6;
/// The number of reasons.
pub const N_REASONS: usize = 6;

/// "Not known" for interned strings and optional indices.
pub const NONE: u32 = u32::MAX;

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

/// The compiled index. Body `i` is body `i` of the dataset (sorted by id).
#[derive(Debug, Clone)]
pub struct ScoringIndex {
    /// Unit vectors of the bodies' centres (x, y, z on the unit sphere).
    pub xyz: Vec<[f64; 3]>,
    /// Sector.
    pub sector: Vec<Sector>,
    /// Kind, if known.
    pub kind: Vec<Option<Kind>>,
    /// Population; NaN when not known.
    pub population: Vec<f64>,
    /// Budget in pounds; NaN when not known.
    pub budget: Vec<f64>,
    /// Natural log of the population (NaN when not known), for size fit without a log per pair.
    pub ln_population: Vec<f64>,
    /// Natural log of the budget (NaN when not known).
    pub ln_budget: Vec<f64>,
    /// Services sought, as bits over `Service::all()`.
    pub sought: Vec<u64>,
    /// Services offered, as bits.
    pub offered: Vec<u64>,
    /// Bit 0: services sought known; bit 1: services offered known.
    pub services_known: Vec<u8>,
    /// Each body's weight on each reason (its own ranking, weighted by the survey's method);
    /// all zero when not known.
    pub reason_weights: Vec<[f64; N_REASONS]>,
    /// Whether the body's reasons are known and not empty.
    pub reasons_known: Vec<bool>,
    /// Severity of each barrier the body listed (0 where not listed).
    pub barrier_severity: Vec<[f64; N_BARRIERS]>,
    /// Bit `b` set when barrier `b` is listed.
    pub barrier_listed: Vec<u8>,
    /// Whether the body's barriers are known at all.
    pub barriers_known: Vec<bool>,
    /// The weighted mean severity of the listed barriers, Σ w·s / Σ w (0 when none listed).
    pub barrier_base: Vec<f64>,
    /// How much the weighted mean grows per unit of size asymmetry: the autonomy and identity
    /// terms Σ w·(1 − s) / Σ w, since their severities grow as s + (1 − s)·g.
    pub barrier_growth: Vec<f64>,
    /// Lead party, if known.
    pub party: Vec<Option<Party>>,
    /// Control type, if known.
    pub control: Vec<Option<ControlType>>,
    /// Interned region (`NONE` when not known).
    pub region: Vec<u32>,
    /// Interned nation.
    pub nation: Vec<u32>,
    /// Interned police force area.
    pub police_force_area: Vec<u32>,
    /// Interned combined authority.
    pub combined_authority: Vec<u32>,
    /// Parent body (`NONE` when none).
    pub parent: Vec<u32>,
    /// Land neighbours.
    pub neighbours: Csr<u32>,
    /// Partners.
    pub partners: Csr<u32>,
    /// Whether the body's partnerships are known (listed, even as none, or named by a partner).
    pub partnerships_known: Vec<bool>,
    /// ICT systems: (service, interned product), sorted by service.
    pub ict: Csr<(u8, u32)>,
    /// Whether the body's ICT systems are known.
    pub ict_known: Vec<bool>,
    /// Distinct criterion weight vectors.
    pub weight_table: Vec<CriterionWeights>,
    /// Each body's row in `weight_table`.
    pub weight_of: Vec<u32>,
    /// Barrier weights from the survey's barrier order, indexed by `Barrier as usize`.
    pub barrier_weights: [f64; N_BARRIERS],
    /// Interned regions, nations, areas (to resolve filters).
    pub places: Interner,
}

/// What the index needs besides the dataset and graph: the weights.
pub struct WeightSource<'a> {
    /// A body's criterion weights (its own order if it has one, else the survey's).
    pub criteria: &'a dyn Fn(&crate::model::Organisation) -> CriterionWeights,
    /// Weights of a ranked list of `n` items (reasons), highest first.
    pub ranked_list: &'a dyn Fn(usize) -> Vec<f64>,
    /// Barrier weights, indexed by `Barrier as usize`.
    pub barriers: [f64; N_BARRIERS],
}

impl ScoringIndex {
    /// Compiles the index. O(n + relations).
    pub fn build(dataset: &Dataset, graph: &PartnerGraph, weights: &WeightSource<'_>) -> Self {
        let orgs = dataset.organisations();
        let n = orgs.len();
        let mut places = Interner::default();
        let mut products = Interner::default();
        let intern = |places: &mut Interner, s: &Option<String>| {
            s.as_deref().map_or(NONE, |s| places.intern(s))
        };
        let mut weight_table: Vec<CriterionWeights> = Vec::new();
        let mut weight_rows: HashMap<[u64; Criterion::COUNT], u32> = HashMap::new();
        let mut list_weights: Vec<Vec<f64>> =
            (0..=N_REASONS).map(|k| (weights.ranked_list)(k)).collect();
        list_weights[0].clear();
        let mut index = Self {
            xyz: Vec::with_capacity(n),
            sector: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            population: Vec::with_capacity(n),
            budget: Vec::with_capacity(n),
            ln_population: Vec::with_capacity(n),
            ln_budget: Vec::with_capacity(n),
            sought: Vec::with_capacity(n),
            offered: Vec::with_capacity(n),
            services_known: Vec::with_capacity(n),
            reason_weights: Vec::with_capacity(n),
            reasons_known: Vec::with_capacity(n),
            barrier_severity: Vec::with_capacity(n),
            barrier_listed: Vec::with_capacity(n),
            barriers_known: Vec::with_capacity(n),
            barrier_base: Vec::with_capacity(n),
            barrier_growth: Vec::with_capacity(n),
            party: Vec::with_capacity(n),
            control: Vec::with_capacity(n),
            region: Vec::with_capacity(n),
            nation: Vec::with_capacity(n),
            police_force_area: Vec::with_capacity(n),
            combined_authority: Vec::with_capacity(n),
            parent: Vec::with_capacity(n),
            neighbours: Csr::default(),
            partners: Csr::default(),
            partnerships_known: Vec::with_capacity(n),
            ict: Csr::default(),
            ict_known: Vec::with_capacity(n),
            weight_table: Vec::new(),
            weight_of: Vec::with_capacity(n),
            barrier_weights: weights.barriers,
            places: Interner::default(),
        };
        let mut ict_lists = Vec::with_capacity(n);
        for (i, o) in orgs.iter().enumerate() {
            let (lat, lon) = (o.location.lat.to_radians(), o.location.lon.to_radians());
            index.xyz.push([lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]);
            index.sector.push(o.sector);
            index.kind.push(o.kind);
            index.population.push(o.population.map_or(f64::NAN, |p| p as f64));
            index.budget.push(o.budget_gbp.unwrap_or(f64::NAN));
            index.ln_population.push(o.population.map_or(f64::NAN, |p| (p as f64).ln()));
            index.ln_budget.push(o.budget_gbp.map_or(f64::NAN, f64::ln));
            index.sought.push(o.services_sought.map_or(0, |s| s.bits()));
            index.offered.push(o.services_offered.map_or(0, |s| s.bits()));
            index.services_known.push(
                u8::from(o.services_sought.is_some())
                    | (u8::from(o.services_offered.is_some()) << 1),
            );
            let mut rw = [0.0; N_REASONS];
            let reasons = o.reasons.as_deref().unwrap_or(&[]);
            let ranked = list_weights.get(reasons.len()).cloned().unwrap_or_default();
            for (reason, w) in reasons.iter().zip(ranked) {
                rw[*reason as usize] = w;
            }
            index.reason_weights.push(rw);
            index.reasons_known.push(!reasons.is_empty());
            let mut severity = [0.0; N_BARRIERS];
            let mut listed = 0u8;
            for (b, s) in o.barriers.iter().flatten() {
                severity[*b as usize] = s.get();
                listed |= 1 << (*b as u8);
            }
            let (mut base, mut growth, mut total) = (0.0, 0.0, 0.0);
            for (b, (s, w)) in severity.iter().zip(weights.barriers).enumerate() {
                if listed & (1 << b) != 0 {
                    base += w * s;
                    total += w;
                    if b == Barrier::LossOfAutonomy as usize
                        || b == Barrier::LossOfIdentity as usize
                    {
                        growth += w * (1.0 - s);
                    }
                }
            }
            let (base, growth) =
                if total > 0.0 { (base / total, growth / total) } else { (0.0, 0.0) };
            index.barrier_base.push(base);
            index.barrier_growth.push(growth);
            index.barrier_severity.push(severity);
            index.barrier_listed.push(listed);
            index.barriers_known.push(o.barriers.is_some());
            index.party.push(o.political_control.as_ref().and_then(|c| c.lead_party));
            index.control.push(o.political_control.as_ref().map(|c| c.control));
            index.region.push(intern(&mut places, &o.region));
            index.nation.push(intern(&mut places, &o.nation));
            index.police_force_area.push(intern(&mut places, &o.police_force_area));
            index.combined_authority.push(intern(&mut places, &o.combined_authority));
            index.parent.push(graph.parent(i).map_or(NONE, |p| p as u32));
            let has_partner_edge = graph
                .inner()
                .edges(petgraph::graph::NodeIndex::new(i))
                .any(|e| matches!(e.weight(), Relation::Partnership(_)));
            index.partnerships_known.push(o.partnerships.is_some() || has_partner_edge);
            let mut ict: Vec<(u8, u32)> = o
                .ict
                .iter()
                .flatten()
                .map(|(s, product)| (*s as u8, products.intern(product)))
                .collect();
            ict.sort_unstable();
            ict_lists.push(ict);
            index.ict_known.push(o.ict.is_some());
            let w = (weights.criteria)(o);
            let key = w.map(f64::to_bits);
            let row = *weight_rows.entry(key).or_insert_with(|| {
                weight_table.push(w);
                (weight_table.len() - 1) as u32
            });
            index.weight_of.push(row);
        }
        index.neighbours = Csr::from_lists(
            (0..n).map(|i| graph.neighbours(i).into_iter().map(|j| j as u32).collect()),
        );
        index.partners = Csr::from_lists(
            (0..n).map(|i| graph.partners(i).into_iter().map(|j| j as u32).collect()),
        );
        index.ict = Csr::from_lists(ict_lists);
        index.weight_table = weight_table;
        index.places = places;
        index
    }

    /// The number of bodies.
    pub fn len(&self) -> usize {
        self.xyz.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.xyz.is_empty()
    }

    /// A body's criterion weights.
    pub fn weights(&self, i: usize) -> &CriterionWeights {
        &self.weight_table[self.weight_of[i] as usize]
    }

    /// Great-circle distance in km between two bodies' centres, from the chord between their
    /// unit vectors: d = 2R·asin(|a − b| / 2). Same sphere as `LatLon::distance`.
    pub fn distance_km(&self, a: usize, b: usize) -> f64 {
        let (p, q) = (self.xyz[a], self.xyz[b]);
        let chord = ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt();
        2.0 * crate::model::EARTH_RADIUS_KM * (chord / 2.0).min(1.0).asin()
    }

    /// Whether two bodies share a land boundary.
    pub fn adjacent(&self, a: usize, b: usize) -> bool {
        self.neighbours.of(a).binary_search(&(b as u32)).is_ok()
    }

    /// Whether two bodies have an existing partnership.
    pub fn partnered(&self, a: usize, b: usize) -> bool {
        self.partners.of(a).binary_search(&(b as u32)).is_ok()
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

    /// Whether one body's area contains the other's (parent links).
    pub fn contains_either(&self, a: usize, b: usize) -> bool {
        self.parent[a] == b as u32 || self.parent[b] == a as u32
    }
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
