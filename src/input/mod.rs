//! Reading user files into text, and the spanned TOML reader every TOML format is parsed with.
//! Owns the checks every input file gets (readable, within the size limit, UTF-8, not empty) and
//! turns each failure into a located `Diagnostic`. Knows nothing of profiles or scenarios.

pub mod toml;

use std::io::Read;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Location, SourceText};

/// The largest input file accepted, in bytes (256 MiB). Larger files are refused with a clear
/// error rather than read into memory; split a bigger dataset into several files.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a file as UTF-8 text, refusing unreadable, over-large, non-UTF-8 and empty files with
/// an error that names the file (and for bad encodings, the line and column of the first bad
/// byte).
pub fn read_text(path: &Path) -> Result<SourceText, Diagnostic> {
    let bytes = read_bytes(path)?;
    text_from_bytes(path, bytes)
}

/// Reads a file's bytes within the size limit.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let file = std::fs::File::open(path).map_err(|err| {
        Diagnostic::new(Location::file(path), format!("cannot read file: {err}"))
            .help("check that the path exists and that you may read it")
    })?;
    let too_large = || {
        Diagnostic::new(
            Location::file(path),
            format!("file is larger than the limit of {} MiB", MAX_FILE_BYTES >> 20),
        )
        .help("split the data into several files in one directory")
    };
    // Refused by its size before a byte is read; the limit on reading below also catches a
    // file that grows, or one whose size is not known (a pipe).
    if file.metadata().is_ok_and(|m| m.is_file() && m.len() > MAX_FILE_BYTES) {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    let read = file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|err| {
        let help = if err.kind() == std::io::ErrorKind::IsADirectory {
            "pass a file here, not a directory"
        } else {
            "check that the file is readable"
        };
        Diagnostic::new(Location::file(path), format!("cannot read file: {err}")).help(help)
    })?;
    if read as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Memory this process may use, in bytes, where it can be known (Linux: the smaller of the
/// system's available memory and the cgroup's memory limit, v2 or v1); `None` elsewhere.
pub fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let system = meminfo.lines().find_map(|l| {
        let kib = l.strip_prefix("MemAvailable:")?.trim().strip_suffix("kB")?.trim();
        kib.parse::<u64>().ok().map(|k| k * 1024)
    })?;
    let read = |name: &str| -> Option<u64> {
        std::fs::read_to_string(Path::new("/sys/fs/cgroup").join(name)).ok()?.trim().parse().ok()
    };
    // The cgroup's limit (v2, then v1, where "no limit" is a huge number): its usage is not
    // subtracted, since that counts the page cache, which the kernel reclaims when needed.
    let cgroup = read("memory.max").or_else(|| read("memory/memory.limit_in_bytes"));
    Some(cgroup.map_or(system, |c| c.min(system)))
}

/// Refuses text in UTF-16 (with a byte-order mark, or ASCII interleaved with NULs), naming it.
pub fn check_not_utf16(path: &Path, head: &[u8]) -> Result<(), Diagnostic> {
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) || looks_utf16(head) {
        return Err(Diagnostic::new(Location::at(path, 1, Some(1)), "file is UTF-16, not UTF-8")
            .help("save the file as UTF-8 (for a spreadsheet: \"CSV UTF-8\"; in an editor: encoding UTF-8)"));
    }
    Ok(())
}

/// UTF-16 without a byte-order mark: text whose first bytes alternate NULs with ASCII.
fn looks_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64) & !1];
    head.len() >= 4
        && (head.chunks(2).all(|p| p[0] == 0 && p[1] != 0)
            || head.chunks(2).all(|p| p[1] == 0 && p[0] != 0))
}

/// Checks that bytes are non-empty UTF-8 text (a leading byte-order mark is dropped).
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<SourceText, Diagnostic> {
    check_not_utf16(path, &bytes)?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let bytes = err.as_bytes();
            let bad = err.utf8_error().valid_up_to();
            let before = String::from_utf8_lossy(&bytes[..bad]).into_owned();
            let source = SourceText::new(path, before);
            let location = source.location(bad);
            return Err(Diagnostic::new(
                location,
                format!("file is not valid UTF-8 (byte 0x{:02x})", bytes[bad]),
            )
            .help("save the file as UTF-8 (for a spreadsheet: \"CSV UTF-8\")"));
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    if text.trim().is_empty() {
        return Err(Diagnostic::new(Location::file(path), "file is empty")
            .help("add at least one organisation, or remove the file"));
    }
    Ok(SourceText::new(path, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_bytes_are_located() {
        let err =
            text_from_bytes(Path::new("x.toml"), b"id = 1\nname = \"\xff\"".to_vec()).unwrap_err();
        assert_eq!(err.location.line, Some(2));
        assert_eq!(err.location.column, Some(9));
        assert!(err.message.contains("UTF-8"));
    }

    #[test]
    fn utf16_is_named() {
        let err =
            text_from_bytes(Path::new("x.csv"), vec![0xff, 0xfe, b'i', 0, b'd', 0]).unwrap_err();
        assert_eq!(err.message, "file is UTF-16, not UTF-8");
    }

    #[test]
    fn empty_files_are_refused_and_boms_dropped() {
        assert!(text_from_bytes(Path::new("x"), b" \n\t".to_vec()).is_err());
        let text = text_from_bytes(Path::new("x"), "\u{feff}id = 1".as_bytes().to_vec()).unwrap();
        assert_eq!(text.text(), "id = 1");
    }

    #[test]
    fn missing_files_name_the_path() {
        let err = read_text(Path::new("/no/such/file.toml")).unwrap_err();
        assert!(err.to_string().starts_with("/no/such/file.toml: cannot read file"));
    }
}
