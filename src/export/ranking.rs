//! One body's explained ranking as the records every output shares: `rank --format json|csv`,
//! the HTML report and the web page's downloads all come from `ExplainedRanking`, so they show
//! the same numbers for the same settings. Writes only to the writer it is given.

use std::io::Write;

use serde::Serialize;

use super::records::{BodyRef, CandidateRecord};
use super::table::{Cell, Column, Style, Table};
use super::xlsx::{
    Sheet, SpreadsheetError, weight_lines, weights_and_sources_sheet, write_workbook,
};
use crate::engine::Engine;
use crate::model::{Criterion, Enumeration};
use crate::rank::{RankSettings, Ranking};
use crate::score::Mutual;

/// A ranking with every candidate explained both ways.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainedRanking {
    /// The ranked body's index in the dataset.
    pub subject: usize,
    /// The settings it was ranked under.
    pub settings: RankSettings,
    /// The ranking itself (candidate indices and scores).
    pub ranking: Ranking,
    /// One record per ranked candidate, best first (the same order as `ranking.candidates`).
    pub records: Vec<CandidateRecord>,
}

impl ExplainedRanking {
    /// Ranks `subject`'s candidates and explains each: O(n) scorings plus one explanation per
    /// kept candidate.
    pub fn new(engine: &Engine, subject: usize, settings: RankSettings) -> Self {
        let ranking = engine.rank(subject, &settings);
        let orgs = engine.dataset.organisations();
        let records = ranking
            .candidates
            .iter()
            .enumerate()
            .map(|(i, r)| {
                CandidateRecord::new(
                    i + 1,
                    &orgs[r.candidate],
                    engine.explain(subject, r.candidate, &settings),
                )
            })
            .collect();
        Self { subject, settings, ranking, records }
    }

    /// The JSON document of `rank --format json`.
    pub fn document<'a>(&'a self, engine: &'a Engine) -> RankDocument<'a> {
        RankDocument {
            organisation: BodyRef::from(&engine.dataset.organisations()[self.subject]),
            dataset: engine.dataset.description(),
            settings: &self.settings,
            weights: Criterion::all()
                .iter()
                .map(|c| WeightRow {
                    criterion: *c,
                    weight: engine.index.weights(self.subject)[c.index()],
                })
                .collect(),
            n_eligible: self.ranking.n_eligible,
            candidates: &self.records,
        }
    }

    /// The criteria that had no data for any candidate, in either direction (empty when there
    /// is no candidate).
    pub fn neutral_for_all(&self) -> Vec<Criterion> {
        if self.records.is_empty() {
            return Vec::new();
        }
        Criterion::all()
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                self.records
                    .iter()
                    .all(|r| r.forward.criteria[*i].neutral && r.backward.criteria[*i].neutral)
            })
            .map(|(_, c)| *c)
            .collect()
    }
}

/// The JSON document of `rank --format json` (and of the web page's JSON download): a contract
/// with scripts, so fields are only ever added.
#[derive(Debug, Serialize)]
pub struct RankDocument<'a> {
    /// The ranked body.
    pub organisation: BodyRef,
    /// Where the data came from.
    pub dataset: &'a str,
    /// The settings ranked under.
    pub settings: &'a RankSettings,
    /// The ranked body's own weights, as used for its side of every score.
    pub weights: Vec<WeightRow>,
    /// How many bodies were eligible candidates.
    pub n_eligible: usize,
    /// The ranked candidates, best first.
    pub candidates: &'a [CandidateRecord],
}

/// One criterion's weight for the ranked body.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WeightRow {
    /// The criterion.
    pub criterion: Criterion,
    /// Its weight.
    pub weight: f64,
}

/// Writes a value as pretty JSON and a final newline: the bytes `rank --format json` prints.
pub fn write_json<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
) -> Result<(), serde_json::Error> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)
}

/// The table of `rank --format csv` and `--format xlsx`: one row per candidate, both views'
/// values per criterion, the criteria that were neutral in the ranked body's view, and the
/// reasons.
pub fn table(records: &[CandidateRecord]) -> Table {
    let mut columns: Vec<Column> = [
        ("rank", Style::Whole),
        ("id", Style::General),
        ("name", Style::General),
        ("kind", Style::General),
        ("region", Style::General),
        ("distance_km", Style::Km),
        ("score", Style::Score),
        ("forward", Style::Score),
        ("backward", Style::Score),
    ]
    .into_iter()
    .map(|(h, s)| Column::new(h, s))
    .collect();
    for c in Criterion::all() {
        columns.push(Column::new(format!("{}_forward", c.name()), Style::Score));
        columns.push(Column::new(format!("{}_backward", c.name()), Style::Score));
    }
    columns.push(Column::new("neutral", Style::General));
    columns.push(Column::new("reasons", Style::General));
    let mut table = Table::new(columns);
    for r in records {
        let mut row = vec![
            Cell::whole(r.rank),
            Cell::text(r.id.as_str()),
            Cell::text(r.name.as_str()),
            Cell::text(r.kind.unwrap_or("")),
            Cell::text(r.region.clone().unwrap_or_default()),
            Cell::Number(r.distance_km),
            Cell::Number(r.score),
            Cell::Number(r.forward.score),
            Cell::Number(r.backward.score),
        ];
        for (f, b) in r.forward.criteria.iter().zip(&r.backward.criteria) {
            row.push(Cell::Number(f.value));
            row.push(Cell::Number(b.value));
        }
        let neutral: Vec<&str> =
            r.forward.criteria.iter().filter(|c| c.neutral).map(|c| c.criterion.name()).collect();
        row.push(Cell::Text(neutral.join(";")));
        row.push(Cell::Text(r.reasons.join("; ")));
        table.push(row);
    }
    table
}

/// Writes the CSV of `rank --format csv` (`table`).
pub fn write_csv(out: &mut dyn Write, records: &[CandidateRecord]) -> Result<(), csv::Error> {
    table(records).write_csv(out)
}

/// Writes the workbook of `rank --format xlsx`: the `table` as the sheet "Partners" and a sheet
/// of the ranked body's weights, the settings and the data's sources.
pub fn write_xlsx(
    out: &mut dyn Write,
    engine: &Engine,
    explained: &ExplainedRanking,
) -> Result<(), SpreadsheetError> {
    let subject = &engine.dataset.organisations()[explained.subject];
    let order = engine.survey.order_for(subject, &engine.settings);
    let weights = weight_lines(order, engine.index.weights(explained.subject));
    let mut about = vec![
        ("ranked body".to_owned(), format!("{} ({})", subject.name, subject.id)),
        ("eligible candidates".to_owned(), explained.ranking.n_eligible.to_string()),
    ];
    about.extend(settings_lines(engine, &explained.settings));
    write_workbook(
        out,
        &[
            Sheet::new("Partners", table(&explained.records)),
            weights_and_sources_sheet(engine, &about, &weights),
        ],
    )
}

/// The settings of a ranking (or of a plan over many bodies) as label and value, for the
/// spreadsheet's sheet of weights and sources.
pub fn settings_lines(engine: &Engine, settings: &RankSettings) -> Vec<(String, String)> {
    let mutual = match settings.mutual {
        Mutual::Harmonic => "harmonic mean of both views (both sides must want it)",
        Mutual::Arithmetic => "arithmetic mean of both views",
        Mutual::Minimum => "the lesser of the two views",
        Mutual::Forward => "the ranked body's view only",
    };
    let method = engine.settings.method().unwrap_or(engine.survey.method()).describe();
    let order =
        if engine.settings.order().is_some() { "order given by the user" } else { "survey order" };
    let mut lines = vec![
        ("score".to_owned(), mutual.to_owned()),
        ("weights".to_owned(), format!("{method}, {order}")),
    ];
    if !settings.filter.is_empty() {
        lines.push(("candidates".to_owned(), settings.filter.describe()));
    }
    if let Some(d) = settings.within_km {
        lines.push(("within".to_owned(), format!("{d} km")));
    }
    if settings.exclude_partners {
        lines.push(("existing partners".to_owned(), "left out".to_owned()));
    }
    if !settings.focus.is_empty() {
        let names: Vec<&str> = settings.focus.iter().map(|s| s.label()).collect();
        lines.push(("service focus".to_owned(), names.join(", ")));
    }
    lines
}
