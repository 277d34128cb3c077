//! `partnermatch report BODY --out FILE.html`: one body's ranked partners as a self-contained
//! HTML report (map, table, reasons, robustness, weights, sources) for officers to open, share
//! and print. Parses options and writes the file; the report itself is the library's.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use partnermatch::analysis::robustness::MAX_SAMPLES;
use partnermatch::export::write_atomic;
use partnermatch::report::{DEFAULT_SAMPLES, DEFAULT_SEED, Report, ReportSettings};

use super::output;
use super::rank::{ScoringArgs, Top, prepare};
use super::weight_args::WeightArgs;
use super::{GlobalArgs, UsageError};

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The report is one HTML file with its styles and data inline: it opens in any browser with no
network, and prints on A4. The robustness figures draw --samples weight vectors with --seed (the
same seed gives the same figures). What it shows: docs/report.md.

Examples:
  partnermatch report \"Adur District Council\" --out adur.html
  partnermatch report adur --top 5 --service legal --within-km 40 --out adur-legal.html
  partnermatch report adur --shortlist worthing,horsham --out adur-shortlist.html")]
pub struct Args {
    /// The body to find partners for: its id (E07000223), official name or short name.
    #[arg(value_name = "BODY")]
    body: String,

    /// The HTML file to write (replaced whole, or left untouched on failure); `-` for
    /// standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    out: PathBuf,

    /// Replace FILE if it exists (without it, an existing file is left untouched).
    #[arg(long)]
    force: bool,

    /// How many candidates to show.
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=100))]
    top: u16,

    /// Weight vectors drawn for the robustness figures.
    #[arg(long, default_value_t = DEFAULT_SAMPLES, value_name = "N")]
    samples: usize,

    /// Seed of the robustness figures' random generator.
    #[arg(long, default_value_t = DEFAULT_SEED, value_name = "S")]
    seed: u64,

    /// Partners to shortlist (ids or names, separated by commas): compared side by side,
    /// criterion by criterion in both directions, and marked in the ranking (as the page's
    /// "download the shortlist as a report" does).
    #[arg(long, value_name = "ID,ID", value_delimiter = ',')]
    shortlist: Vec<String>,

    #[command(flatten)]
    scoring: ScoringArgs,

    // Last: its help heading applies to the options after it.
    #[command(flatten)]
    weighting: WeightArgs,
}

/// Runs `report`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    if args.samples == 0 || args.samples > MAX_SAMPLES {
        return Err(UsageError(format!("--samples must be between 1 and {MAX_SAMPLES}")).into());
    }
    output::check_out_file(&args.out, args.force, " ending in .html")?;
    let (engine, rank) =
        prepare(global, &args.scoring, &args.weighting, Top::N(usize::from(args.top)))?;
    let subject = engine.dataset.find(&args.body)?;
    let mut shortlist = Vec::with_capacity(args.shortlist.len());
    for name in args.shortlist.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let i = engine.dataset.find(name).with_context(|| format!("--shortlist {name}"))?;
        if i == subject {
            return Err(UsageError(format!(
                "--shortlist names {name}, the body the report is for; list its partners only"
            ))
            .into());
        }
        if !shortlist.contains(&i) {
            shortlist.push(i);
        }
    }
    let settings = ReportSettings { rank, samples: args.samples, seed: args.seed, shortlist };
    let html = Report::build(&engine, subject, &settings).to_html();
    if args.out.as_os_str() == "-" {
        let mut out = output::stdout();
        out.write_all(html.as_bytes())?;
        out.flush()?;
        return Ok(());
    }
    write_atomic(&args.out, |w| w.write_all(html.as_bytes()))
        .with_context(|| format!("cannot write the report to {}", args.out.display()))?;
    let name = &engine.dataset.organisations()[subject].name;
    eprintln!("wrote the report on {name} to {}", args.out.display());
    Ok(())
}
