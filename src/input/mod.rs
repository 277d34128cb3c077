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
        return Err(Diagnostic::new(
            Location::file(path),
            format!("file is larger than the limit of {} MiB", MAX_FILE_BYTES >> 20),
        )
        .help("split the data into several files in one directory"));
    }
    Ok(bytes)
}

/// Checks that bytes are non-empty UTF-8 text (a leading byte-order mark is dropped).
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<SourceText, Diagnostic> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(Diagnostic::new(Location::at(path, 1, Some(1)), "file is UTF-16, not UTF-8")
            .help("save the file as UTF-8 (for a spreadsheet: \"CSV UTF-8\"; in an editor: encoding UTF-8)"));
    }
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
