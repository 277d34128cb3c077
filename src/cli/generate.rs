//! `partnermatch generate --bodies N --out PATH`: a synthetic national dataset (fictional
//! bodies with a real country's structure) as CSV or TOML. Checks the arguments, calls
//! `synth::generate` and streams the result through `export::write_atomic`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use partnermatch::export::{thousands, write_atomic};
use partnermatch::model::Enumeration;
use partnermatch::synth::{self, Like, MAX_TOML_BODIES, Settings};

use super::UsageError;

/// Arguments of `generate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Every body is fictional: ids are S-0000001, S-0000002, ...; names are \"Synthetic District
Council 12\" and the like. The kinds, regions, populations, reasons, barriers, services,
partnerships and neighbours follow the real country's structure and the 2011 survey's figures
(docs/synthetic.md). The same seed gives the same file on every machine.

Examples:
  partnermatch generate --bodies 20000 --out uk.csv
  partnermatch generate --bodies 90000 --like us --seed 7 --out us.csv
  partnermatch validate --data uk.csv")]
pub struct Args {
    /// How many bodies to generate (1 to 2,000,000; TOML up to 250,000).
    #[arg(long, value_name = "N")]
    bodies: u64,

    /// The seed: the same seed (and the same other options) gives the same file.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,

    /// Where to write the dataset, or - for standard output.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,

    /// Output format [default: toml when PATH ends in .toml, else csv].
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "toml"])]
    format: Option<String>,

    /// The country whose structure to imitate: uk or us.
    #[arg(long, value_name = "COUNTRY", default_value = "uk", value_parser = parse_like)]
    like: Like,

    /// Replace PATH if it exists.
    #[arg(long)]
    force: bool,
}

fn parse_like(text: &str) -> Result<Like, String> {
    Like::parse(text).map_err(|e| e.to_string())
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Toml,
}

/// The validated settings of a run.
struct Config {
    settings: Settings,
    format: Format,
    /// `None` for standard output.
    out: Option<PathBuf>,
}

impl Config {
    fn from_args(args: &Args) -> anyhow::Result<Self> {
        let n = usize::try_from(args.bodies).unwrap_or(usize::MAX);
        let settings = Settings::new(n, args.seed, args.like)
            .map_err(|e| UsageError(format!("--bodies {}: {e}", args.bodies)))?;
        let to_stdout = args.out == Path::new("-");
        let extension = args
            .out
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let format = match (args.format.as_deref(), extension.as_str()) {
            (Some("toml"), "csv" | "tsv") | (Some("csv"), "toml") => {
                return Err(UsageError(format!(
                    "--format {} does not match the extension of {}; --data picks the reader by extension",
                    args.format.as_deref().unwrap_or_default(),
                    args.out.display()
                ))
                .into());
            }
            (Some("toml"), _) | (None, "toml") => Format::Toml,
            _ => Format::Csv,
        };
        if format == Format::Toml && n > MAX_TOML_BODIES {
            let err = synth::SynthError::TooManyForToml { requested: n, max: MAX_TOML_BODIES };
            return Err(UsageError(format!("--bodies {}: {err}", args.bodies)).into());
        }
        if !to_stdout {
            check_out_path(&args.out, args.force)?;
        }
        Ok(Self { settings, format, out: (!to_stdout).then(|| args.out.clone()) })
    }
}

/// Runs `generate`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let config = Config::from_args(args)?;
    let synthetic = synth::generate(&config.settings);
    let write = |w: &mut dyn std::io::Write| match config.format {
        Format::Csv => synthetic.write_csv(w),
        Format::Toml => synthetic.write_toml(w),
    };
    let target = match &config.out {
        Some(path) => {
            write_atomic(path, write)
                .with_context(|| format!("cannot write {}", path.display()))?;
            path.display().to_string()
        }
        None => {
            let mut out = super::output::stdout();
            write(&mut out)?;
            out.flush()?;
            "standard output".to_owned()
        }
    };
    let sectors: Vec<String> = synthetic
        .by_sector()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(sector, n)| format!("{} {}", sector.label(), thousands(n as u64)))
        .collect();
    let mut stderr = std::io::stderr().lock();
    writeln!(
        stderr,
        "generated {} synthetic bodies like {} (seed {}): {}; written to {target}",
        thousands(synthetic.len() as u64),
        config.settings.like().label(),
        config.settings.seed(),
        sectors.join(", "),
    )?;
    Ok(())
}

/// Refuses a directory, an existing file without --force, and a folder that does not exist.
fn check_out_path(out: &Path, force: bool) -> anyhow::Result<()> {
    super::output::check_out_file(out, force, " ending in .csv or .toml")?;
    super::output::check_out_folder(out)
}
