//! The cross-body checks: unique ids, known references, no self references, no parent cycles.
//! Each problem is a `Fault` naming the body and the reference at fault, so that callers can
//! either report it (validation) or drop the row or reference (`import --skip-invalid`).
//! O(n + references) time with hash lookups; suggestions are capped.

use std::collections::HashMap;

use rayon::prelude::*;

/// The hasher of the id maps: short keys, millions of look-ups (see `Cargo.toml`).
type FastHash = foldhash::fast::RandomState;

use crate::diagnostic::{Diagnostic, Place};
use crate::model::{OrganisationId, closest};
use crate::profiles::ParsedOrganisation;

/// Suggestions for unknown references are computed for this many problems at most: each one
/// scans every id, and a broken dataset can have many.
const MAX_SUGGESTIONS: usize = 50;

/// Which reference of a body is at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// `parent`.
    Parent,
    /// `neighbours[i]`.
    Neighbour(usize),
    /// `partnership[i]`.
    Partner(usize),
    /// `within[i]`.
    Within(usize),
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// The body's id was already used by an earlier body.
    DuplicateId,
    /// A reference names a body that does not exist.
    UnknownReference(Reference, OrganisationId),
    /// A reference names the body itself.
    SelfReference(Reference),
    /// The body's parent links lead back to itself.
    ParentCycle,
}

/// One problem of one body (by its index in the checked slice).
#[derive(Debug, Clone)]
pub struct Fault {
    /// Index of the body at fault.
    pub index: usize,
    /// What is wrong.
    pub kind: FaultKind,
    /// The located message.
    pub diagnostic: Diagnostic,
}

/// Checks bodies against each other. `broken` are the ids of bodies that could not be read:
/// they still own their id (a later body with it is a duplicate, references to it are not
/// unknown). Returns the faults of `parsed` bodies and problems among `broken` ids alone.
pub fn cross_check(
    parsed: &[ParsedOrganisation],
    broken: &[(OrganisationId, Place)],
) -> (Vec<Fault>, Vec<Diagnostic>) {
    let mut faults = Vec::new();
    let mut broken_problems = Vec::new();
    // The ids' text copied side by side: with one lookup per reference, comparing keys
    // scattered over the heap (inside each profile) was the cost of checking a national
    // dataset; here the keys' bytes sit together and stay in cache.
    let all_ids =
        || broken.iter().map(|(id, _)| id).chain(parsed.iter().map(|p| &p.organisation.id));
    let mut arena = String::with_capacity(all_ids().map(|id| id.as_str().len()).sum());
    for id in all_ids() {
        arena.push_str(id.as_str());
    }
    let mut keys = Vec::with_capacity(parsed.len() + broken.len());
    let mut start = 0;
    for id in all_ids() {
        keys.push(&arena[start..start + id.as_str().len()]);
        start += id.as_str().len();
    }
    let (broken_keys, parsed_keys) = keys.split_at(broken.len());
    let mut first_seen: HashMap<&str, &Place, FastHash> =
        HashMap::with_capacity_and_hasher(parsed.len() + broken.len(), FastHash::default());
    for ((id, at), key) in broken.iter().zip(broken_keys) {
        match first_seen.get(key) {
            Some(first) => broken_problems.push(duplicate_id(at, id, first)),
            None => {
                first_seen.insert(key, at);
            }
        }
    }
    let mut duplicate = vec![false; parsed.len()];
    for (index, (p, key)) in parsed.iter().zip(parsed_keys).enumerate() {
        let id = &p.organisation.id;
        match first_seen.get(key) {
            Some(first) => {
                faults.push(Fault {
                    index,
                    kind: FaultKind::DuplicateId,
                    diagnostic: duplicate_id(&p.origin.id, id, first),
                });
                duplicate[index] = true;
            }
            None => {
                first_seen.insert(key, &p.origin.id);
            }
        }
    }
    // Ids are looked up ignoring case (`Dataset::find`), so two that differ only in case
    // could not both be reached: the later one is refused, naming the first.
    let mut folded: HashMap<Folded<'_>, (&str, &Place), FastHash> =
        HashMap::with_capacity_and_hasher(parsed.len() + broken.len(), FastHash::default());
    for ((_, at), key) in broken.iter().zip(broken_keys) {
        folded.entry(Folded(key)).or_insert((key, at));
    }
    for (index, (p, key)) in parsed.iter().zip(parsed_keys).enumerate() {
        if duplicate[index] {
            continue;
        }
        match folded.get(&Folded(key)) {
            Some(&(other, first)) if other != *key => {
                faults.push(Fault {
                    index,
                    kind: FaultKind::DuplicateId,
                    diagnostic: case_duplicate_id(&p.origin.id, key, other, first),
                });
                duplicate[index] = true;
            }
            Some(_) => {}
            None => {
                folded.insert(Folded(key), (key, &p.origin.id));
            }
        }
    }
    let ids: Vec<&str> = first_seen.keys().copied().collect();
    let mut n_suggestions = 0usize;
    let mut unknown = |at: &Place, what: &str, id: &OrganisationId| {
        n_suggestions += 1;
        let suggestion = if n_suggestions <= MAX_SUGGESTIONS {
            closest(id.as_str(), ids.iter().copied())
        } else {
            None
        };
        let d = at.diagnostic(format!("{what} \"{id}\" is not a known body"));
        match suggestion {
            Some(s) => d.help(format!(
                "did you mean \"{s}\"? otherwise add a profile for \"{id}\" or remove the reference"
            )),
            None => d.help(format!("add a profile for \"{id}\", or remove the reference")),
        }
    };
    // The look-ups run in parallel and find the few bad references; their messages (and the
    // capped suggestions) are then built in body order, as a sequential pass would.
    let bad: Vec<BadReference<'_>> = parsed
        .par_iter()
        .enumerate()
        .flat_map_iter(|(index, p)| bad_references(index, p, &first_seen))
        .collect();
    for BadReference { index, reference, target, at, what, self_reference } in bad {
        if self_reference {
            let help = match reference {
                Reference::Parent => "give the id of the body whose area contains this one",
                Reference::Neighbour(_) => "remove the body's own id from its neighbours",
                Reference::Partner(_) => "remove this partnership, or give the other body's id",
                Reference::Within(_) => "remove the body's own id from `within`",
            };
            faults.push(Fault {
                index,
                kind: FaultKind::SelfReference(reference),
                diagnostic: at.diagnostic(format!("a body cannot be its own {what}")).help(help),
            });
        } else {
            faults.push(Fault {
                index,
                kind: FaultKind::UnknownReference(reference, target.clone()),
                diagnostic: unknown(at, what, target),
            });
        }
    }
    parent_cycles(parsed, &duplicate, &mut faults);
    (faults, broken_problems)
}

/// A reference found to be bad by the parallel look-ups, before its message is built.
struct BadReference<'a> {
    index: usize,
    reference: Reference,
    target: &'a OrganisationId,
    at: &'a Place,
    what: &'static str,
    self_reference: bool,
}

/// The references of one body that name itself or no known body.
fn bad_references<'a>(
    index: usize,
    p: &'a ParsedOrganisation,
    known: &HashMap<&str, &Place, FastHash>,
) -> Vec<BadReference<'a>> {
    let (o, origin) = (&p.organisation, &p.origin);
    let mut bad = Vec::new();
    let mut check =
        |reference: Reference, target: &'a OrganisationId, at: &'a Place, what: &'static str| {
            let self_reference = *target == o.id;
            if self_reference || !known.contains_key(target.as_str()) {
                bad.push(BadReference { index, reference, target, at, what, self_reference });
            }
        };
    if let (Some(parent), Some(at)) = (&o.parent, &origin.parent) {
        check(Reference::Parent, parent, at, "parent");
    }
    for (j, (n, at)) in o.neighbours.iter().zip(origin.neighbours.iter()).enumerate() {
        check(Reference::Neighbour(j), n, at, "neighbour");
    }
    let partners = o.partnerships.iter().flatten().zip(origin.partners.iter());
    for (j, (partnership, at)) in partners.enumerate() {
        check(Reference::Partner(j), &partnership.partner, at, "partner");
    }
    for (j, (area, at)) in o.within.iter().zip(origin.within.iter()).enumerate() {
        check(Reference::Within(j), area, at, "area");
    }
    bad
}

/// An id compared and hashed ignoring ASCII case (ids are ASCII).
#[derive(Clone, Copy)]
struct Folded<'a>(&'a str);

impl PartialEq for Folded<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Folded<'_> {}

impl std::hash::Hash for Folded<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
        state.write_u8(0xff);
    }
}

fn case_duplicate_id(at: &Place, id: &str, other: &str, first: &Place) -> Diagnostic {
    let first_at = match first.row {
        Some(row) => format!("{} (row {row})", first.location),
        None => first.location.to_string(),
    };
    at.diagnostic(format!(
        "id \"{id}\" differs only in case from \"{other}\", defined at {first_at}; ids are matched ignoring case, so one of them could not be found"
    ))
    .help("give each body an id that differs in more than case, or remove the repeated profile")
}

fn duplicate_id(at: &Place, id: &OrganisationId, first: &Place) -> Diagnostic {
    let first = match first.row {
        Some(row) => format!("{} (row {row})", first.location),
        None => first.location.to_string(),
    };
    at.diagnostic(format!("duplicate id \"{id}\": also defined at {first}"))
        .help("give each body a unique id, or remove the repeated profile")
}

/// Finds every body on a cycle of `parent` links (A in B in A). Each body is walked once:
/// O(n).
fn parent_cycles(parsed: &[ParsedOrganisation], duplicate: &[bool], faults: &mut Vec<Fault>) {
    let index: HashMap<&str, usize, FastHash> = parsed
        .iter()
        .enumerate()
        .filter(|(i, _)| !duplicate[*i])
        .map(|(i, p)| (p.organisation.id.as_str(), i))
        .collect();
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; parsed.len()];
    for start in 0..parsed.len() {
        if duplicate[start] || state[start] != 0 {
            continue;
        }
        let mut path = Vec::new();
        let mut current = Some(start);
        while let Some(i) = current {
            current = None;
            match state[i] {
                0 => {
                    state[i] = 1;
                    path.push(i);
                    current = parsed[i]
                        .organisation
                        .parent
                        .as_ref()
                        .and_then(|p| index.get(p.as_str()).copied());
                }
                1 => {
                    let cycle = &path[path.iter().position(|&j| j == i).unwrap_or(0)..];
                    let members: Vec<&str> =
                        cycle.iter().map(|&j| parsed[j].organisation.id.as_str()).collect();
                    if members.len() == 1 {
                        continue; // a body that is its own parent is reported as a self reference
                    }
                    for &j in cycle {
                        let origin = &parsed[j].origin;
                        let at = origin.parent.as_ref().unwrap_or(&origin.table);
                        let message = format!(
                            "parent links form a cycle: {} -> {}",
                            members.join(" -> "),
                            members[0]
                        );
                        faults.push(Fault {
                            index: j,
                            kind: FaultKind::ParentCycle,
                            diagnostic: at.diagnostic(message).help(
                                "a parent must be a larger area that contains the body; break the cycle",
                            ),
                        });
                    }
                }
                _ => {}
            }
        }
        for i in path {
            state[i] = 2;
        }
    }
}
