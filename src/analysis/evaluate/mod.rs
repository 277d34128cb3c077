//! Checking the engine against partnerships bodies really formed (`partnermatch evaluate`):
//! for every ordered pair of an arrangement's members, the real partner's rank among all the
//! ranked body's candidates, for the engine and two baselines (nearest by distance; a land
//! boundary first, then distance), summed up as hit@k and mean reciprocal rank. Each
//! arrangement's own partnership links are hidden from the data before its members are ranked
//! (the hide-one-link test of link prediction), unless `keep_known` leaves the data alone and
//! leaves known pairs out. Also the leave-one-arrangement-out cross-validation of engine
//! settings (`cross`). Method and figures: `docs/validity.md`. No I/O besides
//! `read_arrangements`; results do not depend on the thread count.

mod cross;
mod metrics;
mod prepared;
mod read;

pub use cross::{
    CrossValidation, FoldChoice, GridSetting, SettingFigures, cross_validate, leave_one_out,
};
pub use metrics::{HitAt, K_VALUES, Metrics, Tally, reciprocal_rank};
pub use prepared::{BodyWeights, Prepared};
pub use read::{Arrangement, ArrangementFile, parse_arrangements, read_arrangements};

use std::borrow::Cow;

use rayon::prelude::*;

use crate::dataset::Dataset;
use crate::engine::Engine;
use crate::index::distance_km;
use crate::rank::{Eligibility, RankSettings};

/// How to evaluate.
#[derive(Debug, Clone, Default)]
pub struct EvaluateSettings {
    /// The ranking options (filters, service focus, mutual score, criterion constants); `top`
    /// is ignored: every candidate is ranked.
    pub rank: RankSettings,
    /// Keep the data as it is and leave out of the figures the pairs it already holds as
    /// partners, instead of hiding each arrangement's own links.
    pub keep_known: bool,
}

/// A failure of the evaluation itself (not of the input).
#[derive(Debug, thiserror::Error)]
pub enum EvaluateError {
    /// Hiding links left a dataset that does not check, or an engine that does not build: a bug.
    #[error(
        "hiding the partnership links of arrangement \"{arrangement}\" failed (a bug): {message}"
    )]
    Hide {
        /// The arrangement's id.
        arrangement: String,
        /// What went wrong.
        message: String,
    },
}

/// One ordered pair of an arrangement: the ranked body, its real partner, and the partner's
/// rank (1 = best) for the engine and each baseline; `None` when the partner is not an eligible
/// candidate (left out by a filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairRank {
    /// Index of the arrangement in the list evaluated.
    pub arrangement: usize,
    /// The ranked body (dataset index).
    pub body: usize,
    /// Its real partner (dataset index).
    pub partner: usize,
    /// How many eligible candidates the body had.
    pub candidates: usize,
    /// The partner's rank by the engine.
    pub engine: Option<usize>,
    /// Its rank by distance alone.
    pub nearest: Option<usize>,
    /// Its rank with bodies sharing a land boundary first, then by distance.
    pub boundary: Option<usize>,
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Every evaluated pair, by arrangement, then ranked body, then partner, in file order.
    pub pairs: Vec<PairRank>,
    /// Pairs left out because the data already holds them as partners (`keep_known` only).
    pub left_out_known: usize,
    /// Partnership links hidden (pairs of members, each counted once per arrangement).
    pub hidden_links: usize,
    /// The engine's figures.
    pub engine: Metrics,
    /// Nearest by distance.
    pub nearest: Metrics,
    /// Land boundary first, then distance.
    pub boundary: Metrics,
}

/// An arrangement's view of the data: the engine its members are ranked with (the shared one,
/// or one built on the data with the arrangement's links hidden), and its ordered pairs.
pub(crate) struct View<'a> {
    pub(crate) engine: Cow<'a, Engine>,
    pub(crate) hidden_links: usize,
    /// The ordered pairs (body, partner) to evaluate, grouped by body in member order.
    pub(crate) pairs: Vec<(usize, usize)>,
    pub(crate) left_out_known: usize,
}

/// Builds every arrangement's view, in parallel, in order.
pub(crate) fn views<'a>(
    engine: &'a Engine,
    arrangements: &[Arrangement],
    keep_known: bool,
) -> Result<Vec<View<'a>>, EvaluateError> {
    arrangements.par_iter().map(|arrangement| view(engine, arrangement, keep_known)).collect()
}

fn view<'a>(
    engine: &'a Engine,
    arrangement: &Arrangement,
    keep_known: bool,
) -> Result<View<'a>, EvaluateError> {
    let members = &arrangement.members;
    let mut pairs = Vec::new();
    let mut left_out_known = 0;
    for &body in members {
        for &partner in members {
            if body == partner {
                continue;
            }
            if keep_known && engine.index.partnered(body, partner) {
                left_out_known += 1;
            } else {
                pairs.push((body, partner));
            }
        }
    }
    if keep_known {
        return Ok(View { engine: Cow::Borrowed(engine), hidden_links: 0, pairs, left_out_known });
    }
    let hide_error =
        |message: String| EvaluateError::Hide { arrangement: arrangement.id.clone(), message };
    let Some((dataset, hidden_links)) =
        hide_links(&engine.dataset, members).map_err(|d| hide_error(d.to_string()))?
    else {
        return Ok(View { engine: Cow::Borrowed(engine), hidden_links: 0, pairs, left_out_known });
    };
    let hidden = Engine::new(dataset, engine.survey.clone(), engine.settings.clone())
        .map_err(|e| hide_error(e.to_string()))?;
    Ok(View { engine: Cow::Owned(hidden), hidden_links, pairs, left_out_known })
}

/// The dataset without any partnership between two of `members` (from either side's list),
/// and the number of member pairs that had one; `None` when there is nothing to hide. Nothing
/// else changes, except that a body whose list the hiding empties goes back to "partnerships not
/// known", as in data that never recorded its partnership: left "known: none", the hidden
/// partner alone would score trust 0 where bodies of unknown partnerships score the neutral
/// value, and the test would be biased against the very pair it hides.
pub fn hide_links(
    dataset: &Dataset,
    members: &[usize],
) -> Result<Option<(Dataset, usize)>, crate::diagnostic::Diagnostics> {
    let orgs = dataset.organisations();
    let ids: Vec<_> = members.iter().map(|&m| orgs[m].id.clone()).collect();
    let mut linked: Vec<(usize, usize)> = Vec::new();
    for (a, &m) in members.iter().enumerate() {
        for p in orgs[m].partnerships.iter().flatten() {
            if let Some(b) = ids.iter().position(|id| *id == p.partner) {
                linked.push((a.min(b), a.max(b)));
            }
        }
    }
    if linked.is_empty() {
        return Ok(None);
    }
    linked.sort_unstable();
    linked.dedup();
    let mut organisations = orgs.to_vec();
    for &m in members {
        let o = &mut organisations[m];
        if let Some(list) = o.partnerships.as_mut() {
            let before = list.len();
            list.retain(|p| !ids.contains(&p.partner));
            if list.is_empty() && before > 0 {
                o.partnerships = None;
            }
        }
    }
    let hidden = Dataset::from_organisations(organisations, dataset.description())?;
    Ok(Some((hidden, linked.len())))
}

/// Evaluates the engine and the baselines on arrangements (see the module documentation).
/// O(A · (m² + m · n)) scorings for A arrangements of m members among n bodies, plus one engine
/// build per arrangement with links to hide.
pub fn evaluate(
    engine: &Engine,
    arrangements: &[Arrangement],
    settings: &EvaluateSettings,
) -> Result<Evaluation, EvaluateError> {
    let views = views(engine, arrangements, settings.keep_known)?;
    let per_arrangement: Vec<Vec<PairRank>> =
        views.par_iter().enumerate().map(|(a, view)| rank_pairs(a, view, &settings.rank)).collect();
    let pairs: Vec<PairRank> = per_arrangement.into_iter().flatten().collect();
    Ok(Evaluation {
        engine: Metrics::from_ranks(pairs.iter().map(|p| p.engine)),
        nearest: Metrics::from_ranks(pairs.iter().map(|p| p.nearest)),
        boundary: Metrics::from_ranks(pairs.iter().map(|p| p.boundary)),
        left_out_known: views.iter().map(|v| v.left_out_known).sum(),
        hidden_links: views.iter().map(|v| v.hidden_links).sum(),
        pairs,
    })
}

/// An eligible candidate for the baselines: index, distance (km), shares a boundary.
type Eligible = (usize, f64, bool);

/// Ranks every pair of one arrangement: each body's whole ranking once, by the engine.
fn rank_pairs(arrangement: usize, view: &View<'_>, rank: &RankSettings) -> Vec<PairRank> {
    let engine = &*view.engine;
    let index = &engine.index;
    let settings = RankSettings { top: engine.dataset.len(), ..rank.clone() };
    let eligibility = Eligibility::new(index, &settings);
    let mut out = Vec::with_capacity(view.pairs.len());
    let mut i = 0;
    while i < view.pairs.len() {
        let body = view.pairs[i].0;
        let ranking = engine.rank(body, &settings);
        let a = index.body(body);
        // The baselines rank the same eligible candidates, by (distance, id) and by (no shared
        // boundary, distance, id).
        let candidates: Vec<Eligible> = (0..index.len())
            .filter_map(|c| {
                let b = index.body(c);
                let d = distance_km(a, b);
                (eligibility.allows(index, body, b) && eligibility.within(d))
                    .then(|| (c, d, index.adjacent(body, c)))
            })
            .collect();
        while i < view.pairs.len() && view.pairs[i].0 == body {
            let partner = view.pairs[i].1;
            let engine_rank =
                ranking.candidates.iter().position(|r| r.candidate == partner).map(|p| p + 1);
            let own = candidates.iter().find(|c| c.0 == partner).copied();
            let before = |key: fn(&Eligible) -> (bool, f64)| {
                own.map(|p| {
                    let kp = key(&p);
                    1 + candidates
                        .iter()
                        .filter(|c| {
                            let kc = key(c);
                            kc.0.cmp(&kp.0).then(kc.1.total_cmp(&kp.1)).then(c.0.cmp(&p.0)).is_lt()
                        })
                        .count()
                })
            };
            out.push(PairRank {
                arrangement,
                body,
                partner,
                candidates: ranking.n_eligible,
                engine: engine_rank,
                nearest: before(|c| (false, c.1)),
                boundary: before(|c| (!c.2, c.1)),
            });
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests;
