//! `partnermatch weights --fit FILE`: the criteria order real partnerships reveal, beside the
//! stated one (the survey file's or `--order`), with each criterion's move, Kendall's tau-b and
//! both orders' figures. The search is the library's `weights::fit`; this file reads options
//! and prints.

use std::io::Write;
use std::path::PathBuf;

use partnermatch::analysis::evaluate::{Metrics, Prepared};
use partnermatch::export::weights_fit::{FitDocument, FitRun};
use partnermatch::model::Enumeration;
use partnermatch::weights::fit::{self, DEFAULT_RESTARTS, FitSettings, MAX_RESTARTS};

use super::evaluate::{plural, read_partnerships};
use super::output;
use super::rank::{ScoringArgs, Top, prepare};
use super::weight_args::WeightArgs;
use super::weights::Format;
use super::{GlobalArgs, UsageError};

/// The options of `weights --fit`.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Fitting the order to real partnerships (--fit)")]
pub struct FitArgs {
    /// Search the criteria order that best explains the arrangements of a partnerships file
    /// (the format of `evaluate --partnerships`): the highest mean reciprocal rank, scored by
    /// leave-one-arrangement-out cross-validation, beside the stated order. Method:
    /// docs/validity.md.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["barriers", "reasons", "organisation"])]
    pub fit: Option<PathBuf>,

    /// Seed of the search's random starting orders: the same seed gives the same output
    /// [default: 1].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// Random starting orders besides the stated one: more find better orders more surely,
    /// at a cost in time [default: 8].
    #[arg(long, value_name = "N")]
    pub restarts: Option<usize>,

    /// After the order, search free weights (one at a time halved, doubled or set to 0).
    #[arg(long)]
    pub free_weights: bool,

    /// Keep the data's partnership links and leave known pairs out (as `evaluate`).
    #[arg(long)]
    pub keep_known: bool,

    /// Make an unknown member of the file an error (as `evaluate`).
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub scoring: ScoringArgs,
}

impl FitArgs {
    /// The options given that only `--fit` reads.
    fn given(&self) -> Vec<&'static str> {
        let s = &self.scoring;
        [
            ("--seed", self.seed.is_some()),
            ("--restarts", self.restarts.is_some()),
            ("--free-weights", self.free_weights),
            ("--keep-known", self.keep_known),
            ("--strict", self.strict),
            ("--sector", !s.sectors.is_empty()),
            ("--kind", !s.kinds.is_empty()),
            ("--region", !s.regions.is_empty()),
            ("--nation", !s.nations.is_empty()),
            ("--within-area", !s.within_areas.is_empty()),
            ("--within-km", s.within_km.is_some()),
            ("--service", !s.services.is_empty()),
            ("--exclude-partners", s.exclude_partners),
            ("--mutual", s.mutual.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }

    /// A usage error when options of `--fit` are given without it.
    pub fn check_unused(&self) -> Result<(), UsageError> {
        let given = self.given();
        if self.fit.is_none() && !given.is_empty() {
            return Err(UsageError(format!(
                "{} appl{} only with --fit FILE: add --fit, or drop {}",
                given.join(", "),
                if given.len() == 1 { "ies" } else { "y" },
                if given.len() == 1 { "it" } else { "them" }
            )));
        }
        Ok(())
    }
}

/// Runs `weights --fit`.
pub fn run(
    args: &FitArgs,
    path: &std::path::Path,
    weighting: &WeightArgs,
    format: Format,
    global: &GlobalArgs,
) -> anyhow::Result<()> {
    if args.restarts.is_some_and(|r| r > MAX_RESTARTS) {
        return Err(UsageError(format!(
            "--restarts must be at most {MAX_RESTARTS}: each restart is a local search per \
             arrangement left out"
        ))
        .into());
    }
    let (engine, rank) = prepare(global, &args.scoring, weighting, Top::All)?;
    let file = read_partnerships(path, &engine, args.strict)?;
    let prepared = Prepared::new(&engine, &file.arrangements, &rank, args.keep_known)?;
    let settings = FitSettings {
        seed: args.seed.unwrap_or(1),
        restarts: args.restarts.unwrap_or(DEFAULT_RESTARTS),
        free_weights: args.free_weights,
    };
    let result = fit::fit(&prepared, &engine.survey, &engine.dataset, &engine.settings, &settings)
        .map_err(|e| UsageError(e.to_string()))?;
    let method = engine.settings.method().unwrap_or(engine.survey.method());
    let stated_from = if engine.settings.order().is_some() { "--order" } else { "the survey file" };
    let mut out = output::stdout();
    match format {
        Format::Json => {
            let run = FitRun {
                partnerships: path.display().to_string(),
                data: engine.dataset.description(),
                mode: if args.keep_known { "keep_known" } else { "hide_links" },
                mutual: rank.mutual.name(),
                method: method.name(),
                seed: settings.seed,
                restarts: settings.restarts,
                free_weights: settings.free_weights,
                arrangements: file.arrangements.len(),
                skipped_arrangements: file.skipped_arrangements,
                unresolved_members: file.unresolved_members,
            };
            output::write_json(&mut out, &FitDocument::new(run, &result))?;
        }
        Format::Table => {
            writeln!(
                out,
                "Criteria order revealed by {} arrangement{} of {} ({} skipped, {} member{} not found)",
                file.arrangements.len(),
                plural(file.arrangements.len()),
                path.display(),
                file.skipped_arrangements,
                file.unresolved_members,
                plural(file.unresolved_members)
            )?;
            writeln!(
                out,
                "search: local search over orders from the stated order and {} random start{} (seed {}){}; {} weightings scored",
                settings.restarts,
                plural(settings.restarts),
                settings.seed,
                if settings.free_weights { ", then free weights" } else { "" },
                result.evaluations
            )?;
            writeln!(
                out,
                "method: {}; score: {} of both views; {}",
                method.describe(),
                rank.mutual.label(),
                if args.keep_known {
                    "known pairs left out"
                } else {
                    "each arrangement's own links hidden"
                }
            )?;
            writeln!(out)?;
            let mut table = output::plain_table(
                &["fitted", "criterion", &format!("stated ({stated_from})"), "move", "weight"],
                &[0, 2, 3, 4],
            );
            for m in &result.moves {
                let moved = match m.moved {
                    0 => "=".to_owned(),
                    n if n > 0 => format!("up {n}"),
                    n => format!("down {}", -n),
                };
                table.add_row([
                    m.fitted_position.to_string(),
                    m.criterion.name().to_owned(),
                    m.stated_position.to_string(),
                    moved,
                    format!("{:.3}", result.fitted_weights[m.criterion.index()]),
                ]);
            }
            output::print_table(&mut out, &table)?;
            writeln!(out)?;
            writeln!(
                out,
                "Kendall's tau-b between the stated and fitted orders: {:.3}",
                result.kendall_tau
            )?;
            writeln!(out)?;
            let mut figures = output::plain_table(
                &["order", "hit@1", "hit@3", "hit@5", "hit@10", "MRR"],
                &[1, 2, 3, 4, 5],
            );
            let mut add = |name: &str, m: &Metrics| {
                let mut row = vec![name.to_owned()];
                row.extend(m.hit_at.0.iter().map(|v| format!("{v:.3}")));
                row.push(format!("{:.3}", m.mrr));
                figures.add_row(row);
            };
            add("stated", &result.stated);
            add("fitted, cross-validated", &result.fitted_cross_validated);
            add("fitted, in-sample (optimistic)", &result.fitted_in_sample);
            output::print_table(&mut out, &figures)?;
            writeln!(
                out,
                "\n{} of {} leave-one-out folds fitted the same order. Cross-validated: each arrangement \
                 scored by the order\nfitted on the others. {} pairs.",
                result.folds_agreeing,
                file.arrangements.len(),
                result.stated.pairs
            )?;
            if !settings.free_weights {
                let order: Vec<&str> = result.fitted_order.iter().map(|c| c.name()).collect();
                writeln!(out, "\nTo rank with the fitted order: --order {}", order.join(","))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
