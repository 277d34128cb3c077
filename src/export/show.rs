//! `show`'s documents: one body's profile as JSON with the fields profile layers stated, and
//! the "stated by" lines the text and TOML forms carry. A contract with scripts: fields are
//! added, never renamed.

use serde::Serialize;

use crate::dataset::Dataset;
use crate::model::Organisation;

/// A field stated by a profile layer.
#[derive(Serialize)]
pub struct StatedField<'a> {
    field: &'static str,
    stated_by: &'a str,
}

/// The fields of `o` that profile layers stated, and which layer stated each.
pub fn stated_fields<'a>(dataset: &'a Dataset, o: &Organisation) -> Vec<StatedField<'a>> {
    dataset
        .stated()
        .fields(&o.id)
        .iter()
        .map(|(field, by)| StatedField { field, stated_by: by })
        .collect()
}

/// `show --format json`: the profile's fields, and the fields a profile layer stated.
#[derive(Serialize)]
pub struct ShowDocument<'a> {
    #[serde(flatten)]
    organisation: &'a Organisation,
    /// The fields stated by `--profile` layers; left out when none.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    stated: &'a [StatedField<'a>],
}

impl<'a> ShowDocument<'a> {
    /// The document of one body and its stated fields.
    pub fn new(organisation: &'a Organisation, stated: &'a [StatedField<'a>]) -> Self {
        Self { organisation, stated }
    }
}

/// "stated by our.toml: services_sought, barriers", one line per layer.
pub fn stated_lines(stated: &[StatedField<'_>]) -> Vec<String> {
    let mut layers: Vec<&str> = Vec::new();
    for s in stated {
        if !layers.contains(&s.stated_by) {
            layers.push(s.stated_by);
        }
    }
    layers
        .iter()
        .map(|layer| {
            let fields: Vec<&str> =
                stated.iter().filter(|s| s.stated_by == *layer).map(|s| s.field).collect();
            format!("stated by {layer}: {}", fields.join(", "))
        })
        .collect()
}
