//! `robustness`'s documents: the JSON document and the CSV table of one body's rank
//! acceptabilities. A contract with scripts: fields and columns are added, never renamed.

use std::io::Write;

use serde::Serialize;

use super::records::BodyRef;
use crate::analysis::robustness::{Acceptability, Robustness, RobustnessSettings};
use crate::dataset::Dataset;
use crate::model::{Criterion, Enumeration as _};
use crate::score::Mutual;

/// One candidate: id, name and its acceptability figures at the top level.
#[derive(Serialize)]
struct CandidateRow<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(flatten)]
    acceptability: &'a Acceptability,
}

/// The JSON document of `robustness --format json`.
#[derive(Serialize)]
pub struct RobustnessDocument<'a> {
    organisation: BodyRef,
    samples: usize,
    seed: u64,
    top: usize,
    mutual: Mutual,
    own_order: bool,
    n_eligible: usize,
    n_excluded: usize,
    criteria: Vec<Criterion>,
    vertices: &'a [[f64; Criterion::COUNT]],
    mean_weights: [f64; Criterion::COUNT],
    candidates: Vec<CandidateRow<'a>>,
}

impl<'a> RobustnessDocument<'a> {
    /// The document of `subject`'s analysis under `settings`.
    pub fn new(
        dataset: &'a Dataset,
        subject: usize,
        settings: &RobustnessSettings,
        result: &'a Robustness,
    ) -> Self {
        let orgs = dataset.organisations();
        Self {
            organisation: BodyRef::from(&orgs[subject]),
            samples: settings.samples,
            seed: settings.seed,
            top: settings.rank.top,
            mutual: settings.rank.mutual,
            own_order: result.own_order,
            n_eligible: result.n_eligible,
            n_excluded: result.n_excluded,
            criteria: Criterion::all().to_vec(),
            vertices: &result.vertices,
            mean_weights: result.mean_weights,
            candidates: result
                .candidates
                .iter()
                .map(|a| CandidateRow {
                    id: orgs[a.candidate].id.as_str(),
                    name: &orgs[a.candidate].name,
                    acceptability: a,
                })
                .collect(),
        }
    }
}

/// Writes `robustness --format csv`: one row per candidate with its top-k share, its share of
/// each rank up to `top`, the two exact claims and its central weights.
pub fn write_csv(
    out: &mut dyn Write,
    dataset: &Dataset,
    top: usize,
    result: &Robustness,
) -> csv::Result<()> {
    let orgs = dataset.organisations();
    let mut writer = super::csv_safe::Writer::from_writer(out);
    let mut header = vec!["id".to_owned(), "name".to_owned(), "top_k".to_owned()];
    header.extend((1..=top).map(|r| format!("rank_{r}")));
    header.extend(["always_in_top_k", "possible_in_top_k"].map(str::to_owned));
    header.extend(Criterion::all().iter().map(|c| format!("central_{}", c.name())));
    writer.write_record(&header)?;
    for a in &result.candidates {
        let o = &orgs[a.candidate];
        let mut row = vec![o.id.to_string(), o.name.clone(), a.top_k.to_string()];
        row.extend(a.ranks.iter().map(ToString::to_string));
        row.push(a.always_in_top_k.to_string());
        row.push(a.possible_in_top_k.to_string());
        match &a.central_weights {
            Some(w) => row.extend(w.iter().map(ToString::to_string)),
            None => row.extend(Criterion::all().iter().map(|_| String::new())),
        }
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}
