//! Where the embedded dataset's facts come from, as data that reports can show: the sources
//! and licences of `profiles/ATTRIBUTION.md`, kept in step with it by a test. Constants only.

use serde::Serialize;

/// One source of the embedded dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DataSource {
    /// What the source gives.
    pub what: &'static str,
    /// Who publishes it, and which file.
    pub source: &'static str,
    /// Its licence.
    pub licence: &'static str,
}

/// The sources of the embedded UK dataset, in the order of `profiles/ATTRIBUTION.md`.
pub const EMBEDDED_SOURCES: &[DataSource] = &[
    DataSource {
        what: "council register: names, GSS codes, types, regions, centres, 2020 population, area",
        source: "mySociety, uk_local_authority_names_and_codes (commit 67ef8b1, 2025-07-10), \
                 built on ONS and Ordnance Survey data",
        licence: "CC BY 4.0 (mySociety); underlying ONS/OS data under the Open Government \
                  Licence v3",
    },
    DataSource {
        what: "rural/urban profile",
        source: "mySociety, uk_ruc (la_ruc.csv)",
        licence: "CC BY 4.0",
    },
    DataSource {
        what: "land neighbours",
        source: "Office for National Statistics, Local-Authority-Districts-2021-neighbours, \
                 remapped to the councils that exist after the 2023 reorganisations",
        licence: "Crown copyright; Open Government Licence v3",
    },
    DataSource {
        what: "political control as of 2026-10-08",
        source: "Open Council Data UK figures, as republished in electionmapsuk/custom-nowcast",
        licence: "CC BY-SA 4.0",
    },
    DataSource {
        what: "Police force areas, community safety partnerships, fire and rescue authorities, \
               integrated care boards, health boards, HSC trusts and combined authorities, with \
               their member councils",
        source: "ONS Open Geography Portal lookups, Public Health Scotland and NISRA, as \
                 repackaged by humaniverse/geographr (commit c026be5)",
        licence: "Open Government Licence v3",
    },
    DataSource {
        what: "NHS trusts, headquarters points and main catchment ICB",
        source: "NHS Digital ODS and OHID catchment data (2022) via geographr; headquarters \
                 geocoded through OpenStreetMap Nominatim",
        licence: "Open Government Licence v3; points © OpenStreetMap contributors (ODbL)",
    },
    DataSource {
        what: "Planning register systems",
        source: "sebvett/planning-applications (docs/coverage.md, commit 2be7a80)",
        licence: "MIT, © 2024 Tract UK Ltd, PricedOut Limited",
    },
    DataSource {
        what: "Shared waste services and shared websites",
        source: "mampfes/hacs_waste_collection_schedule (commit 82a9f36) and \
                 robbrad/UKBinCollectionData (commit e0eabd2)",
        licence: "MIT",
    },
    DataSource {
        what: "Shared-service arrangements",
        source: "data/uk/uk_partnerships_dev.csv, each arrangement with its public source URL",
        licence: "facts, each cited",
    },
];

/// The attribution statement the licences ask for, from `profiles/ATTRIBUTION.md`.
pub const EMBEDDED_ATTRIBUTION: &str = "Contains data from mySociety (CC BY 4.0); contains \
    public sector information licensed under the Open Government Licence v3.0 (ONS, Ordnance \
    Survey, NHS Digital, OHID, Public Health Scotland, NISRA); political control from Open \
    Council Data UK via electionmapsuk (CC BY-SA 4.0); NHS trust headquarters © OpenStreetMap \
    contributors (ODbL); planning systems and shared-service signals from MIT-licensed projects \
    (Tract UK Ltd and PricedOut Limited; mampfes; robbrad).";

/// What the embedded dataset leaves unknown, from `profiles/ATTRIBUTION.md`.
pub const EMBEDDED_GAPS: &str = "What the sources do not give is left unknown, never invented: \
    reasons for sharing, barriers, services sought and offered, and payback. Partnerships are \
    those the signals and the arrangements file show, not a complete register; ICT systems are \
    known only for councils' planning registers. Political control is missing for Surrey County \
    Council, its 11 districts and the two shadow Surrey unitaries; six island councils have no \
    land neighbours; population is a 2020 estimate, summed over member councils for police, \
    fire, health and combined-authority bodies, and unknown for NHS trusts.";

#[cfg(test)]
mod tests {
    use super::*;

    /// Squeezes whitespace so that wrapped Markdown compares with one-line constants.
    fn squeeze(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_sources_match_the_attribution_file() {
        let attribution =
            squeeze(include_str!("../../profiles/ATTRIBUTION.md")).to_ascii_lowercase();
        for source in EMBEDDED_SOURCES {
            for fragment in [source.what, source.licence] {
                let fragment = squeeze(fragment).to_ascii_lowercase();
                assert!(attribution.contains(&fragment), "ATTRIBUTION.md lacks {fragment:?}");
            }
        }
        for name in
            ["uk_local_authority_names_and_codes", "uk_ruc", "electionmapsuk/custom-nowcast"]
        {
            assert!(attribution.contains(name), "{name}");
        }
        assert!(attribution.contains(&squeeze(EMBEDDED_ATTRIBUTION).to_ascii_lowercase()));
    }
}
