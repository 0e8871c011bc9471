//! The generated files the README's artifact hashes cover, by name: each one's path in the
//! release directory, the query that renders it, and its SHA-256, memoized per file.
//!
//! The set is the reference's artifact container (`artifacts.md` §11.3) as files: the
//! package's modules and schemas, the test suite, `pixi.toml`, `Dockerfile`,
//! `.dockerignore`, `pyproject.toml` and `hatch_build.py`. Never covered: the spec, the
//! graph files, `VERSION.yaml`, the models (`params.py`, `formdata.py`) and the README
//! itself. The package assembly ([`super::package_without_images`]) takes the paths and
//! texts of these files from here too, so the hashes name the files that are written.

use crate::artifacts::{dag, init_py, package_modules, params_json, pixi_toml, rjsf_json};
use crate::artifacts::{
    dockerfile, dockerignore, hatch_build_py, pyproject_toml, tests_conftest, tests_test_metadata,
    tests_test_results,
};
use crate::db::{Db, Workflow};
use crate::diagnostics::Diagnostic;
use crate::templates::Rendered;
use sha2::{Digest, Sha256};

/// A file the artifact hashes cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Covered {
    PixiToml,
    Dockerfile,
    Dockerignore,
    PyprojectToml,
    HatchBuildPy,
    Conftest,
    TestMetadata,
    TestResults,
    Cli,
    Dispatch,
    Metadata,
    Response,
    PackageInit,
    RjsfJson,
    ParamsJson,
    DagsInit,
    RunSequentialMockIo,
    RunSequential,
}

impl Covered {
    /// Every covered file.
    pub const ALL: [Covered; 18] = [
        Covered::PixiToml,
        Covered::Dockerfile,
        Covered::Dockerignore,
        Covered::PyprojectToml,
        Covered::HatchBuildPy,
        Covered::Conftest,
        Covered::TestMetadata,
        Covered::TestResults,
        Covered::Cli,
        Covered::Dispatch,
        Covered::Metadata,
        Covered::Response,
        Covered::PackageInit,
        Covered::RjsfJson,
        Covered::ParamsJson,
        Covered::DagsInit,
        Covered::RunSequentialMockIo,
        Covered::RunSequential,
    ];

    /// The file's path relative to the release directory, `pkg` being the package name.
    #[must_use]
    pub fn path(self, pkg: &str) -> String {
        let in_package = |name: &str| format!("{pkg}/{name}");
        match self {
            Covered::PixiToml => "pixi.toml".into(),
            Covered::Dockerfile => "Dockerfile".into(),
            Covered::Dockerignore => ".dockerignore".into(),
            Covered::PyprojectToml => "pyproject.toml".into(),
            Covered::HatchBuildPy => "hatch_build.py".into(),
            Covered::Conftest => "tests/conftest.py".into(),
            Covered::TestMetadata => "tests/test_metadata.py".into(),
            Covered::TestResults => "tests/test_results.py".into(),
            Covered::Cli => in_package("cli.py"),
            Covered::Dispatch => in_package("dispatch.py"),
            Covered::Metadata => in_package("metadata.py"),
            Covered::Response => in_package("response.py"),
            Covered::PackageInit => in_package("__init__.py"),
            Covered::RjsfJson => in_package("rjsf.json"),
            Covered::ParamsJson => in_package("params.json"),
            Covered::DagsInit => in_package("dags/__init__.py"),
            Covered::RunSequentialMockIo => in_package("dags/run_sequential_mock_io.py"),
            Covered::RunSequential => in_package("dags/run_sequential.py"),
        }
    }

    /// Whether `artifacts_sha256_basic` covers the file: all but `Dockerfile` and
    /// `pixi.toml` (the strict hash covers all).
    #[must_use]
    pub fn in_basic(self) -> bool {
        !matches!(self, Covered::Dockerfile | Covered::PixiToml)
    }

    /// The file's text, or the diagnostics of its template or schema check.
    pub fn text(self, db: &dyn Db, wf: Workflow) -> Rendered {
        let always = |text: &std::sync::Arc<str>| Ok(text.clone());
        match self {
            Covered::PixiToml => always(pixi_toml::pixi_toml(db, wf)),
            Covered::Dockerfile => dockerfile::dockerfile(db, wf).clone(),
            Covered::Dockerignore => dockerignore::dockerignore(db, wf).clone(),
            Covered::PyprojectToml => pyproject_toml::pyproject_toml(db, wf).clone(),
            Covered::HatchBuildPy => hatch_build_py::hatch_build_py(db, wf).clone(),
            Covered::Conftest => tests_conftest::conftest_py(db, wf).clone(),
            Covered::TestMetadata => tests_test_metadata::test_metadata_py(db, wf).clone(),
            Covered::TestResults => tests_test_results::test_results_py(db, wf).clone(),
            Covered::Cli => package_modules::cli_py(db, wf).clone(),
            Covered::Dispatch => package_modules::dispatch_py(db, wf).clone(),
            Covered::Metadata => package_modules::metadata_py(db, wf).clone(),
            Covered::Response => package_modules::response_py(db, wf).clone(),
            Covered::PackageInit => Ok(init_py::package_init_py()),
            Covered::RjsfJson => rjsf_json::rjsf_json(db, wf).clone(),
            Covered::ParamsJson => params_json::params_json(db, wf).clone(),
            Covered::DagsInit => Ok(init_py::dags_init_py()),
            Covered::RunSequentialMockIo => always(dag::run_sequential_mock_io_py(db, wf)),
            Covered::RunSequential => always(dag::run_sequential_py(db, wf)),
        }
    }
}

/// The SHA-256 of one covered file's text. Memoized per file: an edit re-hashes only the
/// files whose text it changed (the others' texts backdate, so this is not re-run).
#[salsa::tracked(returns(ref))]
pub fn covered_sha256(
    db: &dyn Db,
    wf: Workflow,
    file: Covered,
) -> Result<[u8; 32], Vec<Diagnostic>> {
    let text = file.text(db, wf)?;
    Ok(Sha256::digest(text.as_bytes()).into())
}
