//! Profiles in: TOML files (one body per file, or many as `[[organisation]]` tables; a directory
//! is read recursively) into `ParsedOrganisation`s, with every problem located. Does not check
//! references between bodies: that needs the whole dataset (`dataset`).

mod layer;
mod organisation;
mod table;
mod template;
mod write;

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics, Location, Place, SourceText};
use crate::input::toml::TomlReader;
use crate::input::{read_text, text_from_bytes};
use crate::model::OrganisationId;

pub use layer::{Layer, LayerEntry, Patch, load_layer, parse_layer};
pub use organisation::{
    FIELDS, Origin, ParsedOrganisation, Places, read_barriers, read_criteria_order,
    read_positive_integer, read_positive_number, read_services,
};
pub use table::{TABLE_COLUMNS, allowed_row, table_row, write_layer_template, write_table};
pub use template::toml_template;
pub use write::{field_text, to_toml};

/// The first character a name may not hold, with why: control characters (ESC, BEL, NUL, line
/// breaks, ...), which a terminal would act on, and the invisible bidirectional controls
/// (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C), which reorder what is shown.
pub fn forbidden_in_name(text: &str) -> Option<String> {
    let bad = text.chars().find(|&c| {
        c.is_control()
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}')
    })?;
    let what = if bad.is_control() { "a control character" } else { "a bidirectional control" };
    Some(format!("the name holds {what} (U+{:04X}), which would act on a terminal", u32::from(bad)))
}

/// The help for a name `forbidden_in_name` refuses.
pub const FORBIDDEN_IN_NAME_HELP: &str = "remove the character: names are plain text (copying from a web page or a PDF can bring such characters)";

/// What reading profile files produced: the profiles that could be built, the ids of those that
/// could not (so that references to them are not reported as unknown as well), and every
/// problem found.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Profiles that could be built.
    pub organisations: Vec<ParsedOrganisation>,
    /// Ids (and where they were written) of profiles that could not be built.
    pub broken: Vec<(OrganisationId, Place)>,
    /// Every problem found.
    pub diagnostics: Diagnostics,
}

impl Parsed {
    /// Adds another file's results.
    pub fn extend(&mut self, other: Parsed) {
        self.organisations.extend(other.organisations);
        self.broken.extend(other.broken);
        self.diagnostics.extend(other.diagnostics);
    }

    fn failed(diagnostic: Diagnostic) -> Self {
        Self { diagnostics: diagnostic.into(), ..Self::default() }
    }
}

/// Reads profiles from a TOML file or, recursively, a directory of them (files ending in
/// `.toml`, in path order, skipping hidden files), reporting every problem in every file.
pub fn load_toml_path(path: &Path) -> Parsed {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) => {
            return Parsed::failed(
                Diagnostic::new(Location::file(path), format!("cannot read data: {err}"))
                    .help("pass --data a profile file, a directory of profiles or a CSV table"),
            );
        }
    };
    if !meta.is_dir() {
        return match read_text(path) {
            Ok(source) => parse_profiles(&source),
            Err(d) => Parsed::failed(d),
        };
    }
    let mut all = Parsed::default();
    let mut n_files = 0usize;
    let walker = walkdir::WalkDir::new(path)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let at = err.path().unwrap_or(path).to_path_buf();
                all.diagnostics
                    .push(Diagnostic::new(Location::file(at), format!("cannot read: {err}")));
                continue;
            }
        };
        let is_toml = entry.path().extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        if !entry.file_type().is_file() || !is_toml {
            continue;
        }
        n_files += 1;
        match read_text(entry.path()) {
            Ok(source) => all.extend(parse_profiles(&source)),
            Err(d) => all.diagnostics.push(d),
        }
    }
    if n_files == 0 {
        all.diagnostics.push(
            Diagnostic::new(Location::file(path), "no profile files (*.toml) in this directory")
                .help("pass a directory holding .toml profiles, a single file, or a CSV table"),
        );
    }
    all
}

/// Parses profiles from TOML text held in memory (the embedded dataset, tests).
pub fn parse_profiles_bytes(path: &Path, bytes: &[u8]) -> Parsed {
    match text_from_bytes(path, bytes.to_vec()) {
        Ok(source) => parse_profiles(&source),
        Err(d) => Parsed::failed(d),
    }
}

/// Parses one TOML file of profiles: a single body at the top level, or `[[organisation]]`
/// tables.
pub fn parse_profiles(source: &SourceText) -> Parsed {
    let reader = TomlReader::new(source);
    let Some(document) = reader.parse() else {
        return Parsed { diagnostics: reader.into_diagnostics(), ..Parsed::default() };
    };
    let root = reader.root(&document);
    let mut parsed = Parsed::default();
    let mut take = |result| match result {
        Ok(p) => parsed.organisations.push(p),
        Err(Some(broken)) => parsed.broken.push(broken),
        Err(None) => {}
    };
    if root.contains("organisation") {
        root.deny_unknown(&["organisation"]);
        for table in root.tables("organisation").unwrap_or_default() {
            take(organisation::read_organisation(&table));
        }
    } else if is_survey_file(&root) {
        reader.push(
            Diagnostic::new(
                Location::file(source.path().clone()),
                "this looks like a survey file, not profiles",
            )
            .help("pass survey files with --survey; keep them out of the --data directory"),
        );
    } else if root.keys().next().is_none() {
        reader.push(
            Diagnostic::new(Location::file(source.path().clone()), "no organisation in file")
                .help("add one body's fields at the top level, or [[organisation]] tables"),
        );
    } else {
        take(organisation::read_organisation(&root));
    }
    parsed.diagnostics = reader.into_diagnostics();
    parsed
}

/// A survey file has a criteria order and no organisation fields.
fn is_survey_file(root: &crate::input::toml::Table<'_, '_>) -> bool {
    (root.contains("survey") || root.contains("criteria") || root.contains("method"))
        && !root.contains("id")
        && !root.contains("name")
}

#[cfg(test)]
mod tests;
