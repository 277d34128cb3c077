//! `partnermatch evaluate --partnerships FILE`: does the engine find the partners real bodies
//! chose? Each real partner's rank for the engine and two baselines, hit@k and mean reciprocal
//! rank, as a table, JSON or CSV (per-pair rows); with `--cross-validate`, the
//! leave-one-arrangement-out figures of the engine's settings. The work is the library's
//! `analysis::evaluate`; this file reads options and prints.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use partnermatch::analysis::evaluate::{
    self, CrossValidation, EvaluateSettings, K_VALUES, Metrics, Prepared,
};
use partnermatch::diagnostic::Diagnostics;
use partnermatch::engine::Engine;
use partnermatch::export::evaluate::{EvaluationDocument, EvaluationRun, pair_rows};

use super::output::{self, Format};
use partnermatch::model::Enumeration as _;

use super::rank::{ScoringArgs, Top, prepare, weights_description};
use super::weight_args::WeightArgs;
use super::{GlobalArgs, UsageError};

/// Arguments of `evaluate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
For every ordered pair of an arrangement's members, the real partner's rank (1 = best) among all
the ranked body's candidates is computed by the engine (with every ranking option given) and by two
baselines: nearest by distance, and sharing a land boundary first, then distance (ties by id).
hit@k is the share of pairs ranked k-th or better; MRR the mean of 1/rank (0 for a partner a
filter leaves out).

Each arrangement's own partnership links (every existing partnership between two of its members,
whatever its source) are hidden from the data before its members are ranked, and nothing else, so
that the trust criterion cannot find a known pair trivially. --keep-known keeps the data as it is
and leaves the pairs it already holds out of the figures instead (counted as left_out_known).

Real lists name bodies that no longer exist or that the data does not hold (abolished districts,
primary care trusts, government departments). Each such member is reported as a warning naming
the file, line and column, with a \"did you mean\" when a body's name is close; the run goes on
with the members that resolved (an arrangement left with fewer than two is skipped) and counts
them (unresolved_members, skipped_arrangements). --strict makes any of them an error (exit 2,
nothing on standard output). A malformed file (no members column, empty, not UTF-8) is always an
error. Method and current figures: docs/validity.md.

Examples:
  partnermatch evaluate --partnerships ../shared/data/uk/uk_partnerships_dev.csv
  partnermatch evaluate --partnerships dev.csv --format json --keep-known
  partnermatch evaluate --partnerships dev.csv --cross-validate")]
pub struct Args {
    /// The arrangements: a CSV with a `members` column (bodies separated by `;`, by id or
    /// name) and optional id, services, start_year, kind, source_url, confidence columns.
    #[arg(long, value_name = "FILE")]
    partnerships: PathBuf,

    /// Output format: a table of the figures; JSON with the figures and every pair's ranks;
    /// CSV with one row per pair.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,

    /// Keep the data's partnership links, and leave the pairs it already holds out of the
    /// figures (counted as left_out_known), instead of hiding each arrangement's links.
    #[arg(long)]
    keep_known: bool,

    /// Make an unknown or ambiguous member (and so a skipped arrangement) an error, exit 2.
    #[arg(long)]
    strict: bool,

    /// Also cross-validate the weighting method and the proximity half-distance, leaving one
    /// arrangement out at a time (docs/validity.md).
    #[arg(long)]
    cross_validate: bool,

    #[command(flatten)]
    scoring: ScoringArgs,

    // Last: its help heading applies to the options after it.
    #[command(flatten)]
    weighting: WeightArgs,
}

/// Runs `evaluate`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    let (engine, rank) = prepare(global, &args.scoring, &args.weighting, Top::All)?;
    let path = &args.partnerships;
    let file = read_partnerships(path, &engine, args.strict)?;
    let settings = EvaluateSettings { rank, keep_known: args.keep_known };
    let evaluation = evaluate::evaluate(&engine, &file.arrangements, &settings)?;
    let cross = if args.cross_validate {
        let prepared =
            Prepared::new(&engine, &file.arrangements, &settings.rank, settings.keep_known)?;
        Some(
            evaluate::cross_validate(
                &prepared,
                &file.arrangements,
                &engine.survey,
                &engine.dataset,
                &engine.settings,
            )
            .map_err(|e| UsageError(e.to_string()))?,
        )
    } else {
        None
    };
    let rows = pair_rows(&engine.dataset, &file, &evaluation);
    let mut out = output::stdout();
    match args.format {
        Format::Csv => output::write_csv(&mut out, &rows).context("cannot write CSV")?,
        Format::Json => {
            let run = EvaluationRun {
                partnerships: path.display().to_string(),
                data: engine.dataset.description(),
                mode: if args.keep_known { "keep_known" } else { "hide_links" },
                mutual: settings.rank.mutual.name(),
            };
            let document = EvaluationDocument::new(run, &file, &evaluation, cross.as_ref(), rows);
            output::write_json(&mut out, &document)?;
        }
        Format::Table => {
            writeln!(
                out,
                "Evaluation on {}: {} arrangement{} ({} skipped, {} member{} not found), {} ordered pairs",
                path.display(),
                file.arrangements.len(),
                plural(file.arrangements.len()),
                file.skipped_arrangements,
                file.unresolved_members,
                plural(file.unresolved_members),
                evaluation.engine.pairs
            )?;
            if args.keep_known {
                writeln!(
                    out,
                    "data kept as it is; {} pair{} the data already holds as partners left out",
                    evaluation.left_out_known,
                    plural(evaluation.left_out_known)
                )?;
            } else {
                writeln!(
                    out,
                    "each arrangement's own partnership links hidden before ranking its members ({} link{} hidden)",
                    evaluation.hidden_links,
                    plural(evaluation.hidden_links)
                )?;
            }
            writeln!(
                out,
                "engine: {} of both views; weights: {}",
                settings.rank.mutual.label(),
                weights_description(&engine)
            )?;
            writeln!(out)?;
            let mut header = vec!["ranker".to_owned()];
            header.extend(K_VALUES.iter().map(|k| format!("hit@{k}")));
            header.push("MRR".to_owned());
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let mut table = output::plain_table(&header, &[1, 2, 3, 4, 5]);
            let mut add = |name: &str, m: &Metrics| {
                let mut row = vec![name.to_owned()];
                row.extend(m.hit_at.0.iter().map(|v| format!("{v:.3}")));
                row.push(format!("{:.3}", m.mrr));
                table.add_row(row);
            };
            add("engine", &evaluation.engine);
            if let Some(cv) = &cross {
                add("engine, cross-validated settings", &cv.cross_validated);
            }
            add("nearest by distance", &evaluation.nearest);
            add("shared boundary, then distance", &evaluation.boundary);
            output::print_table(&mut out, &table)?;
            let not_ranked = evaluation.pairs.iter().filter(|p| p.engine.is_none()).count();
            if not_ranked > 0 {
                writeln!(
                    out,
                    "\n{not_ranked} pair{} not ranked at all: a filter leaves the partner out (counted as misses)",
                    plural(not_ranked)
                )?;
            }
            if let Some(cv) = &cross {
                write_cross(&mut out, cv)?;
            }
            writeln!(out, "\nPer-pair ranks: --format json or csv. Method: docs/validity.md.")?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Reads a partnerships file against the engine's data: malformed files are errors; unknown
/// members are warnings on standard error, or with `strict` an error. Errors when no
/// arrangement is left. Shared with `weights --fit`.
pub fn read_partnerships(
    path: &std::path::Path,
    engine: &Engine,
    strict: bool,
) -> anyhow::Result<evaluate::ArrangementFile> {
    let file = evaluate::read_arrangements(path, &engine.dataset)
        .with_context(|| format!("invalid partnerships file {}", path.display()))?;
    if strict && !file.problems.is_empty() {
        let mut problems: Diagnostics = file.problems.iter().cloned().collect();
        problems.sort();
        return Err(anyhow::Error::new(problems).context(format!(
            "members the data does not know in {} (--strict; without it they are warnings and the run goes on)",
            path.display()
        )));
    }
    let mut stderr = std::io::stderr().lock();
    for problem in &file.problems {
        writeln!(stderr, "warning: {problem}")?;
    }
    if !file.problems.is_empty() {
        writeln!(
            stderr,
            "warning: {} member{} not found, {} arrangement{} skipped; going on with the rest \
             (--strict makes this an error)",
            file.unresolved_members,
            plural(file.unresolved_members),
            file.skipped_arrangements,
            plural(file.skipped_arrangements)
        )?;
    }
    drop(stderr);
    if file.arrangements.is_empty() {
        return Err(UsageError(format!(
            "no arrangement in {} has two members the data knows: nothing to evaluate",
            path.display()
        ))
        .into());
    }
    Ok(file)
}

/// "s" unless one.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The settings the cross-validation chose, and how often.
fn write_cross(out: &mut impl Write, cv: &CrossValidation) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "Cross-validation (leave one arrangement out; {} settings tried): settings chosen for the held-out arrangements",
        cv.settings.len()
    )?;
    let mut table = output::plain_table(
        &["method", "proximity half km", "chosen", "MRR on all (in-sample)"],
        &[1, 2, 3],
    );
    for (i, s) in cv.settings.iter().enumerate() {
        if s.chosen == 0 && i > 0 {
            continue;
        }
        let name = if i == 0 {
            format!("{} (in force)", s.setting.method)
        } else {
            s.setting.method.clone()
        };
        table.add_row([
            name,
            format!("{}", s.setting.proximity_half_km),
            s.chosen.to_string(),
            format!("{:.3}", s.in_sample.mrr),
        ]);
    }
    output::print_table(out, &table)
}
