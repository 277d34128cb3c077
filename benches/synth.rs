//! Criterion benches of the synthetic generator and of loading what it writes: generating
//! UK- and US-like datasets, and loading a generated CSV table as a dataset. Figures for
//! 100,000 and 1,000,000 bodies are in docs/synthetic.md (measured with the binary).

// Benches may unwrap: a failure here is a broken bench, not user input.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use partnermatch::dataset::Dataset;
use partnermatch::synth::{Like, Settings, generate};

const N: usize = 10_000;

fn generation(c: &mut Criterion) {
    let mut group = c.benchmark_group("synth");
    group.throughput(Throughput::Elements(N as u64));
    group.sample_size(10);
    for like in Like::ALL {
        let settings = Settings::new(N, 1, like).unwrap();
        group.bench_function(format!("generate_{like}/{N}"), |b| {
            b.iter(|| generate(black_box(&settings)));
        });
        let synthetic = generate(&settings);
        group.bench_function(format!("write_csv_{like}/{N}"), |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(N * 500);
                synthetic.write_csv(&mut out).unwrap();
                out
            });
        });
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("uk.csv");
    let mut bytes = Vec::new();
    generate(&Settings::new(N, 1, Like::Uk).unwrap()).write_csv(&mut bytes).unwrap();
    std::fs::write(&path, bytes).unwrap();
    group.bench_function(format!("load_csv_uk/{N}"), |b| {
        b.iter(|| Dataset::load(black_box(&path)).unwrap());
    });
    group.finish();
}

criterion_group!(benches, generation);
criterion_main!(benches);
