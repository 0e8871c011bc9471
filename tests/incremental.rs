//! Incrementality: salsa's execution log shows which queries an edit re-runs.

mod common;

use common::*;
use salsa::Setter;
use wtc::artifacts::package;
use wtc::db::{Database, Options, RegistryInput, SpecFile, Workflow};
use wtc::registry::Registry;

fn count(log: &[String], query: &str) -> usize {
    log.iter().filter(|q| q.as_str() == query).count()
}

#[test]
fn editing_one_task_recomputes_only_its_fragment() {
    let mut db = Database::with_execution_log();
    let registry = Registry::from_json(
        &std::fs::read_to_string(repo().join("examples/registry.json")).unwrap(),
    )
    .unwrap();
    let registry = RegistryInput::new(&db, std::sync::Arc::new(registry), Default::default());
    let options = Options::new(&db, "wt".into(), "WT_RESULTS".into(), String::new());
    let path = repo().join("examples/map-reduce/spec.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let file = SpecFile::new(&db, path, text.clone());
    let wf = Workflow::new(&db, file, registry, options);
    assert!(package(&db, wf).package.is_some());
    let first = db.take_execution_log();
    assert_eq!(count(&first, "task_fragment"), 6, "{first:?}");

    // A value-only edit (`tripled`: factor 3 → 4) changes no task's user-facing args:
    // no fragment is recomputed, params.json is untouched, the DAG modules re-render.
    let edited = text.replace("factor: 3", "factor: 4");
    file.set_text(&mut db).to(edited.clone());
    let pkg = package(&db, wf).clone();
    let log = db.take_execution_log();
    assert_eq!(count(&log, "task_fragment"), 0, "{log:?}");
    assert_eq!(count(&log, "params_json"), 0, "{log:?}");
    assert_eq!(count(&log, "cli_py"), 0, "{log:?}");
    assert_eq!(count(&log, "run_sequential_py"), 1, "{log:?}");
    assert!(file_text(&pkg, "run_sequential.py").contains("factor=4"));
    // The task graph is recomputed but unchanged: nothing is laid out or rendered again.
    assert_eq!(count(&log, "task_graph"), 1, "{log:?}");
    for q in ["graph_dot", "graph_drawing", "graph_svg", "graph_png"] {
        assert_eq!(count(&log, q), 0, "{q}: {log:?}");
    }

    // Dropping a partial key of one task (`sums` no longer fixes `label`) recomputes that
    // task's fragment only, and params.json (the user-facing params changed).
    let edited = edited.replace("    partial:\n      label: total\n", "");
    file.set_text(&mut db).to(edited.clone());
    let pkg = package(&db, wf).clone();
    let log = db.take_execution_log();
    assert_eq!(count(&log, "task_fragment"), 1, "{log:?}");
    assert_eq!(count(&log, "params_json"), 1, "{log:?}");
    assert_eq!(count(&log, "cli_py"), 0, "{log:?}");
    assert!(file_text(&pkg, "params.json").contains("\"label\""));
    // `sums` lost its `label` port: the graph is rendered again, once.
    for q in ["graph_dot", "graph_drawing", "graph_svg", "graph_png"] {
        assert_eq!(count(&log, q), 1, "{q}: {log:?}");
    }
    let sums = file_text(&pkg, "graph.dot")
        .lines()
        .find(|l| l.starts_with("sums ["))
        .unwrap();
    assert!(!sums.contains("port='label'"), "{sums}");

    // A comment-only edit re-parses, but every artifact comes out the same.
    file.set_text(&mut db).to(format!("# a comment\n{edited}"));
    let again = package(&db, wf).clone();
    assert_eq!(again.package, pkg.package);
    let log = db.take_execution_log();
    assert_eq!(count(&log, "task_fragment"), 0, "{log:?}");
    assert_eq!(count(&log, "params_json"), 0, "{log:?}");
    assert_eq!(count(&log, "graph_png"), 0, "{log:?}");
}

fn file_text<'a>(c: &'a wtc::artifacts::Compiled, suffix: &str) -> &'a str {
    file(c, suffix)
}
