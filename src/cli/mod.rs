//! The `wtc` command line: argument parsing, the compile driver, diagnostics rendering.
//!
//! Exit codes: 0 success, 1 compile errors (diagnostics on stderr), 2 usage errors.

pub mod render;

use crate::artifacts::{Compiled, package};
use crate::db::{
    Database, Host, Options, RegistryInput, SpecFile, Workflow, discovery_inputs, discovery_key,
    lowered, spec_requirements,
};
use crate::diagnostics::{Diagnostic, Severity, has_errors};
use crate::discovery::inputs::{host_platform, local_channel_candidates};
use crate::discovery::key::DiscoveryKey;
use crate::discovery::lock::lock_path;
use crate::discovery::progress::ProgressMode;
use crate::discovery::{self, Discovered};
use crate::output::{OutputError, write_package};
use camino::{Utf8Path, Utf8PathBuf};
use clap::{Args, Parser, Subcommand};
use rayon::prelude::*;
use salsa::Setter;
use std::collections::HashMap;
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
        Command::Lock(args) => lock(&args),
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

/// One spec being compiled.
struct Unit {
    shown: Utf8PathBuf,
    abs: Utf8PathBuf,
    wf: Workflow,
    /// Lowering failed and discovery was skipped: report only the lowering diagnostics.
    lowering_only: bool,
}

/// Read the specs into the database (errors reported; `failed` set).
fn load_specs(
    db: &Database,
    specs: &[Utf8PathBuf],
    registry: RegistryInput,
    options: Options,
    host: Host,
    failed: &mut bool,
) -> Vec<Unit> {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|p| Utf8PathBuf::from_path_buf(p).ok());
    let mut units = Vec::new();
    for spec in specs {
        let abs = match &cwd {
            Some(cwd) if spec.is_relative() => cwd.join(spec),
            _ => spec.clone(),
        };
        match std::fs::metadata(&abs) {
            Ok(m) if m.is_file() => {}
            Ok(_) => {
                *failed = true;
                let _ = fail(format!("spec path is not a file: {abs}"));
                continue;
            }
            Err(_) => {
                *failed = true;
                let _ = fail(format!("spec file not found: {abs}"));
                continue;
            }
        }
        let text = match std::fs::read_to_string(&abs) {
            Ok(t) => t,
            Err(e) => {
                *failed = true;
                let _ = fail(format!("cannot read spec `{abs}`: {e}"));
                continue;
            }
        };
        let file = SpecFile::new(db, abs.clone(), text);
        units.push(Unit {
            shown: spec.clone(),
            abs,
            wf: Workflow::new(db, file, registry, options, host),
            lowering_only: false,
        });
    }
    units
}

/// Record which local `file://` channels exist (they are dropped from discovery otherwise).
fn probe_local_channels(db: &mut Database, host: Host, options: Options, units: &[Unit]) {
    let wt_conda_channel = options.wt_conda_channel(db).clone();
    let candidates: Vec<String> = units
        .iter()
        .flat_map(|u| local_channel_candidates(spec_requirements(db, u.wf), &wt_conda_channel))
        .collect();
    let present = discovery::existing_local_channels(candidates);
    if present != **host.local_channels(db) {
        host.set_local_channels(db).to(Arc::new(present));
    }
}

/// The registry source chosen on the command line.
enum Source {
    /// `--registry` / `--python-env`: one result for every spec.
    Fixed(Discovered),
    /// Lock file → cache → fresh discovery, per discovery key.
    Discover(discovery::Settings),
}

fn source(args: &DiscoveryArgs, locked: bool, quiet: bool) -> Result<Source, String> {
    let mode = ProgressMode::detect(args.no_progress, quiet);
    if let Some(r) = &args.registry {
        return discovery::from_files(
            r.as_std_path(),
            args.solved.as_deref().map(Utf8Path::as_std_path),
        )
        .map(Source::Fixed);
    }
    if let Some(p) = &args.python_env {
        return discovery::from_python_env(p.as_std_path(), mode)
            .map(Source::Fixed)
            .map_err(|e| e.to_string());
    }
    let mut settings = discovery::Settings::new(args.cache_dir.clone().map(Into::into), mode);
    settings.refresh = args.refresh_discovery;
    settings.locked = locked;
    Ok(Source::Discover(settings))
}

/// Obtain each unit's registry (once per discovery key) and point its workflow at it.
/// Returns `false` if any discovery failed (reported).
fn attach_registries(db: &mut Database, units: &mut [Unit], source: &Source, quiet: bool) -> bool {
    let settings = match source {
        Source::Fixed(d) => {
            let input = RegistryInput::new(db, d.registry.clone(), d.solved.clone());
            for unit in units.iter() {
                update_workflow_registry(db, unit.wf, input);
            }
            return true;
        }
        Source::Discover(settings) => settings,
    };
    let mut ok = true;
    let mut by_key: HashMap<DiscoveryKey, RegistryInput> = HashMap::new();
    for unit in units.iter_mut() {
        if lowered(db, unit.wf)
            .diagnostics
            .iter()
            .any(Diagnostic::is_error)
        {
            // Report the spec's own errors first; discovery would be wasted.
            unit.lowering_only = true;
            continue;
        }
        let key = discovery_key(db, unit.wf).clone();
        if let Some(input) = by_key.get(&key) {
            update_workflow_registry(db, unit.wf, *input);
            continue;
        }
        let inputs = discovery_inputs(db, unit.wf).clone();
        let lock = lock_path(unit.abs.as_std_path());
        let req = discovery::Request {
            inputs: &inputs,
            key: &key,
            lock: Some(&lock),
            label: unit.shown.as_str(),
        };
        match discovery::obtain(&req, settings, &mut |w| warn(w)) {
            Ok((d, origin)) => {
                if !quiet {
                    report_origin(&unit.shown, &key, &origin);
                }
                let input = RegistryInput::new(db, d.registry.clone(), d.solved.clone());
                by_key.insert(key, input);
                update_workflow_registry(db, unit.wf, input);
            }
            Err(e) => {
                ok = false;
                let _ = fail(format!("{}: {e}", unit.shown));
                unit.lowering_only = true;
            }
        }
    }
    ok
}

/// Point a workflow at a registry input unless it already has an equal one (a setter
/// always bumps the revision, so unchanged results are not set again).
fn update_workflow_registry(db: &mut Database, wf: Workflow, input: RegistryInput) {
    let current = *wf.registry(db);
    if current == input {
        return;
    }
    let same = current.registry(db) == input.registry(db) && current.solved(db) == input.solved(db);
    if !same {
        wf.set_registry(db).to(input);
    }
}

fn report_origin(spec: &Utf8Path, key: &DiscoveryKey, origin: &discovery::Origin) {
    let what = match origin {
        discovery::Origin::Lock(p) => format!("from lock file {}", p.display()),
        discovery::Origin::Cache(_) => "from the discovery cache".to_string(),
        discovery::Origin::Fresh => "discovered".to_string(),
        discovery::Origin::PythonEnv(p) => format!("from environment {}", p.display()),
    };
    eprintln!("wtc: {spec}: task registry {what} (key {})", key.short());
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

    let mut db = Database::default();
    let placeholder = RegistryInput::new(&db, Arc::default(), Arc::default());
    let (prefix, results_env_var) = compile.map_or(("wt", "WT_RESULTS"), |c| {
        (c.pkg_name_prefix.as_str(), c.results_env_var.as_str())
    });
    let options = Options::new(
        &db,
        prefix.to_string(),
        results_env_var.to_string(),
        std::env::var("WT_CONDA_CHANNEL").unwrap_or_default(),
    );
    let host = Host::new(&db, host_platform().to_string(), Arc::default());

    let mut failed = false;
    let mut units = load_specs(&db, &specs, placeholder, options, host, &mut failed);
    probe_local_channels(&mut db, host, options, &units);
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

/// `wtc lock`: write `wtc.lock` beside each spec.
fn lock(args: &LockArgs) -> ExitCode {
    let specs = args.specs.all();
    if specs.is_empty() {
        return no_spec("lock");
    }
    let source = match source(&args.discovery, false, args.quiet) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let mut db = Database::default();
    let placeholder = RegistryInput::new(&db, Arc::default(), Arc::default());
    let options = Options::new(
        &db,
        "wt".into(),
        "WT_RESULTS".into(),
        std::env::var("WT_CONDA_CHANNEL").unwrap_or_default(),
    );
    let host = Host::new(&db, host_platform().to_string(), Arc::default());
    let mut failed = false;
    let units = load_specs(&db, &specs, placeholder, options, host, &mut failed);
    probe_local_channels(&mut db, host, options, &units);
    for unit in &units {
        let lowering = &lowered(&db, unit.wf).diagnostics;
        if lowering.iter().any(Diagnostic::is_error) {
            let text = unit.wf.spec(&db).text(&db);
            let styled = std::io::stderr().is_terminal();
            for d in lowering {
                eprintln!("{}", render::render(d, unit.shown.as_str(), text, styled));
            }
            failed = true;
            continue;
        }
        let key = discovery_key(&db, unit.wf).clone();
        let inputs = discovery_inputs(&db, unit.wf).clone();
        let discovered = match &source {
            Source::Fixed(d) => d.clone(),
            Source::Discover(settings) => {
                let req = discovery::Request {
                    inputs: &inputs,
                    key: &key,
                    // The lock file is what is being written: never read it.
                    lock: None,
                    label: unit.shown.as_str(),
                };
                match discovery::obtain(&req, settings, &mut |w| warn(w)) {
                    Ok((d, _)) => d,
                    Err(e) => {
                        failed = true;
                        let _ = fail(format!("{}: {e}", unit.shown));
                        continue;
                    }
                }
            }
        };
        let path = lock_path(unit.abs.as_std_path());
        match discovery::lock::write(&path, &key, &inputs, &discovered) {
            Ok(changed) => {
                if !args.quiet {
                    let state = if changed { "wrote" } else { "up to date:" };
                    println!(
                        "{state} {} ({} tasks, key {})",
                        path.display(),
                        discovered.registry.len(),
                        key.short()
                    );
                }
            }
            Err(e) => {
                failed = true;
                let _ = fail(format!("cannot write {}: {e}", path.display()));
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
