//! Incrementality: salsa's execution log shows which queries an edit re-runs.

use crate::support::*;
use salsa::Setter;
use wtc::artifacts::package;
use wtc::db::Database;
use wtc::registry::Registry;

fn count(log: &[String], query: &str) -> usize {
    log.iter().filter(|q| q.as_str() == query).count()
}

#[test]
fn editing_one_task_recomputes_only_its_fragment() {
    let mut db = Database::with_execution_log();
    let path = repo().join("examples/map-reduce/spec.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let wf = example_builder().build(&db, path, text.clone());
    let file = *wf.spec(&db);
    assert!(package(&db, wf).package.is_some());
    let first = db.take_execution_log();
    assert_eq!(count(&first, "task_fragment"), 7, "{first:?}");

    // A value-only edit (`tripled`: factor 3 → 4) changes no task's user-facing args:
    // no fragment is recomputed, params.json is untouched, the DAG modules re-render.
    let edited = text.replace("factor: 3", "factor: 4");
    file.set_text(&mut db).to(edited.clone());
    let pkg = package(&db, wf).clone();
    let log = db.take_execution_log();
    assert_eq!(count(&log, "task_fragment"), 0, "{log:?}");
    assert_eq!(count(&log, "params_json"), 0, "{log:?}");
    assert_eq!(count(&log, "params_py"), 0, "{log:?}");
    assert_eq!(count(&log, "formdata_py"), 0, "{log:?}");
    assert_eq!(count(&log, "cli_py"), 0, "{log:?}");
    // No id, method or io tag changed: tests/conftest.py is not re-rendered.
    assert_eq!(count(&log, "conftest_py"), 0, "{log:?}");
    assert_eq!(count(&log, "run_sequential_py"), 1, "{log:?}");
    assert!(file_text(&pkg, "run_sequential.py").contains("factor=4"));
    // The README fingerprint: params_sha256 keeps its value (params.json did not change),
    // spec_sha256 is recomputed (from the spec's instances, one of them re-dumped).
    assert_eq!(count(&log, "params_sha256"), 0, "{log:?}");
    assert_eq!(count(&log, "spec_dump"), 1, "{log:?}");
    assert_eq!(count(&log, "task_spec_json"), 1, "{log:?}");
    assert_eq!(count(&log, "readme_hashes"), 1, "{log:?}");
    assert_eq!(count(&log, "readme_md"), 1, "{log:?}");
    // The edited task's references are unchanged: the task graph is not rebuilt, nothing is
    // laid out or rendered again.
    assert_eq!(count(&log, "task_graph_args"), 1, "{log:?}");
    for q in [
        "task_graph",
        "graph_dot",
        "graph_drawing",
        "graph_svg",
        "graph_png",
    ] {
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
    assert_eq!(count(&log, "params_sha256"), 1, "{log:?}");
    assert_eq!(count(&log, "params_py"), 1, "{log:?}");
    assert_eq!(count(&log, "formdata_py"), 1, "{log:?}");
    assert_eq!(count(&log, "cli_py"), 0, "{log:?}");
    assert!(file_text(&pkg, "params.json").contains("\"label\""));
    assert!(file_text(&pkg, "params.py").contains("    label: "));
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
    assert_eq!(count(&log, "params_py"), 0, "{log:?}");
    assert_eq!(count(&log, "graph_png"), 0, "{log:?}");
}

fn file_text<'a>(c: &'a wtc::artifacts::Compiled, suffix: &str) -> &'a str {
    file(c, suffix)
}

#[test]
fn dependency_inputs_recompute_only_pixi_toml() {
    use wtc::db::{FsFacts, OverridesFile};
    let mut db = Database::with_execution_log();
    let overrides = OverridesFile::new(
        &db,
        "/work/overrides.toml".into(),
        "[feature.runner.pypi-dependencies]\nwt-runner = { path = \"../wt-runner\" }\n".into(),
    );
    let path = repo().join("examples/chain/spec.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let wf = example_builder()
        .env_overrides(Some(overrides))
        .build(&db, path, text);
    let pkg = package(&db, wf).clone();
    assert!(file(&pkg, "pixi.toml").contains("path = \"/wt-runner\""));
    db.take_execution_log();

    // New file-system facts (a resolved path, a pyproject.toml): the file is not re-parsed,
    // and params.json is not recomputed.
    let mut facts = FsFacts::default();
    facts
        .resolved
        .insert("../wt-runner".into(), "/src/wt-runner".into());
    facts.pyprojects.insert("/src/wt-runner".into(), None);
    overrides.set_fs(&mut db).to(std::sync::Arc::new(facts));
    let pkg = package(&db, wf).clone();
    let log = db.take_execution_log();
    assert_eq!(count(&log, "parsed"), 0, "{log:?}");
    assert_eq!(count(&log, "resolved"), 1, "{log:?}");
    assert_eq!(count(&log, "pixi_toml"), 1, "{log:?}");
    assert_eq!(count(&log, "params_json"), 0, "{log:?}");
    assert!(file(&pkg, "pixi.toml").contains("path = \"/src/wt-runner\""));

    // A variant only re-merges the layers and re-renders pixi.toml.
    let options = *wf.options(&db);
    options.set_variant(&mut db).to("gcp".into());
    let pkg = package(&db, wf).clone();
    let log = db.take_execution_log();
    assert_eq!(count(&log, "resolved"), 0, "{log:?}");
    assert_eq!(count(&log, "layers"), 1, "{log:?}");
    assert_eq!(count(&log, "run_sequential_py"), 0, "{log:?}");
    assert!(file(&pkg, "pixi.toml").contains("[dependencies.wt-task-gcp]"));
}

#[test]
fn workflow_edits_do_not_rekey_discovery_and_equal_registries_invalidate_nothing() {
    use wtc::discovery::plan::{discovery_inputs, discovery_key};
    let mut db = Database::with_execution_log();
    let doc = example_registry();
    let path = repo().join("examples/map-reduce/spec.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let wf = example_builder().build(&db, path, text.clone());
    let (file, input) = (*wf.spec(&db), *wf.registry(&db));
    let key = discovery_key(&db, wf).clone();
    assert!(package(&db, wf).package.is_some());
    db.take_execution_log();

    // A workflow edit: the requirements backdate, so the inputs and key are not recomputed.
    file.set_text(&mut db)
        .to(text.replace("factor: 3", "factor: 4"));
    assert_eq!(discovery_key(&db, wf), &key);
    let log = db.take_execution_log();
    assert_eq!(count(&log, "spec_requirements"), 1, "{log:?}");
    assert_eq!(count(&log, "discovery_inputs"), 0, "{log:?}");
    assert_eq!(count(&log, "discovery_key"), 0, "{log:?}");

    // A requirements edit re-keys.
    let with_req = text.replace(
        "requirements:\n",
        "requirements:\n  - name: numpy\n    version: \">=1\"\n",
    );
    assert_ne!(with_req, text, "the example has a `requirements:` key");
    file.set_text(&mut db).to(with_req);
    assert_ne!(discovery_key(&db, wf), &key);
    assert!(
        discovery_inputs(&db, wf)
            .conda
            .iter()
            .any(|c| c.name == "numpy")
    );

    // Rediscovery with an equal result: the CLI leaves the input alone (setters always
    // bump the revision), so nothing downstream re-runs.
    assert!(package(&db, wf).package.is_some());
    db.take_execution_log();
    let same = std::sync::Arc::new(Registry::from_json(&doc).unwrap());
    assert!(!wtc::db::update_registry(
        &mut db,
        input,
        same,
        Default::default()
    ));
    assert!(package(&db, wf).package.is_some());
    let log = db.take_execution_log();
    assert!(log.is_empty(), "{log:?}");
}

#[test]
fn editing_one_user_template_recomputes_only_its_artifact() {
    use std::collections::BTreeMap;
    use std::sync::Arc;
    use wtc::db::TemplateDir;
    let mut db = Database::with_execution_log();
    let embedded = |name: &str| wtc::templates::embedded(name).unwrap().to_string();
    let mut files = BTreeMap::new();
    files.insert(
        "packaging/Dockerfile.j2".to_string(),
        embedded("packaging/Dockerfile.j2"),
    );
    files.insert(
        "package/cli.py.j2".to_string(),
        embedded("package/cli.py.j2"),
    );
    let dir = TemplateDir::new(&db, "/work/tpl".into(), Arc::new(files.clone()));
    let path = repo().join("examples/chain/spec.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let wf = example_builder()
        .template_dir(Some(dir))
        .build(&db, path, text);
    let before = package(&db, wf).clone();
    assert!(before.package.is_some(), "{:?}", before.diagnostics);
    db.take_execution_log();

    // Edit the Dockerfile template: the Dockerfile and the README (its artifact hashes)
    // are rendered again, nothing else.
    files.insert(
        "packaging/Dockerfile.j2".to_string(),
        embedded("packaging/Dockerfile.j2") + "LABEL custom=yes\n",
    );
    dir.set_files(&mut db).to(Arc::new(files.clone()));
    let after = package(&db, wf).clone();
    let log = db.take_execution_log();
    assert!(file(&after, "Dockerfile").ends_with("LABEL custom=yes\n"));
    for q in ["dockerfile", "readme_hashes", "fingerprint", "readme_md"] {
        assert_eq!(count(&log, q), 1, "{q}: {log:?}");
    }
    for q in [
        "cli_py",
        "dispatch_py",
        "pyproject_toml",
        "dockerignore",
        "hatch_build_py",
        "conftest_py",
        "test_results_py",
        "params_json",
        "pixi_toml",
        "run_sequential_py",
        "spec_dump",
        "graph_dot",
        "graph_png",
    ] {
        assert_eq!(count(&log, q), 0, "{q}: {log:?}");
    }
    let (b, a) = (
        before.package.clone().unwrap(),
        after.package.clone().unwrap(),
    );
    let changed: Vec<&str> = a
        .files
        .iter()
        .zip(&b.files)
        .filter(|(x, y)| x != y)
        .map(|(x, _)| x.0.as_str())
        .collect();
    assert_eq!(changed, ["Dockerfile", "README.md"]);

    // A new override of a constant template (`.dockerignore`): only that file is
    // rendered again (and the README).
    files.insert(
        "packaging/dockerignore.j2".to_string(),
        ".pixi/\n".to_string(),
    );
    dir.set_files(&mut db).to(Arc::new(files.clone()));
    let again = package(&db, wf).clone();
    let log = db.take_execution_log();
    assert_eq!(file(&again, ".dockerignore"), ".pixi/\n");
    assert_eq!(count(&log, "dockerignore"), 1, "{log:?}");
    assert_eq!(count(&log, "readme_md"), 1, "{log:?}");
    for q in ["dockerfile", "cli_py", "hatch_build_py", "conftest_py"] {
        assert_eq!(count(&log, q), 0, "{q}: {log:?}");
    }

    // An unknown file changes no artifact: only the warning list is recomputed.
    files.insert("packaging/Dockerfle.j2".to_string(), "x".to_string());
    dir.set_files(&mut db).to(Arc::new(files));
    let warned = package(&db, wf).clone();
    let log = db.take_execution_log();
    assert_eq!(count(&log, "unknown_files"), 1, "{log:?}");
    assert_eq!(count(&log, "readme_md"), 0, "{log:?}");
    assert_eq!(count(&log, "dockerfile"), 0, "{log:?}");
    assert_eq!(warned.package, again.package);
    assert_eq!(warned.diagnostics.len(), 1, "{:?}", warned.diagnostics);
    assert_eq!(warned.diagnostics[0].code, "unknown-template");
}

/// Edits applied one after the other to one database give, each time, the package a fresh
/// database compiles from the same text: the DAG modules reassembled from memoized
/// statements (a new `noqa: E501` line, an F841 note that moves to another task, imports
/// that change), the placed items (moved by an edit above them), the spec dump and the
/// README hashes.
#[test]
fn edited_packages_equal_fresh_compiles() {
    let mut db = Database::default();
    let path = repo().join("examples/map-reduce/spec.yaml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    let wf = example_builder().build(&db, path.clone(), text.clone());
    let file = *wf.spec(&db);
    assert!(package(&db, wf).package.is_some());
    let long = format!("label: {}", "x".repeat(120));
    let edits: [(&str, &str); 5] = [
        ("factor: 3", "factor: 4"),
        ("label: total", &long),
        (
            "value: ${{ workflow.grand_total.return }}",
            "value: ${{ workflow.sums.return }}",
        ),
        (
            "conditions: [any_is_negative, wtc_example_tasks.any_is_empty]",
            "conditions: [any_is_negative]",
        ),
        (
            "workflow:\n",
            "workflow:\n# a comment that moves every item\n",
        ),
    ];
    for (from, to) in edits {
        let edited = text.replacen(from, to, 1);
        assert_ne!(edited, text, "{from}");
        text = edited;
        file.set_text(&mut db).to(text.clone());
        let incremental = package(&db, wf).clone();
        let fresh_db = Database::default();
        let fresh_wf = example_builder().build(&fresh_db, path.clone(), text.clone());
        let fresh = package(&fresh_db, fresh_wf).clone();
        assert_eq!(incremental.diagnostics, fresh.diagnostics, "after `{to}`");
        let (a, b) = (
            incremental.package.clone().unwrap(),
            fresh.package.clone().unwrap(),
        );
        assert_eq!(
            a.files.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            b.files.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
        for ((path, x), (_, y)) in a.files.iter().zip(&b.files) {
            assert!(x == y, "after `{to}`: {path} differs");
        }
    }
    let dag = |p: &wtc::artifacts::Package| {
        String::from_utf8(
            p.files
                .iter()
                .find(|(n, _)| n.ends_with("dags/run_sequential.py"))
                .unwrap()
                .1
                .to_vec(),
        )
        .unwrap()
    };
    // The edits did what they say.
    let text = dag(package(&db, wf).package.as_ref().unwrap());
    assert!(text.contains("noqa: E501"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("grand_total =") && l.contains("noqa: F841")),
        "{text}"
    );
}
