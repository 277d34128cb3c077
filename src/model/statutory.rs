//! What each kind of public body delivers by statute: the services of the catalogue that a body
//! of that kind runs because the law gives it the function. This is the "delivers" fact of a
//! profile (distinct from "offers to share", which only a body can state). The table is the
//! documented rule behind it; `docs/scoring.md` ("What each kind of body delivers") prints it
//! with the same sources. Owns no I/O.
//!
//! Sources, by group of services:
//! - Every public body runs its own corporate functions: a chief finance officer and accounts
//!   (Local Government Act 1972 s.151; Police Reform and Social Responsibility Act 2011 sch.2;
//!   NHS Act 2006 sch.7), internal audit (Accounts and Audit Regulations 2015 reg.5), legal
//!   advice and a monitoring officer or equivalent (Local Government and Housing Act 1989 s.5),
//!   staff and payroll, procurement (Public Contracts Regulations 2015), ICT, counter-fraud,
//!   communications, estates, training and occupational health as employers, and a management
//!   team.
//! - Lower-tier functions (district councils; also every single-tier council): council tax
//!   collection and housing benefit administration (Local Government Finance Act 1992 s.1;
//!   Social Security Administration Act 1992 s.134), development management as the local
//!   planning authority (Town and Country Planning Act 1990 s.1), building control (Building Act
//!   1984 s.91), waste collection (Environmental Protection Act 1990 s.45), housing and
//!   homelessness (Housing Act 1996 pt.7), environmental health (Food Safety Act 1990; Public
//!   Health Act 1936), licensing (Licensing Act 2003 s.3), land charges (Local Land Charges Act
//!   1975 s.3).
//! - Upper-tier functions (county councils; also every single-tier council): adult social care
//!   (Care Act 2014), children's services and education (Children Act 1989 and 2004; Education
//!   Act 1996), highways and transport (Highways Act 1980 s.1), libraries (Public Libraries and
//!   Museums Act 1964 s.7), trading standards (Weights and Measures Act 1985 s.69), public health
//!   (Health and Social Care Act 2012 s.12), pensions administration (Local Government Pension
//!   Scheme Regulations 2013, administering authorities), safeguarding (Care Act 2014 s.42).
//! - Every principal council: customer services, democratic and electoral services
//!   (Representation of the People Act 1983 s.8), emergency planning (Civil Contingencies Act
//!   2004 sch.1, category 1 responders), community safety (Crime and Disorder Act 1998 s.5).
//! - Northern Ireland district councils have fewer functions (Local Government Act (NI) 2014;
//!   planning since 2015): no rates collection (Land and Property Services), housing (Northern
//!   Ireland Housing Executive), social care (HSC trusts), education or roads.
//! - Combined authorities: transport and economic development (Local Democracy, Economic
//!   Development and Construction Act 2009 pt.6).
//! - Police forces (Police Act 1996; Civil Contingencies Act 2004): control rooms, fleet,
//!   community safety, safeguarding, emergency planning. Fire and rescue authorities (Fire and
//!   Rescue Services Act 2004 ss.6-9): control rooms, fleet, community fire safety, emergency
//!   planning. Ambulance trusts: control rooms, fleet, emergency planning, safeguarding.
//! - Integrated care boards (Health and Care Act 2022): health and care integration and
//!   safeguarding (a statutory safeguarding partner). Health boards (Scotland, Wales) and HSC
//!   trusts run hospitals and community health: pathology, health and care integration,
//!   safeguarding, emergency planning, public health. NHS trusts: pathology, safeguarding,
//!   emergency planning.
//! - Central government departments and agencies: their corporate functions only. Other kinds
//!   (parish councils, United States governments, commissioners, other bodies) have no entry:
//!   what they deliver stays unknown.

use super::{Kind, Service, ServiceSet};

/// The corporate functions every public body runs for itself.
const CORPORATE: &[Service] = &[
    Service::ManagementTeam,
    Service::Finance,
    Service::Audit,
    Service::Legal,
    Service::HrAndPayroll,
    Service::Procurement,
    Service::Ict,
    Service::CounterFraud,
    Service::Communications,
    Service::Estates,
    Service::Training,
    Service::OccupationalHealth,
];

/// What every principal council delivers besides its tier's functions.
const COUNCIL: &[Service] = &[
    Service::CustomerServices,
    Service::DemocraticServices,
    Service::EmergencyPlanning,
    Service::CommunitySafety,
];

/// The lower tier's functions (district councils).
const LOWER_TIER: &[Service] = &[
    Service::RevenuesAndBenefits,
    Service::Planning,
    Service::BuildingControl,
    Service::Waste,
    Service::Housing,
    Service::EnvironmentalHealth,
    Service::Licensing,
    Service::LandCharges,
];

/// The upper tier's functions (county councils).
const UPPER_TIER: &[Service] = &[
    Service::AdultSocialCare,
    Service::ChildrensServices,
    Service::HighwaysAndTransport,
    Service::LeisureAndCulture,
    Service::TradingStandards,
    Service::PublicHealth,
    Service::Pensions,
    Service::Safeguarding,
];

/// A Northern Ireland district council's functions.
const NI_DISTRICT: &[Service] = &[
    Service::Planning,
    Service::BuildingControl,
    Service::Waste,
    Service::EnvironmentalHealth,
    Service::Licensing,
    Service::LeisureAndCulture,
    Service::EconomicDevelopment,
];

/// A combined authority's functions.
const COMBINED_AUTHORITY: &[Service] =
    &[Service::HighwaysAndTransport, Service::EconomicDevelopment];

/// A police force's operational functions.
const POLICE: &[Service] = &[
    Service::ControlRoom,
    Service::Fleet,
    Service::CommunitySafety,
    Service::Safeguarding,
    Service::EmergencyPlanning,
];

/// A fire and rescue authority's operational functions.
const FIRE: &[Service] =
    &[Service::ControlRoom, Service::Fleet, Service::CommunitySafety, Service::EmergencyPlanning];

/// An ambulance trust's operational functions.
const AMBULANCE: &[Service] =
    &[Service::ControlRoom, Service::Fleet, Service::EmergencyPlanning, Service::Safeguarding];

/// An integrated care board's functions.
const ICB: &[Service] = &[Service::HealthAndCareIntegration, Service::Safeguarding];

/// A health board's (or HSC trust's) functions.
const HEALTH_BOARD: &[Service] = &[
    Service::Pathology,
    Service::HealthAndCareIntegration,
    Service::Safeguarding,
    Service::EmergencyPlanning,
    Service::PublicHealth,
];

/// An NHS trust's functions.
const NHS_TRUST: &[Service] =
    &[Service::Pathology, Service::Safeguarding, Service::EmergencyPlanning];

fn set(groups: &[&[Service]]) -> ServiceSet {
    groups.iter().flat_map(|g| g.iter().copied()).collect()
}

impl Kind {
    /// The services a body of this kind delivers by statute (see the module's sources); empty
    /// for kinds the table does not cover, whose services stay unknown.
    pub fn delivers(self) -> ServiceSet {
        use Kind::*;
        match self {
            District => set(&[CORPORATE, COUNCIL, LOWER_TIER]),
            County => set(&[CORPORATE, COUNCIL, UPPER_TIER]),
            Unitary | MetropolitanDistrict | LondonBorough | CityOfLondon | ScottishCouncil
            | WelshPrincipalArea => set(&[CORPORATE, COUNCIL, LOWER_TIER, UPPER_TIER]),
            NorthernIrelandDistrict => set(&[CORPORATE, COUNCIL, NI_DISTRICT]),
            CombinedAuthority => set(&[CORPORATE, COMBINED_AUTHORITY]),
            PoliceForce => set(&[CORPORATE, POLICE]),
            FireAndRescueAuthority => set(&[CORPORATE, FIRE]),
            AmbulanceTrust => set(&[CORPORATE, AMBULANCE]),
            IntegratedCareBoard => set(&[CORPORATE, ICB]),
            HealthBoard => set(&[CORPORATE, HEALTH_BOARD]),
            NhsTrust => set(&[CORPORATE, NHS_TRUST]),
            Department | Agency => set(&[CORPORATE]),
            ParishCouncil
            | UsCounty
            | Municipality
            | Township
            | SpecialDistrict
            | SchoolDistrict
            | PoliceAndCrimeCommissioner
            | OtherBody => ServiceSet::EMPTY,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(kind: Kind, service: Service, expected: bool) {
        assert_eq!(kind.delivers().contains(service), expected, "{kind:?} {service:?}");
    }

    #[test]
    fn tiers_deliver_their_functions() {
        check(Kind::District, Service::RevenuesAndBenefits, true);
        check(Kind::County, Service::RevenuesAndBenefits, false);
        check(Kind::PoliceForce, Service::RevenuesAndBenefits, false);
        check(Kind::IntegratedCareBoard, Service::RevenuesAndBenefits, false);
        check(Kind::Unitary, Service::RevenuesAndBenefits, true);
        check(Kind::Unitary, Service::AdultSocialCare, true);
        check(Kind::District, Service::AdultSocialCare, false);
        check(Kind::NorthernIrelandDistrict, Service::RevenuesAndBenefits, false);
        check(Kind::NorthernIrelandDistrict, Service::Planning, true);
        check(Kind::FireAndRescueAuthority, Service::ControlRoom, true);
        check(Kind::PoliceForce, Service::Legal, true);
        check(Kind::NhsTrust, Service::Pathology, true);
    }

    #[test]
    fn kinds_outside_the_table_are_unknown() {
        for kind in [Kind::ParishCouncil, Kind::UsCounty, Kind::OtherBody] {
            assert!(kind.delivers().is_empty(), "{kind:?}");
        }
    }
}
