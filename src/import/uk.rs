//! The embedded UK dataset, built from the real tables of `data/uk/` (each file's source,
//! licence and derivations are in `data/uk/README.md` and `data/uk/README-bodies-and-relations.md`):
//! the councils as `import` reads them with `data/uk/import.toml`, then every police force,
//! fire and rescue authority, health body and combined authority around them, the NHS trusts,
//! each council's areas (`within`), its community safety partnership, its planning register
//! system (`ict.planning`) and the existing shared arrangements with their sources
//! (`partnership`). Rules that derive a fact, rather than copy it, are documented beside the
//! code that applies them and in `docs/data.md`. Nothing is invented: a fact the tables do not
//! give stays unknown.
//!
//! Reads files; writes nothing (the CLI's `build-uk` writes the result atomically).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::dataset::Dataset;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::model::{
    Kind, LatLon, Organisation, OrganisationId, Partnership, Sector, Service, ServiceSet,
};

/// The header of the generated profiles file.
pub const HEADER: &str = "\
The default dataset: every UK principal council (382 current councils and the 2 shadow Surrey
unitaries that vest on 2027-04-01), the police forces, fire and rescue authorities, health
bodies and combined authorities around them, and the open NHS trusts. Generated; do not edit by
hand. Rebuild with:
  partnermatch build-uk data/uk --out profiles/uk/bodies.toml --force

Sources and licences (see profiles/ATTRIBUTION.md, data/uk/README.md and
data/uk/README-bodies-and-relations.md):
- council names, codes, types, regions, centres, 2020 population, area: mySociety
  uk_local_authority_names_and_codes, CC BY 4.0 (built on ONS/OS data, OGL v3);
- rural/urban profile: mySociety uk_ruc, CC BY 4.0;
- land neighbours: ONS Local-Authority-Districts-2021-neighbours, Crown copyright, OGL v3;
- political control as of 2026-10-08: Open Council Data UK via electionmapsuk/custom-nowcast,
  CC BY-SA 4.0;
- police force areas, community safety partnerships, fire and rescue authorities, integrated
  care boards, health boards, HSC trusts, combined authorities and NHS trusts: ONS, NHS Digital,
  OHID, Public Health Scotland and NISRA lookups as repackaged by humaniverse/geographr (MIT),
  Open Government Licence v3; trust headquarters geocoded through OpenStreetMap Nominatim
  (ODbL, (c) OpenStreetMap contributors);
- planning register systems: sebvett/planning-applications (MIT, (c) 2024 Tract UK Ltd,
  PricedOut Limited);
- shared waste services and websites: mampfes/hacs_waste_collection_schedule and
  robbrad/UKBinCollectionData (MIT);
- shared-service arrangements: data/uk/uk_partnerships_dev.csv, each with its source URL.
Contains public sector information licensed under the Open Government Licence v3.0.
Reasons, barriers, services sought and offered and payback are not in these sources and are
left unknown; what a body delivers follows from its kind (docs/scoring.md).
";

/// What a build gives: the profiles as TOML, and what could not be used.
#[derive(Debug, Clone)]
pub struct UkBuild {
    /// The profiles, as the TOML written to `profiles/uk/bodies.toml`.
    pub toml: String,
    /// The number of bodies.
    pub n_bodies: usize,
    /// Members of shared arrangements that name no body of the dataset (abolished bodies,
    /// central government), as (arrangement, name).
    pub unmatched_members: Vec<(String, String)>,
}

/// One table: its header and its rows, each with its line number.
struct Table {
    path: PathBuf,
    rows: Vec<(usize, HashMap<String, String>)>,
}

impl Table {
    fn read(path: &Path) -> Result<Self, Diagnostics> {
        let text = crate::input::read_text(path).map_err(Diagnostics::from)?;
        let mut reader =
            csv::ReaderBuilder::new().flexible(false).from_reader(text.text().as_bytes());
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(str::to_owned).collect(),
            Err(e) => return Err(one(Location::at(path.to_path_buf(), 1, None), e.to_string())),
        };
        let mut rows = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| p.line() as usize);
                    let row = headers.iter().cloned().zip(r.iter().map(str::to_owned)).collect();
                    rows.push((line, row));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    return Err(one(Location::at(path.to_path_buf(), line, None), e.to_string()));
                }
            }
        }
        Ok(Self { path: path.to_path_buf(), rows })
    }

    fn problem(&self, line: usize, field: &str, message: String) -> Diagnostic {
        Diagnostic::new(Location::at(self.path.clone(), line, None), message).field(field)
    }
}

fn one(location: Location, message: String) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.push(Diagnostic::new(location, message));
    d
}

fn cell<'r>(row: &'r HashMap<String, String>, key: &str) -> &'r str {
    row.get(key).map_or("", |s| s.trim())
}

fn list(text: &str) -> impl Iterator<Item = &str> {
    text.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// Builds the embedded dataset from the folder `dir` (normally `data/uk`).
pub fn build_uk(dir: &Path) -> Result<UkBuild, Diagnostics> {
    let mapping = super::Mapping::load(&dir.join("import.toml"))?;
    let councils = super::import(
        &dir.join("uk_councils.csv"),
        &[dir.join("uk_council_adjacency.csv")],
        &mapping,
        false,
    )?
    .dataset;
    let areas = Table::read(&dir.join("uk_council_areas.csv"))?;
    let others = Table::read(&dir.join("uk_other_bodies.csv"))?;
    let trusts = Table::read(&dir.join("uk_nhs_trusts.csv"))?;
    let planning = Table::read(&dir.join("uk_planning_systems.csv"))?;
    let signals = Table::read(&dir.join("uk_shared_service_signals.csv"))?;
    let arrangements = Table::read(&dir.join("uk_partnerships_dev.csv"))?;

    let mut problems = Diagnostics::new();
    let mut bodies: Vec<Organisation> = councils.organisations().to_vec();
    let council_index: HashMap<String, usize> =
        bodies.iter().enumerate().map(|(i, o)| (o.id.to_string(), i)).collect();

    // Area bodies first, so that councils can point at them.
    let mut area_members: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut area_bodies = Vec::new();
    for (line, row) in &others.rows {
        match area_body(row, &bodies, &council_index) {
            Ok(o) => {
                let members: BTreeSet<String> =
                    list(cell(row, "member_lowest_tier_gss")).map(str::to_owned).collect();
                area_members.insert(o.id.to_string(), members);
                area_bodies.push(o);
            }
            Err(message) => problems.push(others.problem(*line, "id", message)),
        }
    }
    let area_ids: BTreeSet<String> = area_members.keys().cloned().collect();

    // Each council's areas.
    for (line, row) in &areas.rows {
        let gss = cell(row, "gss_code");
        let Some(&i) = council_index.get(gss) else {
            problems.push(areas.problem(*line, "gss_code", format!("no council \"{gss}\"")));
            continue;
        };
        let o = &mut bodies[i];
        let pfa = cell(row, "pfa_name");
        if !pfa.is_empty() {
            o.police_force_area = Some(pfa.to_owned());
        }
        let cauth = cell(row, "cauth_name");
        if !cauth.is_empty() {
            o.combined_authority = Some(cauth.to_owned());
        }
        let csp = cell(row, "csp_name");
        if !csp.is_empty() {
            o.community_safety_partnership = Some(list(csp).collect::<Vec<_>>().join("; "));
        }
        let mut within: Vec<(String, Option<f64>)> = Vec::new();
        for key in ["pfa_code", "fra_code", "lhb_code", "hb_code", "hsct_code", "cauth_code"] {
            let code = cell(row, key);
            if !code.is_empty() {
                within.push((code.to_owned(), None));
            }
        }
        for item in list(cell(row, "icb_lsoa_shares")) {
            let (code, share) = item.split_once(':').unwrap_or((item, "1"));
            match share.parse::<f64>() {
                Ok(s) if s > 0.0 => within.push((code.to_owned(), (s < 1.0).then_some(s))),
                _ => problems.push(areas.problem(
                    *line,
                    "icb_lsoa_shares",
                    format!("share \"{share}\" of \"{code}\" is not a number in (0, 1]"),
                )),
            }
        }
        for (code, share) in within {
            if !area_ids.contains(&code) {
                problems.push(areas.problem(*line, "within", format!("no area body \"{code}\"")));
                continue;
            }
            let Ok(id) = OrganisationId::new(&code) else { continue };
            if !o.within.contains(&id) {
                o.within.push(id.clone());
            }
            if let Some(s) = share {
                o.within_shares.insert(id, s);
            }
        }
    }

    // Areas within areas: an area all of whose councils lie in another area lies within it
    // (a fire authority inside its police force area; coterminous areas lie within each
    // other).
    for x in &mut area_bodies {
        let mine = &area_members[x.id.as_str()];
        if mine.is_empty() {
            continue;
        }
        for (other, theirs) in &area_members {
            if other != x.id.as_str()
                && mine.is_subset(theirs)
                && let Ok(id) = OrganisationId::new(other)
            {
                x.within.push(id);
            }
        }
    }

    // NHS trusts, within the integrated care board that supplies most of their patients.
    let icb_by_name: HashMap<String, String> = area_bodies
        .iter()
        .filter(|o| o.kind == Some(Kind::IntegratedCareBoard))
        .map(|o| (simple(&o.name), o.id.to_string()))
        .collect();
    // A trust's name without "NHS (Foundation) Trust" is its short name, unless another body
    // already goes by it ("Somerset" is the council).
    let taken: BTreeSet<String> = bodies
        .iter()
        .chain(&area_bodies)
        .flat_map(|o| std::iter::once(&o.name).chain(&o.short_name))
        .map(|n| simple(n))
        .collect();
    for (line, row) in &trusts.rows {
        match trust_body(row, &icb_by_name, &area_bodies, &taken) {
            Ok(o) => area_bodies.push(o),
            Err(message) => problems.push(trusts.problem(*line, "id", message)),
        }
    }
    bodies.extend(area_bodies);

    // Planning register systems: the planning service's ICT system.
    let mut systems: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, row) in &planning.rows {
        let system = cell(row, "system");
        if system.is_empty() || system == "none listed" {
            continue;
        }
        // A bespoke system is the same product only on the same host.
        let product = if system.eq_ignore_ascii_case("custom") {
            format!("Custom ({})", host(cell(row, "url")))
        } else {
            system.to_owned()
        };
        systems.entry(cell(row, "gss_code").to_owned()).or_default().insert(product);
    }
    for o in &mut bodies {
        if let Some(products) = systems.get(o.id.as_str()) {
            let product = products.iter().cloned().collect::<Vec<_>>().join(" + ");
            o.ict = Some(BTreeMap::from([(Service::Planning, product)]));
        }
    }

    std::mem::take(&mut problems).into_result(())?;
    let draft = Dataset::from_organisations(bodies, "the UK build")?;
    let mut bodies = draft.organisations().to_vec();
    let mut unmatched_members = Vec::new();
    let mut links: BTreeMap<(usize, usize), Vec<Link>> = BTreeMap::new();

    // Signals of shared arrangements, by GSS code.
    for (line, row) in &signals.rows {
        let members: Vec<usize> = list(cell(row, "members"))
            .filter_map(|gss| {
                let found = OrganisationId::new(gss).ok().and_then(|id| draft.index_of(&id));
                if found.is_none() {
                    problems.push(signals.problem(*line, "members", format!("no body \"{gss}\"")));
                }
                found
            })
            .collect();
        let kind = cell(row, "kind").to_owned();
        let link = Link {
            name: cell(row, "name").to_owned(),
            kind: kind.clone(),
            services: signal_services(&kind),
            since: None,
            source: cell(row, "source").to_owned(),
        };
        add_links(&mut links, &members, &link);
    }
    // Arrangements of the development file, by the names people use.
    for (_, row) in &arrangements.rows {
        let id = cell(row, "id").to_owned();
        let mut members = Vec::new();
        for name in list(cell(row, "members")) {
            match draft.find(name) {
                Ok(i) => members.push(i),
                Err(_) => unmatched_members.push((id.clone(), name.to_owned())),
            }
        }
        let link = Link {
            name: id,
            kind: cell(row, "kind").to_owned(),
            services: services_in_text(cell(row, "services")),
            since: cell(row, "start_year").parse().ok(),
            source: cell(row, "source_url").to_owned(),
        };
        add_links(&mut links, &members, &link);
    }
    problems.into_result(())?;
    for ((a, b), found) in &links {
        for (from, to) in [(*a, *b), (*b, *a)] {
            let partnership = merge(bodies[to].id.clone(), found);
            bodies[from].partnerships.get_or_insert_with(Vec::new).push(partnership);
        }
    }
    let n_bodies = bodies.len();
    Ok(UkBuild { toml: crate::profiles::to_toml(&bodies, HEADER), n_bodies, unmatched_members })
}

/// One source's evidence that two bodies share something.
#[derive(Debug, Clone)]
struct Link {
    name: String,
    kind: String,
    services: ServiceSet,
    since: Option<i32>,
    source: String,
}

fn add_links(links: &mut BTreeMap<(usize, usize), Vec<Link>>, members: &[usize], link: &Link) {
    for (k, &a) in members.iter().enumerate() {
        for &b in &members[k + 1..] {
            if a != b {
                links.entry((a.min(b), a.max(b))).or_default().push(link.clone());
            }
        }
    }
}

/// Several arrangements between the same two bodies as one partnership: the services of all,
/// the earliest start, every name, kind and source.
fn merge(partner: OrganisationId, found: &[Link]) -> Partnership {
    let join = |f: &dyn Fn(&Link) -> &str, sep: &str| {
        let mut seen: Vec<&str> = Vec::new();
        for l in found {
            let s = f(l);
            if !s.is_empty() && !seen.contains(&s) {
                seen.push(s);
            }
        }
        (!seen.is_empty()).then(|| seen.join(sep))
    };
    Partnership {
        partner,
        services: found.iter().fold(ServiceSet::EMPTY, |s, l| s.union(l.services)),
        since: found.iter().filter_map(|l| l.since).min(),
        name: join(&|l| &l.name, "; "),
        kind: join(&|l| &l.kind, "; "),
        source: join(&|l| &l.source, " ; "),
    }
}

/// The services a kind of signal shows to be shared.
fn signal_services(kind: &str) -> ServiceSet {
    match kind {
        "community_safety_partnership" => [Service::CommunitySafety].into_iter().collect(),
        "shared_waste_service" => [Service::Waste].into_iter().collect(),
        "combined_planning_service" => [Service::Planning].into_iter().collect(),
        "shared_website" => [Service::Communications].into_iter().collect(),
        _ => ServiceSet::EMPTY,
    }
}

/// The catalogue services named in an arrangement's description, by keyword (the words a
/// source uses for each service; documented in `docs/data.md`).
pub fn services_in_text(text: &str) -> ServiceSet {
    const KEYWORDS: &[(&str, Service)] = &[
        ("revenues", Service::RevenuesAndBenefits),
        ("benefits", Service::RevenuesAndBenefits),
        ("legal", Service::Legal),
        ("law", Service::Legal),
        ("building control", Service::BuildingControl),
        ("chief executive", Service::ManagementTeam),
        ("management", Service::ManagementTeam),
        ("senior officer", Service::ManagementTeam),
        ("staffing", Service::ManagementTeam),
        ("procurement", Service::Procurement),
        ("ict", Service::Ict),
        (" it", Service::Ict),
        ("hr", Service::HrAndPayroll),
        ("payroll", Service::HrAndPayroll),
        ("finance", Service::Finance),
        ("audit", Service::Audit),
        ("fraud", Service::CounterFraud),
        ("waste", Service::Waste),
        ("planning", Service::Planning),
        ("environmental health", Service::EnvironmentalHealth),
        ("customer service", Service::CustomerServices),
        ("trading standards", Service::TradingStandards),
        ("licensing", Service::Licensing),
        ("housing", Service::Housing),
        ("libraries", Service::LeisureAndCulture),
        ("adult social care", Service::AdultSocialCare),
        ("children", Service::ChildrensServices),
        ("education", Service::ChildrensServices),
        ("social services", Service::AdultSocialCare),
        ("public health", Service::PublicHealth),
        ("headquarters", Service::Estates),
        (" hq", Service::Estates),
        ("station", Service::Estates),
        ("office", Service::Estates),
        ("back-office", Service::Finance),
    ];
    let lower = format!(" {}", text.to_lowercase());
    let words: String =
        lower.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { ' ' }).collect();
    let padded = format!("{words} ");
    KEYWORDS
        .iter()
        .filter(|(k, _)| {
            let k = k.trim_start();
            padded.contains(&format!(" {k} ")) || padded.contains(&format!(" {k}s "))
        })
        .map(|(_, s)| *s)
        .collect()
}

/// A URL's host, for naming a bespoke system.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// Lower case, `&` as `and`, letters and digits only: for joining names.
fn simple(text: &str) -> String {
    text.replace('&', " and ")
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Title case as the source has it, with the small words of a name in lower case again
/// ("South Tyneside And Sunderland" → "South Tyneside and Sunderland").
fn small_words(name: &str) -> String {
    name.split(' ')
        .enumerate()
        .map(|(i, w)| match w {
            "And" | "Of" | "The" | "For" | "In" | "On" if i > 0 => w.to_lowercase(),
            _ => w.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The region or nation all of some councils share, if they share one.
fn common<'a>(
    members: &[&'a Organisation],
    field: impl Fn(&'a Organisation) -> Option<&'a str>,
) -> Option<String> {
    let mut values = members.iter().map(|o| field(o));
    let first = values.next()??;
    values.all(|v| v == Some(first)).then(|| first.to_owned())
}

/// A police force, fire and rescue authority, health body or combined authority from a row of
/// `uk_other_bodies.csv`.
fn area_body(
    row: &HashMap<String, String>,
    councils: &[Organisation],
    council_index: &HashMap<String, usize>,
) -> Result<Organisation, String> {
    let id = OrganisationId::new(cell(row, "id"))?;
    let source_name = cell(row, "name");
    // "London, City of" → "City of London".
    let area = match source_name.split_once(", ") {
        Some((place, title)) => format!("{title} {place}"),
        None => source_name.to_owned(),
    };
    let kind_text = cell(row, "kind");
    let (sector, kind) = match kind_text {
        "police_force" => (Sector::Police, Kind::PoliceForce),
        "fire_and_rescue_authority" => (Sector::Fire, Kind::FireAndRescueAuthority),
        "integrated_care_board" => (Sector::Health, Kind::IntegratedCareBoard),
        "local_health_board" | "health_board" | "hsc_trust" => (Sector::Health, Kind::HealthBoard),
        "combined_authority" => (Sector::LocalGovernment, Kind::CombinedAuthority),
        other => return Err(format!("unknown kind \"{other}\"")),
    };
    let (name, short_name, aliases) = names(kind_text, &area);
    let lat = cell(row, "lat").parse::<f64>().map_err(|_| "lat is not a number".to_owned())?;
    let lon = cell(row, "lon").parse::<f64>().map_err(|_| "lon is not a number".to_owned())?;
    let location = LatLon::new(lat, lon)?;
    let mut o = Organisation::new(id, name, sector, location);
    o.short_name = short_name;
    o.aliases = aliases;
    o.kind = Some(kind);
    o.population =
        cell(row, "population_from_members").parse::<f64>().ok().map(|p| p.round() as u64);
    let members: Vec<&Organisation> = list(cell(row, "member_lowest_tier_gss"))
        .filter_map(|g| council_index.get(g).map(|&i| &councils[i]))
        .collect();
    o.nation = common(&members, |m| m.nation.as_deref());
    o.region = common(&members, |m| m.region.as_deref());
    if kind == Kind::PoliceForce {
        o.police_force_area = Some(source_name.to_owned());
    }
    if kind == Kind::CombinedAuthority {
        o.combined_authority = Some(source_name.to_owned());
    }
    let ods = cell(row, "nhs_ods_code");
    let ods = if ods.is_empty() { String::new() } else { format!(" NHS ODS code {ods}.") };
    o.notes = Some(format!(
        "Area of {} councils ({}, {}). Population is the sum over its councils (mySociety 2020 \
         estimates{}); the centre is their population-weighted mean centre, not a \
         headquarters.{ods}",
        members.len(),
        cell(row, "as_of"),
        cell(row, "source"),
        if kind == Kind::IntegratedCareBoard { ", weighted by LSOA share" } else { "" },
    ));
    Ok(o)
}

/// The name, short name and aliases of an area body, from its area's name. Police and fire
/// names are the ONS *area* names; the force's or authority's own legal name may differ, so
/// the usual forms ("... Police", "... Constabulary", "... Fire and Rescue Service") are
/// aliases to find it by, not claims about its legal name.
fn names(kind: &str, area: &str) -> (String, Option<String>, Vec<String>) {
    let mut aliases = Vec::new();
    let (name, short) = match kind {
        "police_force" if area.contains("Police") => {
            if area == "Police Service of Northern Ireland" {
                aliases.push("PSNI".to_owned());
            }
            if area == "Metropolitan Police" {
                aliases.extend(["Metropolitan Police Service".to_owned(), "Met Police".to_owned()]);
            }
            (area.to_owned(), area.to_owned())
        }
        "police_force" => {
            for suffix in ["Police", "Constabulary", "Police Force", "Police Service"] {
                aliases.push(format!("{area} {suffix}"));
            }
            (format!("{area} police force"), format!("{area} police"))
        }
        "fire_and_rescue_authority" if area.contains("Fire") => {
            if area.starts_with("London Fire") {
                aliases.push("London Fire Brigade".to_owned());
            }
            (area.to_owned(), area.to_owned())
        }
        "fire_and_rescue_authority" => {
            for suffix in [
                "Fire and Rescue",
                "Fire and Rescue Service",
                "Fire and Rescue Authority",
                "Fire Authority",
            ] {
                aliases.push(format!("{area} {suffix}"));
            }
            if !area.contains("County") {
                aliases.push(format!("{area} County Fire and Rescue Service"));
            }
            (format!("{area} fire and rescue authority"), format!("{area} fire"))
        }
        "integrated_care_board" => {
            let core = area
                .trim_start_matches("NHS ")
                .trim_end_matches(" Integrated Care Board")
                .to_owned();
            aliases.push(format!("NHS {core} ICB"));
            aliases.push(format!("{core} Integrated Care Board"));
            (area.to_owned(), format!("{core} ICB"))
        }
        "hsc_trust" => {
            aliases.push(format!("{area} HSC Trust"));
            (format!("{area} Health and Social Care Trust"), format!("{area} HSC Trust"))
        }
        "combined_authority" => {
            aliases.push(format!("{area} CA"));
            let name = format!("{area} Combined Authority");
            (name.clone(), name)
        }
        _ => (area.to_owned(), area.to_owned()),
    };
    let short = (short != name).then_some(short);
    (name, short, aliases)
}

/// An NHS trust from a row of `uk_nhs_trusts.csv`: within the integrated care board that
/// supplies most of its admissions (OHID catchment data, 2022), joined by the board's name
/// because the 2022 and 2024 codes differ, when that board supplies at least half.
fn trust_body(
    row: &HashMap<String, String>,
    icb_by_name: &HashMap<String, String>,
    areas: &[Organisation],
    taken: &BTreeSet<String>,
) -> Result<Organisation, String> {
    let id = OrganisationId::new(cell(row, "id"))?;
    let name = small_words(cell(row, "name"));
    let lat = cell(row, "lat").parse::<f64>().map_err(|_| "lat is not a number".to_owned())?;
    let lon = cell(row, "lon").parse::<f64>().map_err(|_| "lon is not a number".to_owned())?;
    let kind = if cell(row, "trust_type_from_name") == "ambulance" {
        Kind::AmbulanceTrust
    } else {
        Kind::NhsTrust
    };
    let mut o = Organisation::new(id, name.clone(), Sector::Health, LatLon::new(lat, lon)?);
    o.kind = Some(kind);
    for suffix in [" NHS Foundation Trust", " NHS Trust"] {
        if let Some(core) = name.strip_suffix(suffix)
            && !taken.contains(&simple(core))
        {
            o.short_name = Some(core.to_owned());
        }
    }
    let mut notes = String::from(
        "Centre is the headquarters postcode geocoded through OpenStreetMap Nominatim (2022); \
         population not known.",
    );
    let share = cell(row, "main_icb22_share").parse::<f64>().ok();
    let icb = icb_by_name.get(&simple(cell(row, "main_icb22_name")));
    if let (Some(icb), Some(share)) = (icb, share)
        && share >= 0.5
    {
        let icb_id = OrganisationId::new(icb)?;
        if let Some(area) = areas.iter().find(|a| a.id == icb_id) {
            o.nation = area.nation.clone();
            o.region = area.region.clone();
        }
        if share < 1.0 {
            o.within_shares.insert(icb_id.clone(), share);
        }
        o.within.push(icb_id);
        notes.push_str(&format!(
            " Within {} by its main catchment ({:.0}% of admissions, OHID 2022).",
            cell(row, "main_icb22_name"),
            share * 100.0
        ));
    }
    o.notes = Some(notes);
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_are_read_from_descriptions() {
        let s = services_in_text(
            "3C Shared Services: ICT (lead Huntingdonshire), legal, building control",
        );
        let names: Vec<&str> = s.iter().map(crate::model::Enumeration::name).collect();
        assert_eq!(names, ["legal", "building_control", "ict"]);
        assert!(services_in_text("Shared headquarters at Nettleham").contains(Service::Estates));
        assert!(services_in_text("shared chief executive").contains(Service::ManagementTeam));
        assert!(!services_in_text("shared chief executive").contains(Service::Ict));
    }

    #[test]
    fn area_names_keep_the_source_and_add_search_forms() {
        let (name, short, aliases) = names("police_force", "Gloucestershire");
        assert_eq!(name, "Gloucestershire police force");
        assert_eq!(short.as_deref(), Some("Gloucestershire police"));
        assert!(aliases.contains(&"Gloucestershire Constabulary".to_owned()));
        let (name, _, aliases) = names("fire_and_rescue_authority", "Essex");
        assert_eq!(name, "Essex fire and rescue authority");
        assert!(aliases.contains(&"Essex County Fire and Rescue Service".to_owned()));
        assert_eq!(small_words("South Tyneside And Sunderland"), "South Tyneside and Sunderland");
    }
}
