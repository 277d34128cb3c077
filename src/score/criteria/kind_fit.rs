//! `Criterion::KindFit`: its value for an ordered pair (`value`), its reason in plain words
//! (`reason`) and the profile fields it reads (`FIELDS`). No I/O.

use super::*;

/// The profile fields the value reads: the viewing side's, then the other side's.
pub(super) const FIELDS: Fields = (&["sector", "kind", "tier"], &["sector", "kind", "tier"]);

/// Kind fit: compatibility of sector and kind (`kind_fit` table; Dixon & Elston 2020 on
/// organisational similarity); a county and a district that lies in it score
/// `TWO_TIERS_OF_ONE_AREA`. Falls back to the sector table when a kind is not known.
#[inline(always)]
pub fn value(_ctx: &Context<'_>, a: &Body, b: &Body, _facts: &PairFacts) -> Value {
    match (a.kind, b.kind) {
        (Some(x), Some(y))
            if crate::score::county_and_district(x, y) && crate::score::one_area(a, b) =>
        {
            Value::known(crate::score::TWO_TIERS_OF_ONE_AREA)
        }
        (Some(x), Some(y)) => Value::known(crate::score::kind_fit(x, y)),
        _ => Value::known(crate::score::sector_fit(a.sector, b.sector)),
    }
}

/// The plain-English reason for the value.
pub(super) fn reason(p: &Pair<'_>) -> String {
    let (a, b) = (p.a(), p.b());
    let (ba, bb) = (p.ctx.index.body(p.from), p.ctx.index.body(p.to));
    match (a.kind, b.kind) {
        (Some(x), Some(y)) if x == y => format!("both {}", plural(x.label())),
        (Some(x), Some(y))
            if crate::score::county_and_district(x, y) && crate::score::one_area(ba, bb) =>
        {
            format!("{} and {}: the two tiers of one area", x.label(), y.label())
        }
        (Some(x), Some(y)) => format!("{} and {}", x.label(), y.label()),
        _ if a.sector == b.sector => format!("both {} (kind not known)", a.sector.label()),
        _ => format!("{} and {} (kind not known)", a.sector.label(), b.sector.label()),
    }
}
