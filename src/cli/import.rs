//! `partnermatch import TABLE --out PATH`: a table of bodies into TOML profiles. Nothing is
//! written when a row fails, unless `--skip-invalid`; the output appears whole or not at all.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use partnermatch::export::write_atomic;
use partnermatch::import::{Mapping, import, mapping::parse_delimiter};
use partnermatch::input::MAX_FILE_BYTES;
use partnermatch::profiles::to_toml;

use super::UsageError;

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Columns are matched to profile fields by name (`id`, `gss_code`, `name`, `official_name`,
`lat`, `latitude`, ...; see docs/import.md). Map other names with --mapping or --column.
List cells hold items separated by ';' (for example `legal;audit`).

Examples:
  partnermatch import councils.csv --out profiles/councils.toml
  partnermatch import export.csv --column id=\"Org code\" --default sector=police --out police.toml
  partnermatch import data/uk/uk_councils.csv --mapping data/uk/import.toml \\
      --neighbours data/uk/uk_council_adjacency.csv --out councils.toml")]
pub struct Args {
    /// The table to import (CSV; a .tsv file is read as tab-separated).
    #[arg(value_name = "TABLE")]
    table: PathBuf,

    /// Where to write the profiles (a .toml file), or - for standard output.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,

    /// A mapping file (TOML) naming columns, translating values and setting defaults.
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,

    /// Take a field from a differently named column: FIELD=COLUMN (repeatable).
    #[arg(long = "column", value_name = "FIELD=COLUMN")]
    columns: Vec<String>,

    /// A value for a field where its column is missing or the cell empty: FIELD=VALUE.
    #[arg(long = "default", value_name = "FIELD=VALUE")]
    defaults: Vec<String>,

    /// Land-boundary edge lists (CSV: two id columns per line), added to the neighbours.
    #[arg(long = "neighbours", value_name = "EDGES")]
    neighbours: Vec<PathBuf>,

    /// The table's field delimiter (one character; `tab` for tabs).
    #[arg(long, value_name = "C")]
    delimiter: Option<String>,

    /// Numbers use a decimal comma (`5,1` is 5.1; thousands, where allowed, as `1.234`).
    /// Without it a comma inside a number is refused unless it groups thousands (`64,187`).
    #[arg(long)]
    decimal_comma: bool,

    /// Convert the valid rows and report the others, instead of writing nothing.
    #[arg(long)]
    skip_invalid: bool,

    /// Replace PATH if it exists.
    #[arg(long)]
    force: bool,
}

/// Runs `import`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let mut mapping = match &args.mapping {
        Some(path) => Mapping::load(path)
            .with_context(|| format!("invalid mapping file {}", path.display()))?,
        None => Mapping::default(),
    };
    for spec in &args.columns {
        mapping.set_column(spec).map_err(|e| UsageError(format!("--column {spec}: {e}")))?;
    }
    for spec in &args.defaults {
        mapping.set_default(spec).map_err(|e| UsageError(format!("--default {spec}: {e}")))?;
    }
    if let Some(d) = &args.delimiter {
        mapping.delimiter =
            parse_delimiter(d).map_err(|e| UsageError(format!("--delimiter: {e}")))?;
    }
    if args.decimal_comma {
        mapping.decimal_comma = true;
    }
    let to_stdout = args.out == Path::new("-");
    if !to_stdout {
        check_out_path(&args.out, args.force)?;
    }
    let imported = import(&args.table, &args.neighbours, &mapping, args.skip_invalid)
        .with_context(|| format!("cannot import {}; nothing was written", args.table.display()))?;
    let mut stderr = std::io::stderr().lock();
    if !imported.unmatched_columns.is_empty() {
        writeln!(stderr, "note: columns not imported: {}", imported.unmatched_columns.join(", "))?;
    }
    for d in &imported.skipped {
        writeln!(stderr, "skipped: {d}")?;
    }
    let file_name = args
        .table
        .file_name()
        .map_or_else(|| args.table.display().to_string(), |n| n.to_string_lossy().into_owned());
    let header = mapping
        .header
        .clone()
        .unwrap_or_else(|| format!("Profiles imported by partnermatch from {file_name}."));
    let text = to_toml(imported.dataset.organisations(), &header);
    if text.len() as u64 > MAX_FILE_BYTES {
        // A file `--data` would refuse is not written at all.
        return Err(UsageError(format!(
            "the profiles of {} bodies take {} MiB as TOML, over the {} MiB limit of an input \
             file, so --data could not read them back; nothing was written. Use the table \
             itself as the dataset (--data {}, read as CSV), or split it into several tables",
            partnermatch::export::thousands(imported.dataset.len() as u64),
            text.len() >> 20,
            MAX_FILE_BYTES >> 20,
            args.table.display()
        ))
        .into());
    }
    if to_stdout {
        let mut out = super::output::stdout();
        out.write_all(text.as_bytes())?;
        out.flush()?;
    } else {
        write_atomic(&args.out, |w| w.write_all(text.as_bytes()))
            .with_context(|| format!("cannot write {}", args.out.display()))?;
    }
    let written = imported.dataset.len();
    let target =
        if to_stdout { "standard output".to_owned() } else { args.out.display().to_string() };
    let skipped = if imported.n_skipped > 0 {
        format!("; skipped {}", imported.n_skipped)
    } else {
        String::new()
    };
    writeln!(stderr, "imported {written} of {} rows into {target}{skipped}", imported.n_rows)?;
    Ok(())
}

/// Refuses a directory, an existing file without --force, and a folder that does not exist.
fn check_out_path(out: &Path, force: bool) -> anyhow::Result<()> {
    super::output::check_out_file(out, force, " ending in .toml")?;
    super::output::check_out_folder(out)
}
