//! Criteria weights: the `Weights` value the scorer reads (one weight per `Criterion`), a
//! criteria order turned into it, and the one-line text forms of an order and of explicit
//! weights (`proximity,service_fit+kind_fit,...`, `proximity=0.3,...`). No I/O.

use std::str::FromStr;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::WeightError;
use super::methods::{ExplicitWeights, Formula, Method, Rank, explicit_in_order, rank_weights};
use crate::model::{CriteriaOrder, Criterion, Enumeration};

/// One weight per criterion, indexed by `Criterion::index()`.
///
/// Invariant: every weight finite and at least 0, summing to 1 (to rounding); when built from an
/// order, never increasing along it and equal within ties. Only this module builds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights([f64; Criterion::COUNT]);

impl Weights {
    /// Equal weights, 1/10 each.
    pub fn equal() -> Self {
        Self([1.0 / Criterion::COUNT as f64; Criterion::COUNT])
    }

    /// The weights of an order under a method. Errors: an invalid exponent, or explicit weights
    /// that disagree with the order (naming the criteria at fault).
    pub fn for_order(order: &CriteriaOrder, method: &Method) -> Result<Self, WeightError> {
        criteria_weights(order, method)
    }

    /// A criterion's weight.
    pub fn get(&self, criterion: Criterion) -> f64 {
        self.0[criterion.index()]
    }

    /// Each criterion with its weight, in `Criterion::all()` order.
    pub fn iter(&self) -> impl Iterator<Item = (Criterion, f64)> + '_ {
        Criterion::all().iter().map(|c| (*c, self.0[c.index()]))
    }

    /// The weights as an array indexed by `Criterion::index()`, for the scoring index.
    pub fn as_array(&self) -> &[f64; Criterion::COUNT] {
        &self.0
    }

    /// Explicit weights scaled to sum to 1, with no order check (callers have checked it).
    pub(crate) fn from_explicit(explicit: &ExplicitWeights) -> Self {
        let total = explicit.sum();
        let mut out = [0.0; Criterion::COUNT];
        for (slot, value) in out.iter_mut().zip(explicit.values()) {
            *slot = if total > 0.0 { value / total } else { 1.0 / Criterion::COUNT as f64 };
        }
        Self(out)
    }

    /// Rank-based weights of an order, for a method already validated; never fails.
    pub(crate) fn from_rank(order: &CriteriaOrder, rank: Rank) -> Self {
        let blocks = block_sizes(order);
        scatter(order, &rank_weights(&blocks, rank))
    }
}

impl Serialize for Weights {
    /// A map from criterion name to weight, in `Criterion::all()` order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Criterion::COUNT))?;
        for (criterion, weight) in self.iter() {
            map.serialize_entry(criterion.name(), &weight)?;
        }
        map.end()
    }
}

/// The number of criteria at each position of an order.
pub fn block_sizes(order: &CriteriaOrder) -> Vec<usize> {
    order.positions().iter().map(Vec::len).collect()
}

/// Puts weights given in the order's item order back into criterion order.
fn scatter(order: &CriteriaOrder, in_order: &[f64]) -> Weights {
    let mut out = [0.0; Criterion::COUNT];
    for (criterion, weight) in order.positions().iter().flatten().zip(in_order) {
        out[criterion.index()] = *weight;
    }
    Weights(out)
}

/// The criteria weights of an order under a method. Explicit weights (indexed by
/// `Criterion::index()`) must not increase along the order and must be equal within ties;
/// errors name the criteria at fault.
pub fn criteria_weights(order: &CriteriaOrder, method: &Method) -> Result<Weights, WeightError> {
    method.validate()?;
    let blocks = block_sizes(order);
    match method.formula() {
        Formula::Explicit(explicit) => {
            if explicit.values().len() != Criterion::COUNT {
                return Err(WeightError::ExplicitCount {
                    expected: Criterion::COUNT,
                    found: explicit.values().len(),
                });
            }
            let in_order: Vec<Criterion> = order.positions().iter().flatten().copied().collect();
            let values: Vec<f64> = in_order.iter().map(|c| explicit.values()[c.index()]).collect();
            let names: Vec<String> = in_order.iter().map(|c| format!("\"{c}\"")).collect();
            let weights = explicit_in_order(&blocks, &values, &names)?;
            Ok(scatter(order, &weights))
        }
        Formula::Rank(rank) => Ok(scatter(order, &rank_weights(&blocks, rank))),
    }
}

/// Parses the one-line form of a criteria order: criteria highest first, separated by commas;
/// criteria tied at one position joined by `+` or `=` (`proximity,service_fit+kind_fit,...`).
/// Every criterion exactly once; errors name the unknown (with "did you mean"), missing or
/// repeated criterion.
pub fn parse_order(text: &str) -> Result<CriteriaOrder, WeightError> {
    let mut positions = Vec::new();
    for (i, part) in text.split(',').enumerate() {
        let mut position = Vec::new();
        for name in part.split(['+', '=']) {
            let name = name.trim();
            if name.is_empty() {
                return Err(WeightError::EmptyPosition { position: i + 1 });
            }
            position.push(Criterion::parse_name(name).map_err(WeightError::UnknownCriterion)?);
        }
        positions.push(position);
    }
    CriteriaOrder::new(positions).map_err(WeightError::InvalidOrder)
}

/// The one-line form of an order, as `parse_order` reads it: `proximity,service_fit+kind_fit,...`.
pub fn format_order(order: &CriteriaOrder) -> String {
    let positions: Vec<String> = order
        .positions()
        .iter()
        .map(|p| p.iter().map(|c| c.name()).collect::<Vec<_>>().join("+"))
        .collect();
    positions.join(",")
}

impl FromStr for CriteriaOrder {
    type Err = WeightError;
    /// See `parse_order`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_order(s)
    }
}

impl ExplicitWeights {
    /// Explicit criteria weights from (criterion, weight) pairs: every criterion exactly once,
    /// each weight finite and at least 0, a positive sum. Indexed by `Criterion::index()`.
    pub fn for_criteria(
        pairs: impl IntoIterator<Item = (Criterion, f64)>,
    ) -> Result<Self, WeightError> {
        let mut values: [Option<f64>; Criterion::COUNT] = [None; Criterion::COUNT];
        for (criterion, weight) in pairs {
            if values[criterion.index()].replace(weight).is_some() {
                return Err(WeightError::ExplicitRepeated { item: format!("\"{criterion}\"") });
            }
        }
        let missing: Vec<&str> = Criterion::all()
            .iter()
            .filter(|c| values[c.index()].is_none())
            .map(|c| c.name())
            .collect();
        if !missing.is_empty() {
            return Err(WeightError::ExplicitMissing { items: missing.join(", ") });
        }
        let names: Vec<String> = Criterion::all().iter().map(|c| format!("\"{c}\"")).collect();
        Self::with_names(values.iter().map(|v| v.unwrap_or(0.0)).collect(), &names)
    }

    /// Parses `criterion=weight` pairs separated by commas (`proximity=0.3,service_fit=0.2,...`),
    /// every criterion once; `:` may stand for `=`.
    pub fn parse_criteria(text: &str) -> Result<Self, WeightError> {
        let mut pairs = Vec::new();
        for item in text.split(',') {
            let item = item.trim();
            let Some((name, value)) = item.split_once(['=', ':']) else {
                return Err(WeightError::ExplicitSyntax { text: item.to_owned() });
            };
            let criterion =
                Criterion::parse_name(name.trim()).map_err(WeightError::UnknownCriterion)?;
            let value: f64 = value
                .trim()
                .parse()
                .map_err(|_| WeightError::ExplicitSyntax { text: item.to_owned() })?;
            pairs.push((criterion, value));
        }
        Self::for_criteria(pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses an order and checks its one-line form, or the error's text fragment.
    #[track_caller]
    fn check(text: &str, expected: Result<&str, &str>) {
        match (parse_order(text), expected) {
            (Ok(order), Ok(want)) => assert_eq!(format_order(&order), want, "{text}"),
            (Err(err), Err(fragment)) => {
                assert!(err.to_string().contains(fragment), "{text}: {err}");
            }
            (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
        }
    }

    const DEFAULT: &str = "proximity,service_fit,kind_fit,size_fit,trust,barrier_risk,\
                           shared_priorities,shared_geography,ict_fit,political_alignment";

    #[test]
    fn orders_parse_with_ties_and_errors_name_the_criterion() {
        check(DEFAULT, Ok(DEFAULT));
        check(
            "proximity, service_fit+kind_fit , size_fit=trust,barrier_risk,shared_priorities,\
             shared_geography,ict_fit,political alignment",
            Ok("proximity,service_fit+kind_fit,size_fit+trust,barrier_risk,shared_priorities,\
                shared_geography,ict_fit,political_alignment"),
        );
        check(&DEFAULT.replace("trust", "trsut"), Err("unknown criterion \"trsut\""));
        check(&DEFAULT.replace("trust", "trsut"), Err("did you mean \"trust\"?"));
        check(&DEFAULT.replace(",ict_fit", ""), Err("criteria missing from the order: ict_fit"));
        check(
            &DEFAULT.replace("ict_fit", "proximity"),
            Err("criterion \"proximity\" appears more than once"),
        );
        check(&DEFAULT.replace(",trust", ",,trust"), Err("position 5 of the order is empty"));
        check("", Err("position 1 of the order is empty"));
    }

    #[test]
    fn criteria_weights_follow_the_order() {
        let order = parse_order(
            "political_alignment,proximity,service_fit,kind_fit,size_fit,trust,barrier_risk,\
             shared_priorities,shared_geography,ict_fit",
        )
        .unwrap();
        let weights = criteria_weights(&order, &Method::RankOrderCentroid).unwrap();
        assert!(weights.get(Criterion::PoliticalAlignment) > weights.get(Criterion::Proximity));
        assert!((weights.get(Criterion::IctFit) - 0.01).abs() < 1e-12);
        let total: f64 = weights.iter().map(|(_, w)| w).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn explicit_criteria_weights_are_named_in_errors() {
        let text = "proximity=3,service_fit=2,kind_fit=2,size_fit=1,trust=1,barrier_risk=1,\
                    shared_priorities=1,shared_geography=1,ict_fit=1,political_alignment=0";
        let explicit = ExplicitWeights::parse_criteria(text).unwrap();
        assert!((explicit.sum() - 13.0).abs() < 1e-12);
        let order = parse_order(DEFAULT).unwrap();
        let weights = criteria_weights(&order, &Method::Explicit(explicit.clone())).unwrap();
        assert!((weights.get(Criterion::Proximity) - 3.0 / 13.0).abs() < 1e-15);
        assert!(weights.get(Criterion::PoliticalAlignment).abs() < 1e-15);

        let swapped =
            parse_order(&DEFAULT.replace("proximity,service_fit", "service_fit,proximity"))
                .unwrap();
        let err = criteria_weights(&swapped, &Method::Explicit(explicit)).unwrap_err();
        assert!(
            err.to_string().contains("\"proximity\" (3) comes after \"service_fit\" (2)"),
            "{err}"
        );

        let err = ExplicitWeights::parse_criteria("proximity=1").unwrap_err();
        assert!(err.to_string().contains("no explicit weight for service_fit, kind_fit"), "{err}");
        let err = ExplicitWeights::parse_criteria("proximity=1,proximity=2").unwrap_err();
        assert!(err.to_string().contains("\"proximity\" is given a weight twice"), "{err}");
        let err = ExplicitWeights::parse_criteria("proximity").unwrap_err();
        assert!(err.to_string().contains("criterion=weight"), "{err}");
        let err = ExplicitWeights::parse_criteria(&text.replace("=3", "=nan")).unwrap_err();
        assert!(err.to_string().contains("\"proximity\" is NaN"), "{err}");
    }

    #[test]
    fn weights_serialise_as_a_map_in_criterion_order() {
        let json = serde_json::to_string(&Weights::equal()).unwrap();
        assert!(json.starts_with(r#"{"proximity":0.1,"service_fit":0.1,"#), "{json}");
    }
}
