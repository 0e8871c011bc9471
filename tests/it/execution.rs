//! The compiled examples run for real: each example is compiled and written to disk, then
//! the project's Python venv imports the package and runs `dags.run_sequential.main` (and
//! the mock-io variant) with the params of every case in the example's `test-cases.yaml`.
//! Results must equal `expected/<case>.json` (values computed by hand). The generated
//! `cli.py` is run as a user would (`run --config-file ... --execution-mode sequential`).

use crate::support::*;
use camino::{Utf8Path, Utf8PathBuf};
use std::process::Command;
use wtc::db::Database;

/// Environment variables the examples' specs read.
const ENV: &[(&str, &str)] = &[("GREETING_NAME", "Ada")];

/// Compile an example into `out/<example>/` and return the release dir and package name.
fn build(db: &Database, example: &str, out: &Utf8Path) -> (Utf8PathBuf, String) {
    let (_, compiled) = compile_example(db, example);
    let pkg = compiled.package.as_ref().expect("example compiles");
    let parent = out.join(example);
    std::fs::create_dir_all(&parent).unwrap();
    let report = wtc::output::write_package(&parent, pkg, false).unwrap();
    (report.dir, pkg.release_name.replace('-', "_"))
}

#[test]
fn examples_run_and_return_the_expected_results() {
    let Some(python) = python_with("wt_task, wt_contracts, wtc_example_tasks") else {
        return;
    };
    let ws = Workspace::new();
    let out = &ws.root;
    let db = Database::default();
    let driver = repo().join("tests/python/run_dag.py");
    let mut ran = 0;
    for &example in EXAMPLES {
        let (release, package) = build(&db, example, out);
        let example_dir = repo().join("examples").join(example);
        for case in test_cases(example) {
            for module in ["run_sequential", "run_sequential_mock_io"] {
                let output = Command::new(&python)
                    .arg(&driver)
                    .args([release.as_str(), &package, module, &case.params.to_string()])
                    .envs(ENV.iter().copied())
                    .current_dir(&example_dir)
                    .output()
                    .unwrap();
                let stderr = String::from_utf8_lossy(&output.stderr);
                let label = format!("{example}/{}/{module}", case.id);
                if case.raises {
                    assert!(!output.status.success(), "{label}: expected a failure");
                    assert!(stderr.contains("ValidationError"), "{label}: {stderr}");
                    continue;
                }
                assert!(output.status.success(), "{label} failed:\n{stderr}");
                let got: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
                let mock_file = example_dir
                    .join("expected")
                    .join(format!("{}.mock-io.json", case.id));
                let file = if module.ends_with("mock_io") && mock_file.is_file() {
                    mock_file
                } else {
                    example_dir
                        .join("expected")
                        .join(format!("{}.json", case.id))
                };
                let want: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
                assert_eq!(got, want, "{label} (expected {file})");
                ran += 1;
            }
        }
    }
    eprintln!("ran {ran} DAG executions");
    assert!(ran >= 10);
}

#[test]
fn generated_cli_runs_like_a_user_would() {
    let Some(python) = python_with("wt_task, wt_contracts, wtc_example_tasks") else {
        return;
    };
    let ws = Workspace::new();
    let out = &ws.root;
    let db = Database::default();
    let (release, package) = build(&db, "chain", out);
    let results = out.join("results");
    std::fs::create_dir_all(&results).unwrap();
    let config = out.join("params.yaml");
    std::fs::write(&config, "base:\n  a: 5\nreport:\n  unit: pts\n").unwrap();
    let run = |extra: &[&str]| {
        Command::new(&python)
            .args([
                "-m",
                &format!("{package}.cli"),
                "run",
                "--config-file",
                config.as_str(),
                "--execution-mode",
                "sequential",
            ])
            .args(extra)
            .env("WT_RESULTS", format!("file://{results}"))
            .envs(ENV.iter().copied())
            .current_dir(&release)
            .output()
            .unwrap()
    };
    let output = run(&["--no-mock-io"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(results.join("result.json")).unwrap())
            .unwrap();
    assert_eq!(
        result,
        serde_json::json!({"result": {"report": "Total: 30 pts"}, "error": null, "trace": null})
    );

    // `get params` prints the bundled schema.
    let output = Command::new(&python)
        .args(["-m", &format!("{package}.cli"), "get", "params"])
        .current_dir(&release)
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let bundled: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(release.join(&package).join("params.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(printed, bundled);

    // Invalid params are rejected by the CLI before anything runs.
    std::fs::write(&config, "base: {}\n").unwrap();
    let output = run(&["--mock-io"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Invalid configuration"));
}

/// `examples/registry.json` is what the real `wt-registry --format json` prints for the
/// examples' task library (regenerate: `.venv/bin/wt-registry --format json | python -m json.tool --indent 2`).
#[test]
fn committed_example_registry_is_current() {
    let Some(python) = python_with("wt_task, wt_contracts, wtc_example_tasks") else {
        return;
    };
    let registry = python.parent().unwrap().join("wt-registry");
    let output = Command::new(&registry)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let fresh: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/registry.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        fresh, committed,
        "examples/registry.json is stale: regenerate it with `.venv/bin/wt-registry --format json`"
    );
}
