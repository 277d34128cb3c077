//! The command line: clap arguments, turned into validated settings, one file per subcommand.
//! This is the only module that knows clap; it calls the library and prints what it returns.

mod output;
mod validate;
mod weight_args;
mod weights;

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use partnermatch::dataset::Dataset;
use partnermatch::diagnostic::{Diagnostic, Diagnostics};
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
    /// Profiles to use: a TOML file, or a directory read recursively.
    #[arg(long, global = true, value_name = "PATH")]
    data: Option<PathBuf>,

    /// Survey file with the criteria, barrier and reason orders, their evidence and the
    /// weighting method [default: the embedded profiles/survey.toml].
    #[arg(long, global = true, value_name = "PATH")]
    survey: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check profiles and print a summary, or list every problem found.
    Validate(validate::Args),
    /// Show the weight of each criterion, with its position and the evidence for it.
    Weights(weights::Args),
}

/// An error in what the user gave (exit code 2), as opposed to a runtime failure (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Parses the command line, runs the command and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
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
        Command::Validate(args) => validate::run(&args, cli.data.as_deref()),
        Command::Weights(args) => weights::run(&args, cli.survey.as_deref(), cli.data.as_deref()),
    }
}

/// 0 for a closed pipe, 2 for bad input or usage, 1 for anything else.
fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(io_err) = cause.downcast_ref::<io::Error>()
            && io_err.kind() == io::ErrorKind::BrokenPipe
        {
            return 0;
        }
        if cause.is::<Diagnostics>()
            || cause.is::<Diagnostic>()
            || cause.is::<UsageError>()
            || cause.is::<WeightError>()
        {
            return 2;
        }
    }
    1
}

/// Loads the dataset named by `--data`.
fn load_dataset(data: Option<&Path>) -> anyhow::Result<Dataset> {
    let Some(path) = data else {
        return Err(UsageError(
            "no dataset given: pass --data PATH (a profile file or directory)".to_owned(),
        )
        .into());
    };
    Dataset::load(path).with_context(|| format!("invalid data in {}", path.display()))
}

/// Loads the survey file named by `--survey`, or the embedded one.
fn load_survey(path: Option<&Path>) -> anyhow::Result<Survey> {
    match path {
        Some(path) => {
            Survey::load(path).with_context(|| format!("invalid survey file {}", path.display()))
        }
        None => Survey::embedded().context("the embedded survey file is invalid (a bug)"),
    }
}
