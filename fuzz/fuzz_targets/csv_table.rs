//! Fuzzes the CSV table reader (default column matching) and the import checks, also with
//! `--skip-invalid`: any bytes give a dataset or located problems, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use partnermatch::import::{Mapping, import_read, read_table_from};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.csv");
    let mapping = Mapping::default();
    for skip in [false, true] {
        match read_table_from(path, data, &mapping) {
            Ok(read) => match import_read(path, read, &[], &mapping, skip) {
                Ok(imported) => {
                    let _ = imported.dataset.len();
                }
                Err(problems) => {
                    let _ = problems.to_string();
                }
            },
            Err(problems) => {
                let _ = problems.to_string();
            }
        }
    }
});
