//! Which bodies a command looks at: filters by sector, kind, region, nation and area. A
//! `Filter` is built by `request::Request::validate`, which checks it against the dataset (a
//! misspelt region or an unknown area is an error with suggestions rather than an empty
//! result). No I/O.

use std::sync::Arc;

use crate::model::{Enumeration, Kind, Organisation, Sector};

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
    /// Keep bodies inside the areas of these bodies (ids): the districts of a county, the
    /// councils of a police force or combined authority.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub within_areas: Vec<String>,
    /// Which bodies (by dataset index) lie inside one of `within_areas`, worked out by
    /// `Request::validate` from the data's `parent` and `within` relations; `None` for no area
    /// filter. Valid only for the dataset it was validated against (or a copy in the same
    /// order).
    #[serde(skip)]
    pub inside: Option<Arc<[bool]>>,
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl Filter {
    /// Whether body `i` of the dataset, `o`, passes every filter.
    pub fn matches(&self, i: usize, o: &Organisation) -> bool {
        (self.sectors.is_empty() || self.sectors.contains(&o.sector))
            && (self.kinds.is_empty() || o.kind.is_some_and(|k| self.kinds.contains(&k)))
            && (self.regions.is_empty()
                || o.region.as_deref().is_some_and(|r| self.regions.iter().any(|f| same(f, r))))
            && (self.nations.is_empty()
                || o.nation.as_deref().is_some_and(|n| self.nations.iter().any(|f| same(f, n))))
            && self.inside.as_ref().is_none_or(|inside| inside.get(i).copied().unwrap_or(false))
    }

    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.sectors.is_empty()
            && self.kinds.is_empty()
            && self.regions.is_empty()
            && self.nations.is_empty()
            && self.within_areas.is_empty()
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
        if !self.within_areas.is_empty() {
            parts.push(format!(
                "within area {}",
                join(self.within_areas.iter().map(String::as_str).collect())
            ));
        }
        parts.join("; ")
    }
}
