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

use sha2::{Digest, Sha256};

/// Everything the artifact hashes cover, borrowed from the generated files.
#[derive(Clone, Copy, Debug)]
pub struct ArtifactContainer<'a> {
    pub release_name: &'a str,
    pub package_name: &'a str,
    pub package: PackageArtifacts<'a>,
    /// `tests/conftest.py`, `test_metadata.py`, `test_results.py`.
    pub tests: Option<TestsArtifacts<'a>>,
    /// The pixi manifest as the reference's model dumps it (not TOML text), as sorted JSON
    /// text ([`crate::pyjson::to_string_sorted`]):
    /// `{workspace: {name, channels, platforms}, dependencies, pypi_dependencies,
    /// feature: {<name>: {dependencies, pypi_dependencies, tasks}},
    /// environments: {<name>: {features, solve_group, no_default_feature}}, tasks}`.
    pub pixi_toml: Option<&'a str>,
    pub dockerfile: Option<&'a str>,
    pub dockerignore: Option<&'a str>,
    pub pyproject_toml: Option<&'a str>,
    pub hatch_build_py: Option<&'a str>,
}

/// The files of the Python package.
#[derive(Clone, Copy, Debug)]
pub struct PackageArtifacts<'a> {
    pub dags: DagsArtifacts<'a>,
    /// `rjsf.json`'s value as sorted JSON text ([`crate::pyjson::to_string_sorted`]; the
    /// caller memoizes it, so an edit that leaves the schema alone does not serialize it).
    pub rjsf: &'a str,
    /// `params.json`'s value as sorted JSON text.
    pub params_json: &'a str,
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
    /// the basic text leaves out `dockerfile` and `pixi_toml`.
    #[must_use]
    pub fn to_json_texts(&self) -> (String, String) {
        let (mut basic, mut strict) = (String::new(), String::new());
        self.write(&mut Out {
            basic: &mut |t| basic.push_str(t),
            strict: &mut |t| strict.push_str(t),
            basic_on: true,
        });
        (basic, strict)
    }

    /// `(artifacts_sha256_basic, artifacts_sha256_strict)`: the basic hash leaves out
    /// `dockerfile` and `pixi_toml`. The texts are streamed into the two hashers (each value
    /// serialized once, the large file texts escaped piecewise), never built whole: for a
    /// large spec they are twice the size of the package. The basic text is hashed on
    /// another thread, in pieces of about 64 KiB handed over as they are escaped.
    #[must_use]
    pub fn sha256_pair(&self) -> (String, String) {
        const PIECE: usize = 64 * 1024;
        let (send, receive) = std::sync::mpsc::sync_channel::<String>(4);
        std::thread::scope(|scope| {
            let basic = scope.spawn(move || {
                let mut hasher = Sha256::new();
                for piece in receive {
                    hasher.update(piece.as_bytes());
                }
                crate::hex::lower(&hasher.finalize())
            });
            let mut strict = Sha256::new();
            let mut piece = String::with_capacity(PIECE + 1024);
            // A send fails only when the hashing thread is gone (it panicked: join says so).
            self.write(&mut Out {
                basic: &mut |t| {
                    piece.push_str(t);
                    if piece.len() >= PIECE {
                        let full =
                            std::mem::replace(&mut piece, String::with_capacity(PIECE + 1024));
                        let _ = send.send(full);
                    }
                },
                strict: &mut |t| strict.update(t.as_bytes()),
                basic_on: true,
            });
            let _ = send.send(piece);
            drop(send);
            let basic = basic
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (basic, crate::hex::lower(&strict.finalize()))
        })
    }

    /// Write both texts into `out`, keys sorted at every level.
    fn write(&self, out: &mut Out<'_>) {
        let p = &self.package;
        let dags = Part::Obj(vec![
            ("init_dot_py", Part::Text(p.dags.init_dot_py)),
            (
                "run_sequential_mock_io",
                Part::Text(p.dags.run_sequential_mock_io),
            ),
            ("run_sequential", Part::Text(p.dags.run_sequential)),
        ]);
        let package = Part::Obj(vec![
            ("dags", dags),
            ("rjsf", Part::Json(p.rjsf)),
            ("params_json", Part::Json(p.params_json)),
            ("cli", Part::Text(p.cli)),
            ("dispatch", Part::Text(p.dispatch)),
            ("metadata", Part::Text(p.metadata)),
            ("response", Part::Text(p.response)),
            ("init_dot_py", Part::Text(p.init_dot_py)),
        ]);
        let tests = self.tests.map_or(Part::Null, |t| {
            Part::Obj(vec![
                ("conftest", Part::Text(t.conftest)),
                ("test_metadata", Part::Text(t.test_metadata)),
                ("test_results", Part::Text(t.test_results)),
            ])
        });
        // (key, value, in the basic text)
        let mut entries = vec![
            ("release_name", Part::Text(self.release_name), true),
            ("package_name", Part::Text(self.package_name), true),
            ("package", package, true),
            ("tests", tests, true),
            ("dockerignore", Part::optional(self.dockerignore), true),
            ("pyproject_toml", Part::optional(self.pyproject_toml), true),
            ("hatch_build_py", Part::optional(self.hatch_build_py), true),
            (
                "pixi_toml",
                self.pixi_toml.map_or(Part::Null, Part::Json),
                false,
            ),
            ("dockerfile", Part::optional(self.dockerfile), false),
        ];
        entries.sort_by(|a, b| a.0.cmp(b.0));
        out.push("{");
        let (mut basic_seen, mut strict_seen) = (false, false);
        for (key, part, in_basic) in &entries {
            if strict_seen {
                (out.strict)(", ");
            }
            if *in_basic && basic_seen {
                (out.basic)(", ");
            }
            strict_seen = true;
            basic_seen |= *in_basic;
            out.basic_on = *in_basic;
            out.key(key);
            part.write(out);
            out.basic_on = true;
        }
        out.push("}");
    }
}

/// Where the two texts go; `basic_on` false while writing an entry only the strict text has.
struct Out<'s> {
    basic: &'s mut dyn FnMut(&str),
    strict: &'s mut dyn FnMut(&str),
    basic_on: bool,
}

impl Out<'_> {
    fn push(&mut self, text: &str) {
        if self.basic_on {
            (self.basic)(text);
        }
        (self.strict)(text);
    }

    fn key(&mut self, key: &str) {
        let mut text = String::with_capacity(key.len() + 4);
        crate::pyjson::push_ascii_string(&mut text, key);
        text.push_str(": ");
        self.push(&text);
    }
}

/// One value of the container.
enum Part<'a> {
    /// A string (a file's text), written as a JSON string.
    Text(&'a str),
    /// A JSON document, already written with sorted keys.
    Json(&'a str),
    /// An object of parts, written with sorted keys.
    Obj(Vec<(&'static str, Part<'a>)>),
    Null,
}

impl<'a> Part<'a> {
    fn optional(text: Option<&'a str>) -> Self {
        text.map_or(Part::Null, Part::Text)
    }

    fn write(&self, out: &mut Out<'_>) {
        match self {
            Part::Text(s) => crate::pyjson::stream_ascii_string(s, &mut |t| out.push(t)),
            Part::Json(text) => out.push(text),
            Part::Null => out.push("null"),
            Part::Obj(entries) => {
                let mut sorted: Vec<&(&str, Part<'_>)> = entries.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(b.0));
                out.push("{");
                for (i, (key, part)) in sorted.into_iter().enumerate() {
                    if i > 0 {
                        out.push(", ");
                    }
                    out.key(key);
                    part.write(out);
                }
                out.push("}");
            }
        }
    }
}
