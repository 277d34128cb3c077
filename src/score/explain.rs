//! Explanations: each criterion's value, weight and contribution in both directions, with a
//! plain-English reason ("shares a boundary", "both district councils", "similar size: 64,187
//! and 110,727 residents"). Built from the same `Context::values` as ranking, so the numbers
//! are the ranking's numbers. Not on the hot path: called for the few bodies shown.

use serde::Serialize;

use super::{Context, Mutual, PairFacts, Value};
use crate::dataset::Dataset;
use crate::index::{N_BARRIERS, NONE, barrier_at, reason_at, services_of};
use crate::model::{Criterion, Enumeration, Organisation};

/// One criterion in one direction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionExplanation {
    /// The criterion.
    pub criterion: Criterion,
    /// Its value in [0, 1].
    pub value: f64,
    /// Its weight for the side whose view this is.
    pub weight: f64,
    /// weight × value.
    pub contribution: f64,
    /// True when the data was missing and the neutral value was used.
    pub neutral: bool,
    /// Why, in plain English; ends with "(stated by FILE: ...)" when a value it rests on was
    /// stated in a profile layer.
    pub reason: String,
    /// The fields this value rests on that a profile layer stated (`--profile`), as distinct
    /// from the data's sources; left out of JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stated: Vec<StatedMark>,
}

/// A field a criterion's value rests on, stated in a profile layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatedMark {
    /// The body whose field it is.
    pub id: String,
    /// The profile field (`services_sought`).
    pub field: &'static str,
    /// The layer that stated it, as given (`our.toml`).
    pub stated_by: String,
}

/// One side's view of the other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideExplanation {
    /// The directional score: the sum of the contributions.
    pub score: f64,
    /// Every criterion, in the order of `Criterion::all()`.
    pub criteria: Vec<CriterionExplanation>,
}

impl SideExplanation {
    /// The strongest reasons: the `n` largest contributions backed by data (not neutral), in
    /// decreasing order.
    pub fn strongest(&self, n: usize) -> Vec<&CriterionExplanation> {
        let mut known: Vec<&CriterionExplanation> =
            self.criteria.iter().filter(|c| !c.neutral && c.value > 0.0).collect();
        known.sort_by(|a, b| {
            b.contribution.total_cmp(&a.contribution).then(a.criterion.cmp(&b.criterion))
        });
        known.truncate(n);
        known
    }
}

/// A pair explained both ways.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Distance between centres (km).
    pub distance_km: f64,
    /// The subject's view of the candidate.
    pub forward: SideExplanation,
    /// The candidate's view of the subject.
    pub backward: SideExplanation,
    /// The mutual score.
    pub mutual: f64,
    /// How the directions were combined.
    pub mutual_method: Mutual,
}

/// Explains a pair: `subject`'s view of `candidate` (forward) and back.
pub fn explain(
    ctx: &Context<'_>,
    dataset: &Dataset,
    subject: usize,
    candidate: usize,
    mutual: Mutual,
) -> Explanation {
    let facts = PairFacts::of(ctx.index, subject, candidate);
    let forward = side(ctx, dataset, subject, candidate, &facts);
    let backward = side(ctx, dataset, candidate, subject, &facts);
    let mutual_score = mutual.combine(forward.score, backward.score);
    Explanation {
        distance_km: facts.distance_km,
        forward,
        backward,
        mutual: mutual_score,
        mutual_method: mutual,
    }
}

fn side(
    ctx: &Context<'_>,
    dataset: &Dataset,
    from: usize,
    to: usize,
    facts: &PairFacts,
) -> SideExplanation {
    let weights = ctx.index.weights(from);
    let values = ctx.values(from, to, facts);
    let mut score = 0.0;
    let criteria = Criterion::all()
        .iter()
        .zip(values)
        .zip(weights)
        .map(|((criterion, v), weight)| {
            let contribution = weight * v.value;
            // The same sum, in the same order, as `Context::directional`.
            score += contribution;
            let stated = stated_marks(dataset, *criterion, from, to);
            let mut reason = reason(ctx, dataset, *criterion, from, to, facts, v);
            if !stated.is_empty() {
                reason.push_str(&stated_note(dataset, &stated, from, to));
            }
            CriterionExplanation {
                criterion: *criterion,
                value: v.value,
                weight: *weight,
                contribution,
                neutral: v.neutral,
                reason,
                stated,
            }
        })
        .collect();
    SideExplanation { score, criteria }
}

/// The profile fields a criterion reads from the viewing side (`from`) and the other side.
fn fields_of(criterion: Criterion) -> (&'static [&'static str], &'static [&'static str]) {
    const AREAS: &[&str] =
        &["parent", "within", "combined_authority", "police_force_area", "region", "nation"];
    const PLACE: &[&str] = &["location", "neighbours", "parent", "within"];
    // A body that states no services is matched on what it delivers by statute (its kind).
    const SERVICES: &[&str] = &["services_sought", "services_offered", "kind"];
    match criterion {
        Criterion::Proximity => (PLACE, PLACE),
        Criterion::ServiceFit => (SERVICES, SERVICES),
        Criterion::KindFit => (&["sector", "kind", "tier"], &["sector", "kind", "tier"]),
        Criterion::SizeFit => (&["population", "budget_gbp"], &["population", "budget_gbp"]),
        Criterion::Trust => (&["partnership"], &["partnership"]),
        Criterion::BarrierRisk => (&["barriers"], &[]),
        Criterion::SharedPriorities => (&["reasons"], &["reasons"]),
        Criterion::SharedGeography => (AREAS, AREAS),
        Criterion::IctFit => (&["ict"], &["ict"]),
        Criterion::PoliticalAlignment => (&["political_control"], &["political_control"]),
    }
}

/// The stated fields a criterion's value rests on: the viewing side's first.
fn stated_marks(
    dataset: &Dataset,
    criterion: Criterion,
    from: usize,
    to: usize,
) -> Vec<StatedMark> {
    let stated = dataset.stated();
    if stated.is_empty() {
        return Vec::new();
    }
    let (own, other) = fields_of(criterion);
    let orgs = dataset.organisations();
    [(from, own), (to, other)]
        .into_iter()
        .flat_map(|(i, fields)| {
            let id = &orgs[i].id;
            fields.iter().filter_map(move |f| {
                stated.by(id, f).map(|by| StatedMark {
                    id: id.to_string(),
                    field: f,
                    stated_by: by.to_owned(),
                })
            })
        })
        .collect()
}

/// " (stated by our.toml: Cotswold's services sought)", one group per layer.
fn stated_note(dataset: &Dataset, marks: &[StatedMark], from: usize, to: usize) -> String {
    let orgs = dataset.organisations();
    let who = |id: &str| -> String {
        [from, to]
            .into_iter()
            .find(|i| orgs[*i].id.as_str() == id)
            .map_or_else(|| id.to_owned(), |i| orgs[i].display_name().to_owned())
    };
    let mut layers: Vec<&str> = Vec::new();
    for m in marks {
        if !layers.contains(&m.stated_by.as_str()) {
            layers.push(&m.stated_by);
        }
    }
    let groups: Vec<String> = layers
        .iter()
        .map(|layer| {
            let items: Vec<String> = marks
                .iter()
                .filter(|m| m.stated_by == *layer)
                .map(|m| format!("{}'s {}", who(&m.id), m.field.replace('_', " ")))
                .collect();
            format!("stated by {layer}: {}", list(items.iter().map(String::as_str).collect()))
        })
        .collect();
    format!(" ({})", groups.join("; "))
}

fn name(dataset: &Dataset, i: usize) -> &str {
    dataset.organisations()[i].display_name()
}

fn residents(n: f64) -> String {
    crate::export::thousands(n.round() as u64)
}

fn list(items: Vec<&str>) -> String {
    match items.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The plain-English reason for one criterion's value.
fn reason(
    ctx: &Context<'_>,
    dataset: &Dataset,
    criterion: Criterion,
    from: usize,
    to: usize,
    facts: &PairFacts,
    v: Value,
) -> String {
    let ix = ctx.index;
    let (ba, bb) = (ix.body(from), ix.body(to));
    let orgs = dataset.organisations();
    let (a, b): (&Organisation, &Organisation) = (&orgs[from], &orgs[to]);
    match criterion {
        Criterion::Proximity => {
            let inside = |x: usize, y: usize| {
                ix.body(x).parent == y as u32
                    || ix.containers.of(x).binary_search(&(y as u32)).is_ok()
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
        Criterion::ServiceFit => {
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
                return format!(
                    "{} neither seeks, offers nor delivers {}",
                    b.display_name(),
                    names(need)
                );
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
        Criterion::KindFit => match (a.kind, b.kind) {
            (Some(x), Some(y)) if x == y => format!("both {}", plural(x.label())),
            (Some(x), Some(y))
                if crate::score::county_and_district(x, y) && crate::score::one_area(ba, bb) =>
            {
                format!("{} and {}: the two tiers of one area", x.label(), y.label())
            }
            (Some(x), Some(y)) => format!("{} and {}", x.label(), y.label()),
            _ if a.sector == b.sector => format!("both {} (kind not known)", a.sector.label()),
            _ => format!("{} and {} (kind not known)", a.sector.label(), b.sector.label()),
        },
        Criterion::SizeFit => {
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
        Criterion::Trust => {
            if facts.partnered {
                let services: Vec<&str> = dataset_partnership(a, b)
                    .map(|s| services_of(s).map(|x| x.label()).collect())
                    .unwrap_or_default();
                let what = if services.is_empty() {
                    "existing partnership".to_owned()
                } else {
                    format!("existing partnership ({})", list(services))
                };
                let listed = a
                    .partnerships
                    .iter()
                    .flatten()
                    .find(|p| p.partner == b.id)
                    .or_else(|| b.partnerships.iter().flatten().find(|p| p.partner == a.id));
                match listed {
                    Some(p) => {
                        let mut out = what;
                        // Merged arrangements list their names and kinds in the same order:
                        // "shared website: adur-worthing.gov.uk; ...".
                        let names: Vec<&str> =
                            p.name.as_deref().map(|n| n.split("; ").collect()).unwrap_or_default();
                        let kinds: Vec<&str> =
                            p.kind.as_deref().map(|k| k.split("; ").collect()).unwrap_or_default();
                        if !names.is_empty() && names.len() == kinds.len() {
                            let items: Vec<String> = kinds
                                .iter()
                                .zip(&names)
                                .map(|(k, n)| format!("{}: {n}", k.replace('_', " ")))
                                .collect();
                            out.push_str(&format!("; {}", items.join("; ")));
                        } else if let Some(name) = &p.name {
                            out.push_str(&format!(": {name}"));
                        }
                        if let Some(since) = p.since {
                            out.push_str(&format!(", since {since}"));
                        }
                        // The sources are long (URLs, repository paths): `show` lists them.
                        out
                    }
                    None => what,
                }
            } else if v.neutral {
                "partnerships not known".to_owned()
            } else if facts.common_partners > 0 {
                let n = facts.common_partners;
                format!("{n} partner{} in common", if n == 1 { "" } else { "s" })
            } else {
                "no existing partnership or partner in common".to_owned()
            }
        }
        Criterion::BarrierRisk => {
            if v.neutral {
                return format!("{}'s barriers not known", a.display_name());
            }
            let listed = ba.barrier_listed;
            if listed == 0 {
                return format!("{} reports no barriers", a.display_name());
            }
            let worst = (0..N_BARRIERS).filter(|b| listed & (1 << b) != 0).max_by(|x, y| {
                ix.barrier_severity[from][*x]
                    .total_cmp(&ix.barrier_severity[from][*y])
                    .then(y.cmp(x))
            });
            let worst = worst
                .and_then(|b| {
                    barrier_at(b).map(|barrier| {
                        format!("{} {:.2}", barrier.label(), ix.barrier_severity[from][b])
                    })
                })
                .unwrap_or_default();
            let g = ctx.asymmetry(ba, bb);
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
        Criterion::SharedPriorities => {
            if v.neutral {
                return "reasons for sharing not known".to_owned();
            }
            let top = |i: usize| {
                let w = &ix.body(i).reason_weights;
                (0..w.len())
                    .max_by(|x, y| w[*x].total_cmp(&w[*y]).then(y.cmp(x)))
                    .and_then(reason_at)
            };
            match (top(from), top(to)) {
                (Some(x), Some(y)) if x == y => {
                    format!("both put {} first ({:.0}% overlap)", x.label(), v.value * 100.0)
                }
                _ => format!("reasons for sharing overlap {:.0}%", v.value * 100.0),
            }
        }
        Criterion::SharedGeography => {
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
        Criterion::IctFit => {
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
        Criterion::PoliticalAlignment => {
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
    }
}

/// The services of the partnership between two bodies, as listed on either side.
fn dataset_partnership(a: &Organisation, b: &Organisation) -> Option<u64> {
    let side = |x: &Organisation, y: &Organisation| {
        x.partnerships.iter().flatten().find(|p| p.partner == y.id).map(|p| p.services.bits())
    };
    match (side(a, b), side(b, a)) {
        (None, None) => None,
        (x, y) => Some(x.unwrap_or(0) | y.unwrap_or(0)),
    }
}

/// The plural of a kind's label: "unitary authority" gives "unitary authorities", "NHS
/// trust" gives "NHS trusts"; a proper name ("City of London") gets "bodies".
fn plural(label: &str) -> String {
    let last = label.rsplit(' ').next().unwrap_or(label);
    if last.starts_with(|c: char| c.is_uppercase()) {
        return format!("{label} bodies");
    }
    match label.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{label}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::plural;
    use crate::model::{Enumeration, Kind};

    /// "services sought or offered not known" was printed when only the partner's services
    /// were unknown: each side's reason now says whose services are not known (bodies of no
    /// kind, so that nothing is delivered by statute).
    #[test]
    fn the_service_fit_reason_says_whose_services_are_not_known() {
        use crate::dataset::Dataset;
        use crate::engine::Engine;
        use crate::model::{LatLon, Organisation, OrganisationId, Sector, Service, ServiceSet};
        use crate::weights::{Survey, WeightSettings};
        let body = |id: &str, lat: f64| {
            Organisation::new(
                OrganisationId::new(id).unwrap(),
                format!("{id} Council"),
                Sector::LocalGovernment,
                LatLon::new(lat, 0.0).unwrap(),
            )
        };
        let mut a = body("A1", 51.0);
        a.services_sought = Some([Service::Legal].into_iter().collect::<ServiceSet>());
        let b = body("B2", 51.1);
        let dataset = Dataset::from_organisations(vec![a, b], "test").unwrap();
        let engine =
            Engine::new(dataset, Survey::embedded().unwrap(), WeightSettings::default()).unwrap();
        let e = engine.explain(0, 1, &crate::rank::RankSettings::default());
        let fit = |side: &super::SideExplanation| {
            side.criteria
                .iter()
                .find(|c| c.criterion == crate::model::Criterion::ServiceFit)
                .map(|c| (c.reason.clone(), c.neutral))
                .unwrap()
        };
        assert_eq!(fit(&e.forward), ("B2 Council's services not known".to_owned(), true));
        assert_eq!(
            fit(&e.backward),
            ("services B2 Council would share not known".to_owned(), true)
        );
        // No layer: nothing is marked stated.
        assert!(e.forward.criteria.iter().all(|c| c.stated.is_empty()));
    }

    /// "both unitary authoritys" was printed before this was fixed.
    #[test]
    fn kind_labels_pluralise_in_english() {
        assert_eq!(plural("unitary authority"), "unitary authorities");
        assert_eq!(plural("municipality"), "municipalities");
        assert_eq!(plural("US county"), "US counties");
        assert_eq!(plural("NHS trust"), "NHS trusts");
        assert_eq!(plural("City of London"), "City of London bodies");
        assert_eq!(plural("other body"), "other bodies");
        for k in Kind::all() {
            let p = plural(k.label());
            assert!(!p.ends_with("ys") && p.len() > k.label().len(), "{p}");
        }
    }

    /// Service fit's reason tells a candidate that offers a service (a supplier) from one that
    /// also seeks it (a joint service), though the value is the same.
    #[test]
    fn service_fit_reasons_tell_supply_from_shared_need() {
        use crate::model::{Criterion, Service, ServiceSet};
        let mut orgs = crate::test_data::random_organisations(7, 4);
        let set = |s: &[Service]| Some(s.iter().copied().collect::<ServiceSet>());
        let (legal, waste) = (Service::Legal, Service::Waste);
        let services = [
            (set(&[legal, waste]), set(&[])),
            (set(&[]), set(&[legal])),
            (set(&[legal]), set(&[])),
            (set(&[waste]), set(&[legal])),
        ];
        for (o, (sought, offered)) in orgs.iter_mut().zip(services) {
            // No kind, so that nothing is delivered by statute: the reason then rests on what
            // each body states.
            o.kind = None;
            o.services_sought = sought;
            o.services_offered = offered;
        }
        let dataset = crate::dataset::Dataset::from_organisations(orgs, "test").unwrap();
        let names: Vec<String> =
            dataset.organisations().iter().map(|o| o.display_name().to_owned()).collect();
        let subject = dataset
            .organisations()
            .iter()
            .position(|o| o.services_sought == set(&[legal, waste]))
            .unwrap();
        let of = |sought: Option<ServiceSet>, offered: Option<ServiceSet>| {
            dataset
                .organisations()
                .iter()
                .position(|o| o.services_sought == sought && o.services_offered == offered)
                .unwrap()
        };
        let engine = crate::engine::Engine::new(
            dataset.clone(),
            crate::weights::Survey::embedded().unwrap(),
            crate::weights::WeightSettings::default(),
        )
        .unwrap();
        let reason = |b: usize| {
            let e = engine.explain(subject, b, &crate::rank::RankSettings::default());
            let c = &e.forward.criteria[Criterion::ServiceFit.index()];
            assert_eq!(c.criterion, Criterion::ServiceFit);
            c.reason.clone()
        };
        let supplier = of(set(&[]), set(&[legal]));
        let seeker = of(set(&[legal]), set(&[]));
        let both = of(set(&[waste]), set(&[legal]));
        assert_eq!(reason(supplier), format!("{} offers legal", names[supplier]));
        assert_eq!(reason(seeker), format!("{} also seeks legal", names[seeker]));
        assert_eq!(reason(both), format!("{} offers legal and also seeks waste", names[both]));
    }
}
