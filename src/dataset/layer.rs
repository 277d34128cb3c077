//! Applying profile layers (`--profile`) to a dataset: each entry finds its body by id or any
//! name `Dataset::find` resolves (or adds a new body), its stated fields replace the data's
//! field by field, later layers winning, and the result is checked like any dataset. Keeps,
//! per body, which layer stated which field (`Stated`), so that every output can say so.
//! Reads no file: layers arrive parsed (`profiles::load_layer`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::{Dataset, FindError};
use crate::diagnostic::{Diagnostics, Location, Place};
use crate::model::{Kind, Organisation, OrganisationId};
use crate::profiles::{FIELDS, Layer, LayerEntry, Origin, Parsed, ParsedOrganisation, Places};

/// Which layer stated which field of which body: the provenance of stated values, apart from
/// the data's own sources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stated {
    /// The layers applied, in order, as given (`our.toml`).
    layers: Vec<Arc<str>>,
    /// Per body, each stated field (profile field name, documented order) and its layer.
    by_body: HashMap<OrganisationId, Vec<(&'static str, Arc<str>)>>,
}

impl Stated {
    /// The layers applied, in order, as given on the command line or in a scenario.
    pub fn layers(&self) -> &[Arc<str>] {
        &self.layers
    }

    /// Whether no layer stated anything.
    pub fn is_empty(&self) -> bool {
        self.by_body.is_empty()
    }

    /// The layer that stated a field of a body (the last one, when several did).
    pub fn by(&self, id: &OrganisationId, field: &str) -> Option<&str> {
        self.by_body.get(id)?.iter().find(|(f, _)| *f == field).map(|(_, layer)| &**layer)
    }

    /// Every field stated for a body, in documented field order, with its layer.
    pub fn fields(&self, id: &OrganisationId) -> &[(&'static str, Arc<str>)] {
        self.by_body.get(id).map_or(&[], Vec::as_slice)
    }

    fn record(&mut self, id: &OrganisationId, field: &'static str, layer: &Arc<str>) {
        let fields = self.by_body.entry(id.clone()).or_default();
        match fields.iter_mut().find(|(f, _)| *f == field) {
            Some(entry) => entry.1 = layer.clone(),
            None => {
                fields.push((field, layer.clone()));
                let order = |f: &str| FIELDS.iter().position(|x| *x == f);
                fields.sort_by_key(|(f, _)| order(f));
            }
        }
    }
}

/// Where the references of a body stated by a layer were written (the last layer to state
/// each).
#[derive(Default)]
struct StatedPlaces {
    parent: Option<Place>,
    neighbours: Option<Vec<Place>>,
    partners: Option<Vec<Place>>,
    within: Option<Vec<Place>>,
}

/// Lays `layers` over `base`, in order (later layers win), and checks the result as a whole:
/// every problem of every layer comes back at once, located in the layer files. Without
/// layers the dataset is returned as it is.
///
/// O(n) for n bodies plus the cross-checks of `Dataset::from_parsed` when any layer is given.
pub fn apply_layers(base: Dataset, layers: &[Layer]) -> Result<Dataset, Diagnostics> {
    if layers.is_empty() {
        return Ok(base);
    }
    let mut diagnostics = Diagnostics::new();
    // Every entry resolved to a body index first, against the data as loaded; new bodies are
    // numbered after it, and a later entry with the same new id reaches the same one.
    let n_base = base.len();
    let mut new_bodies: Vec<Organisation> = Vec::new();
    let mut new_ids: HashMap<String, usize> = HashMap::new();
    let mut targets: Vec<Vec<Option<usize>>> = Vec::with_capacity(layers.len());
    for layer in layers {
        let mut resolved = Vec::with_capacity(layer.entries.len());
        for entry in &layer.entries {
            let target = match base.find(&entry.key) {
                Ok(i) => Some(i),
                Err(err) => {
                    let lower = entry.key.trim().to_ascii_lowercase();
                    if let Some(&k) = new_ids.get(&lower) {
                        Some(n_base + k)
                    } else {
                        match new_body(entry, &err) {
                            Ok(o) => {
                                new_ids.insert(lower, new_bodies.len());
                                new_bodies.push(o);
                                Some(n_base + new_bodies.len() - 1)
                            }
                            Err(d) => {
                                diagnostics.push(d);
                                None
                            }
                        }
                    }
                }
            };
            resolved.push(target);
        }
        targets.push(resolved);
    }
    let description = format!(
        "{} with profiles {}",
        base.description(),
        layers.iter().map(|l| &*l.name).collect::<Vec<_>>().join(", ")
    );
    let mut stated = base.stated.clone();
    stated.layers.extend(layers.iter().map(|l| l.name.clone()));
    let mut organisations = base.organisations;
    organisations.extend(new_bodies);
    let mut places: HashMap<usize, StatedPlaces> = HashMap::new();
    for (layer, resolved) in layers.iter().zip(&targets) {
        for (entry, target) in layer.entries.iter().zip(resolved) {
            let Some(i) = *target else { continue };
            let o = &mut organisations[i];
            let changed = apply(o, entry);
            // A new body's every stated field is the layer's; an existing body's only where
            // the layer changed the data.
            let fields: Vec<&'static str> =
                if i >= n_base { entry.stated.iter().map(|(f, _)| *f).collect() } else { changed };
            for field in fields {
                stated.record(&o.id, field, &layer.name);
            }
            let at = places.entry(i).or_default();
            if entry.patch.parent.is_some() {
                at.parent = Some(entry.place_of("parent").clone());
            }
            if entry.patch.neighbours.is_some() {
                at.neighbours = Some(entry.neighbour_places.clone());
            }
            if entry.patch.partnerships.is_some() {
                at.partners = Some(entry.partner_places.clone());
            }
            if entry.patch.within.is_some() {
                at.within = Some(entry.within_places.clone());
            }
            if entry.patch.within_shares.is_some()
                && let Some(id) = o.within_shares.keys().find(|id| !o.within.contains(id))
            {
                diagnostics.push(
                    entry
                        .place_of("within_shares")
                        .diagnostic(format!("\"{id}\" is not listed in `within` of {}", o.id))
                        .help("list the area in `within` too, or remove its share"),
                );
            }
            if let Some(kind) = o.kind
                && kind.sector() != o.sector
            {
                let field = if entry.patch.kind.is_some() { "kind" } else { "sector" };
                diagnostics.push(
                    entry
                        .place_of(field)
                        .diagnostic(format!(
                            "kind \"{kind}\" belongs to sector \"{}\", but {} is in sector \"{}\"",
                            kind.sector(),
                            o.id,
                            o.sector
                        ))
                        .help("state a kind and a sector that go together"),
                );
            }
        }
    }
    // The data's own references are checked again with the stated ones; they point at the
    // data as a whole, since only a stated reference can be at fault.
    let file: Arc<Path> = Arc::from(Path::new(&description));
    let parsed = organisations
        .into_iter()
        .enumerate()
        .map(|(i, o)| {
            let own = Place::new(Location::file(file.clone()), o.id.as_str());
            let at = places.remove(&i).unwrap_or_default();
            let n_partners = o.partnerships.as_ref().map_or(0, Vec::len);
            let origin = Origin {
                table: own.clone(),
                id: own.clone(),
                parent: o.parent.as_ref().map(|_| at.parent.unwrap_or_else(|| own.clone())),
                neighbours: match at.neighbours {
                    Some(each) => Places::each(each),
                    None => Places::repeated(own.clone(), o.neighbours.len()),
                },
                partners: match at.partners {
                    Some(each) => Places::each(each),
                    None => Places::repeated(own.clone(), n_partners),
                },
                within: match at.within {
                    Some(each) => Places::each(each),
                    None => Places::repeated(own, o.within.len()),
                },
            };
            ParsedOrganisation { organisation: o, origin }
        })
        .collect();
    let checked = Dataset::from_parsed(Parsed { organisations: parsed, ..Parsed::default() }, "");
    match checked {
        Ok(dataset) if diagnostics.is_empty() => Ok(Dataset { description, stated, ..dataset }),
        Ok(_) => {
            diagnostics.sort();
            Err(diagnostics)
        }
        Err(found) => {
            diagnostics.extend(found);
            diagnostics.sort();
            Err(diagnostics)
        }
    }
}

/// A body that an entry adds: its key must be a valid id and it must state the required
/// fields. `err` is why the key found no body, for the message.
fn new_body(
    entry: &LayerEntry,
    err: &FindError,
) -> Result<Organisation, crate::diagnostic::Diagnostic> {
    if let FindError::Ambiguous { .. } = err {
        return Err(entry
            .key_place
            .diagnostic(err.to_string())
            .help("give the body's id (`partnermatch list` shows them)"));
    }
    let add = "to add a new body instead, give it a new id and `name`, `sector` and `location`";
    let p = &entry.patch;
    let id = OrganisationId::new(&entry.key);
    match (id, &p.name, p.sector, p.location) {
        (Ok(id), Some(name), Some(sector), Some(location)) => {
            Ok(Organisation::new(id, name.clone(), sector, location))
        }
        (Ok(_), ..) if p.name.is_some() || p.sector.is_some() || p.location.is_some() => {
            let missing: Vec<&str> = [
                ("name", p.name.is_none()),
                ("sector", p.sector.is_none()),
                ("location", p.location.is_none()),
            ]
            .iter()
            .filter(|(_, m)| *m)
            .map(|(f, _)| *f)
            .collect();
            Err(entry
                .key_place
                .diagnostic(format!(
                    "\"{}\" is no body of the data, and a new body needs {}",
                    entry.key,
                    missing.join(" and ")
                ))
                .help(format!("{err}; give the id or a name of a body of the data, or {add}")))
        }
        _ => Err(entry.key_place.diagnostic(err.to_string()).help(format!(
            "give the id or a name of a body of the data (`partnermatch list`), or {add}"
        ))),
    }
}

/// Copies an entry's stated fields onto a body and returns the fields whose value changed: a
/// stated value equal to the data's restates the data (a filled-in template repeats what the
/// data knows) and is not marked as stated. A stated kind without a stated tier brings the
/// tier its kind implies, as when a profile is read.
fn apply(o: &mut Organisation, entry: &LayerEntry) -> Vec<&'static str> {
    let p = entry.patch.clone();
    let mut changed = Vec::new();
    macro_rules! set {
        ($($field:ident => $name:literal),*) => {$(
            if let Some(v) = p.$field && o.$field != v {
                o.$field = v;
                changed.push($name);
            }
        )*};
    }
    macro_rules! set_option {
        ($($field:ident => $name:literal),*) => {$(
            if let Some(v) = p.$field && o.$field.as_ref() != Some(&v) {
                o.$field = Some(v);
                changed.push($name);
            }
        )*};
    }
    let shares_stated = p.within_shares.is_some();
    set!(name => "name", sector => "sector", status => "status", location => "location",
        aliases => "aliases", neighbours => "neighbours", within => "within",
        within_shares => "within_shares");
    // A share of an area no longer listed goes with it, unless the layer states the shares.
    if !shares_stated {
        let within = &o.within;
        o.within_shares.retain(|id, _| within.contains(id));
    }
    if let Some(kind) = p.kind
        && o.kind != Some(kind)
    {
        o.kind = Some(kind);
        changed.push("kind");
        if p.tier.is_none() {
            o.tier = Kind::implied_tier(kind);
        }
    }
    set_option!(
        short_name => "short_name",
        tier => "tier",
        nation => "nation",
        region => "region",
        parent => "parent",
        police_force_area => "police_force_area",
        combined_authority => "combined_authority",
        community_safety_partnership => "community_safety_partnership",
        population => "population",
        budget_gbp => "budget_gbp",
        area_km2 => "area_km2",
        rural_urban => "rural_urban",
        political_control => "political_control",
        reasons => "reasons",
        barriers => "barriers",
        services_sought => "services_sought",
        services_offered => "services_offered",
        partnerships => "partnership",
        ict => "ict",
        payback => "payback",
        criteria_order => "criteria_order",
        notes => "notes"
    );
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceText;
    use crate::model::{Barrier, Service};
    use crate::profiles::{parse_layer, parse_profiles_bytes, toml_template};

    const BASE: &str = r#"
[[organisation]]
id = "A1"
name = "Alpha District Council"
short_name = "Alpha"
sector = "local_government"
kind = "district"
location = { lat = 51.0, lon = -1.0 }
population = 100000
neighbours = ["B2"]

[[organisation]]
id = "B2"
name = "Beta District Council"
sector = "local_government"
kind = "district"
location = { lat = 51.1, lon = -1.1 }
"#;

    fn base() -> Dataset {
        Dataset::from_parsed(parse_profiles_bytes(Path::new("base.toml"), BASE.as_bytes()), "base")
            .unwrap()
    }

    fn layer(name: &str, text: &str) -> Layer {
        let source = SourceText::new(name, text.to_owned());
        Layer { name: Arc::from(name), entries: parse_layer(&source).unwrap() }
    }

    /// Applies layers of (file, text) and returns the dataset or the problems as
    /// `file:line:field:message`.
    fn apply_texts(layers: &[(&str, &str)]) -> Result<Dataset, Vec<String>> {
        let layers: Vec<Layer> = layers.iter().map(|(n, t)| layer(n, t)).collect();
        apply_layers(base(), &layers).map_err(|d| {
            d.iter()
                .map(|d| {
                    format!(
                        "{}:{}:{}:{}",
                        d.location.file.display(),
                        d.location.line.map_or("-".to_owned(), |l| l.to_string()),
                        d.field.clone().unwrap_or_default(),
                        d.message
                    )
                })
                .collect()
        })
    }

    #[track_caller]
    fn check_problems(layers: &[(&str, &str)], expected: &[&str]) {
        let problems = apply_texts(layers).map(|_| ()).unwrap_err();
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
        for (got, want) in problems.iter().zip(expected) {
            assert!(got.contains(want), "{got:?} lacks {want:?}");
        }
    }

    fn id(text: &str) -> OrganisationId {
        OrganisationId::new(text).unwrap()
    }

    #[test]
    fn stated_fields_override_the_data_and_are_marked_with_their_layer() {
        let d = apply_texts(&[(
            "our.toml",
            "id = \"alpha\"\nservices_sought = [\"legal\"]\nbarriers.job_losses = 0.8\n\
             population = 100000\n",
        )])
        .unwrap();
        let a = d.get(&id("A1")).unwrap();
        assert_eq!(a.services_sought.unwrap().iter().collect::<Vec<_>>(), vec![Service::Legal]);
        assert_eq!(
            a.barriers.as_ref().unwrap()[&Barrier::JobLosses].get().to_bits(),
            0.8f64.to_bits()
        );
        assert_eq!(d.stated().by(&a.id, "services_sought"), Some("our.toml"));
        assert_eq!(d.stated().by(&a.id, "barriers"), Some("our.toml"));
        // The same population as the data's restates it: not marked.
        assert_eq!(d.stated().by(&a.id, "population"), None);
        assert!(d.stated().fields(&id("B2")).is_empty());
        assert_eq!(d.stated().layers().len(), 1);
        assert!(d.description().ends_with("with profiles our.toml"), "{}", d.description());
    }

    #[test]
    fn a_layer_states_the_areas_a_body_lies_within() {
        let d = apply_texts(&[(
            "areas.toml",
            "id = \"A1\"\nwithin = [\"B2\"]\nwithin_shares = { B2 = 0.5 }\n\
             community_safety_partnership = \"Safer Alpha\"\n",
        )])
        .unwrap();
        let a = d.get(&id("A1")).unwrap();
        assert_eq!(a.within, vec![id("B2")]);
        assert_eq!(a.within_shares.get(&id("B2")).map(|s| s.to_bits()), Some(0.5f64.to_bits()));
        assert_eq!(a.community_safety_partnership.as_deref(), Some("Safer Alpha"));
        for field in ["within", "within_shares", "community_safety_partnership"] {
            assert_eq!(d.stated().by(&a.id, field), Some("areas.toml"), "{field}");
        }
        // A later layer's `within` without shares drops the share of an area no longer listed.
        let d = apply_texts(&[
            ("areas.toml", "id = \"A1\"\nwithin = [\"B2\"]\nwithin_shares = { B2 = 0.5 }\n"),
            ("none.toml", "id = \"A1\"\nwithin = []\n"),
        ])
        .unwrap();
        let a = d.get(&id("A1")).unwrap();
        assert!(a.within.is_empty() && a.within_shares.is_empty(), "{a:?}");
        check_problems(
            &[
                ("shares.toml", "id = \"A1\"\nwithin_shares = { B2 = 0.5 }\n"),
                ("bad.toml", "id = \"B2\"\nwithin = [\"Z9\"]\n"),
            ],
            &[
                "bad.toml:2:within[0]:",
                "shares.toml:2:within_shares:\"B2\" is not listed in `within`",
            ],
        );
    }

    #[test]
    fn later_layers_win_field_by_field() {
        let d = apply_texts(&[
            (
                "one.toml",
                "id = \"A1\"\nservices_sought = [\"legal\"]\npayback = \"3_to_5_years\"\n",
            ),
            ("two.csv", "id = \"Alpha District Council\"\nservices_sought = [\"waste\"]\n"),
        ])
        .unwrap();
        let a = d.get(&id("A1")).unwrap();
        assert_eq!(a.services_sought.unwrap().iter().collect::<Vec<_>>(), vec![Service::Waste]);
        assert_eq!(d.stated().by(&a.id, "services_sought"), Some("two.csv"));
        assert_eq!(d.stated().by(&a.id, "payback"), Some("one.toml"));
    }

    #[test]
    fn a_layer_adds_a_body_that_states_the_required_fields() {
        let d = apply_texts(&[(
            "new.toml",
            "id = \"C3\"\nname = \"Gamma Fire Authority\"\nsector = \"fire\"\n\
             location = { lat = 51.2, lon = -1.2 }\nneighbours = [\"A1\"]\n",
        )])
        .unwrap();
        assert_eq!(d.len(), 3);
        let c = d.get(&id("C3")).unwrap();
        assert_eq!(c.name, "Gamma Fire Authority");
        assert_eq!(d.stated().by(&c.id, "name"), Some("new.toml"));
        assert_eq!(d.stated().by(&c.id, "neighbours"), Some("new.toml"));
    }

    #[test]
    fn every_problem_of_every_layer_is_located_in_its_file() {
        check_problems(
            &[
                ("a.toml", "id = \"Gamma\"\nservices_sought = [\"legal\"]\n"),
                (
                    "b.toml",
                    "[[organisation]]\nid = \"A1\"\nneighbours = [\"Z9\"]\n\n\
                     [[organisation]]\nid = \"B2\"\nkind = \"police_force\"\n\n\
                     [[organisation]]\nid = \"D4\"\nname = \"Delta\"\n",
                ),
            ],
            &[
                "a.toml:1:id:no body matches \"Gamma\"",
                "b.toml:3:organisation[0].neighbours[0]:",
                "b.toml:7:organisation[1].kind:kind \"police_force\" belongs to sector \"police\"",
                "b.toml:10:organisation[2].id:\"D4\" is no body of the data, and a new body needs \
                 sector and location",
            ],
        );
    }

    #[test]
    fn field_problems_in_a_layer_are_reported_as_in_profiles() {
        let source = SourceText::new(
            "bad.toml",
            "id = \"A1\"\nbarriers.job_losses = 1.5\nservices_sought = [\"legl\"]\ncolour = 1\n"
                .to_owned(),
        );
        let problems: Vec<String> =
            parse_layer(&source).unwrap_err().iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("bad.toml:2") && p.contains("outside [0, 1]")));
        assert!(problems.iter().any(|p| p.contains("bad.toml:3") && p.contains("legal")));
        assert!(problems.iter().any(|p| p.contains("bad.toml:4") && p.contains("colour")));
    }

    /// A template passed back unedited restates the data: the same bodies, nothing marked.
    #[test]
    fn an_unedited_template_changes_nothing() {
        let orgs = crate::test_data::random_organisations(11, 40);
        let dataset = Dataset::from_organisations(orgs, "random").unwrap();
        let survey = crate::weights::Survey::embedded().unwrap();
        let layers: Vec<Layer> = dataset
            .organisations()
            .iter()
            .map(|o| {
                let text = toml_template(o, &survey, "t.toml");
                let source = SourceText::new("t.toml", text.clone());
                let entries =
                    parse_layer(&source).unwrap_or_else(|d| panic!("{d}\n--- template:\n{text}"));
                Layer { name: Arc::from("t.toml"), entries }
            })
            .collect();
        let layered = apply_layers(dataset.clone(), &layers).unwrap();
        assert_eq!(layered.organisations(), dataset.organisations());
        assert!(layered.stated().is_empty());
    }
}
