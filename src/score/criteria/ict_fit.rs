//! `Criterion::IctFit`: its value for an ordered pair (`value`), its reason in plain words
//! (`reason`) and the profile fields it reads (`FIELDS`). No I/O.

use super::*;

/// The profile fields the value reads: the viewing side's, then the other side's.
pub(super) const FIELDS: Fields = (&["ict"], &["ict"]);

/// ICT fit: the share of the services both report systems for where they use the same
/// product. Neutral when either's systems are not known or they have no service in common.
#[inline(always)]
pub fn value(ctx: &Context<'_>, a: &Body, b: &Body, _facts: &PairFacts) -> Value {
    if !(a.ict_known() && b.ict_known()) {
        return Value::NEUTRAL;
    }
    let (mut x, mut y) = (ctx.index.ict.of(a.index()), ctx.index.ict.of(b.index()));
    let (mut common, mut same) = (0u32, 0u32);
    while let (Some(&(sa, pa)), Some(&(sb, pb))) = (x.first(), y.first()) {
        match sa.cmp(&sb) {
            std::cmp::Ordering::Less => x = &x[1..],
            std::cmp::Ordering::Greater => y = &y[1..],
            std::cmp::Ordering::Equal => {
                common += 1;
                same += u32::from(pa == pb);
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
    if common == 0 { Value::NEUTRAL } else { Value::known(f64::from(same) / f64::from(common)) }
}

/// The plain-English reason for the value.
pub(super) fn reason(p: &Pair<'_>) -> String {
    let Pair { ctx, from, to, value: v, .. } = *p;
    let ix = ctx.index;
    let (ba, bb) = (ix.body(from), ix.body(to));
    if v.neutral {
        if ba.ict_known() && bb.ict_known() {
            "no service with ICT systems known on both sides".to_owned()
        } else {
            "ICT systems not known".to_owned()
        }
    } else {
        format!("same ICT systems for {:.0}% of the services both report", v.value * 100.0)
    }
}
