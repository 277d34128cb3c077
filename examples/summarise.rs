//! Loads profiles with the library API and prints how many bodies each sector has.
//!
//! Run: `cargo run --example summarise -- tests/data/good`

// An example prints its results.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use partnermatch::dataset::Dataset;
use partnermatch::model::Enumeration;

fn main() -> ExitCode {
    let path =
        std::env::args_os().nth(1).map_or_else(|| PathBuf::from("tests/data/good"), PathBuf::from);
    let dataset = match Dataset::load(&path) {
        Ok(dataset) => dataset,
        Err(problems) => {
            eprintln!("{problems}");
            return ExitCode::from(2);
        }
    };
    let mut by_sector: BTreeMap<&str, usize> = BTreeMap::new();
    for organisation in dataset.organisations() {
        *by_sector.entry(organisation.sector.label()).or_default() += 1;
    }
    for (sector, n) in by_sector {
        println!("{sector}: {n}");
    }
    ExitCode::SUCCESS
}
