//! The `wtc` command line: argument parsing, the compile driver, diagnostics rendering.
//!
//! Exit codes: 0 success, 1 compile errors (diagnostics on stderr), 2 usage errors.

mod discover;
pub mod render;

use crate::artifacts::{Compiled, package};
use crate::db::lowered;
use crate::diagnostics::{Diagnostic, Severity, has_errors};
use crate::output::{OutputError, write_package};
use camino::{Utf8Path, Utf8PathBuf};
use clap::{Args, Parser, Subcommand};
use discover::{Session, attach_registries, source};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "wtc",
    version,
    about = "Compile wt workflow specs (spec.yaml) into Python workflow packages",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile specs into workflow packages (written beside each spec.yaml).
    Compile(CompileArgs),
    /// Validate specs and report diagnostics without writing anything.
    Check(CheckArgs),
    /// Write the lock file (`wtc.lock` beside the spec) from task discovery or a given
    /// registry document, so later compiles need no network.
    Lock(LockArgs),
}

#[derive(Debug, Args)]
pub struct SpecArgs {
    /// Spec files to compile.
    #[arg(value_name = "SPEC")]
    pub specs: Vec<Utf8PathBuf>,
    /// A spec file to compile (repeatable; same as a positional SPEC).
    #[arg(long = "spec", value_name = "FILE")]
    pub spec_flags: Vec<Utf8PathBuf>,
}

impl SpecArgs {
    fn all(&self) -> Vec<Utf8PathBuf> {
        self.spec_flags.iter().chain(&self.specs).cloned().collect()
    }
}

/// Where the task registry comes from.
#[derive(Debug, Args)]
pub struct DiscoveryArgs {
    /// A `wt-registry --format json` document describing the known tasks (skips discovery).
    #[arg(long, value_name = "FILE", conflicts_with = "python_env")]
    pub registry: Option<Utf8PathBuf>,
    /// A JSON list of `{name, version, channel}` records of the solved environment.
    #[arg(long, value_name = "FILE", requires = "registry")]
    pub solved: Option<Utf8PathBuf>,
    /// Run `wt-registry` of an existing environment (a pixi env or venv with the task
    /// packages) instead of solving and installing one.
    #[arg(long, value_name = "PREFIX")]
    pub python_env: Option<Utf8PathBuf>,
    /// Discovery cache directory [default: $WTC_CACHE_DIR, else $XDG_CACHE_HOME/wtc].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<Utf8PathBuf>,
    /// Discover again, ignoring the lock file and the cache (the cache is refreshed).
    #[arg(long, conflicts_with_all = ["registry", "python_env"])]
    pub refresh_discovery: bool,
    /// Show discovery progress as plain lines instead of a spinner.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub specs: SpecArgs,
    #[command(flatten)]
    pub discovery: DiscoveryArgs,
    /// Use only the lock file for the task registry; fail if it is missing or stale.
    #[arg(long, conflicts_with_all = ["registry", "python_env", "refresh_discovery"])]
    pub locked: bool,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print nothing but diagnostics.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CompileArgs {
    #[command(flatten)]
    pub check: CheckArgs,
    /// Replace an existing output directory (atomically).
    #[arg(long)]
    pub clobber: bool,
    /// Prefix of the release and package names.
    #[arg(long, value_name = "PREFIX", default_value = "wt")]
    pub pkg_name_prefix: String,
    /// Environment variable the generated CLI reads the results URL from.
    #[arg(long, value_name = "ENV_VAR", default_value = "WT_RESULTS")]
    pub results_env_var: String,
}

#[derive(Debug, Args)]
pub struct LockArgs {
    #[command(flatten)]
    pub specs: SpecArgs,
    #[command(flatten)]
    pub discovery: DiscoveryArgs,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Compile(args) => run(&args.check, Some(&args)),
        Command::Check(args) => run(&args, None),
        Command::Lock(args) => discover::lock(&args),
    }
}

/// Print an error line (`error: ...`) to stderr.
fn fail(msg: impl std::fmt::Display) -> ExitCode {
    let styled = std::io::stderr().is_terminal();
    let prefix = if styled {
        "\x1b[1;31merror\x1b[0m"
    } else {
        "error"
    };
    eprintln!("{prefix}: {msg}");
    ExitCode::from(1)
}

/// Print a warning line (`warning: ...`) to stderr.
fn warn(msg: impl std::fmt::Display) {
    let styled = std::io::stderr().is_terminal();
    let prefix = if styled {
        "\x1b[1;33mwarning\x1b[0m"
    } else {
        "warning"
    };
    eprintln!("{prefix}: {msg}");
}

fn no_spec(command: &str) -> ExitCode {
    eprintln!("error: no spec given\n\nUsage: wtc {command} [--spec] <SPEC>...");
    ExitCode::from(2)
}

fn run(check: &CheckArgs, compile: Option<&CompileArgs>) -> ExitCode {
    let specs = check.specs.all();
    if specs.is_empty() {
        return no_spec(if compile.is_some() {
            "compile"
        } else {
            "check"
        });
    }
    let source = match source(&check.discovery, check.locked, check.quiet) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };

    let (prefix, results_env_var) = compile.map_or(("wt", "WT_RESULTS"), |c| {
        (c.pkg_name_prefix.as_str(), c.results_env_var.as_str())
    });
    let Session {
        mut db,
        mut units,
        mut failed,
    } = Session::open(&specs, prefix, results_env_var);
    if !attach_registries(&mut db, &mut units, &source, check.quiet) {
        failed = true;
    }

    // Compile every spec in parallel; each thread gets its own handle on the shared storage.
    let results: Vec<Arc<Compiled>> = units
        .par_iter()
        .map_with(db.clone(), |db, u| {
            if u.lowering_only {
                let mut diagnostics = lowered(db, u.wf).diagnostics.clone();
                diagnostics
                    .sort_by_key(|d| d.primary.as_ref().map_or(usize::MAX, |p| p.span.start));
                Arc::new(Compiled {
                    diagnostics,
                    package: None,
                })
            } else {
                package(db, u.wf).clone()
            }
        })
        .collect();

    let styled = std::io::stderr().is_terminal();
    let mut stdout = std::io::stdout().lock();
    for (unit, compiled) in units.iter().zip(&results) {
        let shown = &unit.shown;
        let text = unit.wf.spec(&db).text(&db);
        let mut stderr = std::io::stderr().lock();
        for d in &compiled.diagnostics {
            let d = promote(d, check.deny_warnings);
            let _ = writeln!(
                stderr,
                "{}",
                render::render(&d, shown.as_str(), text, styled)
            );
        }
        if has_errors(&compiled.diagnostics, check.deny_warnings) {
            let n = compiled
                .diagnostics
                .iter()
                .filter(|d| d.is_error() || check.deny_warnings)
                .count();
            let _ = writeln!(
                stderr,
                "{}: could not compile `{shown}` due to {n} previous error{}",
                if styled {
                    "\x1b[1;31merror\x1b[0m"
                } else {
                    "error"
                },
                if n == 1 { "" } else { "s" }
            );
            failed = true;
            continue;
        }
        let Some(pkg) = &compiled.package else {
            continue;
        };
        let Some(compile) = compile else {
            if !check.quiet {
                let _ = writeln!(stdout, "{shown}: ok");
            }
            continue;
        };
        let parent = unit.abs.parent().unwrap_or(Utf8Path::new("."));
        match write_package(parent, pkg, compile.clobber) {
            Ok(report) => {
                if !check.quiet {
                    let _ = writeln!(stdout, "Compiled workflow to: {}", report.dir);
                }
            }
            Err(e @ OutputError::Exists(_)) => {
                failed = true;
                let _ = fail(format!(
                    "{e}\n  help: use --clobber to overwrite the existing directory"
                ));
            }
            Err(e) => {
                failed = true;
                let _ = fail(e);
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// With `--deny-warnings`, warnings are shown as errors.
fn promote(d: &Diagnostic, deny_warnings: bool) -> Diagnostic {
    let mut d = d.clone();
    if deny_warnings && d.severity == Severity::Warning {
        d.severity = Severity::Error;
    }
    d
}
