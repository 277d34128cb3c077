//! The page's "describe your body" statement: a profile layer sent as the `profile` parameter
//! of `/api/view`, `/api/rank`, `/api/profile` and `/api/report`, read by the same code as the
//! CLI's `--profile` (`profiles::parse_layer`) and laid over the served data by the same
//! `dataset::apply_layers`. Owns taking the parameter out of a query (so that `params` parses
//! the rest unchanged), its size bound, its errors in the page's words, and what the page is
//! told about a statement. Builds no engine (`AppState::engine_for` caches those) and reads no
//! file: the statement is text the page sent.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::params::ApiError;
use crate::dataset::{Dataset, apply_layers};
use crate::diagnostic::{Diagnostics, SourceText};
use crate::model::{Enumeration, Organisation};
use crate::profiles::{Layer, parse_layer};

/// The query parameter carrying the statement: the TOML of a profile layer.
pub const PROFILE_PARAMETER: &str = "profile";

/// The longest statement accepted, in bytes. The page's own statements are a few hundred
/// bytes; a filled-in `partnermatch profile BODY` template is about 10 KiB.
pub const MAX_STATEMENT_BYTES: usize = 32 * 1024;

/// What the statement is called where outputs say who stated a field ("stated by your
/// statement") and where its problems are located.
pub const STATEMENT_NAME: &str = "your statement";

/// The most problems one error lists (the rest are counted).
const MAX_LISTED: usize = 5;

/// The profile fields the page's panel edits.
pub const PANEL_FIELDS: [&str; 5] =
    ["services_sought", "services_offered", "barriers", "reasons", "ict"];

/// A query's `name=value` pairs, as axum hands them over.
pub type Pairs = Vec<(String, String)>;

/// A statement as the page sent it and as the layer code read it.
#[derive(Debug, Clone)]
pub struct Statement {
    /// The text, exactly as sent (the cache key).
    pub text: String,
    /// The layer it states: exactly one entry.
    pub layer: Layer,
}

/// The error for a statement, on the `profile` parameter.
fn bad(error: impl Into<String>, help: impl Into<String>) -> ApiError {
    ApiError::bad(PROFILE_PARAMETER, error, help)
}

/// Every problem of a statement in one error: "line 3, column 12 (barriers.job_losses): ...".
pub fn problems_error(problems: &Diagnostics) -> ApiError {
    let mut parts = Vec::new();
    let mut helps = Vec::new();
    for d in problems.iter().take(MAX_LISTED) {
        let mut part = String::new();
        if let Some(line) = d.location.line {
            part.push_str(&format!("line {line}"));
            if let Some(column) = d.location.column {
                part.push_str(&format!(", column {column}"));
            }
        }
        if let Some(field) = &d.field {
            if part.is_empty() {
                part.push_str(field);
            } else {
                part.push_str(&format!(" ({field})"));
            }
        }
        if part.is_empty() {
            parts.push(d.message.clone());
        } else {
            parts.push(format!("{part}: {}", d.message));
        }
        if let Some(help) = &d.help
            && !helps.contains(help)
        {
            helps.push(help.clone());
        }
    }
    if problems.len() > MAX_LISTED {
        parts.push(format!("and {} more problems", problems.len() - MAX_LISTED));
    }
    let help = if helps.is_empty() {
        "correct the statement, or clear it and describe the body again".to_owned()
    } else {
        helps.join("; ")
    };
    bad(format!("the statement has a problem: {}", parts.join("; ")), help)
}

impl Statement {
    /// Reads a statement with the layer code of `--profile`: bounded in size, exactly one body.
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        if text.len() > MAX_STATEMENT_BYTES {
            return Err(bad(
                format!(
                    "the statement is {} KiB, more than the {} KiB the page accepts",
                    text.len().div_ceil(1024),
                    MAX_STATEMENT_BYTES / 1024
                ),
                "keep one body's services, barriers, reasons and ICT systems; for larger \
                 layers use partnermatch rank --profile FILE",
            ));
        }
        let source = SourceText::new(STATEMENT_NAME, text.to_owned());
        let entries = parse_layer(&source).map_err(|problems| problems_error(&problems))?;
        if entries.len() != 1 {
            return Err(bad(
                format!(
                    "the statement describes {} bodies; the page takes one body's statement",
                    entries.len()
                ),
                "load the statement of one body, or use partnermatch rank --profile FILE for \
                 several",
            ));
        }
        Ok(Self {
            text: text.to_owned(),
            layer: Layer { name: Arc::from(STATEMENT_NAME), entries },
        })
    }

    /// The body the statement is about, as written (an id or a name).
    pub fn key(&self) -> &str {
        &self.layer.entries[0].key
    }

    /// The served data with the statement laid over it, checked as a whole.
    pub fn apply(&self, base: &Dataset) -> Result<Dataset, ApiError> {
        apply_layers(base.clone(), std::slice::from_ref(&self.layer))
            .map_err(|problems| problems_error(&problems))
    }

    /// Checks that the statement is about the ranked body (in the data with the statement).
    pub fn check_subject(&self, dataset: &Dataset, subject: usize) -> Result<(), ApiError> {
        let orgs = dataset.organisations();
        match dataset.find(self.key()) {
            Ok(i) if i == subject => Ok(()),
            Ok(i) => Err(bad(
                format!(
                    "the statement is about {}, but the page ranks {}",
                    orgs[i].name, orgs[subject].name
                ),
                format!(
                    "choose {} in the search, or load {}'s statement",
                    orgs[i].name, orgs[subject].name
                ),
            )),
            Err(_) => Err(bad(
                format!("the statement's body \"{}\" is not one body of the data", self.key()),
                "give the body's id in the statement",
            )),
        }
    }
}

/// Takes every value of the parameter `name` out of a query: the value (if given once and not
/// empty) and the other pairs. Given twice is an error.
pub fn take(
    pairs: &[(String, String)],
    name: &'static str,
) -> Result<(Option<String>, Pairs), ApiError> {
    let mut value = None;
    let mut rest = Vec::with_capacity(pairs.len());
    for (n, v) in pairs {
        if n != name {
            rest.push((n.clone(), v.clone()));
        } else if value.is_some() {
            return Err(ApiError::bad(
                name,
                format!("{name} is given more than once"),
                format!("give {name} once"),
            ));
        } else {
            value = Some(v.clone());
        }
    }
    Ok((value.filter(|v| !v.trim().is_empty()), rest))
}

/// Takes the statement out of a query. Without a `body`, the statement's body is ranked (the
/// page loading a file).
pub fn take_statement(pairs: &[(String, String)]) -> Result<(Option<Statement>, Pairs), ApiError> {
    let (text, mut rest) = take(pairs, PROFILE_PARAMETER)?;
    let Some(text) = text else { return Ok((None, rest)) };
    let statement = Statement::parse(&text)?;
    if !rest.iter().any(|(n, v)| n == "body" && !v.trim().is_empty()) {
        rest.retain(|(n, _)| n != "body");
        rest.push(("body".to_owned(), statement.key().to_owned()));
    }
    Ok((Some(statement), rest))
}

/// The panel's fields of one body: what the page shows in its "describe your body" panel.
/// `None` is unknown.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PanelFields {
    /// Services sought, by name.
    pub services_sought: Option<Vec<&'static str>>,
    /// Services offered, by name.
    pub services_offered: Option<Vec<&'static str>>,
    /// Barriers and their severities, by name.
    pub barriers: Option<BTreeMap<&'static str, f64>>,
    /// Reasons for sharing, most important first.
    pub reasons: Option<Vec<&'static str>>,
    /// ICT systems by service name.
    pub ict: Option<BTreeMap<&'static str, String>>,
}

impl PanelFields {
    /// A body's values of the panel's fields.
    pub fn of(o: &Organisation) -> Self {
        Self {
            services_sought: o.services_sought.map(|s| s.iter().map(Enumeration::name).collect()),
            services_offered: o.services_offered.map(|s| s.iter().map(Enumeration::name).collect()),
            barriers: o
                .barriers
                .as_ref()
                .map(|b| b.iter().map(|(k, v)| (k.name(), v.get())).collect()),
            reasons: o.reasons.as_ref().map(|r| r.iter().map(|x| x.name()).collect()),
            ict: o.ict.as_ref().map(|m| m.iter().map(|(k, v)| (k.name(), v.clone())).collect()),
        }
    }
}

/// What the page is told about the ranked body's panel fields.
#[derive(Debug, Clone, Serialize)]
pub struct PanelView {
    /// The body's values of the panel's fields, in the data as ranked (statement included).
    pub current: PanelFields,
    /// The panel's fields the statement changes (only those; the page states these).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<StatedPanel>,
}

/// The fields a statement states, as the panel shows them.
#[derive(Debug, Clone, Serialize)]
pub struct StatedPanel {
    /// Which of the panel's fields the statement changed from the data's values.
    pub fields: Vec<&'static str>,
    /// Other fields the statement changed, which the panel does not edit: the page says it
    /// drops them.
    pub other_fields: Vec<&'static str>,
}

impl PanelView {
    /// The panel's view of the ranked body.
    pub fn new(dataset: &Dataset, subject: usize, statement: Option<&Statement>) -> Self {
        let o = &dataset.organisations()[subject];
        let statement = statement.map(|_| {
            // What the statement changed, as every output marks it: a field restating the data
            // (a loaded template repeats what the data knows) is the data's, not the panel's.
            let changed: Vec<&'static str> = dataset
                .stated()
                .fields(&o.id)
                .iter()
                .filter(|(_, layer)| &**layer == STATEMENT_NAME)
                .map(|(f, _)| *f)
                .collect();
            StatedPanel {
                fields: PANEL_FIELDS.iter().copied().filter(|f| changed.contains(f)).collect(),
                other_fields: changed.into_iter().filter(|f| !PANEL_FIELDS.contains(f)).collect(),
            }
        });
        Self { current: PanelFields::of(o), statement }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &[(&str, &str)]) -> Vec<(String, String)> {
        query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    /// Parses a statement and checks that its error names the statement's line and says what
    /// is wrong.
    #[track_caller]
    fn check_error(text: &str, fragments: &[&str]) {
        let err = Statement::parse(text).unwrap_err();
        assert_eq!(err.status, 400);
        assert_eq!(err.parameter, Some("profile"));
        let all = format!("{} {}", err.error, err.help.clone().unwrap_or_default());
        for fragment in fragments {
            assert!(all.contains(fragment), "{all:?} lacks {fragment:?}");
        }
    }

    #[test]
    fn bad_statements_are_located_in_the_pages_words() {
        check_error("id = \"adur\"\nbarriers = { job_losses = 1.5 }\n", &["line 2", "barriers"]);
        check_error(
            "id = \"adur\"\nservices_sought = [\"legl\"]\n",
            &["line 2", "services_sought", "legal"],
        );
        check_error("id = \"adur\"\nreasns = []\n", &["line 2", "reasons"]);
        check_error("id = \"adur\"\nbarriers = {\n", &["line"]);
        check_error(
            "[[organisation]]\nid = \"adur\"\n[[organisation]]\nid = \"worthing\"\n",
            &["2 bodies", "one body"],
        );
        check_error(&"# x\n".repeat(10_000), &["KiB", "more than the 32 KiB"]);
    }

    #[test]
    fn a_statement_is_laid_over_the_data_as_profile_does() {
        let base = Dataset::embedded().unwrap();
        let statement = Statement::parse(
            "id = \"Adur\"\nservices_sought = [\"legal\"]\nbarriers = { job_losses = 0.75 }\n\
             reasons = [\"resilience\", \"cost_reduction\"]\nict = { finance = \"Unit4 ERP\" }\n",
        )
        .unwrap();
        let layered = statement.apply(&base).unwrap();
        let adur = layered.find("Adur").unwrap();
        statement.check_subject(&layered, adur).unwrap();
        let worthing = layered.find("Worthing").unwrap();
        let err = statement.check_subject(&layered, worthing).unwrap_err();
        assert!(err.error.contains("is about Adur District Council"), "{err:?}");
        let view = PanelView::new(&layered, adur, Some(&statement));
        assert_eq!(view.current.services_sought, Some(vec!["legal"]));
        assert!((view.current.barriers.as_ref().unwrap()["job_losses"] - 0.75).abs() < 1e-12);
        assert_eq!(view.current.reasons, Some(vec!["resilience", "cost_reduction"]));
        assert_eq!(view.current.ict.as_ref().unwrap()["finance"], "Unit4 ERP");
        let stated = view.statement.unwrap();
        assert_eq!(stated.fields, ["services_sought", "barriers", "reasons", "ict"]);
        assert!(stated.other_fields.is_empty());
        assert_eq!(
            layered.stated().by(&layered.organisations()[adur].id, "barriers"),
            Some(STATEMENT_NAME)
        );
        // A field the panel does not edit is reported, so that the page can say it drops it.
        let other = Statement::parse("id = \"Adur\"\npopulation = 12345\n").unwrap();
        let layered = other.apply(&base).unwrap();
        let view = PanelView::new(&layered, adur, Some(&other));
        assert_eq!(view.statement.unwrap().other_fields, ["population"]);
        // A reference to a body that does not exist is caught by the whole-dataset check.
        let err = Statement::parse("id = \"Adur\"\nneighbours = [\"NOPE\"]\n")
            .unwrap()
            .apply(&base)
            .unwrap_err();
        assert!(err.error.contains("NOPE"), "{err:?}");
    }

    #[test]
    fn the_statement_is_taken_out_of_the_query() {
        let (none, rest) = take_statement(&pairs(&[("body", "adur"), ("profile", " ")])).unwrap();
        assert!(none.is_none());
        assert_eq!(rest, pairs(&[("body", "adur")]));
        let (some, rest) =
            take_statement(&pairs(&[("profile", "id = \"Worthing\"\n"), ("top", "5")])).unwrap();
        assert_eq!(some.unwrap().key(), "Worthing");
        assert_eq!(rest, pairs(&[("top", "5"), ("body", "Worthing")]));
        let err = take_statement(&pairs(&[("profile", "id = \"a\""), ("profile", "id = \"b\"")]))
            .unwrap_err();
        assert!(err.error.contains("more than once"));
    }
}
