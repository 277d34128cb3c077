//! Criterion benches per pipeline stage. Shared synthetic data comes from `data`.
//! Figures are written down in BENCHMARKS.md with the machine and dataset.

// Benches may unwrap: a failure here is a broken bench, not user input.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[allow(dead_code)]
mod data;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use partnermatch::dataset::Dataset;
use partnermatch::profiles::parse_profiles_bytes;

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
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
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
