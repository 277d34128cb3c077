//! Spreadsheets (`--format xlsx` of `rank`, `pairs`, `groups` and the page's download): the same
//! typed `Table` the CSV is written from, as an Excel workbook written with `rust_xlsxwriter`:
//! numbers stored as numbers (full precision; only their display is rounded), a bold header
//! frozen in place, columns sized to their contents, and a sheet of the weights and sources.
//! Builds the workbook in memory and writes its bytes to the writer it is given; the caller
//! writes the file through `write_atomic`.

use std::io::Write;

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::table::{Cell, Style, Table};
use crate::dataset::{EMBEDDED_DESCRIPTION, EMBEDDED_SOURCES};
use crate::engine::Engine;
use crate::model::{Criterion, Enumeration};
use crate::weights::Basis;

/// A sheet: a name (at most 31 characters, none of `[]:*?/\`) and its tables, written one
/// under the other with a blank row between. The first table's header row is frozen.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The sheet's tab name.
    pub name: String,
    /// Its tables, top to bottom.
    pub tables: Vec<Table>,
}

impl Sheet {
    /// A sheet of one table.
    pub fn new(name: impl Into<String>, table: Table) -> Self {
        Self { name: name.into(), tables: vec![table] }
    }
}

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SpreadsheetError {
    /// The spreadsheet library refused the content (a text over Excel's 32,767 characters,
    /// more rows than a sheet holds).
    #[error("cannot build the spreadsheet: {0}")]
    Build(#[from] XlsxError),
    /// Writing the bytes failed.
    #[error("cannot write the spreadsheet: {0}")]
    Io(#[from] std::io::Error),
}

/// The widest a column is sized (in characters): longer text wraps in the cell instead.
const MAX_WIDTH: usize = 60;

/// The narrowest a column is sized.
const MIN_WIDTH: usize = 6;

/// Writes the sheets as one `.xlsx` workbook.
pub fn write_workbook(out: &mut dyn Write, sheets: &[Sheet]) -> Result<(), SpreadsheetError> {
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold().set_align(FormatAlign::Top).set_text_wrap();
    let formats = StyleFormats::new();
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(&sheet.name)?;
        write_sheet(worksheet, sheet, &header, &formats)?;
    }
    let bytes = workbook.save_to_buffer()?;
    out.write_all(&bytes)?;
    Ok(())
}

/// The cell formats of each display style.
struct StyleFormats {
    general: Format,
    wrapped: Format,
    whole: Format,
    score: Format,
    km: Format,
}

impl StyleFormats {
    fn new() -> Self {
        let top = Format::new().set_align(FormatAlign::Top);
        Self {
            general: top.clone(),
            wrapped: top.clone().set_text_wrap(),
            whole: top.clone().set_num_format("0"),
            score: top.clone().set_num_format("0.000"),
            km: top.set_num_format("0.0"),
        }
    }

    fn number(&self, style: Style) -> &Format {
        match style {
            Style::General => &self.general,
            Style::Whole => &self.whole,
            Style::Score => &self.score,
            Style::Km => &self.km,
        }
    }
}

/// Characters a cell needs to be read without widening the column.
fn cell_width(cell: &Cell, style: Style) -> usize {
    match cell {
        Cell::Text(s) => s.chars().count(),
        Cell::Number(v) => match style {
            Style::Whole => format!("{v:.0}").len(),
            Style::Score => format!("{v:.3}").len(),
            Style::Km => format!("{v:.1}").len(),
            Style::General => v.to_string().len(),
        },
        Cell::Empty => 0,
    }
}

fn write_sheet(
    worksheet: &mut Worksheet,
    sheet: &Sheet,
    header: &Format,
    formats: &StyleFormats,
) -> Result<(), SpreadsheetError> {
    let mut widths: Vec<usize> = Vec::new();
    let mut row: u32 = 0;
    for (t, table) in sheet.tables.iter().enumerate() {
        if t > 0 {
            row += 1;
        }
        for (c, column) in table.columns.iter().enumerate() {
            let col = column_number(c)?;
            worksheet.write_string_with_format(row, col, &column.header, header)?;
            let width =
                column.header.chars().count().max(
                    table.rows.iter().map(|r| cell_width(&r[c], column.style)).max().unwrap_or(0),
                );
            if widths.len() <= c {
                widths.resize(c + 1, 0);
            }
            widths[c] = widths[c].max(width);
        }
        if t == 0 {
            worksheet.set_freeze_panes(row + 1, 0)?;
        }
        row += 1;
        for cells in &table.rows {
            for (c, (cell, column)) in cells.iter().zip(&table.columns).enumerate() {
                let col = column_number(c)?;
                match cell {
                    Cell::Number(v) => {
                        worksheet.write_number_with_format(
                            row,
                            col,
                            *v,
                            formats.number(column.style),
                        )?;
                    }
                    Cell::Text(s) if s.chars().count() > MAX_WIDTH => {
                        worksheet.write_string_with_format(row, col, s, &formats.wrapped)?;
                    }
                    Cell::Text(s) => {
                        worksheet.write_string_with_format(row, col, s, &formats.general)?;
                    }
                    Cell::Empty => {}
                }
            }
            row += 1;
        }
    }
    for (c, width) in widths.iter().enumerate() {
        // One character of margin, as Excel's own "fit to contents" leaves.
        let chars = (*width).clamp(MIN_WIDTH, MAX_WIDTH) + 1;
        worksheet.set_column_width(column_number(c)?, chars as f64)?;
    }
    Ok(())
}

/// A column index as the spreadsheet's column number (Excel has 16,384 columns).
fn column_number(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

/// One criterion's weight, as the weights sheet shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightLine {
    /// The criterion.
    pub criterion: Criterion,
    /// Its 1-based position in the order the weights come from (tied criteria share one).
    pub position: usize,
    /// Its weight.
    pub weight: f64,
}

/// The sheet of the weights and sources: the settings the results were computed under
/// (`settings`, as label and value), the weights in their order with the survey's evidence for
/// each criterion's place, the survey's citation and, for the embedded dataset, the data's
/// sources and licences.
pub fn weights_and_sources_sheet(
    engine: &Engine,
    settings: &[(String, String)],
    weights: &[WeightLine],
) -> Sheet {
    use super::table::Column;

    let mut about = Table::new(vec![
        Column::new("setting", Style::General),
        Column::new("value", Style::General),
    ]);
    about.push(vec![Cell::text("dataset"), Cell::text(engine.dataset.description())]);
    for (label, value) in settings {
        about.push(vec![Cell::text(label.as_str()), Cell::text(value.as_str())]);
    }
    let citation = engine.survey.citation();
    let mut survey = citation.title.clone().unwrap_or_default();
    for part in [
        citation.authors.clone(),
        citation.year.map(|y| y.to_string()),
        citation.respondents.map(|n| format!("{n} respondents")),
        citation.organisations.map(|n| format!("{n} organisations")),
    ]
    .into_iter()
    .flatten()
    {
        if !survey.is_empty() {
            survey.push_str(", ");
        }
        survey.push_str(&part);
    }
    if !survey.is_empty() {
        about.push(vec![Cell::text("survey"), Cell::Text(survey)]);
    }
    if let Some(note) = &citation.note {
        about.push(vec![Cell::text("survey note"), Cell::text(note.as_str())]);
    }

    let mut weight_table = Table::new(vec![
        Column::new("position", Style::Whole),
        Column::new("criterion", Style::General),
        Column::new("label", Style::General),
        Column::new("weight", Style::Score),
        Column::new("survey_position", Style::Whole),
        Column::new("basis", Style::General),
        Column::new("evidence", Style::General),
        Column::new("source", Style::General),
    ]);
    for w in weights {
        let entry = engine.survey.criterion(w.criterion);
        weight_table.push(vec![
            Cell::whole(w.position),
            Cell::text(w.criterion.name()),
            Cell::text(w.criterion.label()),
            Cell::Number(w.weight),
            entry.map_or(Cell::Empty, |e| Cell::whole(e.position)),
            entry.map_or(Cell::Empty, |e| {
                Cell::text(match e.basis {
                    Basis::Survey => "survey result",
                    Basis::Judgement => "project judgement",
                })
            }),
            Cell::Text(
                entry.map_or_else(|| w.criterion.evidence().to_owned(), |e| e.evidence.clone()),
            ),
            entry.map_or(Cell::Empty, |e| Cell::text(e.source.as_str())),
        ]);
    }

    let mut tables = vec![about, weight_table];
    if engine.dataset.description() == EMBEDDED_DESCRIPTION {
        let mut sources = Table::new(vec![
            Column::new("data", Style::General),
            Column::new("source", Style::General),
            Column::new("licence", Style::General),
        ]);
        for s in EMBEDDED_SOURCES {
            sources.push(vec![Cell::text(s.what), Cell::text(s.source), Cell::text(s.licence)]);
        }
        tables.push(sources);
    }
    Sheet { name: "Weights and sources".to_owned(), tables }
}

/// The weights of a body (or of the survey's order, for results over many bodies) as lines in
/// their order: position, criterion, weight.
pub fn weight_lines(
    order: &crate::model::CriteriaOrder,
    weights: &[f64; Criterion::COUNT],
) -> Vec<WeightLine> {
    order
        .positions()
        .iter()
        .enumerate()
        .flat_map(|(i, block)| {
            block.iter().map(move |c| WeightLine {
                criterion: *c,
                position: i + 1,
                weight: weights[c.index()],
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader, Xlsx};

    use super::super::table::Column;
    use super::*;

    fn read_back(bytes: Vec<u8>, sheet: &str) -> Vec<Vec<Data>> {
        let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = workbook.worksheet_range(sheet).unwrap();
        range.rows().map(<[Data]>::to_vec).collect()
    }

    #[test]
    fn numbers_stay_numbers_and_text_stays_text() {
        let mut table = Table::new(vec![
            Column::new("rank", Style::Whole),
            Column::new("name", Style::General),
            Column::new("score", Style::Score),
        ]);
        table.push(vec![Cell::whole(1), Cell::text("Adur"), Cell::Number(0.1 + 0.2)]);
        table.push(vec![Cell::whole(2), Cell::Empty, Cell::Number(-1e-9)]);
        table.push(vec![Cell::whole(3), Cell::text("x".repeat(200)), Cell::Number(1.0)]);
        let mut bytes = Vec::new();
        write_workbook(&mut bytes, &[Sheet::new("Partners", table)]).unwrap();
        // The header is bold; scores are shown with three decimals (stored in full).
        let mut workbook = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
        let styles = workbook.worksheet_style("Partners").unwrap();
        let style = |row: u32, col: u32| styles.get((row, col)).cloned().unwrap_or_default();
        assert!(style(0, 0).font.is_some_and(|f| f.is_bold()), "bold header");
        let format = style(1, 2).number_format.map(|n| n.format_code);
        assert_eq!(format.as_deref(), Some("0.000"));
        let rows = read_back(bytes, "Partners");
        assert_eq!(rows[0], [Data::String("rank".into()), "name".into(), "score".into()]);
        assert_eq!(rows[1], [Data::Float(1.0), "Adur".into(), Data::Float(0.1 + 0.2)]);
        assert_eq!(rows[2], [Data::Float(2.0), Data::Empty, Data::Float(-1e-9)]);
        assert_eq!(rows[3][1], Data::String("x".repeat(200)));
    }

    #[test]
    fn a_text_too_long_for_excel_is_an_error_not_a_panic() {
        let mut table = Table::new(vec![Column::new("name", Style::General)]);
        table.push(vec![Cell::text("x".repeat(40_000))]);
        let err = write_workbook(&mut Vec::new(), &[Sheet::new("S", table)]).unwrap_err();
        assert!(err.to_string().starts_with("cannot build the spreadsheet"), "{err}");
    }
}
