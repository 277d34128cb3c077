//! `partnermatch profile BODY --out our.toml`: a profile layer to fill in for one body (what
//! the data knows as values, every other field commented out with its allowed values), and
//! `partnermatch profile --template --format csv`: a CSV layer's header with a row of allowed
//! values. Writes through `export::write_atomic`, or to standard output.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use partnermatch::export::write_atomic;
use partnermatch::profiles::{toml_template, write_layer_template};

use super::{GlobalArgs, UsageError};

const EXAMPLES: &str = "\
Examples:
  partnermatch profile cotswold --out our.toml
      (fill it in, then: partnermatch rank cotswold --profile our.toml)
  partnermatch profile --template --format csv --out answers.csv
      (one row per body; then: partnermatch rank BODY --profile answers.csv)";

/// The formats of a profile layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LayerFormat {
    /// A commented TOML file for one body.
    Toml,
    /// A CSV table, one row per body, for spreadsheets.
    Csv,
}

/// Arguments of `profile`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The body (id, official name or short name): its template holds what the data knows.
    #[arg(value_name = "BODY", required_unless_present = "template")]
    body: Option<String>,

    /// Write an empty CSV layer (the header and a row of allowed values) instead of one body's
    /// template (CSV only).
    #[arg(long, conflicts_with = "body")]
    template: bool,

    /// The format [default: by the extension of --out, else csv with --template, toml without].
    #[arg(long, value_enum)]
    format: Option<LayerFormat>,

    /// Where to write it, or - for standard output.
    #[arg(long, value_name = "FILE", default_value = "-")]
    out: PathBuf,

    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

/// Runs `profile`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    let to_stdout = args.out == Path::new("-");
    let by_extension = args
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        .then_some(LayerFormat::Csv);
    let default = if args.template { LayerFormat::Csv } else { LayerFormat::Toml };
    let format = args.format.or(by_extension).unwrap_or(default);
    if args.template && format == LayerFormat::Toml {
        return Err(UsageError(
            "--template writes the CSV layer; add --format csv, or give a BODY for a TOML \
             template of that body"
                .to_owned(),
        )
        .into());
    }
    if !to_stdout {
        super::output::check_out_file(&args.out, args.force, " ending in .toml or .csv")?;
        super::output::check_out_folder(&args.out)?;
    }
    let text = match &args.body {
        Some(body) => {
            let dataset = super::load_dataset(global)?;
            let o = &dataset.organisations()[dataset.find(body)?];
            match format {
                LayerFormat::Toml => {
                    let survey = super::load_survey(global)?;
                    let file = if to_stdout {
                        "FILE".to_owned()
                    } else {
                        args.out.file_name().map_or_else(
                            || args.out.display().to_string(),
                            |n| n.to_string_lossy().into_owned(),
                        )
                    };
                    toml_template(o, &survey, &file).into_bytes()
                }
                LayerFormat::Csv => {
                    let mut bytes = Vec::new();
                    write_layer_template(&mut bytes, std::slice::from_ref(o))?;
                    bytes
                }
            }
        }
        None => {
            let mut bytes = Vec::new();
            write_layer_template(&mut bytes, &[])?;
            bytes
        }
    };
    if to_stdout {
        let mut out = super::output::stdout();
        out.write_all(&text)?;
        out.flush()?;
    } else {
        write_atomic(&args.out, |w| w.write_all(&text))
            .with_context(|| format!("cannot write {}", args.out.display()))?;
        writeln!(std::io::stderr(), "wrote {}", args.out.display())?;
    }
    Ok(())
}
