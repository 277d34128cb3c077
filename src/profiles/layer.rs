//! Layers in: `--profile` files of partial profiles (TOML or CSV, by extension) that state some
//! fields of bodies, to lay over the dataset in use. Owns the `Patch` (the fields a layer
//! states, nothing else) and reading a layer file with every problem located. Does not resolve
//! bodies or apply anything: that needs the dataset (`dataset::layer`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Diagnostics, Location, Place};
use crate::input::read_text;
use crate::input::toml::TomlReader;
use crate::model::{
    Barrier, CriteriaOrder, Kind, LatLon, OrganisationId, Partnership, Payback, PoliticalControl,
    Reason, Sector, Service, ServiceSet, Severity, Status, Tier,
};

/// The fields one layer entry states: `None` means "not stated" (the data below keeps its
/// value), never "unknown". A layer cannot make a known field unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch {
    /// Official name.
    pub name: Option<String>,
    /// Short name.
    pub short_name: Option<String>,
    /// Other names.
    pub aliases: Option<Vec<String>>,
    /// Sector.
    pub sector: Option<Sector>,
    /// Kind within the sector.
    pub kind: Option<Kind>,
    /// Tier.
    pub tier: Option<Tier>,
    /// Current or shadow.
    pub status: Option<Status>,
    /// Nation.
    pub nation: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Parent body.
    pub parent: Option<OrganisationId>,
    /// Police force area.
    pub police_force_area: Option<String>,
    /// Combined authority.
    pub combined_authority: Option<String>,
    /// The areas the body lies within besides its parent (the whole list).
    pub within: Option<Vec<OrganisationId>>,
    /// The shares of the body's area in the areas of `within` (the whole table).
    pub within_shares: Option<BTreeMap<OrganisationId, f64>>,
    /// Community safety partnership(s).
    pub community_safety_partnership: Option<String>,
    /// Centre of the area.
    pub location: Option<LatLon>,
    /// Population served.
    pub population: Option<u64>,
    /// Annual budget in pounds.
    pub budget_gbp: Option<f64>,
    /// Area in km².
    pub area_km2: Option<f64>,
    /// Rural/urban label.
    pub rural_urban: Option<String>,
    /// Political control.
    pub political_control: Option<PoliticalControl>,
    /// Reasons for sharing, most important first.
    pub reasons: Option<Vec<Reason>>,
    /// Barriers and their severities (the whole table: barriers not listed become unknown).
    pub barriers: Option<BTreeMap<Barrier, Severity>>,
    /// Services sought.
    pub services_sought: Option<ServiceSet>,
    /// Services offered.
    pub services_offered: Option<ServiceSet>,
    /// Existing partnerships (the whole list).
    pub partnerships: Option<Vec<Partnership>>,
    /// Land neighbours (the whole list).
    pub neighbours: Option<Vec<OrganisationId>>,
    /// ICT systems by service (the whole table).
    pub ict: Option<BTreeMap<Service, String>>,
    /// Payback horizon.
    pub payback: Option<Payback>,
    /// The body's own criteria order.
    pub criteria_order: Option<CriteriaOrder>,
    /// Notes.
    pub notes: Option<String>,
}

/// One body's entry in a layer: which body (by id or name, as written), what it states and
/// where each stated field was written.
#[derive(Debug, Clone)]
pub struct LayerEntry {
    /// The `id` as written: an id, or any name `Dataset::find` resolves.
    pub key: String,
    /// Where the key was written.
    pub key_place: Place,
    /// The start of the entry's table or row.
    pub table: Place,
    /// The stated values.
    pub patch: Patch,
    /// Each stated field (profile field names, documented order) and where it was written.
    pub stated: Vec<(&'static str, Place)>,
    /// Where each neighbour was written, parallel to `patch.neighbours`.
    pub neighbour_places: Vec<Place>,
    /// Where each partner was written, parallel to `patch.partnerships`.
    pub partner_places: Vec<Place>,
    /// Where each area of `within` was written, parallel to `patch.within`.
    pub within_places: Vec<Place>,
}

impl LayerEntry {
    /// Where a stated field was written (the entry's start when it was not stated).
    pub fn place_of(&self, field: &str) -> &Place {
        self.stated.iter().find(|(f, _)| *f == field).map_or(&self.table, |(_, p)| p)
    }
}

/// A layer file read: its name as given on the command line (what outputs say stated a
/// field) and its entries in file order.
#[derive(Debug, Clone)]
pub struct Layer {
    /// The path as given (`our.toml`), shown as "stated by our.toml".
    pub name: Arc<str>,
    /// The entries, in file order.
    pub entries: Vec<LayerEntry>,
}

/// Reads a layer file: a CSV table (`.csv`, `.tsv`) or TOML (anything else), every problem
/// located.
pub fn load_layer(path: &Path) -> Result<Layer, Diagnostics> {
    let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let entries = match extension.as_deref() {
        Some("csv" | "tsv") => crate::import::read_layer_table(path)?,
        _ => parse_layer(&read_text(path)?)?,
    };
    if entries.is_empty() {
        return Err(Diagnostic::new(Location::file(path), "the profile layer states no body")
            .help("give at least one body's `id` and the fields you state about it")
            .into());
    }
    Ok(Layer { name: Arc::from(path.display().to_string()), entries })
}

/// Parses a TOML layer: one body's fields at the top level, or `[[organisation]]` tables, in
/// the profile format; only `id` is required.
pub fn parse_layer(source: &crate::diagnostic::SourceText) -> Result<Vec<LayerEntry>, Diagnostics> {
    let reader = TomlReader::new(source);
    let Some(document) = reader.parse() else {
        return Err(reader.into_diagnostics());
    };
    let root = reader.root(&document);
    let mut entries = Vec::new();
    if root.contains("organisation") {
        root.deny_unknown(&["organisation"]);
        for table in root.tables("organisation").unwrap_or_default() {
            entries.extend(super::organisation::read_patch(&table));
        }
    } else if root.keys().next().is_none() {
        reader.push(
            Diagnostic::new(Location::file(source.path().clone()), "no body in the profile layer")
                .help("add `id = \"...\"` and the fields you state, or [[organisation]] tables"),
        );
    } else {
        entries.extend(super::organisation::read_patch(&root));
    }
    reader.into_diagnostics().into_result(entries)
}
