//! `explain --format json`: one pair's score, explained from both sides. A contract with
//! scripts: fields are added, never renamed.

use serde::Serialize;

use super::records::BodyRef;
use crate::model::Organisation;
use crate::score::Explanation;

/// The JSON document of `explain`: the two bodies, the mutual score and the explanation's
/// fields at the top level.
#[derive(Debug, Serialize)]
pub struct ExplainDocument {
    organisation: BodyRef,
    candidate: BodyRef,
    score: f64,
    #[serde(flatten)]
    explanation: Explanation,
}

impl ExplainDocument {
    /// The document of `subject`'s view of `candidate` (and back).
    pub fn new(subject: &Organisation, candidate: &Organisation, explanation: Explanation) -> Self {
        Self {
            organisation: BodyRef::from(subject),
            candidate: BodyRef::from(candidate),
            score: explanation.mutual,
            explanation,
        }
    }
}
