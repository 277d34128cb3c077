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
