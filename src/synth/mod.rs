//! Synthetic national datasets: a seeded generator of fictional public bodies with the
//! structure of a real country (`--like uk` or `--like us`): bodies clustered like settlements
//! in nested areas, the real mix of kinds by region, heavy-tailed populations, parents, police
//! force areas, reasons, barriers and services drawn with the 2011 survey's prevalences, sparse
//! local partnerships and symmetric land neighbours. Every figure and its source is in
//! `tables` and `docs/synthetic.md`.
//!
//! Invariants: the same `Settings` give the same bodies, byte for byte, on every platform and
//! thread count (one ChaCha8 stream per phase, drawn sequentially; transcendental functions
//! from `libm`); every generated dataset is valid (`Dataset::from_parsed` accepts it: unique
//! ids, parents generated before their children so no cycles, references to existing bodies
//! only, coordinates inside the country's box, severities in [0, 1]). Bodies are held in a
//! compact form and written row by row; an `Organisation` is built only on demand. Does no I/O
//! of its own: writers take any `Write`.
//!
//! ```
//! use partnermatch::synth::{Like, Settings, generate};
//!
//! let settings = Settings::new(500, 7, Like::Uk).unwrap();
//! let synthetic = generate(&settings);
//! assert_eq!(synthetic.len(), 500);
//! let dataset = synthetic.to_dataset().unwrap(); // always valid
//! assert_eq!(dataset.organisations()[0].id.as_str(), "S-0000001");
//! ```

mod build;
mod random;
mod spatial;
mod tables;
mod write;

use std::fmt;

use crate::model::{ControlType, Enumeration, Kind, Party, Payback, Reason, Sector};

pub use build::generate;
pub use write::CSV_COLUMNS;

/// The most bodies one run generates: two million, over twenty times the largest country
/// modelled (about 90,000 US local governments), and a bound on memory (about 170 bytes a body
/// at peak while generating).
pub const MAX_BODIES: usize = 2_000_000;

/// The most bodies written as TOML: a TOML file is read whole and profiles above this count
/// would pass the reader's 256 MiB file limit (about 720 bytes a body). Use CSV beyond it.
pub const MAX_TOML_BODIES: usize = 250_000;

/// The country whose structure the synthetic bodies imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Like {
    /// The United Kingdom: principal councils, parishes, police, fire, NHS, central
    /// government, in 12 regions and nations.
    Uk,
    /// The contiguous United States: the five kinds of local government of the Census of
    /// Governments, in 48 states.
    Us,
}

impl Like {
    /// Every country, in documented order.
    pub const ALL: [Like; 2] = [Like::Uk, Like::Us];

    /// The name on the command line (`uk`, `us`).
    pub fn name(self) -> &'static str {
        match self {
            Like::Uk => "uk",
            Like::Us => "us",
        }
    }

    /// The country's name for messages.
    pub fn label(self) -> &'static str {
        match self {
            Like::Uk => "the UK",
            Like::Us => "the US",
        }
    }

    /// Parses `uk` or `us` (any case).
    pub fn parse(text: &str) -> Result<Self, SynthError> {
        let wanted = text.trim().to_ascii_lowercase();
        Like::ALL
            .into_iter()
            .find(|l| l.name() == wanted)
            .ok_or_else(|| SynthError::UnknownCountry(text.to_owned()))
    }
}

impl fmt::Display for Like {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to generate: how many bodies, from which seed, like which country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    n_bodies: usize,
    seed: u64,
    like: Like,
}

impl Settings {
    /// Checks the number of bodies (1 to `MAX_BODIES`).
    pub fn new(n_bodies: usize, seed: u64, like: Like) -> Result<Self, SynthError> {
        if n_bodies == 0 {
            return Err(SynthError::NoBodies);
        }
        if n_bodies > MAX_BODIES {
            return Err(SynthError::TooManyBodies { requested: n_bodies, max: MAX_BODIES });
        }
        Ok(Self { n_bodies, seed, like })
    }

    /// The number of bodies.
    pub fn n_bodies(&self) -> usize {
        self.n_bodies
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The country imitated.
    pub fn like(&self) -> Like {
        self.like
    }
}

/// Why a synthetic dataset could not be made or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynthError {
    /// Zero bodies asked for.
    #[error("the number of bodies must be at least 1")]
    NoBodies,
    /// More bodies asked for than allowed.
    #[error("{requested} bodies is more than the limit of {max}; generate fewer")]
    TooManyBodies {
        /// The number asked for.
        requested: usize,
        /// The limit.
        max: usize,
    },
    /// TOML asked for above its limit.
    #[error(
        "{requested} bodies is more than the TOML limit of {max} (the reader takes files up to 256 MiB); write CSV instead"
    )]
    TooManyForToml {
        /// The number asked for.
        requested: usize,
        /// The limit.
        max: usize,
    },
    /// A country other than `uk` or `us`.
    #[error("unknown country \"{0}\"; use uk or us")]
    UnknownCountry(String),
    /// A body index beyond the dataset.
    #[error("no body at index {0}")]
    NoSuchBody(usize),
    /// A generated value failed a model check: a bug in the generator.
    #[error("internal error in the generator: {0}")]
    Internal(String),
}

/// "No body" in the compact index fields.
const NONE: u32 = u32::MAX;

/// Reasons in rank order, compactly.
#[derive(Debug, Clone, Copy)]
struct ReasonList {
    len: u8,
    items: [Reason; 6],
}

impl ReasonList {
    fn as_slice(&self) -> &[Reason] {
        &self.items[..usize::from(self.len)]
    }
}

/// One generated body, compactly (about 100 bytes); names and ids are derived from it.
#[derive(Debug, Clone)]
struct Body {
    kind: Kind,
    region: u8,
    /// 1-based number among the bodies of its kind, for the name.
    ordinal: u32,
    parent: u32,
    /// The police force whose area the body lies in.
    force: u32,
    /// The combined authority the body belongs to.
    combined: u32,
    lat: f64,
    lon: f64,
    /// 0 when unknown.
    population: u32,
    control: Option<(Option<Party>, ControlType)>,
    reasons: Option<ReasonList>,
    /// Severity in hundredths per barrier in `Barrier::all()` order; `NOT_LISTED` when the
    /// body did not list it.
    barriers: Option<[u8; 6]>,
    sought: u64,
    offered: u64,
    payback: Option<Payback>,
}

/// A barrier the body did not list.
const NOT_LISTED: u8 = u8::MAX;

/// A generated dataset, held compactly. Bodies are in id order (`S-0000001`, ...), which is
/// generation order: every parent comes before its children.
#[derive(Debug, Clone)]
pub struct Synthetic {
    settings: Settings,
    /// Region names and nations, by region index.
    regions: Vec<(&'static str, &'static str)>,
    bodies: Vec<Body>,
    /// Land neighbours: `neighbours[offsets[i]..offsets[i + 1]]`, sorted, symmetric.
    neighbour_offsets: Vec<u32>,
    neighbours: Vec<u32>,
    /// Partnerships: partner and shared services, sorted by partner, symmetric.
    partner_offsets: Vec<u32>,
    partners: Vec<(u32, u64)>,
}

impl Synthetic {
    /// The settings it was generated with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The number of bodies.
    pub fn len(&self) -> usize {
        self.bodies.len()
    }

    /// Whether there are no bodies (never, for a generated dataset).
    pub fn is_empty(&self) -> bool {
        self.bodies.is_empty()
    }

    /// The number of bodies in each sector, every sector in documented order.
    pub fn by_sector(&self) -> Vec<(Sector, usize)> {
        let mut counts = vec![0usize; Sector::all().len()];
        for b in &self.bodies {
            counts[b.kind.sector() as usize] += 1;
        }
        Sector::all().iter().map(|s| (*s, counts[*s as usize])).collect()
    }

    /// The number of bodies of each kind that occurs, in documented order.
    pub fn by_kind(&self) -> Vec<(Kind, usize)> {
        let mut counts = vec![0usize; Kind::all().len()];
        for b in &self.bodies {
            counts[b.kind as usize] += 1;
        }
        Kind::all().iter().map(|k| (*k, counts[*k as usize])).filter(|(_, n)| *n > 0).collect()
    }

    fn neighbours_of(&self, i: usize) -> &[u32] {
        &self.neighbours[self.neighbour_offsets[i] as usize..self.neighbour_offsets[i + 1] as usize]
    }

    fn partners_of(&self, i: usize) -> &[(u32, u64)] {
        &self.partners[self.partner_offsets[i] as usize..self.partner_offsets[i + 1] as usize]
    }
}

#[cfg(test)]
mod tests;
