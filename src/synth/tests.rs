//! Unit tests of the synthetic generator.
