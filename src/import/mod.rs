//! Tables in: a CSV of bodies (any spreadsheet export) into profiles. Columns are matched to
//! profile fields by name (with common synonyms), a mapping file or options; values can be
//! translated and defaulted. Land neighbours may also come from edge lists. Every row that
//! cannot be converted is reported with its row, column and reason; by default one bad row
//! fails the whole import, and `skip_invalid` converts the rest and says what it skipped.
//!
//! The reader streams the file record by record, so a table may be far larger than memory
//! needs for its text; it allows up to `MAX_ROWS` rows.

pub mod mapping;
mod row;
pub mod uk;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::dataset::{Dataset, FaultKind, Reference, cross_check};
use crate::diagnostic::{Diagnostic, Diagnostics, Location, Place};
use crate::model::OrganisationId;
use crate::profiles::{Parsed, ParsedOrganisation};

pub use mapping::{Field, Mapping};
pub use row::RowFailure;
use row::{RowReader, TableShape};

/// The most rows a table may have (ten million): far beyond any country's public bodies, and a
/// bound that keeps a runaway file from exhausting memory.
pub const MAX_ROWS: usize = 10_000_000;

/// The longest line a table may have (1 MiB): a row is read into memory whole, so a file with
/// no line breaks (binary junk, a wrong delimiter) must not be read as one giant row.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The largest table file accepted, in bytes (4 GiB): a table is streamed, not read whole, so
/// it may be larger than `input::MAX_FILE_BYTES`, but the bodies built from it must fit in
/// memory (`BYTES_PER_BODY`). Checked before reading.
pub const MAX_TABLE_BYTES: u64 = 4 << 30;

/// The longest row a table may have (1 MiB), over all its lines: a quoted cell that is never
/// closed would otherwise swallow the rest of the file into one row.
pub const MAX_ROW_BYTES: u64 = 1 << 20;

/// Memory a body takes at the peak of loading and ranking, in bytes: up to 1,979 bytes were
/// measured (release build, `validate` of `generate --bodies 1000000 --seed 1`, 1,887 MiB
/// peak; 1,954 bytes at 2,000,000 and 1,485 at 5,000,000 minimal rows: docs/reliability.md);
/// this adds a margin of about 15%. A table whose bodies would need more than the memory
/// available is refused before it is read.
pub const BYTES_PER_BODY: u64 = 2304;

/// What reading a table produced.
pub struct TableRead {
    /// Rows converted into profiles.
    pub rows: Vec<ParsedOrganisation>,
    /// Rows that could not be converted, with their problems (and ids when readable).
    pub failures: Vec<RowFailure>,
    /// Data rows read.
    pub n_rows: usize,
    /// Columns not matched to any field (and not ignored on purpose).
    pub unmatched_columns: Vec<String>,
}

/// Counts the lines of what passes through it, so that a record's byte offset can be turned
/// into its line. (The csv reader's own position can point at the previous record's newline
/// rather than past it, which made both its line count and a plain count of the newlines
/// before the offset one short; counting newlines at or before the offset is right either
/// way, since a record never starts with a newline.)
struct LineCounter<R> {
    inner: R,
    state: std::rc::Rc<std::cell::RefCell<Lines>>,
}

/// Newline offsets read but not yet passed, the lines already passed, and the length of the
/// line being read.
#[derive(Default)]
struct Lines {
    pending: std::collections::VecDeque<u64>,
    read: u64,
    passed: usize,
    current_line: usize,
    /// Where the record being read starts: the end of the last record returned (0 before the
    /// header).
    record_start: u64,
}

impl Lines {
    /// Notes that the reader has returned every record before `byte`, so the next row starts
    /// there. The row limit is measured from this point: measured from the start of the record
    /// just returned, a row under the limit would be refused when it follows a long one.
    fn next_record_at(&mut self, byte: u64) {
        self.record_start = byte;
    }

    /// The 1-based line of the record starting at or just after a byte offset. Offsets must be
    /// asked for in increasing order; only newlines not yet passed are kept, so memory stays
    /// bounded by the read buffer.
    fn line_of(&mut self, byte: u64) -> usize {
        while self.pending.front().is_some_and(|&nl| nl <= byte) {
            self.pending.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

impl<R: std::io::Read> std::io::Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.state.borrow_mut();
        let start = state.read;
        let chunk = &buf[..n];
        // Bytes up to the first NUL are counted; a line that grows past the limit before it
        // is reported first, as a byte-by-byte scan would. memchr scans a word at a time: this
        // runs on the reading thread, which nothing else can share.
        let stop = memchr::memchr(0, chunk).unwrap_or(n);
        let mut line_start = 0usize;
        let too_long = |state: &Lines| {
            let line = state.passed + state.pending.len() + 1;
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("line {line} is longer than {} MiB", MAX_LINE_BYTES >> 20),
            )
        };
        for newline in memchr::memchr_iter(b'\n', &chunk[..stop]) {
            if state.current_line + (newline - line_start) > MAX_LINE_BYTES {
                return Err(too_long(&state));
            }
            state.pending.push_back(start + newline as u64);
            state.current_line = 0;
            line_start = newline + 1;
        }
        if state.current_line + (stop - line_start) > MAX_LINE_BYTES {
            return Err(too_long(&state));
        }
        state.current_line += stop - line_start;
        // The reader reads ahead of the record it returns by at most its buffer, so a row
        // cannot span more than the limit plus that.
        if start + n as u64 > state.record_start + MAX_ROW_BYTES + (64 << 10) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "the row after line {} is longer than {} MiB; check for a quote that is never closed",
                    state.passed + 1,
                    MAX_ROW_BYTES >> 20
                ),
            ));
        }
        if stop < n {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the file holds NUL bytes, so it is not a text table",
            ));
        }
        state.read += n as u64;
        Ok(n)
    }
}

type CsvReader<R> = csv::Reader<LineCounter<R>>;

fn open_file(path: &Path) -> Result<std::fs::File, Diagnostic> {
    std::fs::File::open(path).map_err(|err| {
        Diagnostic::new(Location::file(path), format!("cannot read file: {err}"))
            .help("check that the path exists and that you may read it")
    })
}

fn open_csv<R: std::io::Read>(
    input: R,
    delimiter: u8,
) -> (CsvReader<R>, std::rc::Rc<std::cell::RefCell<Lines>>) {
    let state = std::rc::Rc::new(std::cell::RefCell::new(Lines::default()));
    let counter = LineCounter { inner: input, state: state.clone() };
    (csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(counter), state)
}

/// Turns a csv error into a located problem.
fn csv_problem(path: &Path, err: &csv::Error) -> Diagnostic {
    let line = err.position().map_or(1, |p| p.line() as usize);
    match err.kind() {
        csv::ErrorKind::Utf8 { err: utf8, .. } => Diagnostic::new(
            Location::at(path, line, Some(utf8.field() + 1)),
            "cell is not valid UTF-8",
        )
        .help("save the table as UTF-8 (in a spreadsheet: \"CSV UTF-8\")"),
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => Diagnostic::new(
            Location::file(path),
            format!("cannot read the table: {io}"),
        )
        .help(
            "is this a CSV file? a table has one row per line; check the delimiter (--delimiter)",
        ),
        csv::ErrorKind::Io(io) => {
            Diagnostic::new(Location::file(path), format!("cannot read file: {io}"))
        }
        _ => Diagnostic::new(Location::at(path, line, None), format!("malformed CSV: {err}"))
            .help("check the quoting of this line"),
    }
}

/// The delimiter a file's extension implies (`.tsv`: tab), else the mapping's.
fn delimiter_for(path: &Path, mapping: &Mapping) -> u8 {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv")) && mapping.delimiter == b','
    {
        b'\t'
    } else {
        mapping.delimiter
    }
}

/// Reads a table of bodies. File-level problems (unreadable, no header, missing required
/// columns) are errors; row problems are returned per row in `failures`.
pub fn read_table(path: &Path, mapping: &Mapping) -> Result<TableRead, Diagnostics> {
    let file = open_file(path)?;
    let rows = count_lines(path, &file)?;
    check_memory(path, rows, crate::input::available_memory())?;
    use std::io::Seek as _;
    let mut file = file;
    file.rewind()
        .map_err(|e| Diagnostic::new(Location::file(path), format!("cannot read file: {e}")))?;
    let mut read = read_table_with(path, file, mapping, rows.min(MAX_ROWS as u64) as usize)?;
    read.rows.shrink_to_fit();
    Ok(read)
}

/// Checks a table file's size (at most `MAX_TABLE_BYTES`, from its metadata) and counts its
/// lines in one quick pass (no parsing): an upper bound on its rows, known before any body is
/// built.
fn count_lines(path: &Path, file: &std::fs::File) -> Result<u64, Diagnostic> {
    let cannot = |e: std::io::Error| {
        Diagnostic::new(Location::file(path), format!("cannot read file: {e}"))
            .help("check that the file is readable")
    };
    let size = file.metadata().map_err(cannot)?.len();
    if size > MAX_TABLE_BYTES {
        return Err(Diagnostic::new(
            Location::file(path),
            format!("the table is larger than the limit of {} GiB", MAX_TABLE_BYTES >> 30),
        )
        .help("split it into several tables"));
    }
    let mut lines = 0u64;
    let mut buffer = vec![0u8; 1 << 20];
    let mut reader = file;
    loop {
        let n = std::io::Read::read(&mut reader, &mut buffer).map_err(cannot)?;
        if n == 0 {
            break;
        }
        if lines == 0 {
            crate::input::check_not_utf16(path, &buffer[..n])?;
        }
        lines += memchr::memchr_iter(b'\n', &buffer[..n]).count() as u64;
        // A file that grows while it is counted is not read past the limit.
        if lines > MAX_ROWS as u64 * 2 {
            break;
        }
    }
    Ok(lines)
}

/// Refuses a table whose `lines` (an upper bound on its rows) would need more memory than is
/// `available`, before any of it is read.
fn check_memory(path: &Path, lines: u64, available: Option<u64>) -> Result<(), Diagnostic> {
    let Some(available) = available else { return Ok(()) };
    let needed = lines.min(MAX_ROWS as u64 + 1).saturating_mul(BYTES_PER_BODY);
    if needed > available {
        return Err(Diagnostic::new(
            Location::file(path),
            format!(
                "the table has up to {} rows, which need about {} MiB of memory ({} bytes a body), but only {} MiB are available",
                crate::export::thousands(lines),
                needed >> 20,
                BYTES_PER_BODY,
                available >> 20
            ),
        )
        .help("split the table, filter it to the bodies you need, or use a machine with more memory"));
    }
    Ok(())
}

/// Reads a table of bodies from any reader; `path` names it in messages and picks the
/// delimiter by extension.
pub fn read_table_from(
    path: &Path,
    input: impl std::io::Read,
    mapping: &Mapping,
) -> Result<TableRead, Diagnostics> {
    read_table_with(path, input, mapping, 0)
}

/// `read_table_from` with room reserved for `expected_rows` up front, so that the rows are not
/// moved as they grow (growing by doubling asked for twice the memory the rows need).
fn read_table_with(
    path: &Path,
    input: impl std::io::Read,
    mapping: &Mapping,
    expected_rows: usize,
) -> Result<TableRead, Diagnostics> {
    let (mut reader, lines) = open_csv(input, delimiter_for(path, mapping));
    let headers: Vec<String> = match reader.headers() {
        Ok(h) if h.iter().any(|c| !c.trim().is_empty()) => {
            h.iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_owned()).collect()
        }
        Ok(_) => {
            return Err(Diagnostic::new(Location::file(path), "the table is empty")
                .help("the first line must name the columns")
                .into());
        }
        Err(err) => return Err(csv_problem(path, &err).into()),
    };
    let (by_field, unmatched_columns) = mapping.match_columns(&headers, path)?;
    let mut missing = Diagnostics::new();
    for field in [Field::Id, Field::Name, Field::Lat, Field::Lon] {
        if by_field[field.index()].is_none() && !mapping.defaults.contains_key(&field) {
            let names = field.synonyms().join(", ");
            missing.push(
                Diagnostic::new(Location::at(path, 1, None), format!("no column for the required field `{field}`"))
                    .help(format!(
                        "name a column {names}, or map one with --column {field}=COLUMN; the columns are: {}",
                        headers.join(", ")
                    )),
            );
        }
    }
    missing.into_result(())?;
    let column_names: Vec<Arc<str>> = headers.iter().map(|h| Arc::from(h.as_str())).collect();
    let shape = TableShape {
        file: Arc::from(path),
        column_names: &column_names,
        by_field: &by_field,
        mapping,
    };
    let mut rows = Vec::new();
    rows.try_reserve_exact(expected_rows).map_err(|_| {
        Diagnostic::new(
            Location::file(path),
            format!(
                "not enough memory for the {} rows of the table",
                crate::export::thousands(expected_rows as u64)
            ),
        )
        .help("split the table, or use a machine with more memory")
    })?;
    let mut out = TableRead { rows, failures: Vec::new(), n_rows: 0, unmatched_columns };
    // Records are read in order (the line count needs it) into a batch, whose rows are then
    // converted in parallel and appended in file order, so that rows and failures come out
    // exactly as a sequential read would give them. Reading and appending are sequential:
    // while the pool converts a batch, this thread reads the next one and appends the one
    // before (a profile is about a kilobyte, and appending on the pool's thread left the
    // other core idle for a fifth of the read). Two batches are used in turn;
    // `in_place_scope`, since the reader (any `Read`, and the line count) stays on this thread.
    let mut reading = BatchReader { reader, lines, path, n_columns: headers.len(), n_rows: 0 };
    let (mut current, mut next) = (Batch::default(), Batch::default());
    let mut more = reading.fill(&mut current)?;
    let mut converted = Vec::new();
    while more {
        let batch = &mut current;
        let shape = &shape;
        let mut previous = std::mem::take(&mut converted);
        let (rows, failures) = (&mut out.rows, &mut out.failures);
        let read = rayon::in_place_scope(|scope| {
            scope.spawn(|_| converted = batch.convert(shape));
            let read = reading.fill(&mut next);
            append(&mut previous, rows, failures);
            read
        });
        more = read?;
        std::mem::swap(&mut current, &mut next);
    }
    append(&mut converted, &mut out.rows, &mut out.failures);
    append(&mut current.convert(&shape), &mut out.rows, &mut out.failures);
    out.n_rows = reading.n_rows;
    if out.n_rows == 0 {
        return Err(Diagnostic::new(Location::file(path), "the table has a header but no rows")
            .help("add one row per body")
            .into());
    }
    Ok(out)
}

/// Rows read before a batch is converted: enough to keep every thread busy, few enough that
/// the batch's text stays small next to the profiles built from it.
/// A few in tests, so that small tables cross several batches.
const BATCH_ROWS: usize = if cfg!(test) { 7 } else { 4096 };

/// A row of a batch: a record to convert, or a failure found while reading it.
enum Pending {
    /// `records[record]`, at file line `line`, data row `row`.
    Row { record: usize, line: usize, row: usize },
    /// A row that could not be read as a record of the right length.
    Failed(RowFailure),
}

/// The sequential half of reading a table: records in file order, each given its line and
/// data row, blank lines skipped, rows of the wrong length failed.
struct BatchReader<'a, R: std::io::Read> {
    reader: CsvReader<R>,
    lines: std::rc::Rc<std::cell::RefCell<Lines>>,
    path: &'a Path,
    /// Cells in the header.
    n_columns: usize,
    /// Data rows read so far.
    n_rows: usize,
}

/// One batch of rows: the records read (reused from batch to batch, so their buffers are
/// allocated once) and the rows in file order.
#[derive(Default)]
struct Batch {
    records: Vec<csv::StringRecord>,
    pending: Vec<Pending>,
}

impl<R: std::io::Read> BatchReader<'_, R> {
    /// Reads rows into an empty batch until it holds `BATCH_ROWS` or the file ends. Returns
    /// whether the batch filled (so more rows may follow), or the error that stops reading.
    fn fill(&mut self, batch: &mut Batch) -> Result<bool, Diagnostics> {
        let path = self.path;
        let mut n_records = 0usize;
        while batch.pending.len() < BATCH_ROWS {
            if n_records == batch.records.len() {
                batch.records.push(csv::StringRecord::new());
            }
            let record = &mut batch.records[n_records];
            let result = self.reader.read_record(record);
            self.lines.borrow_mut().next_record_at(self.reader.position().byte());
            match result {
                Ok(false) => return Ok(false),
                Ok(true) => {}
                Err(err) => {
                    self.n_rows += 1;
                    batch.pending.push(Pending::Failed(RowFailure {
                        problems: vec![csv_problem(path, &err).row(self.n_rows)],
                        id: None,
                    }));
                    continue;
                }
            }
            self.n_rows += 1;
            if self.n_rows > MAX_ROWS {
                return Err(Diagnostic::new(
                    Location::file(path),
                    format!("the table has more than {MAX_ROWS} rows"),
                )
                .help("split it into several tables")
                .into());
            }
            let line = record
                .position()
                .map_or(self.n_rows + 1, |p| self.lines.borrow_mut().line_of(p.byte()));
            if record.iter().all(|c| c.trim().is_empty()) {
                self.n_rows -= 1; // blank lines are not rows
                continue;
            }
            if record.len() != self.n_columns {
                let d = Diagnostic::new(
                    Location::at(path, line, None),
                    format!(
                        "the row has {} cells but the header has {}",
                        record.len(),
                        self.n_columns
                    ),
                )
                .row(self.n_rows)
                .help("check for a stray delimiter or a missing quote in this line");
                batch.pending.push(Pending::Failed(RowFailure { problems: vec![d], id: None }));
                continue;
            }
            batch.pending.push(Pending::Row { record: n_records, line, row: self.n_rows });
            n_records += 1;
        }
        Ok(true)
    }
}

/// A batch's rows converted, in file order.
type Converted = Vec<Result<ParsedOrganisation, RowFailure>>;

impl Batch {
    /// Converts the batch's rows in parallel, in file order, leaving the batch empty (its
    /// records kept for reuse).
    fn convert(&mut self, shape: &TableShape<'_>) -> Converted {
        use rayon::prelude::*;
        let records = &self.records;
        self.pending
            .par_drain(..)
            .map(|p| match p {
                Pending::Row { record, line, row } => {
                    RowReader::new(shape, &records[record], line, row).read()
                }
                Pending::Failed(failure) => Err(failure),
            })
            .collect()
    }
}

/// Moves converted rows to the rows and failures read so far, in order, leaving `converted`
/// empty.
fn append(
    converted: &mut Converted,
    rows: &mut Vec<ParsedOrganisation>,
    failures: &mut Vec<RowFailure>,
) {
    for result in converted.drain(..) {
        match result {
            Ok(parsed) => rows.push(parsed),
            Err(failure) => failures.push(failure),
        }
    }
}

/// One undirected land-boundary edge from an edge list.
#[derive(Debug, Clone)]
pub struct Edge {
    /// One end, and where it was written.
    pub a: (OrganisationId, Place),
    /// The other end, and where it was written.
    pub b: (OrganisationId, Place),
}

/// Reads an edge list: a CSV whose first two columns are the ids of bodies sharing a land
/// boundary (other columns are ignored).
pub fn read_edges(path: &Path, delimiter: u8) -> Result<Vec<Edge>, Diagnostics> {
    let (mut reader, lines) = open_csv(open_file(path)?, delimiter);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) if h.len() >= 2 => h.iter().map(str::to_owned).collect(),
        Ok(_) => {
            return Err(Diagnostic::new(
                Location::at(path, 1, None),
                "an edge list needs two id columns",
            )
            .help("write a header such as `id_a,id_b`, then one pair of ids per line")
            .into());
        }
        Err(err) => return Err(csv_problem(path, &err).into()),
    };
    let file: Arc<Path> = Arc::from(path);
    let mut edges = Vec::new();
    let mut diagnostics = Diagnostics::new();
    let mut record = csv::StringRecord::new();
    let mut row = 0usize;
    loop {
        let result = reader.read_record(&mut record);
        lines.borrow_mut().next_record_at(reader.position().byte());
        match result {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => {
                diagnostics.push(csv_problem(path, &err));
                continue;
            }
        }
        row += 1;
        let line = record.position().map_or(row + 1, |p| lines.borrow_mut().line_of(p.byte()));
        let mut end = |column: usize| {
            let place = Place {
                location: Location {
                    file: file.clone(),
                    line: Some(line),
                    column: Some(column + 1),
                },
                field: Arc::from(headers[column].as_str()),
                row: Some(row),
            };
            match OrganisationId::new(record.get(column).unwrap_or("")) {
                Ok(id) => Some((id, place)),
                Err(message) => {
                    diagnostics.push(place.diagnostic(message).help("give the ids of two bodies"));
                    None
                }
            }
        };
        if let (Some(a), Some(b)) = (end(0), end(1)) {
            if a.0 == b.0 {
                diagnostics.push(
                    b.1.diagnostic("a body cannot be its own neighbour").help("remove this line"),
                );
            } else {
                edges.push(Edge { a, b });
            }
        }
    }
    diagnostics.into_result(edges)
}

/// The outcome of an import.
pub struct Imported {
    /// The converted, cross-checked bodies.
    pub dataset: Dataset,
    /// Data rows read.
    pub n_rows: usize,
    /// Why each skipped row or dropped reference was left out (`skip_invalid` only).
    pub skipped: Vec<Diagnostic>,
    /// The number of rows skipped.
    pub n_skipped: usize,
    /// Columns not matched to any field.
    pub unmatched_columns: Vec<String>,
}

/// Adds edges to the bodies' neighbour lists (both ends, once each). Edges naming a body that
/// is not a row are attached to the known end, so that the cross-checks report them.
fn attach_edges(
    rows: &mut [ParsedOrganisation],
    broken: &std::collections::HashSet<&OrganisationId>,
    edges: Vec<Edge>,
) -> Vec<Diagnostic> {
    if edges.is_empty() {
        return Vec::new();
    }
    let index: HashMap<OrganisationId, usize, foldhash::fast::RandomState> =
        rows.iter().enumerate().map(|(i, p)| (p.organisation.id.clone(), i)).collect();
    // The neighbours each row has, so that an edge is added once in constant time (a body
    // with tens of thousands of edges made the list scan quadratic).
    let mut present: std::collections::HashSet<
        (usize, OrganisationId),
        foldhash::fast::RandomState,
    > = rows
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.organisation.neighbours.iter().map(move |n| (i, n.clone())))
        .collect();
    let mut orphans = Vec::new();
    for Edge { a, b } in edges {
        let (ia, ib) = (index.get(&a.0).copied(), index.get(&b.0).copied());
        for (from, to) in [(ia, &b), (ib, &a)] {
            if let Some(i) = from {
                let p = &mut rows[i];
                if present.insert((i, to.0.clone())) {
                    p.organisation.neighbours.push(to.0.clone());
                    p.origin.neighbours.push(to.1.clone());
                }
            }
        }
        // An edge between two rows that failed is not a problem of its own.
        // An edge between two rows that failed is not a problem of its own; one between a
        // failed row and an unknown id still names the unknown id.
        if ia.is_none() && ib.is_none() {
            match (broken.contains(&a.0), broken.contains(&b.0)) {
                (false, false) => orphans.push(
                    a.1.diagnostic(format!("neither \"{}\" nor \"{}\" is a known body", a.0, b.0)),
                ),
                (true, false) => orphans.push(
                    b.1.diagnostic(format!("neighbour \"{}\" is not a known body", b.0))
                        .help(format!("add a row for \"{}\", or remove this line", b.0)),
                ),
                (false, true) => orphans.push(
                    a.1.diagnostic(format!("neighbour \"{}\" is not a known body", a.0))
                        .help(format!("add a row for \"{}\", or remove this line", a.0)),
                ),
                (true, true) => {}
            }
        }
    }
    orphans
}

/// Imports a table (plus optional edge lists) into a checked dataset.
///
/// Without `skip_invalid`, any problem fails the import and every problem is returned. With
/// it, rows with problems are skipped, and references to skipped rows are dropped, repeating
/// until what is left is consistent; `Imported::skipped` says why each was left out.
pub fn import(
    table: &Path,
    edge_files: &[PathBuf],
    mapping: &Mapping,
    skip_invalid: bool,
) -> Result<Imported, Diagnostics> {
    import_read(table, read_table(table, mapping)?, edge_files, mapping, skip_invalid)
}

/// Imports a table that has already been read (`read_table_from`), plus optional edge lists.
pub fn import_read(
    table: &Path,
    read: TableRead,
    edge_files: &[PathBuf],
    mapping: &Mapping,
    skip_invalid: bool,
) -> Result<Imported, Diagnostics> {
    let mut edges = Vec::new();
    let mut diagnostics = Diagnostics::new();
    for path in edge_files {
        match read_edges(path, delimiter_for(path, mapping)) {
            Ok(e) => edges.extend(e),
            Err(d) => diagnostics.extend(d),
        }
    }
    // Problems with the edge files themselves are not rows to skip: always fatal.
    diagnostics.into_result(())?;
    let TableRead { mut rows, failures, n_rows, unmatched_columns } = read;
    let broken: std::collections::HashSet<&OrganisationId> =
        failures.iter().filter_map(|f| f.id.as_ref().map(|(id, _)| id)).collect();
    let orphan_edges = attach_edges(&mut rows, &broken, edges);
    drop(broken);
    let description = table.display().to_string();
    if !skip_invalid {
        let mut parsed = Parsed::default();
        for RowFailure { problems, id } in failures {
            parsed.diagnostics.extend(problems);
            parsed.broken.extend(id);
        }
        parsed.diagnostics.extend(orphan_edges);
        parsed.organisations = rows;
        let dataset = Dataset::from_parsed(parsed, description)?;
        return Ok(Imported {
            dataset,
            n_rows,
            skipped: Vec::new(),
            n_skipped: 0,
            unmatched_columns,
        });
    }
    let mut skipped: Vec<Diagnostic> = orphan_edges;
    let mut n_skipped = failures.len();
    let mut gone: std::collections::HashSet<OrganisationId> = std::collections::HashSet::new();
    for RowFailure { problems, id } in failures {
        skipped.extend(problems);
        gone.extend(id.map(|(id, _)| id));
    }
    loop {
        let (faults, _) = cross_check(&rows, &[]);
        if faults.is_empty() {
            break;
        }
        let mut drop_row = vec![false; rows.len()];
        let mut drop_refs: Vec<(usize, Reference)> = Vec::new();
        for fault in faults {
            match &fault.kind {
                FaultKind::UnknownReference(reference, id) if gone.contains(id) => {
                    let note = fault.diagnostic.help(format!("dropped: \"{id}\" was skipped"));
                    skipped.push(note);
                    drop_refs.push((fault.index, *reference));
                }
                _ => {
                    skipped.push(fault.diagnostic);
                    drop_row[fault.index] = true;
                }
            }
        }
        drop_references(&mut rows, drop_refs);
        let mut kept = Vec::with_capacity(rows.len());
        let kept_ids: std::collections::HashSet<OrganisationId> = rows
            .iter()
            .zip(&drop_row)
            .filter(|(_, drop)| !**drop)
            .map(|(p, _)| p.organisation.id.clone())
            .collect();
        for (p, drop) in rows.into_iter().zip(drop_row) {
            if drop {
                n_skipped += 1;
                // A duplicate's id lives on in the row kept with it.
                if !kept_ids.contains(&p.organisation.id) {
                    gone.insert(p.organisation.id);
                }
            } else {
                kept.push(p);
            }
        }
        rows = kept;
    }
    let dataset =
        Dataset::from_parsed(Parsed { organisations: rows, ..Parsed::default() }, description)?;
    Ok(Imported { dataset, n_rows, skipped, n_skipped, unmatched_columns })
}

/// Removes the given references (highest index first, so earlier indices stay valid).
fn drop_references(rows: &mut [ParsedOrganisation], mut refs: Vec<(usize, Reference)>) {
    refs.sort_by_key(|(i, r)| {
        let j = match r {
            Reference::Parent => 0,
            Reference::Neighbour(j) | Reference::Partner(j) | Reference::Within(j) => *j,
        };
        (*i, std::cmp::Reverse(j))
    });
    for (i, reference) in refs {
        let p = &mut rows[i];
        match reference {
            Reference::Parent => {
                p.organisation.parent = None;
                p.origin.parent = None;
            }
            Reference::Neighbour(j) => {
                p.organisation.neighbours.remove(j);
                p.origin.neighbours.remove(j);
            }
            Reference::Partner(j) => {
                if let Some(list) = p.organisation.partnerships.as_mut() {
                    list.remove(j);
                    p.origin.partners.remove(j);
                }
            }
            Reference::Within(j) => {
                let id = p.organisation.within.remove(j);
                p.organisation.within_shares.remove(&id);
                p.origin.within.remove(j);
            }
        }
    }
}

/// Reads a CSV table of partial profiles (a `--profile` layer): the default column names, an
/// `id` column (ids or names) and any other columns; an empty cell states nothing. Every
/// problem of every row is returned, located.
pub fn read_layer_table(path: &Path) -> Result<Vec<crate::profiles::LayerEntry>, Diagnostics> {
    use crate::model::Enumeration as _;
    let mapping = Mapping::default();
    let (reader, lines) = open_csv(open_file(path)?, delimiter_for(path, &mapping));
    let mut reading = BatchReader { reader, lines, path, n_columns: 0, n_rows: 0 };
    let headers: Vec<String> = match reading.reader.headers() {
        Ok(h) if h.iter().any(|c| !c.trim().is_empty()) => {
            h.iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_owned()).collect()
        }
        Ok(_) => {
            return Err(Diagnostic::new(Location::file(path), "the table is empty")
                .help("the first line must name the columns: id, then the fields you state")
                .into());
        }
        Err(err) => return Err(csv_problem(path, &err).into()),
    };
    reading.n_columns = headers.len();
    let (by_field, unmatched) = mapping.match_columns(&headers, path)?;
    let mut problems = Diagnostics::new();
    if by_field[Field::Id.index()].is_none() {
        problems.push(
            Diagnostic::new(Location::at(path, 1, None), "no `id` column")
                .help("name the first column `id`: the id or name of each body the row describes"),
        );
    }
    for column in unmatched {
        problems.push(
            Diagnostic::new(Location::at(path, 1, None), format!("unknown column \"{column}\""))
                .help(format!(
                    "a profile layer's columns are the import columns (docs/import.md){}",
                    crate::model::closest(&column, Field::all().iter().map(|f| f.name()))
                        .map(|s| format!("; did you mean \"{s}\"?"))
                        .unwrap_or_default()
                )),
        );
    }
    problems.into_result(())?;
    let column_names: Vec<Arc<str>> = headers.iter().map(|h| Arc::from(h.as_str())).collect();
    let shape = TableShape {
        file: Arc::from(path),
        column_names: &column_names,
        by_field: &by_field,
        mapping: &mapping,
    };
    let mut entries = Vec::new();
    let mut diagnostics = Diagnostics::new();
    let mut batch = Batch::default();
    loop {
        let more = reading.fill(&mut batch)?;
        for pending in batch.pending.drain(..) {
            match pending {
                Pending::Row { record, line, row } => {
                    let id_cell = by_field[Field::Id.index()]
                        .and_then(|i| batch.records[record].get(i))
                        .unwrap_or_default();
                    // The template's row of allowed values, or any row a person commented out.
                    if id_cell.trim_start().starts_with('#') {
                        continue;
                    }
                    match RowReader::new(&shape, &batch.records[record], line, row).read_patch() {
                        Ok(entry) => entries.push(entry),
                        Err(found) => diagnostics.extend(found),
                    }
                }
                Pending::Failed(failure) => diagnostics.extend(failure.problems),
            }
        }
        if !more {
            break;
        }
    }
    diagnostics.into_result(entries)
}

/// Loads a CSV table as a dataset (`--data table.csv`): default column matching, no skipping.
pub fn load_csv(path: &Path) -> Result<Dataset, Diagnostics> {
    import(path, &[], &Mapping::default(), false).map(|i| i.dataset)
}

// `Dataset::load` lives here, beside the readers it picks from, so that `dataset` (the checks
// every reader's output goes through) depends on no reader: the data flows import → dataset.
impl Dataset {
    /// Loads and checks the data at a path: a prepared dataset (`pack`: by its `.pmd`
    /// extension or its signature, whatever the extension), a CSV table (by its `.csv` or `.tsv`
    /// extension), a TOML profile file, or a directory of profiles.
    pub fn load(path: &Path) -> Result<Self, Diagnostics> {
        use crate::dataset::pack;
        let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
        if extension.as_deref() == Some(pack::EXTENSION) || crate::dataset::starts_like_a_pack(path)
        {
            return pack::load(path);
        }
        match extension.as_deref() {
            Some("csv" | "tsv") => load_csv(path),
            _ => {
                Self::from_parsed(crate::profiles::load_toml_path(path), path.display().to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn the_memory_a_table_needs_is_checked_before_reading() {
        let path = Path::new("big.csv");
        assert!(check_memory(path, 1_000, Some(10 << 20)).is_ok());
        let err = check_memory(path, 10_000_001, Some(8 << 30)).unwrap_err();
        assert!(err.message.contains("up to 10,000,001 rows"), "{}", err.message);
        assert!(err.message.contains("2304 bytes a body"), "{}", err.message);
        assert!(check_memory(path, u64::MAX, None).is_ok(), "unknown memory: not refused");
    }

    #[test]
    fn lines_are_counted_and_utf16_named_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "id,name\nA,B\nC,D\n").unwrap();
        let file = std::fs::File::open(&path).unwrap();
        assert_eq!(count_lines(&path, &file).unwrap(), 3);
        let utf16: Vec<u8> = "id,name\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        std::fs::write(&path, utf16).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        assert!(count_lines(&path, &file).unwrap_err().message.contains("UTF-16"));
    }
}
