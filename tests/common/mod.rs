//! Helpers shared by the integration tests.
#![allow(dead_code)]

use camino::{Utf8Path, Utf8PathBuf};
use std::sync::Arc;
use wtc::artifacts::{Compiled, package, package_without_images};
use wtc::db::{Database, Options, RegistryInput, SolvedRecord, SpecFile, Workflow};
use wtc::registry::Registry;

/// Where the corpus is (`WTC_CORPUS`), or `None` (the caller prints why it skips).
pub fn corpus_dir() -> Option<Utf8PathBuf> {
    let dir = Utf8PathBuf::from(std::env::var("WTC_CORPUS").ok()?);
    dir.is_dir().then_some(dir)
}

pub fn golden_dir() -> Option<Utf8PathBuf> {
    let dir = Utf8PathBuf::from(std::env::var("WTC_GOLDEN").ok()?);
    dir.is_dir().then_some(dir)
}

/// The repository root.
pub fn repo() -> Utf8PathBuf {
    Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// ruff from the project's venv (`WTC_RUFF` or `.venv/bin/ruff`).
pub fn ruff() -> Option<Utf8PathBuf> {
    let p = std::env::var("WTC_RUFF")
        .map(Utf8PathBuf::from)
        .unwrap_or_else(|_| repo().join(".venv/bin/ruff"));
    p.is_file().then_some(p)
}

/// Compile options as parsed from a corpus `compile-args` file.
#[derive(Debug, Clone)]
pub struct CompileArgs {
    pub prefix: String,
    pub results_env_var: String,
    pub variant: Option<String>,
}

impl Default for CompileArgs {
    fn default() -> Self {
        Self {
            prefix: "wt".into(),
            results_env_var: "WT_RESULTS".into(),
            variant: None,
        }
    }
}

impl CompileArgs {
    pub fn parse(text: &str) -> Self {
        let mut out = Self::default();
        for arg in text.split_whitespace() {
            if let Some(v) = arg.strip_prefix("--pkg-name-prefix=") {
                out.prefix = v.into();
            } else if let Some(v) = arg.strip_prefix("--results-env-var=") {
                out.results_env_var = v.into();
            } else if let Some(v) = arg.strip_prefix("--variant=") {
                out.variant = Some(v.into());
            } else {
                panic!("unknown compile arg {arg}");
            }
        }
        out
    }
}

/// Set up a workflow: one spec text with a registry document and compile args.
pub fn workflow(
    db: &Database,
    spec_path: &Utf8Path,
    spec_text: &str,
    registry_json: &str,
    solved: Vec<SolvedRecord>,
    args: &CompileArgs,
) -> Workflow {
    let registry = Registry::from_json(registry_json).expect("registry parses");
    let registry = RegistryInput::new(db, Arc::new(registry), Arc::new(solved));
    let options = Options::new(
        db,
        args.prefix.clone(),
        args.results_env_var.clone(),
        String::new(),
    );
    let file = SpecFile::new(db, spec_path.to_owned(), spec_text.to_string());
    Workflow::new(db, file, registry, options)
}

/// Compile one spec text with a registry document through the salsa database: the whole
/// package, graph images included.
pub fn compile(
    db: &Database,
    spec_path: &Utf8Path,
    spec_text: &str,
    registry_json: &str,
    solved: Vec<SolvedRecord>,
    args: &CompileArgs,
) -> (Workflow, Arc<Compiled>) {
    let wf = workflow(db, spec_path, spec_text, registry_json, solved, args);
    (wf, package(db, wf).clone())
}

/// [`compile`] without rendering `graph.svg`/`graph.png` (the corpus-wide text checks).
pub fn compile_without_images(
    db: &Database,
    spec_path: &Utf8Path,
    spec_text: &str,
    registry_json: &str,
    solved: Vec<SolvedRecord>,
    args: &CompileArgs,
) -> (Workflow, Arc<Compiled>) {
    let wf = workflow(db, spec_path, spec_text, registry_json, solved, args);
    (wf, package_without_images(db, wf).clone())
}

/// The bytes of a generated file (the first whose path ends with `suffix`).
pub fn bytes<'a>(compiled: &'a Compiled, suffix: &str) -> &'a [u8] {
    let pkg = compiled.package.as_ref().expect("compiled");
    pkg.files
        .iter()
        .find(|(p, _)| p.ends_with(suffix))
        .map(|(_, b)| &**b)
        .unwrap_or_else(|| panic!("no file ending with {suffix}"))
}

/// The text of a generated (UTF-8) file.
pub fn file<'a>(compiled: &'a Compiled, suffix: &str) -> &'a str {
    std::str::from_utf8(bytes(compiled, suffix))
        .unwrap_or_else(|e| panic!("{suffix} is not text: {e}"))
}

/// All diagnostics rendered as plain text.
pub fn rendered_diagnostics(compiled: &Compiled, path: &str, text: &str) -> String {
    compiled
        .diagnostics
        .iter()
        .map(|d| wtc::cli::render::render(d, path, text, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The example specs under `examples/`.
pub const EXAMPLES: &[&str] = &["chain", "map-reduce", "groups"];

/// Compile `examples/<name>/spec.yaml` against `examples/registry.json`; returns the spec text too.
pub fn compile_example(db: &Database, name: &str) -> (String, Arc<Compiled>) {
    let registry = std::fs::read_to_string(repo().join("examples/registry.json")).unwrap();
    let spec = repo().join("examples").join(name).join("spec.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    let (_, compiled) = compile(db, &spec, &text, &registry, vec![], &CompileArgs::default());
    (text, compiled)
}
