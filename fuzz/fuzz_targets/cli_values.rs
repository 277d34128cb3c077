//! Fuzzes the parsers of command-line values: criteria orders, weighting methods, explicit
//! weights, vocabulary names, ids, delimiters, column and default assignments, and body names
//! looked up in the embedded dataset. Each line of the input is tried with every parser.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use partnermatch::dataset::Dataset;
use partnermatch::import::Mapping;
use partnermatch::import::mapping::parse_delimiter;
use partnermatch::model::{
    Barrier, Criterion, Enumeration, Kind, OrganisationId, Party, Reason, Sector, Service,
};
use partnermatch::weights::{ExplicitWeights, Method, WeightSettings, parse_order};

fn dataset() -> Option<&'static Dataset> {
    static DATA: OnceLock<Option<Dataset>> = OnceLock::new();
    DATA.get_or_init(|| Dataset::embedded().ok()).as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for line in text.lines().take(16) {
        let order = parse_order(line).ok();
        let method = line.parse::<Method>().ok();
        let _ = ExplicitWeights::parse_criteria(line);
        let _ = WeightSettings::new(order, method);
        let _ = Sector::parse_name(line);
        let _ = Kind::parse_name(line);
        let _ = Service::parse_name(line);
        let _ = Reason::parse_name(line);
        let _ = Barrier::parse_name(line);
        let _ = Criterion::parse_name(line);
        let _ = Party::parse_code(line);
        let _ = OrganisationId::new(line);
        let _ = parse_delimiter(line);
        let mut mapping = Mapping::default();
        let _ = mapping.set_column(line);
        let _ = mapping.set_default(line);
        if let Some(d) = dataset() {
            match d.find(line) {
                Ok(i) => assert!(i < d.len()),
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
    }
});
