//! `partnermatch generate`: writes a synthetic dataset that `validate --data` accepts, the same
//! bytes for the same seed, refuses to overwrite without `--force`, and rejects bad arguments
//! with exit 2 (a folder it cannot write to is a runtime failure, exit 1).

use crate::harness::Test;

#[test]
fn generated_csv_and_toml_validate_for_both_countries() {
    for like in ["uk", "us"] {
        for file in ["bodies.csv", "bodies.toml"] {
            let out = Test::new()
                .args([
                    "generate", "--bodies", "1500", "--seed", "3", "--like", like, "--out", file,
                ])
                .run();
            out.code(0)
                .no_panic()
                .stderr_has("generated 1,500 synthetic bodies like")
                .stderr_has(file);
            let path = out.dir().join(file);
            Test::new()
                .args(["validate"])
                .data_path(&path)
                .run()
                .code(0)
                .stdout_has("ok: 1500 organisations");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_file() {
    let run = |seed: &str| {
        let out = Test::new()
            .args(["generate", "--bodies", "800", "--seed", seed, "--out", "a.csv"])
            .run();
        out.code(0);
        std::fs::read(out.dir().join("a.csv")).unwrap()
    };
    assert_eq!(run("9"), run("9"));
    assert_ne!(run("9"), run("10"));
}

#[test]
fn the_summary_names_the_sectors_and_stdout_works() {
    let out = Test::new().args(["generate", "--bodies", "5000", "--out", "-"]).run();
    out.code(0).stderr_has("local government").stderr_has("police").stderr_has("standard output");
    let stdout = out.stdout();
    assert!(stdout.starts_with("id,name,sector,kind,"));
    assert_eq!(stdout.lines().count(), 5001);
}

#[test]
fn an_existing_file_is_kept_without_force() {
    let out = Test::new()
        .file("taken.csv", "old")
        .args(["generate", "--bodies", "10", "--out", "taken.csv"])
        .run();
    out.code(2).stderr_has("pass --force");
    assert_eq!(std::fs::read_to_string(out.dir().join("taken.csv")).unwrap(), "old");
    let out = Test::new()
        .file("taken.csv", "old")
        .args(["generate", "--bodies", "10", "--out", "taken.csv", "--force"])
        .run();
    out.code(0);
    assert!(std::fs::read_to_string(out.dir().join("taken.csv")).unwrap().starts_with("id,"));
}

#[test]
fn bad_arguments_exit_2() {
    for (args, message) in [
        (vec!["--bodies", "0", "--out", "x.csv"], "at least 1"),
        (vec!["--bodies", "2000001", "--out", "x.csv"], "limit of 2000000"),
        (vec!["--bodies", "300000", "--out", "x.toml"], "TOML limit"),
        (vec!["--bodies", "10", "--out", "x.csv", "--format", "toml"], "does not match"),
        (vec!["--bodies", "10", "--out", "x.csv", "--like", "fr"], "use uk or us"),
        (vec!["--bodies", "-5", "--out", "x.csv"], ""),
        (vec!["--bodies", "10", "--out", "no/such/folder/x.csv"], "does not exist"),
        (vec!["--bodies", "10", "--out", "."], "is a directory"),
    ] {
        let out = Test::new().args(["generate"]).args(&args).run();
        out.code(2).no_panic().stderr_has(message);
        assert!(!out.dir().join("x.csv").exists() && !out.dir().join("x.toml").exists());
    }
}

#[cfg(unix)]
#[test]
fn an_unwritable_folder_is_a_runtime_failure() {
    use std::os::unix::fs::PermissionsExt as _;
    let test = Test::new().file("ro/keep.txt", "");
    let folder = test.dir().join("ro");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root may write anywhere: then there is nothing to test.
    if std::fs::write(folder.join("probe"), "").is_ok() {
        return;
    }
    let out = test.args(["generate", "--bodies", "10", "--out", "ro/x.csv"]).run();
    out.code(1).no_panic().stderr_has("cannot write");
    std::fs::set_permissions(out.dir().join("ro"), std::fs::Permissions::from_mode(0o755)).unwrap();
}
