//! `groups`' documents: one record per partner group (members, average score, the criteria
//! that bind it, its pairs), the JSON document over them, and the table its CSV and
//! spreadsheet are written from. A contract with scripts: fields and columns are added, never
//! renamed.

use serde::Serialize;

use super::pairs::{general_weights_sheet, pair_reasons};
use super::records::BodyRef;
use super::table::{Cell, Column, Style, Table};
use super::xlsx::Sheet;
use crate::analysis::candidates::PairView;
use crate::analysis::groups::{CriterionSummary, Grouping, GroupsSettings, SearchStats, summarise};
use crate::analysis::pairs::GraphStats;
use crate::engine::Engine;
use crate::model::{Enumeration as _, Service};
use crate::weights::WeightError;

/// What the objective is, for outputs.
pub const OBJECTIVE: &str = "sum over groups of (size - 1) x average pairwise score";

/// One pair inside a group, in JSON.
#[derive(Debug, Serialize)]
struct GroupPair {
    a: String,
    b: String,
    score: f64,
    reasons: Vec<String>,
}

/// One group, explained.
#[derive(Debug, Serialize)]
pub struct GroupRecord {
    /// 1-based rank.
    pub rank: usize,
    /// How many members.
    pub size: usize,
    average_score: f64,
    value: f64,
    members: Vec<BodyRef>,
    /// The criteria that bind the group most (`group_reasons`).
    pub reasons: Vec<String>,
    /// Every criterion averaged over the group's ordered pairs, in `Criterion::all()` order.
    pub criteria: Vec<CriterionSummary>,
    pairs: Vec<GroupPair>,
}

/// The criteria that bind a group most: the largest average contributions backed by data.
fn group_reasons(criteria: &[CriterionSummary], n: usize) -> Vec<String> {
    let mut known: Vec<&CriterionSummary> =
        criteria.iter().filter(|c| !c.neutral && c.value > 0.0).collect();
    known.sort_by(|a, b| {
        b.contribution.total_cmp(&a.contribution).then(a.criterion.cmp(&b.criterion))
    });
    known.iter().take(n).map(|c| format!("{} {:.2}", c.criterion.label(), c.value)).collect()
}

/// One record per group of `grouping`, in its order, explained through `view`.
pub fn records(engine: &Engine, view: &PairView<'_>, grouping: &Grouping) -> Vec<GroupRecord> {
    let orgs = engine.dataset.organisations();
    grouping
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let criteria = summarise(view, &engine.dataset, &g.members);
            let mut pairs = Vec::new();
            for (k, &a) in g.members.iter().enumerate() {
                for &b in &g.members[k + 1..] {
                    let e = view.explain(&engine.dataset, a, b);
                    pairs.push(GroupPair {
                        a: orgs[a].id.to_string(),
                        b: orgs[b].id.to_string(),
                        score: e.mutual,
                        reasons: pair_reasons(&e, 2),
                    });
                }
            }
            GroupRecord {
                rank: i + 1,
                size: g.members.len(),
                average_score: g.average,
                value: g.value,
                members: g.members.iter().map(|&m| BodyRef::from(&orgs[m])).collect(),
                reasons: group_reasons(&criteria, 3),
                criteria,
                pairs,
            }
        })
        .collect()
}

/// The JSON document of `groups --format json`.
#[derive(Debug, Serialize)]
pub struct GroupsDocument<'a> {
    dataset: &'a str,
    settings: &'a GroupsSettings,
    service: Vec<Service>,
    objective: &'static str,
    value: f64,
    bound: f64,
    gap_share: f64,
    n_bodies: usize,
    n_groups: usize,
    n_ungrouped: usize,
    candidate_graph: GraphStats,
    search: SearchStats,
    groups: Vec<GroupRecord>,
    ungrouped: Vec<BodyRef>,
}

impl<'a> GroupsDocument<'a> {
    /// The document of `grouping` with its `records`.
    pub fn new(
        engine: &'a Engine,
        settings: &'a GroupsSettings,
        grouping: &Grouping,
        records: Vec<GroupRecord>,
    ) -> Self {
        Self {
            dataset: engine.dataset.description(),
            settings,
            service: settings.rank.focus.iter().collect(),
            objective: OBJECTIVE,
            value: grouping.value,
            bound: grouping.bound,
            gap_share: grouping.gap_share(),
            n_bodies: grouping.graph.n_bodies,
            n_groups: grouping.groups.len(),
            n_ungrouped: grouping.ungrouped.len(),
            candidate_graph: grouping.graph,
            search: grouping.search,
            groups: records,
            ungrouped: grouping
                .ungrouped
                .iter()
                .map(|&u| BodyRef::from(&engine.dataset.organisations()[u]))
                .collect(),
        }
    }
}

/// The table of `groups --format csv` and `--format xlsx`: one row per member of each group,
/// then one per ungrouped body.
pub fn table(
    engine: &Engine,
    settings: &GroupsSettings,
    grouping: &Grouping,
    records: &[GroupRecord],
) -> Table {
    let orgs = engine.dataset.organisations();
    let service: Vec<&str> = settings.rank.focus.iter().map(|s| s.name()).collect();
    let service = service.join(";");
    let mut table = Table::new(
        [
            ("group", Style::Whole),
            ("size", Style::Whole),
            ("average_score", Style::Score),
            ("value", Style::Score),
            ("id", Style::General),
            ("name", Style::General),
            ("service", Style::General),
            ("reasons", Style::General),
        ]
        .into_iter()
        .map(|(h, s)| Column::new(h, s))
        .collect(),
    );
    for (g, r) in grouping.groups.iter().zip(records) {
        for &m in &g.members {
            table.push(vec![
                Cell::whole(r.rank),
                Cell::whole(r.size),
                Cell::Number(g.average),
                Cell::Number(g.value),
                Cell::text(orgs[m].id.as_str()),
                Cell::text(orgs[m].name.as_str()),
                Cell::text(service.as_str()),
                Cell::Text(r.reasons.join("; ")),
            ]);
        }
    }
    for &u in &grouping.ungrouped {
        table.push(vec![
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::text(orgs[u].id.as_str()),
            Cell::text(orgs[u].name.as_str()),
            Cell::text(service.as_str()),
            Cell::Empty,
        ]);
    }
    table
}

/// The sheets of `groups --format xlsx`: the groups, then the weights and sources.
pub fn sheets(
    engine: &Engine,
    settings: &GroupsSettings,
    grouping: &Grouping,
    records: &[GroupRecord],
) -> Result<Vec<Sheet>, WeightError> {
    let lines = vec![
        ("objective".to_owned(), OBJECTIVE.to_owned()),
        ("largest group".to_owned(), settings.max_size.to_string()),
        ("bodies".to_owned(), grouping.graph.n_bodies.to_string()),
        ("groups".to_owned(), grouping.groups.len().to_string()),
        ("objective value".to_owned(), grouping.value.to_string()),
        ("upper bound".to_owned(), grouping.bound.to_string()),
    ];
    let about = general_weights_sheet(engine, &settings.rank, lines)?;
    let groups = table(engine, settings, grouping, records);
    Ok(vec![Sheet::new("Groups", groups), about])
}
