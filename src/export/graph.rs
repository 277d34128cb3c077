//! `graph --format json`: the partner graph's nodes and edges (the DOT form is
//! `PartnerGraph::to_dot`). A contract with scripts: fields are added, never renamed.

use petgraph::visit::EdgeRef as _;
use serde::Serialize;

use crate::dataset::Dataset;
use crate::graph::{PartnerGraph, Relation};
use crate::model::Enumeration as _;

/// A node: a body.
#[derive(Serialize)]
struct Node<'a> {
    id: &'a str,
    name: &'a str,
}

/// An edge: two bodies, the relation's name and, for a partnership, its services.
#[derive(Serialize)]
struct Edge<'a> {
    a: &'a str,
    b: &'a str,
    relation: &'static str,
    services: Vec<&'static str>,
}

/// The JSON document of `graph`: every body, and the edges `keep` accepts in the graph's edge
/// order.
#[derive(Serialize)]
pub struct GraphDocument<'a> {
    nodes: Vec<Node<'a>>,
    edges: Vec<Edge<'a>>,
}

impl<'a> GraphDocument<'a> {
    /// The document of `graph` over `dataset`; `keep(relation, target)` chooses the edges.
    pub fn new(
        dataset: &'a Dataset,
        graph: &PartnerGraph,
        keep: impl Fn(&Relation, usize) -> bool,
    ) -> Self {
        let orgs = dataset.organisations();
        Self {
            nodes: orgs.iter().map(|o| Node { id: o.id.as_str(), name: &o.name }).collect(),
            edges: graph
                .inner()
                .edge_references()
                .filter(|e| keep(e.weight(), e.target().index()))
                .map(|e| Edge {
                    a: orgs[e.source().index()].id.as_str(),
                    b: orgs[e.target().index()].id.as_str(),
                    relation: e.weight().name_in(dataset, e.target().index()),
                    services: match e.weight() {
                        Relation::Partnership(s) => s.iter().map(|s| s.name()).collect(),
                        _ => Vec::new(),
                    },
                })
                .collect(),
        }
    }
}
