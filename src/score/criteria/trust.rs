//! `Criterion::Trust`: its value for an ordered pair (`value`), its reason in plain words
//! (`reason`) and the profile fields it reads (`FIELDS`). No I/O.

use super::*;

/// The profile fields the value reads: the viewing side's, then the other side's.
pub(super) const FIELDS: Fields = (&["partnership"], &["partnership"]);

/// Trust: 1 for an existing partnership; else 1 − 0.5^c for c partners in common (IDeA
/// 2009; LGA/Localis 2011: trust between leaders is critical). Neutral when neither side's
/// partnerships are known.
#[inline(always)]
pub fn value(_ctx: &Context<'_>, a: &Body, b: &Body, facts: &PairFacts) -> Value {
    if facts.partnered {
        Value::known(1.0)
    } else if a.partnerships_known() || b.partnerships_known() {
        Value::known(1.0 - 0.5f64.powi(facts.common_partners.min(64) as i32))
    } else {
        Value::NEUTRAL
    }
}

/// The plain-English reason for the value.
pub(super) fn reason(p: &Pair<'_>) -> String {
    let Pair { facts, value: v, .. } = *p;
    let (a, b) = (p.a(), p.b());
    if facts.partnered {
        let services: Vec<&str> = dataset_partnership(a, b)
            .map(|s| services_of(s).map(|x| x.label()).collect())
            .unwrap_or_default();
        let what = if services.is_empty() {
            "existing partnership".to_owned()
        } else {
            format!("existing partnership ({})", list(services))
        };
        let listed = a
            .partnerships
            .iter()
            .flatten()
            .find(|p| p.partner == b.id)
            .or_else(|| b.partnerships.iter().flatten().find(|p| p.partner == a.id));
        match listed {
            Some(p) => {
                let mut out = what;
                // Merged arrangements list their names and kinds in the same order:
                // "shared website: adur-worthing.gov.uk; ...".
                let names: Vec<&str> =
                    p.name.as_deref().map(|n| n.split("; ").collect()).unwrap_or_default();
                let kinds: Vec<&str> =
                    p.kind.as_deref().map(|k| k.split("; ").collect()).unwrap_or_default();
                if !names.is_empty() && names.len() == kinds.len() {
                    let items: Vec<String> = kinds
                        .iter()
                        .zip(&names)
                        .map(|(k, n)| format!("{}: {n}", k.replace('_', " ")))
                        .collect();
                    out.push_str(&format!("; {}", items.join("; ")));
                } else if let Some(name) = &p.name {
                    out.push_str(&format!(": {name}"));
                }
                if let Some(since) = p.since {
                    out.push_str(&format!(", since {since}"));
                }
                // The sources are long (URLs, repository paths): `show` lists them.
                out
            }
            None => what,
        }
    } else if v.neutral {
        "partnerships not known".to_owned()
    } else if facts.common_partners > 0 {
        let n = facts.common_partners;
        format!("{n} partner{} in common", if n == 1 { "" } else { "s" })
    } else {
        "no existing partnership or partner in common".to_owned()
    }
}
