//! Results out: every file the tool writes goes through `write_atomic`, so it appears whole or
//! not at all. Exporters for each output format live beside it.

pub mod csv_safe;
pub mod fast_rows;
pub mod ranking;
pub mod records;
pub mod table;
pub mod xlsx;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

/// Appends a number exactly as `format!("{v}")` writes it (the shortest digits that read back
/// as `v`, never an exponent), about three times as fast for the fractions national outputs
/// are made of. `ryu` (already in the tree through serde_json) writes those digits for a
/// fraction of magnitude 10⁻⁴ to 10¹⁵ with more than 24 fractional bits, and the standard
/// formatter writes the rest:
///
/// - both give the shortest digits that read back as `v`, the nearest to `v` when several
///   do, and differ only on a tie (the standard formatter rounds half up, `ryu` to even). A
///   tie needs `v` exactly midway between two such, so `v`'s exact decimal expansion is at
///   most one digit longer than the shortest (at most 18 significant digits). `v` = m·2⁻ᵏ
///   with m odd has exactly k fractional digits, which from 10⁻⁴ up is at most 4 + 18 = 22:
///   `v`·2²⁴ is then a whole number, so those go to the standard formatter;
/// - `ryu` writes whole numbers with ".0" and small or large magnitudes with an exponent.
pub fn push_number(out: &mut String, v: f64) {
    const TWO_24: f64 = 16_777_216.0;
    if (1e-4..1e15).contains(&v.abs()) && (v * TWO_24).fract() != 0.0 {
        out.push_str(ryu::Buffer::new().format_finite(v));
    } else {
        use std::fmt::Write as _;
        let _ = write!(out, "{v}");
    }
}

/// What an output path names, as `write_atomic` treats it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputKind {
    /// `-`: standard output (the caller writes it).
    Stdout,
    /// Nothing yet: a new regular file is created.
    New,
    /// A regular file (through a symbolic link when `through_link`), replaced whole.
    File {
        /// The path was a symbolic link; the file it points to is replaced and the link kept.
        through_link: bool,
    },
    /// A character device or a FIFO (such as `/dev/null` or a named pipe), written straight
    /// into: never replaced, and not atomic.
    Stream,
}

/// Why an output path cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A directory, a block device, a socket or another special file.
    #[error("{} is {what}, not a file; give the path of a file to write", .path.display())]
    NotAFile {
        /// The path given.
        path: PathBuf,
        /// What it is ("a directory", "a block device", ...).
        what: &'static str,
    },
    /// A symbolic link whose target does not exist.
    #[error("{} is a symbolic link to {}, which does not exist; remove the link or give another path", .path.display(), .target.display())]
    DanglingLink {
        /// The path given.
        path: PathBuf,
        /// Where the link points.
        target: PathBuf,
    },
    /// The path's metadata cannot be read.
    #[error("cannot inspect {}: {source}", .path.display())]
    Io {
        /// The path given.
        path: PathBuf,
        /// The failure.
        source: io::Error,
    },
}

/// What `path` names as an output: standard output (`-`), a new file, an existing regular file
/// (possibly through symbolic links), or a character device or FIFO written straight into.
/// Anything else (a directory, a block device, a socket, a dangling link) is an error.
pub fn output_kind(path: &Path) -> Result<OutputKind, OutputError> {
    if path.as_os_str() == "-" {
        return Ok(OutputKind::Stdout);
    }
    let io_error = |source| OutputError::Io { path: path.to_path_buf(), source };
    let through_link = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta.file_type().is_symlink(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(OutputKind::New),
        Err(e) => return Err(io_error(e)),
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let target = std::fs::read_link(path).unwrap_or_default();
            return Err(OutputError::DanglingLink { path: path.to_path_buf(), target });
        }
        Err(e) => return Err(io_error(e)),
    };
    let file_type = meta.file_type();
    if file_type.is_file() {
        return Ok(OutputKind::File { through_link });
    }
    let not_a_file = |what| Err(OutputError::NotAFile { path: path.to_path_buf(), what });
    if file_type.is_dir() {
        return not_a_file("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_char_device() || file_type.is_fifo() {
            return Ok(OutputKind::Stream);
        }
        if file_type.is_block_device() {
            return not_a_file("a block device");
        }
        if file_type.is_socket() {
            return not_a_file("a socket");
        }
    }
    not_a_file("a special file")
}

/// Writes a file atomically: it appears whole, or not at all, even if the process is killed.
///
/// On Linux the bytes go to an unnamed temporary file in the target's folder (`O_TMPFILE`),
/// which the kernel frees by itself if the process dies; once written and flushed to disk it is
/// given a name (`.partnermatch-*.tmp`) and renamed over the target in the same instant. A kill
/// at any moment leaves the previous target (or none) and no partial file. Elsewhere, or on a
/// file system without unnamed files, a named temporary file is used and removed on failure.
///
/// Only regular files are ever replaced. A symbolic link is followed: the file it points to is
/// replaced (in that file's folder) and the link is kept. A character device or a FIFO (such
/// as `/dev/null` or a named pipe) is opened and written straight into, never renamed over.
/// Anything else (a directory, a block device, a socket, a dangling link) is refused before a
/// byte is written. `-` is not special here: callers send it to standard output
/// (`output_kind`).
///
/// The file gets the permissions a plain create would give: the target's own when it exists,
/// else read-write for all less the umask (not the owner-only mode of a temporary file).
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let kind = match output_kind(path) {
        Ok(OutputKind::Stdout) => OutputKind::New,
        Ok(kind) => kind,
        Err(e) => return Err(io::Error::other(e.to_string())),
    };
    let resolved;
    let path = match kind {
        OutputKind::Stream => return write_stream(path, write),
        OutputKind::File { through_link: true } => {
            resolved = std::fs::canonicalize(path)?;
            resolved.as_path()
        }
        _ => path,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    #[cfg(target_os = "linux")]
    if let Some(file) = unnamed::create(dir)? {
        if let Ok(meta) = std::fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        return unnamed::write_and_publish(file, dir, path, write);
    }
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
    let file = builder.tempfile_in(dir)?;
    write_synced(file.as_file(), write)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes into a character device or a FIFO: opened for writing only (never created,
/// truncated or renamed over), buffered.
fn write_stream(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let file = std::fs::OpenOptions::new().write(true).open(path)?;
    let mut buffered = io::BufWriter::with_capacity(BUFFER, file);
    write(&mut buffered)?;
    buffered.flush()
}

/// The write buffer: large writes, few system calls (a national `rank-all` writes 70 MB).
const BUFFER: usize = 1 << 20;

/// Bytes written between two early syncs of a large output (small in tests, so that they
/// happen there).
const SYNC_EVERY: u64 = if cfg!(test) { 64 << 10 } else { 16 << 20 };

/// Writes `write`'s bytes to `file`, buffered, and syncs them to disk before returning.
///
/// A large output is synced as it goes: every `SYNC_EVERY` bytes a helper thread (started at
/// the first) asks the disk for what has been written so far, while the writer goes on. The
/// final sync then waits only for the last part, rather than for the whole file after the
/// last byte (70 MB of `rank-all` output took 0.3 s to 0.5 s to sync on the benchmark
/// machine). An early sync's failure is returned even if the final sync succeeds, since a
/// failed sync may leave the file's pages marked clean. Returns how many early syncs were
/// asked for.
fn write_synced(
    file: &std::fs::File,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<usize> {
    use std::sync::{Mutex, mpsc};

    /// The file, counting bytes and asking the helper for a sync every `SYNC_EVERY`.
    struct Syncing<'f, 's, 'e> {
        file: &'f std::fs::File,
        since: u64,
        asked: usize,
        scope: &'s std::thread::Scope<'s, 'e>,
        ask: Option<mpsc::SyncSender<()>>,
        failed: &'e Mutex<Option<io::Error>>,
    }

    impl<'f: 'e, 's, 'e> Write for Syncing<'f, 's, 'e> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = (&*self.file).write(buf)?;
            self.since += n as u64;
            if self.since >= SYNC_EVERY {
                self.since = 0;
                let ask = self.ask.get_or_insert_with(|| {
                    // One sync asked for at a time: asks while one runs are dropped, and the
                    // next ask (or the final sync) covers their bytes.
                    let (ask, asked) = mpsc::sync_channel::<()>(1);
                    let (file, failed) = (self.file, self.failed);
                    self.scope.spawn(move || {
                        while asked.recv().is_ok() {
                            if let Err(e) = file.sync_data() {
                                failed.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
                            }
                        }
                    });
                    ask
                });
                if ask.try_send(()).is_ok() {
                    self.asked += 1;
                }
            }
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            (&*self.file).flush()
        }
    }

    let failed = Mutex::new(None);
    let asked = std::thread::scope(|scope| -> io::Result<usize> {
        let mut syncing = Syncing { file, since: 0, asked: 0, scope, ask: None, failed: &failed };
        let mut buffered = io::BufWriter::with_capacity(BUFFER, &mut syncing);
        write(&mut buffered)?;
        buffered.flush()?;
        drop(buffered);
        // Ends the helper's loop (as dropping `syncing` does on an early return); the scope
        // waits for it before returning.
        syncing.ask = None;
        Ok(syncing.asked)
    })?;
    file.sync_all()?;
    match failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(e) => Err(e),
        None => Ok(asked),
    }
}

/// Unnamed temporary files: Linux's `O_TMPFILE`, linked into place through `/proc/self/fd`.
#[cfg(target_os = "linux")]
mod unnamed {
    use std::fs::File;
    use std::io::{self, Write};
    use std::os::fd::AsRawFd;
    use std::path::Path;

    use rustix::fs::{AtFlags, CWD, Mode, OFlags};
    use rustix::io::Errno;

    /// An unnamed file in `dir`, or `None` where the file system cannot make one.
    pub fn create(dir: &Path) -> io::Result<Option<File>> {
        let flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
        match rustix::fs::openat(CWD, dir, flags, Mode::from_raw_mode(0o666)) {
            Ok(fd) => Ok(Some(File::from(fd))),
            Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::NOENT | Errno::INVAL) if dir.is_dir() => {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Writes, syncs, names the file `.partnermatch-*.tmp` beside the target and renames it over
    /// the target. Only between the naming and the rename, a few microseconds, does a named
    /// temporary file exist.
    pub fn write_and_publish(
        file: File,
        dir: &Path,
        path: &Path,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        super::write_synced(&file, write)?;
        let proc_path = format!("/proc/self/fd/{}", file.as_raw_fd());
        for attempt in 0u32..100 {
            let name = dir.join(format!(".partnermatch-{}-{attempt}.tmp", std::process::id()));
            match rustix::fs::linkat(CWD, proc_path.as_str(), CWD, &name, AtFlags::SYMLINK_FOLLOW) {
                Ok(()) => {
                    std::fs::rename(&name, path).inspect_err(|_| {
                        let _ = std::fs::remove_file(&name);
                    })?;
                    // Make the new name durable too.
                    if let Ok(d) = File::open(dir) {
                        let _ = d.sync_all();
                    }
                    return Ok(());
                }
                Err(Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temporary name beside the output",
        ))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// `push_number` writes what `Display` does, across magnitudes and at the edges of
        /// the range it hands to `ryu`.
        #[test]
        fn push_number_writes_what_display_writes(
            mantissa in -1.0f64..1.0,
            exponent in -12i32..20,
            bits in any::<u64>(),
        ) {
            // Ties between two shortest candidates (the formatters round them differently),
            // edges of the range, and values `ryu` would write with an exponent or ".0".
            let special = [1.0 - 2f64.powi(-17), 693_554_799_166_992.0 + 0.25, 0.0, -0.0, 1.0,
                1e-4, 1e15, 0.1 + 0.2, 1e-4 - 1e-20, 1e15 - 0.5, f64::MIN_POSITIVE, f64::MAX,
                f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
            let scaled = mantissa * 10f64.powi(exponent);
            for v in special.into_iter().chain([scaled, f64::from_bits(bits)]) {
                let mut out = String::from("x");
                push_number(&mut out, v);
                prop_assert_eq!(out, format!("x{v}"));
            }
        }
    }

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

    /// A large output is synced while it is written and arrives whole; a small one is not;
    /// a failure after early syncs still leaves nothing behind (and does not hang).
    #[test]
    fn large_outputs_are_synced_as_they_go() {
        let line = |i: usize| format!("{i:08}\n");
        let text: String = (0..40_000).map(line).collect();
        let file = tempfile::tempfile().unwrap();
        let asked =
            write_synced(&file, |w| (0..40_000).try_for_each(|i| w.write_all(line(i).as_bytes())))
                .unwrap();
        assert!(asked > 0, "360 kB, past the tests' 64 kB step, asks for an early sync");
        let mut back = String::new();
        io::Seek::rewind(&mut &file).unwrap();
        io::Read::read_to_string(&mut &file, &mut back).unwrap();
        assert_eq!(back, text);
        let small = tempfile::tempfile().unwrap();
        assert_eq!(write_synced(&small, |w| w.write_all(b"x")).unwrap(), 0);

        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("big.csv");
        write_atomic(&target, |w| w.write_all(text.as_bytes())).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), text);
        let err = write_atomic(&target, |w| {
            w.write_all(text.as_bytes())?;
            w.write_all(text.as_bytes())?;
            Err(io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), text, "the old file is kept");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    }

    /// Issue 20, item 2: only regular files are replaced; links are followed and kept;
    /// devices and FIFOs are written into; other things are refused.
    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_ever_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(output_kind(Path::new("-")).unwrap(), OutputKind::Stdout);
        assert_eq!(output_kind(&dir.path().join("new.csv")).unwrap(), OutputKind::New);
        assert!(matches!(
            output_kind(dir.path()),
            Err(OutputError::NotAFile { what: "a directory", .. })
        ));
        assert_eq!(output_kind(Path::new("/dev/null")).unwrap(), OutputKind::Stream);
        write_atomic(Path::new("/dev/null"), |w| w.write_all(b"into the void")).unwrap();
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());

        let real = dir.path().join("real.txt");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(output_kind(&link).unwrap(), OutputKind::File { through_link: true });
        write_atomic(&link, |w| w.write_all(b"new")).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");

        let dangling = dir.path().join("dangling.txt");
        std::os::unix::fs::symlink(dir.path().join("missing"), &dangling).unwrap();
        assert!(matches!(output_kind(&dangling), Err(OutputError::DanglingLink { .. })));
        assert!(write_atomic(&dangling, |w| w.write_all(b"x")).is_err());
        assert!(std::fs::symlink_metadata(&dangling).unwrap().file_type().is_symlink());
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
