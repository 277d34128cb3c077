//! Decision support on top of ranking: how robust a ranking is to the weights.

pub mod robustness;
