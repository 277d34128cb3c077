//! One `[[organisation]]` table (or a one-body file's root) into a typed `Organisation`, with
//! every field checked on its own so that one bad field does not hide the others. Checks that
//! need the whole dataset (duplicate ids, references) happen in `dataset`.

use std::collections::BTreeMap;

use crate::diagnostic::Place;
use crate::input::toml::{Sp, Table};
use crate::model::{
    Barrier, ControlType, CriteriaOrder, Criterion, Enumeration, Kind, LatLon, Organisation,
    OrganisationId, Partnership, Party, Payback, PoliticalControl, Reason, Sector, Service,
    ServiceSet, Severity, Status, Tier,
};

/// Every field of an organisation table, in documented order.
pub const FIELDS: &[&str] = &[
    "id",
    "name",
    "short_name",
    "aliases",
    "sector",
    "kind",
    "tier",
    "status",
    "nation",
    "region",
    "parent",
    "police_force_area",
    "combined_authority",
    "within",
    "within_shares",
    "community_safety_partnership",
    "location",
    "population",
    "budget_gbp",
    "area_km2",
    "rural_urban",
    "political_control",
    "reasons",
    "barriers",
    "services_sought",
    "services_offered",
    "partnership",
    "neighbours",
    "ict",
    "payback",
    "criteria_order",
    "notes",
];

/// The fields of `location`.
const LOCATION_FIELDS: &[&str] = &["lat", "lon"];
/// The fields of `political_control`.
const CONTROL_FIELDS: &[&str] = &["lead_party", "control", "label", "as_of"];
/// The fields of each `partnership`.
const PARTNERSHIP_FIELDS: &[&str] = &["partner", "services", "since", "name", "kind", "source"];

/// Where the parts of a profile that refer to other bodies were written, for the dataset's
/// cross-checks.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The start of the organisation's table (or row).
    pub table: Place,
    /// The `id` value.
    pub id: Place,
    /// The `parent` value.
    pub parent: Option<Place>,
    /// Each neighbour, parallel to `Organisation::neighbours`.
    pub neighbours: Places,
    /// Each partnership's partner, parallel to `Organisation::partnerships`.
    pub partners: Places,
    /// Each area the body lies within, parallel to `Organisation::within`.
    pub within: Places,
}

/// Where each item of a list was written: a place per item (a TOML array), or one place
/// shared by every item (a table's cell). Sharing matters for memory: a national table has
/// millions of references, each of which would otherwise hold a copy of its cell's place.
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// One place per item, unless `shared` is set.
    each: Vec<Place>,
    /// The place of every item, kept inline: a heap allocation per row would stay behind as
    /// scattered free memory once the rows' places are dropped.
    shared: Option<Place>,
    /// The number of items.
    len: usize,
}

impl Places {
    /// A place per item.
    pub fn each(places: Vec<Place>) -> Self {
        let len = places.len();
        Self { each: places, shared: None, len }
    }

    /// One place for `n` items.
    pub fn repeated(place: Place, n: usize) -> Self {
        if n == 0 {
            Self::default()
        } else {
            Self { each: Vec::new(), shared: Some(place), len: n }
        }
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Where item `i` was written.
    pub fn get(&self, i: usize) -> Option<&Place> {
        if i >= self.len { None } else { self.shared.as_ref().or_else(|| self.each.get(i)) }
    }

    /// Where each item was written, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Place> {
        (0..self.len).filter_map(|i| self.get(i))
    }

    /// Adds the place of a new last item.
    pub fn push(&mut self, place: Place) {
        if let Some(shared) = self.shared.take() {
            self.each = vec![shared; self.len];
        }
        self.each.push(place);
        self.len = self.each.len();
    }

    /// Removes the place of item `i` (nothing when there is no such item).
    pub fn remove(&mut self, i: usize) {
        if i >= self.len {
            return;
        }
        if self.shared.is_none() {
            self.each.remove(i);
        }
        self.len -= 1;
        if self.len == 0 {
            self.shared = None;
        }
    }
}

/// A profile read from a file, with where its references were written.
#[derive(Debug, Clone)]
pub struct ParsedOrganisation {
    /// The profile.
    pub organisation: Organisation,
    /// Where its parts were written.
    pub origin: Origin,
}

/// Reads one organisation table. Every problem found is recorded on the table's reader. When a
/// required field is missing or invalid the profile cannot be built: the error then carries the
/// id and where it was written, if the id itself was readable, so that references to the body
/// are not reported as unknown too.
pub fn read_organisation(
    t: &Table<'_, '_>,
) -> Result<ParsedOrganisation, Option<(OrganisationId, Place)>> {
    t.deny_unknown(FIELDS);
    let source = t.source();
    let place = |span: std::ops::Range<usize>, key: &str| {
        Place::new(source.location(span.start), t.field_path(key))
    };

    let id = read_id(t, "id");
    if id.is_none() && !t.contains("id") {
        t.missing("id", "add `id = \"...\"`, a stable code such as the GSS code");
    }
    let name = t.text("name");
    if name.is_none() && !t.contains("name") {
        t.missing("name", "add `name = \"...\"`, the body's official name");
    }
    let check_name = |key: &str, text: &Sp<String>| {
        if let Some(problem) = super::forbidden_in_name(text.get_ref()) {
            t.error(text.span(), key, problem).help(super::FORBIDDEN_IN_NAME_HELP);
        }
    };
    if let Some(name) = &name {
        check_name("name", name);
    }
    let sector = t.enumeration::<Sector>("sector");
    if sector.is_none() && !t.contains("sector") {
        let allowed: Vec<&str> = Sector::all().iter().map(|s| s.name()).collect();
        t.missing("sector", &format!("add `sector = \"...\"`, one of: {}", allowed.join(", ")));
    }
    let location = read_location(t);
    let kind = read_kind(t, sector.as_ref().map(|s| *s.get_ref()));
    let tier = t.enumeration::<Tier>("tier").map(Sp::into_inner);
    let status = t.enumeration::<Status>("status").map(Sp::into_inner);

    let short_name = t.text("short_name");
    if let Some(short) = &short_name {
        check_name("short_name", short);
    }
    let short_name = short_name.map(Sp::into_inner);
    let aliases = t
        .strings("aliases")
        .map(|v| {
            v.into_iter()
                .map(|alias| {
                    check_name("aliases", &alias);
                    alias.into_inner()
                })
                .collect()
        })
        .unwrap_or_default();
    let nation = t.text("nation").map(Sp::into_inner);
    let region = t.text("region").map(Sp::into_inner);
    let parent = read_id(t, "parent");
    let police_force_area = t.text("police_force_area").map(Sp::into_inner);
    let combined_authority = t.text("combined_authority").map(Sp::into_inner);
    let within = read_ids(t, "within");
    let within_shares = read_shares(t, "within_shares");
    let community_safety_partnership = t.text("community_safety_partnership").map(Sp::into_inner);
    let population = read_positive_integer(t, "population");
    let budget_gbp = read_positive_number(t, "budget_gbp");
    let area_km2 = read_positive_number(t, "area_km2");
    let rural_urban = t.text("rural_urban").map(Sp::into_inner);
    let political_control = read_control(t);
    let reasons =
        t.enumerations::<Reason>("reasons").map(|v| v.into_iter().map(Sp::into_inner).collect());
    let barriers = read_barriers(t);
    let services_sought = read_services(t, "services_sought");
    let services_offered = read_services(t, "services_offered");
    let partnerships = read_partnerships(t);
    let neighbours = read_ids(t, "neighbours");
    let ict = read_ict(t);
    let payback = t.enumeration::<Payback>("payback").map(Sp::into_inner);
    let criteria_order = read_criteria_order(t, "criteria_order");
    let notes = t.text("notes").map(Sp::into_inner);

    let Some(id) = id else { return Err(None) };
    let (Some(name), Some(sector), Some(location)) = (name, sector, location) else {
        let at = place(id.span(), "id");
        return Err(Some((id.into_inner(), at)));
    };
    let mut organisation =
        Organisation::new(id.get_ref().clone(), name.into_inner(), sector.into_inner(), location);
    organisation.short_name = short_name;
    organisation.aliases = aliases;
    organisation.kind = kind;
    organisation.tier = tier.or_else(|| kind.and_then(Kind::implied_tier));
    organisation.status = status.unwrap_or(Status::Current);
    organisation.nation = nation;
    organisation.region = region;
    organisation.police_force_area = police_force_area;
    organisation.combined_authority = combined_authority;
    organisation.community_safety_partnership = community_safety_partnership;
    organisation.population = population;
    organisation.budget_gbp = budget_gbp;
    organisation.area_km2 = area_km2;
    organisation.rural_urban = rural_urban;
    organisation.political_control = political_control;
    organisation.reasons = reasons;
    organisation.barriers = barriers;
    organisation.services_sought = services_sought;
    organisation.services_offered = services_offered;
    organisation.ict = ict;
    organisation.payback = payback;
    organisation.criteria_order = criteria_order;
    organisation.notes = notes;

    let parent_place = parent.as_ref().map(|p| place(p.span(), "parent"));
    organisation.parent = parent.map(Sp::into_inner);
    let neighbour_places =
        neighbours.iter().map(|(i, n)| place(n.span(), &format!("neighbours[{i}]"))).collect();
    organisation.neighbours = neighbours.into_iter().map(|(_, n)| n.into_inner()).collect();
    let within_places =
        within.iter().map(|(i, n)| place(n.span(), &format!("within[{i}]"))).collect();
    organisation.within = within.into_iter().map(|(_, n)| n.into_inner()).collect();
    for (id, share, span) in within_shares {
        if organisation.within.contains(&id) {
            organisation.within_shares.insert(id, share);
        } else {
            t.error(
                span,
                &format!("within_shares.{id}"),
                format!("\"{id}\" is not listed in `within`"),
            )
            .help("list the area in `within` too, or remove its share");
        }
    }
    let (partnerships, partner_places) = match partnerships {
        Some(list) => {
            let places = list.iter().map(|(_, at)| at.clone()).collect();
            (Some(list.into_iter().map(|(p, _)| p).collect()), places)
        }
        None => (None, Vec::new()),
    };
    organisation.partnerships = partnerships;

    Ok(ParsedOrganisation {
        origin: Origin {
            table: Place::new(source.location(t.span().start), t.path()),
            id: place(id.span(), "id"),
            parent: parent_place,
            neighbours: Places::each(neighbour_places),
            partners: Places::each(partner_places),
            within: Places::each(within_places),
        },
        organisation,
    })
}

fn read_id(t: &Table<'_, '_>, key: &str) -> Option<Sp<OrganisationId>> {
    let text = t.string(key)?;
    match OrganisationId::new(text.get_ref()) {
        Ok(id) => Some(Sp::new(text.span(), id)),
        Err(message) => {
            t.error(text.span(), key, message).help("use a code such as a GSS code (E07000223)");
            None
        }
    }
}

/// A list of ids, each with its index in the list as written.
fn read_ids(t: &Table<'_, '_>, key: &str) -> Vec<(usize, Sp<OrganisationId>)> {
    let Some(items) = t.strings(key) else {
        return Vec::new();
    };
    let mut out: Vec<(usize, Sp<OrganisationId>)> = Vec::with_capacity(items.len());
    // Ids seen, so that finding a repeat is linear in the list, not quadratic.
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let path = format!("{key}[{i}]");
        match OrganisationId::new(item.get_ref()) {
            Ok(id) if !seen.insert(id.clone()) => {
                t.error(item.span(), &path, format!("\"{id}\" is listed twice"))
                    .help("list each body once");
            }
            Ok(id) => out.push((i, Sp::new(item.span(), id))),
            Err(message) => {
                t.error(item.span(), &path, message).help("use the other body's id");
            }
        }
    }
    out
}

fn read_location(t: &Table<'_, '_>) -> Option<LatLon> {
    let help = "add `location = { lat = 50.83, lon = -0.27 }` (WGS84 degrees)";
    let Some(table) = t.table("location") else {
        if !t.contains("location") {
            t.missing("location", help);
        }
        return None;
    };
    table.deny_unknown(LOCATION_FIELDS);
    let lat = table.number("lat");
    let lon = table.number("lon");
    for key in LOCATION_FIELDS {
        if !table.contains(key) {
            table.missing(key, help);
        }
    }
    let (lat, lon) = (lat?, lon?);
    let mut ok = true;
    if !(-90.0..=90.0).contains(lat.get_ref()) {
        table
            .error(lat.span(), "lat", format!("latitude {} is outside [-90, 90]", lat.get_ref()))
            .help("give the latitude in decimal degrees north; check that lat and lon are not swapped");
        ok = false;
    }
    if !(-180.0..=180.0).contains(lon.get_ref()) {
        table
            .error(lon.span(), "lon", format!("longitude {} is outside [-180, 180]", lon.get_ref()))
            .help("give the longitude in decimal degrees east (west is negative)");
        ok = false;
    }
    if !ok {
        return None;
    }
    LatLon::new(lat.into_inner(), lon.into_inner()).ok()
}

fn read_kind(t: &Table<'_, '_>, sector: Option<Sector>) -> Option<Kind> {
    let kind = t.enumeration::<Kind>("kind")?;
    let kind_value = *kind.get_ref();
    if let Some(sector) = sector
        && kind_value.sector() != sector
    {
        let allowed: Vec<&str> = Kind::of_sector(sector).map(|k| k.name()).collect();
        t.error(
            kind.span(),
            "kind",
            format!(
                "kind \"{}\" belongs to sector \"{}\", not \"{}\"",
                kind_value.name(),
                kind_value.sector().name(),
                sector.name()
            ),
        )
        .help(format!(
            "change the sector to \"{}\", or use a kind of \"{}\": {}",
            kind_value.sector().name(),
            sector.name(),
            allowed.join(", ")
        ));
        return None;
    }
    Some(kind_value)
}

/// Reads a whole number above 0 (`population`), or records a located problem. Shared with
/// scenario overrides.
pub fn read_positive_integer(t: &Table<'_, '_>, key: &str) -> Option<u64> {
    let value = t.integer(key)?;
    match u64::try_from(*value.get_ref()) {
        Ok(n) if n > 0 => Some(n),
        _ => {
            t.error(
                value.span(),
                key,
                format!("`{key}` must be positive, found {}", value.get_ref()),
            )
            .help(format!(
                "give the {} as a whole number above 0, or remove the field if it is not known",
                key.replace('_', " ")
            ));
            None
        }
    }
}

/// Reads a number above 0 (`budget_gbp`), or records a located problem. Shared with scenario
/// overrides.
pub fn read_positive_number(t: &Table<'_, '_>, key: &str) -> Option<f64> {
    let value = t.number(key)?;
    if *value.get_ref() > 0.0 {
        Some(value.into_inner())
    } else {
        t.error(value.span(), key, format!("`{key}` must be positive, found {}", value.get_ref()))
            .help("give a value above 0, or remove the field if it is not known");
        None
    }
}

fn read_control(t: &Table<'_, '_>) -> Option<PoliticalControl> {
    let table = t.table("political_control")?;
    table.deny_unknown(CONTROL_FIELDS);
    let lead_party = table.string("lead_party").and_then(|text| {
        Party::parse_code(text.get_ref())
            .map_err(|err| table.unknown(text.span(), "lead_party", &err))
            .ok()
    });
    let control = table.enumeration::<ControlType>("control");
    if control.is_none() && !table.contains("control") {
        table.missing(
            "control",
            "add `control = \"...\"`: majority, minority, coalition, mayoral or noc",
        );
    }
    let label = table.text("label").map(Sp::into_inner);
    let as_of = table.date("as_of").map(Sp::into_inner);
    let control = control?;
    Some(PoliticalControl { lead_party, control: control.into_inner(), label, as_of })
}

/// Reads a `[barriers]` table of severities (0 to 1), each problem located. Shared with
/// scenario overrides (`scenario::parse`), so a profile and an override read it alike.
pub fn read_barriers(t: &Table<'_, '_>) -> Option<BTreeMap<Barrier, Severity>> {
    let table = t.table("barriers")?;
    let names: Vec<&str> = Barrier::all().iter().map(|b| b.name()).collect();
    table.deny_unknown(&names);
    let mut out = BTreeMap::new();
    for barrier in Barrier::all() {
        let Some(value) = table.number(barrier.name()) else {
            continue;
        };
        match Severity::new(*value.get_ref()) {
            Ok(s) => {
                out.insert(*barrier, s);
            }
            Err(message) => {
                table
                    .error(value.span(), barrier.name(), message)
                    .help("give a severity from 0 (no concern) to 1 (a deal-breaker)");
            }
        }
    }
    Some(out)
}

/// Reads a list of service names as a set, each unknown name a located problem. Shared with
/// scenario overrides and focus.
pub fn read_services(t: &Table<'_, '_>, key: &str) -> Option<ServiceSet> {
    t.enumerations::<Service>(key).map(|v| v.into_iter().map(Sp::into_inner).collect())
}

fn read_partnerships(t: &Table<'_, '_>) -> Option<Vec<(Partnership, Place)>> {
    let tables = t.tables("partnership")?;
    let mut out: Vec<(Partnership, Place)> = Vec::with_capacity(tables.len());
    let mut partners = std::collections::HashSet::with_capacity(tables.len());
    for table in tables {
        table.deny_unknown(PARTNERSHIP_FIELDS);
        let partner = read_id(&table, "partner");
        if partner.is_none() && !table.contains("partner") {
            table.missing("partner", "add `partner = \"...\"`, the other body's id");
        }
        let services = read_services(&table, "services").unwrap_or_default();
        let since = table.integer("since").and_then(|year| {
            let y = *year.get_ref();
            if (1800..=2200).contains(&y) {
                Some(y as i32)
            } else {
                table
                    .error(year.span(), "since", format!("year {y} is not plausible"))
                    .help("give the year the partnership started, such as 2014");
                None
            }
        });
        let name = table.text("name").map(Sp::into_inner);
        let kind = table.text("kind").map(Sp::into_inner);
        let source = table.text("source").map(Sp::into_inner);
        let Some(partner) = partner else { continue };
        if !partners.insert(partner.get_ref().clone()) {
            table
                .error(
                    partner.span(),
                    "partner",
                    format!("partner \"{}\" is listed twice", partner.get_ref()),
                )
                .help("list each partner once, with all the services shared");
            continue;
        }
        let at = Place::new(t.source().location(partner.span().start), table.field_path("partner"));
        out.push((
            Partnership { partner: partner.into_inner(), services, since, name, kind, source },
            at,
        ));
    }
    Some(out)
}

/// A table of shares in (0, 1] keyed by body id (`within_shares`), with each entry's span.
fn read_shares(t: &Table<'_, '_>, key: &str) -> Vec<(OrganisationId, f64, std::ops::Range<usize>)> {
    let Some(table) = t.table(key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let keys: Vec<(&str, std::ops::Range<usize>)> = table.keys().collect();
    for (name, span) in keys {
        let id = match OrganisationId::new(name) {
            Ok(id) => id,
            Err(message) => {
                table.error(span, name, message).help("use the area body's id as the key");
                continue;
            }
        };
        let Some(share) = table.number(name) else { continue };
        let value = *share.get_ref();
        if value.is_finite() && value > 0.0 && value <= 1.0 {
            out.push((id, value, share.span()));
        } else {
            table
                .error(share.span(), name, format!("share {value} is outside (0, 1]"))
                .help("give the share of the body's area inside that area, such as 0.6");
        }
    }
    out
}

fn read_ict(t: &Table<'_, '_>) -> Option<BTreeMap<Service, String>> {
    let table = t.table("ict")?;
    let mut out = BTreeMap::new();
    let keys: Vec<(&str, std::ops::Range<usize>)> = table.keys().collect();
    for (key, span) in keys {
        match Service::parse_name(key) {
            Ok(service) => {
                if let Some(product) = table.text(key) {
                    out.insert(service, product.into_inner());
                }
            }
            Err(err) => table.unknown(span, key, &err),
        }
    }
    Some(out)
}

/// Reads a criteria order: an array whose items are criterion names or arrays of tied names.
pub fn read_criteria_order(t: &Table<'_, '_>, key: &str) -> Option<CriteriaOrder> {
    let items = t.array(key)?;
    let mut positions: Vec<Vec<Criterion>> = Vec::with_capacity(items.len());
    let mut seen: Vec<Criterion> = Vec::new();
    let mut ok = true;
    // Adds one named criterion to a position; false when it is unknown or repeated.
    let mut take = |path: &str,
                    span: std::ops::Range<usize>,
                    text: &str,
                    position: &mut Vec<Criterion>|
     -> bool {
        match Criterion::parse_name(text) {
            Ok(c) if seen.contains(&c) => {
                t.error(span, path, format!("criterion \"{c}\" appears more than once"))
                    .help("give each criterion one position; tie criteria with a nested array");
                false
            }
            Ok(c) => {
                seen.push(c);
                position.push(c);
                true
            }
            Err(err) => {
                t.unknown(span, path, &err);
                false
            }
        }
    };
    for (path, item) in &items {
        let mut position = Vec::new();
        match item.get_ref() {
            toml::de::DeValue::String(s) => ok &= take(path, item.span(), s, &mut position),
            toml::de::DeValue::Array(tied) => {
                for (j, inner) in tied.iter().enumerate() {
                    let inner_path = format!("{path}[{j}]");
                    match inner.get_ref() {
                        toml::de::DeValue::String(s) => {
                            ok &= take(&inner_path, inner.span(), s, &mut position);
                        }
                        _ => {
                            t.error(inner.span(), &inner_path, "expected a criterion name")
                                .help("a tie is an array of criterion names");
                            ok = false;
                        }
                    }
                }
                if tied.is_empty() {
                    t.error(item.span(), path, "empty position").help("remove the empty array");
                    ok = false;
                }
            }
            _ => {
                t.error(item.span(), path, "expected a criterion name or an array of tied names")
                    .help("write for example [\"proximity\", [\"kind_fit\", \"size_fit\"], ...]");
                ok = false;
            }
        }
        if !position.is_empty() {
            positions.push(position);
        }
    }
    if !ok {
        return None;
    }
    let span = t.raw(key).map(Sp::span).unwrap_or_default();
    match CriteriaOrder::new(positions) {
        Ok(order) => Some(order),
        Err(message) => {
            t.error(span, key, message).help(format!(
                "list all {} criteria once each, highest priority first",
                Criterion::COUNT_WORD
            ));
            None
        }
    }
}

/// Reads one entry of a profile layer: `id` (an id, or a name `Dataset::find` resolves) and
/// any other fields, each checked as in a full profile. Every problem is recorded on the
/// table's reader; `None` when the entry has no readable `id` or a field is invalid.
pub fn read_patch(t: &Table<'_, '_>) -> Option<super::layer::LayerEntry> {
    t.deny_unknown(FIELDS);
    let errors_before = t.error_count();
    let source = t.source();
    let place = |span: std::ops::Range<usize>, key: &str| {
        Place::new(source.location(span.start), t.field_path(key))
    };
    let key = t.text("id");
    if key.is_none() && !t.contains("id") {
        t.missing(
            "id",
            "add `id = \"...\"`: the id or name of the body this entry describes \
             (as `partnermatch show` finds it), or a new id",
        );
    }
    let sector = t.enumeration::<Sector>("sector");
    let mut patch = super::layer::Patch {
        name: t.text("name").map(Sp::into_inner),
        short_name: t.text("short_name").map(Sp::into_inner),
        aliases: t.strings("aliases").map(|v| v.into_iter().map(Sp::into_inner).collect()),
        kind: read_kind(t, sector.as_ref().map(|s| *s.get_ref())),
        sector: sector.map(Sp::into_inner),
        tier: t.enumeration::<Tier>("tier").map(Sp::into_inner),
        status: t.enumeration::<Status>("status").map(Sp::into_inner),
        nation: t.text("nation").map(Sp::into_inner),
        region: t.text("region").map(Sp::into_inner),
        parent: None,
        police_force_area: t.text("police_force_area").map(Sp::into_inner),
        combined_authority: t.text("combined_authority").map(Sp::into_inner),
        within: None,
        within_shares: None,
        community_safety_partnership: t.text("community_safety_partnership").map(Sp::into_inner),
        location: if t.contains("location") { read_location(t) } else { None },
        population: read_positive_integer(t, "population"),
        budget_gbp: read_positive_number(t, "budget_gbp"),
        area_km2: read_positive_number(t, "area_km2"),
        rural_urban: t.text("rural_urban").map(Sp::into_inner),
        political_control: read_control(t),
        reasons: t
            .enumerations::<Reason>("reasons")
            .map(|v| v.into_iter().map(Sp::into_inner).collect()),
        barriers: read_barriers(t),
        services_sought: read_services(t, "services_sought"),
        services_offered: read_services(t, "services_offered"),
        partnerships: None,
        neighbours: None,
        ict: read_ict(t),
        payback: t.enumeration::<Payback>("payback").map(Sp::into_inner),
        criteria_order: read_criteria_order(t, "criteria_order"),
        notes: t.text("notes").map(Sp::into_inner),
    };
    let parent = read_id(t, "parent");
    let parent_place = parent.as_ref().map(|p| place(p.span(), "parent"));
    patch.parent = parent.map(Sp::into_inner);
    let mut neighbour_places = Vec::new();
    if t.contains("neighbours") {
        let neighbours = read_ids(t, "neighbours");
        neighbour_places =
            neighbours.iter().map(|(i, n)| place(n.span(), &format!("neighbours[{i}]"))).collect();
        patch.neighbours = Some(neighbours.into_iter().map(|(_, n)| n.into_inner()).collect());
    }
    let mut within_places = Vec::new();
    if t.contains("within") {
        let within = read_ids(t, "within");
        within_places =
            within.iter().map(|(i, n)| place(n.span(), &format!("within[{i}]"))).collect();
        patch.within = Some(within.into_iter().map(|(_, n)| n.into_inner()).collect());
    }
    if t.contains("within_shares") {
        let mut shares = BTreeMap::new();
        for (id, share, span) in read_shares(t, "within_shares") {
            // Checked against `within` as stated here, or else as applied (`dataset::layer`).
            if patch.within.as_ref().is_some_and(|w| !w.contains(&id)) {
                t.error(
                    span,
                    &format!("within_shares.{id}"),
                    format!("\"{id}\" is not listed in `within`"),
                )
                .help("list the area in `within` too, or remove its share");
            } else {
                shares.insert(id, share);
            }
        }
        patch.within_shares = Some(shares);
    }
    let mut partner_places = Vec::new();
    if let Some(list) = read_partnerships(t) {
        partner_places = list.iter().map(|(_, at)| at.clone()).collect();
        patch.partnerships = Some(list.into_iter().map(|(p, _)| p).collect());
    }
    let key = key?;
    if t.error_count() > errors_before {
        return None;
    }
    let stated = FIELDS
        .iter()
        .filter(|f| **f != "id" && t.contains(f))
        .map(|f| {
            let at = match (*f, &parent_place) {
                ("parent", Some(p)) => p.clone(),
                _ => place(t.raw(f).map(Sp::span).unwrap_or_else(|| t.span()), f),
            };
            (*f, at)
        })
        .collect();
    Some(super::layer::LayerEntry {
        key_place: place(key.span(), "id"),
        key: key.into_inner(),
        table: Place::new(source.location(t.span().start), t.path()),
        patch,
        stated,
        neighbour_places,
        partner_places,
        within_places,
    })
}
