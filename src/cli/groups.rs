//! `partnermatch groups --service S`: partner groups of two to M bodies for a service, each
//! with its members, average pairwise score and the criteria that bind it, the objective and
//! its upper bound, as a table, JSON or CSV; timings on standard error. Knows clap; the
//! grouping is the library's.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use partnermatch::analysis::candidates::PairView;
use partnermatch::analysis::groups::{Grouping, GroupsSettings, MAX_GROUP_SIZE, form_groups};
use partnermatch::engine::Engine;
use partnermatch::export::groups::{self as document, GroupRecord, GroupsDocument, OBJECTIVE};
use partnermatch::export::xlsx::write_workbook;
use partnermatch::model::Enumeration;

use super::output::{self, SheetFormat, body_list, percent, plural, seconds, write_settings_lines};
use super::rank::{ScoringArgs, Top, prepare};
use super::weight_args::WeightArgs;
use super::{GlobalArgs, UsageError, analysis_error, parse_score};

/// Arguments of `groups`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Bodies take part when they seek or offer the service, or their services are not known.
A group of g bodies is worth (g - 1) x its average pairwise score (a pair: its score);
the grouping maximises the sum. The problem is NP-hard: the search (exact matching as
seeds, greedy merging, moves and swaps) is a heuristic, and the output gives a proven
upper bound on the best possible. Timings go to standard error.

Examples:
  partnermatch groups --service legal --region \"South East\"
  partnermatch groups --service revenues_and_benefits --max-size 4 --format json")]
pub struct Args {
    /// Largest group (2 to 12).
    #[arg(long, default_value_t = 6, value_name = "M",
          value_parser = clap::value_parser!(u8).range(2..=MAX_GROUP_SIZE as i64))]
    max_size: u8,

    /// Every member's average score to the others in its group must be at least X (0 to 1).
    #[arg(long, default_value_t = 0.0, value_name = "X", value_parser = parse_score)]
    min_score: f64,

    /// Partners per body in the candidate graph (where seeds and merges come from).
    #[arg(long, default_value_t = 10, value_name = "K")]
    candidates: usize,

    /// Output format (xlsx needs --out).
    #[arg(long, value_enum, default_value_t = SheetFormat::Table)]
    format: SheetFormat,

    /// Write to FILE instead of standard output (the file appears whole or not at all; `-`:
    /// standard output; a FIFO or a device is written straight into).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,

    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,

    /// Print no summary on standard error.
    #[arg(long)]
    quiet: bool,

    #[command(flatten)]
    scoring: ScoringArgs,

    // Last: its help heading applies to the options after it.
    #[command(flatten)]
    weighting: WeightArgs,
}

/// Runs `groups`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    output::check_sheet_out(args.format, args.out.as_deref())?;
    output::check_out(args.out.as_deref(), args.force)?;
    let (engine, rank) = prepare(global, &args.scoring, &args.weighting, Top::N(args.candidates))?;
    let settings = GroupsSettings {
        rank,
        candidates: args.candidates,
        max_size: usize::from(args.max_size),
        min_score: args.min_score,
        ..GroupsSettings::default()
    };
    let loaded = started.elapsed();
    let grouping = form_groups(&engine, &settings).map_err(analysis_error)?;
    let explain_started = Instant::now();
    let view = PairView::new(&engine.index, &settings.rank).map_err(analysis_error)?;
    let records = document::records(&engine, &view, &grouping);
    let explain_time = explain_started.elapsed();
    output::emit(args.out.as_deref(), |w| match args.format {
        SheetFormat::Json => {
            let document = GroupsDocument::new(&engine, &settings, &grouping, records);
            let mut w = w;
            output::write_json(&mut w, &document)
        }
        SheetFormat::Csv => document::table(&engine, &settings, &grouping, &records)
            .write_csv(w)
            .map_err(anyhow::Error::from),
        SheetFormat::Xlsx => {
            let sheets = document::sheets(&engine, &settings, &grouping, &records)
                .map_err(|e| UsageError(e.to_string()))?;
            write_workbook(w, &sheets)?;
            Ok(())
        }
        SheetFormat::Table => write_table(w, &engine, &settings, &grouping, &records),
    })?;
    if !args.quiet {
        eprintln!(
            "groups: {} bodies, {} candidate pairs; loading {}, candidate graph {}, search {}, bound {}, explanations {}, total {}",
            output::thousands(grouping.graph.n_bodies as u64),
            output::thousands(grouping.graph.n_edges as u64),
            seconds(loaded),
            seconds(grouping.timings.candidates),
            seconds(grouping.timings.search),
            seconds(grouping.timings.bound),
            seconds(explain_time),
            seconds(started.elapsed()),
        );
    }
    Ok(())
}

fn service_names(settings: &GroupsSettings) -> String {
    settings.rank.focus.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")
}

fn write_table(
    w: &mut dyn Write,
    engine: &Engine,
    settings: &GroupsSettings,
    grouping: &Grouping,
    records: &[GroupRecord],
) -> anyhow::Result<()> {
    let orgs = engine.dataset.organisations();
    writeln!(
        w,
        "Partner groups for {}: {} of 2 to {} among {} bodies ({} ungrouped)",
        service_names(settings),
        plural(grouping.groups.len(), "group"),
        settings.max_size,
        output::thousands(grouping.graph.n_bodies as u64),
        output::thousands(grouping.ungrouped.len() as u64),
    )?;
    writeln!(
        w,
        "objective ({OBJECTIVE}): {:.3}; upper bound {:.3}, so at most {} below the best possible",
        grouping.value,
        grouping.bound,
        percent(grouping.gap_share())
    )?;
    let s = &grouping.search;
    writeln!(
        w,
        "search: matching seeds {:.3}, after merging {:.3}, final {:.3} ({}: {}, {}, {})",
        s.seed_value,
        s.merged_value,
        s.value,
        plural(s.rounds, "round"),
        plural(s.merges, "merge"),
        plural(s.moves, "move"),
        plural(s.swaps, "swap"),
    )?;
    if settings.min_score > 0.0 {
        writeln!(w, "each member fits the others at least {} on average", settings.min_score)?;
    }
    write_settings_lines(w, engine, &settings.rank)?;
    writeln!(w)?;
    let mut table =
        output::plain_table(&["group", "size", "average", "members", "why"], &[0, 1, 2]);
    for (g, r) in grouping.groups.iter().zip(records) {
        let names: Vec<&str> = g.members.iter().map(|&m| orgs[m].display_name()).collect();
        table.add_row([
            r.rank.to_string(),
            r.size.to_string(),
            format!("{:.3}", g.average),
            names.join(", "),
            r.reasons.join("; "),
        ]);
    }
    let mut out = w;
    output::print_table(&mut out, &table)?;
    if grouping.groups.is_empty() {
        writeln!(out, "no group to propose; loosen the filters, --within-km or --min-score")?;
    }
    if !grouping.ungrouped.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "ungrouped ({}): {}",
            grouping.ungrouped.len(),
            body_list(engine, &grouping.ungrouped)
        )?;
    }
    let neutral: Vec<&str> = records
        .first()
        .map(|r| {
            r.criteria
                .iter()
                .filter(|c| records.iter().all(|q| q.criteria[c.criterion.index()].neutral))
                .map(|c| c.criterion.label())
                .collect()
        })
        .unwrap_or_default();
    if !neutral.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "no data for any group (counted as {}: missing data never counts in a body's favour): {}",
            partnermatch::score::NEUTRAL,
            neutral.join(", ")
        )?;
    }
    Ok(())
}
