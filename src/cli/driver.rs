//! The compile driver shared by `compile`, `check` and `watch`: one database with the
//! options and env-overrides inputs, the specs loaded as [`Unit`]s, their registries
//! attached ([`Registries`]), compiles in parallel (rayon, one database handle per worker
//! on the shared storage), and diagnostics rendered against the spec or overrides text.

use super::discover::{
    Attachment, Registered, Registries, Source, SpecRef, probe_local_channels, source,
};
use super::explain::Footer;
use super::reads::{Reads, Role};
use super::term::{error_label, fail, styled_stderr, warn};
use super::{
    CheckArgs, DependencyArgs, GraphEngine, OutputArgs, graphviz, overrides, render, templates,
};
use crate::artifacts::dag::{run_sequential_mock_io_py, run_sequential_py};
use crate::artifacts::formdata_py::formdata_py;
use crate::artifacts::graph::{graph_png, graph_svg};
use crate::artifacts::params_py::params_py;
use crate::artifacts::readme_md::spec_dump;
use crate::artifacts::{
    Compiled, Package, check_diagnostics, front_end_diagnostics, names, package,
    package_without_images,
};
use crate::db::OverridesFile;
use crate::db::TemplateDir;
use crate::db::{Database, SharedInputs, Workflow, WorkflowBuilder};
use crate::diagnostics::{Diagnostic, Severity, has_errors};
use crate::discovery::plan::inputs::host_platform;
use crate::front::{lowered, spec_requirements};
use camino::{Utf8Path, Utf8PathBuf};
use rayon::prelude::*;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the driver computes per spec.
#[derive(Clone, Debug)]
pub(super) enum Mode {
    /// Diagnostics only: no images are rendered.
    Check,
    /// The whole package, images by the built-in engine (rendered in parallel).
    Builtin,
    /// The package without images; `dot` renders them from `graph.dot`.
    Graphviz(Utf8PathBuf),
}

/// One spec being compiled.
pub(super) struct Unit {
    /// The path as the user named it (or as a directory walk found it).
    pub shown: Utf8PathBuf,
    /// Absolute, lexically normalised path.
    pub abs: Utf8PathBuf,
    pub wf: Workflow,
    /// Where its registry stands (see [`Registries::attach`]).
    pub attachment: Attachment,
}

impl Unit {
    /// What the registry side needs to know about this spec.
    pub fn spec_ref(&self) -> SpecRef<'_> {
        SpecRef {
            wf: self.wf,
            abs: &self.abs,
            shown: &self.shown,
        }
    }

    /// Whether it is attached to a registry for its current text.
    pub fn registered(&self) -> bool {
        self.attachment.registered == Registered::Yes
    }

    /// The directory the release directory is written into.
    pub fn parent(&self) -> &Utf8Path {
        self.abs.parent().unwrap_or(Utf8Path::new("."))
    }
}

/// A compile's result for one unit.
pub(super) struct Built {
    pub compiled: Arc<Compiled>,
    /// The package to write (Graphviz images included), when there were no errors; always
    /// `None` for `check` ([`Mode::Check`] builds no package).
    pub package: Option<Arc<Package>>,
    /// Time spent compiling this unit.
    pub elapsed: Duration,
}

/// The database, its shared inputs and the registry source of one command.
pub(super) struct Driver {
    pub db: Database,
    pub overrides: Option<OverridesFile>,
    pub templates: Option<TemplateDir>,
    pub registries: Registries,
    pub mode: Mode,
    pub deny_warnings: bool,
    pub quiet: bool,
    /// Whether the built-in engine may take `graph.png` from the package on disk (see
    /// [`previous_png`]); `compile --check` and `--force` render it.
    pub reuse_png: bool,
    /// The `wtc explain` line printed after the run's diagnostics.
    pub footer: Footer,
    /// The options, host and placeholder registry every unit starts with.
    shared: SharedInputs,
    /// Every file this command has read (what `watch` watches).
    pub reads: Reads,
}

impl Driver {
    /// Set up from the command line (`images`: the whole package is built, not only the
    /// diagnostics of `check`; `reads`: where every file read is recorded). Problems with
    /// the registry source or the env-overrides file are reported; the exit code is
    /// returned.
    pub fn new(
        check: &CheckArgs,
        output: &OutputArgs,
        images: bool,
        reads: Reads,
    ) -> Result<Self, ExitCode> {
        if let Err(e) =
            super::validate::pixi_version(&std::env::var("PIXI_VERSION").unwrap_or_default())
        {
            eprintln!("error: {e}");
            return Err(ExitCode::from(2));
        }
        let source: Source = source(
            &check.build.discovery,
            check.build.locked,
            check.quiet,
            &reads,
        )
        .map_err(fail)?;
        let mut db = Database::default();
        let cwd = super::specs::absolute(Utf8Path::new("."));
        let dependencies = &check.build.dependencies;
        let overrides = match &dependencies.env_overrides {
            None => None,
            Some(path) => {
                Some(overrides::load_env_overrides(&mut db, path, &cwd, &reads).map_err(fail)?)
            }
        };
        let templates = match &dependencies.template_dir {
            None => None,
            Some(path) => {
                Some(templates::load_template_dir(&db, path, &cwd, &reads).map_err(fail)?)
            }
        };
        Ok(Self::with(
            db,
            source,
            (overrides, templates, reads),
            dependencies,
            (Some(output), images),
            check.build.deny_warnings,
            check.quiet,
        ))
    }

    /// Parse every spec whole (`Options::whole_parse`): for one-shot commands, which see no
    /// edit; `watch` keeps the piecewise parse.
    pub fn parse_whole(&mut self) {
        use salsa::Setter as _;
        self.shared.options.set_whole_parse(&mut self.db).to(true);
    }

    /// Set up only to obtain registries, with no env-overrides file, templates or output
    /// options (`wtc lock`, `wtc schema`).
    pub fn open(source: Source, reads: Reads, quiet: bool) -> Self {
        let db = Database::default();
        let inputs = (None, None, reads);
        Self::with(
            db,
            source,
            inputs,
            &DependencyArgs::default(),
            (None, false),
            false,
            quiet,
        )
    }

    fn with(
        db: Database,
        source: Source,
        (overrides, templates, reads): (Option<OverridesFile>, Option<TemplateDir>, Reads),
        dependencies: &DependencyArgs,
        (output, images): (Option<&OutputArgs>, bool),
        deny_warnings: bool,
        quiet: bool,
    ) -> Self {
        let (prefix, results_env_var) = output.map_or(("wt", "WT_RESULTS"), |o| {
            (o.pkg_name_prefix.as_str(), o.results_env_var.as_str())
        });
        let shared = WorkflowBuilder::new()
            .prefix(prefix)
            .results_env_var(results_env_var)
            .wt_conda_channel(std::env::var("WT_CONDA_CHANNEL").unwrap_or_default())
            .variant(dependencies.variant.clone())
            .env_overrides(overrides)
            .template_dir(templates)
            .pixi_version(std::env::var("PIXI_VERSION").unwrap_or_default())
            .platform(host_platform())
            .shared(&db);
        let mode = match output.filter(|_| images).map(|o| o.graph_engine) {
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
        let registries = Registries::new(&db, source, quiet, reads.clone());

        Self {
            db,
            overrides,
            templates,
            registries,
            mode,
            deny_warnings,
            quiet,
            reuse_png: true,
            footer: Footer::default(),
            shared,
            reads,
        }
    }

    /// Read one spec into the database (not yet attached to a registry). The error says
    /// why it cannot be read.
    pub fn load(&self, spec: &Utf8Path) -> Result<Unit, SpecReadError> {
        let abs = super::specs::absolute(spec);
        self.reads.record(&abs, Role::Spec);
        let text = read_spec(&abs)?;
        Ok(Unit {
            shown: spec.to_owned(),
            wf: self.shared.workflow(&self.db, abs.clone(), text),
            abs,
            attachment: Attachment::default(),
        })
    }

    /// Attach every unit to its registry (discovering once per key). Returns `false` if a
    /// discovery failed (reported).
    pub fn attach(&mut self, units: Vec<&mut Unit>) -> bool {
        let wfs: Vec<Workflow> = units.iter().map(|u| u.wf).collect();
        // What the loop below asks one spec at a time (each spec's parse and lowering,
        // its requirements for the local-channel probe and its discovery key), asked
        // first for all of them in parallel.
        if wfs.len() > 1 {
            wfs.par_iter().for_each_with(self.db.clone(), |db, &wf| {
                let _ = spec_requirements(db, wf);
            });
        }
        self.probe_local_channels(&wfs);
        let mut ok = true;
        for unit in units {
            unit.attachment =
                self.registries
                    .attach(&mut self.db, unit.spec_ref(), &unit.attachment);
            ok &= !unit.attachment.failed();
        }
        ok
    }

    /// Record which local channels `wfs` name exist (see [`probe_local_channels`]).
    pub fn probe_local_channels(&mut self, wfs: &[Workflow]) {
        probe_local_channels(&mut self.db, self.shared.host, wfs);
    }

    /// Compile `units` in parallel; results in the same order.
    pub fn compile(&self, units: &[&Unit]) -> Vec<Built> {
        let mut built = Vec::with_capacity(units.len());
        self.compile_each(units, |b| built.push(b));
        built
    }

    /// Compile `units` in parallel and hand each result to `each` on this thread, in the
    /// units' order, as soon as it and those before it are done: what `each` does (write
    /// a package) overlaps the compiles still running instead of waiting for all of them.
    pub fn compile_each(&self, units: &[&Unit], mut each: impl FnMut(Built)) {
        let db = self.db.clone();
        let job = Job {
            mode: self.mode.clone(),
            deny_warnings: self.deny_warnings,
            reuse_png: self.reuse_png,
        };
        let work: Vec<(usize, Workflow, bool)> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (i, u.wf, u.registered()))
            .collect();
        if work.len() <= 1 {
            for &(_, wf, registered) in &work {
                each(job.build(&db, wf, registered));
            }
            return;
        }
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            let job = &job;
            let compiles = s.spawn(move || {
                work.par_iter()
                    .for_each_with((db, send), |(db, send), &(i, wf, reg)| {
                        // The receiver only goes away when this thread's scope unwinds.
                        let _ = send.send((i, job.build(db, wf, reg)));
                    });
            });
            let mut pending: Vec<Option<Built>> = (0..units.len()).map(|_| None).collect();
            let mut next = 0;
            for (i, built) in receive.iter() {
                pending[i] = Some(built);
                while let Some(built) = pending.get_mut(next).and_then(Option::take) {
                    each(built);
                    next += 1;
                }
            }
            if let Err(panic) = compiles.join() {
                std::panic::resume_unwind(panic);
            }
        });
    }

    /// Print `compiled`'s diagnostics for `unit` on stderr (a problem of the env-overrides
    /// file or of the template directory once per `reported` list), then, if it failed, the closing
    /// `could not compile` line. Returns the number of errors (warnings count with
    /// `--deny-warnings`).
    pub fn report(
        &self,
        unit: &Unit,
        compiled: &Compiled,
        reported: &mut Vec<Diagnostic>,
    ) -> usize {
        let styled = styled_stderr();
        let sources = render::Sources {
            spec: (unit.shown.as_str(), unit.wf.spec(&self.db).text(&self.db)),
            overrides: self
                .overrides
                .map(|f| (f.path(&self.db).as_str(), f.text(&self.db).as_str())),
            templates: self
                .templates
                .map(|d| (d.path(&self.db).as_path(), d.files(&self.db).as_ref())),
        };
        let mut stderr = std::io::stderr().lock();
        for d in &compiled.diagnostics {
            if d.is_shared() {
                if reported.contains(d) {
                    continue;
                }
                reported.push(d.clone());
            }
            let d = promote(d, self.deny_warnings);
            self.footer.shown(&d);
            let _ = writeln!(stderr, "{}", render::render_in(&d, &sources, styled));
        }
        if !has_errors(&compiled.diagnostics, self.deny_warnings) {
            return 0;
        }
        let n = compiled
            .diagnostics
            .iter()
            .filter(|d| d.is_error() || self.deny_warnings)
            .count();
        let _ = writeln!(
            stderr,
            "{}: could not compile `{}` due to {n} previous error{}",
            error_label(styled),
            unit.shown,
            plural(n)
        );
        n
    }
}

/// `s` unless `n` is 1.
pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Why a spec file cannot be read.
#[derive(Debug, thiserror::Error)]
pub(super) enum SpecReadError {
    #[error("spec path is not a file: {0} ({1})")]
    NotAFile(Utf8PathBuf, &'static str),
    #[error("spec file not found: {0}")]
    NotFound(Utf8PathBuf),
    #[error("cannot read spec `{path}`: {}", .source.detail())]
    Read {
        path: Utf8PathBuf,
        source: crate::files::ReadError,
    },
}

/// The text of the spec at `abs`, or why it cannot be read.
pub(super) fn read_spec(abs: &Utf8Path) -> Result<String, SpecReadError> {
    use crate::files::{ReadError, read_text};
    read_text(abs.as_std_path()).map_err(|source| match source {
        ReadError::NotRegular { kind, .. } => SpecReadError::NotAFile(abs.to_owned(), kind),
        e if e.is_not_found() => SpecReadError::NotFound(abs.to_owned()),
        source => SpecReadError::Read {
            path: abs.to_owned(),
            source,
        },
    })
}

/// What a compile worker needs of the [`Driver`] besides a database handle (the driver
/// stays with the thread that writes).
struct Job {
    mode: Mode,
    deny_warnings: bool,
    reuse_png: bool,
}

impl Job {
    fn build(&self, db: &Database, wf: Workflow, registered: bool) -> Built {
        let start = Instant::now();
        let compiled = match registered {
            true => compile_one(db, wf, &self.mode, self.reuse_png),
            false => {
                let mut diagnostics = lowered(db, wf).diagnostics.clone();
                diagnostics
                    .sort_by_key(|d| d.primary.as_ref().map_or(usize::MAX, |p| p.span.start));
                Arc::new(Compiled {
                    diagnostics,
                    package: None,
                })
            }
        };
        let package = match (&compiled.package, &self.mode) {
            (Some(_), _) if has_errors(&compiled.diagnostics, self.deny_warnings) => None,
            (Some(pkg), Mode::Graphviz(dot)) => {
                Some(Arc::new(with_graphviz_images(db, wf, pkg, dot)))
            }
            (pkg, _) => pkg.clone(),
        };
        Built {
            compiled,
            package,
            elapsed: start.elapsed(),
        }
    }
}

/// Compile one spec for `mode`. `check` computes only the diagnostics
/// ([`check_diagnostics`]: no package). Otherwise on two workers: one goes through the package in order
/// ([`package_without_images`]) while the other computes what that asks for last
/// ([`prefetch`]) and then, with the built-in engine, the graph images (`package` asks
/// for them last and finds them done), unless `reuse_png` and [`previous_png`] has it.
/// The workers share the memos: whichever asks for a query the other is computing waits
/// for it, so nothing is computed twice, and the output is the same as on one worker.
fn compile_one(db: &Database, wf: Workflow, mode: &Mode, reuse_png: bool) -> Arc<Compiled> {
    let images = match mode {
        // Diagnostics only: no package is built (`Built::package` stays `None`).
        Mode::Check => {
            return Arc::new(Compiled {
                diagnostics: check_diagnostics(db, wf).as_ref().clone(),
                package: None,
            });
        }
        Mode::Graphviz(_) => false,
        Mode::Builtin => true,
    };
    let (main, helper) = (db.clone(), db.clone());
    let (compiled, reused) = rayon::join(
        move || package_without_images(&main, wf).clone(),
        move || {
            prefetch(&helper, wf);
            if !images {
                return None;
            }
            let previous = reuse_png.then(|| previous_png(&helper, wf)).flatten();
            previous.or_else(|| {
                let _ = graph_png(&helper, wf);
                None
            })
        },
    );
    if !images {
        return compiled;
    }
    match (reused, &compiled.package) {
        (Some(png), Some(pkg)) => {
            let mut pkg = pkg.as_ref().clone();
            pkg.insert_after("graph.dot", "graph.svg", graph_svg(db, wf).clone());
            pkg.insert_after("graph.svg", "graph.png", png);
            Arc::new(Compiled {
                diagnostics: compiled.diagnostics.clone(),
                package: Some(Arc::new(pkg)),
            })
        }
        _ => package(db, wf).clone(),
    }
}

/// The per-task work [`package_without_images`] reaches last, so a second worker can do
/// it meanwhile: the two DAG modules (every task's statement), the spec dump (every
/// task's; the README hashes it), the parameter models. Nothing when the front end failed (the
/// compile stops there).
fn prefetch(db: &Database, wf: Workflow) {
    if front_end_diagnostics(db, wf)
        .iter()
        .any(Diagnostic::is_error)
    {
        return;
    }
    let _ = run_sequential_py(db, wf);
    let _ = run_sequential_mock_io_py(db, wf);
    let _ = spec_dump(db, wf);
    let _ = params_py(db, wf);
    let _ = formdata_py(db, wf);
}

/// The `graph.png` of the package already on disk, when its `graph.svg` is byte-identical
/// to the one this compile makes: both are drawn from the same layout, so the image would
/// come out the same, and rasterising it is most of a one-shot compile's time.
fn previous_png(db: &Database, wf: Workflow) -> Option<Arc<[u8]>> {
    let spec = wf.spec(db).path(db);
    let dir = spec.parent()?.join(&names(db, wf).release_name);
    let old_svg = crate::files::read_bytes(dir.join("graph.svg").as_std_path()).ok()?;
    if *old_svg != **graph_svg(db, wf) {
        return None;
    }
    let png = crate::files::read_bytes(dir.join("graph.png").as_std_path()).ok()?;
    png.starts_with(b"\x89PNG\r\n\x1a\n")
        .then(|| Arc::from(png))
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
