//! Profiles out as a table: every field of every body as one CSV row in the import format
//! (`docs/import.md`), so that `--data` reads it back to the same bodies; and the header of a
//! CSV profile layer with a row of allowed values. Writes only to the writer it is given.

use std::io::Write;

use crate::model::{
    Barrier, ControlType, Criterion, Enumeration, Kind, Organisation, Party, Payback, Reason,
    Sector, Service, Status, Tier,
};

/// Every column, in documented order; each is a name `import` matches by default.
pub const TABLE_COLUMNS: [&str; 35] = [
    "id",
    "name",
    "short_name",
    "aliases",
    "sector",
    "kind",
    "tier",
    "status",
    "nation",
    "region",
    "parent",
    "police_force_area",
    "combined_authority",
    "within",
    "community_safety_partnership",
    "lat",
    "lon",
    "population",
    "budget_gbp",
    "area_km2",
    "rural_urban",
    "lead_party",
    "control",
    "control_label",
    "control_as_of",
    "reasons",
    "barriers",
    "services_sought",
    "services_offered",
    "partners",
    "neighbours",
    "ict",
    "payback",
    "criteria_order",
    "notes",
];

/// A list cell: items joined by `;`, the word `none` for a known empty list, empty when
/// unknown.
fn list_cell<I: IntoIterator<Item = String>>(items: Option<I>) -> String {
    match items {
        None => String::new(),
        Some(items) => {
            let items: Vec<String> = items.into_iter().collect();
            if items.is_empty() { "none".to_owned() } else { items.join(";") }
        }
    }
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_owned()
}

/// One body as a row of `TABLE_COLUMNS`. Numbers are written in their shortest form that reads
/// back to the same value. What a row cannot hold: a partnership's start year, name, kind and
/// source (the partners cell is `ID:service+service`); TOML keeps them. `within` is written as
/// `ID` or `ID:share` items, carrying `within_shares`.
pub fn table_row(o: &Organisation) -> Vec<String> {
    let names = |items: Vec<&str>| items.into_iter().map(str::to_owned).collect::<Vec<_>>();
    let control = o.political_control.as_ref();
    vec![
        o.id.to_string(),
        o.name.clone(),
        text(o.short_name.as_deref()),
        if o.aliases.is_empty() { String::new() } else { o.aliases.join(";") },
        o.sector.name().to_owned(),
        o.kind.map(Kind::name).unwrap_or_default().to_owned(),
        o.tier.map(Tier::name).unwrap_or_default().to_owned(),
        o.status.name().to_owned(),
        text(o.nation.as_deref()),
        text(o.region.as_deref()),
        o.parent.as_ref().map(ToString::to_string).unwrap_or_default(),
        text(o.police_force_area.as_deref()),
        text(o.combined_authority.as_deref()),
        o.within
            .iter()
            .map(|id| match o.within_shares.get(id) {
                Some(share) => format!("{id}:{share}"),
                None => id.to_string(),
            })
            .collect::<Vec<_>>()
            .join(";"),
        text(o.community_safety_partnership.as_deref()),
        o.location.lat.to_string(),
        o.location.lon.to_string(),
        o.population.map(|p| p.to_string()).unwrap_or_default(),
        o.budget_gbp.map(|p| p.to_string()).unwrap_or_default(),
        o.area_km2.map(|p| p.to_string()).unwrap_or_default(),
        text(o.rural_urban.as_deref()),
        control.and_then(|c| c.lead_party).map(Party::name).unwrap_or_default().to_owned(),
        control.map(|c| c.control.name()).unwrap_or_default().to_owned(),
        text(control.and_then(|c| c.label.as_deref())),
        text(control.and_then(|c| c.as_of.as_deref())),
        list_cell(o.reasons.as_ref().map(|r| names(r.iter().map(|x| x.name()).collect()))),
        list_cell(o.barriers.as_ref().map(|b| {
            b.iter().map(|(k, v)| format!("{}:{}", k.name(), v.get())).collect::<Vec<_>>()
        })),
        list_cell(o.services_sought.map(|s| names(s.iter().map(Service::name).collect()))),
        list_cell(o.services_offered.map(|s| names(s.iter().map(Service::name).collect()))),
        list_cell(o.partnerships.as_ref().map(|list| {
            list.iter()
                .map(|p| {
                    let services: Vec<&str> = p.services.iter().map(Service::name).collect();
                    if services.is_empty() {
                        p.partner.to_string()
                    } else {
                        format!("{}:{}", p.partner, services.join("+"))
                    }
                })
                .collect::<Vec<_>>()
        })),
        o.neighbours.iter().map(ToString::to_string).collect::<Vec<_>>().join(";"),
        list_cell(
            o.ict
                .as_ref()
                .map(|m| m.iter().map(|(k, v)| format!("{}={v}", k.name())).collect::<Vec<_>>()),
        ),
        o.payback.map(Payback::name).unwrap_or_default().to_owned(),
        o.criteria_order
            .as_ref()
            .map(|order| {
                order
                    .positions()
                    .iter()
                    .map(|pos| pos.iter().map(|c| c.name()).collect::<Vec<_>>().join("+"))
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .unwrap_or_default(),
        text(o.notes.as_deref()),
    ]
}

/// Writes bodies as a CSV table: the header of `TABLE_COLUMNS`, one row per body.
pub fn write_table(out: &mut dyn Write, organisations: &[Organisation]) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(TABLE_COLUMNS)?;
    for o in organisations {
        writer.write_record(table_row(o))?;
    }
    writer.flush()
}

/// The row of allowed values under a CSV layer's header. Its `id` cell starts with `#`, so a
/// layer read skips it: it may stay in the spreadsheet.
pub fn allowed_row() -> Vec<String> {
    let all = |items: Vec<&str>| items.join(" | ");
    let barriers: Vec<String> =
        Barrier::all().iter().map(|b| format!("{}:0-1", b.name())).collect();
    vec![
        "# allowed values (this row is skipped): id or name of the body".to_owned(),
        "official name".into(),
        "short name".into(),
        "other names; separated by ;".into(),
        all(Sector::all().iter().map(|s| s.name()).collect()),
        all(Kind::all().iter().map(|k| k.name()).collect()),
        all(Tier::all().iter().map(|t| t.name()).collect()),
        all(Status::all().iter().map(|s| s.name()).collect()),
        "England | Scotland | Wales | Northern Ireland".into(),
        "English region, or the nation".into(),
        "id of the body whose area contains this one".into(),
        "police force area name".into(),
        "combined authority name".into(),
        "ids of the areas the body lies within besides its parent, ID or ID:share (0-1], \
         separated by ;"
            .into(),
        "community safety partnership name".into(),
        "latitude, decimal degrees".into(),
        "longitude, decimal degrees".into(),
        "residents, whole number".into(),
        "annual budget in pounds".into(),
        "area in km2".into(),
        "rural/urban profile".into(),
        all(Party::all().iter().map(|p| p.name()).collect()),
        all(ControlType::all().iter().map(|c| c.name()).collect()),
        "short label of the control".into(),
        "YYYY-MM-DD".into(),
        format!(
            "most important first, separated by ;: {}",
            all(Reason::all().iter().map(|r| r.name()).collect())
        ),
        format!(
            "barrier:severity (0 no concern to 1 deal-breaker) separated by ;: {}",
            barriers.join(" | ")
        ),
        format!("separated by ;: {}", all(Service::all().iter().map(|s| s.name()).collect())),
        "as services_sought".into(),
        "ID or ID:service+service, separated by ;".into(),
        "ids separated by ;".into(),
        "service=product, separated by ;".into(),
        all(Payback::all().iter().map(|p| p.name()).collect()),
        format!(
            "all {}, highest first, separated by ; (ties joined by +): {}",
            Criterion::COUNT_WORD,
            all(Criterion::all().iter().map(|c| c.name()).collect())
        ),
        "free text".into(),
    ]
}

/// Writes the header of a CSV profile layer, the row of allowed values, and a row per body
/// given (what the data knows of it, to correct and complete).
pub fn write_layer_template(
    out: &mut dyn Write,
    organisations: &[Organisation],
) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(TABLE_COLUMNS)?;
    writer.write_record(allowed_row())?;
    for o in organisations {
        writer.write_record(table_row(o))?;
    }
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Mapping, read_table_from};

    /// A table written and read back gives the same bodies, every field (partnerships' years,
    /// names, kinds and sources apart, which a cell cannot hold), for bodies with every field sometimes known.
    #[test]
    fn a_written_table_reads_back_to_the_same_bodies() {
        let mut orgs = crate::test_data::random_organisations(7, 60);
        // As every reader does, a kind that implies a tier brings it.
        for o in &mut orgs {
            o.tier = o.tier.or_else(|| o.kind.and_then(Kind::implied_tier));
        }
        orgs[0].notes = Some("quoted, \"with\" commas\nand a new line".to_owned());
        orgs[1].aliases = vec!["First alias".to_owned(), "Second".to_owned()];
        orgs[2].budget_gbp = Some(123_456_789.25);
        orgs[3].area_km2 = Some(0.1 + 0.2);
        orgs[4].community_safety_partnership = Some("Safer Alpha; Beta CSP".to_owned());
        let mut bytes = Vec::new();
        write_table(&mut bytes, &orgs).unwrap();
        let read =
            read_table_from(std::path::Path::new("t.csv"), bytes.as_slice(), &Mapping::default())
                .unwrap();
        assert!(read.failures.is_empty(), "{:?}", read.failures.first().map(|f| &f.problems));
        assert!(read.unmatched_columns.is_empty(), "{:?}", read.unmatched_columns);
        let back: Vec<Organisation> = read.rows.into_iter().map(|p| p.organisation).collect();
        let without_years = |o: &Organisation| {
            let mut o = o.clone();
            for p in o.partnerships.iter_mut().flatten() {
                p.since = None;
                p.name = None;
                p.kind = None;
                p.source = None;
            }
            o
        };
        assert_eq!(back.len(), orgs.len());
        for (a, b) in orgs.iter().zip(&back) {
            assert_eq!(without_years(a), *b);
        }
    }

    #[test]
    fn the_allowed_row_has_a_cell_per_column() {
        assert_eq!(allowed_row().len(), TABLE_COLUMNS.len());
    }
}
