//! The map of a ranking as plain data: the ranked body, its candidates and the other bodies
//! projected onto a flat picture, with a scale bar and an overview inset. Both the HTML report
//! (server-side SVG) and the web page (client-side SVG) draw this one `MapView`, so there is one
//! projection. Pure arithmetic on coordinates: no I/O, no tiles, never panics on any input.
//!
//! Projection: equirectangular about the ranked body, scaled by the cosine of its latitude φ₀
//! (the "plate carrée" stretched so that a kilometre east is as long as a kilometre north
//! there): x = (λ − λ₀)·cos φ₀·k, y = (φ₀ − φ)·k, with k = πR/180 km per degree (R the IUGG
//! mean Earth radius). East–west lengths drift by about 1.5% per 100 km north or south of φ₀ in
//! Britain (the change in cos φ), well within what a scale bar is read to.

use serde::Serialize;

use crate::engine::Engine;
use crate::export::ranking::ExplainedRanking;
use crate::model::{EARTH_RADIUS_KM, LatLon};

/// Kilometres per degree of latitude on the mean sphere.
const KM_PER_DEGREE: f64 = std::f64::consts::PI * EARTH_RADIUS_KM / 180.0;

/// Width of the main map in picture units (CSS pixels at 100%).
pub const MAP_WIDTH: f64 = 640.0;

/// The smallest frame side, so that a ranking of close bodies is not magnified absurdly.
const MIN_SPAN_KM: f64 = 30.0;

/// Kept between the outermost marker and the frame edge, as a share of the span.
const PADDING: f64 = 0.12;

/// The frame's height over its width is kept within these bounds by widening the narrow side.
const ASPECT_RANGE: (f64, f64) = (0.6, 1.2);

/// The inset's longer side.
const INSET_SIZE: f64 = 150.0;

/// The inset is drawn only when the main frame covers less than this share of the data's
/// extent (otherwise the main map already shows the whole).
const INSET_MAX_SHARE: f64 = 0.3;

/// A point in kilometres east (`x`) and south (`y`) of a projection's centre.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Km {
    x: f64,
    y: f64,
}

/// The equirectangular projection about a centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    lat0: f64,
    lon0: f64,
    cos_lat0: f64,
}

impl Projection {
    /// The projection about a centre point.
    pub fn new(centre: LatLon) -> Self {
        // At the poles cos φ₀ = 0 would collapse every longitude; a floor keeps x meaningful.
        let cos_lat0 = centre.lat.to_radians().cos().max(0.01);
        Self { lat0: centre.lat, lon0: centre.lon, cos_lat0 }
    }

    fn km(&self, p: LatLon) -> Km {
        Km {
            x: (p.lon - self.lon0) * self.cos_lat0 * KM_PER_DEGREE,
            y: (self.lat0 - p.lat) * KM_PER_DEGREE,
        }
    }
}

/// A rectangle in picture units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// A named body on the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Marker {
    /// Across, in picture units from the left.
    pub x: f64,
    /// Down, in picture units from the top.
    pub y: f64,
    /// The body's id.
    pub id: String,
    /// The body's display name.
    pub name: String,
    /// 1-based rank for a candidate, `None` for the ranked body.
    pub rank: Option<usize>,
    /// The marker's tooltip and accessible name ("1. Worthing: score 0.769, 7 km").
    pub title: String,
}

/// A scale bar: a round number of kilometres and its length on the picture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaleBar {
    /// Left end, across.
    pub x: f64,
    /// Vertical position.
    pub y: f64,
    /// Length in picture units.
    pub length: f64,
    /// The distance it stands for.
    pub km: f64,
    /// "10 km".
    pub label: String,
}

/// A small overview of the whole dataset with the main map's frame drawn on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inset {
    /// Width in picture units.
    pub width: f64,
    /// Height in picture units.
    pub height: f64,
    /// Every body, as [x, y].
    pub dots: Vec<[f64; 2]>,
    /// The ranked body, as [x, y].
    pub subject: [f64; 2],
    /// The main map's frame.
    pub frame: Rect,
}

/// Everything needed to draw the map of one ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapView {
    /// Width in picture units.
    pub width: f64,
    /// Height in picture units.
    pub height: f64,
    /// Short title (the SVG `<title>`).
    pub title: String,
    /// A text alternative saying what the map shows (the SVG `<desc>`).
    pub description: String,
    /// The other bodies inside the frame, as [x, y]: faint dots that give the country's shape.
    pub background: Vec<[f64; 2]>,
    /// The ranked body.
    pub subject: Marker,
    /// The ranked candidates, best first.
    pub candidates: Vec<Marker>,
    /// The scale bar.
    pub scale_bar: ScaleBar,
    /// Kilometres the frame spans across.
    pub span_km: f64,
    /// The overview, when the frame shows only part of the data.
    pub inset: Option<Inset>,
    /// The country outlines in the frame (coast and national borders), as SVG path data.
    pub countries: Vec<String>,
    /// The council outlines in the frame: first the others, then the partners' (worst rank
    /// first) and the ranked body's, so that the filled ones are drawn on top.
    pub areas: Vec<Area>,
    /// The outlines' licence attribution, to show on the map (empty when none is drawn).
    pub attribution: String,
}

/// One council's outline on the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Area {
    /// The GSS code of the outline (a district's, for a county drawn as its districts).
    pub code: String,
    /// `subject`, `partner` or `other`.
    pub role: &'static str,
    /// The partner's rank, for a partner's outline.
    pub rank: Option<usize>,
    /// Fill opacity: the ranked body's and the best partners' strongest, fading with rank.
    pub opacity: f64,
    /// SVG path data in picture units.
    pub d: String,
}

/// Fill opacity of a partner's outline by rank: 0.7 for the best, down to 0.2 for the last.
fn rank_opacity(rank: usize, n: usize) -> f64 {
    let step = if n > 1 { (rank.saturating_sub(1)) as f64 / (n - 1) as f64 } else { 0.0 };
    round(0.7 - 0.5 * step)
}

/// SVG path data of a shape's rings through `to_picture`, or `None` when its bounding box lies
/// outside the picture. Points closer than 0.6 units to the last one written are skipped (at a
/// national scale a council's outline needs only a few dozen).
fn shape_path(
    shape: &super::outlines::Shape,
    to_picture: &dyn Fn(LatLon) -> [f64; 2],
    width: f64,
    height: f64,
) -> Option<String> {
    use std::fmt::Write as _;
    let [w, s, e, n] = shape.bbox;
    let corner = |lat: f64, lon: f64| LatLon { lat, lon };
    let [x0, y0] = to_picture(corner(n, w));
    let [x1, y1] = to_picture(corner(s, e));
    if x1 < -2.0 || x0 > width + 2.0 || y1 < -2.0 || y0 > height + 2.0 {
        return None;
    }
    let mut d = String::new();
    for ring in &shape.rings {
        let mut last: Option<[f64; 2]> = None;
        let mut n_points = 0;
        let start = d.len();
        for p in ring {
            let [x, y] = to_picture(corner(p[1], p[0]));
            if let Some([lx, ly]) = last
                && (x - lx).abs() < 0.6
                && (y - ly).abs() < 0.6
            {
                continue;
            }
            let _ = write!(d, "{}{x} {y}", if last.is_none() { "M" } else { "L" });
            last = Some([x, y]);
            n_points += 1;
        }
        if n_points < 3 {
            d.truncate(start);
        } else {
            d.push('Z');
        }
    }
    (!d.is_empty()).then_some(d)
}

/// Rounds to a tenth of a picture unit: finer than any screen, and keeps documents small.
fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A round distance for a scale bar: the largest 1, 2 or 5 × 10ⁿ km not above `target`.
pub fn nice_km(target: f64) -> f64 {
    if !(target.is_finite() && target > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(target.log10().floor());
    [5.0, 2.0, 1.0].iter().map(|m| m * magnitude).find(|v| *v <= target).unwrap_or(magnitude)
}

/// Formats kilometres for labels: "500 m" below 1 km, else whole kilometres.
fn km_label(km: f64) -> String {
    if km < 1.0 { format!("{:.0} m", km * 1000.0) } else { format!("{km:.0} km") }
}

/// A frame in projected kilometres: the box around `points`, padded, at least `MIN_SPAN_KM`
/// on each side, its aspect kept within `ASPECT_RANGE`.
fn frame(points: &[Km]) -> (Km, f64, f64) {
    let (mut min_x, mut max_x, mut min_y, mut max_y) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (i, p) in points.iter().enumerate() {
        if i == 0 {
            (min_x, max_x, min_y, max_y) = (p.x, p.x, p.y, p.y);
        }
        min_x = min_x.min(p.x);
        max_x = max_x.max(p.x);
        min_y = min_y.min(p.y);
        max_y = max_y.max(p.y);
    }
    let centre = Km { x: (min_x + max_x) / 2.0, y: (min_y + max_y) / 2.0 };
    let pad = |span: f64| (span * (1.0 + 2.0 * PADDING)).max(MIN_SPAN_KM);
    let mut width = pad(max_x - min_x);
    let mut height = pad(max_y - min_y);
    if height / width < ASPECT_RANGE.0 {
        height = width * ASPECT_RANGE.0;
    } else if height / width > ASPECT_RANGE.1 {
        width = height / ASPECT_RANGE.1;
    }
    (Km { x: centre.x - width / 2.0, y: centre.y - height / 2.0 }, width, height)
}

impl MapView {
    /// The map of an explained ranking: framed on the ranked body and its candidates, every
    /// other body in the frame as a faint dot, an inset of the whole dataset when the frame is
    /// a small part of it. O(n) in the dataset's size.
    pub fn new(engine: &Engine, explained: &ExplainedRanking) -> Self {
        let orgs = engine.dataset.organisations();
        let subject = &orgs[explained.subject];
        let projection = Projection::new(subject.location);
        let mut focus = vec![projection.km(subject.location)];
        focus.extend(
            explained.ranking.candidates.iter().map(|r| projection.km(orgs[r.candidate].location)),
        );
        let (origin, span_x, span_y) = frame(&focus);
        let scale = MAP_WIDTH / span_x;
        let height = round(span_y * scale);
        let to_picture = |p: Km| [round((p.x - origin.x) * scale), round((p.y - origin.y) * scale)];

        let shown: std::collections::HashSet<usize> = explained
            .ranking
            .candidates
            .iter()
            .map(|r| r.candidate)
            .chain(std::iter::once(explained.subject))
            .collect();
        let background = orgs
            .iter()
            .enumerate()
            .filter(|(i, _)| !shown.contains(i))
            .map(|(_, o)| to_picture(projection.km(o.location)))
            .filter(|[x, y]| (0.0..=MAP_WIDTH).contains(x) && (0.0..=height).contains(y))
            .collect();

        let [sx, sy] = to_picture(focus[0]);
        let subject_marker = Marker {
            x: sx,
            y: sy,
            id: subject.id.to_string(),
            name: subject.display_name().to_owned(),
            rank: None,
            title: format!("{} (the body ranked for)", subject.name),
        };
        let candidates = explained
            .ranking
            .candidates
            .iter()
            .zip(&explained.records)
            .zip(focus.iter().skip(1))
            .map(|((ranked, record), km)| {
                let [x, y] = to_picture(*km);
                let o = &orgs[ranked.candidate];
                Marker {
                    x,
                    y,
                    id: o.id.to_string(),
                    name: o.display_name().to_owned(),
                    rank: Some(record.rank),
                    title: format!(
                        "{}. {}: score {:.3}, {}",
                        record.rank,
                        o.name,
                        record.score,
                        km_label(record.distance_km)
                    ),
                }
            })
            .collect::<Vec<_>>();

        let bar_km = nice_km(span_x / 5.0);
        let scale_bar = ScaleBar {
            x: 16.0,
            y: round(height - 16.0),
            length: round(bar_km * scale),
            km: bar_km,
            label: km_label(bar_km),
        };

        let inset = Self::inset(engine, &projection, origin, span_x, span_y, focus[0]);
        let to_lat_lon_picture = |p: LatLon| to_picture(projection.km(p));
        let (countries, areas) = Self::outlines(engine, explained, &to_lat_lon_picture, height);
        let attribution = if countries.is_empty() && areas.is_empty() {
            String::new()
        } else {
            super::outlines::ATTRIBUTION.to_owned()
        };
        let farthest = explained.records.iter().map(|r| r.distance_km).fold(0.0, f64::max);
        let title = format!("Map of {} and its ranked partners", subject.display_name());
        let description = if candidates.is_empty() {
            format!(
                "{} is marked with a star; no candidate passed the filters. Grey dots are other \
                 bodies in view.",
                subject.name
            )
        } else {
            format!(
                "{} is marked with a star and its top {} partners with their rank numbers, all \
                 within {} of it, each joined to it by a line. Grey dots are other bodies in \
                 view. The table of ranked partners gives the same names and distances.",
                subject.name,
                candidates.len(),
                km_label(farthest.ceil())
            )
        };
        Self {
            width: MAP_WIDTH,
            height,
            title,
            description,
            background,
            subject: subject_marker,
            candidates,
            scale_bar,
            span_km: round(span_x),
            inset,
            countries,
            areas,
            attribution,
        }
    }

    /// The outlines in the frame: countries, then councils (others, partners from the last
    /// rank up, the ranked body). A body with no outline of its own is drawn as the outlines of
    /// the councils inside it: a county as its districts, a police force, fire authority,
    /// health body or combined authority as the councils that lie `within` it.
    fn outlines(
        engine: &Engine,
        explained: &ExplainedRanking,
        to_picture: &dyn Fn(LatLon) -> [f64; 2],
        height: f64,
    ) -> (Vec<String>, Vec<Area>) {
        let outlines = super::outlines::outlines();
        let countries = outlines
            .countries
            .iter()
            .filter_map(|c| shape_path(c, to_picture, MAP_WIDTH, height))
            .collect();
        let orgs = engine.dataset.organisations();
        let mut children: std::collections::HashMap<&str, Vec<&str>> =
            std::collections::HashMap::new();
        for o in orgs {
            if let Some(parent) = &o.parent {
                children.entry(parent.as_str()).or_default().push(o.id.as_str());
            }
            for area in &o.within {
                children.entry(area.as_str()).or_default().push(o.id.as_str());
            }
        }
        let outline_codes = |i: usize| -> Vec<&str> {
            let id = orgs[i].id.as_str();
            if outlines.councils.contains_key(id) {
                vec![id]
            } else {
                children
                    .get(id)
                    .map(|c| {
                        c.iter().copied().filter(|c| outlines.councils.contains_key(*c)).collect()
                    })
                    .unwrap_or_default()
            }
        };
        let n = explained.ranking.candidates.len();
        let mut filled: Vec<(String, &'static str, Option<usize>, f64)> = Vec::new();
        for (r, ranked) in explained.ranking.candidates.iter().enumerate().rev() {
            for code in outline_codes(ranked.candidate) {
                filled.push((code.to_owned(), "partner", Some(r + 1), rank_opacity(r + 1, n)));
            }
        }
        for code in outline_codes(explained.subject) {
            filled.push((code.to_owned(), "subject", None, 0.45));
        }
        let mut codes: Vec<&String> = outlines.councils.keys().collect();
        codes.sort();
        let mut areas: Vec<Area> = codes
            .into_iter()
            .filter(|code| !filled.iter().any(|f| &f.0 == *code))
            .filter_map(|code| {
                let d = shape_path(&outlines.councils[code], to_picture, MAP_WIDTH, height)?;
                Some(Area { code: code.clone(), role: "other", rank: None, opacity: 0.0, d })
            })
            .collect();
        for (code, role, rank, opacity) in filled {
            if let Some(shape) = outlines.councils.get(&code)
                && let Some(d) = shape_path(shape, to_picture, MAP_WIDTH, height)
            {
                areas.push(Area { code, role, rank, opacity, d });
            }
        }
        (countries, areas)
    }

    /// The overview of the whole dataset, or `None` when the frame already shows most of it.
    fn inset(
        engine: &Engine,
        projection: &Projection,
        origin: Km,
        span_x: f64,
        span_y: f64,
        subject: Km,
    ) -> Option<Inset> {
        let all: Vec<Km> =
            engine.dataset.organisations().iter().map(|o| projection.km(o.location)).collect();
        let (mut min_x, mut max_x, mut min_y, mut max_y) =
            (origin.x, origin.x + span_x, origin.y, origin.y + span_y);
        for p in &all {
            min_x = min_x.min(p.x);
            max_x = max_x.max(p.x);
            min_y = min_y.min(p.y);
            max_y = max_y.max(p.y);
        }
        let (width_km, height_km) = ((max_x - min_x).max(1.0), (max_y - min_y).max(1.0));
        if span_x * span_y > INSET_MAX_SHARE * width_km * height_km {
            return None;
        }
        // A little room so that border dots are not cut in half.
        let margin = 4.0;
        let scale = (INSET_SIZE - 2.0 * margin) / width_km.max(height_km);
        let to_inset =
            |p: Km| [round(margin + (p.x - min_x) * scale), round(margin + (p.y - min_y) * scale)];
        let [fx, fy] = to_inset(origin);
        Some(Inset {
            width: round(width_km * scale + 2.0 * margin),
            height: round(height_km * scale + 2.0 * margin),
            dots: all.iter().map(|p| to_inset(*p)).collect(),
            subject: to_inset(subject),
            frame: Rect {
                x: fx,
                y: fy,
                width: round((span_x * scale).max(2.0)),
                height: round((span_y * scale).max(2.0)),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Dataset;
    use crate::rank::RankSettings;
    use crate::weights::{Survey, WeightSettings};

    /// The ranked body and each partner are drawn as their filled outlines (a county as its
    /// districts), partners darker for a better rank, inside the country outlines, with the
    /// licence's attribution.
    #[test]
    fn outlines_fill_the_ranked_body_and_its_partners_by_rank() {
        let engine = Engine::new(Dataset::embedded().unwrap(), Survey::embedded().unwrap(), {
            WeightSettings::default()
        })
        .unwrap();
        for name in ["Cotswold", "Gloucestershire County Council", "Orkney Islands"] {
            let subject = engine.dataset.find(name).unwrap();
            let explained = ExplainedRanking::new(&engine, subject, RankSettings::default());
            let map = MapView::new(&engine, &explained);
            assert!(!map.countries.is_empty(), "{name}: the coast");
            assert!(map.attribution.contains("Crown copyright"), "{name}");
            assert!(map.areas.iter().any(|a| a.role == "subject"), "{name}: its own area");
            let partners: Vec<&Area> = map.areas.iter().filter(|a| a.role == "partner").collect();
            let ranks: std::collections::BTreeSet<usize> =
                partners.iter().filter_map(|a| a.rank).collect();
            assert_eq!(ranks.len(), 10, "{name}: every partner's area");
            for pair in partners.windows(2) {
                if pair[0].rank > pair[1].rank {
                    assert!(pair[0].opacity <= pair[1].opacity, "{name}: better ranks darker");
                }
            }
            for a in &map.areas {
                assert!(a.d.starts_with('M') && a.d.ends_with('Z'), "{name}: {}", a.code);
            }
        }
    }

    #[test]
    fn scale_bars_are_round_numbers() {
        for (target, want) in
            [(0.3, 0.2), (1.0, 1.0), (7.0, 5.0), (12.0, 10.0), (19.9, 10.0), (25.0, 20.0)]
        {
            assert!((nice_km(target) - want).abs() < 1e-9, "{target}: {}", nice_km(target));
        }
        for bad in [0.0, -3.0, f64::NAN, f64::INFINITY] {
            assert!((nice_km(bad) - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn a_kilometre_east_is_as_long_as_a_kilometre_north() {
        let p = Projection::new(LatLon::new(51.0, -1.0).unwrap());
        let east = p.km(LatLon::new(51.0, -0.9).unwrap());
        let west = LatLon::new(51.0, -1.0).unwrap().distance(LatLon::new(51.0, -0.9).unwrap());
        assert!((east.x - west.0).abs() / west.0 < 1e-3, "{} vs {}", east.x, west.0);
        let north = p.km(LatLon::new(51.1, -1.0).unwrap());
        assert!(north.y < 0.0, "north is up");
    }

    #[test]
    fn every_marker_lies_inside_the_picture_and_the_scale_bar_is_true() {
        let engine = Engine::new(Dataset::embedded().unwrap(), Survey::embedded().unwrap(), {
            WeightSettings::default()
        })
        .unwrap();
        for (name, top) in [("Adur", 10), ("Orkney Islands", 5), ("Cornwall", 20), ("Adur", 0)] {
            let subject = engine.dataset.find(name).unwrap();
            let settings = RankSettings { top, ..RankSettings::default() };
            let explained = ExplainedRanking::new(&engine, subject, settings);
            let map = MapView::new(&engine, &explained);
            assert_eq!(map.candidates.len(), top);
            for m in map.candidates.iter().chain(std::iter::once(&map.subject)) {
                assert!((0.0..=map.width).contains(&m.x), "{name}: {m:?}");
                assert!((0.0..=map.height).contains(&m.y), "{name}: {m:?}");
            }
            assert!(map.height / map.width >= ASPECT_RANGE.0 - 1e-3);
            assert!(map.height / map.width <= ASPECT_RANGE.1 + 1e-3);
            // The bar's length over the picture's width equals its km over the span.
            let ratio = map.scale_bar.length / map.width - map.scale_bar.km / map.span_km;
            assert!(ratio.abs() < 0.01, "{name}: {ratio}");
            // Adur's top 10 are all in Sussex: a small part of the UK, so there is an inset.
            if name == "Adur" {
                let inset = map.inset.as_ref().unwrap();
                assert_eq!(inset.dots.len(), engine.dataset.len());
                assert!(!map.background.is_empty());
            }
        }
    }
}
