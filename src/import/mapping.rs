//! How a table's columns and values map to profile fields: the importable fields with their
//! usual column names, and a `Mapping` (from a mapping file, options, or the defaults) that
//! renames columns, translates values and fills defaults. Reads only the mapping file.

use std::collections::BTreeMap;
use std::path::Path;

use strum::{EnumMessage, IntoStaticStr, VariantArray};

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::input::read_text;
use crate::input::toml::TomlReader;
use crate::model::{Enumeration, UnknownValue, closest};

/// A profile field that a table column can fill. Nested profile fields are flattened
/// (`location.lat` is `lat`, `political_control.lead_party` is `lead_party`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum Field {
    /// Stable id. Required.
    #[strum(message = "id")]
    Id,
    /// Official name. Required.
    #[strum(message = "name")]
    Name,
    /// Short name.
    #[strum(message = "short name")]
    ShortName,
    /// Other names, separated by the list separator.
    #[strum(message = "aliases")]
    Aliases,
    /// Sector; when absent, implied by the kind.
    #[strum(message = "sector")]
    Sector,
    /// Kind; ONS type codes (CTY, NMD, UA, MD, LBO, CC, SCO, WPA, NID) are accepted too.
    #[strum(message = "kind")]
    Kind,
    /// Tier: upper, lower or unitary.
    #[strum(message = "tier")]
    Tier,
    /// Status: current or shadow; only the first word counts ("shadow (vests 2027-04-01)").
    #[strum(message = "status")]
    Status,
    /// Nation.
    #[strum(message = "nation")]
    Nation,
    /// Region.
    #[strum(message = "region")]
    Region,
    /// Id of the body whose area contains this one.
    #[strum(message = "parent")]
    Parent,
    /// Police force area name.
    #[strum(message = "police force area")]
    PoliceForceArea,
    /// Combined authority name.
    #[strum(message = "combined authority")]
    CombinedAuthority,
    /// The areas the body lies within besides its parent, as `ID` or `ID:share` items (the
    /// share of the body's area in that area, in (0, 1]).
    #[strum(message = "within")]
    Within,
    /// Community safety partnership name(s).
    #[strum(message = "community safety partnership")]
    CommunitySafetyPartnership,
    /// Latitude in WGS84 degrees. Required.
    #[strum(message = "latitude")]
    Lat,
    /// Longitude in WGS84 degrees. Required.
    #[strum(message = "longitude")]
    Lon,
    /// Population served (thousands separators allowed).
    #[strum(message = "population")]
    Population,
    /// Annual budget in pounds (a leading £ and thousands separators allowed).
    #[strum(message = "budget")]
    BudgetGbp,
    /// Area in km².
    #[strum(message = "area")]
    AreaKm2,
    /// Rural/urban profile label.
    #[strum(message = "rural/urban profile")]
    RuralUrban,
    /// Lead party code (LAB, CON, LDM, ...).
    #[strum(message = "lead party")]
    LeadParty,
    /// Control type: majority, minority, coalition, mayoral, noc (or "no overall control").
    #[strum(message = "control type")]
    Control,
    /// The source's control label (`LAB min`).
    #[strum(message = "control label")]
    ControlLabel,
    /// Date the control was recorded (YYYY-MM-DD).
    #[strum(message = "control date")]
    ControlAsOf,
    /// Reasons for sharing, most important first, separated by the list separator.
    #[strum(message = "reasons")]
    Reasons,
    /// Barriers as `name:severity` items (`job_losses:0.8;silo_mentality:0.2`).
    #[strum(message = "barriers")]
    Barriers,
    /// Services sought, separated by the list separator.
    #[strum(message = "services sought")]
    ServicesSought,
    /// Services offered, separated by the list separator.
    #[strum(message = "services offered")]
    ServicesOffered,
    /// Partners as `ID` or `ID:service+service` items.
    #[strum(message = "partners")]
    Partners,
    /// Land neighbours' ids, separated by the list separator.
    #[strum(message = "neighbours")]
    Neighbours,
    /// ICT systems as `service=product` items.
    #[strum(message = "ICT systems")]
    Ict,
    /// Payback horizon.
    #[strum(message = "payback")]
    Payback,
    /// The body's own criteria order, positions separated by the list separator, ties by `+`.
    #[strum(message = "criteria order")]
    CriteriaOrder,
    /// Free-text notes.
    #[strum(message = "notes")]
    Notes,
}

impl Enumeration for Field {
    const WHAT: &'static str = "field";
}

impl Field {
    /// The number of fields.
    pub const COUNT: usize = 35;

    /// The field's position in `Field::all()`.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Column names matched to the field without a mapping, in order of preference. Names are
    /// compared after lower-casing and turning every run of other characters into `_`.
    pub fn synonyms(self) -> &'static [&'static str] {
        use Field::*;
        match self {
            Id => &["id", "gss_code", "gss", "code", "organisation_id", "org_id", "ons_code"],
            Name => &["name", "official_name", "organisation_name", "org_name", "council_name"],
            ShortName => &["short_name", "display_name"],
            Aliases => &["aliases", "other_names"],
            Sector => &["sector"],
            Kind => &["kind", "type_code", "type", "body_type", "organisation_type"],
            Tier => &["tier"],
            Status => &["status"],
            Nation => &["nation", "country"],
            Region => &["region"],
            Parent => &["parent", "parent_id", "parent_code", "parent_county_gss", "county_gss"],
            PoliceForceArea => &["police_force_area", "pfa"],
            CombinedAuthority => &["combined_authority"],
            Within => &["within", "within_areas"],
            CommunitySafetyPartnership => &["community_safety_partnership", "csp"],
            Lat => &["lat", "latitude"],
            Lon => &["lon", "lng", "long", "longitude"],
            Population => &["population", "pop", "population_served", "residents"],
            BudgetGbp => &["budget_gbp", "budget"],
            AreaKm2 => &["area_km2", "area", "area_sq_km"],
            RuralUrban => &["rural_urban", "ruc_cluster", "ruc", "rural_urban_classification"],
            LeadParty => &["lead_party", "control_lead_party", "party"],
            Control => &["control", "control_type"],
            ControlLabel => &["control_label"],
            ControlAsOf => &["control_as_of", "as_of"],
            Reasons => &["reasons", "reasons_for_sharing"],
            Barriers => &["barriers"],
            ServicesSought => &["services_sought", "seeks", "services_wanted"],
            ServicesOffered => &["services_offered", "offers"],
            Partners => &["partners", "partnerships"],
            Neighbours => &["neighbours", "neighbors", "neighbours_gss", "adjacent"],
            Ict => &["ict", "ict_systems"],
            Payback => &["payback", "payback_horizon"],
            CriteriaOrder => &["criteria_order"],
            Notes => &["notes", "comments"],
        }
    }
}

/// Lower-cases a column name and turns every run of characters other than letters and digits
/// into one `_`, trimming `_` at the ends: `"Population (2020)"` → `population_2020`.
pub fn normalise_column(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

/// How to read a table: column names, value translations, defaults and separators.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// Field → column name, overriding the synonyms.
    pub columns: BTreeMap<Field, String>,
    /// Field → (value as in the table, normalised) → value in profile terms.
    pub values: BTreeMap<Field, BTreeMap<String, String>>,
    /// Field → value used where the column is absent or the cell empty.
    pub defaults: BTreeMap<Field, String>,
    /// The CSV field delimiter.
    pub delimiter: u8,
    /// The separator between the items of a list cell.
    pub list_separator: char,
    /// Columns to ignore without a note.
    pub ignore: Vec<String>,
    /// A comment to put at the top of the written profiles.
    pub header: Option<String>,
    /// Numbers are written with a decimal comma (`5,1` is 5.1); thousands groups, where
    /// allowed, are then separated by `.` (`1.234,5`).
    pub decimal_comma: bool,
}

impl Default for Mapping {
    fn default() -> Self {
        Self {
            columns: BTreeMap::new(),
            values: BTreeMap::new(),
            defaults: BTreeMap::new(),
            delimiter: b',',
            list_separator: ';',
            ignore: Vec::new(),
            header: None,
            decimal_comma: false,
        }
    }
}

const MAPPING_KEYS: &[&str] = &[
    "columns",
    "values",
    "defaults",
    "delimiter",
    "list_separator",
    "ignore",
    "header",
    "decimal_comma",
];

impl Mapping {
    /// Reads a mapping file (TOML), reporting every problem with its place.
    pub fn load(path: &Path) -> Result<Self, Diagnostics> {
        Self::parse(&read_text(path).map_err(Diagnostics::from)?)
    }

    /// Reads a mapping file's text.
    pub fn parse(source: &crate::diagnostic::SourceText) -> Result<Self, Diagnostics> {
        let reader = TomlReader::new(source);
        let Some(document) = reader.parse() else {
            return Err(reader.into_diagnostics());
        };
        let root = reader.root(&document);
        root.deny_unknown(MAPPING_KEYS);
        let mut mapping = Mapping::default();
        let field_of =
            |table: &crate::input::toml::Table<'_, '_>, key: &str, span| match Field::parse_name(
                key,
            ) {
                Ok(field) => Some(field),
                Err(err) => {
                    table.unknown(span, key, &err);
                    None
                }
            };
        if let Some(columns) = root.table("columns") {
            for (key, span) in columns.keys() {
                if let Some(field) = field_of(&columns, key, span)
                    && let Some(header) = columns.text(key)
                {
                    mapping.columns.insert(field, header.into_inner());
                }
            }
        }
        if let Some(values) = root.table("values") {
            for (key, span) in values.keys() {
                let Some(field) = field_of(&values, key, span) else { continue };
                let Some(table) = values.table(key) else { continue };
                let mut map = BTreeMap::new();
                for (from, _) in table.keys() {
                    if let Some(to) = table.string(from) {
                        map.insert(normalise_value(from), to.into_inner());
                    }
                }
                mapping.values.insert(field, map);
            }
        }
        if let Some(defaults) = root.table("defaults") {
            for (key, span) in defaults.keys() {
                if let Some(field) = field_of(&defaults, key, span)
                    && let Some(value) = defaults.text(key)
                {
                    mapping.defaults.insert(field, value.into_inner());
                }
            }
        }
        if let Some(d) = root.string("delimiter") {
            match parse_delimiter(d.get_ref()) {
                Ok(b) => mapping.delimiter = b,
                Err(message) => root
                    .error(d.span(), "delimiter", message)
                    .help("use one ASCII character such as \",\", \";\" or \"\\t\""),
            }
        }
        if let Some(sep) = root.string("list_separator") {
            let mut chars = sep.get_ref().chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => mapping.list_separator = c,
                _ => root
                    .error(sep.span(), "list_separator", "expected exactly one character")
                    .help("use for example \";\" or \"|\""),
            }
        }
        if let Some(ignore) = root.strings("ignore") {
            mapping.ignore = ignore.into_iter().map(|s| s.into_inner()).collect();
        }
        mapping.header = root.string("header").map(|h| h.into_inner());
        if let Some(comma) = root.boolean("decimal_comma") {
            mapping.decimal_comma = comma.into_inner();
        }
        if reader.has_errors() {
            return Err(reader.into_diagnostics());
        }
        Ok(mapping)
    }

    /// Sets a column from a `FIELD=COLUMN` option.
    pub fn set_column(&mut self, spec: &str) -> Result<(), String> {
        let (field, column) = split_assignment(spec, "--column FIELD=COLUMN")?;
        self.columns.insert(field, column.to_owned());
        Ok(())
    }

    /// Sets a default from a `FIELD=VALUE` option.
    pub fn set_default(&mut self, spec: &str) -> Result<(), String> {
        let (field, value) = split_assignment(spec, "--default FIELD=VALUE")?;
        self.defaults.insert(field, value.to_owned());
        Ok(())
    }

    /// The value translation for a field, if any.
    pub fn translate<'a>(&'a self, field: Field, value: &'a str) -> &'a str {
        self.values
            .get(&field)
            .and_then(|m| m.get(&normalise_value(value)))
            .map_or(value, String::as_str)
    }

    /// Matches a table's header to fields. Returns, per field, the column index; and the
    /// columns left unmatched (minus those ignored on purpose).
    pub fn match_columns(
        &self,
        headers: &[String],
        file: &Path,
    ) -> Result<(Vec<Option<usize>>, Vec<String>), Diagnostics> {
        let normalised: Vec<String> = headers.iter().map(|h| normalise_column(h)).collect();
        let mut by_field: Vec<Option<usize>> = vec![None; Field::COUNT];
        let mut diagnostics = Diagnostics::new();
        let mut taken = vec![false; headers.len()];
        for (field, column) in &self.columns {
            let wanted = normalise_column(column);
            match normalised.iter().position(|h| *h == wanted) {
                Some(i) => {
                    by_field[field.index()] = Some(i);
                    taken[i] = true;
                }
                None => {
                    let suggestion = closest(column, headers.iter().map(String::as_str));
                    let help = match suggestion {
                        Some(s) => {
                            format!("did you mean \"{s}\"? the columns are: {}", headers.join(", "))
                        }
                        None => format!("the columns are: {}", headers.join(", ")),
                    };
                    diagnostics.push(
                        Diagnostic::new(
                            Location::at(file, 1, None),
                            format!("no column \"{column}\" for field `{field}`"),
                        )
                        .help(help),
                    );
                }
            }
        }
        for field in Field::all() {
            if by_field[field.index()].is_some() || self.columns.contains_key(field) {
                continue;
            }
            for synonym in field.synonyms() {
                if let Some(i) = normalised.iter().position(|h| h == synonym)
                    && !taken[i]
                {
                    by_field[field.index()] = Some(i);
                    taken[i] = true;
                    break;
                }
            }
        }
        let ignored: Vec<String> = self.ignore.iter().map(|c| normalise_column(c)).collect();
        let unmatched = headers
            .iter()
            .zip(&normalised)
            .zip(&taken)
            .filter(|((_, n), t)| !**t && !ignored.contains(n))
            .map(|((h, _), _)| h.clone())
            .collect();
        diagnostics.into_result((by_field, unmatched))
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Values are compared after trimming and lower-casing.
fn normalise_value(value: &str) -> String {
    value.trim().to_lowercase()
}

fn split_assignment<'a>(spec: &'a str, usage: &str) -> Result<(Field, &'a str), String> {
    let Some((field, value)) = spec.split_once('=') else {
        return Err(format!("expected {usage}, found \"{spec}\""));
    };
    let field = Field::parse_name(field).map_err(|e: UnknownValue| e.to_string())?;
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("expected {usage} with a value after '='"));
    }
    Ok((field, value))
}

/// A CSV delimiter: one ASCII character, or `\t` / `tab`.
pub fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "\\t" | "tab" | "\t" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        s => Err(format!("delimiter \"{s}\" is not one ASCII character")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_normalise() {
        for (raw, want) in [
            ("Population (2020)", "population_2020"),
            ("  GSS code ", "gss_code"),
            ("lat", "lat"),
            ("Área km²", "área_km²"),
        ] {
            assert_eq!(normalise_column(raw), want, "{raw}");
        }
    }

    #[test]
    fn field_count_and_synonyms_are_consistent() {
        assert_eq!(Field::all().len(), Field::COUNT);
        for (i, f) in Field::all().iter().enumerate() {
            assert_eq!(f.index(), i);
            assert!(f.synonyms().contains(&f.name()), "{f} lacks its own name");
        }
    }

    #[test]
    fn synonyms_match_and_explicit_columns_win() {
        let headers: Vec<String> =
            ["GSS code", "Official name", "Name", "Latitude", "lon", "Extra"]
                .map(String::from)
                .to_vec();
        let mut mapping = Mapping::default();
        let (by_field, unmatched) = mapping.match_columns(&headers, Path::new("t.csv")).unwrap();
        assert_eq!(by_field[Field::Id.index()], Some(0));
        assert_eq!(by_field[Field::Name.index()], Some(2), "`name` is preferred");
        assert_eq!(by_field[Field::Lat.index()], Some(3));
        assert_eq!(unmatched, vec!["Official name".to_owned(), "Extra".to_owned()]);
        mapping.set_column("name=official name").unwrap();
        let (by_field, _) = mapping.match_columns(&headers, Path::new("t.csv")).unwrap();
        assert_eq!(by_field[Field::Name.index()], Some(1));
        mapping.set_column("region=Regoin").unwrap();
        assert!(mapping.match_columns(&headers, Path::new("t.csv")).is_err());
        assert!(mapping.set_column("nmae=x").unwrap_err().contains("did you mean \"name\""));
    }
}
