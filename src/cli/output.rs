//! Where the command line writes: standard output (locked, buffered, with a closed pipe treated
//! as success by the caller) and standard error for the one error message; plus the plain text
//! tables and the text lines `pairs` and `groups` share. The documents written as JSON, CSV or
//! workbooks are the library's (`partnermatch::export`).

use std::io::{self, BufWriter, Write};
use std::time::Duration;

use partnermatch::diagnostic::Diagnostics;
use partnermatch::engine::Engine;
use partnermatch::model::{Criterion, Enumeration as _};
use partnermatch::rank::RankSettings;
use partnermatch::score::Explanation;

use super::rank::weights_description;

/// A buffered, locked standard output; on a terminal, control characters are escaped
/// (`Terminal`).
pub fn stdout() -> BufWriter<Terminal> {
    use std::io::IsTerminal as _;
    let escape = io::stdout().is_terminal();
    BufWriter::new(Terminal { out: io::stdout().lock(), escape, pending: Vec::new() })
}

/// Standard output that, when it is a terminal, shows control characters and bidirectional
/// controls as escapes (`\u{1b}`) instead of letting the terminal act on them: text from a
/// data file cannot clear the screen, retitle the window or reorder a line. A pipe or a file
/// gets the bytes unchanged.
pub struct Terminal {
    out: io::StdoutLock<'static>,
    escape: bool,
    /// The incomplete end of a UTF-8 character, kept for the next write.
    pending: Vec<u8>,
}

impl Write for Terminal {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.escape {
            return self.out.write(buf);
        }
        self.pending.extend_from_slice(buf);
        let complete = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.pending.len(),
        };
        let text = String::from_utf8_lossy(&self.pending[..complete]).into_owned();
        self.out.write_all(escape_controls(&text).as_bytes())?;
        self.pending.drain(..complete);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let text = String::from_utf8_lossy(&self.pending).into_owned();
            self.pending.clear();
            self.out.write_all(escape_controls(&text).as_bytes())?;
        }
        self.out.flush()
    }
}

/// Text with its control characters (but line breaks and tabs) and bidirectional controls
/// written as escapes, for a terminal.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Prints an error once to standard error: located problems one per line, anything else with
/// its chain of causes.
pub fn print_error(err: &anyhow::Error) -> io::Result<()> {
    // Messages quote what the user gave, so any control character in it is escaped.
    let mut stderr = io::stderr().lock();
    if let Some(diagnostics) = err.chain().find_map(|c| c.downcast_ref::<Diagnostics>()) {
        writeln!(stderr, "{}:", escape_controls(&err.to_string()))?;
        writeln!(stderr, "{}", escape_controls(&diagnostics.to_string()))?;
        return Ok(());
    }
    writeln!(stderr, "error: {}", escape_controls(&format!("{err:#}")))
}

/// A borderless table for terminals: columns two spaces apart, numbers right-aligned where
/// asked, trailing spaces trimmed when printed with `print_table`.
pub fn plain_table(header: &[&str], right_aligned: &[usize]) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::NOTHING);
    table.set_header(header.iter().copied());
    for (i, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, 2));
        if right_aligned.contains(&i) {
            column.set_cell_alignment(comfy_table::CellAlignment::Right);
        }
    }
    table
}

/// Writes a table line by line without trailing spaces.
pub fn print_table(out: &mut impl Write, table: &comfy_table::Table) -> io::Result<()> {
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The output formats of commands that print records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table for people.
    Table,
    /// JSON (pretty-printed), for scripts.
    Json,
    /// CSV with a header row, for spreadsheets.
    Csv,
}

/// The output formats of commands whose records also go to a spreadsheet (`rank`, `pairs`,
/// `groups`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SheetFormat {
    /// An aligned table for people.
    Table,
    /// JSON (pretty-printed), for scripts.
    Json,
    /// CSV with a header row, for scripts.
    Csv,
    /// An Excel workbook (needs --out FILE.xlsx): numbers as numbers, a frozen header, and a
    /// sheet of the weights and sources.
    Xlsx,
}

/// Refuses `--format xlsx` without `--out`, or with `--out -` while standard output is a
/// terminal: a workbook is binary and would only garble the screen.
pub fn check_sheet_out(format: SheetFormat, out: Option<&std::path::Path>) -> anyhow::Result<()> {
    use std::io::IsTerminal as _;
    if format != SheetFormat::Xlsx {
        return Ok(());
    }
    match out {
        None => Err(super::UsageError(
            "--format xlsx writes a binary workbook: give --out FILE.xlsx".to_owned(),
        )
        .into()),
        Some(path) if path.as_os_str() == "-" && io::stdout().is_terminal() => {
            Err(super::UsageError(
                "--format xlsx will not write a binary workbook to a terminal: give --out FILE.xlsx or redirect standard output"
                    .to_owned(),
            )
            .into())
        }
        Some(_) => Ok(()),
    }
}

/// Writes a value as pretty JSON and a final newline.
pub fn write_json<T: serde::Serialize + ?Sized>(
    out: &mut impl Write,
    value: &T,
) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Writes records as CSV with a header row.
pub fn write_csv<T: serde::Serialize>(out: &mut impl Write, records: &[T]) -> anyhow::Result<()> {
    let mut writer = partnermatch::export::csv_safe::Writer::from_writer(out);
    for r in records {
        writer.serialize(r)?;
    }
    writer.flush()?;
    Ok(())
}

pub use partnermatch::export::thousands;

/// Checks an `--out` path before any work: not a directory, and not an existing file unless
/// `force`. Usage errors name the flag.
pub fn check_out(out: Option<&std::path::Path>, force: bool) -> anyhow::Result<()> {
    match out {
        Some(path) => check_out_file(path, force, ""),
        None => Ok(()),
    }
}

/// Refuses an `--out` path that is not something a file can be written to (a directory, a
/// block device, a socket, a dangling link; the fix names the file expected: `hint`, such as
/// " ending in .toml"), or an existing regular file without `force`. `-` (standard output), a
/// character device and a FIFO (written straight into, never replaced) need no `force`.
pub fn check_out_file(path: &std::path::Path, force: bool, hint: &str) -> anyhow::Result<()> {
    use partnermatch::export::{OutputError, OutputKind, output_kind};
    match output_kind(path) {
        Ok(OutputKind::File { .. }) if !force => Err(super::UsageError(format!(
            "--out {} exists; pass --force to replace it",
            path.display()
        ))
        .into()),
        Ok(_) => Ok(()),
        Err(OutputError::NotAFile { what: "a directory", .. }) => Err(super::UsageError(format!(
            "--out {} is a directory; give a file path{hint}",
            path.display()
        ))
        .into()),
        Err(e) => Err(super::UsageError(format!("--out {e}")).into()),
    }
}

/// Refuses an `--out` path whose folder does not exist.
pub fn check_out_folder(path: &std::path::Path) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(
            super::UsageError(format!("the folder {} does not exist", parent.display())).into()
        );
    }
    Ok(())
}

/// Writes a report to `--out` (atomically, through `write_atomic`) or to standard output (no
/// `--out`, or `--out -`).
pub fn emit(
    out: Option<&std::path::Path>,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    match out.filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let mut failure = None;
            let written = partnermatch::export::write_atomic(path, |w| {
                write(w).map_err(|e| {
                    let message = format!("{e:#}");
                    failure = Some(e);
                    io::Error::other(message)
                })
            });
            if let Some(e) = failure {
                return Err(e.context(format!("cannot write {}", path.display())));
            }
            written.with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut out = stdout();
            write(&mut out)?;
            out.flush()?;
            Ok(())
        }
    }
}

// What `pairs` and `groups` both print.

/// "1 group", "3 groups".
pub fn plural(n: usize, word: &str) -> String {
    format!("{} {word}{}", thousands(n as u64), if n == 1 { "" } else { "s" })
}

/// Seconds with two decimals.
pub fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// "1.3%" for a share.
pub fn percent(share: f64) -> String {
    format!("{:.2}%", 100.0 * share)
}

/// The header lines shared by `pairs` and `groups`: how scores combine, the weights, the
/// filters and focus.
pub fn write_settings_lines(
    w: &mut dyn Write,
    engine: &Engine,
    rank: &RankSettings,
) -> io::Result<()> {
    writeln!(
        w,
        "score: {} of both views; weights: {}",
        rank.mutual.label(),
        weights_description(engine)
    )?;
    let mut limits = Vec::new();
    if !rank.filter.is_empty() {
        limits.push(rank.filter.describe());
    }
    if let Some(d) = rank.within_km {
        limits.push(format!("pairs within {d} km"));
    }
    if rank.exclude_partners {
        limits.push("existing partners kept apart".to_owned());
    }
    if !rank.focus.is_empty() {
        let names: Vec<&str> = rank.focus.iter().map(|s| s.label()).collect();
        limits.push(format!("service focus {}", names.join(", ")));
    }
    if !limits.is_empty() {
        writeln!(w, "bodies: {}", limits.join("; "))?;
    }
    Ok(())
}

/// Notes the criteria with no data in any of the explanations.
pub fn write_neutral_note(w: &mut dyn Write, explanations: &[Explanation]) -> io::Result<()> {
    if explanations.is_empty() {
        return Ok(());
    }
    let always: Vec<&str> = Criterion::all()
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            explanations
                .iter()
                .all(|e| e.forward.criteria[*i].neutral && e.backward.criteria[*i].neutral)
        })
        .map(|(_, c)| c.label())
        .collect();
    if !always.is_empty() {
        writeln!(w)?;
        writeln!(
            w,
            "no data for any pair (counted as {}: missing data never counts in a body's favour): {}",
            partnermatch::score::NEUTRAL,
            always.join(", ")
        )?;
    }
    Ok(())
}

/// Lists bodies as "Name (id)", comma-separated.
pub fn body_list(engine: &Engine, bodies: &[usize]) -> String {
    let orgs = engine.dataset.organisations();
    bodies
        .iter()
        .map(|&b| format!("{} ({})", orgs[b].display_name(), orgs[b].id))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped_for_terminals() {
        assert_eq!(super::escape_controls("a\u{1b}]0;x\u{7}b\n\tc"), "a\\u{1b}]0;x\\u{7}b\n\tc");
        assert_eq!(super::escape_controls("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(super::escape_controls("Adur"), "Adur");
    }

    #[test]
    fn thousands_separators() {
        for (n, want) in
            [(0, "0"), (999, "999"), (1000, "1,000"), (64187, "64,187"), (1_199_870, "1,199,870")]
        {
            assert_eq!(super::thousands(n), want);
        }
    }
}
