//! Compiling specs through the salsa database, as the CLI does (through
//! [`WorkflowBuilder`]), and reading what came out.

use super::{example_registry, repo};
use camino::Utf8Path;
use std::sync::Arc;
use wtc::artifacts::{Compiled, package};
use wtc::db::{Database, OverridesFile, SolvedRecord, Workflow, WorkflowBuilder};
use wtc::diagnostics::{Diagnostic, Severity};
use wtc::registry::Registry;
use wtc::syntax::span::LineIndex;

/// A builder with the examples' registry (no solved records).
pub fn example_builder() -> WorkflowBuilder {
    let registry = Registry::from_json(&example_registry()).expect("registry parses");
    WorkflowBuilder::new().registry(Arc::new(registry), Arc::default())
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

    /// The workflow builder with these options (the defaults of `wtc compile` otherwise).
    pub fn builder(&self) -> WorkflowBuilder {
        WorkflowBuilder::new()
            .prefix(self.prefix.clone())
            .results_env_var(self.results_env_var.clone())
            .variant(self.variant.clone().unwrap_or_default())
            .env_overrides(self.env_overrides)
    }
}

/// The options of a golden vector: the defaults for `v1`; for `v2` its prefix, results
/// variable and variant (its `--env-overrides` file is loaded where its input is).
pub fn golden_args(vector: &str) -> CompileArgs {
    match vector {
        "v1" => CompileArgs::default(),
        "v2" => CompileArgs {
            prefix: "ecoscope-workflows".into(),
            results_env_var: "MY_RESULTS".into(),
            variant: Some("gcp".into()),
            ..CompileArgs::default()
        },
        _ => panic!("no golden vector {vector}"),
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
    args.builder()
        .registry(Arc::new(registry), Arc::new(solved))
        .build(db, spec_path.to_owned(), spec_text.to_string())
}

/// A corpus case's compile inputs beside its `spec.yaml` in `dir`: the fixture registry
/// document, its solved records (none without `fixture/solved.json`) and its
/// `compile-args`.
pub fn corpus_inputs(dir: &Utf8Path) -> (String, Vec<SolvedRecord>, CompileArgs) {
    let registry = std::fs::read_to_string(dir.join("fixture/registry.json")).unwrap();
    let solved: Vec<SolvedRecord> = std::fs::read_to_string(dir.join("fixture/solved.json"))
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap_or_default();
    let args =
        CompileArgs::parse(&std::fs::read_to_string(dir.join("compile-args")).unwrap_or_default());
    (registry, solved, args)
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

/// Compile `examples/<name>/spec.yaml` against `examples/registry.json`; returns the spec text too.
pub fn compile_example(db: &Database, name: &str) -> (String, Arc<Compiled>) {
    let spec = repo().join("examples").join(name).join("spec.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    let (_, compiled) = compile(
        db,
        &spec,
        &text,
        &example_registry(),
        vec![],
        &CompileArgs::default(),
    );
    (text, compiled)
}

/// (severity, code, line, column, message, help) of one diagnostic.
pub type Seen = (Severity, &'static str, usize, usize, String, Option<String>);

/// What each diagnostic `keep` selects says, and where in `text` it points.
pub fn seen(compiled: &Compiled, text: &str, keep: impl Fn(&Diagnostic) -> bool) -> Vec<Seen> {
    let index = LineIndex::new(text);
    compiled
        .diagnostics
        .iter()
        .filter(|d| keep(d))
        .map(|d| {
            let (line, col) = d
                .primary
                .as_ref()
                .map_or((0, 0), |p| index.line_col(p.span.start));
            (
                d.severity,
                d.code.as_str(),
                line,
                col,
                d.message.clone(),
                d.help.clone(),
            )
        })
        .collect()
}

/// Assert `seen` is exactly one diagnostic, of this severity and code, at line:col, whose
/// message contains `needle`; returns its help. `input` is shown when it is not.
#[track_caller]
pub fn assert_one(
    seen: &[Seen],
    severity: Severity,
    code: &str,
    (line, col): (usize, usize),
    needle: &str,
    input: &str,
) -> Option<String> {
    assert!(
        seen.len() == 1
            && seen[0].0 == severity
            && seen[0].1 == code
            && (seen[0].2, seen[0].3) == (line, col)
            && seen[0].4.contains(needle),
        "expected one {severity:?} `{code}` at {line}:{col} containing {needle:?}, got {seen:#?}\ninput:\n{input}"
    );
    seen[0].5.clone()
}
