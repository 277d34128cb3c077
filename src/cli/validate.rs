//! `partnermatch validate`: loads the dataset, then prints a summary of bodies by sector and
//! kind (exit 0) or every problem found (exit 2, through the caller).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use partnermatch::model::Enumeration;

use super::output;

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `validate`.
pub fn run(_args: &Args, data: Option<&Path>) -> anyhow::Result<()> {
    let dataset = super::load_dataset(data)?;
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for o in dataset.organisations() {
        let kind = o.kind.map_or("(kind not given)", |k| k.label());
        *counts.entry((o.sector.label(), kind)).or_default() += 1;
    }
    let mut table = output::plain_table(&["sector", "kind", "bodies"], &[2]);
    for ((sector, kind), n) in &counts {
        table.add_row([sector.to_string(), kind.to_string(), n.to_string()]);
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
