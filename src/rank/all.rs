//! Every body's top-k at once, exact. For each subject, the special candidates (neighbours,
//! parent, children, partners and partners' partners: the only bodies that can score 1 on
//! proximity or above 0 on trust) are scored first; then a best-first walk of the bound tree
//! scores whole nodes only while their upper bound can still beat the current k-th best, and
//! stops at the first node that cannot. Since the bound holds for every body it covers and
//! candidates are compared by the same total order as `rank`, the result is identical to
//! scoring every pair (`brute_force`). Subjects run in parallel, in chunks whose results are
//! emitted in subject order, so output is streamed and memory stays bounded. No I/O: results
//! go to a caller's sink.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use rayon::prelude::*;

use super::bounds::{BoundTree, SubjectBounds, upper_bound};
use super::{Eligibility, RankSettings, Ranked, TopK, context};
use crate::index::{Body, Csr, NONE, ScoringIndex, distance_km};
use crate::score::{score_bodies, score_unrelated};

/// Subjects per chunk at most: results of a chunk are held until it is emitted in order.
const CHUNK: usize = 2048;

/// Results held at once at most (about 24 MiB), so that a large `--top` shrinks the chunk
/// rather than the memory growing with it.
const CHUNK_RESULTS: usize = 1 << 20;

/// Subjects per chunk for a top-k: `CHUNK`, fewer for large k, but never under 16.
fn chunk_len(top: usize) -> usize {
    (CHUNK_RESULTS / top.max(1)).clamp(16, CHUNK)
}

/// What a run of `rank_all` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllStats {
    /// Subjects ranked.
    pub subjects: u64,
    /// Pairs scored (both directions each).
    pub pairs_scored: u64,
    /// Tree nodes whose bound was computed.
    pub nodes_bounded: u64,
}

/// The compiled structures `rank_all` reuses across subjects.
pub struct AllRanker<'a> {
    index: &'a ScoringIndex,
    settings: &'a RankSettings,
    eligibility: Eligibility,
    tree: BoundTree,
    children: Csr<u32>,
}

/// A max-heap entry: a node and its upper bound (ties by node id, for a deterministic walk).
#[derive(Debug, Clone, Copy)]
struct Frontier {
    bound: f64,
    node: u32,
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

impl<'a> AllRanker<'a> {
    /// Compiles the bound tree (O(n log n)) and the children of every body.
    pub fn new(index: &'a ScoringIndex, settings: &'a RankSettings) -> Self {
        // The tree's aggregates use candidate semantics only; any subject index will do.
        let ctx = context(index, 0, settings);
        let tree = BoundTree::build(&ctx);
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); index.len()];
        for (b, body) in index.bodies.iter().enumerate() {
            if body.parent != NONE {
                children[body.parent as usize].push(b as u32);
            }
        }
        let children = Csr::from_lists(children);
        Self { index, settings, eligibility: Eligibility::new(index, settings), tree, children }
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
        ctx: &crate::score::Context<'_>,
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

    /// One subject's top-k by branch and bound.
    pub fn pruned(&self, a: usize, stats: &mut AllStats) -> Vec<Ranked> {
        let ctx = context(self.index, a, self.settings);
        let mut top = TopK::new(self.settings.top);
        let mut pairs = 0u64;
        if self.settings.top == 0 || self.tree.nodes.is_empty() {
            return Vec::new();
        }
        let specials = self.specials(a);
        let subject = self.index.body(a);
        for &b in &specials {
            self.consider(&ctx, subject, self.index.body(b as usize), false, &mut top, &mut pairs);
        }
        let bounds = SubjectBounds::new(&ctx, subject);
        let p = subject.xyz;
        let mut frontier = BinaryHeap::new();
        let bound_of = |node: u32, stats: &mut AllStats| -> Option<Frontier> {
            let n = &self.tree.nodes[node as usize];
            let min_km = self.tree.min_distance_km(n, &p);
            stats.nodes_bounded += 1;
            if self.settings.within_km.is_some_and(|d| min_km > d) {
                return None;
            }
            Some(Frontier {
                bound: upper_bound(&ctx, &bounds, &self.tree, node, min_km, self.settings.mutual),
                node,
            })
        };
        frontier.extend(self.tree.roots.iter().filter_map(|&root| bound_of(root, stats)));
        while let Some(Frontier { bound, node }) = frontier.pop() {
            if top.threshold().is_some_and(|t| bound < t.score.mutual) {
                break;
            }
            let n = &self.tree.nodes[node as usize];
            if n.children[0] == NONE {
                for body in &self.tree.bodies[n.start as usize..n.end as usize] {
                    if body.index() != a && specials.binary_search(&body.idx).is_err() {
                        self.consider(&ctx, subject, body, true, &mut top, &mut pairs);
                    }
                }
            } else {
                for child in n.children {
                    if let Some(f) = bound_of(child, stats)
                        && !top.threshold().is_some_and(|t| f.bound < t.score.mutual)
                    {
                        frontier.push(f);
                    }
                }
            }
        }
        stats.pairs_scored += pairs;
        stats.subjects += 1;
        top.into_sorted()
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

    /// Ranks every body, in parallel chunks, handing each subject's result to `emit` in
    /// subject order; `progress` is told how many subjects are done after each chunk.
    pub fn run<E>(
        &self,
        brute_force: bool,
        mut emit: impl FnMut(usize, &[Ranked]) -> Result<(), E>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<AllStats, E> {
        let n = self.index.len();
        let pairs = AtomicU64::new(0);
        let nodes = AtomicU64::new(0);
        let mut done = 0usize;
        let chunk = chunk_len(self.settings.top);
        for start in (0..n).step_by(chunk) {
            let end = (start + chunk).min(n);
            let results: Vec<Vec<Ranked>> = (start..end)
                .into_par_iter()
                .map(|a| {
                    let mut stats = AllStats::default();
                    let r = if brute_force {
                        self.brute_force(a, &mut stats)
                    } else {
                        self.pruned(a, &mut stats)
                    };
                    pairs.fetch_add(stats.pairs_scored, AtomicOrdering::Relaxed);
                    nodes.fetch_add(stats.nodes_bounded, AtomicOrdering::Relaxed);
                    r
                })
                .collect();
            for (offset, ranked) in results.iter().enumerate() {
                emit(start + offset, ranked)?;
            }
            done = end;
            progress(done);
        }
        Ok(AllStats {
            subjects: done as u64,
            pairs_scored: pairs.into_inner(),
            nodes_bounded: nodes.into_inner(),
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::dataset::Dataset;
    use crate::engine::Engine;
    use crate::model::{Enumeration, Sector, Service};
    use crate::score::Mutual;
    use crate::test_data::random_organisations;
    use crate::weights::{Survey, WeightSettings};

    #[test]
    fn chunks_shrink_for_a_large_top_k_so_memory_stays_bounded() {
        assert_eq!(chunk_len(10), CHUNK);
        assert_eq!(chunk_len(0), CHUNK);
        assert!(chunk_len(5_000) * 5_000 <= CHUNK_RESULTS);
        assert_eq!(chunk_len(usize::MAX), 16);
    }

    fn all(ranker: &AllRanker<'_>, brute_force: bool) -> Vec<Vec<Ranked>> {
        let mut out = Vec::new();
        let _: Result<AllStats, ()> = ranker.run(
            brute_force,
            |_, r| {
                out.push(r.to_vec());
                Ok(())
            },
            &|_| {},
        );
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The pruned walk gives exactly the brute-force result: same candidates, same order,
        /// same scores to the bit, for random data, sizes and settings.
        #[test]
        fn pruned_equals_brute_force(seed in any::<u64>(), n in 1usize..120) {
            let dataset = Dataset::from_organisations(random_organisations(seed, n), "random").unwrap();
            let engine = Engine::new(dataset, Survey::embedded().unwrap(), WeightSettings::default()).unwrap();
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 7);
            let mut settings = RankSettings { top: rng.random_range(0..8), ..RankSettings::default() };
            settings.mutual = [Mutual::Harmonic, Mutual::Arithmetic, Mutual::Minimum, Mutual::Forward][rng.random_range(0..4)];
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
            let brute = all(&ranker, true);
            prop_assert_eq!(pruned.len(), n);
            prop_assert_eq!(&pruned, &brute);
            // And both equal ranking each body on its own.
            for (a, r) in brute.iter().enumerate() {
                prop_assert_eq!(r, &crate::rank::rank_sequential(&engine.index, a, &settings).candidates);
            }
        }
    }
}
