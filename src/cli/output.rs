//! Where the command line writes: standard output (locked, buffered, with a closed pipe treated
//! as success by the caller) and standard error for the one error message.

use std::io::{self, BufWriter, Write};

use partnermatch::diagnostic::Diagnostics;

/// A buffered, locked standard output.
pub fn stdout() -> BufWriter<io::StdoutLock<'static>> {
    BufWriter::new(io::stdout().lock())
}

/// Prints an error once to standard error: located problems one per line, anything else with
/// its chain of causes.
pub fn print_error(err: &anyhow::Error) -> io::Result<()> {
    let mut stderr = io::stderr().lock();
    if let Some(diagnostics) = err.chain().find_map(|c| c.downcast_ref::<Diagnostics>()) {
        writeln!(stderr, "{err}:")?;
        writeln!(stderr, "{diagnostics}")?;
        return Ok(());
    }
    writeln!(stderr, "error: {err:#}")
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
    let mut writer = csv::Writer::from_writer(out);
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

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        for (n, want) in
            [(0, "0"), (999, "999"), (1000, "1,000"), (64187, "64,187"), (1_199_870, "1,199,870")]
        {
            assert_eq!(super::thousands(n), want);
        }
    }
}
