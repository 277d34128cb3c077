//! The report as one self-contained HTML document: inline CSS, inline SVG (the map and the
//! bars), the ranking's JSON inline, and a Content-Security-Policy that forbids every network
//! request, so it opens and prints anywhere with no network. Templates are `maud` macros,
//! checked at compile time; every value spliced in is HTML-escaped by maud, and the only raw
//! insertions (`PreEscaped`) are the compiled-in stylesheet and the JSON block, which
//! `json_for_script` escapes for a `<script>` element. Pure: builds a string.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Serialize;

use super::map::MapView;
use super::{Report, RobustnessSummary, WeightInfo};
use crate::dataset::{EMBEDDED_ATTRIBUTION, EMBEDDED_GAPS};
use crate::export::records::CandidateRecord;
use crate::model::{Criterion, Enumeration, Organisation};
use crate::score::{Mutual, NEUTRAL};

/// The report's stylesheet (screen and print).
const STYLE: &str = include_str!("report.css");

/// Nothing may be fetched: no scripts run, styles and images are inline. Opening the file
/// cannot touch the network.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/// One colour per criterion, in `Criterion::all()` order (Tableau 10): the bars' segments.
/// The tables beside the bars carry the same numbers as text.
pub const CRITERION_COLOURS: [&str; Criterion::COUNT] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// Renders the whole report.
pub fn render(report: &Report<'_>) -> String {
    document(report).into_string()
}

/// Serialises a value as JSON safe to place inside a `<script>` element: `<`, `>` and `&` are
/// written as `\u003c`, `\u003e` and `\u0026` (legal JSON string escapes, and never needed
/// outside strings), so no text in the data can close the element or open a comment.
pub fn json_for_script<T: Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// "0.769".
fn score(x: f64) -> String {
    format!("{x:.3}")
}

/// "98.5%".
fn percent(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

/// "7 km", or "0.4 km" when under one.
fn km(d: f64) -> String {
    if d < 1.0 { format!("{d:.1} km") } else { format!("{d:.0} km") }
}

/// How the two views combine, for sentences (`Mutual::description`).
pub fn mutual_description(m: Mutual) -> &'static str {
    m.description()
}

/// How the two views combine, in an officer's words (the method's name is in the glossary).
pub fn plain_mutual(m: Mutual, subject: &str) -> String {
    match m {
        Mutual::Harmonic => {
            "how well the two suit each other, seen from both sides: a partner that \
                             suits only one side scores low"
                .to_owned()
        }
        Mutual::Arithmetic => "the average of how well each suits the other".to_owned(),
        Mutual::Minimum => "the less favourable of the two sides' views".to_owned(),
        Mutual::Forward => format!("how well the partner suits {subject}, one side only"),
    }
}

/// The order the robustness figures vary the weights within, for sentences.
fn order_phrase(r: &Report<'_>) -> &'static str {
    let subject = &r.engine.dataset.organisations()[r.explained.subject];
    let method = r.engine.settings.method().unwrap_or(r.engine.survey.method());
    if subject.criteria_order.is_some() && !matches!(method, crate::weights::Method::Explicit(_)) {
        "the body's own order of priorities"
    } else if r.engine.settings.order().is_some() {
        "the order of priorities given"
    } else {
        "the survey's order of priorities"
    }
}

/// How sure a partner's place is, for the summary's lines, keeping the two kinds of evidence
/// apart: a count over the sampled weightings, and a proof over every weighting consistent with
/// the order (the summary's note says what each means).
fn short_sureness(c: &super::CandidateRobustness, samples: usize, k: usize) -> String {
    let total = crate::export::thousands(samples as u64);
    let count = (c.top_k * samples as f64).round() as u64;
    if c.always {
        format!("proven to stay in the top {k}")
    } else if count as usize == samples {
        format!("in the top {k} in all {total} sampled weightings, but not proven")
    } else {
        format!(
            "in the top {k} in {} of {total} sampled weightings",
            crate::export::thousands(count)
        )
    }
}

fn kind_label(o: &Organisation) -> &'static str {
    o.kind.map_or("", Enumeration::label)
}

fn document(r: &Report<'_>) -> Markup {
    let orgs = r.engine.dataset.organisations();
    let subject = &orgs[r.explained.subject];
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CONTENT_SECURITY_POLICY);
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(concat!("partnermatch ", env!("CARGO_PKG_VERSION")));
                title { "Partners for " (subject.name) " · partnermatch report" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#ranking" { "Skip to the ranked partners" }
                header { (header(r, subject)) }
                main {
                    (summary_section(r))
                    (stated_section(r))
                    (shortlist_section(r))
                    (map_section(r))
                    (ranking_section(r))
                    (candidates_section(r))
                    (robustness_section(r))
                    (weights_section(r))
                    (sources_section(r))
                    (glossary_section(r))
                }
                footer {
                    p {
                        "Made by partnermatch " (env!("CARGO_PKG_VERSION")) ". Every score is the \
                         weighted sum of " (Criterion::COUNT_WORD) " criteria, each between 0 and 1; a criterion without \
                         data counts as " (NEUTRAL) " and is marked \u{201c}no data\u{201d}. \
                         The formulas are in the partnermatch documentation (scoring); the ranking's \
                         numbers are also in this file as JSON (element " code { "partnermatch-data" } "), \
                         for anyone who wants to check them."
                    }
                }
                script type="application/json" id="partnermatch-data" {
                    (PreEscaped(json_for_script(&r.explained.document(r.engine))))
                }
            }
        }
    }
}

fn header(r: &Report<'_>, subject: &Organisation) -> Markup {
    let settings = &r.explained.settings;
    let engine = r.engine;
    let method = engine.settings.method().unwrap_or(engine.survey.method()).describe();
    let order_source = if subject.criteria_order.is_some()
        && !matches!(
            engine.settings.method().unwrap_or(engine.survey.method()),
            crate::weights::Method::Explicit(_)
        ) {
        "the body's own criteria order"
    } else if engine.settings.order().is_some() {
        "an order given by the user"
    } else {
        "the survey file's order"
    };
    let mut filters = settings.filter.describe();
    if let Some(d) = settings.within_km {
        push_part(&mut filters, &format!("within {} km", d));
    }
    if !settings.focus.is_empty() {
        let names: Vec<&str> = settings.focus.iter().map(Enumeration::label).collect();
        push_part(&mut filters, &format!("services {}", names.join(", ")));
    }
    if settings.exclude_partners {
        push_part(&mut filters, "existing partners left out");
    }
    html! {
        h1 { "Partners for " (subject.name) }
        p.secondary {
            (subject.id)
            @if let Some(kind) = subject.kind { " · " (kind.label()) }
            @if let Some(region) = &subject.region { " · " (region) }
            @if let Some(nation) = &subject.nation {
                @if subject.region.as_deref() != Some(nation.as_str()) { " · " (nation) }
            }
        }
        dl.settings aria-label="How this ranking was made" {
            dt { "Candidates" }
            dd {
                "top " (r.explained.records.len()) " of " (r.explained.ranking.n_eligible)
                " eligible bodies"
            }
            dt { "Score" }
            dd { (plain_mutual(settings.mutual, subject.display_name())) ", from 0 (poor) to 1 (ideal)" }
            dt { "Priorities" }
            dd {
                (Criterion::COUNT_WORD) " criteria weighted by " (order_source) " (" (method) "; see "
                a href="#weights" { "weights" } " and " a href="#glossary" { "glossary" } ")"
            }
            dt { "Filters" }
            dd { @if filters.is_empty() { "none" } @else { (filters) } }
            dt { "Data" }
            dd { (data_name(r)) " (see " a href="#sources" { "sources" } ")" }
            @if !r.shortlist.is_empty() {
                dt { "Shortlist" }
                dd {
                    (r.shortlist.iter().map(|s| s.record.name.as_str()).collect::<Vec<_>>().join(", "))
                    " (see " a href="#shortlist" { "the shortlist side by side" } ")"
                }
            }
        }
        @if !r.neutral_for_all.is_empty() {
            p.note {
                "No candidate has data for "
                (r.neutral_for_all.iter().map(|c| c.label()).collect::<Vec<_>>().join(", "))
                ": these criteria count as " (NEUTRAL) " (no data) for everyone, so they add \
                 the same to every score and do not change the order."
            }
        }
    }
}

/// The one-page summary: who, the best five partners, why, and how sure, in plain words.
fn summary_section(r: &Report<'_>) -> Markup {
    let orgs = r.engine.dataset.organisations();
    let subject = &orgs[r.explained.subject];
    let records = &r.explained.records;
    let order = order_phrase(r);
    let sure: Vec<Option<String>> = match &r.robustness {
        RobustnessSummary::Computed { samples, k, shown, .. } => {
            shown.iter().map(|c| Some(short_sureness(c, *samples, *k))).collect()
        }
        RobustnessSummary::NotComputed(_) => vec![None; records.len()],
    };
    let n_best = records.len().min(5);
    html! {
        section id="summary" aria-labelledby="summary-heading" {
            h2 id="summary-heading" { "Summary" }
            @if records.is_empty() {
                p { "No body passes the filters chosen, so there is no partner to suggest: \
                     widen the distance, region, kind or service filters." }
            } @else {
                p {
                    "The " (n_best) " best partners for " (subject.name) " out of "
                    (crate::export::thousands(r.explained.ranking.n_eligible as u64))
                    " eligible bodies. Each is scored from 0 (poor) to 1 (ideal) on "
                    (plain_mutual(r.explained.settings.mutual, subject.display_name()))
                    ", weighing " (Criterion::COUNT_WORD) " criteria such as distance, shared services and the kind of body \
                     by " (order) "."
                }
                ol.summary {
                    @for (record, sure) in records.iter().zip(&sure).take(n_best) {
                        li {
                            strong { (record.name) }
                            " (" (km(record.distance_km)) " away, score " (score(record.score)) "). "
                            @if !record.reasons.is_empty() {
                                "Stands out for: " (record.reasons.join("; ")) ". "
                            }
                            @if let Some(sure) = sure { "How sure: " (sure) "." }
                        }
                    }
                }
                @if let RobustnessSummary::Computed { samples, .. } = &r.robustness {
                    p.note {
                        "How sure: the survey gives the order of the priorities, not their exact \
                         weights. The ranking was repeated under "
                        (crate::export::thousands(*samples as u64))
                        " weightings drawn at random in that order (\u{201c}sampled\u{201d}), and, \
                         separately, checked by proof against every weighting in that order \
                         (\u{201c}proven\u{201d}). Details under "
                        a href="#robustness" { "How robust is this ranking?" } "."
                    }
                }
            }
        }
    }
}

/// The method's terms, explained once, at the end.
fn glossary_section(r: &Report<'_>) -> Markup {
    let method = r.engine.settings.method().unwrap_or(r.engine.survey.method());
    html! {
        section id="glossary" aria-labelledby="glossary-heading" {
            h2 id="glossary-heading" { "Glossary" }
            dl.glossary {
                dt { "Criterion" }
                dd { "One of the " (Criterion::COUNT_WORD) " things a partnership is judged on, such as distance or shared \
                      services, each scored from 0 to 1 for a pair of bodies." }
                dt { "View" }
                dd { "How well a partner suits one side, from that side's priorities: the weighted \
                      sum of the criteria. Each pair has two views, one from each body." }
                dt { "Score" }
                dd { "The two views combined into one number from 0 to 1. This report uses "
                     (mutual_description(r.explained.settings.mutual)) "." }
                dt { "Harmonic mean" }
                dd { "A way of combining the two views that is high only when both are high: a \
                      partner that suits one side and not the other scores low." }
                dt { "Weight" }
                dd { "How much a criterion counts. The weights follow the order of priority and \
                      add up to 1." }
                dt { (method.describe()) }
                dd { "The formula that turns the order of priority into weights ("
                     (method.kind().citation()) ")." }
                dt { "Rank order centroid" }
                dd { "A formula for weights from an order of priority alone: the average of every \
                      weighting consistent with that order (Barron & Barrett 1996)." }
                dt { "No data (counted as " (NEUTRAL) ")" }
                dd { "A criterion the data says nothing about for a pair: it counts as the lowest \
                      value, so that missing data never counts in a body's favour; stating a fact \
                      can only help." }
                dt { "Sampled weightings" }
                dd { "Weightings drawn at random, all consistent with the order of priority, under \
                      which the ranking was repeated to see how often each partner stays near the top." }
                dt { "Proven" }
                dd { "Shown by calculation to hold for every weighting consistent with the order \
                      of priority, not only for the ones sampled." }
                dt { "Stochastic multicriteria acceptability analysis" }
                dd { "The name of the sampling method (Lahdelma & Salminen 2001)." }
            }
        }
    }
}

/// The data's name for readers: the embedded councils by what they are (not by a path inside
/// partnermatch's source), anything else by its description.
fn data_name(r: &Report<'_>) -> String {
    let description = r.engine.dataset.description();
    if description == crate::dataset::EMBEDDED_DESCRIPTION {
        format!(
            "the {} UK public bodies built into partnermatch (councils, police, fire, health \
             and combined authorities)",
            r.engine.dataset.organisations().len()
        )
    } else {
        description.to_owned()
    }
}

fn push_part(text: &mut String, part: &str) {
    if !text.is_empty() {
        text.push_str("; ");
    }
    text.push_str(part);
}

fn map_section(r: &Report<'_>) -> Markup {
    html! {
        section id="map" aria-labelledby="map-heading" {
            h2 id="map-heading" { "Map" }
            figure {
                div.maps {
                    (map_svg(&r.map))
                    (map_key(&r.map))
                    @if let Some(inset) = &r.map.inset {
                        svg.inset xmlns="http://www.w3.org/2000/svg"
                            viewBox=(format!("0 0 {} {}", inset.width, inset.height))
                            role="img" aria-label="Overview of all bodies, with the map's area outlined" {
                            g.inset-dots {
                                @for p in &inset.dots { circle cx=(p[0]) cy=(p[1]) r="1.1" {} }
                            }
                            rect.frame x=(inset.frame.x) y=(inset.frame.y)
                                width=(inset.frame.width) height=(inset.frame.height) {}
                            circle.inset-subject cx=(inset.subject[0]) cy=(inset.subject[1]) r="2.5" {}
                        }
                    }
                }
                figcaption {
                    "The star is " (r.map.subject.name) ", its area shaded red; numbered circles are \
                     its ranked partners (named in the key), joined to it by lines, their areas shaded \
                     blue, darker for a better rank; grey dots are the centres of other bodies. North \
                     is up; east–west and north–south distances both match the scale bar. "
                    (r.map.attribution)
                }
            }
        }
    }
}

/// The numbered key beside the map: each partner's rank, name and distance.
fn map_key(map: &MapView) -> Markup {
    html! {
        @if !map.candidates.is_empty() {
            ol.map-key aria-label="Key to the numbered partners on the map" {
                @for c in &map.candidates {
                    li value=[c.rank] {
                        span.key-number aria-hidden="true" { (c.rank.unwrap_or(0)) }
                        " " (c.name)
                    }
                }
            }
        }
    }
}

/// A five-pointed star centred on (x, y) with outer radius `r`, as an SVG path.
fn star_path(x: f64, y: f64, r: f64) -> String {
    let mut d = String::new();
    for i in 0..10 {
        let radius = if i % 2 == 0 { r } else { r * 0.45 };
        let angle = std::f64::consts::PI * f64::from(i) / 5.0 - std::f64::consts::FRAC_PI_2;
        let (px, py) = (x + radius * angle.cos(), y + radius * angle.sin());
        d.push_str(&format!("{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, px, py));
    }
    d.push('Z');
    d
}

/// The main map as inline SVG.
pub fn map_svg(map: &MapView) -> Markup {
    let s = &map.subject;
    // Labels near the right edge would run off the picture: anchor them on their end instead.
    let (label_x, anchor) =
        if s.x > map.width * 0.65 { (s.x - 14.0, "end") } else { (s.x + 14.0, "start") };
    let bar = &map.scale_bar;
    html! {
        svg.map xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {} {}", map.width, map.height))
            role="img" aria-labelledby="map-title map-desc" {
            title id="map-title" { (map.title) }
            desc id="map-desc" { (map.description) }
            rect.sea x="0" y="0" width=(map.width) height=(map.height) {}
            g.countries aria-hidden="true" {
                @for d in &map.countries { path d=(d) {} }
            }
            g.areas aria-hidden="true" {
                @for a in &map.areas {
                    @match a.role {
                        "other" => { path.area d=(a.d) {} }
                        role => {
                            path class=(format!("area {role}")) d=(a.d) fill-opacity=(a.opacity)
                                data-code=(a.code) data-rank=[a.rank] {}
                        }
                    }
                }
            }
            g.background aria-hidden="true" {
                @for p in &map.background { circle cx=(p[0]) cy=(p[1]) r="1.8" {} }
            }
            g.lines aria-hidden="true" {
                @for c in &map.candidates { line x1=(s.x) y1=(s.y) x2=(c.x) y2=(c.y) {} }
            }
            // Drawn from the last rank to the first, so that the best sit on top.
            @for c in map.candidates.iter().rev() {
                g.candidate {
                    title { (c.title) }
                    circle cx=(c.x) cy=(c.y) r="10" {}
                    text x=(c.x) y=(c.y) dy="0.35em" text-anchor="middle" {
                        (c.rank.unwrap_or(0))
                    }
                }
            }
            g.subject {
                title { (s.title) }
                path d=(star_path(s.x, s.y, 12.0)) {}
                text.label x=(label_x) y=(s.y) dy="0.35em" text-anchor=(anchor) { (s.name) }
            }
            g.scale aria-hidden="true" {
                line x1=(bar.x) y1=(bar.y) x2=(bar.x + bar.length) y2=(bar.y) {}
                line x1=(bar.x) y1=(bar.y - 5.0) x2=(bar.x) y2=(bar.y) {}
                line x1=(bar.x + bar.length) y1=(bar.y - 5.0) x2=(bar.x + bar.length) y2=(bar.y) {}
                text x=(bar.x) y=(bar.y - 8.0) { (bar.label) }
            }
            text.north x=(map.width - 14.0) y="22" text-anchor="end" aria-hidden="true" { "N ↑" }
            @if !map.attribution.is_empty() {
                text.attribution x=(map.width - 6.0) y=(map.height - 6.0) text-anchor="end" {
                    (map.attribution)
                }
            }
        }
    }
}

/// A stacked bar of a side's contributions, one coloured segment per criterion, the whole bar
/// being a score of 1.
fn stacked_bar(record: &CandidateRecord, width: f64) -> Markup {
    let mut start = 0.0;
    let segments: Vec<(f64, f64, &crate::score::CriterionExplanation)> = record
        .forward
        .criteria
        .iter()
        .map(|c| {
            let w = (c.contribution * width).max(0.0);
            let segment = (start, w, c);
            start += w;
            segment
        })
        .collect();
    html! {
        svg.stack xmlns="http://www.w3.org/2000/svg" width=(width) height="14"
            viewBox=(format!("0 0 {width} 14")) aria-hidden="true" {
            rect x="0" y="0" width=(width) height="14" fill="#f3f2f1" {}
            @for (x, w, c) in segments {
                rect x=(format!("{x:.2}")) y="0" width=(format!("{w:.2}")) height="14"
                    fill=(CRITERION_COLOURS[c.criterion.index()])
                    fill-opacity=(if c.neutral { "0.35" } else { "1" }) {
                    title { (c.criterion.label()) ": " (score(c.contribution)) }
                }
            }
        }
    }
}

/// The stacked bar as words, for screen readers: each criterion's contribution, largest first.
fn bar_text(record: &CandidateRecord) -> String {
    let mut parts: Vec<&crate::score::CriterionExplanation> =
        record.forward.criteria.iter().filter(|c| c.contribution > 0.0).collect();
    parts.sort_by(|a, b| {
        b.contribution.total_cmp(&a.contribution).then(a.criterion.cmp(&b.criterion))
    });
    let words: Vec<String> = parts
        .iter()
        .map(|c| {
            format!(
                "{} {}{}",
                c.criterion.label(),
                score(c.contribution),
                if c.neutral { " (no data)" } else { "" }
            )
        })
        .collect();
    format!("Made up of: {}", words.join(", "))
}

fn legend() -> Markup {
    html! {
        ul.legend aria-label="Colours of the criteria in the bars" {
            @for c in Criterion::all() {
                li {
                    svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" {
                        rect width="14" height="14" fill=(CRITERION_COLOURS[c.index()]) {}
                    }
                    (c.label())
                }
            }
            li { span.tag { "faded" } " no data (counted as 0)" }
        }
    }
}

fn ranking_section(r: &Report<'_>) -> Markup {
    let orgs = r.engine.dataset.organisations();
    let subject = &orgs[r.explained.subject];
    let k = r.explained.records.len();
    let chances: Vec<Option<(f64, bool)>> = match &r.robustness {
        RobustnessSummary::Computed { shown, .. } => {
            shown.iter().map(|c| Some((c.top_k, c.always))).collect()
        }
        RobustnessSummary::NotComputed(_) => vec![None; k],
    };
    html! {
        section id="ranking" aria-labelledby="ranking-heading" {
            h2 id="ranking-heading" { "Ranked partners" }
            @if r.explained.records.is_empty() {
                p { "No candidate passes the filters: loosen the distance, region, kind or service filters." }
            } @else {
                div.table-scroll { table.ranking {
                    caption {
                        "The top " (k) " partners for " (subject.name) ", best first. Score: "
                        (plain_mutual(r.explained.settings.mutual, subject.display_name())) ", from 0 to 1. \
                         The bar shows what makes up how well each partner suits " (subject.display_name()) "; \
                         the reasons are those that set the partner apart from the others listed."
                    }
                    thead {
                        tr {
                            th.num scope="col" { "Rank" }
                            th scope="col" { "Partner" }
                            th scope="col" { "Kind" }
                            th.num scope="col" { "Distance" }
                            th.num scope="col" { "Score" }
                            th.num scope="col" { "Top " (k) " in sampled weightings" }
                            th scope="col" { "What makes the score" }
                            th scope="col" { "Main reasons" }
                        }
                    }
                    tbody {
                        @for (record, ranked) in r.explained.records.iter().zip(&r.explained.ranking.candidates) {
                            @let o = &orgs[ranked.candidate];
                            @let chance = chances.get(record.rank - 1).copied().flatten();
                            @let picked = r.shortlist.iter().any(|s| s.record.id == record.id);
                            tr.shortlisted[picked] {
                                td.num { (record.rank) }
                                th scope="row" {
                                    a href=(format!("#candidate-{}", record.rank)) { (o.name) }
                                    @if picked { " " span.tag { "shortlisted" } }
                                    @if let Some(region) = &o.region { br; span.secondary { (region) } }
                                }
                                td { (kind_label(o)) }
                                td.num { (km(record.distance_km)) }
                                td.num { (score(record.score)) }
                                td.num {
                                    @match chance {
                                        Some((p, true)) => { (percent(p)) br; span.tag { "proven" } }
                                        Some((p, false)) => { (percent(p)) }
                                        None => { "–" }
                                    }
                                }
                                td {
                                    (stacked_bar(record, 160.0))
                                    span.secondary { "suits " (subject.display_name()) ": " (score(record.forward.score)) }
                                    span.visually-hidden { ". " (bar_text(record)) }
                                }
                                td {
                                    ul.reasons {
                                        @for reason in &record.reasons { li { (reason) } }
                                    }
                                }
                            }
                        }
                    }
                } }
                (legend())
            }
        }
    }
}

fn candidates_section(r: &Report<'_>) -> Markup {
    let orgs = r.engine.dataset.organisations();
    let subject = &orgs[r.explained.subject];
    let max_weight = r.weights.iter().map(|w| w.weight).fold(0.0, f64::max).max(1e-9);
    html! {
        section id="candidates" aria-labelledby="candidates-heading" {
            h2 id="candidates-heading" { "Why each partner" }
            p {
                "Each criterion's value (0 to 1) times its weight is its contribution to "
                (subject.display_name()) "'s view of the partner; the contributions add up to that \
                 view. The grey track is the weight, the most the criterion could add."
            }
            @for (record, ranked) in r.explained.records.iter().zip(&r.explained.ranking.candidates) {
                @let o = &orgs[ranked.candidate];
                article.candidate id=(format!("candidate-{}", record.rank))
                    aria-labelledby=(format!("candidate-{}-heading", record.rank)) {
                    h3 id=(format!("candidate-{}-heading", record.rank)) {
                        (record.rank) ". " (record.name)
                    }
                    p.secondary {
                        (record.id)
                        @if let Some(kind) = o.kind { " · " (kind.label()) }
                        @if let Some(region) = &record.region { " · " (region) }
                        " · " (km(record.distance_km)) " away · score " (score(record.score))
                        " (" (subject.display_name()) "'s view " (score(record.forward.score))
                        ", " (o.display_name()) "'s view "
                        (score(record.backward.score)) ")"
                    }
                    div.table-scroll { table.criteria {
                        caption { "Criteria for " (record.name) ", from " (subject.display_name()) "'s view" }
                        thead {
                            tr {
                                th scope="col" { "Criterion" }
                                th.num scope="col" { "Value" }
                                th.num scope="col" { "Weight" }
                                th scope="col" { "Contribution" }
                                th scope="col" { "Reason" }
                            }
                        }
                        tbody {
                            @for w in &r.weights {
                                @if let Some(c) = record.forward.criteria.get(w.criterion.index()) {
                                    tr.neutral[c.neutral] {
                                        th scope="row" { (c.criterion.label()) }
                                        td.num {
                                            (format!("{:.2}", c.value))
                                            @if c.neutral { span.tag { "no data" } }
                                        }
                                        td.num { (format!("{:.3}", c.weight)) }
                                        td {
                                            (contribution_bar(c.contribution, c.weight, max_weight, c.criterion))
                                            span.num { (score(c.contribution)) }
                                        }
                                        td { (c.reason) }
                                    }
                                }
                            }
                        }
                    } }
                }
            }
        }
    }
}

fn contribution_bar(
    contribution: f64,
    weight: f64,
    max_weight: f64,
    criterion: Criterion,
) -> Markup {
    let width = 120.0;
    let track = (weight / max_weight * width).clamp(0.0, width);
    let fill = (contribution / max_weight * width).clamp(0.0, width);
    html! {
        svg.bar xmlns="http://www.w3.org/2000/svg" width=(width) height="12"
            viewBox=(format!("0 0 {width} 12")) aria-hidden="true" {
            rect x="0" y="1" width=(format!("{track:.2}")) height="10" fill="#dedfe0" {}
            rect x="0" y="1" width=(format!("{fill:.2}")) height="10"
                fill=(CRITERION_COLOURS[criterion.index()]) {}
        }
    }
}

fn robustness_section(r: &Report<'_>) -> Markup {
    let orgs = r.engine.dataset.organisations();
    html! {
        section id="robustness" aria-labelledby="robustness-heading" {
            h2 id="robustness-heading" { "How robust is this ranking?" }
            @match &r.robustness {
                RobustnessSummary::NotComputed(why) => {
                    p { "The robustness figures were not computed: " (why) "." }
                }
                RobustnessSummary::Computed { samples, seed, k, mutual, n_eligible, n_excluded, shown, others } => {
                    @let order = order_phrase(r);
                    @let total = crate::export::thousands(*samples as u64);
                    p {
                        "The survey fixes the order of the priorities, not their exact weights. Two \
                         different checks show how much the ranking depends on the exact weights:"
                    }
                    ul {
                        li {
                            strong { "Sampled: " } (total) " weight vectors were drawn at random, \
                             uniformly from every weighting consistent with " (order) " (random seed "
                            (seed) "), and the candidates ranked under each. \u{201c}In the top " (k)
                            " in 1,900 of " (total) "\u{201d} counts those weightings; it says nothing \
                             about the weightings not drawn."
                        }
                        li {
                            strong { "Proven: " } "a calculation over every weighting consistent with "
                            (order) " shows whether a partner stays in the top " (k) " whatever the exact \
                             weights. A partner can be in the top " (k) " in every sampled weighting \
                             without being proven, since some weighting not drawn may still push it out."
                        }
                    }
                    p {
                        "Both rank by " (mutual_description(*mutual))
                        @if *mutual != r.explained.settings.mutual {
                            " (the analysis needs a score that is linear in the weights, which "
                            (mutual_description(r.explained.settings.mutual)) " is not)"
                        }
                        ". " (n_excluded) " of " (n_eligible)
                        " candidates were proven unable to reach the top " (k) "."
                    }
                    div.table-scroll { table.robustness {
                        caption { "How each ranked partner's place holds when the weights vary" }
                        thead {
                            tr {
                                th.num scope="col" { "Rank" }
                                th scope="col" { "Partner" }
                                th.num scope="col" { "Top " (k) " in sampled weightings" }
                                th.num scope="col" { "First in sampled weightings" }
                                th scope="col" { "Top " (k) " for every weighting consistent with " (order) }
                            }
                        }
                        tbody {
                            @for (record, c) in r.explained.records.iter().zip(shown) {
                                tr {
                                    td.num { (record.rank) }
                                    th scope="row" { (record.name) }
                                    td.num {
                                        (crate::export::thousands((c.top_k * *samples as f64).round() as u64))
                                        " of " (total) br; span.secondary { (percent(c.top_k)) }
                                    }
                                    td.num { (percent(c.first)) }
                                    td { @if c.always { "proven" } @else { "not proven" } }
                                }
                            }
                        }
                    } }
                    @if !others.is_empty() {
                        p {
                            "Other bodies that reach the top " (k) " under some weightings: "
                            @for (i, (candidate, p)) in others.iter().take(8).enumerate() {
                                @if i > 0 { ", " }
                                (orgs[*candidate].name) " (" (percent(*p)) ")"
                            }
                            "."
                        }
                    }
                }
            }
        }
    }
}

fn weights_section(r: &Report<'_>) -> Markup {
    let engine = r.engine;
    let survey = &engine.survey;
    let citation = survey.citation();
    let method = engine.settings.method().unwrap_or(survey.method());
    let reordered = r.weights.iter().any(|w| w.survey_position != Some(w.position));
    html! {
        section id="weights" aria-labelledby="weights-heading" {
            h2 id="weights-heading" { "Weights and where they come from" }
            p {
                "The criteria are weighted by their order of priority, highest first, with "
                (method.describe()) ". The weights sum to 1. \u{201c}Survey\u{201d} marks a place the \
                 2011 survey published; \u{201c}judgement\u{201d} a place the project chose from the \
                 later evidence named."
                @if reordered {
                    " This ranking uses a different order from the survey file's; the evidence \
                     argues for the survey file's place, shown in brackets."
                }
            }
            div.table-scroll { table.weights {
                caption { "The criteria in order of priority, with their weights and evidence" }
                thead {
                    tr {
                        th.num scope="col" { "Place" }
                        th scope="col" { "Criterion" }
                        th.num scope="col" { "Weight" }
                        th scope="col" { "Basis" }
                        th scope="col" { "Evidence" }
                        th scope="col" { "Source" }
                    }
                }
                tbody {
                    @for w in &r.weights {
                        (weight_row(w, reordered))
                    }
                }
            } }
            p.note {
                "Survey: " (citation.authors.as_deref().unwrap_or("")) ", "
                "\u{201c}" (citation.title.as_deref().unwrap_or("")) "\u{201d}"
                @if let Some(year) = citation.year { " (" (year) ")" }
                @if let (Some(people), Some(bodies)) = (citation.respondents, citation.organisations) {
                    "; " (people) " respondents from " (bodies) " organisations"
                }
                ". " (citation.note.as_deref().unwrap_or(""))
            }
        }
    }
}

fn weight_row(w: &WeightInfo, reordered: bool) -> Markup {
    html! {
        tr {
            td.num {
                (w.position)
                @if reordered { @if let Some(p) = w.survey_position { " (" (p) ")" } }
            }
            th scope="row" {
                svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" {
                    rect width="12" height="12" fill=(CRITERION_COLOURS[w.criterion.index()]) {}
                }
                " " (w.criterion.label())
            }
            td.num { (format!("{:.3}", w.weight)) }
            td { @if let Some(basis) = w.basis { (basis.label()) } }
            td { (w.evidence) }
            td { (w.source) }
        }
    }
}

fn sources_section(r: &Report<'_>) -> Markup {
    html! {
        section id="sources" aria-labelledby="sources-heading" {
            h2 id="sources-heading" { "Data sources" }
            p { "Bodies: " (data_name(r)) "." }
            @if r.sources.is_empty() {
                p {
                    "These profiles were supplied by the user; their sources are those recorded \
                     by whoever wrote them."
                }
                p {
                    "Where they come from partnermatch's embedded UK councils (for example by \
                     partnermatch export), that data's attribution applies: " (EMBEDDED_ATTRIBUTION)
                }
            } @else {
                div.table-scroll { table.sources {
                    caption { "Where the facts about the bodies come from" }
                    thead {
                        tr { th scope="col" { "What" } th scope="col" { "Source" } th scope="col" { "Licence" } }
                    }
                    tbody {
                        @for s in r.sources {
                            tr { th scope="row" { (s.what) } td { (s.source) } td { (s.licence) } }
                        }
                    }
                } }
                p { (EMBEDDED_ATTRIBUTION) }
                p.note { (EMBEDDED_GAPS) " The full attribution ships with partnermatch's data." }
            }
        }
    }
}

/// The shortlist side by side: one column per shortlisted partner, a row per criterion with
/// both directions (how well the partner suits the ranked body, and the other way), as the
/// page's comparison shows them. Nothing without a shortlist.
fn shortlist_section(r: &Report<'_>) -> Markup {
    if r.shortlist.is_empty() {
        return html! {};
    }
    let subject = r.engine.dataset.organisations()[r.explained.subject].display_name();
    let k = r.explained.records.len();
    let value = |c: &crate::score::CriterionExplanation| {
        if c.neutral { "no data".to_owned() } else { format!("{:.2}", c.value) }
    };
    html! {
        section id="shortlist" aria-labelledby="shortlist-heading" {
            h2 id="shortlist-heading" { "Shortlist" }
            p {
                "The " (r.shortlist.len()) " partners shortlisted, side by side. Each criterion shows \
                 both directions, from 0 to 1: how well the partner suits " (subject) ", then how well "
                (subject) " suits the partner."
            }
            div.table-scroll { table.compare {
                caption { "The shortlist side by side, criterion by criterion" }
                thead {
                    tr {
                        th scope="col" { "Criterion" }
                        @for s in &r.shortlist {
                            th scope="col" data-id=(s.record.id) {
                                @match s.rank {
                                    Some(rank) => { (rank) ". " }
                                    None => {}
                                }
                                (s.record.name)
                            }
                        }
                    }
                }
                tbody {
                    tr {
                        th scope="row" { "Place in the ranking" }
                        @for s in &r.shortlist {
                            td {
                                @match s.rank {
                                    Some(rank) if rank <= k => { (rank) " of " (r.explained.ranking.n_eligible) }
                                    Some(rank) => { (rank) " of " (r.explained.ranking.n_eligible) " (below the top " (k) " shown)" }
                                    None => { "left out by the filters" }
                                }
                            }
                        }
                    }
                    tr {
                        th scope="row" { "Score (both sides)" }
                        @for s in &r.shortlist { td.num { (score(s.record.score)) } }
                    }
                    tr {
                        th scope="row" { "Distance" }
                        @for s in &r.shortlist { td.num { (km(s.record.distance_km)) } }
                    }
                    tr {
                        th scope="row" { "How well it suits " (subject) }
                        @for s in &r.shortlist { td.num { (score(s.record.forward.score)) } }
                    }
                    tr {
                        th scope="row" { "How well " (subject) " suits it" }
                        @for s in &r.shortlist { td.num { (score(s.record.backward.score)) } }
                    }
                    @for w in &r.weights {
                        tr {
                            th scope="row" { (w.criterion.label()) }
                            @for s in &r.shortlist {
                                @let i = w.criterion.index();
                                td {
                                    @if let (Some(f), Some(b)) = (s.record.forward.criteria.get(i), s.record.backward.criteria.get(i)) {
                                        "for " (subject) ": " (value(f)) "; for it: " (value(b))
                                    }
                                }
                            }
                        }
                    }
                    tr {
                        th scope="row" { "Stands out for" }
                        @for s in &r.shortlist { td { (s.record.reasons.join("; ")) } }
                    }
                }
            } }
        }
    }
}

/// "What this body stated": each field of the ranked body stated by a profile layer, with its
/// value and file, when any layer stated anything; nothing otherwise.
fn stated_section(r: &Report<'_>) -> Markup {
    let stated = r.engine.dataset.stated();
    if stated.is_empty() {
        return html! {};
    }
    let subject = &r.engine.dataset.organisations()[r.explained.subject];
    let fields = stated.fields(&subject.id);
    html! {
        section id="stated" aria-labelledby="stated-heading" {
            h2 id="stated-heading" { "What this body stated" }
            @if fields.is_empty() {
                p {
                    "The profile layers (" (stated.layers().join(", ")) ") state nothing about "
                    (subject.display_name()) "; they state fields of other bodies."
                }
            } @else {
                table.stated {
                    caption {
                        "Fields of " (subject.display_name()) " stated in profile layers, over the data"
                    }
                    thead {
                        tr { th scope="col" { "Field" } th scope="col" { "Value" } th scope="col" { "Stated by" } }
                    }
                    tbody {
                        @for (field, by) in fields {
                            tr {
                                th scope="row" { (field.replace('_', " ")) }
                                td { code { (crate::profiles::field_text(subject, field).unwrap_or_default()) } }
                                td { (by.as_ref()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Dataset;
    use crate::engine::Engine;
    use crate::model::{LatLon, Organisation, OrganisationId, Sector};
    use crate::report::{Report, ReportSettings};
    use crate::weights::{Survey, WeightSettings};

    const HOSTILE: &str = "<script>alert(\"x\")</script> & 'Co' </style><!--";

    fn hostile_engine() -> Engine {
        let body = |id: &str, name: &str, lat: f64, lon: f64| {
            let mut o = Organisation::new(
                OrganisationId::new(id).unwrap(),
                name.to_owned(),
                Sector::LocalGovernment,
                LatLon::new(lat, lon).unwrap(),
            );
            o.region = Some(format!("{name} region"));
            o.short_name = Some(format!("{name} short"));
            o
        };
        let orgs = vec![
            body("A1", HOSTILE, 51.0, -1.0),
            body("B2", &format!("Partner {HOSTILE}"), 51.1, -1.1),
            body("C3", "Plain & Simple", 51.2, -0.9),
        ];
        let dataset = Dataset::from_organisations(orgs, HOSTILE).unwrap();
        Engine::new(dataset, Survey::embedded().unwrap(), WeightSettings::default()).unwrap()
    }

    #[test]
    fn hostile_names_are_escaped_everywhere() {
        let engine = hostile_engine();
        let report = Report::build(&engine, 0, &ReportSettings::default());
        let html = report.to_html();
        // The only script element is the JSON block, and no data closes an element early.
        assert_eq!(html.matches("<script").count(), 1, "{html}");
        assert_eq!(html.matches("</script>").count(), 1);
        assert_eq!(html.matches("</style>").count(), 1);
        assert!(!html.contains("<!--"));
        assert!(!html.contains("alert(\"x\")"));
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'Co'"));
        assert!(html.contains("Plain &amp; Simple"));
        // The JSON block parses back to the same names.
        let start = html.find("id=\"partnermatch-data\">").unwrap() + 23;
        let end = start + html[start..].find("</script>").unwrap();
        let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(data["organisation"]["name"], HOSTILE);
        assert_eq!(data["dataset"], HOSTILE);
    }

    #[test]
    fn json_for_script_escapes_what_could_end_the_element() {
        let check = |input: &str, want: &str| assert_eq!(json_for_script(input), want);
        check("</script>", "\"\\u003c/script\\u003e\"");
        check("a&b", "\"a\\u0026b\"");
        check("<!--", "\"\\u003c!--\"");
        check("\u{2028}", "\"\\u2028\"");
        check("plain", "\"plain\"");
        assert_eq!(json_for_script(&f64::NAN), "null");
    }

    /// WCAG 2 relative luminance of "#rrggbb".
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap()) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn text_colours_meet_wcag_aa() {
        // (text, background) pairs the stylesheet uses.
        let pairs = [
            ("#0b0c0c", "#ffffff"),
            ("#505a5f", "#ffffff"),
            ("#505a5f", "#f3f2f1"),
            ("#1d4f91", "#ffffff"),
            ("#ffffff", "#1d4f91"),
            ("#0b0c0c", "#ffdd00"),
            ("#0b0c0c", "#f3f2f1"),
        ];
        for (text, background) in pairs {
            assert!(STYLE.contains(text) || text == "#ffffff", "{text} not in the stylesheet");
            let ratio = contrast(text, background);
            assert!(ratio >= 4.5, "{text} on {background}: {ratio:.2}");
        }
    }

    #[test]
    fn a_report_on_the_embedded_data_has_every_section() {
        let engine = Engine::new(
            Dataset::embedded().unwrap(),
            Survey::embedded().unwrap(),
            WeightSettings::default(),
        )
        .unwrap();
        let adur = engine.dataset.find("Adur").unwrap();
        let report = Report::build(&engine, adur, &ReportSettings::default());
        let html = report.to_html();
        for fragment in [
            "<title>Partners for Adur District Council",
            "Content-Security-Policy",
            "role=\"img\" aria-labelledby=\"map-title map-desc\"",
            "<caption>",
            "Worthing",
            "shares a boundary",
            "Top 10 in sampled weightings",
            "random seed 1",
            "2,000 weight vectors",
            "Dixon &amp; Elston (2020)",
            "mySociety",
            "CC BY-SA 4.0",
        ] {
            assert!(html.contains(fragment), "report lacks {fragment:?}");
        }
        // Nothing is fetched from anywhere: addresses appear only as text (the sources of
        // partnerships), never in an attribute, and the only namespace is SVG's.
        for bad in ["='http", "src=", "<link", "@import", "url("] {
            assert!(!html.contains(bad), "{bad}");
        }
        let namespaces = html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
        assert_eq!(html.matches("=\"http").count(), namespaces, "an address in an attribute");
    }
}
