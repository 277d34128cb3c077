//! `Criterion::SizeFit`: its value for an ordered pair (`value`), its reason in plain words
//! (`reason`) and the profile fields it reads (`FIELDS`). No I/O.

use super::*;

/// The profile fields the value reads: the viewing side's, then the other side's.
pub(super) const FIELDS: Fields = (&["population", "budget_gbp"], &["population", "budget_gbp"]);

/// Size fit: 1 − |ln(p_a / p_b)| / ln 10, clamped to [0, 1], on population, else budget
/// (Dixon & Elston 2020: similar size and resources). Equal sizes give 1, a tenfold
/// difference or more gives 0. Neutral when neither measure is known for both.
#[inline(always)]
pub fn value(_ctx: &Context<'_>, a: &Body, b: &Body, _facts: &PairFacts) -> Value {
    // |ln(a / b)| as the difference of precomputed logs: no logarithm per pair.
    let gap = if a.ln_population.is_finite() && b.ln_population.is_finite() {
        (a.ln_population - b.ln_population).abs()
    } else if a.ln_budget.is_finite() && b.ln_budget.is_finite() {
        (a.ln_budget - b.ln_budget).abs()
    } else {
        return Value::NEUTRAL;
    };
    Value::known((1.0 - gap / std::f64::consts::LN_10).clamp(0.0, 1.0))
}

/// The plain-English reason for the value.
pub(super) fn reason(p: &Pair<'_>) -> String {
    let Pair { ctx, from, to, value: v, .. } = *p;
    let ix = ctx.index;
    let (ba, bb) = (ix.body(from), ix.body(to));
    if v.neutral {
        return "size not known".to_owned();
    }
    let (pa, pb) = (ba.population, bb.population);
    let what = if pa.is_finite() && pb.is_finite() {
        format!("{} and {} residents", residents(pa), residents(pb))
    } else {
        format!("budgets £{} and £{}", residents(ix.budget[from]), residents(ix.budget[to]))
    };
    let word = if v.value >= 0.7 {
        "similar size"
    } else if v.value >= 0.3 {
        "different size"
    } else {
        "very different size"
    };
    format!("{word}: {what}")
}
