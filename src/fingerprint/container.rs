//! `artifacts_sha256_basic` / `artifacts_sha256_strict` (§11.3): a hash of the reference's
//! artifact container (`WorkflowArtifacts`), serialized with its *field* names:
//!
//! ```text
//! {release_name, package_name,
//!  package: {dags: {init_dot_py, run_sequential_mock_io, run_sequential},
//!            rjsf: <object>, params_json: <object>, cli, dispatch, metadata, response, init_dot_py},
//!  tests: {conftest, test_metadata, test_results},
//!  pixi_toml: <object>, dockerfile, dockerignore, pyproject_toml, hatch_build_py}
//! ```
//!
//! re-serialized like `json.dumps(sort_keys=True)` and hashed. The strict hash uses all of
//! it; the basic one leaves out `dockerfile` and `pixi_toml`. The spec path, graph and
//! README are never part of it.
//!
//! **Informational only.** The hashes depend on the exact text of every generated file,
//! so they equal the reference's only when every file is byte-identical, which wtc's are
//! not (it writes imports and `noqa` notes differently, and some files are not generated
//! yet). Parts that wtc does not generate yet are `None` here and serialized as `null`;
//! the packaging work fills them in. Nothing reads these hashes back (`--update` compares
//! `params_sha256` only).

use super::sha256_hex;
use serde_json::{Value, json};

/// Everything the artifact hashes cover, borrowed from the generated files.
#[derive(Clone, Copy, Debug)]
pub struct ArtifactContainer<'a> {
    pub release_name: &'a str,
    pub package_name: &'a str,
    pub package: PackageArtifacts<'a>,
    /// `tests/conftest.py`, `test_metadata.py`, `test_results.py`.
    pub tests: Option<TestsArtifacts<'a>>,
    /// The pixi manifest as the reference's model dumps it (not TOML text):
    /// `{workspace: {name, channels, platforms}, dependencies, pypi_dependencies,
    /// feature: {<name>: {dependencies, pypi_dependencies, tasks}},
    /// environments: {<name>: {features, solve_group, no_default_feature}}, tasks}`.
    pub pixi_toml: Option<&'a Value>,
    pub dockerfile: Option<&'a str>,
    pub dockerignore: Option<&'a str>,
    pub pyproject_toml: Option<&'a str>,
    pub hatch_build_py: Option<&'a str>,
}

/// The files of the Python package.
#[derive(Clone, Copy, Debug)]
pub struct PackageArtifacts<'a> {
    pub dags: DagsArtifacts<'a>,
    /// `rjsf.json` as a JSON value.
    pub rjsf: &'a Value,
    /// `params.json` as a JSON value.
    pub params_json: &'a Value,
    pub cli: &'a str,
    pub dispatch: &'a str,
    pub metadata: &'a str,
    pub response: &'a str,
    pub init_dot_py: &'a str,
}

/// `dags/__init__.py`, `dags/run_sequential_mock_io.py`, `dags/run_sequential.py`.
#[derive(Clone, Copy, Debug)]
pub struct DagsArtifacts<'a> {
    pub init_dot_py: &'a str,
    pub run_sequential_mock_io: &'a str,
    pub run_sequential: &'a str,
}

/// The generated test-suite.
#[derive(Clone, Copy, Debug)]
pub struct TestsArtifacts<'a> {
    pub conftest: &'a str,
    pub test_metadata: &'a str,
    pub test_results: &'a str,
}

impl ArtifactContainer<'_> {
    /// The container as a JSON value; `strict: false` leaves out `dockerfile` and
    /// `pixi_toml` (the basic hash).
    #[must_use]
    pub fn to_json(&self, strict: bool) -> Value {
        let p = &self.package;
        let mut v = json!({
            "release_name": self.release_name,
            "package_name": self.package_name,
            "package": {
                "dags": {
                    "init_dot_py": p.dags.init_dot_py,
                    "run_sequential_mock_io": p.dags.run_sequential_mock_io,
                    "run_sequential": p.dags.run_sequential,
                },
                "rjsf": p.rjsf,
                "params_json": p.params_json,
                "cli": p.cli,
                "dispatch": p.dispatch,
                "metadata": p.metadata,
                "response": p.response,
                "init_dot_py": p.init_dot_py,
            },
            "tests": self.tests.map(|t| json!({
                "conftest": t.conftest,
                "test_metadata": t.test_metadata,
                "test_results": t.test_results,
            })),
            "dockerignore": self.dockerignore,
            "pyproject_toml": self.pyproject_toml,
            "hatch_build_py": self.hatch_build_py,
        });
        if strict && let Some(map) = v.as_object_mut() {
            map.insert("pixi_toml".into(), json!(self.pixi_toml));
            map.insert("dockerfile".into(), json!(self.dockerfile));
        }
        v
    }

    /// `artifacts_sha256_basic`: without `dockerfile` and `pixi_toml`.
    #[must_use]
    pub fn sha256_basic(&self) -> String {
        sha256_hex(crate::pyjson::to_string_sorted(&self.to_json(false)).as_bytes())
    }

    /// `artifacts_sha256_strict`: the whole container.
    #[must_use]
    pub fn sha256_strict(&self) -> String {
        sha256_hex(crate::pyjson::to_string_sorted(&self.to_json(true)).as_bytes())
    }
}
