//! Fuzzes the profile reader and the dataset cross-checks: any bytes give profiles or located
//! problems, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use partnermatch::dataset::Dataset;
use partnermatch::profiles::parse_profiles_bytes;

fuzz_target!(|data: &[u8]| {
    let parsed = parse_profiles_bytes(Path::new("fuzz.toml"), data);
    if let Err(problems) = Dataset::from_parsed(parsed, "fuzz") {
        // Every problem must render (locations, help) without panicking.
        let _ = problems.to_string();
    }
});
