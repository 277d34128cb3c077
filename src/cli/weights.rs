//! `partnermatch weights`: prints each criterion (or barrier, or reason) with its position,
//! weight and the evidence for its position, as a table or JSON. Computes nothing itself: the
//! weights come from the library's `Survey`.

use std::io::Write;

use partnermatch::export::weights::{WeightRow, WeightsDocument, criteria_rows, entry_rows};
use partnermatch::model::{CriteriaOrder, Enumeration};
use partnermatch::weights::{Method, Survey, WeightSettings, Weights};

use super::weight_args::WeightArgs;
use super::{UsageError, output};

/// The width evidence is wrapped to in the table.
const TABLE_WIDTH: u16 = 110;

/// Output format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people.
    #[default]
    Table,
    /// A JSON array, one object per criterion (criterion, label, position, tied, weight,
    /// basis, evidence, source).
    Json,
}

/// Arguments of `weights`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,

    /// Show the barrier weights instead (the survey file's barrier order and method).
    #[arg(long, conflicts_with = "reasons")]
    barriers: bool,

    /// Show the weights of the reasons for sharing instead (the survey file's order and method).
    #[arg(long)]
    reasons: bool,

    /// Show the weights one body uses for its side of a score: its own criteria order if its
    /// profile has one. The body is found by id or name.
    #[arg(long = "for", value_name = "BODY")]
    organisation: Option<String>,

    #[command(flatten)]
    fit: super::weights_fit::FitArgs,

    // Last: its help heading applies to the options after it.
    #[command(flatten)]
    weighting: WeightArgs,
}

/// Runs `weights`.
pub fn run(args: &Args, global: &super::GlobalArgs) -> anyhow::Result<()> {
    if let Some(path) = &args.fit.fit {
        return super::weights_fit::run(&args.fit, path, &args.weighting, args.format, global);
    }
    args.fit.check_unused()?;
    let survey = super::load_survey(global)?;
    let settings = args.weighting.settings()?;
    let (key, heading, rows) = if args.barriers || args.reasons {
        if !args.weighting.is_empty() || args.organisation.is_some() {
            return Err(UsageError(
                "--barriers and --reasons show the survey file's own weights: --method, \
                 --order, --exponent, --weights and --for change the criteria only"
                    .to_owned(),
            )
            .into());
        }
        let method = survey.method().describe();
        if args.barriers {
            let rows = entry_rows(survey.barriers(), &survey.barrier_weights(), |b| *b as usize);
            ("barrier", format!("barrier weights: {method}, order from the survey file"), rows)
        } else {
            let rows = entry_rows(survey.reasons(), &survey.reason_weights(), |r| *r as usize);
            ("reason", format!("reason weights: {method}, order from the survey file"), rows)
        }
    } else {
        let (weights, order, whose) = criteria(args, &survey, &settings, global)?;
        let method = settings.method().unwrap_or(survey.method());
        let heading = format!("criteria weights: {}, order from {whose}", method.describe());
        ("criterion", heading, criteria_rows(&survey, &order, &weights))
    };

    let mut out = output::stdout();
    match args.format {
        Format::Json => {
            output::write_json(&mut out, &WeightsDocument::new(key, &rows))?;
        }
        Format::Table => {
            writeln!(out, "{heading}")?;
            writeln!(out, "survey file: {}", survey.path().display())?;
            if let Some(Method::Explicit(explicit)) = settings.method()
                && !explicit.sums_to_one()
            {
                writeln!(
                    out,
                    "note: the explicit weights given sum to {}; each was divided by the sum",
                    explicit.sum()
                )?;
            }
            writeln!(out)?;
            output::print_table(&mut out, &table(key, &rows))?;
            writeln!(out)?;
            writeln!(
                out,
                "Weights sum to 1; tied items (=) share a position and a weight. Basis: \"survey\" \
                 is a published\nsurvey result, \"judgement\" the project's reading of the later \
                 evidence cited. Formulas: docs/weights.md."
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The criteria weights to show, the order they follow, and where that order comes from.
fn criteria(
    args: &Args,
    survey: &Survey,
    settings: &WeightSettings,
    global: &super::GlobalArgs,
) -> anyhow::Result<(Weights, CriteriaOrder, String)> {
    // Checks the settings against the survey (explicit weights against its order).
    let general = survey.weights(settings).map_err(|err| UsageError(err.to_string()))?;
    let general_origin = if settings.order().is_some() {
        "--order".to_owned()
    } else {
        "the survey file".to_owned()
    };
    let Some(id) = &args.organisation else {
        let order = settings.order().unwrap_or(survey.criteria_order()).clone();
        return Ok((general, order, general_origin));
    };
    let dataset = super::load_dataset(global)?;
    let body = &dataset.organisations()[dataset.find(id)?];
    let weights = survey.weights_for(body, settings);
    let order = survey.order_for(body, settings).clone();
    let explicit = matches!(settings.method().unwrap_or(survey.method()), Method::Explicit(_));
    let origin = match (&body.criteria_order, explicit) {
        (Some(_), false) => format!("{}'s own profile ({})", body.id, body.display_name()),
        (Some(_), true) => {
            format!("{general_origin} (explicit weights apply to every body, {} too)", body.id)
        }
        (None, _) => format!("{general_origin} ({} has no order of its own)", body.id),
    };
    Ok((weights, order, origin))
}

fn table(key: &str, rows: &[WeightRow]) -> comfy_table::Table {
    let mut table = output::plain_table(&["position", key, "weight", "basis", "evidence"], &[0, 2]);
    table.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    table.set_width(TABLE_WIDTH);
    for row in rows {
        let evidence = match (&row.evidence, &row.source) {
            (Some(e), Some(s)) => format!("{e} [{s}]"),
            (Some(e), None) => e.clone(),
            (None, _) => String::new(),
        };
        let position =
            if row.tied { format!("={}", row.position) } else { row.position.to_string() };
        table.add_row([
            position,
            row.name.to_owned(),
            format!("{:.4}", row.weight),
            row.basis.map_or("", |b| b.name()).to_owned(),
            evidence,
        ]);
    }
    table
}
