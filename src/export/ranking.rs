//! One body's explained ranking as the records every output shares: `rank --format json|csv`,
//! the HTML report and the web page's downloads all come from `ExplainedRanking`, so they show
//! the same numbers for the same settings. Writes only to the writer it is given.

use std::io::Write;

use serde::Serialize;

use super::records::{BodyRef, CandidateRecord};
use crate::engine::Engine;
use crate::model::{Criterion, Enumeration};
use crate::rank::{RankSettings, Ranking};

/// A ranking with every candidate explained both ways.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainedRanking {
    /// The ranked body's index in the dataset.
    pub subject: usize,
    /// The settings it was ranked under.
    pub settings: RankSettings,
    /// The ranking itself (candidate indices and scores).
    pub ranking: Ranking,
    /// One record per ranked candidate, best first (the same order as `ranking.candidates`).
    pub records: Vec<CandidateRecord>,
}

impl ExplainedRanking {
    /// Ranks `subject`'s candidates and explains each: O(n) scorings plus one explanation per
    /// kept candidate.
    pub fn new(engine: &Engine, subject: usize, settings: RankSettings) -> Self {
        let ranking = engine.rank(subject, &settings);
        let orgs = engine.dataset.organisations();
        let records = ranking
            .candidates
            .iter()
            .enumerate()
            .map(|(i, r)| {
                CandidateRecord::new(
                    i + 1,
                    &orgs[r.candidate],
                    engine.explain(subject, r.candidate, &settings),
                )
            })
            .collect();
        Self { subject, settings, ranking, records }
    }

    /// The JSON document of `rank --format json`.
    pub fn document<'a>(&'a self, engine: &'a Engine) -> RankDocument<'a> {
        RankDocument {
            organisation: BodyRef::from(&engine.dataset.organisations()[self.subject]),
            dataset: engine.dataset.description(),
            settings: &self.settings,
            weights: Criterion::all()
                .iter()
                .map(|c| WeightRow {
                    criterion: *c,
                    weight: engine.index.weights(self.subject)[c.index()],
                })
                .collect(),
            n_eligible: self.ranking.n_eligible,
            stated: stated_fields(engine, self.subject),
            candidates: &self.records,
        }
    }

    /// The criteria that had no data for any candidate, in either direction (empty when there
    /// is no candidate).
    pub fn neutral_for_all(&self) -> Vec<Criterion> {
        if self.records.is_empty() {
            return Vec::new();
        }
        Criterion::all()
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                self.records
                    .iter()
                    .all(|r| r.forward.criteria[*i].neutral && r.backward.criteria[*i].neutral)
            })
            .map(|(_, c)| *c)
            .collect()
    }
}

/// The JSON document of `rank --format json` (and of the web page's JSON download): a contract
/// with scripts, so fields are only ever added.
#[derive(Debug, Serialize)]
pub struct RankDocument<'a> {
    /// The ranked body.
    pub organisation: BodyRef,
    /// Where the data came from.
    pub dataset: &'a str,
    /// The settings ranked under.
    pub settings: &'a RankSettings,
    /// The ranked body's own weights, as used for its side of every score.
    pub weights: Vec<WeightRow>,
    /// How many bodies were eligible candidates.
    pub n_eligible: usize,
    /// The ranked body's fields stated by profile layers (`--profile`), with each layer;
    /// left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stated: Vec<StatedField>,
    /// The ranked candidates, best first.
    pub candidates: &'a [CandidateRecord],
}

/// A field of the ranked body stated by a profile layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatedField {
    /// The profile field (`services_sought`).
    pub field: &'static str,
    /// The layer that stated it, as given (`our.toml`).
    pub stated_by: String,
}

/// The fields of a body stated by profile layers, in documented field order.
pub fn stated_fields(engine: &Engine, subject: usize) -> Vec<StatedField> {
    let id = &engine.dataset.organisations()[subject].id;
    engine
        .dataset
        .stated()
        .fields(id)
        .iter()
        .map(|(field, by)| StatedField { field, stated_by: by.to_string() })
        .collect()
}

/// One criterion's weight for the ranked body.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WeightRow {
    /// The criterion.
    pub criterion: Criterion,
    /// Its weight.
    pub weight: f64,
}

/// Writes a value as pretty JSON and a final newline: the bytes `rank --format json` prints.
pub fn write_json<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
) -> Result<(), serde_json::Error> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)
}

/// Writes the CSV of `rank --format csv`: one row per candidate, both views' values per
/// criterion, the criteria that were neutral in the ranked body's view, and the reasons.
pub fn write_csv(out: &mut dyn Write, records: &[CandidateRecord]) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    let mut header: Vec<String> =
        ["rank", "id", "name", "kind", "region", "distance_km", "score", "forward", "backward"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
    for c in Criterion::all() {
        header.push(format!("{}_forward", c.name()));
        header.push(format!("{}_backward", c.name()));
    }
    header.push("neutral".to_owned());
    header.push("reasons".to_owned());
    writer.write_record(&header)?;
    for r in records {
        let mut row = vec![
            r.rank.to_string(),
            r.id.clone(),
            r.name.clone(),
            r.kind.unwrap_or("").to_owned(),
            r.region.clone().unwrap_or_default(),
            r.distance_km.to_string(),
            r.score.to_string(),
            r.forward.score.to_string(),
            r.backward.score.to_string(),
        ];
        for (f, b) in r.forward.criteria.iter().zip(&r.backward.criteria) {
            row.push(f.value.to_string());
            row.push(b.value.to_string());
        }
        let neutral: Vec<&str> =
            r.forward.criteria.iter().filter(|c| c.neutral).map(|c| c.criterion.name()).collect();
        row.push(neutral.join(";"));
        row.push(r.reasons.join("; "));
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}
