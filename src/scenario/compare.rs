//! Comparing two runs' rankings: per ranked body, which candidates entered or left the top k,
//! how ranks moved and scores changed, and Kendall's tau-b of the two lists (`tau`); then a
//! summary over every body. Pure: takes `Rankings`, however they were obtained.

use serde::Serialize;

use super::run::{CandidateResult, Rankings, SubjectRanking};
use super::tau::top_k_tau_b;
use crate::export::records::BodyRef;

/// Which run a side of a comparison is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunLabel {
    /// The scenario's name.
    pub scenario: String,
    /// The run's name.
    pub run: String,
}

/// A candidate in one list only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MovedCandidate {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its rank in the list that has it.
    pub rank: usize,
    /// Its score there.
    pub score: f64,
}

/// A candidate in both lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommonCandidate {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its rank in A.
    pub rank_a: usize,
    /// Its rank in B.
    pub rank_b: usize,
    /// rank_a − rank_b: positive when it moved up in B.
    pub rank_change: i64,
    /// Its score in A.
    pub score_a: f64,
    /// Its score in B.
    pub score_b: f64,
    /// score_b − score_a.
    pub score_change: f64,
}

/// One body's two rankings compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyComparison {
    /// The body's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Whether anything differs: the lists, their order or any score.
    pub changed: bool,
    /// Kendall's tau-b of the two top-k lists (see `top_k_tau_b`); `null` when undefined.
    pub tau: Option<f64>,
    /// The top candidate in A.
    pub top1_a: Option<BodyRef>,
    /// The top candidate in B.
    pub top1_b: Option<BodyRef>,
    /// Whether the top candidate differs.
    pub top1_changed: bool,
    /// Candidates in B's list but not A's.
    pub entered: Vec<MovedCandidate>,
    /// Candidates in A's list but not B's.
    pub left: Vec<MovedCandidate>,
    /// Candidates in both, in A's order.
    pub common: Vec<CommonCandidate>,
}

/// Totals over every body ranked in both runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Bodies ranked in both runs.
    pub n_bodies: usize,
    /// Bodies whose ranking changed in any way.
    pub n_changed: usize,
    /// Mean tau over the bodies where it is defined.
    pub mean_tau: Option<f64>,
    /// The smallest tau.
    pub min_tau: Option<f64>,
    /// Bodies where tau is undefined.
    pub n_tau_undefined: usize,
    /// Bodies whose top candidate changed.
    pub n_top1_changed: usize,
    /// Their ids.
    pub top1_changed: Vec<String>,
    /// Candidates that entered a top k, over all bodies.
    pub n_entered: usize,
    /// Candidates that left a top k, over all bodies.
    pub n_left: usize,
    /// Candidates in both lists whose rank changed, over all bodies.
    pub n_moved: usize,
    /// Mean |score change| of candidates in both lists.
    pub mean_abs_score_change: Option<f64>,
    /// Largest |score change| of candidates in both lists.
    pub max_abs_score_change: f64,
}

/// Two runs compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The first run.
    pub a: RunLabel,
    /// The second run.
    pub b: RunLabel,
    /// How tau is defined.
    pub tau_definition: &'static str,
    /// Totals.
    pub summary: Summary,
    /// Every body ranked in both runs, in A's order.
    pub bodies: Vec<BodyComparison>,
    /// Bodies ranked in A only.
    pub only_in_a: Vec<BodyRef>,
    /// Bodies ranked in B only.
    pub only_in_b: Vec<BodyRef>,
}

/// The definition `Comparison::tau_definition` states.
pub const TAU_DEFINITION: &str = "Kendall's tau-b (Kendall 1945) over the union of the two top-k \
     lists, candidates missing from a list tied below it (Fagin, Kumar & Sivakumar 2003); 1 for \
     identical lists, null when undefined";

fn listed(c: &CandidateResult) -> MovedCandidate {
    MovedCandidate { id: c.id.clone(), name: c.name.clone(), rank: c.rank, score: c.score }
}

/// Compares one body's two rankings.
pub fn compare_body(a: &SubjectRanking, b: &SubjectRanking) -> BodyComparison {
    let ids_a: Vec<&str> = a.candidates.iter().map(|c| c.id.as_str()).collect();
    let ids_b: Vec<&str> = b.candidates.iter().map(|c| c.id.as_str()).collect();
    let find = |list: &[CandidateResult], id: &str| list.iter().find(|c| c.id == id).cloned();
    let mut common = Vec::new();
    let mut left = Vec::new();
    for ca in &a.candidates {
        match find(&b.candidates, &ca.id) {
            Some(cb) => common.push(CommonCandidate {
                id: ca.id.clone(),
                name: ca.name.clone(),
                rank_a: ca.rank,
                rank_b: cb.rank,
                rank_change: ca.rank as i64 - cb.rank as i64,
                score_a: ca.score,
                score_b: cb.score,
                score_change: cb.score - ca.score,
            }),
            None => left.push(listed(ca)),
        }
    }
    let entered: Vec<MovedCandidate> =
        b.candidates.iter().filter(|c| !ids_a.contains(&c.id.as_str())).map(listed).collect();
    let top1 = |s: &SubjectRanking| {
        s.candidates.first().map(|c| BodyRef { id: c.id.clone(), name: c.name.clone() })
    };
    let (top1_a, top1_b) = (top1(a), top1(b));
    let scores_equal =
        common.iter().all(|c| c.score_a.to_bits() == c.score_b.to_bits() && c.rank_change == 0);
    BodyComparison {
        id: a.id.clone(),
        name: a.name.clone(),
        changed: ids_a != ids_b || !scores_equal,
        tau: top_k_tau_b(&ids_a, &ids_b),
        top1_changed: top1_a.as_ref().map(|x| &x.id) != top1_b.as_ref().map(|x| &x.id),
        top1_a,
        top1_b,
        entered,
        left,
        common,
    }
}

/// Compares two runs: every body ranked in both, and the totals. O(Σ k²) over the bodies.
pub fn compare(a: &Rankings, b: &Rankings) -> Comparison {
    let mut bodies = Vec::with_capacity(a.subjects.len());
    let mut only_in_a = Vec::new();
    for sa in &a.subjects {
        match b.subjects.iter().find(|sb| sb.id == sa.id) {
            Some(sb) => bodies.push(compare_body(sa, sb)),
            None => only_in_a.push(BodyRef { id: sa.id.clone(), name: sa.name.clone() }),
        }
    }
    let only_in_b = b
        .subjects
        .iter()
        .filter(|sb| !a.subjects.iter().any(|sa| sa.id == sb.id))
        .map(|sb| BodyRef { id: sb.id.clone(), name: sb.name.clone() })
        .collect();
    let taus: Vec<f64> = bodies.iter().filter_map(|b| b.tau).collect();
    let changes: Vec<f64> =
        bodies.iter().flat_map(|b| b.common.iter().map(|c| c.score_change.abs())).collect();
    let top1_changed: Vec<String> =
        bodies.iter().filter(|b| b.top1_changed).map(|b| b.id.clone()).collect();
    let summary = Summary {
        n_bodies: bodies.len(),
        n_changed: bodies.iter().filter(|b| b.changed).count(),
        mean_tau: (!taus.is_empty()).then(|| taus.iter().sum::<f64>() / taus.len() as f64),
        min_tau: taus.iter().copied().min_by(f64::total_cmp),
        n_tau_undefined: bodies.len() - taus.len(),
        n_top1_changed: top1_changed.len(),
        top1_changed,
        n_entered: bodies.iter().map(|b| b.entered.len()).sum(),
        n_left: bodies.iter().map(|b| b.left.len()).sum(),
        n_moved: bodies
            .iter()
            .map(|b| b.common.iter().filter(|c| c.rank_change != 0).count())
            .sum(),
        mean_abs_score_change: (!changes.is_empty())
            .then(|| changes.iter().sum::<f64>() / changes.len() as f64),
        max_abs_score_change: changes.iter().copied().fold(0.0, f64::max),
    };
    Comparison {
        a: RunLabel { scenario: a.scenario.clone(), run: a.run.clone() },
        b: RunLabel { scenario: b.scenario.clone(), run: b.run.clone() },
        tau_definition: TAU_DEFINITION,
        summary,
        bodies,
        only_in_a,
        only_in_b,
    }
}

/// Several runs compared with a baseline: one `Comparison` per run, the baseline as A.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparisons {
    /// The baseline run (the first given).
    pub baseline: RunLabel,
    /// How tau is defined.
    pub tau_definition: &'static str,
    /// Each other run against the baseline, in the order given.
    pub comparisons: Vec<Comparison>,
}

/// Compares each run with the baseline. O(Σ k²) over the bodies of each run.
pub fn compare_many(baseline: &Rankings, runs: &[Rankings]) -> Comparisons {
    Comparisons {
        baseline: RunLabel { scenario: baseline.scenario.clone(), run: baseline.run.clone() },
        tau_definition: TAU_DEFINITION,
        comparisons: runs.iter().map(|run| compare(baseline, run)).collect(),
    }
}

impl Comparison {
    /// Whether the two runs rank no body in common, so that there is nothing to compare (not
    /// "no change").
    pub fn shares_no_bodies(&self) -> bool {
        self.bodies.is_empty()
    }
}

/// How a candidate moved between the baseline and a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// In the run's top k, not the baseline's.
    Entered,
    /// In the baseline's top k, not the run's.
    Left,
    /// In both, ranked higher in the run.
    Up,
    /// In both, ranked lower in the run.
    Down,
    /// In both, at the same rank.
    Same,
    /// The body has no candidate in either run (a row that keeps the body and its tau).
    None,
}

/// One row of the long (tidy) comparison table: one body, one run, one candidate's movement.
/// Fields a movement does not have are empty in CSV.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MovementRow {
    /// The baseline run's name.
    pub baseline: String,
    /// The run compared with it.
    pub run: String,
    /// The ranked body's id.
    pub subject_id: String,
    /// Its name.
    pub subject_name: String,
    /// Kendall's tau-b of the body's two lists (repeated on each of its rows).
    pub tau: Option<f64>,
    /// The candidate's id (empty for `none`).
    pub candidate_id: String,
    /// Its name.
    pub candidate_name: String,
    /// `entered`, `left`, `up`, `down`, `same` or `none`.
    pub movement: Movement,
    /// Its rank in the baseline.
    pub rank_baseline: Option<usize>,
    /// Its rank in the run.
    pub rank_run: Option<usize>,
    /// rank_baseline − rank_run: positive when it moved up.
    pub rank_change: Option<i64>,
    /// Its score in the baseline.
    pub score_baseline: Option<f64>,
    /// Its score in the run.
    pub score_run: Option<f64>,
    /// score_run − score_baseline.
    pub score_change: Option<f64>,
}

impl Comparisons {
    /// The long table: for each run (in order), each body ranked in both (baseline order), its
    /// candidates in the baseline's order (those in both, then those that left) and then those
    /// that entered, in the run's order. A body with no candidate in either run gets one `none`
    /// row. Runs that share no body with the baseline have no rows.
    pub fn movements(&self) -> Vec<MovementRow> {
        let mut rows = Vec::new();
        for c in &self.comparisons {
            for body in &c.bodies {
                let row = |id: &str, name: &str, movement: Movement| MovementRow {
                    baseline: c.a.run.clone(),
                    run: c.b.run.clone(),
                    subject_id: body.id.clone(),
                    subject_name: body.name.clone(),
                    tau: body.tau,
                    candidate_id: id.to_owned(),
                    candidate_name: name.to_owned(),
                    movement,
                    rank_baseline: None,
                    rank_run: None,
                    rank_change: None,
                    score_baseline: None,
                    score_run: None,
                    score_change: None,
                };
                let mut in_baseline: Vec<(usize, MovementRow)> = Vec::new();
                for x in &body.common {
                    let movement = match x.rank_change.signum() {
                        1 => Movement::Up,
                        -1 => Movement::Down,
                        _ => Movement::Same,
                    };
                    let mut r = row(&x.id, &x.name, movement);
                    r.rank_baseline = Some(x.rank_a);
                    r.rank_run = Some(x.rank_b);
                    r.rank_change = Some(x.rank_change);
                    r.score_baseline = Some(x.score_a);
                    r.score_run = Some(x.score_b);
                    r.score_change = Some(x.score_change);
                    in_baseline.push((x.rank_a, r));
                }
                for x in &body.left {
                    let mut r = row(&x.id, &x.name, Movement::Left);
                    r.rank_baseline = Some(x.rank);
                    r.score_baseline = Some(x.score);
                    in_baseline.push((x.rank, r));
                }
                in_baseline.sort_by_key(|(rank, _)| *rank);
                let n_before = rows.len();
                rows.extend(in_baseline.into_iter().map(|(_, r)| r));
                for x in &body.entered {
                    let mut r = row(&x.id, &x.name, Movement::Entered);
                    r.rank_run = Some(x.rank);
                    r.score_run = Some(x.score);
                    rows.push(r);
                }
                if rows.len() == n_before {
                    rows.push(row("", "", Movement::None));
                }
            }
        }
        rows
    }
}
