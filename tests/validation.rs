//! Every validation rule of the spec grammar: code, position and message of the diagnostic.

mod common;

use camino::Utf8Path;
use common::*;
use wtc::db::Database;
use wtc::diagnostics::Severity;
use wtc::syntax::span::LineIndex;

/// The example registry plus a second `add` in another module (for ambiguity tests).
fn registry() -> String {
    let mut doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/registry.json")).unwrap(),
    )
    .unwrap();
    let mut dup = doc["entries"]["wtc_example_tasks.arithmetic.add"].clone();
    dup["module_path"] = "other_tasks.math".into();
    dup["public_module_path"] = "other_tasks.math".into();
    doc["entries"]["other_tasks.math.add"] = dup;
    serde_json::to_string(&doc).unwrap()
}

/// (severity, code, line, column, message, help) of one diagnostic.
type Seen = (Severity, &'static str, usize, usize, String, Option<String>);

/// What every diagnostic of `spec` says, and where.
fn diagnose(spec: &str) -> Vec<Seen> {
    let db = Database::default();
    let (_, compiled) = compile(
        &db,
        Utf8Path::new("spec.yaml"),
        spec,
        &registry(),
        vec![],
        &CompileArgs::default(),
    );
    let index = LineIndex::new(spec);
    compiled
        .diagnostics
        .iter()
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

const HEAD: &str = "id: demo\nrequirements: []\n";

/// Assert exactly one error with this code at line:col whose message contains `needle`.
#[track_caller]
fn assert_error(spec: &str, code: &str, line: usize, col: usize, needle: &str) -> Option<String> {
    let diags = diagnose(spec);
    let errors: Vec<_> = diags.iter().filter(|d| d.0 == Severity::Error).collect();
    assert!(
        errors.len() == 1
            && errors[0].1 == code
            && errors[0].2 == line
            && errors[0].3 == col
            && errors[0].4.contains(needle),
        "expected one `{code}` error at {line}:{col} containing {needle:?}, got {errors:#?}\nspec:\n{spec}"
    );
    errors[0].5.clone()
}

fn task(extra: &str) -> String {
    format!("{HEAD}workflow:\n  - id: a\n    task: shout\n{extra}")
}

#[test]
fn root_and_top_level_keys() {
    assert_error("- a\n", "invalid-type", 1, 1, "a spec must be a mapping");
    assert_error(
        "requirements: []\nworkflow: []\n",
        "missing-key",
        1,
        1,
        "`id`",
    );
    assert_error(
        "id: demo\nworkflow: []\n",
        "missing-key",
        1,
        1,
        "`requirements`",
    );
    assert_error(
        "id: demo\nrequirements: []\n",
        "missing-key",
        1,
        1,
        "`workflow`",
    );
    let help = assert_error(
        &format!("{HEAD}workflow: []\nrjsf_overrides: {{}}\n"),
        "unknown-key",
        4,
        1,
        "rjsf_overrides",
    );
    assert!(help.unwrap().contains("rjsf-overrides"));
    assert_error(
        &format!("{HEAD}workflow: {{}}\n"),
        "invalid-type",
        3,
        11,
        "`workflow` must be a list",
    );
}

#[test]
fn spec_id_rules() {
    let help = assert_error(
        "id: my-flow\nrequirements: []\nworkflow: []\n",
        "invalid-id",
        1,
        5,
        "not a valid Python identifier",
    );
    assert!(help.unwrap().contains("my_flow"));
    assert_error(
        "id: class\nrequirements: []\nworkflow: []\n",
        "invalid-id",
        1,
        5,
        "Python keyword",
    );
    assert_error(
        "id: list\nrequirements: []\nworkflow: []\n",
        "invalid-id",
        1,
        5,
        "built-in",
    );
    let long = "x".repeat(65);
    assert_error(
        &format!("id: {long}\nrequirements: []\nworkflow: []\n"),
        "invalid-id",
        1,
        5,
        "maximum is 64",
    );
    assert_error(
        "id: 12\nrequirements: []\nworkflow: []\n",
        "invalid-type",
        1,
        5,
        "`id` must be a string",
    );
}

#[test]
fn requirement_forms() {
    let w = "workflow: []\n";
    assert_error(
        &format!("id: d\nrequirements:\n  - numpy\n{w}"),
        "invalid-requirement",
        3,
        5,
        "bare string",
    );
    assert_error(
        &format!("id: d\nrequirements:\n  - name: numpy\n{w}"),
        "missing-key",
        3,
        11,
        "`version`",
    );
    assert_error(
        &format!("id: d\nrequirements:\n  - name: numpy\n    version: \">>>1\"\n{w}"),
        "invalid-version",
        4,
        14,
        "invalid conda version",
    );
    assert_error(
        &format!(
            "id: d\nrequirements:\n  - name: numpy\n    version: \"*\"\n    channel: bioconda\n{w}"
        ),
        "unknown-channel",
        5,
        14,
        "unknown channel `bioconda`",
    );
    assert_error(
        &format!("id: d\nrequirements:\n  - requirement: \"bioconda::samtools\"\n{w}"),
        "unknown-channel",
        3,
        18,
        "bioconda",
    );
    assert_error(
        &format!("id: d\nrequirements:\n  - name: x\n    git: https://g/x\n    path: /x\n{w}"),
        "invalid-requirement",
        5,
        11,
        "at most one of `git`, `path` or `url`",
    );
    assert_error(
        &format!("id: d\nrequirements:\n  - name: x\n    url: https://x/x.whl\n    tag: v1\n{w}"),
        "invalid-requirement",
        5,
        10,
        "only valid with `git`",
    );
    assert_error(
        &format!(
            "id: d\nrequirements:\n  - name: x\n    git: https://g/x\n    tag: v1\n    rev: abc\n{w}"
        ),
        "invalid-requirement",
        5,
        10,
        "at most one of `rev`, `branch` or `tag`",
    );
    assert_error(
        &format!(
            "id: d\nrequirements:\n  - name: x\n    url: https://x/x.whl\n    editable: true\n{w}"
        ),
        "invalid-requirement",
        5,
        5,
        "`editable` is only valid with `path`",
    );
    assert_error(
        &format!("id: d\nrequirements:\n  - name: x\n    path: rel/dir\n{w}"),
        "invalid-requirement",
        4,
        11,
        "absolute filesystem path",
    );
    assert_error(
        &format!("id: d\nrequirements:\n  - name: x\n    path: file:///x\n{w}"),
        "invalid-requirement",
        4,
        11,
        "not a file:// URL",
    );
    assert_error(
        &format!("id: d\nrequirements:\n  - name: x\n    path: /x\n    branches: main\n{w}"),
        "unknown-key",
        5,
        5,
        "`branches`",
    );
    // Valid forms produce no diagnostics.
    let ok = "id: d\nrequirements:\n  - name: numpy\n    version: \">=1.2\"\n    channel: conda-forge\n  - requirement: \"conda-forge::pandas>=2\"\n  - name: helper\n    git: https://github.com/x/helper.git\n    tag: v1\n    extras: [a, b]\n  - name: local\n    path: /abs/local\n    editable: true\nworkflow: []\n";
    assert!(diagnose(ok).is_empty(), "{:?}", diagnose(ok));
}

#[test]
fn task_instance_ids() {
    assert_error(
        &format!("{HEAD}workflow:\n  - id: sum\n    task: shout\n"),
        "invalid-id",
        4,
        9,
        "built-in",
    );
    assert_error(
        &format!("{HEAD}workflow:\n  - id: for\n    task: shout\n"),
        "invalid-id",
        4,
        9,
        "keyword",
    );
    assert_error(
        &format!("{HEAD}workflow:\n  - id: a-b\n    task: shout\n"),
        "invalid-id",
        4,
        9,
        "identifier",
    );
    assert_error(
        &format!("{HEAD}workflow:\n  - id: greet\n    task: shout\n"),
        "invalid-id",
        4,
        9,
        "registered task function",
    );
    let long = "t".repeat(33);
    assert_error(
        &format!("{HEAD}workflow:\n  - id: {long}\n    task: shout\n"),
        "invalid-id",
        4,
        9,
        "maximum is 32",
    );
    assert_error(
        &format!("{HEAD}workflow:\n  - id: demo\n    task: shout\n"),
        "id-clash",
        4,
        9,
        "same as the workflow id",
    );
    assert_error(
        &format!("{HEAD}workflow:\n  - id: a\n    task: shout\n  - id: a\n    task: shout\n"),
        "duplicate-id",
        6,
        9,
        "used more than once",
    );
}

#[test]
fn task_references() {
    let help = assert_error(
        &format!("{HEAD}workflow:\n  - id: a\n    task: shuot\n"),
        "unknown-task",
        5,
        11,
        "not a known task",
    );
    assert!(help.unwrap().contains("`shout`"));
    let help = assert_error(
        &format!("{HEAD}workflow:\n  - id: a\n    task: add\n"),
        "ambiguous-task",
        5,
        11,
        "more than one module",
    );
    assert!(help.unwrap().contains("other_tasks.math.add"));
    assert_error(
        &format!("{HEAD}workflow:\n  - id: a\n    task: other_tasks.add\n"),
        "unknown-task",
        5,
        11,
        "not found in module `other_tasks`",
    );
    assert!(
        diagnose(&format!(
            "{HEAD}workflow:\n  - id: a\n    task: other_tasks.math.add\n"
        ))
        .is_empty()
    );
    assert!(
        diagnose(&format!(
            "{HEAD}workflow:\n  - id: a\n    task: wtc_example_tasks.shout\n"
        ))
        .is_empty()
    );
    assert_error(
        &format!(
            "{HEAD}workflow:\n  - id: a\n    task: shout\n    skipif:\n      conditions: [never]\n"
        ),
        "unknown-task",
        7,
        20,
        "skipif condition `never`",
    );
}

#[test]
fn variable_references_and_order() {
    let spec = |partial: &str| {
        format!(
            "{HEAD}workflow:\n  - id: a\n    task: shout\n  - id: b\n    task: shout\n    partial:\n      text: {partial}\n"
        )
    };
    assert_error(
        &spec("${{ workflow.a.output }}"),
        "invalid-reference",
        9,
        13,
        "unrecognized variable",
    );
    assert_error(
        &spec("${{ foo }}"),
        "invalid-reference",
        9,
        13,
        "unrecognized variable",
    );
    assert_error(
        &spec("\"${{ env.A }} and ${{ env.B }}\""),
        "invalid-reference",
        9,
        13,
        "unrecognized variable",
    );
    let help = assert_error(
        &spec("${{ workflow.aa.return }}"),
        "unknown-reference",
        9,
        13,
        "not a task id",
    );
    assert!(help.unwrap().contains("`a`"));
    assert_error(
        &spec("${{ workflow.b.return }}"),
        "self-reference",
        9,
        13,
        "its own return value",
    );
    // Interpolation is not a reference: passed through literally.
    assert!(diagnose(&spec("\"x-${{ env.A }}\"")).is_empty());
    assert!(diagnose(&spec("${{ env.HOME }}")).is_empty());
    // Topological order: `a` uses `b`, defined after it.
    let later = format!(
        "{HEAD}workflow:\n  - id: a\n    task: shout\n    partial:\n      text: ${{{{ workflow.b.return }}}}\n  - id: b\n    task: shout\n"
    );
    assert_error(&later, "topological-order", 7, 13, "defined after it");
}

#[test]
fn map_mapvalues_skipif() {
    let base = format!(
        "{HEAD}workflow:\n  - id: src\n    task: split_words\n  - id: m\n    task: shout\n"
    );
    assert_error(
        &format!(
            "{base}    map:\n      argnames: text\n      argvalues: ${{{{ workflow.src.return }}}}\n    mapvalues:\n      argnames: text\n      argvalues: ${{{{ workflow.src.return }}}}\n"
        ),
        "map-and-mapvalues",
        11,
        5,
        "both `map` and `mapvalues`",
    );
    assert_error(
        &format!("{base}    map:\n      argnames: text\n"),
        "incomplete-map",
        9,
        7,
        "no `argvalues`",
    );
    assert_error(
        &format!("{base}    map:\n      argnames: text\n      argvalues: [1]\n"),
        "invalid-argvalues",
        10,
        19,
        "must hold references",
    );
    assert_error(
        &format!("{base}    map:\n      argnames: text\n      argvalue: x\n"),
        "unknown-key",
        10,
        7,
        "`argvalue`",
    );
    assert_error(
        &format!("{base}    skipif:\n      conditions: [any_is_empty]\n      depth: 2\n"),
        "unknown-key",
        10,
        7,
        "`depth`",
    );
    assert_error(
        &format!("{base}    skipif:\n      unpack_depth: deep\n"),
        "invalid-type",
        9,
        21,
        "an integer",
    );
    assert_error(
        &format!("{HEAD}task-instance-defaults:\n  skip: {{}}\nworkflow: []\n"),
        "unknown-key",
        4,
        3,
        "`skip`",
    );
    // Valid map with several argnames and a list of references.
    let ok = format!(
        "{base}    map:\n      argnames: [text]\n      argvalues: [\"${{{{ workflow.src.return }}}}\", \"${{{{ env.X }}}}\"]\n"
    );
    assert!(diagnose(&ok).is_empty(), "{:?}", diagnose(&ok));
}

#[test]
fn partial_values() {
    assert_error(
        &task("    partial:\n      a: 2020-01-01\n"),
        "unquoted-date",
        7,
        10,
        "unquoted date",
    );
    assert_error(
        &task("    partial:\n      class: 1\n"),
        "invalid-argument-name",
        7,
        7,
        "Python keyword",
    );
    assert_error(
        &task("    partials: {}\n"),
        "unknown-key",
        6,
        5,
        "`partials`",
    );
}

#[test]
fn groups() {
    assert_error(
        &format!(
            "{HEAD}workflow:\n  - type: task-group\n    title: T\n    description: D\n    tasks:\n      - type: task-group\n        title: X\n        description: Y\n        tasks: []\n"
        ),
        "nested-group",
        8,
        15,
        "cannot be nested",
    );
    assert_error(
        &format!("{HEAD}workflow:\n  - type: task-group\n    description: D\n    tasks: []\n"),
        "missing-key",
        4,
        5,
        "`title`",
    );
    assert_error(
        &format!("{HEAD}workflow:\n  - just a string\n"),
        "invalid-workflow-entry",
        4,
        5,
        "task instance or a task group",
    );
    assert_error(
        &format!("{HEAD}workflow:\n  - id: x\n"),
        "invalid-workflow-entry",
        4,
        5,
        "no `task`",
    );
}

#[test]
fn warnings_for_arguments_the_task_does_not_take() {
    let spec =
        format!("{HEAD}workflow:\n  - id: a\n    task: shout\n    partial:\n      txt: hi\n");
    let diags = diagnose(&spec);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let (sev, code, line, col, msg, help) = &diags[0];
    assert_eq!(
        (*sev, *code, *line, *col),
        (Severity::Warning, "unknown-argument", 7, 7)
    );
    assert!(msg.contains("has no argument `txt`"));
    assert_eq!(help.as_deref(), Some("did you mean `text`?"));
}

#[test]
fn overrides_and_metadata() {
    let spec = format!("{HEAD}rjsf-overrides:\n  definitions:\n    X.title: y\nworkflow: []\n");
    let diags = diagnose(&spec);
    assert_eq!(diags.len(), 1);
    assert_eq!(
        (diags[0].0, diags[0].1),
        (Severity::Warning, "ignored-override-section")
    );
    assert_eq!(diags[0].5.as_deref(), Some("did you mean `$defs`?"));
    assert_error(
        &format!("{HEAD}rjsf-overrides:\n  uiSchema:\n    ui:order.x: 1\nworkflow: []\n"),
        "invalid-override",
        5,
        5,
        "is not a mapping",
    );
    assert_error(
        &format!(
            "{HEAD}metadata:\n  name: n\n  description: d\n  maintainers: [{{name: a, email: b}}]\nworkflow: []\n"
        ),
        "missing-key",
        4,
        3,
        "`license`",
    );
}

#[test]
fn yaml_errors_have_positions() {
    let spec = format!(
        "{HEAD}workflow:\n  - id: a\n    task: shout\n    partial:\n      text: [${{{{ workflow.x.return }}}}]\n"
    );
    let diags = diagnose(&spec);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].1, "yaml-syntax");
    assert_eq!(diags[0].2, 7);
    assert_error(
        &format!("{HEAD}id: again\nworkflow: []\n"),
        "yaml-syntax",
        3,
        1,
        "duplicate key `id`",
    );
}

#[test]
fn independent_errors_are_reported_together() {
    let spec = format!(
        "{HEAD}workflow:\n  - id: sum\n    task: shout\n  - id: b\n    task: nope\n  - id: c\n    task: shout\n    partial:\n      text: 2020-01-01\n  - id: d\n    task: shout\n    partial:\n      text: ${{{{ workflow.e.return }}}}\n  - id: e\n    task: shout\n"
    );
    // All of them, in source order; the order error is reported although lowering failed.
    let codes: Vec<_> = diagnose(&spec).into_iter().map(|d| d.1).collect();
    assert_eq!(
        codes,
        [
            "invalid-id",
            "unknown-task",
            "unquoted-date",
            "topological-order"
        ]
    );
}

#[test]
fn rendered_diagnostic_snapshot() {
    let spec = format!("{HEAD}workflow:\n  - id: a\n    task: shuot\n");
    let db = Database::default();
    let (_, compiled) = compile(
        &db,
        Utf8Path::new("spec.yaml"),
        &spec,
        &registry(),
        vec![],
        &CompileArgs::default(),
    );
    expect_test::expect![[r#"
        error[unknown-task]: task `shuot` is not a known task
         --> spec.yaml:5:11
          |
        5 |     task: shuot
          |           ^^^^^ not found in the task registry
          |
          = help: did you mean `shout`?"#]]
    .assert_eq(&rendered_diagnostics(&compiled, "spec.yaml", &spec));
}

#[test]
fn invalid_registry_schema_points_at_the_task() {
    let mut doc: serde_json::Value = serde_json::from_str(&registry()).unwrap();
    doc["entries"]["wtc_example_tasks.strings.shout"]["json_schema"]["properties"]["text"] =
        serde_json::json!({"oneOf": []});
    let spec = format!("{HEAD}workflow:\n  - id: a\n    task: shout\n");
    let db = Database::default();
    let (_, compiled) = compile(
        &db,
        Utf8Path::new("spec.yaml"),
        &spec,
        &doc.to_string(),
        vec![],
        &CompileArgs::default(),
    );
    assert!(compiled.package.is_none());
    let d = &compiled.diagnostics[0];
    assert_eq!(d.code, "invalid-schema");
    assert!(
        d.message.contains("'params.json'")
            && d.message.contains("/properties/a/properties/text/oneOf"),
        "{}",
        d.message
    );
    let index = LineIndex::new(&spec);
    assert_eq!(
        index.line_col(d.primary.as_ref().unwrap().span.start),
        (5, 11)
    );
}
