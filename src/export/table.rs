//! A typed table of results (text and numbers, column by column), the one shape both the CSV
//! and the spreadsheet writers take, so that `--format csv` and `--format xlsx` carry the same
//! values cell for cell. Writes only to the writer it is given.

use std::io::Write;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A number: a real number in a spreadsheet, its shortest exact digits in CSV.
    Number(f64),
    /// Text.
    Text(String),
    /// Nothing (an empty field).
    Empty,
}

impl Cell {
    /// A whole number (a rank, a count).
    pub fn whole(n: usize) -> Self {
        // Counts and ranks in these tables are far below 2⁵³, so the conversion is exact.
        Self::Number(n as f64)
    }

    /// Text from anything string-like.
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }

    /// The text CSV writes for this cell: numbers exactly as `f64`'s `Display` writes them
    /// (what the CSV writers have always printed), text as is.
    pub fn to_csv_field(&self) -> String {
        match self {
            Self::Number(v) => v.to_string(),
            Self::Text(s) => s.clone(),
            Self::Empty => String::new(),
        }
    }
}

/// How a column's numbers are shown in a spreadsheet (the stored value is always the full
/// number; this is only its display).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Text, or numbers shown as the spreadsheet's general format.
    General,
    /// Whole numbers: ranks, counts, sizes.
    Whole,
    /// Scores and weights: three decimals.
    Score,
    /// Distances: one decimal.
    Km,
}

/// A column: its header (the CSV header, a contract with scripts) and its display style.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header.
    pub header: String,
    /// How its numbers are shown in a spreadsheet.
    pub style: Style,
}

impl Column {
    /// A column.
    pub fn new(header: impl Into<String>, style: Style) -> Self {
        Self { header: header.into(), style }
    }
}

/// A table: columns and rows of cells (each row as long as the columns).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(columns: Vec<Column>) -> Self {
        Self { columns, rows: Vec::new() }
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "a row as long as the header");
        self.rows.push(row);
    }

    /// Writes the table as CSV with a header row; text cells that a spreadsheet would read as
    /// a formula are neutralised (`csv_safe`), numbers stay numbers.
    pub fn write_csv(&self, out: &mut dyn Write) -> Result<(), csv::Error> {
        let mut writer = super::csv_safe::Writer::from_writer(out);
        writer.write_record(self.columns.iter().map(|c| c.header.as_str()))?;
        for row in &self.rows {
            writer.write_record(row.iter().map(Cell::to_csv_field))?;
        }
        writer.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_what_display_writes() {
        for (cell, want) in [
            (Cell::whole(3), "3"),
            (Cell::Number(0.1 + 0.2), "0.30000000000000004"),
            (Cell::Number(12.0), "12"),
            (Cell::text("a, b"), "a, b"),
            (Cell::Empty, ""),
        ] {
            assert_eq!(cell.to_csv_field(), want);
        }
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut table =
            Table::new(vec![Column::new("name", Style::General), Column::new("n", Style::Whole)]);
        table.push(vec![Cell::text("Adur, \"West\""), Cell::whole(1)]);
        table.push(vec![Cell::Empty, Cell::Number(2.5)]);
        let mut out = Vec::new();
        table.write_csv(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "name,n\n\"Adur, \"\"West\"\"\",1\n,2.5\n");
    }
}
