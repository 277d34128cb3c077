//! `partnermatch pairs`: a pairing plan for a whole area or country (each body in at most one
//! pair, the total mutual score as high as possible), exact or greedy, each pair explained,
//! as a table, JSON or CSV; timings on standard error. Knows clap; the plan is the library's.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use partnermatch::analysis::candidates::PairView;
use partnermatch::analysis::pairs::{BoundKind, Method, PairingPlan, PairsSettings, plan};
use partnermatch::engine::Engine;
use partnermatch::export::pairs::{self as document, PairsDocument, TimingRecord, pair_reasons};
use partnermatch::export::xlsx::write_workbook;
use partnermatch::score::Explanation;

use super::output::{
    self, SheetFormat, body_list, percent, plural, seconds, write_neutral_note,
    write_settings_lines,
};
use super::rank::{ScoringArgs, Top, prepare};
use super::weight_args::WeightArgs;
use super::{GlobalArgs, UsageError, analysis_error, parse_score};

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

/// Runs `pairs`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    output::check_sheet_out(args.format, args.out.as_deref())?;
    output::check_out(args.out.as_deref(), args.force)?;
    if let Some(path) = &args.graph_out {
        output::check_out_file(path, args.force, "")?;
    }
    let (engine, rank) = prepare(global, &args.scoring, &args.weighting, Top::N(args.candidates))?;
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
            document::write_edge_list(w, plan.graph.n_bodies, &plan.edges)
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
            let timings = args.timings.then_some(timings);
            let document = PairsDocument::new(&engine, &settings, &plan, explanations, timings);
            let mut w = w;
            output::write_json(&mut w, &document)
        }
        SheetFormat::Csv => {
            document::table(&engine, &plan, &explanations).write_csv(w).context("cannot write CSV")
        }
        SheetFormat::Xlsx => {
            let sheets = document::sheets(&engine, &settings, &plan, &explanations)
                .map_err(|e| UsageError(e.to_string()))?;
            write_workbook(w, &sheets)?;
            Ok(())
        }
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
