//! `rank-all`'s document: every body's top-k partners as CSV rows or JSON lines. Rendered one
//! subject at a time into a string, so that the caller can format runs of subjects in parallel
//! while it writes them in order. Does no I/O.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Serialize;

use super::push_number;
use crate::model::OrganisationId;
use crate::rank::Ranked;

/// The formats of `rank-all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV: one row per (body, candidate) pair, after a header row.
    Csv,
    /// JSON lines: one object per body with its candidates.
    Jsonl,
}

/// The CSV header row, with its line end.
pub const CSV_HEADER: &str = "id,rank,candidate_id,score,forward,backward,distance_km\n";

impl Format {
    /// What comes before the first subject: the CSV header row, or nothing.
    pub fn header(self) -> &'static str {
        match self {
            Self::Csv => CSV_HEADER,
            Self::Jsonl => "",
        }
    }
}

/// One candidate of a JSON line.
#[derive(Serialize)]
struct LineCandidate<'a> {
    id: &'a str,
    score: f64,
    forward: f64,
    backward: f64,
    distance_km: f64,
}

/// One JSON line: a body and its candidates, best first.
#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    candidates: Vec<LineCandidate<'a>>,
}

/// Appends the rows (CSV) or the line (JSON lines) of one subject's ranked candidates to
/// `text`; `ids` are the dataset's ids by index. Numbers are written as `Display` writes them
/// (`push_number`), so the CSV equals what a `format!` per field would give.
pub fn render(
    format: Format,
    ids: &[OrganisationId],
    subject: usize,
    ranked: &[Ranked],
    text: &mut String,
) {
    let id = ids[subject].as_str();
    match format {
        Format::Csv => {
            let id = csv_field(id);
            // About the rows' length, so the text is seldom moved as it grows.
            text.reserve(ranked.len() * (2 * id.len() + 80));
            for (i, r) in ranked.iter().enumerate() {
                text.push_str(&id);
                text.push(',');
                let _ = write!(text, "{}", i + 1);
                text.push(',');
                text.push_str(&csv_field(ids[r.candidate].as_str()));
                text.push(',');
                for v in [r.score.mutual, r.score.forward, r.score.backward] {
                    push_number(text, v);
                    text.push(',');
                }
                push_number(text, r.distance_km);
                text.push('\n');
            }
        }
        Format::Jsonl => {
            let record = Line {
                id,
                candidates: ranked
                    .iter()
                    .map(|r| LineCandidate {
                        id: ids[r.candidate].as_str(),
                        score: r.score.mutual,
                        forward: r.score.forward,
                        backward: r.score.backward,
                        distance_km: r.distance_km,
                    })
                    .collect(),
            };
            // Serialising plain strings and finite numbers cannot fail.
            text.push_str(&serde_json::to_string(&record).unwrap_or_default());
            text.push('\n');
        }
    }
}

/// Quotes a CSV field when it needs it (ids never do, but stay safe).
fn csv_field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::PairScore;

    fn check(format: Format, ids: &[&str], expected: &str) {
        let ids: Vec<OrganisationId> =
            ids.iter().filter_map(|i| OrganisationId::new(i).ok()).collect();
        let ranked = [Ranked {
            candidate: 1,
            score: PairScore { mutual: 0.5, forward: 0.25, backward: 0.75 },
            distance_km: 12.0,
        }];
        let mut text = String::new();
        render(format, &ids, 0, &ranked, &mut text);
        assert_eq!(text, expected);
    }

    #[test]
    fn renders_one_subject() {
        check(Format::Csv, &["A", "B"], "A,1,B,0.5,0.25,0.75,12\n");
        check(
            Format::Jsonl,
            &["A", "B"],
            "{\"id\":\"A\",\"candidates\":[{\"id\":\"B\",\"score\":0.5,\"forward\":0.25,\"backward\":0.75,\"distance_km\":12.0}]}\n",
        );
    }

    #[test]
    fn quotes_csv_fields_that_need_it() {
        assert_eq!(csv_field("E07000223"), "E07000223");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
    }
}
