//! Every body's top-k at once, exact. For each subject, the special candidates (neighbours,
//! parent, children, partners and partners' partners: the only bodies that can score 1 on
//! proximity or above 0 on trust) are scored first; then a best-first walk of the bound tree
//! scores whole nodes only while their upper bound (`lanes::GroupBounds`) can still beat the
//! current k-th best, and stops at the first node that cannot. Since the bound holds for every
//! body it covers and candidates are compared by the same total order as `rank`, the result is
//! identical to scoring every pair (`brute_force`).
//!
//! Subjects close together in the tree (same kind, nearby, of similar size) walk much the same
//! nodes, so up to `GROUP` of them walk the tree together: one frontier, each node fetched
//! once and bounded for every subject still interested in it, each leaf's bodies scored for
//! each such subject. Each subject keeps its own bar and its own top k, so the result is the
//! one each would get alone. Subjects run in parallel groups, in chunks whose results are
//! emitted in subject order, so output is streamed and memory stays bounded. No I/O: results
//! go to a caller's sink.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::bounds::{BoundTree, SubjectBounds, f32_down};
use super::lanes::{GroupBounds, reaching};
use super::{Eligibility, RankSettings, Ranked, TopK, context};
use crate::index::{Body, Csr, NONE, ScoringIndex, distance_km};
use crate::score::{Context, score_bodies, score_unrelated};

pub use super::lanes::GROUP;

/// Nodes of more than this many bodies are expanded two levels at a time: the children's
/// children are bounded directly. Most children of such a node would pass their own bound (a
/// child holds much the same as its parent), so their bounds and heap round trips mostly
/// cost without pruning: at 100,000 bodies this bounds 9% fewer nodes for the same pairs.
const TWO_LEVELS_ABOVE: usize = 8;

/// Candidates held at once at most (64 MiB of ids, in per-subject lists of about twice that):
/// a chunk's subjects' top-k lists are held until the chunk is emitted, so a large `--top`
/// shrinks the chunk rather than the memory growing with it. At `--top 10` a chunk holds
/// 1.6 million subjects: a national dataset in one chunk, whose groups are closest together.
const CHUNK_CANDIDATES: usize = 1 << 24;

/// Subjects whose scores are recomputed for output at a time.
/// Small in tests, so that small datasets cross blocks and runs.
const EMIT_BLOCK: usize = if cfg!(test) { 16 } else { 4096 };

/// Consecutive subjects rendered into one buffer: few allocations, and none freed by another
/// thread one subject at a time (the emitting thread would wait on the allocator's locks).
const RENDER_RUN: usize = if cfg!(test) { 3 } else { 64 };

/// Subjects per chunk for a top-k: as many as `CHUNK_CANDIDATES` allows, never under a group.
/// The larger the chunk, the closer together its groups' subjects.
fn chunk_len(top: usize) -> usize {
    (CHUNK_CANDIDATES / top.max(1)).max(GROUP)
}

/// What a run of `rank_all` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllStats {
    /// Subjects ranked.
    pub subjects: u64,
    /// Pairs scored (both directions each).
    pub pairs_scored: u64,
    /// Bounds computed (a tree node for a subject).
    pub nodes_bounded: u64,
    /// Wall time spent finding the top k (`run` only; zero elsewhere).
    pub search: Duration,
}

impl AllStats {
    /// Adds another run's work.
    pub fn add(&mut self, other: &AllStats) {
        self.subjects += other.subjects;
        self.pairs_scored += other.pairs_scored;
        self.nodes_bounded += other.nodes_bounded;
        self.search += other.search;
    }
}

/// The compiled structures `rank_all` reuses across subjects.
pub struct AllRanker<'a> {
    index: &'a ScoringIndex,
    settings: &'a RankSettings,
    eligibility: Eligibility,
    tree: BoundTree,
    /// Each body's position in the tree's order (subjects are grouped by it).
    position: Vec<u32>,
    children: Csr<u32>,
}

/// A max-heap entry: a node, the highest of its subjects' bounds (ties by node id, for a
/// deterministic walk), the subjects still interested in it and where their bounds are kept.
#[derive(Debug, Clone, Copy)]
struct Frontier {
    bound: f32,
    node: u32,
    lanes: u32,
    slot: u32,
}

impl PartialEq for Frontier {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Frontier {}
impl PartialOrd for Frontier {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Frontier {
    fn cmp(&self, other: &Self) -> Ordering {
        self.bound.total_cmp(&other.bound).then(other.node.cmp(&self.node))
    }
}

/// A frontier entry's per-lane bounds, on one cache line.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
struct Slot([f32; GROUP]);

/// The frontier of a group walk: a max-heap of nodes, and each entry's per-lane bounds in
/// slots reused once the entry is popped.
#[derive(Default)]
struct Frontiers {
    heap: BinaryHeap<Frontier>,
    slots: Vec<Slot>,
    free: Vec<u32>,
}

impl Frontiers {
    /// Adds a node with its lanes' bounds, unless no lane is interested in it.
    fn push(&mut self, node: u32, (bounds, lanes, best): ([f32; GROUP], u32, f32)) {
        if lanes == 0 {
            return;
        }
        self.push_entry(Frontier { bound: best, node, lanes, slot: 0 }, bounds);
    }

    /// Adds an entry (its slot chosen here) with its lanes' bounds.
    fn push_entry(&mut self, mut entry: Frontier, bounds: [f32; GROUP]) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Slot(bounds);
                slot
            }
            None => {
                self.slots.push(Slot(bounds));
                (self.slots.len() - 1) as u32
            }
        };
        entry.slot = slot;
        self.heap.push(entry);
    }

    /// Whether an entry would be popped before every entry in the heap.
    fn leads(&self, entry: &Frontier) -> bool {
        self.heap.peek().is_none_or(|top| entry > top)
    }

    /// The entry of highest bound, with its lanes' bounds.
    fn pop(&mut self) -> Option<(Frontier, [f32; GROUP])> {
        let entry = self.heap.pop()?;
        self.free.push(entry.slot);
        Some((entry, self.slots[entry.slot as usize].0))
    }
}

/// One subject of a group walk.
struct Lane<'c> {
    a: usize,
    ctx: Context<'c>,
    specials: Vec<u32>,
    top: TopK,
}

impl Lane<'_> {
    /// The score a candidate must beat to enter (−∞ until k are kept), rounded down to the
    /// bounds' `f32`: a node whose bound is below it holds no body that can enter.
    fn bar(&self) -> f32 {
        self.top.threshold().map_or(f32::NEG_INFINITY, |t| f32_down(t.score.mutual))
    }
}

/// The lanes of a mask, lowest first.
fn lanes_of(mut mask: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let i = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            i
        })
    })
}

impl<'a> AllRanker<'a> {
    /// Compiles the bound tree (O(n log n)) and the children of every body.
    pub fn new(index: &'a ScoringIndex, settings: &'a RankSettings) -> Self {
        // The tree's aggregates use candidate semantics only; any subject index will do.
        let ctx = context(index, 0, settings);
        let tree = BoundTree::build(&ctx);
        let mut position = vec![0u32; index.len()];
        for (p, &b) in tree.order.iter().enumerate() {
            position[b as usize] = p as u32;
        }
        let children = Csr::from_pairs(
            index.len(),
            (0..index.len() as u32)
                .filter(|&b| index.bodies[b as usize].parent != NONE)
                .map(|b| (index.bodies[b as usize].parent as usize, b)),
        );
        Self {
            index,
            settings,
            eligibility: Eligibility::new(index, settings),
            tree,
            position,
            children,
        }
    }

    /// The bodies that may score 1 on proximity (neighbours, parent, children) or above 0 on
    /// trust (partners and their partners), sorted, without the subject.
    fn specials(&self, a: usize) -> Vec<u32> {
        let mut out = self.index.related(a);
        out.extend_from_slice(self.children.of(a));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Scores a candidate if it is eligible; `unrelated` when it is known not to be special
    /// (see `specials`), which skips the look-ups of neighbours and partners.
    fn consider(
        &self,
        ctx: &Context<'_>,
        a: &Body,
        b: &Body,
        unrelated: bool,
        top: &mut TopK,
        pairs: &mut u64,
    ) {
        if !self.eligibility.allows(self.index, a.index(), b) {
            return;
        }
        if self.eligibility.within_km.is_some() && !self.eligibility.within(distance_km(a, b)) {
            return;
        }
        *pairs += 1;
        let (score, facts) = if unrelated {
            score_unrelated(ctx, a, b, self.settings.mutual)
        } else {
            score_bodies(ctx, a, b, self.settings.mutual)
        };
        top.push(Ranked { candidate: b.index(), score, distance_km: facts.distance_km });
    }

    /// Bounds a node for the lanes of `mask`: every lane's bound, the lanes of `mask` whose
    /// bound reaches their bar (and whose `within_km` the node may meet), and the highest
    /// such bound.
    fn bound_lanes(
        &self,
        group: &GroupBounds,
        bars: &[f32; GROUP],
        node: u32,
        mask: u32,
        nodes_bounded: &mut u64,
    ) -> ([f32; GROUP], u32, f32) {
        *nodes_bounded += u64::from(mask.count_ones());
        group.bound_alive(&self.tree, node, mask, bars)
    }

    /// The top k of up to `GROUP` subjects by one branch-and-bound walk (more are walked
    /// `GROUP` at a time): each subject's result is exactly the one it would get alone (see
    /// the module's documentation).
    pub fn pruned_group(&self, subjects: &[usize], stats: &mut AllStats) -> Vec<Vec<Ranked>> {
        if subjects.len() > GROUP {
            return subjects.chunks(GROUP).flat_map(|c| self.pruned_group(c, stats)).collect();
        }
        stats.subjects += subjects.len() as u64;
        if self.settings.top == 0 || self.tree.nodes.is_empty() {
            return vec![Vec::new(); subjects.len()];
        }
        let mut pairs = 0u64;
        let mut lanes: Vec<Lane<'_>> = subjects
            .iter()
            .map(|&a| {
                let ctx = context(self.index, a, self.settings);
                let subject = self.index.body(a);
                let specials = self.specials(a);
                let mut top = TopK::new(self.settings.top);
                for &b in &specials {
                    let b = self.index.body(b as usize);
                    self.consider(&ctx, subject, b, false, &mut top, &mut pairs);
                }
                Lane { a, ctx, specials, top }
            })
            .collect();
        let sides: Vec<(SubjectBounds, [f64; 3])> = lanes
            .iter()
            .map(|lane| {
                let subject = self.index.body(lane.a);
                (SubjectBounds::new(&lane.ctx, subject), subject.xyz)
            })
            .collect();
        let group = GroupBounds::new(
            &sides,
            self.settings.within_km,
            self.settings.params.proximity_half_km,
            self.settings.mutual,
        );
        // Lanes beyond the group never bar anything: +∞ keeps them out of the minimum.
        let mut bars = [f32::INFINITY; GROUP];
        for (bar, lane) in bars.iter_mut().zip(&lanes) {
            *bar = lane.bar();
        }
        let mut lowest_bar = bars.iter().copied().fold(f32::INFINITY, f32::min);
        let every_lane = ((1u64 << lanes.len()) - 1) as u32;
        let mut frontier = Frontiers::default();
        for &root in &self.tree.roots {
            let bounded =
                self.bound_lanes(&group, &bars, root, every_lane, &mut stats.nodes_bounded);
            frontier.push(root, bounded);
        }
        // The better child of the node last expanded, when it would be popped next anyway:
        // kept here rather than pushed and popped (the walk descends this way most of the
        // time), which visits nodes in the same order as the heap alone.
        let mut next: Option<(Frontier, [f32; GROUP])> = None;
        while let Some((Frontier { bound, node, lanes: mask, .. }, bounds)) =
            next.take().or_else(|| frontier.pop())
        {
            // Every entry left is bounded by this one: no lane can gain from any of them.
            if bound < lowest_bar {
                break;
            }
            // The lanes whose bar has not risen past their bound since it was pushed (kept
            // unless below the bar, as when it was pushed: `bound_lanes`).
            let live = mask & reaching(&bounds, &bars);
            if live == 0 {
                continue;
            }
            let n = &self.tree.nodes[node as usize];
            if n.children[0] == NONE {
                let bodies = &self.tree.bodies[n.start as usize..n.end as usize];
                for i in lanes_of(live) {
                    let lane = &mut lanes[i];
                    let subject = self.index.body(lane.a);
                    for body in bodies {
                        if body.index() != lane.a && lane.specials.binary_search(&body.idx).is_err()
                        {
                            self.consider(
                                &lane.ctx,
                                subject,
                                body,
                                true,
                                &mut lane.top,
                                &mut pairs,
                            );
                        }
                    }
                    bars[i] = lane.bar();
                }
                lowest_bar = bars.iter().copied().fold(f32::INFINITY, f32::min);
            } else {
                // The nodes to bound: the children, or, below a node of more than
                // `TWO_LEVELS_ABOVE` bodies, each internal child's children instead (they
                // cover the same bodies, so the walk stays exact).
                let mut targets = [NONE; 4];
                let mut count = 0;
                let two_levels = (n.end - n.start) as usize > TWO_LEVELS_ABOVE;
                for child in n.children {
                    let grandchildren = self.tree.nodes[child as usize].children;
                    if two_levels && grandchildren[0] != NONE {
                        targets[count..count + 2].copy_from_slice(&grandchildren);
                        count += 2;
                    } else {
                        targets[count] = child;
                        count += 1;
                    }
                }
                // The best target is most often expanded next: the targets' children's
                // records are asked for now, and arrive while the targets are bounded, rather
                // than from memory when they are bounded in turn.
                for &target in &targets[..count] {
                    self.tree.prefetch_children(target);
                }
                let none = Frontier { bound: f32::NEG_INFINITY, node: NONE, lanes: 0, slot: 0 };
                let mut entries = [(none, [0.0; GROUP]); 4];
                let mut best = 0;
                for (k, &target) in targets[..count].iter().enumerate() {
                    let (bounds, lanes, highest) =
                        self.bound_lanes(&group, &bars, target, live, &mut stats.nodes_bounded);
                    entries[k] =
                        (Frontier { bound: highest, node: target, lanes, slot: 0 }, bounds);
                    if entries[k].0 > entries[best].0 {
                        best = k;
                    }
                }
                for (k, (entry, bounds)) in entries[..count].iter().enumerate() {
                    if k != best && entry.lanes != 0 {
                        frontier.push_entry(*entry, *bounds);
                    }
                }
                let (first, first_bounds) = entries[best];
                if first.lanes != 0 {
                    if frontier.leads(&first) {
                        next = Some((first, first_bounds));
                    } else {
                        frontier.push_entry(first, first_bounds);
                    }
                }
            }
        }
        stats.pairs_scored += pairs;
        lanes.into_iter().map(|lane| lane.top.into_sorted()).collect()
    }

    /// The top k of each of `subjects` (any order, any number), by group walks in parallel.
    /// Results come back in the order of `subjects`, with the work summed.
    pub fn pruned_many(&self, subjects: &[usize]) -> (Vec<Vec<Ranked>>, AllStats) {
        self.in_groups(subjects, false, &|ranked| ranked, &|_| {})
    }

    /// Ranks `subjects` (any order) in parallel, `GROUP` at a time in the tree's order, by the
    /// pruned walk or by brute force; `keep` turns each ranking into what is held, and
    /// `progress` is told how many subjects are done as groups finish. Results come back in
    /// the order of `subjects`, with the work summed.
    fn in_groups<T: Send>(
        &self,
        subjects: &[usize],
        brute_force: bool,
        keep: &(dyn Fn(Vec<Ranked>) -> T + Sync),
        progress: &(dyn Fn(usize) + Sync),
    ) -> (Vec<T>, AllStats) {
        let mut order: Vec<usize> = (0..subjects.len()).collect();
        order.sort_unstable_by_key(|&i| (self.position[subjects[i]], i));
        let done = AtomicUsize::new(0);
        let walked: Vec<(Vec<T>, AllStats)> = order
            .par_chunks(GROUP)
            .map(|group| {
                let members: Vec<usize> = group.iter().map(|&i| subjects[i]).collect();
                let mut stats = AllStats::default();
                let ranked = if brute_force {
                    members.iter().map(|&a| self.brute_force(a, &mut stats)).collect()
                } else {
                    self.pruned_group(&members, &mut stats)
                };
                progress(done.fetch_add(group.len(), AtomicOrdering::Relaxed) + group.len());
                (ranked.into_iter().map(keep).collect(), stats)
            })
            .collect();
        let mut slots: Vec<Option<T>> =
            std::iter::repeat_with(|| None).take(subjects.len()).collect();
        let mut stats = AllStats::default();
        for (group, (kept, s)) in order.chunks(GROUP).zip(walked) {
            stats.add(&s);
            for (&i, t) in group.iter().zip(kept) {
                slots[i] = Some(t);
            }
        }
        (slots.into_iter().flatten().collect(), stats)
    }

    /// One subject's top-k by scoring every pair: the reference path.
    pub fn brute_force(&self, a: usize, stats: &mut AllStats) -> Vec<Ranked> {
        let ctx = context(self.index, a, self.settings);
        let mut top = TopK::new(self.settings.top);
        let mut pairs = 0u64;
        let subject = self.index.body(a);
        for body in &self.index.bodies {
            self.consider(&ctx, subject, body, false, &mut top, &mut pairs);
        }
        stats.pairs_scored += pairs;
        stats.subjects += 1;
        top.into_sorted()
    }

    /// A subject's ranking from its candidates, best first: each pair scored again, which
    /// gives the same bits as when it was selected (the same scorers, the same context; a
    /// candidate outside the subject's specials is unrelated, as in the walk).
    fn rescore(&self, a: usize, candidates: &[u32]) -> Vec<Ranked> {
        let ctx = context(self.index, a, self.settings);
        let subject = self.index.body(a);
        let specials = self.specials(a);
        let mutual = self.settings.mutual;
        candidates
            .iter()
            .map(|&c| {
                // The tree's copy: a subject's candidates lie close together in tree order,
                // so they share cache lines there rather than lying all over the index.
                let body = &self.tree.bodies[self.position[c as usize] as usize];
                let (score, facts) = if specials.binary_search(&c).is_ok() {
                    score_bodies(&ctx, subject, body, mutual)
                } else {
                    score_unrelated(&ctx, subject, body, mutual)
                };
                Ranked { candidate: c as usize, score, distance_km: facts.distance_km }
            })
            .collect()
    }

    /// Ranks every body. Each subject's result goes through `render`, which appends it to a
    /// buffer (in parallel, e.g. to format it), and the buffers go to `emit` in subject order,
    /// each holding a run of consecutive subjects. `progress` is told how many subjects are
    /// done as groups finish (from worker threads).
    ///
    /// Subjects are taken in chunks of consecutive indices; within a chunk they are ordered by
    /// their place in the tree and walked in groups of `GROUP`, in parallel. Only the
    /// candidates' ids are held until the chunk is emitted; their scores are computed again
    /// for output, while this thread emits the block before (a pipeline).
    pub fn run<B: Default + Send, E>(
        &self,
        brute_force: bool,
        render: &(dyn Fn(usize, &[Ranked], &mut B) + Sync),
        mut emit: impl FnMut(B) -> Result<(), E>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<AllStats, E> {
        let n = self.index.len();
        let mut stats = AllStats::default();
        let chunk = chunk_len(self.settings.top);
        for start in (0..n).step_by(chunk) {
            let end = (start + chunk).min(n);
            let subjects: Vec<usize> = (start..end).collect();
            let ids = |ranked: Vec<Ranked>| -> Vec<u32> {
                ranked.iter().map(|r| r.candidate as u32).collect()
            };
            let searching = Instant::now();
            let (lists, s) =
                self.in_groups(&subjects, brute_force, &ids, &|done| progress(start + done));
            stats.add(&s);
            stats.search += searching.elapsed();
            // A block's buffers, one per run of `RENDER_RUN` subjects, rendered in parallel.
            let render_block = |block: usize| -> Vec<B> {
                let block_end = (block + EMIT_BLOCK).min(end);
                (block..block_end)
                    .into_par_iter()
                    .step_by(RENDER_RUN)
                    .map(|run| {
                        let mut buffer = B::default();
                        for a in run..(run + RENDER_RUN).min(block_end) {
                            render(a, &self.rescore(a, &lists[a - start]), &mut buffer);
                        }
                        buffer
                    })
                    .collect()
            };
            // The pool renders the next block while this thread emits one (`in_place_scope`,
            // since `emit` stays on this thread).
            let mut rendered = render_block(start);
            for at in (start..end).step_by(EMIT_BLOCK) {
                let next = at + EMIT_BLOCK;
                let mut following = Vec::new();
                rayon::in_place_scope(|scope| {
                    if next < end {
                        let following = &mut following;
                        scope.spawn(move |_| *following = render_block(next));
                    }
                    std::mem::take(&mut rendered).into_iter().try_for_each(&mut emit)
                })?;
                rendered = following;
            }
        }
        Ok(stats)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::model::{Enumeration, Sector, Service};
    use crate::test_data::{MUTUALS, random_engine};

    #[test]
    fn chunks_shrink_for_a_large_top_k_so_memory_stays_bounded() {
        assert!(chunk_len(10) >= 1_000_000, "a national dataset in one chunk");
        assert_eq!(chunk_len(0), CHUNK_CANDIDATES);
        assert!(chunk_len(5_000) * 5_000 <= CHUNK_CANDIDATES);
        assert_eq!(chunk_len(usize::MAX), GROUP);
    }

    fn all(ranker: &AllRanker<'_>, brute_force: bool) -> Vec<Vec<Ranked>> {
        let mut out = Vec::new();
        let _: Result<AllStats, ()> = ranker.run(
            brute_force,
            &|a, r, buffer: &mut Vec<(usize, Vec<Ranked>)>| buffer.push((a, r.to_vec())),
            |buffer| {
                out.extend(buffer);
                Ok(())
            },
            &|_| {},
        );
        // Every subject once, in order, across blocks and runs.
        assert!(out.iter().enumerate().all(|(i, (a, _))| *a == i), "subjects out of order");
        assert_eq!(out.len(), ranker.index.len());
        out.into_iter().map(|(_, r)| r).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The pruned walk gives exactly the brute-force result: same candidates, same order,
        /// same scores to the bit, for random data, sizes and settings.
        #[test]
        fn pruned_equals_brute_force(seed in any::<u64>(), n in 1usize..120) {
            let engine = random_engine(seed, n);
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 7);
            let mut settings = RankSettings { top: rng.random_range(0..8), ..RankSettings::default() };
            settings.mutual = MUTUALS[rng.random_range(0..4)];
            if rng.random_bool(0.2) {
                settings.focus = [Service::all()[rng.random_range(0..12)]].into_iter().collect();
            }
            if rng.random_bool(0.2) {
                settings.within_km = Some(rng.random_range(10.0..100.0));
            }
            if rng.random_bool(0.2) {
                settings.filter.sectors = vec![Sector::LocalGovernment];
            }
            settings.exclude_partners = rng.random_bool(0.2);
            let ranker = AllRanker::new(&engine.index, &settings);
            let pruned = all(&ranker, false);
            // More subjects than a group, in one call: walked a group at a time.
            let mut stats = AllStats::default();
            let subjects: Vec<usize> = (0..n).collect();
            prop_assert_eq!(&ranker.pruned_group(&subjects, &mut stats), &pruned);
            prop_assert_eq!(stats.subjects, n as u64);
            let brute = all(&ranker, true);
            prop_assert_eq!(pruned.len(), n);
            prop_assert_eq!(&pruned, &brute);
            // Any subset, in any order, walked in groups: each subject's own result.
            let subjects: Vec<usize> = (0..n).rev().step_by(1 + n % 3).collect();
            let (many, stats) = ranker.pruned_many(&subjects);
            prop_assert_eq!(stats.subjects, subjects.len() as u64);
            for (&a, list) in subjects.iter().zip(&many) {
                prop_assert_eq!(list, &brute[a]);
            }
            // And both equal ranking each body on its own.
            for (a, r) in brute.iter().enumerate() {
                prop_assert_eq!(r, &crate::rank::rank_sequential(&engine.index, a, &settings).candidates);
            }
        }
    }
}
