//! `partnermatch pack DATA --out FILE`: loads and checks a dataset once and writes it as a
//! prepared dataset (`dataset::pack`), which every command then loads with `--data FILE` in a
//! fraction of the time. Writes atomically; does not lay `--profile` layers into the file.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use partnermatch::dataset::Dataset;
use partnermatch::export::{thousands, write_atomic};

use super::{GlobalArgs, UsageError, output};

/// Arguments of `pack`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The file holds the checked bodies in a compact binary form with a format version and a
checksum: a damaged, truncated or foreign file, or one written by another version of
partnermatch, is refused with a message saying to run pack again. CSV stays the exchange
format; a pack is a cache of it for this build.

Examples:
  partnermatch pack national.csv --out national.pmd
  partnermatch --data national.pmd rank-all --top 10 --out all.csv")]
pub struct Args {
    /// The data to pack: a CSV table, a TOML profile file or a directory of profiles (as
    /// --data takes).
    #[arg(value_name = "DATA")]
    data: PathBuf,

    /// Where to write the pack (conventionally ending in .pmd).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,

    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
}

/// Runs `pack`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    if !global.profiles.is_empty() {
        return Err(UsageError(
            "pack writes the data as it is; --profile layers are laid over it when it is used (pass them to the command that reads the pack)".to_owned(),
        )
        .into());
    }
    if args.out.as_os_str() == "-" {
        return Err(UsageError("--out must name a file: a pack is binary".to_owned()).into());
    }
    output::check_out_file(&args.out, args.force, " ending in .pmd")?;
    let started = Instant::now();
    let dataset = Dataset::load(&args.data)
        .with_context(|| format!("invalid data in {}", args.data.display()))?;
    let bytes = dataset.to_pack();
    write_atomic(&args.out, |w| w.write_all(&bytes))
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let mut err = std::io::stderr();
    let _ = writeln!(
        err,
        "packed {} bodies from {} into {} ({} bytes, {:.0} bytes a body) in {:.2} s",
        thousands(dataset.len() as u64),
        args.data.display(),
        args.out.display(),
        thousands(bytes.len() as u64),
        bytes.len() as f64 / dataset.len().max(1) as f64,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
