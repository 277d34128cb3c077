//! The command line: clap arguments, turned into validated settings, one file per subcommand.
//! This is the only module that knows clap; it calls the library and prints what it returns.

mod build_uk;
mod evaluate;
mod explain;
mod export_cmd;
mod generate;
mod graph;
mod groups;
mod import;
mod list;
mod output;
mod pack;
mod pairs;
mod profile;
mod rank;
mod rank_all;
mod report;
mod robustness;
mod scenario;
mod serve;
mod show;
mod validate;
mod weight_args;
mod weights;
mod weights_fit;

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use partnermatch::analysis::candidates::AnalysisError;
use partnermatch::dataset::{Dataset, FindError, apply_layers};
use partnermatch::diagnostic::{Diagnostic, Diagnostics};
use partnermatch::model::Enumeration;
use partnermatch::request::{Field, Problems};
use partnermatch::weights::{Survey, WeightError};

/// Exit codes, shown in `--help` and the README.
const EXIT_CODES: &str = "\
Exit codes:
  0  success (also when the output pipe is closed early)
  1  runtime failure (for example an output file could not be written)
  2  invalid input or usage (bad profiles, unknown body, bad option)";

/// Find partners for shared public services.
///
/// Ranks candidate partners for public bodies (councils, police, fire, health, central
/// government) with weights derived from the priority order of a 2011 UK survey of 479
/// public-sector executives, and explains every score.
#[derive(Debug, Parser)]
#[command(name = "partnermatch", version, about, long_about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,

    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// The bodies to use: a TOML profile file, a directory of them (read recursively), a CSV
    /// table or a prepared dataset written by `pack` (.pmd). Default: the embedded UK public bodies (councils, police, fire, health).
    #[arg(long, global = true, value_name = "PATH")]
    data: Option<PathBuf>,

    /// A profile layer: a TOML or CSV file of partial profiles that states fields of bodies
    /// (by id or name) over the data, or adds bodies. Repeatable; applied after --data, in
    /// order, later layers winning. Stated fields are marked "stated by FILE" in every output.
    /// `partnermatch profile BODY --out FILE` writes one to fill in (docs/profiles.md).
    #[arg(long = "profile", global = true, value_name = "FILE")]
    profiles: Vec<PathBuf>,

    /// Survey file with the criteria, barrier and reason orders, their evidence and the
    /// weighting method [default: the embedded profiles/survey.toml].
    #[arg(long, global = true, value_name = "PATH")]
    survey: Option<PathBuf>,

    /// Worker threads for scoring [default: one per core]. Results do not depend on it.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Rank a body's best partners, with the reasons.
    Rank(rank::Args),
    /// Explain one pair: every criterion's value, weight and contribution, both ways.
    Explain(explain::Args),
    /// Rank every body's top partners at once, exactly, streamed as CSV or JSON lines.
    RankAll(rank_all::Args),
    /// How robust a ranking is when only the order of the criteria is known (SMAA).
    Robustness(robustness::Args),
    /// Write a body's ranked partners as a self-contained HTML report with a map.
    Report(report::Args),
    /// Serve a local web page to search bodies, rank partners and change the weights.
    Serve(serve::Args),
    /// Pair bodies across an area or country: each in at most one pair, best total score.
    Pairs(pairs::Args),
    /// Form partner groups of two to M bodies for a service.
    Groups(groups::Args),
    /// Check the engine against real partnerships: each real partner's rank, hit@k and mean
    /// reciprocal rank, beside two baselines.
    Evaluate(evaluate::Args),
    /// Check profiles and print a summary, or list every problem found.
    Validate(validate::Args),
    /// List the bodies of the dataset, filtered: a summary (export writes every field).
    List(list::Args),
    /// Show one body's profile, found by id or name.
    Show(show::Args),
    /// Write a profile layer to fill in for a body (or a CSV layer's header) for --profile.
    Profile(profile::Args),
    /// Write the whole dataset in use (after --profile layers) as TOML or CSV, to load with
    /// --data.
    Export(export_cmd::Args),
    /// Turn a table of bodies (CSV) into TOML profiles.
    Import(import::Args),
    /// Rebuild the embedded UK dataset from the real tables of data/uk (for maintainers).
    BuildUk(build_uk::Args),
    /// Export the partner graph (neighbours, partnerships, parent areas) as DOT or JSON.
    Graph(graph::Args),
    /// Check a dataset once and write it as a prepared binary file (.pmd) that every command
    /// loads with --data in a fraction of the time.
    Pack(pack::Args),
    /// Generate a synthetic national dataset (fictional bodies, real structure) as CSV or TOML.
    Generate(generate::Args),
    /// Show the weight of each criterion, with its position and the evidence for it.
    Weights(weights::Args),
    /// Run scenario files (weights, filters, barrier mitigation, overrides, sweeps) and compare
    /// runs.
    Scenario(scenario::Args),
}

/// An error in what the user gave (exit code 2), as opposed to a runtime failure (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The flag of each field of a request, for problems.
fn flag(field: Field) -> &'static str {
    match field {
        Field::Top => "--top",
        Field::Sector => "--sector",
        Field::Kind => "--kind",
        Field::Region => "--region",
        Field::Nation => "--nation",
        Field::WithinArea => "--within-area",
        Field::WithinKm => "--within-km",
        Field::Method => "--method",
        Field::Exponent => "--exponent",
        Field::Order => "--order",
        Field::Weights => "--weights",
        Field::Filter => "the filter options",
    }
}

/// A request's problems as one usage error (exit 2), each line naming its flag.
fn request_error(problems: Problems) -> UsageError {
    usage_error(problem_lines(&problems))
}

/// A request's problems, one line (and its help) each, naming the flag.
fn problem_lines(problems: &Problems) -> Vec<String> {
    problems
        .0
        .iter()
        .map(|p| format!("{}: {}\n  help: {}", flag(p.field), p.message, p.help))
        .collect()
}

/// The names given to a vocabulary flag (`--sector`, `--kind`, `--service`), parsed; each
/// unknown name is a problem line naming the flag, with "did you mean" and the allowed values.
/// Such flags are kept as text by clap and parsed here, so that a misspelt name is reported
/// with every other problem of the request, not alone by clap.
fn names<T: Enumeration>(flag: &str, given: &[String], problems: &mut Vec<String>) -> Vec<T> {
    let mut out = Vec::with_capacity(given.len());
    for text in given {
        match T::parse_name(text) {
            Ok(value) => out.push(value),
            Err(err) => problems.push(format!("{flag}: {}\n  help: {}", err.message(), err.help())),
        }
    }
    out
}

/// A validated request, or every problem as one usage error: the problem lines found before
/// validation (misspelt names, from `names`) first, then the library's.
fn checked<T>(mut problems: Vec<String>, validated: Result<T, Problems>) -> Result<T, UsageError> {
    match validated {
        Ok(valid) if problems.is_empty() => Ok(valid),
        Ok(_) => Err(usage_error(problems)),
        Err(found) => {
            problems.extend(problem_lines(&found));
            Err(usage_error(problems))
        }
    }
}

/// Problem lines as one usage error (exit 2), counted when there are several.
fn usage_error(lines: Vec<String>) -> UsageError {
    match lines.as_slice() {
        [one] => UsageError(one.clone()),
        _ => {
            UsageError(format!("{} problems with the options:\n{}", lines.len(), lines.join("\n")))
        }
    }
}

/// Parses the command line, runs the command and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(n) = cli.global.threads {
        // Only fails if a pool was already built, which nothing before this line does.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(usize::from(n)).build_global();
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = exit_code(&err);
            if code != 0 {
                let _ = output::print_error(&err);
            }
            ExitCode::from(code)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Rank(args) => rank::run(&args, &cli.global),
        Command::Explain(args) => explain::run(&args, &cli.global),
        Command::RankAll(args) => rank_all::run(&args, &cli.global),
        Command::Robustness(args) => robustness::run(&args, &cli.global),
        Command::Report(args) => report::run(&args, &cli.global),
        Command::Serve(args) => serve::run(&args, &cli.global),
        Command::Pairs(args) => pairs::run(&args, &cli.global),
        Command::Groups(args) => groups::run(&args, &cli.global),
        Command::Graph(args) => graph::run(&args, &cli.global),
        Command::Evaluate(args) => evaluate::run(&args, &cli.global),
        Command::Validate(args) => validate::run(&args, &cli.global),
        Command::List(args) => list::run(&args, &cli.global),
        Command::Show(args) => show::run(&args, &cli.global),
        Command::Profile(args) => profile::run(&args, &cli.global),
        Command::Export(args) => export_cmd::run(&args, &cli.global),
        Command::Import(args) => import::run(&args),
        Command::BuildUk(args) => build_uk::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Pack(args) => pack::run(&args, &cli.global),
        Command::Weights(args) => weights::run(&args, &cli.global),
        Command::Scenario(args) => scenario::run(&args, &cli.global),
    }
}

/// 0 for a closed pipe, 2 for bad input or usage, 1 for anything else.
fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if is_broken_pipe(cause) {
            return 0;
        }
        if cause.is::<Diagnostics>()
            || cause.is::<Diagnostic>()
            || cause.is::<UsageError>()
            || cause.is::<FindError>()
            || cause.is::<WeightError>()
        {
            return 2;
        }
    }
    1
}

/// Whether an error is a write to a closed pipe (`partnermatch list | head`), however wrapped.
fn is_broken_pipe(cause: &(dyn std::error::Error + 'static)) -> bool {
    let kind = if let Some(e) = cause.downcast_ref::<io::Error>() {
        Some(e.kind())
    } else if let Some(e) = cause.downcast_ref::<serde_json::Error>() {
        e.io_error_kind()
    } else if let Some(e) = cause.downcast_ref::<csv::Error>() {
        match e.kind() {
            csv::ErrorKind::Io(io) => Some(io.kind()),
            _ => None,
        }
    } else {
        None
    };
    kind == Some(io::ErrorKind::BrokenPipe)
}

/// Loads the dataset named by `--data`, or the embedded default, with the `--profile` layers
/// laid over it in order: the one loading path of every command.
fn load_dataset(global: &GlobalArgs) -> anyhow::Result<Dataset> {
    let dataset = match &global.data {
        Some(path) => {
            Dataset::load(path).with_context(|| format!("invalid data in {}", path.display()))?
        }
        None => Dataset::embedded().context("the embedded dataset is invalid (a build problem)")?,
    };
    if global.profiles.is_empty() {
        return Ok(dataset);
    }
    let mut layers = Vec::with_capacity(global.profiles.len());
    let mut problems = Diagnostics::new();
    for path in &global.profiles {
        match partnermatch::profiles::load_layer(path) {
            Ok(layer) => layers.push(layer),
            Err(found) => problems.extend(found),
        }
    }
    let names: Vec<String> = global.profiles.iter().map(|p| p.display().to_string()).collect();
    problems.into_result(()).with_context(|| format!("invalid profile {}", names.join(", ")))?;
    apply_layers(dataset, &layers).with_context(|| format!("invalid profile {}", names.join(", ")))
}

/// A clap value parser for a vocabulary, with "did you mean" and the allowed values.
/// A count that must be at least 1 (`--top`): 0 would ask for an empty result that reads
/// like "nothing passes the filters".
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_enum<T: Enumeration>(text: &str) -> Result<T, String> {
    T::parse_name(text).map_err(|e| format!("{}; {}", e.message(), e.help()))
}

/// Loads the survey file named by `--survey`, or the embedded one.
fn load_survey(global: &GlobalArgs) -> anyhow::Result<Survey> {
    match global.survey.as_deref() {
        Some(path) => {
            Survey::load(path).with_context(|| format!("invalid survey file {}", path.display()))
        }
        None => Survey::embedded().context("the embedded survey file is invalid (a bug)"),
    }
}

/// Parses a score: a number from 0 to 1.
fn parse_score(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("\"{text}\" is not a score (a number from 0 to 1)")),
    }
}

/// Maps the library's refusals to usage errors (exit 2) and keeps internal failures (exit 1).
fn analysis_error(e: AnalysisError) -> anyhow::Error {
    match e {
        AnalysisError::Matching(_) => anyhow::Error::new(e),
        other => UsageError(other.to_string()).into(),
    }
}
