//! partnermatch: find partners for shared public services.
//!
//! Organisation profiles load into a validated [`Dataset`](dataset::Dataset); criteria weights
//! come from the priority order of a 2011 UK survey of 479 public-sector executives; a parallel
//! scorer ranks and explains candidate partners.
//!
//! The modules follow the pipeline: [`input`] (files to text) → [`profiles`] (TOML to typed
//! profiles) → [`dataset`] (cross-checked bodies) → later stages; [`weights`] turns the survey
//! file's priority orders into criteria weights; [`scenario`] runs batches of rankings from
//! scenario files and compares them; [`analysis`] measures a ranking's robustness, pairs the
//! bodies of an area (maximum-weight matching) and forms partner groups; [`report`] renders a
//! ranking as one self-contained HTML page and [`serve`] serves rankings to a local web page.
//! Every parser reports problems as [`diagnostic::Diagnostics`] that name the file, line,
//! column and field.
//!
//! Features: `cli` (the `partnermatch` binary) and `serve` (the local web page, [`serve`]) are
//! on by default; `default-features = false` builds the library without clap, axum or tokio.
//! A ranking names its partners by id with [`Engine::partners`](engine::Engine::partners).
//!
//! ```
//! use std::path::Path;
//! use partnermatch::{dataset::Dataset, profiles::parse_profiles_bytes};
//!
//! let toml = br#"
//! [[organisation]]
//! id = "E07000223"
//! name = "Adur District Council"
//! sector = "local_government"
//! kind = "district"
//! location = { lat = 50.8333, lon = -0.2833 }
//! "#;
//! let parsed = parse_profiles_bytes(Path::new("adur.toml"), toml);
//! assert!(parsed.diagnostics.is_empty());
//! let dataset = Dataset::from_parsed(parsed, "example").unwrap();
//! assert_eq!(dataset.organisations()[0].name, "Adur District Council");
//! ```

pub mod analysis;
pub mod dataset;
pub mod diagnostic;
pub mod engine;
pub mod export;
pub mod filter;
pub mod graph;
pub mod import;
pub mod index;
pub mod input;
pub mod model;
pub mod number;
pub mod profiles;
pub mod rank;
pub mod report;
pub mod request;
pub mod scenario;
pub mod score;
#[cfg(feature = "serve")]
pub mod serve;
pub mod synth;
#[cfg(test)]
mod test_data;
pub mod weights;
