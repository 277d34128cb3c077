//! Finding a body by what a person types: its id, official name, short name or an alias, case
//! and spacing ignored. An unknown or ambiguous name is an error listing the closest bodies.

use super::Dataset;
use crate::model::Organisation;

/// How many close matches an unknown name lists.
const N_SUGGESTIONS: usize = 5;

/// A name that does not pick exactly one body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    /// Nothing matches; the closest bodies are listed as (id, name).
    #[error("no body matches \"{query}\"{}", list(" (closest: ", .closest))]
    Unknown {
        /// What was asked for.
        query: String,
        /// The closest bodies, best first, as (id, name).
        closest: Vec<(String, String)>,
    },
    /// Several bodies match; all are listed as (id, name).
    #[error("\"{query}\" matches {} bodies{}; give the id instead", .matches.len(), list(": ", .matches))]
    Ambiguous {
        /// What was asked for.
        query: String,
        /// Every matching body, as (id, name).
        matches: Vec<(String, String)>,
    },
}

fn list(prefix: &str, bodies: &[(String, String)]) -> String {
    if bodies.is_empty() {
        return String::new();
    }
    let items: Vec<String> = bodies.iter().map(|(id, name)| format!("{name} ({id})")).collect();
    let close = if prefix.contains('(') { ")" } else { "" };
    format!("{prefix}{}{close}", items.join(", "))
}

/// Lower-cases, turns `&` into `and`, and collapses everything but letters and digits to one
/// space: "Adur  District-Council" and "adur district council" compare equal.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.replace('&', " and ").split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Queries longer than this (in characters) are not compared fuzzily: no body's name is
/// nearly that long, and the comparison's cost grows with the square of the length (a 100 kB
/// name took 2.5 s to reject before this limit; found by the `cli_values` fuzz target's
/// slow inputs).
pub const MAX_FUZZY_CHARS: usize = 256;

/// Queries are echoed in errors up to this many characters, then elided.
const MAX_ECHO_CHARS: usize = 80;

/// A query as echoed in an error: whole when short, else its start and an ellipsis with the
/// length.
fn shorten(query: &str) -> String {
    let n = query.chars().count();
    if n <= MAX_ECHO_CHARS {
        query.to_owned()
    } else {
        let start: String = query.chars().take(MAX_ECHO_CHARS).collect();
        format!("{start}... ({n} characters)")
    }
}

/// Words that say what kind of council a body is rather than which: left out when names are
/// compared a second time (`Dataset::find`).
const COUNCIL_WORDS: &[&str] =
    &["council", "borough", "district", "city", "county", "royal", "london", "of", "the"];

/// A normalised name without `COUNCIL_WORDS`: "westminster city council" → "westminster".
fn council_core(normalised: &str) -> String {
    normalised
        .split(' ')
        .filter(|w| !w.is_empty() && !COUNCIL_WORDS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

fn names(o: &Organisation) -> impl Iterator<Item = &str> {
    std::iter::once(o.name.as_str())
        .chain(o.short_name.as_deref())
        .chain(o.aliases.iter().map(String::as_str))
}

impl Dataset {
    /// Finds one body by id (`E07000223`), official name, short name or alias, ignoring case,
    /// spacing and punctuation. Returns its index in `organisations()`.
    pub fn find(&self, query: &str) -> Result<usize, FindError> {
        let trimmed = query.trim();
        if let Some(i) =
            self.organisations.iter().position(|o| o.id.as_str().eq_ignore_ascii_case(trimmed))
        {
            return Ok(i);
        }
        let wanted = normalise(trimmed);
        let matches: Vec<usize> = self
            .organisations
            .iter()
            .enumerate()
            .filter(|(_, o)| !wanted.is_empty() && names(o).any(|n| normalise(n) == wanted))
            .map(|(i, _)| i)
            .collect();
        let describe = |i: &usize| {
            let o = &self.organisations[*i];
            (o.id.to_string(), o.name.clone())
        };
        // No name as typed: compare the names without the words that only say what kind of
        // council a body is ("Westminster City Council" is the "City of Westminster"), when
        // that picks exactly one body.
        let matches = if matches.is_empty() {
            let core = council_core(&wanted);
            if core.is_empty() {
                matches
            } else {
                let found: Vec<usize> = self
                    .organisations
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| names(o).any(|n| council_core(&normalise(n)) == core))
                    .map(|(i, _)| i)
                    .collect();
                if found.len() == 1 { found } else { matches }
            }
        } else {
            matches
        };
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => Err(FindError::Unknown {
                query: shorten(trimmed),
                closest: self.closest(&wanted).iter().map(describe).collect(),
            }),
            many => Err(FindError::Ambiguous {
                query: shorten(trimmed),
                matches: many.iter().map(describe).collect(),
            }),
        }
    }

    /// Bodies whose id or names contain what a person has typed so far (case, spacing and
    /// punctuation ignored), for typeahead: exact matches first, then names that start with
    /// it, then names with a word that starts with it, then any other match; ties by name,
    /// then id. At most `limit` indices into `organisations()`. O(n) over the bodies.
    pub fn search(&self, query: &str, limit: usize) -> Vec<usize> {
        let wanted = normalise(query);
        if wanted.is_empty() || limit == 0 {
            return Vec::new();
        }
        let word_start = format!(" {wanted}");
        let mut found: Vec<(u8, &str, usize)> = self
            .organisations
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                let rank = names(o)
                    .chain(std::iter::once(o.id.as_str()))
                    .filter_map(|n| {
                        let n = normalise(n);
                        if n == wanted {
                            Some(0)
                        } else if n.starts_with(&wanted) {
                            Some(1)
                        } else if n.contains(&word_start) {
                            Some(2)
                        } else if n.contains(&wanted) {
                            Some(3)
                        } else {
                            None
                        }
                    })
                    .min()?;
                Some((rank, o.name.as_str(), i))
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)).then(a.2.cmp(&b.2)));
        found.into_iter().take(limit).map(|(_, _, i)| i).collect()
    }

    /// The bodies whose names are most like `wanted` (normalised), best first.
    fn closest(&self, wanted: &str) -> Vec<usize> {
        // Fuzzy similarity costs the product of the two lengths; a query longer than any name
        // is only compared by containment.
        let fuzzy = wanted.chars().count() <= MAX_FUZZY_CHARS;
        let mut scored: Vec<(f64, usize)> = self
            .organisations
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let score = names(o)
                    .chain(std::iter::once(o.id.as_str()))
                    .map(|n| {
                        let n = normalise(n);
                        let mut s = if fuzzy { strsim::jaro_winkler(wanted, &n) } else { 0.0 };
                        if wanted.len() >= 3 && (n.contains(wanted) || wanted.contains(n.as_str()))
                        {
                            s = s.max(0.9);
                        }
                        s
                    })
                    .fold(0.0, f64::max);
                (score, i)
            })
            .filter(|(score, _)| *score >= 0.8)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(N_SUGGESTIONS).map(|(_, i)| i).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 100 kB name was compared fuzzily with every name (seconds) and echoed whole.
    #[test]
    fn a_huge_query_is_rejected_quickly_and_echoed_short() {
        let d = Dataset::embedded().unwrap();
        let huge = format!("Adur {}", "q".repeat(1_000_000));
        // Before the limit this took minutes (quadratic); now it is linear in the length.
        let err = d.find(&huge).unwrap_err().to_string();
        assert!(err.len() < 300, "{err}");
        assert!(err.contains("(1000005 characters)"), "{err}");
        // Containment still suggests: the query contains a body's name.
        let long = format!("Adur District Council {}", "x".repeat(300));
        assert!(d.find(&long).unwrap_err().to_string().contains("E07000223"));
    }

    #[test]
    fn names_normalise() {
        assert_eq!(normalise("  Adur  District-Council "), "adur district council");
        assert_eq!(normalise("Brighton & Hove"), "brighton and hove");
        assert_eq!(normalise("St. Helens"), "st helens");
    }

    #[test]
    fn search_puts_exact_and_prefix_matches_first() {
        let dataset = Dataset::embedded().unwrap();
        let names = |q: &str, n: usize| -> Vec<String> {
            dataset
                .search(q, n)
                .into_iter()
                .map(|i| dataset.organisations()[i].name.clone())
                .collect()
        };
        assert_eq!(names("adur", 5), ["Adur District Council"]);
        assert_eq!(names("E07000223", 5), ["Adur District Council"]);
        // Names (or short names) that start with the query come before names that only have a
        // word starting with it.
        let sussex = names("sussex", 40);
        let first_later = |x: &str| sussex.iter().position(|n| n == x).unwrap();
        assert!(first_later("Sussex police force") < first_later("East Sussex County Council"));
        for council in [
            "East Sussex County Council",
            "Mid Sussex District Council",
            "West Sussex County Council",
        ] {
            assert!(sussex.iter().any(|n| n == council), "{council} missing: {sussex:?}");
        }
        let north = names("north", 3);
        assert_eq!(north.len(), 3);
        // A short name that starts with the query counts as a prefix match ("North Central
        // London ICB").
        let short = |n: &String| {
            let o = dataset.organisations().iter().find(|o| &o.name == n).unwrap();
            o.display_name().starts_with("North") || o.name.starts_with("North")
        };
        assert!(north.iter().all(short), "{north:?}");
        assert!(names("   ", 5).is_empty());
        assert!(names("<script>", 5).is_empty());
        assert!(names("adur", 0).is_empty());
    }
}
