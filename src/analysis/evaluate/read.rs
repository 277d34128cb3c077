//! Reading a file of real partnerships (arrangements) into dataset indices: a CSV with a
//! `members` column (bodies separated by `;`, each found by id or any name `Dataset::find`
//! resolves) and optional `id`, `services`, `start_year`, `kind`, `source_url`, `confidence`
//! columns. A malformed file is an error; a member the dataset does not know is a located
//! problem returned beside what could be read, so that the caller decides whether it is fatal.

use std::path::Path;

use crate::dataset::{Dataset, FindError};
use crate::diagnostic::{Diagnostic, Diagnostics, Location, SourceText};

/// One arrangement of the file, its members resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrangement {
    /// Its `id` cell, or `row N` when the file has no `id` column or the cell is empty.
    pub id: String,
    /// The line of the file it starts on (1-based).
    pub line: usize,
    /// The members the dataset knows, as dataset indices, in file order, each once.
    pub members: Vec<usize>,
    /// How many members the row names.
    pub listed: usize,
}

/// What a partnerships file holds: the arrangements with at least two known members, and the
/// problems of the others.
#[derive(Debug, Clone, Default)]
pub struct ArrangementFile {
    /// The arrangements that can be evaluated (two or more known members), in file order.
    pub arrangements: Vec<Arrangement>,
    /// Every unknown or ambiguous member and every skipped arrangement, located.
    pub problems: Vec<Diagnostic>,
    /// How many members could not be resolved (unknown or ambiguous).
    pub unresolved_members: usize,
    /// How many arrangements were skipped (fewer than two known members).
    pub skipped_arrangements: usize,
}

/// The columns of the development file, for help messages.
const COLUMNS: &str = "id, members, services, start_year, kind, source_url, confidence";

/// Reads a partnerships file and resolves its members against a dataset. Errors (exit 2) for a
/// file that cannot be read, is empty or not UTF-8, has no `members` column, no rows, or a
/// broken CSV record; unknown members are `problems`, not errors.
pub fn read_arrangements(path: &Path, dataset: &Dataset) -> Result<ArrangementFile, Diagnostics> {
    let bytes = crate::input::read_bytes(path)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Diagnostic::new(Location::file(path), "file is empty")
            .help(format!("a partnerships file is a CSV with a header row ({COLUMNS}) and one row per arrangement"))
            .into());
    }
    let source = crate::input::text_from_bytes(path, bytes)?;
    parse_arrangements(&source, dataset)
}

/// Parses a partnerships file's text (see `read_arrangements`).
pub fn parse_arrangements(
    source: &SourceText,
    dataset: &Dataset,
) -> Result<ArrangementFile, Diagnostics> {
    let path = source.path();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(source.text().as_bytes());
    let header_error = |err: csv::Error| -> Diagnostics {
        Diagnostic::new(
            Location::at(path.clone(), 1, None),
            format!("cannot read the header row: {err}"),
        )
        .help(format!("the first row names the columns: {COLUMNS}"))
        .into()
    };
    let headers = reader.headers().map_err(header_error)?.clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let Some(members_column) = column("members") else {
        let found: Vec<&str> = headers.iter().collect();
        return Err(Diagnostic::new(
            Location::at(path.clone(), 1, None),
            format!("no `members` column (the header row names: {})", found.join(", ")),
        )
        .field("members")
        .help(format!(
            "name the column of members `members` (bodies separated by `;`); the development \
             file's columns are {COLUMNS}"
        ))
        .into());
    };
    let id_column = column("id");
    let mut file = ArrangementFile::default();
    let mut errors = Diagnostics::new();
    let mut n_rows = 0usize;
    for (row_index, record) in reader.records().enumerate() {
        let row = row_index + 1;
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map_or(row + 1, |p| p.line() as usize);
                errors.push(
                    Diagnostic::new(Location::at(path.clone(), line, None), format!("broken CSV record: {err}"))
                        .row(row)
                        .help("check the quoting of this row: a cell with a comma or `;` is quoted with \"...\""),
                );
                continue;
            }
        };
        n_rows += 1;
        let line = record.position().map_or(row + 1, |p| p.line() as usize);
        let id = id_column
            .and_then(|c| record.get(c))
            .filter(|id| !id.is_empty())
            .map_or_else(|| format!("row {row}"), str::to_owned);
        let place = || Location::at(path.clone(), line, None);
        let cell = record.get(members_column).unwrap_or("");
        let names: Vec<&str> = cell.split(';').map(str::trim).filter(|n| !n.is_empty()).collect();
        let mut members = Vec::with_capacity(names.len());
        for name in &names {
            match dataset.find(name) {
                Ok(i) => {
                    if !members.contains(&i) {
                        members.push(i);
                    }
                }
                Err(err) => {
                    file.unresolved_members += 1;
                    file.problems.push(unresolved(place(), row, &id, name, &err));
                }
            }
        }
        if members.len() < 2 {
            file.skipped_arrangements += 1;
            file.problems.push(
                Diagnostic::new(
                    place(),
                    format!(
                        "arrangement \"{id}\" has {} member{} the dataset knows (of {} listed): \
                         skipped, as a pair needs two",
                        members.len(),
                        if members.len() == 1 { "" } else { "s" },
                        names.len()
                    ),
                )
                .row(row)
                .field("members")
                .help("give at least two members, by id or by a name `partnermatch show` finds"),
            );
            continue;
        }
        file.arrangements.push(Arrangement { id, line, members, listed: names.len() });
    }
    if n_rows == 0 && errors.is_empty() {
        errors.push(
            Diagnostic::new(
                Location::file(path.clone()),
                "the file has a header row but no arrangement",
            )
            .help(
                "add one row per arrangement, its members separated by `;` in the `members` column",
            ),
        );
    }
    errors.into_result(file)
}

/// The problem for a member that does not resolve: where, which, and "did you mean" when a
/// body's name is close.
fn unresolved(location: Location, row: usize, id: &str, name: &str, err: &FindError) -> Diagnostic {
    let (message, help) = match err {
        FindError::Unknown { closest, .. } => {
            let help = match closest.first().filter(|(_, cname)| shares_a_distinctive_word(name, cname)) {
                Some((cid, cname)) => format!("did you mean \"{cname}\" ({cid})? Give a body's id or a name `partnermatch show` finds"),
                None => "the dataset has no such body (it may have been abolished, or be of a sector the data does not hold yet); \
                         give an id or name `partnermatch list` shows, or remove it"
                    .to_owned(),
            };
            (format!("arrangement \"{id}\": unknown member \"{name}\""), help)
        }
        FindError::Ambiguous { matches, .. } => {
            let list: Vec<String> = matches.iter().map(|(i, n)| format!("{n} ({i})")).collect();
            (
                format!("arrangement \"{id}\": member \"{name}\" matches {} bodies", matches.len()),
                format!("give the id instead: {}", list.join(", ")),
            )
        }
    };
    Diagnostic::new(location, message).row(row).field("members").help(help)
}

/// Words that name a kind of body rather than a place, so that "Wandsworth Borough Council"
/// is not offered "Ashford Borough Council".
const GENERIC_WORDS: [&str; 14] = [
    "council",
    "borough",
    "district",
    "county",
    "city",
    "of",
    "the",
    "and",
    "royal",
    "london",
    "metropolitan",
    "authority",
    "combined",
    "service",
];

/// Whether two names share a word that is not generic (`GENERIC_WORDS`): the test for offering
/// a body as "did you mean", on top of `Dataset::find`'s closeness.
fn shares_a_distinctive_word(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .filter(|w| !GENERIC_WORDS.contains(&w.as_str()))
            .collect()
    };
    let theirs = words(b);
    words(a).iter().any(|w| theirs.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ArrangementFile, Diagnostics> {
        let dataset = Dataset::embedded().unwrap();
        parse_arrangements(&SourceText::new("p.csv", text.to_owned()), &dataset)
    }

    #[test]
    fn members_resolve_by_id_and_name_and_unknown_ones_are_located() {
        let file = parse(
            "id,members\n\
             aw,Adur District Council;E07000229\n\
             x,Adur District Council;Cabinet Office\n\
             y,Adur District Council;Worthing Borough Council;Adur\n",
        )
        .unwrap();
        assert_eq!(file.arrangements.len(), 2);
        assert_eq!(file.arrangements[0].id, "aw");
        assert_eq!(file.arrangements[0].line, 2);
        // "Adur" is a short name of the same body: listed twice, counted once.
        assert_eq!(file.arrangements[1].members.len(), 2);
        assert_eq!(file.arrangements[1].listed, 3);
        assert_eq!((file.unresolved_members, file.skipped_arrangements), (1, 1));
        let text: Vec<String> = file.problems.iter().map(ToString::to_string).collect();
        assert!(text[0].starts_with("p.csv:3: row 2, column `members`: arrangement \"x\": unknown member \"Cabinet Office\""), "{text:?}");
        assert!(text[1].contains("has 1 member the dataset knows (of 2 listed)"), "{text:?}");
    }

    #[test]
    fn did_you_mean_needs_a_shared_place_name() {
        assert!(shares_a_distinctive_word("Westminster City Council", "City of Westminster"));
        assert!(!shares_a_distinctive_word(
            "Wandsworth Borough Council",
            "Ashford Borough Council"
        ));
        assert!(!shares_a_distinctive_word(
            "Northamptonshire Police",
            "North East Lincolnshire Council"
        ));
    }

    #[test]
    fn malformed_files_are_errors() {
        let err = parse("id,names\na,b;c\n").unwrap_err().to_string();
        assert!(
            err.contains(
                "p.csv:1: field `members`: no `members` column (the header row names: id, names)"
            ),
            "{err}"
        );
        let err = parse("id,members\n").unwrap_err().to_string();
        assert!(err.contains("has a header row but no arrangement"), "{err}");
    }
}
