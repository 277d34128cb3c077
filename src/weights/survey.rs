//! The survey file (`profiles/survey.toml`, or one given with `--survey`): the criteria,
//! barrier and reason orders, the evidence and source for every position, and the weighting
//! method. Reads it with the spanned TOML reader, so every problem names the file, line and
//! field; turns it into a `Survey` that resolves the weights one body uses. Only `load` does I/O.

use std::path::Path;
use std::sync::Arc;

use serde::{Serialize, Serializer};
use strum::{EnumMessage, IntoStaticStr, VariantArray};

use super::criteria::{Weights, criteria_weights};
use super::methods::{
    ExplicitWeights, Formula, Method, MethodName, explicit_in_order, rank_weights,
};
use super::{WeightError, WeightSettings};
use crate::diagnostic::{Diagnostic, Diagnostics, Location, SourceText};
use crate::input::read_text;
use crate::input::toml::{Sp, Table, TomlReader};
use crate::model::{Barrier, CriteriaOrder, Criterion, Enumeration, Organisation, Reason};

/// The survey file compiled into the binary: the default for `--survey`.
pub const EMBEDDED_SURVEY: &str = include_str!("../../profiles/survey.toml");

/// The name the embedded survey file goes by in messages.
pub const EMBEDDED_SURVEY_PATH: &str = "<embedded>/profiles/survey.toml";

/// The number of barriers: the length of `survey.barrier_weights()`.
pub const N_BARRIERS: usize = Barrier::COUNT;

/// The number of reasons for sharing: the length of `survey.reason_weights()`.
pub const N_REASONS: usize = Reason::COUNT;

/// The top-level keys of a survey file.
const ROOT_FIELDS: &[&str] = &["method", "exponent", "survey", "criteria", "barriers", "reasons"];
/// The keys of the `[survey]` table.
const CITATION_FIELDS: &[&str] =
    &["title", "authors", "year", "respondents", "organisations", "note"];

/// Where a position in an order comes from.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum Basis {
    /// A result the 2011 survey published.
    #[strum(message = "survey")]
    Survey,
    /// The project's judgement from the later evidence named in the source (the default).
    #[strum(message = "judgement")]
    Judgement,
}

impl Enumeration for Basis {
    const WHAT: &'static str = "basis";
}

impl Serialize for Basis {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// The survey a file is about (its `[survey]` table); every field optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Citation {
    /// The title.
    pub title: Option<String>,
    /// Who ran it.
    pub authors: Option<String>,
    /// The year published.
    pub year: Option<i64>,
    /// How many people answered.
    pub respondents: Option<i64>,
    /// How many organisations they came from.
    pub organisations: Option<i64>,
    /// What was and was not published, and other caveats.
    pub note: Option<String>,
}

/// One entry of an order: an item at a position, with the evidence for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry<T> {
    /// The criterion, barrier or reason.
    pub item: T,
    /// The 1-based position; tied entries share one.
    pub position: usize,
    /// Whether another entry shares the position.
    pub tied: bool,
    /// Where the position comes from.
    pub basis: Basis,
    /// Why the item sits here.
    pub evidence: String,
    /// Where the evidence comes from.
    pub source: String,
    /// The weight given, for the explicit method.
    pub weight: Option<f64>,
}

/// A parsed survey file: three orders with their evidence, and the method that weights them.
///
/// Invariant: each order holds every value of its vocabulary exactly once; the method's
/// parameters are valid; explicit weights, if used, agree with the orders. So the barrier and
/// reason weights, and the criteria weights of the survey's own order, always exist.
#[derive(Debug, Clone)]
pub struct Survey {
    path: Arc<Path>,
    citation: Citation,
    method: Method,
    criteria: Vec<Entry<Criterion>>,
    criteria_order: CriteriaOrder,
    barriers: Vec<Entry<Barrier>>,
    barrier_weights: [f64; N_BARRIERS],
    reasons: Vec<Entry<Reason>>,
    reason_weights: [f64; N_REASONS],
}

impl Survey {
    /// The survey file compiled into the binary (`profiles/survey.toml`). A unit test proves it
    /// parses, so the error is for completeness.
    pub fn embedded() -> Result<Survey, Diagnostics> {
        Self::parse(&SourceText::new(EMBEDDED_SURVEY_PATH, EMBEDDED_SURVEY.to_owned()))
    }

    /// Reads and parses a survey file, reporting every problem with its file, line and field.
    pub fn load(path: &Path) -> Result<Survey, Diagnostics> {
        let source = read_text(path)?;
        Self::parse(&source)
    }

    /// Parses a survey file's text.
    pub fn parse(source: &SourceText) -> Result<Survey, Diagnostics> {
        let reader = TomlReader::new(source);
        let Some(document) = reader.parse() else {
            return Err(reader.into_diagnostics());
        };
        let survey = read_survey(&reader.root(&document));
        let mut diagnostics = reader.into_diagnostics();
        match survey {
            Some(survey) if diagnostics.is_empty() => Ok(survey),
            // Every path that fails records a problem; the fallback guards against one that
            // does not.
            _ if diagnostics.is_empty() => {
                Err(Diagnostic::new(Location::file(source.path().clone()), "invalid survey file")
                    .into())
            }
            _ => {
                diagnostics.sort();
                Err(diagnostics)
            }
        }
    }

    /// Where the survey was read from (`<embedded>/profiles/survey.toml` for the default).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The survey the file is about.
    pub fn citation(&self) -> &Citation {
        &self.citation
    }

    /// The weighting method of the file.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The criteria entries, highest priority first.
    pub fn criteria(&self) -> &[Entry<Criterion>] {
        &self.criteria
    }

    /// The survey's criteria order.
    pub fn criteria_order(&self) -> &CriteriaOrder {
        &self.criteria_order
    }

    /// The entry of one criterion (its evidence and source).
    pub fn criterion(&self, criterion: Criterion) -> Option<&Entry<Criterion>> {
        self.criteria.iter().find(|e| e.item == criterion)
    }

    /// The barrier entries, biggest first.
    pub fn barriers(&self) -> &[Entry<Barrier>] {
        &self.barriers
    }

    /// The reason entries, most important first.
    pub fn reasons(&self) -> &[Entry<Reason>] {
        &self.reasons
    }

    /// The barrier weights, indexed by `Barrier as usize`, from the survey's barrier order and
    /// method.
    pub fn barrier_weights(&self) -> [f64; N_BARRIERS] {
        self.barrier_weights
    }

    /// The reason weights, indexed by `Reason as usize`, from the survey's reason order and
    /// method.
    pub fn reason_weights(&self) -> [f64; N_REASONS] {
        self.reason_weights
    }

    /// The criteria weights under a method and order, each the survey's when `None`. Errors: an
    /// invalid exponent, or explicit weights that disagree with the order.
    pub fn criteria_weights(
        &self,
        method: Option<&Method>,
        order: Option<&CriteriaOrder>,
    ) -> Result<Weights, WeightError> {
        criteria_weights(order.unwrap_or(&self.criteria_order), method.unwrap_or(&self.method))
    }

    /// The criteria weights under user settings (see `criteria_weights`). Call it once to check
    /// settings against the survey before `weights_for`.
    pub fn weights(&self, settings: &WeightSettings) -> Result<Weights, WeightError> {
        self.criteria_weights(settings.method(), settings.order())
    }

    /// The order the weights of one body come from: its own criteria order if its profile has
    /// one, else the settings' order, else the survey's. Under explicit weights, which no order
    /// can change, the settings' or survey's order (the one the weights were checked against).
    pub fn order_for<'a>(
        &'a self,
        organisation: &'a Organisation,
        settings: &'a WeightSettings,
    ) -> &'a CriteriaOrder {
        let general = settings.order().unwrap_or(&self.criteria_order);
        match settings.method().unwrap_or(&self.method) {
            Method::Explicit(_) => general,
            _ => organisation.criteria_order.as_ref().unwrap_or(general),
        }
    }

    /// The criteria weights one body uses for its side of a score: the method of the settings
    /// (else the survey's) applied to `order_for` the body. Explicit weights apply to every body
    /// as given. Never fails: settings and survey are validated when built.
    pub fn weights_for(&self, organisation: &Organisation, settings: &WeightSettings) -> Weights {
        match settings.method().unwrap_or(&self.method).formula() {
            Formula::Rank(rank) => Weights::from_rank(self.order_for(organisation, settings), rank),
            Formula::Explicit(explicit) => Weights::from_explicit(explicit),
        }
    }
}

/// Reads the whole file; `None` when any part could not be read (the problems are recorded).
fn read_survey(root: &Table<'_, '_>) -> Option<Survey> {
    if root.contains("id") || root.contains("organisation") {
        let message = "this looks like a profile file, not a survey file";
        let help = "pass profiles with --data; a survey file has [[criteria]], [[barriers]] and \
                    [[reasons]] tables";
        root.report(Diagnostic::new(root.source().location(0), message).help(help));
        return None;
    }
    root.deny_unknown(ROOT_FIELDS);
    let citation = read_citation(root);
    let method_name = read_method_name(root);
    let explicit = method_name == Some(MethodName::Explicit);
    let exponent = read_exponent(root, method_name);
    let criteria = read_entries::<Criterion>(root, "criteria", "criterion", explicit);
    let barriers = read_entries::<Barrier>(root, "barriers", "barrier", explicit);
    let reasons = read_entries::<Reason>(root, "reasons", "reason", explicit);
    let (citation, method_name, criteria, barriers, reasons) =
        (citation?, method_name?, criteria?, barriers?, reasons?);

    let criteria_positions = positions(&criteria);
    let criteria_order = match CriteriaOrder::new(criteria_positions) {
        Ok(order) => order,
        Err(message) => {
            // Completeness is checked while reading; this only guards the invariant.
            section_error(root, "criteria", message);
            return None;
        }
    };
    let method = match method_name {
        MethodName::Explicit => {
            let values: Vec<f64> = values_by_index(&criteria);
            let names = names_by_index::<Criterion>();
            match ExplicitWeights::with_names(values, &names) {
                Ok(explicit) => Method::Explicit(explicit),
                Err(err) => {
                    section_error(root, "criteria", err.to_string());
                    return None;
                }
            }
        }
        MethodName::RankExponent => Method::RankExponent { p: exponent? },
        other => Method::from_name(other).ok()?,
    };
    if let Err(err) = criteria_weights(&criteria_order, &method) {
        section_error(root, "criteria", err.to_string());
        return None;
    }
    let barrier_weights = item_weights::<Barrier, N_BARRIERS>(root, "barriers", &barriers, &method);
    let reason_weights = item_weights::<Reason, N_REASONS>(root, "reasons", &reasons, &method);
    Some(Survey {
        path: root.source().path().clone(),
        citation,
        method,
        criteria,
        criteria_order,
        barriers,
        barrier_weights: barrier_weights?,
        reasons,
        reason_weights: reason_weights?,
    })
}

/// Records a problem with a whole section (`criteria`, ...) at the section's start.
fn section_error(root: &Table<'_, '_>, section: &str, message: String) {
    let span = root.raw(section).map(Sp::span).unwrap_or_default();
    root.error(span, section, message).help("fix the entries of this section");
}

fn read_citation(root: &Table<'_, '_>) -> Option<Citation> {
    let Some(table) = root.table("survey") else {
        // Absent is fine (the citation is documentation); the wrong type is already reported.
        return (!root.contains("survey")).then(Citation::default);
    };
    table.deny_unknown(CITATION_FIELDS);
    let errors_before = root.error_count();
    let citation = Citation {
        title: table.text("title").map(Sp::into_inner),
        authors: table.text("authors").map(Sp::into_inner),
        year: table.integer("year").map(Sp::into_inner),
        respondents: table.integer("respondents").map(Sp::into_inner),
        organisations: table.integer("organisations").map(Sp::into_inner),
        note: table.text("note").map(Sp::into_inner),
    };
    (root.error_count() == errors_before).then_some(citation)
}

/// The `method` key; absent means rank order centroid.
fn read_method_name(root: &Table<'_, '_>) -> Option<MethodName> {
    if !root.contains("method") {
        return Some(MethodName::RankOrderCentroid);
    }
    let text = root.string("method")?;
    match MethodName::parse(text.get_ref()) {
        Ok(name) => Some(name),
        Err(err) => {
            root.unknown(text.span(), "method", &err);
            None
        }
    }
}

/// The `exponent` key: only with `rank_exponent`, finite and at least 0; absent means
/// `Method::DEFAULT_EXPONENT`.
fn read_exponent(root: &Table<'_, '_>, method: Option<MethodName>) -> Option<f64> {
    let exponent = root.number("exponent");
    if !root.contains("exponent") {
        return Some(Method::DEFAULT_EXPONENT);
    }
    let exponent = exponent?;
    if method.is_some_and(|m| m != MethodName::RankExponent) {
        root.error(exponent.span(), "exponent", "`exponent` is used only by rank_exponent")
            .help("remove it, or set method = \"rank_exponent\"");
        return None;
    }
    let p = *exponent.get_ref();
    match Method::rank_exponent(p) {
        Ok(_) => Some(p),
        Err(err) => {
            root.error(exponent.span(), "exponent", err.to_string())
                .help("use for example exponent = 2");
            None
        }
    }
}

/// The fields of an entry, after its item key.
const ENTRY_FIELDS: &[&str] = &["tied_with_previous", "basis", "evidence", "source", "weight"];

/// Reads one order (`[[criteria]]`, `[[barriers]]` or `[[reasons]]`): each entry's item, tie,
/// basis, evidence, source and weight, then that every value appears exactly once.
fn read_entries<T: Enumeration>(
    root: &Table<'_, '_>,
    section: &str,
    key: &str,
    explicit: bool,
) -> Option<Vec<Entry<T>>> {
    let plural = section;
    let Some(tables) = root.tables(section) else {
        if !root.contains(section) {
            root.missing(
                section,
                &format!("add one [[{section}]] table per {}, highest priority first", T::WHAT),
            );
        }
        return None;
    };
    let errors_before = root.error_count();
    let mut entries: Vec<Entry<T>> = Vec::with_capacity(tables.len());
    let mut seen: Vec<T> = Vec::new();
    let mut position = 0usize;
    let mut unreadable_item = false;
    for (i, t) in tables.iter().enumerate() {
        let mut known = vec![key];
        known.extend_from_slice(ENTRY_FIELDS);
        t.deny_unknown(&known);
        let item = t.enumeration::<T>(key);
        unreadable_item |= item.is_none();
        if item.is_none() && !t.contains(key) {
            t.missing(key, &format!("add `{key} = \"...\"`, the {} at this position", T::WHAT));
        }
        let tied = t.boolean("tied_with_previous");
        let tied_flag = tied.as_ref().is_some_and(|b| *b.get_ref());
        if let Some(tied) = &tied
            && tied_flag
            && i == 0
        {
            t.error(
                tied.span(),
                "tied_with_previous",
                "the first entry has no previous entry to tie with",
            )
            .help("remove `tied_with_previous` from the first entry");
        }
        if !tied_flag || i == 0 {
            position += 1;
        }
        let basis = t.enumeration::<Basis>("basis").map_or(Basis::Judgement, Sp::into_inner);
        let evidence = t.text("evidence");
        if evidence.is_none() && !t.contains("evidence") {
            t.missing("evidence", "say why the item sits at this position");
        }
        let source = t.text("source");
        if source.is_none() && !t.contains("source") {
            t.missing("source", "name where the evidence comes from");
        }
        let weight = read_weight(t, explicit);
        if let Some(item) = &item {
            let value = *item.get_ref();
            if seen.contains(&value) {
                t.error(
                    item.span(),
                    key,
                    format!(
                        "{} \"{}\" appears more than once in `{plural}`",
                        T::WHAT,
                        value.name()
                    ),
                )
                .help("give each one position; tie entries with `tied_with_previous = true`");
            } else {
                seen.push(value);
            }
        }
        if let (Some(item), Some(evidence), Some(source)) = (item, evidence, source) {
            entries.push(Entry {
                item: item.into_inner(),
                position,
                tied: false,
                basis,
                evidence: evidence.into_inner(),
                source: source.into_inner(),
                weight,
            });
        }
    }
    let missing: Vec<&str> =
        T::all().iter().filter(|v| !seen.contains(v)).map(|v| v.name()).collect();
    // An entry whose item could not be read is reported already; the item it meant would only
    // be reported again as missing.
    if !missing.is_empty() && !unreadable_item {
        let span = root.raw(section).map(Sp::span).unwrap_or_default();
        root.error(span, section, format!("missing from `{plural}`: {}", missing.join(", "))).help(
            format!("add a [[{section}]] entry for each; every {} needs a position", T::WHAT),
        );
    }
    if root.error_count() != errors_before {
        return None;
    }
    for i in 0..entries.len() {
        let position = entries[i].position;
        entries[i].tied = entries.iter().filter(|e| e.position == position).count() > 1;
    }
    Some(entries)
}

/// An entry's `weight`: required by the explicit method, refused by the others.
fn read_weight(t: &Table<'_, '_>, explicit: bool) -> Option<f64> {
    let weight = t.number("weight");
    match (explicit, t.contains("weight")) {
        (true, false) => {
            t.missing("weight", "method = \"explicit\" needs a weight on every entry");
            None
        }
        (false, true) => {
            if let Some(w) = &weight {
                t.error(w.span(), "weight", "`weight` is used only by the explicit method")
                    .help("remove it, or set method = \"explicit\" and weight every entry");
            }
            None
        }
        _ => {
            let weight = weight?;
            let value = *weight.get_ref();
            if value < 0.0 {
                t.error(weight.span(), "weight", format!("weight {value} is negative"))
                    .help("use a weight of at least 0");
                return None;
            }
            Some(value)
        }
    }
}

/// The positions of an order's entries (entries sharing a position form one).
fn positions<T: Copy>(entries: &[Entry<T>]) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        match out.last_mut() {
            Some(last) if i > 0 && entry.position == entries[i - 1].position => {
                last.push(entry.item);
            }
            _ => out.push(vec![entry.item]),
        }
    }
    out
}

/// The index of a value in its vocabulary's order.
fn index_of<T: Enumeration>(value: T) -> usize {
    T::all().iter().position(|v| *v == value).unwrap_or(0)
}

/// The explicit weights of entries, indexed by the vocabulary's order (0 where absent).
fn values_by_index<T: Enumeration>(entries: &[Entry<T>]) -> Vec<f64> {
    let mut values = vec![0.0; T::all().len()];
    for entry in entries {
        values[index_of(entry.item)] = entry.weight.unwrap_or(0.0);
    }
    values
}

/// Quoted names of a vocabulary's values, in its order, for error messages.
fn names_by_index<T: Enumeration>() -> Vec<String> {
    T::all().iter().map(|v| format!("\"{}\"", v.name())).collect()
}

/// The weights of a barrier or reason order under the survey's method, indexed by the
/// vocabulary's order; a problem (explicit weights that disagree with the order) is recorded.
fn item_weights<T: Enumeration, const N: usize>(
    root: &Table<'_, '_>,
    section: &str,
    entries: &[Entry<T>],
    method: &Method,
) -> Option<[f64; N]> {
    let positions = positions(entries);
    let blocks: Vec<usize> = positions.iter().map(Vec::len).collect();
    let in_order: Vec<T> = positions.iter().flatten().copied().collect();
    let weights = match method.formula() {
        Formula::Rank(rank) => Ok(rank_weights(&blocks, rank)),
        Formula::Explicit(_) => {
            let values: Vec<f64> = entries.iter().map(|e| e.weight.unwrap_or(0.0)).collect();
            let names: Vec<String> = in_order.iter().map(|v| format!("\"{}\"", v.name())).collect();
            explicit_in_order(&blocks, &values, &names)
        }
    };
    let weights = match weights {
        Ok(weights) => weights,
        Err(err) => {
            section_error(root, section, err.to_string());
            return None;
        }
    };
    let mut out = [0.0; N];
    for (value, weight) in in_order.iter().zip(weights) {
        if let Some(slot) = out.get_mut(index_of(*value)) {
            *slot = weight;
        }
    }
    Some(out)
}

/// The criteria weights of the survey's own order; used by tests and docs.
#[cfg(test)]
fn default_weights(survey: &Survey) -> Weights {
    survey.criteria_weights(None, None).unwrap_or_else(|_| Weights::equal())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LatLon, OrganisationId, Sector};
    use crate::weights::parse_order;

    /// Parses a survey file and checks the problems against `expected`, each
    /// `"line:field:fragment"`, in order.
    #[track_caller]
    fn check(text: &str, expected: &[&str]) {
        let source = SourceText::new("survey.toml", text.to_owned());
        let problems: Vec<String> = match Survey::parse(&source) {
            Ok(_) => Vec::new(),
            Err(d) => d
                .iter()
                .map(|d| {
                    format!(
                        "{}:{}:{}",
                        d.location.line.map_or("-".to_owned(), |l| l.to_string()),
                        d.field.clone().unwrap_or_default(),
                        d.message
                    )
                })
                .collect(),
        };
        assert_eq!(problems.len(), expected.len(), "got {problems:#?}");
        for (got, want) in problems.iter().zip(expected) {
            let mut parts = want.splitn(3, ':');
            let (line, field, fragment) =
                (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            let prefix = format!("{line}:{field}:");
            assert!(
                got.starts_with(&prefix) && got.contains(fragment),
                "got {got:?}, want {want:?}"
            );
        }
    }

    /// A minimal valid survey file: every order in vocabulary order.
    fn minimal(method: &str, extra_criterion: &str) -> String {
        let mut text = format!("{method}\n");
        for (section, key, names) in [
            (
                "criteria",
                "criterion",
                Criterion::all().iter().map(|c| c.name()).collect::<Vec<_>>(),
            ),
            ("barriers", "barrier", Barrier::all().iter().map(|c| c.name()).collect()),
            ("reasons", "reason", Reason::all().iter().map(|c| c.name()).collect()),
        ] {
            for (i, name) in names.iter().enumerate() {
                text.push_str(&format!(
                    "[[{section}]]\n{key} = \"{name}\"\nevidence = \"e\"\nsource = \"s\"\n"
                ));
                if i == 0 && section == "criteria" {
                    text.push_str(extra_criterion);
                }
            }
        }
        text
    }

    #[test]
    fn the_embedded_survey_parses_with_the_documented_defaults() {
        let survey = Survey::embedded().unwrap();
        assert_eq!(survey.method(), &Method::RankOrderCentroid);
        let order: Vec<Criterion> =
            survey.criteria_order().positions().iter().flatten().copied().collect();
        assert_eq!(order, Criterion::all(), "the default order is the vocabulary's order");
        assert_eq!(survey.criteria().len(), Criterion::COUNT);
        let last = survey.criteria().last().unwrap();
        assert_eq!((last.item, last.basis), (Criterion::PoliticalAlignment, Basis::Survey));
        assert!(survey.criteria()[..9].iter().all(|e| e.basis == Basis::Judgement));
        let weights = default_weights(&survey);
        assert!((weights.get(Criterion::PoliticalAlignment) - 0.01).abs() < 1e-12);

        let barriers: Vec<Barrier> = survey.barriers().iter().map(|e| e.item).collect();
        assert_eq!(barriers, Barrier::all());
        let bw = survey.barrier_weights();
        assert!(bw.windows(2).all(|w| w[0] > w[1]), "{bw:?}");
        assert!((bw[Barrier::JobLosses as usize] - 49.0 / 120.0).abs() < 1e-12, "{bw:?}");

        // cost_reduction; then quality, innovation and redesign tied; resilience; capacity.
        let positions: Vec<usize> = survey.reasons().iter().map(|e| e.position).collect();
        assert_eq!(positions, [1, 2, 2, 2, 3, 4]);
        let rw = survey.reason_weights();
        assert_eq!(
            rw[Reason::ServiceQuality as usize].to_bits(),
            rw[Reason::Innovation as usize].to_bits()
        );
        assert_eq!(
            rw[Reason::Innovation as usize].to_bits(),
            rw[Reason::ServiceRedesign as usize].to_bits()
        );
        assert!((rw[Reason::Capacity as usize] - 1.0 / 24.0).abs() < 1e-12, "{rw:?}");
        assert!((rw.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(survey.citation().note.as_deref().unwrap_or("").contains("only the last place"));
    }

    #[test]
    fn profile_loading_tells_the_survey_file_apart() {
        let parsed = crate::profiles::parse_profiles_bytes(
            Path::new("survey.toml"),
            EMBEDDED_SURVEY.as_bytes(),
        );
        assert!(parsed.organisations.is_empty());
        assert!(
            parsed.diagnostics.iter().any(|d| d.message.contains("looks like a survey file")),
            "{}",
            parsed.diagnostics
        );
    }

    #[test]
    fn the_weights_docs_match_the_code() {
        let docs = include_str!("../../docs/weights.md");
        for method in MethodName::all() {
            let row = format!("| `{}` |", method.name());
            let line = docs.lines().find(|l| l.starts_with(&row));
            let line = line.unwrap_or_else(|| panic!("docs/weights.md lacks {row}"));
            if let Some(alias) = method.alias() {
                assert!(line.contains(&format!("| `{alias}` |")), "{line} lacks {alias}");
            }
        }
        let survey = Survey::embedded().unwrap();
        let weights = default_weights(&survey);
        let mut rows: Vec<String> = survey
            .criteria()
            .iter()
            .map(|e| format!("| {} | `{}` | {:.4} |", e.position, e.item, weights.get(e.item)))
            .collect();
        let barrier_weights = survey.barrier_weights();
        rows.extend(survey.barriers().iter().map(|e| {
            format!("| {} | `{}` | {:.4} |", e.position, e.item, barrier_weights[e.item as usize])
        }));
        let reason_weights = survey.reason_weights();
        rows.extend(survey.reasons().iter().map(|e| {
            format!("| {} | `{}` | {:.4} |", e.position, e.item, reason_weights[e.item as usize])
        }));
        for row in rows {
            assert!(docs.lines().any(|l| l.starts_with(&row)), "docs/weights.md lacks {row}");
        }
    }

    #[test]
    fn a_minimal_file_parses() {
        check(&minimal("", ""), &[]);
        check(&minimal("method = \"rs\"", ""), &[]);
        check(&minimal("method = \"rank_exponent\"\nexponent = 0.5", ""), &[]);
    }

    #[test]
    fn problems_name_line_and_field() {
        check(
            &minimal("method = \"rank_centroid\"", ""),
            &["1:method:unknown weighting method \"rank_centroid\""],
        );
        check(
            &minimal("", "tied_with_previous = true\n"),
            &["6:criteria[0].tied_with_previous:the first entry has no previous entry"],
        );
        check(
            &minimal("exponent = 2", ""),
            &["1:exponent:`exponent` is used only by rank_exponent"],
        );
        check(&minimal("method = \"re\"\nexponent = -1", ""), &["2:exponent:the exponent p = -1"]);
        check(&minimal("", "weight = 1\n"), &["6:criteria[0].weight:`weight` is used only"]);
        check(&minimal("", "colour = 1\n"), &["6:criteria[0].colour:unknown field `colour`"]);
        check(&minimal("", "basis = \"surveyed\"\n"), &["6:criteria[0].basis:unknown basis"]);
        let text =
            minimal("", "").replacen("criterion = \"service_fit\"", "criterion = \"proximty\"", 1);
        check(&text, &["7:criteria[1].criterion:unknown criterion \"proximty\""]);
        let text = minimal("", "").replacen(
            "[[criteria]]\ncriterion = \"ict_fit\"\nevidence = \"e\"\nsource = \"s\"\n",
            "",
            1,
        );
        check(&text, &["2:criteria:missing from `criteria`: ict_fit"]);
        let text =
            minimal("", "").replacen("criterion = \"service_fit\"", "criterion = \"proximity\"", 1);
        check(
            &text,
            &[
                "2:criteria:missing from `criteria`: service_fit",
                "7:criteria[1].criterion:criterion \"proximity\" appears more than once",
            ],
        );
        let text = minimal("", "").replacen("evidence = \"e\"\n", "", 1);
        check(&text, &["2:criteria[0].evidence:missing required field `evidence`"]);
        check(
            "method = \"roc\"\n",
            &[
                "1:criteria:missing required field `criteria`",
                "1:barriers:missing required field `barriers`",
                "1:reasons:missing required field `reasons`",
            ],
        );
        check("id = \"x\"\n", &["1::this looks like a profile file"]);
        check("method = \n", &["1::invalid TOML"]);
    }

    #[test]
    fn explicit_weights_need_a_weight_everywhere_and_must_follow_the_order() {
        let weighted = |text: &str| {
            let mut out = String::new();
            let mut k = 0;
            for line in text.lines() {
                out.push_str(line);
                out.push('\n');
                if line.starts_with("source") {
                    k += 1;
                    // Falling weights within each section (10, 9, ... then 6, 5, ...).
                    let n = if k <= 10 {
                        11 - k
                    } else if k <= 16 {
                        17 - k
                    } else {
                        23 - k
                    };
                    out.push_str(&format!("weight = {n}\n"));
                }
            }
            out
        };
        let good = weighted(&minimal("method = \"explicit\"", ""));
        let survey = Survey::parse(&SourceText::new("s.toml", good.clone())).unwrap();
        let weights = default_weights(&survey);
        assert!((weights.get(Criterion::Proximity) - 10.0 / 55.0).abs() < 1e-12);
        assert!((survey.barrier_weights()[0] - 6.0 / 21.0).abs() < 1e-12);

        let rising = good.replacen("weight = 10\n", "weight = 1\n", 1);
        check(&rising, &["2:criteria:explicit weights increase along the order"]);
        let missing = good.replacen("weight = 10\n", "", 1);
        check(&missing, &["2:criteria[0].weight:missing required field `weight`"]);
    }

    #[test]
    fn an_organisation_uses_its_own_order_with_the_settings_method() {
        let survey = Survey::embedded().unwrap();
        let id = OrganisationId::new("A1").unwrap();
        let mut body =
            Organisation::new(id, "A".into(), Sector::Fire, LatLon::new(51.0, 0.0).unwrap());
        let general = WeightSettings::default();
        assert_eq!(survey.weights_for(&body, &general), default_weights(&survey));

        let own = parse_order(
            "political_alignment,proximity,service_fit,kind_fit,size_fit,trust,barrier_risk,\
             shared_priorities,shared_geography,ict_fit",
        )
        .unwrap();
        body.criteria_order = Some(own.clone());
        let weights = survey.weights_for(&body, &general);
        assert!((weights.get(Criterion::IctFit) - 0.01).abs() < 1e-12);
        assert!(std::ptr::eq(
            survey.order_for(&body, &general),
            body.criteria_order.as_ref().unwrap()
        ));

        let rank_sum = WeightSettings::new(None, Some(Method::RankSum)).unwrap();
        let weights = survey.weights_for(&body, &rank_sum);
        assert!((weights.get(Criterion::PoliticalAlignment) - 10.0 / 55.0).abs() < 1e-12);
        assert_eq!(weights, criteria_weights(&own, &Method::RankSum).unwrap());
    }
}
