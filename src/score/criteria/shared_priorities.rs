//! `Criterion::SharedPriorities`: its value for an ordered pair (`value`), its reason in plain
//! words (`reason`) and the profile fields it reads (`FIELDS`). No I/O.

use super::*;

/// The profile fields the value reads: the viewing side's, then the other side's.
pub(super) const FIELDS: Fields = (&["reasons"], &["reasons"]);

/// Shared priorities: the overlap Σ_r min(w_a(r), w_b(r)) of the two bodies' reason
/// weights (each body's own ranking, weighted by the survey's method). 1 for identical
/// rankings; neutral when either's reasons are not known.
#[inline(always)]
pub fn value(_ctx: &Context<'_>, a: &Body, b: &Body, _facts: &PairFacts) -> Value {
    if !(a.reasons_known() && b.reasons_known()) {
        return Value::NEUTRAL;
    }
    let mut overlap = 0.0;
    for (x, y) in a.reason_weights.iter().zip(&b.reason_weights) {
        overlap += x.min(*y);
    }
    Value::known(overlap.clamp(0.0, 1.0))
}

/// The plain-English reason for the value.
pub(super) fn reason(p: &Pair<'_>) -> String {
    let Pair { ctx, from, to, value: v, .. } = *p;
    let ix = ctx.index;
    if v.neutral {
        return "reasons for sharing not known".to_owned();
    }
    let top = |i: usize| {
        let w = &ix.body(i).reason_weights;
        (0..w.len()).max_by(|x, y| w[*x].total_cmp(&w[*y]).then(y.cmp(x))).and_then(reason_at)
    };
    match (top(from), top(to)) {
        (Some(x), Some(y)) if x == y => {
            format!("both put {} first ({:.0}% overlap)", x.label(), v.value * 100.0)
        }
        _ => format!("reasons for sharing overlap {:.0}%", v.value * 100.0),
    }
}
