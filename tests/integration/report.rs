//! `report`: one self-contained HTML file with the map, the table, the reasons, the robustness
//! figures, the weights and the sources; hostile names escaped; errors with the usual codes.

use crate::harness::{Test, test_data};

fn report(args: &[&str]) -> String {
    let out = Test::new().args(["report"]).args(args).args(["--out", "-"]).run();
    out.code(0).no_panic();
    out.stdout()
}

#[test]
fn a_default_data_council_gets_one_self_contained_file() {
    let out = Test::new().args(["report", "Adur District Council", "--out", "adur.html"]).run();
    out.code(0).no_panic().stderr_has("wrote the report on Adur District Council to adur.html");
    let files: Vec<_> = std::fs::read_dir(out.dir()).unwrap().collect();
    assert_eq!(files.len(), 1, "one file and no leftovers");
    let html = std::fs::read_to_string(out.dir().join("adur.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for fragment in [
        "<svg class=\"map\"",
        "<title id=\"map-title\">Map of Adur and its ranked partners</title>",
        "<table class=\"ranking\">",
        "Worthing Borough Council",
        "shares a boundary",
        "How robust is this ranking?",
        "2,000 weight vectors",
        "random seed 1",
        "Weights and where they come from",
        "Barron &amp; Barrett 1996",
        "Data sources",
        "Open Government Licence",
        "id=\"partnermatch-data\"",
        "@media print",
    ] {
        assert!(html.contains(fragment), "report lacks {fragment:?}");
    }
    // Nothing outside the file: no external scripts, styles, images or fonts. Web addresses
    // may appear only as text, never as an address the page would load or link to. The
    // partnership the reasons rest on is named (Adur and Worthing's shared services).
    assert!(html.contains("combined planning service: planning.adur-worthing.gov.uk"));
    assert!(!html.contains("=\"https://") && !html.contains("='https://"));
    assert!(!html.contains("href=\"http") && !html.contains("url("));
    assert!(!html.contains(" src="));
    assert!(!html.contains("<link"));
    assert!(html.contains("default-src 'none'"));
}

#[test]
fn the_same_settings_give_the_same_file() {
    let args = ["adur", "--top", "5", "--samples", "500", "--seed", "3"];
    assert_eq!(report(&args), report(&args));
    assert!(report(&args).contains("random seed 3"));
}

#[test]
fn filters_and_weighting_options_apply() {
    let html = report(&[
        "adur",
        "--top",
        "3",
        "--kind",
        "district",
        "--within-km",
        "30",
        "--order",
        "service_fit,proximity,kind_fit,size_fit,trust,barrier_risk,shared_priorities,shared_geography,ict_fit,political_alignment",
        "--method",
        "rank_sum",
    ]);
    assert!(html.contains("top 3 of"));
    assert!(html.contains("kind district; within 30 km"));
    assert!(html.contains("rank sum"));
    assert!(html.contains("an order given by the user"));
    assert!(!html.contains("Brighton and Hove"), "a unitary authority, filtered out");
}

#[test]
fn robustness_is_explained_when_it_cannot_be_computed() {
    let html = report(&["adur", "--top", "3", "--mutual", "minimum"]);
    assert!(html.contains("the arithmetic mean of both views"), "linear stand-in named");
    let html = report(&[
        "adur",
        "--weights",
        "proximity=1,service_fit=0,kind_fit=0,size_fit=0,trust=0,barrier_risk=0,shared_priorities=0,shared_geography=0,ict_fit=0,political_alignment=0",
    ]);
    assert!(html.contains("The robustness figures were not computed: explicit weights"));
}

const HOSTILE_PROFILES: &str = r#"
[[organisation]]
id = "X1"
name = "<script>alert('pwned')</script> & Sons \"Council\""
short_name = "</style><img src=x onerror=alert(1)>"
sector = "local_government"
kind = "district"
region = "<b>Bold</b> region"
location = { lat = 51.0, lon = -1.0 }

[[organisation]]
id = "X2"
name = "Partner <iframe>"
sector = "local_government"
kind = "district"
region = "<b>Bold</b> region"
location = { lat = 51.1, lon = -1.1 }
"#;

#[test]
fn hostile_names_are_escaped() {
    let out = Test::new()
        .file("hostile.toml", HOSTILE_PROFILES)
        .data("hostile.toml")
        .args(["report", "X1", "--out", "-"])
        .run();
    out.code(0).no_panic();
    let html = out.stdout();
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<iframe"));
    assert!(!html.contains("<b>"));
    assert_eq!(html.matches("</style>").count(), 1);
    assert!(
        html.contains("&lt;script&gt;alert('pwned')&lt;/script&gt; &amp; Sons &quot;Council&quot;")
    );
    assert!(html.contains("Partner &lt;iframe&gt;"));
    // User data: no embedded sources are claimed for it.
    assert!(html.contains("supplied by the user"));
}

#[test]
fn errors_have_the_usual_exit_codes() {
    Test::new()
        .args(["report", "Atlantis", "--out", "x.html"])
        .run()
        .code(2)
        .stderr_has("no body matches");
    Test::new()
        .args(["report", "adur", "--out", "no/such/folder/x.html"])
        .run()
        .code(1)
        .no_panic()
        .stderr_has("cannot write the report to no/such/folder/x.html");
    Test::new().args(["report", "adur"]).run().code(2).stderr_has("--out");
    Test::new().args(["report", "adur", "--out", "x.html", "--top", "0"]).run().code(2);
    Test::new().args(["report", "adur", "--out", "x.html", "--samples", "0"]).run().code(2);
    let fixture = Test::new()
        .args(["report", "T-EVD", "--top", "2", "--out", "-"])
        .data_path(&test_data("good"))
        .run();
    fixture.code(0).stdout_has("Partners for Eastvale District Council");
}

/// The report opens with a summary in plain words, keeps the method's terms for a glossary at
/// the end, points to no file the reader does not have, and words the two robustness checks
/// so that they cannot read as a contradiction.
#[test]
fn plain_words_first_and_robustness_that_does_not_contradict_itself() {
    let html = report(&["cotswold"]);
    let summary = html.find("id=\"summary\"").expect("a summary");
    let map = html.find("id=\"map\"").unwrap();
    let glossary = html.find("id=\"glossary\"").expect("a glossary");
    assert!(summary < map && map < glossary, "summary first, glossary last");
    let summary_text = &html[summary..map];
    assert_eq!(summary_text.matches("<li>").count(), 5, "the best five");
    assert!(summary_text.contains("Tewkesbury Borough Council"));
    assert!(summary_text.contains("Stands out for:"));
    assert!(summary_text.contains("How sure:"));
    for jargon in ["harmonic mean", "rank order centroid", "view 0."] {
        assert!(!summary_text.contains(jargon), "{jargon} in the summary");
    }
    assert!(html[glossary..].contains("Harmonic mean"));
    assert!(html[glossary..].contains("Rank order centroid"));
    // No links or pointers to files the reader does not have.
    // (Partnership sources may cite another project's files; these are partnermatch's own.)
    for path in [
        "docs/scoring",
        "docs/report",
        "docs/data",
        "docs/profiles",
        "docs/validity",
        "href=\"docs",
        "profiles/ATTRIBUTION",
    ] {
        assert!(!html.contains(path), "the report points to {path}");
    }
    // Sampled and proven are two different statements, never "100%" beside "no".
    assert!(!html.contains("under every weighting"), "the old, contradictory column");
    assert!(html.contains("sampled weightings"));
    assert!(html.contains("proven") && html.contains("not proven"));
    assert!(
        html.contains("in the top 10 in all 2,000 sampled weightings, but not proven")
            || html.contains("proven to stay in the top 10"),
    );
}

/// `--shortlist`: the shortlisted partners side by side (one below the top shown too), named in
/// the header and marked in the ranking; the ranked body itself or an unknown body is refused.
#[test]
fn a_shortlist_is_compared_side_by_side() {
    let html = report(&["adur", "--top", "3", "--shortlist", "worthing, E07000227,Mid Sussex"]);
    let start = html.find("<section id=\"shortlist\"").expect("the shortlist section");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    for fragment in [
        "data-id=\"E07000229\"",
        "data-id=\"E07000227\"",
        "Mid Sussex District Council",
        "below the top 3 shown",
        "for Adur: ",
        "<th scope=\"row\">proximity</th>",
        "Stands out for",
    ] {
        assert!(section.contains(fragment), "{fragment}: {section}");
    }
    assert!(html.contains("<dt>Shortlist</dt>"));
    assert!(
        html.find("id=\"shortlist\"").unwrap() < html.find("id=\"ranking\"").unwrap(),
        "the shortlist comes before the ranking"
    );
    assert_eq!(html.matches("<tr class=\"shortlisted\">").count(), 2, "the two shown are marked");
    // Without --shortlist, no section.
    assert!(!report(&["adur", "--top", "3"]).contains("id=\"shortlist\""));
    let out = Test::new().args(["report", "adur", "--shortlist", "adur", "--out", "-"]).run();
    out.code(2).no_panic();
    assert!(out.stderr().contains("the body the report is for"), "{}", out.stderr());
    let out = Test::new().args(["report", "adur", "--shortlist", "Atlantis", "--out", "-"]).run();
    out.code(2).no_panic();
    assert!(out.stderr().contains("--shortlist Atlantis"), "{}", out.stderr());
}
