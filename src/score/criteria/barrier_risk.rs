//! `Criterion::BarrierRisk`: its value for an ordered pair (`value`), its reason in plain words
//! (`reason`) and the profile fields it reads (`FIELDS`). No I/O.

use super::*;

/// The profile fields the value reads: the viewing side's, then the other side's.
pub(super) const FIELDS: Fields = (&["barriers"], &[]);

/// Barrier risk: 1 − the weighted mean severity of the barriers `a` listed, weighted by
/// the survey's barrier order; fears of losing autonomy and identity grow with size
/// asymmetry: s' = s + (1 − s)·g. 1 when `a` lists no barrier; neutral when its barriers
/// are not known.
#[inline(always)]
pub fn value(_ctx: &Context<'_>, a: &Body, b: &Body, _facts: &PairFacts) -> Value {
    barrier_value(a, asymmetry(a, b))
}

/// The plain-English reason for the value.
pub(super) fn reason(p: &Pair<'_>) -> String {
    let Pair { ctx, from, to, value: v, .. } = *p;
    let ix = ctx.index;
    let (ba, bb) = (ix.body(from), ix.body(to));
    let a = p.a();
    if v.neutral {
        return format!("{}'s barriers not known", a.display_name());
    }
    let listed = ba.barrier_listed;
    if listed == 0 {
        return format!("{} reports no barriers", a.display_name());
    }
    let worst = (0..N_BARRIERS).filter(|b| listed & (1 << b) != 0).max_by(|x, y| {
        ix.barrier_severity[from][*x].total_cmp(&ix.barrier_severity[from][*y]).then(y.cmp(x))
    });
    let worst = worst
        .and_then(|b| {
            barrier_at(b)
                .map(|barrier| format!("{} {:.2}", barrier.label(), ix.barrier_severity[from][b]))
        })
        .unwrap_or_default();
    let g = asymmetry(ba, bb);
    let growth = if g > 0.0 && listed & 0b0001_1000 != 0 {
        format!(
            "; fears of losing autonomy and identity raised by the partner's larger size ({:.1}×)",
            1.0 / (1.0 - g)
        )
    } else {
        String::new()
    };
    let level = if v.value >= 0.7 {
        "low"
    } else if v.value >= 0.4 {
        "moderate"
    } else {
        "high"
    };
    format!("{level} barrier risk for {} (biggest: {worst}){growth}", a.display_name())
}

/// The size asymmetry that raises `a`'s fears of losing autonomy and identity when `b`
/// is larger: g = 1 − p_a / p_b, or 0 (partnerships where one partner feared a takeover by
/// a larger one are among those that broke up).
#[inline(always)]
pub fn asymmetry(a: &Body, b: &Body) -> f64 {
    let (x, y) = (a.population, b.population);
    if x.is_finite() && y.is_finite() && y > x { 1.0 - x / y } else { 0.0 }
}

/// The barrier-risk value of `a` facing a partner of size asymmetry `g`: with the weighted
/// mean severity precomputed as base + g·growth (see `Body`), O(1).
#[inline(always)]
fn barrier_value(a: &Body, g: f64) -> Value {
    if !a.barriers_known() {
        return Value::NEUTRAL;
    }
    if a.barrier_listed == 0 {
        return Value::known(1.0);
    }
    Value::known((1.0 - (a.barrier_base + g * a.barrier_growth)).clamp(0.0, 1.0))
}

/// The highest barrier-risk value a body can have with any partner: the value without size
/// asymmetry, since asymmetry only raises fears. Used by exact pruning.
#[inline]
pub fn barrier_ceiling(a: &Body) -> f64 {
    barrier_value(a, 0.0).value
}
