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
        let mut records: Vec<CandidateRecord> = ranking
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
        set_distinguishing_reasons(&mut records);
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
            stated: stated_fields(engine, self.subject),
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

/// How many reasons a candidate shows at most.
pub const N_REASONS: usize = 3;

/// The median of some numbers (the mean of the middle two for an even count); 0 for none.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Replaces each candidate's reasons with those that set it apart from the others listed: the
/// criteria backed by data whose contribution to the ranked body's view most exceeds the
/// list's median contribution for that criterion, largest first, at most `N_REASONS`. Scores
/// are untouched; only which reasons are shown changes.
///
/// A criterion where every candidate scores alike (all neighbours, all districts) adds the same
/// to every score and cannot explain why one partner is ranked above another, so it is not a
/// reason that tells partners apart, however large. A candidate above the median on nothing
/// keeps its single strongest reason, and a list of fewer than three candidates (no median
/// to speak of) keeps the strongest reasons. O(n·c log n) for n candidates and c criteria.
pub fn set_distinguishing_reasons(records: &mut [CandidateRecord]) {
    if records.len() < 3 {
        return;
    }
    let n_criteria = records[0].forward.criteria.len();
    let medians: Vec<f64> = (0..n_criteria)
        .map(|i| median(records.iter().map(|r| r.forward.criteria[i].contribution).collect()))
        .collect();
    for record in records.iter_mut() {
        // Above the median by more than rounding noise.
        let mut apart: Vec<(f64, &crate::score::CriterionExplanation)> = record
            .forward
            .criteria
            .iter()
            .zip(&medians)
            .filter(|(c, _)| !c.neutral && c.value > 0.0)
            .map(|(c, m)| (c.contribution - m, c))
            .filter(|(excess, _)| *excess > 1e-9)
            .collect();
        apart.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.criterion.cmp(&b.1.criterion)));
        let reasons: Vec<String> =
            apart.iter().take(N_REASONS).map(|(_, c)| c.reason.clone()).collect();
        record.reasons = if reasons.is_empty() {
            record.forward.strongest(1).iter().map(|c| c.reason.clone()).collect()
        } else {
            reasons
        };
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
    /// The ranked body's fields stated by profile layers (`--profile`), with each layer;
    /// left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stated: Vec<StatedField>,
    /// The ranked candidates, best first.
    pub candidates: &'a [CandidateRecord],
}

/// A field of the ranked body stated by a profile layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatedField {
    /// The profile field (`services_sought`).
    pub field: &'static str,
    /// The layer that stated it, as given (`our.toml`).
    pub stated_by: String,
}

/// The fields of a body stated by profile layers, in documented field order.
pub fn stated_fields(engine: &Engine, subject: usize) -> Vec<StatedField> {
    let id = &engine.dataset.organisations()[subject].id;
    engine
        .dataset
        .stated()
        .fields(id)
        .iter()
        .map(|(field, by)| StatedField { field, stated_by: by.to_string() })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Dataset;
    use crate::weights::{Survey, WeightSettings};

    fn embedded() -> Engine {
        Engine::new(Dataset::embedded().unwrap(), Survey::embedded().unwrap(), {
            WeightSettings::default()
        })
        .unwrap()
    }

    #[test]
    fn medians() {
        for (values, want) in [
            (vec![], 0.0),
            (vec![2.0], 2.0),
            (vec![3.0, 1.0], 2.0),
            (vec![5.0, 1.0, 3.0], 3.0),
            (vec![0.5, 0.1, 0.9, 0.2], 0.35),
        ] {
            assert!((median(values.clone()) - want).abs() < 1e-12, "{values:?}");
        }
    }

    /// The reasons shown set each partner apart: every one is a criterion above the list's
    /// median, they are not the same for everyone, and the numbers are those of the plain
    /// explanation (only the reasons differ).
    #[test]
    fn reasons_tell_partners_apart_and_scores_stay() {
        let engine = embedded();
        for name in ["Cotswold", "Adur", "Leeds"] {
            let subject = engine.dataset.find(name).unwrap();
            let explained = ExplainedRanking::new(&engine, subject, RankSettings::default());
            let records = &explained.records;
            assert_eq!(records.len(), 10);
            let medians: Vec<f64> = (0..Criterion::COUNT)
                .map(|i| {
                    median(records.iter().map(|r| r.forward.criteria[i].contribution).collect())
                })
                .collect();
            for (r, ranked) in records.iter().zip(&explained.ranking.candidates) {
                let plain = CandidateRecord::new(
                    r.rank,
                    &engine.dataset.organisations()[ranked.candidate],
                    engine.explain(subject, ranked.candidate, &explained.settings),
                );
                assert_eq!(r.forward, plain.forward);
                assert_eq!(r.score.to_bits(), plain.score.to_bits());
                assert!(!r.reasons.is_empty() && r.reasons.len() <= N_REASONS, "{name}: {r:?}");
                let above: Vec<&String> = r
                    .forward
                    .criteria
                    .iter()
                    .zip(&medians)
                    .filter(|(c, m)| c.contribution > **m + 1e-9 && !c.neutral)
                    .map(|(c, _)| &c.reason)
                    .collect();
                if !above.is_empty() {
                    assert!(r.reasons.iter().all(|x| above.contains(&x)), "{name}: {r:?}");
                }
            }
            let distinct: std::collections::BTreeSet<&Vec<String>> =
                records.iter().map(|r| &r.reasons).collect();
            assert!(distinct.len() >= 4, "{name}: {distinct:?}");
        }
    }

    #[test]
    fn a_short_list_keeps_the_strongest_reasons() {
        let engine = embedded();
        let subject = engine.dataset.find("Cotswold").unwrap();
        let settings = RankSettings { top: 2, ..RankSettings::default() };
        let explained = ExplainedRanking::new(&engine, subject, settings);
        for r in &explained.records {
            let strongest: Vec<String> =
                r.forward.strongest(N_REASONS).iter().map(|c| c.reason.clone()).collect();
            assert_eq!(r.reasons, strongest);
        }
    }
}
