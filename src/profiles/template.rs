//! Profile templates out: a commented TOML layer for one body (what the data knows as values,
//! every other field commented out with its allowed values and their evidence), so that an
//! officer can fill it in and pass it back with `--profile` without reading anything else; and
//! the CSV header of a layer with a row of allowed values, for consultants. Deterministic text;
//! does no I/O.

use std::fmt::Write as _;

use super::write::{field_values, partnership_lines};
use crate::model::{
    Barrier, ControlType, Criterion, Enumeration, Kind, Organisation, Party, Payback, Reason,
    Service, Tier,
};
use crate::weights::Survey;

/// The commented TOML template of one body's profile layer. `file` is the name the template
/// will be saved under, quoted in its instructions.
pub fn toml_template(o: &Organisation, survey: &Survey, file: &str) -> String {
    let mut out = String::new();
    let known: Vec<(&'static str, toml::Value)> = field_values(o);
    let value = |key: &str| known.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string());
    let _ = write!(
        out,
        "\
# What {name} ({id}) seeks, offers and fears: a profile layer to lay over the data.
#
# Fill it in, then pass it to any command, for example:
#   partnermatch rank {id} --profile {file}
#
# Lines starting with # are comments. The values set below are what the data already knows:
# correct them if they are wrong (a value left as it is stays the data's). Every field the data
# does not know is commented out: delete the \"# \" in front of its key and give the value. The
# allowed values are listed above each field. Fields you state are shown as \"stated by {file}\"
# in rank, explain, show, report and their JSON. Names are case-insensitive; spaces count as
# underscores. The full format is in docs/profiles.md, but you should not need it.

# Which body this is: its id (or any of its names). Keep it.
id = {id_value}
",
        name = o.name,
        id = o.id,
        id_value = toml::Value::String(o.id.to_string()),
    );
    let section = |out: &mut String, key: &str, help: &[String], example: &str| {
        out.push('\n');
        for line in help {
            comment(out, line);
        }
        match value(key) {
            Some(v) => {
                let _ = writeln!(out, "{key} = {v}");
            }
            None => {
                let _ = writeln!(out, "{}", format!("# {key} = {example}").trim_end());
            }
        }
    };
    let names = |items: Vec<&str>| items.join(", ");
    section(&mut out, "name", &["Official name.".into()], "\"...\"");
    section(&mut out, "short_name", &["Short name, shown in tables.".into()], "\"...\"");
    section(&mut out, "aliases", &["Other names the body can be found by.".into()], "[\"...\"]");
    section(
        &mut out,
        "kind",
        &[format!(
            "Kind of body within the sector \"{}\", one of: {}.",
            o.sector.name(),
            names(Kind::of_sector(o.sector).map(Kind::name).collect())
        )],
        "\"...\"",
    );
    if o.tier.is_some() && o.kind.and_then(Kind::implied_tier) != o.tier || o.tier.is_none() {
        section(
            &mut out,
            "tier",
            &[format!(
                "Local-government tier, one of: {}.",
                names(Tier::all().iter().map(|t| t.name()).collect())
            )],
            "\"...\"",
        );
    }
    for (key, what) in [
        ("nation", "Nation: England, Scotland, Wales or Northern Ireland."),
        ("region", "English region (\"South West\"), or the nation elsewhere."),
        ("parent", "Id of the body whose area contains this one (a district's county)."),
        ("police_force_area", "Name of the police force area the body lies in."),
        ("combined_authority", "Name of the combined authority the body belongs to."),
    ] {
        section(&mut out, key, &[what.into()], "\"...\"");
    }
    section(
        &mut out,
        "within",
        &[
            "Ids of the bodies whose areas contain this one besides its parent: police force,"
                .into(),
            "fire and rescue authority, health bodies, combined authority.".into(),
        ],
        "[\"...\"]",
    );
    section(
        &mut out,
        "within_shares",
        &[
            "Share of this body's area (0 to 1) in an area of `within` that it is split across;"
                .into(),
            "an area not listed here holds the whole of it.".into(),
        ],
        "{ ID = 0.5 }",
    );
    section(
        &mut out,
        "community_safety_partnership",
        &["Name of the community safety partnership the body belongs to.".into()],
        "\"...\"",
    );
    section(
        &mut out,
        "location",
        &["Centre of the area, WGS84 decimal degrees.".into()],
        "{ lat = , lon = }",
    );
    section(&mut out, "population", &["Residents served, a whole number.".into()], "");
    section(&mut out, "budget_gbp", &["Annual budget in pounds.".into()], "");
    section(&mut out, "area_km2", &["Area in square kilometres.".into()], "");
    section(
        &mut out,
        "rural_urban",
        &["Rural/urban profile (\"Urban with rural areas\").".into()],
        "\"...\"",
    );
    section(
        &mut out,
        "political_control",
        &[
            format!(
                "Political control: control one of {}; lead_party a party code: {}.",
                names(ControlType::all().iter().map(|c| c.name()).collect()),
                names(Party::all().iter().map(|p| p.name()).collect())
            ),
            "as_of is the date it was recorded.".into(),
        ],
        "{ lead_party = \"...\", control = \"...\", as_of = \"YYYY-MM-DD\" }",
    );

    let mut reasons = vec![
        "Reasons for sharing, most important first, each at most once. The 2011 survey: cutting"
            .to_owned(),
        "costs 94.2%; over 70% also saw innovation, radical service redesign or quality.".into(),
        "In the survey's order:".into(),
    ];
    let surveyed: Vec<Reason> = survey.reasons().iter().map(|e| e.item).collect();
    let others = Reason::all().iter().copied().filter(|r| !surveyed.contains(r));
    for r in surveyed.iter().copied().chain(others) {
        reasons.push(format!("  {:<18} {}", r.name(), one_line(r.evidence())));
    }
    section(&mut out, "reasons", &reasons, "[\"...\", \"...\"]");

    let mut barriers = vec![
        "Barriers to sharing: each a severity from 0 (no concern) to 1 (a deal-breaker). State"
            .to_owned(),
        "the ones you know, one line each; a barrier left out stays unknown. The 2011 survey's"
            .into(),
        "barriers, biggest first:".into(),
    ];
    let order: Vec<Barrier> = survey.barriers().iter().map(|e| e.item).collect();
    let rest = Barrier::all().iter().copied().filter(|b| !order.contains(b));
    let all_barriers: Vec<Barrier> = order.iter().copied().chain(rest).collect();
    for b in &all_barriers {
        barriers.push(format!("  {:<17} {}", b.name(), one_line(b.evidence())));
    }
    out.push('\n');
    for line in &barriers {
        comment(&mut out, line);
    }
    match &o.barriers {
        Some(known) if known.is_empty() => out.push_str("barriers = {}\n"),
        Some(known) => {
            for b in &all_barriers {
                match known.get(b) {
                    Some(s) => {
                        let _ = writeln!(out, "barriers.{} = {}", b.name(), s.get());
                    }
                    None => {
                        let _ = writeln!(out, "# barriers.{} =", b.name());
                    }
                }
            }
        }
        None => {
            for b in &all_barriers {
                let _ = writeln!(out, "# barriers.{} =", b.name());
            }
        }
    }

    let mut catalogue = vec![
        "Services sought (to share in) and offered (to provide to others), from the catalogue:"
            .to_owned(),
    ];
    for s in Service::all() {
        catalogue.push(format!("  {:<28} {}", s.name(), s.label()));
    }
    section(&mut out, "services_sought", &catalogue, "[\"...\", \"...\"]");
    section(
        &mut out,
        "services_offered",
        &["Services the body can provide to others (catalogue above).".into()],
        "[\"...\"]",
    );
    section(
        &mut out,
        "neighbours",
        &["Ids of the bodies sharing a land boundary with this one.".into()],
        "[\"...\"]",
    );
    section(
        &mut out,
        "ict",
        &[
            "ICT system in use per service: a key from the catalogue above, the product's name"
                .into(),
            "as the value; state the services you know, one line each as ict.SERVICE = \"...\""
                .into(),
        ],
        "{ SERVICE = \"product\" }",
    );
    section(
        &mut out,
        "payback",
        &std::iter::once("Payback period expected from sharing, one of:".to_owned())
            .chain(
                Payback::all()
                    .iter()
                    .map(|p| format!("  {:<13} {}", p.name(), one_line(p.evidence()))),
            )
            .collect::<Vec<_>>(),
        "\"...\"",
    );
    let default_order: Vec<String> = survey
        .criteria_order()
        .positions()
        .iter()
        .map(|pos| match pos.as_slice() {
            [one] => format!("\"{}\"", one.name()),
            tied => format!(
                "[{}]",
                tied.iter().map(|c| format!("\"{}\"", c.name())).collect::<Vec<_>>().join(", ")
            ),
        })
        .collect();
    section(
        &mut out,
        "criteria_order",
        &[
            format!(
                "This body's own priority order of the {} criteria, highest first (ties as a nested",
                Criterion::COUNT_WORD
            ),
            "array); the weights of its side of every score come from it. Leave it out to use"
                .into(),
            "the survey's order, which is:".into(),
        ],
        &format!("[{}]", default_order.join(", ")),
    );
    section(&mut out, "notes", &["Free-text notes or caveats.".into()], "\"...\"");

    out.push_str(
        "\n# Existing partnerships, one [[partnership]] table each, kept at the end of the file:\n\
         # partner (the other body's id), services shared (catalogue above), since (a year),\n\
         # name, kind (shared_management, ...) and source (where it is documented).\n\
         # `partnership = []` states that there are none.\n",
    );
    match &o.partnerships {
        Some(list) if !list.is_empty() => {
            for p in list {
                out.push('\n');
                out.push_str(&partnership_lines(p, "partnership"));
            }
        }
        Some(_) => out.push_str("partnership = []\n"),
        None => out.push_str(
            "#\n# [[partnership]]\n# partner = \"...\"\n# services = [\"...\"]\n# since =\n\
             # name = \"...\"\n# kind = \"...\"\n# source = \"...\"\n",
        ),
    }
    out
}

/// Evidence text (a doc comment, wrapped in the source) as one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The widest comment line written.
const WIDTH: usize = 99;

/// Writes a comment line, wrapped at `WIDTH` characters; a list item's line ("  name  text")
/// continues under its text.
fn comment(out: &mut String, line: &str) {
    let indent = match line.strip_prefix("  ") {
        Some(item) => {
            let name_len = item.find(' ').unwrap_or(item.len());
            let gap = item[name_len..].len() - item[name_len..].trim_start().len();
            2 + name_len + gap
        }
        None => 0,
    };
    let (head, rest) = line.split_at(indent.min(line.len()));
    let mut current = format!("# {head}");
    let mut empty = true;
    for word in rest.split_whitespace() {
        if !empty && current.chars().count() + 1 + word.chars().count() > WIDTH {
            let _ = writeln!(out, "{current}");
            current = format!("# {}", " ".repeat(indent));
            empty = true;
        }
        if !empty {
            current.push(' ');
        }
        current.push_str(word);
        empty = false;
    }
    let _ = writeln!(out, "{}", current.trim_end());
}
