//! The web API's query parameters: raw `name=value` pairs from a URL turned into validated
//! settings, or an `ApiError` that names the parameter at fault and says how to fix it. The
//! boundary between what a browser sends and the library's types; nothing here touches a file,
//! and no parameter names a path.

use serde::Serialize;

use crate::dataset::{Dataset, FindError};
use crate::model::{Criterion, Enumeration, Kind, Sector, Service, closest};
use crate::rank::RankSettings;
use crate::request::{Field, Request, Weighting};
use crate::score::Mutual;
use crate::weights::{MethodName, WeightSettings, parse_order};

/// The most candidates one request may ask for.
pub const MAX_TOP: usize = 100;

/// The most bodies a search returns.
pub const MAX_LIMIT: usize = 50;

/// The parameters of `/api/rank` and `/api/view`.
pub const RANK_PARAMETERS: &[&str] = &[
    "body",
    "order",
    "method",
    "exponent",
    "mutual",
    "service",
    "sector",
    "kind",
    "region",
    "nation",
    "within_area",
    "within_km",
    "exclude_partners",
    "top",
    "format",
];

/// The ranking endpoints. Each takes `RANK_PARAMETERS` (`format` only `/api/rank`) and the
/// page's statement (`profile`); `/api/report` also takes `shortlist`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/api/rank`: the downloads.
    Rank,
    /// `/api/view`: what the page draws.
    View,
    /// `/api/profile`: the statement as a profile template.
    Profile,
    /// `/api/report`: the report, with a shortlist.
    Report,
}

impl Endpoint {
    /// Every parameter the endpoint takes, in documented order, for the unknown-parameter
    /// help. `profile` and `shortlist` are taken out of the query before `RankRequest::parse`
    /// reads it, so listing them here only names them in the help.
    pub fn parameters(self) -> Vec<&'static str> {
        let mut known: Vec<&'static str> = RANK_PARAMETERS
            .iter()
            .copied()
            .filter(|p| self == Endpoint::Rank || *p != "format")
            .collect();
        known.push(super::statement::PROFILE_PARAMETER);
        if self == Endpoint::Report {
            known.push("shortlist");
        }
        known
    }
}

/// The parameters of `/api/bodies`.
pub const SEARCH_PARAMETERS: &[&str] = &["q", "limit"];

/// A body named in an error: id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// Stable id.
    pub id: String,
    /// Official name.
    pub name: String,
}

/// A request the API refuses: the HTTP status, the message, the parameter at fault and how to
/// fix it. Serialised as the JSON body of the error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{error}")]
pub struct ApiError {
    /// The HTTP status code (400 bad input, 404 unknown body or page).
    #[serde(skip)]
    pub status: u16,
    /// What is wrong.
    pub error: String,
    /// The query parameter at fault, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<&'static str>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The closest bodies, for an unknown or ambiguous body.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub closest: Vec<Suggestion>,
    /// Every problem of the request, each with its parameter, when there are several (the
    /// first is also in `error`, `parameter` and `help`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ParameterProblem>,
}

/// One problem of a request, naming its query parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParameterProblem {
    /// The query parameter at fault.
    pub parameter: &'static str,
    /// What is wrong.
    pub error: String,
    /// How to fix it.
    pub help: String,
}

impl ApiError {
    /// A 400 about one parameter.
    pub fn bad(parameter: &'static str, error: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            status: 400,
            error: error.into(),
            parameter: Some(parameter),
            help: Some(help.into()),
            closest: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// A 404 for a path that is not a page or an endpoint.
    pub fn no_page(path: &str) -> Self {
        Self {
            status: 404,
            error: format!("there is no page at {path}"),
            parameter: None,
            help: Some(
                "the page is at /; the API is /api/meta, /api/bodies?q=, /api/rank?body=, \
                 /api/view?body=, /api/profile?body= and /api/report?body=&shortlist=; each of \
                 the last four also takes the filters (sector, kind, region, nation, \
                 within_area, within_km, ...) and profile= (the page's statement)"
                    .to_owned(),
            ),
            closest: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// A 500: a bug, said plainly.
    pub fn internal(what: impl Into<String>) -> Self {
        Self {
            status: 500,
            error: format!("internal error: {}", what.into()),
            parameter: None,
            help: Some("this is a bug in partnermatch; please report it with the URL".to_owned()),
            closest: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The error for a body name that does not pick one body: 404 with the closest bodies when
    /// nothing matches, 400 with every match when several do.
    pub fn from_find(err: FindError) -> Self {
        let list = |bodies: Vec<(String, String)>| {
            bodies.into_iter().map(|(id, name)| Suggestion { id, name }).collect()
        };
        match err {
            FindError::Unknown { query, closest } => Self {
                status: 404,
                error: format!("no body matches \"{query}\""),
                parameter: Some("body"),
                help: Some(if closest.is_empty() {
                    "give a body's id or name; /api/bodies?q= searches by part of a name".to_owned()
                } else {
                    "did you mean one of the closest bodies listed? give its id".to_owned()
                }),
                closest: list(closest),
                problems: Vec::new(),
            },
            FindError::Ambiguous { query, matches } => Self {
                status: 400,
                error: format!("\"{query}\" matches {} bodies", matches.len()),
                parameter: Some("body"),
                help: Some("give the id of the one you mean".to_owned()),
                closest: list(matches),
                problems: Vec::new(),
            },
        }
    }
}

/// The raw pairs of a query string, checked against the parameters an endpoint knows: an
/// unknown name is refused (with the closest known one), and so is a single-valued parameter
/// given twice. Empty values count as absent, as an empty form field does.
#[derive(Debug)]
pub struct Params<'a> {
    pairs: &'a [(String, String)],
}

impl<'a> Params<'a> {
    /// Checks every name against `known`; `lists` may be repeated.
    pub fn new(
        pairs: &'a [(String, String)],
        known: &[&'static str],
        lists: &[&str],
    ) -> Result<Self, ApiError> {
        for (i, (name, _)) in pairs.iter().enumerate() {
            let Some(known_name) = known.iter().copied().find(|k| *k == name) else {
                let shown: String = name.chars().take(40).collect();
                let help = match closest(name, known.iter().copied()) {
                    Some(near) => {
                        format!("did you mean \"{near}\"? known parameters: {}", known.join(", "))
                    }
                    None => format!("known parameters: {}", known.join(", ")),
                };
                return Err(ApiError {
                    status: 400,
                    error: format!("unknown parameter \"{shown}\""),
                    parameter: None,
                    help: Some(help),
                    closest: Vec::new(),
                    problems: Vec::new(),
                });
            };
            if !lists.contains(&known_name) && pairs[..i].iter().any(|(n, _)| n == name) {
                return Err(ApiError::bad(
                    known_name,
                    format!("{known_name} is given more than once"),
                    format!("give {known_name} once"),
                ));
            }
        }
        Ok(Self { pairs })
    }

    /// The value of a single-valued parameter, if given and not empty.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(n, v)| n == name && !v.trim().is_empty()).map(|(_, v)| v.trim())
    }

    /// Every value of a list parameter; with `split`, values are also split at commas.
    pub fn all(&self, name: &str, split: bool) -> Vec<&'a str> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(
                |(_, v)| {
                    if split { v.split(',').collect::<Vec<_>>() } else { vec![v.as_str()] }
                },
            )
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }
}

/// The download format of `/api/rank`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The JSON document of `rank --format json`.
    Json,
    /// The CSV of `rank --format csv`.
    Csv,
    /// The workbook of `rank --format xlsx`.
    Xlsx,
}

/// A validated ranking request.
#[derive(Debug, Clone, PartialEq)]
pub struct RankRequest {
    /// The ranked body's index.
    pub subject: usize,
    /// The weighting asked for, or `None` for the server's own.
    pub weights: Option<WeightSettings>,
    /// Candidates, filters and the mutual score.
    pub settings: RankSettings,
    /// The download format.
    pub format: Format,
}

impl ApiError {
    /// A 400 listing every problem of a request (the first also as the error's own).
    pub fn all(mut problems: Vec<ParameterProblem>) -> Self {
        let first = problems.remove(0);
        let error = if problems.is_empty() {
            first.error.clone()
        } else {
            let mut text = first.error.clone();
            for p in &problems {
                text.push_str(&format!("; {}: {}", p.parameter, p.error));
            }
            text
        };
        let mut out = Self::bad(first.parameter, error, first.help.clone());
        if !problems.is_empty() {
            problems.insert(0, first);
            out.problems = problems;
        }
        out
    }
}

/// The query parameter of each field of a request: the field's own name, but for explicit
/// weights (not offered here, so a problem with them is the method's) and the filter as a
/// whole (the first filter parameter the page shows).
fn parameter(field: Field) -> &'static str {
    match field {
        Field::Weights => "method",
        Field::Filter => "sector",
        other => other.name(),
    }
}

/// Collects the problems of reading the query's text, so that all are reported at once.
struct Found(Vec<ParameterProblem>);

impl Found {
    fn push(&mut self, parameter: &'static str, error: impl Into<String>, help: impl Into<String>) {
        self.0.push(ParameterProblem { parameter, error: error.into(), help: help.into() });
    }

    /// Every value of a vocabulary list, distinct; unknown names recorded.
    fn list<T: Enumeration>(&mut self, params: &Params<'_>, parameter: &'static str) -> Vec<T> {
        let mut out = Vec::new();
        for value in params.all(parameter, true) {
            match T::parse_name(value) {
                Ok(parsed) if !out.contains(&parsed) => out.push(parsed),
                Ok(_) => {}
                Err(e) => self.push(parameter, e.message(), e.help()),
            }
        }
        out
    }

    /// A number, if given; text that is not one recorded.
    fn number(&mut self, params: &Params<'_>, parameter: &'static str, help: &str) -> Option<f64> {
        let text = params.get(parameter)?;
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                self.push(parameter, format!("{parameter} must be a number, not \"{text}\""), help);
                None
            }
        }
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

impl RankRequest {
    /// Validates the parameters of a ranking endpoint (`format` only for `/api/rank`) against
    /// a dataset and the server's weighting: the query fills the library's
    /// `Request`, which `Request::validate` checks; every problem is reported at once, each
    /// naming its parameter. `order` and `method` replace the server's, `exponent` goes with
    /// `method=rank_exponent`; explicit weights are not offered over the web.
    pub fn parse(
        pairs: &[(String, String)],
        dataset: &Dataset,
        base: &WeightSettings,
        endpoint: Endpoint,
    ) -> Result<Self, ApiError> {
        let known = endpoint.parameters();
        let params = Params::new(
            pairs,
            &known,
            &["service", "sector", "kind", "region", "nation", "within_area"],
        )?;
        let mut found = Found(Vec::new());
        let top = match params.get("top") {
            None => Some(RankSettings::default().top),
            Some(text) => match text.parse::<usize>() {
                Ok(n) if (1..=MAX_TOP).contains(&n) => Some(n),
                _ => {
                    found.push(
                        "top",
                        format!("top must be a whole number from 1 to {MAX_TOP}, not \"{text}\""),
                        "for example top=10",
                    );
                    None
                }
            },
        };
        let within_km = match params.get("within_km") {
            None => None,
            Some(text) => match text.parse::<f64>() {
                Ok(d) if d.is_finite() && d >= 0.0 => Some(d),
                _ => {
                    found.push(
                        "within_km",
                        format!("within_km must be a distance in km of at least 0, not \"{text}\""),
                        "for example within_km=50, or leave it out for no limit",
                    );
                    None
                }
            },
        };
        let exponent =
            found.number(&params, "exponent", "use a number of at least 0, for example exponent=2");
        let mutual = found.list::<Mutual>(&params, "mutual").first().copied();
        let exclude_partners = match params.get("exclude_partners") {
            None => false,
            Some(text) => parse_bool(text).unwrap_or_else(|| {
                found.push(
                    "exclude_partners",
                    format!("exclude_partners must be true or false, not \"{text}\""),
                    "use exclude_partners=true or exclude_partners=false",
                );
                false
            }),
        };
        let format = match params.get("format") {
            None => Format::Json,
            Some(t) if t.eq_ignore_ascii_case("json") => Format::Json,
            Some(t) if t.eq_ignore_ascii_case("csv") => Format::Csv,
            Some(t) if t.eq_ignore_ascii_case("xlsx") => Format::Xlsx,
            Some(t) => {
                found.push(
                    "format",
                    format!("unknown format \"{t}\""),
                    "use format=json, format=csv or format=xlsx",
                );
                Format::Json
            }
        };
        let order = params.get("order").and_then(|text| {
            parse_order(text)
                .map_err(|e| {
                    found.push(
                        "order",
                        format!("invalid order: {e}"),
                        format!(
                            "list the {} criteria highest priority first, separated by commas; \
                             join tied criteria with + (see /api/meta for their names)",
                            Criterion::COUNT_WORD
                        ),
                    );
                })
                .ok()
        });
        let method = params.get("method").and_then(|text| {
            MethodName::parse(text).map_err(|e| found.push("method", e.message(), e.help())).ok()
        });
        let method = match method {
            Some(MethodName::Explicit) => {
                found.push(
                    "method",
                    "explicit weights are not offered here",
                    "choose a rank-based method, or use partnermatch rank --weights",
                );
                None
            }
            other => other,
        };
        let request = Request {
            top: top.unwrap_or(1),
            sectors: found.list::<Sector>(&params, "sector"),
            kinds: found.list::<Kind>(&params, "kind"),
            regions: params.all("region", false).into_iter().map(str::to_owned).collect(),
            nations: params.all("nation", false).into_iter().map(str::to_owned).collect(),
            within_areas: params.all("within_area", false).into_iter().map(str::to_owned).collect(),
            within_km,
            services: found.list::<Service>(&params, "service"),
            exclude_partners,
            mutual,
            weighting: Weighting { method, exponent, order, weights: None },
        };
        let validated = request.validate(dataset).map_err(|problems| {
            for p in problems.0 {
                found.push(parameter(p.field), p.message, p.help);
            }
        });
        let subject = match params.get("body") {
            None => {
                found.push(
                    "body",
                    "no body given",
                    "say which body to rank: body=E07000223 (an id) or body=Adur (a name)",
                );
                None
            }
            // An unknown body alone is a 404 with the closest bodies; with other problems, one
            // of the list.
            Some(body) => match dataset.find(body) {
                Ok(i) => Some(i),
                Err(err) if found.0.is_empty() => return Err(ApiError::from_find(err)),
                Err(err) => {
                    found.push("body", err.to_string(), "give a body's id or name");
                    None
                }
            },
        };
        let (Ok(validated), Some(subject), true) = (validated, subject, found.0.is_empty()) else {
            return Err(ApiError::all(found.0));
        };
        // The page's weighting replaces the server's only where given.
        let weights = match validated.weights {
            None => None,
            Some(asked) => {
                let order = asked.order().or(base.order()).cloned();
                let method = asked.method().or(base.method()).cloned();
                Some(WeightSettings::new(order, method).map_err(|e| {
                    ApiError::bad(
                        "order",
                        format!("the order and method do not fit together: {e}"),
                        format!(
                            "give an order of all {} criteria, or another method",
                            Criterion::COUNT_WORD
                        ),
                    )
                })?)
            }
        };
        Ok(Self { subject, weights, settings: validated.rank, format })
    }
}

/// A validated search: what was typed and how many results to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    /// The text typed so far.
    pub query: String,
    /// At most this many results.
    pub limit: usize,
}

impl SearchRequest {
    /// Validates the parameters of `/api/bodies`.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ApiError> {
        let params = Params::new(pairs, SEARCH_PARAMETERS, &[])?;
        let limit = match params.get("limit") {
            None => 10,
            Some(text) => match text.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ApiError::bad(
                        "limit",
                        format!(
                            "limit must be a whole number from 1 to {MAX_LIMIT}, not \"{text}\""
                        ),
                        "for example limit=10",
                    ));
                }
            },
        };
        let query: String = params.get("q").unwrap_or("").chars().take(200).collect();
        Ok(Self { query, limit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weights::Method;

    fn dataset() -> Dataset {
        Dataset::embedded().unwrap()
    }

    fn pairs(query: &[(&str, &str)]) -> Vec<(String, String)> {
        query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    /// Parses a rank query and checks the error's status, parameter and message fragment.
    #[track_caller]
    fn check_error(
        dataset: &Dataset,
        query: &[(&str, &str)],
        status: u16,
        parameter: Option<&str>,
        fragment: &str,
    ) -> ApiError {
        let err =
            RankRequest::parse(&pairs(query), dataset, &WeightSettings::default(), Endpoint::Rank)
                .unwrap_err();
        assert_eq!(err.status, status, "{err:?}");
        assert_eq!(err.parameter, parameter, "{err:?}");
        let text = format!("{} {}", err.error, err.help.clone().unwrap_or_default());
        assert!(text.contains(fragment), "{text:?} lacks {fragment:?}");
        err
    }

    #[test]
    fn bad_parameters_are_named_with_a_fix() {
        let d = dataset();
        check_error(&d, &[], 400, Some("body"), "say which body");
        check_error(&d, &[("body", "  ")], 400, Some("body"), "no body given");
        check_error(
            &d,
            &[("body", "adur"), ("order", "proximity,trust")],
            400,
            Some("order"),
            &format!("{} criteria", Criterion::COUNT_WORD),
        );
        check_error(
            &d,
            &[("body", "adur"), ("order", "proximty")],
            400,
            Some("order"),
            "proximity",
        );
        check_error(&d, &[("body", "adur"), ("method", "rok")], 400, Some("method"), "roc");
        check_error(
            &d,
            &[("body", "adur"), ("method", "explicit")],
            400,
            Some("method"),
            "not offered",
        );
        check_error(
            &d,
            &[("body", "adur"), ("exponent", "2")],
            400,
            Some("exponent"),
            "rank_exponent",
        );
        check_error(
            &d,
            &[("body", "adur"), ("method", "rank_exponent"), ("exponent", "-1")],
            400,
            Some("exponent"),
            "at least 0",
        );
        check_error(
            &d,
            &[("body", "adur"), ("within_km", "-5")],
            400,
            Some("within_km"),
            "at least 0, not \"-5\"",
        );
        check_error(
            &d,
            &[("body", "adur"), ("within_km", "NaN")],
            400,
            Some("within_km"),
            "distance",
        );
        check_error(&d, &[("body", "adur"), ("top", "0")], 400, Some("top"), "from 1 to 100");
        check_error(&d, &[("body", "adur"), ("top", "100000")], 400, Some("top"), "from 1 to 100");
        check_error(
            &d,
            &[("body", "adur"), ("mutual", "geometric")],
            400,
            Some("mutual"),
            "harmonic",
        );
        check_error(&d, &[("body", "adur"), ("service", "legl")], 400, Some("service"), "legal");
        check_error(&d, &[("body", "adur"), ("sector", "polise")], 400, Some("sector"), "police");
        check_error(
            &d,
            &[("body", "adur"), ("region", "South Eest")],
            400,
            Some("region"),
            "South East",
        );
        check_error(&d, &[("body", "adur"), ("format", "xml")], 400, Some("format"), "csv");
        check_error(
            &d,
            &[("body", "adur"), ("top", "5"), ("top", "6")],
            400,
            Some("top"),
            "more than once",
        );
        check_error(
            &d,
            &[("body", "adur"), ("exclude_partners", "maybe")],
            400,
            Some("exclude_partners"),
            "true or false",
        );
        check_error(
            &d,
            &[("body", "adur"), ("servce", "legal")],
            400,
            None,
            "did you mean \"service\"",
        );
        check_error(
            &d,
            &[("body", "adur"), ("path", "/etc/passwd")],
            400,
            None,
            "unknown parameter",
        );
        // No format on the page's own endpoint.
        let err = RankRequest::parse(
            &pairs(&[("body", "adur"), ("format", "csv")]),
            &d,
            &WeightSettings::default(),
            Endpoint::View,
        )
        .unwrap_err();
        assert_eq!(err.status, 400);
    }

    /// The unknown-parameter help lists every parameter the endpoint takes (the statement and
    /// the shortlist included), and the page-not-found help every endpoint.
    #[test]
    fn the_help_names_every_endpoint_and_parameter() {
        let d = dataset();
        let help = |endpoint, query: &[(&str, &str)]| {
            let err = RankRequest::parse(&pairs(query), &d, &WeightSettings::default(), endpoint)
                .unwrap_err();
            err.help.unwrap_or_default()
        };
        let rank = help(Endpoint::Rank, &[("body", "adur"), ("colour", "red")]);
        assert_eq!(
            rank,
            "known parameters: body, order, method, exponent, mutual, service, sector, kind, \
             region, nation, within_area, within_km, exclude_partners, top, format, profile"
        );
        for endpoint in [Endpoint::View, Endpoint::Profile] {
            let view = help(endpoint, &[("body", "adur"), ("colour", "red")]);
            assert!(view.ends_with("exclude_partners, top, profile"), "{view}");
        }
        let report = help(Endpoint::Report, &[("body", "adur"), ("shortlst", "worthing")]);
        assert!(report.starts_with("did you mean \"shortlist\"?"), "{report}");
        assert!(report.ends_with("top, profile, shortlist"), "{report}");
        let profile = help(Endpoint::View, &[("body", "adur"), ("profil", "id = \"adur\"")]);
        assert!(profile.starts_with("did you mean \"profile\"?"), "{profile}");
        let page = ApiError::no_page("/api/ranks").help.unwrap_or_default();
        for named in [
            "/api/meta",
            "/api/bodies?q=",
            "/api/rank?body=",
            "/api/view?body=",
            "/api/profile?body=",
            "/api/report?body=&shortlist=",
            "within_area",
            "profile=",
        ] {
            assert!(page.contains(named), "{page:?} lacks {named:?}");
        }
    }

    #[test]
    fn an_unknown_body_is_404_with_the_closest_bodies() {
        let d = dataset();
        let err = check_error(
            &d,
            &[("body", "Adurr District Council")],
            404,
            Some("body"),
            "no body matches",
        );
        assert_eq!(err.closest[0].id, "E07000223");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["parameter"], "body");
        assert_eq!(json["closest"][0]["name"], "Adur District Council");
        assert!(json.get("status").is_none());
    }

    #[test]
    fn good_parameters_become_settings() {
        let d = dataset();
        let request = RankRequest::parse(
            &pairs(&[
                ("body", "adur"),
                ("order", "trust,proximity,service_fit,kind_fit,size_fit,barrier_risk,shared_priorities,shared_geography,ict_fit,political_alignment"),
                ("method", "rs"),
                ("service", "legal,revenues_and_benefits"),
                ("service", "legal"),
                ("sector", "local_government"),
                ("region", "south east"),
                ("within_km", "50"),
                ("top", "5"),
                ("mutual", "forward"),
                ("exclude_partners", "on"),
                ("format", "CSV"),
                ("kind", ""),
            ]),
            &d,
            &WeightSettings::default(),
            Endpoint::Rank,
        )
        .unwrap();
        assert_eq!(d.organisations()[request.subject].id.as_str(), "E07000223");
        let weights = request.weights.unwrap();
        assert_eq!(weights.method(), Some(&Method::RankSum));
        assert_eq!(weights.order().unwrap().positions()[0], [Criterion::Trust]);
        assert_eq!(request.settings.top, 5);
        assert_eq!(request.settings.focus.len(), 2);
        assert_eq!(request.settings.filter.regions, ["South East"]);
        assert_eq!(request.settings.filter.sectors, [Sector::LocalGovernment]);
        assert!(request.settings.filter.kinds.is_empty());
        assert_eq!(request.settings.within_km, Some(50.0));
        assert_eq!(request.settings.mutual, Mutual::Forward);
        assert!(request.settings.exclude_partners);
        assert_eq!(request.format, Format::Csv);
        // Nothing about the weights: the server's own.
        let plain = RankRequest::parse(
            &pairs(&[("body", "E07000223")]),
            &d,
            &WeightSettings::default(),
            Endpoint::View,
        )
        .unwrap();
        assert_eq!(plain.weights, None);
        assert_eq!(plain.settings, RankSettings::default());
    }

    /// The bad request of every front end's test (two regions no body has, a sector no body
    /// is of) on the council fixture: one 400 listing every problem, each with its parameter.
    #[test]
    fn one_bad_request_reports_every_problem_with_its_parameter() {
        let d = Dataset::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/good/northshire.toml"),
        )
        .unwrap();
        let err = check_error(
            &d,
            &[
                ("body", "T-EVD"),
                ("sector", "police"),
                ("region", "South Eest"),
                ("region", "Walez"),
            ],
            400,
            Some("sector"),
            "no body in the data is of sector \"police\"",
        );
        let json = serde_json::to_value(&err).unwrap();
        let problems: Vec<(&str, &str)> = json["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["parameter"].as_str().unwrap(), p["error"].as_str().unwrap()))
            .collect();
        assert_eq!(
            problems,
            [
                ("sector", "no body in the data is of sector \"police\", so it selects nothing"),
                ("region", "no body in the data has region \"South Eest\""),
                ("region", "no body in the data has region \"Walez\""),
            ]
        );
        assert!(err.error.contains("region: no body in the data has region \"Walez\""));
    }

    #[test]
    fn within_area_names_an_area() {
        let d = dataset();
        let request = RankRequest::parse(
            &pairs(&[("body", "cotswold"), ("within_area", "Gloucestershire")]),
            &d,
            &WeightSettings::default(),
            Endpoint::View,
        )
        .unwrap();
        assert_eq!(request.settings.filter.within_areas, ["E10000013"]);
        check_error(
            &d,
            &[("body", "cotswold"), ("within_area", "Glosterhire")],
            400,
            Some("within_area"),
            "Gloucestershire County Council",
        );
    }

    #[test]
    fn searches_are_bounded() {
        assert_eq!(
            SearchRequest::parse(&pairs(&[("q", "adur")])).unwrap(),
            SearchRequest { query: "adur".to_owned(), limit: 10 }
        );
        assert_eq!(SearchRequest::parse(&pairs(&[("limit", "0")])).unwrap_err().status, 400);
        assert_eq!(SearchRequest::parse(&pairs(&[("limit", "51")])).unwrap_err().status, 400);
        assert_eq!(SearchRequest::parse(&pairs(&[("x", "1")])).unwrap_err().status, 400);
        let long = "a".repeat(1000);
        assert_eq!(SearchRequest::parse(&pairs(&[("q", &long)])).unwrap().query.len(), 200);
    }
}
