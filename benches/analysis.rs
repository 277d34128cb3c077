//! Criterion benches of the analyses on synthetic UK-like bodies (`partnermatch::synth`, seed
//! 1): the exact maximum-weight matching and the greedy on the candidate graph of 20,000 bodies
//! (every body's 10 best partners), and, on 5,000 bodies, building that graph and forming the
//! partner groups for one service. Figures are written down in BENCHMARKS.md with the machine
//! and dataset; time the commands through the binary on `partnermatch generate` output.

// Benches may unwrap: a failure here is a broken bench, not user input.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

// Each bench uses only some of the shared generators.
#[allow(dead_code)]
mod data;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use partnermatch::analysis::candidates::{self, PairView};
use partnermatch::analysis::groups::{GroupsSettings, form_groups};
use partnermatch::analysis::matching::{greedy_matching, maximum_weight_matching};
use partnermatch::engine::Engine;
use partnermatch::model::{Service, ServiceSet};
use partnermatch::rank::RankSettings;

const BODIES: usize = 20_000;
const SMALL: usize = 5_000;

fn engine(n: usize) -> Engine {
    data::engine(data::synthetic_dataset(n))
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

criterion_main!(benches);
