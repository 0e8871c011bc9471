//! `wtc run`: compile a spec (as `compile` does, updating its release directory in place as
//! `watch` does), then run the workflow once, without Docker or pixi.
//!
//! | module | holds |
//! |---|---|
//! | `params` | params text → spanned tree → JSON, validated against `params.json`, located diagnostics |
//! | `cases` | `--case ID`: one case of the `test-cases.yaml` beside the spec |
//! | `child` | the workflow's process: own process group, interrupt / kill, no orphan |
//! | `summary` | the results directory, its `file://` URL, the end-of-run summary |
//!
//! The environment is `--python-env PREFIX`, else the kept discovery environment of the
//! spec's discovery key (`discovery::kept_env`). The command is the package's pixi task:
//! `python -m <package>.cli run --config-json PARAMS --execution-mode sequential
//! [--mock-io]`, with the release directory on `PYTHONPATH` and the results variable set
//! to the results directory's `file://` URL; the working directory is wtc's own.

pub mod cases;
pub mod child;
pub mod params;
pub mod summary;

use super::discover::Source;
use super::driver::{Driver, Unit, plural};
use super::reads::Reads;
use super::specs::absolute;
use super::term::{fail, styled_stderr};
use super::{BuildArgs, CheckArgs, OutputArgs, SpecArgs};
use crate::artifacts::names;
use crate::artifacts::params_json::params_value;
use crate::discovery::plan::discovery_inputs;
use crate::discovery::{self, KeptEnv};
use camino::{Utf8Path, Utf8PathBuf};
use child::{Handle, Running};
use clap::Args;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("params_source").required(true).args(["params", "case"])))]
pub struct RunArgs {
    /// The spec file.
    #[arg(
        value_name = "SPEC",
        required_unless_present = "spec_flag",
        conflicts_with = "spec_flag"
    )]
    pub spec: Option<Utf8PathBuf>,
    /// The spec file (same as the positional SPEC).
    #[arg(long = "spec", value_name = "FILE")]
    pub spec_flag: Option<Utf8PathBuf>,
    #[command(flatten)]
    pub build: BuildArgs,
    /// Print nothing of wtc's own but errors and the run's summary.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    /// A YAML or JSON file with the workflow params.
    #[arg(long, value_name = "FILE")]
    pub params: Option<Utf8PathBuf>,
    /// The params of case ID of the `test-cases.yaml` beside the spec.
    #[arg(long, value_name = "ID")]
    pub case: Option<String>,
    /// Replace IO tasks with mocks returning example data.
    #[arg(long)]
    pub mock_io: bool,
    /// Directory receiving result.json [default: a new `<spec dir>/.wtc/runs/<timestamp>/`].
    #[arg(long, value_name = "DIR")]
    pub results: Option<Utf8PathBuf>,
}

/// Where a run's params come from.
#[derive(Clone, Debug)]
pub enum ParamsFrom {
    /// `--params FILE`.
    File(Utf8PathBuf),
    /// `--case ID` of the `test-cases.yaml` beside the spec.
    Case(String),
}

/// Why a run cannot start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "no environment to run `{spec}` in: {reason}\n  help: pass `--python-env PREFIX` (an environment holding the task packages and the wt runtime), or discover once with `--refresh-discovery` (or `wtc lock --refresh-discovery`), which keeps the discovery environment"
    )]
    NoEnvironment { spec: Utf8PathBuf, reason: String },
    #[error("{0}")]
    Discovery(#[from] discovery::DiscoveryError),
    #[error("cannot read `{path}`: {}", .source.detail())]
    Read {
        path: Utf8PathBuf,
        source: crate::files::ReadError,
    },
    #[error(transparent)]
    Case(#[from] cases::CaseError),
    #[error("invalid params in `{path}` ({count} error{}); nothing was run", plural(*.count))]
    InvalidParams { path: Utf8PathBuf, count: usize },
    /// Not expected: a package is written only when its `params.json` was built.
    #[error("the workflow has no params schema")]
    NoSchema,
    #[error("cannot create the results directory `{path}`: {source}")]
    ResultsDir {
        path: Utf8PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start `{}`: {source}", .python.display())]
    Spawn {
        python: PathBuf,
        source: std::io::Error,
    },
}

/// What a run needs besides the compiled package: the environment, the params' source and
/// the flags.
pub struct Runner {
    pub python: PathBuf,
    pub params: ParamsFrom,
    pub mock_io: bool,
    pub results: Option<Utf8PathBuf>,
    pub quiet: bool,
}

/// A run in progress.
pub struct Started {
    running: Running,
    results: Utf8PathBuf,
    start: Instant,
}

impl Started {
    /// Stops the run from elsewhere.
    pub fn handle(&self) -> Handle {
        self.running.handle()
    }

    /// Wait for the workflow to exit and print the summary; wtc's exit code (see
    /// [`summary::report`]).
    pub fn finish(self) -> u8 {
        let handle = self.running.handle();
        let code = match self.running.wait() {
            Ok(status) => child::exit_code(status),
            Err(e) => {
                let _ = fail(format!("waiting for the workflow failed: {e}"));
                1
            }
        };
        summary::report(
            &self.results,
            self.start.elapsed(),
            code,
            handle.cancelled(),
        )
    }
}

/// The environment a unit runs in: `--python-env`, else its kept discovery environment
/// (reused while intact, re-created when damaged).
pub(in crate::cli) fn environment(
    driver: &Driver,
    unit: &Unit,
    python_env: Option<&Utf8Path>,
) -> Result<PathBuf, RunError> {
    if let Some(p) = python_env {
        return Ok(absolute(p).into_std_path_buf());
    }
    let no_env = |reason: &str| RunError::NoEnvironment {
        spec: unit.shown.clone(),
        reason: reason.into(),
    };
    let settings = match driver.registries.source() {
        Source::Fixed(_) => return Err(no_env("the task registry came from `--registry`")),
        Source::Discover(settings) => settings,
    };
    let key = unit
        .attachment
        .key
        .clone()
        .ok_or_else(|| no_env("the spec has no discovery key"))?;
    let inputs = discovery_inputs(&driver.db, unit.wf);
    match discovery::kept_env(inputs, &key, settings, unit.shown.as_str())? {
        None => Err(no_env("there is no cache directory")),
        Some(KeptEnv::Missing(p)) => Err(no_env(&format!(
            "no discovery environment is kept for its discovery key at {} (its registry came from a lock file or a cache entry)",
            p.display()
        ))),
        Some(KeptEnv::Reused(p)) => {
            if !driver.quiet {
                eprintln!("wtc: running in the discovery environment {}", p.display());
            }
            Ok(p)
        }
        Some(KeptEnv::Recreated(p, why)) => {
            if !driver.quiet {
                eprintln!(
                    "wtc: the discovery environment {} was damaged ({why}); re-created it",
                    p.display()
                );
            }
            Ok(p)
        }
    }
}

impl Runner {
    /// Load and check the params, create the results directory and start the workflow
    /// of `unit` (compiled, its package written in place). Params problems are rendered.
    pub(in crate::cli) fn start(&self, driver: &Driver, unit: &Unit) -> Result<Started, RunError> {
        let params = load_params(driver, unit, &self.params)?;
        self.spawn(driver, unit, &params)
    }

    /// Create the results directory and start the workflow with `params` (checked).
    fn spawn(
        &self,
        driver: &Driver,
        unit: &Unit,
        params: &serde_json::Value,
    ) -> Result<Started, RunError> {
        let results =
            summary::results_dir(self.results.as_deref(), unit.parent()).map_err(|source| {
                RunError::ResultsDir {
                    path: self
                        .results
                        .clone()
                        .unwrap_or_else(|| unit.parent().join(summary::RUNS_DIR)),
                    source,
                }
            })?;
        let names = names(&driver.db, unit.wf);
        let release = unit.parent().join(&names.release_name);
        let mut command = Command::new(discovery::env::python(&self.python));
        command
            .args(["-m", &format!("{}.cli", names.package_name), "run"])
            .args(["--config-json", &params.to_string()])
            .args(["--execution-mode", "sequential"]);
        if self.mock_io {
            command.arg("--mock-io");
        }
        let python_path = match std::env::var_os("PYTHONPATH").filter(|p| !p.is_empty()) {
            Some(old) => {
                let mut paths = vec![release.clone().into_std_path_buf()];
                paths.extend(std::env::split_paths(&old));
                std::env::join_paths(paths).unwrap_or_else(|_| release.clone().into())
            }
            None => release.clone().into(),
        };
        command
            .env("PYTHONPATH", python_path)
            .env("PYTHONUNBUFFERED", "1")
            .env(&names.results_env_var, summary::file_url(&results));
        if !self.quiet {
            eprintln!(
                "wtc: running {}{} (results: {results})",
                names.package_name,
                if self.mock_io { " with mock io" } else { "" }
            );
        }
        let start = Instant::now();
        let running = Running::spawn(command).map_err(|source| RunError::Spawn {
            python: discovery::env::python(&self.python),
            source,
        })?;
        Ok(Started {
            running,
            results,
            start,
        })
    }
}

/// The params as JSON, validated against the package's `params.json`; problems are
/// rendered against the params text.
fn load_params(
    driver: &Driver,
    unit: &Unit,
    from: &ParamsFrom,
) -> Result<serde_json::Value, RunError> {
    let (path, shown) = match from {
        ParamsFrom::File(p) => (absolute(p), p.clone()),
        ParamsFrom::Case(_) => {
            let path = unit.parent().join(cases::CASES_FILE);
            let shown = unit
                .shown
                .parent()
                .map_or_else(|| path.clone(), |p| p.join(cases::CASES_FILE));
            (path, shown)
        }
    };
    let text = crate::files::read_text(path.as_std_path()).map_err(|source| RunError::Read {
        path: shown.clone(),
        source,
    })?;
    let invalid = |diagnostics: Vec<crate::diagnostics::Diagnostic>| {
        let styled = styled_stderr();
        for d in &diagnostics {
            eprintln!(
                "{}",
                super::render::render(d, shown.as_str(), &text, styled)
            );
            driver.footer.shown(d);
        }
        driver.footer.print();
        RunError::InvalidParams {
            path: shown.clone(),
            count: diagnostics.len(),
        }
    };
    let root = params::parse(&text).map_err(|d| invalid(vec![*d]))?;
    let node = match from {
        ParamsFrom::File(_) => Some(&root),
        ParamsFrom::Case(id) => cases::case_params(&root, id, shown.as_str())?,
    };
    let schema = match params_value(&driver.db, unit.wf) {
        Ok(s) => s.clone(),
        Err(_) => return Err(RunError::NoSchema),
    };
    params::check(node, &schema).map_err(invalid)
}

/// The run being waited for, stopped by Ctrl-C (first: interrupted; then: killed).
static CURRENT: Mutex<Option<Handle>> = Mutex::new(None);

/// `wtc run`.
pub(super) fn run(args: RunArgs) -> ExitCode {
    let RunArgs {
        spec,
        spec_flag,
        build,
        quiet,
        output,
        params,
        case,
        mock_io,
        results,
    } = args;
    let Some(spec) = spec.or(spec_flag) else {
        unreachable!("clap requires SPEC or --spec");
    };
    // The compile is `compile`'s, for this one spec.
    let check = CheckArgs {
        specs: SpecArgs {
            specs: vec![spec.clone()],
            spec_flags: Vec::new(),
            all: Vec::new(),
        },
        build,
        quiet,
    };
    let presses = AtomicUsize::new(0);
    if let Err(e) = ctrlc::set_handler(move || {
        let current = CURRENT.lock().ok().and_then(|c| c.clone());
        match (current, presses.fetch_add(1, Ordering::SeqCst)) {
            (Some(h), 0) => h.interrupt(),
            (Some(h), _) => h.kill(),
            (None, _) => std::process::exit(130),
        }
    }) {
        return fail(format!("cannot handle Ctrl-C: {e}"));
    }
    let Some((driver, unit)) = compile(&check, &output, &spec) else {
        return ExitCode::from(1);
    };
    let from = match (params, case) {
        (Some(p), _) => ParamsFrom::File(p),
        (None, Some(c)) => ParamsFrom::Case(c),
        (None, None) => unreachable!("clap requires --params or --case"),
    };
    // Params first: a mistake there is found before an environment is re-created.
    let params = match load_params(&driver, &unit, &from) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let python_env = check.build.discovery.given.python_env.as_deref();
    let runner = match environment(&driver, &unit, python_env) {
        Ok(python) => Runner {
            python,
            params: from,
            mock_io,
            results,
            quiet,
        },
        Err(e) => return fail(e),
    };
    let started = match runner.spawn(&driver, &unit, &params) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if let Ok(mut c) = CURRENT.lock() {
        *c = Some(started.handle());
    }
    let code = started.finish();
    if let Ok(mut c) = CURRENT.lock() {
        *c = None;
    }
    ExitCode::from(code)
}

/// Compile `spec` and write its package in place; diagnostics and failures are reported
/// (`None`: nothing may run).
fn compile(check: &CheckArgs, output: &OutputArgs, spec: &Utf8Path) -> Option<(Driver, Unit)> {
    let mut driver = Driver::new(check, output, true, Reads::default()).ok()?;
    driver.parse_whole();
    driver.reuse_png = true;
    let mut unit = match driver.load(spec) {
        Ok(u) => u,
        Err(e) => {
            let _ = fail(e);
            return None;
        }
    };
    driver.attach(vec![&mut unit]);
    let built = driver.compile(&[&unit]).pop()?;
    let errors = driver.report(&unit, &built.compiled, &mut Vec::new());
    driver.footer.print();
    if errors > 0 {
        let _ = fail(format!(
            "{spec}: {errors} error{}; nothing was run",
            plural(errors)
        ));
        return None;
    }
    let Some(package) = built.package else {
        let _ = fail(format!("{spec}: task discovery failed; nothing was run"));
        return None;
    };
    match crate::output::update_in_place(unit.parent(), &package, &[]) {
        Ok(report) => {
            if !check.quiet {
                eprintln!(
                    "wtc: compiled {spec} ({} of {} files written)",
                    report.written.len(),
                    package.files.len()
                );
            }
            Some((driver, unit))
        }
        Err(e) => {
            let _ = fail(e);
            None
        }
    }
}
