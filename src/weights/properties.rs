//! Property tests of the weighting methods (placeholder, filled below).
