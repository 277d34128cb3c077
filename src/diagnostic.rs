//! Located problems in user input: where (file, line, column, field), what, and how to fix it.
//! Every parser of user input reports through these types, so messages look the same
//! everywhere. Owns no I/O: callers hand it text to turn byte offsets into lines and columns.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a problem is: a file, and where known a line and column (both 1-based).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The file, as the user named it (or `<embedded>/...` for compiled-in data).
    pub file: Arc<Path>,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub column: Option<usize>,
}

impl Location {
    /// A whole file, with no line.
    pub fn file(file: impl Into<Arc<Path>>) -> Self {
        Self { file: file.into(), line: None, column: None }
    }

    /// A line (and column) in a file.
    pub fn at(file: impl Into<Arc<Path>>, line: usize, column: Option<usize>) -> Self {
        Self { file: file.into(), line: Some(line), column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// One problem in user input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Where it is.
    pub location: Location,
    /// The field at fault, as a dotted path (`political_control.lead_party`), or the column of
    /// a table, when there is one.
    pub field: Option<String>,
    /// The data row of a table (1-based, header excluded), for problems in CSV input.
    pub row: Option<usize>,
    /// What is wrong, lower case, no trailing period.
    pub message: String,
    /// How to fix it, when the tool can say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem at a location.
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Self { location, field: None, row: None, message: message.into(), help: None }
    }

    /// Names the field at fault.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Names the data row of a table (the field is then shown as its column).
    pub fn row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    /// Says how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.location)?;
        match (self.row, &self.field) {
            (Some(row), Some(column)) => write!(f, "row {row}, column `{column}`: ")?,
            (Some(row), None) => write!(f, "row {row}: ")?,
            (None, Some(field)) => write!(f, "field `{field}`: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Where a value was written: its location, the field (or table column) and, for tables, the
/// data row. Kept beside parsed values so that later checks can point back at the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// File, line and column.
    pub location: Location,
    /// The field's dotted path, or the table column. Shared (`Arc<str>`): a table keeps one
    /// place per reference of every row, and they all name one of a few columns.
    pub field: Arc<str>,
    /// The data row, for tables.
    pub row: Option<usize>,
}

impl Place {
    /// A place in a file-based format (TOML): location and field path.
    pub fn new(location: Location, field: impl Into<Arc<str>>) -> Self {
        Self { location, field: field.into(), row: None }
    }

    /// A problem at this place.
    pub fn diagnostic(&self, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::new(self.location.clone(), message).field(&*self.field);
        match self.row {
            Some(row) => d.row(row),
            None => d,
        }
    }
}

/// Every problem found in one run, sorted by file, line and column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds every problem of another collection.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems, in the order they were found (sorted once `into_result` is called).
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// `Ok(value)` when there is no problem, else the problems sorted by place.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.sort();
            Err(self)
        }
    }

    /// Sorts by file, line and column, keeping the order of problems at the same place.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| a.location.cmp(&b.location));
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// The most problems printed: a broken million-row file must not flood the terminal. The count
/// of the rest is printed instead.
pub const MAX_PRINTED: usize = 500;

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().take(MAX_PRINTED).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {d}")?;
        }
        if self.0.len() > MAX_PRINTED {
            write!(
                f,
                "\n... and {} more problems not shown (fix those above first)",
                self.0.len() - MAX_PRINTED
            )?;
        }
        if self.0.len() > 1 {
            write!(f, "\n{} problems found", self.0.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// A file's text with its line starts, to turn byte offsets into lines and columns.
#[derive(Debug, Clone)]
pub struct SourceText {
    path: Arc<Path>,
    text: String,
    line_starts: Vec<usize>,
    /// Each non-ASCII character's byte offset and the extra bytes (beyond one a character)
    /// of it and every such character before it: a column is then found by binary search,
    /// not by counting the characters of its line (quadratic for a long line of many
    /// problems, such as 80,000 ids in one array).
    wide: Vec<(usize, usize)>,
}

impl SourceText {
    /// Wraps a file's text.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts =
            std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let mut wide = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0;
            for (i, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
                extra += c.len_utf8() - 1;
                wide.push((i, extra));
            }
        }
        Self { path: Arc::from(path.into()), text, line_starts, wide }
    }

    /// The extra bytes of the characters that start before a byte offset.
    fn extra_before(&self, offset: usize) -> usize {
        match self.wide.partition_point(|&(at, _)| at < offset) {
            0 => 0,
            n => self.wide[n - 1].1,
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Arc<Path> {
        &self.path
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The 1-based line and column of a byte offset (clamped to the text).
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        let column = if self.text.is_char_boundary(offset) && self.text.is_char_boundary(start) {
            (offset - start) - (self.extra_before(offset) - self.extra_before(start))
        } else {
            offset - start
        } + 1;
        (line.max(1), column)
    }

    /// The location of a byte offset.
    pub fn location(&self, offset: usize) -> Location {
        let (line, column) = self.line_column(offset);
        Location::at(self.path.clone(), line, Some(column))
    }

    /// The location of the start of a byte range, or of the file when there is no range.
    pub fn location_of(&self, span: Option<std::ops::Range<usize>>) -> Location {
        match span {
            Some(span) => self.location(span.start),
            None => Location::file(self.path.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, offset: usize, expected: (usize, usize)) {
        let source = SourceText::new("x.toml", text.to_owned());
        assert_eq!(source.line_column(offset), expected, "{text:?} at {offset}");
    }

    #[test]
    fn offsets_become_lines_and_columns() {
        check("", 0, (1, 1));
        check("abc", 2, (1, 3));
        check("a\nbc", 2, (2, 1));
        check("a\nbc", 3, (2, 2));
        check("a\nbc\n", 5, (3, 1));
        check("é\nx", 2, (1, 2));
        check("aé€b\n€x", 7, (1, 5));
        check("aé€b\n€x", 11, (2, 2));
        check("ab", 99, (1, 3));
    }

    #[test]
    fn diagnostics_print_file_line_field_and_help() {
        let d =
            Diagnostic::new(Location::at(Path::new("a.toml"), 3, Some(9)), "unknown sector \"x\"")
                .field("sector")
                .help("allowed values: police");
        assert_eq!(
            d.to_string(),
            "a.toml:3:9: field `sector`: unknown sector \"x\"\n  help: allowed values: police"
        );
    }
}
