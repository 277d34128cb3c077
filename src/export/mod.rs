//! Results out: every file the tool writes goes through `write_atomic`, so it appears whole or
//! not at all. Exporters for each output format live beside it.

pub mod ranking;
pub mod records;

use std::io::{self, Write};
use std::path::Path;

/// A whole number with thousands separators: 64187 → "64,187".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Writes a file atomically: the bytes go to a temporary file in the same folder, which is
/// flushed to disk and then renamed over the target. A crash or kill mid-write leaves the
/// target untouched (and no temporary file once the process has gone: it is removed on drop,
/// and named `.partnermatch-*.tmp` so that a leftover is recognisable). The file gets the
/// permissions a plain create would give: the target's own when it exists, else read-write for
/// all less the umask (not the owner-only mode of a temporary file).
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".partnermatch-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Creation applies the umask to this mode, as `File::create` does.
        let permissions = std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o666));
        builder.permissions(permissions);
    }
    let mut file = builder.tempfile_in(dir)?;
    {
        let mut buffered = io::BufWriter::new(file.as_file_mut());
        write(&mut buffered)?;
        buffered.flush()?;
    }
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        std::fs::write(&target, "old").unwrap();
        let err = write_atomic(&target, |w: &mut dyn Write| {
            w.write_all(b"half")?;
            Err(io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
        write_atomic(&target, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    /// Reports written for colleagues were readable by their owner only (a temporary file's
    /// mode, kept by the rename).
    #[cfg(unix)]
    #[test]
    fn written_files_are_not_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.html");
        write_atomic(&fresh, |w| w.write_all(b"x")).unwrap();
        let plain = dir.path().join("plain.html");
        std::fs::write(&plain, "y").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&fresh), mode(&plain), "the same as a plain create");
        std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&plain, |w| w.write_all(b"z")).unwrap();
        assert_eq!(mode(&plain), 0o640, "an existing file keeps its mode");
    }
}
