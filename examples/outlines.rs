//! Writes `data/uk/boundaries/outlines.txt`, the compact council and country outlines the maps
//! embed, from the ONS GeoJSON beside it (`uk_countries20.geojson`, `uk_ltla24.geojson`).
//! Run it after replacing those files; a test fails while the two disagree.
//!
//! Run: `cargo run --example outlines`

use std::path::Path;
use std::process::ExitCode;

use partnermatch::report::outlines::encode;

fn main() -> ExitCode {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/uk/boundaries");
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).map_err(|e| format!("cannot read {name}: {e}"))
    };
    let result = read("uk_countries20.geojson")
        .and_then(|countries| Ok((countries, read("uk_ltla24.geojson")?)))
        .and_then(|(countries, councils)| encode(&countries, &councils).map_err(|e| e.to_string()))
        .and_then(|text| {
            let target = dir.join("outlines.txt");
            partnermatch::export::write_atomic(&target, |w| w.write_all(text.as_bytes()))
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            Ok((target, text.len()))
        });
    match result {
        Ok((target, bytes)) => {
            eprintln!("wrote {} ({bytes} bytes)", target.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
