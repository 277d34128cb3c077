//! `Criterion::Proximity`: its value for an ordered pair (`value`), its reason in plain words
//! (`reason`) and the profile fields it reads (`FIELDS`). No I/O.

use super::*;

/// The profile fields the value reads: the viewing side's, then the other side's.
pub(super) const FIELDS: Fields = (PLACE, PLACE);

/// Proximity: 1 for bodies that share a boundary or whose areas contain one another (LGA
/// 2018: 98% of sharing councils share with a neighbour; Dixon & Elston 2020), else
/// 0.5^(d / h) with h = `proximity_half_km`.
#[inline(always)]
pub fn value(ctx: &Context<'_>, _a: &Body, _b: &Body, facts: &PairFacts) -> Value {
    if facts.adjacent || facts.contains {
        Value::known(1.0)
    } else {
        Value::known((-facts.distance_km / ctx.params.proximity_half_km).exp2())
    }
}

/// The plain-English reason for the value.
pub(super) fn reason(p: &Pair<'_>) -> String {
    let Pair { ctx, from, to, facts, .. } = *p;
    let ix = ctx.index;
    let b = p.b();
    let inside = |x: usize, y: usize| {
        ix.body(x).parent == y as u32 || ix.containers.of(x).binary_search(&(y as u32)).is_ok()
    };
    if facts.adjacent {
        "shares a boundary".to_owned()
    } else if inside(from, to) && inside(to, from) {
        format!("same area as {}", b.display_name())
    } else if inside(from, to) {
        format!("lies within {}", b.display_name())
    } else if inside(to, from) {
        format!("contains {}", b.display_name())
    } else {
        format!("{:.0} km apart, no shared boundary", facts.distance_km)
    }
}
