//! `partnermatch explain BODY CANDIDATE`: one pair, every criterion's value, weight and
//! contribution in both directions, the mutual score and the reasons in plain English. The
//! numbers are those `rank` uses.

use std::io::Write;

use partnermatch::export::explain::ExplainDocument;
use partnermatch::model::Enumeration;
use partnermatch::score::SideExplanation;

use super::output;
use super::rank::{ScoringArgs, Top, prepare, weights_description};
use super::weight_args::WeightArgs;
use super::{GlobalArgs, UsageError};

/// The output formats of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// A readable table and the reasons.
    Text,
    /// JSON.
    Json,
}

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  partnermatch explain \"Adur District Council\" Worthing")]
pub struct Args {
    /// The body partners are sought for: id, official name or short name.
    #[arg(value_name = "BODY")]
    body: String,

    /// The candidate partner: id, official name or short name.
    #[arg(value_name = "CANDIDATE")]
    candidate: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,

    #[command(flatten)]
    scoring: ScoringArgs,

    // Last: its help heading applies to the options after it.
    #[command(flatten)]
    weighting: WeightArgs,
}

/// Runs `explain`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    let (engine, settings) = prepare(global, &args.scoring, &args.weighting, Top::N(1))?;
    let subject = engine.dataset.find(&args.body)?;
    let candidate = engine.dataset.find(&args.candidate)?;
    if subject == candidate {
        return Err(UsageError(
            "a body cannot be its own partner: name two different bodies".to_owned(),
        )
        .into());
    }
    let explanation = engine.explain(subject, candidate, &settings);
    let orgs = engine.dataset.organisations();
    let (a, b) = (&orgs[subject], &orgs[candidate]);
    let mut out = output::stdout();
    match args.format {
        ExplainFormat::Json => {
            output::write_json(&mut out, &ExplainDocument::new(a, b, explanation))?;
        }
        ExplainFormat::Text => {
            writeln!(out, "{} ({}) and {} ({})", a.name, a.id, b.name, b.id)?;
            writeln!(
                out,
                "score {:.3}: {} of {:.3} ({}'s view) and {:.3} ({}'s view); {:.0} km apart",
                explanation.mutual,
                explanation.mutual_method.label(),
                explanation.forward.score,
                a.display_name(),
                explanation.backward.score,
                b.display_name(),
                explanation.distance_km
            )?;
            writeln!(out, "weights: {}", weights_description(&engine))?;
            writeln!(out)?;
            let mut table = output::plain_table(
                &[
                    "criterion",
                    "weight",
                    "value",
                    "contribution",
                    "weight'",
                    "value'",
                    "contribution'",
                ],
                &[1, 2, 3, 4, 5, 6],
            );
            let cell = |c: &partnermatch::score::CriterionExplanation| {
                let mark = if c.neutral { "*" } else { "" };
                [
                    format!("{:.4}", c.weight),
                    format!("{:.3}{mark}", c.value),
                    format!("{:.4}", c.contribution),
                ]
            };
            for (f, bk) in explanation.forward.criteria.iter().zip(&explanation.backward.criteria) {
                let [w, v, c] = cell(f);
                let [w2, v2, c2] = cell(bk);
                table.add_row([f.criterion.name().to_owned(), w, v, c, w2, v2, c2]);
            }
            table.add_row([
                "total".to_owned(),
                String::new(),
                String::new(),
                format!("{:.4}", explanation.forward.score),
                String::new(),
                String::new(),
                format!("{:.4}", explanation.backward.score),
            ]);
            output::print_table(&mut out, &table)?;
            writeln!(
                out,
                "columns without ' are {}'s view; with ' {}'s; * = no data, neutral value",
                a.display_name(),
                b.display_name()
            )?;
            write_reasons(&mut out, a.display_name(), &explanation.forward)?;
            write_reasons(&mut out, b.display_name(), &explanation.backward)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn write_reasons(out: &mut impl Write, whose: &str, side: &SideExplanation) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{whose}'s view:")?;
    for c in &side.criteria {
        let neutral = if c.neutral { " (neutral)" } else { "" };
        writeln!(out, "  {:<20} {}{neutral}", c.criterion.label(), c.reason)?;
    }
    Ok(())
}
