//! `partnermatch rank-all`: every body's top-k partners, exact, streamed as CSV or JSON lines
//! to a file (written atomically) or standard output, with a progress bar on a terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use partnermatch::engine::Engine;
use partnermatch::export::rank_all as document;
use partnermatch::export::write_atomic;
use partnermatch::model::OrganisationId;
use partnermatch::rank::{AllRanker, Ranked};

use super::rank::{ScoringArgs, Top, prepare};
use super::weight_args::WeightArgs;
use super::{GlobalArgs, output};

/// Output formats of `rank-all` (written by `export::rank_all`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AllFormat {
    /// CSV: one row per (body, candidate) pair.
    Csv,
    /// JSON lines: one object per body with its candidates.
    Jsonl,
}

/// Arguments of `rank-all`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The pruned path is exact: it gives the same output as --brute-force, which scores every
pair. Output is streamed; with --out the file appears whole or not at all. On a processor
with AVX-512 the bounds use it (same output to the bit); set PARTNERMATCH_NO_AVX512=1 to
turn that off.

Examples:
  partnermatch rank-all --top 10 --out all.csv
  partnermatch --data national.csv rank-all --format jsonl --out all.jsonl")]
pub struct Args {
    /// How many candidates per body.
    #[arg(long, default_value_t = 10, value_name = "K", value_parser = super::at_least_one)]
    top: usize,

    /// Write to FILE instead of standard output (`-`: standard output; a FIFO or a device is
    /// written straight into).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,

    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = AllFormat::Csv)]
    format: AllFormat,

    /// Score every pair instead of pruning with the proven bound (the reference path; slow).
    #[arg(long)]
    brute_force: bool,

    /// Never show a progress bar (it is shown only when standard error is a terminal).
    #[arg(long)]
    quiet: bool,

    #[command(flatten)]
    scoring: ScoringArgs,

    // Last: its help heading applies to the options after it.
    #[command(flatten)]
    weighting: WeightArgs,
}

/// Runs `rank-all`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    output::check_out(args.out.as_deref(), args.force)?;
    let (engine, settings) = prepare(global, &args.scoring, &args.weighting, Top::N(args.top))?;
    let loaded = started.elapsed();
    // Ranking reads only the index, and the output only the ids: the profiles and the graph,
    // most of the memory on a national dataset, are freed before the search builds its trees.
    let Engine { dataset, index, graph, .. } = engine;
    let ids: Vec<OrganisationId> = dataset.organisations().iter().map(|o| o.id.clone()).collect();
    drop((dataset, graph));
    let building = Instant::now();
    let ranker = AllRanker::new(&index, &settings);
    let built = building.elapsed();
    let n = ids.len();
    let bar = if !args.quiet && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(n as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} bodies, {per_sec}, eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |done: usize| bar.set_position(done as u64);
    let write = |w: &mut dyn Write| -> std::io::Result<partnermatch::rank::AllStats> {
        let format = args.format;
        if format == AllFormat::Csv {
            w.write_all(document::CSV_HEADER.as_bytes())?;
        }
        // Formatting runs in parallel, runs of subjects' rows to a buffer, without allocating
        // per row (`export::rank_all`); writing stays in order.
        let render = |subject: usize, ranked: &[Ranked], bytes: &mut Vec<u8>| match format {
            AllFormat::Csv => document::push_csv_rows(bytes, &ids, subject, ranked),
            AllFormat::Jsonl => document::push_json_line(bytes, &ids, subject, ranked),
        };
        ranker.run(args.brute_force, &render, |bytes: Vec<u8>| w.write_all(&bytes), &progress)
    };
    let stats = match args.out.as_deref().filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let mut stats = None;
            write_atomic(path, |w| {
                stats = Some(write(w)?);
                Ok(())
            })
            .with_context(|| format!("cannot write {}", path.display()))?;
            stats.unwrap_or_default()
        }
        None => {
            let mut out = output::stdout();
            let stats = write(&mut out)?;
            out.flush()?;
            stats
        }
    };
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    if !args.quiet {
        let ranking = (elapsed - loaded).as_secs_f64();
        // Writing: rescoring, rendering and writing the results, and syncing the file.
        let writing = elapsed.saturating_sub(loaded + built + stats.search);
        eprintln!(
            "ranked {} bodies (top {}) in {:.2} s ({:.2} s loading, {:.2} s building the tree, {:.2} s searching, {:.2} s writing): {} pairs scored, {:.1}% of all pairs, {} tree nodes bounded, {:.0} pairs/s{}",
            stats.subjects,
            args.top,
            elapsed.as_secs_f64(),
            loaded.as_secs_f64(),
            built.as_secs_f64(),
            stats.search.as_secs_f64(),
            writing.as_secs_f64(),
            stats.pairs_scored,
            100.0 * stats.pairs_scored as f64 / ((n as f64) * (n.saturating_sub(1).max(1) as f64)),
            stats.nodes_bounded,
            stats.pairs_scored as f64 / ranking.max(1e-9),
            if args.brute_force { " (brute force)" } else { "" }
        );
    }
    Ok(())
}
