//! Planning: every run of every scenario resolved against its data before anything is ranked or
//! written. Loads each dataset and survey once, finds every body named (with "did you mean"),
//! checks every filter value against the data (a region no body has, a kind not in the data, a
//! filter no body passes), checks the weights against the survey, and refuses run names that
//! would collide. Every problem is reported at once, located in the scenario file. Reads files;
//! writes nothing.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::parse::{OutputOptions, Scenario, Source, Subjects};
use super::run::{MovedCriterion, PinnedWeight};
use super::spec::{At, FilterSpec, Mitigation};
use super::sweep::{Assignment, RunSpec};
use crate::dataset::{Dataset, FindError};
use crate::diagnostic::{Diagnostic, Diagnostics, Place};
use crate::filter::Filter;
use crate::input::read_text;
use crate::model::{Barrier, Enumeration};
use crate::model::{CriteriaOrder, Criterion};
use crate::rank::RankSettings;
use crate::request::{Field, Problems as RequestProblems, Request, Weighting};
use crate::weights::{
    EMBEDDED_SURVEY, EMBEDDED_SURVEY_PATH, ExplicitWeights, Method, MethodName, Survey,
    WeightSettings, Weights, format_order,
};

use super::parse::{ProfileChanges, sha256_hex};
use crate::diagnostic::SourceText;

/// A dataset as loaded for scenarios, with its canonical hash.
#[derive(Debug)]
pub(super) struct LoadedData {
    /// The bodies.
    pub dataset: Dataset,
    /// `embedded` or the path as written.
    pub source: String,
    /// SHA-256 of the canonical TOML of its profiles (`profiles::to_toml`).
    pub sha256: String,
}

/// A survey file as loaded for scenarios, with the hash of its text.
#[derive(Debug)]
pub(super) struct LoadedSurvey {
    /// The survey.
    pub survey: Survey,
    /// `embedded` or the path as written.
    pub source: String,
    /// SHA-256 of the file's text.
    pub sha256: String,
}

/// Which bodies a run ranks, resolved.
#[derive(Debug, Clone)]
pub(super) struct ResolvedSubjects {
    /// `all`, `bodies` or `filter`.
    pub selection: &'static str,
    /// The filter, for `filter`.
    pub filter: Option<Filter>,
    /// Dataset indices, in id order.
    pub indices: Vec<usize>,
}

/// An override with its bodies found.
#[derive(Debug, Clone)]
pub(super) struct ResolvedOverride {
    /// Dataset indices, in the order listed.
    pub bodies: Vec<usize>,
    /// What changes.
    pub changes: ProfileChanges,
    /// Why.
    pub note: Option<String>,
}

/// A mitigation with its bodies found.
#[derive(Debug, Clone)]
pub(super) struct ResolvedMitigation {
    /// The barrier.
    pub barrier: Barrier,
    /// The share of the severity removed.
    pub reduce_by: f64,
    /// Dataset indices, or `None` for every body.
    pub bodies: Option<Vec<usize>>,
    /// Why.
    pub note: Option<String>,
}

/// One run, checked and ready to rank: nothing about it can fail any more except running out
/// of memory.
#[derive(Debug, Clone)]
pub struct RunPlan {
    pub(super) scenario: String,
    pub(super) description: Option<String>,
    pub(super) file_name: String,
    pub(super) file_sha256: String,
    pub(super) name: String,
    pub(super) assignments: Vec<Assignment>,
    pub(super) data: Arc<LoadedData>,
    pub(super) survey: Arc<LoadedSurvey>,
    pub(super) weights: WeightSettings,
    pub(super) moved: Option<MovedCriterion>,
    pub(super) pinned: Option<PinnedWeight>,
    pub(super) rank: RankSettings,
    pub(super) subjects: ResolvedSubjects,
    pub(super) overrides: Vec<ResolvedOverride>,
    pub(super) mitigations: Vec<ResolvedMitigation>,
    pub(super) output: OutputOptions,
}

impl RunPlan {
    /// The run's name (`scenario__parameter=value...`), also its output folder's.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The swept values that make this run.
    pub fn assignments(&self) -> &[Assignment] {
        &self.assignments
    }

    /// How many bodies it ranks.
    pub fn n_subjects(&self) -> usize {
        self.subjects.indices.len()
    }
}

/// Collects problems, dropping repeats (a sweep repeats the same problem in every run). The
/// set finds a repeat in constant time: a scan of the list made a dataset with 80,000
/// problems take 17 s.
#[derive(Default)]
struct Problems(Vec<Diagnostic>, std::collections::HashSet<Diagnostic>);

impl Problems {
    fn push(&mut self, d: Diagnostic) {
        if self.1.insert(d.clone()) {
            self.0.push(d);
        }
    }

    fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        for d in ds {
            self.push(d);
        }
    }
}

/// Resolves every run of every scenario against its data: the plans in file and sweep order, or
/// every problem found in any of them.
pub fn plan(scenarios: &[Scenario]) -> Result<Vec<RunPlan>, Diagnostics> {
    let mut problems = Problems::default();
    let mut datasets: HashMap<DataKey, Option<Arc<LoadedData>>> = HashMap::new();
    let mut surveys: HashMap<Option<PathBuf>, Option<Arc<LoadedSurvey>>> = HashMap::new();
    let mut run_names: HashMap<String, Place> = HashMap::new();
    let mut plans = Vec::new();
    for scenario in scenarios {
        let data = load_data(&scenario.dataset, &scenario.profiles, &mut datasets, &mut problems);
        let survey = load_survey(&scenario.survey, &mut surveys, &mut problems);
        for run in scenario.runs() {
            // Compared ignoring case: run names are folder names, and some file systems
            // ignore case.
            let key = run.name.to_ascii_lowercase();
            match run_names.get(&key) {
                Some(first) => problems.push(
                    scenario
                        .name
                        .place
                        .diagnostic(format!("run name \"{}\" is used twice", run.name))
                        .help(format!(
                            "it is first made at {}; give each scenario its own `name`",
                            first.location
                        )),
                ),
                None => {
                    run_names.insert(key, scenario.name.place.clone());
                }
            }
            let (Some(data), Some(survey)) = (&data, &survey) else { continue };
            if let Some(plan) = plan_run(scenario, run, data, survey, &mut problems) {
                plans.push(plan);
            }
        }
    }
    let mut diagnostics: Diagnostics = problems.0.into_iter().collect();
    if diagnostics.is_empty() {
        Ok(plans)
    } else {
        diagnostics.sort();
        Err(diagnostics)
    }
}

fn load_data(
    source: &(Source, Option<Place>),
    profiles: &[(Source, Place)],
    cache: &mut HashMap<DataKey, Option<Arc<LoadedData>>>,
    problems: &mut Problems,
) -> Option<Arc<LoadedData>> {
    let resolved_path = |s: &Source| match s {
        Source::Embedded => None,
        Source::Path { resolved, .. } => Some(resolved.clone()),
    };
    let key =
        (resolved_path(&source.0), profiles.iter().filter_map(|(s, _)| resolved_path(s)).collect());
    if let Some(hit) = cache.get(&key) {
        return hit.clone();
    }
    let loaded = match &source.0 {
        Source::Embedded => Dataset::embedded().map_err(|d| (d, None)),
        Source::Path { written, resolved } => {
            if resolved.exists() {
                Dataset::load(resolved).map_err(|d| (d, Some(written)))
            } else {
                if let Some(at) = &source.1 {
                    problems.push(
                        at.diagnostic(format!("no file or folder at \"{written}\"")).help(format!(
                            "the path is read relative to the scenario file (here {}); \
                             remove `dataset` to use the embedded UK councils",
                            resolved.display()
                        )),
                    );
                }
                cache.insert(key, None);
                return None;
            }
        }
    };
    let loaded = match loaded {
        Ok(dataset) if !profiles.is_empty() => Ok(apply_profiles(dataset, profiles, problems)),
        other => other.map(Some),
    };
    let result = match loaded {
        Ok(None) => None,
        Ok(Some(dataset)) => {
            let canonical = crate::profiles::to_toml(dataset.organisations(), "");
            Some(Arc::new(LoadedData {
                sha256: sha256_hex(canonical.as_bytes()),
                source: describe(&source.0, profiles),
                dataset,
            }))
        }
        Err((diagnostics, written)) => {
            problems.extend(diagnostics);
            if let (Some(at), Some(written)) = (&source.1, written) {
                problems.push(at.diagnostic(format!("the dataset \"{written}\" is invalid")).help(
                    "fix the problems listed for its files (`partnermatch validate --data \
                     PATH` lists them too)",
                ));
            }
            None
        }
    };
    cache.insert(key, result.clone());
    result
}

/// A loaded dataset's cache key: the data's path (none: embedded) and its layers' paths.
type DataKey = (Option<PathBuf>, Vec<PathBuf>);

/// `embedded`, or the path as written, and the layers as written.
fn describe(source: &Source, profiles: &[(Source, Place)]) -> String {
    let mut text = source.describe().to_owned();
    if !profiles.is_empty() {
        let names: Vec<&str> = profiles.iter().map(|(s, _)| s.describe()).collect();
        text.push_str(&format!(" with profiles {}", names.join(", ")));
    }
    text
}

/// Lays a scenario's profile layers over its dataset; `None` when a layer is missing or
/// invalid (its problems recorded, each missing file at the place it was named).
fn apply_profiles(
    dataset: Dataset,
    profiles: &[(Source, Place)],
    problems: &mut Problems,
) -> Option<Dataset> {
    let mut layers = Vec::with_capacity(profiles.len());
    let mut ok = true;
    for (source, at) in profiles {
        let Source::Path { written, resolved } = source else { continue };
        if !resolved.exists() {
            problems.push(at.diagnostic(format!("no profile layer at \"{written}\"")).help(
                format!(
                    "the path is read relative to the scenario file (here {})",
                    resolved.display()
                ),
            ));
            ok = false;
            continue;
        }
        match crate::profiles::load_layer(resolved) {
            Ok(mut layer) => {
                // Outputs say "stated by" the path as the scenario wrote it.
                layer.name = Arc::from(written.as_str());
                layers.push(layer);
            }
            Err(found) => {
                problems.extend(found);
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    match crate::dataset::apply_layers(dataset, &layers) {
        Ok(d) => Some(d),
        Err(found) => {
            problems.extend(found);
            None
        }
    }
}

fn load_survey(
    source: &(Source, Option<Place>),
    cache: &mut HashMap<Option<PathBuf>, Option<Arc<LoadedSurvey>>>,
    problems: &mut Problems,
) -> Option<Arc<LoadedSurvey>> {
    let key = match &source.0 {
        Source::Embedded => None,
        Source::Path { resolved, .. } => Some(resolved.clone()),
    };
    if let Some(hit) = cache.get(&key) {
        return hit.clone();
    }
    let text = match &source.0 {
        Source::Embedded => Ok(SourceText::new(EMBEDDED_SURVEY_PATH, EMBEDDED_SURVEY.to_owned())),
        Source::Path { written, resolved } => read_text(resolved).map_err(|d| {
            let mut out = vec![d];
            if let Some(at) = &source.1 {
                out.push(at.diagnostic(format!("cannot read the survey file \"{written}\"")).help(
                    "the path is read relative to the scenario file; remove `survey` to use the \
                     embedded survey file",
                ));
            }
            out
        }),
    };
    let result = match text.map(|t| (Survey::parse(&t), t)) {
        Ok((Ok(survey), text)) => Some(Arc::new(LoadedSurvey {
            survey,
            source: source.0.describe().to_owned(),
            sha256: sha256_hex(text.text().as_bytes()),
        })),
        Ok((Err(diagnostics), _)) => {
            problems.extend(diagnostics);
            None
        }
        Err(diagnostics) => {
            problems.extend(diagnostics);
            None
        }
    };
    cache.insert(key, result.clone());
    result
}

fn plan_run(
    scenario: &Scenario,
    run: RunSpec,
    data: &Arc<LoadedData>,
    survey: &Arc<LoadedSurvey>,
    problems: &mut Problems,
) -> Option<RunPlan> {
    let dataset = &data.dataset;
    let before = problems.0.len();
    let settings = &run.settings;

    let subjects = resolve_subjects(&scenario.subjects, dataset, problems);
    let request = Request {
        top: settings.top,
        within_km: settings.within_km,
        services: settings.focus.iter().collect(),
        exclude_partners: settings.exclude_partners,
        mutual: Some(settings.mutual),
        ..filter_request(&settings.candidates)
    };
    let rank = match request.validate(dataset) {
        Ok(valid) => Some(valid.rank),
        Err(found) => {
            report(&settings.candidates, &scenario.name.place, found, problems);
            None
        }
    };
    let overrides: Vec<ResolvedOverride> = scenario
        .overrides
        .iter()
        .map(|o| ResolvedOverride {
            bodies: find_all(&o.bodies, dataset, problems),
            changes: o.changes.clone(),
            note: o.note.clone(),
        })
        .collect();
    let mitigations: Vec<ResolvedMitigation> =
        settings.mitigations.iter().map(|m| resolve_mitigation(m, dataset, problems)).collect();

    let weights = weight_settings(scenario, &run, &survey.survey, problems);
    if problems.0.len() > before {
        return None;
    }
    let (subjects, rank, (weights, moved, pinned)) = (subjects?, rank?, weights?);
    let file_name = scenario
        .file
        .file_name()
        .map_or_else(|| scenario.file.display().to_string(), |n| n.to_string_lossy().into_owned());
    Some(RunPlan {
        scenario: scenario.name.value.clone(),
        description: scenario.description.clone(),
        file_name,
        file_sha256: scenario.file_sha256.clone(),
        name: run.name,
        assignments: run.assignments,
        data: data.clone(),
        survey: survey.clone(),
        weights,
        moved,
        pinned,
        rank,
        subjects,
        overrides,
        mitigations,
        output: scenario.output,
    })
}

/// The weight settings of a run, checked against the survey, with what a position or weight
/// sweep changed; problems point at the weights (or the swept value) at fault.
fn weight_settings(
    scenario: &Scenario,
    run: &RunSpec,
    survey: &Survey,
    problems: &mut Problems,
) -> Option<(WeightSettings, Option<MovedCriterion>, Option<PinnedWeight>)> {
    let choice = &run.settings.weights;
    let at = choice.place().unwrap_or(&scenario.name.place);
    let in_run =
        if run.assignments.is_empty() { String::new() } else { format!(" (in run {})", run.name) };
    let mut order = choice.order.as_ref().map(|o| o.value.clone());
    let mut moved = None;
    if let Some((criterion, position)) = &choice.moved {
        let base = order.clone().unwrap_or_else(|| survey.criteria_order().clone());
        match move_criterion(&base, *criterion, position.value) {
            Ok(new) => {
                moved = Some(MovedCriterion {
                    criterion: criterion.name(),
                    position: position.value,
                    base_order: format_order(&base),
                });
                order = Some(new);
            }
            Err(n_positions) => {
                problems.push(
                    position
                        .place
                        .diagnostic(format!(
                            "position {} is past the end of the order, which has {n_positions} \
                             positions once {criterion} is taken out{in_run}",
                            position.value
                        ))
                        .help(format!(
                            "the order ties some criteria, so it has fewer than {} positions: \
                             give positions from 1 to {n_positions}",
                            Criterion::COUNT_WORD
                        )),
                );
                return None;
            }
        }
    }
    // The request's one weighting check; an exponent counts only with rank_exponent (a method
    // sweep may give other methods an exponent that is not theirs).
    let method =
        choice.explicit.is_none().then(|| choice.method.as_ref().map(|m| m.value)).flatten();
    let weighting = Weighting {
        method,
        exponent: choice
            .exponent
            .as_ref()
            .filter(|_| method == Some(MethodName::RankExponent))
            .map(|p| p.value),
        order,
        weights: choice.explicit.as_ref().map(|e| e.value.weights.clone()),
    };
    let settings = match weighting.validate() {
        Ok(settings) => settings.unwrap_or_default(),
        Err(found) => {
            for p in found.0 {
                problems.push(at.diagnostic(format!("{}{in_run}", p.message)).help(p.help));
            }
            return None;
        }
    };
    let (settings, weights) = match survey.weights(&settings).map(|w| (settings, w)) {
        Ok(found) => found,
        Err(err) => {
            problems.push(at.diagnostic(format!("{err}{in_run}")).help(
                "explicit weights must not increase along the criteria order (the survey's, or \
                 [weights] order): reorder them, or give the order that matches them",
            ));
            return None;
        }
    };
    let Some((criterion, weight)) = &choice.pinned else {
        return Some((settings, moved, None));
    };
    match pin_weight(&weights, *criterion, weight.value) {
        Ok((explicit, scale)) => {
            let pinned = PinnedWeight {
                criterion: criterion.name(),
                weight: weight.value,
                base_method: settings.method().unwrap_or(survey.method()).clone(),
                base_weight: weights.get(*criterion),
                others_scaled_by: scale,
            };
            let settings = implied_order(&explicit).and_then(|order| {
                WeightSettings::new(Some(order), Some(Method::Explicit(explicit)))
                    .map_err(|e| e.to_string())
            });
            match settings {
                Ok(settings) => Some((settings, moved, Some(pinned))),
                Err(err) => {
                    problems.push(
                        weight
                            .place
                            .diagnostic(format!("the rescaled weights are invalid: {err}{in_run}")),
                    );
                    None
                }
            }
        }
        Err(message) => {
            problems.push(weight.place.diagnostic(format!("{message}{in_run}")).help(
                "give the other criteria some weight (in [weights] or the weight set), or sweep \
                 another criterion",
            ));
            None
        }
    }
}

/// The order with `criterion` taken out of its position (a tie keeps its other members; an
/// emptied position closes up) and put alone at 1-based `position`. Errors with the number of
/// positions available when `position` is past the end.
pub(super) fn move_criterion(
    order: &CriteriaOrder,
    criterion: Criterion,
    position: usize,
) -> Result<CriteriaOrder, usize> {
    let mut positions: Vec<Vec<Criterion>> = order
        .positions()
        .iter()
        .map(|p| p.iter().copied().filter(|c| *c != criterion).collect::<Vec<_>>())
        .filter(|p| !p.is_empty())
        .collect();
    let available = positions.len() + 1;
    if position == 0 || position > available {
        return Err(available);
    }
    positions.insert(position - 1, vec![criterion]);
    CriteriaOrder::new(positions).map_err(|_| available)
}

/// `weights` with `criterion` set to `weight` and every other criterion multiplied by the same
/// factor, (1 − weight) / (sum of the others), so that they keep their ratios and all sum to 1.
/// Returns the explicit weights and the factor. Errors when the others all weigh 0 and so cannot
/// take up the rest.
pub(super) fn pin_weight(
    weights: &Weights,
    criterion: Criterion,
    weight: f64,
) -> Result<(ExplicitWeights, f64), String> {
    let others: f64 = weights.iter().filter(|(c, _)| *c != criterion).map(|(_, w)| w).sum();
    let scale = if others > 0.0 {
        (1.0 - weight) / others
    } else if weight >= 1.0 {
        0.0
    } else {
        return Err(format!(
            "cannot give {criterion} weight {weight}: every other criterion weighs 0, so none \
             can take up the other {}",
            1.0 - weight
        ));
    };
    let pairs = weights.iter().map(|(c, w)| (c, if c == criterion { weight } else { w * scale }));
    ExplicitWeights::for_criteria(pairs).map(|e| (e, scale)).map_err(|e| e.to_string())
}

/// The order explicit weights imply: heaviest first, equal weights tied (then by criterion, so
/// that the order is the same every time).
pub(super) fn implied_order(explicit: &ExplicitWeights) -> Result<CriteriaOrder, String> {
    let values = explicit.values();
    let weight = |c: &Criterion| values.get(c.index()).copied().unwrap_or(0.0);
    let mut sorted: Vec<Criterion> = Criterion::all().to_vec();
    sorted.sort_by(|a, b| weight(b).total_cmp(&weight(a)).then(a.index().cmp(&b.index())));
    let mut positions: Vec<Vec<Criterion>> = Vec::new();
    // Tied only when exactly equal: criteria rescaled by the same factor from equal weights
    // stay exactly equal, and nearly equal weights are still ordered (never increasing).
    let same = |a: &Criterion, b: &Criterion| weight(a).to_bits() == weight(b).to_bits();
    for c in sorted {
        match positions.last_mut() {
            Some(last) if last.first().is_some_and(|f| same(f, &c)) => last.push(c),
            _ => positions.push(vec![c]),
        }
    }
    // Every criterion once, each in one non-empty position: `new` does not refuse it.
    CriteriaOrder::new(positions)
}

/// A located problem for a name that does not pick one body.
fn find_problem(at: &Place, err: &FindError) -> Diagnostic {
    match err {
        FindError::Unknown { query, closest } => {
            let help = match closest.first() {
                Some((id, name)) => {
                    let others: Vec<String> =
                        closest.iter().skip(1).map(|(id, n)| format!("{n} ({id})")).collect();
                    let also = if others.is_empty() {
                        String::new()
                    } else {
                        format!(" Also close: {}", others.join(", "))
                    };
                    format!("did you mean \"{name}\" ({id})?{also}")
                }
                None => "give the body's id or official name as in the data (`partnermatch list` \
                         shows them)"
                    .to_owned(),
            };
            at.diagnostic(format!("unknown body \"{query}\"")).help(help)
        }
        FindError::Ambiguous { query, matches } => {
            let list: Vec<String> = matches.iter().map(|(id, n)| format!("{n} ({id})")).collect();
            at.diagnostic(format!("\"{query}\" matches {} bodies", matches.len()))
                .help(format!("give the id instead: {}", list.join(", ")))
        }
    }
}

/// Finds every body listed; a body named twice (by two names) is reported.
/// The problems with the bodies named by scenarios that failed to parse (unknown subjects and
/// override bodies), so that they are reported with the parse problems in one run.
pub(super) fn check_body_references(
    references: &[super::parse::BodyReferences],
) -> Vec<Diagnostic> {
    let mut problems = Problems::default();
    let mut datasets = HashMap::new();
    for r in references {
        let Some(data) = load_data(&r.dataset, &r.profiles, &mut datasets, &mut problems) else {
            continue;
        };
        let _ = resolve_subjects(&r.subjects, &data.dataset, &mut problems);
        for o in &r.overrides {
            find_all(&o.bodies, &data.dataset, &mut problems);
        }
    }
    problems.0
}

fn find_all(names: &[At<String>], dataset: &Dataset, problems: &mut Problems) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(names.len());
    for name in names {
        match dataset.find(&name.value) {
            Ok(i) if out.contains(&i) => {
                let o = &dataset.organisations()[i];
                problems.push(
                    name.place
                        .diagnostic(format!("\"{}\" names {} ({}) again", name.value, o.name, o.id))
                        .help("list each body once"),
                );
            }
            Ok(i) => out.push(i),
            Err(err) => problems.push(find_problem(&name.place, &err)),
        }
    }
    out
}

fn resolve_subjects(
    subjects: &Subjects,
    dataset: &Dataset,
    problems: &mut Problems,
) -> Option<ResolvedSubjects> {
    match subjects {
        Subjects::All => Some(ResolvedSubjects {
            selection: "all",
            filter: None,
            indices: (0..dataset.len()).collect(),
        }),
        Subjects::Bodies(names) => {
            let before = problems.0.len();
            let mut indices = find_all(names, dataset, problems);
            indices.sort_unstable();
            (problems.0.len() == before).then_some(ResolvedSubjects {
                selection: "bodies",
                filter: None,
                indices,
            })
        }
        Subjects::Filter(spec) => {
            let filter = match filter_request(spec).validate_filter(dataset) {
                Ok(filter) => filter,
                Err(found) => {
                    let fallback = spec.table.clone().unwrap_or_else(|| {
                        Place::new(crate::diagnostic::Location::file(PathBuf::new()), "subjects")
                    });
                    report(spec, &fallback, found, problems);
                    return None;
                }
            };
            let indices = dataset
                .organisations()
                .iter()
                .enumerate()
                .filter(|(i, o)| filter.matches(*i, o))
                .map(|(i, _)| i)
                .collect();
            Some(ResolvedSubjects { selection: "filter", filter: Some(filter), indices })
        }
    }
}

fn resolve_mitigation(
    m: &Mitigation,
    dataset: &Dataset,
    problems: &mut Problems,
) -> ResolvedMitigation {
    ResolvedMitigation {
        barrier: m.barrier,
        reduce_by: m.reduce_by.value,
        bodies: m.bodies.as_ref().map(|names| find_all(names, dataset, problems)),
        note: m.note.clone(),
    }
}

/// The raw request of a filter as written (sectors, kinds, regions, nations, areas).
fn filter_request(spec: &FilterSpec) -> Request {
    Request {
        sectors: spec.filter.sectors.clone(),
        kinds: spec.filter.kinds.clone(),
        regions: spec.filter.regions.clone(),
        nations: spec.filter.nations.clone(),
        within_areas: spec.filter.within_areas.clone(),
        ..Request::default()
    }
}

/// Records a request's problems, each at the place its value was written: a filter value at
/// its item, the whole filter at its table, anything else at `fallback`.
fn report(spec: &FilterSpec, fallback: &Place, found: RequestProblems, problems: &mut Problems) {
    for p in found.0 {
        let key = match p.field {
            Field::Sector => Some("sectors"),
            Field::Kind => Some("kinds"),
            Field::Region => Some("regions"),
            Field::Nation => Some("nations"),
            Field::WithinArea => Some("within_areas"),
            _ => None,
        };
        let at = match (key, p.field) {
            (Some(key), _) => {
                spec.places.iter().find(|(k, i, _)| *k == key && Some(*i) == p.index).map(|e| &e.2)
            }
            (None, Field::Filter) => spec.table.as_ref(),
            _ => None,
        };
        problems.push(at.unwrap_or(fallback).diagnostic(p.message).help(p.help));
    }
}
