//! Run folders on disk: writing every run's files so that a run folder appears whole or not at
//! all, and reading a run folder back for `compare`.
//!
//! Writing is staged: each file is written with `export::write_atomic` into a temporary folder
//! (`.partnermatch-stage-PID-*`) inside the output folder, so on the same file system; once
//! every file of every run is there, each run folder is renamed into place. If any step fails,
//! the runs already moved are moved back, replaced folders are restored and the staging folder
//! is removed: a failed call leaves the output folder as it found it. An output folder that
//! does not exist yet is staged whole beside its place and renamed into place at the end. A run
//! that is killed leaves at most its stage, which the next run into the same output removes
//! (a stage whose process no longer runs). A run folder that exists and is not empty is refused unless
//! `force` is set, and then replaced whole.

use std::io;
use std::path::{Path, PathBuf};

use super::run::{Rankings, RunResult};
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::export::write_atomic;
use crate::input::read_text;

/// Why run folders could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Run folders that already hold files, refused without `force`.
    #[error(
        "{} already exist{} and {} not empty: {}; pass --force to replace {}, or choose \
         another --out",
        if paths.len() == 1 { "a run folder" } else { "run folders" },
        if paths.len() == 1 { "s" } else { "" },
        if paths.len() == 1 { "is" } else { "are" },
        paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        if paths.len() == 1 { "it" } else { "them" },
    )]
    Exists {
        /// The folders.
        paths: Vec<PathBuf>,
    },
    /// A path that should be a folder is a file.
    #[error("{} is a file, not a folder: choose another --out", path.display())]
    NotAFolder {
        /// The path.
        path: PathBuf,
    },
    /// A file system operation failed; nothing was left behind.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.to_path_buf(), source }
}

/// Whether a folder exists and holds anything.
fn non_empty(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_some())
}

/// Writes every run's folder under `out` (created if missing); returns the folders written.
/// See the module documentation for what happens on failure.
pub fn write_runs(
    results: &[RunResult],
    out: &Path,
    force: bool,
) -> Result<Vec<PathBuf>, WriteError> {
    if out.exists() && !out.is_dir() {
        return Err(WriteError::NotAFolder { path: out.to_path_buf() });
    }
    let targets: Vec<PathBuf> = results.iter().map(|r| out.join(&r.name)).collect();
    for target in &targets {
        if target.exists() && !target.is_dir() {
            return Err(WriteError::NotAFolder { path: target.clone() });
        }
    }
    let occupied: Vec<PathBuf> = targets.iter().filter(|t| non_empty(t)).cloned().collect();
    if !occupied.is_empty() && !force {
        return Err(WriteError::Exists { paths: occupied });
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    remove_stale_stages(parent);
    if out.is_dir() {
        remove_stale_stages(out);
        stage_and_commit(results, out, &targets, &|from, to| std::fs::rename(from, to))?;
        return Ok(targets);
    }
    // A new output folder is staged whole beside where it goes and renamed into place, so
    // that a run killed midway leaves no half-made folder, only a stage a later run removes.
    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    let stage = new_stage(parent)?;
    write_staged(results, stage.path())?;
    let staged = stage.keep();
    std::fs::rename(&staged, out).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        io_error(out)(e)
    })?;
    Ok(targets)
}

/// The prefix of staging folders; the process id follows, so that a later run can tell a
/// stage left by a killed run from one in use.
const STAGE_PREFIX: &str = ".partnermatch-stage-";

/// A staging folder in `dir`, named after this process.
fn new_stage(dir: &Path) -> Result<tempfile::TempDir, WriteError> {
    tempfile::Builder::new()
        .prefix(&format!("{STAGE_PREFIX}{}-", std::process::id()))
        .tempdir_in(dir)
        .map_err(io_error(dir))
}

/// Removes the staging folders in `dir` left by runs that were killed: those whose process
/// no longer runs. Where that cannot be known (not Linux), stages are left alone.
fn remove_stale_stages(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(STAGE_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !process_alive(pid) && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a process runs (Linux: it has a `/proc` entry); `true` where it cannot be known.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") && Path::new("/proc/self").exists() {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    true
}

/// Writes each run's files into its folder under `stage`.
fn write_staged(results: &[RunResult], stage: &Path) -> Result<(), WriteError> {
    for result in results {
        let folder = stage.join(&result.name);
        std::fs::create_dir(&folder).map_err(io_error(&folder))?;
        for file in &result.files {
            let path = folder.join(file.name);
            write_atomic(&path, |w| w.write_all(&file.bytes)).map_err(io_error(&path))?;
        }
    }
    Ok(())
}

/// How a folder is moved; a parameter so that tests can make a move fail midway.
type Rename<'a> = &'a dyn Fn(&Path, &Path) -> io::Result<()>;

fn stage_and_commit(
    results: &[RunResult],
    out: &Path,
    targets: &[PathBuf],
    rename: Rename<'_>,
) -> Result<(), WriteError> {
    let stage = new_stage(out)?;
    write_staged(results, stage.path())?;
    commit(results, stage.path(), targets, rename)?;
    // Removing the staging folder removes any run folders that were replaced, kept there until
    // every run was in place.
    stage.close().map_err(io_error(out))
}

/// Moves each staged run into place, setting aside any folder it replaces. On failure, undoes
/// every move made so far, so that the targets are as they were.
fn commit(
    results: &[RunResult],
    stage: &Path,
    targets: &[PathBuf],
    rename: Rename<'_>,
) -> Result<(), WriteError> {
    let mut moved: Vec<(PathBuf, PathBuf, Option<PathBuf>)> = Vec::with_capacity(results.len());
    for (i, (result, target)) in results.iter().zip(targets).enumerate() {
        let staged = stage.join(&result.name);
        let step = || -> Result<Option<PathBuf>, WriteError> {
            let mut old = None;
            if target.exists() {
                let aside = stage.join(format!(".replaced-{i}"));
                rename(target, &aside).map_err(io_error(target))?;
                old = Some(aside);
            }
            if let Err(err) = rename(&staged, target) {
                if let Some(aside) = &old {
                    let _ = std::fs::rename(aside, target);
                }
                return Err(io_error(target)(err));
            }
            Ok(old)
        };
        match step() {
            Ok(old) => moved.push((staged, target.clone(), old)),
            Err(err) => {
                for (staged, target, old) in moved.into_iter().rev() {
                    let _ = std::fs::rename(&target, &staged);
                    if let Some(old) = old {
                        let _ = std::fs::rename(&old, &target);
                    }
                }
                return Err(err);
            }
        }
    }
    Ok(())
}

/// A run read back from its folder.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// The folder.
    pub folder: PathBuf,
    /// Its rankings.
    pub rankings: Rankings,
}

/// Reads a run folder written by `write_runs` (its `rankings.json`). Problems name the folder
/// or the file, with line and column for broken JSON.
pub fn read_run(folder: &Path) -> Result<RunOutput, Diagnostics> {
    let path = folder.join("rankings.json");
    if !path.is_file() {
        return Err(Diagnostic::new(
            Location::file(folder),
            "not a scenario run folder: it has no rankings.json",
        )
        .help("pass a folder written by `partnermatch scenario run`, or a scenario file")
        .into());
    }
    let source = read_text(&path)?;
    match serde_json::from_str::<Rankings>(source.text()) {
        Ok(rankings) => Ok(RunOutput { folder: folder.to_path_buf(), rankings }),
        Err(err) => {
            let location = Location::at(path.as_path(), err.line(), Some(err.column()));
            Err(Diagnostic::new(location, format!("cannot read the rankings: {err}"))
                .help("the file was changed by hand or by another program; run the scenario again")
                .into())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::scenario::run::{OutputFile, Rankings};

    fn result(name: &str, content: &str) -> RunResult {
        let rankings =
            Rankings { scenario: "s".into(), run: name.into(), top: 1, subjects: Vec::new() };
        let json = serde_json::to_vec(&rankings).unwrap();
        RunResult {
            name: name.into(),
            manifest: crate::scenario::tests::manifest_stub(),
            rankings,
            files: vec![
                OutputFile { name: "rankings.json", bytes: json },
                OutputFile { name: "manifest.json", bytes: content.as_bytes().to_vec() },
            ],
        }
    }

    /// Every file under a folder with its content, sorted.
    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(dir).unwrap().display().to_string();
            let content = if entry.file_type().is_file() {
                std::fs::read_to_string(entry.path()).unwrap()
            } else {
                String::from("<dir>")
            };
            out.push((rel, content));
        }
        out
    }

    #[test]
    fn runs_appear_whole_and_are_refused_or_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("runs");
        let first = [result("a", "1"), result("b", "1")];
        write_runs(&first, &out, false).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a/manifest.json")).unwrap(), "1");
        assert_eq!(read_run(&out.join("b")).unwrap().rankings.run, "b");
        let before = tree(&out);
        let second = [result("a", "2"), result("b", "2")];
        match write_runs(&second, &out, false) {
            Err(WriteError::Exists { paths }) => assert_eq!(paths.len(), 2),
            other => panic!("{other:?}"),
        }
        assert_eq!(tree(&out), before);
        write_runs(&second, &out, true).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("b/manifest.json")).unwrap(), "2");
        // No staging folder or replaced run is left behind.
        let names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn a_failure_midway_restores_everything() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("runs");
        write_runs(&[result("a", "old"), result("b", "old")], &out, false).unwrap();
        let before = tree(&out);
        // The fourth move fails: a's old folder set aside, a's new one in place, b's old one set
        // aside, then b's new one refuses to move.
        let calls = Cell::new(0);
        let flaky = |from: &Path, to: &Path| {
            calls.set(calls.get() + 1);
            if calls.get() == 4 {
                Err(io::Error::other("disk full"))
            } else {
                std::fs::rename(from, to)
            }
        };
        let new = [result("a", "new"), result("b", "new")];
        let targets = vec![out.join("a"), out.join("b")];
        let err = stage_and_commit(&new, &out, &targets, &flaky).unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(tree(&out), before);
    }

    #[test]
    fn a_failed_write_into_a_new_folder_leaves_no_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("fresh");
        // A file where a run folder's parent should be: the output folder cannot be made.
        std::fs::write(dir.path().join("blocker"), "x").unwrap();
        let err = write_runs(&[result("a", "1")], &dir.path().join("blocker/inner"), false);
        assert!(err.is_err());
        assert!(!out.exists());
        assert!(matches!(
            write_runs(&[result("a", "1")], &dir.path().join("blocker"), false),
            Err(WriteError::NotAFolder { .. })
        ));
    }

    #[test]
    fn folders_that_are_not_runs_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_run(dir.path()).unwrap_err().to_string();
        assert!(err.contains("not a scenario run folder"), "{err}");
        std::fs::write(dir.path().join("rankings.json"), "{\n  \"scenario\": 1\n}").unwrap();
        let err = read_run(dir.path()).unwrap_err().to_string();
        assert!(err.contains("rankings.json:2:"), "{err}");
    }
}
