//! `partnermatch pairs`: a pairing plan for a whole area or country (each body in at most one
//! pair, the total mutual score as high as possible), exact or greedy, each pair explained,
//! as a table, JSON or CSV; timings on standard error. Knows clap; the plan is the library's.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use partnermatch::analysis::candidates::{AnalysisError, PairView};
use partnermatch::analysis::pairs::{
    Bound, BoundKind, GraphStats, Method, PairingPlan, PairsSettings, plan,
};
use partnermatch::engine::Engine;
use partnermatch::export::records::BodyRef;
use partnermatch::export::table::{Cell, Column, Style, Table};
use partnermatch::export::xlsx::{Sheet, weight_lines, weights_and_sources_sheet, write_workbook};
use partnermatch::model::{Criterion, Enumeration};
use partnermatch::score::{Explanation, SideExplanation};
use serde::Serialize;

use super::output::{self, SheetFormat};
use super::rank::{ScoringArgs, engine, mutual_description, weights_description};
use super::weight_args::WeightArgs;
use super::{GlobalArgs, UsageError};

/// Arguments of `pairs`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The candidate graph joins every body to its K best partners (as `rank` lists them); the
exact plan is the maximum-weight matching of that graph, checked against its optimality
certificate. --greedy takes the best pair first while both bodies are free: at least half
the optimum; it reports its gap to an upper bound (or, with --compare, to the optimum).
Timings go to standard error (or into the output with --timings).

Examples:
  partnermatch pairs --region \"South East\"
  partnermatch pairs --kind district --format json --out plan.json
  partnermatch --data national.csv pairs --greedy --compare")]
pub struct Args {
    /// Solve exactly: the maximum-weight matching of the candidate graph [default].
    #[arg(long, conflicts_with = "greedy")]
    exact: bool,

    /// Solve greedily: best pair first while both bodies are free (fast, at least half the
    /// optimum).
    #[arg(long)]
    greedy: bool,

    /// With --greedy, also solve exactly to report the greedy's true gap.
    #[arg(long, requires = "greedy")]
    compare: bool,

    /// Partners per body in the candidate graph.
    #[arg(long, default_value_t = 10, value_name = "K", value_parser = super::at_least_one)]
    candidates: usize,

    /// Leave out candidate pairs whose score is below X (0 to 1).
    #[arg(long, default_value_t = 0.0, value_name = "X", value_parser = parse_score)]
    min_score: f64,

    /// Output format (xlsx needs --out).
    #[arg(long, value_enum, default_value_t = SheetFormat::Table)]
    format: SheetFormat,

    /// Write to FILE instead of standard output (the file appears whole or not at all; `-`:
    /// standard output; a FIFO or a device is written straight into).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,

    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,

    /// Also write the candidate graph the matching solves to FILE, as a plain edge list: a
    /// line `N M` (members, edges), then one line `U V W` per edge (member positions from 0
    /// in id order, integer weight), for comparing with other matching solvers
    /// (benches/lemon.sh). The exact optimum's integer weight goes to standard error.
    #[arg(long, value_name = "FILE")]
    graph_out: Option<PathBuf>,

    /// Put the step timings in the output too (they differ from run to run).
    #[arg(long)]
    timings: bool,

    /// Print no summary on standard error.
    #[arg(long)]
    quiet: bool,

    #[command(flatten)]
    scoring: ScoringArgs,

    // Last: its help heading applies to the options after it.
    #[command(flatten)]
    weighting: WeightArgs,
}

/// Parses a score: a number from 0 to 1.
pub fn parse_score(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("\"{text}\" is not a score (a number from 0 to 1)")),
    }
}

/// Maps the library's refusals to usage errors (exit 2) and keeps internal failures (exit 1).
pub fn analysis_error(e: AnalysisError) -> anyhow::Error {
    match e {
        AnalysisError::Matching(_) => anyhow::Error::new(e),
        other => UsageError(other.to_string()).into(),
    }
}

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

/// "1 group", "3 groups".
pub fn plural(n: usize, word: &str) -> String {
    format!("{} {word}{}", output::thousands(n as u64), if n == 1 { "" } else { "s" })
}

/// Seconds with two decimals.
pub fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
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

/// Step timings in seconds.
#[derive(Debug, Serialize)]
struct TimingRecord {
    candidates_s: f64,
    exact_s: Option<f64>,
    greedy_s: f64,
    explanations_s: f64,
    total_s: f64,
}

/// The JSON document of `pairs --format json`.
#[derive(Debug, Serialize)]
struct PairsDocument<'a> {
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

/// Runs `pairs`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    output::check_sheet_out(args.format, args.out.as_deref())?;
    output::check_out(args.out.as_deref(), args.force)?;
    if let Some(path) = &args.graph_out {
        output::check_out_file(path, args.force, "")?;
    }
    let engine = engine(global, &args.weighting)?;
    let rank = args.scoring.settings(&engine, args.candidates)?;
    let settings = PairsSettings {
        rank,
        candidates: args.candidates,
        min_score: args.min_score,
        method: if args.greedy { Method::Greedy } else { Method::Exact },
        compare: args.compare,
    };
    let loaded = started.elapsed();
    let plan = plan(&engine, &settings).map_err(analysis_error)?;
    if let Some(path) = &args.graph_out {
        partnermatch::export::write_atomic(path, |w| {
            write_edge_list(w, plan.graph.n_bodies, &plan.edges)
        })
        .with_context(|| format!("cannot write {}", path.display()))?;
        if let Some(weight) = plan.exact_weight {
            eprintln!(
                "pairs: exact matching weight {weight} (integer, the sum of its edges' weights)"
            );
        }
    }
    let explain_started = Instant::now();
    let view = PairView::new(&engine.index, &settings.rank).map_err(analysis_error)?;
    let explanations: Vec<Explanation> =
        plan.pairs.iter().map(|p| view.explain(&engine.dataset, p.a, p.b)).collect();
    let explain_time = explain_started.elapsed();
    let timings = TimingRecord {
        candidates_s: plan.timings.candidates.as_secs_f64(),
        exact_s: plan.timings.exact.map(|d| d.as_secs_f64()),
        greedy_s: plan.timings.greedy.as_secs_f64(),
        explanations_s: explain_time.as_secs_f64(),
        total_s: started.elapsed().as_secs_f64(),
    };
    output::emit(args.out.as_deref(), |w| match args.format {
        SheetFormat::Json => {
            write_json(w, &engine, &settings, &plan, explanations, args.timings.then_some(timings))
        }
        SheetFormat::Csv => {
            table(&engine, &plan, &explanations).write_csv(w).context("cannot write CSV")
        }
        SheetFormat::Xlsx => write_xlsx(w, &engine, &settings, &plan, &explanations),
        SheetFormat::Table => {
            write_table(w, &engine, &settings, &plan, &explanations, args.timings)
        }
    })?;
    if !args.quiet {
        eprintln!(
            "pairs: {} bodies, {} candidate pairs ({}, largest {}); loading {}, candidate graph {}, {}greedy {}, explanations {}, total {}",
            output::thousands(plan.graph.n_bodies as u64),
            output::thousands(plan.graph.n_edges as u64),
            plural(plan.graph.n_components, "component"),
            output::thousands(plan.graph.largest_component as u64),
            seconds(loaded),
            seconds(plan.timings.candidates),
            plan.timings
                .exact
                .map(|d| format!("exact matching {}, ", seconds(d)))
                .unwrap_or_default(),
            seconds(plan.timings.greedy),
            seconds(explain_time),
            seconds(started.elapsed()),
        );
    }
    Ok(())
}

/// The candidate graph as `N M`, then `U V W` a line, in one large buffer.
fn write_edge_list(
    w: &mut dyn Write,
    n: usize,
    edges: &[partnermatch::analysis::matching::WeightedEdge],
) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, w);
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

fn write_json(
    w: &mut dyn Write,
    engine: &Engine,
    settings: &PairsSettings,
    plan: &PairingPlan,
    explanations: Vec<Explanation>,
    timings: Option<TimingRecord>,
) -> anyhow::Result<()> {
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
    let document = PairsDocument {
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
    };
    let mut w = w;
    output::write_json(&mut w, &document)
}

/// The table of `pairs --format csv` and `--format xlsx`: one row per pair, then one per
/// unpaired body.
fn table(engine: &Engine, plan: &PairingPlan, explanations: &[Explanation]) -> Table {
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

/// The sheet of weights and sources of a plan over many bodies: the survey's (or `--order`'s)
/// weights, which every body without its own criteria order uses.
pub fn general_weights_sheet(
    engine: &Engine,
    rank: &partnermatch::rank::RankSettings,
    mut lines: Vec<(String, String)>,
) -> anyhow::Result<Sheet> {
    let order = engine.settings.order().unwrap_or(engine.survey.criteria_order());
    let weights = engine.survey.weights(&engine.settings).map_err(|e| UsageError(e.to_string()))?;
    lines.extend(partnermatch::export::ranking::settings_lines(engine, rank));
    lines.push((
        "own orders".to_owned(),
        "a body whose profile states its own criteria order uses weights from that order"
            .to_owned(),
    ));
    Ok(weights_and_sources_sheet(engine, &lines, &weight_lines(order, weights.as_array())))
}

fn write_xlsx(
    w: &mut dyn Write,
    engine: &Engine,
    settings: &PairsSettings,
    plan: &PairingPlan,
    explanations: &[Explanation],
) -> anyhow::Result<()> {
    let lines = vec![
        ("method".to_owned(), format!("{:?}", plan.method).to_lowercase()),
        ("bodies".to_owned(), plan.graph.n_bodies.to_string()),
        ("pairs".to_owned(), plan.pairs.len().to_string()),
        ("total score".to_owned(), plan.total.to_string()),
    ];
    let about = general_weights_sheet(engine, &settings.rank, lines)?;
    write_workbook(w, &[Sheet::new("Pairs", table(engine, plan, explanations)), about])?;
    Ok(())
}

/// "1.3%" for a share.
pub fn percent(share: f64) -> String {
    format!("{:.2}%", 100.0 * share)
}

/// The header lines shared by `pairs` and `groups`: how scores combine, the weights, the
/// filters and focus.
pub fn write_settings_lines(
    w: &mut dyn Write,
    engine: &Engine,
    rank: &partnermatch::rank::RankSettings,
) -> std::io::Result<()> {
    writeln!(
        w,
        "score: {} of both views; weights: {}",
        mutual_description(rank.mutual),
        weights_description(engine)
    )?;
    let mut limits = Vec::new();
    if !rank.filter.is_empty() {
        limits.push(rank.filter.describe());
    }
    if let Some(d) = rank.within_km {
        limits.push(format!("pairs within {d} km"));
    }
    if rank.exclude_partners {
        limits.push("existing partners kept apart".to_owned());
    }
    if !rank.focus.is_empty() {
        let names: Vec<&str> = rank.focus.iter().map(|s| s.label()).collect();
        limits.push(format!("service focus {}", names.join(", ")));
    }
    if !limits.is_empty() {
        writeln!(w, "bodies: {}", limits.join("; "))?;
    }
    Ok(())
}

/// Notes the criteria with no data in any of the explanations.
pub fn write_neutral_note(w: &mut dyn Write, explanations: &[Explanation]) -> std::io::Result<()> {
    if explanations.is_empty() {
        return Ok(());
    }
    let always: Vec<&str> = Criterion::all()
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            explanations
                .iter()
                .all(|e| e.forward.criteria[*i].neutral && e.backward.criteria[*i].neutral)
        })
        .map(|(_, c)| c.label())
        .collect();
    if !always.is_empty() {
        writeln!(w)?;
        writeln!(
            w,
            "no data for any pair (counted as {}: missing data never counts in a body's favour): {}",
            partnermatch::score::NEUTRAL,
            always.join(", ")
        )?;
    }
    Ok(())
}

/// Lists bodies as "Name (id)", comma-separated.
pub fn body_list(engine: &Engine, bodies: &[usize]) -> String {
    let orgs = engine.dataset.organisations();
    bodies
        .iter()
        .map(|&b| format!("{} ({})", orgs[b].display_name(), orgs[b].id))
        .collect::<Vec<_>>()
        .join(", ")
}

fn write_table(
    w: &mut dyn Write,
    engine: &Engine,
    settings: &PairsSettings,
    plan: &PairingPlan,
    explanations: &[Explanation],
    timings: bool,
) -> anyhow::Result<()> {
    let orgs = engine.dataset.organisations();
    let method = match plan.method {
        Method::Exact => "exact maximum-weight matching",
        Method::Greedy => "greedy: best pair first",
    };
    writeln!(
        w,
        "Pairing plan for {} bodies: {} pairs, {} unpaired ({method})",
        output::thousands(plan.graph.n_bodies as u64),
        output::thousands(plan.pairs.len() as u64),
        output::thousands(plan.unpaired.len() as u64),
    )?;
    let graph = format!(
        "candidate graph: {} best partners per body, {} candidate pairs, {}",
        settings.candidates,
        output::thousands(plan.graph.n_edges as u64),
        plural(plan.graph.n_components, "component"),
    );
    match (plan.method, plan.exact_total) {
        (Method::Exact, _) => {
            writeln!(w, "total score {:.3}: the best possible over the {graph}", plan.total)?;
            writeln!(
                w,
                "greedy would reach {:.3} ({} below)",
                plan.greedy_total,
                percent(if plan.total > 0.0 { 1.0 - plan.greedy_total / plan.total } else { 0.0 })
            )?;
        }
        (Method::Greedy, Some(exact)) => {
            writeln!(
                w,
                "total score {:.3}: {} below the best possible, {exact:.3} (exact, over the {graph})",
                plan.total,
                percent(plan.gap_share())
            )?;
        }
        (Method::Greedy, None) => {
            let bound = match plan.bound.kind {
                BoundKind::TwiceGreedy => "twice the greedy total",
                _ => "each body's best candidate score, summed and halved",
            };
            writeln!(
                w,
                "total score {:.3}: at most {} below the best possible (upper bound {:.3}: {bound}); {graph}",
                plan.total,
                percent(plan.gap_share()),
                plan.bound.value
            )?;
        }
    }
    write_settings_lines(w, engine, &settings.rank)?;
    writeln!(w)?;
    let mut table =
        output::plain_table(&["rank", "body", "partner", "distance", "score", "why"], &[0, 3, 4]);
    for (i, (p, e)) in plan.pairs.iter().zip(explanations).enumerate() {
        table.add_row([
            (i + 1).to_string(),
            orgs[p.a].display_name().to_owned(),
            orgs[p.b].display_name().to_owned(),
            format!("{:.0} km", p.distance_km),
            format!("{:.3}", p.score.mutual),
            pair_reasons(e, 3).join("; "),
        ]);
    }
    output::print_table(&mut &mut *w, &table)?;
    if plan.pairs.is_empty() {
        writeln!(w, "no pair to propose; loosen the filters, --within-km or --min-score")?;
    }
    if !plan.unpaired.is_empty() {
        writeln!(w)?;
        writeln!(w, "unpaired ({}): {}", plan.unpaired.len(), body_list(engine, &plan.unpaired))?;
    }
    write_neutral_note(w, explanations)?;
    if timings {
        writeln!(w)?;
        writeln!(
            w,
            "timings: candidate graph {}, {}greedy {}",
            seconds(plan.timings.candidates),
            plan.timings
                .exact
                .map(|d| format!("exact matching {}, ", seconds(d)))
                .unwrap_or_default(),
            seconds(plan.timings.greedy)
        )?;
    }
    Ok(())
}
