//! Browser tests in real headless Chromium, driven through WebDriver (chromedriver) with
//! fantoccini: the local page (search, keyboard reordering, table and map updates, downloads,
//! errors) and the report opened from a file with no network.
//!
//! They need Debian's `chromium` and `chromium-driver` (/usr/bin/chromium, /usr/bin/chromedriver).
//! Without them each test prints why it is skipped and passes, so `cargo test` works with only
//! the Rust toolchain; with `PARTNERMATCH_BROWSER_TESTS=required` (as `.ci/run` sets) their
//! absence is a failure. With `PARTNERMATCH_SCREENSHOTS=DIR` the tests write `serve.png` and
//! `report.png` into DIR (the README's screenshots are made so: `docs/report.md`).

use std::future::Future;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::harness::{Server, Test};

/// Where Debian puts Chromium and ChromeDriver; `PARTNERMATCH_CHROMIUM` and
/// `PARTNERMATCH_CHROMEDRIVER` point elsewhere.
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn chromium() -> String {
    std::env::var("PARTNERMATCH_CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_owned())
}

fn chromedriver() -> String {
    std::env::var("PARTNERMATCH_CHROMEDRIVER").unwrap_or_else(|_| CHROMEDRIVER.to_owned())
}

/// Set to `required` to fail, not skip, when Chromium or ChromeDriver is missing.
const REQUIRED: &str = "PARTNERMATCH_BROWSER_TESTS";

/// A folder to write screenshots into.
const SCREENSHOTS: &str = "PARTNERMATCH_SCREENSHOTS";

/// How long any one condition may take to become true.
const PATIENCE: Duration = Duration::from_secs(30);

/// The criteria with proximity moved from first to last.
const PROXIMITY_LAST: &str = "service_fit,kind_fit,size_fit,trust,barrier_risk,shared_priorities,shared_geography,ict_fit,political_alignment,proximity";

/// Whether the browser tools are there; prints why a test is skipped when they are not (to the
/// real standard error, which the test harness does not capture), or fails if they must be.
fn tools_present(test: &str) -> bool {
    let missing: Vec<String> =
        [chromium(), chromedriver()].into_iter().filter(|p| !Path::new(p).exists()).collect();
    if missing.is_empty() {
        return true;
    }
    let message = format!(
        "{} not found; install Debian's chromium and chromium-driver \
         (apt-get install -y chromium chromium-driver)",
        missing.join(" and ")
    );
    if std::env::var(REQUIRED).as_deref() == Ok("required") {
        panic!("{test}: {message} ({REQUIRED}=required makes this a failure)");
    }
    let _ = writeln!(std::io::stderr(), "skipping browser test {test}: {message}");
    false
}

/// A chromedriver on a free loopback port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
    profile: PathBuf,
}

impl Driver {
    fn start() -> Self {
        // Ask the system for a free port, then hand it to chromedriver.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let profile_dir = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(profile_dir.path().join("chromedriver.log")).unwrap();
        let child = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start chromedriver");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < PATIENCE, "chromedriver did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = profile_dir.path().join("profile");
        Self { child, url: format!("http://127.0.0.1:{port}"), _profile: profile_dir, profile }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a test against a fresh headless Chromium. The session is closed (so Chromium exits)
/// whether the test passes or panics; a panic is then passed on.
fn with_browser<F, Fut>(test: &str, width: u32, height: u32, body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    if !tools_present(test) {
        return;
    }
    let driver = Driver::start();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium(),
                // Without the networking flags Chromium keeps trying to reach Google, which the
                // closed network refuses.
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--hide-scrollbars",
                    format!("--user-data-dir={}", driver.profile.display()),
                    format!("--window-size={width},{height}"),
                ],
            }),
        );
        // Chromium's windows are at least 500 px wide: a phone's width is emulated instead.
        if width < 500 {
            let options = capabilities.get_mut("goog:chromeOptions").unwrap();
            options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 }
            });
        }
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .unwrap_or_else(|e| panic!("cannot start Chromium through chromedriver: {e}"));
        let outcome = tokio::spawn(body(client.clone())).await;
        let _ = client.close().await;
        if let Err(err) = outcome {
            if err.is_panic() {
                std::panic::resume_unwind(err.into_panic());
            }
            panic!("{test}: {err}");
        }
    });
}

/// Runs a script and returns its value.
async fn js(client: &Client, script: &str) -> Value {
    client.execute(script, Vec::new()).await.unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Waits until a script returns something truthy, and returns it.
async fn until(client: &Client, what: &str, script: &str) -> Value {
    let started = Instant::now();
    loop {
        let value = js(client, script).await;
        let truthy = match &value {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::String(s) => !s.is_empty(),
            Value::Number(n) => n.as_f64() != Some(0.0),
            Value::Array(a) => !a.is_empty(),
            Value::Object(_) => true,
        };
        if truthy {
            return value;
        }
        assert!(started.elapsed() < PATIENCE, "timed out waiting for {what} ({script})");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The candidate ids of the table, in order.
const TABLE_IDS: &str =
    "return Array.from(document.querySelectorAll('#ranking tbody tr')).map(r => r.dataset.id)";

fn ids(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

async fn screenshot(client: &Client, name: &str) {
    let Ok(dir) = std::env::var(SCREENSHOTS) else { return };
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let path = Path::new(&dir).join(name);
    partnermatch::export::write_atomic(&path, |w| w.write_all(&png)).unwrap();
    let _ = writeln!(std::io::stderr(), "wrote screenshot {}", path.display());
}

/// The map has the country and council outlines, the ranked body's and all ten partners' areas
/// filled, every partner named in the key, and the attribution the licence asks for.
async fn check_map(client: &Client, map: &str, key: &str) {
    let count = |what: &str| format!("return document.querySelectorAll('{map} {what}').length");
    let countries = until(client, "the country outlines", &count(".countries path")).await;
    assert!(countries.as_u64().unwrap() >= 1, "{countries}");
    let areas = js(client, &count(".areas path")).await;
    assert!(areas.as_u64().unwrap() > 11, "council outlines: {areas}");
    assert!(js(client, &count(".areas path.subject")).await.as_u64().unwrap() >= 1);
    let ranks = js(
        client,
        &format!(
            "return new Set(Array.from(document.querySelectorAll('{map} .areas path.partner')).map(p => p.dataset.rank)).size"
        ),
    )
    .await;
    assert_eq!(ranks, 10, "every partner's area is filled");
    let names = js(
        client,
        &format!("return Array.from(document.querySelectorAll('{key} li')).map(l => l.textContent.trim())"),
    )
    .await;
    let names = names.as_array().unwrap();
    assert_eq!(names.len(), 10, "{names:?}");
    assert!(names[0].as_str().unwrap().contains("Worthing"), "{names:?}");
    let attribution =
        js(client, &format!("return document.querySelector('{map} .attribution').textContent"))
            .await;
    let attribution = attribution.as_str().unwrap();
    assert!(
        attribution.contains("Open Government Licence") && attribution.contains("Crown copyright")
    );
    // The key sits beside the map (the same row, on screen and in print), not below it.
    let beside = js(
        client,
        &format!(
            "const m = document.querySelector('{map}').getBoundingClientRect();
             const k = document.querySelector('{key}').getBoundingClientRect();
             return k.left >= m.right - 1 && k.top < m.bottom"
        ),
    )
    .await;
    assert_eq!(beside, true, "the key beside the map");
}

/// A Chrome DevTools command sent through chromedriver (`goog/cdp/execute`): the print media
/// and page size that WebDriver itself cannot set.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()))
    }
}

/// Printed on A4 (the report's `@page`: 12 mm side and 14 mm top and bottom margins, so 186 by
/// 269 mm, 703 by 1017 CSS pixels), page 1 holds the summary, the map and its key beside it.
#[test]
fn printed_the_summary_map_and_key_share_page_one() {
    if !tools_present("printed_the_summary_map_and_key_share_page_one") {
        return;
    }
    let out = Test::new().args(["report", "Adur District Council", "--out", "adur.html"]).run();
    out.code(0);
    let url = format!("file://{}", out.dir().join("adur.html").display());
    with_browser(
        "printed_the_summary_map_and_key_share_page_one",
        1280,
        1400,
        |client| async move {
            client.goto(&url).await.unwrap();
            let metrics =
                json!({ "width": 703, "height": 1017, "deviceScaleFactor": 1, "mobile": false });
            client
                .issue_cmd(Cdp { cmd: "Emulation.setDeviceMetricsOverride", params: metrics })
                .await
                .unwrap();
            let media = json!({ "media": "print" });
            client
                .issue_cmd(Cdp { cmd: "Emulation.setEmulatedMedia", params: media })
                .await
                .unwrap();
            assert_eq!(js(&client, "return matchMedia('print').matches").await, true);
            let layout = js(
            &client,
            "const box = s => document.querySelector(s).getBoundingClientRect();
             const m = box('svg.map'), k = box('ol.map-key'), s = box('#summary');
             // The whole figure, caption included: it is kept in one piece when printed.
             const f = box('#map figure');
             return { summary: s.bottom, map: f.bottom, key: k.bottom, beside: k.left >= m.right - 1 && k.top < m.bottom,
                      width: document.documentElement.scrollWidth }",
        )
        .await;
            let bottom = |what: &str| layout[what].as_f64().unwrap();
            assert!(
                bottom("map") <= 1017.0 && bottom("key") <= 1017.0,
                "page 1 overflows: {layout}"
            );
            assert!(bottom("summary") < bottom("map"), "{layout}");
            assert_eq!(layout["beside"], true, "the key beside the map: {layout}");
            assert!(layout["width"].as_u64().unwrap() <= 703, "{layout}");
            screenshot(&client, "report-print-page-1.png").await;
        },
    );
}

/// The document is no wider than the window: nothing to scroll sideways to.
async fn assert_no_sideways_scroll(client: &Client, what: &str) {
    let widths = js(
        client,
        "return [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]",
    )
    .await;
    let widths: Vec<u64> = widths.as_array().unwrap().iter().map(|w| w.as_u64().unwrap()).collect();
    assert_eq!(widths[2], 400, "{what}: a phone's width");
    assert!(widths[0] <= widths[2] && widths[1] <= widths[2], "{what} overflows: {widths:?}");
}

/// At 400 px, a phone's width, neither the report nor the page scrolls sideways, and the move
/// buttons and the map's star are inside the window.
#[test]
fn the_report_and_the_page_fit_a_phone() {
    if !tools_present("the_report_and_the_page_fit_a_phone") {
        return;
    }
    let out = Test::new().args(["report", "Adur District Council", "--out", "adur.html"]).run();
    out.code(0);
    let report = format!("file://{}", out.dir().join("adur.html").display());
    let server = Server::start(&[]);
    let page = format!("{}?body=E07000223", server.url);
    with_browser("the_report_and_the_page_fit_a_phone", 400, 860, |client| async move {
        client.goto(&report).await.unwrap();
        assert_no_sideways_scroll(&client, "the report").await;
        js(&client, "document.getElementById('summary').scrollIntoView(); return true").await;
        screenshot(&client, "report-400.png").await;

        client.goto(&page).await.unwrap();
        until(
            &client,
            "the ranking",
            "return document.querySelectorAll('#ranking tbody tr').length === 10",
        )
        .await;
        assert_no_sideways_scroll(&client, "the page").await;
        let inside = js(
            &client,
            "const w = window.innerWidth;
             const inside = e => { const r = e.getBoundingClientRect(); return r.left >= 0 && r.right <= w; };
             return inside(document.querySelector('button[aria-label=\"Move proximity down\"]'))
               && inside(document.querySelector('#map g.subject'))"
        )
        .await;
        assert_eq!(inside, true, "the move buttons and the star are within the window");
        js(&client, "document.getElementById('result').scrollIntoView(); return true").await;
        screenshot(&client, "serve-400.png").await;
    });
}

/// Ticked partners go into a shortlist kept in the address, which survives a reload; two of them
/// compare side by side, criterion by criterion, both directions.
#[test]
fn the_shortlist_survives_a_reload_and_compares_side_by_side() {
    if !tools_present("the_shortlist_survives_a_reload_and_compares_side_by_side") {
        return;
    }
    let server = Server::start(&[]);
    let url = format!("{}?body=E07000223", server.url);
    let test = "the_shortlist_survives_a_reload_and_compares_side_by_side";
    with_browser(test, 1280, 1150, |client| async move {
        let ready =
            "return document.getElementById('results').getAttribute('aria-busy') === 'false'
               && document.querySelectorAll('#ranking tbody tr').length === 10";
        client.goto(&url).await.unwrap();
        until(&client, "the ranking", ready).await;
        assert_eq!(
            js(&client, "return document.getElementById('compare-button').disabled").await,
            true
        );
        for id in ["E07000229", "E07000227"] {
            client
                .find(Locator::Css(&format!("#ranking input[data-id='{id}']")))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
        let hash = js(&client, "return location.hash").await;
        assert_eq!(hash, "#shortlist=E07000229,E07000227");

        client.refresh().await.unwrap();
        until(&client, "the ranking after the reload", ready).await;
        let kept = until(
            &client,
            "the shortlist after the reload",
            "const items = Array.from(document.querySelectorAll('#shortlist li')).map(l => l.dataset.id);
             return items.length === 2 ? items : null",
        )
        .await;
        assert_eq!(ids(&kept), ["E07000229", "E07000227"]);
        let ticked = js(&client, "return Array.from(document.querySelectorAll('#ranking input:checked')).map(b => b.dataset.id)").await;
        assert_eq!(ids(&ticked), ["E07000229", "E07000227"]);
        assert!(
            js(&client, "return new URLSearchParams(location.search).get('body')")
                .await
                .as_str()
                .unwrap()
                .contains("E07000223"),
            "the ranking's settings stay in the address too"
        );

        client.find(Locator::Id("compare-button")).await.unwrap().click().await.unwrap();
        let columns = js(
            &client,
            "return Array.from(document.querySelectorAll('#compare thead th[data-id]')).map(t => t.dataset.id)",
        )
        .await;
        assert_eq!(ids(&columns), ["E07000229", "E07000227"], "both columns");
        let text = js(&client, "return document.getElementById('compare').innerText").await;
        let text = text.as_str().unwrap();
        for fragment in ["Worthing Borough Council", "Horsham", "Proximity", "for Adur:", "for it:"]
        {
            assert!(text.to_lowercase().contains(&fragment.to_lowercase()), "{fragment}: {text}");
        }
        let rows =
            js(&client, "return document.querySelectorAll('#compare tbody tr').length").await;
        assert!(rows.as_u64().unwrap() >= 14, "four summary rows and ten criteria: {rows}");
        screenshot(&client, "serve-compare.png").await;

        // The shortlist exports as a report: the `partnermatch report` file, the shortlisted
        // partners compared side by side and marked in the ranking.
        let href = js(
            &client,
            "const a = document.getElementById('shortlist-report'); return a.hidden ? '' : a.getAttribute('href')",
        )
        .await;
        let href = href.as_str().unwrap().to_owned();
        assert!(href.contains("shortlist=E07000229%2CE07000227"), "{href}");
        let html = client
            .execute_async(
                "const [href, done] = arguments; fetch(href).then(r => r.text()).then(done)",
                vec![json!(href)],
            )
            .await
            .unwrap();
        let html = html.as_str().unwrap();
        assert!(html.contains("<title>Partners for Adur District Council"), "a report");
        let start = html.find("id=\"shortlist\"").expect("the shortlist section");
        let section = &html[start..start + html[start..].find("</section>").unwrap()];
        for fragment in [
            "data-id=\"E07000229\"",
            "data-id=\"E07000227\"",
            "Worthing Borough Council",
            "Horsham District Council",
            "for Adur: ",
        ] {
            assert!(section.contains(fragment), "{fragment}: {section}");
        }
        assert_eq!(html.matches("class=\"shortlisted\"").count(), 2, "both marked in the ranking");
    });
}

/// The scores shown in the table, in order.
const TABLE_SCORES: &str = "return Array.from(document.querySelectorAll('#ranking tbody tr td:nth-child(5)')).map(t => t.textContent).join(' ')";

/// The page's statement is in the address and the answer to it is shown.
const READY_WITH_PROFILE: &str =
    "return document.getElementById('results').getAttribute('aria-busy') === 'false'
    && document.getElementById('error').hidden
    && document.querySelectorAll('#ranking tbody tr').length === 10
    ? (new URLSearchParams(location.search).get('profile') || '-') : ''";

/// The "describe your body" panel: ticking a service and setting a barrier rank again at once,
/// reasons reorder by keyboard, the statement survives a reload, its download reproduces the
/// page's ranking on the command line (`rank --profile`), and it loads back.
#[test]
fn the_panel_states_our_body_and_its_download_reproduces_the_ranking() {
    let test = "the_panel_states_our_body_and_its_download_reproduces_the_ranking";
    if !tools_present(test) {
        return;
    }
    let server = Server::start(&[]);
    let url = format!("{}?body=E07000223", server.url);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("adur.toml");
    with_browser(test, 1280, 1400, |client| async move {
        client.goto(&url).await.unwrap();
        until(&client, "the ranking", READY_WITH_PROFILE).await;
        let plain_ids = ids(&js(&client, TABLE_IDS).await);
        let plain_scores = js(&client, TABLE_SCORES).await;
        let status =
            js(&client, "return document.getElementById('statement-status').textContent").await;
        assert!(status.as_str().unwrap().contains("Nothing stated"), "{status}");

        // Tick a service sought: the ranking changes at once.
        client
            .find(Locator::Css("#services-details summary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .find(Locator::Css(
                "#statement-services input[data-column='services_sought'][data-service='legal']",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let profile = until(
            &client,
            "the ranking with a service sought",
            &format!("const p = (function () {{ {READY_WITH_PROFILE} }})(); return p.includes('services_sought') ? p : ''"),
        )
        .await;
        assert!(profile.as_str().unwrap().contains("services_sought = [\"legal\"]"), "{profile}");
        let with_service = js(&client, TABLE_SCORES).await;
        assert_ne!(with_service, plain_scores, "a service sought changes the scores");

        // Set a barrier's severity: the ranking changes again.
        client
            .find(Locator::Css("#barriers-details summary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .find(Locator::Id("barrier-job_losses"))
            .await
            .unwrap()
            .select_by_value("0.75")
            .await
            .unwrap();
        until(
            &client,
            "the ranking with a barrier",
            &format!("const p = (function () {{ {READY_WITH_PROFILE} }})(); return p.includes('job_losses = 0.75')"),
        )
        .await;
        let with_barrier = js(&client, TABLE_SCORES).await;
        assert_ne!(with_barrier, with_service, "a barrier changes the scores");
        let status =
            js(&client, "return document.getElementById('statement-status').textContent").await;
        assert!(status.as_str().unwrap().contains("services sought, barriers"), "{status}");

        // Reasons reorder by keyboard: tick two, move the second up with Enter.
        client.find(Locator::Css("#reasons-details summary")).await.unwrap().click().await.unwrap();
        for reason in ["cost_reduction", "resilience"] {
            client
                .find(Locator::Id(&format!("reason-{reason}")))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
        let up = client
            .find(Locator::Css("button[aria-label='Move reason resilience up']"))
            .await
            .unwrap();
        up.send_keys(&Key::Enter).await.unwrap();
        let label = js(&client, "return document.activeElement.getAttribute('aria-label')").await;
        assert_eq!(label, "Move reason resilience up", "focus follows the moved reason");
        client.active_element().await.unwrap().send_keys(&Key::Enter).await.unwrap();
        client.active_element().await.unwrap().send_keys(&Key::Enter).await.unwrap();
        client.active_element().await.unwrap().send_keys(&Key::Enter).await.unwrap();
        let profile = until(
            &client,
            "the reordered reasons",
            &format!("const p = (function () {{ {READY_WITH_PROFILE} }})(); return p.includes('reasons = [\"resilience\", \"cost_reduction\"]') ? p : ''"),
        )
        .await;
        let profile = profile.as_str().unwrap().to_owned();
        let page_ids = ids(&js(&client, TABLE_IDS).await);
        js(
            &client,
            "document.getElementById('services-details').open = false;
             document.getElementById('statement-heading').scrollIntoView(); return true",
        )
        .await;
        screenshot(&client, "serve-statement.png").await;

        // A reload keeps the statement (it is in the address) and the panel shows it.
        client.refresh().await.unwrap();
        until(&client, "the ranking after the reload", READY_WITH_PROFILE).await;
        let kept = until(
            &client,
            "the panel after the reload",
            "return document.querySelector(\"#statement-services input[data-column='services_sought'][data-service='legal']\").checked
               && document.getElementById('barrier-job_losses').value === '0.75'
               && document.getElementById('reason-resilience').checked",
        )
        .await;
        assert_eq!(kept, true);
        assert_eq!(ids(&js(&client, TABLE_IDS).await), page_ids);
        let again = js(&client, "return new URLSearchParams(location.search).get('profile')").await;
        assert_eq!(again, profile.as_str(), "the same statement after the reload");

        // The downloaded statement, passed to the CLI with --profile, gives the page's ranking.
        let fetch = "const [href, done] = arguments; fetch(href).then(r => r.text()).then(done)";
        let href = js(
            &client,
            "return document.getElementById('statement-download').getAttribute('href')",
        )
        .await;
        assert!(href.as_str().unwrap().starts_with("/api/profile?"), "{href}");
        let toml = client.execute_async(fetch, vec![href]).await.unwrap();
        std::fs::write(&file, toml.as_str().unwrap()).unwrap();
        let cli = Test::new()
            .args(["rank", "E07000223", "--profile", file.to_str().unwrap(), "--format", "json"])
            .run();
        cli.code(0);
        let cli: Value = serde_json::from_str(&cli.stdout()).unwrap();
        let cli_ids: Vec<String> = cli["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(cli_ids, page_ids, "the command line ranks as the page shows");
        let href =
            js(&client, "return document.getElementById('download-json').getAttribute('href')")
                .await;
        let page_json = client.execute_async(fetch, vec![href]).await.unwrap();
        let page_json: Value = serde_json::from_str(page_json.as_str().unwrap()).unwrap();
        for (page, cli) in page_json["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .zip(cli["candidates"].as_array().unwrap())
        {
            assert_eq!(page["id"], cli["id"]);
            assert_eq!(page["score"], cli["score"], "the same scores");
        }

        // Cleared, the ranking is the data's again; the file loads back into the panel.
        client.find(Locator::Id("statement-clear")).await.unwrap().click().await.unwrap();
        until(
            &client,
            "the ranking without the statement",
            &format!("return (function () {{ {READY_WITH_PROFILE} }})() === '-'"),
        )
        .await;
        assert_eq!(ids(&js(&client, TABLE_IDS).await), plain_ids);
        client
            .find(Locator::Id("statement-file"))
            .await
            .unwrap()
            .send_keys(file.to_str().unwrap())
            .await
            .unwrap();
        until(
            &client,
            "the loaded statement",
            &format!(
                "const p = (function () {{ {READY_WITH_PROFILE} }})(); return p === {profile:?}"
            ),
        )
        .await;
        assert_eq!(ids(&js(&client, TABLE_IDS).await), page_ids, "loaded back, the same ranking");
        assert_eq!(
            js(&client, "return document.getElementById('barrier-job_losses').value").await,
            "0.75"
        );

        // Reasons reorder by dragging too: cost reduction dropped on resilience goes first.
        js(
            &client,
            "const from = document.querySelector('#statement-reasons li[data-name=\"cost_reduction\"]');
             const to = document.querySelector('#statement-reasons li[data-name=\"resilience\"]');
             const data = new DataTransfer();
             from.dispatchEvent(new DragEvent('dragstart', { dataTransfer: data, bubbles: true }));
             to.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
             to.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
             from.dispatchEvent(new DragEvent('dragend', { dataTransfer: data, bubbles: true }));
             return true",
        )
        .await;
        until(
            &client,
            "the dragged reasons",
            &format!("const p = (function () {{ {READY_WITH_PROFILE} }})(); return p.includes('reasons = [\"cost_reduction\", \"resilience\"]')"),
        )
        .await;

        // A file with a problem is refused in the page's words: the panel's name, the file, the
        // line and the field, and how to fix it; the panel keeps its statement.
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "id = \"E07000223\"\nbarriers = { job_losses = 2.0 }\n").unwrap();
        client
            .find(Locator::Id("statement-file"))
            .await
            .unwrap()
            .send_keys(bad.to_str().unwrap())
            .await
            .unwrap();
        let error = until(
            &client,
            "the error about the file",
            "const e = document.getElementById('error'); return e.hidden ? '' : e.textContent",
        )
        .await;
        let error = error.as_str().unwrap();
        for fragment in ["bad.toml", "line 2", "barriers.job_losses", "Describe your body"] {
            assert!(error.contains(fragment), "{fragment}: {error}");
        }
        assert!(!error.contains("parameter") && !error.contains("profile="), "{error}");
        assert_eq!(
            js(&client, "return document.getElementById('barrier-job_losses').value").await,
            "0.75"
        );
    });
}

#[test]
fn the_page_ranks_reorders_and_downloads() {
    if !tools_present("the_page_ranks_reorders_and_downloads") {
        return;
    }
    let server = Server::start(&[]);
    let url = server.url.clone();
    let addr = server.addr.clone();
    with_browser("the_page_ranks_reorders_and_downloads", 1280, 1150, |client| async move {
        client.goto(&url).await.unwrap();
        until(
            &client,
            "the criteria list",
            "return document.querySelectorAll('#order li').length === 10",
        )
        .await;

        // Every control has a label.
        let unlabelled = js(
            &client,
            "return Array.from(document.querySelectorAll('input, select, button'))
               .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
               .map(e => e.id || e.outerHTML)",
        )
        .await;
        assert_eq!(unlabelled, json!([]), "controls without a label");

        // Search by typing, choose with the keyboard.
        let search = client.find(Locator::Id("search")).await.unwrap();
        search.send_keys("adur").await.unwrap();
        until(&client, "the search results", "return document.querySelector('#search-results button[data-id=\"E07000223\"]') !== null").await;
        search.send_keys(&Key::Down).await.unwrap();
        let focused = js(&client, "return document.activeElement.dataset.id").await;
        assert_eq!(focused, "E07000223", "the down arrow moves into the results");
        client.active_element().await.unwrap().send_keys(&Key::Enter).await.unwrap();

        // The table and the map show Adur's partners, in the same order.
        until(
            &client,
            "the ranking",
            "return document.getElementById('results').getAttribute('aria-busy') === 'false'
               && document.querySelectorAll('#ranking tbody tr').length === 10",
        )
        .await;
        let before = ids(&js(&client, TABLE_IDS).await);
        assert_eq!(before[0], "E07000229", "Worthing first");
        assert_eq!(
            js(&client, "return document.getElementById('map').getAttribute('data-subject')").await,
            "E07000223"
        );
        assert_eq!(
            js(&client, "return document.querySelectorAll('#map g.candidate').length").await,
            10
        );
        assert_eq!(
            js(&client, "return document.getElementById('map').getAttribute('data-candidates')")
                .await,
            before.join(",")
        );
        let title = js(&client, "return document.getElementById('map-title').textContent").await;
        assert_eq!(title, "Map of Adur and its ranked partners");
        assert!(
            js(&client, "return document.getElementById('map-desc').textContent")
                .await
                .as_str()
                .unwrap()
                .contains("top 10 partners")
        );
        let reasons =
            js(&client, "return document.querySelector('#ranking tbody').textContent").await;
        assert!(reasons.as_str().unwrap().contains("shares a boundary"));
        // A real map: the coast, council outlines with Adur's and its partners' filled, the
        // partners named in the key beside it, the licence's attribution on it.
        check_map(&client, "#map", "#map-key").await;
        screenshot(&client, "serve.png").await;

        // Move proximity from first to last with the keyboard: Enter on its down button, nine
        // times; focus stays on the moved criterion's button, and is visible.
        let down =
            client.find(Locator::Css("button[aria-label='Move proximity down']")).await.unwrap();
        down.send_keys(&Key::Enter).await.unwrap();
        for _ in 0..8 {
            let label =
                js(&client, "return document.activeElement.getAttribute('aria-label')").await;
            assert_eq!(label, "Move proximity down", "focus follows the moved criterion");
            let outline =
                js(&client, "return getComputedStyle(document.activeElement).outlineStyle").await;
            assert_ne!(outline, "none", "focus is visible");
            client.active_element().await.unwrap().send_keys(&Key::Enter).await.unwrap();
        }
        // The mouse works too: up once, then down again.
        client
            .find(Locator::Css("button[aria-label='Move proximity up']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .find(Locator::Css("button[aria-label='Move proximity down']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let order = js(&client, "return Array.from(document.querySelectorAll('#order li')).map(l => l.dataset.name).join(',')").await;
        assert_eq!(order, PROXIMITY_LAST);
        // Wait for the answer to the last request (the page is busy until it is shown).
        let after = until(
            &client,
            "the reordered ranking",
            &format!(
                "const done = document.getElementById('results').getAttribute('aria-busy') === 'false'
                   && new URLSearchParams(location.search).get('order') === {PROXIMITY_LAST:?};
                 return done ? Array.from(document.querySelectorAll('#ranking tbody tr')).map(r => r.dataset.id) : null"
            ),
        )
        .await;
        let after = ids(&after);
        assert_ne!(after, before, "the order changes the ranking");
        assert_eq!(
            js(&client, "return document.getElementById('map').getAttribute('data-candidates')")
                .await,
            after.join(","),
            "the map follows the table"
        );
        // The page shows what the API ranks for that order.
        let api = crate::harness::http_get(
            &addr,
            &format!("/api/rank?body=E07000223&order={PROXIMITY_LAST}"),
            &addr,
        )
        .json();
        let api_ids: Vec<String> = api["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(after, api_ids);

        // The CSV link downloads what `partnermatch rank` prints for the same settings.
        let href =
            js(&client, "return document.getElementById('download-csv').getAttribute('href')")
                .await;
        assert!(href.as_str().unwrap().contains("format=csv"), "{href}");
        let csv = client
            .execute_async(
                "const [href, done] = arguments; fetch(href).then(r => r.text()).then(done)",
                vec![href],
            )
            .await
            .unwrap();
        let cli =
            Test::new().args(["rank", "adur", "--order", PROXIMITY_LAST, "--format", "csv"]).run();
        cli.code(0);
        assert_eq!(csv.as_str().unwrap(), cli.stdout());

        // A bad value is refused with a message naming the control as the page labels it, not
        // the query parameter, and a button that takes the keyboard back to the control.
        let within = client.find(Locator::Id("within-km")).await.unwrap();
        within.send_keys("-5").await.unwrap();
        within.send_keys(&Key::Tab).await.unwrap();
        let error = until(
            &client,
            "the error message",
            "const e = document.getElementById('error'); return e.hidden ? '' : e.textContent",
        )
        .await;
        let error = error.as_str().unwrap();
        assert!(error.contains("Within (km)"), "{error}");
        assert!(!error.contains("within_km") && !error.contains("Parameter"), "{error}");
        client.find(Locator::Css("#error button")).await.unwrap().click().await.unwrap();
        assert_eq!(js(&client, "return document.activeElement.id").await, "within-km");
    });
}

#[test]
fn the_report_opens_from_a_file_with_no_network() {
    if !tools_present("the_report_opens_from_a_file_with_no_network") {
        return;
    }
    let out = Test::new().args(["report", "Adur District Council", "--out", "adur.html"]).run();
    out.code(0);
    let file = out.dir().join("adur.html");
    let url = format!("file://{}", file.display());
    with_browser("the_report_opens_from_a_file_with_no_network", 1280, 1400, |client| async move {
        client.goto(&url).await.unwrap();
        assert_eq!(
            client.title().await.unwrap(),
            "Partners for Adur District Council · partnermatch report"
        );
        // The map, the table and the reasons are there.
        assert_eq!(
            js(&client, "return document.querySelector('svg.map').getAttribute('role')").await,
            "img"
        );
        assert_eq!(
            js(&client, "return document.querySelectorAll('svg.map g.candidate').length").await,
            10
        );
        assert_eq!(
            js(&client, "return document.querySelectorAll('table.ranking tbody tr').length").await,
            10
        );
        let text = js(&client, "return document.body.innerText").await;
        let text = text.as_str().unwrap();
        for fragment in [
            "Worthing Borough Council",
            "shares a boundary",
            "Top 10 in sampled weightings",
            "Data sources",
        ] {
            assert!(text.contains(fragment), "{fragment}");
        }
        check_map(&client, "svg.map", "ol.map-key").await;
        // The map is drawn: it has a size on the page.
        let width =
            js(&client, "return document.querySelector('svg.map').getBoundingClientRect().width")
                .await;
        assert!(width.as_f64().unwrap() > 300.0, "{width}");
        // Nothing was fetched: no resource entries, no external elements.
        assert_eq!(js(&client, "return performance.getEntriesByType('resource').length").await, 0);
        assert_eq!(
            js(
                &client,
                "return document.querySelectorAll('script[src], link, img, iframe').length"
            )
            .await,
            0
        );
        // The embedded data parses.
        let n = js(&client, "return JSON.parse(document.getElementById('partnermatch-data').textContent).candidates.length").await;
        assert_eq!(n, 10);
        screenshot(&client, "report.png").await;
    });
}
