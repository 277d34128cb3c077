//! `partnermatch scenario run FILE... [--out DIR] [--force]` and `partnermatch scenario compare
//! A B [--format table|json]`: the command line over the library's `scenario` module. Checks
//! options, calls the library, prints a summary or the comparison.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
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
    /// Run scenario files: write each run's rankings (JSON, CSV) and a manifest that records
    /// everything needed to repeat it.
    Run(RunArgs),
    /// Compare two runs (run folders or scenario files): who entered or left each body's top k,
    /// rank moves, score changes and Kendall's tau-b.
    Compare(CompareArgs),
}

/// Arguments of `scenario run`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each run is written to DIR/RUN/ (RUN is the scenario's name, plus parameter=value for each
swept value): manifest.json, rankings.json and rankings.csv. The same files give byte-identical
output. Every scenario and body is checked before anything is written; a failed run leaves DIR as
it was. A run folder that already holds files is refused unless --force is given.

Examples:
  partnermatch scenario run examples/scenarios/legal-south-east.toml
  partnermatch scenario run examples/scenarios/*.toml --out runs --force

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
    /// Every body in full, for scripts.
    Json,
}

/// Arguments of `scenario compare`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
A and B are run folders (written by `scenario run`) or scenario files, which are run in memory
and must expand to one run each. Tau is Kendall's tau-b over the union of the two top-k lists,
with candidates missing from a list tied below it (docs/scenarios.md).

Examples:
  partnermatch scenario compare scenario-runs/political-control__weights=survey \\
      scenario-runs/political-control__weights=no-political-control
  partnermatch scenario compare a.toml b.toml --format json")]
pub struct CompareArgs {
    /// The first run: a run folder or a scenario file.
    #[arg(value_name = "A")]
    a: PathBuf,

    /// The second run: a run folder or a scenario file.
    #[arg(value_name = "B")]
    b: PathBuf,

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
    }
}

fn run_scenarios(args: &RunArgs) -> anyhow::Result<()> {
    let what = if args.files.len() == 1 { "invalid scenario" } else { "invalid scenarios" };
    let results = scenario::run_files(&args.files).context(what)?;
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

fn compare(args: &CompareArgs) -> anyhow::Result<()> {
    let a = scenario::rankings_at(&args.a)
        .with_context(|| format!("cannot read run {}", args.a.display()))?;
    let b = scenario::rankings_at(&args.b)
        .with_context(|| format!("cannot read run {}", args.b.display()))?;
    let comparison = scenario::compare(&a, &b);
    let mut out = output::stdout();
    match args.format {
        CompareFormat::Json => output::write_json(&mut out, &comparison)?,
        CompareFormat::Table => write_table(&mut out, &comparison, a.top.max(b.top))?,
    }
    out.flush()?;
    Ok(())
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
    if s.n_changed == 0 {
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
