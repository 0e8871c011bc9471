//! `wtc check` reports exactly what a compile reports: `artifacts::check_diagnostics`
//! (which builds no package) against `package_without_images` (which builds it), over the
//! corpus (compiling and failing specs) and over specs that fail in each later step (a
//! schema made invalid by the registry or by `rjsf-overrides`, warnings only).

use crate::support::*;
use camino::Utf8Path;
use wtc::artifacts::{check_diagnostics, package_without_images};
use wtc::db::{Database, SolvedRecord};

/// Check `spec` both ways in one database; returns the (shared) diagnostics' codes.
#[track_caller]
fn assert_same(
    spec_path: &Utf8Path,
    spec: &str,
    registry: &str,
    solved: Vec<SolvedRecord>,
    args: &CompileArgs,
) -> Vec<String> {
    let db = Database::default();
    let wf = workflow(&db, spec_path, spec, registry, solved, args);
    let checked = check_diagnostics(&db, wf).as_ref().clone();
    let compiled = package_without_images(&db, wf);
    assert_eq!(checked, compiled.diagnostics, "{spec_path}");
    checked.iter().map(|d| d.code.to_string()).collect()
}

#[test]
fn the_corpus_checks_as_it_compiles() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipped: set WTC_CORPUS to the corpus directory (../shared/corpus)");
        return;
    };
    let mut specs = 0;
    let mut failing = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let dir = camino::Utf8PathBuf::from_path_buf(entry.unwrap().path()).unwrap();
        let spec_path = dir.join("spec.yaml");
        let Ok(text) = std::fs::read_to_string(&spec_path) else {
            continue;
        };
        let (registry, solved, args) = corpus_inputs(&dir);
        let codes = assert_same(&spec_path, &text, &registry, solved, &args);
        specs += 1;
        if dir.join("expected-0.10.3/error.txt").is_file() {
            failing += 1;
            assert!(!codes.is_empty(), "{spec_path}: the reference failed");
        }
    }
    assert!(
        specs >= 41 && failing > 0,
        "{specs} specs, {failing} failing"
    );
}

const HEAD: &str = "id: demo\nrequirements: []\n";

/// [`assert_same`] for `spec.yaml` with the default compile options, no solved records.
#[track_caller]
fn assert_same_default(spec: &str, registry: &str) -> Vec<String> {
    assert_same(
        Utf8Path::new("spec.yaml"),
        spec,
        registry,
        vec![],
        &CompileArgs::default(),
    )
}

#[test]
fn a_schema_the_registry_makes_invalid_fails_the_check() {
    let mut doc: serde_json::Value = serde_json::from_str(&example_registry()).unwrap();
    doc["entries"]["wtc_example_tasks.strings.shout"]["json_schema"]["properties"]["text"] =
        serde_json::json!({"oneOf": []});
    let spec = format!("{HEAD}workflow:\n  - id: a\n    task: shout\n");
    let codes = assert_same_default(&spec, &doc.to_string());
    // params.json and rjsf.json both carry the invalid value.
    assert_eq!(codes, ["invalid-schema", "invalid-schema"]);
}

#[test]
fn a_schema_an_override_makes_invalid_fails_the_check() {
    let spec = format!(
        "{HEAD}rjsf-overrides:\n  properties:\n    a.properties.text.type: 7\nworkflow:\n  - id: a\n    task: shout\n"
    );
    let codes = assert_same_default(&spec, &example_registry());
    assert_eq!(codes, ["invalid-schema"]);
}

#[test]
fn warnings_alone_pass_the_check_with_the_same_warnings() {
    let spec =
        format!("{HEAD}workflow:\n  - id: a\n    task: shout\n    partial:\n      txt: hi\n");
    let codes = assert_same_default(&spec, &example_registry());
    assert_eq!(codes, ["unknown-argument"]);
}
