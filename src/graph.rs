//! The partner graph (petgraph): bodies are nodes, in dataset order; typed, undirected edges join
//! land neighbours, existing partners (with the services shared) and bodies to their parent
//! area. A relation listed on either side, or both, is one edge. The graph answers the
//! relational questions of scoring (a direct partnership, partners in common, adjacency,
//! containment) and exports as Graphviz DOT. No I/O.

use std::collections::HashMap;
use std::fmt::Write as _;

use petgraph::graph::{EdgeIndex, NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use rayon::prelude::*;

use crate::dataset::Dataset;
use crate::model::{Enumeration, ServiceSet};

/// Bodies whose references are resolved together before their edges are added.
const RESOLVE_BLOCK: usize = 1 << 14;

/// What an edge means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The two bodies share a land boundary.
    Neighbour,
    /// The two bodies have an existing partnership, sharing these services (empty: not known).
    Partnership(ServiceSet),
    /// The first endpoint's area lies within the second's (a district in its county).
    Parent,
    /// The first endpoint's area lies within the second's, which is not its parent: a council
    /// in its police force area, fire and rescue authority, health body or combined
    /// authority, or one such area within another (`Organisation::within`).
    Within,
}

impl Relation {
    /// The relation's name in exports.
    pub fn name(self) -> &'static str {
        match self {
            Relation::Neighbour => "neighbour",
            Relation::Partnership(_) => "partnership",
            Relation::Parent => "parent",
            Relation::Within => "within",
        }
    }

    /// The name of a `Within` edge by the kind of its larger area (the second endpoint):
    /// `police_force_area`, `fire_authority`, `health_body`, `combined_authority`, or
    /// `within` for any other area; other relations by `name`.
    pub fn name_in(self, dataset: &Dataset, container: usize) -> &'static str {
        use crate::model::Kind;
        match self {
            Relation::Within => match dataset.organisations().get(container).and_then(|o| o.kind) {
                Some(Kind::PoliceForce | Kind::PoliceAndCrimeCommissioner) => "police_force_area",
                Some(Kind::FireAndRescueAuthority) => "fire_authority",
                Some(Kind::IntegratedCareBoard | Kind::HealthBoard) => "health_body",
                Some(Kind::CombinedAuthority) => "combined_authority",
                _ => "within",
            },
            other => other.name(),
        }
    }
}

/// The partner graph. Node `i` is body `i` of the dataset.
#[derive(Debug, Clone)]
pub struct PartnerGraph {
    graph: UnGraph<(), Relation, u32>,
}

impl PartnerGraph {
    /// Builds the graph from a dataset. O(n + relations).
    pub fn build(dataset: &Dataset) -> Self {
        let n = dataset.len();
        let mut graph = UnGraph::with_capacity(n, n * 4);
        for _ in 0..n {
            graph.add_node(());
        }
        // (low, high, kind) → edge, so that a relation written on both sides is one edge.
        // foldhash: millions of small keys on a national dataset, where SipHash was a
        // noticeable part of loading.
        let mut seen: HashMap<(u32, u32, u8), EdgeIndex, foldhash::fast::RandomState> =
            HashMap::with_capacity_and_hasher(n * 2, Default::default());
        let mut add =
            |graph: &mut UnGraph<(), Relation, u32>, a: usize, b: usize, relation: Relation| {
                let kind = match relation {
                    Relation::Neighbour => 0,
                    Relation::Partnership(_) => 1,
                    Relation::Parent => 2,
                    // Two areas may each lie within the other (the same councils): one edge
                    // each way, so the key keeps the direction.
                    Relation::Within => 3 + u8::from(a > b),
                };
                let key = (a.min(b) as u32, a.max(b) as u32, kind);
                match (seen.get(&key), relation) {
                    (Some(&e), Relation::Partnership(services)) => {
                        if let Some(Relation::Partnership(known)) = graph.edge_weight_mut(e) {
                            *known = known.union(services);
                        }
                    }
                    (Some(_), _) => {}
                    (None, _) => {
                        let e = graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), relation);
                        seen.insert(key, e);
                    }
                }
            };
        // Resolving a reference's id is a hash look-up that needs no order: it runs in
        // parallel over a block of bodies at a time, and the edges are then added in body
        // order (neighbours, partners, parent), as a sequential pass adds them. Blocks keep
        // the resolved references small next to the dataset.
        for (block_no, block) in dataset.organisations().chunks(RESOLVE_BLOCK).enumerate() {
            let resolved: Vec<(usize, usize, Relation)> = block
                .par_iter()
                .enumerate()
                .flat_map_iter(|(i, o)| {
                    let a = block_no * RESOLVE_BLOCK + i;
                    let neighbours = o
                        .neighbours
                        .iter()
                        .filter_map(|n| dataset.index_of(n))
                        .map(move |b| (a, b, Relation::Neighbour));
                    let partners = o.partnerships.iter().flatten().filter_map(move |p| {
                        dataset
                            .index_of(&p.partner)
                            .map(|b| (a, b, Relation::Partnership(p.services)))
                    });
                    let parent = o
                        .parent
                        .as_ref()
                        .and_then(|p| dataset.index_of(p))
                        .map(|b| (a, b, Relation::Parent));
                    let within = o
                        .within
                        .iter()
                        .filter_map(|w| dataset.index_of(w))
                        .map(move |b| (a, b, Relation::Within));
                    neighbours.chain(partners).chain(parent).chain(within)
                })
                .collect();
            for (a, b, relation) in resolved {
                add(&mut graph, a, b, relation);
            }
        }
        Self { graph }
    }

    /// The petgraph graph.
    pub fn inner(&self) -> &UnGraph<(), Relation, u32> {
        &self.graph
    }

    /// The bodies related to `a` by one kind of relation, sorted and without repeats.
    pub fn related(&self, a: usize, kind: fn(&Relation) -> bool) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .graph
            .edges(NodeIndex::new(a))
            .filter(|e| kind(e.weight()))
            .map(|e| e.target().index())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// `a`'s land neighbours, sorted.
    pub fn neighbours(&self, a: usize) -> Vec<usize> {
        self.related(a, |r| *r == Relation::Neighbour)
    }

    /// `a`'s partners, sorted.
    pub fn partners(&self, a: usize) -> Vec<usize> {
        self.related(a, |r| matches!(r, Relation::Partnership(_)))
    }

    /// The services `a` and `b` share in an existing partnership, if they have one.
    pub fn partnership(&self, a: usize, b: usize) -> Option<ServiceSet> {
        self.graph.edges_connecting(NodeIndex::new(a), NodeIndex::new(b)).find_map(|e| {
            match e.weight() {
                Relation::Partnership(s) => Some(*s),
                _ => None,
            }
        })
    }

    /// The parent of `a` (the body whose area contains it), if any.
    pub fn parent(&self, a: usize) -> Option<usize> {
        // An undirected graph reports every edge of `a` with `a` as its source; the endpoints
        // as inserted (child first) say which way a parent link goes.
        self.graph
            .edges(NodeIndex::new(a))
            .filter(|e| *e.weight() == Relation::Parent)
            .filter_map(|e| self.graph.edge_endpoints(e.id()))
            .find(|(child, _)| child.index() == a)
            .map(|(_, parent)| parent.index())
    }

    /// `a`'s neighbours, partners (both sorted) and parent, as `neighbours`, `partners` and
    /// `parent` give them, from one walk of `a`'s edges instead of three: compiling the index
    /// asks this of every body, and each walk follows edges scattered over the graph.
    pub fn relations(&self, a: usize) -> Relations {
        let mut relations = Relations::default();
        for e in self.graph.edges(NodeIndex::new(a)) {
            match e.weight() {
                Relation::Neighbour => relations.neighbours.push(e.target().index() as u32),
                Relation::Partnership(_) => relations.partners.push(e.target().index() as u32),
                Relation::Parent => {
                    // The first parent link with `a` as the child, as `parent` finds it.
                    if relations.parent.is_none()
                        && let Some((child, parent)) = self.graph.edge_endpoints(e.id())
                        && child.index() == a
                    {
                        relations.parent = Some(parent.index());
                    }
                }
                Relation::Within => {
                    if let Some((member, area)) = self.graph.edge_endpoints(e.id()) {
                        if member.index() == a {
                            relations.within.push(area.index() as u32);
                        } else {
                            relations.members.push(member.index() as u32);
                        }
                    }
                }
            }
        }
        for list in [
            &mut relations.neighbours,
            &mut relations.partners,
            &mut relations.within,
            &mut relations.members,
        ] {
            list.sort_unstable();
            list.dedup();
        }
        relations
    }

    /// The number of edges of each kind: (neighbour, partnership, parent, within).
    pub fn edge_counts(&self) -> (usize, usize, usize, usize) {
        let mut counts = (0, 0, 0, 0);
        for e in self.graph.edge_weights() {
            match e {
                Relation::Neighbour => counts.0 += 1,
                Relation::Partnership(_) => counts.1 += 1,
                Relation::Parent => counts.2 += 1,
                Relation::Within => counts.3 += 1,
            }
        }
        counts
    }

    /// The graph in Graphviz DOT: nodes labelled with the bodies' short names and ids, edges
    /// styled by relation (neighbours grey, partnerships bold blue with their services, parent
    /// links dashed, pointing from the body to its parent). `keep` selects relations.
    pub fn to_dot(&self, dataset: &Dataset, keep: &dyn Fn(&Relation, usize) -> bool) -> String {
        let mut out =
            String::from("graph partners {\n    node [shape=box, fontname=\"Helvetica\"];\n");
        for (i, o) in dataset.organisations().iter().enumerate() {
            let kind = o.kind.map_or("", |k| k.label());
            let label = format!("{}\n{} ({})", o.display_name(), kind, o.id);
            let _ = writeln!(out, "    {i} [label={}];", dot_string(&label));
        }
        for e in self.graph.edge_references().filter(|e| keep(e.weight(), e.target().index())) {
            let (a, b) = (e.source().index(), e.target().index());
            let style = match e.weight() {
                Relation::Neighbour => "color=grey".to_owned(),
                Relation::Partnership(services) => {
                    let names: Vec<&str> = services.iter().map(|s| s.name()).collect();
                    format!("color=blue, penwidth=2, label={}", dot_string(&names.join(", ")))
                }
                Relation::Parent => "style=dashed, dir=forward".to_owned(),
                Relation::Within => "style=dotted, dir=forward".to_owned(),
            };
            let _ = writeln!(
                out,
                "    {a} -- {b} [{style}, relation={}];",
                dot_string(e.weight().name_in(dataset, b))
            );
        }
        out.push_str("}\n");
        out
    }
}

/// One body's relations in the graph (`PartnerGraph::relations`), as indices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relations {
    /// Land neighbours, sorted, each once.
    pub neighbours: Vec<u32>,
    /// Partners, sorted, each once.
    pub partners: Vec<u32>,
    /// The parent, if any.
    pub parent: Option<usize>,
    /// The other areas the body lies within (`Relation::Within`), sorted, each once.
    pub within: Vec<u32>,
    /// The bodies that lie within this one by `Relation::Within`, sorted, each once.
    pub members: Vec<u32>,
}

/// A DOT quoted string: backslashes, quotes and newlines escaped.
fn dot_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Service;

    fn fixture() -> Dataset {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/good");
        Dataset::load(&path).unwrap()
    }

    #[test]
    fn relations_are_symmetric_and_merged() {
        let d = fixture();
        let g = PartnerGraph::build(&d);
        let idx = |id: &str| d.index_of(&crate::model::OrganisationId::new(id).unwrap()).unwrap();
        let (evd, wvd, smd, ncc) = (idx("T-EVD"), idx("T-WVD"), idx("T-SMD"), idx("T-NCC"));
        // Eastvale lists Westvale and Southmoor; Westvale lists Eastvale back: two edges, not three.
        assert_eq!(g.neighbours(evd), {
            let mut v = vec![wvd, smd];
            v.sort();
            v
        });
        assert_eq!(g.neighbours(wvd), vec![evd]);
        assert_eq!(g.neighbours(smd), vec![evd]);
        let services = g.partnership(wvd, evd).unwrap();
        assert!(services.contains(Service::RevenuesAndBenefits));
        assert_eq!(g.parent(evd), Some(ncc));
        assert_eq!(g.parent(ncc), None);
        let (n, p, c, w) = g.edge_counts();
        assert_eq!((n, p, c, w), (2, 2, 3, 0));
    }

    #[test]
    fn relations_equal_the_separate_walks() {
        let d = fixture();
        let g = PartnerGraph::build(&d);
        let as_u32 = |v: Vec<usize>| v.into_iter().map(|j| j as u32).collect::<Vec<u32>>();
        for a in 0..d.len() {
            let expected = Relations {
                neighbours: as_u32(g.neighbours(a)),
                partners: as_u32(g.partners(a)),
                parent: g.parent(a),
                within: g.relations(a).within,
                members: g.relations(a).members,
            };
            assert_eq!(g.relations(a), expected, "body {a}");
        }
    }

    #[test]
    fn dot_output_escapes_and_styles() {
        let d = fixture();
        let dot = PartnerGraph::build(&d).to_dot(&d, &|_, _| true);
        assert!(dot.starts_with("graph partners {"));
        assert!(dot.contains("label=\"Eastvale\\ndistrict council (T-EVD)\""));
        assert!(dot.contains("relation=\"partnership\""));
        assert_eq!(dot_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
