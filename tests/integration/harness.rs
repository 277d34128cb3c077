//! A small fluent harness over the built binary and a temp directory:
//! `Test::new().file("a.toml", ...).args(["validate"]).data("a.toml").run().code(0)`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where `Cargo.toml` is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `tests/data`.
pub fn test_data(rel: &str) -> PathBuf {
    repo().join("tests").join("data").join(rel)
}

/// One run of the binary being prepared.
pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    current_dir: Option<PathBuf>,
}

impl Test {
    /// A fresh temp directory and no arguments.
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir"), args: Vec::new(), current_dir: None }
    }

    /// The temp directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (text or bytes) under the temp directory, creating folders.
    pub fn file(self, rel: &str, contents: impl AsRef<[u8]>) -> Self {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(&path, contents).expect("write file");
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.args.extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Adds `--data` with a path under the temp directory.
    pub fn data(self, rel: &str) -> Self {
        let path = self.dir.path().join(rel).display().to_string();
        self.args(["--data", &path])
    }

    /// Adds `--data` with an absolute path.
    pub fn data_path(self, path: &Path) -> Self {
        let path = path.display().to_string();
        self.args(["--data", &path])
    }

    /// Runs the binary from the temp directory (or the one set by `current_dir`).
    pub fn run(self) -> Outcome {
        let output = Command::new(env!("CARGO_BIN_EXE_partnermatch"))
            .args(&self.args)
            .current_dir(self.current_dir.as_deref().unwrap_or(self.dir.path()))
            .output()
            .expect("run partnermatch");
        Outcome { output, args: self.args, dir: self.dir }
    }
}

/// What a run printed and returned.
pub struct Outcome {
    output: Output,
    args: Vec<String>,
    dir: tempfile::TempDir,
}

impl Outcome {
    /// Standard output as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Standard error as text.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// The temp directory the run used (still alive).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Asserts the exit code.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.output.status.code(),
            Some(expected),
            "partnermatch {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.args,
            self.stdout(),
            self.stderr()
        );
        self
    }

    /// Asserts that standard output contains a fragment.
    #[track_caller]
    pub fn stdout_has(&self, fragment: &str) -> &Self {
        let out = self.stdout();
        assert!(out.contains(fragment), "stdout lacks {fragment:?}:\n{out}");
        self
    }

    /// Asserts that standard error contains a fragment.
    #[track_caller]
    pub fn stderr_has(&self, fragment: &str) -> &Self {
        let err = self.stderr();
        assert!(err.contains(fragment), "stderr lacks {fragment:?}:\n{err}");
        self
    }

    /// Asserts that nothing that looks like a panic or backtrace was printed.
    #[track_caller]
    pub fn no_panic(&self) -> &Self {
        let err = self.stderr();
        assert!(
            !err.contains("panicked")
                && !err.contains("internal error")
                && !err.contains("RUST_BACKTRACE"),
            "{err}"
        );
        self
    }
}
