//! The default dataset, compiled into the binary: every UK principal council, built from
//! `data/uk/` by `partnermatch import` (see `profiles/ATTRIBUTION.md` for sources and licences).

use std::path::Path;

use super::Dataset;
use crate::diagnostic::Diagnostics;

/// The embedded profiles' path in the repository, used in messages.
pub const EMBEDDED_PROFILES_PATH: &str = "profiles/uk/councils.toml";

/// The embedded profiles, as TOML.
pub const EMBEDDED_PROFILES: &str = include_str!("../../profiles/uk/councils.toml");

/// How the embedded dataset is described in messages and manifests.
pub const EMBEDDED_DESCRIPTION: &str = "the embedded UK councils (profiles/uk/councils.toml)";

impl Dataset {
    /// The embedded default dataset: every UK principal council. A unit test proves it is
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
        let dataset = Dataset::embedded().unwrap();
        assert_eq!(dataset.len(), 384);
        let adur = dataset.find("Adur").unwrap();
        assert_eq!(dataset.organisations()[adur].id.as_str(), "E07000223");
        // Nothing the sources lack is invented.
        assert!(dataset.organisations().iter().all(|o| o.reasons.is_none()
            && o.barriers.is_none()
            && o.services_sought.is_none()
            && o.partnerships.is_none()
            && o.ict.is_none()));
    }
}
