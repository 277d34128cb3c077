//! One table row into a profile: each cell parsed on its own, every problem recorded with the
//! row, the column and how to fix it. Checks that need other rows belong to `dataset`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::mapping::{Field, Mapping};
use crate::diagnostic::{Diagnostic, Location, Place};
use crate::model::{
    Barrier, ControlType, CriteriaOrder, Criterion, Enumeration, Kind, LatLon, Organisation,
    OrganisationId, Partnership, Party, Payback, PoliticalControl, Reason, Sector, Service,
    ServiceSet, Severity, Status, Tier,
};
use crate::profiles::{Origin, ParsedOrganisation, Places};

/// What the reader knows about the table: file, headers, which column feeds which field.
pub struct TableShape<'a> {
    /// The file, for locations.
    pub file: Arc<Path>,
    /// The header row as written, shared by every place that points at a column (one
    /// allocation per column, not per reference).
    pub column_names: &'a [Arc<str>],
    /// Per field, the column index.
    pub by_field: &'a [Option<usize>],
    /// The mapping in use.
    pub mapping: &'a Mapping,
}

/// One row being read.
pub struct RowReader<'a> {
    shape: &'a TableShape<'a>,
    record: &'a csv::StringRecord,
    line: usize,
    row: usize,
    problems: Vec<Diagnostic>,
}

/// A row that could not be converted: its problems, and its id when that was readable.
pub struct RowFailure {
    /// Every problem in the row.
    pub problems: Vec<Diagnostic>,
    /// The row's id and where it was written, if readable.
    pub id: Option<(OrganisationId, Place)>,
}

impl<'a> RowReader<'a> {
    /// Starts reading data row `row` (1-based), at file line `line`.
    pub fn new(
        shape: &'a TableShape<'a>,
        record: &'a csv::StringRecord,
        line: usize,
        row: usize,
    ) -> Self {
        Self { shape, record, line, row, problems: Vec::new() }
    }

    fn column(&self, field: Field) -> Option<usize> {
        self.shape.by_field[field.index()]
    }

    /// Where a field's cell is (its column header as the field name).
    pub fn place(&self, field: Field) -> Place {
        let (column, name) = match self.column(field) {
            Some(i) => (Some(i + 1), self.shape.column_names[i].clone()),
            None => (None, Arc::from(format!("{field} (default)"))),
        };
        Place {
            location: Location { file: self.shape.file.clone(), line: Some(self.line), column },
            field: name,
            row: Some(self.row),
        }
    }

    fn problem(&mut self, field: Field, message: impl Into<String>, help: impl Into<String>) {
        let d = self.place(field).diagnostic(message).help(help);
        self.problems.push(d);
    }

    /// The cell's text after the mapping's translation, or the default; `None` when empty.
    fn cell(&self, field: Field) -> Option<&'a str> {
        let raw = self.column(field).and_then(|i| self.record.get(i)).map(str::trim);
        match raw {
            Some(text) if !text.is_empty() => Some(self.shape.mapping.translate(field, text)),
            _ => self.shape.mapping.defaults.get(&field).map(String::as_str),
        }
    }

    fn text(&self, field: Field) -> Option<String> {
        self.cell(field).map(str::to_owned)
    }

    fn id(&mut self, field: Field) -> Option<OrganisationId> {
        let text = self.cell(field)?;
        match OrganisationId::new(text) {
            Ok(id) => Some(id),
            Err(message) => {
                self.problem(field, message, "use a code such as a GSS code (E07000223)");
                None
            }
        }
    }

    fn enumeration<T: Enumeration>(&mut self, field: Field) -> Option<T> {
        let text = self.cell(field)?;
        match T::parse_name(text) {
            Ok(v) => Some(v),
            Err(err) => {
                self.problem(field, err.message(), err.help());
                None
            }
        }
    }

    /// A number; thousands groups and a leading pound sign only where `grouped`.
    fn number(&mut self, field: Field, grouped: bool) -> Option<f64> {
        let text = self.cell(field)?;
        match parse_number(text, grouped, self.shape.mapping.decimal_comma) {
            Ok(n) => Some(n),
            Err(help) => {
                self.problem(field, format!("\"{text}\" is not a finite number"), help);
                None
            }
        }
    }

    fn positive(&mut self, field: Field, grouped: bool) -> Option<f64> {
        let n = self.number(field, grouped)?;
        if n > 0.0 {
            Some(n)
        } else {
            self.problem(
                field,
                format!("{field} must be positive, found {n}"),
                "give a value above 0, or leave the cell empty if it is not known",
            );
            None
        }
    }

    fn whole_positive(&mut self, field: Field) -> Option<u64> {
        let n = self.positive(field, true)?;
        if n.fract() == 0.0 && n < 9.0e15 {
            Some(n as u64)
        } else {
            self.problem(
                field,
                format!("{field} must be a whole number, found {n}"),
                "give a whole number",
            );
            None
        }
    }

    /// The items of a list cell; `Some(empty)` for the word `none`, `None` when empty.
    fn items(&self, field: Field) -> Option<Vec<&'a str>> {
        let text = self.cell(field)?;
        if text.eq_ignore_ascii_case("none") {
            return Some(Vec::new());
        }
        Some(
            text.split(self.shape.mapping.list_separator)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect(),
        )
    }

    fn enumerations<T: Enumeration>(&mut self, field: Field) -> Option<Vec<T>> {
        let items = self.items(field)?;
        let mut out: Vec<T> = Vec::with_capacity(items.len());
        for item in items {
            match T::parse_name(item) {
                Ok(v) if out.contains(&v) => self.problem(
                    field,
                    format!("{} \"{}\" is listed twice", T::WHAT, v.name()),
                    "list each value once",
                ),
                Ok(v) => out.push(v),
                Err(err) => self.problem(field, err.message(), err.help()),
            }
        }
        Some(out)
    }

    fn ids(&mut self, field: Field) -> Vec<OrganisationId> {
        let Some(items) = self.items(field) else { return Vec::new() };
        let mut out: Vec<OrganisationId> = Vec::with_capacity(items.len());
        // Ids seen, so that finding a repeat is linear in the list, not quadratic.
        let mut seen = std::collections::HashSet::with_capacity(items.len());
        for item in items {
            match OrganisationId::new(item) {
                Ok(id) if !seen.insert(id.clone()) => {
                    self.problem(field, format!("\"{id}\" is listed twice"), "list each body once");
                }
                Ok(id) => out.push(id),
                Err(message) => self.problem(field, message, "use the other body's id"),
            }
        }
        out
    }

    /// The `within` cell: `ID` or `ID:share` items; the shares apart.
    fn within(&mut self) -> Option<(Vec<OrganisationId>, BTreeMap<OrganisationId, f64>)> {
        let items = self.items(Field::Within)?;
        let mut ids: Vec<OrganisationId> = Vec::with_capacity(items.len());
        let mut shares = BTreeMap::new();
        for item in items {
            let (id, share) = match item.split_once(':') {
                Some((id, share)) => (id.trim(), Some(share.trim())),
                None => (item, None),
            };
            let id = match OrganisationId::new(id) {
                Ok(id) if ids.contains(&id) => {
                    self.problem(
                        Field::Within,
                        format!("\"{id}\" is listed twice"),
                        "list each area once",
                    );
                    continue;
                }
                Ok(id) => id,
                Err(message) => {
                    self.problem(Field::Within, message, "use the area body's id");
                    continue;
                }
            };
            if let Some(share) = share {
                match share.parse::<f64>() {
                    Ok(v) if v.is_finite() && v > 0.0 && v <= 1.0 => {
                        shares.insert(id.clone(), v);
                    }
                    _ => self.problem(
                        Field::Within,
                        format!("share \"{share}\" of \"{id}\" is outside (0, 1]"),
                        "write `ID:share` with the share of the body's area inside that area, \
                         such as E54000042:0.6",
                    ),
                }
            }
            ids.push(id);
        }
        Some((ids, shares))
    }

    fn kind(&mut self, sector: Option<Sector>) -> Option<Kind> {
        let text = self.cell(Field::Kind)?;
        let kind = match ons_type_code(text) {
            Some(kind) => kind,
            None => match Kind::parse_name(text) {
                Ok(kind) => kind,
                Err(err) => {
                    let help = format!(
                        "{}; ONS type codes (CTY, NMD, UA, MD, LBO, CC, SCO, WPA, NID) work too",
                        err.help()
                    );
                    self.problem(Field::Kind, err.message(), help);
                    return None;
                }
            },
        };
        if let Some(sector) = sector
            && kind.sector() != sector
        {
            self.problem(
                Field::Kind,
                format!(
                    "kind \"{kind}\" belongs to sector \"{}\", not \"{sector}\"",
                    kind.sector()
                ),
                format!("change the sector to \"{}\", or the kind", kind.sector()),
            );
            return None;
        }
        Some(kind)
    }

    fn control(&mut self) -> Option<PoliticalControl> {
        let lead = self.cell(Field::LeadParty);
        let control = self.cell(Field::Control);
        let label = self.text(Field::ControlLabel);
        let as_of = self.text(Field::ControlAsOf);
        let Some(control_text) = control else {
            if lead.is_some() || label.is_some() {
                self.problem(
                    Field::Control,
                    "a lead party or control label is given without a control type",
                    "give the control type (majority, minority, coalition, mayoral, noc)",
                );
            }
            return None;
        };
        let control = if normalise(control_text) == "no_overall_control" {
            ControlType::Noc
        } else {
            match ControlType::parse_name(control_text) {
                Ok(c) => c,
                Err(err) => {
                    self.problem(Field::Control, err.message(), err.help());
                    return None;
                }
            }
        };
        let lead_party = match lead.map(Party::parse_code) {
            Some(Ok(p)) => Some(p),
            Some(Err(err)) => {
                self.problem(Field::LeadParty, err.message(), err.help());
                return None;
            }
            None => None,
        };
        if let Some(date) = &as_of
            && !crate::input::toml::is_iso_date(date)
        {
            self.problem(
                Field::ControlAsOf,
                format!("\"{date}\" is not a date"),
                "write the date as YYYY-MM-DD",
            );
            return None;
        }
        Some(PoliticalControl { lead_party, control, label, as_of })
    }

    fn barriers(&mut self) -> Option<BTreeMap<Barrier, Severity>> {
        let items = self.items(Field::Barriers)?;
        let mut out = BTreeMap::new();
        for item in items {
            let Some((name, value)) = item.split_once([':', '=']) else {
                self.problem(
                    Field::Barriers,
                    format!("\"{item}\" is not name:severity"),
                    "write items such as job_losses:0.8",
                );
                continue;
            };
            let barrier = match Barrier::parse_name(name) {
                Ok(b) => b,
                Err(err) => {
                    self.problem(Field::Barriers, err.message(), err.help());
                    continue;
                }
            };
            if out.contains_key(&barrier) {
                self.problem(
                    Field::Barriers,
                    format!("barrier \"{barrier}\" is listed twice"),
                    "list each barrier once",
                );
                continue;
            }
            match value.trim().parse::<f64>().map_err(|e| e.to_string()).and_then(Severity::new) {
                Ok(s) => {
                    out.insert(barrier, s);
                }
                Err(_) => self.problem(
                    Field::Barriers,
                    format!("severity \"{}\" of {barrier} is not a number in [0, 1]", value.trim()),
                    "give a severity from 0 (no concern) to 1 (a deal-breaker)",
                ),
            }
        }
        Some(out)
    }

    fn partners(&mut self) -> Option<Vec<Partnership>> {
        let items = self.items(Field::Partners)?;
        let mut out: Vec<Partnership> = Vec::with_capacity(items.len());
        for item in items {
            let (id, services) = item.split_once(':').unwrap_or((item, ""));
            let partner = match OrganisationId::new(id) {
                Ok(p) => p,
                Err(message) => {
                    self.problem(
                        Field::Partners,
                        message,
                        "write items such as E07000229 or E07000229:legal+audit",
                    );
                    continue;
                }
            };
            let mut set = ServiceSet::EMPTY;
            for name in services.split('+').map(str::trim).filter(|s| !s.is_empty()) {
                match Service::parse_name(name) {
                    Ok(s) => {
                        set.insert(s);
                    }
                    Err(err) => self.problem(Field::Partners, err.message(), err.help()),
                }
            }
            if out.iter().any(|p| p.partner == partner) {
                self.problem(
                    Field::Partners,
                    format!("partner \"{partner}\" is listed twice"),
                    "list each partner once",
                );
                continue;
            }
            out.push(Partnership {
                partner,
                services: set,
                since: None,
                name: None,
                kind: None,
                source: None,
            });
        }
        Some(out)
    }

    fn ict(&mut self) -> Option<BTreeMap<Service, String>> {
        let items = self.items(Field::Ict)?;
        let mut out = BTreeMap::new();
        for item in items {
            let Some((service, product)) = item.split_once('=') else {
                self.problem(
                    Field::Ict,
                    format!("\"{item}\" is not service=product"),
                    "write items such as finance=Unit4 ERP",
                );
                continue;
            };
            match Service::parse_name(service) {
                Ok(s) if !product.trim().is_empty() => {
                    out.insert(s, product.trim().to_owned());
                }
                Ok(_) => self.problem(
                    Field::Ict,
                    format!("no product for \"{}\"", service.trim()),
                    "write items such as finance=Unit4 ERP",
                ),
                Err(err) => self.problem(Field::Ict, err.message(), err.help()),
            }
        }
        Some(out)
    }

    fn criteria_order(&mut self) -> Option<CriteriaOrder> {
        let items = self.items(Field::CriteriaOrder)?;
        let mut positions = Vec::with_capacity(items.len());
        for item in items {
            let mut position = Vec::new();
            for name in item.split('+').map(str::trim) {
                match Criterion::parse_name(name) {
                    Ok(c) => position.push(c),
                    Err(err) => {
                        self.problem(Field::CriteriaOrder, err.message(), err.help());
                        return None;
                    }
                }
            }
            positions.push(position);
        }
        match CriteriaOrder::new(positions) {
            Ok(order) => Some(order),
            Err(message) => {
                self.problem(
                    Field::CriteriaOrder,
                    message,
                    format!(
                        "list all {} criteria once, highest first; tie with +",
                        Criterion::COUNT_WORD
                    ),
                );
                None
            }
        }
    }

    /// Reads the row into a profile, or returns every problem it has.
    pub fn read(mut self) -> Result<ParsedOrganisation, RowFailure> {
        let id = self.id(Field::Id);
        if id.is_none() && self.cell(Field::Id).is_none() {
            self.problem(Field::Id, "the id is empty", "give every row an id");
        }
        let name = self.text(Field::Name);
        if name.is_none() {
            self.problem(Field::Name, "the name is empty", "give every row a name");
        }
        let short_name = self.text(Field::ShortName);
        for (field, text) in [(Field::Name, &name), (Field::ShortName, &short_name)] {
            if let Some(problem) = text.as_deref().and_then(crate::profiles::forbidden_in_name) {
                self.problem(field, problem, crate::profiles::FORBIDDEN_IN_NAME_HELP);
            }
        }
        let sector = self.enumeration::<Sector>(Field::Sector);
        let sector_given = self.cell(Field::Sector).is_some();
        let kind = self.kind(sector);
        let sector = sector.or_else(|| kind.map(Kind::sector));
        if sector.is_none() && !sector_given {
            self.problem(
                Field::Sector,
                "the sector is empty and no kind implies one",
                "add a sector column, a kind column, or a default (--default sector=local_government)",
            );
        }
        let location = self.location();
        let tier = self.enumeration::<Tier>(Field::Tier);
        let status = self.cell(Field::Status).and_then(|text| {
            let first = text.split_whitespace().next().unwrap_or(text);
            match Status::parse_name(first) {
                Ok(s) => Some(s),
                Err(err) => {
                    self.problem(Field::Status, err.message(), err.help());
                    None
                }
            }
        });
        let parent = self.id(Field::Parent);
        let population = self.whole_positive(Field::Population);
        let budget_gbp = self.positive(Field::BudgetGbp, true);
        let area_km2 = self.positive(Field::AreaKm2, false);
        let political_control = self.control();
        let reasons = self.enumerations::<Reason>(Field::Reasons);
        let barriers = self.barriers();
        let services_sought =
            self.enumerations::<Service>(Field::ServicesSought).map(|v| v.into_iter().collect());
        let services_offered =
            self.enumerations::<Service>(Field::ServicesOffered).map(|v| v.into_iter().collect());
        let partnerships = self.partners();
        let neighbours = self.ids(Field::Neighbours);
        let (within, within_shares) = self.within().unwrap_or_default();
        let ict = self.ict();
        let payback = self.enumeration::<Payback>(Field::Payback);
        let criteria_order = self.criteria_order();
        let aliases: Vec<String> =
            self.items(Field::Aliases).unwrap_or_default().into_iter().map(str::to_owned).collect();
        if let Some(problem) = aliases.iter().find_map(|a| crate::profiles::forbidden_in_name(a)) {
            self.problem(Field::Aliases, problem, crate::profiles::FORBIDDEN_IN_NAME_HELP);
        }

        let (Some(id), Some(name), Some(sector), Some(location), true) =
            (id.clone(), name, sector, location, self.problems.is_empty())
        else {
            let at = self.place(Field::Id);
            return Err(RowFailure { problems: self.problems, id: id.map(|id| (id, at)) });
        };
        let mut o = Organisation::new(id, name, sector, location);
        o.short_name = short_name;
        o.aliases = aliases;
        o.kind = kind;
        o.tier = tier.or_else(|| kind.and_then(Kind::implied_tier));
        o.status = status.unwrap_or(Status::Current);
        o.nation = self.text(Field::Nation);
        o.region = self.text(Field::Region);
        o.police_force_area = self.text(Field::PoliceForceArea);
        o.combined_authority = self.text(Field::CombinedAuthority);
        o.community_safety_partnership = self.text(Field::CommunitySafetyPartnership);
        o.population = population;
        o.budget_gbp = budget_gbp;
        o.area_km2 = area_km2;
        o.rural_urban = self.text(Field::RuralUrban);
        o.political_control = political_control;
        o.reasons = reasons;
        o.barriers = barriers;
        o.services_sought = services_sought;
        o.services_offered = services_offered;
        o.ict = ict;
        o.payback = payback;
        o.criteria_order = criteria_order;
        o.notes = self.text(Field::Notes);
        o.parent = parent;
        let n_partners = partnerships.as_ref().map_or(0, Vec::len);
        o.partnerships = partnerships;
        o.neighbours = neighbours;
        o.within = within;
        o.within_shares = within_shares;
        let origin = Origin {
            table: self.place(Field::Id),
            id: self.place(Field::Id),
            parent: o.parent.as_ref().map(|_| self.place(Field::Parent)),
            neighbours: Places::repeated(self.place(Field::Neighbours), o.neighbours.len()),
            partners: Places::repeated(self.place(Field::Partners), n_partners),
            within: Places::repeated(self.place(Field::Within), o.within.len()),
        };
        Ok(ParsedOrganisation { organisation: o, origin })
    }

    /// Reads the row as an entry of a profile layer: `id` (an id or a name) and the fields
    /// whose cells are not empty (an empty cell states nothing), each checked as in a full
    /// row. Returns every problem when the row has one.
    pub fn read_patch(mut self) -> Result<crate::profiles::LayerEntry, Vec<Diagnostic>> {
        let key = self.text(Field::Id);
        if key.is_none() {
            self.problem(
                Field::Id,
                "the id is empty",
                "give the id or name of the body the row describes, or a new id",
            );
        }
        let sector = self.enumeration::<Sector>(Field::Sector);
        let kind = self.kind(sector);
        let given = |r: &Self, f: Field| r.cell(f).is_some();
        let location = if given(&self, Field::Lat) || given(&self, Field::Lon) {
            self.location()
        } else {
            None
        };
        let status = self.enumeration::<Status>(Field::Status);
        let (within, within_shares) = match self.within() {
            Some((ids, shares)) => (Some(ids), Some(shares)),
            None => (None, None),
        };
        let patch = crate::profiles::Patch {
            name: self.text(Field::Name),
            short_name: self.text(Field::ShortName),
            aliases: self.items(Field::Aliases).map(|v| v.into_iter().map(str::to_owned).collect()),
            sector,
            kind,
            tier: self.enumeration::<Tier>(Field::Tier),
            status,
            nation: self.text(Field::Nation),
            region: self.text(Field::Region),
            parent: self.id(Field::Parent),
            police_force_area: self.text(Field::PoliceForceArea),
            combined_authority: self.text(Field::CombinedAuthority),
            within,
            within_shares,
            community_safety_partnership: self.text(Field::CommunitySafetyPartnership),
            location,
            population: self.whole_positive(Field::Population),
            budget_gbp: self.positive(Field::BudgetGbp, true),
            area_km2: self.positive(Field::AreaKm2, false),
            rural_urban: self.text(Field::RuralUrban),
            political_control: self.control(),
            reasons: self.enumerations::<Reason>(Field::Reasons),
            barriers: self.barriers(),
            services_sought: self
                .enumerations::<Service>(Field::ServicesSought)
                .map(|v| v.into_iter().collect()),
            services_offered: self
                .enumerations::<Service>(Field::ServicesOffered)
                .map(|v| v.into_iter().collect()),
            partnerships: self.partners(),
            neighbours: if given(&self, Field::Neighbours) {
                Some(self.ids(Field::Neighbours))
            } else {
                None
            },
            ict: self.ict(),
            payback: self.enumeration::<Payback>(Field::Payback),
            criteria_order: self.criteria_order(),
            notes: self.text(Field::Notes),
        };
        let (Some(key), true) = (key, self.problems.is_empty()) else {
            return Err(self.problems);
        };
        // Profile field names, in documented order, with the cell each came from.
        let columns: [(&'static str, &[Field]); 31] = [
            ("name", &[Field::Name]),
            ("short_name", &[Field::ShortName]),
            ("aliases", &[Field::Aliases]),
            ("sector", &[Field::Sector]),
            ("kind", &[Field::Kind]),
            ("tier", &[Field::Tier]),
            ("status", &[Field::Status]),
            ("nation", &[Field::Nation]),
            ("region", &[Field::Region]),
            ("parent", &[Field::Parent]),
            ("police_force_area", &[Field::PoliceForceArea]),
            ("combined_authority", &[Field::CombinedAuthority]),
            ("within", &[Field::Within]),
            ("within_shares", &[Field::Within]),
            ("community_safety_partnership", &[Field::CommunitySafetyPartnership]),
            ("location", &[Field::Lat, Field::Lon]),
            ("population", &[Field::Population]),
            ("budget_gbp", &[Field::BudgetGbp]),
            ("area_km2", &[Field::AreaKm2]),
            ("rural_urban", &[Field::RuralUrban]),
            (
                "political_control",
                &[Field::LeadParty, Field::Control, Field::ControlLabel, Field::ControlAsOf],
            ),
            ("reasons", &[Field::Reasons]),
            ("barriers", &[Field::Barriers]),
            ("services_sought", &[Field::ServicesSought]),
            ("services_offered", &[Field::ServicesOffered]),
            ("partnership", &[Field::Partners]),
            ("neighbours", &[Field::Neighbours]),
            ("ict", &[Field::Ict]),
            ("payback", &[Field::Payback]),
            ("criteria_order", &[Field::CriteriaOrder]),
            ("notes", &[Field::Notes]),
        ];
        let stated = columns
            .iter()
            .filter_map(|(name, fields)| {
                let first = fields.iter().find(|f| given(&self, **f))?;
                Some((*name, self.place(*first)))
            })
            .collect();
        let n_neighbours = patch.neighbours.as_ref().map_or(0, Vec::len);
        let n_partners = patch.partnerships.as_ref().map_or(0, Vec::len);
        let n_within = patch.within.as_ref().map_or(0, Vec::len);
        Ok(crate::profiles::LayerEntry {
            key,
            key_place: self.place(Field::Id),
            table: self.place(Field::Id),
            neighbour_places: vec![self.place(Field::Neighbours); n_neighbours],
            partner_places: vec![self.place(Field::Partners); n_partners],
            within_places: vec![self.place(Field::Within); n_within],
            patch,
            stated,
        })
    }

    fn location(&mut self) -> Option<LatLon> {
        let lat = self.number(Field::Lat, false);
        let lon = self.number(Field::Lon, false);
        if self.cell(Field::Lat).is_none() {
            self.problem(
                Field::Lat,
                "the latitude is empty",
                "give the latitude in decimal degrees (WGS84)",
            );
        }
        if self.cell(Field::Lon).is_none() {
            self.problem(
                Field::Lon,
                "the longitude is empty",
                "give the longitude in decimal degrees (WGS84)",
            );
        }
        let (lat, lon) = (lat?, lon?);
        let mut ok = true;
        if !(-90.0..=90.0).contains(&lat) {
            self.problem(
                Field::Lat,
                format!("latitude {lat} is outside [-90, 90]"),
                "check that latitude and longitude are not swapped",
            );
            ok = false;
        }
        if !(-180.0..=180.0).contains(&lon) {
            self.problem(
                Field::Lon,
                format!("longitude {lon} is outside [-180, 180]"),
                "give the longitude in decimal degrees east",
            );
            ok = false;
        }
        if ok { LatLon::new(lat, lon).ok() } else { None }
    }
}

fn normalise(text: &str) -> String {
    crate::model::normalise_name(text)
}

/// ONS local authority type codes, as used by ONS and mySociety registers.
fn ons_type_code(text: &str) -> Option<Kind> {
    Some(match text.trim().to_ascii_uppercase().as_str() {
        "CTY" => Kind::County,
        "NMD" => Kind::District,
        "UA" => Kind::Unitary,
        "MD" => Kind::MetropolitanDistrict,
        "LBO" => Kind::LondonBorough,
        "CC" => Kind::CityOfLondon,
        "SCO" => Kind::ScottishCouncil,
        "WPA" => Kind::WelshPrincipalArea,
        "NID" => Kind::NorthernIrelandDistrict,
        _ => return None,
    })
}

/// Reads a table cell as a finite number, never guessing what a separator means.
///
/// The decimal separator is `.`, or `,` with `decimal_comma`. Where `grouped` (population,
/// budget), a leading `£` and thousands groups are allowed, but only well-formed ones: one to
/// three digits, then groups of exactly three, each after a `,` (a `.` with `decimal_comma`),
/// as in `64,187` or `1,234,567.5`. Anything else, such as `5,1` or `1,2,3` without
/// `--decimal-comma`, is refused with the fix as the error.
pub fn parse_number(text: &str, grouped: bool, decimal_comma: bool) -> Result<f64, String> {
    let (point, group) = if decimal_comma { (',', '.') } else { ('.', ',') };
    let plain_help = if decimal_comma {
        "write a number with a decimal comma, such as 50,84 (the mapping's decimal_comma is on)"
    } else {
        "write a number such as 50.84; for a decimal comma (5,1) pass --decimal-comma"
    };
    let body = if grouped { text.strip_prefix('£').unwrap_or(text) } else { text };
    let (sign, unsigned) = match body.strip_prefix(['-', '+']) {
        Some(rest) => (&body[..1], rest),
        None => ("", body),
    };
    let (whole, fraction) = match unsigned.split_once(point) {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let whole_digits: String = if grouped && whole.contains(group) {
        let mut groups = whole.split(group);
        let first = groups.next().unwrap_or_default();
        let well_formed = (1..=3).contains(&first.len())
            && first.bytes().all(|b| b.is_ascii_digit())
            && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            return Err(format!(
                "thousands must be grouped in threes after a \"{group}\", as in {}; {plain_help}",
                if decimal_comma { "64.187" } else { "64,187" }
            ));
        }
        whole.chars().filter(|c| *c != group).collect()
    } else {
        whole.to_owned()
    };
    if whole_digits.contains(group) || fraction.is_some_and(|f| f.contains([group, point])) {
        return Err(plain_help.to_owned());
    }
    let mut normal = String::with_capacity(text.len());
    normal.push_str(sign);
    normal.push_str(&whole_digits);
    if let Some(f) = fraction {
        normal.push('.');
        normal.push_str(f);
    }
    // Rust's parser also takes "inf", "nan" and exponents; non-finite values are refused below.
    match normal.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        Ok(_) => Err("give a finite number (not nan or infinity)".to_owned()),
        Err(_) => Err(plain_help.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    /// (cell, grouped, decimal comma, expected number or None for an error).
    fn check(cell: &str, grouped: bool, comma: bool, expected: Option<f64>) {
        assert_eq!(
            parse_number(cell, grouped, comma).ok(),
            expected,
            "{cell:?} grouped={grouped} comma={comma}"
        );
    }

    #[test]
    fn numbers_are_read_without_guessing_separators() {
        check("50.84", false, false, Some(50.84));
        check("-1.25", false, false, Some(-1.25));
        check("5,1", false, false, None);
        check("-1,25", false, false, None);
        check("1,5", false, false, None);
        check("64,187", false, false, None);
        check("64,187", true, false, Some(64187.0));
        check("1,234,567", true, false, Some(1_234_567.0));
        check("1,234,567.5", true, false, Some(1_234_567.5));
        check("£64,187.50", true, false, Some(64187.5));
        check("£5", false, false, None);
        check("1,2,3", true, false, None);
        check("1234,567", true, false, None);
        check(",123", true, false, None);
        check("1,23", true, false, None);
        check("1.5.2", false, false, None);
        check("5,1", false, true, Some(5.1));
        check("-1,25", false, true, Some(-1.25));
        check("1.234,5", true, true, Some(1234.5));
        check("1.234,5", false, true, None);
        check("5.1", false, true, None);
        check("nan", false, false, None);
        check("inf", false, false, None);
        check("1e999", false, false, None);
        check("1e3", false, false, Some(1000.0));
    }
}
