//! Local-first CI: every step of `.ci/run` is a task of the top-level `pixi.toml` with the
//! same command, and the examples' committed `wtc.lock` files are current (so the README's
//! quick start, `wtc compile --all examples`, runs offline with no `--registry`).

use crate::support::Workspace;
use crate::support::repo;

/// The `[tasks]` of `pixi.toml`: (name, command).
fn pixi_tasks() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo().join("pixi.toml")).expect("pixi.toml");
    let doc: toml_edit::DocumentMut = text.parse().expect("pixi.toml is TOML");
    let tasks = doc["tasks"].as_table().expect("a [tasks] table");
    tasks
        .iter()
        .map(|(name, v)| {
            let cmd = v.as_str().expect("tasks are plain command strings");
            (name.to_string(), cmd.to_string())
        })
        .collect()
}

/// The commands `.ci/run` runs: every line that is not a comment, blank, or shell set-up.
fn ci_steps() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join(".ci/run")).expect(".ci/run");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| !["set ", "cd ", "export "].iter().any(|p| l.starts_with(p)))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_ci_step_is_a_pixi_task_with_the_same_command() {
    let tasks = pixi_tasks();
    let steps = ci_steps();
    assert!(steps.len() >= 4, "too few CI steps found: {steps:?}");
    for step in &steps {
        assert!(
            tasks.iter().any(|(_, cmd)| cmd == step),
            "`.ci/run` runs `{step}`, which is no task of pixi.toml; add it (same command)"
        );
    }
    assert!(
        tasks
            .iter()
            .any(|(name, cmd)| name == "ci" && cmd == ".ci/run"),
        "pixi.toml has no `ci` task running `.ci/run`"
    );
}

#[test]
fn the_readme_lists_the_ci_tasks() {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    for (name, cmd) in pixi_tasks() {
        if ci_steps().contains(&cmd) {
            assert!(
                readme.contains(&format!("`{name}`")) && readme.contains(&cmd),
                "README.md does not list the CI task `{name}` (`{cmd}`)"
            );
        }
    }
}

#[test]
fn the_examples_lock_files_are_current_and_hold_the_committed_registry() {
    let registry: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/registry.json")).expect("registry.json"),
    )
    .expect("registry.json is JSON");
    for example in ["chain", "groups", "map-reduce"] {
        let path = repo().join("examples").join(example).join("wtc.lock");
        let lock: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("wtc.lock"))
                .expect("wtc.lock is JSON");
        assert_eq!(
            lock["registry"], registry,
            "{} does not hold examples/registry.json; run `pixi run lock-examples`",
            path
        );
    }
    // The lock keys match the specs' discovery inputs: `--locked` fails otherwise.
    let ws = Workspace::new();
    let run = ws
        .wtc(["check", "--all", "examples", "--locked", "--quiet"])
        .current_dir(repo())
        .output();
    assert!(
        run.status.success(),
        "examples' lock files are stale (run `pixi run lock-examples`):\n{}",
        run.stderr
    );
}
