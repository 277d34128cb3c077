//! The `partnermatch` binary: parses the command line (the only place that knows clap), runs the
//! command through the library, prints any error once and exits with a documented code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        // A panic is a bug in partnermatch, never the user's fault: say so plainly, without a
        // backtrace, and ask for a report.
        eprintln!("partnermatch: internal error: {info}");
        eprintln!("  this is a bug; please report it with the command you ran");
    }));
    cli::main()
}
