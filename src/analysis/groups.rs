//! Partner groups for a service: the member bodies (those that seek or offer the service, or
//! whose services are not known, and pass the filters) split into groups of two to M, each
//! group valued at (size − 1) × its average pairwise mutual score, found by a deterministic
//! heuristic (exact matching as seeds, greedy merging, moves and swaps) and compared with a
//! proven upper bound. No I/O.
//!
//! # The objective
//!
//! value(G) = (|G| − 1) · mean pairwise score = 2 · W(G) / |G|, where W(G) is the sum of the
//! mutual scores of the group's pairs; bodies left alone count 0. Maximise Σ_G value(G).
//!
//! Why this one: each member beyond the first is credited with the group's average fit, so a
//! pair is worth its score (with M = 2 the objective is the pairing plan's total), and a group
//! of four with average 0.7 is worth 2.1, as much as three pairs of 0.7. The sum of the groups'
//! averages alone would favour splitting every group into pairs (more groups, more averages);
//! the total pairwise score W alone would fill every group to M whatever the fit (its number
//! of pairs grows quadratically). The objective is the ratio association of graph clustering
//! (Shi & Malik 2000, "Normalized cuts and image segmentation"; Dhillon, Guan & Kulis 2004),
//! here with a size limit. A body joins a group of g when its summed score to the members
//! exceeds W(G) / g, that is when it fits them at least (g − 1) / (2g) times as well as they
//! fit each other on average. An optional floor (`min_score`) requires every member's average
//! score to the others to be at least that much.
//!
//! # Algorithm, guarantees and limits
//!
//! Partitioning a weighted graph into groups to maximise within-group weight is NP-hard
//! (clique partitioning: Grötschel & Wakabayashi 1989, "A cutting plane algorithm for a
//! clustering problem"; with a size limit and for ratio association as well), so this is a
//! heuristic:
//!
//! 1. seeds: the exact maximum-weight matching of the candidate graph's pairs that reach the
//!    floor (optimal for M = 2 over candidate pairs);
//! 2. greedy merging: repeatedly merge the two groups joined by a candidate edge whose merge
//!    raises the objective most, within the size limit and floor (a priority queue with lazy
//!    invalidation; ties by group id);
//! 3. local search: for each body in id order, the best of leaving its group, moving to a
//!    group holding one of its candidate partners, or swapping with a member of such a group,
//!    if it raises the objective by more than 1e-9;
//! 4. steps 2 and 3 repeat until neither changes anything (at most `max_rounds` rounds).
//!
//! Every step strictly raises the objective, so the search ends; the result is a local
//! optimum under merges, moves and swaps, and deterministic (sequential, fixed orders), so
//! identical for any thread count. Its value never falls below the seeds' (the matching's
//! total). Scores of pairs that are not candidate edges count exactly (they are scored when
//! evaluated). The reported upper bound is Σ_v max_{g=2..M} (sum of v's g − 1 best scores) / g,
//! since value(G) = Σ_{v∈G} (Σ_{u∈G, u≠v} s(u, v)) / |G|; the gap to it is a proven
//! limit on how far from optimal the result can be (often loose: the bound lets every body
//! have its favourite partners at once). A brute-force check on small instances is in the
//! tests. Cost: O(rounds × bodies × k × M³) score look-ups.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeSet, BinaryHeap};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::dataset::Dataset;
use crate::engine::Engine;
use crate::model::{Criterion, Enumeration};
use crate::rank::RankSettings;
use crate::score::Mutual;

use super::candidates::{self, AnalysisError, CandidateGraph, PairView};
use super::matching;
use super::pairs::GraphStats;

/// Improvements smaller than this are ignored, so rounding noise cannot cycle.
const EPSILON: f64 = 1e-9;

/// The largest group size accepted.
pub const MAX_GROUP_SIZE: usize = 12;

/// What to group and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupsSettings {
    /// Filters, the service focus (required), distance limit, existing partners, how scores
    /// combine (`top` is ignored: `candidates` sets the graph's k).
    pub rank: RankSettings,
    /// Partners per body in the candidate graph.
    pub candidates: usize,
    /// Largest group (2 to `MAX_GROUP_SIZE`).
    pub max_size: usize,
    /// Each member's average score to the others in its group must be at least this.
    pub min_score: f64,
    /// Rounds of merging and local search at most.
    pub max_rounds: usize,
}

impl Default for GroupsSettings {
    fn default() -> Self {
        Self {
            rank: RankSettings::default(),
            candidates: 10,
            max_size: 6,
            min_score: 0.0,
            max_rounds: 50,
        }
    }
}

/// One group.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Its members (dataset indices), in id order.
    pub members: Vec<usize>,
    /// Sum of the members' pairwise mutual scores.
    pub total: f64,
    /// Average pairwise mutual score.
    pub average: f64,
    /// (size − 1) × average: its part of the objective.
    pub value: f64,
}

/// What the search did.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct SearchStats {
    /// Objective of the seeds (the exact matching).
    pub seed_value: f64,
    /// Objective after the first merging phase.
    pub merged_value: f64,
    /// Final objective.
    pub value: f64,
    /// Rounds of merging and local search run.
    pub rounds: usize,
    /// Merges applied.
    pub merges: usize,
    /// Moves applied (a body leaving its group or joining another).
    pub moves: usize,
    /// Swaps applied.
    pub swaps: usize,
}

/// Wall-clock time of each step.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GroupTimings {
    /// Building the candidate graph.
    pub candidates: Duration,
    /// Seeds, merging and local search.
    pub search: Duration,
    /// The upper bound.
    pub bound: Duration,
}

/// The grouping.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    /// The groups, highest average first (ties by value, then ids).
    pub groups: Vec<Group>,
    /// Member bodies in no group, in id order.
    pub ungrouped: Vec<usize>,
    /// The objective: Σ value.
    pub value: f64,
    /// A proven upper bound on the objective of any grouping of the members.
    pub bound: f64,
    /// The candidate graph's shape.
    pub graph: GraphStats,
    /// What the search did.
    pub search: SearchStats,
    /// Step times.
    pub timings: GroupTimings,
}

impl Grouping {
    /// `bound − value`, as a share of the bound.
    pub fn gap_share(&self) -> f64 {
        if self.bound > 0.0 { ((self.bound - self.value) / self.bound).max(0.0) } else { 0.0 }
    }
}

/// A group's value from its size and pairwise total.
pub fn group_value(size: usize, total: f64) -> f64 {
    if size >= 2 { 2.0 * total / size as f64 } else { 0.0 }
}

/// Forms the groups (see the module documentation).
pub fn form_groups(engine: &Engine, settings: &GroupsSettings) -> Result<Grouping, AnalysisError> {
    if settings.rank.focus.is_empty() {
        return Err(AnalysisError::Setting(
            "groups are formed for a service: give one with --service, for example --service legal"
                .to_owned(),
        ));
    }
    if !(2..=MAX_GROUP_SIZE).contains(&settings.max_size) {
        return Err(AnalysisError::Setting(format!(
            "--max-size {} is out of range; give 2 to {MAX_GROUP_SIZE}",
            settings.max_size
        )));
    }
    if !(0.0..=1.0).contains(&settings.min_score) {
        return Err(AnalysisError::Setting(format!(
            "--min-score {} is not a score; give a number from 0 to 1",
            settings.min_score
        )));
    }
    let started = Instant::now();
    let view = PairView::new(&engine.index, &settings.rank)?;
    let graph = candidates::build(engine, &view, &settings.rank, settings.candidates, 0.0)?;
    let candidates_time = started.elapsed();

    let search_started = Instant::now();
    let n = graph.members.len();
    let edges = graph.weighted_edges();
    let components = matching::components(n, &edges);
    let stats = GraphStats::of(&graph, &edges, &components);
    // Seeds: the best pairing over candidate pairs that can stand as a group (a pair below
    // the floor cannot).
    let seed_edges: Vec<matching::WeightedEdge> = edges
        .iter()
        .zip(&graph.edges)
        .filter(|(_, e)| e.score.mutual >= settings.min_score)
        .map(|(w, _)| *w)
        .collect();
    let seeds = matching::maximum_weight_matching(n, &seed_edges)?;
    let mut neighbours: Vec<Vec<u32>> = vec![Vec::new(); n];
    for e in &edges {
        neighbours[e.u as usize].push(e.v);
        neighbours[e.v as usize].push(e.u);
    }
    for list in &mut neighbours {
        list.sort_unstable();
    }
    let members = &graph.members;
    let score = |i: u32, j: u32| -> Option<f64> {
        let (a, b) = (members[i as usize], members[j as usize]);
        view.allowed(a, b).then(|| view.score(a.min(b), a.max(b)).mutual)
    };
    let problem = Problem {
        n,
        score: &score,
        neighbours: &neighbours,
        max_size: settings.max_size,
        floor: settings.min_score,
    };
    let seed_pairs: Vec<(u32, u32)> = seeds.pairs().collect();
    let (found, search) = search(&problem, &seed_pairs, settings.max_rounds);
    let search_time = search_started.elapsed();

    let bound_started = Instant::now();
    let bound = upper_bound(engine, &view, &graph, settings);
    let bound_time = bound_started.elapsed();

    let mut grouped = vec![false; n];
    let mut groups: Vec<Group> = found
        .iter()
        .map(|g| {
            let mut total = 0.0;
            for (i, &x) in g.iter().enumerate() {
                grouped[x as usize] = true;
                for &y in &g[i + 1..] {
                    total += score(x, y).unwrap_or(0.0);
                }
            }
            let size = g.len();
            Group {
                members: g.iter().map(|&x| members[x as usize]).collect(),
                total,
                average: total / (size * (size - 1) / 2) as f64,
                value: group_value(size, total),
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.average
            .total_cmp(&a.average)
            .then(b.value.total_cmp(&a.value))
            .then(a.members.cmp(&b.members))
    });
    let ungrouped = (0..n).filter(|&i| !grouped[i]).map(|i| members[i]).collect();
    // Folded from +0.0: an empty `sum` of floats is −0.0.
    let value = groups.iter().map(|g| g.value).fold(0.0, |a, b| a + b);
    Ok(Grouping {
        groups,
        ungrouped,
        value,
        bound: bound.max(value),
        graph: stats,
        search,
        timings: GroupTimings {
            candidates: candidates_time,
            search: search_time,
            bound: bound_time,
        },
    })
}

/// Σ over members of max_{g=2..M} (the sum of its g − 1 best scores) / g: no grouping can do
/// better (module documentation). A member's best scores come from its candidate list. Without
/// a service focus that list is exact (the first k of every eligible partner) and any partner
/// outside it scores at most the list's last score. Under a focus the list was ranked with the
/// member seeking the focus (as `rank` does), which can differ from the pair view only in the
/// member's own service fit, by at most its weight w; the combinations change by at most
/// L·w for such a change (L = 2 for the harmonic mean, whose slope in one view is
/// 2b²/(f + b)² ≤ 2; 1/2 for the arithmetic mean; 1 for the minimum), so partners outside the
/// list score at most last + L·w, capped at 1. O(members × (k + M) log(k + M)).
fn upper_bound(
    engine: &Engine,
    view: &PairView<'_>,
    graph: &CandidateGraph,
    settings: &GroupsSettings,
) -> f64 {
    let m = settings.max_size;
    let slope = match view.mutual() {
        Mutual::Harmonic => 2.0,
        Mutual::Arithmetic => 0.5,
        Mutual::Minimum | Mutual::Forward => 1.0,
    };
    let focused = !settings.rank.focus.is_empty();
    let mut bound = 0.0;
    for (&v, list) in graph.members.iter().zip(&graph.lists) {
        let mut scores: Vec<f64> = list.iter().map(|r| view.score(v, r.candidate).mutual).collect();
        if list.len() >= graph.k
            && let Some(last) = list.last()
        {
            let outside = if focused {
                let w = engine.index.weights(v)[Criterion::ServiceFit.index()];
                (last.score.mutual + slope * w).min(1.0)
            } else {
                last.score.mutual
            };
            // A small allowance for rounding in the sums that make up the scores.
            scores.extend(std::iter::repeat_n(outside + 1e-12, m - 1));
        }
        scores.sort_by(|a, b| b.total_cmp(a));
        let mut best: f64 = 0.0;
        let mut prefix = 0.0;
        for g in 2..=m {
            if let Some(s) = scores.get(g - 2) {
                prefix += s;
            }
            best = best.max(prefix / g as f64);
        }
        bound += best;
    }
    bound
}

/// The combinatorial problem the search solves: `n` items, the score of each pair (`None`
/// when the two may not share a group), candidate neighbours per item (sorted), the size limit
/// and the floor on each member's average score to the others.
pub struct Problem<'a> {
    /// Items 0..n.
    pub n: usize,
    /// Pair scores.
    pub score: &'a dyn Fn(u32, u32) -> Option<f64>,
    /// Candidate neighbours of each item, sorted.
    pub neighbours: &'a [Vec<u32>],
    /// Largest group.
    pub max_size: usize,
    /// Floor on each member's average score to the others.
    pub floor: f64,
}

impl Problem<'_> {
    /// The pairwise total of a would-be group, or `None` if it breaks the size limit, holds a
    /// pair that may not share a group, or a member falls below the floor. O(k²).
    pub fn evaluate(&self, members: &[u32]) -> Option<f64> {
        self.evaluate_with(members, |i, j| (self.score)(i, j))
    }

    /// `evaluate` with the pair scores from `score` (the search's cache).
    fn evaluate_with(
        &self,
        members: &[u32],
        score: impl Fn(u32, u32) -> Option<f64>,
    ) -> Option<f64> {
        let k = members.len();
        if k > self.max_size {
            return None;
        }
        if k < 2 {
            return Some(0.0);
        }
        let mut sums = [0.0f64; MAX_GROUP_SIZE];
        let mut total = 0.0;
        for i in 0..k {
            for j in i + 1..k {
                let s = score(members[i], members[j])?;
                total += s;
                sums[i] += s;
                sums[j] += s;
            }
        }
        let others = (k - 1) as f64;
        if self.floor > 0.0 && sums[..k].iter().any(|s| s / others < self.floor) {
            return None;
        }
        Some(total)
    }

    /// The objective of a set of groups (groups that break a rule count as `None`).
    pub fn objective(&self, groups: &[Vec<u32>]) -> Option<f64> {
        groups
            .iter()
            .map(|g| self.evaluate(g).map(|t| group_value(g.len(), t)))
            .try_fold(0.0, |a, b| b.map(|b| a + b))
    }
}

/// A merge in the queue: gain, the two groups and their versions when evaluated.
#[derive(Debug, Clone, Copy)]
struct Merge {
    gain: f64,
    a: u32,
    b: u32,
    versions: (u64, u64),
}

impl PartialEq for Merge {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Merge {}
impl PartialOrd for Merge {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Merge {
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then(Reverse((self.a, self.b)).cmp(&Reverse((other.a, other.b))))
    }
}

/// One improving change found by the local search.
#[derive(Debug, Clone, Copy)]
enum Change {
    /// The item leaves its group to stand alone.
    Leave,
    /// The item joins group `.0`; if its group was a pair, the partner left behind then joins
    /// group `.1` (an ejection chain of two moves).
    Move(u32, Option<u32>),
    /// The item swaps with member `.1` of group `.0`.
    Swap(u32, u32),
}

/// A fast hasher for pair keys (Fibonacci hashing of a u64); not for untrusted keys, which
/// these are not (item indices).
#[derive(Default)]
struct PairHasher(u64);

impl std::hash::Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Pair scores already computed, so that the search scores each pair once (up to
/// `CACHE_LIMIT` entries, about 60 MB; then it starts again).
type ScoreCache =
    std::collections::HashMap<u64, Option<f64>, std::hash::BuildHasherDefault<PairHasher>>;

/// The most pair scores kept at once.
const CACHE_LIMIT: usize = 2_000_000;

struct State<'p, 'a> {
    problem: &'p Problem<'a>,
    cache: std::cell::RefCell<ScoreCache>,
    group_of: Vec<u32>,
    groups: Vec<Vec<u32>>,
    totals: Vec<f64>,
    /// Each item's summed score to the other members of its group.
    member_sum: Vec<f64>,
    versions: Vec<u64>,
}

/// Whether every member's average score to the others, given their sums and the group's size,
/// reaches the floor (always, for groups of fewer than two).
fn floor_holds(floor: f64, size: usize, sums: impl IntoIterator<Item = f64>) -> bool {
    if floor <= 0.0 || size < 2 {
        return true;
    }
    let others = (size - 1) as f64;
    sums.into_iter().all(|s| s / others >= floor)
}

impl State<'_, '_> {
    fn score(&self, i: u32, j: u32) -> Option<f64> {
        let key = (u64::from(i.min(j)) << 32) | u64::from(i.max(j));
        if let Some(&s) = self.cache.borrow().get(&key) {
            return s;
        }
        let s = (self.problem.score)(i, j);
        let mut cache = self.cache.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, s);
        s
    }

    fn value(&self, g: u32) -> f64 {
        group_value(self.groups[g as usize].len(), self.totals[g as usize])
    }

    /// `Problem::evaluate` with cached scores.
    fn evaluate(&self, members: &[u32]) -> Option<f64> {
        self.problem.evaluate_with(members, |i, j| self.score(i, j))
    }

    fn objective(&self) -> f64 {
        (0..self.groups.len() as u32).map(|g| self.value(g)).fold(0.0, |a, b| a + b)
    }

    /// Replaces group `g`'s members (sorted), recomputing its total and member sums exactly.
    fn set(&mut self, g: u32, members: Vec<u32>) {
        let mut total = 0.0;
        for &x in &members {
            self.group_of[x as usize] = g;
            self.member_sum[x as usize] = 0.0;
        }
        for (i, &x) in members.iter().enumerate() {
            for &y in &members[i + 1..] {
                let s = self.score(x, y).unwrap_or(0.0);
                total += s;
                self.member_sum[x as usize] += s;
                self.member_sum[y as usize] += s;
            }
        }
        self.groups[g as usize] = members;
        self.totals[g as usize] = total;
        self.versions[g as usize] += 1;
    }

    /// The groups holding a candidate neighbour of any of `items`, other than `own`, sorted.
    fn neighbour_groups(&self, items: &[u32], own: u32) -> BTreeSet<u32> {
        let mut out = BTreeSet::new();
        for &x in items {
            for &y in &self.problem.neighbours[x as usize] {
                let h = self.group_of[y as usize];
                if h != own {
                    out.insert(h);
                }
            }
        }
        out
    }

    /// The total of groups `g` and `h` merged, if allowed: W(g) + W(h) + the cross scores,
    /// with the floor checked from the member sums. O(|g|·|h|).
    fn merged_total(&self, g: u32, h: u32) -> Option<f64> {
        let (a, b) = (&self.groups[g as usize], &self.groups[h as usize]);
        let size = a.len() + b.len();
        if size > self.problem.max_size {
            return None;
        }
        let mut cross_a = vec![0.0f64; a.len()];
        let mut cross_b = vec![0.0f64; b.len()];
        for (i, &x) in a.iter().enumerate() {
            for (j, &y) in b.iter().enumerate() {
                let s = self.score(x, y)?;
                cross_a[i] += s;
                cross_b[j] += s;
            }
        }
        let sums = a
            .iter()
            .zip(&cross_a)
            .chain(b.iter().zip(&cross_b))
            .map(|(&x, c)| self.member_sum[x as usize] + c);
        if !floor_holds(self.problem.floor, size, sums) {
            return None;
        }
        Some(self.totals[g as usize] + self.totals[h as usize] + cross_a.iter().sum::<f64>())
    }

    fn push_merges(&self, g: u32, queue: &mut BinaryHeap<Merge>) {
        let members = &self.groups[g as usize];
        if members.is_empty() || members.len() >= self.problem.max_size {
            return;
        }
        for h in self.neighbour_groups(members, g) {
            let Some(total) = self.merged_total(g, h) else { continue };
            let size = members.len() + self.groups[h as usize].len();
            let gain = group_value(size, total) - self.value(g) - self.value(h);
            if gain > EPSILON {
                let (a, b) = (g.min(h), g.max(h));
                queue.push(Merge {
                    gain,
                    a,
                    b,
                    versions: (self.versions[a as usize], self.versions[b as usize]),
                });
            }
        }
    }

    /// Greedy merging until no merge gains. Returns the merges applied.
    fn merge_phase(&mut self) -> usize {
        let mut queue = BinaryHeap::new();
        for g in 0..self.groups.len() as u32 {
            self.push_merges(g, &mut queue);
        }
        let mut merges = 0;
        while let Some(m) = queue.pop() {
            if (self.versions[m.a as usize], self.versions[m.b as usize]) != m.versions {
                continue;
            }
            if self.merged_total(m.a, m.b).is_none() {
                continue;
            }
            let union = sorted_union(&self.groups[m.a as usize], &self.groups[m.b as usize]);
            self.set(m.b, Vec::new());
            self.set(m.a, union);
            merges += 1;
            self.push_merges(m.a, &mut queue);
        }
        merges
    }

    /// The best improving change for item `x`, from the maintained totals and member sums:
    /// O(Σ_B |B|·|A|) score look-ups over the neighbour groups B of x's group A.
    fn best_change(&self, x: u32) -> Option<Change> {
        let floor = self.problem.floor;
        let max_size = self.problem.max_size;
        let a = self.group_of[x as usize];
        let rest_a: Vec<u32> =
            self.groups[a as usize].iter().copied().filter(|&m| m != x).collect();
        let size_a = rest_a.len() + 1;
        let value_a = self.value(a);
        // Scores of x to the rest of its group (all allowed: they share it now).
        let x_to_a: Vec<f64> = rest_a.iter().map(|&m| self.score(x, m).unwrap_or(0.0)).collect();
        let total_without = self.totals[a as usize] - self.member_sum[x as usize];
        let without_ok = floor_holds(
            floor,
            size_a - 1,
            rest_a.iter().zip(&x_to_a).map(|(&m, s)| self.member_sum[m as usize] - s),
        );
        let value_without = group_value(size_a - 1, total_without);
        let mut best: Option<(f64, Change)> = None;
        let mut consider = |gain: f64, change: Change| {
            if gain > EPSILON && best.is_none_or(|(g, _)| gain > g) {
                best = Some((gain, change));
            }
        };
        if size_a >= 2 && without_ok {
            consider(value_without - value_a, Change::Leave);
        }
        // If x leaves a pair, its partner is left alone: the best two groups (other than x's)
        // it could then join, and the gain, so that a move can be valued with that follow-up.
        let follow_ups: Vec<(f64, u32)> = match rest_a.as_slice() {
            [r] => self.best_joins(*r, a),
            _ => Vec::new(),
        };
        for b in self.neighbour_groups(&[x], a) {
            let members_b = &self.groups[b as usize];
            let size_b = members_b.len();
            let value_b = self.value(b);
            let x_to_b: Vec<Option<f64>> = members_b.iter().map(|&m| self.score(x, m)).collect();
            let blocked = x_to_b.iter().filter(|s| s.is_none()).count();
            let x_sum_b: f64 = x_to_b.iter().flatten().sum();
            // Move x to B.
            if size_b < max_size && without_ok && blocked == 0 {
                let sums = members_b
                    .iter()
                    .zip(&x_to_b)
                    .map(|(&m, s)| self.member_sum[m as usize] + s.unwrap_or(0.0))
                    .chain(std::iter::once(x_sum_b));
                if floor_holds(floor, size_b + 1, sums) {
                    let gain = value_without
                        + group_value(size_b + 1, self.totals[b as usize] + x_sum_b)
                        - value_a
                        - value_b;
                    let follow = follow_ups.iter().find(|(_, c)| *c != b);
                    match follow {
                        Some(&(extra, c)) if extra > 0.0 => {
                            consider(gain + extra, Change::Move(b, Some(c)));
                        }
                        _ => consider(gain, Change::Move(b, None)),
                    }
                }
            }
            // Swap x with each y in B.
            for (j, &y) in members_b.iter().enumerate() {
                let x_to_y = x_to_b[j];
                if blocked > usize::from(x_to_y.is_none()) {
                    continue;
                }
                let Some(y_to_a) =
                    rest_a.iter().map(|&m| self.score(y, m)).collect::<Option<Vec<f64>>>()
                else {
                    continue;
                };
                let y_sum_a: f64 = y_to_a.iter().sum();
                let total_a2 = total_without + y_sum_a;
                let x_sum_b_rest = x_sum_b - x_to_y.unwrap_or(0.0);
                let total_b2 = self.totals[b as usize] - self.member_sum[y as usize] + x_sum_b_rest;
                if floor > 0.0 {
                    let a_sums = rest_a
                        .iter()
                        .enumerate()
                        .map(|(i, &m)| self.member_sum[m as usize] - x_to_a[i] + y_to_a[i])
                        .chain(std::iter::once(y_sum_a));
                    if !floor_holds(floor, size_a, a_sums) {
                        continue;
                    }
                    let mut b_sums = Vec::with_capacity(size_b);
                    for (k, &m) in members_b.iter().enumerate() {
                        if k != j {
                            let m_to_y = self.score(m, y).unwrap_or(0.0);
                            let m_to_x = x_to_b[k].unwrap_or(0.0);
                            b_sums.push(self.member_sum[m as usize] - m_to_y + m_to_x);
                        }
                    }
                    b_sums.push(x_sum_b_rest);
                    if !floor_holds(floor, size_b, b_sums) {
                        continue;
                    }
                }
                let gain = group_value(size_a, total_a2) + group_value(size_b, total_b2)
                    - value_a
                    - value_b;
                consider(gain, Change::Swap(b, y));
            }
        }
        best.map(|(_, change)| change)
    }

    /// The best two groups (other than `own`, distinct) that item `r`, standing alone, could
    /// join with a gain, best first: (gain, group).
    fn best_joins(&self, r: u32, own: u32) -> Vec<(f64, u32)> {
        let mut found: Vec<(f64, u32)> = Vec::new();
        for c in self.neighbour_groups(&[r], own) {
            let members = &self.groups[c as usize];
            if members.len() >= self.problem.max_size {
                continue;
            }
            let Some(to_c) =
                members.iter().map(|&m| self.score(r, m)).collect::<Option<Vec<f64>>>()
            else {
                continue;
            };
            let sum: f64 = to_c.iter().sum();
            let sums = members
                .iter()
                .zip(&to_c)
                .map(|(&m, s)| self.member_sum[m as usize] + s)
                .chain(std::iter::once(sum));
            if !floor_holds(self.problem.floor, members.len() + 1, sums) {
                continue;
            }
            let gain =
                group_value(members.len() + 1, self.totals[c as usize] + sum) - self.value(c);
            if gain > EPSILON {
                found.push((gain, c));
            }
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        found.truncate(2);
        found
    }

    /// One pass of moves and swaps over the items in order. Returns (moves, swaps).
    fn local_pass(&mut self) -> (usize, usize) {
        let (mut moves, mut swaps) = (0, 0);
        for x in 0..self.problem.n as u32 {
            let Some(change) = self.best_change(x) else { continue };
            let a = self.group_of[x as usize];
            let without: Vec<u32> =
                self.groups[a as usize].iter().copied().filter(|&m| m != x).collect();
            // Apply, re-checking the new groups exactly (the gain came from running sums).
            let (new_a, other) = match change {
                Change::Leave => (without, None),
                Change::Move(b, _) => {
                    (without, Some((b, sorted_union(&self.groups[b as usize], &[x]))))
                }
                Change::Swap(b, y) => {
                    let b_rest: Vec<u32> =
                        self.groups[b as usize].iter().copied().filter(|&z| z != y).collect();
                    (sorted_union(&without, &[y]), Some((b, sorted_union(&b_rest, &[x]))))
                }
            };
            if self.evaluate(&new_a).is_none()
                || other.as_ref().is_some_and(|(_, g)| self.evaluate(g).is_none())
            {
                continue;
            }
            self.set(a, new_a);
            match other {
                None => {
                    let free = self.free_group();
                    self.set(free, vec![x]);
                    moves += 1;
                }
                Some((b, members)) => {
                    self.set(b, members);
                    if matches!(change, Change::Swap(..)) {
                        swaps += 1;
                    } else {
                        moves += 1;
                    }
                }
            }
            // The partner left alone by a move joins its group, if the chain said so and the
            // group still takes it.
            if let (Change::Move(_, Some(c)), [r]) = (change, self.groups[a as usize].as_slice()) {
                let r = *r;
                let joined = sorted_union(&self.groups[c as usize], &[r]);
                if c != a && !self.groups[c as usize].is_empty() && self.evaluate(&joined).is_some()
                {
                    self.set(a, Vec::new());
                    self.set(c, joined);
                    moves += 1;
                }
            }
        }
        (moves, swaps)
    }

    /// An empty group slot (there is always one after a leave: n items, n slots, and the item
    /// leaving shared its group with another).
    fn free_group(&mut self) -> u32 {
        match self.groups.iter().position(Vec::is_empty) {
            Some(g) => g as u32,
            None => {
                self.groups.push(Vec::new());
                self.totals.push(0.0);
                self.versions.push(0);
                (self.groups.len() - 1) as u32
            }
        }
    }
}

fn sorted_union(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    out.extend_from_slice(a);
    out.extend_from_slice(b);
    out.sort_unstable();
    out.dedup();
    out
}

/// Runs the search from the seed pairs: merging and local search in rounds (module
/// documentation). Returns the groups of two or more, each sorted, in order of their smallest
/// item, and what the search did.
pub fn search(
    problem: &Problem<'_>,
    seeds: &[(u32, u32)],
    max_rounds: usize,
) -> (Vec<Vec<u32>>, SearchStats) {
    let n = problem.n;
    let mut state = State {
        problem,
        cache: std::cell::RefCell::new(ScoreCache::default()),
        group_of: (0..n as u32).collect(),
        groups: (0..n as u32).map(|x| vec![x]).collect(),
        totals: vec![0.0; n],
        member_sum: vec![0.0; n],
        versions: vec![0; n],
    };
    for &(u, v) in seeds {
        let (a, b) = (state.group_of[u as usize], state.group_of[v as usize]);
        if a == b || state.merged_total(a, b).is_none() {
            continue;
        }
        let union = sorted_union(&state.groups[a as usize], &state.groups[b as usize]);
        state.set(b, Vec::new());
        state.set(a, union);
    }
    let mut stats = SearchStats { seed_value: state.objective(), ..SearchStats::default() };
    for round in 0..max_rounds {
        let merges = state.merge_phase();
        if round == 0 {
            stats.merged_value = state.objective();
        }
        let (moves, swaps) = state.local_pass();
        stats.rounds = round + 1;
        stats.merges += merges;
        stats.moves += moves;
        stats.swaps += swaps;
        if merges + moves + swaps == 0 {
            break;
        }
    }
    if stats.rounds == 0 {
        stats.merged_value = stats.seed_value;
    }
    stats.value = state.objective();
    let mut groups: Vec<Vec<u32>> = state.groups.into_iter().filter(|g| g.len() >= 2).collect();
    groups.sort();
    (groups, stats)
}

/// One criterion across a group: its average value and contribution over every member's view
/// of every other member, and whether it had no data in any of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionSummary {
    /// The criterion.
    pub criterion: Criterion,
    /// Average value.
    pub value: f64,
    /// Average contribution (weight × value).
    pub contribution: f64,
    /// True when every view used the neutral value.
    pub neutral: bool,
}

/// A group's criteria summarised over all ordered pairs of members, in `Criterion::all()`
/// order, using the same pair view as the grouping. O(size² × criteria).
pub fn summarise(
    view: &PairView<'_>,
    dataset: &Dataset,
    members: &[usize],
) -> Vec<CriterionSummary> {
    let mut value = [0.0f64; Criterion::COUNT];
    let mut contribution = [0.0f64; Criterion::COUNT];
    let mut neutral = [true; Criterion::COUNT];
    let mut views = 0usize;
    for (i, &a) in members.iter().enumerate() {
        for &b in &members[i + 1..] {
            let e = view.explain(dataset, a, b);
            for side in [&e.forward, &e.backward] {
                views += 1;
                for (k, c) in side.criteria.iter().enumerate().take(Criterion::COUNT) {
                    value[k] += c.value;
                    contribution[k] += c.contribution;
                    neutral[k] &= c.neutral;
                }
            }
        }
    }
    let views = views.max(1) as f64;
    Criterion::all()
        .iter()
        .enumerate()
        .map(|(k, &criterion)| CriterionSummary {
            criterion,
            value: value[k] / views,
            contribution: contribution[k] / views,
            neutral: neutral[k],
        })
        .collect()
}

#[cfg(test)]
mod tests;
