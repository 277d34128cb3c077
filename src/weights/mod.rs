//! Weights from an order: the survey file (the criteria, barrier and reason orders with the
//! evidence for each position, and the weighting method), the methods that turn an order into
//! weights, and the resolution of the weights one body uses (its own order, else the survey's or
//! the user's). Only `Survey::load` reads a file; everything else is pure and never panics.
//!
//! Invariants of every weight vector this module returns: finite, at least 0, summing to 1,
//! never increasing along its order, equal within a tie. Formulas and sources: `docs/weights.md`.
//!
//! ```
//! use partnermatch::model::Criterion;
//! use partnermatch::weights::{Method, Survey, WeightSettings};
//!
//! let survey = Survey::embedded().unwrap();
//! let weights = survey.weights(&WeightSettings::default()).unwrap();
//! // Rank order centroid over the ten criteria: the last gets (1/10)(1/10).
//! assert!((weights.get(Criterion::PoliticalAlignment) - 0.01).abs() < 1e-12);
//!
//! let settings = WeightSettings::new(None, Some(Method::RankSum)).unwrap();
//! let rank_sum = survey.weights(&settings).unwrap();
//! assert!((rank_sum.get(Criterion::Proximity) - 10.0 / 55.0).abs() < 1e-12);
//! ```

mod criteria;
pub mod fit;
mod methods;
mod survey;

#[cfg(test)]
mod properties;

use crate::model::{CriteriaOrder, Criterion, UnknownValue};

pub use criteria::{Weights, block_sizes, criteria_weights, format_order, parse_order};
pub use methods::{ExplicitWeights, Method, MethodName, order_weights};
pub use survey::{
    Basis, Citation, EMBEDDED_SURVEY, EMBEDDED_SURVEY_PATH, Entry, N_BARRIERS, N_REASONS, Survey,
};

/// Why weights could not be made: a bad method, order or explicit weight. Messages name the
/// criterion, item or parameter at fault and say how to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightError {
    /// An order with no position.
    #[error("the order is empty: list the items highest priority first")]
    EmptyOrder,
    /// A position with nothing in it.
    #[error("position {position} of the order is empty: remove the extra separator")]
    EmptyPosition {
        /// The 1-based position.
        position: usize,
    },
    /// A name that is not a weighting method.
    #[error("{}: {}", .0.message(), .0.help())]
    UnknownMethod(UnknownValue),
    /// A name that is not a criterion.
    #[error("{}: {}", .0.message(), .0.help())]
    UnknownCriterion(UnknownValue),
    /// An order that misses or repeats a criterion.
    #[error("{0}: list all {n} criteria once each, highest priority first", n = Criterion::COUNT_WORD)]
    InvalidOrder(String),
    /// A rank exponent that is negative or not a number.
    #[error(
        "the exponent p = {p} is not allowed: use a finite number of at least 0 (p = 0 gives \
         equal weights, p = 1 rank sum)"
    )]
    InvalidExponent {
        /// The exponent given.
        p: f64,
    },
    /// The explicit method with no weights.
    #[error("the explicit method needs a weight for every criterion (for example proximity=0.3)")]
    ExplicitNeedsWeights,
    /// `criterion=weight` text that could not be read.
    #[error(
        "cannot read \"{text}\" as an explicit weight: write criterion=weight, for example \
         proximity=0.3"
    )]
    ExplicitSyntax {
        /// The text at fault.
        text: String,
    },
    /// An explicit weight that is negative or not a finite number.
    #[error("explicit weight for {item} is {value}: weights must be finite numbers of at least 0")]
    ExplicitInvalidValue {
        /// The item, quoted.
        item: String,
        /// The weight given.
        value: f64,
    },
    /// Explicit weights that are all 0.
    #[error("explicit weights sum to 0: give at least one a positive weight")]
    ExplicitZeroSum,
    /// Explicit weights too large to add up.
    #[error("explicit weights are too large to add up: scale them down (only their ratios matter)")]
    ExplicitOverflow,
    /// A number of explicit weights that does not match the items.
    #[error("expected {expected} explicit weights, found {found}: give one weight per item")]
    ExplicitCount {
        /// How many items the order has.
        expected: usize,
        /// How many weights were given.
        found: usize,
    },
    /// Items with no explicit weight.
    #[error("no explicit weight for {items}: give every criterion a weight (0 is allowed)")]
    ExplicitMissing {
        /// The missing items, comma-separated.
        items: String,
    },
    /// An item given an explicit weight twice.
    #[error("{item} is given a weight twice: give each criterion one weight")]
    ExplicitRepeated {
        /// The item, quoted.
        item: String,
    },
    /// Explicit weights that grow along the order.
    #[error(
        "explicit weights increase along the order: {later} ({later_weight}) comes after \
         {earlier} ({earlier_weight}); give weights that never increase along the order, or \
         change the order to match them"
    )]
    ExplicitIncreasing {
        /// The earlier item, quoted.
        earlier: String,
        /// Its weight.
        earlier_weight: f64,
        /// The later, heavier item, quoted.
        later: String,
        /// Its weight.
        later_weight: f64,
    },
    /// Tied items with different explicit weights.
    #[error(
        "tied {first} and {other} have different explicit weights ({first_weight} and \
         {other_weight}): give tied items equal weights, or untie them in the order"
    )]
    ExplicitTieUnequal {
        /// The first item of the tie, quoted.
        first: String,
        /// Its weight.
        first_weight: f64,
        /// The item that differs, quoted.
        other: String,
        /// Its weight.
        other_weight: f64,
    },
}

/// What a user (the command line, a scenario file) changes about the survey's weighting: the
/// criteria order and the method. `None` keeps the survey file's.
///
/// Invariant: the method's parameters are valid (a finite exponent of at least 0; explicit
/// weights one per criterion, agreeing with `order` when one is given). Agreement of explicit
/// weights with the survey's order is checked by `Survey::weights`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WeightSettings {
    order: Option<CriteriaOrder>,
    method: Option<Method>,
}

impl WeightSettings {
    /// Checks and builds the settings.
    pub fn new(order: Option<CriteriaOrder>, method: Option<Method>) -> Result<Self, WeightError> {
        if let Some(method) = &method {
            method.validate()?;
            if let Method::Explicit(explicit) = method {
                if explicit.values().len() != Criterion::COUNT {
                    return Err(WeightError::ExplicitCount {
                        expected: Criterion::COUNT,
                        found: explicit.values().len(),
                    });
                }
                if let Some(order) = &order {
                    criteria_weights(order, method)?;
                }
            }
        }
        Ok(Self { order, method })
    }

    /// The criteria order to use instead of the survey's, if any.
    pub fn order(&self) -> Option<&CriteriaOrder> {
        self.order.as_ref()
    }

    /// The method to use instead of the survey's, if any.
    pub fn method(&self) -> Option<&Method> {
        self.method.as_ref()
    }
}
