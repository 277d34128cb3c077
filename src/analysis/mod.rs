//! Decision support on top of ranking: how robust a ranking is to the weights
//! (`robustness`), the national pairing plan (maximum-weight matching on the candidate graph of
//! every body's best partners) and partner groups for a service. They read the engine and
//! return plain results; no I/O. Documented in `docs/robustness.md` and `docs/analysis.md`.

pub mod candidates;
pub mod evaluate;
pub mod groups;
pub mod matching;
pub mod pairs;
pub mod robustness;
