//! `serve` through its socket: the URL printed on start, the API's answers and errors, the
//! downloads equal to `rank`'s output, loopback only.

use crate::harness::{Server, Test, http_get};

#[test]
fn the_server_prints_its_url_and_answers_the_api() {
    let server = Server::start(&[]);
    assert!(server.url.starts_with("http://127.0.0.1:"), "{}", server.url);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("<script src=\"/app.js\" defer></script>"));
    assert!(page.header("content-security-policy").unwrap().contains("script-src 'self'"));
    let meta = server.get("/api/meta").json();
    assert_eq!(meta["n_bodies"], 768, "the councils and the bodies around them");
    let found = server.get("/api/bodies?q=adur").json();
    assert_eq!(found["bodies"][0]["id"], "E07000223");
    // A name with spaces, percent-encoded.
    let view = server.get("/api/view?body=Adur%20District%20Council&top=3").json();
    assert_eq!(view["ranking"]["candidates"].as_array().unwrap().len(), 3);
}

#[test]
fn downloads_match_the_rank_command() {
    let server = Server::start(&[]);
    let query = "body=adur&order=kind_fit,proximity,service_fit,size_fit,trust,barrier_risk,shared_priorities,shared_geography,ict_fit,political_alignment&method=rank_reciprocal&region=South%20East&top=8";
    let args = [
        "rank",
        "adur",
        "--order",
        "kind_fit,proximity,service_fit,size_fit,trust,barrier_risk,shared_priorities,shared_geography,ict_fit,political_alignment",
        "--method",
        "rank_reciprocal",
        "--region",
        "South East",
        "--top",
        "8",
        "--format",
    ];
    for format in ["csv", "json"] {
        let reply = server.get(&format!("/api/rank?{query}&format={format}"));
        assert_eq!(reply.status, 200, "{}", reply.text());
        let cli = Test::new().args(args).args([format]).run();
        cli.code(0);
        assert_eq!(reply.text(), cli.stdout(), "{format}");
        assert!(reply.header("content-disposition").unwrap().contains("partners-E07000223"));
    }
}

#[test]
fn bad_requests_get_a_json_error_naming_the_parameter() {
    let server = Server::start(&[]);
    let bad = server.get("/api/rank?body=adur&within_km=-3");
    assert_eq!(bad.status, 400);
    assert_eq!(bad.header("content-type"), Some("application/json"));
    let json = bad.json();
    assert_eq!(json["parameter"], "within_km");
    assert!(json["error"].as_str().unwrap().contains("-3"));
    let unknown = server.get("/api/rank?body=Worthingg");
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["closest"][0]["id"], "E07000229");
    assert_eq!(server.get("/etc/passwd").status, 404);
    assert_eq!(server.get("/api/rank?body=adur&file=/etc/passwd").status, 400);
    // Addressed by another host name (DNS rebinding): refused.
    let rebound = http_get(&server.addr, "/api/meta", "attacker.example");
    assert_eq!(rebound.status, 421);
}

#[test]
fn other_addresses_than_loopback_are_refused() {
    for host in ["0.0.0.0", "192.168.1.10", "::"] {
        Test::new()
            .args(["serve", "--port", "0", "--host", host])
            .run()
            .code(2)
            .no_panic()
            .stderr_has("the page is for this computer only");
    }
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let server = Server::start(&[]);
    let port = server.addr.rsplit(':').next().unwrap().to_owned();
    Test::new()
        .args(["serve", "--port", &port])
        .run()
        .code(1)
        .no_panic()
        .stderr_has("try another --port");
}

#[test]
fn the_server_serves_the_data_it_was_started_with() {
    let dir = crate::harness::test_data("good");
    let server = Server::start(&["--data", dir.to_str().unwrap()]);
    let meta = server.get("/api/meta").json();
    assert_eq!(meta["n_bodies"], 6);
    let view = server.get("/api/view?body=T-EVD").json();
    assert_eq!(view["subject"]["name"], "Eastvale District Council");
}
