//! Output records: the serialisable shapes of what commands print as JSON or CSV. They are a
//! contract with scripts, so fields are only ever added, never renamed or removed.

use serde::Serialize;

use crate::model::{Enumeration, Organisation};

/// One body as `list` prints it: flat, so that JSON and CSV share one shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyRecord {
    /// Stable id.
    pub id: String,
    /// Official name.
    pub name: String,
    /// Short name, if any.
    pub short_name: Option<String>,
    /// Sector name.
    pub sector: &'static str,
    /// Kind name, if known.
    pub kind: Option<&'static str>,
    /// Tier name, if known.
    pub tier: Option<&'static str>,
    /// `current` or `shadow`.
    pub status: &'static str,
    /// Nation, if known.
    pub nation: Option<String>,
    /// Region, if known.
    pub region: Option<String>,
    /// Parent body id, if any.
    pub parent: Option<String>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Population served, if known.
    pub population: Option<u64>,
    /// Area in km², if known.
    pub area_km2: Option<f64>,
    /// Lead party code, if known.
    pub lead_party: Option<&'static str>,
    /// Control type, if known.
    pub control: Option<&'static str>,
    /// Number of land neighbours.
    pub n_neighbours: usize,
}

impl From<&Organisation> for BodyRecord {
    fn from(o: &Organisation) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name.clone(),
            short_name: o.short_name.clone(),
            sector: o.sector.name(),
            kind: o.kind.map(Enumeration::name),
            tier: o.tier.map(Enumeration::name),
            status: o.status.name(),
            nation: o.nation.clone(),
            region: o.region.clone(),
            parent: o.parent.as_ref().map(ToString::to_string),
            lat: o.location.lat,
            lon: o.location.lon,
            population: o.population,
            area_km2: o.area_km2,
            lead_party: o
                .political_control
                .as_ref()
                .and_then(|c| c.lead_party)
                .map(Enumeration::name),
            control: o.political_control.as_ref().map(|c| c.control.name()),
            n_neighbours: o.neighbours.len(),
        }
    }
}

/// A body named in an output: id and name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyRef {
    /// Stable id.
    pub id: String,
    /// Official name.
    pub name: String,
}

impl From<&Organisation> for BodyRef {
    fn from(o: &Organisation) -> Self {
        Self { id: o.id.to_string(), name: o.name.clone() }
    }
}

/// One ranked candidate, explained both ways (`rank --format json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateRecord {
    /// 1-based rank.
    pub rank: usize,
    /// Stable id.
    pub id: String,
    /// Official name.
    pub name: String,
    /// Short name, if any.
    pub short_name: Option<String>,
    /// Kind name, if known.
    pub kind: Option<&'static str>,
    /// Region, if known.
    pub region: Option<String>,
    /// Distance between centres (km).
    pub distance_km: f64,
    /// The mutual score.
    pub score: f64,
    /// The ranked body's view of the candidate.
    pub forward: crate::score::SideExplanation,
    /// The candidate's view of the ranked body.
    pub backward: crate::score::SideExplanation,
    /// The reasons shown, from the ranked body's view: in a ranked list, those that set the
    /// candidate apart from the others listed (`ranking::set_distinguishing_reasons`); alone,
    /// the strongest.
    pub reasons: Vec<String>,
}

impl CandidateRecord {
    /// Builds the record of a candidate from its explanation.
    pub fn new(rank: usize, o: &Organisation, explanation: crate::score::Explanation) -> Self {
        let reasons = explanation
            .forward
            .strongest(super::ranking::N_REASONS)
            .iter()
            .map(|c| c.reason.clone())
            .collect();
        Self {
            rank,
            id: o.id.to_string(),
            name: o.name.clone(),
            short_name: o.short_name.clone(),
            kind: o.kind.map(Enumeration::name),
            region: o.region.clone(),
            distance_km: explanation.distance_km,
            score: explanation.mutual,
            forward: explanation.forward,
            backward: explanation.backward,
            reasons,
        }
    }
}
