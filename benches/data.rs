//! Shared generators of clearly synthetic bench data: the project's synthetic national datasets
//! (`partnermatch::synth`) and a grid of fictional TOML profiles.

use std::fmt::Write as _;

use partnermatch::dataset::Dataset;
use partnermatch::engine::Engine;
use partnermatch::synth::{Like, Settings, generate};
use partnermatch::weights::{Survey, WeightSettings};

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

/// `n` synthetic UK-like bodies from the project's generator (`partnermatch::synth`, seed 1):
/// clearly fictional, with a real country's structure (docs/synthetic.md).
pub fn synthetic_dataset(n: usize) -> Dataset {
    let settings = Settings::new(n, 1, Like::Uk).expect("valid settings");
    generate(&settings).to_dataset().expect("generated data is valid")
}

/// The same bodies written as a CSV table in a temporary file (removed on drop).
pub fn synthetic_csv(n: usize) -> tempfile::NamedTempFile {
    let settings = Settings::new(n, 1, Like::Uk).expect("valid settings");
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile().expect("temp file");
    generate(&settings).write_csv(file.as_file_mut()).expect("write CSV");
    file
}

/// The engine over a dataset, with the embedded survey's weights.
pub fn engine(dataset: Dataset) -> Engine {
    Engine::new(dataset, Survey::embedded().expect("embedded survey"), WeightSettings::default())
        .expect("default weights fit the survey")
}
