//! The scenario values that both the file reader (`parse`) and the sweep expansion (`sweep`)
//! use: the settings a sweep may change (`RunSettings` and its parts), `At` (a value with the
//! place it was written), the limits, and `place`. Below both, so that `parse` depends on
//! `sweep` and neither on the other's reader. Plain data: no reading, no checks, no I/O.

use std::ops::Range;

use crate::diagnostic::Place;
use crate::filter::Filter;
use crate::input::toml::Table;
use crate::model::{Barrier, CriteriaOrder, Criterion, ServiceSet};
use crate::score::Mutual;
use crate::weights::{ExplicitWeights, Method, MethodName};

/// The most runs one scenario may expand to: a guard against a sweep that multiplies out of
/// hand (ten parameters of four values would be a million runs).
pub const MAX_RUNS: usize = 1000;

/// The largest `top` accepted. Comparing two runs is quadratic in it (Kendall's tau).
pub const MAX_TOP: usize = 10_000;

/// A value with the place it was written, so that later checks can point back at it.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Where it was written: file, line, column and field.
    pub place: Place,
}

impl<T> At<T> {
    /// Wraps a value and its place.
    pub fn new(value: T, place: Place) -> Self {
        Self { value, place }
    }
}

/// A named set of explicit criteria weights (`[weights.explicit]` or `[weight_sets.NAME]`).
#[derive(Debug, Clone, PartialEq)]
pub struct WeightSet {
    /// Its name (`explicit` for `[weights.explicit]`).
    pub name: String,
    /// One weight per criterion.
    pub weights: ExplicitWeights,
}

/// How the criteria are weighted: what `[weights]` says, after sweeps. `None` keeps the survey
/// file's choice.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WeightChoice {
    /// A rank-based method.
    pub method: Option<At<MethodName>>,
    /// The exponent of `rank_exponent`.
    pub exponent: Option<At<f64>>,
    /// The criteria order.
    pub order: Option<At<CriteriaOrder>>,
    /// Explicit weights (the method is then explicit).
    pub explicit: Option<At<WeightSet>>,
    /// A criterion moved to a 1-based position of the order (a `position.CRITERION` sweep).
    pub moved: Option<(Criterion, At<usize>)>,
    /// A criterion given a weight, the others rescaled in proportion so that the weights still
    /// sum to 1 (a `weight.CRITERION` sweep). Applied after `moved`.
    pub pinned: Option<(Criterion, At<f64>)>,
}

impl WeightChoice {
    /// The method these settings give, or `None` for the survey's. Never fails: the parser has
    /// checked that explicit weights and `method = "explicit"` come together and that an
    /// exponent comes only with `rank_exponent`.
    pub fn method(&self) -> Option<Method> {
        if let Some(explicit) = &self.explicit {
            return Some(Method::Explicit(explicit.value.weights.clone()));
        }
        let name = self.method.as_ref()?.value;
        match name {
            MethodName::RankExponent => Some(Method::RankExponent {
                p: self.exponent.as_ref().map_or(Method::DEFAULT_EXPONENT, |p| p.value),
            }),
            other => Method::from_name(other).ok(),
        }
    }

    /// Where the weighting was chosen, for errors: the explicit weights, else the order, else
    /// the method.
    pub fn place(&self) -> Option<&Place> {
        self.explicit
            .as_ref()
            .map(|e| &e.place)
            .or(self.order.as_ref().map(|o| &o.place))
            .or(self.method.as_ref().map(|m| &m.place))
    }
}

/// A filter as written, with the place of every value so that a value no body has can be
/// reported where it was written. Checked against the data by `plan`, through the library's
/// one request check (`request::Request::validate`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FilterSpec {
    /// The filter as written (`within_areas` holds the areas' names as written).
    pub filter: Filter,
    /// Each value's place: (`sectors`, `kinds`, `regions`, `nations` or `within_areas`;
    /// position in its list; place).
    pub places: Vec<(&'static str, usize, Place)>,
    /// The table the filter was written in, if any.
    pub table: Option<Place>,
}

/// Barrier mitigation: a barrier's severity scaled down for all or chosen bodies, as a pledge
/// might ("a no-compulsory-redundancy pledge halves fear of job losses": `reduce_by = 0.5`).
/// severity' = severity × (1 − reduce_by). Bodies whose barriers are unknown are unaffected.
#[derive(Debug, Clone, PartialEq)]
pub struct Mitigation {
    /// The barrier.
    pub barrier: Barrier,
    /// The share of the severity removed, in [0, 1].
    pub reduce_by: At<f64>,
    /// The bodies it applies to, or `None` for every body.
    pub bodies: Option<Vec<At<String>>>,
    /// Why (the pledge or measure), for the manifest.
    pub note: Option<String>,
    /// Where the `[[mitigation]]` table was written.
    pub place: Place,
}

/// The settings a sweep may change, as the file gives them before any sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    /// Weighting.
    pub weights: WeightChoice,
    /// How the two views combine.
    pub mutual: Mutual,
    /// How many candidates per body.
    pub top: usize,
    /// Services to focus on.
    pub focus: ServiceSet,
    /// Which bodies may be candidates.
    pub candidates: FilterSpec,
    /// Only candidates within this distance (km).
    pub within_km: Option<f64>,
    /// Leave out existing partners.
    pub exclude_partners: bool,
    /// Barrier mitigations, in file order.
    pub mitigations: Vec<Mitigation>,
}

/// The place of a value in a table.
pub(super) fn place(t: &Table<'_, '_>, span: Range<usize>, field: &str) -> Place {
    Place::new(t.source().location(span.start), t.field_path(field))
}
