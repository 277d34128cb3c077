//! The validated dataset: every profile loaded, ids unique, every reference (parent, neighbours,
//! partners) pointing at a body that exists, no body its own partner, no parent cycles. Bodies
//! are kept sorted by id, so everything downstream is independent of file and row order.
//! Owns the cross-body checks; single-field checks belong to the readers (`profiles`, `import`).

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Diagnostics, Place};
use crate::model::{Organisation, OrganisationId, closest};
use crate::profiles::{Origin, Parsed, ParsedOrganisation};

/// A validated set of organisations, sorted by id.
#[derive(Debug, Clone)]
pub struct Dataset {
    organisations: Vec<Organisation>,
    by_id: HashMap<OrganisationId, usize>,
    description: String,
}

/// Suggestions for unknown references are computed for this many problems at most: each one
/// scans every id, and a broken dataset can have many.
const MAX_SUGGESTIONS: usize = 50;

impl Dataset {
    /// Checks a set of parsed profiles against each other and builds the dataset, or returns
    /// every problem found.
    pub fn from_parsed(
        parsed: Parsed,
        description: impl Into<String>,
    ) -> Result<Self, Diagnostics> {
        let Parsed { organisations: parsed, broken, mut diagnostics } = parsed;
        let mut first_seen: HashMap<&OrganisationId, &Place> = HashMap::with_capacity(parsed.len());
        // Profiles that could not be built still own their id: a second body with it is a
        // duplicate, and references to it are not unknown.
        for (id, at) in &broken {
            if let Some(first) = first_seen.get(id) {
                diagnostics.push(duplicate_id(at, id, first));
            } else {
                first_seen.insert(id, at);
            }
        }
        let mut duplicate = vec![false; parsed.len()];
        for (i, p) in parsed.iter().enumerate() {
            let id = &p.organisation.id;
            if let Some(first) = first_seen.get(id) {
                diagnostics.push(duplicate_id(&p.origin.id, id, first));
                duplicate[i] = true;
            } else {
                first_seen.insert(id, &p.origin.id);
            }
        }
        let ids: Vec<&str> = first_seen.keys().map(|id| id.as_str()).collect();
        let mut n_suggestions = 0usize;
        let mut unknown = |at: &Place, what: &str, id: &OrganisationId| {
            let mut d = at.diagnostic(format!("{what} \"{id}\" is not a known body"));
            n_suggestions += 1;
            let suggestion = if n_suggestions <= MAX_SUGGESTIONS {
                closest(id.as_str(), ids.iter().copied())
            } else {
                None
            };
            d = match suggestion {
                Some(s) => d.help(format!("did you mean \"{s}\"? otherwise add a profile for \"{id}\" or remove the reference")),
                None => d.help(format!("add a profile for \"{id}\", or remove the reference")),
            };
            d
        };
        for p in &parsed {
            let o = &p.organisation;
            let origin = &p.origin;
            if let (Some(parent), Some(at)) = (&o.parent, &origin.parent) {
                if *parent == o.id {
                    diagnostics.push(at.diagnostic("a body cannot be its own parent").help(
                        "give the id of the body whose area contains this one, or remove `parent`",
                    ));
                } else if !first_seen.contains_key(parent) {
                    diagnostics.push(unknown(at, "parent", parent));
                }
            }
            for (n, at) in o.neighbours.iter().zip(&origin.neighbours) {
                if *n == o.id {
                    diagnostics.push(
                        at.diagnostic("a body cannot be its own neighbour")
                            .help("remove the body's own id from `neighbours`"),
                    );
                } else if !first_seen.contains_key(n) {
                    diagnostics.push(unknown(at, "neighbour", n));
                }
            }
            let partners = o.partnerships.iter().flatten().zip(&origin.partners);
            for (partnership, at) in partners {
                if partnership.partner == o.id {
                    diagnostics.push(
                        at.diagnostic("a body cannot be its own partner")
                            .help("remove this partnership, or give the other body's id"),
                    );
                } else if !first_seen.contains_key(&partnership.partner) {
                    diagnostics.push(unknown(at, "partner", &partnership.partner));
                }
            }
        }
        check_parent_cycles(&parsed, &duplicate, &mut diagnostics);
        if !diagnostics.is_empty() {
            return diagnostics.into_result(Dataset::empty());
        }
        let mut organisations: Vec<Organisation> =
            parsed.into_iter().map(|p| p.organisation).collect();
        organisations.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Self::from_sorted(organisations, description.into()))
    }

    fn empty() -> Self {
        Self::from_sorted(Vec::new(), String::new())
    }

    fn from_sorted(organisations: Vec<Organisation>, description: String) -> Self {
        let by_id = organisations.iter().enumerate().map(|(i, o)| (o.id.clone(), i)).collect();
        Self { organisations, by_id, description }
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

    /// The position of an id in `organisations()`.
    pub fn index_of(&self, id: &OrganisationId) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The position of an id given as text.
    pub fn index_of_str(&self, id: &str) -> Option<usize> {
        OrganisationId::new(id).ok().and_then(|id| self.index_of(&id))
    }

    /// An organisation by id.
    pub fn get(&self, id: &OrganisationId) -> Option<&Organisation> {
        self.index_of(id).map(|i| &self.organisations[i])
    }
}

fn duplicate_id(at: &Place, id: &OrganisationId, first: &Place) -> Diagnostic {
    let first = match first.row {
        Some(row) => format!("{} (row {row})", first.location),
        None => first.location.to_string(),
    };
    at.diagnostic(format!("duplicate id \"{id}\": also defined at {first}"))
        .help("give each body a unique id, or remove the repeated profile")
}

/// Reports every body that is its own ancestor through `parent` links (A in B in A).
fn check_parent_cycles(
    parsed: &[ParsedOrganisation],
    duplicate: &[bool],
    diagnostics: &mut Diagnostics,
) {
    let index: HashMap<&OrganisationId, usize> = parsed
        .iter()
        .enumerate()
        .filter(|(i, _)| !duplicate[*i])
        .map(|(i, p)| (&p.organisation.id, i))
        .collect();
    // 0 = unvisited, 1 = on the current path, 2 = done. Each body is walked once: O(n).
    let mut state = vec![0u8; parsed.len()];
    for start in 0..parsed.len() {
        if duplicate[start] || state[start] != 0 {
            continue;
        }
        let mut path = Vec::new();
        let mut current = Some(start);
        while let Some(i) = current {
            match state[i] {
                0 => {
                    state[i] = 1;
                    path.push(i);
                    current =
                        parsed[i].organisation.parent.as_ref().and_then(|p| index.get(p).copied());
                }
                1 => {
                    let cycle_start = path.iter().position(|&j| j == i).unwrap_or(0);
                    let members: Vec<&str> = path[cycle_start..]
                        .iter()
                        .map(|&j| parsed[j].organisation.id.as_str())
                        .collect();
                    for &j in &path[cycle_start..] {
                        if parsed[j].organisation.parent.as_ref()
                            == Some(&parsed[j].organisation.id)
                        {
                            continue; // already reported as its own parent
                        }
                        let origin: &Origin = &parsed[j].origin;
                        let at = origin.parent.as_ref().unwrap_or(&origin.table);
                        diagnostics.push(
                            at.diagnostic(format!("parent links form a cycle: {} -> {}", members.join(" -> "), members[0]))
                                .help("a parent must be a larger area that contains the body; break the cycle"),
                        );
                    }
                    current = None;
                }
                _ => current = None,
            }
        }
        for i in path {
            state[i] = 2;
        }
    }
}

impl Dataset {
    /// Loads and checks the profiles at a path: a TOML file or a directory of them.
    pub fn load(path: &std::path::Path) -> Result<Self, Diagnostics> {
        Self::from_parsed(crate::profiles::load_toml_path(path), path.display().to_string())
    }
}
