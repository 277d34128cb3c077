//! Fuzzes the scenario-file reader and its sweep expansion: any bytes give a scenario or located
//! problems, never a panic; a scenario that parses expands to between 1 and `MAX_RUNS` runs
//! with distinct names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnermatch::diagnostic::SourceText;
use partnermatch::scenario::{MAX_RUNS, Scenario};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let source = SourceText::new("fuzz-scenario.toml", text.to_owned());
    match Scenario::parse(&source) {
        Ok(scenario) => {
            let runs = scenario.runs();
            assert!((1..=MAX_RUNS).contains(&runs.len()), "{} runs", runs.len());
            let mut names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), runs.len(), "run names are not distinct");
        }
        Err(problems) => {
            let _ = problems.to_string();
        }
    }
});
