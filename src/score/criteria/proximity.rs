//! `Criterion::Proximity`: its value for an ordered pair (`value`), its reason in plain words
//! (`reason`) and the profile fields it reads (`FIELDS`). No I/O.

use super::*;

/// The profile fields the value reads: the viewing side's, then the other side's.
pub(super) const FIELDS: Fields = (PLACE, PLACE);

/// Proximity (`ScoringParams::proximity`): 1 for bodies whose areas contain one another;
/// for neighbours 0.5^(d / 50 km), else 0.5^(d / 25 km) (LGA 2018: 98% of sharing councils
/// share with a neighbour; Dixon & Elston 2020; half-distances cross-validated on real
/// partnerships).
#[inline(always)]
pub fn value(ctx: &Context<'_>, _a: &Body, _b: &Body, facts: &PairFacts) -> Value {
    Value::known(ctx.params.proximity(facts.distance_km, facts.adjacent, facts.contains))
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
        format!("shares a boundary, {:.0} km between centres", facts.distance_km)
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
