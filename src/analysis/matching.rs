//! Maximum-weight matching in general graphs on integer weights: an exact primal-dual blossom
//! algorithm, the weight-sorted greedy, bounds, and a check of every exact result against its
//! linear-programming optimality certificate. Pure computation: no I/O, no panics on any
//! input (bad input is a `MatchingError`), identical results for any number of threads.
//!
//! # The exact algorithm
//!
//! Edmonds' weighted blossom algorithm (Edmonds 1965, "Maximum matching and a polyhedron with
//! 0,1-vertices") in the primal-dual form of Galil (1986, "Efficient algorithms for finding
//! maximum matching in graphs", ACM Computing Surveys 18(1)), organised after Joris van
//! Rantwijk's O(n (n + m) log n) design (his `maximum-weight-matching` repository, 2023-2024,
//! which follows Galil, Micali & Gabow 1986). Every vertex starts as the root of its own
//! alternating tree with dual max(w)/2. The algorithm repeatedly takes the smallest of four
//! dual steps:
//!
//! 1. the dual of the unmatched vertices (they all share it) reaching 0: the matching is
//!    optimal and the algorithm stops;
//! 2. an edge from an S-vertex to an unlabelled vertex becoming tight: the tree grows by a
//!    T-blossom and the S-blossom matched to it;
//! 3. an edge between two S-blossoms becoming tight: within one tree it closes an odd cycle,
//!    which becomes a new blossom; between two trees it is an augmenting path;
//! 4. the dual of a T-blossom reaching 0: the blossom is expanded.
//!
//! The speed comes from three devices of van Rantwijk's design. Dual updates are lazy: a
//! running sum of the steps taken, with per-blossom offsets, stands in for touching every
//! vertex. The four minima come from priority queues instead of scans: delta 2 from a queue
//! of unlabelled blossoms over per-blossom queues of their vertices' least slacks over
//! per-vertex queues of edges to S-vertices, delta 3 from a queue of edges between
//! S-vertices, delta 4 from a queue of T-blossoms. And after an augmentation only the two
//! trees it joined are dissolved; every other tree is kept, so a stage does not start from
//! scratch. Where van Rantwijk uses concatenable queues (to split a blossom's queue when it
//! is expanded, and to find a vertex's top-level blossom), this implementation uses binary
//! heaps with lazy deletion (an entry carries what it was computed from and is dropped or
//! renewed when found stale) and rebuilds a sub-blossom's queue when its parent is expanded,
//! with the top-level blossom of each vertex kept in an array updated when blossoms form or
//! expand.
//!
//! Complexity: at most n/2 augmentations; between two of them, O((n + m) log n) queue work as
//! in van Rantwijk's analysis, plus O(|B| log |B|) for each blossom B formed or expanded (the
//! array and queue rebuilds), which is O(n² log n) in the worst case: O(n (n + m) log n +
//! n³ log n) overall, O(n + m) memory. On the candidate graphs of this tool (every body's k
//! best partners, geographically local) blossoms stay small: 20,000 bodies and 128,751 edges
//! take 1.3 to 1.9 s (BENCHMARKS.md).
//!
//! # Exactness
//!
//! With integer weights every dual value is an integer when doubled, so all arithmetic is
//! exact (i64, weights at most `MAX_WEIGHT`). Each exact result is checked against the
//! optimality conditions of the matching linear program (`verify`): vertex and blossom duals
//! non-negative, every edge's reduced cost non-negative, matched edges tight, unmatched
//! vertices at dual 0, blossoms with positive dual full, and the dual objective equal to the
//! matching's weight. By LP duality a matching that passes is a maximum-weight matching; one
//! that fails is reported as an internal error, never returned.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

/// "None" for vertex, edge and blossom indices.
const NONE: u32 = u32::MAX;

/// The largest accepted edge weight. Doubled duals stay below 4 × this, far from `i64::MAX`.
pub const MAX_WEIGHT: i64 = 1 << 52;

/// An undirected edge between vertices `u` and `v` with an integer weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeightedEdge {
    /// One end.
    pub u: u32,
    /// The other end.
    pub v: u32,
    /// The weight, in 0..=`MAX_WEIGHT`.
    pub weight: i64,
}

impl WeightedEdge {
    /// An edge.
    pub fn new(u: u32, v: u32, weight: i64) -> Self {
        Self { u, v, weight }
    }
}

/// Input the matching cannot work on, or (never expected) a failed optimality check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchingError {
    /// An edge names a vertex the graph does not have.
    #[error("edge {index} names vertex {vertex}, but the graph has {n} vertices")]
    VertexOutOfRange {
        /// The edge's position.
        index: usize,
        /// The vertex.
        vertex: u32,
        /// The number of vertices.
        n: usize,
    },
    /// An edge joins a vertex to itself.
    #[error("edge {index} joins vertex {vertex} to itself; leave loops out")]
    SelfLoop {
        /// The edge's position.
        index: usize,
        /// The vertex.
        vertex: u32,
    },
    /// A weight is negative or too large.
    #[error("edge {index} has weight {weight}; weights must be in 0..={MAX_WEIGHT}")]
    BadWeight {
        /// The edge's position.
        index: usize,
        /// The weight.
        weight: i64,
    },
    /// Two edges join the same pair of vertices.
    #[error("edges {first} and {second} join the same two vertices; keep one")]
    Duplicate {
        /// The first edge's position.
        first: usize,
        /// The second edge's position.
        second: usize,
    },
    /// The graph has more vertices than indices allow.
    #[error("the graph has {0} vertices; at most {max} are supported", max = u32::MAX - 1)]
    TooLarge(usize),
    /// The algorithm broke an invariant or its result failed the optimality check: a bug.
    #[error("internal error in the matching ({0}); please report this bug")]
    Internal(String),
}

/// A matching: each vertex's mate (if any) and the total weight of the matched edges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matching {
    /// `mate[v]` is the vertex matched to `v`.
    pub mate: Vec<Option<u32>>,
    /// Sum of the matched edges' weights.
    pub weight: i64,
}

impl Matching {
    /// The matched pairs `(u, v)` with `u < v`, in increasing order of `u`.
    pub fn pairs(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.mate.iter().enumerate().filter_map(|(u, m)| match m {
            Some(v) if (u as u32) < *v => Some((u as u32, *v)),
            _ => None,
        })
    }

    /// The number of matched pairs.
    pub fn len(&self) -> usize {
        self.mate.iter().filter(|m| m.is_some()).count() / 2
    }

    /// Whether nothing is matched.
    pub fn is_empty(&self) -> bool {
        self.mate.iter().all(Option::is_none)
    }
}

/// Checks vertices, loops, weights and duplicates. O(m log m).
pub fn validate(n: usize, edges: &[WeightedEdge]) -> Result<(), MatchingError> {
    if n >= NONE as usize {
        return Err(MatchingError::TooLarge(n));
    }
    for (index, e) in edges.iter().enumerate() {
        for vertex in [e.u, e.v] {
            if vertex as usize >= n {
                return Err(MatchingError::VertexOutOfRange { index, vertex, n });
            }
        }
        if e.u == e.v {
            return Err(MatchingError::SelfLoop { index, vertex: e.u });
        }
        if !(0..=MAX_WEIGHT).contains(&e.weight) {
            return Err(MatchingError::BadWeight { index, weight: e.weight });
        }
    }
    let mut keys: Vec<(u32, u32, usize)> =
        edges.iter().enumerate().map(|(i, e)| (e.u.min(e.v), e.u.max(e.v), i)).collect();
    keys.sort_unstable();
    for w in keys.windows(2) {
        if (w[0].0, w[0].1) == (w[1].0, w[1].1) {
            return Err(MatchingError::Duplicate { first: w[0].2, second: w[1].2 });
        }
    }
    Ok(())
}

/// The exact maximum-weight matching, solving each connected component on its own and the
/// components in parallel (Rayon). The result does not depend on the number of threads: each
/// component is solved by the same sequential algorithm and the results are placed by vertex.
///
/// Complexity: see the module documentation; O(n + m) memory.
pub fn maximum_weight_matching(
    n: usize,
    edges: &[WeightedEdge],
) -> Result<Matching, MatchingError> {
    solve_by_components(n, edges, true)
}

/// The sequential twin of `maximum_weight_matching`: the same components, one after the
/// other. Identical result.
pub fn maximum_weight_matching_sequential(
    n: usize,
    edges: &[WeightedEdge],
) -> Result<Matching, MatchingError> {
    solve_by_components(n, edges, false)
}

/// The exact algorithm on the whole graph at once (no split into components); the reference
/// the component split is tested against.
pub fn maximum_weight_matching_whole(
    n: usize,
    edges: &[WeightedEdge],
) -> Result<Matching, MatchingError> {
    validate(n, edges)?;
    let mate = solve_graph(n, edges)?;
    Ok(matching_from_mates(mate, edges))
}

/// The connected components of the graph with at least one edge: each a sorted list of
/// vertices, the components ordered by their smallest vertex. Union-find with path halving
/// and union by size: O(m α(n)) after an O(n) set-up.
pub fn components(n: usize, edges: &[WeightedEdge]) -> Vec<Vec<u32>> {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut size = vec![1u32; n];
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let grand = parent[parent[x as usize] as usize];
            parent[x as usize] = grand;
            x = grand;
        }
        x
    }
    let mut touched = vec![false; n];
    for e in edges {
        touched[e.u as usize] = true;
        touched[e.v as usize] = true;
        let (a, b) = (find(&mut parent, e.u), find(&mut parent, e.v));
        if a != b {
            let (big, small) = if size[a as usize] >= size[b as usize] { (a, b) } else { (b, a) };
            parent[small as usize] = big;
            size[big as usize] += size[small as usize];
        }
    }
    let mut slot = vec![NONE; n];
    let mut out: Vec<Vec<u32>> = Vec::new();
    for v in 0..n as u32 {
        if !touched[v as usize] {
            continue;
        }
        let root = find(&mut parent, v) as usize;
        if slot[root] == NONE {
            slot[root] = out.len() as u32;
            out.push(Vec::new());
        }
        out[slot[root] as usize].push(v);
    }
    out
}

fn solve_by_components(
    n: usize,
    edges: &[WeightedEdge],
    parallel: bool,
) -> Result<Matching, MatchingError> {
    validate(n, edges)?;
    let comps = components(n, edges);
    // Each vertex's component and its index within it.
    let mut comp_of = vec![NONE; n];
    let mut local = vec![NONE; n];
    for (c, vertices) in comps.iter().enumerate() {
        for (i, &v) in vertices.iter().enumerate() {
            comp_of[v as usize] = c as u32;
            local[v as usize] = i as u32;
        }
    }
    let mut comp_edges: Vec<Vec<WeightedEdge>> = vec![Vec::new(); comps.len()];
    for e in edges {
        let c = comp_of[e.u as usize] as usize;
        comp_edges[c].push(WeightedEdge::new(local[e.u as usize], local[e.v as usize], e.weight));
    }
    let solve = |c: usize| solve_graph(comps[c].len(), &comp_edges[c]);
    let results: Vec<Result<Vec<u32>, MatchingError>> = if parallel {
        // Largest components first would balance better, but the output is placed by vertex,
        // so any schedule gives the same result; keep the simple order.
        (0..comps.len()).into_par_iter().map(solve).collect()
    } else {
        (0..comps.len()).map(solve).collect()
    };
    let mut mate = vec![NONE; n];
    for (c, result) in results.into_iter().enumerate() {
        let local_mates = result?;
        for (i, m) in local_mates.into_iter().enumerate() {
            if m != NONE {
                mate[comps[c][i] as usize] = comps[c][m as usize];
            }
        }
    }
    Ok(matching_from_mates(mate, edges))
}

fn matching_from_mates(mate: Vec<u32>, edges: &[WeightedEdge]) -> Matching {
    let weight = edges.iter().filter(|e| mate[e.u as usize] == e.v).map(|e| e.weight).sum();
    Matching { mate: mate.into_iter().map(|m| (m != NONE).then_some(m)).collect(), weight }
}

/// The weight-sorted greedy: edges from heaviest to lightest (ties by the smaller, then the
/// larger vertex), each taken when both ends are still free and its weight is positive.
/// O(m log m). A 1/2-approximation: every edge of an optimal matching that the greedy did not
/// take shares an end with a greedy edge at least as heavy, and a greedy edge can block at
/// most two of them, so optimum ≤ 2 × greedy (Avis 1983, "A survey of heuristics for the
/// weighted matching problem").
pub fn greedy_matching(n: usize, edges: &[WeightedEdge]) -> Result<Matching, MatchingError> {
    validate(n, edges)?;
    let mut order: Vec<usize> = (0..edges.len()).collect();
    let key = |e: &WeightedEdge| (Reverse(e.weight), e.u.min(e.v), e.u.max(e.v));
    order.sort_unstable_by_key(|&i| key(&edges[i]));
    let mut mate = vec![NONE; n];
    for i in order {
        let e = edges[i];
        if e.weight > 0 && mate[e.u as usize] == NONE && mate[e.v as usize] == NONE {
            mate[e.u as usize] = e.v;
            mate[e.v as usize] = e.u;
        }
    }
    Ok(matching_from_mates(mate, edges))
}

/// Twice the fractional upper bound Σ_v max_{e ∋ v} w(e) / 2 on any matching's weight (each
/// matched edge weighs at most the mean of its ends' heaviest edges). O(n + m). Returned
/// doubled so that it stays an exact integer.
pub fn vertex_bound_doubled(n: usize, edges: &[WeightedEdge]) -> i64 {
    let mut best = vec![0i64; n];
    for e in edges {
        for v in [e.u as usize, e.v as usize] {
            if v < n {
                best[v] = best[v].max(e.weight);
            }
        }
    }
    best.iter().sum()
}

// ---------------------------------------------------------------------------------------------
// The blossom algorithm on one graph.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Free,
    S,
    T,
}

/// A blossom: trivial (one vertex, id = the vertex) or non-trivial (id ≥ n, an odd cycle of
/// sub-blossoms).
#[derive(Debug, Clone)]
struct Blossom {
    /// The enclosing blossom, `NONE` for a top-level one.
    parent: u32,
    /// The base vertex: the one not matched inside the blossom.
    base: u32,
    /// Label of a top-level blossom.
    label: Label,
    /// The edge `(x, y)` attaching a labelled blossom to its tree, `y` inside; `NONE` for roots.
    tree_edge: (u32, u32),
    /// The tree (its root vertex) of a labelled top-level blossom.
    tree: u32,
    /// Non-trivial blossoms: the dual, "modified" for lazy updates (true dual = `dual + Δ`
    /// for a top-level S-blossom, `dual − Δ` for a T-blossom, `dual` otherwise).
    dual: i64,
    /// Pending doubled dual change of every vertex inside (unlabelled and T blossoms).
    offset: i64,
    /// Sub-blossoms around the cycle, the one holding the base first.
    children: Vec<u32>,
    /// `cycle[i]` joins a vertex of `children[i]` to one of `children[i + 1]` (cyclically).
    cycle: Vec<(u32, u32)>,
    /// Changes whenever the label, offset or top-level status changes: queue entries carry it.
    stamp: u64,
    /// Scratch mark for tracing tree paths.
    marked: bool,
    /// Whether a non-trivial blossom slot is in use.
    alive: bool,
}

impl Blossom {
    fn new(base: u32) -> Self {
        Self {
            parent: NONE,
            base,
            label: Label::Free,
            tree_edge: (NONE, NONE),
            tree: NONE,
            dual: 0,
            offset: 0,
            children: Vec::new(),
            cycle: Vec::new(),
            stamp: 0,
            marked: false,
            alive: true,
        }
    }
}

type Internal = MatchingError;

fn internal(what: &str) -> MatchingError {
    MatchingError::Internal(what.to_owned())
}

/// Solves one graph (validated input); returns each vertex's mate or `NONE`.
fn solve_graph(n: usize, edges: &[WeightedEdge]) -> Result<Vec<u32>, MatchingError> {
    if edges.is_empty() {
        return Ok(vec![NONE; n]);
    }
    let mut solver = Solver::new(n, edges);
    solver.run()?;
    let certificate = solver.certificate();
    verify(n, edges, &solver.mate, &certificate).map_err(MatchingError::Internal)?;
    Ok(solver.mate)
}

struct Solver<'a> {
    n: usize,
    edges: &'a [WeightedEdge],
    adj_offsets: Vec<u32>,
    adj: Vec<u32>,
    mate: Vec<u32>,
    /// Doubled, modified vertex duals (true doubled dual: `d − Δ` for S-vertices,
    /// `d + Δ + offset` for T-vertices, `d + offset` for unlabelled ones).
    dual2x: Vec<i64>,
    start_dual2x: i64,
    /// Δ: the running sum of doubled dual steps.
    delta_sum: i64,
    blossoms: Vec<Blossom>,
    /// `blossoms[b].label`, kept apart as a compact array for the hot validity checks.
    labels: Vec<Label>,
    free_slots: Vec<u32>,
    /// The top-level blossom of each vertex.
    top: Vec<u32>,
    /// Unlabelled top-level blossoms by least slack to an S-vertex: (priority, blossom, stamp).
    delta2: BinaryHeap<Reverse<(i64, u32, u64)>>,
    /// Edges between S-vertices of different blossoms by half their pseudo-slack.
    delta3: BinaryHeap<Reverse<(i64, u32)>>,
    /// The priority each edge is queued with in `delta3` (`i64::MIN`: not queued).
    delta3_queued: Vec<i64>,
    /// T-blossoms by modified dual: (dual, blossom, stamp).
    delta4: BinaryHeap<Reverse<(i64, u32, u64)>>,
    /// For each non-S vertex, its edges to S-vertices by pseudo-slack.
    s_edges: Vec<BinaryHeap<Reverse<(i64, u32)>>>,
    /// For each non-trivial blossom (id − n) while top-level and not S, its vertices by their
    /// least pseudo-slack to an S-vertex (lazily kept: see `blossom_min`).
    blossom_queues: Vec<BinaryHeap<Reverse<(i64, u32)>>>,
    /// Blossoms that joined each tree (by root vertex); may hold stale entries.
    trees: Vec<Vec<u32>>,
    scan_queue: Vec<u32>,
    next_stamp: u64,
    buffers: Vec<Vec<u32>>,
}

impl<'a> Solver<'a> {
    fn new(n: usize, edges: &'a [WeightedEdge]) -> Self {
        let mut adj_offsets = vec![0u32; n + 1];
        for e in edges {
            adj_offsets[e.u as usize + 1] += 1;
            adj_offsets[e.v as usize + 1] += 1;
        }
        for i in 0..n {
            adj_offsets[i + 1] += adj_offsets[i];
        }
        let mut fill = adj_offsets.clone();
        let mut adj = vec![0u32; 2 * edges.len()];
        for (i, e) in edges.iter().enumerate() {
            for v in [e.u, e.v] {
                adj[fill[v as usize] as usize] = i as u32;
                fill[v as usize] += 1;
            }
        }
        let start_dual2x = edges.iter().map(|e| e.weight).max().unwrap_or(0);
        Self {
            n,
            edges,
            adj_offsets,
            adj,
            mate: vec![NONE; n],
            dual2x: vec![start_dual2x; n],
            start_dual2x,
            delta_sum: 0,
            blossoms: (0..n as u32).map(Blossom::new).collect(),
            labels: vec![Label::Free; n],
            free_slots: Vec::new(),
            top: (0..n as u32).collect(),
            delta2: BinaryHeap::new(),
            delta3: BinaryHeap::new(),
            delta3_queued: vec![i64::MIN; edges.len()],
            delta4: BinaryHeap::new(),
            s_edges: vec![BinaryHeap::new(); n],
            blossom_queues: Vec::new(),
            trees: vec![Vec::new(); n],
            scan_queue: Vec::new(),
            next_stamp: 0,
            buffers: Vec::new(),
        }
    }

    // --- small helpers ---

    fn trivial(&self, b: u32) -> bool {
        (b as usize) < self.n
    }

    fn incident(&self, x: u32) -> std::ops::Range<usize> {
        self.adj_offsets[x as usize] as usize..self.adj_offsets[x as usize + 1] as usize
    }

    fn other(&self, e: u32, x: u32) -> u32 {
        let edge = &self.edges[e as usize];
        if edge.u == x { edge.v } else { edge.u }
    }

    /// Doubled slack with modified duals: invariant under dual steps while both ends keep
    /// their labels.
    fn pseudo_slack(&self, e: u32) -> i64 {
        let edge = &self.edges[e as usize];
        self.dual2x[edge.u as usize] + self.dual2x[edge.v as usize] - 2 * edge.weight
    }

    fn label_of_vertex(&self, x: u32) -> Label {
        let b = self.top[x as usize] as usize;
        debug_assert_eq!(self.labels[b], self.blossoms[b].label);
        self.labels[b]
    }

    fn new_stamp(&mut self) -> u64 {
        self.next_stamp += 1;
        self.next_stamp
    }

    fn take_buffer(&mut self) -> Vec<u32> {
        self.buffers.pop().unwrap_or_default()
    }

    fn give_buffer(&mut self, mut buffer: Vec<u32>) {
        buffer.clear();
        self.buffers.push(buffer);
    }

    /// The vertices of a blossom, in depth-first order of its sub-blossoms.
    fn vertices(&mut self, b: u32) -> Vec<u32> {
        let mut out = self.take_buffer();
        if self.trivial(b) {
            out.push(b);
            return out;
        }
        let mut stack = self.take_buffer();
        stack.push(b);
        while let Some(c) = stack.pop() {
            if self.trivial(c) {
                out.push(c);
            } else {
                // Reversed so that children come out in cycle order.
                stack.extend(self.blossoms[c as usize].children.iter().rev());
            }
        }
        self.give_buffer(stack);
        out
    }

    fn alloc_blossom(&mut self) -> u32 {
        match self.free_slots.pop() {
            Some(b) => b,
            None => {
                self.blossoms.push(Blossom::new(NONE));
                self.labels.push(Label::Free);
                self.blossom_queues.push(BinaryHeap::new());
                (self.blossoms.len() - 1) as u32
            }
        }
    }

    // --- delta 2: least slack from S-vertices to unlabelled blossoms ---

    /// The least valid (pseudo-slack, edge) from S-vertices to the non-S vertex `y`, dropping
    /// stale entries.
    fn vertex_min(&mut self, y: u32) -> Option<(i64, u32)> {
        loop {
            let Reverse((p, e)) = *self.s_edges[y as usize].peek()?;
            let x = self.other(e, y);
            if self.label_of_vertex(x) == Label::S && self.pseudo_slack(e) == p {
                return Some((p, e));
            }
            self.s_edges[y as usize].pop();
        }
    }

    /// The least (pseudo-slack, vertex) over a top-level non-S blossom's vertices: a trivial
    /// blossom's own queue, or the blossom's queue of its vertices' minima (entries are
    /// dropped when their vertex left the blossom, and renewed when its minimum rose).
    fn blossom_min(&mut self, b: u32) -> Option<(i64, u32)> {
        if self.trivial(b) {
            return self.vertex_min(b).map(|(p, _)| (p, b));
        }
        let slot = b as usize - self.n;
        loop {
            let Reverse((p, y)) = *self.blossom_queues[slot].peek()?;
            if self.top[y as usize] != b {
                self.blossom_queues[slot].pop();
                continue;
            }
            match self.vertex_min(y) {
                Some((q, _)) if q == p => return Some((p, y)),
                Some((q, _)) => {
                    self.blossom_queues[slot].pop();
                    self.blossom_queues[slot].push(Reverse((q, y)));
                }
                None => {
                    self.blossom_queues[slot].pop();
                }
            }
        }
    }

    /// Refills a non-trivial blossom's queue from its vertices (after it became top-level by
    /// an expansion). O(|B| log |B|).
    fn rebuild_blossom_queue(&mut self, b: u32) {
        if self.trivial(b) {
            return;
        }
        let slot = b as usize - self.n;
        self.blossom_queues[slot].clear();
        let vertices = self.vertices(b);
        for &y in &vertices {
            if let Some((p, _)) = self.vertex_min(y) {
                self.blossom_queues[slot].push(Reverse((p, y)));
            }
        }
        self.give_buffer(vertices);
    }

    /// Tracks edge `e` from an S-vertex to the non-S vertex `y`.
    fn delta2_add(&mut self, e: u32, y: u32) {
        let p = self.pseudo_slack(e);
        let current = self.vertex_min(y).map(|(q, _)| q);
        self.s_edges[y as usize].push(Reverse((p, e)));
        if current.is_some_and(|q| p >= q) {
            return;
        }
        let by = self.top[y as usize];
        if !self.trivial(by) {
            self.blossom_queues[by as usize - self.n].push(Reverse((p, y)));
        }
        let blossom = &self.blossoms[by as usize];
        if blossom.label == Label::Free {
            self.delta2.push(Reverse((p + blossom.offset, by, blossom.stamp)));
        }
    }

    /// Enters a (new) unlabelled top-level blossom into the delta-2 queue.
    fn delta2_enable(&mut self, b: u32) {
        if let Some((p, _)) = self.blossom_min(b) {
            let blossom = &self.blossoms[b as usize];
            self.delta2.push(Reverse((p + blossom.offset, b, blossom.stamp)));
        }
    }

    /// The least doubled slack of an S-to-unlabelled edge, and that edge.
    fn delta2_min(&mut self) -> Option<(i64, u32)> {
        loop {
            let Reverse((prio, b, stamp)) = *self.delta2.peek()?;
            let blossom = &self.blossoms[b as usize];
            if !blossom.alive
                || blossom.parent != NONE
                || blossom.label != Label::Free
                || blossom.stamp != stamp
            {
                self.delta2.pop();
                continue;
            }
            let offset = blossom.offset;
            let Some((p, x)) = self.blossom_min(b) else {
                self.delta2.pop();
                continue;
            };
            let actual = p + offset;
            if actual != prio {
                self.delta2.pop();
                self.delta2.push(Reverse((actual, b, stamp)));
                continue;
            }
            if let Some((_, e)) = self.vertex_min(x) {
                return Some((prio - self.delta_sum, e));
            }
            self.delta2.pop();
        }
    }

    // --- delta 3: least slack between S-blossoms ---

    fn delta3_add(&mut self, e: u32) {
        let half = self.pseudo_slack(e).div_euclid(2);
        // An edge between two S-vertices is found from both ends: queue it once.
        if self.delta3_queued[e as usize] != half {
            self.delta3_queued[e as usize] = half;
            self.delta3.push(Reverse((half, e)));
        }
    }

    /// Half the least doubled slack of an edge between different S-blossoms, and that edge.
    fn delta3_min(&mut self) -> Option<(i64, u32)> {
        loop {
            let Reverse((half, e)) = *self.delta3.peek()?;
            let edge = &self.edges[e as usize];
            let (bu, bv) = (self.top[edge.u as usize], self.top[edge.v as usize]);
            if bu != bv
                && self.labels[bu as usize] == Label::S
                && self.labels[bv as usize] == Label::S
                && self.pseudo_slack(e).div_euclid(2) == half
            {
                return Some((half - self.delta_sum, e));
            }
            self.delta3.pop();
            if self.delta3_queued[e as usize] == half {
                self.delta3_queued[e as usize] = i64::MIN;
            }
        }
    }

    // --- delta 4: T-blossoms whose dual reaches 0 ---

    fn delta4_min(&mut self) -> Option<(i64, u32)> {
        loop {
            let Reverse((_, b, stamp)) = *self.delta4.peek()?;
            let blossom = &self.blossoms[b as usize];
            if blossom.alive
                && blossom.parent == NONE
                && blossom.label == Label::T
                && blossom.stamp == stamp
            {
                return Some((blossom.dual - self.delta_sum, b));
            }
            self.delta4.pop();
        }
    }

    // --- labels ---

    /// Gives top-level blossom `b` a new label and a fresh stamp; returns the running dual
    /// change (`delta_sum`) and whether `b` is a single vertex, which every relabelling needs.
    fn relabel(&mut self, b: u32, label: Label) -> (i64, bool) {
        let delta = self.delta_sum;
        let stamp = self.new_stamp();
        let trivial = self.trivial(b);
        let blossom = &mut self.blossoms[b as usize];
        blossom.label = label;
        blossom.stamp = stamp;
        self.labels[b as usize] = label;
        (delta, trivial)
    }

    fn assign_s(&mut self, b: u32) {
        let (delta, trivial) = self.relabel(b, Label::S);
        let blossom = &mut self.blossoms[b as usize];
        if !trivial {
            blossom.dual -= delta;
        }
        let fix = delta + blossom.offset;
        blossom.offset = 0;
        if !trivial {
            // S-vertices do not track edges to S-vertices.
            self.blossom_queues[b as usize - self.n].clear();
        }
        let vertices = self.vertices(b);
        for &x in &vertices {
            self.dual2x[x as usize] += fix;
            self.s_edges[x as usize].clear();
            self.scan_queue.push(x);
        }
        self.give_buffer(vertices);
    }

    fn assign_t(&mut self, b: u32) {
        let (delta, trivial) = self.relabel(b, Label::T);
        let blossom = &mut self.blossoms[b as usize];
        if !trivial {
            blossom.dual += delta;
            self.delta4.push(Reverse((blossom.dual, b, blossom.stamp)));
        }
        blossom.offset -= delta;
    }

    /// A top-level S-blossom loses its label (its tree is dissolved).
    fn remove_s(&mut self, b: u32) {
        let (delta, trivial) = self.relabel(b, Label::Free);
        let blossom = &mut self.blossoms[b as usize];
        if !trivial {
            blossom.dual += delta;
        }
        let vertices = self.vertices(b);
        for &x in &vertices {
            self.dual2x[x as usize] -= delta;
        }
        for &x in &vertices {
            for i in self.incident(x) {
                let e = self.adj[i];
                let y = self.other(e, x);
                let by = self.top[y as usize];
                if by != b && self.labels[by as usize] == Label::S {
                    self.delta2_add(e, x);
                }
            }
        }
        self.give_buffer(vertices);
    }

    /// A top-level T-blossom loses its label.
    fn remove_t(&mut self, b: u32, enable_delta2: bool) {
        let (delta, trivial) = self.relabel(b, Label::Free);
        let blossom = &mut self.blossoms[b as usize];
        if !trivial {
            blossom.dual -= delta;
        }
        blossom.offset += delta;
        if enable_delta2 {
            self.delta2_enable(b);
        }
    }

    /// A top-level S-blossom becomes a sub-blossom of a new blossom.
    fn s_to_sub(&mut self, b: u32) {
        let (delta, trivial) = self.relabel(b, Label::Free);
        let blossom = &mut self.blossoms[b as usize];
        if !trivial {
            blossom.dual += delta;
        }
    }

    fn join_tree(&mut self, b: u32, tree: u32, tree_edge: (u32, u32)) {
        let blossom = &mut self.blossoms[b as usize];
        blossom.tree = tree;
        blossom.tree_edge = tree_edge;
        if (tree as usize) < self.trees.len() {
            self.trees[tree as usize].push(b);
        }
    }

    fn remove_tree(&mut self, tree: u32) {
        let Some(list) = self.trees.get_mut(tree as usize).map(std::mem::take) else {
            return;
        };
        for &b in &list {
            let blossom = &self.blossoms[b as usize];
            if !blossom.alive
                || blossom.parent != NONE
                || blossom.label == Label::Free
                || blossom.tree != tree
            {
                continue;
            }
            match blossom.label {
                Label::S => self.remove_s(b),
                Label::T => self.remove_t(b, true),
                Label::Free => {}
            }
            let blossom = &mut self.blossoms[b as usize];
            blossom.tree = NONE;
            blossom.tree_edge = (NONE, NONE);
        }
    }

    // --- growing trees ---

    /// The unlabelled blossom holding `x` becomes S, attached through `x`'s matched edge to
    /// the T-vertex `mate[x]`.
    fn extend_t_to_s(&mut self, x: u32) -> Result<(), Internal> {
        let bx = self.top[x as usize];
        let y = self.mate[x as usize];
        if y == NONE {
            return Err(internal("a vertex labelled S through its mate has no mate"));
        }
        self.assign_s(bx);
        let tree = self.blossoms[self.top[y as usize] as usize].tree;
        self.join_tree(bx, tree, (y, x));
        Ok(())
    }

    /// Grows the tree of S-vertex `x` by the blossom of `y` (made T) over the tight edge
    /// (x, y), and the blossom matched to its base (made S).
    fn extend_s_to_t(&mut self, x: u32, y: u32) -> Result<(), Internal> {
        let tree = self.blossoms[self.top[x as usize] as usize].tree;
        let mut by = self.top[y as usize];
        // A blossom with dual 0 would be expanded at once as a T-blossom: expand it now.
        while !self.trivial(by) && self.blossoms[by as usize].dual == 0 {
            self.expand_free(by);
            by = self.top[y as usize];
        }
        self.assign_t(by);
        self.join_tree(by, tree, (x, y));
        let z = self.mate[self.blossoms[by as usize].base as usize];
        if z == NONE {
            return Err(internal("an unlabelled blossom has an unmatched base"));
        }
        self.extend_t_to_s(z)
    }

    /// Traces from the two ends of a tight S-S edge back to their roots. Returns the path as
    /// a list of edges between top-level blossoms, and whether the two traces met (an odd
    /// cycle: a new blossom) rather than ending at two roots (an augmenting path).
    fn trace(&mut self, x0: u32, y0: u32) -> Result<(Vec<(u32, u32)>, bool), Internal> {
        let mut marked: Vec<u32> = Vec::new();
        let mut x_edges = vec![(x0, y0)];
        let mut y_edges = vec![(y0, x0)];
        let mut common = NONE;
        let (mut x, mut y) = (x0, y0);
        loop {
            let bx = self.top[x as usize];
            if self.blossoms[bx as usize].marked {
                common = bx;
                break;
            }
            self.blossoms[bx as usize].marked = true;
            marked.push(bx);
            let tree_edge = self.blossoms[bx as usize].tree_edge;
            x = if tree_edge.0 == NONE {
                NONE
            } else {
                x_edges.push(tree_edge);
                tree_edge.0
            };
            if y != NONE {
                std::mem::swap(&mut x, &mut y);
                std::mem::swap(&mut x_edges, &mut y_edges);
            }
            if x == NONE {
                break;
            }
        }
        for b in marked {
            self.blossoms[b as usize].marked = false;
        }
        if common != NONE {
            loop {
                match y_edges.last() {
                    Some(&(p, _)) if self.top[p as usize] == common => break,
                    Some(_) => {
                        y_edges.pop();
                    }
                    None => return Err(internal("a blossom trace lost its common ancestor")),
                }
            }
        }
        let mut path: Vec<(u32, u32)> = x_edges.into_iter().rev().collect();
        path.extend(y_edges.into_iter().skip(1).map(|(a, b)| (b, a)));
        if path.len().is_multiple_of(2) {
            return Err(internal("an alternating path between S-vertices has even length"));
        }
        Ok((path, common != NONE))
    }

    /// Makes a new S-blossom from an odd alternating cycle of top-level blossoms.
    fn make_blossom(&mut self, path: Vec<(u32, u32)>) -> Result<(), Internal> {
        if path.len() < 3 {
            return Err(internal("a blossom cycle shorter than 3"));
        }
        let subs: Vec<u32> = path.iter().map(|&(x, _)| self.top[x as usize]).collect();
        if self.blossoms[subs[0] as usize].label != Label::S {
            return Err(internal("a blossom whose base sub-blossom is not S"));
        }
        for &sub in &subs {
            if self.blossoms[sub as usize].label == Label::T {
                self.remove_t(sub, false);
                self.assign_s(sub);
            }
            self.s_to_sub(sub);
        }
        let b = self.alloc_blossom();
        self.blossom_queues[b as usize - self.n].clear();
        let stamp = self.new_stamp();
        let first = &self.blossoms[subs[0] as usize];
        let (tree, tree_edge, base) = (first.tree, first.tree_edge, first.base);
        self.blossoms[b as usize] = Blossom {
            parent: NONE,
            base,
            label: Label::S,
            tree_edge: (NONE, NONE),
            tree: NONE,
            dual: -self.delta_sum,
            offset: 0,
            children: subs.clone(),
            cycle: path,
            stamp,
            marked: false,
            alive: true,
        };
        self.labels[b as usize] = Label::S;
        self.join_tree(b, tree, tree_edge);
        for &sub in &subs {
            let s = &mut self.blossoms[sub as usize];
            s.parent = b;
            s.tree = NONE;
            s.tree_edge = (NONE, NONE);
        }
        let vertices = self.vertices(b);
        for &x in &vertices {
            self.top[x as usize] = b;
        }
        self.give_buffer(vertices);
        Ok(())
    }

    /// Expands an unlabelled top-level blossom into its sub-blossoms (now top-level and
    /// unlabelled) and frees it; returns its children and cycle edges.
    fn expand_free(&mut self, b: u32) -> (Vec<u32>, Vec<(u32, u32)>) {
        let stamp = self.new_stamp();
        let blossom = &mut self.blossoms[b as usize];
        let children = std::mem::take(&mut blossom.children);
        let cycle = std::mem::take(&mut blossom.cycle);
        let offset = blossom.offset;
        *blossom = Blossom::new(NONE);
        blossom.alive = false;
        blossom.stamp = stamp;
        self.labels[b as usize] = Label::Free;
        self.blossom_queues[b as usize - self.n].clear();
        self.free_slots.push(b);
        for &sub in &children {
            let stamp = self.new_stamp();
            let s = &mut self.blossoms[sub as usize];
            s.parent = NONE;
            s.offset = offset;
            s.label = Label::Free;
            s.stamp = stamp;
            self.labels[sub as usize] = Label::Free;
            let vertices = self.vertices(sub);
            for &x in &vertices {
                self.top[x as usize] = sub;
            }
            self.give_buffer(vertices);
        }
        for &sub in &children {
            self.rebuild_blossom_queue(sub);
            self.delta2_enable(sub);
        }
        (children, cycle)
    }

    /// Expands a T-blossom whose dual reached 0, relabelling the sub-blossoms on the even
    /// path from the one attached to the tree to the base.
    fn expand_t(&mut self, b: u32) -> Result<(), Internal> {
        let tree = self.blossoms[b as usize].tree;
        let (x, y) = self.blossoms[b as usize].tree_edge;
        if y == NONE {
            return Err(internal("a T-blossom without a tree edge"));
        }
        self.remove_t(b, false);
        let (children, cycle) = self.expand_free(b);
        let entry = self.top[y as usize];
        self.assign_t(entry);
        self.join_tree(entry, tree, (x, y));
        let (nodes, path) = path_through(&children, &cycle, entry)?;
        let mut p = 0;
        while p + 1 < path.len() {
            let (_, s_vertex) = path[p];
            self.extend_t_to_s(s_vertex)?;
            let t_blossom = nodes[p + 2];
            self.assign_t(t_blossom);
            self.join_tree(t_blossom, tree, path[p + 1]);
            p += 2;
        }
        Ok(())
    }

    // --- augmenting ---

    fn augment(&mut self, path: &[(u32, u32)]) -> Result<(), Internal> {
        for &(x, y) in path.iter().step_by(2) {
            let bx = self.top[x as usize];
            if !self.trivial(bx) {
                self.augment_blossom(bx, x)?;
            }
            let by = self.top[y as usize];
            if !self.trivial(by) {
                self.augment_blossom(by, y)?;
            }
            self.mate[x as usize] = y;
            self.mate[y as usize] = x;
        }
        Ok(())
    }

    /// Augments through blossom `outer` from vertex `x` to its base, recursively through the
    /// sub-blossoms on the way (explicit stack: nesting can be deep).
    fn augment_blossom(&mut self, outer: u32, x: u32) -> Result<(), Internal> {
        let mut stack = vec![(outer, x)];
        while let Some((out, sub)) = stack.pop() {
            let b = self.blossoms[sub as usize].parent;
            if b == NONE {
                return Err(internal("augmenting through a blossom lost its parent"));
            }
            if b != out {
                stack.push((out, b));
            }
            let children = std::mem::take(&mut self.blossoms[b as usize].children);
            let cycle = std::mem::take(&mut self.blossoms[b as usize].cycle);
            let result = path_through(&children, &cycle, sub);
            let (nodes, path) = match result {
                Ok(found) => found,
                Err(e) => {
                    self.blossoms[b as usize].children = children;
                    self.blossoms[b as usize].cycle = cycle;
                    return Err(e);
                }
            };
            let mut i = 0;
            while i + 1 < path.len() {
                let (u, v) = path[i + 1];
                self.mate[u as usize] = v;
                self.mate[v as usize] = u;
                if !self.trivial(nodes[i + 1]) {
                    stack.push((nodes[i + 1], u));
                }
                if !self.trivial(nodes[i + 2]) {
                    stack.push((nodes[i + 2], v));
                }
                i += 2;
            }
            let mut children = children;
            let mut cycle = cycle;
            let position = children.iter().position(|&c| c == sub).unwrap_or(0);
            children.rotate_left(position);
            cycle.rotate_left(position);
            let base = self.blossoms[sub as usize].base;
            let blossom = &mut self.blossoms[b as usize];
            blossom.children = children;
            blossom.cycle = cycle;
            blossom.base = base;
        }
        Ok(())
    }

    fn add_s_to_s(&mut self, x: u32, y: u32) -> Result<(), Internal> {
        let tx = self.blossoms[self.top[x as usize] as usize].tree;
        let ty = self.blossoms[self.top[y as usize] as usize].tree;
        let (path, cycle) = self.trace(x, y)?;
        if cycle != (tx == ty) {
            return Err(internal("a trace disagrees with the tree membership"));
        }
        if cycle {
            self.make_blossom(path)
        } else {
            self.remove_tree(tx);
            self.remove_tree(ty);
            self.augment(&path)
        }
    }

    fn scan(&mut self) {
        let queue = std::mem::take(&mut self.scan_queue);
        for &x in &queue {
            let bx = self.top[x as usize];
            if self.labels[bx as usize] != Label::S {
                continue;
            }
            for i in self.incident(x) {
                let e = self.adj[i];
                let y = self.other(e, x);
                let by = self.top[y as usize];
                if by == bx {
                    continue;
                }
                if self.labels[by as usize] == Label::S {
                    self.delta3_add(e);
                } else {
                    self.delta2_add(e, y);
                }
            }
        }
        let mut queue = queue;
        queue.clear();
        if self.scan_queue.is_empty() {
            self.scan_queue = queue;
        }
    }

    fn run(&mut self) -> Result<(), Internal> {
        for x in 0..self.n as u32 {
            self.assign_s(x);
            self.join_tree(x, x, (NONE, NONE));
        }
        // Every step grows a tree, forms or expands a blossom or augments; the proven bound is
        // O(n) steps per augmentation. The cap only turns a bug into an error, not a hang.
        let cap = 64 + 16 * (self.n as u64 + 1) * (self.n as u64 + 1);
        for _ in 0..cap {
            self.scan();
            let mut kind = 1;
            let mut delta = self.start_dual2x - self.delta_sum;
            let mut edge = NONE;
            let mut blossom = NONE;
            if let Some((slack, e)) = self.delta2_min()
                && slack <= delta
            {
                (kind, delta, edge) = (2, slack, e);
            }
            if let Some((slack, e)) = self.delta3_min()
                && slack <= delta
            {
                (kind, delta, edge) = (3, slack, e);
            }
            if let Some((dual, b)) = self.delta4_min()
                && dual <= delta
            {
                (kind, delta, blossom) = (4, dual, b);
            }
            if delta < 0 {
                return Err(internal("a negative dual step"));
            }
            self.delta_sum += delta;
            match kind {
                2 => {
                    let e = self.edges[edge as usize];
                    let (x, y) =
                        if self.label_of_vertex(e.u) == Label::S { (e.u, e.v) } else { (e.v, e.u) };
                    self.extend_s_to_t(x, y)?;
                }
                3 => {
                    let e = self.edges[edge as usize];
                    self.add_s_to_s(e.u, e.v)?;
                }
                4 => self.expand_t(blossom)?,
                _ => return Ok(()),
            }
        }
        Err(internal("the blossom algorithm did not finish"))
    }

    /// The final duals, with every lazy update applied.
    fn certificate(&self) -> Certificate {
        let delta = self.delta_sum;
        let vertex_dual2x = (0..self.n)
            .map(|x| {
                let b = &self.blossoms[self.top[x] as usize];
                match b.label {
                    Label::S => self.dual2x[x] - delta,
                    Label::T => self.dual2x[x] + delta + b.offset,
                    Label::Free => self.dual2x[x] + b.offset,
                }
            })
            .collect();
        let mut blossoms = Vec::new();
        for (id, b) in self.blossoms.iter().enumerate().skip(self.n) {
            if !b.alive {
                continue;
            }
            let dual = if b.parent != NONE {
                b.dual
            } else {
                match b.label {
                    Label::S => b.dual + delta,
                    Label::T => b.dual - delta,
                    Label::Free => b.dual,
                }
            };
            blossoms.push(CertificateBlossom {
                id: id as u32,
                parent: b.parent,
                children: b.children.clone(),
                dual,
            });
        }
        Certificate { vertex_dual2x, blossoms }
    }
}

/// A path through a blossom: the sub-blossoms passed and the edges between them.
type BlossomPath = (Vec<u32>, Vec<(u32, u32)>);

/// The even-length path around a blossom's cycle from sub-blossom `sub` to the base (the
/// first child): the sub-blossoms passed and the edges, each oriented along the path.
fn path_through(children: &[u32], cycle: &[(u32, u32)], sub: u32) -> Result<BlossomPath, Internal> {
    let p = children
        .iter()
        .position(|&c| c == sub)
        .ok_or_else(|| internal("a sub-blossom is not in its parent's cycle"))?;
    if p % 2 == 0 {
        // Backwards: children p, p-1, ..., 0 over the reversed edges.
        let nodes = children[..=p].iter().rev().copied().collect();
        let edges = cycle[..p].iter().rev().map(|&(a, b)| (b, a)).collect();
        Ok((nodes, edges))
    } else {
        // Forwards: children p, ..., k-1, then 0.
        let mut nodes: Vec<u32> = children[p..].to_vec();
        nodes.push(children[0]);
        Ok((nodes, cycle[p..].to_vec()))
    }
}

// ---------------------------------------------------------------------------------------------
// The optimality certificate.

/// One non-trivial blossom of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateBlossom {
    /// Its id (ids below n are the vertices, as trivial blossoms).
    pub id: u32,
    /// The enclosing blossom's id, or `u32::MAX` for a top-level one.
    pub parent: u32,
    /// Its sub-blossoms (vertex ids or blossom ids).
    pub children: Vec<u32>,
    /// Its dual z_B (in weight units).
    pub dual: i64,
}

/// A dual solution of the matching linear program: doubled vertex duals 2·y_v and the
/// laminar family of blossoms with their duals z_B.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// 2·y_v per vertex.
    pub vertex_dual2x: Vec<i64>,
    /// The non-trivial blossoms.
    pub blossoms: Vec<CertificateBlossom>,
}

/// Checks that `mate` is a matching of maximum weight, certified by the dual solution: the
/// complementary-slackness conditions of the matching LP (Edmonds 1965) and equal primal and
/// dual objectives. O(n·d + m·d) for blossom nesting depth d. Returns what failed.
pub fn verify(
    n: usize,
    edges: &[WeightedEdge],
    mate: &[u32],
    certificate: &Certificate,
) -> Result<(), String> {
    if mate.len() != n || certificate.vertex_dual2x.len() != n {
        return Err("sizes differ".to_owned());
    }
    // Matching: symmetric, and every matched pair is an edge.
    let mut matched_vertices = 0usize;
    for (x, &m) in mate.iter().enumerate() {
        if m != NONE {
            if m as usize >= n || mate[m as usize] != x as u32 {
                return Err(format!("vertex {x} is matched asymmetrically"));
            }
            matched_vertices += 1;
        }
    }
    let matched_edges = edges.iter().filter(|e| mate[e.u as usize] == e.v).count();
    if matched_vertices != 2 * matched_edges {
        return Err("a matched pair is not an edge".to_owned());
    }
    // Blossom forest over ids 0..n (vertices) and the blossom ids.
    let max_id = certificate.blossoms.iter().map(|b| b.id as usize + 1).max().unwrap_or(n).max(n);
    let mut parent = vec![NONE; max_id];
    let mut dual = vec![0i64; max_id];
    let mut is_blossom = vec![false; max_id];
    for b in &certificate.blossoms {
        let id = b.id as usize;
        if id < n || is_blossom[id] {
            return Err(format!("blossom id {id} is not unique"));
        }
        is_blossom[id] = true;
        dual[id] = b.dual;
        if b.dual < 0 {
            return Err(format!("blossom {id} has negative dual {}", b.dual));
        }
    }
    for b in &certificate.blossoms {
        for &c in &b.children {
            let c = c as usize;
            if c >= max_id || (c >= n && !is_blossom[c]) || parent[c] != NONE {
                return Err(format!("blossom {} has a bad child {c}", b.id));
            }
            parent[c] = b.id;
        }
        if b.parent != NONE && (b.parent as usize >= max_id || !is_blossom[b.parent as usize]) {
            return Err(format!("blossom {} has a bad parent", b.id));
        }
    }
    for b in &certificate.blossoms {
        if parent[b.id as usize] != b.parent {
            return Err(format!("blossom {} disagrees with its parent's children", b.id));
        }
    }
    // Depth and sum of duals from the top, by walking up (memoised).
    let mut depth = vec![u32::MAX; max_id];
    let mut cum = vec![0i64; max_id];
    for start in 0..max_id {
        if depth[start] != u32::MAX || (start >= n && !is_blossom[start]) {
            continue;
        }
        let mut chain = vec![start];
        let mut x = start;
        while parent[x] != NONE && depth[parent[x] as usize] == u32::MAX {
            x = parent[x] as usize;
            if chain.len() > max_id {
                return Err("the blossom forest has a cycle".to_owned());
            }
            chain.push(x);
        }
        for &c in chain.iter().rev() {
            let p = parent[c];
            if p == NONE {
                depth[c] = 0;
                cum[c] = dual[c];
            } else {
                depth[c] = depth[p as usize] + 1;
                cum[c] = dual[c] + cum[p as usize];
            }
        }
    }
    let lca = |mut a: usize, mut b: usize| -> Option<usize> {
        while depth[a] > depth[b] {
            a = parent[a] as usize;
        }
        while depth[b] > depth[a] {
            b = parent[b] as usize;
        }
        while a != b {
            if parent[a] == NONE || parent[b] == NONE {
                return None;
            }
            a = parent[a] as usize;
            b = parent[b] as usize;
        }
        Some(a)
    };
    // Vertex duals non-negative; unmatched vertices at 0.
    for (x, &y) in certificate.vertex_dual2x.iter().enumerate() {
        if y < 0 {
            return Err(format!("vertex {x} has negative dual"));
        }
        if mate[x] == NONE && y != 0 {
            return Err(format!("unmatched vertex {x} has dual {}", y as f64 / 2.0));
        }
    }
    // Reduced costs, and matched edges inside each blossom.
    let mut inside = vec![0i64; max_id];
    let mut size = vec![0i64; max_id];
    for x in 0..n {
        let mut b = x;
        loop {
            size[b] += 1;
            if parent[b] == NONE {
                break;
            }
            b = parent[b] as usize;
        }
    }
    for e in edges {
        let (u, v) = (e.u as usize, e.v as usize);
        let common = lca(u, v);
        let z = common.map_or(0, |c| cum[c]);
        let slack2x =
            certificate.vertex_dual2x[u] + certificate.vertex_dual2x[v] - 2 * e.weight + 2 * z;
        if slack2x < 0 {
            return Err(format!("edge ({u}, {v}) has negative reduced cost"));
        }
        if mate[u] == e.v {
            if slack2x != 0 {
                return Err(format!("matched edge ({u}, {v}) is not tight"));
            }
            if let Some(mut c) = common {
                loop {
                    inside[c] += 1;
                    if parent[c] == NONE {
                        break;
                    }
                    c = parent[c] as usize;
                }
            }
        }
    }
    // Blossoms with positive dual are full; the dual objective equals the primal one.
    let mut dual_objective2x: i128 = certificate.vertex_dual2x.iter().map(|&y| i128::from(y)).sum();
    for b in &certificate.blossoms {
        let id = b.id as usize;
        if b.dual > 0 && size[id] != 2 * inside[id] + 1 {
            return Err(format!("blossom {id} has positive dual but is not full"));
        }
        dual_objective2x += 2 * i128::from(b.dual) * i128::from(size[id] / 2);
    }
    let weight: i128 =
        edges.iter().filter(|e| mate[e.u as usize] == e.v).map(|e| i128::from(e.weight)).sum();
    if dual_objective2x != 2 * weight {
        return Err(format!(
            "dual objective {} differs from the matching weight {weight}",
            dual_objective2x as f64 / 2.0
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
