//! Criterion benches per pipeline stage on synthetic UK-like data (shared generators in
//! `data`): loading a CSV table, building the engine (graph and index), ranking one body,
//! ranking every body (pruned and brute force), and the robustness analysis. Figures are
//! written down in BENCHMARKS.md with the machine and dataset.
//!
//! `PARTNERMATCH_BENCH_N` sets the largest dataset (default 100,000).

// Benches may unwrap: a failure here is a broken bench, not user input.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

// Each bench uses only some of the shared generators.
#[allow(dead_code)]
mod data;

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use partnermatch::analysis::robustness::{RobustnessSettings, robustness};
use partnermatch::dataset::Dataset;
use partnermatch::profiles::parse_profiles_bytes;
use partnermatch::rank::{AllRanker, RankSettings, rank};
use partnermatch::score::Mutual;

fn largest() -> usize {
    std::env::var("PARTNERMATCH_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    for n in [1_000usize, 10_000] {
        let text = data::profiles_toml(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("toml_parse_validate/{n}"), |b| {
            b.iter(|| {
                let parsed =
                    parse_profiles_bytes(Path::new("bench.toml"), black_box(text.as_bytes()));
                Dataset::from_parsed(parsed, "bench").unwrap()
            });
        });
    }
    let n = largest();
    let csv = data::synthetic_csv(n);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(format!("csv_load_validate/{n}"), |b| {
        b.iter(|| Dataset::load(black_box(csv.path())).unwrap());
    });
    group.finish();
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    let n = largest();
    let dataset = data::synthetic_dataset(n);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(format!("engine/{n}"), |b| {
        b.iter(|| data::engine(black_box(dataset.clone())));
    });
    group.finish();
}

fn rank_one(c: &mut Criterion) {
    let mut group = c.benchmark_group("rank_one");
    let n = largest();
    let engine = data::engine(data::synthetic_dataset(n));
    let settings = RankSettings::default();
    group.throughput(Throughput::Elements(n as u64));
    // A spread of subjects, so that no one body's neighbourhood decides the figure.
    let subjects: Vec<usize> = (0..16).map(|i| i * n / 16).collect();
    group.bench_function(BenchmarkId::new("top10", n), |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % subjects.len();
            rank(&engine.index, subjects[i], black_box(&settings))
        });
    });
    group.finish();
}

fn rank_all(c: &mut Criterion) {
    let mut group = c.benchmark_group("rank_all");
    group.sample_size(10);
    for n in [10_000usize, 30_000] {
        let engine = data::engine(data::synthetic_dataset(n));
        let settings = RankSettings::default();
        let ranker = AllRanker::new(&engine.index, &settings);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::new("pruned_top10", n), |b| {
            b.iter(|| {
                ranker
                    .run::<_, ()>(
                        false,
                        &|_, r, total: &mut usize| *total += r.len(),
                        |total| {
                            black_box(total);
                            Ok(())
                        },
                        &|_| {},
                    )
                    .unwrap()
            });
        });
        if n <= 10_000 {
            group.bench_function(BenchmarkId::new("brute_force_top10", n), |b| {
                b.iter(|| {
                    ranker
                        .run::<_, ()>(
                            true,
                            &|_, r, total: &mut usize| *total += r.len(),
                            |total| {
                                black_box(total);
                                Ok(())
                            },
                            &|_| {},
                        )
                        .unwrap()
                });
            });
        }
    }
    group.finish();
}

fn robustness_one(c: &mut Criterion) {
    let mut group = c.benchmark_group("robustness");
    group.sample_size(10);
    let n = largest();
    let engine = data::engine(data::synthetic_dataset(n));
    let settings = RobustnessSettings {
        samples: 10_000,
        seed: 1,
        rank: RankSettings { mutual: Mutual::Arithmetic, ..RankSettings::default() },
    };
    group.bench_function(BenchmarkId::new("samples10000_top10", n), |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % 8;
            robustness(&engine, i * n / 8, black_box(&settings)).unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, load, build, rank_one, rank_all, robustness_one);
criterion_main!(benches);
