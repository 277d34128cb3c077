//! The one integration-test binary: runs the `partnermatch` binary as a user would, over temp
//! directories, through the small fluent harness in `harness`.

// A failed unwrap in a test is a failed test, which is what we want here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The harness is shared API: not every helper is used by every test file yet.
mod analysis;
mod browser;
mod data;
mod evaluate;
mod generate;
#[allow(dead_code)]
mod harness;
mod profiles;
mod rank;
mod rank_all;
mod reliability;
mod report;
mod robustness;
mod scenario;
mod serve;
mod spreadsheet;
mod uk_data;
mod validate;
mod weights;
