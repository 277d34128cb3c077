//! Which bodies a command looks at: filters by sector, kind, region and nation, checked against
//! the dataset so that a misspelt region is an error with suggestions rather than an empty
//! result. No I/O.

use crate::dataset::Dataset;
use crate::model::{Enumeration, Kind, Organisation, Sector, closest};

/// A set of filters; an empty list means "any".
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Filter {
    /// Keep bodies of these sectors.
    pub sectors: Vec<Sector>,
    /// Keep bodies of these kinds.
    pub kinds: Vec<Kind>,
    /// Keep bodies in these regions (compared ignoring case).
    pub regions: Vec<String>,
    /// Keep bodies in these nations (compared ignoring case).
    pub nations: Vec<String>,
}

/// A filter value that no body in the dataset has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no body in the data has {what} \"{value}\"{}", suggestion.as_ref().map(|s| format!("; did you mean \"{s}\"?")).unwrap_or_default())]
pub struct FilterError {
    /// The filter ("region").
    pub what: &'static str,
    /// The value given.
    pub value: String,
    /// The closest value the data has.
    pub suggestion: Option<String>,
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl Filter {
    /// Whether a body passes every filter.
    pub fn matches(&self, o: &Organisation) -> bool {
        (self.sectors.is_empty() || self.sectors.contains(&o.sector))
            && (self.kinds.is_empty() || o.kind.is_some_and(|k| self.kinds.contains(&k)))
            && (self.regions.is_empty()
                || o.region.as_deref().is_some_and(|r| self.regions.iter().any(|f| same(f, r))))
            && (self.nations.is_empty()
                || o.nation.as_deref().is_some_and(|n| self.nations.iter().any(|f| same(f, n))))
    }

    /// Checks that every region and nation asked for exists in the data (sectors and kinds are
    /// checked when parsed). The error names the closest value the data has.
    pub fn check(&self, dataset: &Dataset) -> Result<(), FilterError> {
        let check =
            |what: &'static str, wanted: &[String], get: fn(&Organisation) -> Option<&str>| {
                // Nothing to check: skip sorting every body's value (a national dataset's).
                if wanted.is_empty() {
                    return Ok(());
                }
                let mut known: Vec<&str> = dataset.organisations().iter().filter_map(get).collect();
                known.sort_unstable();
                known.dedup();
                for value in wanted {
                    if !known.iter().any(|k| same(k, value)) {
                        return Err(FilterError {
                            what,
                            value: value.clone(),
                            suggestion: closest(value, known.iter().copied()).map(str::to_owned),
                        });
                    }
                }
                Ok(())
            };
        check("region", &self.regions, |o| o.region.as_deref())?;
        check("nation", &self.nations, |o| o.nation.as_deref())
    }

    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.sectors.is_empty()
            && self.kinds.is_empty()
            && self.regions.is_empty()
            && self.nations.is_empty()
    }

    /// A one-line description ("sector police; region South East"), for headers and manifests.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let join = |v: Vec<&str>| v.join(" or ");
        if !self.sectors.is_empty() {
            parts.push(format!("sector {}", join(self.sectors.iter().map(|s| s.name()).collect())));
        }
        if !self.kinds.is_empty() {
            parts.push(format!("kind {}", join(self.kinds.iter().map(|k| k.name()).collect())));
        }
        if !self.regions.is_empty() {
            parts.push(format!(
                "region {}",
                join(self.regions.iter().map(String::as_str).collect())
            ));
        }
        if !self.nations.is_empty() {
            parts.push(format!(
                "nation {}",
                join(self.nations.iter().map(String::as_str).collect())
            ));
        }
        parts.join("; ")
    }
}
