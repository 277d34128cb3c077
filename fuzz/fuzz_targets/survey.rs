//! Fuzzes the survey-file reader and the weights it resolves: any bytes give a survey or located
//! problems, never a panic; a survey that parses always yields weights summing to 1.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnermatch::diagnostic::SourceText;
use partnermatch::weights::{Survey, WeightSettings};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let source = SourceText::new("fuzz-survey.toml", text.to_owned());
    match Survey::parse(&source) {
        Ok(survey) => {
            if let Ok(weights) = survey.weights(&WeightSettings::default()) {
                let sum: f64 = weights.iter().map(|(_, w)| w).sum();
                assert!((sum - 1.0).abs() < 1e-9, "weights sum to {sum}");
            }
            let _ = survey.barrier_weights();
            let _ = survey.reason_weights();
        }
        Err(problems) => {
            let _ = problems.to_string();
        }
    }
});
