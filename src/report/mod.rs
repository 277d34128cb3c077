//! The officers' report: one body's explained ranking gathered with everything a reader needs
//! to trust it (the map, each criterion's contribution, the robustness figures, the weights and
//! their evidence, the data's sources) and rendered as one self-contained HTML file (`html`).
//! Builds on the engine and the analyses; does no I/O but write to the writer it is given.

pub mod html;
pub mod map;
pub mod outlines;

use crate::analysis::robustness::{RobustnessSettings, robustness};
use crate::dataset::{DataSource, EMBEDDED_DESCRIPTION, EMBEDDED_SOURCES};
use crate::engine::Engine;
use crate::export::ranking::ExplainedRanking;
use crate::export::records::CandidateRecord;
use crate::model::{Criterion, Enumeration};
use crate::rank::RankSettings;
use crate::score::Mutual;
use crate::weights::Basis;

pub use map::MapView;

/// Weight vectors drawn for the report's robustness figures: enough for a share to within about
/// ±2 percentage points (95%), quick on a laptop.
pub const DEFAULT_SAMPLES: usize = 2_000;

/// The seed of the report's robustness figures, stated in the report.
pub const DEFAULT_SEED: u64 = 1;

/// What to put in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSettings {
    /// The ranking: candidates, filters, mutual score; `top` is how many to show.
    pub rank: RankSettings,
    /// Weight vectors drawn for the robustness figures.
    pub samples: usize,
    /// Their seed.
    pub seed: u64,
    /// Bodies shortlisted (dataset indices, in the order given): compared side by side and
    /// marked in the ranking. Empty for no shortlist.
    pub shortlist: Vec<usize>,
}

impl Default for ReportSettings {
    fn default() -> Self {
        Self {
            rank: RankSettings::default(),
            samples: DEFAULT_SAMPLES,
            seed: DEFAULT_SEED,
            shortlist: Vec::new(),
        }
    }
}

/// A shortlisted body, explained as the ranked candidates are.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortlisted {
    /// Its record: from the ranking when it is among the candidates shown (its reasons those
    /// that set it apart), else explained alone (its strongest reasons).
    pub record: CandidateRecord,
    /// Its place among every eligible candidate, or `None` when the filters leave it out.
    pub rank: Option<usize>,
}

/// One criterion's weight for the ranked body, with the evidence for its place.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightInfo {
    /// The criterion.
    pub criterion: Criterion,
    /// Its 1-based position in the order the ranked body's weights come from.
    pub position: usize,
    /// The weight.
    pub weight: f64,
    /// Its position in the survey file, which the evidence argues for.
    pub survey_position: Option<usize>,
    /// Survey result or project judgement.
    pub basis: Option<Basis>,
    /// Why it sits where the survey file puts it.
    pub evidence: String,
    /// Where the evidence comes from.
    pub source: String,
}

/// One shown candidate's robustness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CandidateRobustness {
    /// Chance of a place in the top K.
    pub top_k: f64,
    /// Chance of first place.
    pub first: f64,
    /// Proven in the top K under every admissible weighting.
    pub always: bool,
}

/// The robustness section: figures, or why there are none.
#[derive(Debug, Clone, PartialEq)]
pub enum RobustnessSummary {
    /// Computed.
    Computed {
        /// Weight vectors drawn.
        samples: usize,
        /// Their seed.
        seed: u64,
        /// K: the size of the top the chances are of.
        k: usize,
        /// The score the figures rank by (linear in the weights).
        mutual: Mutual,
        /// Eligible candidates.
        n_eligible: usize,
        /// Candidates proven unable to reach the top K.
        n_excluded: usize,
        /// One entry per shown candidate, in rank order.
        shown: Vec<CandidateRobustness>,
        /// Bodies not shown that reach the top K under some weights: (index, top-K chance),
        /// likeliest first.
        others: Vec<(usize, f64)>,
    },
    /// Not computed, and why (in a sentence).
    NotComputed(String),
}

/// Everything the report shows, computed.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    /// The engine it was computed with (dataset, survey, weights).
    pub engine: &'a Engine,
    /// The ranking, explained.
    pub explained: ExplainedRanking,
    /// The map.
    pub map: MapView,
    /// The robustness figures.
    pub robustness: RobustnessSummary,
    /// The ranked body's weights in its order, with the evidence.
    pub weights: Vec<WeightInfo>,
    /// The criteria with no data for any candidate.
    pub neutral_for_all: Vec<Criterion>,
    /// The data's sources, when known (the embedded dataset's).
    pub sources: &'static [DataSource],
    /// The shortlist, in the order given (empty for none).
    pub shortlist: Vec<Shortlisted>,
}

impl<'a> Report<'a> {
    /// Ranks, explains, maps and analyses one body. The robustness figures use the arithmetic
    /// mean of both views when the ranking uses a score that is not linear in the weights (the
    /// harmonic mean, the minimum), since the analysis needs linearity; the report says so.
    pub fn build(engine: &'a Engine, subject: usize, settings: &ReportSettings) -> Self {
        let explained = ExplainedRanking::new(engine, subject, settings.rank.clone());
        let map = MapView::new(engine, &explained);
        let robustness = robustness_summary(engine, &explained, settings);
        let weights = weight_infos(engine, subject);
        let neutral_for_all = explained.neutral_for_all();
        // Layers over the embedded data keep its sources (their statements are listed apart).
        let sources: &'static [DataSource] = if engine.dataset.description() == EMBEDDED_DESCRIPTION
            || engine.dataset.description().starts_with(&format!("{EMBEDDED_DESCRIPTION} with "))
        {
            EMBEDDED_SOURCES
        } else {
            &[]
        };
        let shortlist = shortlisted(engine, &explained, &settings.shortlist);
        Self { engine, explained, map, robustness, weights, neutral_for_all, sources, shortlist }
    }

    /// The report as one self-contained HTML document.
    pub fn to_html(&self) -> String {
        html::render(self)
    }
}

/// The mutual score the robustness figures use for a ranking's.
pub fn linear_mutual(mutual: Mutual) -> Mutual {
    match mutual {
        Mutual::Harmonic | Mutual::Minimum | Mutual::Arithmetic => Mutual::Arithmetic,
        Mutual::Forward => Mutual::Forward,
    }
}

fn robustness_summary(
    engine: &Engine,
    explained: &ExplainedRanking,
    settings: &ReportSettings,
) -> RobustnessSummary {
    let k = explained.records.len();
    if k == 0 {
        return RobustnessSummary::NotComputed(
            "no candidate passed the filters, so there is no ranking to test".to_owned(),
        );
    }
    let mut rank = explained.settings.clone();
    rank.top = k;
    rank.mutual = linear_mutual(rank.mutual);
    let robustness_settings =
        RobustnessSettings { samples: settings.samples, seed: settings.seed, rank };
    let result = match robustness(engine, explained.subject, &robustness_settings) {
        Ok(result) => result,
        Err(err) => return RobustnessSummary::NotComputed(err.to_string()),
    };
    let shown = explained
        .ranking
        .candidates
        .iter()
        .map(|r| {
            result.candidates.iter().find(|a| a.candidate == r.candidate).map_or(
                CandidateRobustness { top_k: 0.0, first: 0.0, always: false },
                |a| CandidateRobustness {
                    top_k: a.top_k,
                    first: a.ranks.first().copied().unwrap_or(0.0),
                    always: a.always_in_top_k,
                },
            )
        })
        .collect();
    let others = result
        .candidates
        .iter()
        .filter(|a| a.top_k > 0.0)
        .filter(|a| !explained.ranking.candidates.iter().any(|r| r.candidate == a.candidate))
        .map(|a| (a.candidate, a.top_k))
        .collect();
    RobustnessSummary::Computed {
        samples: settings.samples,
        seed: settings.seed,
        k,
        mutual: robustness_settings.rank.mutual,
        n_eligible: result.n_eligible,
        n_excluded: result.n_excluded,
        shown,
        others,
    }
}

/// The shortlisted bodies explained: those among the candidates shown keep their records; the
/// others are explained alone, and their place found in a ranking of every candidate (one
/// more ranking, only when some shortlisted body is not shown).
fn shortlisted(
    engine: &Engine,
    explained: &ExplainedRanking,
    shortlist: &[usize],
) -> Vec<Shortlisted> {
    let shown = |i: usize| explained.ranking.candidates.iter().position(|r| r.candidate == i);
    let full = shortlist.iter().any(|i| shown(*i).is_none()).then(|| {
        let mut all = explained.settings.clone();
        all.top = engine.dataset.len();
        engine.rank(explained.subject, &all)
    });
    let orgs = engine.dataset.organisations();
    shortlist
        .iter()
        .filter(|i| **i != explained.subject && **i < orgs.len())
        .map(|&i| match shown(i) {
            Some(k) => Shortlisted { record: explained.records[k].clone(), rank: Some(k + 1) },
            None => {
                let rank = full
                    .as_ref()
                    .and_then(|f| f.candidates.iter().position(|r| r.candidate == i))
                    .map(|k| k + 1);
                let explanation = engine.explain(explained.subject, i, &explained.settings);
                let record = CandidateRecord::new(rank.unwrap_or(0), &orgs[i], explanation);
                Shortlisted { record, rank }
            }
        })
        .collect()
}

fn weight_infos(engine: &Engine, subject: usize) -> Vec<WeightInfo> {
    let organisation = &engine.dataset.organisations()[subject];
    let order = engine.survey.order_for(organisation, &engine.settings);
    let weights = engine.index.weights(subject);
    order
        .positions()
        .iter()
        .enumerate()
        .flat_map(|(i, block)| block.iter().map(move |c| (i + 1, *c)))
        .map(|(position, criterion)| {
            let entry = engine.survey.criterion(criterion);
            WeightInfo {
                criterion,
                position,
                weight: weights[criterion.index()],
                survey_position: entry.map(|e| e.position),
                basis: entry.map(|e| e.basis),
                evidence: entry
                    .map_or_else(|| criterion.evidence().to_owned(), |e| e.evidence.clone()),
                source: entry.map(|e| e.source.clone()).unwrap_or_default(),
            }
        })
        .collect()
}
