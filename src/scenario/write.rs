//! Run folders on disk: writing every run's files so that a run folder appears whole or not at
//! all, and reading a run folder back for `compare`.
//!
//! Writing is staged: each file is written with `export::write_atomic` into a temporary folder
//! (`.partnermatch-stage-*`) inside the output folder, so on the same file system; once every
//! file of every run is there, each run folder is renamed into place. If any step fails, the
//! runs already moved are moved back, replaced folders are restored, the staging folder is
//! removed, and an output folder this call created is removed too: a failed call leaves the
//! output folder as it found it. A run folder that exists and is not empty is refused unless
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
        "{} already exist{} and {} not empty: {}; pass --force to replace {}, or choose another --out",
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
    let created_out = !out.exists();
    std::fs::create_dir_all(out).map_err(io_error(out))?;
    let outcome = stage_and_commit(results, out, &targets);
    if outcome.is_err() && created_out {
        // Only what this call created: the staging folder is already gone.
        let _ = std::fs::remove_dir(out);
    }
    outcome.map(|()| targets)
}

fn stage_and_commit(
    results: &[RunResult],
    out: &Path,
    targets: &[PathBuf],
) -> Result<(), WriteError> {
    let stage = tempfile::Builder::new()
        .prefix(".partnermatch-stage-")
        .tempdir_in(out)
        .map_err(io_error(out))?;
    for result in results {
        let folder = stage.path().join(&result.name);
        std::fs::create_dir(&folder).map_err(io_error(&folder))?;
        for file in &result.files {
            let path = folder.join(file.name);
            write_atomic(&path, |w| w.write_all(&file.bytes)).map_err(io_error(&path))?;
        }
    }
    // Commit: move each staged run into place, keeping any folder it replaces until the end.
    let mut moved: Vec<(PathBuf, PathBuf, Option<PathBuf>)> = Vec::with_capacity(results.len());
    for (i, (result, target)) in results.iter().zip(targets).enumerate() {
        let staged = stage.path().join(&result.name);
        let step = || -> Result<Option<PathBuf>, WriteError> {
            let mut old = None;
            if target.exists() {
                let aside = stage.path().join(format!(".replaced-{i}"));
                std::fs::rename(target, &aside).map_err(io_error(target))?;
                old = Some(aside);
            }
            if let Err(err) = std::fs::rename(&staged, target) {
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
    // Dropping the staging folder removes it, with any replaced run folders in it.
    stage.close().map_err(io_error(out))
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
