//! Tidy outputs for notebooks and pivot tables: a run's `results.csv` (long format, one row per
//! run, ranked body and candidate, with the run's swept values as columns) and `stack`, which
//! concatenates the `results.csv` of many runs into one table with the union of their columns.
//! `results_csv` is pure; `stack` only reads files (the caller writes the table).

use std::path::{Path, PathBuf};

use super::run::Rankings;
use super::sweep::Assignment;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::input::read_text;
use crate::model::{Criterion, Enumeration};

/// The name of the long-format table in every run folder.
pub const RESULTS_CSV: &str = "results.csv";

/// The columns before the swept parameters.
const LEADING: [&str; 2] = ["scenario", "run"];

/// The first column after the swept parameters.
const FIRST_RANKING_COLUMN: &str = "subject_id";

/// The ranking columns of every row, after the swept parameters.
const RANKING_COLUMNS: [&str; 9] = [
    FIRST_RANKING_COLUMN,
    "subject_name",
    "rank",
    "candidate_id",
    "candidate_name",
    "score",
    "forward",
    "backward",
    "distance_km",
];

/// A run's long-format table: `scenario`, `run`, one column per swept parameter (named as in
/// `[sweep]`, `weight.proximity`, holding the run's value as in its name), then the columns of
/// `rankings.csv` (with `explain`, also each criterion's value both ways, `neutral` and
/// `reasons`). One row per (ranked body, candidate); a body without candidates has no row.
pub fn results_csv(rankings: &Rankings, sweep: &[Assignment], explain: bool) -> Vec<u8> {
    let mut leading: Vec<(String, String)> = vec![
        (LEADING[0].to_owned(), rankings.scenario.clone()),
        (LEADING[1].to_owned(), rankings.run.clone()),
    ];
    leading.extend(sweep.iter().map(|a| (a.parameter.clone(), a.value.clone())));
    ranking_csv(rankings, explain, &leading)
}

/// The ranking table of a run (`rankings.csv`, and after `leading` columns of fixed values,
/// `results.csv`): one row per (ranked body, candidate); with `explain`, each criterion's value
/// both ways, `neutral` and `reasons`. Cells a spreadsheet would read as a formula are
/// neutralised (`export::csv_safe`).
pub(super) fn ranking_csv(
    rankings: &Rankings,
    explain: bool,
    leading: &[(String, String)],
) -> Vec<u8> {
    let mut writer = crate::export::csv_safe::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = leading.iter().map(|(name, _)| name.clone()).collect();
    header.extend(RANKING_COLUMNS.iter().map(|s| (*s).to_owned()));
    if explain {
        for c in Criterion::all() {
            header.push(format!("{}_forward", c.name()));
            header.push(format!("{}_backward", c.name()));
        }
        header.push("neutral".to_owned());
        header.push("reasons".to_owned());
    }
    // Writing to a Vec cannot fail; errors are ignored rather than unwrapped.
    let _ = writer.write_record(&header);
    for s in &rankings.subjects {
        for c in &s.candidates {
            let mut row: Vec<String> = leading.iter().map(|(_, value)| value.clone()).collect();
            row.extend([
                s.id.clone(),
                s.name.clone(),
                c.rank.to_string(),
                c.id.clone(),
                c.name.clone(),
                c.score.to_string(),
                c.forward.to_string(),
                c.backward.to_string(),
                c.distance_km.to_string(),
            ]);
            if explain && let Some(criteria) = &c.criteria {
                for x in criteria {
                    row.push(x.forward.value.to_string());
                    row.push(x.backward.value.to_string());
                }
                let neutral: Vec<&str> = criteria
                    .iter()
                    .filter(|x| x.forward.neutral)
                    .map(|x| x.criterion.as_str())
                    .collect();
                row.push(neutral.join(";"));
                row.push(c.reasons.join("; "));
            }
            let _ = writer.write_record(&row);
        }
    }
    writer.into_inner().unwrap_or_default()
}

/// Many runs' `results.csv` in one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stacked {
    /// `scenario`, `run`, the union of the swept parameters (in the order first seen), then the
    /// union of the other columns (in the order first seen).
    pub columns: Vec<String>,
    /// Every row of every run, runs in the order found; a column a run lacks is empty.
    pub rows: Vec<Vec<String>>,
    /// The `results.csv` files read, in order.
    pub files: Vec<PathBuf>,
}

impl Stacked {
    /// The table as CSV with a header row.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        // Writing to a Vec cannot fail; errors are ignored rather than unwrapped.
        let _ = writer.write_record(&self.columns);
        for row in &self.rows {
            let _ = writer.write_record(row);
        }
        writer.into_inner().unwrap_or_default()
    }
}

/// The `results.csv` files under the paths given: a run folder's own, or for a folder of run
/// folders (such as `scenario-runs/`), those of its sub-folders in name order.
fn results_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut files = Vec::new();
    let mut problems = Diagnostics::new();
    for path in paths {
        let own = path.join(RESULTS_CSV);
        if own.is_file() {
            files.push(own);
            continue;
        }
        if !path.is_dir() {
            problems.push(
                Diagnostic::new(Location::file(path.as_path()), "not a folder")
                    .help("give run folders written by `partnermatch scenario run`, or the folder that holds them"),
            );
            continue;
        }
        let mut inner: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.path().join(RESULTS_CSV))
                .filter(|p| p.is_file())
                .collect(),
            Err(err) => {
                problems.push(Diagnostic::new(
                    Location::file(path.as_path()),
                    format!("cannot read the folder: {err}"),
                ));
                continue;
            }
        };
        if inner.is_empty() {
            problems.push(
                Diagnostic::new(
                    Location::file(path.as_path()),
                    format!("no {RESULTS_CSV} here or in any folder inside"),
                )
                .help(
                    "give run folders written by `partnermatch scenario run` (runs written before \
                     results.csv existed need running again)",
                ),
            );
        }
        inner.sort();
        files.extend(inner);
    }
    problems.into_result(files)
}

/// One file's header and rows.
struct Table {
    file: PathBuf,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_table(file: &Path) -> Result<Table, Diagnostic> {
    let source = read_text(file)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(source.text().as_bytes());
    let mut records = reader.records();
    let broken = |err: csv::Error| {
        let line = err.position().map(|p| p.line() as usize);
        let location = match line {
            Some(line) => Location::at(file, line, None),
            None => Location::file(file),
        };
        Diagnostic::new(location, format!("cannot read the CSV: {err}"))
            .help("the file was changed by hand or by another program; run the scenario again")
    };
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(str::to_owned).collect(),
        Some(Err(err)) => return Err(broken(err)),
        None => {
            return Err(Diagnostic::new(Location::file(file), "the file is empty")
                .help("run the scenario again to write it"));
        }
    };
    let leading_ok = header.len() >= 2 && header[0] == LEADING[0] && header[1] == LEADING[1];
    if !leading_ok || !header.iter().any(|h| h == FIRST_RANKING_COLUMN) {
        return Err(Diagnostic::new(
            Location::at(file, 1, None),
            format!(
                "not a scenario results table: its header must start with `scenario,run` and hold \
                 `{FIRST_RANKING_COLUMN}`"
            ),
        )
        .help("give run folders written by `partnermatch scenario run`"));
    }
    let mut rows = Vec::new();
    for (i, record) in records.enumerate() {
        let record = record.map_err(broken)?;
        if record.len() != header.len() {
            return Err(Diagnostic::new(
                Location::at(file, i + 2, None),
                format!("the row has {} fields, the header {}", record.len(), header.len()),
            )
            .help("the file was changed by hand or by another program; run the scenario again"));
        }
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(Table { file: file.to_path_buf(), header, rows })
}

/// Stacks the `results.csv` of run folders (or of the run folders inside the folders given)
/// into one table: the union of their columns (see `Stacked::columns`), every row of every run.
/// Errors name the file and line: a folder with no results table, a file that is not one, and
/// a run found twice (which would count its rows twice). O(total cells).
pub fn stack(paths: &[PathBuf]) -> Result<Stacked, Diagnostics> {
    let files = results_files(paths)?;
    let mut tables = Vec::with_capacity(files.len());
    let mut problems = Diagnostics::new();
    for file in &files {
        match read_table(file) {
            Ok(t) => tables.push(t),
            Err(d) => problems.push(d),
        }
    }
    let mut seen: Vec<(String, PathBuf)> = Vec::new();
    for t in &tables {
        let mut runs: Vec<&str> = t.rows.iter().map(|r| r[1].as_str()).collect();
        runs.dedup();
        for run in runs {
            if let Some((_, first)) = seen.iter().find(|(r, _)| r == run) {
                problems.push(
                    Diagnostic::new(
                        Location::file(t.file.as_path()),
                        format!("run {run} is also in {}", first.display()),
                    )
                    .help("stack each run once: its rows would otherwise count twice"),
                );
            } else {
                seen.push((run.to_owned(), t.file.clone()));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut parameters: Vec<String> = Vec::new();
    let mut rest: Vec<String> = Vec::new();
    for t in &tables {
        let split = t.header.iter().position(|h| h == FIRST_RANKING_COLUMN).unwrap_or(2);
        for h in t.header.get(2..split).unwrap_or_default() {
            if !parameters.contains(h) {
                parameters.push(h.clone());
            }
        }
        for h in t.header.get(split..).unwrap_or_default() {
            if !rest.contains(h) {
                rest.push(h.clone());
            }
        }
    }
    let mut columns: Vec<String> = LEADING.iter().map(|s| (*s).to_owned()).collect();
    columns.extend(parameters);
    columns.extend(rest);
    let mut rows = Vec::new();
    for t in &tables {
        let at: Vec<Option<usize>> =
            columns.iter().map(|c| t.header.iter().position(|h| h == c)).collect();
        for row in &t.rows {
            rows.push(
                at.iter()
                    .map(|i| i.and_then(|i| row.get(i)).cloned().unwrap_or_default())
                    .collect(),
            );
        }
    }
    Ok(Stacked { columns, rows, files })
}
