//! The validated domain model: an organisation profile as typed values. Everything here has
//! already passed validation at the boundary (`profiles`, `import`), so the rest of the engine
//! can rely on its invariants (ids well formed, coordinates in range, severities in [0, 1]).
//! Owns no I/O and no parsing of files.

mod enums;
mod statutory;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

pub use enums::{
    Barrier, ControlType, Criterion, Enumeration, Kind, Party, Payback, Reason, Sector, Service,
    Status, Tier, UnknownValue, closest, normalise_name, number_word,
};

/// A body's stable identifier (the GSS code for UK councils, `E07000223`).
///
/// Invariant: 1 to 64 characters, starting with an ASCII letter or digit, then ASCII letters,
/// digits, `_`, `-`, `.` or `:`. Ids appear in file names and CSV cells, so nothing else is
/// allowed.
///
/// Stored inline (`CompactString`, up to 24 bytes without an allocation): a dataset holds an
/// id for every body and for every reference to one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct OrganisationId(compact_str::CompactString);

impl OrganisationId {
    /// The longest id accepted.
    pub const MAX_LEN: usize = 64;

    /// Checks the id rules and wraps the text.
    pub fn new(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let mut chars = text.chars();
        match chars.next() {
            None => return Err("an id must not be empty".to_owned()),
            Some(c) if !c.is_ascii_alphanumeric() => {
                return Err(format!("an id must start with a letter or digit, not {c:?}"));
            }
            Some(_) => {}
        }
        if text.len() > Self::MAX_LEN {
            return Err(format!("an id must be at most {} characters", Self::MAX_LEN));
        }
        if let Some(bad) = chars.find(|c| !(c.is_ascii_alphanumeric() || "_-.:".contains(*c))) {
            return Err(format!(
                "an id may hold only ASCII letters, digits, '_', '-', '.' and ':', not {bad:?}"
            ));
        }
        Ok(Self(compact_str::CompactString::from(text)))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrganisationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A point on the WGS84 ellipsoid, in degrees.
///
/// Invariant: latitude in [-90, 90], longitude in [-180, 180], both finite.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatLon {
    /// Latitude in degrees north.
    pub lat: f64,
    /// Longitude in degrees east.
    pub lon: f64,
}

impl LatLon {
    /// Checks the ranges and builds the point; the error names the coordinate at fault.
    pub fn new(lat: f64, lon: f64) -> Result<Self, String> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(format!("latitude {lat} is outside [-90, 90]"));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(format!("longitude {lon} is outside [-180, 180]"));
        }
        Ok(Self { lat, lon })
    }

    /// Great-circle distance by the haversine formula on a sphere of the mean Earth radius
    /// (6,371.0088 km, IUGG). Error against the ellipsoid is under 0.5%, far below what matters
    /// for proximity between public bodies.
    pub fn distance(self, other: LatLon) -> Kilometres {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        Kilometres(2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin())
    }
}

/// The mean Earth radius in kilometres (IUGG).
pub const EARTH_RADIUS_KM: f64 = 6_371.008_8;

/// A distance in kilometres.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Kilometres(pub f64);

/// A barrier's severity for a body, in [0, 1] (0: not a concern, 1: a deal-breaker).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Severity(f64);

impl Severity {
    /// Checks the range and wraps the value.
    pub fn new(value: f64) -> Result<Self, String> {
        if value.is_finite() && (0.0..=1.0).contains(&value) {
            Ok(Self(value))
        } else {
            Err(format!("severity {value} is outside [0, 1]"))
        }
    }

    /// The severity as a number in [0, 1].
    pub fn get(self) -> f64 {
        self.0
    }
}

/// A set of services, as a 64-bit set over `Service::all()`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ServiceSet(u64);

impl ServiceSet {
    /// The empty set.
    pub const EMPTY: ServiceSet = ServiceSet(0);

    /// Adds a service; returns false if it was already there.
    pub fn insert(&mut self, service: Service) -> bool {
        let bit = 1u64 << (service as u32);
        let fresh = self.0 & bit == 0;
        self.0 |= bit;
        fresh
    }

    /// Whether the set holds a service.
    pub fn contains(self, service: Service) -> bool {
        self.0 & (1u64 << (service as u32)) != 0
    }

    /// The raw bits, for the scoring index.
    pub fn bits(self) -> u64 {
        self.0
    }

    /// Builds a set from raw bits (bits beyond the catalogue are dropped).
    pub fn from_bits(bits: u64) -> Self {
        let n = Service::all().len() as u32;
        let mask = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
        Self(bits & mask)
    }

    /// Number of services in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The services in catalogue order.
    pub fn iter(self) -> impl Iterator<Item = Service> {
        Service::all().iter().copied().filter(move |s| self.contains(*s))
    }

    /// Services in both sets.
    pub fn intersection(self, other: ServiceSet) -> ServiceSet {
        ServiceSet(self.0 & other.0)
    }

    /// Services in either set.
    pub fn union(self, other: ServiceSet) -> ServiceSet {
        ServiceSet(self.0 | other.0)
    }
}

impl FromIterator<Service> for ServiceSet {
    fn from_iter<I: IntoIterator<Item = Service>>(iter: I) -> Self {
        let mut set = ServiceSet::EMPTY;
        for s in iter {
            set.insert(s);
        }
        set
    }
}

impl Serialize for ServiceSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// Who runs a body politically, as of a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoliticalControl {
    /// The party leading the body; under no overall control, the largest party where the
    /// source names one. `None` when not known.
    pub lead_party: Option<Party>,
    /// How the body is controlled.
    pub control: ControlType,
    /// The source's short label (`LAB min`, `LD/GRN`), kept for display.
    pub label: Option<String>,
    /// When the control was recorded (ISO date, `YYYY-MM-DD`).
    pub as_of: Option<String>,
}

/// An existing partnership with another body, seen from one side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partnership {
    /// The partner.
    pub partner: OrganisationId,
    /// The services shared (empty when not known).
    pub services: ServiceSet,
    /// The year it started, if known.
    pub since: Option<i32>,
    /// The partnership's name, if it has one.
    pub name: Option<String>,
    /// What kind of arrangement it is (`shared_management`, `shared_waste_service`,
    /// `community_safety_partnership`, ...), as the source names it; free text.
    pub kind: Option<String>,
    /// Where the partnership is documented (a URL or a repository path), for explanations.
    pub source: Option<String>,
}

/// A criteria order: positions highest first, each holding one criterion or several tied ones.
///
/// Invariant: every criterion appears exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CriteriaOrder(Vec<Vec<Criterion>>);

impl CriteriaOrder {
    /// Builds an order from positions, checking that each criterion appears exactly once. The
    /// error names the missing or repeated criterion.
    pub fn new(positions: Vec<Vec<Criterion>>) -> Result<Self, String> {
        let mut seen = [false; Criterion::COUNT];
        for criterion in positions.iter().flatten() {
            if std::mem::replace(&mut seen[criterion.index()], true) {
                return Err(format!("criterion \"{criterion}\" appears more than once"));
            }
        }
        if positions.iter().any(Vec::is_empty) {
            return Err("a position must hold at least one criterion".to_owned());
        }
        let missing: Vec<&str> =
            Criterion::all().iter().filter(|c| !seen[c.index()]).map(|c| c.name()).collect();
        if !missing.is_empty() {
            return Err(format!("criteria missing from the order: {}", missing.join(", ")));
        }
        Ok(Self(positions))
    }

    /// The positions, highest first.
    pub fn positions(&self) -> &[Vec<Criterion>] {
        &self.0
    }
}

/// One organisation's profile: what the engine knows about a public body.
///
/// `None` means "unknown" throughout: the scorer gives a documented neutral value for criteria
/// that need unknown data and flags them. An empty list means "known to be none".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organisation {
    /// Stable id (GSS code for UK councils).
    pub id: OrganisationId,
    /// Official name (`Adur District Council`).
    pub name: String,
    /// Short name (`Adur`).
    pub short_name: Option<String>,
    /// Other names to find the body by.
    pub aliases: Vec<String>,
    /// Sector.
    pub sector: Sector,
    /// Kind within the sector; `None` when not known.
    pub kind: Option<Kind>,
    /// Tier (UK local government); implied by the kind where the kind implies one.
    pub tier: Option<Tier>,
    /// Current or shadow.
    pub status: Status,
    /// Nation (`England`, `Scotland`, ...).
    pub nation: Option<String>,
    /// Region (`South East`) or nation outside England.
    pub region: Option<String>,
    /// The body whose area contains this one (a district's county council).
    pub parent: Option<OrganisationId>,
    /// Police force area the body lies in, as a name.
    pub police_force_area: Option<String>,
    /// Combined authority the body belongs to, as a name.
    pub combined_authority: Option<String>,
    /// The bodies whose areas contain this body's area besides its parent: the police force,
    /// fire and rescue authority, health bodies and combined authority of a council, or the
    /// larger areas an area body lies within. Each is a body of the dataset.
    pub within: Vec<OrganisationId>,
    /// The share of this body's area that lies in each body of `within`, where it is split
    /// between several (a council split between two integrated care boards); a body of
    /// `within` not listed here holds the whole area.
    pub within_shares: BTreeMap<OrganisationId, f64>,
    /// Community safety partnership(s) the body belongs to, as names.
    pub community_safety_partnership: Option<String>,
    /// Centre of the body's area.
    pub location: LatLon,
    /// Population served.
    pub population: Option<u64>,
    /// Annual budget in pounds.
    pub budget_gbp: Option<f64>,
    /// Area in square kilometres.
    pub area_km2: Option<f64>,
    /// Rural/urban profile label (`Urban with rural areas`).
    pub rural_urban: Option<String>,
    /// Political control.
    pub political_control: Option<PoliticalControl>,
    /// Reasons for sharing, most important first.
    pub reasons: Option<Vec<Reason>>,
    /// Severity of each barrier the body reported; barriers not listed are unknown.
    pub barriers: Option<BTreeMap<Barrier, Severity>>,
    /// Services the body wants to share in.
    pub services_sought: Option<ServiceSet>,
    /// Services the body can provide to others.
    pub services_offered: Option<ServiceSet>,
    /// Existing partnerships.
    pub partnerships: Option<Vec<Partnership>>,
    /// Bodies sharing a land boundary. Unknown and none are the same here: distance decides.
    pub neighbours: Vec<OrganisationId>,
    /// ICT systems in use, by service (`finance` → `Unit4 ERP`).
    pub ict: Option<BTreeMap<Service, String>>,
    /// Expected payback horizon for sharing.
    pub payback: Option<Payback>,
    /// The body's own criteria order, used for its side of a score.
    pub criteria_order: Option<CriteriaOrder>,
    /// Free-text notes (caveats about the data).
    pub notes: Option<String>,
}

impl Organisation {
    /// A profile with only the required fields set and every other field unknown.
    pub fn new(id: OrganisationId, name: String, sector: Sector, location: LatLon) -> Self {
        Self {
            id,
            name,
            short_name: None,
            aliases: Vec::new(),
            sector,
            kind: None,
            tier: None,
            status: Status::Current,
            nation: None,
            region: None,
            parent: None,
            police_force_area: None,
            combined_authority: None,
            within: Vec::new(),
            within_shares: BTreeMap::new(),
            community_safety_partnership: None,
            location,
            population: None,
            budget_gbp: None,
            area_km2: None,
            rural_urban: None,
            political_control: None,
            reasons: None,
            barriers: None,
            services_sought: None,
            services_offered: None,
            partnerships: None,
            neighbours: Vec::new(),
            ict: None,
            payback: None,
            criteria_order: None,
            notes: None,
        }
    }

    /// The services the body delivers by statute, from its kind (`Kind::delivers`); empty when
    /// its kind is not known or the table has nothing for it.
    pub fn delivers(&self) -> ServiceSet {
        self.kind.map_or(ServiceSet::EMPTY, Kind::delivers)
    }

    /// The name to show in tables: the short name when there is one.
    pub fn display_name(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_rules() {
        for good in ["E07000223", "LGR-EASTSURREY", "us:06037", "a.b_c-1"] {
            assert!(OrganisationId::new(good).is_ok(), "{good}");
        }
        for bad in ["", " ", "-x", "has space", "é", &"x".repeat(65)] {
            assert!(OrganisationId::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn coordinates_are_checked_and_distances_are_right() {
        assert!(LatLon::new(91.0, 0.0).is_err());
        assert!(LatLon::new(0.0, -180.5).is_err());
        assert!(LatLon::new(f64::NAN, 0.0).is_err());
        // London (51.5074, -0.1278) to Paris (48.8566, 2.3522) is about 343.5 km.
        let london = LatLon::new(51.5074, -0.1278).unwrap();
        let paris = LatLon::new(48.8566, 2.3522).unwrap();
        let d = london.distance(paris).0;
        assert!((d - 343.5).abs() < 1.0, "{d}");
        assert!(london.distance(london).0.abs() < 1e-9);
    }

    #[test]
    fn criteria_orders_name_the_missing_or_repeated_criterion() {
        let all: Vec<Vec<Criterion>> = Criterion::all().iter().map(|c| vec![*c]).collect();
        assert!(CriteriaOrder::new(all.clone()).is_ok());
        let mut repeated = all.clone();
        repeated[1] = vec![Criterion::Proximity];
        let err = CriteriaOrder::new(repeated).unwrap_err();
        assert!(err.contains("\"proximity\" appears more than once"), "{err}");
        let missing = all[..9].to_vec();
        let err = CriteriaOrder::new(missing).unwrap_err();
        assert!(err.contains("political_alignment"), "{err}");
    }

    #[test]
    fn service_sets_behave_as_sets() {
        let mut set = ServiceSet::EMPTY;
        assert!(set.insert(Service::Legal));
        assert!(!set.insert(Service::Legal));
        set.insert(Service::Waste);
        assert_eq!(set.len(), 2);
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![Service::Legal, Service::Waste]);
        let other: ServiceSet = [Service::Waste, Service::Ict].into_iter().collect();
        assert_eq!(set.intersection(other).iter().collect::<Vec<_>>(), vec![Service::Waste]);
    }
}
