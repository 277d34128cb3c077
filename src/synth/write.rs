//! Synthetic bodies out: as `Organisation`s (built one at a time, on demand), as a validated
//! `Dataset`, as a CSV table in the import format (`docs/import.md`) and as TOML profiles
//! (`profiles::to_toml`). Writers stream row by row to any `Write`; they never open files
//! (the CLI writes through `export::write_atomic`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use crate::dataset::Dataset;
use crate::diagnostic::{Diagnostics, Location, Place};
use crate::model::{
    Barrier, Enumeration, LatLon, Organisation, OrganisationId, Partnership, PoliticalControl,
    Reason, ServiceSet, Severity,
};
use crate::profiles::{Origin, Parsed, ParsedOrganisation, Places, to_toml};

use super::tables::name_stem;
use super::{Body, NONE, NOT_LISTED, SynthError, Synthetic};

/// The CSV columns, in order; each is a name `import` matches by default.
pub const CSV_COLUMNS: [&str; 21] = [
    "id",
    "name",
    "sector",
    "kind",
    "nation",
    "region",
    "parent",
    "police_force_area",
    "combined_authority",
    "lat",
    "lon",
    "population",
    "lead_party",
    "control",
    "reasons",
    "barriers",
    "services_sought",
    "services_offered",
    "partners",
    "neighbours",
    "payback",
];

/// A body's id: `S-` and seven digits, so that text order is index order.
fn write_id(out: &mut String, index: u32) {
    let _ = write!(out, "S-{:07}", u64::from(index) + 1);
}

fn id_text(index: u32) -> String {
    let mut s = String::with_capacity(9);
    write_id(&mut s, index);
    s
}

fn id(index: u32) -> Result<OrganisationId, SynthError> {
    OrganisationId::new(&id_text(index)).map_err(SynthError::Internal)
}

fn write_name(out: &mut String, body: &Body) {
    let _ = write!(out, "Synthetic {} {}", name_stem(body.kind), body.ordinal);
}

/// A severity stored in hundredths, as the number written and read back.
fn severity(hundredths: u8) -> f64 {
    f64::from(hundredths) / 100.0
}

fn services_text(out: &mut String, bits: u64, separator: char) {
    let mut first = true;
    for s in ServiceSet::from_bits(bits).iter() {
        if !first {
            out.push(separator);
        }
        first = false;
        out.push_str(s.name());
    }
}

impl Synthetic {
    fn body(&self, index: usize) -> Result<&Body, SynthError> {
        self.bodies.get(index).ok_or(SynthError::NoSuchBody(index))
    }

    fn area_name(&self, index: u32, out: &mut String) {
        if let Some(force) = self.bodies.get(index as usize) {
            let _ = write!(out, "Synthetic Police Area {}", force.ordinal);
        }
    }

    /// Body `index` (0-based; its id is `S-` and `index + 1` in seven digits) as a profile.
    pub fn organisation(&self, index: usize) -> Result<Organisation, SynthError> {
        let body = self.body(index)?;
        let location = LatLon::new(body.lat, body.lon).map_err(SynthError::Internal)?;
        let mut name = String::new();
        write_name(&mut name, body);
        let mut o = Organisation::new(id(index as u32)?, name, body.kind.sector(), location);
        let (region, nation) = self.regions[usize::from(body.region)];
        o.kind = Some(body.kind);
        o.tier = body.kind.implied_tier();
        o.nation = Some(nation.to_owned());
        o.region = Some(region.to_owned());
        if body.parent != NONE {
            o.parent = Some(id(body.parent)?);
        }
        if body.force != NONE {
            let mut area = String::new();
            self.area_name(body.force, &mut area);
            o.police_force_area = Some(area);
        }
        if body.combined != NONE {
            let mut ca = String::new();
            write_name(&mut ca, self.body(body.combined as usize)?);
            o.combined_authority = Some(ca);
        }
        o.population = (body.population > 0).then_some(u64::from(body.population));
        o.political_control = body.control.map(|(lead_party, control)| PoliticalControl {
            lead_party,
            control,
            label: None,
            as_of: None,
        });
        o.reasons = body.reasons.map(|r| r.as_slice().to_vec());
        o.barriers = match body.barriers {
            Some(b) => {
                let mut map = BTreeMap::new();
                for (barrier, h) in Barrier::all().iter().zip(b) {
                    if h != NOT_LISTED {
                        map.insert(
                            *barrier,
                            Severity::new(severity(h)).map_err(SynthError::Internal)?,
                        );
                    }
                }
                Some(map)
            }
            None => None,
        };
        o.services_sought = Some(ServiceSet::from_bits(body.sought));
        o.services_offered = Some(ServiceSet::from_bits(body.offered));
        let mut partnerships = Vec::new();
        for &(partner, services) in self.partners_of(index) {
            partnerships.push(Partnership {
                partner: id(partner)?,
                services: ServiceSet::from_bits(services),
                since: None,
                name: None,
                kind: None,
                source: None,
            });
        }
        o.partnerships = Some(partnerships);
        o.neighbours =
            self.neighbours_of(index).iter().map(|&n| id(n)).collect::<Result<_, _>>()?;
        o.payback = body.payback;
        Ok(o)
    }

    /// Every body as a profile, in id order.
    pub fn organisations(&self) -> impl Iterator<Item = Result<Organisation, SynthError>> + '_ {
        (0..self.len()).map(|i| self.organisation(i))
    }

    /// The bodies as a validated dataset, checked by `Dataset::from_parsed` like any loaded
    /// data (so an invalid generation would be reported, not hidden). Holds every
    /// `Organisation` in memory: for tests and benches, not for a million bodies.
    pub fn to_dataset(&self) -> Result<Dataset, Diagnostics> {
        let file: Arc<Path> = Arc::from(Path::new("<synthetic>"));
        let place = |field: &str| Place::new(Location::file(file.clone()), field);
        let mut parsed = Parsed::default();
        for i in 0..self.len() {
            let organisation = match self.organisation(i) {
                Ok(o) => o,
                Err(err) => {
                    parsed.diagnostics.push(place("id").diagnostic(err.to_string()));
                    continue;
                }
            };
            let origin = Origin {
                table: place("organisation"),
                id: place("id"),
                parent: organisation.parent.as_ref().map(|_| place("parent")),
                neighbours: Places::repeated(place("neighbours"), organisation.neighbours.len()),
                partners: Places::repeated(
                    place("partners"),
                    organisation.partnerships.as_ref().map_or(0, Vec::len),
                ),
                within: Places::default(),
            };
            parsed.organisations.push(ParsedOrganisation { organisation, origin });
        }
        let description = format!(
            "synthetic data like {} (seed {}, {} bodies)",
            self.settings.like().label(),
            self.settings.seed(),
            self.len()
        );
        Dataset::from_parsed(parsed, description)
    }

    /// Writes the bodies as a CSV table with the columns `CSV_COLUMNS`, one row per body in
    /// id order, lists separated by `;` and `none` for known-empty lists, as `import` and
    /// `--data table.csv` read it. No cell needs quoting (names, regions and vocabulary
    /// names hold no comma, quote or line break). Streams: memory does not grow with the
    /// number of bodies.
    pub fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut line = String::with_capacity(1024);
        line.push_str(&CSV_COLUMNS.join(","));
        line.push('\n');
        out.write_all(line.as_bytes())?;
        for (i, body) in self.bodies.iter().enumerate() {
            line.clear();
            self.csv_row(i, body, &mut line);
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    fn csv_row(&self, i: usize, body: &Body, line: &mut String) {
        let (region, nation) = self.regions[usize::from(body.region)];
        write_id(line, i as u32);
        line.push(',');
        write_name(line, body);
        let _ =
            write!(line, ",{},{},{nation},{region},", body.kind.sector().name(), body.kind.name());
        if body.parent != NONE {
            write_id(line, body.parent);
        }
        line.push(',');
        if body.force != NONE {
            self.area_name(body.force, line);
        }
        line.push(',');
        if let Some(ca) = self.bodies.get(body.combined as usize) {
            write_name(line, ca);
        }
        let _ = write!(line, ",{},{},", body.lat, body.lon);
        if body.population > 0 {
            let _ = write!(line, "{}", body.population);
        }
        line.push(',');
        if let Some((party, control)) = body.control {
            if let Some(p) = party {
                line.push_str(p.name());
            }
            line.push(',');
            line.push_str(control.name());
        } else {
            line.push(',');
        }
        line.push(',');
        match body.reasons {
            Some(r) if r.len == 0 => line.push_str("none"),
            Some(r) => join(line, r.as_slice().iter().map(|x: &Reason| x.name())),
            None => {}
        }
        line.push(',');
        if let Some(b) = body.barriers {
            let mut first = true;
            for (barrier, h) in Barrier::all().iter().zip(b) {
                if h != NOT_LISTED {
                    if !first {
                        line.push(';');
                    }
                    first = false;
                    let _ = write!(line, "{}:{}", barrier.name(), severity(h));
                }
            }
        }
        line.push(',');
        for bits in [body.sought, body.offered] {
            if bits == 0 {
                line.push_str("none");
            } else {
                services_text(line, bits, ';');
            }
            line.push(',');
        }
        let partners = self.partners_of(i);
        if partners.is_empty() {
            line.push_str("none");
        }
        for (k, &(partner, services)) in partners.iter().enumerate() {
            if k > 0 {
                line.push(';');
            }
            write_id(line, partner);
            if services != 0 {
                line.push(':');
                services_text(line, services, '+');
            }
        }
        line.push(',');
        for (k, &n) in self.neighbours_of(i).iter().enumerate() {
            if k > 0 {
                line.push(';');
            }
            write_id(line, n);
        }
        line.push(',');
        if let Some(p) = body.payback {
            line.push_str(p.name());
        }
        line.push('\n');
    }

    /// Writes the bodies as TOML profiles (`[[organisation]]` tables, `profiles::to_toml`),
    /// with a comment saying they are synthetic. Streams one body at a time.
    pub fn write_toml(&self, out: &mut dyn Write) -> io::Result<()> {
        let settings = &self.settings;
        let header = format!(
            "Synthetic bodies generated by partnermatch: {} bodies like {}, seed {}.\n\
             Every body, name and figure here is fictional (see docs/synthetic.md).",
            self.len(),
            settings.like().label(),
            settings.seed()
        );
        out.write_all(to_toml(&[], &header).as_bytes())?;
        for organisation in self.organisations() {
            let organisation = organisation.map_err(io::Error::other)?;
            out.write_all(b"\n")?;
            out.write_all(to_toml(std::slice::from_ref(&organisation), "").as_bytes())?;
        }
        Ok(())
    }
}

fn join<'a>(line: &mut String, items: impl Iterator<Item = &'a str>) {
    for (k, item) in items.enumerate() {
        if k > 0 {
            line.push(';');
        }
        line.push_str(item);
    }
}
