//! The figures the synthetic generator imitates: regions (UK regions and nations, US states)
//! with their centres, spreads and populations; the approximate real number of bodies of each
//! kind and where they are; how each kind is placed; population distributions; service, party
//! and partnership mixes. Every figure is approximate and its source is given here and in
//! `docs/synthetic.md`. Owns data only: no randomness, no I/O.

use crate::model::{ControlType, Enumeration, Kind, Party, Service};

use super::Like;

/// A region (UK: an English region or a nation; US: a state) over which bodies are spread.
pub(super) struct Region {
    /// Name, written to the `region` column.
    pub name: &'static str,
    /// Nation, written to the `nation` column.
    pub nation: &'static str,
    /// Rough centre, degrees.
    pub lat: f64,
    /// Rough centre, degrees.
    pub lon: f64,
    /// Standard deviation of bodies about the centre, north–south, in km.
    pub sd_north_km: f64,
    /// Standard deviation of bodies about the centre, east–west, in km.
    pub sd_east_km: f64,
    /// Population in millions (a weight for kinds spread by population).
    pub population_m: f64,
}

/// How the bodies of a kind are placed.
#[derive(Clone, Copy)]
pub(super) enum Place {
    /// Around the region's centre, with `spread` times the region's standard deviation.
    Region { spread: f64 },
    /// Around an existing body of one of the `anchors` kinds (with relative weights) in the
    /// same region; falls back to `Region { spread: 0.8 }` when the region has none.
    Around {
        /// Kinds that can anchor the body, with relative weights.
        anchors: &'static [(Kind, f64)],
        /// Weight anchors further by the square root of their population.
        by_size: bool,
        /// Take anchors in turn (one body per anchor before any gets a second).
        in_turn: bool,
        /// The anchor becomes the body's `parent`.
        parent: bool,
        /// The body takes the anchor's police force area and combined authority.
        inherit: bool,
        /// Standard deviation about the anchor, as a share of the anchors' territory radius.
        spread: f64,
    },
}

/// A log-normal population: median, log-scale standard deviation, and the range kept.
#[derive(Clone, Copy)]
pub(super) struct Population {
    pub median: f64,
    pub sigma: f64,
    pub min: f64,
    pub max: f64,
}

const fn pop(median: f64, sigma: f64, min: f64, max: f64) -> Option<Population> {
    Some(Population { median, sigma, min, max })
}

/// One kind's share of the country: the approximate real count in each region.
pub(super) struct Plan {
    pub kind: Kind,
    /// Approximate real number of bodies, per region (same order as the regions).
    pub counts: Vec<f64>,
    pub place: Place,
    pub population: Option<Population>,
}

/// Everything the generator needs to imitate one country.
pub(super) struct Country {
    pub regions: Vec<Region>,
    /// Bounding box: latitude range.
    pub lat: (f64, f64),
    /// Bounding box: longitude range.
    pub lon: (f64, f64),
    /// Land area in km², for the neighbour search radius.
    pub area_km2: f64,
    /// Plans in generation order: anchors before the bodies placed around them.
    pub plans: Vec<Plan>,
    /// Groups of kinds whose bodies can share a land boundary with each other.
    pub layers: Vec<&'static [Kind]>,
}

/// `total` bodies spread over the regions in proportion to `weights`.
fn spread(total: f64, weights: &[f64]) -> Vec<f64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return vec![0.0; weights.len()];
    }
    weights.iter().map(|w| total * w / sum).collect()
}

fn add(a: Vec<f64>, b: Vec<f64>) -> Vec<f64> {
    a.iter().zip(&b).map(|(x, y)| x + y).collect()
}

/// The figures for a country.
pub(super) fn country(like: Like) -> Country {
    match like {
        Like::Uk => uk(),
        Like::Us => us(),
    }
}

// ---------------------------------------------------------------------------------------------
// United Kingdom

/// UK regions and nations. Centres and spreads are rough (judgement, to cover each region's
/// land); populations are ONS mid-2021 estimates rounded to 0.01 million (approximate).
const UK_REGIONS: [(&str, &str, f64, f64, f64, f64, f64); 12] = [
    ("North East", "England", 54.90, -1.75, 35.0, 30.0, 2.65),
    ("North West", "England", 53.85, -2.65, 55.0, 30.0, 7.42),
    ("Yorkshire and The Humber", "England", 53.95, -1.30, 40.0, 50.0, 5.48),
    ("East Midlands", "England", 52.85, -0.85, 45.0, 40.0, 4.88),
    ("West Midlands", "England", 52.45, -2.20, 40.0, 35.0, 5.95),
    ("East of England", "England", 52.25, 0.45, 45.0, 50.0, 6.34),
    ("London", "England", 51.50, -0.12, 11.0, 16.0, 8.80),
    ("South East", "England", 51.30, -0.75, 35.0, 65.0, 9.28),
    ("South West", "England", 50.85, -3.30, 40.0, 80.0, 5.70),
    ("Wales", "Wales", 52.30, -3.70, 60.0, 35.0, 3.11),
    ("Scotland", "Scotland", 56.60, -4.10, 110.0, 60.0, 5.44),
    ("Northern Ireland", "Northern Ireland", 54.60, -6.70, 30.0, 45.0, 1.90),
];

const ENGLAND: [f64; 12] = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0];

/// Principal councils by region: counted from the embedded dataset (`profiles/uk/bodies.toml`,
/// mySociety and ONS, current councils only).
const UK_COUNTY: [f64; 12] = [0., 1., 0., 4., 3., 5., 0., 6., 2., 0., 0., 0.];
const UK_DISTRICT: [f64; 12] = [0., 12., 0., 29., 19., 39., 0., 51., 14., 0., 0., 0.];
const UK_UNITARY: [f64; 12] = [7., 8., 6., 6., 4., 6., 0., 13., 13., 0., 0., 0.];
const UK_METROPOLITAN: [f64; 12] = [5., 15., 9., 0., 7., 0., 0., 0., 0., 0., 0., 0.];

/// Upper-tier and single-tier principal councils (and the weight each has as an anchor).
const UK_PRINCIPAL_ANCHORS: &[(Kind, f64)] = &[
    (Kind::County, 1.0),
    (Kind::Unitary, 1.0),
    (Kind::MetropolitanDistrict, 1.0),
    (Kind::LondonBorough, 1.0),
    (Kind::ScottishCouncil, 1.0),
    (Kind::WelshPrincipalArea, 1.0),
    (Kind::NorthernIrelandDistrict, 1.0),
];

/// Councils that parishes lie in, weighted towards rural districts (judgement: parishes are
/// mostly rural; London has one).
const UK_PARISH_PARENTS: &[(Kind, f64)] = &[
    (Kind::District, 1.0),
    (Kind::Unitary, 1.0),
    (Kind::MetropolitanDistrict, 0.3),
    (Kind::LondonBorough, 0.003),
];

const AROUND_FORCE: Place = Place::Around {
    anchors: &[(Kind::PoliceForce, 1.0)],
    by_size: false,
    in_turn: false,
    parent: false,
    inherit: true,
    spread: 0.6,
};

fn force_in_turn(inherit: bool, spread: f64) -> Place {
    Place::Around {
        anchors: &[(Kind::PoliceForce, 1.0)],
        by_size: false,
        in_turn: true,
        parent: false,
        inherit,
        spread,
    }
}

fn only(region: usize, count: f64) -> Vec<f64> {
    let mut v = vec![0.0; 12];
    v[region] = count;
    v
}

fn uk() -> Country {
    let regions = UK_REGIONS
        .iter()
        .map(|&(name, nation, lat, lon, sd_north_km, sd_east_km, population_m)| Region {
            name,
            nation,
            lat,
            lon,
            sd_north_km,
            sd_east_km,
            population_m,
        })
        .collect::<Vec<_>>();
    let england_population: Vec<f64> =
        regions.iter().zip(ENGLAND).map(|(r, e)| r.population_m * e).collect();
    let outside_london: Vec<f64> = regions
        .iter()
        .enumerate()
        .map(|(i, r)| if i == 6 { 0.0 } else { r.population_m })
        .collect();
    // Parish weight per region: the councils parishes can lie in, weighted as above.
    let parish_weights: Vec<f64> = (0..12)
        .map(|r| {
            UK_DISTRICT[r]
                + UK_UNITARY[r]
                + 0.3 * UK_METROPOLITAN[r]
                + if r == 6 { 0.1 } else { 0.0 }
        })
        .collect();
    let principal = |kind| Plan {
        kind,
        counts: match kind {
            Kind::County => UK_COUNTY.to_vec(),
            Kind::Unitary => UK_UNITARY.to_vec(),
            Kind::MetropolitanDistrict => UK_METROPOLITAN.to_vec(),
            Kind::LondonBorough => only(6, 32.0),
            Kind::CityOfLondon => only(6, 1.0),
            Kind::ScottishCouncil => only(10, 32.0),
            Kind::WelshPrincipalArea => only(9, 22.0),
            _ => only(11, 11.0),
        },
        place: AROUND_FORCE,
        // Median and log-sd of each kind's population in the embedded dataset (ONS 2020).
        population: match kind {
            Kind::County => pop(810_716.0, 0.31, 300_000.0, 2_000_000.0),
            Kind::Unitary => pop(222_881.0, 0.77, 2_000.0, 700_000.0),
            Kind::MetropolitanDistrict => pop(282_246.0, 0.43, 100_000.0, 1_200_000.0),
            Kind::LondonBorough => pop(280_228.0, 0.23, 150_000.0, 400_000.0),
            Kind::CityOfLondon => pop(10_938.0, 0.1, 5_000.0, 20_000.0),
            Kind::ScottishCouncil => pop(118_675.0, 0.78, 20_000.0, 650_000.0),
            Kind::WelshPrincipalArea => pop(134_158.0, 0.44, 50_000.0, 400_000.0),
            _ => pop(148_953.0, 0.27, 100_000.0, 350_000.0),
        },
    };
    let police_pop = pop(1_200_000.0, 0.6, 40_000.0, 9_000_000.0);
    let plans = vec![
        // 43 territorial forces in England and Wales, Police Scotland, PSNI (Home Office).
        Plan {
            kind: Kind::PoliceForce,
            counts: vec![3., 5., 4., 5., 4., 6., 2., 5., 5., 4., 1., 1.],
            place: Place::Region { spread: 0.8 },
            population: police_pop,
        },
        // Combined authorities and combined county authorities, about 12 (MHCLG, 2025).
        Plan {
            kind: Kind::CombinedAuthority,
            counts: vec![1., 3., 3., 1., 1., 1., 0., 0., 2., 0., 0., 0.],
            place: force_in_turn(false, 0.2),
            population: pop(1_500_000.0, 0.5, 300_000.0, 3_000_000.0),
        },
        principal(Kind::County),
        principal(Kind::Unitary),
        principal(Kind::MetropolitanDistrict),
        principal(Kind::LondonBorough),
        principal(Kind::CityOfLondon),
        principal(Kind::ScottishCouncil),
        principal(Kind::WelshPrincipalArea),
        principal(Kind::NorthernIrelandDistrict),
        Plan {
            kind: Kind::District,
            counts: UK_DISTRICT.to_vec(),
            place: Place::Around {
                anchors: &[(Kind::County, 1.0)],
                by_size: true,
                in_turn: false,
                parent: true,
                inherit: true,
                spread: 0.6,
            },
            population: pop(113_859.0, 0.27, 40_000.0, 260_000.0),
        },
        // About 10,000 parish and town councils in England (NALC).
        Plan {
            kind: Kind::ParishCouncil,
            counts: spread(10_000.0, &parish_weights),
            place: Place::Around {
                anchors: UK_PARISH_PARENTS,
                by_size: true,
                in_turn: false,
                parent: true,
                inherit: true,
                spread: 0.6,
            },
            population: pop(1_000.0, 1.4, 50.0, 130_000.0),
        },
        // About 730 community and town councils in Wales (One Voice Wales).
        Plan {
            kind: Kind::ParishCouncil,
            counts: only(9, 730.0),
            place: Place::Around {
                anchors: &[(Kind::WelshPrincipalArea, 1.0)],
                by_size: true,
                in_turn: false,
                parent: true,
                inherit: true,
                spread: 0.6,
            },
            population: pop(1_500.0, 1.2, 50.0, 60_000.0),
        },
        // Police and crime commissioners (and PFCCs) where no mayor holds the role: about 37.
        Plan {
            kind: Kind::PoliceAndCrimeCommissioner,
            counts: vec![3., 4., 1., 5., 4., 6., 0., 5., 5., 4., 0., 0.],
            place: force_in_turn(true, 0.05),
            population: police_pop,
        },
        // 44 fire and rescue authorities in England, 3 in Wales, SFRS, NIFRS.
        Plan {
            kind: Kind::FireAndRescueAuthority,
            counts: vec![4., 5., 4., 5., 5., 6., 1., 8., 6., 3., 1., 1.],
            place: force_in_turn(true, 0.15),
            population: pop(1_100_000.0, 0.6, 2_000.0, 8_800_000.0),
        },
        // 42 integrated care boards in England (NHS England, 2022).
        Plan {
            kind: Kind::IntegratedCareBoard,
            counts: spread(42.0, &england_population),
            place: force_in_turn(false, 0.5),
            population: pop(1_200_000.0, 0.5, 400_000.0, 3_200_000.0),
        },
        // 14 territorial health boards in Scotland, 7 local health boards in Wales.
        Plan {
            kind: Kind::HealthBoard,
            counts: add(only(10, 14.0), only(9, 7.0)),
            place: Place::Region { spread: 0.8 },
            population: pop(300_000.0, 0.9, 20_000.0, 1_200_000.0),
        },
        // About 200 NHS trusts in England besides ambulance trusts (NHS Providers), 2 in Wales
        // besides the ambulance trust, 5 health and social care trusts in Northern Ireland.
        Plan {
            kind: Kind::NhsTrust,
            counts: add(spread(200.0, &england_population), add(only(9, 2.0), only(11, 5.0))),
            place: Place::Around {
                anchors: &[(Kind::IntegratedCareBoard, 1.0), (Kind::HealthBoard, 1.0)],
                by_size: false,
                in_turn: false,
                parent: true,
                inherit: false,
                spread: 0.5,
            },
            population: pop(450_000.0, 0.5, 50_000.0, 2_000_000.0),
        },
        // 10 ambulance trusts in England, one service each in Wales, Scotland and NI.
        Plan {
            kind: Kind::AmbulanceTrust,
            counts: add(
                spread(10.0, &england_population),
                add(only(9, 1.0), add(only(10, 1.0), only(11, 1.0))),
            ),
            place: Place::Region { spread: 0.3 },
            population: pop(4_500_000.0, 0.5, 1_800_000.0, 8_900_000.0),
        },
        // About 24 ministerial and 20 non-ministerial departments (GOV.UK), the Scottish and
        // Welsh Governments, and the 9 Northern Ireland departments.
        Plan {
            kind: Kind::Department,
            counts: add(only(6, 44.0), add(only(9, 1.0), add(only(10, 1.0), only(11, 9.0)))),
            place: Place::Region { spread: 0.02 },
            population: None,
        },
        // About 400 agencies and other public bodies (GOV.UK), 40% in London (judgement).
        Plan {
            kind: Kind::Agency,
            counts: add(only(6, 160.0), spread(240.0, &outside_london)),
            place: Place::Around {
                anchors: UK_PRINCIPAL_ANCHORS,
                by_size: true,
                in_turn: false,
                parent: false,
                inherit: false,
                spread: 0.1,
            },
            population: None,
        },
        // 15 national park authorities (10 England, 3 Wales, 2 Scotland).
        Plan {
            kind: Kind::OtherBody,
            counts: vec![1., 1., 2., 1., 0., 1., 0., 2., 2., 3., 2., 0.],
            place: Place::Region { spread: 0.6 },
            population: None,
        },
    ];
    const UPPER: &[Kind] = &[
        Kind::County,
        Kind::Unitary,
        Kind::MetropolitanDistrict,
        Kind::LondonBorough,
        Kind::CityOfLondon,
        Kind::ScottishCouncil,
        Kind::WelshPrincipalArea,
        Kind::NorthernIrelandDistrict,
    ];
    const LOWER: &[Kind] = &[
        Kind::District,
        Kind::Unitary,
        Kind::MetropolitanDistrict,
        Kind::LondonBorough,
        Kind::CityOfLondon,
        Kind::ScottishCouncil,
        Kind::WelshPrincipalArea,
        Kind::NorthernIrelandDistrict,
    ];
    Country {
        regions,
        lat: (50.0, 58.6),
        lon: (-7.5, 1.8),
        area_km2: 242_500.0,
        plans,
        layers: vec![
            UPPER,
            LOWER,
            &[Kind::ParishCouncil],
            &[Kind::PoliceForce],
            &[Kind::FireAndRescueAuthority],
            &[Kind::IntegratedCareBoard, Kind::HealthBoard],
        ],
    }
}

// ---------------------------------------------------------------------------------------------
// United States (contiguous 48 states)

/// State, centre (degrees, approximate), total area (thousand km², approximate), 2020 Census
/// population (millions, rounded), counties with a county government (the number of counties,
/// with Connecticut and Rhode Island at 0 and Massachusetts at 5 because most of their counties
/// have no government), township governments (Census of Governments 2017, approximate; only
/// the 20 states that have them), and whether the state has independent school districts
/// (Maryland, North Carolina and Virginia run schools as parts of other governments).
#[allow(clippy::type_complexity)]
const US_STATES: [(&str, f64, f64, f64, f64, f64, f64, bool); 48] = [
    ("Alabama", 32.8, -86.8, 135.8, 5.02, 67., 0., true),
    ("Arizona", 34.3, -111.7, 295.2, 7.15, 15., 0., true),
    ("Arkansas", 34.9, -92.4, 137.7, 3.01, 75., 0., true),
    ("California", 37.2, -119.5, 423.9, 39.54, 58., 0., true),
    ("Colorado", 39.0, -105.5, 269.6, 5.77, 64., 0., true),
    ("Connecticut", 41.6, -72.7, 14.4, 3.61, 0., 149., true),
    ("Delaware", 39.0, -75.5, 6.4, 0.99, 3., 0., true),
    ("Florida", 28.6, -82.4, 170.3, 21.54, 67., 0., true),
    ("Georgia", 32.7, -83.4, 153.9, 10.71, 159., 0., true),
    ("Idaho", 44.4, -114.6, 216.4, 1.84, 44., 0., true),
    ("Illinois", 40.0, -89.2, 150.0, 12.81, 102., 1429., true),
    ("Indiana", 39.9, -86.3, 94.3, 6.79, 92., 1004., true),
    ("Iowa", 42.1, -93.5, 145.7, 3.19, 99., 0., true),
    ("Kansas", 38.5, -98.4, 213.1, 2.94, 105., 1268., true),
    ("Kentucky", 37.5, -85.3, 104.7, 4.51, 120., 0., true),
    ("Louisiana", 31.1, -92.0, 135.7, 4.66, 64., 0., true),
    ("Maine", 45.4, -69.2, 91.6, 1.36, 16., 466., true),
    ("Maryland", 39.0, -76.8, 32.1, 6.18, 23., 0., false),
    ("Massachusetts", 42.3, -71.8, 27.3, 7.03, 5., 298., true),
    ("Michigan", 44.3, -85.4, 250.5, 10.08, 83., 1240., true),
    ("Minnesota", 46.3, -94.3, 225.2, 5.71, 87., 1779., true),
    ("Mississippi", 32.7, -89.7, 125.4, 2.96, 82., 0., true),
    ("Missouri", 38.4, -92.5, 180.5, 6.15, 114., 312., true),
    ("Montana", 47.0, -109.6, 381.0, 1.08, 56., 0., true),
    ("Nebraska", 41.5, -99.8, 200.3, 1.96, 93., 417., true),
    ("Nevada", 39.3, -116.6, 286.4, 3.10, 16., 0., true),
    ("New Hampshire", 43.7, -71.6, 24.2, 1.38, 10., 221., true),
    ("New Jersey", 40.2, -74.7, 22.6, 9.29, 21., 242., true),
    ("New Mexico", 34.4, -106.1, 314.9, 2.12, 33., 0., true),
    ("New York", 42.9, -75.5, 141.3, 20.20, 57., 929., true),
    ("North Carolina", 35.6, -79.4, 139.4, 10.44, 100., 0., false),
    ("North Dakota", 47.5, -100.5, 183.1, 0.78, 53., 1310., true),
    ("Ohio", 40.3, -82.8, 116.1, 11.80, 88., 1308., true),
    ("Oklahoma", 35.6, -97.5, 181.0, 3.96, 77., 0., true),
    ("Oregon", 43.9, -120.6, 254.8, 4.24, 36., 0., true),
    ("Pennsylvania", 40.9, -77.8, 119.3, 13.00, 67., 1546., true),
    ("Rhode Island", 41.7, -71.5, 4.0, 1.10, 0., 31., true),
    ("South Carolina", 33.9, -80.9, 82.9, 5.12, 46., 0., true),
    ("South Dakota", 44.4, -100.2, 199.7, 0.89, 66., 906., true),
    ("Tennessee", 35.9, -86.4, 109.2, 6.91, 95., 0., true),
    ("Texas", 31.5, -99.3, 695.7, 29.15, 254., 0., true),
    ("Utah", 39.3, -111.7, 219.9, 3.27, 29., 0., true),
    ("Vermont", 44.1, -72.7, 24.9, 0.64, 14., 237., true),
    ("Virginia", 37.5, -78.9, 110.8, 8.63, 95., 0., false),
    ("Washington", 47.4, -120.5, 184.7, 7.71, 39., 0., true),
    ("West Virginia", 38.6, -80.6, 62.8, 1.79, 55., 0., true),
    ("Wisconsin", 44.6, -89.9, 169.6, 5.89, 72., 1251., true),
    ("Wyoming", 43.0, -107.5, 253.3, 0.58, 23., 0., true),
];

/// Census of Governments 2022 (US Census Bureau): local governments by type.
pub(super) const US_COUNTIES: f64 = 3_031.0;
/// See `US_COUNTIES`.
pub(super) const US_MUNICIPALITIES: f64 = 19_491.0;
/// See `US_COUNTIES`.
pub(super) const US_TOWNSHIPS: f64 = 16_214.0;
/// See `US_COUNTIES`.
pub(super) const US_SPECIAL_DISTRICTS: f64 = 39_555.0;
/// See `US_COUNTIES`.
pub(super) const US_SCHOOL_DISTRICTS: f64 = 12_546.0;

fn us() -> Country {
    let regions: Vec<Region> = US_STATES
        .iter()
        .map(|&(name, lat, lon, area, population_m, ..)| {
            // The standard deviation of a uniform square of the state's area (side / √12).
            let sd = (area * 1_000.0).sqrt() / 12f64.sqrt();
            Region {
                name,
                nation: "United States",
                lat,
                lon,
                sd_north_km: sd,
                sd_east_km: sd,
                population_m,
            }
        })
        .collect();
    let total_population: f64 = regions.iter().map(|r| r.population_m).sum();
    let total_counties: f64 = US_STATES.iter().map(|s| s.5).sum();
    // Other governments by state: half by population, half by counties (judgement: the
    // Census of Governments counts by state are not encoded here).
    let blend: Vec<f64> = US_STATES
        .iter()
        .map(|s| 0.5 * s.4 / total_population + 0.5 * s.5 / total_counties)
        .collect();
    let schools: Vec<f64> =
        US_STATES.iter().zip(&blend).map(|(s, b)| if s.7 { *b } else { 0.0 }).collect();
    let counties: Vec<f64> = US_STATES.iter().map(|s| s.5).collect();
    let townships: Vec<f64> = US_STATES.iter().map(|s| s.6).collect();
    const IN_COUNTY: Place = Place::Around {
        anchors: &[(Kind::UsCounty, 1.0)],
        by_size: true,
        in_turn: false,
        parent: true,
        inherit: false,
        spread: 0.6,
    };
    let plans = vec![
        Plan {
            kind: Kind::UsCounty,
            counts: spread(US_COUNTIES, &counties),
            place: Place::Region { spread: 0.9 },
            population: pop(26_000.0, 1.25, 100.0, 10_000_000.0),
        },
        Plan {
            kind: Kind::Municipality,
            counts: spread(US_MUNICIPALITIES, &blend),
            place: IN_COUNTY,
            population: pop(1_200.0, 1.7, 10.0, 8_800_000.0),
        },
        Plan {
            kind: Kind::Township,
            counts: spread(US_TOWNSHIPS, &townships),
            place: IN_COUNTY,
            population: pop(1_000.0, 1.2, 10.0, 300_000.0),
        },
        Plan {
            kind: Kind::SpecialDistrict,
            counts: spread(US_SPECIAL_DISTRICTS, &blend),
            place: IN_COUNTY,
            population: pop(5_000.0, 1.6, 10.0, 5_000_000.0),
        },
        Plan {
            kind: Kind::SchoolDistrict,
            counts: spread(US_SCHOOL_DISTRICTS, &schools),
            place: IN_COUNTY,
            population: pop(8_000.0, 1.3, 100.0, 8_800_000.0),
        },
    ];
    Country {
        regions,
        lat: (25.0, 49.0),
        lon: (-124.5, -67.0),
        area_km2: 8_080_000.0,
        plans,
        layers: vec![
            &[Kind::UsCounty],
            &[Kind::Municipality, Kind::Township],
            &[Kind::SchoolDistrict],
        ],
    }
}

// ---------------------------------------------------------------------------------------------
// Traits shared by both countries

/// 2011 survey: share of respondents that saw no benefit in sharing.
pub(super) const NO_BENEFIT: f64 = 0.051;

/// Share of bodies whose reasons, barriers and payback are unknown, as for bodies that did not
/// answer a survey (judgement).
pub(super) const UNSURVEYED: f64 = 0.10;

/// Reasons for sharing: the share of all respondents giving each (2011 survey: cost 94.2%;
/// innovation, redesign and quality "over 70%", taken as 72%; resilience and capacity are not
/// in the survey: judgement), and a Plackett–Luce weight for their order (judgement, following
/// the survey's order).
pub(super) const REASONS: [(f64, f64); 6] = [
    (0.942, 12.0), // cost_reduction
    (0.72, 3.0),   // service_quality
    (0.72, 2.5),   // innovation
    (0.72, 2.0),   // service_redesign
    (0.50, 1.2),   // resilience
    (0.45, 1.0),   // capacity
];

/// Barriers in the survey's order, biggest first: the logit-scale centre of each one's
/// severity. The survey gives the order only; the centres (medians 0.65 down to 0.37) are a
/// judgement that keeps the order on average.
pub(super) const BARRIER_CENTRES: [f64; 6] = [0.62, 0.32, 0.08, -0.12, -0.32, -0.53];

/// Chance that a surveyed body lists each barrier (judgement).
pub(super) const BARRIER_LISTED: f64 = 0.9;

/// Payback horizon in `Payback::all()` order: under 1 year, 1–3, 3–5, over 5. 2011 survey:
/// over 5 years 57.2%, 3 to 5 years 19.5%; the remaining 23.3% is split 5.0% / 18.3%
/// (judgement).
pub(super) const PAYBACK: [f64; 4] = [0.050, 0.183, 0.195, 0.572];

/// Chance that a body starts a partnership with one of its neighbours (judgement, sparse;
/// principal councils highest, after the LGA map's 626 partnerships among about 380
/// councils).
pub(super) fn partnership_chance(kind: Kind) -> f64 {
    use Kind::*;
    match kind {
        County
        | District
        | Unitary
        | MetropolitanDistrict
        | LondonBorough
        | CityOfLondon
        | ScottishCouncil
        | WelshPrincipalArea
        | NorthernIrelandDistrict => 0.5,
        PoliceForce | FireAndRescueAuthority => 0.2,
        IntegratedCareBoard | HealthBoard => 0.1,
        UsCounty => 0.15,
        Municipality | SchoolDistrict => 0.04,
        Township => 0.03,
        ParishCouncil => 0.02,
        _ => 0.0,
    }
}

/// Chance that the police force and the fire and rescue authority of one police force area
/// share services (judgement, after the Policing and Crime Act 2017 duty to collaborate).
pub(super) const BLUE_LIGHT_PARTNERSHIP: f64 = 0.4;

/// How likely each service is to be sought or offered by a body of a kind: relative weights
/// over `Service::all()`. The LGA map's most shared services (revenues and benefits, legal,
/// management team, building control, procurement) carry the most weight for councils;
/// functions a kind does not have carry none (judgement from the LGA categories and the
/// tiers' duties).
pub(super) fn service_weights(kind: Kind) -> Vec<f64> {
    use Kind::*;
    use Service::*;
    let mut w = vec![0.0; Service::all().len()];
    let mut set = |pairs: &[(Service, f64)]| {
        for (s, v) in pairs {
            w[*s as usize] = *v;
        }
    };
    const LGA_TOP: [Service; 5] =
        [RevenuesAndBenefits, Legal, ManagementTeam, BuildingControl, Procurement];
    let all_lga: Vec<(Service, f64)> = Service::all().iter().map(|s| (*s, 1.5)).collect();
    let council: Vec<(Service, f64)> = all_lga
        .into_iter()
        .chain(LGA_TOP.map(|s| (s, 5.0)))
        .chain([
            (ControlRoom, 0.2),
            (Fleet, 0.5),
            (Training, 0.5),
            (OccupationalHealth, 0.5),
            (Estates, 1.0),
            (Pathology, 0.0),
            (HealthAndCareIntegration, 0.3),
        ])
        .collect();
    match kind {
        County => {
            set(&council);
            set(&[
                (RevenuesAndBenefits, 0.0),
                (BuildingControl, 0.0),
                (Housing, 0.0),
                (Planning, 0.5),
                (AdultSocialCare, 3.0),
                (ChildrensServices, 3.0),
                (HighwaysAndTransport, 2.0),
                (PublicHealth, 2.0),
                (HealthAndCareIntegration, 1.5),
            ]);
        }
        District => {
            set(&council);
            set(&[
                (AdultSocialCare, 0.0),
                (ChildrensServices, 0.0),
                (HighwaysAndTransport, 0.0),
                (PublicHealth, 0.0),
                (TradingStandards, 0.0),
                (HealthAndCareIntegration, 0.0),
                (Waste, 3.0),
            ]);
        }
        Unitary
        | MetropolitanDistrict
        | LondonBorough
        | CityOfLondon
        | ScottishCouncil
        | WelshPrincipalArea
        | NorthernIrelandDistrict
        | UsCounty
        | Municipality
        | Township => {
            set(&council);
        }
        CombinedAuthority => set(&[
            (EconomicDevelopment, 4.0),
            (HighwaysAndTransport, 4.0),
            (Housing, 2.0),
            (Procurement, 1.0),
            (Ict, 1.0),
            (Legal, 1.0),
            (Finance, 1.0),
        ]),
        ParishCouncil => set(&[
            (GroundsMaintenance, 4.0),
            (LeisureAndCulture, 3.0),
            (DemocraticServices, 2.0),
            (Finance, 2.0),
            (Audit, 2.0),
            (Communications, 1.0),
            (Planning, 1.0),
            (Procurement, 1.0),
            (HrAndPayroll, 1.0),
            (Legal, 1.0),
            (Ict, 1.0),
            (CustomerServices, 0.5),
        ]),
        PoliceForce | PoliceAndCrimeCommissioner | FireAndRescueAuthority => {
            set(&[
                (ControlRoom, 4.0),
                (Estates, 3.0),
                (Fleet, 3.0),
                (Training, 3.0),
                (Procurement, 3.0),
                (Ict, 2.0),
                (HrAndPayroll, 2.0),
                (OccupationalHealth, 2.0),
                (CommunitySafety, 2.0),
                (Legal, 1.5),
                (Finance, 1.5),
                (Safeguarding, 1.5),
                (Audit, 1.0),
                (Communications, 1.0),
                (CounterFraud, 0.5),
            ]);
            if kind == FireAndRescueAuthority {
                set(&[(EmergencyPlanning, 2.0), (Safeguarding, 0.5)]);
            }
        }
        NhsTrust | AmbulanceTrust | IntegratedCareBoard | HealthBoard => {
            set(&[
                (Pathology, 4.0),
                (HealthAndCareIntegration, 4.0),
                (Procurement, 3.0),
                (Estates, 2.0),
                (Ict, 2.0),
                (HrAndPayroll, 2.0),
                (Training, 2.0),
                (OccupationalHealth, 2.0),
                (Finance, 1.5),
                (Safeguarding, 1.5),
                (Legal, 1.0),
                (Audit, 1.0),
                (CounterFraud, 1.0),
            ]);
            if kind == AmbulanceTrust {
                set(&[(Pathology, 0.0), (ControlRoom, 3.0), (Fleet, 3.0)]);
            }
            if matches!(kind, IntegratedCareBoard | HealthBoard) {
                set(&[(Pathology, 1.0), (PublicHealth, 2.0), (AdultSocialCare, 1.0)]);
            }
        }
        Department | Agency => set(&[
            (Ict, 3.0),
            (HrAndPayroll, 3.0),
            (Finance, 3.0),
            (Procurement, 3.0),
            (Legal, 2.0),
            (Estates, 2.0),
            (Audit, 1.0),
            (CounterFraud, 1.0),
            (Communications, 1.0),
            (Training, 1.0),
        ]),
        SpecialDistrict => set(&[
            (Procurement, 2.0),
            (Finance, 2.0),
            (Ict, 2.0),
            (HrAndPayroll, 1.0),
            (Legal, 1.0),
            (Estates, 1.0),
            (Fleet, 1.0),
            (Audit, 1.0),
            (EmergencyPlanning, 1.0),
            (Waste, 1.0),
        ]),
        SchoolDistrict => set(&[
            (Procurement, 3.0),
            (Ict, 3.0),
            (HrAndPayroll, 2.0),
            (Finance, 2.0),
            (Training, 2.0),
            (HighwaysAndTransport, 1.0),
            (Estates, 1.0),
            (Legal, 1.0),
            (Audit, 1.0),
            (OccupationalHealth, 1.0),
            (Safeguarding, 1.0),
            (Fleet, 1.0),
        ]),
        OtherBody => set(&[
            (Planning, 3.0),
            (Estates, 2.0),
            (Ict, 1.0),
            (Finance, 1.0),
            (HrAndPayroll, 1.0),
            (Legal, 1.0),
            (Procurement, 1.0),
            (Communications, 1.0),
        ]),
    }
    w
}

/// Lead-party weights and control-type weights.
pub(super) type Mix = (&'static [(Party, f64)], &'static [(ControlType, f64)]);

/// A clearly synthetic political mix for UK councils, by nation: lead-party weights and
/// control-type weights. Not a forecast or a record of any real council (judgement, loosely
/// after the parties present in each nation).
pub(super) fn party_mix(nation: &str, kind: Kind) -> Mix {
    use ControlType::*;
    use Party::*;
    if kind == Kind::CombinedAuthority {
        return (&[(Lab, 0.7), (Con, 0.1), (Rfm, 0.1), (Ind, 0.1)], &[(Mayoral, 1.0)]);
    }
    match nation {
        "Scotland" => (
            &[(Snp, 0.40), (Lab, 0.25), (Ind, 0.15), (Con, 0.10), (Ldm, 0.10)],
            &[(Noc, 0.5), (Minority, 0.3), (Coalition, 0.1), (Majority, 0.1)],
        ),
        "Wales" => (
            &[(Lab, 0.45), (Plc, 0.20), (Ind, 0.20), (Con, 0.05), (Ldm, 0.05), (Rfm, 0.05)],
            &[(Majority, 0.5), (Noc, 0.25), (Minority, 0.15), (Coalition, 0.1)],
        ),
        "Northern Ireland" => (
            &[(Sf, 0.35), (Dup, 0.30), (Apni, 0.15), (Uup, 0.10), (Sdlp, 0.10)],
            &[(Noc, 0.8), (Coalition, 0.2)],
        ),
        _ => (
            &[
                (Lab, 0.30),
                (Con, 0.22),
                (Ldm, 0.14),
                (Rfm, 0.14),
                (Ind, 0.09),
                (Grn, 0.06),
                (Oth, 0.05),
            ],
            &[(Majority, 0.5), (Noc, 0.3), (Minority, 0.1), (Coalition, 0.07), (Mayoral, 0.03)],
        ),
    }
}

/// Whether a kind's bodies get a political control (UK principal councils and combined
/// authorities; US local governments are largely non-partisan and parish councils mostly
/// independent, so they are left unknown).
pub(super) fn has_political_control(kind: Kind) -> bool {
    use Kind::*;
    matches!(
        kind,
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
    )
}

/// The name stem of a kind's synthetic bodies: "Synthetic {stem} {n}".
pub(super) fn name_stem(kind: Kind) -> &'static str {
    use Kind::*;
    match kind {
        County => "County Council",
        District => "District Council",
        Unitary => "Unitary Council",
        MetropolitanDistrict => "Metropolitan Borough Council",
        LondonBorough => "London Borough",
        CityOfLondon => "City Corporation",
        ScottishCouncil => "Scottish Council",
        WelshPrincipalArea => "Welsh County Council",
        NorthernIrelandDistrict => "NI District Council",
        CombinedAuthority => "Combined Authority",
        ParishCouncil => "Parish Council",
        UsCounty => "County",
        Municipality => "Municipality",
        Township => "Township",
        SpecialDistrict => "Special District",
        SchoolDistrict => "School District",
        PoliceForce => "Police Force",
        PoliceAndCrimeCommissioner => "Police and Crime Commissioner",
        FireAndRescueAuthority => "Fire and Rescue Authority",
        NhsTrust => "NHS Trust",
        AmbulanceTrust => "Ambulance Trust",
        IntegratedCareBoard => "Integrated Care Board",
        HealthBoard => "Health Board",
        Department => "Department",
        Agency => "Agency",
        OtherBody => "National Park Authority",
    }
}
