//! Profiles out: organisations as TOML in the profile format, one `[[organisation]]` table each,
//! fields in documented order, unknown fields left out. Output is deterministic, so a rebuilt
//! dataset can be compared byte for byte with the committed one. Does no I/O.

use std::fmt::Write as _;

use toml::Value;

use crate::model::{Enumeration, Organisation};

fn string(s: &str) -> Value {
    Value::String(s.to_owned())
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(items.into_iter().map(string).collect())
}

fn inline(pairs: Vec<(&str, Value)>) -> Value {
    let mut table = toml::Table::new();
    for (k, v) in pairs {
        table.insert(k.to_owned(), v);
    }
    Value::Table(table)
}

/// One organisation's fields as key–value pairs in documented order (partnerships apart).
pub(crate) fn field_values(o: &Organisation) -> Vec<(&'static str, Value)> {
    let mut out: Vec<(&'static str, Value)> =
        vec![("id", string(o.id.as_str())), ("name", string(&o.name))];
    let mut push = |k: &'static str, v: Option<Value>| {
        if let Some(v) = v {
            out.push((k, v));
        }
    };
    push("short_name", o.short_name.as_deref().map(string));
    push("aliases", (!o.aliases.is_empty()).then(|| strings(o.aliases.iter().map(String::as_str))));
    push("sector", Some(string(o.sector.name())));
    push("kind", o.kind.map(|k| string(k.name())));
    // The tier is written only where the kind does not imply it, so files stay short.
    push(
        "tier",
        o.tier
            .filter(|t| o.kind.and_then(|k| k.implied_tier()) != Some(*t))
            .map(|t| string(t.name())),
    );
    push("status", (o.status != crate::model::Status::Current).then(|| string(o.status.name())));
    push("nation", o.nation.as_deref().map(string));
    push("region", o.region.as_deref().map(string));
    push("parent", o.parent.as_ref().map(|p| string(p.as_str())));
    push("police_force_area", o.police_force_area.as_deref().map(string));
    push("combined_authority", o.combined_authority.as_deref().map(string));
    push("within", (!o.within.is_empty()).then(|| strings(o.within.iter().map(|n| n.as_str()))));
    push(
        "within_shares",
        (!o.within_shares.is_empty()).then(|| {
            inline(o.within_shares.iter().map(|(k, v)| (k.as_str(), Value::Float(*v))).collect())
        }),
    );
    push("community_safety_partnership", o.community_safety_partnership.as_deref().map(string));
    push(
        "location",
        Some(inline(vec![
            ("lat", Value::Float(o.location.lat)),
            ("lon", Value::Float(o.location.lon)),
        ])),
    );
    push("population", o.population.and_then(|p| i64::try_from(p).ok()).map(Value::Integer));
    push("budget_gbp", o.budget_gbp.map(Value::Float));
    push("area_km2", o.area_km2.map(Value::Float));
    push("rural_urban", o.rural_urban.as_deref().map(string));
    push(
        "political_control",
        o.political_control.as_ref().map(|c| {
            let mut pairs = Vec::new();
            if let Some(p) = c.lead_party {
                pairs.push(("lead_party", string(p.name())));
            }
            pairs.push(("control", string(c.control.name())));
            if let Some(l) = &c.label {
                pairs.push(("label", string(l)));
            }
            if let Some(d) = &c.as_of {
                pairs.push(("as_of", string(d)));
            }
            inline(pairs)
        }),
    );
    push("reasons", o.reasons.as_ref().map(|r| strings(r.iter().map(|x| x.name()))));
    push(
        "barriers",
        o.barriers
            .as_ref()
            .map(|b| inline(b.iter().map(|(k, v)| (k.name(), Value::Float(v.get()))).collect())),
    );
    push("services_sought", o.services_sought.map(|s| strings(s.iter().map(|x| x.name()))));
    push("services_offered", o.services_offered.map(|s| strings(s.iter().map(|x| x.name()))));
    push(
        "neighbours",
        (!o.neighbours.is_empty()).then(|| strings(o.neighbours.iter().map(|n| n.as_str()))),
    );
    push(
        "ict",
        o.ict.as_ref().map(|m| inline(m.iter().map(|(k, v)| (k.name(), string(v))).collect())),
    );
    push("payback", o.payback.map(|p| string(p.name())));
    push(
        "criteria_order",
        o.criteria_order.as_ref().map(|order| {
            Value::Array(
                order
                    .positions()
                    .iter()
                    .map(|pos| match pos.as_slice() {
                        [one] => string(one.name()),
                        tied => strings(tied.iter().map(|c| c.name())),
                    })
                    .collect(),
            )
        }),
    );
    push("notes", o.notes.as_deref().map(string));
    out
}

/// One field of a profile as it is written in TOML (`["legal"]`, `{ job_losses = 0.8 }`), for
/// outputs that show a stated value; partnerships as the partners' ids. `None` when unknown.
pub fn field_text(o: &Organisation, field: &str) -> Option<String> {
    if field == "partnership" {
        return o
            .partnerships
            .as_ref()
            .map(|list| list.iter().map(|p| p.partner.to_string()).collect::<Vec<_>>().join(", "));
    }
    field_values(o).into_iter().find(|(k, _)| *k == field).map(|(_, v)| v.to_string())
}

/// One partnership as a `[[table]]` (`organisation.partnership` in a many-body file,
/// `partnership` in a one-body file), fields in documented order.
pub(crate) fn partnership_lines(p: &crate::model::Partnership, table: &str) -> String {
    let mut out = format!("[[{table}]]\n");
    let _ = writeln!(out, "partner = {}", string(p.partner.as_str()));
    if !p.services.is_empty() {
        let _ = writeln!(out, "services = {}", strings(p.services.iter().map(|s| s.name())));
    }
    if let Some(since) = p.since {
        let _ = writeln!(out, "since = {since}");
    }
    if let Some(name) = &p.name {
        let _ = writeln!(out, "name = {}", string(name));
    }
    if let Some(kind) = &p.kind {
        let _ = writeln!(out, "kind = {}", string(kind));
    }
    if let Some(source) = &p.source {
        let _ = writeln!(out, "source = {}", string(source));
    }
    out
}

/// Writes organisations as one TOML document of `[[organisation]]` tables, with a comment
/// header (each line prefixed with `# `).
pub fn to_toml(organisations: &[Organisation], header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {line}");
        }
    }
    for o in organisations {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("[[organisation]]\n");
        for (key, value) in field_values(o) {
            let _ = writeln!(out, "{key} = {value}");
        }
        for p in o.partnerships.iter().flatten() {
            out.push('\n');
            out.push_str(&partnership_lines(p, "organisation.partnership"));
        }
        // Known-empty partnerships must survive a round trip as "known: none".
        if o.partnerships.as_ref().is_some_and(Vec::is_empty) {
            out.push_str("partnership = []\n");
        }
    }
    out
}
