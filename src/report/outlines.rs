//! Council and country outlines for the maps, embedded in the binary in a compact text form
//! (`data/uk/boundaries/outlines.txt`, about a third of the GeoJSON it comes from). `encode`
//! turns the ONS GeoJSON files in `data/uk/boundaries/` into that form (run
//! `cargo run --example outlines` after replacing them; a test checks the embedded file is
//! exactly what `encode` makes of them), and `outlines()` decodes it once, on first use. Pure:
//! no I/O; a malformed embedded file gives no outlines rather than a panic.
//!
//! The form, one line per outline: a letter (`C` a country, `L` a council), its GSS code and
//! name, then its rings separated by `|`. A ring is points in thousandths of a degree
//! (longitude, latitude; about 70 m by 110 m in Britain, finer than the 500 m generalisation of
//! the source): the first absolute, each next one as the difference from the one before,
//! `x,y` pairs separated by spaces, the closing point left implicit. Lines starting with `#`
//! are comments (the attribution).

use std::collections::HashMap;
use std::sync::OnceLock;

/// The compact outlines compiled in.
pub const EMBEDDED: &str = include_str!("../../data/uk/boundaries/outlines.txt");

/// The attribution the outlines' licence asks for, shown on every map that draws them.
pub const ATTRIBUTION: &str = "Boundaries: Office for National Statistics, Open Government \
     Licence v3.0. Contains OS data \u{a9} Crown copyright and database right 2024 (councils) and \
     2020 (countries).";

/// Units per degree of the compact form.
const UNITS: f64 = 1000.0;

/// One outline: rings of (longitude, latitude) points in degrees, and its bounding box.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The GSS code.
    pub code: String,
    /// The name in the source.
    pub name: String,
    /// Closed rings (the closing point left implicit), outer and holes alike.
    pub rings: Vec<Vec<[f64; 2]>>,
    /// West, south, east, north.
    pub bbox: [f64; 4],
}

/// The decoded outlines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outlines {
    /// England, Scotland, Wales, Northern Ireland.
    pub countries: Vec<Shape>,
    /// Lower-tier and single-tier councils, by GSS code.
    pub councils: HashMap<String, Shape>,
}

/// The embedded outlines, decoded on first use (empty if the embedded file were malformed,
/// which a test rules out).
pub fn outlines() -> &'static Outlines {
    static OUTLINES: OnceLock<Outlines> = OnceLock::new();
    OUTLINES.get_or_init(|| decode(EMBEDDED).unwrap_or_default())
}

/// Why the compact form or the GeoJSON could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutlineError {
    /// A line of the compact form is malformed.
    #[error("outlines line {line}: {problem}")]
    Compact {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// The GeoJSON is not a FeatureCollection of (Multi)Polygons with `gss_code` and `name`.
    #[error("{file}: {problem}")]
    GeoJson {
        /// Which input.
        file: &'static str,
        /// What is wrong.
        problem: String,
    },
}

/// Decodes the compact form.
pub fn decode(text: &str) -> Result<Outlines, OutlineError> {
    let mut out = Outlines::default();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad =
            |problem: &str| OutlineError::Compact { line: i + 1, problem: problem.to_owned() };
        let mut fields = line.splitn(4, '\t');
        let (Some(letter), Some(code), Some(name), Some(rings)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(bad("expected four tab-separated fields"));
        };
        let mut shape = Shape {
            code: code.to_owned(),
            name: name.to_owned(),
            rings: Vec::new(),
            bbox: [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY],
        };
        for ring_text in rings.split('|') {
            let mut ring = Vec::new();
            let (mut x, mut y) = (0i64, 0i64);
            for pair in ring_text.split(' ') {
                let (dx, dy) = pair.split_once(',').ok_or_else(|| bad("a point is not x,y"))?;
                x += dx.parse::<i64>().map_err(|_| bad("a coordinate is not a whole number"))?;
                y += dy.parse::<i64>().map_err(|_| bad("a coordinate is not a whole number"))?;
                let (lon, lat) = (x as f64 / UNITS, y as f64 / UNITS);
                shape.bbox = [
                    shape.bbox[0].min(lon),
                    shape.bbox[1].min(lat),
                    shape.bbox[2].max(lon),
                    shape.bbox[3].max(lat),
                ];
                ring.push([lon, lat]);
            }
            if ring.len() < 3 {
                return Err(bad("a ring has fewer than three points"));
            }
            shape.rings.push(ring);
        }
        match letter {
            "C" => out.countries.push(shape),
            "L" => {
                out.councils.insert(shape.code.clone(), shape);
            }
            _ => return Err(bad("the first field is C (country) or L (council)")),
        }
    }
    Ok(out)
}

/// The rings of a GeoJSON FeatureCollection's features: (code, name, rings in degrees).
type Features = Vec<(String, String, Vec<Vec<[f64; 2]>>)>;

fn read_geojson(file: &'static str, text: &str) -> Result<Features, OutlineError> {
    let bad = |problem: String| OutlineError::GeoJson { file, problem };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let features = value["features"]
        .as_array()
        .ok_or_else(|| bad("no \"features\" array: expected a FeatureCollection".to_owned()))?;
    let mut out = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let text_field = |key: &str| {
            f["properties"][key]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| bad(format!("feature {i} has no properties.{key}")))
        };
        let (code, name) = (text_field("gss_code")?, text_field("name")?);
        let geometry = &f["geometry"];
        let polygons: Vec<&serde_json::Value> = match geometry["type"].as_str() {
            Some("MultiPolygon") => {
                geometry["coordinates"].as_array().into_iter().flatten().collect()
            }
            Some("Polygon") => vec![&geometry["coordinates"]],
            _ => return Err(bad(format!("feature {i} ({code}) is not a (Multi)Polygon"))),
        };
        let mut rings = Vec::new();
        for polygon in polygons {
            for ring in polygon.as_array().into_iter().flatten() {
                let points: Option<Vec<[f64; 2]>> = ring
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
                    .collect();
                rings.push(
                    points.ok_or_else(|| bad(format!("feature {i} ({code}): a bad position")))?,
                );
            }
        }
        out.push((code, name, rings));
    }
    Ok(out)
}

/// The ring in whole units, consecutive repeats and the closing point dropped; `None` when
/// fewer than three points are left (a ring the rounding collapsed).
fn quantise(ring: &[[f64; 2]]) -> Option<Vec<[i64; 2]>> {
    let mut out: Vec<[i64; 2]> = Vec::with_capacity(ring.len());
    for p in ring {
        let q = [(p[0] * UNITS).round() as i64, (p[1] * UNITS).round() as i64];
        if out.last() != Some(&q) {
            out.push(q);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    (out.len() >= 3).then_some(out)
}

/// Encodes the countries' and the councils' GeoJSON (ONS, `gss_code` and `name` properties)
/// into the compact form, countries first, each file's features in their order.
pub fn encode(countries_geojson: &str, councils_geojson: &str) -> Result<String, OutlineError> {
    use std::fmt::Write as _;
    let mut out = String::new();
    out.push_str(
        "# Council and country outlines for partnermatch's maps, in thousandths of a degree.\n",
    );
    out.push_str("# Made by `cargo run --example outlines` from uk_countries20.geojson and uk_ltla24.geojson.\n");
    let _ = writeln!(out, "# {ATTRIBUTION}");
    for (letter, file, text) in [
        ("C", "uk_countries20.geojson", countries_geojson),
        ("L", "uk_ltla24.geojson", councils_geojson),
    ] {
        for (code, name, rings) in read_geojson(file, text)? {
            let rings: Vec<Vec<[i64; 2]>> = rings.iter().filter_map(|r| quantise(r)).collect();
            if rings.is_empty() {
                continue;
            }
            let _ = write!(out, "{letter}\t{code}\t{name}\t");
            for (r, ring) in rings.iter().enumerate() {
                if r > 0 {
                    out.push('|');
                }
                let mut last = [0i64, 0i64];
                for (i, p) in ring.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    let _ = write!(out, "{},{}", p[0] - last[0], p[1] - last[1]);
                    last = *p;
                }
            }
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str) -> String {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/uk/boundaries").join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The embedded file is exactly what `encode` makes of the GeoJSON shipped beside it, and
    /// every decoded point lies within half a unit of the source point it came from.
    #[test]
    fn the_embedded_outlines_are_the_geojson_encoded() {
        let (countries, councils) = (source("uk_countries20.geojson"), source("uk_ltla24.geojson"));
        let encoded = encode(&countries, &councils).unwrap();
        assert!(
            encoded == EMBEDDED,
            "data/uk/boundaries/outlines.txt is stale: run `cargo run --example outlines`"
        );
        let decoded = decode(EMBEDDED).unwrap();
        assert_eq!(decoded.countries.len(), 4);
        assert_eq!(decoded.councils.len(), 361);
        let features = read_geojson("uk_ltla24.geojson", &councils).unwrap();
        for (code, name, rings) in &features {
            let shape = &decoded.councils[code];
            assert_eq!(&shape.name, name);
            // Every decoded point is a source point, rounded.
            for ring in &shape.rings {
                for p in ring {
                    let near = rings.iter().flatten().any(|s| {
                        (s[0] - p[0]).abs() <= 0.5 / UNITS + 1e-9
                            && (s[1] - p[1]).abs() <= 0.5 / UNITS + 1e-9
                    });
                    assert!(near, "{code}: {p:?} is no source point");
                }
            }
        }
        let cotswold = &decoded.councils["E07000079"];
        assert!(cotswold.bbox[0] < -1.9 && cotswold.bbox[2] > -1.9, "{:?}", cotswold.bbox);
        assert!(
            EMBEDDED.len() * 2 < councils.len() + countries.len(),
            "compact: {}",
            EMBEDDED.len()
        );
    }

    #[test]
    fn malformed_input_is_an_error_naming_the_line() {
        for (text, want) in [
            ("L\tX\tname\n", "four tab-separated"),
            ("L\tX\tn\t1,2 3\n", "x,y"),
            ("L\tX\tn\t1,2 3,a 4,4\n", "whole number"),
            ("L\tX\tn\t1,2 3,4\n", "fewer than three"),
            ("Q\tX\tn\t1,2 3,4 5,6\n", "C (country)"),
        ] {
            let err = decode(&format!("# comment\n{text}")).unwrap_err().to_string();
            assert!(err.starts_with("outlines line 2: ") && err.contains(want), "{err}");
        }
        assert!(encode("{}", "{}").unwrap_err().to_string().contains("uk_countries20.geojson"));
        let decoded = decode("C\tA\tA\t0,0 1000,0 0,1000\n").unwrap();
        assert_eq!(decoded.countries[0].rings[0], [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]);
    }

    #[test]
    fn rounding_drops_repeats_closing_points_and_collapsed_rings() {
        let ring = [[0.0, 0.0], [0.0001, 0.0], [0.01, 0.0], [0.01, 0.01], [0.0, 0.0]];
        assert_eq!(quantise(&ring), Some(vec![[0, 0], [10, 0], [10, 10]]));
        assert_eq!(quantise(&[[0.0, 0.0], [0.0001, 0.0001], [0.0, 0.0]]), None);
    }
}
