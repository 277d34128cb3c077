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

/// A `partnermatch serve --port 0` running in the background, stopped when dropped.
pub struct Server {
    child: std::process::Child,
    /// The URL it printed, `http://127.0.0.1:PORT/`.
    pub url: String,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Server {
    /// Starts the binary with `serve --port 0` and the given extra arguments, and reads the URL
    /// from the first line it prints.
    pub fn start(args: &[&str]) -> Self {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_partnermatch"))
            .args(args)
            .args(["serve", "--port", "0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start partnermatch serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line).expect("read the URL");
        let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) else {
            let _ = child.kill();
            let output = child.wait_with_output().ok();
            let stderr = output.map(|o| String::from_utf8_lossy(&o.stderr).into_owned());
            panic!("serve printed no URL: {line:?}; stderr: {stderr:?}")
        };
        let url = url.to_owned();
        let addr = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
        Self { child, url, addr }
    }

    /// A GET request to a path on this server.
    pub fn get(&self, path: &str) -> HttpReply {
        http_get(&self.addr, path, &self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response: status, headers (names lower-cased) and body.
#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A minimal HTTP/1.1 GET over a loopback socket (`Connection: close`), with a `Host` header
/// of our choosing: enough to test the server without an HTTP client crate.
pub fn http_get(addr: &str, path: &str, host: &str) -> HttpReply {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked")) {
        body = dechunk(&body);
    }
    HttpReply { status, headers, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n").expect("chunk size");
        let size_text = String::from_utf8_lossy(&data[..end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}
