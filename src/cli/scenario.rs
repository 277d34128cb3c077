//! `partnermatch scenario run FILE... [--out DIR] [--force]`, `partnermatch scenario compare
//! RUN... [--format table|json|csv]` and `partnermatch scenario stack DIR... [--out FILE]`: the
//! command line over the library's `scenario` module. Checks options, calls the library,
//! prints a summary, the comparison or the stacked table.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use partnermatch::export::write_atomic;
use partnermatch::scenario::{self, Comparison, WriteError};

use super::output;
use super::{GlobalArgs, UsageError};

/// The folder runs are written into when `--out` is not given.
pub const DEFAULT_OUT: &str = "scenario-runs";

/// Arguments of `scenario`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Run scenario files: write each run's rankings (JSON, CSV, long-format results.csv) and a
    /// manifest that records everything needed to repeat it.
    Run(RunArgs),
    /// Compare runs with a baseline (run folders or scenario files): who entered or left each
    /// body's top k, rank moves, score changes and Kendall's tau-b.
    Compare(CompareArgs),
    /// Stack the long-format results.csv of many runs into one table (the union of their
    /// columns), for a notebook or a pivot table.
    Stack(StackArgs),
}

/// Arguments of `scenario stack`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each DIR is a run folder (written by `scenario run`) or a folder of run folders, such as
scenario-runs/, whose runs are taken in name order. The table has the columns scenario, run, every
swept parameter of any run (empty where a run did not sweep it), then the ranking columns. One
row per run, ranked body and candidate: pandas.read_csv or csv.DictReader reads it in one call.
A run found twice is refused.

Examples:
  partnermatch scenario stack scenario-runs --out all.csv
  partnermatch scenario stack scenario-runs/prox__* scenario-runs/legal-south-east__* > all.csv")]
pub struct StackArgs {
    /// Run folders, or folders of run folders.
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,

    /// The CSV file to write, or - for standard output.
    #[arg(long, value_name = "FILE", default_value = "-")]
    out: PathBuf,

    /// Replace the --out file if it exists.
    #[arg(long)]
    force: bool,
}

/// Arguments of `scenario run`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each run is written to DIR/RUN/ (RUN is the scenario's name, plus parameter=value for each
swept value): manifest.json, rankings.json, rankings.csv and results.csv (long format: the run
and its swept values as columns). The same files give byte-identical output. Explicit weights
that do not sum to 1 are rescaled, with a warning that lists the weights used. Every scenario and body is checked before anything is written; a failed run leaves DIR as
it was. A run folder that already holds files is refused unless --force is given.

Examples:
  partnermatch scenario run examples/scenarios/legal-south-east.toml
  partnermatch scenario run examples/scenarios/*.toml --out runs --force

Sweep one criterion's weight (the others rescaled in proportion) in a scenario file:
  [sweep]
  weight.proximity = [0.05, 0.10, 0.15, 0.20]

Format: docs/scenarios.md")]
pub struct RunArgs {
    /// Scenario files (TOML).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Folder to write the runs into, one sub-folder per run.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_OUT)]
    out: PathBuf,

    /// Replace run folders that already hold files.
    #[arg(long)]
    force: bool,
}

/// Output formats of `scenario compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareFormat {
    /// A summary and one line per changed body, for people.
    Table,
    /// Every body of every run in full, for scripts.
    Json,
    /// One row per run, body and candidate movement (long format), for notebooks.
    Csv,
}

/// The columns of `scenario compare --format csv` (the fields of `MovementRow`).
const MOVEMENT_COLUMNS: [&str; 14] = [
    "baseline",
    "run",
    "subject_id",
    "subject_name",
    "tau",
    "candidate_id",
    "candidate_name",
    "movement",
    "rank_baseline",
    "rank_run",
    "rank_change",
    "score_baseline",
    "score_run",
    "score_change",
];

/// Arguments of `scenario compare`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each RUN is a run folder (written by `scenario run`) or a scenario file, which is run in memory
and gives all its runs in sweep order. The first run is the baseline; every other run is compared
with it. Tau is Kendall's tau-b over the union of the two top-k lists, with candidates missing
from a list tied below it (docs/scenarios.md). Runs that rank no body in common with the baseline
are reported as such.

CSV columns: baseline, run, subject_id, subject_name, tau, candidate_id, candidate_name,
movement (entered, left, up, down, same; none for a body with no candidates), rank_baseline,
rank_run, rank_change, score_baseline, score_run, score_change.

Examples:
  partnermatch scenario compare scenario-runs/political-control__weights=survey \\
      scenario-runs/political-control__weights=no-political-control
  partnermatch scenario compare scenario-runs/prox__weight.proximity=* --format csv > moves.csv
  partnermatch scenario compare sweep.toml --format json")]
pub struct CompareArgs {
    /// Runs: run folders or scenario files; the first run is the baseline.
    #[arg(required = true, value_name = "RUN")]
    runs: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
    format: CompareFormat,
}

/// Runs `scenario`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    if global.data.is_some() || global.survey.is_some() || !global.profiles.is_empty() {
        return Err(UsageError(
            "scenario files name their own data, profile layers and survey (`dataset = \
             \"...\"`, `profiles = [\"...\"]`, `survey = \"...\"`): drop --data and --survey, \
             and --profile"
                .to_owned(),
        )
        .into());
    }
    match &args.command {
        Command::Run(a) => run_scenarios(a),
        Command::Compare(a) => compare(a),
        Command::Stack(a) => stack(a),
    }
}

fn run_scenarios(args: &RunArgs) -> anyhow::Result<()> {
    if args.out.as_os_str() == "-" {
        // Everywhere else `-` is standard output; a run is a folder of files, which cannot go
        // there, so `-` is refused rather than made into a folder named `-`.
        return Err(UsageError(
            "--out -: scenario run writes a folder per run, which cannot go to standard output; give a folder (for example --out runs)"
                .to_owned(),
        )
        .into());
    }
    let what = if args.files.len() == 1 { "invalid scenario" } else { "invalid scenarios" };
    let scenarios = scenario::load_all(&args.files).context(what)?;
    print_warnings(&scenarios);
    let plans = scenario::plan(&scenarios).context(what)?;
    let results = scenario::execute(&plans).context(what)?;
    let folders =
        scenario::write_runs(&results, &args.out, args.force).map_err(|err| match err {
            WriteError::Exists { .. } | WriteError::NotAFolder { .. } => {
                anyhow::Error::from(UsageError(err.to_string()))
            }
            WriteError::Io { .. } => anyhow::Error::from(err)
                .context("nothing was written: the output folder is as it was"),
        })?;
    let mut out = output::stdout();
    let runs = if results.len() == 1 { "run" } else { "runs" };
    writeln!(out, "wrote {} {runs} to {}", results.len(), args.out.display())?;
    let mut table = output::plain_table(&["run", "bodies", "top", "folder"], &[1, 2]);
    for (result, folder) in results.iter().zip(&folders) {
        table.add_row([
            result.name.clone(),
            result.rankings.subjects.len().to_string(),
            result.rankings.top.to_string(),
            folder.display().to_string(),
        ]);
    }
    output::print_table(&mut out, &table)?;
    out.flush()?;
    Ok(())
}

fn stack(args: &StackArgs) -> anyhow::Result<()> {
    let to_stdout = args.out.as_os_str() == "-";
    if !to_stdout {
        output::check_out_file(&args.out, args.force, " ending in .csv")?;
    }
    let stacked = scenario::stack(&args.dirs).context("cannot stack the runs")?;
    let bytes = stacked.to_csv();
    if to_stdout {
        let mut out = output::stdout();
        out.write_all(&bytes)?;
        out.flush()?;
    } else {
        write_atomic(&args.out, |w| w.write_all(&bytes))
            .with_context(|| format!("cannot write {}", args.out.display()))?;
        let n_runs = stacked.files.len();
        eprintln!(
            "wrote {} rows of {n_runs} {} to {}",
            stacked.rows.len(),
            if n_runs == 1 { "run" } else { "runs" },
            args.out.display()
        );
    }
    Ok(())
}

/// Prints each scenario's warnings (valid settings that may surprise) to standard error.
fn print_warnings(scenarios: &[scenario::Scenario]) {
    for warning in scenarios.iter().flat_map(|s| &s.warnings) {
        eprintln!("warning: {warning}");
    }
}

fn compare(args: &CompareArgs) -> anyhow::Result<()> {
    let mut runs = Vec::new();
    for path in &args.runs {
        let found = if path.is_dir() {
            scenario::runs_at(path)
        } else {
            // A scenario file: run in memory, its warnings printed as by `scenario run`.
            scenario::load_all(std::slice::from_ref(path)).and_then(|scenarios| {
                print_warnings(&scenarios);
                let results = scenario::execute(&scenario::plan(&scenarios)?)?;
                Ok(results.into_iter().map(|r| r.rankings).collect())
            })
        };
        runs.extend(found.with_context(|| format!("cannot read run {}", path.display()))?);
    }
    if runs.len() < 2 {
        let what = match runs.first() {
            Some(run) => format!("only one run ({})", run.run),
            None => "no run".to_owned(),
        };
        return Err(UsageError(format!(
            "compare needs at least two runs, a baseline and one to compare with it, but got \
             {what}: give another run folder or scenario file"
        ))
        .into());
    }
    let baseline = runs.remove(0);
    let comparisons = scenario::compare_many(&baseline, &runs);
    let mut out = output::stdout();
    match args.format {
        CompareFormat::Json => output::write_json(&mut out, &comparisons)?,
        CompareFormat::Csv => {
            for c in comparisons.comparisons.iter().filter(|c| c.shares_no_bodies()) {
                eprintln!(
                    "warning: run {} ranks no body that the baseline {} ranks: it has no rows",
                    c.b.run, c.a.run
                );
            }
            let rows = comparisons.movements();
            if rows.is_empty() {
                // No row to take the header from: write it alone, so that a reader sees the
                // columns and no rows.
                writeln!(out, "{}", MOVEMENT_COLUMNS.join(","))?;
            } else {
                output::write_csv(&mut out, &rows)?;
            }
        }
        CompareFormat::Table => {
            let top = runs.iter().map(|r| r.top).fold(baseline.top, usize::max);
            write_tables(&mut out, &comparisons, top)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The table output: for one run, its comparison; for several, an overview line per run and
/// then each comparison.
fn write_tables(
    out: &mut impl Write,
    all: &scenario::Comparisons,
    top: usize,
) -> anyhow::Result<()> {
    if let [only] = all.comparisons.as_slice() {
        return write_table(out, only, top);
    }
    writeln!(out, "baseline: {}", all.baseline.run)?;
    writeln!(
        out,
        "tau: Kendall's tau-b over both top-k lists, candidates missing from a list tied below it"
    )?;
    writeln!(out)?;
    let mut table = output::plain_table(
        &[
            "run",
            "bodies",
            "changed",
            "mean tau",
            "min tau",
            "top 1 changed",
            "entered",
            "left",
            "moved",
        ],
        &[1, 2, 3, 4, 5, 6, 7, 8],
    );
    for c in &all.comparisons {
        let s = &c.summary;
        if c.shares_no_bodies() {
            table.add_row([
                c.b.run.clone(),
                "0 shared".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
            ]);
            continue;
        }
        table.add_row([
            c.b.run.clone(),
            s.n_bodies.to_string(),
            s.n_changed.to_string(),
            number(s.mean_tau, 3),
            number(s.min_tau, 3),
            s.n_top1_changed.to_string(),
            s.n_entered.to_string(),
            s.n_left.to_string(),
            s.n_moved.to_string(),
        ]);
    }
    output::print_table(out, &table)?;
    for c in &all.comparisons {
        writeln!(out, "\n== {} against the baseline ==\n", c.b.run)?;
        write_table(out, c, top)?;
    }
    Ok(())
}

fn bodies_word(n: usize) -> &'static str {
    if n == 1 { "body" } else { "bodies" }
}

fn number(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "n/a".to_owned(), |x| format!("{x:.digits$}"))
}

fn write_table(out: &mut impl Write, c: &Comparison, top: usize) -> anyhow::Result<()> {
    let s = &c.summary;
    writeln!(out, "A: {}", c.a.run)?;
    writeln!(out, "B: {}", c.b.run)?;
    writeln!(
        out,
        "tau: Kendall's tau-b over both top-k lists, candidates missing from a list tied below it"
    )?;
    writeln!(out)?;
    if c.shares_no_bodies() {
        writeln!(
            out,
            "A and B share no ranked body, so there is nothing to compare: A ranks {} {}, B \
             ranks {} {}",
            c.only_in_a.len(),
            bodies_word(c.only_in_a.len()),
            c.only_in_b.len(),
            bodies_word(c.only_in_b.len()),
        )?;
    } else if s.n_changed == 0 {
        writeln!(
            out,
            "no change: all {} bodies have the same top {top}, in the same order, with the same \
             scores (tau = 1 for every body)",
            s.n_bodies
        )?;
    } else {
        writeln!(
            out,
            "{} bodies in both runs: {} changed, {} unchanged",
            s.n_bodies,
            s.n_changed,
            s.n_bodies - s.n_changed
        )?;
        writeln!(
            out,
            "mean tau {} (lowest {}{}); top 1 changed for {} bodies; {} candidates entered and {} \
             left a top {top}; {} moved; mean |score change| {} (largest {:.4})",
            number(s.mean_tau, 3),
            number(s.min_tau, 3),
            if s.n_tau_undefined > 0 {
                format!(", undefined for {}", s.n_tau_undefined)
            } else {
                String::new()
            },
            s.n_top1_changed,
            s.n_entered,
            s.n_left,
            s.n_moved,
            number(s.mean_abs_score_change, 4),
            s.max_abs_score_change,
        )?;
        writeln!(out)?;
        let mut table = output::plain_table(
            &[
                "body",
                "tau",
                "top 1 in A",
                "top 1 in B",
                "entered",
                "left",
                "moved",
                "max |Δscore|",
            ],
            &[1, 4, 5, 6, 7],
        );
        // Most changed first: lowest tau (undefined first), then the dataset's order.
        let mut changed: Vec<&scenario::BodyComparison> =
            c.bodies.iter().filter(|b| b.changed).collect();
        changed.sort_by(|x, y| {
            let key = |b: &scenario::BodyComparison| b.tau.unwrap_or(f64::NEG_INFINITY);
            key(x).total_cmp(&key(y))
        });
        for b in changed {
            let name = |x: &Option<partnermatch::export::records::BodyRef>| {
                x.as_ref().map_or_else(|| "-".to_owned(), |r| r.name.clone())
            };
            let max_change = b.common.iter().map(|x| x.score_change.abs()).fold(0.0_f64, f64::max);
            table.add_row([
                b.name.clone(),
                number(b.tau, 3),
                name(&b.top1_a),
                if b.top1_changed { name(&b.top1_b) } else { "(same)".to_owned() },
                b.entered.len().to_string(),
                b.left.len().to_string(),
                b.common.iter().filter(|x| x.rank_change != 0).count().to_string(),
                format!("{max_change:.4}"),
            ]);
        }
        output::print_table(out, &table)?;
    }
    for (side, bodies) in [("A", &c.only_in_a), ("B", &c.only_in_b)] {
        if !bodies.is_empty() {
            let names: Vec<&str> = bodies.iter().map(|b| b.name.as_str()).collect();
            writeln!(out, "\nranked in {side} only ({}): {}", bodies.len(), names.join(", "))?;
        }
    }
    Ok(())
}
