//! Criterion benches of validation on hostile input (issue 20, item 7): a profile listing
//! 80,000 neighbour ids on one line (unknown, so each is a located problem), and a scenario
//! sweeping 40,000 values. Each must be refused in well under a second (the work is linear in
//! the input). Figures go in docs/reliability.md.

// Benches may unwrap: a failure here is a broken bench, not user input.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use partnermatch::dataset::Dataset;
use partnermatch::diagnostic::SourceText;
use partnermatch::profiles::parse_profiles_bytes;
use partnermatch::scenario::Scenario;

fn long_lists(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    let ids: Vec<String> = (0..80_000).map(|i| format!("\"N{i}\"")).collect();
    let profile = format!(
        "id = \"H1\"\nname = \"Hostile\"\nsector = \"police\"\nlocation = {{ lat = 51.0, lon = -1.0 }}\nneighbours = [{}]\n",
        ids.join(",")
    );
    group.bench_function("profile_80000_neighbours", |b| {
        b.iter(|| {
            let parsed =
                parse_profiles_bytes(Path::new("many.toml"), black_box(profile.as_bytes()));
            assert!(Dataset::from_parsed(parsed, "bench").is_err());
        });
    });
    let values: Vec<String> =
        (0..40_000).map(|i| format!("{}", 1.0 + f64::from(i) / 1e5)).collect();
    let sweep = format!("name = \"s\"\n[sweep]\nexponent = [{}]\n", values.join(","));
    group.bench_function("sweep_40000_values", |b| {
        b.iter(|| {
            let source = SourceText::new("s.toml", black_box(sweep.clone()));
            assert!(Scenario::parse(&source).is_err());
        });
    });
    group.finish();
}

criterion_group!(benches, long_lists);
criterion_main!(benches);
