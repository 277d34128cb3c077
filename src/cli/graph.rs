//! `partnermatch graph`: the partner graph (land neighbours, partnerships, parent areas, and
//! the police, fire, health and combined-authority areas bodies lie within) as Graphviz DOT or
//! JSON.

use std::io::Write;

use partnermatch::export::graph::GraphDocument;
use partnermatch::graph::{PartnerGraph, Relation};

use super::{GlobalArgs, output};

/// The output formats of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (render with `dot -Tsvg`).
    Dot,
    /// JSON: nodes and edges.
    Json,
}

/// Relations to include.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RelationArg {
    /// Land neighbours.
    Neighbour,
    /// Existing partnerships.
    Partnership,
    /// Parent areas (a district in its county).
    Parent,
    /// The police force area a body lies within.
    PoliceForceArea,
    /// The fire and rescue authority a body lies within.
    FireAuthority,
    /// The health body (integrated care board or health board) a body lies within.
    HealthBody,
    /// The combined authority a body belongs to.
    CombinedAuthority,
    /// Any other area a body lies within.
    Within,
}

impl RelationArg {
    /// The relation's name in outputs (`Relation::name_in`).
    fn name(self) -> &'static str {
        match self {
            RelationArg::Neighbour => "neighbour",
            RelationArg::Partnership => "partnership",
            RelationArg::Parent => "parent",
            RelationArg::PoliceForceArea => "police_force_area",
            RelationArg::FireAuthority => "fire_authority",
            RelationArg::HealthBody => "health_body",
            RelationArg::CombinedAuthority => "combined_authority",
            RelationArg::Within => "within",
        }
    }
}

/// Arguments of `graph`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  partnermatch graph --format dot --relation neighbour | dot -Tsvg > uk.svg"
)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,

    /// Only these relations (repeatable); default: all.
    #[arg(long = "relation", value_enum, value_name = "RELATION")]
    relations: Vec<RelationArg>,
}

/// Runs `graph`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    let dataset = super::load_dataset(global)?;
    let graph = PartnerGraph::build(&dataset);
    let keep = |r: &Relation, area: usize| {
        args.relations.is_empty()
            || args.relations.iter().any(|k| k.name() == r.name_in(&dataset, area))
    };
    let mut out = output::stdout();
    match args.format {
        GraphFormat::Dot => out.write_all(graph.to_dot(&dataset, &keep).as_bytes())?,
        GraphFormat::Json => {
            output::write_json(&mut out, &GraphDocument::new(&dataset, &graph, keep))?;
        }
    }
    out.flush()?;
    Ok(())
}
