//! Explanations: each criterion's value, weight and contribution in both directions, with a
//! plain-English reason ("shares a boundary", "both district councils", "similar size: 64,187
//! and 110,727 residents"). Built from the same `Context::values` as ranking, so the numbers
//! are the ranking's numbers. Not on the hot path: called for the few bodies shown.

use serde::Serialize;

use super::criteria::{self, Pair, list};
use super::{Context, Mutual, PairFacts};
use crate::dataset::Dataset;
use crate::model::{Criterion, Enumeration};

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
            let pair = Pair { ctx, dataset, from, to, facts, value: v };
            let mut reason = criteria::reason(*criterion, &pair);
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
    let (own, other) = criteria::fields(criterion);
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

#[cfg(test)]
mod tests {
    use crate::model::{Enumeration, Kind};
    use crate::score::criteria::plural;

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
