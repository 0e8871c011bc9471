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
use serde_json::Value;

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
    /// The container as `json.dumps(sort_keys=True)` writes it: `(basic, strict)`, where
    /// the basic text leaves out `dockerfile` and `pixi_toml`. Every value is serialized
    /// once and shared by both texts; the large file texts are escaped straight into the
    /// output, never copied into a JSON value.
    #[must_use]
    pub fn to_json_texts(&self) -> (String, String) {
        let p = &self.package;
        let dags = object(&[
            ("init_dot_py", &string(p.dags.init_dot_py)),
            (
                "run_sequential_mock_io",
                &string(p.dags.run_sequential_mock_io),
            ),
            ("run_sequential", &string(p.dags.run_sequential)),
        ]);
        let package = object(&[
            ("dags", &dags),
            ("rjsf", &value(p.rjsf)),
            ("params_json", &value(p.params_json)),
            ("cli", &string(p.cli)),
            ("dispatch", &string(p.dispatch)),
            ("metadata", &string(p.metadata)),
            ("response", &string(p.response)),
            ("init_dot_py", &string(p.init_dot_py)),
        ]);
        let tests = self.tests.map_or_else(
            || "null".to_string(),
            |t| {
                object(&[
                    ("conftest", &string(t.conftest)),
                    ("test_metadata", &string(t.test_metadata)),
                    ("test_results", &string(t.test_results)),
                ])
            },
        );
        let (release_name, package_name) = (string(self.release_name), string(self.package_name));
        let (dockerignore, pyproject_toml, hatch_build_py) = (
            optional(self.dockerignore),
            optional(self.pyproject_toml),
            optional(self.hatch_build_py),
        );
        let (pixi_toml, dockerfile) = (
            self.pixi_toml.map_or_else(|| "null".into(), value),
            optional(self.dockerfile),
        );
        let mut entries: Vec<(&str, &str)> = vec![
            ("release_name", &release_name),
            ("package_name", &package_name),
            ("package", &package),
            ("tests", &tests),
            ("dockerignore", &dockerignore),
            ("pyproject_toml", &pyproject_toml),
            ("hatch_build_py", &hatch_build_py),
        ];
        let basic = object(&entries);
        entries.push(("pixi_toml", &pixi_toml));
        entries.push(("dockerfile", &dockerfile));
        (basic, object(&entries))
    }

    /// `(artifacts_sha256_basic, artifacts_sha256_strict)`: the basic hash leaves out
    /// `dockerfile` and `pixi_toml`.
    #[must_use]
    pub fn sha256_pair(&self) -> (String, String) {
        let (basic, strict) = self.to_json_texts();
        (sha256_hex(basic.as_bytes()), sha256_hex(strict.as_bytes()))
    }
}

/// A JSON object of already-serialized values, keys sorted (`sort_keys=True`).
fn object(entries: &[(&str, &str)]) -> String {
    let mut entries = entries.to_vec();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::with_capacity(entries.iter().map(|(k, v)| k.len() + v.len() + 6).sum());
    out.push('{');
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&string(k));
        out.push_str(": ");
        out.push_str(v);
    }
    out.push('}');
    out
}

/// A string as `json.dumps` writes it (ASCII only).
fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    crate::pyjson::push_ascii_string(&mut out, s);
    out
}

fn optional(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_string(), string)
}

fn value(v: &Value) -> String {
    crate::pyjson::to_string_sorted(v)
}
