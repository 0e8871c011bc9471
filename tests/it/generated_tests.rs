//! The generated `tests/` suite passes: each example is compiled into a temporary copy of
//! its directory (spec.yaml, test-cases.yaml, data files and the committed
//! `__results_snapshots__/`), then `python -m pytest tests/ --case <id>` runs in the
//! project's venv from the release directory, once per case of `test-cases.yaml`.
//!
//! What runs, per case: `test_metadata.py` (the runner app's metadata endpoints) and
//! `test_results.py` in the `app-sequential-mock-io` mode (the workflow runs through
//! `wt_runner.app`, with and without data for its io tasks; response snapshots and the
//! OpenTelemetry trace are checked).
//!
//! What does not: the `cli-sequential-mock-io` mode is deselected on the command line
//! (`-k "not cli-sequential-mock-io"`): it is the deployment path through a pixi
//! environment (`pixi run -e default <release> run ...` from the runner's CLI invoker),
//! and pixi cannot be installed on the machines this suite runs on. `test_iframes` skips
//! itself: the examples' results have no HTML widgets (and no browser is installed).
//!
//! How app mode runs without pixi: the app's invoker also starts the workflow with
//! `pixi run -e default <release name> <args...>` (and answers the metadata endpoints the
//! same way). The harness puts a `pixi` shim first on `PATH` that accepts exactly that
//! command line and runs what the package's pixi task runs, `python -m <package>.cli
//! <args...>`, with the venv's Python in the release directory (the workspace root a pixi
//! task runs in, which makes the package importable). Anything else fails loudly. So the
//! generated package and the runtime are not touched: the real app, the real invoker and
//! the generated CLI run the workflow code; only the environment manager is stood in for.
//!
//! `WTC_UPDATE_SNAPSHOTS=1` runs pytest with `--snapshot-update` instead and copies the
//! regenerated `__results_snapshots__/` back into `examples/<x>/`
//! (`scripts/update-example-snapshots.sh`).

use crate::support::suite::{outcomes, path_with, pytest_case, write_pixi_shim};
use crate::support::*;
use camino::{Utf8Path, Utf8PathBuf};
use wtc::db::Database;

/// Environment variables the examples' specs read.
const ENV: &[(&str, &str)] = &[("GREETING_NAME", "Ada")];

const SNAPSHOTS: &str = "__results_snapshots__";

/// Copy what the generated suite reads from an example directory: its top-level files
/// (spec.yaml, test-cases.yaml, data files) and the committed snapshots.
fn copy_example(example: &str, to: &Utf8Path, with_snapshots: bool) {
    let from = repo().join("examples").join(example);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(&from).unwrap().flatten() {
        let path = Utf8PathBuf::from_path_buf(entry.path()).unwrap();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
    if with_snapshots && from.join(SNAPSHOTS).is_dir() {
        copy_dir(&from.join(SNAPSHOTS), &to.join(SNAPSHOTS));
    }
}

/// How many times each test must pass for a success case (its app-mode runs: with data
/// and without), and for a failure case.
const SUCCESS_TESTS: &[(&str, usize)] = &[
    ("tests/test_metadata.py::test_get_params", 1),
    (
        "tests/test_metadata.py::test_get_data_connection_property_names",
        1,
    ),
    ("tests/test_metadata.py::test_validate_formdata", 1),
    ("tests/test_metadata.py::test_generate_nested_params", 1),
    ("tests/test_metadata.py::test_round_trip", 1),
    ("tests/test_results.py::test_dashboard_json", 2),
    ("tests/test_results.py::test_otel_traces_success", 2),
];
const FAILURE_TESTS: &[(&str, usize)] = &[
    ("tests/test_metadata.py::test_get_params", 1),
    (
        "tests/test_metadata.py::test_get_data_connection_property_names",
        1,
    ),
    ("tests/test_results.py::test_failure_response", 1),
];

#[test]
fn generated_test_suites_pass_for_every_example_case() {
    let Some(python) = python_with("pytest, syrupy, wt_runner.testing, wtc_example_tasks") else {
        return;
    };
    let update = std::env::var_os("WTC_UPDATE_SNAPSHOTS").is_some();
    let ws = Workspace::new();
    let root = &ws.root;
    let db = Database::default();
    let path = path_with(&root.join("bin"));
    let mut ran = 0;
    for &example in EXAMPLES {
        let dir = root.join(example);
        copy_example(example, &dir, !update);
        let (_, compiled) = compile_example(&db, example);
        let pkg = compiled.package.as_ref().expect("example compiles");
        let release_dir = wtc::output::write_package(&dir, pkg, false).unwrap().dir;
        write_pixi_shim(&root.join("bin"), &pkg.release_name, &release_dir, &python);

        for case in test_cases(example) {
            let extra: &[&str] = if update { &["--snapshot-update"] } else { &[] };
            let output = pytest_case(&python, &release_dir, &case.id, &path, ENV, extra);
            let stdout = String::from_utf8_lossy(&output.stdout);
            let label = format!("{example} --case {}", case.id);
            assert!(
                output.status.success(),
                "{label}: pytest failed\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let results = outcomes(&stdout);
            let bad: Vec<_> = results
                .iter()
                .filter(|(_, o)| !matches!(o.as_str(), "PASSED" | "SKIPPED"))
                .collect();
            assert!(bad.is_empty(), "{label}: {bad:?}\n{stdout}");
            let wanted = if case.raises {
                FAILURE_TESTS
            } else {
                SUCCESS_TESTS
            };
            for &(test, times) in wanted {
                let passes = results
                    .iter()
                    .filter(|(id, o)| {
                        o.as_str() == "PASSED"
                            && (id.as_str() == test || id.starts_with(&format!("{test}[")))
                    })
                    .count();
                assert_eq!(passes, times, "{label}: {test} passed {passes}x\n{stdout}");
            }
            let passed = results.values().filter(|o| *o == "PASSED").count();
            let summary = stdout.lines().last().unwrap_or_default().trim_matches('=');
            eprintln!("{label}: {passed} passed ({})", summary.trim());
            for (test, outcome) in &results {
                eprintln!("  {outcome:7} {test}");
            }
            ran += passed;
        }
        if update {
            let committed = repo().join("examples").join(example).join(SNAPSHOTS);
            if committed.is_dir() {
                std::fs::remove_dir_all(&committed).unwrap();
            }
            copy_dir(&dir.join(SNAPSHOTS), &committed);
            eprintln!("updated {committed}");
        }
    }
    assert!(ran >= 40, "only {ran} generated tests passed");
}
