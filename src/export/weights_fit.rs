//! `weights --fit --format json`: the criteria order real partnerships reveal, with the
//! settings of the search and the fitted weights by criterion name. A contract with scripts:
//! fields are added, never renamed.

use serde::ser::SerializeMap as _;
use serde::{Serialize, Serializer};

use crate::model::{Criterion, Enumeration as _};
use crate::weights::fit::Fit;

/// The weights as a map from criterion name, in `Criterion::all()` order.
struct NamedWeights([f64; Criterion::COUNT]);

impl Serialize for NamedWeights {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(Criterion::COUNT))?;
        for c in Criterion::all() {
            map.serialize_entry(c.name(), &self.0[c.index()])?;
        }
        map.end()
    }
}

/// What a fit ran on and how; the document's leading fields.
#[derive(Debug, Clone, Serialize)]
pub struct FitRun<'a> {
    /// The partnerships file, as given.
    pub partnerships: String,
    /// The dataset's description.
    pub data: &'a str,
    /// `hide_links` or `keep_known`.
    pub mode: &'static str,
    /// The mutual score's name.
    pub mutual: &'static str,
    /// The weighting method's name.
    pub method: &'static str,
    /// The search's seed.
    pub seed: u64,
    /// Random restarts of the search.
    pub restarts: usize,
    /// Whether free weights were fitted after the order.
    pub free_weights: bool,
    /// Arrangements used.
    pub arrangements: usize,
    /// Arrangements left out (fewer than two members known).
    pub skipped_arrangements: usize,
    /// Members the data does not know.
    pub unresolved_members: usize,
}

/// The JSON document of `weights --fit`: the run's fields, the fit's, then the fitted weights
/// by criterion name.
#[derive(Serialize)]
pub struct FitDocument<'a> {
    #[serde(flatten)]
    run: FitRun<'a>,
    #[serde(flatten)]
    fit: &'a Fit,
    weights: NamedWeights,
}

impl<'a> FitDocument<'a> {
    /// The document of `fit` found by `run`.
    pub fn new(run: FitRun<'a>, fit: &'a Fit) -> Self {
        Self { run, fit, weights: NamedWeights(fit.fitted_weights) }
    }
}
