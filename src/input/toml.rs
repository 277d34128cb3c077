//! A spanned TOML reader: typed access to tables that records every problem with its line,
//! column and field, and keeps going. Profiles, the survey file and scenarios are read with it.
//!
//! Why not `#[derive(Deserialize)]` on the wire structs: serde stops at the first error in a
//! document, and validation must report every problem in one run. The reader walks toml's
//! spanned document (`DeTable`) instead, so each field is checked on its own.

use std::cell::RefCell;
use std::ops::Range;

use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Diagnostics, SourceText};
use crate::model::{Enumeration, UnknownValue, closest};

/// A value with the byte range it came from.
pub type Sp<T> = Spanned<T>;

/// Parses a document and collects problems while its tables are read.
pub struct TomlReader<'s> {
    source: &'s SourceText,
    diagnostics: RefCell<Diagnostics>,
}

impl<'s> TomlReader<'s> {
    /// A reader over one file's text.
    pub fn new(source: &'s SourceText) -> Self {
        Self { source, diagnostics: RefCell::new(Diagnostics::new()) }
    }

    /// The file being read.
    pub fn source(&self) -> &'s SourceText {
        self.source
    }

    /// Parses the document. Syntax errors are recorded (every one the parser can recover from)
    /// and `None` is returned, since a broken document cannot be read reliably.
    pub fn parse(&self) -> Option<DeTable<'s>> {
        let (table, errors) = DeTable::parse_recoverable(self.source.text());
        if errors.is_empty() {
            return Some(table.into_inner());
        }
        for err in errors {
            let message = err.message().trim().trim_end_matches('.').to_owned();
            let span = err.span().or_else(|| deep_nesting(self.source.text()).map(|at| at..at));
            let location = self.source.location_of(span);
            self.push(
                Diagnostic::new(location, format!("invalid TOML: {message}"))
                    .help("fix the syntax; see https://toml.io for the format"),
            );
        }
        None
    }

    /// The document's root table.
    pub fn root<'r>(&'r self, table: &'r DeTable<'s>) -> Table<'r, 's> {
        Table { reader: self, table, span: 0..0, path: String::new() }
    }

    /// Records a problem.
    pub fn push(&self, diagnostic: Diagnostic) {
        self.diagnostics.borrow_mut().push(diagnostic);
    }

    /// Whether any problem has been recorded.
    pub fn has_errors(&self) -> bool {
        !self.diagnostics.borrow().is_empty()
    }

    /// The number of problems recorded so far.
    pub fn error_count(&self) -> usize {
        self.diagnostics.borrow().len()
    }

    /// Every problem recorded.
    pub fn into_diagnostics(self) -> Diagnostics {
        self.diagnostics.into_inner()
    }
}

/// One table of a document, with the dotted path that leads to it.
pub struct Table<'r, 's> {
    reader: &'r TomlReader<'s>,
    table: &'r DeTable<'s>,
    span: Range<usize>,
    path: String,
}

/// What a TOML value is, for "expected X, found Y" messages.
fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl<'r, 's> Table<'r, 's> {
    /// The dotted path of a key in this table.
    pub fn field_path(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) }
    }

    /// The file the table was read from.
    pub fn source(&self) -> &'s SourceText {
        self.reader.source
    }

    /// This table's own dotted path ("" for the root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The byte range of the table (its header, for `[[...]]` tables).
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// Whether the table has a key.
    pub fn contains(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// The keys of the table, with their spans.
    pub fn keys(&self) -> impl Iterator<Item = (&'r str, Range<usize>)> {
        self.table.keys().map(|k| (k.get_ref().as_ref(), k.span()))
    }

    /// Records a problem built by the caller (one that names no field, for example).
    pub fn report(&self, diagnostic: Diagnostic) {
        self.reader.push(diagnostic);
    }

    /// The number of problems recorded so far in the whole document, so that a caller can tell
    /// whether reading a part of it found any.
    pub fn error_count(&self) -> usize {
        self.reader.error_count()
    }

    /// Records a problem at a byte range, naming a field.
    pub fn error(
        &self,
        span: Range<usize>,
        field: &str,
        message: impl Into<String>,
    ) -> ErrorBuilder<'_, 's> {
        ErrorBuilder {
            reader: self.reader,
            diagnostic: Some(
                Diagnostic::new(self.reader.source.location(span.start), message)
                    .field(self.field_path(field)),
            ),
        }
    }

    /// Records a problem in a spanned value's parsing, keeping its message and help.
    pub fn unknown(&self, span: Range<usize>, field: &str, err: &UnknownValue) {
        self.error(span, field, err.message()).help(err.help());
    }

    /// Records "missing required field" at the table's start.
    pub fn missing(&self, key: &str, help: &str) {
        self.error(self.span.clone(), key, format!("missing required field `{key}`")).help(help);
    }

    /// The raw value of a key.
    pub fn raw(&self, key: &str) -> Option<&'r Sp<DeValue<'s>>> {
        self.table.get(key)
    }

    fn wrong_type(&self, key: &str, value: &Sp<DeValue<'_>>, expected: &str) {
        self.error(
            value.span(),
            key,
            format!("expected {expected}, found {}", type_name(value.get_ref())),
        )
        .help(format!("write `{key}` as {expected}"));
    }

    /// A string value.
    pub fn string(&self, key: &str) -> Option<Sp<String>> {
        let value = self.raw(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(Spanned::new(value.span(), s.to_string())),
            _ => {
                self.wrong_type(key, value, "a string");
                None
            }
        }
    }

    /// A non-empty string value (after trimming).
    pub fn text(&self, key: &str) -> Option<Sp<String>> {
        let value = self.string(key)?;
        let trimmed = value.get_ref().trim();
        if trimmed.is_empty() {
            self.error(value.span(), key, format!("`{key}` is empty"))
                .help("give a value or remove the field");
            return None;
        }
        Some(Spanned::new(value.span(), trimmed.to_owned()))
    }

    /// A finite number (integer or float).
    pub fn number(&self, key: &str) -> Option<Sp<f64>> {
        let value = self.raw(key)?;
        let number = match value.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(i.as_str(), i.radix()).ok().map(|v| v as f64)
            }
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            _ => {
                self.wrong_type(key, value, "a number");
                return None;
            }
        };
        match number {
            Some(n) if n.is_finite() => Some(Spanned::new(value.span(), n)),
            _ => {
                self.error(value.span(), key, "expected a finite number")
                    .help("nan and inf are not allowed here");
                None
            }
        }
    }

    /// A whole number (an integer, or a float with no fractional part).
    pub fn integer(&self, key: &str) -> Option<Sp<i64>> {
        let value = self.raw(key)?;
        match value.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(Spanned::new(value.span(), n)),
                Err(_) => {
                    self.error(value.span(), key, "integer is too large")
                        .help("use a value below 9,223,372,036,854,775,807");
                    None
                }
            },
            DeValue::Float(_) => {
                let n = self.number(key)?;
                let whole = *n.get_ref();
                if whole.fract() == 0.0 && whole.abs() < 9.0e15 {
                    Some(Spanned::new(n.span(), whole as i64))
                } else {
                    self.error(n.span(), key, format!("expected a whole number, found {whole}"))
                        .help(format!("write `{key}` without a fractional part"));
                    None
                }
            }
            _ => {
                self.wrong_type(key, value, "a whole number");
                None
            }
        }
    }

    /// A boolean value.
    pub fn boolean(&self, key: &str) -> Option<Sp<bool>> {
        let value = self.raw(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(Spanned::new(value.span(), *b)),
            _ => {
                self.wrong_type(key, value, "true or false");
                None
            }
        }
    }

    /// A calendar date, written as a TOML date (`2026-10-08`) or a string holding one.
    pub fn date(&self, key: &str) -> Option<Sp<String>> {
        let value = self.raw(key)?;
        let text = match value.get_ref() {
            DeValue::Datetime(d) => d.to_string(),
            DeValue::String(s) => s.to_string(),
            _ => {
                self.wrong_type(key, value, "a date (YYYY-MM-DD)");
                return None;
            }
        };
        if is_iso_date(&text) {
            Some(Spanned::new(value.span(), text))
        } else {
            self.error(value.span(), key, format!("\"{text}\" is not a date"))
                .help("write the date as YYYY-MM-DD, for example 2026-10-08");
            None
        }
    }

    /// The items of an array, each with its span and its `key[i]` field path.
    pub fn array(&self, key: &str) -> Option<Vec<(String, &'r Sp<DeValue<'s>>)>> {
        let value = self.raw(key)?;
        match value.get_ref() {
            DeValue::Array(items) => Some(
                items.iter().enumerate().map(|(i, item)| (format!("{key}[{i}]"), item)).collect(),
            ),
            _ => {
                self.wrong_type(key, value, "an array");
                None
            }
        }
    }

    /// An array of non-empty strings. Items of the wrong type are reported and skipped.
    pub fn strings(&self, key: &str) -> Option<Vec<Sp<String>>> {
        let items = self.array(key)?;
        let mut out = Vec::with_capacity(items.len());
        for (path, item) in items {
            match item.get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => {
                    out.push(Spanned::new(item.span(), s.trim().to_owned()));
                }
                DeValue::String(_) => {
                    self.error(item.span(), &path, "empty string in list")
                        .help("remove the empty item");
                }
                _ => self.wrong_type(&path, item, "a string"),
            }
        }
        Some(out)
    }

    /// A value of a vocabulary (sector, kind, ...), with "did you mean" on a near miss.
    pub fn enumeration<T: Enumeration>(&self, key: &str) -> Option<Sp<T>> {
        let value = self.string(key)?;
        match T::parse_name(value.get_ref()) {
            Ok(v) => Some(Spanned::new(value.span(), v)),
            Err(err) => {
                self.unknown(value.span(), key, &err);
                None
            }
        }
    }

    /// A list of vocabulary values; unknown and repeated values are reported and dropped.
    pub fn enumerations<T: Enumeration>(&self, key: &str) -> Option<Vec<Sp<T>>> {
        let items = self.strings(key)?;
        let mut out: Vec<Sp<T>> = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("{key}[{i}]");
            match T::parse_name(item.get_ref()) {
                Ok(v) if out.iter().any(|seen| *seen.get_ref() == v) => {
                    self.error(
                        item.span(),
                        &path,
                        format!("{} \"{}\" is listed twice", T::WHAT, v.name()),
                    )
                    .help("list each value once");
                }
                Ok(v) => out.push(Spanned::new(item.span(), v)),
                Err(err) => self.unknown(item.span(), &path, &err),
            }
        }
        Some(out)
    }

    /// A sub-table.
    pub fn table(&self, key: &str) -> Option<Table<'r, 's>> {
        let value = self.raw(key)?;
        match value.get_ref() {
            DeValue::Table(table) => Some(Table {
                reader: self.reader,
                table,
                span: value.span(),
                path: self.field_path(key),
            }),
            _ => {
                self.wrong_type(key, value, "a table");
                None
            }
        }
    }

    /// An array of tables (`[[key]]`); a single table (`[key]`) counts as an array of one.
    pub fn tables(&self, key: &str) -> Option<Vec<Table<'r, 's>>> {
        let value = self.raw(key)?;
        match value.get_ref() {
            DeValue::Table(_) => self.table(key).map(|t| vec![t]),
            DeValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let path = format!("{key}[{i}]");
                    match item.get_ref() {
                        DeValue::Table(table) => out.push(Table {
                            reader: self.reader,
                            table,
                            span: item.span(),
                            path: self.field_path(&path),
                        }),
                        _ => self.wrong_type(&path, item, "a table"),
                    }
                }
                Some(out)
            }
            _ => {
                self.wrong_type(key, value, "an array of tables");
                None
            }
        }
    }

    /// Reports every key not in `known`, suggesting the closest known key.
    pub fn deny_unknown(&self, known: &[&str]) {
        for (key, span) in self.keys() {
            if known.contains(&key) {
                continue;
            }
            let help = match closest(key, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("remove it; known fields here: {}", known.join(", ")),
            };
            self.error(span, key, format!("unknown field `{key}`")).help(help);
        }
    }
}

/// Adds help to a recorded problem; the problem is recorded when the builder is dropped.
pub struct ErrorBuilder<'r, 's> {
    reader: &'r TomlReader<'s>,
    diagnostic: Option<Diagnostic>,
}

impl ErrorBuilder<'_, '_> {
    /// Says how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) {
        if let Some(d) = self.diagnostic.take() {
            self.reader.push(d.help(help));
        }
    }
}

impl Drop for ErrorBuilder<'_, '_> {
    fn drop(&mut self) {
        if let Some(d) = self.diagnostic.take() {
            self.reader.push(d);
        }
    }
}

/// Whether text is an ISO calendar date `YYYY-MM-DD` with a real month and day.
pub fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let digits = |r: Range<usize>| -> Option<u32> {
        text.get(r).filter(|s| s.bytes().all(|b| b.is_ascii_digit()))?.parse().ok()
    };
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(year), Some(month), Some(day)) => {
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            let days = match month {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 if leap => 29,
                2 => 28,
                _ => return false,
            };
            (1..=days).contains(&day)
        }
        _ => false,
    }
}

/// Where a document nests too deeply to parse, for the parser's errors that come without a
/// place ("recursion limit" on a key of thousands of dotted parts): the start of the first
/// line whose key has more than `DEEP` parts, or the first bracket that opens more than `DEEP`
/// levels.
fn deep_nesting(text: &str) -> Option<usize> {
    const DEEP: usize = 64;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let key = line.split('=').next().unwrap_or_default();
        if line.contains('=') && key.matches('.').count() >= DEEP {
            return Some(start + (line.len() - line.trim_start().len()));
        }
        start += line.len();
    }
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > DEEP {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sector;

    fn read(text: &str, f: impl Fn(&Table<'_, '_>)) -> Vec<String> {
        let source = SourceText::new("t.toml", text.to_owned());
        let reader = TomlReader::new(&source);
        if let Some(doc) = reader.parse() {
            f(&reader.root(&doc));
        }
        reader.into_diagnostics().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn type_errors_are_located_and_reading_goes_on() {
        let errors = read("a = 1\nb = \"x\"\n", |t| {
            assert!(t.string("a").is_none());
            assert!(t.number("b").is_none());
        });
        assert_eq!(errors.len(), 2);
        assert!(
            errors[0].starts_with("t.toml:1:5: field `a`: expected a string, found an integer")
        );
        assert!(errors[1].starts_with("t.toml:2:5: field `b`: expected a number, found a string"));
    }

    #[test]
    fn syntax_errors_are_located() {
        let errors = read("a = \n", |_| {});
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("t.toml:1:"), "{errors:?}");
        assert!(errors[0].contains("invalid TOML"));
    }

    #[test]
    fn unknown_keys_get_suggestions() {
        let errors = read("sectr = 1\n", |t| t.deny_unknown(&["sector", "name"]));
        assert!(errors[0].contains("unknown field `sectr`"), "{errors:?}");
        assert!(errors[0].contains("did you mean `sector`?"), "{errors:?}");
    }

    #[test]
    fn enumerations_report_unknowns_and_repeats() {
        let errors = read("s = [\"police\", \"fier\", \"police\"]\n", |t| {
            let got = t.enumerations::<Sector>("s").unwrap();
            assert_eq!(got.len(), 1);
        });
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("field `s[1]`: unknown sector \"fier\""), "{errors:?}");
        assert!(errors[0].contains("did you mean \"fire\""), "{errors:?}");
        assert!(
            errors[1].contains("field `s[2]`: sector \"police\" is listed twice"),
            "{errors:?}"
        );
    }

    #[test]
    fn numbers_must_be_finite_and_whole_where_asked() {
        let errors = read("a = nan\nb = 2.5\nc = 3.0\nd = inf\n", |t| {
            assert!(t.number("a").is_none());
            assert!(t.integer("b").is_none());
            assert_eq!(t.integer("c").map(|v| *v.get_ref()), Some(3));
            assert!(t.number("d").is_none());
        });
        assert_eq!(errors.len(), 3, "{errors:?}");
    }

    #[test]
    fn dates_are_checked() {
        for good in ["2026-10-08", "2024-02-29"] {
            assert!(is_iso_date(good), "{good}");
        }
        for bad in ["2026-13-01", "2023-02-29", "26-10-08", "2026-1-08", "2026-10-0x"] {
            assert!(!is_iso_date(bad), "{bad}");
        }
    }
}
