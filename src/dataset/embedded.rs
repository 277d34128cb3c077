//! The default dataset, compiled into the binary: every UK principal council and the police,
//! fire, health and combined-authority bodies around them, with the NHS trusts, built from
//! `data/uk/` by `partnermatch build-uk` (`import::uk`; see `profiles/ATTRIBUTION.md` for
//! sources and licences).

use std::path::Path;

use super::Dataset;
use crate::diagnostic::Diagnostics;

/// The embedded profiles' path in the repository, used in messages.
pub const EMBEDDED_PROFILES_PATH: &str = "profiles/uk/bodies.toml";

/// The embedded profiles, as TOML.
pub const EMBEDDED_PROFILES: &str = include_str!("../../profiles/uk/bodies.toml");

/// How the embedded dataset is described in messages and manifests.
pub const EMBEDDED_DESCRIPTION: &str = "the embedded UK public bodies (profiles/uk/bodies.toml)";

impl Dataset {
    /// The embedded default dataset: every UK principal council and the public bodies around
    /// them. A unit test proves it is
    /// valid, so the error case only arises if the binary was built from a broken tree.
    pub fn embedded() -> Result<Self, Diagnostics> {
        let path = Path::new("<embedded>").join(EMBEDDED_PROFILES_PATH);
        let parsed = crate::profiles::parse_profiles_bytes(&path, EMBEDDED_PROFILES.as_bytes());
        Self::from_parsed(parsed, EMBEDDED_DESCRIPTION)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_dataset_is_valid_and_complete() {
        use crate::model::Sector;
        let dataset = Dataset::embedded().unwrap();
        assert_eq!(dataset.len(), 384 + 172 + 212);
        let count = |s: Sector| dataset.organisations().iter().filter(|o| o.sector == s).count();
        assert_eq!(count(Sector::Police), 45);
        assert_eq!(count(Sector::Fire), 49);
        assert_eq!(count(Sector::Health), 42 + 7 + 14 + 5 + 212);
        let adur = dataset.find("Adur").unwrap();
        assert_eq!(dataset.organisations()[adur].id.as_str(), "E07000223");
        for (name, id) in [
            ("Thames Valley Police", "E23000029"),
            ("Devon and Somerset Fire and Rescue", "E31000011"),
            ("NHS Gloucestershire ICB", "E54000043"),
            ("Gloucestershire Hospitals", "RTE"),
            ("Westminster City Council", "E09000033"),
        ] {
            let i = dataset.find(name).unwrap();
            assert_eq!(dataset.organisations()[i].id.as_str(), id, "{name}");
        }
        // Nothing the sources lack is invented: no body states reasons, barriers or services.
        assert!(dataset.organisations().iter().all(|o| o.reasons.is_none()
            && o.barriers.is_none()
            && o.services_sought.is_none()
            && o.services_offered.is_none()));
    }
}
