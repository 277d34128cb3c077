//! Weights from an order of tie blocks: the rank-based formulas (rank order centroid, rank sum,
//! rank reciprocal, rank exponent, sum reciprocal, equal) and explicit weights. Pure arithmetic:
//! owns no I/O and knows nothing of criteria (`criteria` maps these onto them).
//!
//! Invariants of every result: one weight per item, each finite and at least 0, summing to 1
//! (to rounding), never increasing along the order, and exactly equal within a tie block. The
//! formulas and their sources are in `docs/weights.md`.

use std::fmt;
use std::str::FromStr;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use strum::{EnumMessage, IntoStaticStr, VariantArray};

use super::WeightError;
use crate::model::{Enumeration, UnknownValue, normalise_name};

/// A weighting method by name, without its parameters: what `--method` and the survey file's
/// `method` key accept. The label is the method's name in prose; the doc comment is its formula
/// and source (`Enumeration::evidence`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum MethodName {
    /// w_i = (1/n) Σ_{k=i..n} 1/k: the centroid of all weights consistent with the order
    /// (Barron & Barrett 1996, Management Science 42(11)).
    #[strum(message = "rank order centroid")]
    RankOrderCentroid,
    /// w_i = 2(n+1−i) / (n(n+1)) (Stillwell, Seaver & Edwards 1981, Organizational Behavior and
    /// Human Performance 28(1)).
    #[strum(message = "rank sum")]
    RankSum,
    /// w_i = (1/i) / Σ_j 1/j (Stillwell, Seaver & Edwards 1981).
    #[strum(message = "rank reciprocal")]
    RankReciprocal,
    /// w_i = (n−i+1)^p / Σ_j (n−j+1)^p; p = 1 is rank sum, p = 0 equal weights (Stillwell,
    /// Seaver & Edwards 1981).
    #[strum(message = "rank exponent")]
    RankExponent,
    /// w_i = (1/i + (n+1−i)/n) / Σ_j (1/j + (n+1−j)/n) (Danielson & Ekenberg 2014, "Rank
    /// ordering methods for multi-criteria decisions", Group Decision and Negotiation 2014).
    #[strum(message = "sum reciprocal")]
    SumReciprocal,
    /// w_i = 1/n: the order is ignored.
    #[strum(message = "equal")]
    Equal,
    /// Weights given per item; they must agree with the order and are scaled to sum to 1.
    #[strum(message = "explicit")]
    Explicit,
}

impl Enumeration for MethodName {
    const WHAT: &'static str = "weighting method";
}

impl MethodName {
    /// The short alias accepted on the command line and in files, if the method has one.
    pub fn alias(self) -> Option<&'static str> {
        match self {
            MethodName::RankOrderCentroid => Some("roc"),
            MethodName::RankSum => Some("rs"),
            MethodName::RankReciprocal => Some("rr"),
            MethodName::RankExponent => Some("re"),
            MethodName::SumReciprocal => Some("sr"),
            MethodName::Equal | MethodName::Explicit => None,
        }
    }

    /// The method's source, short form ("Barron & Barrett 1996").
    pub fn citation(self) -> &'static str {
        match self {
            MethodName::RankOrderCentroid => "Barron & Barrett 1996",
            MethodName::RankSum | MethodName::RankReciprocal | MethodName::RankExponent => {
                "Stillwell, Seaver & Edwards 1981"
            }
            MethodName::SumReciprocal => "Danielson & Ekenberg 2014",
            MethodName::Equal | MethodName::Explicit => "",
        }
    }

    /// Parses a name or an alias, ignoring case; an unknown name gets "did you mean" and the
    /// list of names and aliases.
    pub fn parse(text: &str) -> Result<Self, UnknownValue> {
        let wanted = normalise_name(text);
        let found = Self::all()
            .iter()
            .copied()
            .find(|m| m.name() == wanted || m.alias() == Some(wanted.as_str()));
        found.ok_or_else(|| {
            let allowed =
                Self::all().iter().flat_map(|m| std::iter::once(m.name()).chain(m.alias()));
            UnknownValue::new(Self::WHAT, text, allowed)
        })
    }
}

impl fmt::Display for MethodName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for MethodName {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for MethodName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// How an order becomes weights. Every method gives weights that sum to 1, never increase
/// along the order and are equal within a tie.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Method {
    /// Rank order centroid, the default (Barron & Barrett 1996); with ties, the exact centroid
    /// of the weights consistent with the order.
    #[default]
    RankOrderCentroid,
    /// Rank sum (Stillwell, Seaver & Edwards 1981).
    RankSum,
    /// Rank reciprocal (Stillwell, Seaver & Edwards 1981).
    RankReciprocal,
    /// Rank exponent with exponent `p` (finite, at least 0; Stillwell, Seaver & Edwards 1981).
    RankExponent {
        /// The exponent: 0 gives equal weights, 1 rank sum, larger values steeper weights.
        p: f64,
    },
    /// Sum reciprocal (Danielson & Ekenberg 2014).
    SumReciprocal,
    /// Equal weights.
    Equal,
    /// Weights given per item, checked against the order and scaled to sum to 1.
    Explicit(ExplicitWeights),
}

impl Method {
    /// The exponent of `rank_exponent` when none is given. A project choice, not a published
    /// value: p = 2 weights the top of the order more steeply than rank sum (p = 1).
    pub const DEFAULT_EXPONENT: f64 = 2.0;

    /// Rank exponent with a checked exponent (finite, at least 0).
    pub fn rank_exponent(p: f64) -> Result<Self, WeightError> {
        check_exponent(p)?;
        Ok(Method::RankExponent { p })
    }

    /// The method for a name, with the default exponent for `rank_exponent`. `explicit` is an
    /// error here: explicit weights need values (`Method::Explicit`).
    pub fn from_name(name: MethodName) -> Result<Self, WeightError> {
        Ok(match name {
            MethodName::RankOrderCentroid => Method::RankOrderCentroid,
            MethodName::RankSum => Method::RankSum,
            MethodName::RankReciprocal => Method::RankReciprocal,
            MethodName::RankExponent => Method::RankExponent { p: Self::DEFAULT_EXPONENT },
            MethodName::SumReciprocal => Method::SumReciprocal,
            MethodName::Equal => Method::Equal,
            MethodName::Explicit => return Err(WeightError::ExplicitNeedsWeights),
        })
    }

    /// The method's name, without parameters.
    pub fn kind(&self) -> MethodName {
        match self {
            Method::RankOrderCentroid => MethodName::RankOrderCentroid,
            Method::RankSum => MethodName::RankSum,
            Method::RankReciprocal => MethodName::RankReciprocal,
            Method::RankExponent { .. } => MethodName::RankExponent,
            Method::SumReciprocal => MethodName::SumReciprocal,
            Method::Equal => MethodName::Equal,
            Method::Explicit(_) => MethodName::Explicit,
        }
    }

    /// The snake_case name (`rank_order_centroid`).
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// A one-line description for people: "rank order centroid (Barron & Barrett 1996)",
    /// "rank exponent, p = 2 (Stillwell, Seaver & Edwards 1981)".
    pub fn describe(&self) -> String {
        let kind = self.kind();
        let label = match self {
            Method::RankExponent { p } => format!("{}, p = {p}", kind.label()),
            Method::Explicit(_) => "explicit weights".to_owned(),
            _ => kind.label().to_owned(),
        };
        match kind.citation() {
            "" => label,
            citation => format!("{label} ({citation})"),
        }
    }

    /// Checks the method's parameters: a finite exponent of at least 0.
    pub fn validate(&self) -> Result<(), WeightError> {
        match self {
            Method::RankExponent { p } => check_exponent(*p),
            _ => Ok(()),
        }
    }

    /// How the method computes weights.
    pub(crate) fn formula(&self) -> Formula<'_> {
        Formula::Rank(match self {
            Method::RankOrderCentroid => Rank::Centroid,
            Method::RankSum => Rank::Sum,
            Method::RankReciprocal => Rank::Reciprocal,
            Method::RankExponent { p } => Rank::Exponent(*p),
            Method::SumReciprocal => Rank::SumReciprocal,
            Method::Equal => Rank::Equal,
            Method::Explicit(explicit) => return Formula::Explicit(explicit),
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Method::RankExponent { p } => write!(f, "rank_exponent (p = {p})"),
            other => f.write_str(other.name()),
        }
    }
}

impl FromStr for Method {
    type Err = WeightError;
    /// Parses a name or alias; `rank_exponent` gets `DEFAULT_EXPONENT`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = MethodName::parse(s).map_err(WeightError::UnknownMethod)?;
        Method::from_name(name)
    }
}

impl Serialize for Method {
    /// `{"name": "rank_exponent", "p": 2.0}`; explicit weights add `"weights"`, one per item.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", self.name())?;
        match self {
            Method::RankExponent { p } => map.serialize_entry("p", p)?,
            Method::Explicit(weights) => map.serialize_entry("weights", weights)?,
            _ => {}
        }
        map.end()
    }
}

fn check_exponent(p: f64) -> Result<(), WeightError> {
    if p.is_finite() && p >= 0.0 { Ok(()) } else { Err(WeightError::InvalidExponent { p }) }
}

/// Explicit weights as given, one per item: for criteria, indexed by `Criterion::index()`; for
/// `order_weights`, in the order's item order.
///
/// Invariant: at least one value, every value finite and at least 0, a positive sum. Agreement
/// with an order is checked when the weights are applied to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ExplicitWeights(Vec<f64>);

impl ExplicitWeights {
    /// Checks the values (finite, at least 0, a positive sum); errors name the item by its
    /// 1-based number.
    pub fn new(values: Vec<f64>) -> Result<Self, WeightError> {
        let names: Vec<String> = (1..=values.len()).map(|k| format!("item {k}")).collect();
        Self::with_names(values, &names)
    }

    /// As `new`, naming items in errors by `names` (parallel to `values`).
    pub(crate) fn with_names(values: Vec<f64>, names: &[String]) -> Result<Self, WeightError> {
        if values.is_empty() {
            return Err(WeightError::EmptyOrder);
        }
        for (value, name) in values.iter().zip(names) {
            if !value.is_finite() || *value < 0.0 {
                return Err(WeightError::ExplicitInvalidValue {
                    item: name.clone(),
                    value: *value,
                });
            }
        }
        let total: f64 = values.iter().sum();
        if !total.is_finite() {
            return Err(WeightError::ExplicitOverflow);
        }
        if total <= 0.0 {
            return Err(WeightError::ExplicitZeroSum);
        }
        Ok(Self(values))
    }

    /// The values as given.
    pub fn values(&self) -> &[f64] {
        &self.0
    }

    /// The sum of the values as given.
    pub fn sum(&self) -> f64 {
        self.0.iter().sum()
    }

    /// Whether the values already sum to 1 (within 1e-9), so that scaling changes nothing a
    /// person would notice.
    pub fn sums_to_one(&self) -> bool {
        (self.sum() - 1.0).abs() <= 1e-9
    }
}

/// The weight of each item of an order given as tie blocks (`block_sizes[b]` items at position
/// `b`, highest first), one weight per item in order. For `Method::Explicit` the values are
/// read in the same item order.
///
/// Ties: rank order centroid gives the exact centroid of the admissible weights (with blocks
/// ending at items e_1 < … < e_B, w_i = (1/B) Σ_{b: e_b ≥ i} 1/e_b); the other rank methods give
/// each tied item the mean of the weights its positions would get untied; explicit weights must
/// be equal within a tie. Errors: an empty order or block, an invalid exponent, explicit
/// weights that disagree with the order. O(n) time and space for n items.
pub fn order_weights(block_sizes: &[usize], method: &Method) -> Result<Vec<f64>, WeightError> {
    check_blocks(block_sizes)?;
    method.validate()?;
    match method.formula() {
        Formula::Explicit(explicit) => {
            let names: Vec<String> =
                (1..=explicit.values().len()).map(|k| format!("item {k}")).collect();
            explicit_in_order(block_sizes, explicit.values(), &names)
        }
        Formula::Rank(rank) => Ok(rank_weights(block_sizes, rank)),
    }
}

/// Checks that an order has items and no empty position.
pub(crate) fn check_blocks(block_sizes: &[usize]) -> Result<(), WeightError> {
    if block_sizes.is_empty() {
        return Err(WeightError::EmptyOrder);
    }
    match block_sizes.iter().position(|&s| s == 0) {
        Some(b) => Err(WeightError::EmptyPosition { position: b + 1 }),
        None => Ok(()),
    }
}

/// A rank-based formula, with its exponent already checked.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rank {
    Centroid,
    Sum,
    Reciprocal,
    Exponent(f64),
    SumReciprocal,
    Equal,
}

/// How a validated method computes weights: a rank formula, or explicit values.
pub(crate) enum Formula<'a> {
    /// A rank-based formula.
    Rank(Rank),
    /// Explicit values.
    Explicit(&'a ExplicitWeights),
}

/// Rank-based weights for non-empty blocks and a checked exponent; never fails.
pub(crate) fn rank_weights(block_sizes: &[usize], rank: Rank) -> Vec<f64> {
    let n: usize = block_sizes.iter().sum();
    let nf = n as f64;
    let block_values: Vec<f64> = match rank {
        Rank::Centroid => {
            // Barron & Barrett (1996): the centroid of {w : w_1 ≥ … ≥ w_n ≥ 0, Σ w = 1} has
            // w_i = (1/n) Σ_{k=i..n} 1/k. With ties the admissible set is the simplex whose
            // vertices are v_b = (1/e_b, …, 1/e_b, 0, …, 0) (the first e_b items equal), so its
            // centroid is the mean of the B vertices: w_i = (1/B) Σ_{b: e_b ≥ i} 1/e_b. The
            // common factor 1/B is left to the normalisation below.
            let mut ends = Vec::with_capacity(block_sizes.len());
            let mut end = 0usize;
            for &size in block_sizes {
                end += size;
                ends.push(end as f64);
            }
            let mut values = vec![0.0; ends.len()];
            let mut suffix = 0.0;
            for b in (0..ends.len()).rev() {
                suffix += 1.0 / ends[b];
                values[b] = suffix;
            }
            values
        }
        other => {
            // Unnormalised score of the item at 1-based position k among n.
            let score = |k: usize| -> f64 {
                let kf = k as f64;
                match other {
                    // Stillwell, Seaver & Edwards (1981): rank sum ∝ n + 1 − k.
                    Rank::Sum => nf + 1.0 - kf,
                    // Stillwell, Seaver & Edwards (1981): rank reciprocal ∝ 1/k.
                    Rank::Reciprocal => 1.0 / kf,
                    // Rank exponent ∝ (n − k + 1)^p, computed as ((n − k + 1)/n)^p so that a
                    // large p underflows towards 0 instead of overflowing to infinity.
                    Rank::Exponent(p) => ((nf - kf + 1.0) / nf).powf(p),
                    // Danielson & Ekenberg (2014): sum reciprocal ∝ 1/k + (n + 1 − k)/n.
                    Rank::SumReciprocal => 1.0 / kf + (nf + 1.0 - kf) / nf,
                    Rank::Equal | Rank::Centroid => 1.0,
                }
            };
            // Tied items share the mean score of the positions they occupy.
            let mut start = 0usize;
            block_sizes
                .iter()
                .map(|&size| {
                    let total: f64 = (start + 1..=start + size).map(score).sum();
                    start += size;
                    total / size as f64
                })
                .collect()
        }
    };
    normalise(block_sizes, block_values)
}

/// Explicit weights given in item order, checked against the blocks: equal within a block and
/// never increasing from one block to the next. `names` (parallel to `values`) name items in
/// errors.
pub(crate) fn explicit_in_order(
    block_sizes: &[usize],
    values: &[f64],
    names: &[String],
) -> Result<Vec<f64>, WeightError> {
    check_blocks(block_sizes)?;
    let n: usize = block_sizes.iter().sum();
    if values.len() != n {
        return Err(WeightError::ExplicitCount { expected: n, found: values.len() });
    }
    let name = |i: usize| names.get(i).cloned().unwrap_or_else(|| format!("item {}", i + 1));
    for (i, value) in values.iter().enumerate() {
        if !value.is_finite() || *value < 0.0 {
            return Err(WeightError::ExplicitInvalidValue { item: name(i), value: *value });
        }
    }
    let mut block_values: Vec<f64> = Vec::with_capacity(block_sizes.len());
    let mut block_first: Vec<usize> = Vec::with_capacity(block_sizes.len());
    let mut start = 0usize;
    for &size in block_sizes {
        let first = values[start];
        let block = &values[start..start + size];
        if let Some(j) = block.iter().position(|v| !nearly_equal(*v, first)) {
            return Err(WeightError::ExplicitTieUnequal {
                first: name(start),
                first_weight: first,
                other: name(start + j),
                other_weight: block[j],
            });
        }
        if let (Some(&previous), Some(&previous_start)) = (block_values.last(), block_first.last())
            && first > previous
            && !nearly_equal(first, previous)
        {
            return Err(WeightError::ExplicitIncreasing {
                earlier: name(previous_start),
                earlier_weight: previous,
                later: name(start),
                later_weight: first,
            });
        }
        block_values.push(first);
        block_first.push(start);
        start += size;
    }
    let total: f64 = values.iter().sum();
    if !total.is_finite() {
        return Err(WeightError::ExplicitOverflow);
    }
    if total <= 0.0 {
        return Err(WeightError::ExplicitZeroSum);
    }
    Ok(normalise(block_sizes, block_values))
}

/// Equal to within a relative 1e-9: what a person typing the same number twice means.
fn nearly_equal(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// Turns one positive-sum, unnormalised value per block into one weight per item that sums to
/// one. Clamping each block to the one before guards the invariant "never increasing" against
/// rounding (and against explicit weights equal within 1e-9); dividing every value by the same
/// total keeps it.
fn normalise(block_sizes: &[usize], mut block_values: Vec<f64>) -> Vec<f64> {
    for b in 1..block_values.len() {
        if block_values[b] > block_values[b - 1] {
            block_values[b] = block_values[b - 1];
        }
    }
    let total: f64 = block_sizes.iter().zip(&block_values).map(|(&s, v)| s as f64 * v).sum();
    let mut weights = Vec::with_capacity(block_sizes.iter().sum());
    for (&size, value) in block_sizes.iter().zip(&block_values) {
        weights.extend(std::iter::repeat_n(value / total, size));
    }
    weights
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the weights of an order (tie block sizes) under a method against expected values
    /// to `tolerance`.
    #[track_caller]
    fn check(block_sizes: &[usize], method: Method, expected: &[f64], tolerance: f64) {
        let got = order_weights(block_sizes, &method).unwrap();
        assert_eq!(got.len(), expected.len(), "{method}: {got:?}");
        for (g, e) in got.iter().zip(expected) {
            assert!(
                (g - e).abs() <= tolerance,
                "{method} {block_sizes:?}: got {got:?}, want {expected:?}"
            );
        }
    }

    const FIVE: &[usize] = &[1, 1, 1, 1, 1];

    #[test]
    fn published_values_for_five_criteria() {
        // Barron & Barrett (1996), table 1, n = 5: .4567 .2567 .1567 .0900 .0400.
        check(FIVE, Method::RankOrderCentroid, &[0.4567, 0.2567, 0.1567, 0.0900, 0.0400], 5e-5);
        // Rank sum, n = 5: 5/15 … 1/15.
        check(FIVE, Method::RankSum, &[0.3333, 0.2667, 0.2000, 0.1333, 0.0667], 5e-5);
        // Rank reciprocal, n = 5: (1/i) / (137/60).
        check(FIVE, Method::RankReciprocal, &[0.4380, 0.2190, 0.1460, 0.1095, 0.0876], 5e-5);
        // Sum reciprocal, n = 5: (1/i + (6 − i)/5) / (137/60 + 3).
        check(FIVE, Method::SumReciprocal, &[0.3785, 0.2461, 0.1767, 0.1230, 0.0757], 5e-5);
        check(FIVE, Method::Equal, &[0.2; 5], 1e-15);
    }

    #[test]
    fn rank_exponent_spans_equal_and_rank_sum() {
        let rank_sum = order_weights(FIVE, &Method::RankSum).unwrap();
        check(FIVE, Method::RankExponent { p: 1.0 }, &rank_sum, 1e-15);
        check(FIVE, Method::RankExponent { p: 0.0 }, &[0.2; 5], 1e-15);
        // p = 2: (25, 16, 9, 4, 1) / 55.
        let squares: Vec<f64> = [25.0, 16.0, 9.0, 4.0, 1.0].iter().map(|v| v / 55.0).collect();
        check(FIVE, Method::RankExponent { p: 2.0 }, &squares, 1e-15);
        // A huge exponent puts all the weight first, without overflow.
        check(FIVE, Method::RankExponent { p: 1e6 }, &[1.0, 0.0, 0.0, 0.0, 0.0], 1e-15);
    }

    #[test]
    fn the_default_order_puts_one_hundredth_last_under_roc() {
        let weights = order_weights(&[1; 10], &Method::RankOrderCentroid).unwrap();
        assert!((weights[9] - 0.01).abs() < 1e-12, "{weights:?}");
        // w_1 = H_10 / 10.
        let h10: f64 = (1..=10).map(|k| 1.0 / f64::from(k)).sum();
        assert!((weights[0] - h10 / 10.0).abs() < 1e-12);
    }

    #[test]
    fn roc_with_ties_is_the_centroid_of_the_admissible_set() {
        // Blocks end at e = 1, 4, 5, 6 (the reasons order): w = (1/4)(Σ_{e_b ≥ i} 1/e_b).
        let first = (1.0 + 0.25 + 0.2 + 1.0 / 6.0) / 4.0;
        let tied = (0.25 + 0.2 + 1.0 / 6.0) / 4.0;
        let fifth = (0.2 + 1.0 / 6.0) / 4.0;
        let sixth = (1.0 / 6.0) / 4.0;
        check(
            &[1, 3, 1, 1],
            Method::RankOrderCentroid,
            &[first, tied, tied, tied, fifth, sixth],
            1e-15,
        );
        // Everything tied: equal weights.
        check(&[4], Method::RankOrderCentroid, &[0.25; 4], 1e-15);
    }

    #[test]
    fn other_rank_methods_give_ties_the_mean_of_their_positions() {
        // Rank sum, n = 5, positions 2 and 3 tied: (4 + 3)/2 = 3.5 of 15.
        let tied = 3.5 / 15.0;
        check(
            &[1, 2, 1, 1],
            Method::RankSum,
            &[5.0 / 15.0, tied, tied, 2.0 / 15.0, 1.0 / 15.0],
            1e-15,
        );
    }

    #[test]
    fn explicit_weights_are_scaled_and_checked_against_the_order() {
        let explicit = |v: &[f64]| Method::Explicit(ExplicitWeights::new(v.to_vec()).unwrap());
        check(&[1, 2, 1], explicit(&[4.0, 2.0, 2.0, 0.0]), &[0.5, 0.25, 0.25, 0.0], 1e-15);
        let err = order_weights(&[1, 1], &explicit(&[1.0, 2.0])).unwrap_err();
        assert!(err.to_string().contains("item 2 (2) comes after item 1 (1)"), "{err}");
        let err = order_weights(&[2], &explicit(&[1.0, 2.0])).unwrap_err();
        assert!(err.to_string().contains("tied item 1 and item 2"), "{err}");
        let err = order_weights(&[1, 1], &explicit(&[1.0])).unwrap_err();
        assert_eq!(err, WeightError::ExplicitCount { expected: 2, found: 1 });
        assert_eq!(ExplicitWeights::new(vec![0.0, 0.0]), Err(WeightError::ExplicitZeroSum));
        assert_eq!(
            ExplicitWeights::new(vec![f64::MAX, f64::MAX]),
            Err(WeightError::ExplicitOverflow)
        );
        assert!(ExplicitWeights::new(vec![f64::NAN]).is_err());
        assert!(ExplicitWeights::new(vec![-1.0, 2.0]).is_err());
    }

    #[test]
    fn bad_orders_and_exponents_are_errors() {
        assert_eq!(order_weights(&[], &Method::RankSum), Err(WeightError::EmptyOrder));
        assert_eq!(
            order_weights(&[1, 0], &Method::RankSum),
            Err(WeightError::EmptyPosition { position: 2 })
        );
        for p in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(order_weights(FIVE, &Method::RankExponent { p }).is_err(), "{p}");
            assert!(Method::rank_exponent(p).is_err(), "{p}");
        }
    }

    #[test]
    fn method_names_and_aliases_parse() {
        fn check_name(text: &str, expected: Result<MethodName, Option<&str>>) {
            match (MethodName::parse(text), expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{text}"),
                (Err(err), Err(suggestion)) => assert_eq!(err.suggestion.as_deref(), suggestion),
                (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
            }
        }
        check_name("rank_order_centroid", Ok(MethodName::RankOrderCentroid));
        check_name("ROC", Ok(MethodName::RankOrderCentroid));
        check_name("rank-sum", Ok(MethodName::RankSum));
        check_name("rr", Ok(MethodName::RankReciprocal));
        check_name("re", Ok(MethodName::RankExponent));
        check_name("sr", Ok(MethodName::SumReciprocal));
        check_name("equal", Ok(MethodName::Equal));
        check_name("explicit", Ok(MethodName::Explicit));
        check_name("rank_ordr_centroid", Err(Some("rank_order_centroid")));
        check_name("centroid", Err(Some("rank_order_centroid")));
        check_name("xyzzy", Err(None));
        assert_eq!(
            "re".parse::<Method>(),
            Ok(Method::RankExponent { p: Method::DEFAULT_EXPONENT })
        );
        assert_eq!("explicit".parse::<Method>(), Err(WeightError::ExplicitNeedsWeights));
    }

    #[test]
    fn methods_serialise_with_their_parameters() {
        let json = serde_json::to_string(&Method::RankExponent { p: 1.5 }).unwrap();
        assert_eq!(json, r#"{"name":"rank_exponent","p":1.5}"#);
        let json = serde_json::to_string(&Method::RankOrderCentroid).unwrap();
        assert_eq!(json, r#"{"name":"rank_order_centroid"}"#);
    }
}
