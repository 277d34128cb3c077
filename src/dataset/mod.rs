//! The validated dataset: every profile loaded, ids unique, every reference (parent, neighbours,
//! partners) pointing at a body that exists, no body its own partner, no parent cycles. Bodies
//! are kept sorted by id, so everything downstream is independent of file and row order.
//! Owns the cross-body checks (`check`), loading from any source (`load`, the embedded default)
//! and finding a body by id or name (`find`). Single-field checks belong to the readers.

mod check;
mod embedded;
mod find;
mod layer;
pub mod pack;
mod sources;

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostic::Diagnostics;
use crate::model::{Organisation, OrganisationId};
use crate::profiles::Parsed;

pub use check::{Fault, FaultKind, Reference, cross_check};
pub use embedded::{EMBEDDED_DESCRIPTION, EMBEDDED_PROFILES, EMBEDDED_PROFILES_PATH};
pub use find::FindError;
pub use layer::{Stated, apply_layers};
pub use sources::{DataSource, EMBEDDED_ATTRIBUTION, EMBEDDED_GAPS, EMBEDDED_SOURCES};

/// A validated set of organisations, sorted by id.
#[derive(Debug, Clone)]
pub struct Dataset {
    organisations: Vec<Organisation>,
    by_id: HashMap<OrganisationId, usize, foldhash::fast::RandomState>,
    description: String,
    /// Which profile layer stated which field of which body (empty without layers).
    stated: Stated,
}

impl Dataset {
    /// Checks a set of parsed profiles against each other and builds the dataset, or returns
    /// every problem found (the readers' and the cross-checks').
    pub fn from_parsed(
        parsed: Parsed,
        description: impl Into<String>,
    ) -> Result<Self, Diagnostics> {
        let Parsed { organisations, broken, mut diagnostics } = parsed;
        let (faults, broken_duplicates) = cross_check(&organisations, &broken);
        diagnostics.extend(broken_duplicates);
        for fault in faults {
            diagnostics.push(fault.diagnostic);
        }
        let organisations = organisations.into_iter().map(|p| p.organisation).collect();
        diagnostics.into_result(()).map(|()| Self::sorted(organisations, description))
    }

    /// Checks organisations built in memory (by the library API, a generator or a scenario's
    /// overrides) and builds the dataset; problems name the body and field, at `<memory>`.
    pub fn from_organisations(
        organisations: Vec<Organisation>,
        description: impl Into<String>,
    ) -> Result<Self, Diagnostics> {
        let file: std::sync::Arc<Path> = std::sync::Arc::from(Path::new("<memory>"));
        let place = |o: &Organisation, field: String| {
            crate::diagnostic::Place::new(
                crate::diagnostic::Location::file(file.clone()),
                format!("{}: {field}", o.id),
            )
        };
        let parsed = organisations
            .into_iter()
            .map(|o| {
                let origin = crate::profiles::Origin {
                    table: place(&o, String::new()),
                    id: place(&o, "id".to_owned()),
                    parent: o.parent.as_ref().map(|_| place(&o, "parent".to_owned())),
                    neighbours: crate::profiles::Places::each(
                        (0..o.neighbours.len())
                            .map(|i| place(&o, format!("neighbours[{i}]")))
                            .collect(),
                    ),
                    partners: crate::profiles::Places::each(
                        (0..o.partnerships.as_ref().map_or(0, Vec::len))
                            .map(|i| place(&o, format!("partnership[{i}].partner")))
                            .collect(),
                    ),
                    within: crate::profiles::Places::each(
                        (0..o.within.len()).map(|i| place(&o, format!("within[{i}]"))).collect(),
                    ),
                };
                crate::profiles::ParsedOrganisation { organisation: o, origin }
            })
            .collect();
        Self::from_parsed(Parsed { organisations: parsed, ..Parsed::default() }, description)
    }

    /// Builds a dataset from organisations already known to be consistent (sorted here).
    fn sorted(mut organisations: Vec<Organisation>, description: impl Into<String>) -> Self {
        // Ids are unique here, so an unstable sort gives the same order as a stable one, in
        // place: a stable sort would allocate scratch space for half the (large) profiles.
        organisations.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        // The vector may be the reader's, reused in place for the smaller profiles (the parsed
        // rows' places dropped): give the rest of it back, which on a national table is
        // hundreds of megabytes of memory already written to.
        organisations.shrink_to_fit();
        let by_id = organisations.iter().enumerate().map(|(i, o)| (o.id.clone(), i)).collect();
        Self { organisations, by_id, description: description.into(), stated: Stated::default() }
    }

    /// Writes the dataset as a prepared dataset (`pack`): see `pack` for the format.
    pub fn to_pack(&self) -> Vec<u8> {
        pack::to_bytes(self)
    }

    /// Every organisation, sorted by id.
    pub fn organisations(&self) -> &[Organisation] {
        &self.organisations
    }

    /// The number of organisations.
    pub fn len(&self) -> usize {
        self.organisations.len()
    }

    /// Whether the dataset holds no organisation.
    pub fn is_empty(&self) -> bool {
        self.organisations.is_empty()
    }

    /// Where the data came from, for messages and manifests.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Which profile layer stated which field of which body (`--profile`), as distinct from
    /// the data's own sources.
    pub fn stated(&self) -> &Stated {
        &self.stated
    }

    /// The same dataset with the provenance of stated fields carried over from another (a
    /// scenario's per-run copy of a layered dataset).
    pub fn with_stated(mut self, stated: Stated) -> Self {
        self.stated = stated;
        self
    }

    /// The position of an id in `organisations()`.
    pub fn index_of(&self, id: &OrganisationId) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// An organisation by id.
    pub fn get(&self, id: &OrganisationId) -> Option<&Organisation> {
        self.index_of(id).map(|i| &self.organisations[i])
    }
}

/// Whether a regular file starts with the pack signature (a pack given any name).
pub fn starts_like_a_pack(path: &Path) -> bool {
    use std::io::Read as _;
    let mut start = [0u8; 8];
    path.is_file()
        && std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut start)).is_ok()
        && pack::is_pack(&start)
}
