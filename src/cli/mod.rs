//! The `wtc` command line: argument parsing, the compile driver, diagnostics rendering.
//!
//! Exit codes: 0 success, 1 compile errors (diagnostics on stderr), 2 usage errors.

mod discover;
pub mod graphviz;
pub mod overrides;
pub mod release;
pub mod render;
pub mod scaffold;

use crate::artifacts::graph::{graph_png, graph_svg};
use crate::artifacts::{Compiled, Package, package, package_without_images};
use crate::db::{Database, Options, Workflow, lowered};
use crate::diagnostics::{Diagnostic, Severity, Source, has_errors};
use crate::output::{OutputError, write_package};
use camino::{Utf8Path, Utf8PathBuf};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
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
    /// Print the bundled default dependencies (the format of an --env-overrides file).
    Defaults,
    /// Start a new workflow project (`scaffold init`) or list the project providers.
    Scaffold(scaffold::ScaffoldArgs),
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
pub struct DependencyArgs {
    /// Use the `wt-task-VARIANT` / `wt-runner-VARIANT` conda packages instead of the default
    /// `wt-task` / `wt-runner` (e.g. `gcp`; empty: none).
    #[arg(long, value_name = "VARIANT", default_value = "")]
    pub variant: String,
    /// A TOML file of per-feature dependencies that take precedence over the defaults and
    /// the spec's requirements in pixi.toml (see `wtc defaults` for the format).
    #[arg(long, value_name = "PATH")]
    pub env_overrides: Option<Utf8PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub specs: SpecArgs,
    #[command(flatten)]
    pub discovery: DiscoveryArgs,
    #[command(flatten)]
    pub dependencies: DependencyArgs,
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
    /// Carry the previous package's pixi.lock over, bump VERSION.yaml (major when the
    /// user-facing params changed, else minor), then run `pixi update --no-install`.
    #[arg(long, requires = "clobber", conflicts_with = "install")]
    pub update: bool,
    /// After writing, run `pixi install -a` in the package.
    #[arg(long)]
    pub install: bool,
    /// What renders graph.svg and graph.png from the task graph: the built-in engine, or
    /// Graphviz's `dot` when it is on PATH (the built-in engine otherwise).
    #[arg(long, value_enum, value_name = "ENGINE", default_value_t = GraphEngine::Builtin)]
    pub graph_engine: GraphEngine,
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

/// Renderer of `graph.svg` and `graph.png`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphEngine {
    /// Pure Rust: layered layout, SVG, rasterised with resvg (deterministic).
    Builtin,
    /// The Graphviz `dot` binary (layout of the reference's graph.dot, `rankdir=LR`).
    Graphviz,
}

/// What the driver computes per spec.
#[derive(Clone, Debug)]
enum Mode {
    /// Diagnostics only: no images are rendered.
    Check,
    /// The whole package, images by the built-in engine (rendered in parallel).
    Builtin,
    /// The package without images; `dot` renders them when the package is written.
    Graphviz(Utf8PathBuf),
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `scaffold init` has a flag per question of its provider: load the provider first.
    let prepared = match scaffold::prepare(&argv) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut command = Cli::command();
    if let Some(p) = &prepared {
        command = p.augment(command);
    }
    let parsed = command
        .try_get_matches_from(&argv)
        .and_then(|m| Ok((Cli::from_arg_matches(&m)?, m)));
    let (cli, matches) = match parsed {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Scaffold(s) => match &s.command {
            scaffold::ScaffoldCommand::Init(args) => scaffold::init(args, prepared, &matches),
            scaffold::ScaffoldCommand::Providers(args) => scaffold::providers(args),
        },
        Command::Compile(args) => run(&args.check, Some(&args)),
        Command::Check(args) => run(&args, None),
        Command::Lock(args) => discover::lock(&args),
        Command::Defaults => {
            print!("{}", crate::dependencies::defaults::DEFAULTS_TOML);
            ExitCode::SUCCESS
        }
    }
}

/// Print a warning line (`warning: ...`) to stderr.
fn warn(msg: impl std::fmt::Display) {
    let prefix = if std::io::stderr().is_terminal() {
        "\x1b[1;33mwarning\x1b[0m"
    } else {
        "warning"
    };
    eprintln!("{prefix}: {msg}");
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

    let cwd = std::env::current_dir()
        .ok()
        .and_then(|p| Utf8PathBuf::from_path_buf(p).ok());
    let mut db = Database::default();
    let env_overrides = match &check.dependencies.env_overrides {
        None => None,
        Some(path) => {
            let cwd = cwd.clone().unwrap_or_else(|| Utf8PathBuf::from("."));
            match overrides::load_env_overrides(&mut db, path, &cwd) {
                Ok(file) => Some(file),
                Err(e) => return fail(e),
            }
        }
    };
    let (prefix, results_env_var) = compile.map_or(("wt", "WT_RESULTS"), |c| {
        (c.pkg_name_prefix.as_str(), c.results_env_var.as_str())
    });
    let options = Options::builder(
        prefix.to_string(),
        results_env_var.to_string(),
        std::env::var("WT_CONDA_CHANNEL").unwrap_or_default(),
    )
    .variant(check.dependencies.variant.clone())
    .env_overrides(env_overrides)
    .pixi_version(std::env::var("PIXI_VERSION").unwrap_or_default())
    .new(&db);
    let Session {
        mut db,
        units,
        mut failed,
    } = Session::open(&specs, db, options);
    let mut units = units;
    if !attach_registries(&mut db, &mut units, &source, check.quiet) {
        failed = true;
    }

    let mode = match compile.map(|c| c.graph_engine) {
        None => Mode::Check,
        Some(GraphEngine::Builtin) => Mode::Builtin,
        Some(GraphEngine::Graphviz) => match graphviz::find_dot() {
            Some(dot) => Mode::Graphviz(dot),
            None => {
                warn(
                    "Graphviz `dot` not found on PATH; rendering graph.svg and graph.png with the built-in engine",
                );
                Mode::Builtin
            }
        },
    };

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
                compile_one(db, u.wf, &mode)
            }
        })
        .collect();

    let styled = std::io::stderr().is_terminal();
    let mut stdout = std::io::stdout().lock();
    let overrides_source = env_overrides.map(|f| (f.path(&db).as_str(), f.text(&db).as_str()));
    // Problems of the env-overrides file are the same for every spec: report them once.
    let mut reported: Vec<&Diagnostic> = Vec::new();
    for (unit, compiled) in units.iter().zip(&results) {
        let (shown, abs, wf) = (&unit.shown, &unit.abs, &unit.wf);
        let sources = render::Sources {
            spec: (shown.as_str(), wf.spec(&db).text(&db)),
            overrides: overrides_source,
        };
        let mut stderr = std::io::stderr().lock();
        for d in &compiled.diagnostics {
            if d.source == Source::Overrides {
                if reported.contains(&d) {
                    continue;
                }
                reported.push(d);
            }
            let d = promote(d, check.deny_warnings);
            let _ = writeln!(stderr, "{}", render::render_in(&d, &sources, styled));
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
        let parent = abs.parent().unwrap_or(Utf8Path::new("."));
        let mut pkg = match &mode {
            Mode::Graphviz(dot) => Arc::new(with_graphviz_images(&db, *wf, pkg, dot)),
            _ => pkg.clone(),
        };
        if compile.update {
            let params_sha256 = match crate::artifacts::readme_md::params_sha256(&db, *wf) {
                Ok(h) => h.clone(),
                Err(_) => continue,
            };
            match release::prepare_update(&parent.join(&pkg.release_name), &pkg, &params_sha256) {
                Ok((updated, version)) => {
                    pkg = Arc::new(updated);
                    if !check.quiet {
                        let _ = writeln!(stdout, "Updated version: {version}");
                    }
                }
                Err(e) => {
                    failed = true;
                    let _ = fail(e);
                    continue;
                }
            }
        }
        match write_package(parent, &pkg, compile.clobber) {
            Ok(report) => {
                if !check.quiet {
                    let _ = writeln!(stdout, "Compiled workflow to: {}", report.dir);
                }
                let pixi = if compile.install {
                    Some(&["install", "-a"][..])
                } else if compile.update {
                    Some(&["update", "--no-install"][..])
                } else {
                    None
                };
                if let Some(args) = pixi
                    && let Err(e) = release::run_pixi(args, &report.dir)
                {
                    failed = true;
                    let _ = fail(e);
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

/// Compile one spec for `mode`. With the built-in engine the graph images are rendered on
/// another worker while the rest of the package is generated (`package` asks for them last
/// and waits for that worker's result).
fn compile_one(db: &Database, wf: Workflow, mode: &Mode) -> Arc<Compiled> {
    match mode {
        Mode::Check | Mode::Graphviz(_) => package_without_images(db, wf).clone(),
        Mode::Builtin => {
            let (main, renderer) = (db.clone(), db.clone());
            rayon::join(
                move || package(&main, wf).clone(),
                move || {
                    let _ = graph_png(&renderer, wf);
                },
            )
            .0
        }
    }
}

/// The package with `graph.svg` and `graph.png` rendered by `dot` from its `graph.dot`;
/// falls back to the built-in engine (with a warning) when `dot` fails.
fn with_graphviz_images(db: &Database, wf: Workflow, pkg: &Package, dot: &Utf8Path) -> Package {
    let mut pkg = pkg.clone();
    let source = pkg.file("graph.dot").cloned().unwrap_or_default();
    let rendered = graphviz::render(dot, &source, "svg")
        .and_then(|svg| Ok((svg, graphviz::render(dot, &source, "png")?)));
    let (svg, png): (Arc<[u8]>, Arc<[u8]>) = match rendered {
        Ok((svg, png)) => (svg.into(), png.into()),
        Err(e) => {
            warn(format!("{e}; rendering the graph with the built-in engine"));
            let png = match graph_png(db, wf) {
                Ok(png) => png.clone(),
                Err(e) => {
                    warn(format!("could not render graph.png: {e}"));
                    return pkg;
                }
            };
            (graph_svg(db, wf).clone(), png)
        }
    };
    pkg.insert_after("graph.dot", "graph.svg", svg);
    pkg.insert_after("graph.svg", "graph.png", png);
    pkg
}

/// With `--deny-warnings`, warnings are shown as errors.
fn promote(d: &Diagnostic, deny_warnings: bool) -> Diagnostic {
    let mut d = d.clone();
    if deny_warnings && d.severity == Severity::Warning {
        d.severity = Severity::Error;
    }
    d
}
