//! The bound of one tree node for every subject of a group at once: the criterion bounds of
//! `bounds::upper_bound`, in `f32`, laid out as arrays over the group's lanes and written
//! without branches on a lane's data, so that the compiler turns each step into vector
//! instructions. Every input is rounded in the bound's favour and a margin above the
//! arithmetic's worst rounding error is added, so each lane's value is never below
//! `upper_bound`'s (proof in `docs/scoring.md`, "Exact ranking of every body", step 6). No I/O.

// Loops over lane indices are the form the vectoriser turns into vector instructions.
#![allow(clippy::needless_range_loop)]

use super::bounds::{BoundTree, NEED_SLOTS, Node, NodeSide, SubjectBounds, f32_down, f32_up};
use crate::index::N_REASONS;
use crate::model::{Criterion, EARTH_RADIUS_KM};
use crate::score::{Mutual, NEUTRAL};

/// Whether a bound reaches a bar: not below it. A bound that is not a number reaches, so
/// the walk errs on the side of scoring.
#[inline(always)]
#[allow(clippy::neg_cmp_op_on_partial_ord)]
fn reaches(bound: f32, bar: f32) -> bool {
    !(bound < bar)
}

/// The lanes whose bound reaches their bar, as a mask. Over every lane, without branches, so
/// that it compiles to vector compares.
#[inline(always)]
pub fn reaching(bounds: &Lanes, bars: &Lanes) -> u32 {
    let mut mask = 0u32;
    for (i, (bound, bar)) in bounds.iter().zip(bars).enumerate() {
        mask |= u32::from(reaches(*bound, *bar)) << i;
    }
    mask
}

/// The highest bound of the lanes of `mask` (−∞ for none), without branches on the lanes:
/// halves folded onto each other, which vectorises (bounds are never NaN, so the order of
/// the maxima does not matter).
#[inline(always)]
fn highest(bounds: &Lanes, mask: u32) -> f32 {
    let mut t = [f32::NEG_INFINITY; GROUP];
    for (i, (t, bound)) in t.iter_mut().zip(bounds).enumerate() {
        *t = if mask & (1 << i) != 0 { *bound } else { f32::NEG_INFINITY };
    }
    let mut width = GROUP / 2;
    while width > 0 {
        for i in 0..width {
            t[i] = max(t[i], t[i + width]);
        }
        width /= 2;
    }
    t[0]
}

/// A node's bounds, the lanes of `mask` they keep alive (reaching their bar, not beyond
/// `within_km`) and the highest of those.
#[inline(always)]
fn alive(bounds: Lanes, beyond: u32, mask: u32, bars: &Lanes) -> (Lanes, u32, f32) {
    let alive = mask & reaching(&bounds, bars) & !beyond;
    (bounds, alive, highest(&bounds, alive))
}

/// Set (to anything) to keep `rank-all`'s bounds off their AVX-512 path, for comparison or
/// to work around a processor that reports AVX-512 but runs it badly.
const NO_AVX512_VAR: &str = "PARTNERMATCH_NO_AVX512";

/// Whether `GroupBounds::bound_alive` takes its AVX-512 path: the processor has it and
/// `NO_AVX512_VAR` is not set. Decided once a process.
fn wide_available() -> bool {
    static WIDE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *WIDE.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        let wide = wide::available();
        #[cfg(not(target_arch = "x86_64"))]
        let wide = false;
        wide && std::env::var_os(NO_AVX512_VAR).is_none()
    })
}

/// One `f32` per lane.
/// Subjects walking the tree together, at most (a frontier entry's set of them is a bitmask):
/// the lanes of a `GroupBounds`.
pub const GROUP: usize = 16;
const _: () = assert!(GROUP <= 32, "a group's lanes are the bits of a u32");

type Lanes = [f32; GROUP];
const _: () = assert!(GROUP == 16, "GroupBounds::bound_quads writes out four quads of lanes");

/// The wide path of `GroupBounds::bound_alive`: the same code compiled for AVX-512, whose
/// registers hold all sixteen lanes, chosen at run time when the processor has it.
#[cfg(target_arch = "x86_64")]
mod wide {
    use super::{BoundTree, GroupBounds, Lanes};

    /// Whether this processor runs `bound_alive`: AVX-512 with its vector popcount (the service
    /// sets' counts), byte and double-word forms and 128/256-bit encodings.
    pub fn available() -> bool {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512dq")
            && std::arch::is_x86_feature_detected!("avx512vpopcntdq")
    }

    /// `GroupBounds::bound_alive` compiled for AVX-512. Only called where `available()`
    /// said so (`GroupBounds::wide`).
    #[allow(unsafe_code)]
    #[inline]
    pub fn bound_alive(
        group: &GroupBounds,
        tree: &BoundTree,
        id: u32,
        mask: u32,
        bars: &Lanes,
    ) -> (Lanes, u32, f32) {
        debug_assert!(group.wide && available());
        // SAFETY: `group.wide` is set only where `available()` found every feature that
        // `bound_alive_avx512` is compiled for, so its instructions exist on this processor.
        unsafe { bound_alive_avx512(group, tree, id, mask, bars) }
    }

    #[target_feature(enable = "avx512f,avx512vl,avx512bw,avx512dq,avx512vpopcntdq")]
    fn bound_alive_avx512(
        group: &GroupBounds,
        tree: &BoundTree,
        id: u32,
        mask: u32,
        bars: &Lanes,
    ) -> (Lanes, u32, f32) {
        let (bounds, beyond) = group.bound_all(tree, id, mask);
        super::alive(bounds, beyond, mask, bars)
    }
}

/// Added to every lane's bound. The `f32` arithmetic below errs by less than 2e-5 (see
/// `docs/scoring.md`), so the bound stays above `upper_bound`'s.
pub const MARGIN: f32 = 4e-5;

const N: f32 = NEUTRAL as f32;
const NEUTRALS: Lanes = [N; GROUP];
const ZERO: Lanes = [0.0; GROUP];

/// The Earth's radius lowered by a millionth and rounded down: with the 1 m taken off the
/// distance, it covers the rounding of the lanes' coordinates and of the chord's sums.
const R_DOWN: f32 = (EARTH_RADIUS_KM * (1.0 - 1e-6)) as f32 - 1e-3;

/// 1 / ln 10, rounded down.
const INV_LN10_DOWN: f32 = (1.0 / std::f64::consts::LN_10) as f32 * (1.0 - 1e-7);

/// Criterion positions, in `Criterion::all()` order.
const PROXIMITY: usize = Criterion::Proximity.index();
const SERVICE: usize = Criterion::ServiceFit.index();
const KIND: usize = Criterion::KindFit.index();
const SIZE: usize = Criterion::SizeFit.index();
const TRUST: usize = Criterion::Trust.index();
const BARRIER: usize = Criterion::BarrierRisk.index();
const PRIORITIES: usize = Criterion::SharedPriorities.index();
const GEOGRAPHY: usize = Criterion::SharedGeography.index();
const ICT: usize = Criterion::IctFit.index();
const POLITICAL: usize = Criterion::PoliticalAlignment.index();

/// 1 / c for the needs of slot c − 1 (`Aggregate::need_by_count`), rounded up: 1/3 is the
/// only one not exact, and its nearest `f32` lies above it (checked in tests).
const NEED_SHARE: [f32; NEED_SLOTS] = [1.0, 0.5, 1.0 / 3.0, 0.25];

/// The Taylor coefficients (ln 2)^k / k! of 2^f, k = 0..=7.
const EXP2_TAYLOR: [f32; 8] = [
    1.0,
    std::f32::consts::LN_2,
    0.240_226_5,
    0.055_504_11,
    0.009_618_129,
    0.001_333_355_8,
    0.000_154_035_3,
    0.000_015_252_734,
];

/// The larger of two numbers, as one `maxps` (`f32::max` adds NaN handling, which the
/// bounds never need: no input is NaN).
#[inline(always)]
fn max(a: f32, b: f32) -> f32 {
    if a > b { a } else { b }
}

/// The smaller of two numbers, as one `minps`.
#[inline(always)]
fn min(a: f32, b: f32) -> f32 {
    if a < b { a } else { b }
}

/// An upper bound on 2^x for x ≤ 0, without a call: 2^⌊x⌋ (exact, from the exponent bits)
/// times the degree-7 Taylor polynomial of 2^f on f in [0, 1), whose remainder is below
/// 1.3e-6 of 2^f, raised by 1e-5 to cover that and the rounding. Below −125 it returns
/// 2^−125 times that factor, still above 2^x.
#[inline(always)]
pub fn exp2_up(x: f32) -> f32 {
    let x = max(x, -125.0);
    let whole = x.floor();
    let f = x - whole;
    let mut p = EXP2_TAYLOR[7];
    for c in EXP2_TAYLOR[..7].iter().rev() {
        p = p * f + c;
    }
    // The biased exponent ⌊x⌋ + 127, an integer in [2, 127], read from the low mantissa bits
    // of 2^23 + it (exact): bit operations only, so the lanes stay in vector registers.
    let biased = (whole + (127.0 + 8_388_608.0)).to_bits() & 0x7F_FFFF;
    let scale = f32::from_bits(biased << 23);
    p * scale * (1.0 + 1e-5)
}

/// The lanes of a group, each subject's side of the bounds as `f32` rounded in the bound's
/// favour. Lanes past the group's size hold zeros; the walk never asks for them.
pub struct GroupBounds {
    x: Lanes,
    y: Lanes,
    z: Lanes,
    /// The subject's criterion weights, rounded up.
    weights: [Lanes; Criterion::COUNT],
    kind_fit: [Lanes; 32],
    sector_fit: [Lanes; 8],
    /// ln population rounded up, or +∞ when not known (then size fit is 1).
    pop_lo: Lanes,
    /// ln population rounded down, or −∞ when not known.
    pop_hi: Lanes,
    /// Trust where some body's partnerships are not known: 0 when the subject's are known.
    trust_if_unknown: Lanes,
    /// Reason weights rounded up; 0 when not known.
    reasons: [Lanes; N_REASONS],
    /// Priorities' floor where every body's reasons are known: neutral when the subject's are not.
    reasons_floor: Lanes,
    /// Parent, combined authority and police force area bits.
    near: [[u64; GROUP]; 3],
    region: [u64; GROUP],
    nation: [u64; GROUP],
    known_areas: [u32; GROUP],
    /// ICT fit where some body's systems are known.
    ict_if_known: Lanes,
    /// The lead party's bit, 0 when not known.
    party_bit: [u32; GROUP],
    /// Political alignment where no party matches and every body's is known.
    party_floor: Lanes,
    need: [u64; GROUP],
    /// 1 / |need| rounded up; 0 for no need or an unknown one.
    need_inv: Lanes,
    /// Forward service fit's floor where every body's supply is known.
    need_floor: Lanes,
    /// Forward service fit's floor where some body's supply is not known.
    need_floor_unknown: Lanes,
    /// 0 when not known.
    supply: [u64; GROUP],
    /// Backward service fit's floor where every body's need is known.
    supply_floor: Lanes,
    barrier: Lanes,
    /// `within_km`, or +∞.
    within_km: f32,
    /// 1 / `proximity_half_km`, rounded down.
    inv_half_km: f32,
    mutual: Mutual,
    /// Whether `bound_alive` takes the AVX-512 path (`wide`): the processor has it.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    wide: bool,
}

impl GroupBounds {
    /// The lanes of up to `GROUP` subjects, from their bounds and positions.
    pub fn new(
        subjects: &[(SubjectBounds, [f64; 3])],
        within_km: Option<f64>,
        half_km: f64,
        mutual: Mutual,
    ) -> Self {
        let mut g = Self {
            x: [0.0; GROUP],
            y: [0.0; GROUP],
            z: [0.0; GROUP],
            weights: [[0.0; GROUP]; Criterion::COUNT],
            kind_fit: [[0.0; GROUP]; 32],
            sector_fit: [[0.0; GROUP]; 8],
            pop_lo: [0.0; GROUP],
            pop_hi: [0.0; GROUP],
            trust_if_unknown: [0.0; GROUP],
            reasons: [[0.0; GROUP]; N_REASONS],
            reasons_floor: [0.0; GROUP],
            near: [[0; GROUP]; 3],
            region: [0; GROUP],
            nation: [0; GROUP],
            known_areas: [0; GROUP],
            ict_if_known: [0.0; GROUP],
            party_bit: [0; GROUP],
            party_floor: [0.0; GROUP],
            need: [0; GROUP],
            need_inv: [0.0; GROUP],
            need_floor: [0.0; GROUP],
            need_floor_unknown: [0.0; GROUP],
            supply: [0; GROUP],
            supply_floor: [0.0; GROUP],
            barrier: [0.0; GROUP],
            within_km: within_km.map_or(f32::INFINITY, f32_down),
            inv_half_km: f32_down(1.0 / half_km),
            mutual,
            wide: wide_available(),
        };
        for (i, (s, xyz)) in subjects.iter().enumerate().take(GROUP) {
            // Coordinates to nearest: `bound` allows for the difference.
            g.x[i] = xyz[0] as f32;
            g.y[i] = xyz[1] as f32;
            g.z[i] = xyz[2] as f32;
            for (c, w) in s.weights.iter().enumerate() {
                g.weights[c][i] = f32_up(*w);
            }
            for (k, v) in s.kind_fit_by_kind.iter().enumerate() {
                g.kind_fit[k][i] = f32_up(*v);
            }
            for (k, v) in s.sector_fit_by_sector.iter().enumerate() {
                g.sector_fit[k][i] = f32_up(*v);
            }
            if s.ln_pop.is_finite() {
                g.pop_lo[i] = f32_up(s.ln_pop);
                g.pop_hi[i] = f32_down(s.ln_pop);
            } else {
                g.pop_lo[i] = f32::INFINITY;
                g.pop_hi[i] = f32::NEG_INFINITY;
            }
            g.trust_if_unknown[i] = if s.partnerships_known { 0.0 } else { N };
            match &s.reasons {
                Some(r) => {
                    for (k, w) in r.iter().enumerate() {
                        g.reasons[k][i] = f32_up(*w);
                    }
                }
                None => g.reasons_floor[i] = N,
            }
            g.near[0][i] = s.parent_bit;
            g.near[1][i] = s.combined_bit;
            g.near[2][i] = s.police_bit;
            g.region[i] = s.region_bit;
            g.nation[i] = s.nation_bit;
            g.known_areas[i] = u32::from(s.known_areas);
            g.ict_if_known[i] = if s.ict_known { 1.0 } else { N };
            match s.party {
                Some(p) => g.party_bit[i] = 1 << p,
                None => g.party_floor[i] = N,
            }
            match s.need {
                None => {
                    g.need_floor[i] = N;
                    g.need_floor_unknown[i] = N;
                }
                Some(0) => {}
                Some(need) => {
                    g.need[i] = need;
                    g.need_inv[i] = f32_up(1.0 / f64::from(need.count_ones()));
                    g.need_floor_unknown[i] = N;
                }
            }
            match s.supply {
                None => g.supply_floor[i] = N,
                Some(supply) => g.supply[i] = supply,
            }
            g.barrier[i] = f32_up(s.barrier);
        }
        g
    }

    /// The upper bound on the mutual score with any body of node `id` that is not a special
    /// candidate, for each lane of `mask` (other lanes hold no meaning: the walk reads only
    /// the lanes it asked for); the lanes of `mask` whose
    /// bound reaches their bar (`reaching`) and that a `within_km` limit does not leave
    /// out; and the highest of their bounds (−∞ for none).
    ///
    /// On a processor with AVX-512 and its vector popcount the sixteen lanes are one vector
    /// register (`wide`); elsewhere they are taken four at a time, and a quad with no lane
    /// in `mask` is skipped. Both run the same operations in the same order on every lane,
    /// so they give the same bits on the lanes of `mask` (checked in tests).
    #[inline]
    pub fn bound_alive(
        &self,
        tree: &BoundTree,
        id: u32,
        mask: u32,
        bars: &Lanes,
    ) -> (Lanes, u32, f32) {
        #[cfg(target_arch = "x86_64")]
        if self.wide {
            return wide::bound_alive(self, tree, id, mask, bars);
        }
        let (bounds, beyond) = self.bound_quads(tree, id, mask);
        alive(bounds, beyond, mask, bars)
    }

    /// The bounds of the lanes of `mask` and the lanes of `mask` that `within_km` leaves
    /// out, four lanes at a time (the lanes of a quad with none in `mask` read −∞).
    #[inline]
    fn bound_quads(&self, tree: &BoundTree, id: u32, mask: u32) -> (Lanes, u32) {
        let node = &tree.nodes[id as usize];
        let side = &node.side;
        let mut out = [f32::NEG_INFINITY; GROUP];
        let mut beyond = 0u32;
        // Written out so that each quad's lanes are constants and its loops vectorise.
        if mask & 0xF != 0 {
            beyond |= self.lanes(node, side, 0, 4, &mut out);
        }
        if mask & 0xF0 != 0 {
            beyond |= self.lanes(node, side, 4, 4, &mut out);
        }
        if mask & 0xF00 != 0 {
            beyond |= self.lanes(node, side, 8, 4, &mut out);
        }
        if mask & 0xF000 != 0 {
            beyond |= self.lanes(node, side, 12, 4, &mut out);
        }
        (out, beyond & mask)
    }

    /// `bound_quads` over all sixteen lanes at once.
    #[inline(always)]
    fn bound_all(&self, tree: &BoundTree, id: u32, mask: u32) -> (Lanes, u32) {
        let node = &tree.nodes[id as usize];
        let mut out = [f32::NEG_INFINITY; GROUP];
        let beyond = self.lanes(node, &node.side, 0, GROUP, &mut out);
        (out, beyond & mask)
    }

    /// Bounds lanes `at..at + len` into `out`; returns the `within_km` lanes left out.
    /// Always inlined with constant `at` and `len`, so that its loops vectorise.
    #[inline(always)]
    fn lanes(&self, node: &Node, side: &NodeSide, at: usize, len: usize, out: &mut Lanes) -> u32 {
        let lanes = at..at + len;

        // Distance: a lower bound on the km to the box, allowing for the lanes' coordinates
        // being rounded to f32 and for the rounding of the sums (`docs/scoring.md`).
        let mut km = [0.0f32; GROUP];
        for i in lanes.clone() {
            let gap = |lo: f32, hi: f32, p: f32| max(max(lo - p, p - hi), 0.0);
            let gx = gap(node.lo[0], node.hi[0], self.x[i]);
            let gy = gap(node.lo[1], node.hi[1], self.y[i]);
            let gz = gap(node.lo[2], node.hi[2], self.z[i]);
            km[i] = max((gx * gx + gy * gy + gz * gz).sqrt() * R_DOWN - 1e-3, 0.0);
        }
        let mut beyond = 0u32;
        if self.within_km.is_finite() {
            for i in lanes.clone() {
                beyond |= u32::from(km[i] > self.within_km) << i;
            }
        }
        let mut proximity = [0.0f32; GROUP];
        for i in lanes.clone() {
            proximity[i] = exp2_up(-(km[i] * self.inv_half_km));
        }

        // Kind fit: the best kind present, or sector among bodies of unknown kind.
        let mut kind = [0.0f32; GROUP];
        let mut bits = side.kinds;
        while bits != 0 {
            let fit = &self.kind_fit[bits.trailing_zeros() as usize];
            for i in lanes.clone() {
                kind[i] = max(kind[i], fit[i]);
            }
            bits &= bits - 1;
        }
        let mut bits = side.sectors_of_unknown_kinds;
        while bits != 0 {
            let fit = &self.sector_fit[bits.trailing_zeros() as usize];
            for i in lanes.clone() {
                kind[i] = max(kind[i], fit[i]);
            }
            bits &= bits - 1;
        }

        let mut size = [1.0f32; GROUP];
        if !side.pop_unknown {
            for i in lanes.clone() {
                let gap =
                    max(max(side.pop_min - self.pop_lo[i], self.pop_hi[i] - side.pop_max), 0.0);
                size[i] = min(max(1.0 - gap * INV_LN10_DOWN, 0.0), 1.0);
            }
        }
        let trust = if side.partnerships_unknown { &self.trust_if_unknown } else { &ZERO };
        let mut priorities = [0.0f32; GROUP];
        for (r, m) in self.reasons.iter().zip(&side.reason_max) {
            for i in lanes.clone() {
                priorities[i] += min(r[i], *m);
            }
        }
        let reasons_floor = if side.reasons_unknown { &NEUTRALS } else { &self.reasons_floor };
        for i in lanes.clone() {
            priorities[i] = max(min(priorities[i], 1.0), reasons_floor[i]);
        }
        // Geography: 1 for an area (parent, police, fire, health, combined authority) in
        // common, else `SAME_REGION` for a region, else `SAME_NATION` for a nation (rounded up
        // to f32), else 0, raised to the neutral
        // value where no area type is known on both sides; as masks, so that every lane takes
        // the same path.
        let mut geography = [0.0f32; GROUP];
        for i in lanes.clone() {
            let near = (self.near[0][i] & side.parents)
                | (self.near[1][i] & side.combined)
                | (self.near[2][i] & side.police);
            let region = self.region[i] & side.regions;
            let nation = self.nation[i] & side.nations;
            let unknown_pair = self.known_areas[i] & side.known_areas;
            let known = if near != 0 {
                1.0
            } else if region != 0 {
                f32_up(crate::score::SAME_REGION)
            } else if nation != 0 {
                f32_up(crate::score::SAME_NATION)
            } else {
                0.0
            };
            geography[i] = if unknown_pair == 0 { max(known, N) } else { known };
        }
        let ict = if side.ict_known { &self.ict_if_known } else { &NEUTRALS };
        let party_floor = if side.party_unknown { &NEUTRALS } else { &self.party_floor };
        let mut political = [0.0f32; GROUP];
        for i in lanes.clone() {
            political[i] = if self.party_bit[i] & side.parties != 0 { 1.0 } else { party_floor[i] };
        }
        let need_floor =
            if side.supply_unknown { &self.need_floor_unknown } else { &self.need_floor };
        let supply_floor = if side.need_unknown { &NEUTRALS } else { &self.supply_floor };
        let mut service_forward = [0.0f32; GROUP];
        let mut service_backward = [0.0f32; GROUP];
        // Group by group, and slot by slot below (node-level branches: empty ones are skipped
        // for every lane).
        for u in &side.supply_groups {
            if *u != 0 {
                for i in lanes.clone() {
                    let covered = (self.need[i] & u).count_ones() as f32;
                    service_forward[i] = max(service_forward[i], covered);
                }
            }
        }
        for i in lanes.clone() {
            let covered = min(service_forward[i], side.supply_max);
            service_forward[i] = max(covered * self.need_inv[i], need_floor[i]);
        }
        for (n, inv) in side.need_by_count.iter().zip(&NEED_SHARE) {
            if *n != 0 {
                for i in lanes.clone() {
                    let met = (n & self.supply[i]).count_ones() as f32;
                    service_backward[i] = max(service_backward[i], met * inv);
                }
            }
        }
        for i in lanes.clone() {
            service_backward[i] = max(min(service_backward[i], 1.0), supply_floor[i]);
        }
        let node_w = &side.weights;
        let mut forwards = [0.0f32; GROUP];
        let mut backwards = [0.0f32; GROUP];
        for i in lanes.clone() {
            let w = |c: usize| self.weights[c][i];
            let forward = w(PROXIMITY) * proximity[i]
                + w(SERVICE) * service_forward[i]
                + w(KIND) * kind[i]
                + w(SIZE) * size[i]
                + w(TRUST) * trust[i]
                + w(BARRIER) * self.barrier[i]
                + w(PRIORITIES) * priorities[i]
                + w(GEOGRAPHY) * geography[i]
                + w(ICT) * ict[i]
                + w(POLITICAL) * political[i];
            let backward = node_w[PROXIMITY] * proximity[i]
                + node_w[SERVICE] * service_backward[i]
                + node_w[KIND] * kind[i]
                + node_w[SIZE] * size[i]
                + node_w[TRUST] * trust[i]
                + node_w[BARRIER] * side.barrier_max
                + node_w[PRIORITIES] * priorities[i]
                + node_w[GEOGRAPHY] * geography[i]
                + node_w[ICT] * ict[i]
                + node_w[POLITICAL] * political[i];
            forwards[i] = min(forward, 1.0);
            backwards[i] = min(backward, 1.0);
        }
        let (f, b) = (&forwards, &backwards);
        match self.mutual {
            Mutual::Harmonic => {
                for i in lanes {
                    let sum = f[i] + b[i];
                    // 0/0 only when both are 0, and then the mean is 0 too.
                    let mean = 2.0 * f[i] * b[i] / sum;
                    out[i] = if sum > 0.0 { mean } else { 0.0 } + MARGIN;
                }
            }
            Mutual::Arithmetic => {
                for i in lanes {
                    out[i] = 0.5 * (f[i] + b[i]) + MARGIN;
                }
            }
            Mutual::Minimum => {
                for i in lanes {
                    out[i] = min(f[i], b[i]) + MARGIN;
                }
            }
            Mutual::Forward => {
                for i in lanes {
                    out[i] = f[i] + MARGIN;
                }
            }
        }
        beyond
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::model::{Enumeration, Service};
    use crate::rank::bounds::upper_bound;
    use crate::rank::{RankSettings, context};
    use crate::test_data::{MUTUALS, random_engine};

    #[test]
    fn exp2_up_is_above_exp2_and_close_to_it() {
        let mut x = 0.0f64;
        while x > -140.0 {
            let up = f64::from(exp2_up(x as f32));
            // The argument is rounded to f32 first; the bound holds for that argument.
            let exact = f64::from(x as f32).exp2();
            assert!(up >= exact, "2^{x}: {up} < {exact}");
            if x > -125.0 {
                assert!(up <= exact * (1.0 + 2e-5), "2^{x}: {up} too far above {exact}");
            }
            x -= 0.000_7;
        }
        assert!(exp2_up(0.0) >= 1.0 && exp2_up(-1.0) >= 0.5);
    }

    #[test]
    fn need_shares_are_rounded_up() {
        for (slot, share) in NEED_SHARE.iter().enumerate() {
            assert!(f64::from(*share) >= 1.0 / (slot + 1) as f64, "slot {slot}");
        }
    }

    /// Settings for a random run: any mutual mode, sometimes a service focus or a distance
    /// limit.
    fn random_settings(seed: u64) -> RankSettings {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 3);
        let mut settings =
            RankSettings { mutual: MUTUALS[rng.random_range(0..4)], ..RankSettings::default() };
        if rng.random_bool(0.3) {
            settings.focus = [Service::all()[rng.random_range(0..12)]].into_iter().collect();
        }
        if rng.random_bool(0.3) {
            settings.within_km = Some(rng.random_range(1.0..200.0));
        }
        settings
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// The AVX-512 path gives the bits of the four-lane path: the bound of every lane asked
        /// for, the lanes kept alive and the highest bound, for any lanes and any bars.
        /// Checked only on a processor with AVX-512 (elsewhere the wide path never runs).
        #[test]
        #[cfg(target_arch = "x86_64")]
        fn wide_bounds_are_the_quads_bits(seed in any::<u64>(), n in 1usize..80) {
            if !wide::available() {
                eprintln!("no AVX-512 on this processor: the wide path is not checked");
                return Ok(());
            }
            let engine = random_engine(seed, n);
            let settings = random_settings(seed);
            let index = &engine.index;
            let tree = BoundTree::build(&context(index, 0, &settings));
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 5);
            let subjects: Vec<usize> = (0..n).collect();
            for members in subjects.chunks(GROUP) {
                let sides: Vec<(SubjectBounds, [f64; 3])> = members
                    .iter()
                    .map(|&a| (SubjectBounds::new(&context(index, a, &settings), index.body(a)), index.body(a).xyz))
                    .collect();
                let mut group = GroupBounds::new(
                    &sides,
                    settings.within_km,
                    settings.params.proximity_half_km,
                    settings.mutual,
                );
                group.wide = true;
                let every = ((1u64 << members.len()) - 1) as u32;
                for id in 0..tree.nodes.len() as u32 {
                    let mask = if rng.random_bool(0.5) { every } else { rng.random::<u32>() & every };
                    let mut bars = [f32::INFINITY; GROUP];
                    for bar in &mut bars[..members.len()] {
                        *bar = match rng.random_range(0..3) {
                            0 => f32::NEG_INFINITY,
                            _ => rng.random_range(0.0..1.0),
                        };
                    }
                    let (quads, beyond) = group.bound_quads(&tree, id, mask);
                    let (q_bounds, q_alive, q_best) = alive(quads, beyond, mask, &bars);
                    let (w_bounds, w_alive, w_best) = wide::bound_alive(&group, &tree, id, mask, &bars);
                    for i in (0..GROUP).filter(|i| mask & (1 << i) != 0) {
                        prop_assert_eq!(q_bounds[i].to_bits(), w_bounds[i].to_bits(), "node {} lane {}", id, i);
                    }
                    prop_assert_eq!(q_alive, w_alive, "node {}", id);
                    prop_assert_eq!(q_best.to_bits(), w_best.to_bits(), "node {}", id);
                }
            }
        }

        /// Each lane's bound is at least the f64 reference bound of its subject (so it keeps
        /// every node the proven bound keeps), and barely above it; a lane is only ever left
        /// out for `within_km` when the node is truly farther.
        #[test]
        fn lanes_bound_at_least_the_reference(seed in any::<u64>(), n in 1usize..80) {
            let engine = random_engine(seed, n);
            let settings = random_settings(seed);
            let index = &engine.index;
            let tree = BoundTree::build(&context(index, 0, &settings));
            let subjects: Vec<usize> = (0..n).collect();
            for members in subjects.chunks(GROUP) {
                let ctxs: Vec<_> = members.iter().map(|&a| context(index, a, &settings)).collect();
                let sides: Vec<(SubjectBounds, [f64; 3])> = members
                    .iter()
                    .zip(&ctxs)
                    .map(|(&a, ctx)| (SubjectBounds::new(ctx, index.body(a)), index.body(a).xyz))
                    .collect();
                let group = GroupBounds::new(
                    &sides,
                    settings.within_km,
                    settings.params.proximity_half_km,
                    settings.mutual,
                );
                for id in 0..tree.nodes.len() as u32 {
                    // With bars at −∞ every lane reaches: the lanes left out are those beyond.
                    let (bounds, alive, _) = group.bound_alive(&tree, id, u32::MAX, &[f32::NEG_INFINITY; GROUP]);
                    let beyond = !alive;
                    for (i, (side, xyz)) in sides.iter().enumerate() {
                        let min_km = tree.min_distance_km(&tree.nodes[id as usize], xyz);
                        let reference = upper_bound(&ctxs[i], side, &tree, id, min_km, settings.mutual);
                        let bound = f64::from(bounds[i]);
                        prop_assert!(bound >= reference, "node {id} lane {i}: {bound} < {reference}");
                        prop_assert!(bound <= reference + 1e-4, "node {id} lane {i}: {bound} far above {reference}");
                        if beyond & (1 << i) != 0 {
                            prop_assert!(settings.within_km.is_some_and(|d| min_km > d));
                        }
                    }
                }
            }
        }
    }
}
