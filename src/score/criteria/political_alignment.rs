//! `Criterion::PoliticalAlignment`: its value for an ordered pair (`value`), its reason in plain
//! words (`reason`) and the profile fields it reads (`FIELDS`). No I/O.

use super::*;

/// The profile fields the value reads: the viewing side's, then the other side's.
pub(super) const FIELDS: Fields = (&["political_control"], &["political_control"]);

/// Political alignment: 1 when both are led by the same party, 0.75 when the same party is
/// only the largest in a body under no overall control, 0 for different parties. The 2011
/// survey ranked "same political control" lowest of all, so this criterion comes last.
/// Neutral when either lead party is not known.
#[inline(always)]
pub fn value(_ctx: &Context<'_>, a: &Body, b: &Body, _facts: &PairFacts) -> Value {
    match (a.party, b.party) {
        (Some(x), Some(y)) if x == y => {
            let noc = a.control == Some(ControlType::Noc) || b.control == Some(ControlType::Noc);
            Value::known(if noc { 0.75 } else { 1.0 })
        }
        (Some(_), Some(_)) => Value::known(0.0),
        _ => Value::NEUTRAL,
    }
}

/// The plain-English reason for the value.
pub(super) fn reason(p: &Pair<'_>) -> String {
    let Pair { value: v, .. } = *p;
    let (a, b) = (p.a(), p.b());
    let party = |o: &Organisation| o.political_control.as_ref().and_then(|c| c.lead_party);
    match (party(a), party(b)) {
        (Some(x), Some(y)) if x == y && v.value >= 1.0 => {
            format!("both led by {}", x.label())
        }
        (Some(x), Some(y)) if x == y => {
            format!("{} largest in both, without overall control in one", x.label())
        }
        (Some(x), Some(y)) => format!(
            "different political control ({} and {}): the survey's lowest priority",
            x.label(),
            y.label()
        ),
        _ => "political control not known".to_owned(),
    }
}
