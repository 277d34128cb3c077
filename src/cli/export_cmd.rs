//! `partnermatch export --format csv|toml --out FILE`: the whole dataset in use (after any
//! `--profile` layers), every field, so that `--data FILE` loads the same bodies and gives the
//! same rankings. Writes through `export::write_atomic`, or to standard output.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use partnermatch::dataset::{EMBEDDED_ATTRIBUTION, EMBEDDED_DESCRIPTION};
use partnermatch::export::{thousands, write_atomic};
use partnermatch::profiles::{to_toml, write_table};

use super::GlobalArgs;

const EXAMPLES: &str = "\
Examples:
  partnermatch export --out councils.toml
  partnermatch export --format csv --profile our.toml --out councils.csv
  partnermatch rank cotswold --data councils.csv      (the same ranking as without --data)";

/// The formats of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// TOML profiles, one [[organisation]] table per body: everything.
    Toml,
    /// A CSV table in the import format: everything but partnerships' years and names.
    Csv,
}

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The format [default: by the extension of --out, else toml].
    #[arg(long, value_enum)]
    format: Option<ExportFormat>,

    /// Where to write the dataset, or - for standard output.
    #[arg(long, value_name = "FILE", default_value = "-")]
    out: PathBuf,

    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

/// Runs `export`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    let to_stdout = args.out == Path::new("-");
    let extension =
        args.out.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let format = args.format.unwrap_or(match extension.as_str() {
        "csv" | "tsv" => ExportFormat::Csv,
        _ => ExportFormat::Toml,
    });
    if !to_stdout {
        super::output::check_out_file(&args.out, args.force, " ending in .toml or .csv")?;
        super::output::check_out_folder(&args.out)?;
    }
    let dataset = super::load_dataset(global)?;
    let write = |w: &mut dyn std::io::Write| -> std::io::Result<()> {
        match format {
            ExportFormat::Toml => {
                let mut header = format!(
                    "partnermatch export of {} ({} bodies).",
                    dataset.description(),
                    dataset.len()
                );
                if dataset.description().starts_with(EMBEDDED_DESCRIPTION) {
                    header.push_str("\n\n");
                    header.push_str(EMBEDDED_ATTRIBUTION);
                }
                w.write_all(to_toml(dataset.organisations(), &header).as_bytes())
            }
            ExportFormat::Csv => write_table(w, dataset.organisations()),
        }
    };
    let target = if to_stdout {
        let mut out = super::output::stdout();
        write(&mut out)?;
        out.flush()?;
        "standard output".to_owned()
    } else {
        write_atomic(&args.out, write)
            .with_context(|| format!("cannot write {}", args.out.display()))?;
        args.out.display().to_string()
    };
    writeln!(
        std::io::stderr(),
        "exported {} bodies of {} to {target}",
        thousands(dataset.len() as u64),
        dataset.description()
    )?;
    Ok(())
}
