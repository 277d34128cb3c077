//! The closed vocabularies of a profile: sectors, kinds, reasons, barriers, services, parties,
//! criteria. Each value has a snake_case name (what files hold), a label (what people read) and
//! its evidence (the variant's doc comment, shown by `docs/profiles.md` and the CLI).
//! Owns no I/O and no scoring; parsing a name here never panics.

use std::fmt;

use serde::{Serialize, Serializer};
use strum::{EnumMessage, IntoStaticStr, VariantArray};

/// A closed vocabulary: every value, its file name, label and evidence.
pub trait Enumeration:
    Sized + Copy + Eq + 'static + VariantArray + EnumMessage + Into<&'static str>
{
    /// What the vocabulary is called in messages ("sector", "service").
    const WHAT: &'static str;

    /// Every value, in the documented order.
    fn all() -> &'static [Self] {
        Self::VARIANTS
    }

    /// The snake_case name used in files and on the command line.
    fn name(self) -> &'static str {
        self.into()
    }

    /// A short human label ("fire and rescue authority").
    fn label(self) -> &'static str {
        self.get_message().unwrap_or_else(|| self.name())
    }

    /// Why the value exists: the evidence or definition behind it.
    fn evidence(self) -> &'static str {
        self.get_documentation().map(str::trim).unwrap_or("")
    }

    /// Parses a name, ignoring case and treating spaces and hyphens as underscores.
    fn parse_name(text: &str) -> Result<Self, UnknownValue> {
        // Text already in normal form (what generated and exported files hold) needs no
        // normalising copy: the same answer, without an allocation per cell.
        let normal = !text.is_empty()
            && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if normal && let Some(value) = Self::all().iter().copied().find(|v| v.name() == text) {
            return Ok(value);
        }
        let wanted = normalise_name(text);
        Self::all().iter().copied().find(|value| value.name() == wanted).ok_or_else(|| {
            UnknownValue::new(Self::WHAT, text, Self::all().iter().map(|v| v.name()))
        })
    }
}

/// A small count in words, as messages write it ("ten criteria"); larger counts are not
/// spelt out by the crate's vocabularies, and fall back to "many" rather than panic.
pub const fn number_word(n: usize) -> &'static str {
    const WORDS: [&str; 21] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    if n < WORDS.len() { WORDS[n] } else { "many" }
}

/// Lower-cases a name and turns spaces and hyphens into underscores, so that "Fire and rescue",
/// "fire-and-rescue" and "fire_and_rescue" all name the same value.
pub fn normalise_name(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// A name that is not in a vocabulary, with the closest allowed name if one is close enough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// The vocabulary ("sector").
    pub what: &'static str,
    /// The text as written.
    pub found: String,
    /// The closest allowed name, when it is close.
    pub suggestion: Option<String>,
    /// Every allowed name, in order.
    pub allowed: Vec<&'static str>,
}

impl UnknownValue {
    /// Builds the error for `found`, looking for a near-miss among `allowed`.
    pub fn new<'a>(
        what: &'static str,
        found: &str,
        allowed: impl IntoIterator<Item = &'static str> + Clone + 'a,
    ) -> Self {
        let suggestion = closest(found, allowed.clone()).map(str::to_owned);
        Self { what, found: found.to_owned(), suggestion, allowed: allowed.into_iter().collect() }
    }

    /// The message half: what was wrong.
    pub fn message(&self) -> String {
        format!("unknown {} \"{}\"", self.what, self.found)
    }

    /// The help half: how to fix it.
    pub fn help(&self) -> String {
        let allowed = self.allowed.join(", ");
        match &self.suggestion {
            Some(s) => format!("did you mean \"{s}\"? allowed values: {allowed}"),
            None => format!("allowed values: {allowed}"),
        }
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message(), self.help())
    }
}

impl std::error::Error for UnknownValue {}

/// The candidate closest to `found` by normalised Damerau-Levenshtein similarity, if it is at
/// least 0.7 similar or one contains the other; of equally close ones the first in text order,
/// so the answer does not depend on the candidates' order (some come from hash maps). Used for
/// every "did you mean" in the tool.
pub fn closest<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = normalise_name(found);
    if wanted.is_empty() {
        return None;
    }
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        let norm = normalise_name(candidate);
        let mut similarity = strsim::normalized_damerau_levenshtein(&wanted, &norm);
        if norm.contains(&wanted) || wanted.contains(&norm) {
            similarity = similarity.max(0.75);
        }
        if similarity >= 0.7
            && best.is_none_or(|(s, c)| similarity.total_cmp(&s).then(c.cmp(candidate)).is_gt())
        {
            best = Some((similarity, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Serialises enumerations by their file name and implements `Display` as the same.
macro_rules! enumeration {
    ($($ty:ident => $what:literal),* $(,)?) => {$(
        impl Enumeration for $ty {
            const WHAT: &'static str = $what;
        }
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
        impl std::str::FromStr for $ty {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty as Enumeration>::parse_name(s)
            }
        }
    )*};
}

enumeration! {
    Sector => "sector",
    Kind => "kind",
    Tier => "tier",
    Reason => "reason",
    Barrier => "barrier",
    Service => "service",
    Party => "party",
    ControlType => "control type",
    Payback => "payback horizon",
    Status => "status",
    Criterion => "criterion",
}

/// The part of the public sector a body belongs to. The 2011 survey's 479 executives came from
/// 310 organisations across exactly these parts (central and local government, police, fire and
/// health); `other` holds bodies outside them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum Sector {
    /// Principal councils and other local authorities (survey respondents: local government).
    #[strum(message = "local government")]
    LocalGovernment,
    /// Police forces and their governing bodies (survey respondents: police).
    #[strum(message = "police")]
    Police,
    /// Fire and rescue authorities (survey respondents: fire).
    #[strum(message = "fire and rescue")]
    Fire,
    /// NHS bodies (survey respondents: health).
    #[strum(message = "health")]
    Health,
    /// Government departments and their agencies (survey respondents: central government).
    #[strum(message = "central government")]
    CentralGovernment,
    /// Any other public body (for example a national park authority or a joint board).
    #[strum(message = "other public body")]
    Other,
}

/// The kind of body within its sector: tier and type drive organisational similarity, which
/// Dixon & Elston (2020) found, with proximity, explains who shares with whom.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    /// English county council, the upper tier of a two-tier area (ONS type CTY).
    #[strum(message = "county council")]
    County,
    /// English non-metropolitan district council, the lower tier of a two-tier area (ONS type
    /// NMD). District–district pairs dominate the LGA shared services map.
    #[strum(message = "district council")]
    District,
    /// English unitary authority, single tier (ONS type UA).
    #[strum(message = "unitary authority")]
    Unitary,
    /// English metropolitan district (borough) council, single tier (ONS type MD).
    #[strum(message = "metropolitan district council")]
    MetropolitanDistrict,
    /// London borough council (ONS type LBO).
    #[strum(message = "London borough council")]
    LondonBorough,
    /// The City of London Corporation (ONS type CC).
    #[strum(message = "City of London")]
    CityOfLondon,
    /// Scottish council, single tier (ONS type SCO).
    #[strum(message = "Scottish council")]
    ScottishCouncil,
    /// Welsh principal area council, single tier (ONS type WPA).
    #[strum(message = "Welsh principal area council")]
    WelshPrincipalArea,
    /// Northern Ireland district council (ONS type NID).
    #[strum(message = "Northern Ireland district council")]
    NorthernIrelandDistrict,
    /// Combined authority of several councils (England).
    #[strum(message = "combined authority")]
    CombinedAuthority,
    /// Parish, town or community council, the most local tier.
    #[strum(message = "parish or town council")]
    ParishCouncil,
    /// United States county government (US Census of Governments: county).
    #[strum(message = "US county")]
    UsCounty,
    /// United States municipal government (US Census of Governments: municipality).
    #[strum(message = "municipality")]
    Municipality,
    /// United States town or township government (US Census of Governments: township).
    #[strum(message = "township")]
    Township,
    /// United States special-purpose district (US Census of Governments: special district).
    #[strum(message = "special district")]
    SpecialDistrict,
    /// United States independent school district (US Census of Governments: school district).
    #[strum(message = "school district")]
    SchoolDistrict,
    /// A territorial police force (England and Wales: 43; Police Scotland; PSNI).
    #[strum(message = "police force")]
    PoliceForce,
    /// Police and crime commissioner, or police, fire and crime commissioner.
    #[strum(message = "police and crime commissioner")]
    PoliceAndCrimeCommissioner,
    /// Fire and rescue authority; the Policing and Crime Act 2017 puts a duty to collaborate on
    /// police, fire and ambulance services.
    #[strum(message = "fire and rescue authority")]
    FireAndRescueAuthority,
    /// NHS trust or foundation trust (acute, mental health, community).
    #[strum(message = "NHS trust")]
    NhsTrust,
    /// NHS ambulance trust, one of the three emergency services under the 2017 duty.
    #[strum(message = "ambulance trust")]
    AmbulanceTrust,
    /// Integrated care board (England, from 2022), which plans local NHS services with councils.
    #[strum(message = "integrated care board")]
    IntegratedCareBoard,
    /// Health board (Scotland, Wales).
    #[strum(message = "health board")]
    HealthBoard,
    /// Ministerial or non-ministerial government department.
    #[strum(message = "government department")]
    Department,
    /// Executive agency or arm's-length body of central government.
    #[strum(message = "agency")]
    Agency,
    /// A body of the `other` sector (national park authority, joint board, ...).
    #[strum(message = "other body")]
    OtherBody,
}

impl Kind {
    /// The sector a kind belongs to; a profile's kind must belong to its sector.
    pub fn sector(self) -> Sector {
        use Kind::*;
        match self {
            County
            | District
            | Unitary
            | MetropolitanDistrict
            | LondonBorough
            | CityOfLondon
            | ScottishCouncil
            | WelshPrincipalArea
            | NorthernIrelandDistrict
            | CombinedAuthority
            | ParishCouncil
            | UsCounty
            | Municipality
            | Township
            | SpecialDistrict
            | SchoolDistrict => Sector::LocalGovernment,
            PoliceForce | PoliceAndCrimeCommissioner => Sector::Police,
            FireAndRescueAuthority => Sector::Fire,
            NhsTrust | AmbulanceTrust | IntegratedCareBoard | HealthBoard => Sector::Health,
            Department | Agency => Sector::CentralGovernment,
            OtherBody => Sector::Other,
        }
    }

    /// The tier a kind implies, where it implies one (UK local government).
    pub fn implied_tier(self) -> Option<Tier> {
        use Kind::*;
        match self {
            County => Some(Tier::Upper),
            District => Some(Tier::Lower),
            Unitary
            | MetropolitanDistrict
            | LondonBorough
            | CityOfLondon
            | ScottishCouncil
            | WelshPrincipalArea
            | NorthernIrelandDistrict => Some(Tier::Unitary),
            _ => None,
        }
    }

    /// Every kind of one sector, in documented order.
    pub fn of_sector(sector: Sector) -> impl Iterator<Item = Kind> {
        Kind::all().iter().copied().filter(move |k| k.sector() == sector)
    }
}

/// The tier of a council in the UK's local government structure.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum Tier {
    /// Upper tier of a two-tier area: the county council.
    #[strum(message = "upper tier")]
    Upper,
    /// Lower tier of a two-tier area: the district council.
    #[strum(message = "lower tier")]
    Lower,
    /// A single-tier council doing both tiers' work.
    #[strum(message = "unitary")]
    Unitary,
}

/// Whether a body exists now or is a shadow body waiting to take over.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    /// A body in being.
    #[strum(message = "current")]
    Current,
    /// A shadow body created by a reorganisation that has not yet vested.
    #[strum(message = "shadow")]
    Shadow,
}

/// A reason for sharing services. The 2011 survey: cutting costs 94.2%; over 70% also saw
/// innovation, radical service redesign or quality improvement.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum Reason {
    /// Cutting costs: the top reason in the 2011 survey (94.2% of respondents).
    #[strum(message = "cost reduction")]
    CostReduction,
    /// Improving service quality (2011 survey: over 70%).
    #[strum(message = "service quality")]
    ServiceQuality,
    /// Innovation (2011 survey: over 70%).
    #[strum(message = "innovation")]
    Innovation,
    /// Radical service redesign (2011 survey: over 70%).
    #[strum(message = "service redesign")]
    ServiceRedesign,
    /// Resilience of small teams and hard-to-recruit specialisms (LGA shared services case
    /// studies).
    #[strum(message = "resilience")]
    Resilience,
    /// Capacity and skills that one body cannot hold alone (LGA shared services case studies).
    #[strum(message = "capacity and skills")]
    Capacity,
}

/// A barrier to sharing, in the 2011 survey's order, biggest first.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum Barrier {
    /// Fear of job losses: the biggest barrier in the 2011 survey.
    #[strum(message = "fear of job losses")]
    JobLosses,
    /// Silo mentality: second in the 2011 survey.
    #[strum(message = "silo mentality")]
    SiloMentality,
    /// Difficulty managing change: third in the 2011 survey.
    #[strum(message = "difficulty managing change")]
    ManagingChange,
    /// Fear of losing autonomy: fourth in the 2011 survey; partnerships where one partner feared
    /// a takeover by a larger one are among those that broke up.
    #[strum(message = "fear of losing autonomy")]
    LossOfAutonomy,
    /// Fear of losing organisational identity: fifth in the 2011 survey.
    #[strum(message = "fear of losing identity")]
    LossOfIdentity,
    /// Time taken to set up the partnership: sixth in the 2011 survey.
    #[strum(message = "time taken to set up")]
    TimeToSetUp,
}

/// A service that can be shared. Local-government entries follow the categories of the LGA
/// shared services map (626 partnerships, £1.34bn saved, 2019); blue-light and health entries
/// follow the collaboration duty of the Policing and Crime Act 2017 and NHS collaboration.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum Service {
    /// Council tax, business rates and benefits administration; among the most shared services on
    /// the LGA map.
    #[strum(message = "revenues and benefits")]
    RevenuesAndBenefits,
    /// Legal services; among the most shared services on the LGA map.
    #[strum(message = "legal")]
    Legal,
    /// Building control; among the most shared services on the LGA map.
    #[strum(message = "building control")]
    BuildingControl,
    /// A shared chief executive or management team; among the most shared arrangements on the
    /// LGA map.
    #[strum(message = "management team")]
    ManagementTeam,
    /// Procurement; among the most shared services on the LGA map.
    #[strum(message = "procurement")]
    Procurement,
    /// ICT and digital services (LGA map category).
    #[strum(message = "ICT")]
    Ict,
    /// Human resources and payroll (LGA map category).
    #[strum(message = "HR and payroll")]
    HrAndPayroll,
    /// Finance and accountancy (LGA map category).
    #[strum(message = "finance")]
    Finance,
    /// Internal audit (LGA map category).
    #[strum(message = "audit")]
    Audit,
    /// Counter-fraud (LGA map category).
    #[strum(message = "counter fraud")]
    CounterFraud,
    /// Waste collection and street cleansing (LGA map category).
    #[strum(message = "waste")]
    Waste,
    /// Planning policy and development management (LGA map category).
    #[strum(message = "planning")]
    Planning,
    /// Environmental health (LGA map category).
    #[strum(message = "environmental health")]
    EnvironmentalHealth,
    /// Customer services and contact centres (LGA map category).
    #[strum(message = "customer services")]
    CustomerServices,
    /// Trading standards (LGA map category).
    #[strum(message = "trading standards")]
    TradingStandards,
    /// Licensing (LGA map category).
    #[strum(message = "licensing")]
    Licensing,
    /// Emergency planning and civil contingencies (LGA map category).
    #[strum(message = "emergency planning")]
    EmergencyPlanning,
    /// Economic development and regeneration (LGA map category).
    #[strum(message = "economic development")]
    EconomicDevelopment,
    /// Housing services (LGA map category).
    #[strum(message = "housing")]
    Housing,
    /// Leisure, culture and libraries (LGA map category).
    #[strum(message = "leisure and culture")]
    LeisureAndCulture,
    /// Parking and its enforcement (LGA map category).
    #[strum(message = "parking")]
    Parking,
    /// Communications and marketing (LGA map category).
    #[strum(message = "communications")]
    Communications,
    /// Democratic and electoral services (LGA map category).
    #[strum(message = "democratic services")]
    DemocraticServices,
    /// Highways and transport (LGA map category).
    #[strum(message = "highways and transport")]
    HighwaysAndTransport,
    /// Adult social care (LGA map category).
    #[strum(message = "adult social care")]
    AdultSocialCare,
    /// Children's services (LGA map category).
    #[strum(message = "children's services")]
    ChildrensServices,
    /// Public health (LGA map category).
    #[strum(message = "public health")]
    PublicHealth,
    /// Pensions administration (LGA map category).
    #[strum(message = "pensions")]
    Pensions,
    /// Land charges and land searches (LGA map category).
    #[strum(message = "land charges")]
    LandCharges,
    /// Grounds maintenance and parks (LGA map category).
    #[strum(message = "grounds maintenance")]
    GroundsMaintenance,
    /// A shared control room or call handling (blue-light collaboration, Policing and Crime Act
    /// 2017).
    #[strum(message = "control room")]
    ControlRoom,
    /// Estates and shared buildings, such as shared stations (blue-light collaboration; LGA One
    /// Public Estate).
    #[strum(message = "estates")]
    Estates,
    /// Fleet procurement and vehicle maintenance (blue-light collaboration).
    #[strum(message = "fleet")]
    Fleet,
    /// Training and learning (blue-light and NHS collaboration).
    #[strum(message = "training")]
    Training,
    /// Occupational health (blue-light and NHS collaboration).
    #[strum(message = "occupational health")]
    OccupationalHealth,
    /// Community safety (police, fire and council partnerships).
    #[strum(message = "community safety")]
    CommunitySafety,
    /// Safeguarding of children and adults (multi-agency safeguarding hubs).
    #[strum(message = "safeguarding")]
    Safeguarding,
    /// Pathology and diagnostics networks (NHS collaboration).
    #[strum(message = "pathology")]
    Pathology,
    /// Health and care integration between NHS bodies and councils (integrated care systems).
    #[strum(message = "health and care integration")]
    HealthAndCareIntegration,
}

/// The lead party of a body's political control, by the codes of the shipped data (Open Council
/// Data UK, as republished by electionmapsuk), plus the main Northern Ireland parties.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "UPPERCASE")]
pub enum Party {
    /// Labour.
    #[strum(message = "Labour")]
    Lab,
    /// Conservative.
    #[strum(message = "Conservative")]
    Con,
    /// Liberal Democrats.
    #[strum(message = "Liberal Democrats")]
    Ldm,
    /// Reform UK.
    #[strum(message = "Reform UK")]
    Rfm,
    /// Green.
    #[strum(message = "Green")]
    Grn,
    /// Scottish National Party.
    #[strum(message = "SNP")]
    Snp,
    /// Plaid Cymru.
    #[strum(message = "Plaid Cymru")]
    Plc,
    /// Independents.
    #[strum(message = "Independent")]
    Ind,
    /// Sinn Féin.
    #[strum(message = "Sinn Féin")]
    Sf,
    /// Democratic Unionist Party.
    #[strum(message = "DUP")]
    Dup,
    /// Ulster Unionist Party.
    #[strum(message = "UUP")]
    Uup,
    /// Social Democratic and Labour Party.
    #[strum(message = "SDLP")]
    Sdlp,
    /// Alliance Party of Northern Ireland.
    #[strum(message = "Alliance")]
    Apni,
    /// Aspire (Tower Hamlets).
    #[strum(message = "Aspire")]
    Asp,
    /// Any other party.
    #[strum(message = "other party")]
    Oth,
}

impl Party {
    /// Parses a party code: the shipped codes, case-insensitive.
    pub fn parse_code(text: &str) -> Result<Self, UnknownValue> {
        let wanted = text.trim().to_ascii_uppercase();
        Party::all().iter().copied().find(|p| p.name() == wanted).ok_or_else(|| {
            UnknownValue::new(Party::WHAT, text, Party::all().iter().map(|p| p.name()))
        })
    }
}

/// How a body is controlled politically.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum ControlType {
    /// One party holds a majority of seats.
    #[strum(message = "majority")]
    Majority,
    /// One party runs the body without a majority.
    #[strum(message = "minority")]
    Minority,
    /// Several parties run the body together; the lead party is the largest of them.
    #[strum(message = "coalition")]
    Coalition,
    /// A directly elected mayor leads; the lead party is the mayor's.
    #[strum(message = "mayoral")]
    Mayoral,
    /// No overall control and no lead party.
    #[strum(message = "no overall control")]
    Noc,
}

/// The payback period a body expects from sharing. 2011 survey: more than 5 years 57.2%, 3 to 5
/// years 19.5%.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
pub enum Payback {
    /// Within a year.
    #[strum(serialize = "under_1_year", message = "under 1 year")]
    UnderOneYear,
    /// One to three years.
    #[strum(serialize = "1_to_3_years", message = "1 to 3 years")]
    OneToThreeYears,
    /// Three to five years (2011 survey: 19.5%).
    #[strum(serialize = "3_to_5_years", message = "3 to 5 years")]
    ThreeToFiveYears,
    /// More than five years (2011 survey: 57.2%, the most common answer).
    #[strum(serialize = "over_5_years", message = "more than 5 years")]
    OverFiveYears,
}

/// A criterion of partner choice, in the default order of DESIGN.md (highest first). The order
/// and its evidence live in the survey file (`profiles/survey.toml`); this is only the vocabulary.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum Criterion {
    /// Shares a boundary, else decays with distance (Dixon & Elston 2020; LGA 2018: 98% of
    /// councils that share do so with a neighbour).
    #[strum(message = "proximity")]
    Proximity,
    /// What one side seeks, the other seeks too or offers: where the savings come from.
    #[strum(message = "service fit")]
    ServiceFit,
    /// Compatible sector and tier (Dixon & Elston 2020: organisational similarity).
    #[strum(message = "kind fit")]
    KindFit,
    /// Similar population or budget (Dixon & Elston 2020: similar size and resources).
    #[strum(message = "size fit")]
    SizeFit,
    /// An existing partnership, or partners in common (IDeA 2009; LGA/Localis 2011).
    #[strum(message = "trust")]
    Trust,
    /// Low combined barrier severity, barriers weighted by the 2011 survey's barrier order.
    #[strum(message = "barrier risk")]
    BarrierRisk,
    /// Similar ranking of reasons for sharing.
    #[strum(message = "shared priorities")]
    SharedPriorities,
    /// Same county, police force area or combined authority.
    #[strum(message = "shared geography")]
    SharedGeography,
    /// Compatible ICT systems.
    #[strum(message = "ICT fit")]
    IctFit,
    /// Same political control: the lowest priority in the 2011 survey.
    #[strum(message = "political alignment")]
    PoliticalAlignment,
}

impl Barrier {
    /// The number of barriers: the length of the enumeration.
    pub const COUNT: usize = <Barrier as VariantArray>::VARIANTS.len();
}

impl Reason {
    /// The number of reasons for sharing: the length of the enumeration.
    pub const COUNT: usize = <Reason as VariantArray>::VARIANTS.len();
}

impl Criterion {
    /// The number of criteria: the length of the enumeration, so that adding a variant is
    /// all it takes to widen every weight and value array.
    pub const COUNT: usize = <Criterion as VariantArray>::VARIANTS.len();

    /// The number of criteria in words ("ten"), for messages and help texts, so that none of
    /// them states the count by hand.
    pub const COUNT_WORD: &'static str = number_word(Self::COUNT);

    /// The criterion's position in `Criterion::all()`, for indexing weight arrays.
    pub const fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T: Enumeration + fmt::Debug>(text: &str, expected: Result<T, Option<&str>>) {
        match (T::parse_name(text), expected) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{text}"),
            (Err(err), Err(suggestion)) => {
                assert_eq!(err.suggestion.as_deref(), suggestion, "{text}");
            }
            (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn closest_breaks_ties_by_text_not_by_order() {
        assert_eq!(closest("E-0001", ["E-0003", "E-0002"]), Some("E-0002"));
        assert_eq!(closest("E-0001", ["E-0002", "E-0003"]), Some("E-0002"));
        assert_eq!(closest("E-0001", ["E-0011", "E-0002"]), Some("E-0002"));
    }

    #[test]
    fn parses_names_loosely_and_suggests_near_misses() {
        check("police", Ok(Sector::Police));
        check("Local Government", Ok(Sector::LocalGovernment));
        check("local-government", Ok(Sector::LocalGovernment));
        check::<Sector>("polic", Err(Some("police")));
        check::<Sector>("xyzzy", Err(None));
        check("fire_and_rescue_authority", Ok(Kind::FireAndRescueAuthority));
        check::<Kind>("distric", Err(Some("district")));
        check("revenues_and_benefits", Ok(Service::RevenuesAndBenefits));
        check::<Service>("legl", Err(Some("legal")));
        check("3_to_5_years", Ok(Payback::ThreeToFiveYears));
        check("job_losses", Ok(Barrier::JobLosses));
    }

    #[test]
    fn party_codes_are_upper_case_and_case_insensitive() {
        assert_eq!(Party::parse_code("ldm"), Ok(Party::Ldm));
        assert_eq!(Party::Ldm.name(), "LDM");
        assert!(Party::parse_code("XYZ").is_err());
    }

    #[test]
    fn every_kind_has_a_sector_and_every_value_has_evidence() {
        for kind in Kind::all() {
            assert!(Kind::of_sector(kind.sector()).any(|k| k == *kind));
        }
        fn all_documented<T: Enumeration + fmt::Debug>() {
            for v in T::all() {
                assert!(!v.evidence().is_empty(), "{v:?} has no evidence");
                assert!(!v.label().is_empty());
            }
        }
        all_documented::<Sector>();
        all_documented::<Kind>();
        all_documented::<Reason>();
        all_documented::<Barrier>();
        all_documented::<Service>();
        all_documented::<Party>();
        all_documented::<Criterion>();
        all_documented::<Payback>();
    }

    #[test]
    fn the_profile_docs_name_every_value_with_its_label() {
        let docs = include_str!("../../docs/profiles.md");
        fn listed<T: Enumeration + fmt::Debug>(docs: &str) {
            for v in T::all() {
                let row = format!("| `{}` |", v.name());
                let line = docs.lines().find(|l| l.starts_with(&row));
                let line = line.unwrap_or_else(|| panic!("docs/profiles.md lacks {row}"));
                assert!(line.contains(v.label()), "{line} lacks the label {}", v.label());
            }
        }
        listed::<Sector>(docs);
        listed::<Kind>(docs);
        listed::<Tier>(docs);
        listed::<Status>(docs);
        listed::<Reason>(docs);
        listed::<Barrier>(docs);
        listed::<Service>(docs);
        listed::<Party>(docs);
        listed::<ControlType>(docs);
        listed::<Payback>(docs);
        listed::<Criterion>(docs);
    }

    #[test]
    fn services_fit_in_a_64_bit_set() {
        assert!(Service::all().len() <= 64);
        assert_eq!(Criterion::all().len(), Criterion::COUNT);
        assert_eq!(Barrier::all().len(), 6);
    }
}
