//! `partnermatch rank-all` through the binary: the pruned path gives byte for byte the output
//! of `--brute-force` on a generated national-shaped dataset, in CSV and JSON lines; filters
//! that leave a body no candidate give it an empty list; an existing file is kept.

use crate::harness::{Outcome, Test};

/// A 1,500-body UK-like dataset, `b.csv` in the returned run's folder (alive while it is).
fn generated() -> (Outcome, std::path::PathBuf) {
    let out =
        Test::new().args(["generate", "--bodies", "1500", "--seed", "5", "--out", "b.csv"]).run();
    out.code(0);
    let path = out.dir().join("b.csv");
    (out, path)
}

fn rank_all(data: &std::path::Path, args: &[&str]) -> Outcome {
    let out =
        Test::new().args(["rank-all", "--quiet"]).args(args.iter().copied()).data_path(data).run();
    out.code(0).no_panic();
    out
}

#[test]
fn pruned_output_is_byte_identical_to_brute_force() {
    let (_keep, data) = generated();
    for format in ["csv", "jsonl"] {
        for extra in [&[][..], &["--mutual", "minimum"][..], &["--service", "legal"][..]] {
            let mut args = vec!["--top", "7", "--format", format];
            args.extend_from_slice(extra);
            let pruned = rank_all(&data, &args).stdout();
            args.push("--brute-force");
            let brute = rank_all(&data, &args).stdout();
            assert_eq!(pruned, brute, "{format} {extra:?}");
            let lines = pruned.lines().count();
            match format {
                "csv" => assert_eq!(lines, 1 + 1500 * 7, "a header and 7 rows per body"),
                _ => assert_eq!(lines, 1500, "one line per body"),
            }
        }
    }
}

#[test]
fn a_body_with_no_candidate_left_gets_an_empty_list() {
    let (_keep, data) = generated();
    let out = rank_all(&data, &["--within-km", "0.001", "--format", "jsonl"]).stdout();
    assert_eq!(out.lines().count(), 1500);
    let empty = out.lines().filter(|l| l.ends_with("\"candidates\":[]}")).count();
    assert!(empty > 1000, "almost every body has no candidate within a metre: {empty}");
}

#[test]
fn output_goes_to_a_file_and_an_existing_one_is_kept() {
    let (_keep, data) = generated();
    let dir = data.parent().unwrap();
    let target = dir.join("all.csv");
    std::fs::write(&target, "old").unwrap();
    let out = Test::new()
        .args(["rank-all", "--top", "3", "--out"])
        .args([target.to_str().unwrap()])
        .data_path(&data)
        .run();
    out.code(2).stderr_has("pass --force");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    let out = Test::new()
        .args(["rank-all", "--top", "3", "--force", "--out"])
        .args([target.to_str().unwrap()])
        .data_path(&data)
        .run();
    out.code(0).stderr_has("ranked 1500 bodies (top 3)");
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.starts_with("id,rank,candidate_id,score,forward,backward,distance_km\n"));
    assert_eq!(written.lines().count(), 1 + 1500 * 3);
}

#[test]
fn a_pack_gives_byte_identical_output_to_its_csv() {
    let (keep, data) = generated();
    let pack = keep.dir().join("b.pmd");
    let out =
        Test::new().args(["pack", data.to_str().unwrap(), "--out", pack.to_str().unwrap()]).run();
    out.code(0).no_panic().stderr_has("packed 1,500 bodies");
    for format in ["csv", "jsonl"] {
        let args = ["--top", "7", "--format", format];
        let from_csv = rank_all(&data, &args).stdout();
        let from_pack = rank_all(&pack, &args).stdout();
        assert!(from_csv == from_pack, "{format}: the pack's output differs from the CSV's");
    }
    // Recognised by its signature whatever its name, and usable by any command.
    let renamed = keep.dir().join("b.bin");
    std::fs::copy(&pack, &renamed).unwrap();
    let out = Test::new().args(["validate"]).data_path(&renamed).run();
    out.code(0).stdout_has("ok: 1500 organisations");
    // Writing a pack over an existing file needs --force, like every --out.
    let out =
        Test::new().args(["pack", data.to_str().unwrap(), "--out", pack.to_str().unwrap()]).run();
    out.code(2).stderr_has("pass --force");
}
