//! `rank-all`'s document, formatted without allocation: the CSV rows and the JSON lines of every
//! body's top k, appended to a byte buffer with `itoa` (ranks), `ryu` (CSV scores) and `zmij`
//! (JSON scores), so that millions of rows cost little more than copying their bytes. Owns
//! only formatting; the caller decides the order of subjects and where the bytes go. The bytes
//! are those of the general writers: `push_number` for CSV numbers, serde_json's form for JSON
//! (its own formatter `zmij`, `null` for a non-finite number, its string escaping).

use crate::model::OrganisationId;
use crate::rank::Ranked;

/// The header of `rank-all`'s CSV, with its line end.
pub const CSV_HEADER: &str = "id,rank,candidate_id,score,forward,backward,distance_km\n";

/// Appends one subject's rows of `rank-all`'s CSV: id, rank (from 1), candidate id, mutual,
/// forward and backward score, distance in kilometres.
pub fn push_csv_rows(out: &mut Vec<u8>, ids: &[OrganisationId], subject: usize, ranked: &[Ranked]) {
    let id = ids[subject].as_str();
    out.reserve(ranked.len() * (2 * id.len() + 80));
    let mut rank = itoa::Buffer::new();
    for (i, r) in ranked.iter().enumerate() {
        push_csv_field(out, id);
        out.push(b',');
        out.extend_from_slice(rank.format(i + 1).as_bytes());
        out.push(b',');
        push_csv_field(out, ids[r.candidate].as_str());
        for v in [r.score.mutual, r.score.forward, r.score.backward, r.distance_km] {
            out.push(b',');
            push_csv_number(out, v);
        }
        out.push(b'\n');
    }
}

/// Appends one subject's JSON line: `{"id":…,"candidates":[{"id":…,"score":…,"forward":…,
/// "backward":…,"distance_km":…},…]}`, the form serde_json gives the same record.
pub fn push_json_line(
    out: &mut Vec<u8>,
    ids: &[OrganisationId],
    subject: usize,
    ranked: &[Ranked],
) {
    out.reserve(24 + ranked.len() * 120);
    out.extend_from_slice(b"{\"id\":");
    push_json_string(out, ids[subject].as_str());
    out.extend_from_slice(b",\"candidates\":[");
    for (i, r) in ranked.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        push_json_string(out, ids[r.candidate].as_str());
        out.extend_from_slice(b",\"score\":");
        push_json_number(out, r.score.mutual);
        out.extend_from_slice(b",\"forward\":");
        push_json_number(out, r.score.forward);
        out.extend_from_slice(b",\"backward\":");
        push_json_number(out, r.score.backward);
        out.extend_from_slice(b",\"distance_km\":");
        push_json_number(out, r.distance_km);
        out.push(b'}');
    }
    out.extend_from_slice(b"]}\n");
}

/// A CSV field, quoted when it needs it (ids never do, by their rules, but stay safe).
fn push_csv_field(out: &mut Vec<u8>, text: &str) {
    if text.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in text.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// A number as `super::push_number` writes it, without the `String` (same rule, same digits).
fn push_csv_number(out: &mut Vec<u8>, v: f64) {
    const TWO_24: f64 = 16_777_216.0;
    if (1e-4..1e15).contains(&v.abs()) && (v * TWO_24).fract() != 0.0 {
        out.extend_from_slice(ryu::Buffer::new().format_finite(v).as_bytes());
    } else {
        let mut text = String::new();
        super::push_number(&mut text, v);
        out.extend_from_slice(text.as_bytes());
    }
}

/// A number as serde_json writes an `f64`: its formatter's (`zmij`) shortest form, `null`
/// when not finite.
fn push_json_number(out: &mut Vec<u8>, v: f64) {
    if v.is_finite() {
        out.extend_from_slice(zmij::Buffer::new().format_finite(v).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

/// A JSON string; text needing escapes (never an id, by their rules) goes through serde_json.
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        // Serialising a string cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::PairScore;

    fn ranked(candidate: usize, mutual: f64, forward: f64, backward: f64, km: f64) -> Ranked {
        Ranked { candidate, score: PairScore { mutual, forward, backward }, distance_km: km }
    }

    #[test]
    fn csv_rows_match_the_general_formatter() {
        let ids: Vec<OrganisationId> =
            ["A", "B-1", "c:2"].iter().map(|s| OrganisationId::new(s).unwrap()).collect();
        let values = [0.1, 0.5, 1.0, 0.0, 1e-5, 123.456, 0.333_333_333_333_333_3, 2.5e-4, 7.0];
        let mut expected = String::new();
        let mut rows = Vec::new();
        for (i, w) in values.windows(4).enumerate() {
            rows.push(ranked(1 + i % 2, w[0], w[1], w[2], w[3]));
        }
        for (i, r) in rows.iter().enumerate() {
            expected.push_str(&format!("A,{},{},", i + 1, ids[r.candidate].as_str()));
            for (j, v) in [r.score.mutual, r.score.forward, r.score.backward, r.distance_km]
                .into_iter()
                .enumerate()
            {
                crate::export::push_number(&mut expected, v);
                expected.push(if j == 3 { '\n' } else { ',' });
            }
        }
        let mut out = Vec::new();
        push_csv_rows(&mut out, &ids, 0, &rows);
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn json_lines_match_serde_json() {
        #[derive(serde::Serialize)]
        struct Candidate<'a> {
            id: &'a str,
            score: f64,
            forward: f64,
            backward: f64,
            distance_km: f64,
        }
        #[derive(serde::Serialize)]
        struct Line<'a> {
            id: &'a str,
            candidates: Vec<Candidate<'a>>,
        }
        let ids: Vec<OrganisationId> =
            ["X", "Y.1", "Z_2"].iter().map(|s| OrganisationId::new(s).unwrap()).collect();
        for rows in [
            vec![],
            vec![ranked(1, 0.5, 1.0, 1e-7, 12.25)],
            vec![ranked(2, 0.1, 0.2, f64::NAN, 3.0), ranked(1, 1e20, 0.0, 0.3, 0.0)],
        ] {
            let line = Line {
                id: "X",
                candidates: rows
                    .iter()
                    .map(|r| Candidate {
                        id: ids[r.candidate].as_str(),
                        score: r.score.mutual,
                        forward: r.score.forward,
                        backward: r.score.backward,
                        distance_km: r.distance_km,
                    })
                    .collect(),
            };
            let expected = serde_json::to_string(&line).unwrap() + "\n";
            let mut out = Vec::new();
            push_json_line(&mut out, &ids, 0, &rows);
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
        let mut out = Vec::new();
        push_json_string(&mut out, "a\"b\\c\u{1}");
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string("a\"b\\c\u{1}").unwrap());
    }
}
