//! `partnermatch build-uk DIR --out FILE`: rebuilds the embedded UK dataset
//! (`profiles/uk/bodies.toml`) from the real tables of `data/uk/`. For maintainers: a test
//! checks that the committed file equals a fresh build.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use partnermatch::export::write_atomic;
use partnermatch::import::uk::build_uk;

/// Arguments of `build-uk`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Reads data/uk/uk_councils.csv (with import.toml and the adjacency table), uk_council_areas.csv,
uk_other_bodies.csv, uk_nhs_trusts.csv, uk_planning_systems.csv, uk_shared_service_signals.csv
and uk_partnerships_dev.csv; see data/uk/README*.md and docs/data.md for what each gives.
Members of shared arrangements that name no body of the data (abolished councils, central
government) are listed on standard error and left out.

Example (from the repository root):
  partnermatch build-uk data/uk --out profiles/uk/bodies.toml --force")]
pub struct Args {
    /// The folder of the UK tables.
    #[arg(value_name = "DIR", default_value = "data/uk")]
    dir: PathBuf,

    /// Where to write the profiles (a .toml file), or - for standard output.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,

    /// Replace PATH if it exists.
    #[arg(long)]
    force: bool,
}

/// Runs `build-uk`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let to_stdout = args.out.as_os_str() == "-";
    if !to_stdout {
        super::output::check_out_file(&args.out, args.force, " ending in .toml")?;
        super::output::check_out_folder(&args.out)?;
    }
    let built = build_uk(&args.dir)
        .with_context(|| format!("cannot build the UK dataset from {}", args.dir.display()))?;
    let mut stderr = std::io::stderr().lock();
    for (arrangement, name) in &built.unmatched_members {
        writeln!(stderr, "note: {arrangement}: \"{name}\" names no body of the data; left out")?;
    }
    if to_stdout {
        let mut out = super::output::stdout();
        out.write_all(built.toml.as_bytes())?;
        out.flush()?;
    } else {
        write_atomic(&args.out, |w| w.write_all(built.toml.as_bytes()))
            .with_context(|| format!("cannot write {}", args.out.display()))?;
    }
    let target =
        if to_stdout { "standard output".to_owned() } else { args.out.display().to_string() };
    writeln!(stderr, "built {} bodies into {target}", built.n_bodies)?;
    Ok(())
}
