//! `Criterion::SharedGeography`: its value for an ordered pair (`value`), its reason in plain words
//! (`reason`) and the profile fields it reads (`FIELDS`). No I/O.

use super::*;

/// The profile fields the value reads: the viewing side's, then the other side's.
pub(super) const FIELDS: Fields = (AREAS, AREAS);

/// Shared geography: 1 when one contains the other or an area contains both (the same
/// county, police force area, fire and rescue authority, health body or combined
/// authority, as bodies of the dataset), or the same combined authority or police force
/// area by name; `SAME_REGION` (0) in the same region; `SAME_NATION` (0) in the same
/// nation; else 0 (LGA/Localis 2011: partnerships across county boundaries broke up; Policing
/// and Crime Act 2017 and Health and Care Act 2022: bodies of one area have a duty to
/// collaborate). Neutral when no area type is known for both (region, nation, combined
/// authority, police force area by name, or an area of the dataset each lies within); known
/// for both and none shared is 0.
#[inline(always)]
pub fn value(ctx: &Context<'_>, a: &Body, b: &Body, facts: &PairFacts) -> Value {
    let same = |x: u32, y: u32| x != NONE && x == y;
    let both = |x: u32, y: u32| x != NONE && y != NONE;
    if facts.contains
        || same(a.combined_authority, b.combined_authority)
        || same(a.police_force_area, b.police_force_area)
        || ctx.index.common_area(a.index(), b.index()).is_some()
    {
        Value::known(1.0)
    } else if same(a.region, b.region) {
        Value::known(crate::score::SAME_REGION)
    } else if same(a.nation, b.nation) {
        Value::known(crate::score::SAME_NATION)
    } else if both(a.region, b.region)
        || both(a.nation, b.nation)
        || both(a.combined_authority, b.combined_authority)
        || both(a.police_force_area, b.police_force_area)
        || (a.areas != 0 && b.areas != 0)
    {
        Value::known(0.0)
    } else {
        Value::NEUTRAL
    }
}

/// The plain-English reason for the value.
pub(super) fn reason(p: &Pair<'_>) -> String {
    let Pair { ctx, dataset, from, to, facts, value: v, .. } = *p;
    let ix = ctx.index;
    let (ba, bb) = (ix.body(from), ix.body(to));
    let a = p.a();
    if facts.contains {
        // Proximity already names which contains which.
        return "one's area contains the other's".to_owned();
    }
    let same = |x: u32, y: u32| x != NONE && x == y;
    if same(ba.parent, bb.parent) {
        format!("both within {}", name(dataset, ba.parent as usize))
    } else if let Some(area) = ix.common_area(from, to) {
        format!("both within {}", name(dataset, area as usize))
    } else if same(ba.combined_authority, bb.combined_authority) {
        format!(
            "both in {}",
            a.combined_authority.as_deref().unwrap_or("the same combined authority")
        )
    } else if same(ba.police_force_area, bb.police_force_area) {
        format!(
            "both in the {} police force area",
            a.police_force_area.as_deref().unwrap_or("same")
        )
    } else if v.neutral {
        "areas not known".to_owned()
    } else if same(ba.region, bb.region) || same(ba.nation, bb.nation) {
        // A region or nation alone counts `SAME_REGION` or `SAME_NATION` (0).
        let place = if same(ba.region, bb.region) { &a.region } else { &a.nation };
        format!("no area in common (both in {})", place.as_deref().unwrap_or("one region"))
    } else {
        "no area in common".to_owned()
    }
}
