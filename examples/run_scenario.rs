//! Runs a scenario file with the library API, writes its run folders, reads them back and
//! compares the first run with the others.
//!
//! Run: `cargo run --example run_scenario -- [examples/scenarios/legal-south-east.toml]`

// An example prints its results.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::ExitCode;

use partnermatch::scenario;

fn main() -> ExitCode {
    let path = std::env::args_os().nth(1).map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("examples/scenarios/legal-south-east.toml")
        },
        PathBuf::from,
    );

    // Parse, check against the data, and rank every run; nothing is written yet.
    let results = match scenario::run_files(std::slice::from_ref(&path)) {
        Ok(results) => results,
        Err(problems) => {
            eprintln!("{problems}");
            return ExitCode::from(2);
        }
    };

    // Write the run folders (atomically) into a temporary folder, then read them back.
    let out = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(err) => {
            eprintln!("cannot make a temporary folder: {err}");
            return ExitCode::FAILURE;
        }
    };
    let folders = match scenario::write_runs(&results, out.path(), false) {
        Ok(folders) => folders,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let mut runs = Vec::with_capacity(folders.len());
    for folder in &folders {
        match scenario::read_run(folder) {
            Ok(run) => runs.push(run),
            Err(problems) => {
                eprintln!("{problems}");
                return ExitCode::FAILURE;
            }
        }
    }

    for run in &runs {
        let r = &run.rankings;
        println!("run {} ({} bodies, top {})", r.run, r.subjects.len(), r.top);
        for subject in r.subjects.iter().take(3) {
            let top: Vec<String> =
                subject.candidates.iter().map(|c| format!("{} {:.3}", c.name, c.score)).collect();
            println!("  {}: {}", subject.name, top.join("; "));
        }
    }

    if let Some((first, others)) = runs.split_first() {
        for other in others {
            let c = scenario::compare(&first.rankings, &other.rankings);
            println!(
                "\n{} vs {}: {} of {} bodies changed, mean Kendall tau-b {}, top 1 changed for {}",
                c.a.run,
                c.b.run,
                c.summary.n_changed,
                c.summary.n_bodies,
                c.summary.mean_tau.map_or_else(|| "n/a".to_owned(), |t| format!("{t:.3}")),
                c.summary.n_top1_changed
            );
        }
    }
    ExitCode::SUCCESS
}
