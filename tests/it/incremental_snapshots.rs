//! What an edit recomputes, as snapshots of salsa's execution log (`WillExecute` events):
//! one line per query that ran, with how many times (per-task queries run once per task
//! they were asked for). `UPDATE_EXPECT=1 cargo test --test it incremental_snapshots` updates
//! the snapshots after an intended change of the query graph.
//!
//! The spec is `examples/map-reduce` (7 tasks) with the example registry. Each case starts
//! from a database that has compiled the whole package once (images included).

use crate::support::*;
use expect_test::{Expect, expect};
use salsa::Setter;
use std::sync::Arc;
use wtc::artifacts::{Package, package};
use wtc::db::{Database, RegistryInput, SpecFile, Workflow};
use wtc::registry::Registry;

struct Session {
    db: Database,
    wf: Workflow,
    file: SpecFile,
    registry: RegistryInput,
    text: String,
    package: Arc<Package>,
}

fn session() -> Session {
    let db = Database::with_execution_log();
    let path = repo().join("examples/map-reduce/spec.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let wf = example_builder().build(&db, path, text.clone());
    let (file, registry) = (*wf.spec(&db), *wf.registry(&db));
    let package = package(&db, wf)
        .package
        .clone()
        .expect("the example compiles");
    db.take_execution_log();
    Session {
        db,
        wf,
        file,
        registry,
        text,
        package,
    }
}

impl Session {
    /// Replace the spec text with `edit(text)`, recompile, and return the new package and
    /// the recomputed queries (`name ×count`, in the order they first ran).
    fn edit(&mut self, edit: impl FnOnce(&str) -> String) -> (Arc<Package>, String) {
        let text = edit(&self.text);
        assert_ne!(text, self.text, "the edit changes the text");
        self.file.set_text(&mut self.db).to(text.clone());
        self.text = text;
        self.recompile()
    }

    fn recompile(&mut self) -> (Arc<Package>, String) {
        let compiled = package(&self.db, self.wf).clone();
        let pkg = compiled
            .package
            .clone()
            .unwrap_or_else(|| panic!("{:?}", compiled.diagnostics));
        let log = summarize(&self.db.take_execution_log());
        (pkg, log)
    }
}

fn summarize(log: &[String]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for q in log {
        match counts.iter_mut().find(|(name, _)| name == q) {
            Some((_, n)) => *n += 1,
            None => counts.push((q, 1)),
        }
    }
    counts
        .iter()
        .map(|(q, n)| {
            if *n == 1 {
                format!("{q}\n")
            } else {
                format!("{q} ×{n}\n")
            }
        })
        .collect()
}

/// The files whose bytes differ between two packages (added, changed or removed).
fn changed_files(before: &Package, after: &Package) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (name, bytes) in &after.files {
        if before.file(name) != Some(bytes) {
            out.push(name.clone());
        }
    }
    for (name, _) in &before.files {
        if after.file(name).is_none() {
            out.push(name.clone());
        }
    }
    out.sort();
    out
}

/// None of `queries` appears in the summarized `log`.
fn assert_not_run(log: &str, queries: &[&str]) {
    for q in queries {
        assert!(
            !log.lines().any(|l| l.split(' ').next() == Some(*q)),
            "{q}:\n{log}"
        );
    }
}

fn check(actual: &str, expected: Expect) {
    expected.assert_eq(actual);
}

const NEVER_ON_WORKFLOW_EDITS: [&str; 6] = [
    "pixi_toml",
    "dockerfile",
    "discovery_inputs",
    "discovery_key",
    "spec_requirements_changed",
    "merged_default_feature",
];

/// (a) Editing one task's `partial` value recomputes that task's statement and spec dump,
/// the DAG modules and the README fingerprint; no schema fragment, params.json, rjsf.json,
/// pixi.toml, Dockerfile or discovery query.
#[test]
fn a_partial_value_edit() {
    let mut s = session();
    let before = s.package.clone();
    let (after, log) = s.edit(|t| t.replace("factor: 3", "factor: 4"));
    check(
        &log,
        expect![[r#"
            lowered
            item_lowered
            item_placed
            front_end_diagnostics
            spec_model
            resolution
            spec_requirements
            names
            ordered_fragments
            task_nodes
            rjsf_value
            test_tasks
            spec_dump
            task_spec_json
            readme_hashes
            task_dag_code
            run_sequential_mock_io_py
            task_dag_links
            covered_sha256 ×2
            run_sequential_py
            fingerprint
            readme_md
            package_without_images
            task_graph_args
            spec_id
            package
        "#]],
    );
    assert_not_run(&log, &NEVER_ON_WORKFLOW_EDITS);
    assert_not_run(&log, &["task_fragment", "params_json", "rjsf_json"]);
    check(
        &changed_files(&before, &after).join("\n"),
        expect![[r#"
            README.md
            wt_parity_report_workflow/dags/run_sequential.py
            wt_parity_report_workflow/dags/run_sequential_mock_io.py"#]],
    );
}

/// (a) Editing a `partial` so that the user-facing params change (a fixed argument becomes
/// a parameter): that task's fragment, params.json, rjsf.json and the pydantic models are
/// recomputed too; still no pixi.toml, Dockerfile or discovery.
#[test]
fn a_partial_edit_that_changes_the_params() {
    let mut s = session();
    let before = s.package.clone();
    let (after, log) = s.edit(|t| t.replace("    partial:\n      label: total\n", ""));
    check(
        &log,
        expect![[r#"
            lowered
            item_lowered
            item_placed ×4
            front_end_diagnostics
            spec_model
            resolution
            spec_requirements
            names
            ordered_fragments
            task_nodes
            task_fragment
            params_value
            params_json
            package_without_images
            rjsf_value
            rjsf_json
            test_tasks
            params_sha256
            fingerprint
            spec_dump
            task_spec_json
            readme_hashes
            covered_sha256 ×4
            task_dag_code
            run_sequential_mock_io_py
            task_dag_links
            run_sequential_py
            readme_md
            params_py
            formdata_py
            task_graph_args
            task_graph
            spec_id
            graph_dot
            package
            graph_svg
            graph_drawing
            graph_png
        "#]],
    );
    assert_not_run(&log, &NEVER_ON_WORKFLOW_EDITS);
    check(
        &changed_files(&before, &after).join("\n"),
        expect![[r#"
            README.md
            graph.dot
            graph.png
            graph.svg
            wt_parity_report_workflow/dags/run_sequential.py
            wt_parity_report_workflow/dags/run_sequential_mock_io.py
            wt_parity_report_workflow/formdata.py
            wt_parity_report_workflow/params.json
            wt_parity_report_workflow/params.py
            wt_parity_report_workflow/rjsf.json"#]],
    );
}

/// (b) Editing `requirements:` re-keys discovery and re-renders pixi.toml, but does not
/// recompute the DAG modules while the registry stays the same...
#[test]
fn b_requirements_edit_with_the_same_registry() {
    let mut s = session();
    let before = s.package.clone();
    let (after, log) = s.edit(|t| {
        t.replace(
            "requirements:\n",
            "requirements:\n  - name: numpy\n    version: \">=1\"\n    channel: conda-forge\n",
        )
    });
    check(
        &log,
        expect![[r#"
            lowered
            skeleton_tree
            item_placed ×7
            front_end_diagnostics
            spec_model
            resolution
            spec_requirements
            requirement_values
            layers
            names
            ordered_fragments
            task_nodes
            rjsf_value
            dockerfile
            test_tasks
            spec_dump
            pixi_toml
            covered_sha256
            readme_hashes
            fingerprint
            installed_requirements
            readme_md
            package_without_images
            spec_id
            package
        "#]],
    );
    assert_not_run(
        &log,
        &[
            "run_sequential_py",
            "run_sequential_mock_io_py",
            "task_dag_code",
        ],
    );
    check(
        &changed_files(&before, &after).join("\n"),
        expect![[r#"
            README.md
            pixi.toml"#]],
    );
}

/// (b) ...and when discovery then yields a different registry (here: the description of
/// `multiply`, which `tripled` calls, changed), what reads that task is recomputed: its
/// node's queries, the DAG assembly and the fingerprint.
#[test]
fn b_requirements_edit_with_a_new_registry() {
    let mut s = session();
    let doc = example_registry();
    let changed = doc.replacen(
        "\"Multiply a number by a factor.\"",
        "\"Multiply a number by a factor (any integer).\"",
        1,
    );
    assert_ne!(changed, doc, "the registry has a description to edit");
    let registry = Arc::new(Registry::from_json(&changed).unwrap());
    assert!(wtc::db::update_registry(
        &mut s.db,
        s.registry,
        registry,
        Default::default()
    ));
    let (_, log) = s.recompile();
    check(
        &log,
        expect![[r#"
            resolution
            front_end_diagnostics
            ordered_fragments
            task_nodes
            task_fragment
            test_tasks
            spec_dump
            task_spec_json
            readme_hashes
            task_dag_code
            task_dag_links
            fingerprint
            readme_md
            package_without_images
            task_graph_args
            package
        "#]],
    );
}

/// (c) A whitespace- or comment-only edit re-parses, but every generated file keeps its
/// bytes: nothing would be rewritten.
#[test]
fn c_comment_and_whitespace_edits() {
    let mut s = session();
    let before = s.package.clone();
    let (after, log) = s.edit(|t| {
        // A comment above everything (every span moves), trailing blanks, a blank line.
        format!("# a new first line\n{t}")
            .replace("  - id: groups\n", "  - id: groups   \n")
            .replace("\n  - id: sums\n", "\n\n  - id: sums\n")
    });
    check(
        &log,
        expect![[r#"
            lowered
            skeleton_tree
            item_lowered
            item_placed ×7
            front_end_diagnostics
            spec_model
            resolution
            spec_requirements
            requirement_values
            names
            ordered_fragments
            task_nodes
            rjsf_value
            test_tasks
            spec_dump
            spec_id
        "#]],
    );
    assert_eq!(changed_files(&before, &after), Vec::<String>::new());
    // And on disk: an in-place update writes no file.
    let ws = Workspace::new();
    let parent = &ws.root;
    wtc::output::write_package(parent, &before, false).unwrap();
    let previous: Vec<String> = before.files.iter().map(|(p, _)| p.clone()).collect();
    let report = wtc::output::update_in_place(parent, &after, &previous).unwrap();
    assert!(report.written.is_empty(), "{report:?}");
}
