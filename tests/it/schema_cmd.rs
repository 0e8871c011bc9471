//! `wtc schema`, the JSON Schema of spec.yaml for editors with only a YAML plugin: snapshots
//! of the grammar and of the examples' tasks; every example spec and every corpus spec
//! `wtc check` accepts valid under its schema for two real validators (the `jsonschema`
//! crate and Python's `jsonschema`, both Draft-07 with formats asserted, as editors do);
//! planted errors rejected by both; every schema valid against the Draft-07 meta-schema;
//! the command line (registry from a spec's lock file, `--registry`, `--output`, usage).

use crate::support::*;
use camino::Utf8PathBuf;
use expect_test::{expect, expect_file};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use wtc::artifacts::package_without_images;
use wtc::db::{Database, SolvedRecord};
use wtc::editor_schema::{grammar_schema, render, spec_schema};
use wtc::registry::Registry;

/// A spec text as the JSON a YAML plugin validates.
fn as_json(text: &str) -> Value {
    yaml_to_json(&wtc::syntax::yaml::parse(text).expect("the spec parses"))
}

fn example_schema() -> Value {
    spec_schema(&Registry::from_json(&example_registry()).unwrap(), "")
}

/// The `jsonschema` crate's errors (`path: message`), formats asserted.
fn rust_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {}", e.instance_path(), short(&e.to_string())))
        .collect()
}

/// The first line of a message, at most 160 characters (enum errors list every task).
fn short(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    line.chars().take(160).collect()
}

fn meta_errors(schema: &Value) -> Vec<String> {
    jsonschema::draft7::meta::validator()
        .iter_errors(schema)
        .map(|e| format!("{}: {}", e.instance_path(), short(&e.to_string())))
        .collect()
}

/// What Python's `jsonschema` says (`tests/python/validate_schema.py`).
struct PythonReport {
    schemas: BTreeMap<String, Vec<String>>,
    instances: BTreeMap<String, Vec<String>>,
}

/// Schemas and named instances, validated by both validators.
#[derive(Default)]
struct Checks {
    schemas: BTreeMap<String, Value>,
    /// (instance name, schema name, instance).
    instances: Vec<(String, String, Value)>,
}

impl Checks {
    fn schema(&mut self, name: &str, schema: Value) {
        let errors = meta_errors(&schema);
        assert!(errors.is_empty(), "schema {name}: {errors:#?}");
        self.schemas.insert(name.to_string(), schema);
    }

    fn instance(&mut self, name: &str, schema: &str, instance: Value) {
        self.instances
            .push((name.to_string(), schema.to_string(), instance));
    }

    /// Every instance's errors from the crate's validator.
    fn rust(&self) -> BTreeMap<String, Vec<String>> {
        self.instances
            .iter()
            .map(|(name, schema, instance)| {
                (name.clone(), rust_errors(&self.schemas[schema], instance))
            })
            .collect()
    }

    /// The same from Python's `jsonschema` (`None`, said why, without the venv).
    fn python(&self) -> Option<PythonReport> {
        let python = python_with("jsonschema")?;
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("manifest.json");
        let instances: Vec<Value> = self
            .instances
            .iter()
            .map(|(name, schema, instance)| {
                json!({"name": name, "schema": schema, "instance": instance})
            })
            .collect();
        let doc = json!({"schemas": self.schemas, "instances": instances});
        std::fs::write(&manifest, serde_json::to_vec(&doc).unwrap()).unwrap();
        let out = std::process::Command::new(python)
            .arg(repo().join("tests/python/validate_schema.py"))
            .arg(&manifest)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let lists = |key: &str| -> BTreeMap<String, Vec<String>> {
            serde_json::from_value(report[key].clone()).unwrap()
        };
        Some(PythonReport {
            schemas: lists("schemas"),
            instances: lists("instances"),
        })
    }
}

#[test]
fn grammar_only_schema_snapshot() {
    let ws = Workspace::new();
    let out = ws.wtc(["schema", "--grammar-only"]).output().ok();
    expect_file!["../snapshots/schema/grammar.json"].assert_eq(&out);
    assert_eq!(out, render(&grammar_schema("")));
}

/// The registry's part of the schema: what `--grammar-only` does not have.
fn task_part(schema: &Value) -> Value {
    let defs = schema["definitions"].as_object().unwrap();
    let mut part = Map::new();
    for key in ["taskReference", "taskInstanceId"] {
        part.insert(key.into(), defs[key].clone());
    }
    part.insert(
        "taskInstance.allOf".into(),
        defs["taskInstance"]["allOf"].clone(),
    );
    for (k, v) in defs {
        if k.starts_with("task:") || k.starts_with("def:") {
            part.insert(k.clone(), v.clone());
        }
    }
    Value::Object(part)
}

#[test]
fn example_tasks_schema_snapshot() {
    let ws = Workspace::with_examples(&[]);
    let out = ws
        .wtc(["schema", "--registry", "registry.json"])
        .output()
        .ok();
    let schema: Value = serde_json::from_str(&out).unwrap();
    expect_file!["../snapshots/schema/example-tasks.json"].assert_eq(&render(&task_part(&schema)));
    // The grammar is the same with or without a registry, but for the task part.
    let mut grammar = grammar_schema("");
    let mut with_tasks = schema.clone();
    for s in [&mut grammar, &mut with_tasks] {
        let defs = s["definitions"].as_object_mut().unwrap();
        defs.retain(|k, _| !k.starts_with("task:") && !k.starts_with("def:"));
        for key in ["taskReference", "taskInstanceId"] {
            defs.remove(key);
        }
        defs["taskInstance"]
            .as_object_mut()
            .unwrap()
            .remove("allOf");
        s.as_object_mut().unwrap().remove("$comment");
    }
    assert_eq!(grammar, with_tasks);
}

/// A corpus case: its spec, registry, solved records and compile args.
struct CorpusSpec {
    name: String,
    text: String,
    registry: String,
    solved: Vec<SolvedRecord>,
    args: CompileArgs,
    dir: Utf8PathBuf,
}

fn corpus_specs() -> Option<Vec<CorpusSpec>> {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipped the corpus part: set WTC_CORPUS to the corpus directory");
        return None;
    };
    let mut out = Vec::new();
    let mut dirs: Vec<Utf8PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| Utf8PathBuf::from_path_buf(e.unwrap().path()).unwrap())
        .filter(|d| d.join("spec.yaml").is_file())
        .collect();
    dirs.sort();
    for dir in dirs {
        let read = |rel: &str| std::fs::read_to_string(dir.join(rel));
        out.push(CorpusSpec {
            name: dir.file_name().unwrap().to_string(),
            text: read("spec.yaml").unwrap(),
            registry: read("fixture/registry.json").unwrap(),
            solved: read("fixture/solved.json")
                .map(|t| serde_json::from_str(&t).unwrap())
                .unwrap_or_default(),
            args: CompileArgs::parse(&read("compile-args").unwrap_or_default()),
            dir,
        });
    }
    assert!(out.len() >= 41, "expected the 41 corpus specs");
    Some(out)
}

/// Whether `wtc check` accepts the spec (no errors, no warnings).
fn check_accepts(db: &Database, c: &CorpusSpec) -> bool {
    let wf = workflow(
        db,
        &c.dir.join("spec.yaml"),
        &c.text,
        &c.registry,
        c.solved.clone(),
        &c.args,
    );
    let compiled = package_without_images(db, wf);
    compiled.package.is_some() && compiled.diagnostics.is_empty()
}

#[test]
fn accepted_specs_validate_against_their_schema() {
    let mut checks = Checks::default();
    checks.schema("grammar", grammar_schema(""));
    checks.schema("examples", example_schema());
    for example in EXAMPLES {
        let text = std::fs::read_to_string(repo().join("examples").join(example).join("spec.yaml"))
            .unwrap();
        for schema in ["grammar", "examples"] {
            checks.instance(&format!("{example} ({schema})"), schema, as_json(&text));
        }
    }
    let mut rejected = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    if let Some(cases) = corpus_specs() {
        let db = Database::default();
        for c in &cases {
            // Every registry gives a valid schema, also those the compiler refuses.
            let registry = Registry::from_json(&c.registry).unwrap();
            checks.schema(&c.name, spec_schema(&registry, ""));
            let instance = as_json(&c.text);
            if check_accepts(&db, c) {
                accepted += 1;
                checks.instance(
                    &format!("{} (grammar)", c.name),
                    "grammar",
                    instance.clone(),
                );
                checks.instance(&c.name, &c.name, instance);
            } else {
                refused += 1;
                rejected.push((c.name.clone(), instance));
            }
        }
        assert!(accepted >= 36, "only {accepted} corpus specs accepted");
    }
    eprintln!("{accepted} corpus specs accepted and validated, {refused} refused by check");
    for (name, errors) in checks.rust() {
        assert!(errors.is_empty(), "jsonschema crate, {name}: {errors:#?}");
    }
    if let Some(py) = checks.python() {
        for (name, errors) in py.schemas.iter().chain(&py.instances) {
            assert!(errors.is_empty(), "Python jsonschema, {name}: {errors:#?}");
        }
        assert_eq!(py.instances.len(), checks.instances.len());
    }
    // The one corpus spec refused for a grammar reason (task id `sum` is a built-in) is
    // refused by the schema too.
    if let Some((_, instance)) = rejected.iter().find(|(n, _)| n == "docs-bare-names-chain") {
        let errors = rust_errors(&grammar_schema(""), instance);
        assert!(
            errors.iter().any(|e| e.starts_with("/workflow/0/id")),
            "{errors:#?}"
        );
    }
}

/// The chain example with one edit.
fn planted(from: &str, to: &str) -> Value {
    let text = std::fs::read_to_string(repo().join("examples/chain/spec.yaml")).unwrap();
    assert!(text.contains(from), "{from}");
    as_json(&text.replacen(from, to, 1))
}

#[test]
fn planted_errors_are_rejected() {
    let cases = [
        ("misspelt task", planted("task: multiply", "task: multipy")),
        (
            "unknown argument",
            planted("      b: 10", "      b: 10\n      c: 1"),
        ),
        (
            "wrong-typed argument",
            planted("      b: 10", "      b: ten"),
        ),
        (
            "unknown top-level key",
            planted("workflow:", "rjsf_overrides: {}\nworkflow:"),
        ),
        ("missing required key", planted("id: greeting_chain\n", "")),
        (
            "invalid reference",
            planted("${{ workflow.base.return }}", "${{ workflow.base.output }}"),
        ),
        ("task name as id", planted("  - id: loud", "  - id: shout")),
        (
            "argname of another task",
            planted(
                "      b: 10",
                "      b: 10\n    map:\n      argnames: x\n      argvalues: ${{ env.XS }}",
            ),
        ),
    ];
    let mut checks = Checks::default();
    checks.schema("examples", example_schema());
    checks.instance("control", "examples", planted("", ""));
    for (name, instance) in &cases {
        checks.instance(name, "examples", instance.clone());
    }
    let rust = checks.rust();
    assert_eq!(rust["control"], Vec::<String>::new());
    let shown: Vec<String> = cases
        .iter()
        .map(|(name, _)| format!("{name}: {}", rust[*name].join(" | ")))
        .collect();
    expect![[r#"
        misspelt task: /workflow/1/task: "multipy" is not one of "add", "any_is_empty" or 28 other candidates
        unknown argument: /workflow/0/partial: Additional properties are not allowed ('c' was unexpected)
        wrong-typed argument: /workflow/0/partial/b: "ten" is not of type "integer"
        unknown top-level key: : Additional properties are not allowed ('rjsf_overrides' was unexpected)
        missing required key: : "id" is a required property
        invalid reference: /workflow/1/partial/value: "${{ workflow.base.output }}" does not match "^\$\{\{\s*(?:workflow\.[^.]*\.return|env\.[^.]*)\s*\}\}$"
        task name as id: /workflow/3/id: {"enum":["add","any_is_empty","any_is_negative","describe","greet","group_by_parity","join_words","load_numbers","make_range","make_result","multiply","shout","
        argname of another task: /workflow/0/map/argnames: "x" is not valid under any of the schemas listed in the 'anyOf' keyword"#]].assert_eq(&shown.join("\n"));
    if let Some(py) = checks.python() {
        assert_eq!(py.instances["control"], Vec::<String>::new());
        for (name, _) in &cases {
            let path = rust[*name][0].split(':').next().unwrap().to_string();
            let errors = &py.instances[*name];
            assert!(
                errors.iter().any(|e| e.starts_with(&format!("{path}:"))),
                "Python jsonschema, {name}: expected an error at {path}, got {errors:#?}"
            );
        }
    }
}

#[test]
fn tasks_are_sorted_whatever_the_registry_order() {
    let doc: Value = serde_json::from_str(&example_registry()).unwrap();
    let mut reversed = doc.clone();
    let entries: Vec<(String, Value)> = doc["entries"]
        .as_object()
        .unwrap()
        .iter()
        .rev()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    reversed["entries"] = Value::Object(entries.into_iter().collect());
    let a = render(&example_schema());
    let b = render(&spec_schema(&Registry::from_value(reversed).unwrap(), ""));
    assert_eq!(a, b);
}

#[test]
fn registry_from_the_spec_lock_file_an_environment_or_given() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    std::fs::copy(
        repo().join("examples/chain/wtc.lock"),
        ws.root.join("chain/wtc.lock"),
    )
    .unwrap();
    let given = ws
        .wtc(["schema", "--registry", "registry.json"])
        .output()
        .ok();
    let from_lock = ws.wtc(["schema", "chain/spec.yaml", "--locked"]).output();
    assert_eq!(from_lock.ok(), given);
    assert!(
        from_lock.stderr.contains("task registry from lock file"),
        "{}",
        from_lock.stderr
    );
    // An existing environment's `wt-registry`.
    let exe = ws.root.join("env/bin/wt-registry");
    ws.write(
        "env/bin/wt-registry",
        format!("#!/bin/sh\ncat '{}'\n", ws.root.join("registry.json")),
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    let from_env = ws.wtc(["schema", "--python-env", "env"]).output();
    assert_eq!(from_env.ok(), given);
    let written = ws
        .wtc([
            "schema",
            "--registry",
            "registry.json",
            "-o",
            "out/schema.json",
        ])
        .output();
    assert_eq!(written.ok(), "");
    assert_eq!(written.stderr, "wtc: wrote out/schema.json\n");
    assert_eq!(ws.read("out/schema.json"), given);
}

#[test]
fn schema_errors_and_usage() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let none = ws.wtc(["schema"]).output();
    assert_eq!(none.status.code(), Some(2));
    assert!(none.stderr.contains("--grammar-only"), "{}", none.stderr);
    let both = ws
        .wtc(["schema", "--grammar-only", "--registry", "registry.json"])
        .output();
    assert_eq!(both.status.code(), Some(2), "{}", both.stderr);
    // No lock file and `--locked`: nothing is discovered.
    let locked = ws.wtc(["schema", "chain/spec.yaml", "--locked"]).output();
    assert_eq!(locked.status.code(), Some(1));
    assert!(locked.stderr.contains("lock"), "{}", locked.stderr);
    assert_eq!(locked.stdout, "");
    // A spec that does not lower: its errors, and no schema.
    ws.write(
        "bad/spec.yaml",
        "id: bad\nrequirements: []\nworkflow: [{id: a}]\n",
    );
    let bad = ws.wtc(["schema", "bad/spec.yaml"]).output();
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        bad.stderr.contains("invalid-workflow-entry") && bad.stderr.contains("--registry FILE"),
        "{}",
        bad.stderr
    );
    assert_eq!(bad.stdout, "");
    let missing = ws.wtc(["schema", "nope/spec.yaml"]).output();
    assert_eq!(missing.status.code(), Some(1));
    assert!(missing.stderr.contains("not found"), "{}", missing.stderr);
}

/// yaml-language-server from `tests/node` (`scripts/setup-node.sh`) or `WTC_YAML_LS`.
fn yaml_language_server() -> Option<Utf8PathBuf> {
    let path = std::env::var("WTC_YAML_LS")
        .map(Utf8PathBuf::from)
        .unwrap_or_else(|_| repo().join("tests/node/node_modules/.bin/yaml-language-server"));
    path.is_file().then_some(path)
}

/// The 0-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in the text"))
}

/// The Python LSP client driving yaml-language-server (`tests/python/yaml_ls_client.py`):
/// `None` (said why) when either is missing.
struct YamlLs {
    server: Utf8PathBuf,
    python: Utf8PathBuf,
}

impl YamlLs {
    fn find() -> Option<Self> {
        let Some(server) = yaml_language_server() else {
            eprintln!("skipped: yaml-language-server is not installed (run scripts/setup-node.sh)");
            return None;
        };
        let Some(python) = venv_python() else {
            eprintln!("skipped: no venv Python (run scripts/setup-venv.sh)");
            return None;
        };
        Some(Self { server, python })
    }

    /// Open `documents` (relative to `root`), then run `queries`; the client's report.
    fn run(&self, root: &camino::Utf8Path, documents: &[String], queries: Value) -> Value {
        let manifest = json!({
            "server": [self.server.as_str(), "--stdio"],
            "root": root.as_str(),
            "documents": documents,
            "queries": queries,
        });
        let path = root.join("manifest.json");
        std::fs::write(&path, serde_json::to_vec(&manifest).unwrap()).unwrap();
        let out = std::process::Command::new(&self.python)
            .arg(repo().join("tests/python/yaml_ls_client.py"))
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

#[test]
fn yaml_language_server_validates_and_completes_with_the_schema() {
    let Some(ls) = YamlLs::find() else { return };
    let ws = Workspace::with_examples(&[]);
    ws.wtc([
        "schema",
        "--registry",
        "registry.json",
        "-o",
        "spec.schema.json",
    ])
    .output()
    .ok();
    let chain = std::fs::read_to_string(repo().join("examples/chain/spec.yaml")).unwrap();
    let ok = format!("# yaml-language-server: $schema=./spec.schema.json\n{chain}");
    let bad = ok
        .replacen("task: multiply", "task: multipy", 1)
        .replacen("      b: 10", "      b: 10\n      c: 1", 1)
        .replacen("      label: Total", "      label: [Total]", 1)
        .replacen("workflow:", "rjsf_overrides: {}\nworkflow:", 1);
    ws.write("ok.yaml", &ok);
    ws.write("bad.yaml", &bad);
    // Queries: a task name being typed, the arguments of `greet` under `partial:`, the
    // top-level keys on a new line, hover on a task name, the values of an argument and
    // hover on it.
    let typing_task = line_of(&bad, "task: multipy");
    let greet_args = ok.replacen("      name: ${{ env.GREETING_NAME }}", "      ", 1);
    let greet_arg_line = line_of(&ok, "name: ${{ env.GREETING_NAME }}");
    let new_top_key = format!("{ok}\n");
    let top_key_line = new_top_key.lines().count();
    let greet_task = line_of(&ok, "task: greet");
    let punctuation = ok.replacen(
        "      name: ${{ env.GREETING_NAME }}",
        "      name: ${{ env.GREETING_NAME }}\n      punctuation: ",
        1,
    );
    let punctuation_line = greet_arg_line + 1;
    let queries = json!([
        {"kind": "completion", "path": "bad.yaml", "text": null, "line": typing_task, "character": 17},
        {"kind": "completion", "path": "ok.yaml", "text": greet_args, "line": greet_arg_line, "character": 6},
        {"kind": "completion", "path": "ok.yaml", "text": new_top_key, "line": top_key_line, "character": 0},
        {"kind": "hover", "path": "ok.yaml", "text": ok, "line": greet_task, "character": 13},
        {"kind": "completion", "path": "ok.yaml", "text": punctuation, "line": punctuation_line, "character": 19},
        {"kind": "hover", "path": "ok.yaml", "text": null, "line": punctuation_line, "character": 8},
    ]);
    let documents = ["ok.yaml".to_string(), "bad.yaml".to_string()];
    let report = ls.run(&ws.root, &documents, queries);
    assert_eq!(report["diagnostics"]["ok.yaml"], json!([]), "{report:#}");
    let lines: Vec<u64> = report["diagnostics"]["bad.yaml"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    for planted in [
        "task: multipy",
        "      c: 1",
        "label: [Total]",
        "rjsf_overrides",
    ] {
        let line = line_of(&bad, planted) as u64;
        assert!(
            lines.contains(&line),
            "no diagnostic on line {line} ({planted}): {report:#}"
        );
    }
    let labels = |i: usize| -> Vec<String> {
        let mut l: Vec<String> = serde_json::from_value(report["queries"][i].clone()).unwrap();
        l.sort();
        l
    };
    let tasks = labels(0);
    assert!(tasks.contains(&"multiply".to_string()), "{tasks:?}");
    assert!(
        tasks.contains(&"wtc_example_tasks.multiply".to_string()),
        "{tasks:?}"
    );
    assert_eq!(labels(1), ["greeting", "name", "punctuation"]);
    assert_eq!(
        labels(2),
        ["metadata", "rjsf-overrides", "task-instance-defaults"]
    );
    // The values of an argument: its enum; hover on an argument: its type and default.
    assert_eq!(labels(4), ["!", ".", "?"]);
    let hover = report["queries"][5].as_str().unwrap();
    assert!(
        hover.contains("`punctuation`: one of \"!\", \".\", \"?\", default `\"!\"`"),
        "{hover}"
    );
    // Hover on a task name: its documentation, then one line per task.
    let hover = report["queries"][3].as_str().unwrap();
    assert!(
        hover.contains("`wtc_example_tasks.greet`\n\nBuild a greeting.\n\nArguments:\n- `name`: string, required"),
        "{hover}"
    );
    assert!(
        hover.contains("* `add`: `wtc_example_tasks.add`: Add two integers.\n"),
        "{hover}"
    );
}

/// A spec using every key of the grammar, each spelling of a requirement and every kind
/// of value, which `wtc check` accepts.
const EVERY_KEY: &str = r#"id: every_key
requirements:
  - name: wtc-example-tasks
    version: ">=0.1"
    channel: https://repo.prefix.dev/wtc-examples/
  - requirement: "conda-forge::numpy>=1.20"
  - name: pandas
    version: {version: ">=2", channel: conda-forge}
  - name: helper
    git: https://example.com/helper.git
    tag: v1
    extras: [fast]
    subdirectory: py
  - name: local-helper
    path: /opt/helper
    editable: true
  - name: wheel-helper
    url: https://example.com/helper-1.0-py3-none-any.whl
metadata:
  name: Every key
  description: A spec with every key.
  license: BSD-3-Clause
  maintainers: [{name: A, email: a@example.com, team: x}]
  keywords: [test]
  repository: null
  extra: kept
rjsf-overrides:
  properties:
    Numbers.properties.numbers.title: Numbers
  $defs: null
  uiSchema:
    Numbers.numbers.bounds: {ui:widget: range}
task-instance-defaults:
  skipif:
    conditions: [any_is_empty]
    unpack_depth: 1
workflow:
  - type: task-group
    title: Numbers
    description: Where the numbers come from
    tasks:
      - id: numbers
        name: null
        task: wtc_example_tasks.make_range
  - id: tripled
    task: multiply
    partial: {factor: 3}
    map:
      argnames: [value]
      argvalues: ["${{ workflow.numbers.return }}"]
    skipif: null
  - id: pairs
    task: group_by_parity
    partial:
      values: ${{ workflow.tripled.return }}
  - id: sums
    task: summarize_group
    partial: {label: sum}
    mapvalues:
      argnames: values
      argvalues: ${{ workflow.pairs.return }}
    map: null
    skipif: {conditions: []}
  - id: result
    task: make_result
    partial:
      key: result
      value: {sums: "${{ workflow.sums.return }}", env: ["${{ env.HOME }}", 1, 2.5, true, null]}
"#;

#[test]
fn a_spec_with_every_key_validates() {
    let db = Database::default();
    let wf = workflow(
        &db,
        camino::Utf8Path::new("/tmp/every/spec.yaml"),
        EVERY_KEY,
        &example_registry(),
        Vec::new(),
        &CompileArgs::default(),
    );
    let compiled = package_without_images(&db, wf);
    assert_eq!(
        rendered_diagnostics(compiled, "spec.yaml", EVERY_KEY),
        "",
        "wtc check must accept it"
    );
    let mut checks = Checks::default();
    checks.schema("grammar", grammar_schema(""));
    checks.schema("examples", example_schema());
    for schema in ["grammar", "examples"] {
        checks.instance(schema, schema, as_json(EVERY_KEY));
    }
    for (name, errors) in checks.rust() {
        assert!(errors.is_empty(), "jsonschema crate, {name}: {errors:#?}");
    }
    if let Some(py) = checks.python() {
        for (name, errors) in &py.instances {
            assert!(errors.is_empty(), "Python jsonschema, {name}: {errors:#?}");
        }
    }
}

#[test]
fn yaml_language_server_accepts_the_corpus_specs_check_accepts() {
    let Some(ls) = YamlLs::find() else { return };
    let Some(cases) = corpus_specs() else { return };
    let ws = Workspace::new();
    let db = Database::default();
    let mut documents = Vec::new();
    for c in &cases {
        let schema = spec_schema(&Registry::from_json(&c.registry).unwrap(), "");
        ws.write(&format!("{}/spec.schema.json", c.name), render(&schema));
        let modeline = "# yaml-language-server: $schema=./spec.schema.json\n";
        ws.write(
            &format!("{}/spec.yaml", c.name),
            format!("{modeline}{}", c.text),
        );
        documents.push(format!("{}/spec.yaml", c.name));
    }
    let report = ls.run(&ws.root, &documents, json!([]));
    let mut accepted = 0;
    for c in &cases {
        let found = &report["diagnostics"][format!("{}/spec.yaml", c.name)];
        if check_accepts(&db, c) {
            accepted += 1;
            assert_eq!(found, &json!([]), "{}: {found:#}", c.name);
        } else if c.name == "docs-bare-names-chain" {
            // Task id `sum` is a built-in name (the modeline is line 0).
            let line = line_of(&c.text, "- id: sum") as u64 + 1;
            let lines: Vec<u64> = found
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["line"].as_u64().unwrap())
                .collect();
            assert!(lines.contains(&line), "{}: {found:#}", c.name);
        }
    }
    assert!(accepted >= 36, "only {accepted} corpus specs accepted");
}

/// The README's "Editor support": its JSON and TOML snippets parse, and its modeline is
/// the one the yaml-language-server test uses.
#[test]
fn readme_editor_snippets_parse() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find("## Editor support").expect("the section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut seen = Vec::new();
    for block in section.split("```").skip(1).step_by(2) {
        let (lang, body) = block.split_once('\n').unwrap();
        match lang {
            "json" => drop(serde_json::from_str::<Value>(body).expect("README JSON")),
            "toml" => drop(body.parse::<toml_edit::DocumentMut>().expect("README TOML")),
            _ => {}
        }
        seen.push(lang.to_string());
    }
    for lang in ["json", "lua", "toml", "sh", "yaml"] {
        assert!(
            seen.iter().any(|l| l == lang),
            "no {lang} snippet: {seen:?}"
        );
    }
    assert!(section.contains("# yaml-language-server: $schema=./spec.schema.json\n"));
    assert!(section.contains(r#"cmd = { "wtc", "lsp" }"#));
}
