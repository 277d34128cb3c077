//! The JSON API behind the web page, as plain functions from validated requests to response
//! bodies: `meta` (the vocabularies and defaults), `bodies` (typeahead search), `rank` (the
//! CSV, JSON and spreadsheet downloads, byte for byte what `partnermatch rank` prints), `view`
//! (what the page draws: the ranking, its map and weights, the panel's fields), `profile` (the
//! statement as the `partnermatch profile BODY` template, filled in) and `report` (the
//! shortlist as `partnermatch report --shortlist` writes it). Every ranking endpoint takes the
//! page's statement (`profile`, read in `statement`). No I/O and no HTTP: `serve` wraps them.

use serde::Serialize;

use std::sync::Arc;

use super::AppState;
use super::params::{ApiError, Endpoint, Format, RankRequest, SearchRequest};
use super::statement::{PanelView, Statement, take, take_statement};
use crate::engine::Engine;
use crate::export::ranking::{ExplainedRanking, RankDocument, write_csv, write_json, write_xlsx};
use crate::model::{Barrier, Criterion, Enumeration, Kind, Organisation, Reason, Sector, Service};
use crate::report::html::CRITERION_COLOURS;
use crate::report::{MapView, Report, ReportSettings};
use crate::score::Mutual;
use crate::weights::{Basis, MethodName, format_order};

/// A response body and how to label it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The MIME type.
    pub content_type: &'static str,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// A file name for downloads (`Content-Disposition: attachment`).
    pub filename: Option<String>,
}

impl Body {
    fn json<T: Serialize + ?Sized>(value: &T) -> Result<Self, ApiError> {
        let mut bytes = Vec::new();
        write_json(&mut bytes, value).map_err(|e| ApiError::internal(e.to_string()))?;
        Ok(Self { content_type: "application/json", bytes, filename: None })
    }
}

/// A name and its label.
#[derive(Debug, Serialize)]
struct Named {
    name: &'static str,
    label: &'static str,
}

fn named<T: Enumeration>(values: impl IntoIterator<Item = T>) -> Vec<Named> {
    values.into_iter().map(|v| Named { name: v.name(), label: v.label() }).collect()
}

#[derive(Debug, Serialize)]
struct CriterionMeta<'a> {
    name: &'static str,
    label: &'static str,
    colour: &'static str,
    survey_position: Option<usize>,
    basis: Option<Basis>,
    evidence: &'a str,
    source: &'a str,
}

#[derive(Debug, Serialize)]
struct MethodMeta {
    name: &'static str,
    label: &'static str,
    citation: &'static str,
}

#[derive(Debug, Serialize)]
struct MutualMeta {
    name: &'static str,
    label: &'static str,
    description: &'static str,
}

#[derive(Debug, Serialize)]
struct Meta<'a> {
    version: &'static str,
    dataset: &'a str,
    n_bodies: usize,
    criteria: Vec<CriterionMeta<'a>>,
    /// The server's criteria order, highest first; tied criteria share an inner list.
    order: Vec<Vec<&'static str>>,
    method: &'static str,
    methods: Vec<MethodMeta>,
    mutual: Vec<MutualMeta>,
    default_mutual: Mutual,
    default_top: usize,
    max_top: usize,
    services: Vec<Named>,
    /// The survey's barriers, biggest first (the panel's severities).
    barriers: Vec<Named>,
    /// The reasons for sharing (the panel's ordered list).
    reasons: Vec<Named>,
    /// The most bytes a statement may have.
    max_statement_bytes: usize,
    sectors: Vec<Named>,
    kinds: Vec<Named>,
    regions: Vec<&'a str>,
    nations: Vec<&'a str>,
}

/// Distinct values of a field over the dataset, sorted.
fn distinct<'a, T: Ord + Copy>(
    orgs: &'a [Organisation],
    get: impl Fn(&'a Organisation) -> Option<T>,
) -> Vec<T> {
    let mut out: Vec<T> = orgs.iter().filter_map(get).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// `GET /api/meta`: everything the page needs to build its controls.
pub fn meta(state: &AppState) -> Result<Body, ApiError> {
    let engine = state.base();
    let survey = &engine.survey;
    let orgs = engine.dataset.organisations();
    let order = engine.settings.order().unwrap_or(survey.criteria_order());
    let document = Meta {
        version: env!("CARGO_PKG_VERSION"),
        dataset: engine.dataset.description(),
        n_bodies: orgs.len(),
        criteria: Criterion::all()
            .iter()
            .map(|c| {
                let entry = survey.criterion(*c);
                CriterionMeta {
                    name: c.name(),
                    label: c.label(),
                    colour: CRITERION_COLOURS[c.index()],
                    survey_position: entry.map(|e| e.position),
                    basis: entry.map(|e| e.basis),
                    evidence: entry.map_or(c.evidence(), |e| e.evidence.as_str()),
                    source: entry.map_or("", |e| e.source.as_str()),
                }
            })
            .collect(),
        order: order.positions().iter().map(|p| p.iter().map(|c| c.name()).collect()).collect(),
        method: engine.settings.method().unwrap_or(survey.method()).name(),
        methods: MethodName::all()
            .iter()
            .filter(|m| **m != MethodName::Explicit)
            .map(|m| MethodMeta { name: m.name(), label: m.label(), citation: m.citation() })
            .collect(),
        // `Mutual`'s own words, as every other output uses them.
        mutual: Mutual::all()
            .iter()
            .map(|m| MutualMeta { name: m.name(), label: m.label(), description: m.description() })
            .collect(),
        default_mutual: Mutual::default(),
        default_top: crate::rank::RankSettings::default().top,
        max_top: super::params::MAX_TOP,
        services: named(Service::all().iter().copied()),
        barriers: named(Barrier::all().iter().copied()),
        reasons: named(Reason::all().iter().copied()),
        max_statement_bytes: super::statement::MAX_STATEMENT_BYTES,
        sectors: named(distinct(orgs, |o| Some(o.sector)).into_iter().collect::<Vec<Sector>>()),
        kinds: named(distinct(orgs, |o| o.kind).into_iter().collect::<Vec<Kind>>()),
        regions: distinct(orgs, |o| o.region.as_deref()),
        nations: distinct(orgs, |o| o.nation.as_deref()),
    };
    Body::json(&document)
}

#[derive(Debug, Serialize)]
struct BodySummary<'a> {
    id: &'a str,
    name: &'a str,
    short_name: Option<&'a str>,
    kind: Option<&'static str>,
    region: Option<&'a str>,
}

impl<'a> From<&'a Organisation> for BodySummary<'a> {
    fn from(o: &'a Organisation) -> Self {
        Self {
            id: o.id.as_str(),
            name: &o.name,
            short_name: o.short_name.as_deref(),
            kind: o.kind.map(Enumeration::label),
            region: o.region.as_deref(),
        }
    }
}

#[derive(Debug, Serialize)]
struct SearchResults<'a> {
    query: &'a str,
    bodies: Vec<BodySummary<'a>>,
}

/// `GET /api/bodies?q=&limit=`: bodies whose id or names contain the text typed.
pub fn bodies(state: &AppState, pairs: &[(String, String)]) -> Result<Body, ApiError> {
    let request = SearchRequest::parse(pairs)?;
    let dataset = &state.base().dataset;
    let found = dataset.search(&request.query, request.limit);
    Body::json(&SearchResults {
        query: &request.query,
        bodies: found.iter().map(|i| BodySummary::from(&dataset.organisations()[*i])).collect(),
    })
}

/// A request's engine and validated parameters: the statement (`profile`) taken out and laid
/// over the data, the rest parsed by `RankRequest` against the data with the statement (so a
/// statement may add the body it ranks), the weighting's engine, and the statement checked to
/// be about the ranked body.
fn prepare(
    state: &AppState,
    pairs: &[(String, String)],
    endpoint: Endpoint,
) -> Result<(Arc<Engine>, RankRequest, Option<Statement>), ApiError> {
    let (statement, pairs) = take_statement(pairs)?;
    let base = state.base();
    let layered = state.engine_for(None, statement.as_ref())?;
    let request = RankRequest::parse(&pairs, &layered.dataset, &base.settings, endpoint)?;
    let engine = match &request.weights {
        Some(weights) => state.engine_for(Some(weights), statement.as_ref())?,
        None => layered,
    };
    if let Some(statement) = &statement {
        statement.check_subject(&engine.dataset, request.subject)?;
    }
    Ok((engine, request, statement))
}

/// A body's id as a file name's part: ASCII letters, digits, '-' and '_' only.
fn file_id(engine: &Engine, subject: usize) -> String {
    engine.dataset.organisations()[subject]
        .id
        .as_str()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect()
}

/// `GET /api/rank?body=...&format=json|csv|xlsx`: the ranking as `partnermatch rank` prints it, as
/// a download.
pub fn rank(state: &AppState, pairs: &[(String, String)]) -> Result<Body, ApiError> {
    let (engine, request, _) = prepare(state, pairs, Endpoint::Rank)?;
    let explained = ExplainedRanking::new(&engine, request.subject, request.settings);
    let id = file_id(&engine, request.subject);
    match request.format {
        Format::Json => {
            let mut body = Body::json(&explained.document(&engine))?;
            body.filename = Some(format!("partners-{id}.json"));
            Ok(body)
        }
        Format::Csv => {
            let mut bytes = Vec::new();
            write_csv(&mut bytes, &explained.records)
                .map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(Body {
                content_type: "text/csv; charset=utf-8",
                bytes,
                filename: Some(format!("partners-{id}.csv")),
            })
        }
        Format::Xlsx => {
            let mut bytes = Vec::new();
            write_xlsx(&mut bytes, &engine, &explained)
                .map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(Body {
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
                filename: Some(format!("partners-{id}.xlsx")),
            })
        }
    }
}

#[derive(Debug, Serialize)]
struct WeightView {
    criterion: Criterion,
    label: &'static str,
    position: usize,
    weight: f64,
}

#[derive(Debug, Serialize)]
struct View<'a> {
    subject: BodySummary<'a>,
    /// The ranked body has its own criteria order, which the page's order does not change.
    own_order: bool,
    /// The order its weights come from, highest first (`format_order` syntax).
    order: String,
    /// Its weights, in that order.
    weights: Vec<WeightView>,
    method: String,
    mutual: &'static str,
    neutral_for_all: Vec<Criterion>,
    map: MapView,
    ranking: RankDocument<'a>,
    /// The "describe your body" panel's fields of the ranked body.
    panel: PanelView,
}

/// `GET /api/view?body=...`: what the page shows for a ranking: the `rank` JSON document, the
/// map and the weights in order.
pub fn view(state: &AppState, pairs: &[(String, String)]) -> Result<Body, ApiError> {
    let (engine, request, statement) = prepare(state, pairs, Endpoint::View)?;
    let explained = ExplainedRanking::new(&engine, request.subject, request.settings);
    let subject = &engine.dataset.organisations()[request.subject];
    let order = engine.survey.order_for(subject, &engine.settings);
    let method = engine.settings.method().unwrap_or(engine.survey.method());
    let weights = engine.index.weights(request.subject);
    let document = View {
        subject: BodySummary::from(subject),
        own_order: subject.criteria_order.is_some()
            && !matches!(method, crate::weights::Method::Explicit(_)),
        order: format_order(order),
        weights: order
            .positions()
            .iter()
            .enumerate()
            .flat_map(|(i, block)| {
                block.iter().map(move |c| WeightView {
                    criterion: *c,
                    label: c.label(),
                    position: i + 1,
                    weight: weights[c.index()],
                })
            })
            .collect(),
        method: method.describe(),
        mutual: explained.settings.mutual.description(),
        neutral_for_all: explained.neutral_for_all(),
        map: MapView::new(&engine, &explained),
        ranking: explained.document(&engine),
        panel: PanelView::new(&engine.dataset, request.subject, statement.as_ref()),
    };
    Body::json(&document)
}

/// `GET /api/profile?body=...&profile=...`: the ranked body's `partnermatch profile BODY`
/// template over the data with the statement, so that what the page states is filled in. Passed
/// to the CLI with `--profile`, it gives the ranking the page shows.
pub fn profile(state: &AppState, pairs: &[(String, String)]) -> Result<Body, ApiError> {
    let (engine, request, _) = prepare(state, pairs, Endpoint::Profile)?;
    let id = file_id(&engine, request.subject);
    let file = format!("profile-{id}.toml");
    let o = &engine.dataset.organisations()[request.subject];
    let text = crate::profiles::toml_template(o, &engine.survey, &file);
    Ok(Body {
        content_type: "application/toml; charset=utf-8",
        bytes: text.into_bytes(),
        filename: Some(file),
    })
}

/// The most bodies a shortlist may name.
pub const MAX_SHORTLIST: usize = 20;

/// `GET /api/report?body=...&shortlist=ID,ID`: the report `partnermatch report BODY --shortlist
/// ID,ID` writes for the same settings and statement: one self-contained HTML file.
pub fn report(state: &AppState, pairs: &[(String, String)]) -> Result<Body, ApiError> {
    let (shortlist, pairs) = take(pairs, "shortlist")?;
    let (engine, request, _) = prepare(state, &pairs, Endpoint::Report)?;
    let mut picked = Vec::new();
    for key in
        shortlist.as_deref().unwrap_or("").split(',').map(str::trim).filter(|k| !k.is_empty())
    {
        let i = engine.dataset.find(key).map_err(|e| {
            let mut err = ApiError::from_find(e);
            err.parameter = Some("shortlist");
            err.help = Some("tick partners in the ranking to shortlist them".to_owned());
            err
        })?;
        if i != request.subject && !picked.contains(&i) {
            picked.push(i);
        }
    }
    if picked.len() > MAX_SHORTLIST {
        return Err(ApiError::bad(
            "shortlist",
            format!("the shortlist has {} bodies, more than {MAX_SHORTLIST}", picked.len()),
            format!("keep at most {MAX_SHORTLIST} partners in the shortlist"),
        ));
    }
    let settings =
        ReportSettings { rank: request.settings, shortlist: picked, ..ReportSettings::default() };
    let html = Report::build(&engine, request.subject, &settings).to_html();
    let id = file_id(&engine, request.subject);
    let name = if settings.shortlist.is_empty() {
        format!("report-{id}.html")
    } else {
        format!("report-{id}-shortlist.html")
    };
    Ok(Body {
        content_type: "text/html; charset=utf-8",
        bytes: html.into_bytes(),
        filename: Some(name),
    })
}
