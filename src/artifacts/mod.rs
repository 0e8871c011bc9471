//! Generated artifacts: one module per file, each behind a tracked query.
//!
//! Which module produces which file is tabled once, in `ARCHITECTURE.md` ("Where each
//! artifact is produced"), next to the query graph.
//!
//! [`package`] gathers them into the ordered file list the output layer writes;
//! [`package_without_images`] is the same without the rendered `graph.svg`/`graph.png`
//! (for `check`, and for the Graphviz engine, which renders them from `graph.dot` in the CLI).

pub mod covered;
pub mod dag;
pub mod dockerfile;
pub mod dockerignore;
pub mod formdata_py;
pub mod graph;
pub mod hatch_build_py;
pub mod init_py;
pub mod package_modules;
pub mod params_json;
pub mod params_py;
pub mod pixi_toml;
pub mod pyproject_toml;
pub mod readme_md;
pub mod rjsf_json;
pub mod tests_conftest;
pub mod tests_test_metadata;
pub mod tests_test_results;
pub mod version_yaml;

use crate::db::{Db, Workflow};
use crate::diagnostics::{Code, Diagnostic};
use crate::templates::Rendered;
use covered::Covered;
use std::sync::Arc;

/// Names derived from the spec id and options.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Names {
    /// `<prefix>-<id with _ → ->-workflow`, also the output directory name.
    pub release_name: String,
    /// The release name with `-` → `_`.
    pub package_name: String,
    pub results_env_var: String,
}

impl Names {
    pub fn new(prefix: &str, spec_id: &str, results_env_var: &str) -> Self {
        let release_name = format!("{prefix}-{}-workflow", spec_id.replace('_', "-"));
        Self {
            package_name: release_name.replace('-', "_"),
            release_name,
            results_env_var: results_env_var.to_string(),
        }
    }
}

#[salsa::tracked(returns(ref))]
pub fn names(db: &dyn Db, wf: Workflow) -> Arc<Names> {
    let opts = wf.options(db);
    let spec = crate::front::spec_model(db, wf);
    Arc::new(Names::new(
        opts.pkg_name_prefix(db),
        &spec.id.value,
        opts.results_env_var(db),
    ))
}

/// The contents of one generated file.
pub type Bytes = Arc<[u8]>;

/// A compiled package: relative path → bytes, in write order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub release_name: String,
    pub files: Vec<(String, Bytes)>,
}

impl Package {
    /// The contents of the file at `path` (relative to the release dir).
    pub fn file(&self, path: &str) -> Option<&Bytes> {
        self.files.iter().find(|(p, _)| p == path).map(|(_, b)| b)
    }

    /// Insert `path` after the file `after` (or at the end), replacing any file at `path`.
    pub fn insert_after(&mut self, after: &str, path: &str, bytes: Bytes) {
        self.files.retain(|(p, _)| p != path);
        let at = self
            .files
            .iter()
            .position(|(p, _)| p == after)
            .map_or(self.files.len(), |i| i + 1);
        self.files.insert(at, (path.to_string(), bytes));
    }
}

/// Text → file contents.
fn text(s: &str) -> Bytes {
    Arc::from(s.as_bytes())
}

/// A memoized text as the package's bytes, shared, not copied (a large spec's package is
/// several times the size of its YAML).
fn shared(s: &Arc<str>) -> Bytes {
    Arc::<[u8]>::from(Arc::clone(s))
}

/// Everything a compile produced: diagnostics (warnings and errors), and the package when
/// there were no errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compiled {
    pub diagnostics: Vec<Diagnostic>,
    pub package: Option<Arc<Package>>,
}

/// All diagnostics of the front-end (lowering + resolution), in source order per phase.
#[salsa::tracked(returns(ref))]
pub fn front_end_diagnostics(db: &dyn Db, wf: Workflow) -> Arc<Vec<Diagnostic>> {
    let mut diags = crate::front::lowered(db, wf).diagnostics.clone();
    let lowered_ok = !diags.iter().any(Diagnostic::is_error);
    let resolution = crate::front::resolution(db, wf);
    // A task instance that failed to lower is missing from the workflow, so references to
    // it would be reported as unknown: only trust those when lowering succeeded.
    diags.extend(
        resolution
            .diagnostics
            .iter()
            .filter(|d| lowered_ok || d.code != Code::UnknownReference)
            .cloned(),
    );
    // Report in source order; diagnostics without a location come last.
    diags.sort_by_key(|d| d.primary.as_ref().map_or(usize::MAX, |p| p.span.start));
    Arc::new(diags)
}

/// Compile the whole package, `graph.svg` and `graph.png` rendered by the built-in engine.
///
/// The images come last, so a caller that wants them in parallel can start
/// [`graph::graph_png`] on another database handle first (the CLI does).
#[salsa::tracked(returns(ref))]
pub fn package(db: &dyn Db, wf: Workflow) -> Arc<Compiled> {
    let base = package_without_images(db, wf);
    let Some(pkg) = &base.package else {
        return base.clone();
    };
    let mut diagnostics = base.diagnostics.clone();
    let mut pkg = pkg.as_ref().clone();
    pkg.insert_after("graph.dot", "graph.svg", graph::graph_svg(db, wf).clone());
    match graph::graph_png(db, wf) {
        Ok(png) => pkg.insert_after("graph.svg", "graph.png", png.clone()),
        Err(e) => {
            diagnostics.push(Diagnostic::error(
                Code::GraphRender,
                format!("could not render graph.png: {e}"),
            ));
            return Arc::new(Compiled {
                diagnostics,
                package: None,
            });
        }
    }
    Arc::new(Compiled {
        diagnostics,
        package: Some(Arc::new(pkg)),
    })
}

/// Every file of the package except the rendered graph images; all the diagnostics of a
/// compile (what `check` reports).
///
/// Write order, group by group: [`root_files`], [`PACKAGING`], `README.md`,
/// [`TESTS`], [`MODULES`], [`generated_code_files`]. The queries are
/// asked in a different order: the front end, the schemas, every templated file (so all
/// their errors are reported), the README (which would fail on the same errors), the
/// models, then the rest.
#[salsa::tracked(returns(ref))]
pub fn package_without_images(db: &dyn Db, wf: Workflow) -> Arc<Compiled> {
    let mut diagnostics = input_diagnostics(db, wf);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return failed(diagnostics);
    }
    let names = names(db, wf);
    let params = params_json::params_json(db, wf);
    let rjsf = rjsf_json::rjsf_json(db, wf);
    let (params, rjsf) = match (params, rjsf) {
        (Ok(p), Ok(r)) => (shared(p), shared(r)),
        (p, r) => {
            for e in [p.as_ref().err(), r.as_ref().err()].into_iter().flatten() {
                diagnostics.extend(e.iter().cloned());
            }
            return failed(diagnostics);
        }
    };
    let pkg = &names.package_name;
    // The files rendered from templates; a user template that fails fails the compile
    // (every such failure is reported).
    let packaging = rendered(templated(db, wf, pkg, &PACKAGING), &mut diagnostics);
    let tests = rendered(templated(db, wf, pkg, &TESTS), &mut diagnostics);
    let modules = rendered(templated(db, wf, pkg, &MODULES), &mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return failed(diagnostics);
    }
    let readme = match readme_md::readme_md(db, wf) {
        Ok(r) => r.clone(),
        Err(e) => {
            diagnostics.extend(e.iter().cloned());
            return failed(diagnostics);
        }
    };
    // Both schemas passed their checks, so their models can be generated.
    let (params_py, formdata_py) = match (
        params_py::params_py(db, wf),
        formdata_py::formdata_py(db, wf),
    ) {
        (Ok(p), Ok(f)) => (p.clone(), f.clone()),
        (p, f) => {
            for e in [p.as_ref().err(), f.as_ref().err()].into_iter().flatten() {
                diagnostics.extend(e.iter().cloned());
            }
            return failed(diagnostics);
        }
    };
    let root = root_files(db, wf, pkg);
    let models = Models {
        rjsf,
        params,
        params_py: shared(&params_py),
        formdata_py: shared(&formdata_py),
    };
    let code = generated_code_files(db, wf, pkg, models);
    let readme = vec![("README.md".to_string(), shared(&readme))];
    let files = [root, packaging, readme, tests, modules, code].concat();
    Arc::new(Compiled {
        diagnostics,
        package: Some(Arc::new(Package {
            release_name: names.release_name.clone(),
            files,
        })),
    })
}

/// The diagnostics of [`package_without_images`] without building the package: what
/// `wtc check` reports, in the same order, at a fraction of the cost for a large spec.
///
/// A compile reports the problems of its inputs, then of the two schemas (their
/// meta-schema checks), then of the templated files, stopping after the first of these
/// steps that has an error; the rest (the README, the models, the DAG modules,
/// `graph.dot`, `pixi.toml`) cannot fail once these passed: the README's fingerprint fails
/// only on a task that did not resolve (an input error) or on a schema or templated file
/// that failed, and the models only on a schema that failed. So this stops there too and
/// renders neither the schema texts nor the untemplated files, and keeps no schema value.
#[salsa::tracked(returns(ref))]
pub fn check_diagnostics(db: &dyn Db, wf: Workflow) -> Arc<Vec<Diagnostic>> {
    let mut diagnostics = input_diagnostics(db, wf);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Arc::new(diagnostics);
    }
    // Each schema is built, checked and dropped: a large spec's schemas are several times
    // the size of its YAML, and only the compile needs them afterwards.
    let params = params_json::build_params_value(db, wf)
        .and_then(|v| params_json::check_schema(db, wf, "params.json", &v));
    let rjsf = rjsf_json::build_rjsf_value(db, wf)
        .and_then(|v| params_json::check_schema(db, wf, "rjsf.json", &v));
    if params.is_err() || rjsf.is_err() {
        for e in [params.err(), rjsf.err()].into_iter().flatten() {
            diagnostics.extend(e);
        }
        return Arc::new(diagnostics);
    }
    for file in [PACKAGING.as_slice(), &TESTS, &MODULES].concat() {
        if let Err(e) = file.text(db, wf) {
            diagnostics.extend(e);
        }
    }
    Arc::new(diagnostics)
}

/// The problems of a compile's inputs: the front end's, the dependency layers' and, with
/// `--template-dir`, its unknown files.
fn input_diagnostics(db: &dyn Db, wf: Workflow) -> Vec<Diagnostic> {
    let mut diagnostics = front_end_diagnostics(db, wf).as_ref().clone();
    diagnostics.extend(
        crate::dependencies::merge::diagnostics(db, wf)
            .iter()
            .cloned(),
    );
    if let Some(dir) = *wf.options(db).template_dir(db) {
        diagnostics.extend(
            crate::templates::user::unknown_files(db, dir)
                .iter()
                .cloned(),
        );
    }
    diagnostics
}

/// A compile that failed with `diagnostics` (no package).
fn failed(diagnostics: Vec<Diagnostic>) -> Arc<Compiled> {
    Arc::new(Compiled {
        diagnostics,
        package: None,
    })
}

/// A templated file: its path and its rendering (or the template's diagnostics).
type Templated = (String, Rendered);

/// The files of `templated` that rendered; the diagnostics of the others go to
/// `diagnostics`.
fn rendered(templated: Vec<Templated>, diagnostics: &mut Vec<Diagnostic>) -> Vec<(String, Bytes)> {
    let mut files = Vec::with_capacity(templated.len());
    for (path, result) in templated {
        match result {
            Ok(t) => files.push((path, shared(&t))),
            Err(e) => diagnostics.extend(e),
        }
    }
    files
}

/// First group, release-dir root, not templated: `graph.dot`, `pixi.toml`, `VERSION.yaml`.
fn root_files(db: &dyn Db, wf: Workflow, pkg: &str) -> Vec<(String, Bytes)> {
    vec![
        ("graph.dot".to_string(), graph::graph_dot(db, wf).clone()),
        (
            Covered::PixiToml.path(pkg),
            shared(pixi_toml::pixi_toml(db, wf)),
        ),
        (
            "VERSION.yaml".to_string(),
            text(&version_yaml::Version::default().to_yaml()),
        ),
    ]
}

/// Second group, release-dir root, templated (`README.md` follows them).
const PACKAGING: [Covered; 4] = [
    Covered::Dockerfile,
    Covered::Dockerignore,
    Covered::PyprojectToml,
    Covered::HatchBuildPy,
];

/// The generated test suite, templated (after `README.md`).
const TESTS: [Covered; 3] = [
    Covered::Conftest,
    Covered::TestMetadata,
    Covered::TestResults,
];

/// The package's templated modules.
const MODULES: [Covered; 4] = [
    Covered::Cli,
    Covered::Dispatch,
    Covered::Metadata,
    Covered::Response,
];

/// `files` with their paths and renderings.
fn templated(db: &dyn Db, wf: Workflow, pkg: &str, files: &[Covered]) -> Vec<Templated> {
    files
        .iter()
        .map(|file| (file.path(pkg), file.text(db, wf)))
        .collect()
}

/// The schemas and their models, already checked.
struct Models {
    rjsf: Bytes,
    params: Bytes,
    params_py: Bytes,
    formdata_py: Bytes,
}

/// Last group, the package's generated code: `<pkg>/__init__.py`, `rjsf.json`,
/// `params.json`, `params.py`, `formdata.py`, `dags/__init__.py`,
/// `dags/run_sequential_mock_io.py`, `dags/run_sequential.py`.
fn generated_code_files(
    db: &dyn Db,
    wf: Workflow,
    pkg: &str,
    models: Models,
) -> Vec<(String, Bytes)> {
    vec![
        (
            Covered::PackageInit.path(pkg),
            text(&init_py::package_init_py()),
        ),
        (Covered::RjsfJson.path(pkg), models.rjsf),
        (Covered::ParamsJson.path(pkg), models.params),
        (format!("{pkg}/params.py"), models.params_py),
        (format!("{pkg}/formdata.py"), models.formdata_py),
        (Covered::DagsInit.path(pkg), text(&init_py::dags_init_py())),
        (
            Covered::RunSequentialMockIo.path(pkg),
            shared(dag::run_sequential_mock_io_py(db, wf)),
        ),
        (
            Covered::RunSequential.path(pkg),
            shared(dag::run_sequential_py(db, wf)),
        ),
    ]
}
