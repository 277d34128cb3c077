//! `partnermatch show BODY`: one body's profile, found by id, official name, short name or
//! alias, as text, JSON or TOML.

use std::io::Write as _;

use partnermatch::export::show::{ShowDocument, stated_fields, stated_lines};
use partnermatch::model::{Enumeration, Kind, Organisation};
use partnermatch::profiles::to_toml;

use super::GlobalArgs;
use super::output::{self, thousands};

/// The output formats of `show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    /// A readable summary.
    Text,
    /// The profile as JSON.
    Json,
    /// The profile in the TOML profile format.
    Toml,
}

/// Arguments of `show`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The body: its id (E07000223), official name or short name, in any case.
    #[arg(value_name = "BODY")]
    body: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    format: ShowFormat,
}

/// Runs `show`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    let dataset = super::load_dataset(global)?;
    let o = &dataset.organisations()[dataset.find(&args.body)?];
    let stated = stated_fields(&dataset, o);
    let mut out = output::stdout();
    match args.format {
        ShowFormat::Json => {
            output::write_json(&mut out, &ShowDocument::new(o, &stated))?;
        }
        ShowFormat::Toml => {
            let header = stated_lines(&stated).join("\n");
            out.write_all(to_toml(std::slice::from_ref(o), &header).as_bytes())?;
        }
        ShowFormat::Text => {
            write_text(&mut out, o, &dataset)?;
            for line in stated_lines(&stated) {
                writeln!(out, "  {line}")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn write_text(
    out: &mut impl std::io::Write,
    o: &Organisation,
    dataset: &partnermatch::dataset::Dataset,
) -> std::io::Result<()> {
    let unknown = "unknown";
    let name_of = |id: &partnermatch::model::OrganisationId| {
        dataset.get(id).map_or_else(|| id.to_string(), |b| format!("{} ({id})", b.display_name()))
    };
    writeln!(out, "{} ({})", o.name, o.id)?;
    let kind = o.kind.map_or(unknown, |k| k.label());
    writeln!(out, "  sector      {} / {kind}", o.sector.label())?;
    let place: Vec<&str> =
        [o.region.as_deref(), o.nation.as_deref()].into_iter().flatten().collect();
    writeln!(
        out,
        "  place       {} ({:.4}, {:.4})",
        place.join(", "),
        o.location.lat,
        o.location.lon
    )?;
    if let Some(parent) = &o.parent {
        writeln!(out, "  within      {}", name_of(parent))?;
    }
    // The areas the body lies within, by the kind of area.
    for (label, kinds) in [
        ("police", &[Kind::PoliceForce, Kind::PoliceAndCrimeCommissioner][..]),
        ("fire", &[Kind::FireAndRescueAuthority][..]),
        ("health", &[Kind::IntegratedCareBoard, Kind::HealthBoard][..]),
        ("combined", &[Kind::CombinedAuthority][..]),
    ] {
        let areas: Vec<String> = o
            .within
            .iter()
            .filter(|id| dataset.get(id).and_then(|b| b.kind).is_some_and(|k| kinds.contains(&k)))
            .map(|id| match o.within_shares.get(id) {
                Some(share) => format!("{} (share {:.0}%)", name_of(id), share * 100.0),
                None => name_of(id),
            })
            .collect();
        if !areas.is_empty() {
            writeln!(out, "  {label:<11} {}", areas.join(", "))?;
        }
    }
    let other: Vec<String> = o
        .within
        .iter()
        .filter(|id| {
            !dataset.get(id).and_then(|b| b.kind).is_some_and(|k| {
                matches!(
                    k,
                    Kind::PoliceForce
                        | Kind::PoliceAndCrimeCommissioner
                        | Kind::FireAndRescueAuthority
                        | Kind::IntegratedCareBoard
                        | Kind::HealthBoard
                        | Kind::CombinedAuthority
                )
            })
        })
        .map(name_of)
        .collect();
    if !other.is_empty() {
        writeln!(out, "  also within {}", other.join(", "))?;
    }
    if let Some(csp) = &o.community_safety_partnership {
        writeln!(out, "  safety      {csp} community safety partnership")?;
    }
    writeln!(
        out,
        "  population  {}",
        o.population.map_or_else(|| "unknown (not in the sources)".to_owned(), thousands)
    )?;
    let control = o.political_control.as_ref().map_or_else(
        || unknown.to_owned(),
        |c| {
            let party = c.lead_party.map_or("", |p| p.label());
            let date = c.as_of.as_deref().map(|d| format!(", as of {d}")).unwrap_or_default();
            format!("{} {party}{date}", c.control.label()).replace("  ", " ")
        },
    );
    writeln!(out, "  control     {control}")?;
    let neighbours: Vec<String> = o.neighbours.iter().map(name_of).collect();
    writeln!(
        out,
        "  neighbours  {}",
        if neighbours.is_empty() { "none".to_owned() } else { neighbours.join(", ") }
    )?;
    let list = |items: Option<Vec<&'static str>>| {
        items.map_or_else(
            || unknown.to_owned(),
            |v| if v.is_empty() { "none".to_owned() } else { v.join(", ") },
        )
    };
    writeln!(
        out,
        "  reasons     {}",
        list(o.reasons.as_ref().map(|r| r.iter().map(|x| x.label()).collect()))
    )?;
    writeln!(
        out,
        "  seeks       {}",
        list(o.services_sought.map(|s| s.iter().map(|x| x.label()).collect()))
    )?;
    writeln!(
        out,
        "  offers      {}",
        list(o.services_offered.map(|s| s.iter().map(|x| x.label()).collect()))
    )?;
    let delivers = o.delivers();
    writeln!(
        out,
        "  delivers    {}",
        if delivers.is_empty() {
            "unknown (no statutory table for its kind)".to_owned()
        } else {
            format!(
                "{} (by statute, from its kind; docs/scoring.md)",
                delivers.iter().map(|x| x.label()).collect::<Vec<_>>().join(", ")
            )
        }
    )?;
    if let Some(ict) = &o.ict {
        let systems: Vec<String> =
            ict.iter().map(|(s, product)| format!("{}: {product}", s.label())).collect();
        writeln!(out, "  systems     {}", systems.join(", "))?;
    }
    let barriers = o.barriers.as_ref().map_or_else(
        || unknown.to_owned(),
        |b| {
            b.iter()
                .map(|(k, v)| format!("{} {:.2}", k.label(), v.get()))
                .collect::<Vec<_>>()
                .join(", ")
        },
    );
    writeln!(out, "  barriers    {barriers}")?;
    match o.partnerships.as_deref() {
        None => writeln!(out, "  partners    {unknown}")?,
        Some([]) => writeln!(out, "  partners    none")?,
        Some(list) => {
            writeln!(out, "  partners")?;
            for p in list {
                let mut line = format!("    {}", name_of(&p.partner));
                if let Some(name) = &p.name {
                    line.push_str(&format!(": {name}"));
                }
                if let Some(kind) = &p.kind {
                    line.push_str(&format!(" [{kind}]"));
                }
                if !p.services.is_empty() {
                    let s: Vec<&str> = p.services.iter().map(|x| x.label()).collect();
                    line.push_str(&format!("; shares {}", s.join(", ")));
                }
                if let Some(since) = p.since {
                    line.push_str(&format!("; since {since}"));
                }
                writeln!(out, "{line}")?;
                if let Some(source) = &p.source {
                    writeln!(out, "      source: {source}")?;
                }
            }
        }
    }
    if let Some(notes) = &o.notes {
        writeln!(out, "  notes       {notes}")?;
    }
    Ok(())
}
