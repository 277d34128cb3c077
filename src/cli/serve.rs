//! `partnermatch serve [--port P]`: the local web page. Builds the engine once, binds a
//! loopback address, prints the URL and serves until Ctrl-C. The server is the library's
//! (`partnermatch::serve`); this file only parses options and runs it.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use partnermatch::serve::{AppState, ServeError, Server};

use super::output;
use super::rank::engine;
use super::weight_args::WeightArgs;
use super::{GlobalArgs, UsageError};

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The page is served on this computer only (127.0.0.1). Open the URL printed at start-up; stop
the server with Ctrl-C. The API and what the page shows: docs/report.md.

Examples:
  partnermatch serve
  partnermatch serve --port 0          # any free port
  partnermatch --data profiles/ serve --port 8080")]
pub struct Args {
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 7878, value_name = "P")]
    port: u16,

    /// The loopback address to listen on: 127.0.0.1 (or another 127.x.x.x) or ::1. Other
    /// addresses are refused: the page is for this computer only.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST), value_name = "ADDR")]
    host: IpAddr,

    // Last: its help heading applies to the options after it.
    #[command(flatten)]
    weighting: WeightArgs,
}

/// Runs `serve`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    if !args.host.is_loopback() {
        return Err(UsageError(ServeError::NotLoopback(args.host).to_string()).into());
    }
    let engine = engine(global, &args.weighting)?;
    let n_bodies = engine.dataset.len();
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        let server = Server::bind(SocketAddr::new(args.host, args.port), AppState::new(engine))
            .await
            .map_err(|e| match e {
                ServeError::NotLoopback(_) => anyhow::Error::from(UsageError(e.to_string())),
                other => other.into(),
            })?;
        {
            // The URL goes to standard output (first line), so scripts and tests can read it.
            let mut out = output::stdout();
            writeln!(out, "partnermatch: serving {n_bodies} bodies at {}", server.url())?;
            writeln!(out, "press Ctrl-C to stop")?;
            out.flush()?;
        }
        server
            .run(async {
                // If the signal cannot be watched, serve until the process is ended.
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            })
            .await?;
        eprintln!("partnermatch: stopped");
        Ok(())
    })
}
