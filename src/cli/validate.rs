//! `partnermatch validate`: loads the dataset, then prints a summary of bodies by sector and
//! kind (exit 0) or every problem found (exit 2, through the caller).

use std::collections::BTreeMap;
use std::io::Write;

use partnermatch::model::{Enumeration, Kind, Sector};

use super::output;

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `validate`.
pub fn run(_args: &Args, global: &super::GlobalArgs) -> anyhow::Result<()> {
    let dataset = super::load_dataset(global)?;
    // Sectors and kinds in their documented order (bodies of unknown kind first in a sector).
    let mut counts: BTreeMap<(Sector, Option<Kind>), usize> = BTreeMap::new();
    for o in dataset.organisations() {
        *counts.entry((o.sector, o.kind)).or_default() += 1;
    }
    let mut table = output::plain_table(&["sector", "kind", "bodies"], &[2]);
    for ((sector, kind), n) in &counts {
        let kind = kind.map_or("(kind not given)", |k| k.label());
        table.add_row([sector.label().to_owned(), kind.to_owned(), n.to_string()]);
    }
    let mut out = output::stdout();
    let noun = if dataset.len() == 1 { "organisation" } else { "organisations" };
    let n = dataset.len();
    writeln!(out, "ok: {n} {noun} in {}, no problems found", dataset.description())?;
    writeln!(out)?;
    output::print_table(&mut out, &table)?;
    out.flush()?;
    Ok(())
}
