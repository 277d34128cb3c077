//! Calibrates the value functions' judgement parameters against real partnerships, by
//! leave-one-arrangement-out cross-validation (`docs/validity.md`, "Calibrating the value
//! functions"): the proximity half-distances, what containment scores, the county–district
//! kind fit, the size-fit scale, the shared-geography levels, the common-partner curve of trust
//! and the no-data value. Never in-sample: each held-out arrangement is ranked with the setting
//! chosen on the others.
//!
//! Run: `cargo run --release --example calibrate -- ../shared/data/uk/uk_partnerships_dev.csv`
//!
//! The criteria values of every pair are the engine's, computed once per arrangement with its
//! own partnership links hidden (as `partnermatch evaluate` does); a setting then changes only
//! the values its parameters govern, with the engine's formulas. The harness checks, pair by
//! pair, that the settings in force give the engine's values bit for bit, so that it measures
//! the engine and not a copy that has drifted from it.

// An example prints its results.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::ExitCode;

use partnermatch::analysis::evaluate::{Arrangement, K_VALUES, Tally, hide_links, leave_one_out};
use partnermatch::dataset::Dataset;
use partnermatch::engine::Engine;
use partnermatch::index::NONE;
use partnermatch::model::{Criterion, Kind};
use partnermatch::rank::{Eligibility, RankSettings, context};
use partnermatch::score::{Mutual, PairFacts, kind_fit, one_area, sector_fit};
use partnermatch::weights::{Survey, WeightSettings};
use rayon::prelude::*;

const C: usize = Criterion::COUNT;
const PROXIMITY: usize = Criterion::Proximity.index();
const KIND: usize = Criterion::KindFit.index();
const SIZE: usize = Criterion::SizeFit.index();
const TRUST: usize = Criterion::Trust.index();
const GEOGRAPHY: usize = Criterion::SharedGeography.index();

/// The parameters a setting may change. The first setting of every dimension is the engine's.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Setting {
    /// Proximity half-distance for bodies that neither touch nor contain one another (km).
    half_km: f64,
    /// Proximity of bodies sharing a boundary: 1 (infinite), or 0.5^(d / this) (km), never
    /// below the value at `half_km`.
    neighbour_half_km: f64,
    /// What one body inside the other's area scores on proximity.
    containment: Containment,
    /// Kind fit of a county council and a district council.
    county_district: f64,
    /// Kind fit of a county council and a district council inside it (two tiers of one area).
    county_own_district: Option<f64>,
    /// Trust of a body and an area it lies within (statutory partners), when not partners.
    statutory_trust: f64,
    /// The size ratio at which size fit reaches 0 (10: tenfold); infinite for no size fit.
    size_scale: f64,
    /// Shared geography in the same region, and in the same nation.
    region: f64,
    nation: f64,
    /// Trust with c partners in common: 1 − base^c.
    common_base: f64,
    /// The value of a criterion with no data.
    neutral: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Containment {
    /// 1, as a shared boundary.
    One,
    /// As a shared boundary (`neighbour_half_km`).
    AsBoundary,
    /// By distance only.
    Distance,
}

const IN_FORCE: Setting = Setting {
    half_km: 25.0,
    neighbour_half_km: 50.0,
    containment: Containment::One,
    county_district: 0.6,
    county_own_district: Some(1.0),
    statutory_trust: 0.0,
    size_scale: 10.0,
    region: 0.0,
    nation: 0.0,
    common_base: 0.5,
    neutral: 0.0,
};

type Change = (&'static str, fn(&mut Setting));

/// One parameter and the values tried, the value in force first.
struct Dimension {
    name: &'static str,
    options: Vec<Change>,
    /// Part of the joint search (the no-data value is a policy, checked alone).
    joint: bool,
}

fn dimensions() -> Vec<Dimension> {
    vec![
        Dimension {
            name: "proximity half-distance (km)",
            options: vec![
                ("25", |_| {}),
                ("10", |s| s.half_km = 10.0),
                ("15", |s| s.half_km = 15.0),
                ("20", |s| s.half_km = 20.0),
                ("30", |s| s.half_km = 30.0),
                ("40", |s| s.half_km = 40.0),
                ("50", |s| s.half_km = 50.0),
            ],
            joint: false,
        },
        Dimension {
            name: "shared boundary: proximity",
            options: vec![
                ("0.5^(d/50 km)", |_| {}),
                ("1 (before)", |s| s.neighbour_half_km = f64::INFINITY),
                ("0.5^(d/150 km)", |s| s.neighbour_half_km = 150.0),
                ("0.5^(d/100 km)", |s| s.neighbour_half_km = 100.0),
                ("0.5^(d/75 km)", |s| s.neighbour_half_km = 75.0),
                ("0.5^(d/35 km)", |s| s.neighbour_half_km = 35.0),
                ("0.5^(d/30 km)", |s| s.neighbour_half_km = 30.0),
                ("0.5^(d/25 km)", |s| s.neighbour_half_km = 25.0),
            ],
            joint: true,
        },
        Dimension {
            name: "containment: proximity",
            options: vec![
                ("1", |_| {}),
                ("as a shared boundary", |s| s.containment = Containment::AsBoundary),
                ("by distance", |s| s.containment = Containment::Distance),
            ],
            joint: false,
        },
        Dimension {
            name: "kind fit county-district",
            options: vec![
                ("0.6; own county 1", |_| {}),
                ("0.6 (before)", |s| s.county_own_district = None),
                ("0.8", |s| (s.county_district, s.county_own_district) = (0.8, None)),
                ("1", |s| (s.county_district, s.county_own_district) = (1.0, None)),
                ("0.6; own county 0.8", |s| s.county_own_district = Some(0.8)),
            ],
            joint: true,
        },
        Dimension {
            name: "trust, inside the other's area",
            options: vec![
                ("0", |_| {}),
                ("0.25", |s| s.statutory_trust = 0.25),
                ("0.5", |s| s.statutory_trust = 0.5),
            ],
            joint: false,
        },
        Dimension {
            name: "size fit reaches 0 at",
            options: vec![
                ("10x", |_| {}),
                ("5x", |s| s.size_scale = 5.0),
                ("20x", |s| s.size_scale = 20.0),
                ("100x", |s| s.size_scale = 100.0),
                ("off", |s| s.size_scale = f64::INFINITY),
            ],
            joint: false,
        },
        Dimension {
            name: "shared geography region / nation",
            options: vec![
                ("0 / 0", |_| {}),
                ("0.5 / 0.25 (before)", |s| (s.region, s.nation) = (0.5, 0.25)),
                ("0.25 / 0", |s| (s.region, s.nation) = (0.25, 0.0)),
                ("0.75 / 0.5", |s| (s.region, s.nation) = (0.75, 0.5)),
                ("0 / 0.25", |s| (s.region, s.nation) = (0.0, 0.25)),
            ],
            joint: true,
        },
        Dimension {
            name: "trust, c partners in common",
            options: vec![
                ("1 - 0.5^c", |_| {}),
                ("0", |s| s.common_base = 1.0),
                ("1 - 0.75^c", |s| s.common_base = 0.75),
                ("1 - 0.25^c", |s| s.common_base = 0.25),
            ],
            joint: false,
        },
        Dimension {
            name: "no-data value",
            options: vec![
                ("0", |_| {}),
                ("0.25", |s| s.neutral = 0.25),
                ("0.5", |s| s.neutral = 0.5),
            ],
            joint: false,
        },
    ]
}

/// What the settings read of one (ranked body, candidate) pair, besides the engine's values.
#[derive(Debug, Clone)]
struct Pair {
    candidate: u32,
    forward: [f64; C],
    backward: [f64; C],
    /// Criteria with no data, as bits by criterion index, each direction.
    forward_neutral: u16,
    backward_neutral: u16,
    distance_km: f64,
    adjacent: bool,
    contains: bool,
    /// One is the other's parent (a district and its county).
    one_area: bool,
    kinds: (Option<Kind>, Option<Kind>),
    sectors: (partnermatch::model::Sector, partnermatch::model::Sector),
    /// |ln| of the size ratio (population, else budget), when known.
    size_gap: Option<f64>,
    /// Shared geography's level: 3 an area, 2 region, 1 nation, 0 none; `None` no data.
    geography: Option<u8>,
    partnered: bool,
    common_partners: u32,
    partnerships_known: bool,
    candidate_weights: [f64; C],
}

/// One ranked body: its candidates and its real partners' positions among them.
struct Subject {
    body: usize,
    weights: [f64; C],
    pairs: Vec<Pair>,
    partners: Vec<Option<usize>>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("../shared/data/uk/uk_partnerships_dev.csv"), PathBuf::from);
    let dataset = Dataset::embedded().map_err(|e| e.to_string())?;
    let survey = Survey::embedded().map_err(|e| e.to_string())?;
    let engine =
        Engine::new(dataset, survey, WeightSettings::default()).map_err(|e| e.to_string())?;
    let file = partnermatch::analysis::evaluate::read_arrangements(&path, &engine.dataset)
        .map_err(|e| e.to_string())?;
    let arrangements = file.arrangements;
    let subjects: Vec<Vec<Subject>> =
        arrangements.par_iter().map(|a| prepare(&engine, a)).collect::<Result<_, String>>()?;
    let n_pairs: usize = subjects.iter().flatten().map(|s| s.partners.len()).sum();
    println!(
        "{}: {} arrangements, {} ordered pairs; each arrangement's own links hidden",
        path.display(),
        arrangements.len(),
        n_pairs
    );
    check_in_force(&subjects)?;
    if let Ok(show) = std::env::var("CALIBRATE_SHOW") {
        let dims = dimensions();
        let mut s = IN_FORCE;
        for (dim, i) in dims.iter().zip(show.split(',')) {
            let i: usize = i.parse().map_err(|_| "bad CALIBRATE_SHOW")?;
            (dim.options[i].1)(&mut s);
        }
        let names = engine.dataset.organisations();
        for (a, arrangement) in arrangements.iter().zip(&subjects) {
            for subject in arrangement {
                let before = ranks(subject, &IN_FORCE);
                let after = ranks(subject, &s);
                for (j, partner) in subject.partners.iter().enumerate() {
                    let name = partner
                        .map_or("-", |p| names[subject.pairs[p].candidate as usize].name.as_str());
                    println!(
                        "{:<28} {:<40} {:<40} {:>5?} {:>5?}",
                        a.id, names[subject.body].name, name, before[j], after[j]
                    );
                }
            }
        }
        return Ok(());
    }

    let dims = dimensions();
    let before = Setting {
        neighbour_half_km: f64::INFINITY,
        county_own_district: None,
        region: 0.5,
        nation: 0.25,
        ..IN_FORCE
    };
    println!();
    print_figures("in force", &total(&tallies(&subjects, &IN_FORCE)));
    print_figures(
        "before (shared boundary 1, county-district 0.6, region 0.5, nation 0.25)",
        &total(&tallies(&subjects, &before)),
    );
    // The in-force setting and each dimension alone.
    println!("\nEach parameter alone (the others as in force), leave one arrangement out:");
    println!("{:<34} {:<22} {:>6} {:>6}  chosen", "parameter", "value", "MRR", "hit@10");
    for dim in &dims {
        let settings: Vec<Setting> = dim
            .options
            .iter()
            .map(|(_, change)| {
                let mut s = IN_FORCE;
                change(&mut s);
                s
            })
            .collect();
        let tallies: Vec<Vec<Tally>> = settings.par_iter().map(|s| tallies(&subjects, s)).collect();
        let (choices, pooled) = leave_one_out(&tallies);
        for (i, (label, _)) in dim.options.iter().enumerate() {
            let m = total(&tallies[i]).metrics();
            println!(
                "{:<34} {:<22} {:>6.3} {:>6.3}  {}",
                if i == 0 { dim.name } else { "" },
                label,
                m.mrr,
                m.hit_at.at(10).unwrap_or(0.0),
                choices.iter().filter(|&&c| c == i).count()
            );
        }
        print_figures("  cross-validated", &pooled);
    }

    // Every combination of the joint dimensions: each fold chooses a whole setting.
    let joint: Vec<&Dimension> = dims.iter().filter(|d| d.joint).collect();
    let mut grid: Vec<(Setting, Vec<usize>)> = vec![(IN_FORCE, Vec::new())];
    for dim in &joint {
        grid = grid
            .into_iter()
            .flat_map(|(s, labels)| {
                dim.options.iter().enumerate().map(move |(i, (_, change))| {
                    let mut s = s;
                    change(&mut s);
                    let mut labels = labels.clone();
                    labels.push(i);
                    (s, labels)
                })
            })
            .collect();
    }
    let tallies: Vec<Vec<Tally>> = grid.par_iter().map(|(s, _)| tallies(&subjects, s)).collect();
    let (choices, pooled) = leave_one_out(&tallies);
    println!(
        "\nThe changed parameters together ({} settings: {}), leave one arrangement out:",
        grid.len(),
        joint.iter().map(|d| d.name).collect::<Vec<_>>().join(" x ")
    );
    print_figures("  in force", &total(&tallies[0]));
    print_figures("  cross-validated", &pooled);
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    for &c in &choices {
        match chosen.iter_mut().find(|(s, _)| *s == c) {
            Some((_, n)) => *n += 1,
            None => chosen.push((c, 1)),
        }
    }
    chosen.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (c, n) in chosen {
        let labels: Vec<String> = joint
            .iter()
            .zip(&grid[c].1)
            .map(|(d, &i)| format!("{} {}", d.name, d.options[i].0))
            .collect();
        let m = total(&tallies[c]).metrics();
        println!("  chosen {n:>2}x (in-sample MRR {:.3}): {}", m.mrr, labels.join("; "));
    }
    Ok(())
}

fn total(row: &[Tally]) -> Tally {
    let mut t = Tally::default();
    row.iter().for_each(|x| t.merge(x));
    t
}

fn print_figures(name: &str, tally: &Tally) {
    let m = tally.metrics();
    let hits: Vec<String> =
        K_VALUES.iter().zip(m.hit_at.0).map(|(k, v)| format!("hit@{k} {v:.3}")).collect();
    println!("{name}: {}  MRR {:.3}", hits.join("  "), m.mrr);
}

/// The pairs of one arrangement, its own links hidden, with the engine's values.
fn prepare(engine: &Engine, arrangement: &Arrangement) -> Result<Vec<Subject>, String> {
    let hidden = hide_links(&engine.dataset, &arrangement.members).map_err(|e| e.to_string())?;
    let owned;
    let engine = match hidden {
        Some((dataset, _)) => {
            owned = Engine::new(dataset, engine.survey.clone(), engine.settings.clone())
                .map_err(|e| e.to_string())?;
            &owned
        }
        None => engine,
    };
    let index = &engine.index;
    let rank = RankSettings::default();
    let eligibility = Eligibility::new(index, &rank);
    let mut out = Vec::new();
    for &body in &arrangement.members {
        let ctx = context(index, body, &rank);
        let a = index.body(body);
        let mut pairs = Vec::new();
        for c in 0..index.len() {
            let b = index.body(c);
            if !eligibility.allows(index, body, b) {
                continue;
            }
            let facts = PairFacts::of_bodies(index, a, b);
            let (f, bw) = ctx.pair_values(a, b, &facts);
            let bits = |v: &[partnermatch::score::Value; C]| {
                v.iter().enumerate().fold(0u16, |m, (i, x)| m | (u16::from(x.neutral) << i))
            };
            let size_gap = if a.ln_population.is_finite() && b.ln_population.is_finite() {
                Some((a.ln_population - b.ln_population).abs())
            } else if a.ln_budget.is_finite() && b.ln_budget.is_finite() {
                Some((a.ln_budget - b.ln_budget).abs())
            } else {
                None
            };
            let g = partnermatch::score::criteria::shared_geography::value(&ctx, a, b, &facts);
            let same = |x: u32, y: u32| x != NONE && x == y;
            let geography = (!g.neutral).then(|| {
                if g.value.to_bits() == 1f64.to_bits() {
                    3
                } else if same(a.region, b.region) {
                    2
                } else if same(a.nation, b.nation) {
                    1
                } else {
                    0
                }
            });
            pairs.push(Pair {
                candidate: c as u32,
                forward: f.map(|v| v.value),
                backward: bw.map(|v| v.value),
                forward_neutral: bits(&f),
                backward_neutral: bits(&bw),
                distance_km: facts.distance_km,
                adjacent: facts.adjacent,
                contains: facts.contains,
                one_area: one_area(a, b),
                kinds: (a.kind, b.kind),
                sectors: (a.sector, b.sector),
                size_gap,
                geography,
                partnered: facts.partnered,
                common_partners: facts.common_partners,
                partnerships_known: a.partnerships_known() || b.partnerships_known(),
                candidate_weights: *index.weights_of(b),
            });
        }
        let partners = arrangement
            .members
            .iter()
            .filter(|&&p| p != body)
            .map(|&p| pairs.iter().position(|x| x.candidate as usize == p))
            .collect();
        out.push(Subject { body, weights: *index.weights_of(a), pairs, partners });
    }
    Ok(out)
}

/// A pair's values under a setting, each direction.
fn values(s: &Setting, p: &Pair) -> ([f64; C], [f64; C]) {
    let (mut f, mut b) = (p.forward, p.backward);
    let decay = |half: f64| (-p.distance_km / half).exp2();
    let boundary = if s.neighbour_half_km.is_infinite() {
        1.0
    } else {
        decay(s.neighbour_half_km).max(decay(s.half_km))
    };
    let proximity = if p.contains {
        match s.containment {
            Containment::One => 1.0,
            Containment::AsBoundary => boundary,
            Containment::Distance if p.adjacent => boundary,
            Containment::Distance => decay(s.half_km),
        }
    } else if p.adjacent {
        boundary
    } else {
        decay(s.half_km)
    };
    let kind = match p.kinds {
        (Some(Kind::County), Some(Kind::District)) | (Some(Kind::District), Some(Kind::County)) => {
            match s.county_own_district {
                Some(v) if p.one_area => v,
                _ => s.county_district,
            }
        }
        (Some(x), Some(y)) => kind_fit(x, y),
        _ => sector_fit(p.sectors.0, p.sectors.1),
    };
    let size = p.size_gap.map(|gap| {
        if s.size_scale.is_infinite() {
            1.0
        } else {
            let scale = if s.size_scale.to_bits() == 10f64.to_bits() {
                std::f64::consts::LN_10
            } else {
                s.size_scale.ln()
            };
            (1.0 - gap / scale).clamp(0.0, 1.0)
        }
    });
    let geography = p.geography.map(|level| match level {
        3 => 1.0,
        2 => s.region,
        1 => s.nation,
        _ => 0.0,
    });
    let trust = if p.partnered {
        Some(1.0)
    } else if p.partnerships_known {
        Some((1.0 - s.common_base.powi(p.common_partners.min(64) as i32)).max(if p.contains {
            s.statutory_trust
        } else {
            0.0
        }))
    } else if p.contains && s.statutory_trust > 0.0 {
        Some(s.statutory_trust)
    } else {
        None
    };
    for (values, neutral) in [(&mut f, p.forward_neutral), (&mut b, p.backward_neutral)] {
        values[PROXIMITY] = proximity;
        values[KIND] = kind;
        values[SIZE] = size.unwrap_or(s.neutral);
        values[GEOGRAPHY] = geography.unwrap_or(s.neutral);
        values[TRUST] = trust.unwrap_or(s.neutral);
        for (i, v) in values.iter_mut().enumerate() {
            if neutral & (1 << i) != 0 {
                *v = s.neutral;
            }
        }
    }
    (f, b)
}

/// The settings in force must give the engine's values exactly.
fn check_in_force(subjects: &[Vec<Subject>]) -> Result<(), String> {
    for p in subjects.iter().flatten().flat_map(|s| &s.pairs) {
        let (f, b) = values(&IN_FORCE, p);
        if f.map(f64::to_bits) != p.forward.map(f64::to_bits)
            || b.map(f64::to_bits) != p.backward.map(f64::to_bits)
        {
            return Err(format!(
                "the harness's values differ from the engine's for candidate {} ({:?} vs {:?}): \
                 update `values` to the engine's formulas",
                p.candidate, f, p.forward
            ));
        }
    }
    Ok(())
}

fn weighted(w: &[f64; C], v: &[f64; C]) -> f64 {
    let mut score = 0.0;
    for (w, v) in w.iter().zip(v) {
        score += w * v;
    }
    score
}

/// Each real partner's rank under a setting.
fn ranks(subject: &Subject, s: &Setting) -> Vec<Option<usize>> {
    let scores: Vec<f64> = subject
        .pairs
        .iter()
        .map(|p| {
            let (f, b) = values(s, p);
            Mutual::Harmonic
                .combine(weighted(&subject.weights, &f), weighted(&p.candidate_weights, &b))
        })
        .collect();
    subject
        .partners
        .iter()
        .map(|partner| {
            partner.map(|j| {
                let (mj, cj) = (scores[j], subject.pairs[j].candidate);
                1 + scores
                    .iter()
                    .zip(&subject.pairs)
                    .filter(|(m, p)| m.total_cmp(&mj).then(cj.cmp(&p.candidate)).is_gt())
                    .count()
            })
        })
        .collect()
}

/// Each arrangement's tally under a setting.
fn tallies(subjects: &[Vec<Subject>], s: &Setting) -> Vec<Tally> {
    let mut scores = Vec::new();
    subjects
        .iter()
        .map(|arrangement| {
            let mut t = Tally::default();
            for subject in arrangement {
                scores.clear();
                for p in &subject.pairs {
                    let (f, b) = values(s, p);
                    let forward = weighted(&subject.weights, &f);
                    let backward = weighted(&p.candidate_weights, &b);
                    scores.push(Mutual::Harmonic.combine(forward, backward));
                }
                for &partner in &subject.partners {
                    t.add(partner.map(|j| {
                        let (mj, cj) = (scores[j], subject.pairs[j].candidate);
                        1 + scores
                            .iter()
                            .zip(&subject.pairs)
                            .filter(|(m, p)| m.total_cmp(&mj).then(cj.cmp(&p.candidate)).is_gt())
                            .count()
                    }));
                }
            }
            t
        })
        .collect()
}
