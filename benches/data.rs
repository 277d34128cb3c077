//! Shared generators of clearly synthetic bench data (fictional bodies on a grid).

use std::fmt::Write as _;

/// `n` synthetic bodies as one TOML file of `[[organisation]]` tables, each with a neighbour
/// and a partnership so that reference checks do real work.
pub fn profiles_toml(n: usize) -> String {
    let mut out = String::with_capacity(n * 400);
    let side = (n as f64).sqrt().ceil() as usize;
    for i in 0..n {
        let (row, col) = (i / side, i % side);
        let lat = 50.0 + row as f64 * 0.05;
        let lon = -4.0 + col as f64 * 0.05;
        let next = (i + 1) % n;
        let _ = write!(
            out,
            "[[organisation]]\nid = \"S{i:07}\"\nname = \"Synthetic Council {i}\"\n\
             sector = \"local_government\"\nkind = \"district\"\n\
             location = {{ lat = {lat:.4}, lon = {lon:.4} }}\npopulation = {}\n\
             reasons = [\"cost_reduction\", \"resilience\"]\n\
             barriers = {{ job_losses = 0.6, silo_mentality = 0.2 }}\n\
             services_sought = [\"legal\", \"ict\"]\nneighbours = [\"S{next:07}\"]\n\n\
             [[organisation.partnership]]\npartner = \"S{next:07}\"\nservices = [\"audit\"]\n\n",
            20_000 + (i * 7919) % 300_000
        );
    }
    out
}

/// `n` fictional bodies spread like a national set of public bodies: clustered into 12
/// regions and counties, mostly district councils under county councils, with unitaries,
/// police, fire and NHS bodies; populations, political control, services, reasons and
/// barriers known for some; each local-government body's four nearest ones as land
/// neighbours; a few partnerships. Seeded: the same `n` and `seed` give the same bodies.
/// Clearly synthetic (ids `Z0000001`, names "Synthetic body 1"); for benches only.
pub fn national_bodies(n: usize, seed: u64) -> Vec<partnermatch::model::Organisation> {
    use partnermatch::model::{
        Barrier, ControlType, Enumeration, Kind, LatLon, Organisation, OrganisationId, Partnership,
        Party, PoliticalControl, Reason, Sector, Service, ServiceSet, Severity,
    };
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let id = |i: usize| OrganisationId::new(&format!("Z{i:07}")).expect("valid id");
    let regions: Vec<(f64, f64)> =
        (0..12).map(|_| (rng.random_range(50.5..57.5), rng.random_range(-5.0..1.5))).collect();
    // About one county per 12 bodies; districts sit around their county's centre.
    let n_counties = (n / 12).max(1);
    let counties: Vec<(usize, f64, f64)> = (0..n_counties)
        .map(|_| {
            let r = rng.random_range(0..regions.len());
            let (lat, lon) = regions[r];
            (r, lat + rng.random_range(-1.0..1.0), lon + rng.random_range(-1.2..1.2))
        })
        .collect();
    let services: Vec<Service> = Service::all()[..12].to_vec();
    let mut bodies: Vec<Organisation> = Vec::with_capacity(n);
    let mut county_body: Vec<Option<usize>> = vec![None; n_counties];
    for i in 0..n {
        let c = rng.random_range(0..n_counties);
        let (region, clat, clon) = counties[c];
        let roll = rng.random_range(0.0..1.0);
        let (sector, kind, population): (Sector, Kind, f64) = if county_body[c].is_none() {
            (Sector::LocalGovernment, Kind::County, rng.random_range(300_000.0..1_500_000.0))
        } else if roll < 0.62 {
            (Sector::LocalGovernment, Kind::District, rng.random_range(40_000.0..200_000.0))
        } else if roll < 0.75 {
            (Sector::LocalGovernment, Kind::Unitary, rng.random_range(100_000.0..500_000.0))
        } else if roll < 0.82 {
            (Sector::Police, Kind::PoliceForce, rng.random_range(500_000.0..2_500_000.0))
        } else if roll < 0.88 {
            (Sector::Fire, Kind::FireAndRescueAuthority, rng.random_range(300_000.0..2_000_000.0))
        } else {
            (Sector::Health, Kind::NhsTrust, rng.random_range(200_000.0..900_000.0))
        };
        let spread = if kind == Kind::County { 0.05 } else { 0.35 };
        let lat = (clat + rng.random_range(-spread..spread)).clamp(49.0, 60.0);
        let lon = (clon + rng.random_range(-spread..spread) * 1.6).clamp(-8.0, 2.0);
        let mut o = Organisation::new(
            id(i),
            format!("Synthetic body {i}"),
            sector,
            LatLon::new(lat, lon).expect("valid location"),
        );
        o.kind = Some(kind);
        o.region = Some(format!("Synthetic region {region}"));
        o.nation = Some("Synthetica".to_owned());
        o.population = Some(population as u64);
        if kind == Kind::County {
            county_body[c] = Some(i);
        } else if kind == Kind::District {
            o.parent = county_body[c].map(id);
        }
        if rng.random_bool(0.6) {
            let pick = |rng: &mut ChaCha8Rng| -> ServiceSet {
                services.iter().copied().filter(|_| rng.random_bool(0.2)).collect()
            };
            o.services_sought = Some(pick(&mut rng));
            o.services_offered = Some(pick(&mut rng));
        }
        if rng.random_bool(0.5) {
            o.reasons =
                Some(Reason::all().iter().copied().filter(|_| rng.random_bool(0.5)).collect());
            let mut barriers = std::collections::BTreeMap::new();
            for b in Barrier::all() {
                if rng.random_bool(0.5) {
                    barriers
                        .insert(*b, Severity::new(rng.random_range(0.0..1.0)).expect("severity"));
                }
            }
            o.barriers = Some(barriers);
        }
        if sector == Sector::LocalGovernment && rng.random_bool(0.9) {
            o.political_control = Some(PoliticalControl {
                lead_party: Some(Party::all()[rng.random_range(0..4)]),
                control: ControlType::all()[rng.random_range(0..ControlType::all().len())],
                label: None,
                as_of: None,
            });
        }
        bodies.push(o);
    }
    // Land neighbours: each local-government body's four nearest local-government bodies, by a
    // grid of 0.25-degree cells.
    let cell = |lat: f64, lon: f64| ((lat * 4.0).floor() as i64, (lon * 4.0).floor() as i64);
    let mut grid: std::collections::BTreeMap<(i64, i64), Vec<usize>> = Default::default();
    for (i, o) in bodies.iter().enumerate() {
        if o.sector == Sector::LocalGovernment && o.kind != Some(Kind::County) {
            grid.entry(cell(o.location.lat, o.location.lon)).or_default().push(i);
        }
    }
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, o) in bodies.iter().enumerate() {
        if o.sector != Sector::LocalGovernment || o.kind == Some(Kind::County) {
            continue;
        }
        let (r, c) = cell(o.location.lat, o.location.lon);
        let mut near: Vec<(f64, usize)> = Vec::new();
        for dr in -1..=1 {
            for dc in -1..=1 {
                for &j in grid.get(&(r + dr, c + dc)).map(Vec::as_slice).unwrap_or(&[]) {
                    if j != i {
                        near.push((o.location.distance(bodies[j].location).0, j));
                    }
                }
            }
        }
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        neighbours[i] = near.iter().take(4).map(|&(_, j)| j).collect();
    }
    for (i, list) in neighbours.into_iter().enumerate() {
        bodies[i].neighbours = list.into_iter().map(id).collect();
    }
    // A few partnerships with a neighbour.
    for body in &mut bodies {
        if rng.random_bool(0.08)
            && let Some(partner) = body.neighbours.first().cloned()
        {
            body.partnerships = Some(vec![Partnership {
                partner,
                services: [Service::Legal].into_iter().collect(),
                since: None,
                name: None,
            }]);
        }
    }
    bodies
}
