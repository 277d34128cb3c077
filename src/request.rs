//! The one request boundary: what a front end (the command line, the local page, a scenario
//! file) asks to rank and how, as a raw `Request`, and the one validation
//! (`Request::validate`) that turns it into the settings the engine uses, or into every problem
//! at once, each naming its `Field` and a fix. Front ends only fill a `Request` and map a
//! problem's field to their own place (a flag, a query parameter, a file:line:column); they do
//! not check values themselves. Checks that need the data (a region no body has, a filter that
//! selects nothing, an unknown area) are made here against the dataset at hand. No I/O.

use std::fmt;
use std::sync::Arc;

use crate::dataset::{Dataset, FindError};
use crate::filter::Filter;
use crate::model::{
    CriteriaOrder, Enumeration, Kind, Organisation, Sector, Service, ServiceSet, closest,
};
use crate::rank::RankSettings;
use crate::score::Mutual;
use crate::weights::{ExplicitWeights, Method, MethodName, WeightSettings};

/// A ranking request as a person gave it: every option of ranking, filtering and weighting,
/// typed but not yet checked against each other or the data. Empty lists mean "any".
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// How many candidates to keep.
    pub top: usize,
    /// Only candidates of these sectors.
    pub sectors: Vec<Sector>,
    /// Only candidates of these kinds.
    pub kinds: Vec<Kind>,
    /// Only candidates in these regions, as typed (case ignored).
    pub regions: Vec<String>,
    /// Only candidates in these nations, as typed (case ignored).
    pub nations: Vec<String>,
    /// Only candidates inside these areas: bodies named by id or name (a county, a police
    /// force, a fire and rescue authority, a health body, a combined authority).
    pub within_areas: Vec<String>,
    /// Only candidates whose centre is within this distance (km).
    pub within_km: Option<f64>,
    /// Services to focus on.
    pub services: Vec<Service>,
    /// Leave out the ranked body's existing partners.
    pub exclude_partners: bool,
    /// How the two views of a pair combine; `None` for the default (harmonic).
    pub mutual: Option<Mutual>,
    /// How the criteria are weighted.
    pub weighting: Weighting,
}

impl Default for Request {
    fn default() -> Self {
        Self {
            top: RankSettings::default().top,
            sectors: Vec::new(),
            kinds: Vec::new(),
            regions: Vec::new(),
            nations: Vec::new(),
            within_areas: Vec::new(),
            within_km: None,
            services: Vec::new(),
            exclude_partners: false,
            mutual: None,
            weighting: Weighting::default(),
        }
    }
}

/// The weighting options of a request. All `None`: the survey file's order and method.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Weighting {
    /// A weighting method by name.
    pub method: Option<MethodName>,
    /// The exponent of `rank_exponent`.
    pub exponent: Option<f64>,
    /// The criteria order, highest priority first.
    pub order: Option<CriteriaOrder>,
    /// Explicit weights, one per criterion (the method is then explicit).
    pub weights: Option<ExplicitWeights>,
}

impl Weighting {
    /// Whether no weighting option is given.
    pub fn is_empty(&self) -> bool {
        self.method.is_none()
            && self.exponent.is_none()
            && self.order.is_none()
            && self.weights.is_none()
    }
}

/// The option of a request a problem is about. Each front end maps it to its own place:
/// `Field::Region` is `--region` on the command line, `region` on the page and `regions` in a
/// scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// `top`.
    Top,
    /// One of the sectors.
    Sector,
    /// One of the kinds.
    Kind,
    /// One of the regions.
    Region,
    /// One of the nations.
    Nation,
    /// One of the areas of `within_areas`.
    WithinArea,
    /// The distance limit.
    WithinKm,
    /// The weighting method.
    Method,
    /// The exponent of `rank_exponent`.
    Exponent,
    /// The criteria order.
    Order,
    /// The explicit weights.
    Weights,
    /// The filter as a whole: each value exists, but no body passes them all.
    Filter,
}

impl Field {
    /// The field's name in the library's words, for messages that front ends do not map.
    pub fn name(self) -> &'static str {
        match self {
            Field::Top => "top",
            Field::Sector => "sector",
            Field::Kind => "kind",
            Field::Region => "region",
            Field::Nation => "nation",
            Field::WithinArea => "within_area",
            Field::WithinKm => "within_km",
            Field::Method => "method",
            Field::Exponent => "exponent",
            Field::Order => "order",
            Field::Weights => "weights",
            Field::Filter => "filter",
        }
    }
}

/// One problem of a request: the field (and, for a list, the position of the value in it),
/// what is wrong and how to fix it. Messages are lower case, with no trailing period, and do
/// not name a flag or key: the front end says where the field is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The option at fault.
    pub field: Field,
    /// The position of the value in its list, for list options.
    pub index: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl Problem {
    fn new(
        field: Field,
        index: Option<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Self { field, index, message: message.into(), help: help.into() }
    }
}

/// Every problem of a request, in field order (list values in the order given).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {}\n  help: {}", p.field.name(), p.message, p.help)?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// A valid request: the settings the engine uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated {
    /// Candidates, filters, focus and the mutual score.
    pub rank: RankSettings,
    /// The weighting asked for, or `None` when no weighting option was given (the survey's, or
    /// a server's own).
    pub weights: Option<WeightSettings>,
}

impl Request {
    /// Checks every option against the others and against the dataset, returning the engine's
    /// settings or every problem found. Regions and nations come back spelt as the data spells
    /// them; areas come back as the ids of the bodies named.
    pub fn validate(&self, dataset: &Dataset) -> Result<Validated, Problems> {
        let mut problems = Vec::new();
        if self.top == 0 {
            problems.push(Problem::new(
                Field::Top,
                None,
                "asks for 0 candidates",
                "ask for at least 1 candidate",
            ));
        }
        let filter = self.filter(dataset, &mut problems);
        if let Some(d) = self.within_km
            && !(d.is_finite() && d >= 0.0)
        {
            problems.push(Problem::new(
                Field::WithinKm,
                None,
                format!("\"{d}\" is not a distance in km"),
                "give a distance in km of at least 0, or leave it out for no limit",
            ));
        }
        let weights = match self.weighting.validate() {
            Ok(weights) => weights,
            Err(found) => {
                problems.extend(found.0);
                None
            }
        };
        if !problems.is_empty() {
            return Err(Problems(problems));
        }
        Ok(Validated {
            rank: RankSettings {
                top: self.top,
                filter,
                within_km: self.within_km,
                focus: self.services.iter().copied().collect::<ServiceSet>(),
                exclude_partners: self.exclude_partners,
                mutual: self.mutual.unwrap_or_default(),
                ..RankSettings::default()
            },
            weights,
        })
    }

    /// Only the filter options (sectors, kinds, regions, nations, areas), checked against the
    /// dataset: what commands that select bodies without ranking them (`list`, a scenario's
    /// subjects) use.
    pub fn validate_filter(&self, dataset: &Dataset) -> Result<Filter, Problems> {
        let mut problems = Vec::new();
        let filter = self.filter(dataset, &mut problems);
        if problems.is_empty() { Ok(filter) } else { Err(Problems(problems)) }
    }

    /// The filter, every value checked against the data; the whole checked only when each value
    /// is fine, so that one typo is not reported twice.
    fn filter(&self, dataset: &Dataset, problems: &mut Vec<Problem>) -> Filter {
        let orgs = dataset.organisations();
        let before = problems.len();
        for (i, sector) in self.sectors.iter().enumerate() {
            if !orgs.iter().any(|o| o.sector == *sector) {
                let present = present(orgs.iter().map(|o| o.sector.name()));
                problems.push(Problem::new(
                    Field::Sector,
                    Some(i),
                    format!("no body in the data is of sector \"{sector}\", so it selects nothing"),
                    format!("sectors in the data: {present}"),
                ));
            }
        }
        for (i, kind) in self.kinds.iter().enumerate() {
            if !orgs.iter().any(|o| o.kind == Some(*kind)) {
                let present = present(orgs.iter().filter_map(|o| o.kind.map(|k| k.name())));
                problems.push(Problem::new(
                    Field::Kind,
                    Some(i),
                    format!("no body in the data is of kind \"{kind}\", so it selects nothing"),
                    format!("kinds in the data: {present}"),
                ));
            }
        }
        let regions =
            canonical(dataset, Field::Region, &self.regions, problems, |o| o.region.as_deref());
        let nations =
            canonical(dataset, Field::Nation, &self.nations, problems, |o| o.nation.as_deref());
        let (within_areas, inside) = self.areas(dataset, problems);
        let mut filter = Filter {
            sectors: self.sectors.clone(),
            kinds: self.kinds.clone(),
            regions,
            nations,
            within_areas,
            inside,
        };
        if problems.len() == before
            && !filter.is_empty()
            && !orgs.iter().enumerate().any(|(i, o)| filter.matches(i, o))
        {
            problems.push(Problem::new(
                Field::Filter,
                None,
                format!("no body in the data passes the whole filter ({})", filter.describe()),
                "each value exists, but no body has them all: loosen the filter",
            ));
            filter = Filter::default();
        }
        filter
    }

    /// The areas named, found in the data: their ids, and which bodies lie inside any of them.
    fn areas(
        &self,
        dataset: &Dataset,
        problems: &mut Vec<Problem>,
    ) -> (Vec<String>, Option<Arc<[bool]>>) {
        if self.within_areas.is_empty() {
            return (Vec::new(), None);
        }
        let members = members(dataset);
        let orgs = dataset.organisations();
        let mut ids = Vec::with_capacity(self.within_areas.len());
        let mut inside = vec![false; orgs.len()];
        for (i, name) in self.within_areas.iter().enumerate() {
            match dataset.find(name) {
                Ok(area) => {
                    let found = bodies_inside(&members, area);
                    if found.is_empty() {
                        problems.push(Problem::new(
                            Field::WithinArea,
                            Some(i),
                            format!(
                                "no body in the data lies inside {} ({})",
                                orgs[area].name, orgs[area].id
                            ),
                            AREA_HELP,
                        ));
                    }
                    for b in found {
                        inside[b] = true;
                    }
                    let id = orgs[area].id.to_string();
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                Err(FindError::Unknown { query, closest }) => {
                    let help = match closest.first() {
                        Some(_) => format!("{AREA_HELP}; the closest: {}", bodies(&closest)),
                        None => AREA_HELP.to_owned(),
                    };
                    problems.push(Problem::new(
                        Field::WithinArea,
                        Some(i),
                        format!("no body matches area \"{query}\""),
                        help,
                    ));
                }
                Err(FindError::Ambiguous { query, matches }) => {
                    problems.push(Problem::new(
                        Field::WithinArea,
                        Some(i),
                        format!("area \"{query}\" matches {} bodies", matches.len()),
                        format!("give the id of the one you mean: {}", bodies(&matches)),
                    ));
                }
            }
        }
        (ids, Some(Arc::from(inside)))
    }
}

/// What an area filter takes, for its errors.
const AREA_HELP: &str = "give the id or name of a body whose area holds others: a county \
                         council, a police force, a fire and rescue authority, a health body or \
                         a combined authority";

/// "\"Name\" (id), ..." for suggestions.
fn bodies(list: &[(String, String)]) -> String {
    let items: Vec<String> = list.iter().map(|(id, name)| format!("\"{name}\" ({id})")).collect();
    items.join(", ")
}

/// The bodies each body contains directly: its children and the bodies that list it in
/// `within` (the `members` of `index::ScoringIndex`, built from the dataset).
fn members(dataset: &Dataset) -> Vec<Vec<usize>> {
    let orgs = dataset.organisations();
    let mut out = vec![Vec::new(); orgs.len()];
    for (i, o) in orgs.iter().enumerate() {
        for container in o.parent.iter().chain(&o.within) {
            if let Some(c) = dataset.index_of(container)
                && c != i
            {
                out[c].push(i);
            }
        }
    }
    out
}

/// Every body inside an area, at any depth (a district of a county inside a police force's
/// area), the area itself left out. Areas that lie within each other (a county and its
/// police force) are each inside the other, so the walk keeps a visited set. O(bodies).
fn bodies_inside(members: &[Vec<usize>], area: usize) -> Vec<usize> {
    let mut seen = vec![false; members.len()];
    seen[area] = true;
    let mut stack = vec![area];
    let mut out = Vec::new();
    while let Some(a) = stack.pop() {
        for &m in &members[a] {
            if !seen[m] {
                seen[m] = true;
                out.push(m);
                stack.push(m);
            }
        }
    }
    out.sort_unstable();
    out
}

/// Regions or nations as the data spells them (the index matches them exactly), so that
/// `south east` finds "South East"; a name no body has is a problem with the closest one.
fn canonical(
    dataset: &Dataset,
    field: Field,
    wanted: &[String],
    problems: &mut Vec<Problem>,
    get: fn(&Organisation) -> Option<&str>,
) -> Vec<String> {
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut known: Vec<&str> = dataset.organisations().iter().filter_map(get).collect();
    known.sort_unstable();
    known.dedup();
    let what = field.name();
    let mut out: Vec<String> = Vec::with_capacity(wanted.len());
    for (i, value) in wanted.iter().enumerate() {
        match known.iter().find(|k| k.trim().eq_ignore_ascii_case(value.trim())) {
            Some(k) => out.push((*k).to_owned()),
            None => {
                let help = match closest(value, known.iter().copied()) {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None if known.is_empty() => format!("no body in the data has a {what}"),
                    None => format!("{what}s in the data: {}", known.join(", ")),
                };
                problems.push(Problem::new(
                    field,
                    Some(i),
                    format!("no body in the data has {what} \"{value}\""),
                    help,
                ));
            }
        }
    }
    out
}

impl Weighting {
    /// The weight settings, `None` when no option is given, or every problem: explicit weights
    /// with another method, the explicit method without weights, an exponent without
    /// `rank_exponent`, an exponent out of range, weights that disagree with the order.
    pub fn validate(&self) -> Result<Option<WeightSettings>, Problems> {
        if self.is_empty() {
            return Ok(None);
        }
        let mut problems = Vec::new();
        let method = match (self.method, &self.weights) {
            (None | Some(MethodName::Explicit), Some(weights)) => {
                Some(Method::Explicit(weights.clone()))
            }
            (Some(other), Some(_)) => {
                problems.push(Problem::new(
                    Field::Weights,
                    None,
                    format!("explicit weights are given, but the method is {other}"),
                    "drop the method, or choose the explicit method",
                ));
                None
            }
            (Some(MethodName::Explicit), None) => {
                problems.push(Problem::new(
                    Field::Method,
                    None,
                    "the explicit method needs explicit weights",
                    "give one weight per criterion (proximity=0.3,service_fit=0.2,...), or \
                     choose a rank method such as rank_order_centroid",
                ));
                None
            }
            (Some(MethodName::RankExponent), None) => {
                match Method::rank_exponent(self.exponent.unwrap_or(Method::DEFAULT_EXPONENT)) {
                    Ok(m) => Some(m),
                    Err(err) => {
                        problems.push(Problem::new(
                            Field::Exponent,
                            None,
                            err.to_string(),
                            "give an exponent of at least 0, or leave it out for 2",
                        ));
                        None
                    }
                }
            }
            (Some(name), None) => match Method::from_name(name) {
                Ok(m) => Some(m),
                Err(err) => {
                    problems.push(Problem::new(
                        Field::Method,
                        None,
                        err.to_string(),
                        "choose a rank method",
                    ));
                    None
                }
            },
            (None, None) => None,
        };
        if self.exponent.is_some() && self.method != Some(MethodName::RankExponent) {
            problems.push(Problem::new(
                Field::Exponent,
                None,
                "the exponent applies only to the rank_exponent method",
                "choose the rank_exponent method, or drop the exponent",
            ));
        }
        if !problems.is_empty() {
            return Err(Problems(problems));
        }
        WeightSettings::new(self.order.clone(), method).map(Some).map_err(|err| {
            let field = if self.weights.is_some() { Field::Weights } else { Field::Order };
            Problems(vec![Problem::new(
                field,
                None,
                format!("the weighting options do not fit together: {err}"),
                "explicit weights must not increase along the criteria order: reorder them, or \
                 give the order that matches them",
            )])
        })
    }
}

/// The distinct values, sorted, comma-separated.
fn present<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = values.collect();
    v.sort_unstable();
    v.dedup();
    v.join(", ")
}

#[cfg(test)]
mod tests;
