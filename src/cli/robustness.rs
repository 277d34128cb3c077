//! `partnermatch robustness BODY`: how robust a body's ranking is when only the order of the
//! criteria is known (SMAA): each candidate's chance of each rank and of the top K, its central
//! weights, and the exact claims "always in the top K" and "excluded".

use std::io::Write;

use partnermatch::analysis::robustness::{MAX_SAMPLES, RobustnessSettings, robustness};
use partnermatch::export::robustness::{RobustnessDocument, write_csv};
use partnermatch::model::{Criterion, Enumeration};
use partnermatch::score::Mutual;

use super::output::{self, Format};
use super::rank::{ScoringArgs, Top, prepare};
use super::weight_args::WeightArgs;
use super::{GlobalArgs, UsageError};

/// Arguments of `robustness`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Weight vectors are drawn uniformly from every weighting consistent with the criteria order
(the survey's, or --order), and the candidates ranked under each. The same --seed gives the
same figures. Method: docs/robustness.md.

Example:
  partnermatch robustness \"Adur District Council\" --samples 10000 --seed 7 --top 5")]
pub struct Args {
    /// The body: id, official name or short name.
    #[arg(value_name = "BODY")]
    body: String,

    /// Weight vectors to draw.
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    samples: usize,

    /// Seed of the random generator (ChaCha8): the same seed gives the same figures.
    #[arg(long, default_value_t = 1, value_name = "S")]
    seed: u64,

    /// K: the ranks and the top-K chance to report.
    #[arg(long, default_value_t = 10, value_name = "K", value_parser = super::at_least_one)]
    top: usize,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,

    #[command(flatten)]
    scoring: ScoringArgs,

    // Last: its help heading applies to the options after it.
    #[command(flatten)]
    weighting: WeightArgs,
}

/// Runs `robustness`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    if args.samples == 0 || args.samples > MAX_SAMPLES {
        return Err(UsageError(format!("--samples must be between 1 and {MAX_SAMPLES}")).into());
    }
    let (engine, mut rank) = prepare(global, &args.scoring, &args.weighting, Top::N(args.top))?;
    let subject = engine.dataset.find(&args.body)?;
    rank.mutual = args.scoring.mutual.unwrap_or(Mutual::Arithmetic);
    let settings = RobustnessSettings { samples: args.samples, seed: args.seed, rank };
    let result = robustness(&engine, subject, &settings).map_err(|e| UsageError(e.to_string()))?;
    let orgs = engine.dataset.organisations();
    let mut out = output::stdout();
    match args.format {
        Format::Json => {
            let document = RobustnessDocument::new(&engine.dataset, subject, &settings, &result);
            output::write_json(&mut out, &document)?;
        }
        Format::Csv => write_csv(&mut out, &engine.dataset, args.top, &result)?,
        Format::Table => {
            let o = &orgs[subject];
            writeln!(
                out,
                "Robustness of the top {} for {} ({}): {} weight vectors drawn uniformly from every weighting consistent with the {} (seed {})",
                args.top,
                o.name,
                o.id,
                output::thousands(args.samples as u64),
                if result.own_order {
                    "body's own criteria order and the general order"
                } else {
                    "criteria order"
                },
                args.seed
            )?;
            writeln!(
                out,
                "score: {} of both views; {} candidates, {} proven unable to reach the top {}",
                settings.rank.mutual.label(),
                result.n_eligible,
                result.n_excluded,
                args.top
            )?;
            writeln!(out)?;
            let mut header: Vec<String> = vec!["name".into(), format!("top {}", args.top)];
            header.extend((1..=args.top.min(3)).map(|r| format!("rank {r}")));
            header.extend(["always".into(), "central weights (first three)".into()]);
            let names: Vec<&str> = header.iter().map(String::as_str).collect();
            let right: Vec<usize> = (1..2 + args.top.min(3)).collect();
            let mut table = output::plain_table(&names, &right);
            for a in result.candidates.iter().filter(|a| a.possible_in_top_k) {
                let mut row = vec![orgs[a.candidate].display_name().to_owned(), percent(a.top_k)];
                row.extend(a.ranks.iter().take(3).map(|p| percent(*p)));
                row.push(if a.always_in_top_k { "yes".into() } else { String::new() });
                row.push(a.central_weights.map_or_else(String::new, |w| central(&w)));
                table.add_row(row);
            }
            output::print_table(&mut out, &table)?;
            writeln!(out)?;
            writeln!(
                out,
                "always = in the top {} under every admissible weighting (proven from the vertices); central weights: the mean weights under which the candidate ranks first",
                args.top
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn percent(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

/// The three heaviest central weights, named.
fn central(w: &[f64; Criterion::COUNT]) -> String {
    let mut named: Vec<(Criterion, f64)> =
        Criterion::all().iter().map(|c| (*c, w[c.index()])).collect();
    named.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    named
        .iter()
        .take(3)
        .map(|(c, x)| format!("{} {:.2}", c.name(), x))
        .collect::<Vec<_>>()
        .join(", ")
}
