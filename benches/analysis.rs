//! Criterion benches of the analyses on synthetic bodies (`data::national_bodies`): the exact
//! maximum-weight matching and the greedy on the candidate graph of 20,000 bodies (every
//! body's 10 best partners), and, on 5,000 bodies, building that graph and forming the partner
//! groups for one service (these run the top-k search, so they are slow at 20,000).
//! Figures are written down in docs/benchmarks-pairs.md with the machine and dataset.
//!
//! With `PARTNERMATCH_WRITE_BODIES=PATH` set, writes the same synthetic bodies as TOML profiles
//! to PATH instead (`PARTNERMATCH_BODIES=N` sets how many, default 20,000), for timing the
//! `pairs` and `groups` commands through the binary.

// Benches may unwrap: a failure here is a broken bench, not user input.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[allow(dead_code)]
mod data;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group};
use partnermatch::analysis::candidates::{self, PairView};
use partnermatch::analysis::groups::{GroupsSettings, form_groups};
use partnermatch::analysis::matching::{greedy_matching, maximum_weight_matching};
use partnermatch::dataset::Dataset;
use partnermatch::engine::Engine;
use partnermatch::model::{Service, ServiceSet};
use partnermatch::rank::RankSettings;
use partnermatch::weights::{Survey, WeightSettings};

const BODIES: usize = 20_000;
const SMALL: usize = 5_000;
const SEED: u64 = 20_000;

fn engine(n: usize) -> Engine {
    let dataset = Dataset::from_organisations(data::national_bodies(n, SEED), "synthetic").unwrap();
    Engine::new(dataset, Survey::embedded().unwrap(), WeightSettings::default()).unwrap()
}

fn analysis(c: &mut Criterion) {
    let settings = RankSettings::default();
    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    {
        let engine = engine(BODIES);
        let view = PairView::new(&engine.index, &settings).unwrap();
        let graph = candidates::build(&engine, &view, &settings, 10, 0.0).unwrap();
        let n = graph.members.len();
        let edges = graph.weighted_edges();
        group.bench_function(format!("exact_matching/{BODIES}"), |b| {
            b.iter(|| maximum_weight_matching(n, black_box(&edges)).unwrap());
        });
        group.bench_function(format!("greedy_matching/{BODIES}"), |b| {
            b.iter(|| greedy_matching(n, black_box(&edges)).unwrap());
        });
    }
    let engine = engine(SMALL);
    let view = PairView::new(&engine.index, &settings).unwrap();
    group.bench_function(format!("candidate_graph/{SMALL}"), |b| {
        b.iter(|| candidates::build(&engine, &view, &settings, 10, 0.0).unwrap());
    });
    let mut groups = GroupsSettings::default();
    groups.rank.focus = [Service::Legal].into_iter().collect::<ServiceSet>();
    group.bench_function(format!("groups_legal/{SMALL}"), |b| {
        b.iter(|| form_groups(&engine, &groups).unwrap());
    });
    group.finish();
}

criterion_group!(benches, analysis);

fn main() {
    if let Ok(path) = std::env::var("PARTNERMATCH_WRITE_BODIES") {
        let n = std::env::var("PARTNERMATCH_BODIES").ok().and_then(|v| v.parse().ok());
        let bodies = data::national_bodies(n.unwrap_or(BODIES), SEED);
        let header =
            "Synthetic bodies for benchmarks (benches/data.rs, national_bodies): fictional.";
        let text = partnermatch::profiles::to_toml(&bodies, header);
        partnermatch::export::write_atomic(Path::new(&path), |w| w.write_all(text.as_bytes()))
            .unwrap();
        eprintln!("wrote {} synthetic bodies to {path}", bodies.len());
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
