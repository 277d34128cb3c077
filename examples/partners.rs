//! Ranks one council on the embedded UK data with the library alone (no command line, no
//! server: it builds with `default-features = false`) and prints its partners' ids and names.
//!
//! Run: `cargo run --example partners -- ["Adur District Council"]`

// An example prints its results.
#![allow(clippy::print_stdout)]

use std::process::ExitCode;

use partnermatch::dataset::Dataset;
use partnermatch::engine::Engine;
use partnermatch::rank::RankSettings;
use partnermatch::weights::{Survey, WeightSettings};

fn main() -> ExitCode {
    let body = std::env::args().nth(1).unwrap_or_else(|| "Adur District Council".to_owned());
    // The compiled-in bodies and survey; `Dataset::load` reads a file or folder instead.
    let (dataset, survey) = match (Dataset::embedded(), Survey::embedded()) {
        (Ok(dataset), Ok(survey)) => (dataset, survey),
        (Err(problems), _) | (_, Err(problems)) => {
            eprintln!("{problems}");
            return ExitCode::FAILURE;
        }
    };
    // The survey's own order and method, as `partnermatch rank` uses by default.
    let engine = match Engine::new(dataset, survey, WeightSettings::default()) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let settings = RankSettings { top: 5, ..RankSettings::default() };
    match engine.partners(&body, &settings) {
        Ok(partners) => {
            println!("{body}: best {} partners", partners.len());
            for (rank, p) in partners.iter().enumerate() {
                println!(
                    "{:>2}. {:<10} {:<45} {:.3}",
                    rank + 1,
                    p.id.as_str(),
                    p.name,
                    p.score.mutual
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
