//! Scenario files in: the TOML of one scenario read with the spanned reader into a typed
//! `Scenario`, every problem reported with its file, line, column, field and a fix ("did you
//! mean"). Checks each value on its own and the settings against each other; checks that need
//! the data (bodies, filter values) belong to `plan`. Reads only the scenario file itself.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::spec::{
    At, FilterSpec, MAX_TOP, Mitigation, RunSettings, WeightChoice, WeightSet, place,
};
use super::sweep::{RunSpec, SweepAxis, read_sweep};
use crate::diagnostic::{Diagnostic, Diagnostics, Location, Place, SourceText};
use crate::filter::Filter;
use crate::input::read_text;
use crate::input::toml::{Sp, Table, TomlReader};
use crate::model::{
    Barrier, CriteriaOrder, Criterion, Enumeration, Kind, Payback, Reason, Sector, ServiceSet,
    Severity,
};
use crate::profiles::{
    read_barriers, read_criteria_order, read_positive_integer, read_positive_number, read_services,
};
use crate::score::Mutual;
use crate::weights::{ExplicitWeights, MethodName, parse_order};

/// The longest scenario name, so that run names stay well inside file-name limits.
const MAX_NAME: usize = 80;

/// Top-level keys of a scenario file, in documented order.
pub(super) const ROOT_FIELDS: &[&str] = &[
    "name",
    "description",
    "dataset",
    "profiles",
    "survey",
    "top",
    "mutual",
    "focus",
    "weights",
    "weight_sets",
    "candidates",
    "subjects",
    "mitigation",
    "override",
    "sweep",
    "output",
];
const WEIGHTS_FIELDS: &[&str] = &["method", "exponent", "order", "explicit"];
const CANDIDATES_FIELDS: &[&str] =
    &["sectors", "kinds", "regions", "nations", "within_areas", "within_km", "exclude_partners"];
const SUBJECTS_FIELDS: &[&str] =
    &["all", "bodies", "sectors", "kinds", "regions", "nations", "within_areas"];
const FILTER_FIELDS: &[&str] = &["sectors", "kinds", "regions", "nations", "within_areas"];
const MITIGATION_FIELDS: &[&str] = &["barrier", "reduce_by", "bodies", "note"];
const OVERRIDE_FIELDS: &[&str] = &[
    "bodies",
    "note",
    "services_sought",
    "services_offered",
    "add_services_sought",
    "add_services_offered",
    "barriers",
    "reasons",
    "population",
    "budget_gbp",
    "payback",
    "criteria_order",
];
const OUTPUT_FIELDS: &[&str] = &["csv", "explain"];

/// Where a scenario's dataset or survey comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The data compiled into the binary.
    Embedded,
    /// A path, as written in the scenario file and resolved against the file's folder.
    Path {
        /// As written (recorded in manifests, so that they hold no absolute path the author did
        /// not write).
        written: String,
        /// Resolved against the scenario file's folder.
        resolved: PathBuf,
    },
}

impl Source {
    /// `embedded`, or the path as written.
    pub fn describe(&self) -> &str {
        match self {
            Source::Embedded => "embedded",
            Source::Path { written, .. } => written,
        }
    }
}

/// Which bodies a scenario ranks partners for.
#[derive(Debug, Clone, PartialEq)]
pub enum Subjects {
    /// Every body of the dataset (the default).
    All,
    /// The bodies listed, by id or name.
    Bodies(Vec<At<String>>),
    /// The bodies that pass a filter.
    Filter(Box<FilterSpec>),
}

/// What a profile override changes; fields left `None` are kept. Serialised into manifests.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ProfileChanges {
    /// Replaces the services sought.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub services_sought: Option<ServiceSet>,
    /// Replaces the services offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub services_offered: Option<ServiceSet>,
    /// Added to the services sought (which become known if they were not).
    #[serde(skip_serializing_if = "no_services")]
    pub add_services_sought: ServiceSet,
    /// Added to the services offered.
    #[serde(skip_serializing_if = "no_services")]
    pub add_services_offered: ServiceSet,
    /// Sets these barriers' severities (others are kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub barriers: Option<BTreeMap<Barrier, Severity>>,
    /// Replaces the reasons for sharing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons: Option<Vec<Reason>>,
    /// Replaces the population.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// Replaces the budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_gbp: Option<f64>,
    /// Replaces the payback horizon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payback: Option<Payback>,
    /// Replaces the body's own criteria order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria_order: Option<CriteriaOrder>,
}

fn no_services(set: &ServiceSet) -> bool {
    set.is_empty()
}

impl ProfileChanges {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Applies the changes to one profile.
    pub fn apply(&self, o: &mut crate::model::Organisation) {
        if let Some(s) = self.services_sought {
            o.services_sought = Some(s);
        }
        if let Some(s) = self.services_offered {
            o.services_offered = Some(s);
        }
        if !self.add_services_sought.is_empty() {
            let base = o.services_sought.unwrap_or_default();
            o.services_sought = Some(base.union(self.add_services_sought));
        }
        if !self.add_services_offered.is_empty() {
            let base = o.services_offered.unwrap_or_default();
            o.services_offered = Some(base.union(self.add_services_offered));
        }
        if let Some(barriers) = &self.barriers {
            let map = o.barriers.get_or_insert_with(BTreeMap::new);
            map.extend(barriers.iter().map(|(b, s)| (*b, *s)));
        }
        if let Some(reasons) = &self.reasons {
            o.reasons = Some(reasons.clone());
        }
        if let Some(p) = self.population {
            o.population = Some(p);
        }
        if let Some(b) = self.budget_gbp {
            o.budget_gbp = Some(b);
        }
        if let Some(p) = self.payback {
            o.payback = Some(p);
        }
        if let Some(order) = &self.criteria_order {
            o.criteria_order = Some(order.clone());
        }
    }
}

/// A profile override: "what if these bodies ...". Hypothetical by nature: manifests record it
/// so that nobody mistakes its effect for data.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The bodies changed, by id or name.
    pub bodies: Vec<At<String>>,
    /// What changes.
    pub changes: ProfileChanges,
    /// Why, for the manifest.
    pub note: Option<String>,
    /// Where the `[[override]]` table was written.
    pub place: Place,
}

/// What a run writes besides `manifest.json` and `rankings.json` (always written: it is what
/// `compare` reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OutputOptions {
    /// Write `rankings.csv` too (default true).
    pub csv: bool,
    /// Include every criterion's value, weight, contribution and reason both ways (default
    /// false: scores only).
    pub explain: bool,
}

impl Default for OutputOptions {
    fn default() -> Self {
        Self { csv: true, explain: false }
    }
}

/// A parsed scenario file. Invariant: every value is valid on its own and the settings agree
/// with each other (explicit weights with the explicit method, an exponent only with
/// `rank_exponent`, sweeps that expand to at most `MAX_RUNS` distinctly named runs).
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The scenario's name: file-name safe, the first part of every run name.
    pub name: At<String>,
    /// What the scenario is about.
    pub description: Option<String>,
    /// The file, as given.
    pub file: Arc<Path>,
    /// SHA-256 of the file's text, for manifests.
    pub file_sha256: String,
    /// The dataset, and where `dataset` was written (if it was).
    pub dataset: (Source, Option<Place>),
    /// Profile layers laid over the dataset in order (`profiles = ["our.toml"]`), each a path
    /// as written and resolved, and where it was written.
    pub profiles: Vec<(Source, Place)>,
    /// The survey file, and where `survey` was written (if it was).
    pub survey: (Source, Option<Place>),
    /// The settings before sweeps.
    pub settings: RunSettings,
    /// Named explicit weight sets for the `weights` sweep.
    pub weight_sets: Vec<At<WeightSet>>,
    /// Which bodies to rank.
    pub subjects: Subjects,
    /// Profile overrides, in file order.
    pub overrides: Vec<Override>,
    /// What to write.
    pub output: OutputOptions,
    /// Parameters to sweep, in file order.
    pub sweep: Vec<SweepAxis>,
    /// What is valid but may surprise (explicit weights that do not sum to 1, and so are
    /// rescaled), located like problems; the command line prints them as warnings.
    pub warnings: Vec<Diagnostic>,
}

/// The bodies a scenario file names, read leniently from a file that failed to parse (its own
/// problems were reported then), so that bodies unknown to its dataset are reported in the
/// same run rather than only once the rest is fixed.
pub(super) struct BodyReferences {
    /// The dataset the bodies must be in.
    pub dataset: (Source, Option<Place>),
    /// The profile layers laid over it, which may add bodies.
    pub profiles: Vec<(Source, Place)>,
    /// The subjects listed.
    pub subjects: Subjects,
    /// The overrides, with the bodies each changes.
    pub overrides: Vec<Override>,
}

/// Reads a scenario file's `BodyReferences`, or `None` when it is not readable TOML.
pub(super) fn read_body_references(path: &Path) -> Option<BodyReferences> {
    let source = read_text(path).ok()?;
    let reader = TomlReader::new(&source);
    let document = reader.parse()?;
    let root = reader.root(&document);
    let file: Arc<Path> = source.path().clone();
    Some(BodyReferences {
        dataset: read_source(&root, "dataset", &file),
        profiles: read_profiles(&root, &file),
        subjects: read_subjects(&root),
        overrides: read_overrides(&root),
    })
}

impl Scenario {
    /// Reads and parses a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, Diagnostics> {
        let source = read_text(path)?;
        Self::parse(&source)
    }

    /// The scenario's runs: one per combination of swept values (the first parameter varies
    /// slowest), or the scenario itself when nothing is swept. Named
    /// `name__parameter=value__...` in sweep order.
    pub fn runs(&self) -> Vec<RunSpec> {
        super::sweep::expand(&self.name.value, &self.settings, &self.sweep)
    }

    /// Parses a scenario file's text, reporting every problem found.
    pub fn parse(source: &SourceText) -> Result<Scenario, Diagnostics> {
        let reader = TomlReader::new(source);
        let Some(document) = reader.parse() else {
            return Err(reader.into_diagnostics());
        };
        let scenario = read_scenario(&reader.root(&document));
        let mut diagnostics = reader.into_diagnostics();
        match scenario {
            Some(scenario) if diagnostics.is_empty() => Ok(scenario),
            // Every path that fails records a problem; the fallback guards against one that
            // does not.
            _ if diagnostics.is_empty() => {
                Err(Diagnostic::new(Location::file(source.path().clone()), "invalid scenario file")
                    .into())
            }
            _ => {
                diagnostics.sort();
                Err(diagnostics)
            }
        }
    }
}

/// The place of a key's value, or of the table when the key is absent.
fn key_place(t: &Table<'_, '_>, key: &str) -> Place {
    let span = t.raw(key).map(Sp::span).unwrap_or_else(|| t.span());
    place(t, span, key)
}

/// The place of a table itself.
fn table_place(t: &Table<'_, '_>) -> Place {
    Place::new(t.source().location(t.span().start), t.path().to_owned())
}

/// Hex SHA-256 of bytes. SHA-256 (FIPS 180-4) is fixed by a standard, so a hash written today
/// can be checked by any tool tomorrow, unlike `std`'s hashers, whose algorithm may change
/// between Rust releases.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    let digest = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest.iter() {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Whether a name is safe as a folder name on every common system: ASCII letters, digits, `-`,
/// `_` and `.`, starting with a letter or digit, not ending in `.` (Windows drops it), and not
/// a name Windows reserves for a device (`CON`, `NUL`, `COM1`, ..., also with an extension:
/// `nul.txt`), in any case.
pub(super) fn is_safe_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && !name.ends_with('.')
        && !is_reserved_name(name)
}

/// Whether Windows reserves a name (before its first `.`) for a device.
fn is_reserved_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
    match stem.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" => true,
        _ => {
            let (word, digit) = stem.split_at(stem.len().min(3));
            (word == "COM" || word == "LPT")
                && digit.len() == 1
                && digit.bytes().all(|b| (b'1'..=b'9').contains(&b))
        }
    }
}

/// A file-name safe form of any text: unsafe characters become `-`.
pub(super) fn safe_name(text: &str) -> String {
    let mapped: String = text
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "-_.+".contains(c) { c } else { '-' })
        .collect();
    let trimmed = mapped.trim_start_matches(['-', '.', '+']).trim_end_matches('.');
    if trimmed.is_empty() {
        "x".to_owned()
    } else if is_reserved_name(trimmed) {
        format!("x-{trimmed}")
    } else {
        trimmed.to_owned()
    }
}

fn read_scenario(root: &Table<'_, '_>) -> Option<Scenario> {
    if root.contains("organisation") || root.contains("id") {
        let message = "this looks like a profile file, not a scenario file";
        let help = "a scenario names its data with `dataset = \"path\"`; see docs/scenarios.md";
        root.report(Diagnostic::new(root.source().location(0), message).help(help));
        return None;
    }
    if root.contains("criteria") && root.contains("barriers") {
        let message = "this looks like a survey file, not a scenario file";
        let help = "a scenario names its survey with `survey = \"path\"`; see docs/scenarios.md";
        root.report(Diagnostic::new(root.source().location(0), message).help(help));
        return None;
    }
    root.deny_unknown(ROOT_FIELDS);
    let errors_before = root.error_count();
    let file: Arc<Path> = root.source().path().clone();

    let name = read_name(root);
    let description = root.text("description").map(Sp::into_inner);
    let dataset = read_source(root, "dataset", &file);
    let profiles = read_profiles(root, &file);
    let survey = read_source(root, "survey", &file);
    let top = read_top(root, "top").unwrap_or(10);
    let mutual = read_mutual(root, "mutual").unwrap_or_default();
    let focus = read_services(root, "focus").unwrap_or_default();
    let weights = root.table("weights").map(|t| read_weights(&t)).unwrap_or_default();
    let weight_sets = read_weight_sets(root);
    let (candidates, within_km, exclude_partners) = match root.table("candidates") {
        Some(t) => {
            t.deny_unknown(CANDIDATES_FIELDS);
            let within_km = read_distance(&t, "within_km");
            let exclude = t.boolean("exclude_partners").is_some_and(Sp::into_inner);
            (read_filter(&t), within_km, exclude)
        }
        None => (FilterSpec::default(), None, false),
    };
    let subjects = read_subjects(root);
    let mitigations = read_mitigations(root);
    let overrides = read_overrides(root);
    let output = read_output(root);

    let settings = RunSettings {
        weights,
        mutual,
        top,
        focus,
        candidates,
        within_km,
        exclude_partners,
        mitigations,
    };
    let sweep = match root.table("sweep") {
        Some(t) => read_sweep(&t, &settings, &weight_sets),
        None => Vec::new(),
    };
    check_weights(root, &settings.weights, &sweep);
    let name = name?;
    if let Err(diagnostic) = super::sweep::check_expansion(&name, &sweep, root) {
        root.report(diagnostic);
    }
    if root.error_count() > errors_before {
        return None;
    }
    let warnings =
        settings.weights.explicit.iter().chain(&weight_sets).filter_map(rescale_warning).collect();
    Some(Scenario {
        warnings,
        name,
        description,
        file,
        file_sha256: sha256_hex(root.source().text().as_bytes()),
        dataset,
        profiles,
        survey,
        settings,
        weight_sets,
        subjects,
        overrides,
        output,
        sweep,
    })
}

/// The warning for explicit weights that do not sum to 1: they are divided by their sum (only
/// their ratios matter), and the warning shows the weights that are used.
fn rescale_warning(set: &At<WeightSet>) -> Option<Diagnostic> {
    let weights = &set.value.weights;
    if weights.sums_to_one() {
        return None;
    }
    let total = weights.sum();
    let used: Vec<String> = Criterion::all()
        .iter()
        .zip(weights.values())
        .map(|(c, w)| format!("{c} {}", super::sweep::number_label(round4(w / total))))
        .collect();
    Some(
        set.place
            .diagnostic(format!(
                "the explicit weights sum to {}, not 1: each is divided by {0}, so the weights \
                 used are {}",
                super::sweep::number_label((total * 1e9).round() / 1e9),
                used.join(", ")
            ))
            .help(
                "give weights that sum to 1 to use them as written; manifests record the weights \
                 used under weights.criteria",
            ),
    )
}

/// Rounded to four decimal places, for messages.
fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

fn read_name(root: &Table<'_, '_>) -> Option<At<String>> {
    let Some(name) = root.text("name") else {
        if !root.contains("name") {
            root.missing(
                "name",
                "add `name = \"...\"`: letters, digits, `-`, `_` and `.`; it names the output \
                 folder",
            );
        }
        return None;
    };
    let text = name.get_ref();
    if !is_safe_name(text) || text.len() > MAX_NAME {
        let suggestion = safe_name(text).chars().take(MAX_NAME).collect::<String>();
        root.error(
            name.span(),
            "name",
            format!("scenario name \"{text}\" is not safe as a folder name"),
        )
        .help(format!(
            "use at most {MAX_NAME} letters, digits, `-`, `_` and `.`, starting with a letter or \
             digit; did you mean \"{suggestion}\"?"
        ));
        return None;
    }
    let at = place(root, name.span(), "name");
    Some(At::new(name.into_inner(), at))
}

fn read_source(root: &Table<'_, '_>, key: &str, file: &Path) -> (Source, Option<Place>) {
    let Some(text) = root.text(key) else {
        return (Source::Embedded, None);
    };
    let at = place(root, text.span(), key);
    let written = text.into_inner();
    if written == "embedded" {
        return (Source::Embedded, Some(at));
    }
    let folder = file.parent().unwrap_or(Path::new(""));
    let resolved = folder.join(&written);
    (Source::Path { written, resolved }, Some(at))
}

/// `profiles = ["our.toml", ...]`: layer files, resolved against the scenario file's folder.
fn read_profiles(root: &Table<'_, '_>, file: &Path) -> Vec<(Source, Place)> {
    let folder = file.parent().unwrap_or(Path::new(""));
    root.strings("profiles")
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let at = place(root, text.span(), &format!("profiles[{i}]"));
            let written = text.into_inner();
            let resolved = folder.join(&written);
            (Source::Path { written, resolved }, at)
        })
        .collect()
}

fn read_top(t: &Table<'_, '_>, key: &str) -> Option<usize> {
    let value = t.integer(key)?;
    match usize::try_from(*value.get_ref()) {
        Ok(n) if (1..=MAX_TOP).contains(&n) => Some(n),
        _ => {
            t.error(value.span(), key, format!("`{key}` is {}", value.get_ref()))
                .help(format!("give how many candidates to keep per body, from 1 to {MAX_TOP}"));
            None
        }
    }
}

fn read_mutual(t: &Table<'_, '_>, key: &str) -> Option<Mutual> {
    t.enumeration::<Mutual>(key).map(Sp::into_inner)
}

fn read_distance(t: &Table<'_, '_>, key: &str) -> Option<f64> {
    let value = t.number(key)?;
    if *value.get_ref() >= 0.0 {
        Some(value.into_inner())
    } else {
        t.error(value.span(), key, format!("`{key}` is negative ({})", value.get_ref()))
            .help("give a distance in km of at least 0, or remove the field");
        None
    }
}

/// Reads `[weights]`. Agreement between the keys (and with sweeps) is checked by
/// `check_weights` once the sweep is known.
fn read_weights(t: &Table<'_, '_>) -> WeightChoice {
    t.deny_unknown(WEIGHTS_FIELDS);
    let method = t.string("method").and_then(|text| match MethodName::parse(text.get_ref()) {
        Ok(m) => Some(At::new(m, place(t, text.span(), "method"))),
        Err(err) => {
            t.unknown(text.span(), "method", &err);
            None
        }
    });
    let exponent = t.number("exponent").and_then(|p| {
        if *p.get_ref() >= 0.0 {
            Some(At::new(p.into_inner(), key_place(t, "exponent")))
        } else {
            t.error(p.span(), "exponent", format!("the exponent is negative ({})", p.get_ref()))
                .help("give p of at least 0: 0 gives equal weights, 1 rank sum");
            None
        }
    });
    let order = read_order(t, "order").map(|o| At::new(o, key_place(t, "order")));
    let explicit = t.table("explicit").and_then(|table| {
        read_explicit(&table).map(|weights| {
            At::new(WeightSet { name: "explicit".to_owned(), weights }, table_place(&table))
        })
    });
    WeightChoice { method, exponent, order, explicit, moved: None, pinned: None }
}

/// A criteria order: the one-line text form (`proximity,service_fit+kind_fit,...`) or an
/// array whose items are criterion names or arrays of tied names.
fn read_order(t: &Table<'_, '_>, key: &str) -> Option<CriteriaOrder> {
    let raw = t.raw(key)?;
    if let ::toml::de::DeValue::String(text) = raw.get_ref() {
        return match parse_order(text) {
            Ok(order) => Some(order),
            Err(err) => {
                t.error(raw.span(), key, err.to_string()).help(format!(
                    "list all {} criteria once each, highest first, separated by commas",
                    Criterion::COUNT_WORD
                ));
                None
            }
        };
    }
    read_criteria_order(t, key)
}

/// A table of explicit criteria weights (`proximity = 0.3`, every criterion once).
fn read_explicit(t: &Table<'_, '_>) -> Option<ExplicitWeights> {
    let keys: Vec<(&str, Range<usize>)> = t.keys().collect();
    let mut pairs = Vec::with_capacity(keys.len());
    let mut ok = true;
    for (key, span) in keys {
        match Criterion::parse_name(key) {
            Ok(criterion) => match t.number(key) {
                Some(w) => pairs.push((criterion, w.into_inner())),
                None => ok = false,
            },
            Err(err) => {
                t.unknown(span, key, &err);
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    match ExplicitWeights::for_criteria(pairs) {
        Ok(weights) => Some(weights),
        Err(err) => {
            t.report(table_place(t).diagnostic(err.to_string()).help(format!(
                "give each of the {} criteria a weight of at least 0, for example \
                 proximity = 0.3; only their ratios matter",
                Criterion::COUNT_WORD
            )));
            None
        }
    }
}

fn read_weight_sets(root: &Table<'_, '_>) -> Vec<At<WeightSet>> {
    let Some(sets) = root.table("weight_sets") else {
        return Vec::new();
    };
    let keys: Vec<(&str, Range<usize>)> = sets.keys().collect();
    let mut out = Vec::with_capacity(keys.len());
    for (name, span) in keys {
        if !is_safe_name(name) || name == "survey" {
            sets.error(span, name, format!("weight set name \"{name}\" cannot be used")).help(
                format!(
                    "name it with letters, digits, `-`, `_` and `.` (not \"survey\", which means \
                     the survey's weights); did you mean \"{}\"?",
                    safe_name(name)
                ),
            );
            continue;
        }
        let Some(table) = sets.table(name) else { continue };
        if let Some(weights) = read_explicit(&table) {
            out.push(At::new(WeightSet { name: name.to_owned(), weights }, table_place(&table)));
        }
    }
    out
}

/// Checks that the `[weights]` keys agree with each other and with the sweep.
fn check_weights(root: &Table<'_, '_>, weights: &WeightChoice, sweep: &[SweepAxis]) {
    use super::sweep::Parameter;
    let swept = |p: Parameter| sweep.iter().find(|a| a.parameter == p);
    let method = weights.method.as_ref();
    if let (Some(m), None) = (method, &weights.explicit)
        && m.value == MethodName::Explicit
    {
        root.report(m.place.diagnostic("method \"explicit\" needs explicit weights").help(
            "add a [weights.explicit] table with one weight per criterion, or choose a \
             rank method such as rank_order_centroid",
        ));
    }
    if let (Some(m), Some(_)) = (method, &weights.explicit)
        && m.value != MethodName::Explicit
    {
        root.report(
            m.place
                .diagnostic(format!("method \"{}\" conflicts with [weights.explicit]", m.value))
                .help(
                    "remove `method` (explicit weights imply method \"explicit\"), or remove \
                     [weights.explicit]",
                ),
        );
    }
    if let Some(p) = &weights.exponent {
        let base_exponent = method.is_some_and(|m| m.value == MethodName::RankExponent);
        let swept_exponent = swept(Parameter::Method).is_some_and(|a| {
            a.values.iter().any(|v| v.value.method() == Some(MethodName::RankExponent))
        });
        if !base_exponent && !swept_exponent {
            root.report(
                p.place
                    .diagnostic("`exponent` applies only to method \"rank_exponent\"")
                    .help("add `method = \"rank_exponent\"`, or remove `exponent`"),
            );
        }
    }
}

/// Reads the filter keys of a table (`sectors`, `kinds`, `regions`, `nations`,
/// `within_areas`).
fn read_filter(t: &Table<'_, '_>) -> FilterSpec {
    let mut spec = FilterSpec { table: Some(table_place(t)), ..FilterSpec::default() };
    let mut places = |key: &'static str, spans: Vec<Range<usize>>| {
        for (i, span) in spans.into_iter().enumerate() {
            spec.places.push((key, i, place(t, span, &format!("{key}[{i}]"))));
        }
    };
    let mut filter = Filter::default();
    if let Some(items) = t.enumerations::<Sector>("sectors") {
        places("sectors", items.iter().map(Sp::span).collect());
        filter.sectors = items.into_iter().map(Sp::into_inner).collect();
    }
    if let Some(items) = t.enumerations::<Kind>("kinds") {
        places("kinds", items.iter().map(Sp::span).collect());
        filter.kinds = items.into_iter().map(Sp::into_inner).collect();
    }
    for key in ["regions", "nations", "within_areas"] {
        if let Some(items) = t.strings(key) {
            places(key, items.iter().map(Sp::span).collect());
            let values = items.into_iter().map(Sp::into_inner).collect();
            match key {
                "regions" => filter.regions = values,
                "nations" => filter.nations = values,
                _ => filter.within_areas = values,
            }
        }
    }
    spec.filter = filter;
    spec
}

/// A non-empty list of bodies, by id or name.
fn read_bodies(t: &Table<'_, '_>, key: &str) -> Option<Vec<At<String>>> {
    let items = t.strings(key)?;
    if items.is_empty() {
        t.error(key_place_span(t, key), key, format!("`{key}` is empty"))
            .help("list at least one body by id or name, or remove the field");
        return None;
    }
    let mut out: Vec<At<String>> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let field = format!("{key}[{i}]");
        if out.iter().any(|seen| seen.value.eq_ignore_ascii_case(item.get_ref())) {
            t.error(item.span(), &field, format!("\"{}\" is listed twice", item.get_ref()))
                .help("list each body once");
            continue;
        }
        let at = place(t, item.span(), &field);
        out.push(At::new(item.into_inner(), at));
    }
    Some(out)
}

fn key_place_span(t: &Table<'_, '_>, key: &str) -> Range<usize> {
    t.raw(key).map(Sp::span).unwrap_or_else(|| t.span())
}

fn read_subjects(root: &Table<'_, '_>) -> Subjects {
    let Some(t) = root.table("subjects") else {
        return Subjects::All;
    };
    t.deny_unknown(SUBJECTS_FIELDS);
    let has_filter = FILTER_FIELDS.iter().any(|k| t.contains(k));
    if let Some(all) = t.boolean("all") {
        if !*all.get_ref() {
            t.error(all.span(), "all", "`all = false` selects no body").help(
                "list `bodies`, give a filter (sectors, kinds, regions, nations, within_areas), or \
                 remove `all`",
            );
        } else if has_filter || t.contains("bodies") {
            t.error(all.span(), "all", "`all = true` conflicts with the other keys of [subjects]")
                .help("remove `all`, or remove `bodies` and the filter keys");
        }
        return Subjects::All;
    }
    if t.contains("bodies") {
        if has_filter {
            t.error(
                key_place_span(&t, "bodies"),
                "bodies",
                "give either `bodies` or a filter, not both",
            )
            .help(
                "list the bodies to rank, or select them with sectors, kinds, regions, nations and \
                 within_areas",
            );
        }
        return read_bodies(&t, "bodies").map_or(Subjects::All, Subjects::Bodies);
    }
    if has_filter { Subjects::Filter(Box::new(read_filter(&t))) } else { Subjects::All }
}

fn read_mitigations(root: &Table<'_, '_>) -> Vec<Mitigation> {
    let Some(tables) = root.tables("mitigation") else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(tables.len());
    for t in tables {
        t.deny_unknown(MITIGATION_FIELDS);
        let barrier = t.enumeration::<Barrier>("barrier");
        if barrier.is_none() && !t.contains("barrier") {
            let names: Vec<&str> = Barrier::all().iter().map(|b| b.name()).collect();
            t.missing("barrier", &format!("add `barrier = \"...\"`, one of: {}", names.join(", ")));
        }
        let reduce_by = t.number("reduce_by").and_then(|r| {
            if (0.0..=1.0).contains(r.get_ref()) {
                Some(At::new(r.into_inner(), key_place(&t, "reduce_by")))
            } else {
                t.error(
                    r.span(),
                    "reduce_by",
                    format!("`reduce_by` is {}, outside [0, 1]", r.get_ref()),
                )
                .help(
                    "give the share of the severity removed: 0 changes nothing, 0.5 halves \
                     it, 1 removes the barrier",
                );
                None
            }
        });
        if reduce_by.is_none() && !t.contains("reduce_by") {
            t.missing(
                "reduce_by",
                "add `reduce_by = 0.5` (the share of the severity removed, from 0 to 1)",
            );
        }
        let bodies = read_bodies(&t, "bodies");
        let note = t.text("note").map(Sp::into_inner);
        let (Some(barrier), Some(reduce_by)) = (barrier, reduce_by) else { continue };
        out.push(Mitigation {
            barrier: barrier.into_inner(),
            reduce_by,
            bodies,
            note,
            place: table_place(&t),
        });
    }
    out
}

fn read_overrides(root: &Table<'_, '_>) -> Vec<Override> {
    let Some(tables) = root.tables("override") else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(tables.len());
    for t in tables {
        t.deny_unknown(OVERRIDE_FIELDS);
        let bodies = read_bodies(&t, "bodies");
        if bodies.is_none() && !t.contains("bodies") {
            t.missing("bodies", "add `bodies = [\"...\"]`, the bodies this override changes");
        }
        let note = t.text("note").map(Sp::into_inner);
        for (replace, add) in [
            ("services_sought", "add_services_sought"),
            ("services_offered", "add_services_offered"),
        ] {
            if t.contains(replace) && t.contains(add) {
                t.error(
                    key_place_span(&t, add),
                    add,
                    format!("`{add}` conflicts with `{replace}`"),
                )
                .help(format!(
                    "`{replace}` replaces the list and `{add}` adds to it: keep one of them"
                ));
            }
        }
        let changes = ProfileChanges {
            services_sought: read_services(&t, "services_sought"),
            services_offered: read_services(&t, "services_offered"),
            add_services_sought: read_services(&t, "add_services_sought").unwrap_or_default(),
            add_services_offered: read_services(&t, "add_services_offered").unwrap_or_default(),
            barriers: read_barriers(&t),
            reasons: t
                .enumerations::<Reason>("reasons")
                .map(|v| v.into_iter().map(Sp::into_inner).collect()),
            population: read_positive_integer(&t, "population"),
            budget_gbp: read_positive_number(&t, "budget_gbp"),
            payback: t.enumeration::<Payback>("payback").map(Sp::into_inner),
            criteria_order: read_order(&t, "criteria_order"),
        };
        let changes_something = OVERRIDE_FIELDS[2..].iter().any(|k| t.contains(k));
        if !changes_something {
            t.report(
                table_place(&t)
                    .diagnostic("this override changes nothing")
                    .help(format!("give at least one of: {}", OVERRIDE_FIELDS[2..].join(", "))),
            );
        }
        let Some(bodies) = bodies else { continue };
        out.push(Override { bodies, changes, note, place: table_place(&t) });
    }
    out
}

fn read_output(root: &Table<'_, '_>) -> OutputOptions {
    let Some(t) = root.table("output") else {
        return OutputOptions::default();
    };
    t.deny_unknown(OUTPUT_FIELDS);
    let defaults = OutputOptions::default();
    OutputOptions {
        csv: t.boolean("csv").map_or(defaults.csv, Sp::into_inner),
        explain: t.boolean("explain").map_or(defaults.explain, Sp::into_inner),
    }
}

#[cfg(test)]
mod name_tests {
    use super::{is_safe_name, safe_name};

    #[test]
    fn folder_names_safe_everywhere() {
        for bad in
            ["CON", "con", "Nul", "aux.txt", "COM1", "lpt9.x", "a.", "x..", "", "-a", ".a", "a b"]
        {
            assert!(!is_safe_name(bad), "{bad:?}");
            assert!(is_safe_name(&safe_name(bad)), "{bad:?} -> {:?}", safe_name(bad));
        }
        for good in ["console", "COM10", "com", "a.b", "nul1", "baseline_2026", "a-b"] {
            assert!(is_safe_name(good), "{good:?}");
        }
    }
}
