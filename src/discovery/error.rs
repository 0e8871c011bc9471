//! Discovery errors (`discovery.md` §5), rendered as multi-line messages at the CLI.

use crate::registry::RegistryError;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Which part of environment creation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvPhase {
    Solve,
    Install,
}

impl std::fmt::Display for EnvPhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EnvPhase::Solve => "solve",
            EnvPhase::Install => "install",
        })
    }
}

/// Why a registry document given on the command line (`--registry FILE [--solved FILE]`)
/// cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RegistryFilesError {
    #[error("cannot read registry `{}`: {}", .path.display(), .source.detail())]
    ReadRegistry {
        path: PathBuf,
        source: crate::files::ReadError,
    },
    #[error("{}: {source}", .path.display())]
    InvalidRegistry {
        path: PathBuf,
        source: RegistryError,
    },
    #[error("cannot read solved records `{}`: {}", .path.display(), .source.detail())]
    ReadSolved {
        path: PathBuf,
        source: crate::files::ReadError,
    },
    #[error(
        "{}: not a JSON list of {{name, version, channel}} records: {source}",
        .path.display()
    )]
    InvalidSolved {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// Everything that can go wrong while obtaining a registry.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    /// The conda solve or install failed.
    #[error("{}", environment_creation(*.phase, .prefix, .specs, .channels, .cause))]
    EnvironmentCreation {
        phase: EnvPhase,
        prefix: PathBuf,
        specs: Vec<String>,
        channels: Vec<String>,
        cause: String,
    },
    /// The bulk `uv pip install` failed (shared by every requirement of the batch).
    #[error("{}", pypi_install(.names, *.code, .args, .stdout, .stderr))]
    PypiInstall {
        names: Vec<String>,
        code: Option<i32>,
        args: Vec<String>,
        stdout: String,
        stderr: String,
    },
    /// The environment has no `wt-registry` executable.
    #[error("{}", registry_not_found(.path, .specs))]
    RegistryNotFound { path: PathBuf, specs: Vec<String> },
    /// `wt-registry --format json` exited unsuccessfully (or could not be started).
    #[error("{}", registry_execution(*.code, .command, .stdout, .stderr))]
    RegistryExecution {
        code: Option<i32>,
        command: String,
        stdout: String,
        stderr: String,
    },
    /// `wt-registry` printed something that is not a registry document.
    #[error("{}", invalid_registry(.command, .error, .stdout))]
    InvalidRegistry {
        command: String,
        error: RegistryError,
        stdout: String,
    },
    /// `--python-env` does not point at an environment.
    #[error("--python-env {}: {reason}", .prefix.display())]
    PythonEnv { prefix: PathBuf, reason: String },
    /// `--locked` and there is no lock file.
    #[error(
        "--locked: no lock file at {}\n  help: run `wtc lock --spec <SPEC>` to create it",
        .path.display()
    )]
    LockMissing { path: PathBuf },
    /// `--locked` and the lock file was written for other inputs.
    #[error(
        "--locked: the lock file {} is stale (the discovery inputs changed since it was written)\n{changes}  help: run `wtc lock --spec <SPEC>` to update it",
        .path.display()
    )]
    LockStale { path: PathBuf, changes: String },
    /// `--no-discover` and neither the lock file nor a cache has the key.
    #[error("{}", not_cached(.key, .label, .lock.as_deref(), .local.as_deref(), .shared.as_deref()))]
    NotCached {
        key: String,
        /// What was being discovered (the spec path).
        label: String,
        lock: Option<PathBuf>,
        local: Option<PathBuf>,
        shared: Option<String>,
    },
    /// The lock file cannot be used.
    #[error("cannot use lock file {}: {reason}", .path.display())]
    LockInvalid {
        path: PathBuf,
        reason: super::lock::LockError,
    },
    /// A file-system operation of discovery failed.
    #[error("{what} {}: {source}", .path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl DiscoveryError {
    /// A problem with the spec's lock file (under `--locked`), or no stored result under
    /// `--no-discover`: not with discovery itself (another spec's lock file may answer).
    pub fn is_lock_problem(&self) -> bool {
        matches!(
            self,
            Self::LockMissing { .. }
                | Self::LockStale { .. }
                | Self::LockInvalid { .. }
                | Self::NotCached { .. }
        )
    }
}

fn bullet_list(out: &mut String, items: &[String]) {
    if items.is_empty() {
        out.push_str("    (none)\n");
    }
    for item in items {
        let _ = writeln!(out, "    - {item}");
    }
}

fn text_block(out: &mut String, title: &str, text: &str) {
    let text = text.trim_end();
    if text.is_empty() {
        let _ = writeln!(out, "  {title}: (empty)");
    } else {
        let _ = writeln!(out, "  {title}:");
        for line in text.lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
}

fn exit_code(code: Option<i32>) -> String {
    code.map_or_else(|| "none (killed by a signal)".into(), |c| c.to_string())
}

fn environment_creation(
    phase: EnvPhase,
    prefix: &std::path::Path,
    specs: &[String],
    channels: &[String],
    cause: &str,
) -> String {
    let mut s = format!("environment creation failed during the {phase} phase\n");
    let _ = writeln!(s, "  environment: {}", prefix.display());
    s.push_str("  requirements:\n");
    bullet_list(&mut s, specs);
    s.push_str("  channels:\n");
    bullet_list(&mut s, channels);
    text_block(&mut s, "cause", cause);
    let help = match phase {
        EnvPhase::Solve => {
            "a package may be missing from the channels above, version constraints may conflict, or a channel may be unreachable (check the network and the channel URLs)"
        }
        EnvPhase::Install => {
            let lower = cause.to_lowercase();
            if lower.contains("too many open files") {
                "raise the open-file limit (`ulimit -n 4096`) and retry"
            } else if lower.contains("directory not empty") {
                "another process may be installing into the same package cache; retry, or clear the cache (`--cache-dir`)"
            } else {
                "check free disk space and that the package cache (`--cache-dir`) is writable"
            }
        }
    };
    let _ = write!(s, "  help: {help}");
    s
}

fn not_cached(
    key: &str,
    label: &str,
    lock: Option<&std::path::Path>,
    local: Option<&std::path::Path>,
    shared: Option<&str>,
) -> String {
    let mut s = format!("--no-discover: no stored discovery result for key {key}\n");
    s.push_str("  looked at:\n");
    let _ = match lock {
        Some(p) => writeln!(s, "    - lock file {} (none with this key)", p.display()),
        None => writeln!(s, "    - lock file: not consulted"),
    };
    let _ = match local {
        Some(p) => writeln!(s, "    - local cache {}", p.display()),
        None => writeln!(s, "    - local cache: none (no cache directory)"),
    };
    let _ = match shared {
        Some(url) => writeln!(s, "    - shared cache {url}"),
        None => writeln!(s, "    - shared cache: none (--cache-url / WTC_CACHE_URL)"),
    };
    let _ = write!(
        s,
        "  help: run `wtc lock {label}` (or `wtc compile {label}` without --no-discover) to produce it"
    );
    s
}

fn pypi_install(
    names: &[String],
    code: Option<i32>,
    args: &[String],
    stdout: &str,
    stderr: &str,
) -> String {
    let mut s = format!(
        "pip install failed for PyPI requirements [{}] (exit code {})\n",
        names.join(", "),
        exit_code(code)
    );
    s.push_str("  install arguments:\n");
    bullet_list(&mut s, args);
    text_block(&mut s, "stdout", stdout);
    text_block(&mut s, "stderr", stderr);
    s.trim_end().to_string()
}

fn registry_not_found(path: &std::path::Path, specs: &[String]) -> String {
    let mut s = format!("wt-registry executable not found at '{}'\n", path.display());
    s.push_str("  installed requirements:\n");
    bullet_list(&mut s, specs);
    s.push_str(
        "  help: task packages must depend on `wt-registry`; or add `wt-registry` to the spec's requirements",
    );
    s
}

fn registry_execution(code: Option<i32>, command: &str, stdout: &str, stderr: &str) -> String {
    let mut s = format!(
        "wt-registry CLI failed with exit code {}\n",
        exit_code(code)
    );
    let _ = writeln!(s, "  command: {command}");
    text_block(&mut s, "stdout", stdout);
    text_block(&mut s, "stderr", stderr);
    s.push_str(
        "  help: likely causes: a wt-registry version incompatible with the task packages, a task package missing a dependency, or a bug in a task module (e.g. a parameter without a type annotation)",
    );
    s
}

fn invalid_registry(command: &str, error: &RegistryError, stdout: &str) -> String {
    let mut s = format!("wt-registry printed an invalid registry document: {error}\n");
    let _ = writeln!(s, "  command: {command}");
    let head: String = stdout.lines().take(5).collect::<Vec<_>>().join("\n");
    let head = if head.chars().count() > 600 {
        format!("{}...", head.chars().take(600).collect::<String>())
    } else {
        head
    };
    text_block(&mut s, "stdout (first lines)", &head);
    s.push_str(
        "  help: stdout must be exactly one JSON document; a task module that prints when imported breaks it",
    );
    s
}
