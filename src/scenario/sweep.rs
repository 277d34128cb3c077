//! Sweeps: the `[sweep]` table of a scenario read into axes (a parameter and its values), and
//! their expansion into one run per combination, each named so that a person can tell the runs
//! apart (`legal-se__method=rank_sum__mitigation.job_losses=0.25`) and a file system accepts
//! the name. Pure: no I/O.

use std::ops::Range;

use ::toml::de::DeValue;
use serde::Serialize;

use super::spec::{At, MAX_RUNS, MAX_TOP, Mitigation, RunSettings, WeightSet, place};
use crate::diagnostic::{Diagnostic, Place};
use crate::input::toml::{Sp, Table};
use crate::model::{Barrier, Criterion, Enumeration, Service, ServiceSet, UnknownValue, closest};
use crate::score::Mutual;
use crate::weights::MethodName;

/// The longest run name accepted (file systems allow 255 bytes per name).
const MAX_RUN_NAME: usize = 200;

/// A parameter a scenario can sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parameter {
    /// The weighting method (`[weights] method`).
    Method,
    /// The exponent of `rank_exponent`.
    Exponent,
    /// Explicit weights: `survey` (none) or the name of a `[weight_sets]` table.
    Weights,
    /// How the two views combine (`mutual`).
    Mutual,
    /// How many candidates per body (`top`).
    Top,
    /// The distance limit (`[candidates] within_km`).
    WithinKm,
    /// The service focus (`focus`).
    Focus,
    /// Leaving out existing partners (`[candidates] exclude_partners`).
    ExcludePartners,
    /// The `reduce_by` of the mitigation of one barrier (`mitigation.job_losses`).
    Mitigation(Barrier),
    /// One criterion's weight, the others rescaled in proportion (`weight.proximity`).
    Weight(Criterion),
    /// One criterion's position in the criteria order (`position.political_alignment`).
    Position(Criterion),
}

/// The parameter families written `HEAD.NAME` (`mitigation.job_losses`, `weight.proximity`).
const DOTTED: &[&str] = &["mitigation", "weight", "position"];

/// The parameters other than mitigation, by name.
const SIMPLE: &[(&str, Parameter)] = &[
    ("method", Parameter::Method),
    ("exponent", Parameter::Exponent),
    ("weights", Parameter::Weights),
    ("mutual", Parameter::Mutual),
    ("top", Parameter::Top),
    ("within_km", Parameter::WithinKm),
    ("focus", Parameter::Focus),
    ("exclude_partners", Parameter::ExcludePartners),
];

impl Parameter {
    /// The name used in `[sweep]` and in run names (`mitigation.job_losses`).
    pub fn name(self) -> String {
        match self {
            Parameter::Mitigation(b) => format!("mitigation.{}", b.name()),
            Parameter::Weight(c) => format!("weight.{}", c.name()),
            Parameter::Position(c) => format!("position.{}", c.name()),
            other => SIMPLE.iter().find(|(_, p)| *p == other).map_or("", |(n, _)| n).to_owned(),
        }
    }

    /// Every parameter name, for "did you mean".
    pub fn all_names() -> Vec<String> {
        let mut names: Vec<String> = SIMPLE.iter().map(|(n, _)| (*n).to_owned()).collect();
        names.extend(Barrier::all().iter().map(|b| Parameter::Mitigation(*b).name()));
        names.extend(Criterion::all().iter().map(|c| Parameter::Weight(*c).name()));
        names.extend(Criterion::all().iter().map(|c| Parameter::Position(*c).name()));
        names
    }

    /// The parameter `head.name` of a dotted family, or the unknown name's error.
    fn dotted(head: &str, name: &str) -> Option<Result<Parameter, UnknownValue>> {
        Some(match head {
            "mitigation" => Barrier::parse_name(name).map(Parameter::Mitigation),
            "weight" => Criterion::parse_name(name).map(Parameter::Weight),
            "position" => Criterion::parse_name(name).map(Parameter::Position),
            _ => return None,
        })
    }

    /// Parses a parameter name.
    pub fn parse(text: &str) -> Option<Parameter> {
        if let Some((head, name)) = text.split_once('.') {
            return Parameter::dotted(head, name).and_then(Result::ok);
        }
        SIMPLE.iter().find(|(n, _)| *n == text).map(|(_, p)| *p)
    }
}

/// One value of a swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepValue {
    /// A rank-based weighting method.
    Method(MethodName),
    /// The exponent of `rank_exponent`.
    Exponent(f64),
    /// `None` for `survey` (no explicit weights), else a named weight set.
    Weights(Option<At<WeightSet>>),
    /// How the two views combine.
    Mutual(Mutual),
    /// Candidates per body.
    Top(usize),
    /// Distance limit (km).
    WithinKm(f64),
    /// Services to focus on (empty: no focus).
    Focus(ServiceSet),
    /// Leave out existing partners.
    ExcludePartners(bool),
    /// The share of a barrier's severity removed.
    Mitigation(f64),
    /// A criterion's weight, in [0, 1].
    Weight(f64),
    /// A criterion's 1-based position in the criteria order.
    Position(usize),
}

/// A number as a short, stable label: whole numbers without a fractional part, others in the
/// shortest form that reads back to the same number.
pub(super) fn number_label(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

impl SweepValue {
    /// The method, for a `method` value.
    pub fn method(&self) -> Option<MethodName> {
        match self {
            SweepValue::Method(m) => Some(*m),
            _ => None,
        }
    }

    /// The value as it appears in run names (file-name safe).
    pub fn label(&self) -> String {
        match self {
            SweepValue::Method(m) => m.name().to_owned(),
            SweepValue::Exponent(x)
            | SweepValue::WithinKm(x)
            | SweepValue::Mitigation(x)
            | SweepValue::Weight(x) => number_label(*x),
            SweepValue::Position(n) => n.to_string(),
            SweepValue::Weights(None) => "survey".to_owned(),
            SweepValue::Weights(Some(set)) => set.value.name.clone(),
            SweepValue::Mutual(m) => m.name().to_owned(),
            SweepValue::Top(n) => n.to_string(),
            SweepValue::Focus(set) if set.is_empty() => "none".to_owned(),
            SweepValue::Focus(set) => set.iter().map(|s| s.name()).collect::<Vec<_>>().join("+"),
            SweepValue::ExcludePartners(b) => b.to_string(),
        }
    }
}

/// A swept parameter with its values, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepAxis {
    /// The parameter.
    pub parameter: Parameter,
    /// Where it was written.
    pub place: Place,
    /// Its values, each with where it was written.
    pub values: Vec<At<SweepValue>>,
}

/// One swept parameter's value in a run, as recorded in its manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// The parameter (`mitigation.job_losses`).
    pub parameter: String,
    /// The value's label (`0.25`).
    pub value: String,
}

/// One run of a scenario: its name, the swept values that make it, and its settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    /// `scenario__parameter=value__...`, file-name safe.
    pub name: String,
    /// The swept values, in sweep order.
    pub assignments: Vec<Assignment>,
    /// The settings with the swept values applied.
    pub settings: RunSettings,
}

/// What a TOML value is, for "expected X, found Y".
fn found(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn as_number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok().map(|v| v as f64),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|x| x.is_finite())
}

/// Reads `[sweep]`: each key a parameter (mitigation barriers as `mitigation.BARRIER` or a
/// `[sweep.mitigation]` table), each value a non-empty array. Problems are recorded.
pub(super) fn read_sweep(
    t: &Table<'_, '_>,
    settings: &RunSettings,
    weight_sets: &[At<WeightSet>],
) -> Vec<SweepAxis> {
    let mut axes: Vec<SweepAxis> = Vec::new();
    let keys: Vec<(&str, Range<usize>)> = t.keys().collect();
    for (key, span) in keys {
        let is_table = matches!(t.raw(key).map(Sp::get_ref), Some(DeValue::Table(_)));
        if DOTTED.contains(&key) && is_table {
            let Some(nested) = t.table(key) else { continue };
            let inner: Vec<(&str, Range<usize>)> = nested.keys().collect();
            for (name, nspan) in inner {
                match Parameter::dotted(key, name) {
                    Some(Ok(p)) => push_axis(&nested, name, nspan, p, weight_sets, &mut axes),
                    Some(Err(err)) => nested.unknown(nspan, name, &err),
                    None => {}
                }
            }
            continue;
        }
        if DOTTED.contains(&key) {
            let (what, example, names): (&str, &str, Vec<&str>) = if key == "mitigation" {
                ("a barrier", "mitigation.job_losses = [0, 0.5]", barrier_names())
            } else if key == "weight" {
                ("a criterion", "weight.proximity = [0.05, 0.1, 0.15, 0.2]", criterion_names())
            } else {
                ("a criterion", "position.political_alignment = [1, 5, 10]", criterion_names())
            };
            let upper = if what == "a barrier" { "BARRIER" } else { "CRITERION" };
            t.error(span, key, format!("`{key}` needs {what}: sweep `{key}.{upper}`"))
                .help(format!("write for example `{example}`; {upper}: {}", names.join(", ")));
            continue;
        }
        match Parameter::parse(key) {
            Some(p) => push_axis(t, key, span, p, weight_sets, &mut axes),
            None => {
                let names = Parameter::all_names();
                // `mitgation.job_losses = [...]` arrives as a table named `mitgation`.
                let heads = names.iter().map(String::as_str).chain(DOTTED.iter().copied());
                // The families in short, so that the list stays readable.
                let mut listed: Vec<&str> = SIMPLE.iter().map(|(n, _)| *n).collect();
                listed.extend(["mitigation.BARRIER", "weight.CRITERION", "position.CRITERION"]);
                let listed = listed.join(", ");
                let help = match closest(key, heads) {
                    _ if Criterion::parse_name(key).is_ok() => format!(
                        "did you mean `weight.{key}` (its weight) or `position.{key}` (its place \
                         in the order)? parameters: {listed}"
                    ),
                    _ if Barrier::parse_name(key).is_ok() => {
                        format!("did you mean `mitigation.{key}`? parameters: {listed}")
                    }
                    Some(s) => format!("did you mean `{s}`? parameters: {listed}"),
                    None => format!("parameters that can be swept: {listed}"),
                };
                t.error(span, key, format!("unknown sweep parameter `{key}`")).help(help);
            }
        }
    }
    check_axes(t, &axes, settings);
    axes
}

fn push_axis(
    t: &Table<'_, '_>,
    key: &str,
    span: Range<usize>,
    parameter: Parameter,
    weight_sets: &[At<WeightSet>],
    axes: &mut Vec<SweepAxis>,
) {
    if axes.iter().any(|a| a.parameter == parameter) {
        t.error(span, key, format!("`{}` is swept twice", parameter.name()))
            .help("list all its values in one array");
        return;
    }
    let Some(items) = t.array(key) else { return };
    if items.is_empty() {
        t.error(span, key, format!("the sweep over `{}` has no values", parameter.name()))
            .help("list at least one value, or remove the parameter");
        return;
    }
    if items.len() > MAX_RUNS {
        // Refused at once: one axis alone exceeds the runs allowed.
        t.error(
            span,
            key,
            format!(
                "the sweep over `{}` has {} values, more than {MAX_RUNS} runs",
                parameter.name(),
                items.len()
            ),
        )
        .help("sweep fewer values, or split the scenario into several files");
        return;
    }
    let mut values: Vec<At<SweepValue>> = Vec::with_capacity(items.len());
    // Labels seen, so that finding a repeat is linear in the values, not quadratic.
    let mut labels = std::collections::HashSet::with_capacity(items.len());
    for (path, item) in items {
        let Some(value) = read_value(t, &path, item, parameter, weight_sets) else { continue };
        let label = value.label();
        if !labels.insert(label.clone()) {
            t.error(item.span(), &path, format!("value {label} is listed twice"))
                .help("list each value once; run names must differ");
            continue;
        }
        values.push(At::new(value, place(t, item.span(), &path)));
    }
    axes.push(SweepAxis { parameter, place: place(t, span, key), values });
}

/// Reads one value of a parameter, recording a located problem if it is not valid.
fn read_value(
    t: &Table<'_, '_>,
    path: &str,
    item: &Sp<DeValue<'_>>,
    parameter: Parameter,
    weight_sets: &[At<WeightSet>],
) -> Option<SweepValue> {
    let raw = item.get_ref();
    let span = item.span();
    let wrong = |expected: &str| {
        t.error(span.clone(), path, format!("expected {expected}, found {}", found(raw)))
            .help(format!("write each value of `{}` as {expected}", parameter.name()));
    };
    let text = match raw {
        DeValue::String(s) => Some(s.as_ref()),
        _ => None,
    };
    match parameter {
        Parameter::Method => {
            let Some(text) = text else {
                wrong("a method name");
                return None;
            };
            match MethodName::parse(text) {
                Ok(MethodName::Explicit) => {
                    t.error(span, path, "explicit weights cannot be swept as a method")
                        .help("sweep `weights` over named [weight_sets] tables instead");
                    None
                }
                Ok(m) => Some(SweepValue::Method(m)),
                Err(err) => {
                    t.unknown(span, path, &err);
                    None
                }
            }
        }
        Parameter::Weights => {
            let Some(text) = text else {
                wrong("\"survey\" or the name of a [weight_sets] table");
                return None;
            };
            if text == "survey" {
                return Some(SweepValue::Weights(None));
            }
            if let Some(set) = weight_sets.iter().find(|s| s.value.name == text) {
                return Some(SweepValue::Weights(Some(set.clone())));
            }
            let names: Vec<&str> = std::iter::once("survey")
                .chain(weight_sets.iter().map(|s| s.value.name.as_str()))
                .collect();
            let help = match closest(text, names.iter().copied()) {
                Some(s) => format!("did you mean \"{s}\"? known: {}", names.join(", ")),
                None => format!(
                    "use \"survey\" or the name of a [weight_sets.NAME] table; known: {}",
                    names.join(", ")
                ),
            };
            t.error(span, path, format!("unknown weight set \"{text}\"")).help(help);
            None
        }
        Parameter::Mutual => {
            let Some(text) = text else {
                wrong("a mutual-score name");
                return None;
            };
            match Mutual::parse_name(text) {
                Ok(m) => Some(SweepValue::Mutual(m)),
                Err(err) => {
                    t.unknown(span, path, &err);
                    None
                }
            }
        }
        Parameter::Top => {
            let n = match raw {
                DeValue::Integer(_) | DeValue::Float(_) => as_number(raw),
                _ => {
                    wrong("a whole number");
                    return None;
                }
            };
            match n {
                Some(n) if n.fract() == 0.0 && (1.0..=MAX_TOP as f64).contains(&n) => {
                    Some(SweepValue::Top(n as usize))
                }
                _ => {
                    t.error(span, path, "`top` must be a whole number from 1 to 10000")
                        .help("give how many candidates to keep per body");
                    None
                }
            }
        }
        Parameter::Position(_) => {
            let n = match raw {
                DeValue::Integer(_) | DeValue::Float(_) => as_number(raw),
                _ => {
                    wrong("a whole number");
                    return None;
                }
            };
            match n {
                Some(n) if n.fract() == 0.0 && (1.0..=Criterion::COUNT as f64).contains(&n) => {
                    Some(SweepValue::Position(n as usize))
                }
                _ => {
                    t.error(
                        span,
                        path,
                        format!("a position must be a whole number from 1 to {}", Criterion::COUNT),
                    )
                    .help("give the criterion's place in the order: 1 is the highest");
                    None
                }
            }
        }
        Parameter::Exponent
        | Parameter::WithinKm
        | Parameter::Mitigation(_)
        | Parameter::Weight(_) => {
            let Some(x) = as_number(raw) else {
                wrong("a finite number");
                return None;
            };
            match parameter {
                Parameter::Mitigation(_) if !(0.0..=1.0).contains(&x) => {
                    t.error(span, path, format!("mitigation {x} is outside [0, 1]")).help(
                        "give the share of the severity removed: 0 changes nothing, 0.5 halves \
                         it, 1 removes the barrier",
                    );
                    None
                }
                Parameter::Mitigation(_) => Some(SweepValue::Mitigation(x)),
                Parameter::Weight(_) if !(0.0..=1.0).contains(&x) => {
                    t.error(span, path, format!("weight {x} is outside [0, 1]")).help(
                        "give the criterion's share of the total weight, from 0 to 1; the other \
                         criteria share the rest in proportion to their weights",
                    );
                    None
                }
                Parameter::Weight(_) => Some(SweepValue::Weight(x)),
                _ if x < 0.0 => {
                    t.error(span, path, format!("`{}` is negative ({x})", parameter.name()))
                        .help("give a number of at least 0");
                    None
                }
                Parameter::Exponent => Some(SweepValue::Exponent(x)),
                _ => Some(SweepValue::WithinKm(x)),
            }
        }
        Parameter::Focus => {
            let names: Vec<(String, Range<usize>, String)> = match raw {
                DeValue::String(s) => vec![(s.to_string(), span.clone(), path.to_owned())],
                DeValue::Array(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for (j, inner) in items.iter().enumerate() {
                        match inner.get_ref() {
                            DeValue::String(s) => {
                                out.push((s.to_string(), inner.span(), format!("{path}[{j}]")));
                            }
                            other => {
                                t.error(
                                    inner.span(),
                                    &format!("{path}[{j}]"),
                                    format!("expected a service name, found {}", found(other)),
                                )
                                .help("write services as strings, for example \"legal\"");
                                return None;
                            }
                        }
                    }
                    out
                }
                _ => {
                    wrong("a service name or an array of them");
                    return None;
                }
            };
            let mut set = ServiceSet::EMPTY;
            let mut ok = true;
            for (name, span, path) in names {
                match Service::parse_name(&name) {
                    Ok(s) => {
                        set.insert(s);
                    }
                    Err(err) => {
                        t.unknown(span, &path, &err);
                        ok = false;
                    }
                }
            }
            ok.then_some(SweepValue::Focus(set))
        }
        Parameter::ExcludePartners => match raw {
            DeValue::Boolean(b) => Some(SweepValue::ExcludePartners(*b)),
            _ => {
                wrong("true or false");
                None
            }
        },
    }
}

fn barrier_names() -> Vec<&'static str> {
    Barrier::all().iter().map(|b| b.name()).collect()
}

fn criterion_names() -> Vec<&'static str> {
    Criterion::all().iter().map(|c| c.name()).collect()
}

/// Checks the axes against each other and against the rest of the file.
fn check_axes(t: &Table<'_, '_>, axes: &[SweepAxis], settings: &RunSettings) {
    let axis = |p: Parameter| axes.iter().find(|a| a.parameter == p);
    let weights = &settings.weights;
    let base_explicit = weights.explicit.is_some()
        || weights.method.as_ref().is_some_and(|m| m.value == MethodName::Explicit);
    let report = |at: &Place, message: String, help: &str| {
        t.report(at.diagnostic(message).help(help));
    };
    if let (Some(_), Some(w)) = (axis(Parameter::Method), axis(Parameter::Weights)) {
        report(
            &w.place,
            "`method` and `weights` cannot both be swept".to_owned(),
            "sweep one of them: weight sets are explicit weights, which no method changes",
        );
    }
    if let Some(m) = axis(Parameter::Method)
        && base_explicit
    {
        report(
            &m.place,
            "the sweep over `method` conflicts with explicit weights in [weights]".to_owned(),
            "remove the explicit weights from [weights], or sweep `weights` over [weight_sets]",
        );
    }
    if let Some(w) = axis(Parameter::Weights)
        && base_explicit
    {
        report(
            &w.place,
            "the sweep over `weights` conflicts with explicit weights in [weights]".to_owned(),
            "move the explicit weights into a [weight_sets.NAME] table and list NAME in the sweep",
        );
    }
    if let Some(e) = axis(Parameter::Exponent) {
        let base = weights.method.as_ref().is_some_and(|m| m.value == MethodName::RankExponent);
        if !base || axis(Parameter::Method).is_some() {
            report(
                &e.place,
                "the sweep over `exponent` needs method \"rank_exponent\" in [weights]".to_owned(),
                "set `method = \"rank_exponent\"` in [weights] and do not sweep `method`",
            );
        }
    }
    for family in [Parameter::Weight as fn(Criterion) -> Parameter, Parameter::Position] {
        let swept: Vec<&SweepAxis> = axes
            .iter()
            .filter(|a| Criterion::all().iter().any(|c| a.parameter == family(*c)))
            .collect();
        if let [first, second, ..] = swept.as_slice() {
            let (what, help) = if matches!(first.parameter, Parameter::Weight(_)) {
                (
                    "weight",
                    "sweep one criterion's weight per scenario: the others are rescaled in \
                     proportion to it; put the other sweep in a second scenario file",
                )
            } else {
                (
                    "position",
                    "sweep one criterion's position per scenario: the others keep their order \
                     around it; put the other sweep in a second scenario file",
                )
            };
            report(
                &second.place,
                format!(
                    "only one criterion's {what} can be swept, but `{}` and `{}` are",
                    first.parameter.name(),
                    second.parameter.name()
                ),
                help,
            );
        }
    }
    for a in axes {
        if let Parameter::Weight(c) = a.parameter
            && let Some(p) = axis(Parameter::Position(c))
        {
            report(
                &p.place,
                format!("`{}` is swept with `{}`", p.parameter.name(), a.parameter.name()),
                "a criterion's position does not matter once its weight is set: sweep one of them",
            );
        }
        if let Parameter::Position(_) = a.parameter
            && (base_explicit || axis(Parameter::Weights).is_some())
        {
            report(
                &a.place,
                format!("the sweep over `{}` needs rank-based weights", a.parameter.name()),
                "explicit weights do not come from the order: remove them from [weights] and do \
                 not sweep `weights`, or sweep `weight.CRITERION` instead",
            );
        }
    }
    for a in axes {
        if let Parameter::Mitigation(b) = a.parameter {
            let n = settings.mitigations.iter().filter(|m| m.barrier == b).count();
            if n > 1 {
                report(
                    &a.place,
                    format!("`{}` matches {n} [[mitigation]] tables", a.parameter.name()),
                    "keep one [[mitigation]] table for this barrier, or sweep none of them",
                );
            }
        }
    }
}

/// Checks that a sweep expands to at most `MAX_RUNS` runs with names of a usable length.
pub(super) fn check_expansion(
    name: &At<String>,
    axes: &[SweepAxis],
    root: &Table<'_, '_>,
) -> Result<(), Diagnostic> {
    let at = || {
        let span = root.raw("sweep").map(Sp::span).unwrap_or(0..0);
        place(root, span, "sweep")
    };
    let mut n: usize = 1;
    for a in axes {
        n = n.saturating_mul(a.values.len());
    }
    if n > MAX_RUNS {
        return Err(at()
            .diagnostic(format!("the sweep expands to {n} runs, more than {MAX_RUNS}"))
            .help("sweep fewer parameters or values, or split the scenario into several files"));
    }
    let longest: usize = name.value.len()
        + axes
            .iter()
            .map(|a| {
                let value = a.values.iter().map(|v| v.value.label().len()).max().unwrap_or(0);
                2 + a.parameter.name().len() + 1 + value
            })
            .sum::<usize>();
    if longest > MAX_RUN_NAME {
        return Err(at()
            .diagnostic(format!(
                "run names would be up to {longest} characters long, more than {MAX_RUN_NAME}"
            ))
            .help("shorten the scenario name or the weight set names, or sweep fewer parameters"));
    }
    Ok(())
}

/// Applies one swept value to the settings.
fn apply(parameter: Parameter, value: &At<SweepValue>, axis_place: &Place, s: &mut RunSettings) {
    let at = |x: f64| At::new(x, value.place.clone());
    match &value.value {
        SweepValue::Method(m) => s.weights.method = Some(At::new(*m, value.place.clone())),
        SweepValue::Exponent(p) => s.weights.exponent = Some(at(*p)),
        SweepValue::Weights(set) => s.weights.explicit = set.clone(),
        SweepValue::Mutual(m) => s.mutual = *m,
        SweepValue::Top(n) => s.top = *n,
        SweepValue::WithinKm(d) => s.within_km = Some(*d),
        SweepValue::Focus(set) => s.focus = *set,
        SweepValue::ExcludePartners(b) => s.exclude_partners = *b,
        SweepValue::Weight(w) => {
            if let Parameter::Weight(c) = parameter {
                s.weights.pinned = Some((c, at(*w)));
            }
        }
        SweepValue::Position(n) => {
            if let Parameter::Position(c) = parameter {
                s.weights.moved = Some((c, At::new(*n, value.place.clone())));
            }
        }
        SweepValue::Mitigation(r) => {
            let Parameter::Mitigation(barrier) = parameter else { return };
            match s.mitigations.iter_mut().find(|m| m.barrier == barrier) {
                Some(m) => m.reduce_by = at(*r),
                None => s.mitigations.push(Mitigation {
                    barrier,
                    reduce_by: at(*r),
                    bodies: None,
                    note: None,
                    place: axis_place.clone(),
                }),
            }
        }
    }
}

/// The runs of a scenario named `scenario_name` with these settings and sweep: one per
/// combination of swept values (the first parameter varies slowest), or the settings alone
/// when nothing is swept. Named `name__parameter=value__...` in sweep order.
pub(super) fn expand(scenario_name: &str, base: &RunSettings, sweep: &[SweepAxis]) -> Vec<RunSpec> {
    let n: usize = sweep.iter().map(|a| a.values.len()).product();
    let mut out = Vec::with_capacity(n);
    for combination in 0..n {
        let mut settings = base.clone();
        let mut name = scenario_name.to_owned();
        let mut assignments = Vec::with_capacity(sweep.len());
        // Mixed-radix digits of `combination`, the last axis fastest.
        let mut rest = combination;
        let mut digits = vec![0; sweep.len()];
        for (i, axis) in sweep.iter().enumerate().rev() {
            let len = axis.values.len().max(1);
            digits[i] = rest % len;
            rest /= len;
        }
        for (axis, &d) in sweep.iter().zip(&digits) {
            let Some(value) = axis.values.get(d) else { continue };
            apply(axis.parameter, value, &axis.place, &mut settings);
            let parameter = axis.parameter.name();
            let label = value.value.label();
            name.push_str(&format!("__{parameter}={label}"));
            assignments.push(Assignment { parameter, value: label });
        }
        out.push(RunSpec { name, assignments, settings });
    }
    out
}
