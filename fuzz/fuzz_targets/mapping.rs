//! Fuzzes the import mapping-file reader: any bytes give a mapping or located problems.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnermatch::diagnostic::SourceText;
use partnermatch::import::Mapping;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let source = SourceText::new("fuzz-mapping.toml", text.to_owned());
    if let Err(problems) = Mapping::parse(&source) {
        let _ = problems.to_string();
    }
});
