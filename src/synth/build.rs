//! The generator itself: apportions the country's bodies to the number asked for, places them
//! in nested clusters (region → anchor → body), draws their traits, then links land neighbours
//! and partnerships. Sequential by design: one ChaCha8 stream per phase, so the output depends
//! on the settings alone. O(n log n) time (the neighbour search), O(n) memory.

use crate::model::{ControlType, Enumeration, Kind, Party, Payback, Reason, Service};

use super::random::{Draw, logistic};
use super::spatial::{chord_for_km, nearest_pairs, unit_vector};
use super::tables::{self, Country, Place, Plan, Region};
use super::{Body, NONE, NOT_LISTED, ReasonList, Settings, Synthetic};

/// Streams of the seed, one per phase.
const STREAM_PLACES: u64 = 1;
const STREAM_TRAITS: u64 = 2;
const STREAM_PARTNERSHIPS: u64 = 3;

/// Land neighbours: each body's `K_NEAREST` nearest bodies of its layer, made symmetric.
const K_NEAREST: usize = 4;

/// The neighbour search radius: this many times the mean spacing of the layer's bodies, at
/// most `MAX_NEIGHBOUR_KM`.
const NEIGHBOUR_SPACINGS: f64 = 4.0;
const MAX_NEIGHBOUR_KM: f64 = 300.0;

/// Kilometres per degree of latitude (mean Earth radius).
const KM_PER_DEGREE: f64 = crate::model::EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;

/// Generates a synthetic dataset. Never fails: `Settings` are checked when built.
///
/// O(n log n) time and O(n) memory for n bodies.
pub fn generate(settings: &Settings) -> Synthetic {
    let country = tables::country(settings.like());
    let counts = apportion(settings.n_bodies(), &country);
    let mut bodies = place_bodies(settings.seed(), &country, &counts);
    draw_traits(settings.seed(), &country, &mut bodies);
    let (neighbour_offsets, neighbours) = link_neighbours(&country, &bodies);
    let (partner_offsets, partners) =
        link_partnerships(settings.seed(), &bodies, &neighbour_offsets, &neighbours);
    Synthetic {
        settings: *settings,
        regions: country.regions.iter().map(|r| (r.name, r.nation)).collect(),
        bodies,
        neighbour_offsets,
        neighbours,
        partner_offsets,
        partners,
    }
}

/// How many bodies each (plan, region) cell gets: `n` shared in proportion to the real counts
/// by the largest-remainder method (Hamilton), ties to the earlier cell. Exact: the counts sum
/// to `n`.
fn apportion(n: usize, country: &Country) -> Vec<Vec<usize>> {
    let cells: Vec<f64> = country.plans.iter().flat_map(|p| p.counts.iter().copied()).collect();
    let total: f64 = cells.iter().sum();
    let quotas: Vec<f64> = cells.iter().map(|c| n as f64 * c / total).collect();
    let mut whole: Vec<usize> = quotas.iter().map(|q| q.floor() as usize).collect();
    let given: usize = whole.iter().sum();
    let mut order: Vec<usize> = (0..cells.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (quotas[a] - quotas[a].floor(), quotas[b] - quotas[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().take(n.saturating_sub(given)) {
        whole[i] += 1;
    }
    let mut out = Vec::with_capacity(country.plans.len());
    let mut cell = 0;
    for plan in &country.plans {
        out.push(whole[cell..cell + plan.counts.len()].to_vec());
        cell += plan.counts.len();
    }
    out
}

/// A point drawn about a centre with north and east standard deviations in km, kept inside
/// the country's box (redrawn up to 16 times, then clamped), rounded to 5 decimals (about 1 m).
fn scatter(
    draw: &mut Draw,
    country: &Country,
    centre: (f64, f64),
    sd_km: (f64, f64),
) -> (f64, f64) {
    let km_per_degree_east = KM_PER_DEGREE * libm::cos(centre.0.to_radians()).max(0.1);
    let mut point = centre;
    for _ in 0..16 {
        let lat = centre.0 + draw.normal() * sd_km.0 / KM_PER_DEGREE;
        let lon = centre.1 + draw.normal() * sd_km.1 / km_per_degree_east;
        point = (lat, lon);
        if (country.lat.0..=country.lat.1).contains(&lat)
            && (country.lon.0..=country.lon.1).contains(&lon)
        {
            break;
        }
    }
    let round = |x: f64| (x * 1e5).round() / 1e5;
    (
        round(point.0.clamp(country.lat.0, country.lat.1)),
        round(point.1.clamp(country.lon.0, country.lon.1)),
    )
}

/// The bodies able to anchor a plan in one region, with the cumulative weights to draw them
/// by, and the radius of the territory each one covers.
struct Anchors {
    members: Vec<u32>,
    cumulative: Vec<f64>,
    territory_km: f64,
}

fn anchors_in(
    region: &Region,
    region_index: usize,
    kinds: &[(Kind, f64)],
    by_size: bool,
    members: &[Vec<Vec<u32>>],
    bodies: &[Body],
) -> Anchors {
    let mut list = Vec::new();
    let mut cumulative = Vec::new();
    let mut total = 0.0;
    for (kind, weight) in kinds {
        for &b in &members[*kind as usize][region_index] {
            let size = bodies[b as usize].population;
            let w = if by_size && size > 0 { weight * f64::from(size).sqrt() } else { *weight };
            total += w;
            list.push(b);
            cumulative.push(total);
        }
    }
    // The region's area shared among the anchors: the radius of a disc of that share, with
    // the region's area taken as that of a disc of radius two standard deviations.
    let region_sd = (region.sd_north_km * region.sd_east_km).sqrt();
    let territory_km = 2.0 * region_sd / (list.len().max(1) as f64).sqrt();
    Anchors { members: list, cumulative, territory_km }
}

/// Places every body: the plans in order (anchors first), each plan's regions in order.
fn place_bodies(seed: u64, country: &Country, counts: &[Vec<usize>]) -> Vec<Body> {
    let mut draw = Draw::new(seed, STREAM_PLACES);
    let n: usize = counts.iter().flatten().sum();
    let mut bodies: Vec<Body> = Vec::with_capacity(n);
    // Bodies by kind and region, to find anchors.
    let mut members: Vec<Vec<Vec<u32>>> =
        vec![vec![Vec::new(); country.regions.len()]; Kind::all().len()];
    let mut ordinals = vec![0u32; Kind::all().len()];
    // The combined authority of each police force area, by police force body.
    let mut combined_of_force: std::collections::HashMap<u32, u32> = Default::default();
    for (plan, plan_counts) in country.plans.iter().zip(counts) {
        for (r, (&count, region)) in plan_counts.iter().zip(&country.regions).enumerate() {
            if count == 0 {
                continue;
            }
            let anchors = match plan.place {
                Place::Around { anchors, by_size, .. } => {
                    Some(anchors_in(region, r, anchors, by_size, &members, &bodies))
                }
                Place::Region { .. } => None,
            }
            .filter(|a| !a.members.is_empty());
            for j in 0..count {
                let index = bodies.len() as u32;
                let (mut body, anchor) = new_body(
                    &mut draw,
                    country,
                    plan,
                    r,
                    j,
                    anchors.as_ref(),
                    &bodies,
                    &combined_of_force,
                );
                // A combined authority covers the police force area it was placed in (the
                // first one placed there, if several are).
                if let Some(a) = anchor
                    && body.kind == Kind::CombinedAuthority
                    && bodies[a as usize].kind == Kind::PoliceForce
                {
                    combined_of_force.entry(a).or_insert(index);
                }
                ordinals[body.kind as usize] += 1;
                body.ordinal = ordinals[body.kind as usize];
                members[body.kind as usize][r].push(index);
                bodies.push(body);
            }
        }
    }
    bodies
}

/// One body of a plan in region `r`, the `j`-th of its cell.
#[allow(clippy::too_many_arguments)]
fn new_body(
    draw: &mut Draw,
    country: &Country,
    plan: &Plan,
    r: usize,
    j: usize,
    anchors: Option<&Anchors>,
    bodies: &[Body],
    combined_of_force: &std::collections::HashMap<u32, u32>,
) -> (Body, Option<u32>) {
    let region = &country.regions[r];
    let mut body = Body {
        kind: plan.kind,
        region: r as u8,
        ordinal: 0,
        parent: NONE,
        force: NONE,
        combined: NONE,
        lat: region.lat,
        lon: region.lon,
        population: 0,
        control: None,
        reasons: None,
        barriers: None,
        sought: 0,
        offered: 0,
        payback: None,
    };
    let mut chosen = None;
    match (plan.place, anchors) {
        (Place::Around { in_turn, parent, inherit, spread, .. }, Some(anchors)) => {
            let pick = if in_turn {
                j % anchors.members.len()
            } else {
                draw.weighted_cumulative(&anchors.cumulative).unwrap_or(0)
            };
            let a = anchors.members[pick];
            let anchor = &bodies[a as usize];
            let sd = spread * anchors.territory_km;
            (body.lat, body.lon) = scatter(draw, country, (anchor.lat, anchor.lon), (sd, sd));
            chosen = Some(a);
            if parent {
                body.parent = a;
            }
            if inherit && anchor.kind == Kind::PoliceForce {
                body.force = a;
                body.combined = combined_of_force.get(&a).copied().unwrap_or(NONE);
            } else if inherit {
                body.force = anchor.force;
                body.combined = anchor.combined;
            }
        }
        (Place::Region { spread }, _) => {
            let sd = (spread * region.sd_north_km, spread * region.sd_east_km);
            (body.lat, body.lon) = scatter(draw, country, (region.lat, region.lon), sd);
        }
        (Place::Around { .. }, None) => {
            let sd = (0.8 * region.sd_north_km, 0.8 * region.sd_east_km);
            (body.lat, body.lon) = scatter(draw, country, (region.lat, region.lon), sd);
        }
    }
    if let Some(p) = plan.population {
        let (value, _) = draw.log_normal(p.median, p.sigma);
        body.population = value.clamp(p.min, p.max).round().max(1.0) as u32;
    }
    (body, chosen)
}

/// The size of a body relative to its kind, as a normal deviate (0 when unknown).
fn size_score(country: &Country, body: &Body) -> f64 {
    let plan = country.plans.iter().find(|p| p.kind == body.kind);
    match (plan.and_then(|p| p.population), body.population) {
        (Some(p), n) if n > 0 && p.sigma > 0.0 => libm::log(f64::from(n) / p.median) / p.sigma,
        _ => 0.0,
    }
}

/// Draws political control, reasons, barriers, services sought and offered, and payback.
fn draw_traits(seed: u64, country: &Country, bodies: &mut [Body]) {
    let mut draw = Draw::new(seed, STREAM_TRAITS);
    let service_weights: Vec<Vec<f64>> =
        Kind::all().iter().map(|k| tables::service_weights(*k)).collect();
    for body in bodies.iter_mut() {
        let nation = country.regions[usize::from(body.region)].nation;
        if tables::has_political_control(body.kind) {
            body.control = Some(draw_control(&mut draw, nation, body.kind));
        }
        let surveyed = !draw.chance(tables::UNSURVEYED);
        let no_benefit = surveyed && draw.chance(tables::NO_BENEFIT);
        if surveyed {
            body.reasons = Some(draw_reasons(&mut draw, no_benefit));
            body.barriers = Some(draw_barriers(&mut draw));
            body.payback = draw.weighted(&tables::PAYBACK).map(|i| Payback::all()[i]);
        }
        let weights = &service_weights[body.kind as usize];
        if !no_benefit {
            let k = draw.count(0.6, 8);
            body.sought = draw.weighted_subset(weights, k);
        }
        // Larger bodies of a kind offer services more often (judgement: providers in the LGA
        // case studies are mostly the larger partner).
        let offers = logistic(-0.3 + size_score(country, body));
        if draw.chance(offers) {
            let k = draw.count(0.55, 6);
            body.offered = draw.weighted_subset(weights, k);
        }
    }
}

fn draw_control(draw: &mut Draw, nation: &str, kind: Kind) -> (Option<Party>, ControlType) {
    let (parties, controls) = tables::party_mix(nation, kind);
    let weights: Vec<f64> = controls.iter().map(|c| c.1).collect();
    let control = draw.weighted(&weights).map_or(ControlType::Noc, |i| controls[i].0);
    let weights: Vec<f64> = parties.iter().map(|p| p.1).collect();
    let party = draw.weighted(&weights).map(|i| parties[i].0);
    // Under no overall control the largest party is named about half the time (always in
    // Northern Ireland, where the shipped data names it).
    let named = control != ControlType::Noc || nation == "Northern Ireland" || draw.chance(0.5);
    (party.filter(|_| named), control)
}

/// Reasons for sharing: each included with its survey prevalence (conditional on seeing some
/// benefit, so that the share over all bodies matches), ordered by a Plackett–Luce draw.
fn draw_reasons(draw: &mut Draw, no_benefit: bool) -> ReasonList {
    let mut list = ReasonList { len: 0, items: [Reason::CostReduction; 6] };
    if no_benefit {
        return list;
    }
    // Exponential race: reason i finishes at Exp(rate w_i); the finishing order is a
    // Plackett–Luce ranking with weights w (Luce 1959).
    let mut times: Vec<(f64, usize)> = Vec::with_capacity(6);
    for (i, (share, weight)) in tables::REASONS.iter().enumerate() {
        let p = (share / (1.0 - tables::NO_BENEFIT)).min(1.0);
        let time = -libm::log(1.0 - draw.unit()) / weight;
        if draw.chance(p) {
            times.push((time, i));
        }
    }
    if times.is_empty() {
        times.push((0.0, 0)); // someone who sees a benefit has at least the main reason
    }
    times.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (slot, (_, i)) in times.iter().enumerate() {
        list.items[slot] = Reason::all()[*i];
    }
    list.len = times.len() as u8;
    list
}

/// Barrier severities: logistic of the barrier's centre plus a body-wide wariness and a
/// barrier-specific term, so that a wary body is wary of everything, in hundredths.
fn draw_barriers(draw: &mut Draw) -> [u8; 6] {
    let wariness = draw.normal();
    let mut out = [NOT_LISTED; 6];
    for (slot, centre) in out.iter_mut().zip(tables::BARRIER_CENTRES) {
        let own = draw.normal();
        let severity = logistic(centre + 0.6 * wariness + 0.8 * own);
        if draw.chance(tables::BARRIER_LISTED) {
            *slot = (severity * 100.0).round().clamp(0.0, 100.0) as u8;
        }
    }
    if out.iter().all(|s| *s == NOT_LISTED) {
        let severity = logistic(tables::BARRIER_CENTRES[0] + 0.6 * wariness);
        out[0] = (severity * 100.0).round().clamp(0.0, 100.0) as u8;
    }
    out
}

/// Land neighbours: for each layer, every body's nearest bodies of the layer within the
/// radius, made symmetric; a body in two layers (a unitary council) gets both sets. Returns
/// CSR offsets and the sorted lists. O(n log n).
fn link_neighbours(country: &Country, bodies: &[Body]) -> (Vec<u32>, Vec<u32>) {
    let mut pairs: Vec<(u32, u32, ())> = Vec::new();
    for layer in &country.layers {
        let members: Vec<u32> = (0..bodies.len() as u32)
            .filter(|&i| layer.contains(&bodies[i as usize].kind))
            .collect();
        if members.len() < 2 {
            continue;
        }
        let points: Vec<[f64; 3]> = members
            .iter()
            .map(|&i| unit_vector(bodies[i as usize].lat, bodies[i as usize].lon))
            .collect();
        let spacing_km = (country.area_km2 / members.len() as f64).sqrt();
        let radius_km = (NEIGHBOUR_SPACINGS * spacing_km).min(MAX_NEIGHBOUR_KM);
        for (a, b) in nearest_pairs(&points, K_NEAREST, chord_for_km(radius_km)) {
            pairs.push((members[a as usize], members[b as usize], ()));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let (offsets, list) = csr(bodies.len(), &pairs);
    (offsets, list.into_iter().map(|(j, ())| j).collect())
}

/// Builds symmetric adjacency lists from sorted, distinct pairs `(a, b, value)`, `a < b`:
/// both directions, every list sorted by the other end. Lists hold fewer than 2^32 entries
/// (at most about 60 per body, and at most `MAX_BODIES` bodies).
fn csr<T: Copy>(n: usize, pairs: &[(u32, u32, T)]) -> (Vec<u32>, Vec<(u32, T)>) {
    let mut offsets = vec![0u32; n + 1];
    for &(a, b, _) in pairs {
        offsets[a as usize + 1] += 1;
        offsets[b as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut fill: Vec<u32> = offsets[..n].to_vec();
    // Filling in pair order keeps each list sorted: for a fixed end, the other ends arrive in
    // increasing order (pairs are sorted by `a`, then `b`, and every `a` < `b`).
    let mut slots: Vec<Option<(u32, T)>> = vec![None; offsets[n] as usize];
    for &(a, b, v) in pairs {
        slots[fill[a as usize] as usize] = Some((b, v));
        fill[a as usize] += 1;
        slots[fill[b as usize] as usize] = Some((a, v));
        fill[b as usize] += 1;
    }
    (offsets, slots.into_iter().flatten().collect())
}

/// Sparse local partnerships: a body starts one with a random land neighbour with its kind's
/// chance, sharing services both want (or, failing that, one or two the starter seeks); and
/// the police force and fire and rescue authority of an area pair up with
/// `BLUE_LIGHT_PARTNERSHIP`. Recorded on both sides, at most one per pair.
fn link_partnerships(
    seed: u64,
    bodies: &[Body],
    neighbour_offsets: &[u32],
    neighbours: &[u32],
) -> (Vec<u32>, Vec<(u32, u64)>) {
    let mut draw = Draw::new(seed, STREAM_PARTNERSHIPS);
    let mut pairs: Vec<(u32, u32, u64)> = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        let chance = tables::partnership_chance(body.kind);
        let near = &neighbours[neighbour_offsets[i] as usize..neighbour_offsets[i + 1] as usize];
        if chance <= 0.0 || near.is_empty() || !draw.chance(chance) {
            continue;
        }
        let j = near[draw.below(near.len())];
        let services = shared_services(&mut draw, body, &bodies[j as usize]);
        let i = i as u32;
        pairs.push((i.min(j), i.max(j), services));
    }
    let blue_light = [Service::ControlRoom, Service::Estates, Service::Fleet, Service::Training]
        .map(|s| 1u64 << (s as u32));
    for (i, body) in bodies.iter().enumerate() {
        if body.kind == Kind::FireAndRescueAuthority
            && body.force != NONE
            && draw.chance(tables::BLUE_LIGHT_PARTNERSHIP)
        {
            let k = draw.count(0.5, 2);
            let subset = draw.weighted_subset(&[1.0; 4], k);
            let services =
                (0..4).filter(|b| subset & (1 << b) != 0).fold(0, |s, b| s | blue_light[b]);
            pairs.push((body.force.min(i as u32), body.force.max(i as u32), services));
        }
    }
    // One partnership per pair: the first drawn.
    pairs.sort_by_key(|p| (p.0, p.1));
    pairs.dedup_by_key(|p| (p.0, p.1));
    csr(bodies.len(), &pairs)
}

/// The services of a new partnership between `a` (who starts it) and `b`: up to three that
/// one seeks and the other seeks or offers; else one or two that `a` seeks; else (when `a`
/// seeks nothing) one or two that `b` seeks or offers; never empty unless neither has any.
fn shared_services(draw: &mut Draw, a: &Body, b: &Body) -> u64 {
    let common = (a.sought & (b.sought | b.offered)) | (b.sought & a.offered);
    let pool = [common, a.sought, b.sought | b.offered, a.offered]
        .into_iter()
        .find(|s| *s != 0)
        .unwrap_or(1 << (Service::Procurement as u32));
    let weights: Vec<f64> =
        (0..64).map(|bit| if pool & (1 << bit) != 0 { 1.0 } else { 0.0 }).collect();
    let k = if pool == common { draw.count(0.5, 3) } else { draw.count(0.4, 2) };
    draw.weighted_subset(&weights, k)
}
