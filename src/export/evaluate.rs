//! `evaluate`'s documents: each real partner's ranks (the CSV rows and the JSON `ranks`), and
//! the JSON document with the figures of the engine and the baselines. A contract with
//! scripts: fields and columns are added, never renamed.

use serde::Serialize;

use crate::analysis::evaluate::{ArrangementFile, CrossValidation, Evaluation, HitAt, Metrics};
use crate::dataset::Dataset;

/// One figure set in JSON.
#[derive(Serialize)]
struct Figures {
    hit_at: HitAt,
    mrr: f64,
}

impl From<&Metrics> for Figures {
    fn from(m: &Metrics) -> Self {
        Self { hit_at: m.hit_at, mrr: m.mrr }
    }
}

/// The two baselines' figures.
#[derive(Serialize)]
struct Baselines {
    nearest: Figures,
    boundary_then_nearest: Figures,
}

/// One pair's ranks: the CSV row and the JSON `ranks` item.
#[derive(Serialize)]
pub struct PairRow<'a> {
    arrangement: &'a str,
    body: &'a str,
    body_name: &'a str,
    partner: &'a str,
    partner_name: &'a str,
    candidates: usize,
    rank: Option<usize>,
    nearest_rank: Option<usize>,
    boundary_rank: Option<usize>,
}

/// One row per evaluated pair, in the evaluation's order.
pub fn pair_rows<'a>(
    dataset: &'a Dataset,
    file: &'a ArrangementFile,
    evaluation: &Evaluation,
) -> Vec<PairRow<'a>> {
    let orgs = dataset.organisations();
    evaluation
        .pairs
        .iter()
        .map(|p| PairRow {
            arrangement: &file.arrangements[p.arrangement].id,
            body: orgs[p.body].id.as_str(),
            body_name: &orgs[p.body].name,
            partner: orgs[p.partner].id.as_str(),
            partner_name: &orgs[p.partner].name,
            candidates: p.candidates,
            rank: p.engine,
            nearest_rank: p.nearest,
            boundary_rank: p.boundary,
        })
        .collect()
}

/// What an evaluation ran on and how; the document's leading fields.
#[derive(Debug, Clone)]
pub struct EvaluationRun<'a> {
    /// The partnerships file, as given.
    pub partnerships: String,
    /// The dataset's description.
    pub data: &'a str,
    /// `hide_links` or `keep_known`.
    pub mode: &'static str,
    /// The mutual score's name.
    pub mutual: &'static str,
}

/// The JSON document of `evaluate --format json`.
#[derive(Serialize)]
pub struct EvaluationDocument<'a> {
    partnerships: String,
    data: &'a str,
    mode: &'static str,
    mutual: &'static str,
    arrangements: usize,
    skipped_arrangements: usize,
    unresolved_members: usize,
    pairs: usize,
    left_out_known: usize,
    hidden_links: usize,
    not_ranked: usize,
    hit_at: HitAt,
    mrr: f64,
    baselines: Baselines,
    #[serde(skip_serializing_if = "Option::is_none")]
    cross_validation: Option<&'a CrossValidation>,
    ranks: Vec<PairRow<'a>>,
    problems: Vec<String>,
}

impl<'a> EvaluationDocument<'a> {
    /// The document of an evaluation of `file`'s arrangements, with its rows (`pair_rows`) and,
    /// when run, the cross-validation.
    pub fn new(
        run: EvaluationRun<'a>,
        file: &ArrangementFile,
        evaluation: &Evaluation,
        cross_validation: Option<&'a CrossValidation>,
        ranks: Vec<PairRow<'a>>,
    ) -> Self {
        Self {
            partnerships: run.partnerships,
            data: run.data,
            mode: run.mode,
            mutual: run.mutual,
            arrangements: file.arrangements.len(),
            skipped_arrangements: file.skipped_arrangements,
            unresolved_members: file.unresolved_members,
            pairs: evaluation.engine.pairs,
            left_out_known: evaluation.left_out_known,
            hidden_links: evaluation.hidden_links,
            not_ranked: evaluation.pairs.iter().filter(|p| p.engine.is_none()).count(),
            hit_at: evaluation.engine.hit_at,
            mrr: evaluation.engine.mrr,
            baselines: Baselines {
                nearest: Figures::from(&evaluation.nearest),
                boundary_then_nearest: Figures::from(&evaluation.boundary),
            },
            cross_validation,
            ranks,
            problems: file.problems.iter().map(ToString::to_string).collect(),
        }
    }
}
