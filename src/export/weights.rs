//! `weights`' document: one row per criterion (or barrier, or reason) with its position,
//! weight and evidence, which the command prints as a table or as a JSON array. A contract
//! with scripts: keys are added, never renamed.

use serde::ser::SerializeMap as _;
use serde::{Serialize, Serializer};

use crate::model::{CriteriaOrder, Criterion, Enumeration};
use crate::weights::{Basis, Entry, Survey, Weights};

/// One item with its weight and the evidence for its position.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightRow {
    /// The item's name (`collaborative_history`).
    pub name: &'static str,
    /// Its label for people.
    pub label: &'static str,
    /// Its 1-based position in the order.
    pub position: usize,
    /// Whether it shares its position with others.
    pub tied: bool,
    /// Its weight.
    pub weight: f64,
    /// What its position rests on, when the survey file says.
    pub basis: Option<Basis>,
    /// The evidence for its position.
    pub evidence: Option<String>,
    /// Where the evidence comes from.
    pub source: Option<String>,
}

/// One row per criterion, in the order given (ties together), with the survey's evidence.
pub fn criteria_rows(survey: &Survey, order: &CriteriaOrder, weights: &Weights) -> Vec<WeightRow> {
    let mut rows = Vec::with_capacity(Criterion::COUNT);
    for (i, position) in order.positions().iter().enumerate() {
        for criterion in position {
            let entry = survey.criterion(*criterion);
            rows.push(WeightRow {
                name: criterion.name(),
                label: criterion.label(),
                position: i + 1,
                tied: position.len() > 1,
                weight: weights.get(*criterion),
                basis: entry.map(|e| e.basis),
                evidence: entry.map(|e| e.evidence.clone()),
                source: entry.map(|e| e.source.clone()),
            });
        }
    }
    rows
}

/// One row per barrier or reason entry of the survey, in its order; `index` gives an item's
/// place in `weights`.
pub fn entry_rows<T: Enumeration>(
    entries: &[Entry<T>],
    weights: &[f64],
    index: impl Fn(&T) -> usize,
) -> Vec<WeightRow> {
    entries
        .iter()
        .map(|e| WeightRow {
            name: e.item.name(),
            label: e.item.label(),
            position: e.position,
            tied: e.tied,
            weight: weights.get(index(&e.item)).copied().unwrap_or(0.0),
            basis: Some(e.basis),
            evidence: Some(e.evidence.clone()),
            source: Some(e.source.clone()),
        })
        .collect()
}

/// A row as a JSON object, keys in a fixed order with the item's kind first
/// (`{"criterion": ..., "label": ..., "position": ..., ...}`).
struct JsonRow<'a> {
    key: &'static str,
    row: &'a WeightRow,
}

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let row = self.row;
        let mut map = serializer.serialize_map(Some(8))?;
        map.serialize_entry(self.key, row.name)?;
        map.serialize_entry("label", row.label)?;
        map.serialize_entry("position", &row.position)?;
        map.serialize_entry("tied", &row.tied)?;
        map.serialize_entry("weight", &row.weight)?;
        map.serialize_entry("basis", &row.basis)?;
        map.serialize_entry("evidence", &row.evidence)?;
        map.serialize_entry("source", &row.source)?;
        map.end()
    }
}

/// The JSON document of `weights --format json`: an array of the rows, each object's first
/// key naming the kind of item (`criterion`, `barrier` or `reason`).
pub struct WeightsDocument<'a> {
    key: &'static str,
    rows: &'a [WeightRow],
}

impl<'a> WeightsDocument<'a> {
    /// The document of `rows`, items of the kind `key`.
    pub fn new(key: &'static str, rows: &'a [WeightRow]) -> Self {
        Self { key, rows }
    }
}

impl Serialize for WeightsDocument<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.rows.iter().map(|row| JsonRow { key: self.key, row }))
    }
}
