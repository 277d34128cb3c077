//! Scenarios: reproducible batches of rankings for consultants. A scenario file (TOML, format in
//! `docs/scenarios.md`) names a dataset, weights, filters, barrier mitigation, profile overrides,
//! the bodies to rank and parameters to sweep; this module parses it with located diagnostics
//! (`parse`), expands its sweeps into named runs (`sweep`; the settings both share are in
//! `spec`), resolves each run against its data (`plan`), ranks (`run`), writes results and a
//! manifest atomically (`write`), compares runs with a baseline (`compare`, with Kendall's tau
//! in `tau`) and writes and stacks long-format tables (`tidy`). The ranking itself is the engine's; this module only changes its inputs.
//! Only `Scenario::load`, `plan`, `read_run`, `stack` and `write_runs` touch files, and nothing is written until every scenario and body has been checked and every run
//! has been ranked.
//!
//! ```
//! use partnermatch::diagnostic::SourceText;
//! use partnermatch::scenario::{self, Scenario};
//!
//! let text = r#"
//! name = "adur-legal"
//! top = 3
//! focus = ["legal"]
//! [subjects]
//! bodies = ["Adur"]
//! [sweep]
//! method = ["rank_order_centroid", "rank_sum"]
//! "#;
//! let scenario = Scenario::parse(&SourceText::new("adur.toml", text.to_owned())).unwrap();
//! let plans = scenario::plan(&[scenario]).unwrap();
//! let results = scenario::execute(&plans).unwrap();
//! assert_eq!(results[1].name, "adur-legal__method=rank_sum");
//! assert_eq!(results[0].rankings.subjects[0].candidates.len(), 3);
//! let comparison = scenario::compare(&results[0].rankings, &results[0].rankings);
//! assert_eq!(comparison.summary.n_changed, 0);
//! ```

mod compare;
mod parse;
mod plan;
mod run;
mod spec;
mod sweep;
mod tau;
mod tidy;
mod write;

pub use compare::{
    BodyComparison, CommonCandidate, Comparison, Comparisons, MovedCandidate, Movement,
    MovementRow, RunLabel, Summary, TAU_DEFINITION, compare, compare_body, compare_many,
};
pub use parse::{OutputOptions, Override, ProfileChanges, Scenario, Source, Subjects, sha256_hex};
pub use plan::{RunPlan, plan};
pub use run::{
    BodyWeights, CandidateResult, CriterionResult, CriterionSide, DatasetInfo, EngineInfo, FORMAT,
    Manifest, MitigationInfo, MovedCriterion, NamedWeights, OutputFile, OutputInfo, OverrideInfo,
    PinnedWeight, Rankings, RunResult, ScenarioInfo, SubjectRanking, SubjectsInfo, SurveyInfo,
    WeightsInfo, execute,
};
pub use spec::{
    At, FilterSpec, MAX_RUNS, MAX_TOP, Mitigation, RunSettings, WeightChoice, WeightSet,
};
pub use sweep::{Assignment, Parameter, RunSpec, SweepAxis, SweepValue};
pub use tau::top_k_tau_b;
pub use tidy::{RESULTS_CSV, Stacked, results_csv, stack};
pub use write::{RunOutput, WriteError, read_run, write_runs};

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, Location};

/// Parses every scenario file, reporting the problems of all of them at once.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<Scenario>, Diagnostics> {
    let mut scenarios = Vec::with_capacity(paths.len());
    let mut problems = Diagnostics::new();
    let mut references = Vec::new();
    for path in paths {
        match Scenario::load(path) {
            Ok(scenario) => scenarios.push(scenario),
            Err(found) => {
                problems.extend(found);
                references.extend(parse::read_body_references(path));
            }
        }
    }
    if !problems.is_empty() {
        // Bodies a broken file names are checked too, so that one run reports them all.
        for d in plan::check_body_references(&references) {
            problems.push(d);
        }
        problems.sort();
    }
    problems.into_result(scenarios)
}

/// Parses, checks and ranks scenario files: every run of every file, in file order and sweep
/// order, or every problem found. Nothing is written.
pub fn run_files(paths: &[PathBuf]) -> Result<Vec<RunResult>, Diagnostics> {
    let scenarios = load_all(paths)?;
    let plans = plan(&scenarios)?;
    execute(&plans)
}

/// Every run at a path, for `compare`: a run folder is read (`read_run`); a scenario file is
/// run in memory, giving each of its runs in sweep order.
pub fn runs_at(path: &Path) -> Result<Vec<Rankings>, Diagnostics> {
    if path.is_dir() {
        return read_run(path).map(|run| vec![run.rankings]);
    }
    Ok(run_files(&[path.to_path_buf()])?.into_iter().map(|r| r.rankings).collect())
}

/// The rankings at a path, for `compare`: a run folder is read (`read_run`); a scenario file is
/// run in memory, and must expand to exactly one run.
pub fn rankings_at(path: &Path) -> Result<Rankings, Diagnostics> {
    if path.is_dir() {
        return read_run(path).map(|run| run.rankings);
    }
    let mut results = run_files(&[path.to_path_buf()])?;
    match results.len() {
        1 => Ok(results.remove(0).rankings),
        n => {
            let names: Vec<&str> = results.iter().map(|r| r.name.as_str()).collect();
            Err(Diagnostic::new(
                Location::file(path),
                format!("the scenario expands to {n} runs; compare needs one run on each side"),
            )
            .help(format!(
                "run it with `partnermatch scenario run` and compare two of its run folders: {}",
                names.join(", ")
            ))
            .into())
        }
    }
}

#[cfg(test)]
mod tests;
