//! `partnermatch list`: browse the bodies of the dataset, filtered, as a table, JSON or CSV. A
//! summary: its JSON and CSV leave out most fields (`export` writes them all), which a note on
//! standard error says, so that nobody feeds it back to `--data` unawares.

use std::io::Write as _;

use partnermatch::export::records::BodyRecord;
use partnermatch::model::{Enumeration, Organisation};
use partnermatch::request::Request;

use super::GlobalArgs;
use super::output::{self, Format};

/// Arguments of `list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    // Sectors and kinds are kept as typed and parsed by `run`, so that a misspelt name is
    // reported with every other problem of the filter, not alone by clap (as `rank` does).
    /// Only bodies of this sector (repeatable).
    #[arg(long = "sector", value_name = "SECTOR")]
    sectors: Vec<String>,

    /// Only bodies of this kind (repeatable), for example district or police_force.
    #[arg(long = "kind", value_name = "KIND")]
    kinds: Vec<String>,

    /// Only bodies in this region (repeatable), for example "South East".
    #[arg(long = "region", value_name = "REGION")]
    regions: Vec<String>,

    /// Only bodies in this nation (repeatable), for example Wales.
    #[arg(long = "nation", value_name = "NATION")]
    nations: Vec<String>,

    /// Only bodies inside this area (repeatable): a body's id or name whose area holds others,
    /// for example Gloucestershire (its districts).
    #[arg(long = "within-area", value_name = "AREA")]
    within_areas: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Runs `list`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    let dataset = super::load_dataset(global)?;
    let mut problems = Vec::new();
    let request = Request {
        sectors: super::names("--sector", &args.sectors, &mut problems),
        kinds: super::names("--kind", &args.kinds, &mut problems),
        regions: args.regions.clone(),
        nations: args.nations.clone(),
        within_areas: args.within_areas.clone(),
        ..Request::default()
    };
    // Every problem at once: the misspelt names, then what the data says of the rest.
    let filter = super::checked(problems, request.validate_filter(&dataset))?;
    let bodies: Vec<&Organisation> = dataset
        .organisations()
        .iter()
        .enumerate()
        .filter(|(i, o)| filter.matches(*i, o))
        .map(|(_, o)| o)
        .collect();
    if args.format == Format::Csv {
        // On standard error, so that the CSV stays as it was: CSV is what gets fed back to
        // --data.
        let _ = writeln!(
            std::io::stderr(),
            "note: list writes a summary of each body (no neighbours, partnerships, services, \
             barriers, ...); to write the whole dataset for --data, use `partnermatch export`"
        );
    }
    let mut out = output::stdout();
    match args.format {
        Format::Json => {
            let records: Vec<BodyRecord> = bodies.iter().copied().map(BodyRecord::from).collect();
            output::write_json(&mut out, &records)?;
        }
        Format::Csv => {
            let records: Vec<BodyRecord> = bodies.iter().copied().map(BodyRecord::from).collect();
            output::write_csv(&mut out, &records)?;
        }
        Format::Table => {
            let mut table =
                output::plain_table(&["id", "name", "kind", "region", "population"], &[4]);
            for o in &bodies {
                table.add_row([
                    o.id.to_string(),
                    o.name.clone(),
                    o.kind.map_or("", |k| k.label()).to_owned(),
                    o.region.clone().unwrap_or_default(),
                    o.population.map_or_else(String::new, output::thousands),
                ]);
            }
            output::print_table(&mut out, &table)?;
            writeln!(out, "{} of {} bodies", bodies.len(), dataset.len())?;
        }
    }
    out.flush()?;
    Ok(())
}
