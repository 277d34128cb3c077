//! The server through its router, without a socket: routes, parameter errors, the loopback
//! host check, security headers, and downloads that equal `rank`'s output.

use std::sync::{Arc, OnceLock};

use axum::body::Body as HttpBody;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

use super::*;
use crate::dataset::Dataset;
use crate::export::ranking::{ExplainedRanking, write_csv, write_json};
use crate::model::Enumeration;
use crate::rank::RankSettings;
use crate::score::Mutual;
use crate::weights::{Survey, parse_order};

fn state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let engine = Engine::new(
                Dataset::embedded().unwrap(),
                Survey::embedded().unwrap(),
                WeightSettings::default(),
            )
            .unwrap();
            Arc::new(AppState::new(engine))
        })
        .clone()
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

fn get_with_host(uri: &str, host: Option<&str>) -> Reply {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut request = Request::builder().uri(uri);
        if let Some(host) = host {
            request = request.header(header::HOST, host);
        }
        let response =
            router(state()).oneshot(request.body(HttpBody::empty()).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
        Reply { status, headers, body }
    })
}

fn get(uri: &str) -> Reply {
    get_with_host(uri, Some("127.0.0.1:7878"))
}

#[test]
fn the_page_and_its_assets_are_served_with_a_strict_policy() {
    for (uri, kind) in
        [("/", "text/html"), ("/app.js", "text/javascript"), ("/app.css", "text/css")]
    {
        let reply = get(uri);
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        let content_type = reply.headers[header::CONTENT_TYPE].to_str().unwrap();
        assert!(content_type.starts_with(kind), "{uri}: {content_type}");
        assert_eq!(reply.headers[header::CONTENT_SECURITY_POLICY], CONTENT_SECURITY_POLICY);
        assert_eq!(reply.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    // The page's script never parses data as markup.
    assert!(!APP_JS.contains("innerHTML"));
    assert!(!APP_JS.contains("outerHTML"));
    assert!(!APP_JS.contains("insertAdjacentHTML"));
    assert!(!APP_JS.contains("document.write"));
    assert!(!APP_JS.contains("eval("));
    // Nothing is loaded from elsewhere.
    for asset in [INDEX_HTML, APP_JS, APP_CSS] {
        assert!(!asset.contains("https://"));
        assert_eq!(
            asset.matches("http://").count(),
            asset.matches("http://www.w3.org/2000/svg").count()
        );
    }
}

#[test]
fn only_loopback_host_names_are_answered() {
    for host in ["127.0.0.1:7878", "localhost:7878", "LOCALHOST", "[::1]:7878", "127.1.2.3:80"] {
        assert_eq!(get_with_host("/api/meta", Some(host)).status, StatusCode::OK, "{host}");
    }
    for host in
        [Some("evil.example:7878"), Some("192.168.1.5:7878"), Some("127.0.0.1.evil.example"), None]
    {
        let reply = get_with_host("/api/meta", host);
        assert_eq!(reply.status, StatusCode::MISDIRECTED_REQUEST, "{host:?}");
        assert!(reply.json()["error"].as_str().unwrap().contains("127.0.0.1"));
    }
}

#[test]
fn unknown_pages_are_404_json_and_no_path_reaches_a_file() {
    for uri in
        ["/nope", "/../Cargo.toml", "/api/rank/../../etc/passwd", "/assets/app.js", "/src/lib.rs"]
    {
        let reply = get(uri);
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(reply.json()["error"].as_str().unwrap().starts_with("there is no page"));
    }
}

#[test]
fn meta_lists_the_vocabularies() {
    let meta = get("/api/meta").json();
    assert_eq!(meta["n_bodies"], 768);
    assert_eq!(meta["criteria"].as_array().unwrap().len(), 10);
    assert_eq!(meta["order"][0][0], "proximity");
    assert_eq!(meta["method"], "rank_order_centroid");
    assert!(meta["regions"].as_array().unwrap().iter().any(|r| r == "South East"));
    assert!(meta["methods"].as_array().unwrap().iter().all(|m| m["name"] != "explicit"));
    // The ways to combine both views in `Mutual`'s own words, not a wording of the page's.
    let mutual: Vec<[String; 3]> = meta["mutual"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| ["name", "label", "description"].map(|k| m[k].as_str().unwrap().to_owned()))
        .collect();
    let expected: Vec<[String; 3]> = Mutual::all()
        .iter()
        .map(|m| [m.name(), m.label(), m.description()].map(str::to_owned))
        .collect();
    assert_eq!(mutual, expected);
}

#[test]
fn search_finds_bodies_by_part_of_a_name() {
    let found = get("/api/bodies?q=wort&limit=5").json();
    assert_eq!(found["bodies"][0]["name"], "Worthing Borough Council");
    assert_eq!(found["bodies"][0]["id"], "E07000229");
    assert_eq!(get("/api/bodies?q=").json()["bodies"].as_array().unwrap().len(), 0);
    let bad = get("/api/bodies?q=a&limit=-1");
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["parameter"], "limit");
}

#[test]
fn bad_rank_requests_name_the_parameter() {
    for (uri, status, parameter) in [
        ("/api/rank", 400, "body"),
        ("/api/rank?body=adur&order=proximity,proximity", 400, "order"),
        ("/api/rank?body=adur&method=magic", 400, "method"),
        ("/api/rank?body=adur&within_km=-5", 400, "within_km"),
        ("/api/rank?body=adur&top=abc", 400, "top"),
        ("/api/rank?body=Atlantis", 404, "body"),
        ("/api/view?body=adur&format=csv", 400, ""),
    ] {
        let reply = get(uri);
        assert_eq!(reply.status.as_u16(), status, "{uri}: {}", reply.text());
        let json = reply.json();
        assert!(json["error"].is_string(), "{uri}");
        if !parameter.is_empty() {
            assert_eq!(json["parameter"], parameter, "{uri}");
            assert!(json["help"].is_string(), "{uri}");
        }
    }
    let closest = get("/api/rank?body=Adurr").json();
    assert_eq!(closest["closest"][0]["id"], "E07000223");
}

/// The bytes `partnermatch rank` prints for the same settings.
fn rank_output(weights: WeightSettings, settings: RankSettings, csv: bool) -> Vec<u8> {
    let engine =
        Engine::new(Dataset::embedded().unwrap(), Survey::embedded().unwrap(), weights).unwrap();
    let subject = engine.dataset.find("adur").unwrap();
    let explained = ExplainedRanking::new(&engine, subject, settings);
    let mut out = Vec::new();
    if csv {
        write_csv(&mut out, &explained.records).unwrap();
    } else {
        write_json(&mut out, &explained.document(&engine)).unwrap();
    }
    out
}

#[test]
fn downloads_equal_the_rank_command_for_the_same_settings() {
    let order = "trust,service_fit,kind_fit,size_fit,proximity,barrier_risk,shared_priorities,shared_geography,ict_fit,political_alignment";
    let weights = WeightSettings::new(
        Some(parse_order(order).unwrap()),
        Some(crate::weights::Method::RankSum),
    )
    .unwrap();
    let settings = RankSettings { top: 7, within_km: Some(60.0), ..RankSettings::default() };
    let uri = format!("/api/rank?body=adur&order={order}&method=rank_sum&top=7&within_km=60");
    for csv in [false, true] {
        let reply = get(&format!("{uri}&format={}", if csv { "csv" } else { "json" }));
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        assert_eq!(
            reply.text(),
            String::from_utf8(rank_output(weights.clone(), settings.clone(), csv)).unwrap()
        );
        let disposition = reply.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert_eq!(
            disposition,
            if csv {
                "attachment; filename=\"partners-E07000223.csv\""
            } else {
                "attachment; filename=\"partners-E07000223.json\""
            }
        );
    }
    // And with the server's own weights.
    let plain = get("/api/rank?body=E07000223&format=csv");
    assert_eq!(plain.body, rank_output(WeightSettings::default(), RankSettings::default(), true));
}

#[test]
fn the_view_follows_the_order() {
    let default = get("/api/view?body=adur").json();
    assert_eq!(default["ranking"]["candidates"][0]["name"], "Worthing Borough Council");
    assert_eq!(default["weights"][0]["criterion"], "proximity");
    assert_eq!(default["map"]["candidates"].as_array().unwrap().len(), 10);
    assert_eq!(default["map"]["subject"]["id"], "E07000223");
    // Proximity last: the ranking changes, and so does the map.
    let order = "service_fit,kind_fit,size_fit,trust,barrier_risk,shared_priorities,shared_geography,ict_fit,political_alignment,proximity";
    let reordered = get(&format!("/api/view?body=adur&order={order}")).json();
    assert_eq!(reordered["weights"][9]["criterion"], "proximity");
    assert_ne!(reordered["ranking"]["candidates"], default["ranking"]["candidates"]);
    assert_ne!(reordered["map"], default["map"]);
    // Cached engines serve repeated requests with identical answers.
    assert_eq!(get(&format!("/api/view?body=adur&order={order}")).json(), reordered);
}

#[test]
fn the_page_uses_the_report_colours_whose_contrast_is_tested() {
    // `report::html`'s tests check these pairs against WCAG AA.
    for declaration in [
        "--text: #0b0c0c",
        "--secondary: #505a5f",
        "--link: #1d4f91",
        "--focus: #ffdd00",
        "--panel: #f3f2f1",
    ] {
        assert!(APP_CSS.contains(declaration), "{declaration}");
    }
}

/// A query value, percent-encoded.
fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// What the page's panel sends for Adur: a service sought and a barrier.
const ADUR_STATEMENT: &str =
    "id = \"E07000223\"\nservices_sought = [\"legal\"]\nbarriers = { job_losses = 0.75 }\n";

#[test]
fn a_statement_changes_the_ranking_as_the_profile_option_does() {
    let plain = get("/api/view?body=adur").json();
    let uri = format!("/api/view?body=adur&profile={}", encoded(ADUR_STATEMENT));
    let stated = get(&uri);
    assert_eq!(stated.status, StatusCode::OK, "{}", stated.text());
    let stated = stated.json();
    assert_ne!(stated["ranking"]["candidates"], plain["ranking"]["candidates"]);
    assert_eq!(stated["panel"]["current"]["services_sought"], serde_json::json!(["legal"]));
    assert_eq!(
        stated["panel"]["statement"]["fields"],
        serde_json::json!(["services_sought", "barriers"])
    );
    assert!(plain["panel"].get("statement").is_none());
    // The same ranking as the library with the layer applied (what `--profile` does).
    let statement = Statement::parse(ADUR_STATEMENT).unwrap();
    let engine = Engine::new(
        statement.apply(&Dataset::embedded().unwrap()).unwrap(),
        Survey::embedded().unwrap(),
        WeightSettings::default(),
    )
    .unwrap();
    let adur = engine.dataset.find("adur").unwrap();
    let explained = ExplainedRanking::new(&engine, adur, RankSettings::default());
    let mut expected = Vec::new();
    write_json(&mut expected, &explained.document(&engine)).unwrap();
    let download =
        get(&format!("/api/rank?body=adur&format=json&profile={}", encoded(ADUR_STATEMENT)));
    assert_eq!(download.text(), String::from_utf8(expected).unwrap());
    assert!(download.text().contains("stated by your statement"));
    // Without a body, the statement's body is ranked (the page loading a file).
    let loaded = get(&format!("/api/view?profile={}", encoded(ADUR_STATEMENT))).json();
    assert_eq!(loaded["subject"]["id"], "E07000223");
    assert_eq!(loaded["ranking"]["candidates"], stated["ranking"]["candidates"]);
}

#[test]
fn engines_are_cached_by_statement_and_weighting() {
    let state = state();
    let statement = Statement::parse(ADUR_STATEMENT).unwrap();
    let first = state.engine_for(None, Some(&statement)).unwrap();
    let again = state.engine_for(None, Some(&statement)).unwrap();
    assert!(Arc::ptr_eq(&first, &again), "a repeated statement reuses its engine");
    assert!(!Arc::ptr_eq(&first, &state.engine_for(None, None).unwrap()));
    let other = Statement::parse("id = \"E07000223\"\nreasons = [\"resilience\"]\n").unwrap();
    assert!(!Arc::ptr_eq(&first, &state.engine_for(None, Some(&other)).unwrap()));
}

#[test]
fn bad_statements_are_refused_on_the_profile_parameter() {
    for (statement, fragment) in [
        ("id = \"E07000223\"\nbarriers = { job_losses = 2.0 }\n", "line 2"),
        (
            "id = \"E07000229\"\nservices_sought = [\"legal\"]\n",
            "is about Worthing Borough Council",
        ),
        ("id = \"Atlantis\"\nservices_sought = [\"legal\"]\n", "Atlantis"),
    ] {
        let reply = get(&format!("/api/view?body=adur&profile={}", encoded(statement)));
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{statement}: {}", reply.text());
        let json = reply.json();
        assert_eq!(json["parameter"], "profile", "{json}");
        let text = format!("{} {}", json["error"], json["help"]);
        assert!(text.contains(fragment), "{fragment}: {text}");
    }
    let huge = format!("id = \"E07000223\"\nnotes = \"{}\"\n", "x".repeat(40_000));
    let reply = get(&format!("/api/view?body=adur&profile={}", encoded(&huge)));
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.json()["error"].as_str().unwrap().contains("KiB"));
}

#[test]
fn the_statement_downloads_as_the_filled_in_template() {
    let reply = get(&format!("/api/profile?body=adur&profile={}", encoded(ADUR_STATEMENT)));
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.headers[header::CONTENT_DISPOSITION].to_str().unwrap(),
        "attachment; filename=\"profile-E07000223.toml\""
    );
    let text = reply.text();
    assert!(text.contains("services_sought = [\"legal\"]"), "{text}");
    assert!(
        text.contains("partnermatch rank E07000223 --profile profile-E07000223.toml"),
        "{text}"
    );
    // Read back by the same code, it states the same panel fields.
    let back = Statement::parse(&text).unwrap();
    let patch = &back.layer.entries[0].patch;
    assert_eq!(patch.services_sought.unwrap().len(), 1);
    assert_eq!(patch.barriers.as_ref().unwrap().len(), 1);
}

#[test]
fn the_shortlist_report_compares_the_shortlisted_partners() {
    let reply = get("/api/report?body=adur&top=5&shortlist=E07000229,Horsham");
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.headers[header::CONTENT_DISPOSITION].to_str().unwrap(),
        "attachment; filename=\"report-E07000223-shortlist.html\""
    );
    let html = reply.text();
    assert!(html.contains("id=\"shortlist\""), "the shortlist section");
    assert!(html.contains("data-id=\"E07000229\""));
    assert!(html.contains("Horsham District Council"));
    assert!(html.contains("class=\"shortlisted\""));
    let bad = get("/api/report?body=adur&shortlist=Atlantis");
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    assert_eq!(bad.json()["parameter"], "shortlist");
}

/// `within_area` on the page gives the ranking `rank --within-area` gives: the same request,
/// validated by the library, the same bytes.
#[test]
fn within_area_ranks_as_the_command_line_does() {
    let reply = get("/api/rank?body=cotswold&within_area=Gloucestershire&format=csv");
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let engine = Engine::new(
        Dataset::embedded().unwrap(),
        Survey::embedded().unwrap(),
        WeightSettings::default(),
    )
    .unwrap();
    let request = crate::request::Request {
        within_areas: vec!["Gloucestershire".to_owned()],
        ..crate::request::Request::default()
    };
    let settings = request.validate(&engine.dataset).unwrap().rank;
    let subject = engine.dataset.find("cotswold").unwrap();
    let explained = ExplainedRanking::new(&engine, subject, settings);
    let mut out = Vec::new();
    write_csv(&mut out, &explained.records).unwrap();
    assert_eq!(reply.body, out);
    // Five districts besides Cotswold itself, and nothing else.
    assert_eq!(explained.records.len(), 5);
    let bad = get("/api/rank?body=cotswold&within_area=Atlantis&region=Walez").json();
    let parameters: Vec<&str> = bad["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["parameter"].as_str().unwrap())
        .collect();
    assert_eq!(parameters, ["region", "within_area"]);
}
