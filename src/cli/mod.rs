//! The `wtc` command line: argument parsing, the compile driver, diagnostics rendering.
//!
//! Exit codes: 0 success, 1 compile errors (diagnostics on stderr), 2 usage errors.

pub mod graphviz;
pub mod render;

use crate::artifacts::graph::{graph_png, graph_svg};
use crate::artifacts::{Compiled, Package, package, package_without_images};
use crate::db::{Database, Options, RegistryInput, SolvedRecord, SpecFile, Workflow};
use crate::diagnostics::{Diagnostic, Severity, has_errors};
use crate::output::{OutputError, write_package};
use crate::registry::Registry;
use camino::{Utf8Path, Utf8PathBuf};
use clap::{Args, Parser, Subcommand, ValueEnum};
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
    /// A `wt-registry --format json` document describing the known tasks.
    #[arg(long, value_name = "FILE")]
    pub registry: Option<Utf8PathBuf>,
    /// A JSON list of `{name, version, channel}` records of the solved environment.
    #[arg(long, value_name = "FILE", requires = "registry")]
    pub solved: Option<Utf8PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub specs: SpecArgs,
    #[command(flatten)]
    pub discovery: DiscoveryArgs,
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
    /// Accepted for compatibility with wt-compiler; wtc shows no spinner when not on a terminal.
    #[arg(long, hide = true)]
    pub no_progress: bool,
    /// What renders graph.svg and graph.png from the task graph: the built-in engine, or
    /// Graphviz's `dot` when it is on PATH (the built-in engine otherwise).
    #[arg(long, value_enum, value_name = "ENGINE", default_value_t = GraphEngine::Builtin)]
    pub graph_engine: GraphEngine,
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

fn run(check: &CheckArgs, compile: Option<&CompileArgs>) -> ExitCode {
    let specs = check.specs.all();
    if specs.is_empty() {
        eprintln!(
            "error: no spec given\n\nUsage: wtc {} [--spec] <SPEC>...",
            if compile.is_some() {
                "compile"
            } else {
                "check"
            }
        );
        return ExitCode::from(2);
    }
    let Some(registry_path) = &check.discovery.registry else {
        return fail(
            "no task registry: pass `--registry FILE` (a `wt-registry --format json` document)\n  \
             note: automatic task discovery is not available in this build",
        );
    };
    let registry = match std::fs::read_to_string(registry_path) {
        Ok(text) => match Registry::from_json(&text) {
            Ok(r) => r,
            Err(e) => return fail(format!("{registry_path}: {e}")),
        },
        Err(e) => return fail(format!("cannot read registry `{registry_path}`: {e}")),
    };
    let solved: Vec<SolvedRecord> = match &check.discovery.solved {
        None => Vec::new(),
        Some(p) => match std::fs::read_to_string(p).map(|t| serde_json::from_str(&t)) {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                return fail(format!(
                    "{p}: not a JSON list of {{name, version, channel}} records: {e}"
                ));
            }
            Err(e) => return fail(format!("cannot read solved records `{p}`: {e}")),
        },
    };

    let db = Database::default();
    let registry = RegistryInput::new(&db, Arc::new(registry), Arc::new(solved));
    let (prefix, results_env_var) = compile.map_or(("wt", "WT_RESULTS"), |c| {
        (c.pkg_name_prefix.as_str(), c.results_env_var.as_str())
    });
    let options = Options::new(
        &db,
        prefix.to_string(),
        results_env_var.to_string(),
        std::env::var("WT_CONDA_CHANNEL").unwrap_or_default(),
    );

    let cwd = std::env::current_dir()
        .ok()
        .and_then(|p| Utf8PathBuf::from_path_buf(p).ok());
    let mut units = Vec::new();
    let mut failed = false;
    for spec in &specs {
        let abs = match &cwd {
            Some(cwd) if spec.is_relative() => cwd.join(spec),
            _ => spec.clone(),
        };
        match std::fs::metadata(&abs) {
            Ok(m) if m.is_file() => {}
            Ok(_) => {
                failed = true;
                let _ = fail(format!("spec path is not a file: {abs}"));
                continue;
            }
            Err(_) => {
                failed = true;
                let _ = fail(format!("spec file not found: {abs}"));
                continue;
            }
        }
        let text = match std::fs::read_to_string(&abs) {
            Ok(t) => t,
            Err(e) => {
                failed = true;
                let _ = fail(format!("cannot read spec `{abs}`: {e}"));
                continue;
            }
        };
        let file = SpecFile::new(&db, abs.clone(), text);
        units.push((
            spec.clone(),
            abs,
            Workflow::new(&db, file, registry, options),
        ));
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
        .map_with(db.clone(), |db, (_, _, wf)| compile_one(db, *wf, &mode))
        .collect();

    let styled = std::io::stderr().is_terminal();
    let mut stdout = std::io::stdout().lock();
    for ((shown, abs, wf), compiled) in units.iter().zip(&results) {
        let text = wf.spec(&db).text(&db);
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
        let parent = abs.parent().unwrap_or(Utf8Path::new("."));
        let pkg = match &mode {
            Mode::Graphviz(dot) => Arc::new(with_graphviz_images(&db, *wf, pkg, dot)),
            _ => pkg.clone(),
        };
        match write_package(parent, &pkg, compile.clobber) {
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
