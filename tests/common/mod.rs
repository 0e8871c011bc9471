//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod suite;

use camino::{Utf8Path, Utf8PathBuf};
use std::sync::Arc;
use wtc::artifacts::{Compiled, package, package_without_images};

use wtc::db::OverridesFile;
use wtc::db::{Database, Host, Options, RegistryInput, SolvedRecord, SpecFile, Workflow};
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

/// Copy `examples/<example>/spec.yaml` to `<root>/<dir>/spec.yaml`.
pub fn copy_example(root: &Utf8Path, example: &str, dir: &str) {
    std::fs::create_dir_all(root.join(dir)).unwrap();
    std::fs::copy(
        repo().join("examples").join(example).join("spec.yaml"),
        root.join(dir).join("spec.yaml"),
    )
    .unwrap();
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
    /// A loaded `--env-overrides` file (see `wtc::cli::overrides::load_env_overrides`).
    pub env_overrides: Option<OverridesFile>,
}

impl Default for CompileArgs {
    fn default() -> Self {
        Self {
            prefix: "wt".into(),
            results_env_var: "WT_RESULTS".into(),
            variant: None,
            env_overrides: None,
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

/// The workflow of one spec text with a registry document, in the salsa database.
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
    let options = Options::builder(
        args.prefix.clone(),
        args.results_env_var.clone(),
        String::new(),
    )
    .variant(args.variant.clone().unwrap_or_default())
    .env_overrides(args.env_overrides)
    .new(db);
    let file = SpecFile::new(db, spec_path.to_owned(), spec_text.to_string());
    let host = Host::new(db, "linux-64".into(), Arc::default());
    Workflow::new(db, file, registry, options, host)
}

/// Compile one spec text with a registry document through the salsa database.
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

/// A TOML document as nested ordered (key, value) lists: equal when the documents are
/// equal as data *and* list their keys in the same order.
#[derive(Debug, PartialEq)]
pub enum Toml {
    Str(String),
    Int(i64),
    Float(String),
    Bool(bool),
    Datetime(String),
    Array(Vec<Toml>),
    Table(Vec<(String, Toml)>),
}

/// Parse TOML text into [`Toml`].
pub fn parse_toml(text: &str) -> Toml {
    let doc: toml_edit::Document<String> = text.parse().expect("valid TOML");
    toml_item(doc.as_item())
}

fn toml_value(v: &toml_edit::Value) -> Toml {
    use toml_edit::Value as V;
    match v {
        V::String(s) => Toml::Str(s.value().clone()),
        V::Integer(i) => Toml::Int(*i.value()),
        V::Float(f) => Toml::Float(f.value().to_string()),
        V::Boolean(b) => Toml::Bool(*b.value()),
        V::Datetime(d) => Toml::Datetime(d.value().to_string()),
        V::Array(a) => Toml::Array(a.iter().map(toml_value).collect()),
        V::InlineTable(t) => Toml::Table(
            t.iter()
                .map(|(k, v)| (k.to_string(), toml_value(v)))
                .collect(),
        ),
    }
}

fn toml_item(item: &toml_edit::Item) -> Toml {
    use toml_edit::Item;
    match item {
        Item::Value(v) => toml_value(v),
        Item::Table(t) => Toml::Table(
            t.iter()
                .map(|(k, v)| (k.to_string(), toml_item(v)))
                .collect(),
        ),
        Item::ArrayOfTables(a) => Toml::Array(
            a.iter()
                .map(|t| {
                    Toml::Table(
                        t.iter()
                            .map(|(k, v)| (k.to_string(), toml_item(v)))
                            .collect(),
                    )
                })
                .collect(),
        ),
        Item::None => Toml::Table(vec![]),
    }
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

/// One case of an example's `test-cases.yaml`.
pub struct TestCase {
    pub id: String,
    /// The case's `params`, as JSON.
    pub params: serde_json::Value,
    pub raises: bool,
}

/// The cases of `examples/<example>/test-cases.yaml`, in file order.
pub fn test_cases(example: &str) -> Vec<TestCase> {
    use wtc::syntax::yaml::{self, NodeKind, Scalar};
    let path = repo()
        .join("examples")
        .join(example)
        .join("test-cases.yaml");
    let root = yaml::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    root.as_map()
        .unwrap()
        .iter()
        .map(|(k, v)| TestCase {
            id: k.as_str().unwrap().to_string(),
            params: yaml_to_json(v.get("params").unwrap()),
            raises: v
                .get("raises")
                .is_some_and(|r| matches!(r.kind, NodeKind::Scalar(Scalar::Bool(true)))),
        })
        .collect()
}

/// A YAML node as JSON.
pub fn yaml_to_json(node: &wtc::syntax::yaml::Node) -> serde_json::Value {
    use serde_json::Value as J;
    use wtc::syntax::yaml::{NodeKind, Scalar};
    match &node.kind {
        NodeKind::Scalar(Scalar::Null) => J::Null,
        NodeKind::Scalar(Scalar::Bool(b)) => J::Bool(*b),
        NodeKind::Scalar(Scalar::Int(i)) => J::from(*i as i64),
        NodeKind::Scalar(Scalar::Float(f)) => J::from(*f),
        NodeKind::Scalar(Scalar::Str(s) | Scalar::Timestamp(s)) => J::String(s.clone()),
        NodeKind::Seq(items) => J::Array(items.iter().map(yaml_to_json).collect()),
        NodeKind::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), yaml_to_json(v)))
                .collect(),
        ),
    }
}

/// The project venv's Python (`WTC_PYTHON` or `.venv/bin/python`), if it can import every
/// module in `modules` (comma-separated, as in a Python `import` statement).
pub fn python_with(modules: &str) -> Option<Utf8PathBuf> {
    let p = std::env::var("WTC_PYTHON")
        .map(Utf8PathBuf::from)
        .unwrap_or_else(|_| repo().join(".venv/bin/python"));
    let ok = p.is_file()
        && std::process::Command::new(&p)
            .args(["-c", &format!("import {modules}")])
            .output()
            .is_ok_and(|o| o.status.success());
    ok.then_some(p)
}
