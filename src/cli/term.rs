//! Lines for the terminal: `error:` / `warning:` prefixes (coloured on a terminal),
//! usage errors, and the wall-clock stamp of watch lines.

use std::io::IsTerminal;
use std::process::ExitCode;

/// Whether stderr is a terminal (diagnostics are coloured then).
pub(super) fn styled_stderr() -> bool {
    std::io::stderr().is_terminal()
}

/// `error`, in bold red when `styled`.
pub(super) fn error_label(styled: bool) -> &'static str {
    if styled {
        "\x1b[1;31merror\x1b[0m"
    } else {
        "error"
    }
}

/// Print a warning line (`warning: ...`) to stderr.
pub(super) fn warn(msg: impl std::fmt::Display) {
    let prefix = if styled_stderr() {
        "\x1b[1;33mwarning\x1b[0m"
    } else {
        "warning"
    };
    eprintln!("{prefix}: {msg}");
}

/// Print an error line (`error: ...`) to stderr; exit code 1.
pub(super) fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("{}: {msg}", error_label(styled_stderr()));
    ExitCode::from(1)
}

/// No spec was given: a usage error (exit code 2).
pub(super) fn no_spec(command: &str) -> ExitCode {
    eprintln!("error: no spec given\n\nUsage: wtc {command} [--spec] <SPEC>... | --all <DIR>");
    ExitCode::from(2)
}

/// The local wall-clock time as `HH:MM:SS`.
pub(super) fn clock() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}

/// A duration in whole milliseconds (`12 ms`).
pub(super) fn millis(d: std::time::Duration) -> String {
    format!("{} ms", d.as_millis())
}
