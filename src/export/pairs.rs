//! `pairs`' documents: the JSON document of a pairing plan, and the table its CSV and
//! spreadsheet are written from. A contract with scripts: fields and columns are added, never
//! renamed. `pair_reasons` and `general_weights_sheet` serve `groups` too.

use serde::Serialize;

use super::records::BodyRef;
use super::table::{Cell, Column, Style, Table};
use super::xlsx::{Sheet, weight_lines, weights_and_sources_sheet};
use crate::analysis::pairs::{Bound, GraphStats, Method, PairingPlan, PairsSettings};
use crate::engine::Engine;
use crate::rank::RankSettings;
use crate::score::{Explanation, SideExplanation};
use crate::weights::WeightError;

/// The strongest reasons of a pair, from both views, without repeats.
pub fn pair_reasons(e: &Explanation, n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in e.forward.strongest(n).into_iter().chain(e.backward.strongest(n)) {
        if out.len() < n && !out.contains(&c.reason) {
            out.push(c.reason.clone());
        }
    }
    out
}

/// One pair in JSON.
#[derive(Debug, Serialize)]
struct PairRecord {
    rank: usize,
    a: BodyRef,
    b: BodyRef,
    score: f64,
    distance_km: f64,
    reasons: Vec<String>,
    /// `a`'s view of `b`.
    forward: SideExplanation,
    /// `b`'s view of `a`.
    backward: SideExplanation,
}

/// Step timings in seconds (`pairs --timings`).
#[derive(Debug, Clone, Serialize)]
pub struct TimingRecord {
    /// Building the candidate graph.
    pub candidates_s: f64,
    /// The exact matching, if run.
    pub exact_s: Option<f64>,
    /// The greedy.
    pub greedy_s: f64,
    /// Explaining the pairs.
    pub explanations_s: f64,
    /// The whole command.
    pub total_s: f64,
}

/// The JSON document of `pairs --format json`.
#[derive(Debug, Serialize)]
pub struct PairsDocument<'a> {
    dataset: &'a str,
    settings: &'a PairsSettings,
    method: Method,
    optimal: bool,
    n_bodies: usize,
    n_pairs: usize,
    n_unpaired: usize,
    total: f64,
    exact_total: Option<f64>,
    greedy_total: f64,
    bound: Bound,
    gap: f64,
    gap_share: f64,
    candidate_graph: GraphStats,
    pairs: Vec<PairRecord>,
    unpaired: Vec<BodyRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timings: Option<TimingRecord>,
}

impl<'a> PairsDocument<'a> {
    /// The document of `plan`, its pairs' explanations in plan order, and the timings when
    /// they are to be shown.
    pub fn new(
        engine: &'a Engine,
        settings: &'a PairsSettings,
        plan: &PairingPlan,
        explanations: Vec<Explanation>,
        timings: Option<TimingRecord>,
    ) -> Self {
        let orgs = engine.dataset.organisations();
        let pairs = plan
            .pairs
            .iter()
            .zip(explanations)
            .enumerate()
            .map(|(i, (p, e))| PairRecord {
                rank: i + 1,
                a: BodyRef::from(&orgs[p.a]),
                b: BodyRef::from(&orgs[p.b]),
                score: p.score.mutual,
                distance_km: p.distance_km,
                reasons: pair_reasons(&e, 3),
                forward: e.forward,
                backward: e.backward,
            })
            .collect();
        Self {
            dataset: engine.dataset.description(),
            settings,
            method: plan.method,
            optimal: plan.method == Method::Exact,
            n_bodies: plan.graph.n_bodies,
            n_pairs: plan.pairs.len(),
            n_unpaired: plan.unpaired.len(),
            total: plan.total,
            exact_total: plan.exact_total,
            greedy_total: plan.greedy_total,
            bound: plan.bound,
            gap: plan.gap,
            gap_share: plan.gap_share(),
            candidate_graph: plan.graph,
            pairs,
            unpaired: plan.unpaired.iter().map(|&u| BodyRef::from(&orgs[u])).collect(),
            timings,
        }
    }
}

/// The table of `pairs --format csv` and `--format xlsx`: one row per pair, then one per
/// unpaired body.
pub fn table(engine: &Engine, plan: &PairingPlan, explanations: &[Explanation]) -> Table {
    let orgs = engine.dataset.organisations();
    let mut table = Table::new(
        [
            ("status", Style::General),
            ("rank", Style::Whole),
            ("id", Style::General),
            ("name", Style::General),
            ("partner_id", Style::General),
            ("partner_name", Style::General),
            ("distance_km", Style::Km),
            ("score", Style::Score),
            ("forward", Style::Score),
            ("backward", Style::Score),
            ("reasons", Style::General),
        ]
        .into_iter()
        .map(|(h, s)| Column::new(h, s))
        .collect(),
    );
    for (i, (p, e)) in plan.pairs.iter().zip(explanations).enumerate() {
        table.push(vec![
            Cell::text("paired"),
            Cell::whole(i + 1),
            Cell::text(orgs[p.a].id.as_str()),
            Cell::text(orgs[p.a].name.as_str()),
            Cell::text(orgs[p.b].id.as_str()),
            Cell::text(orgs[p.b].name.as_str()),
            Cell::Number(p.distance_km),
            Cell::Number(p.score.mutual),
            Cell::Number(p.score.forward),
            Cell::Number(p.score.backward),
            Cell::Text(pair_reasons(e, 3).join("; ")),
        ]);
    }
    for &u in &plan.unpaired {
        let mut row = vec![Cell::Empty; 11];
        row[0] = Cell::text("unpaired");
        row[2] = Cell::text(orgs[u].id.as_str());
        row[3] = Cell::text(orgs[u].name.as_str());
        table.push(row);
    }
    table
}

/// The sheets of `pairs --format xlsx`: the pairs, then the weights and sources.
pub fn sheets(
    engine: &Engine,
    settings: &PairsSettings,
    plan: &PairingPlan,
    explanations: &[Explanation],
) -> Result<Vec<Sheet>, WeightError> {
    let lines = vec![
        ("method".to_owned(), format!("{:?}", plan.method).to_lowercase()),
        ("bodies".to_owned(), plan.graph.n_bodies.to_string()),
        ("pairs".to_owned(), plan.pairs.len().to_string()),
        ("total score".to_owned(), plan.total.to_string()),
    ];
    let about = general_weights_sheet(engine, &settings.rank, lines)?;
    Ok(vec![Sheet::new("Pairs", table(engine, plan, explanations)), about])
}

/// The sheet of weights and sources of a plan over many bodies: the survey's (or `--order`'s)
/// weights, which every body without its own criteria order uses, after `lines`.
pub fn general_weights_sheet(
    engine: &Engine,
    rank: &RankSettings,
    mut lines: Vec<(String, String)>,
) -> Result<Sheet, WeightError> {
    let order = engine.settings.order().unwrap_or(engine.survey.criteria_order());
    let weights = engine.survey.weights(&engine.settings)?;
    lines.extend(super::ranking::settings_lines(engine, rank));
    lines.push((
        "own orders".to_owned(),
        "a body whose profile states its own criteria order uses weights from that order"
            .to_owned(),
    ));
    Ok(weights_and_sources_sheet(engine, &lines, &weight_lines(order, weights.as_array())))
}

/// The candidate graph as `N M`, then `U V W` a line, in one large buffer.
pub fn write_edge_list(
    w: &mut dyn std::io::Write,
    n: usize,
    edges: &[crate::analysis::matching::WeightedEdge],
) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, w);
    use std::io::Write as _;
    writeln!(w, "{n} {}", edges.len())?;
    let (mut a, mut b, mut c) = (itoa::Buffer::new(), itoa::Buffer::new(), itoa::Buffer::new());
    for e in edges {
        for (text, end) in
            [(a.format(e.u), b" "), (b.format(e.v), b" "), (c.format(e.weight), b"\n")]
        {
            w.write_all(text.as_bytes())?;
            w.write_all(end)?;
        }
    }
    w.flush()
}
