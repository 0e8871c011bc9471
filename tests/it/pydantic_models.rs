//! The generated pydantic models agree with the JSON schemas they mirror: for every example
//! and every compiling corpus spec (`WTC_CORPUS`), `Params.model_validate(x)` succeeds
//! exactly when `wt_contracts.validate(x, params.json)` does, and `FormData` likewise with
//! `rjsf.json`, on the test cases' params and on many generated instances (values built
//! from the schemas and mutations of them). All specs are checked by one Python process
//! (`tests/python/check_models.py`) in the project's venv (`WTC_PYTHON`).
//!
//! A synthetic document (`tests/data/pydantic_constructs.json`) covers the constructs the
//! generator supports beyond those of the corpus.

use crate::support::*;
use camino::{Utf8Path, Utf8PathBuf};
use std::process::Command;
use wtc::db::Database;

/// Write a compiled package under `dir`; the manifest entry (its package directory holds
/// params.json, rjsf.json, params.py and formdata.py).
fn write_case(
    compiled: &wtc::artifacts::Compiled,
    dir: &Utf8Path,
    name: &str,
    test_cases: Option<Utf8PathBuf>,
) -> serde_json::Value {
    let pkg = compiled.package.as_ref().expect("compiled");
    std::fs::create_dir_all(dir).unwrap();
    let report = wtc::output::write_package(dir, pkg, true).unwrap();
    let package_dir = report.dir.join(pkg.release_name.replace('-', "_"));
    assert!(package_dir.join("params.py").is_file());
    serde_json::json!({
        "name": name,
        "package_dir": package_dir.as_str(),
        "test_cases": test_cases.map(|p| p.to_string()),
    })
}

/// The synthetic document, used both as params.json and as rjsf.json.
fn constructs_case(dir: &Utf8Path) -> serde_json::Value {
    let path = repo().join("tests/data/pydantic_constructs.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    for (file, content) in [
        ("params.py", wtc::pydantic_gen::params_module(&document)),
        ("formdata.py", wtc::pydantic_gen::formdata_module(&document)),
        ("params.json", text.clone()),
        ("rjsf.json", text),
    ] {
        std::fs::write(dir.join(file), content).unwrap();
    }
    serde_json::json!({"name": "constructs", "package_dir": dir.as_str(), "test_cases": null})
}

#[test]
fn models_agree_with_the_json_schemas() {
    let Some(python) = python_with("pydantic, wt_contracts, ruamel.yaml") else {
        return;
    };
    // `WTC_MODELS_DIR` keeps the files for inspection.
    let tmp = tempfile::tempdir().unwrap();
    let kept = std::env::var("WTC_MODELS_DIR").ok().map(Utf8PathBuf::from);
    let root = kept
        .as_deref()
        .unwrap_or_else(|| Utf8Path::from_path(tmp.path()).unwrap());
    let db = Database::default();
    let mut manifest = vec![constructs_case(&root.join("constructs"))];
    for &example in EXAMPLES {
        let (_, compiled) = compile_example(&db, example);
        let test_cases = repo()
            .join("examples")
            .join(example)
            .join("test-cases.yaml");
        manifest.push(write_case(
            &compiled,
            &root.join(example),
            example,
            test_cases.is_file().then_some(test_cases),
        ));
    }
    match corpus_dir() {
        Some(corpus) => {
            let mut dirs: Vec<Utf8PathBuf> = std::fs::read_dir(&corpus)
                .unwrap()
                .flatten()
                .map(|e| Utf8PathBuf::from_path_buf(e.path()).unwrap())
                .filter(|d| d.join("spec.yaml").is_file())
                .collect();
            dirs.sort();
            for dir in dirs {
                let name = dir.file_name().unwrap().to_string();
                let spec = dir.join("spec.yaml");
                let text = std::fs::read_to_string(&spec).unwrap();
                let registry = std::fs::read_to_string(dir.join("fixture/registry.json")).unwrap();
                let args = CompileArgs::parse(
                    &std::fs::read_to_string(dir.join("compile-args")).unwrap_or_default(),
                );
                let (_, compiled) = compile(&db, &spec, &text, &registry, vec![], &args);
                if compiled.package.is_none() {
                    continue; // rejected specs are covered by tests/it/corpus.rs
                }
                let test_cases = dir.join("test-cases.yaml");
                manifest.push(write_case(
                    &compiled,
                    &root.join(&name),
                    &name,
                    test_cases.is_file().then_some(test_cases),
                ));
            }
        }
        None => eprintln!("note: WTC_CORPUS not set; checking the examples only"),
    }
    let manifest_path = root.join("manifest.json");
    std::fs::write(
        &manifest_path,
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
    let output = Command::new(&python)
        .arg(repo().join("tests/python/check_models.py"))
        .arg(&manifest_path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "models and schemas disagree:\n{stdout}\n{stderr}"
    );
    let total = stdout
        .lines()
        .last()
        .and_then(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .expect("a summary line");
    eprintln!("{}", total["total"]);
    let total = &total["total"];
    assert_eq!(total["cases"], manifest.len());
    assert_eq!(total["disagreements"], 0);
    assert!(total["valid"].as_u64().unwrap() > 0);
}
