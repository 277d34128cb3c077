//! `Criterion::ServiceFit`: its value for an ordered pair (`value`), its reason in plain words
//! (`reason`) and the profile fields it reads (`FIELDS`). No I/O.

use super::*;

/// The profile fields the value reads: the viewing side's, then the other side's.
pub(super) const FIELDS: Fields = (SERVICES, SERVICES);

/// Service fit: the share of what `a` needs that `b` seeks too or offers; the savings
/// come from here (LGA shared services map). 0 when `a` needs nothing; neutral when
/// either side's services are not known.
#[inline(always)]
pub fn value(ctx: &Context<'_>, a: &Body, b: &Body, _facts: &PairFacts) -> Value {
    match (ctx.need(a), ctx.supply(b)) {
        (Some(0), _) => Value::known(0.0),
        (Some(need), Some(supply)) => {
            Value::known(f64::from((need & supply).count_ones()) / f64::from(need.count_ones()))
        }
        _ => Value::NEUTRAL,
    }
}

/// The plain-English reason for the value.
pub(super) fn reason(p: &Pair<'_>) -> String {
    let Pair { ctx, from, to, .. } = *p;
    let ix = ctx.index;
    let (ba, bb) = (ix.body(from), ix.body(to));
    let (a, b) = (p.a(), p.b());
    let need = ctx.need(ba);
    let supply = ctx.supply(bb);
    if need.is_none() {
        return format!("services {} would share not known", a.display_name());
    }
    if supply.is_none() {
        return format!("{}'s services not known", b.display_name());
    }
    let (need, supply) = (need.unwrap_or(0), supply.unwrap_or(0));
    if need == 0 {
        return format!("{} seeks no services", a.display_name());
    }
    // A body that states what it seeks is matched on that; one that states nothing on
    // what it delivers by statute.
    let stated = ctx.focus != 0 && from == ctx.subject || a.services_sought.is_some();
    let matched_bits = need & supply;
    let matched = matched_bits.count_ones();
    let total = need.count_ones();
    if !stated {
        return format!(
            "{} delivers {matched} of the {total} services {} delivers",
            b.display_name(),
            a.display_name()
        );
    }
    let names = |bits: u64| -> String {
        let labels: Vec<&str> = services_of(bits).map(|s| s.label()).collect();
        if labels.len() > 4 {
            format!("{} and {} more", labels[..3].join(", "), labels.len() - 3)
        } else {
            list(labels)
        }
    };
    if matched == 0 {
        return format!("{} neither seeks, offers nor delivers {}", b.display_name(), names(need));
    }
    // The value does not tell a supplier from a body that wants the same service (see
    // docs/scoring.md); the reason does: "offers" and "delivers" can supply it, "also
    // seeks" would share it as a joint service.
    // What the partner states comes first: it offers, or it also seeks (a joint
    // service); the rest it delivers by statute.
    let offered = b.services_offered.map_or(0, |x| x.bits()) & matched_bits;
    let seeks = b.services_sought.map_or(0, |x| x.bits()) & matched_bits & !offered;
    let delivered = matched_bits & !offered & !seeks;
    let mut parts = Vec::new();
    if offered != 0 {
        parts.push(format!("offers {}", names(offered)));
    }
    if seeks != 0 {
        parts.push(format!("also seeks {}", names(seeks)));
    }
    if delivered != 0 {
        parts.push(format!("delivers {}", names(delivered)));
    }
    format!("{} {}", b.display_name(), list(parts.iter().map(String::as_str).collect()))
}
