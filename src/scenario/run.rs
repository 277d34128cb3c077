//! Running planned scenarios: each run's overrides and mitigations applied to a copy of its
//! dataset, the engine built, every chosen body ranked, and the results serialised (rankings as
//! JSON and CSV, and a manifest that records everything needed to repeat the run). Runs are
//! independent and go in parallel (Rayon), as does ranking within a run; results are collected
//! in plan order, so the output is the same for any thread count. Serialisation is
//! deterministic: no timestamps, no absolute paths, fields in a fixed order, floats in their
//! shortest round-trip form. No file I/O (see `write`).

use rayon::prelude::*;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use super::parse::{OutputOptions, ProfileChanges, sha256_hex};
use super::plan::RunPlan;
use super::sweep::Assignment;
use super::tidy::{RESULTS_CSV, results_csv};
use crate::dataset::Dataset;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::engine::Engine;
use crate::filter::Filter;
use crate::model::{Barrier, Enumeration, Severity};
use crate::rank::RankSettings;
use crate::score::Explanation;
use crate::weights::{Method, Weights, format_order};

/// The manifest format's name and version, first in every manifest.
pub const FORMAT: &str = "partnermatch-scenario-run/1";

/// One criterion seen from one side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionSide {
    /// Its value in [0, 1].
    pub value: f64,
    /// Its weight for this side.
    pub weight: f64,
    /// weight × value.
    pub contribution: f64,
    /// True when data was missing and the neutral value was used.
    pub neutral: bool,
    /// Why, in plain English.
    pub reason: String,
}

/// One criterion both ways (with `[output] explain = true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionResult {
    /// The criterion's name.
    pub criterion: String,
    /// The ranked body's view.
    pub forward: CriterionSide,
    /// The candidate's view.
    pub backward: CriterionSide,
}

/// One ranked candidate of one body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateResult {
    /// 1-based rank.
    pub rank: usize,
    /// The candidate's id.
    pub id: String,
    /// Its official name.
    pub name: String,
    /// The mutual score.
    pub score: f64,
    /// The ranked body's view of it.
    pub forward: f64,
    /// Its view of the ranked body.
    pub backward: f64,
    /// Distance between centres (km).
    pub distance_km: f64,
    /// The strongest reasons (with `explain`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// Every criterion both ways (with `explain`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Vec<CriterionResult>>,
}

/// One body's ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectRanking {
    /// The ranked body's id.
    pub id: String,
    /// Its official name.
    pub name: String,
    /// How many bodies were eligible candidates.
    pub n_eligible: usize,
    /// The best candidates, best first.
    pub candidates: Vec<CandidateResult>,
}

/// A run's rankings: what `rankings.json` holds and `compare` reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rankings {
    /// The scenario's name.
    pub scenario: String,
    /// The run's name.
    pub run: String,
    /// Candidates kept per body.
    pub top: usize,
    /// One ranking per body, in id order.
    pub subjects: Vec<SubjectRanking>,
}

/// A file of a run's output, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Its name inside the run folder.
    pub name: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The manifest of a run: everything needed to repeat it exactly (see `docs/scenarios.md`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    /// `FORMAT`.
    pub format: &'static str,
    /// The engine that ran it.
    pub engine: EngineInfo,
    /// The scenario file.
    pub scenario: ScenarioInfo,
    /// The run's name.
    pub run: String,
    /// The swept values that make the run, in sweep order.
    pub sweep: Vec<Assignment>,
    /// The data ranked.
    pub dataset: DatasetInfo,
    /// The survey file the weights come from.
    pub survey: SurveyInfo,
    /// The weights in force.
    pub weights: WeightsInfo,
    /// The ranking settings (top, candidate filter, distance, focus, partners, mutual score,
    /// criterion constants).
    pub settings: RankSettings,
    /// Which bodies were ranked.
    pub subjects: SubjectsInfo,
    /// Barrier mitigations applied.
    pub mitigations: Vec<MitigationInfo>,
    /// Profile overrides applied (hypothetical changes, not data).
    pub overrides: Vec<OverrideInfo>,
    /// What was written.
    pub output: OutputOptions,
    /// Each output file with its size and SHA-256.
    pub outputs: Vec<OutputInfo>,
}

/// The engine's name and version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngineInfo {
    /// `partnermatch`.
    pub name: &'static str,
    /// The crate version.
    pub version: &'static str,
}

/// The scenario a run came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioInfo {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// The file's name (without its folder, so that manifests hold no absolute path).
    pub file: String,
    /// SHA-256 of the file's text.
    pub sha256: String,
}

/// The data a run ranked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetInfo {
    /// `embedded`, or the path as written in the scenario.
    pub source: String,
    /// The number of bodies.
    pub n_organisations: usize,
    /// SHA-256 of the canonical TOML of the profiles as loaded.
    pub base_sha256: String,
    /// SHA-256 of the canonical TOML of the profiles as ranked (after overrides and
    /// mitigation; equal to `base_sha256` when there are none).
    pub sha256: String,
    /// What the hashes are of.
    pub hashed: &'static str,
    /// Every field stated by the scenario's profile layers (`profiles = [...]`), by body in id
    /// order; left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stated: Vec<crate::score::StatedMark>,
}

/// The survey file of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveyInfo {
    /// `embedded`, or the path as written in the scenario.
    pub source: String,
    /// SHA-256 of the file's text.
    pub sha256: String,
}

/// Weights by name, serialised as a map in a fixed order.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedWeights(pub Vec<(&'static str, f64)>);

impl Serialize for NamedWeights {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, weight) in &self.0 {
            map.serialize_entry(name, weight)?;
        }
        map.end()
    }
}

/// The weights a run used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightsInfo {
    /// The method.
    pub method: Method,
    /// The criteria order the weights come from, in the one-line form `--order` and a
    /// scenario's `[weights] order` accept (ties joined by `+`).
    pub order: String,
    /// The criteria weights of every body without its own order.
    pub criteria: Weights,
    /// The barrier weights (barrier risk), from the survey file's barrier order and method.
    pub barriers: NamedWeights,
    /// How each body's own ranked reasons for sharing are weighted (shared priorities): the
    /// survey file's method, or rank order centroid when that method is explicit.
    pub reason_lists: Method,
    /// Bodies whose own criteria order gives them other weights.
    pub own_orders: Vec<BodyWeights>,
    /// The criterion a `position.CRITERION` sweep moved, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<MovedCriterion>,
    /// The criterion whose weight a `weight.CRITERION` sweep set, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<PinnedWeight>,
}

/// A criterion moved in the criteria order by a `position.CRITERION` sweep: the other criteria
/// keep their order (and ties) around it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MovedCriterion {
    /// The criterion's name.
    pub criterion: &'static str,
    /// Its 1-based position in the run's order.
    pub position: usize,
    /// The order before the move, in the one-line form.
    pub base_order: String,
}

/// A criterion's weight set by a `weight.CRITERION` sweep. The other criteria keep their
/// weights' ratios: each is multiplied by `others_scaled_by` = (1 − weight) / (1 − base
/// weight), so that all of them sum to 1. The weights are then explicit, with the order they
/// imply (`WeightsInfo::order`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PinnedWeight {
    /// The criterion's name.
    pub criterion: &'static str,
    /// Its weight in this run.
    pub weight: f64,
    /// The weighting the sweep started from (the run's method and order before the sweep).
    pub base_method: Method,
    /// The criterion's weight under `base_method`.
    pub base_weight: f64,
    /// The factor every other criterion's weight was multiplied by.
    pub others_scaled_by: f64,
}

/// One body's own weights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyWeights {
    /// The body's id.
    pub id: String,
    /// Its order, in the one-line form.
    pub order: String,
    /// Its weights.
    pub criteria: Weights,
}

/// Which bodies a run ranked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubjectsInfo {
    /// `all`, `bodies` or `filter`.
    pub selection: &'static str,
    /// The filter, for `filter`.
    pub filter: Option<Filter>,
    /// How many.
    pub n: usize,
    /// Their ids, in id order.
    pub ids: Vec<String>,
}

/// A mitigation as applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MitigationInfo {
    /// The barrier.
    pub barrier: Barrier,
    /// The share of the severity removed.
    pub reduce_by: f64,
    /// The bodies it applied to (ids), or `null` for all.
    pub bodies: Option<Vec<String>>,
    /// How many bodies had this barrier and so were changed.
    pub n_bodies_changed: usize,
    /// Why.
    pub note: Option<String>,
}

/// An override as applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverrideInfo {
    /// The bodies changed (ids).
    pub bodies: Vec<String>,
    /// What changed.
    pub changes: ProfileChanges,
    /// Why.
    pub note: Option<String>,
}

/// One output file in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputInfo {
    /// The file's name in the run folder.
    pub file: &'static str,
    /// Its size in bytes.
    pub bytes: usize,
    /// Its SHA-256.
    pub sha256: String,
}

/// A finished run: typed results and the bytes of every file to write.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The run's name, also its folder's.
    pub name: String,
    /// The manifest.
    pub manifest: Manifest,
    /// The rankings.
    pub rankings: Rankings,
    /// The files to write, the manifest last.
    pub files: Vec<OutputFile>,
}

/// Ranks every planned run, in parallel; results in plan order.
pub fn execute(plans: &[RunPlan]) -> Result<Vec<RunResult>, Diagnostics> {
    let results: Vec<Result<RunResult, Diagnostic>> = plans.par_iter().map(execute_one).collect();
    let mut out = Vec::with_capacity(results.len());
    let mut problems = Diagnostics::new();
    for r in results {
        match r {
            Ok(result) => out.push(result),
            Err(d) => problems.push(d),
        }
    }
    problems.into_result(out)
}

/// A problem that planning should have ruled out, reported rather than panicking.
fn internal(plan: &RunPlan, message: String) -> Diagnostic {
    Diagnostic::new(Location::file(std::path::Path::new(&plan.file_name)), message)
        .help("this is a bug in partnermatch; please report it with the scenario file")
}

/// The dataset of a run: overrides, then mitigations, applied to a copy of the loaded data.
/// Returns it with how many bodies each mitigation changed.
fn run_dataset(plan: &RunPlan) -> Result<(Dataset, Vec<usize>), Diagnostic> {
    let base = &plan.data.dataset;
    if plan.overrides.is_empty() && plan.mitigations.is_empty() {
        return Ok((base.clone(), Vec::new()));
    }
    let mut orgs = base.organisations().to_vec();
    for o in &plan.overrides {
        for &i in &o.bodies {
            if let Some(org) = orgs.get_mut(i) {
                o.changes.apply(org);
            }
        }
    }
    let mut changed = Vec::with_capacity(plan.mitigations.len());
    for m in &plan.mitigations {
        let all: Vec<usize>;
        let bodies = match &m.bodies {
            Some(list) => list,
            None => {
                all = (0..orgs.len()).collect();
                &all
            }
        };
        let mut n = 0;
        for &i in bodies {
            let severity = orgs.get_mut(i).and_then(|o| o.barriers.as_mut()?.get_mut(&m.barrier));
            if let Some(s) = severity {
                // reduce_by is in [0, 1] and s in [0, 1], so the product is a valid severity.
                *s = Severity::new(s.get() * (1.0 - m.reduce_by)).unwrap_or(*s);
                n += 1;
            }
        }
        changed.push(n);
    }
    let dataset = Dataset::from_organisations(orgs, base.description())
        .map_err(|d| internal(plan, format!("the changed dataset is invalid: {d}")))?
        .with_stated(base.stated().clone());
    Ok((dataset, changed))
}

/// Every field a profile layer stated, body by body in id order.
fn stated_marks(dataset: &Dataset) -> Vec<crate::score::StatedMark> {
    let stated = dataset.stated();
    if stated.is_empty() {
        return Vec::new();
    }
    dataset
        .organisations()
        .iter()
        .flat_map(|o| {
            stated.fields(&o.id).iter().map(|(field, by)| crate::score::StatedMark {
                id: o.id.to_string(),
                field,
                stated_by: by.to_string(),
            })
        })
        .collect()
}

fn execute_one(plan: &RunPlan) -> Result<RunResult, Diagnostic> {
    let (dataset, changed) = run_dataset(plan)?;
    let canonical = crate::profiles::to_toml(dataset.organisations(), "");
    let dataset_sha256 = sha256_hex(canonical.as_bytes());
    let survey = plan.survey.survey.clone();
    let engine = Engine::new(dataset, survey, plan.weights.clone())
        .map_err(|e| internal(plan, format!("weights: {e}")))?;
    let orgs = engine.dataset.organisations();
    let explain = plan.output.explain;

    let subjects: Vec<SubjectRanking> = plan
        .subjects
        .indices
        .par_iter()
        .map(|&s| {
            let ranking = engine.rank(s, &plan.rank);
            let candidates = ranking
                .candidates
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let o = &orgs[r.candidate];
                    let mut c = CandidateResult {
                        rank: i + 1,
                        id: o.id.to_string(),
                        name: o.name.clone(),
                        score: r.score.mutual,
                        forward: r.score.forward,
                        backward: r.score.backward,
                        distance_km: r.distance_km,
                        reasons: Vec::new(),
                        criteria: None,
                    };
                    if explain {
                        let e = engine.explain(s, r.candidate, &plan.rank);
                        c.reasons =
                            e.forward.strongest(3).iter().map(|x| x.reason.clone()).collect();
                        c.criteria = Some(criteria_of(&e));
                    }
                    c
                })
                .collect();
            SubjectRanking {
                id: orgs[s].id.to_string(),
                name: orgs[s].name.clone(),
                n_eligible: ranking.n_eligible,
                candidates,
            }
        })
        .collect();
    let rankings = Rankings {
        scenario: plan.scenario.clone(),
        run: plan.name.clone(),
        top: plan.rank.top,
        subjects,
    };

    let mut files = Vec::with_capacity(4);
    files.push(OutputFile { name: "rankings.json", bytes: json_bytes(&rankings) });
    if plan.output.csv {
        files.push(OutputFile { name: "rankings.csv", bytes: csv_bytes(&rankings, explain) });
        let results = results_csv(&rankings, &plan.assignments, explain);
        files.push(OutputFile { name: RESULTS_CSV, bytes: results });
    }
    let outputs = files
        .iter()
        .map(|f| OutputInfo { file: f.name, bytes: f.bytes.len(), sha256: sha256_hex(&f.bytes) })
        .collect();
    let manifest = manifest(plan, &engine, dataset_sha256, &changed, outputs);
    files.push(OutputFile { name: "manifest.json", bytes: json_bytes(&manifest) });
    Ok(RunResult { name: plan.name.clone(), manifest, rankings, files })
}

fn criteria_of(e: &Explanation) -> Vec<CriterionResult> {
    let side = |c: &crate::score::CriterionExplanation| CriterionSide {
        value: c.value,
        weight: c.weight,
        contribution: c.contribution,
        neutral: c.neutral,
        reason: c.reason.clone(),
    };
    e.forward
        .criteria
        .iter()
        .zip(&e.backward.criteria)
        .map(|(f, b)| CriterionResult {
            criterion: f.criterion.name().to_owned(),
            forward: side(f),
            backward: side(b),
        })
        .collect()
}

/// Pretty JSON with a final newline. Serialising these types cannot fail (string keys, no
/// non-finite floats: serde_json writes those as null), so the empty fallback is never used.
fn json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// One row per (body, candidate); with `explain`, each criterion's value both ways.
fn csv_bytes(rankings: &Rankings, explain: bool) -> Vec<u8> {
    super::tidy::ranking_csv(rankings, explain, &[])
}

fn manifest(
    plan: &RunPlan,
    engine: &Engine,
    dataset_sha256: String,
    changed: &[usize],
    outputs: Vec<OutputInfo>,
) -> Manifest {
    let survey = &engine.survey;
    let settings = &engine.settings;
    let orgs = engine.dataset.organisations();
    let ids = |list: &[usize]| -> Vec<String> {
        list.iter().filter_map(|&i| orgs.get(i)).map(|o| o.id.to_string()).collect()
    };
    let method = settings.method().unwrap_or(survey.method()).clone();
    let order = format_order(settings.order().unwrap_or(survey.criteria_order()));
    let criteria = survey.weights(settings).unwrap_or_else(|_| Weights::equal());
    let barrier_weights = survey.barrier_weights();
    let own_orders = orgs
        .iter()
        .filter(|o| o.criteria_order.is_some() && !matches!(method, Method::Explicit(_)))
        .map(|o| BodyWeights {
            id: o.id.to_string(),
            order: format_order(survey.order_for(o, settings)),
            criteria: survey.weights_for(o, settings),
        })
        .collect();
    Manifest {
        format: FORMAT,
        engine: EngineInfo { name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION") },
        scenario: ScenarioInfo {
            name: plan.scenario.clone(),
            description: plan.description.clone(),
            file: plan.file_name.clone(),
            sha256: plan.file_sha256.clone(),
        },
        run: plan.name.clone(),
        sweep: plan.assignments.clone(),
        dataset: DatasetInfo {
            source: plan.data.source.clone(),
            n_organisations: orgs.len(),
            base_sha256: plan.data.sha256.clone(),
            sha256: dataset_sha256,
            hashed: "the profiles as canonical TOML (one [[organisation]] table per body, sorted \
                     by id, fields in documented order)",
            stated: stated_marks(&plan.data.dataset),
        },
        survey: SurveyInfo {
            source: plan.survey.source.clone(),
            sha256: plan.survey.sha256.clone(),
        },
        weights: WeightsInfo {
            method,
            order,
            criteria,
            barriers: NamedWeights(
                Barrier::all().iter().map(|b| (b.name(), barrier_weights[*b as usize])).collect(),
            ),
            reason_lists: match survey.method() {
                Method::Explicit(_) => Method::RankOrderCentroid,
                other => other.clone(),
            },
            own_orders,
            moved: plan.moved.clone(),
            pinned: plan.pinned.clone(),
        },
        settings: plan.rank.clone(),
        subjects: SubjectsInfo {
            selection: plan.subjects.selection,
            filter: plan.subjects.filter.clone(),
            n: plan.subjects.indices.len(),
            ids: ids(&plan.subjects.indices),
        },
        mitigations: plan
            .mitigations
            .iter()
            .zip(changed.iter().copied().chain(std::iter::repeat(0)))
            .map(|(m, n)| MitigationInfo {
                barrier: m.barrier,
                reduce_by: m.reduce_by,
                bodies: m.bodies.as_deref().map(ids),
                n_bodies_changed: n,
                note: m.note.clone(),
            })
            .collect(),
        overrides: plan
            .overrides
            .iter()
            .map(|o| OverrideInfo {
                bodies: ids(&o.bodies),
                changes: o.changes.clone(),
                note: o.note.clone(),
            })
            .collect(),
        output: plan.output,
        outputs,
    }
}
