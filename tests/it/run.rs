//! `wtc run` with real Python and real task code: every example and case against its
//! hand-computed `expected/*.json` (with and without `--mock-io`), a task that raises,
//! params errors (located, nothing runs), Ctrl-C stopping the workflow and everything it
//! started, and the kept discovery environment (file:// test channel).

#![cfg(unix)]

use crate::support::channel::{Pkg, PkgFile, World, obtain};
use crate::support::{EXAMPLES, Run, Workspace, python_with, repo, test_cases};
use camino::{Utf8Path, Utf8PathBuf};
use expect_test::expect;
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};
use wtc::db::{Database, Host};
use wtc::discovery::plan::key::discovery_key;
use wtc::discovery::{self, KeptEnv, env};

/// How long a test waits for something a run does.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The venv's prefix, when it has the wt runtime and the examples' tasks.
pub fn venv() -> Option<Utf8PathBuf> {
    let python = python_with("wt_task, wt_contracts, wtc_example_tasks")?;
    Some(python.parent()?.parent()?.to_owned())
}

/// The tasks of these tests, importable from `<ws>/py` (with an entry point, so the
/// venv's `wt-registry` finds them through `PYTHONPATH`): `explode` raises, `echo`
/// returns its value, `nap` writes its pid and that of a child ignoring SIGINT to
/// `pid_file`, then sleeps (ignoring SIGINT itself with `ignore_interrupt`).
pub fn write_tasks(ws: &Workspace) {
    ws.write(
        "py/run_test_tasks/__init__.py",
        r#""""Tasks for wtc's run tests."""

import os
import signal
import subprocess
import time

from wt_registry import register


@register(description="Raise an error.")
def explode(message: str = "boom") -> dict:
    raise ValueError(message)


@register(description="Echo a value.")
def echo(value: str = "hi") -> dict:
    return {"echo": value}


@register(description="Write the pids, start a child ignoring SIGINT, then sleep.")
def nap(pid_file: str, seconds: float = 120.0, ignore_interrupt: bool = False) -> dict:
    if ignore_interrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    child = subprocess.Popen(["sh", "-c", "trap '' INT; sleep 300"])
    with open(pid_file + ".tmp", "w") as f:
        f.write(f"{os.getpid()} {child.pid}")
    os.replace(pid_file + ".tmp", pid_file)
    print("napping", flush=True)
    time.sleep(seconds)
    return {"slept": seconds}
"#,
    );
    ws.write(
        "py/run_test_tasks-0.1.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: run-test-tasks\nVersion: 0.1\n",
    );
    ws.write(
        "py/run_test_tasks-0.1.dist-info/entry_points.txt",
        "[wt_registry]\nrun_test_tasks = run_test_tasks\n",
    );
}

/// A spec `<dir>/spec.yaml` with one task instance `id` of `task` (partial `partial`,
/// YAML flow map) and its `test-cases.yaml`.
pub fn write_project(ws: &Workspace, dir: &str, task: &str, partial: &str, cases: &str) {
    ws.write(
        &format!("{dir}/spec.yaml"),
        format!(
            "id: run_test\nrequirements: []\nworkflow:\n  - id: step\n    task: {task}\n    partial: {partial}\n"
        ),
    );
    ws.write(&format!("{dir}/test-cases.yaml"), cases);
}

/// The venv (`None`: skipped), with the test tasks and a project `p` of one `task`.
pub fn task_project(ws: &Workspace, task: &str, partial: &str, cases: &str) -> Option<Utf8PathBuf> {
    let venv = venv()?;
    write_tasks(ws);
    write_project(ws, "p", task, partial, cases);
    Some(venv)
}

/// Wait until `path` exists and holds two pids.
pub fn pids(path: &Utf8Path) -> (u32, u32) {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && let Some((a, b)) = text.trim().split_once(' ')
        {
            return (a.parse().unwrap(), b.parse().unwrap());
        }
        assert!(start.elapsed() < TIMEOUT, "{path} never appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether a process exists (a zombie counts as gone).
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
    })
}

/// Wait until `pid` is gone.
pub fn wait_gone(pid: u32) {
    let start = Instant::now();
    while alive(pid) {
        assert!(start.elapsed() < TIMEOUT, "process {pid} is still running");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `wtc run` in `ws` with the venv and the test tasks on `PYTHONPATH`.
fn wtc_run(ws: &Workspace, venv: &Utf8Path, args: &[&str]) -> Run {
    ws.wtc(["run", "--python-env", venv.as_str()])
        .args(args)
        .env("PYTHONPATH", ws.root.join("py"))
        .env("GREETING_NAME", "Ada")
        .output()
}

#[test]
fn every_example_case_gives_its_expected_result() {
    let Some(venv) = venv() else {
        return;
    };
    let ws = Workspace::new();
    let mut ran = 0;
    for &example in EXAMPLES {
        let src = repo().join("examples").join(example);
        ws.copy_dir(&src, example);
        let dir = ws.root.join(example);
        for case in test_cases(example) {
            for mock in [false, true] {
                let label = format!("{example}/{}/mock-io={mock}", case.id);
                let results = ws.root.join("results").join(label.replace('/', "-"));
                let mut args = vec![
                    "spec.yaml",
                    "--case",
                    &case.id,
                    "--results",
                    results.as_str(),
                ];
                if mock {
                    args.push("--mock-io");
                }
                let out = ws
                    .wtc(["run", "--python-env", venv.as_str()])
                    .args(&args)
                    .env("GREETING_NAME", "Ada")
                    .current_dir(&dir)
                    .output();
                if case.raises {
                    assert_eq!(out.status.code(), Some(1), "{label}: {out:?}");
                    assert!(
                        out.stderr.contains("error[missing-param]"),
                        "{label}: {}",
                        out.stderr
                    );
                    assert!(!results.exists(), "{label}: something ran");
                    continue;
                }
                out.ok();
                let got: serde_json::Value = serde_json::from_str(
                    &std::fs::read_to_string(results.join("result.json")).unwrap(),
                )
                .unwrap();
                let mock_file = src
                    .join("expected")
                    .join(format!("{}.mock-io.json", case.id));
                let file = if mock && mock_file.is_file() {
                    mock_file
                } else {
                    src.join("expected").join(format!("{}.json", case.id))
                };
                let want: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
                assert_eq!(got["result"], want, "{label} (expected {file})");
                assert_eq!(got["error"], serde_json::Value::Null, "{label}");
                assert!(
                    out.stderr.contains("wtc: success: "),
                    "{label}: {}",
                    out.stderr
                );
                ran += 1;
            }
        }
    }
    assert!(ran >= 10, "only {ran} runs");
}

#[test]
fn default_results_go_under_the_spec_dir_and_are_not_walked() {
    let ws = Workspace::new();
    let Some(venv) = task_project(
        &ws,
        "echo",
        "{}",
        "hello:\n  params:\n    step:\n      value: hey\n",
    ) else {
        return;
    };
    let out = wtc_run(&ws, &venv, &["p/spec.yaml", "--case", "hello"]);
    out.ok();
    let runs: Vec<_> = std::fs::read_dir(ws.root.join("p/.wtc/runs"))
        .unwrap()
        .collect();
    assert_eq!(runs.len(), 1);
    let dir = Utf8PathBuf::from_path_buf(runs[0].as_ref().unwrap().path()).unwrap();
    let result = std::fs::read_to_string(dir.join("result.json")).unwrap();
    assert!(result.contains(r#""echo":"hey""#), "{result}");
    assert!(
        out.stderr
            .contains(&format!("wtc: result: {dir}/result.json")),
        "{}",
        out.stderr
    );
    // A spec.yaml inside `.wtc/` is not found by `--all`.
    ws.write("p/.wtc/runs/x/spec.yaml", "id: nope\n");
    ws.write("registry.json", crate::support::example_registry());
    let out = ws
        .wtc(["check", "--all", ".", "--registry", "registry.json"])
        .output();
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("p/spec.yaml") && !all.contains(".wtc"),
        "{all}"
    );
    // `--params FILE` (JSON) instead of a case.
    ws.write("params.json", r#"{"step": {"value": "json"}}"#);
    let out = wtc_run(
        &ws,
        &venv,
        &["p/spec.yaml", "--params", "params.json", "--results", "r"],
    );
    out.ok();
    assert!(ws.read("r/result.json").contains(r#""echo":"json""#));
    // An unknown case lists the cases.
    let out = wtc_run(&ws, &venv, &["p/spec.yaml", "--case", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.contains("has no case `nope`; its cases: hello"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_task_that_raises_exits_non_zero_with_its_traceback() {
    let ws = Workspace::new();
    let Some(venv) = task_project(&ws, "explode", "{message: kaboom}", "c:\n  params: {}\n") else {
        return;
    };
    let out = wtc_run(
        &ws,
        &venv,
        &["p/spec.yaml", "--case", "c", "--results", "r"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("Traceback (most recent call last)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("ValueError: kaboom"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("wtc: task error: Task instance 'step' raised ValueError('kaboom')"),
        "{}",
        out.stderr
    );
    assert!(ws.root.join("r/result.json").is_file());
}

#[test]
fn params_errors_are_located_and_nothing_runs() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let cases: &[(&str, &str)] = &[
        ("wrong-type.yaml", "base:\n  a: five\n"),
        ("unknown-key.yaml", "base:\n  a: 1\nreprot:\n  unit: pts\n"),
        ("missing.yaml", "base: {}\nreport:\n  unit: pts\n"),
        ("syntax.yaml", "base:\n  a: [1, 2\n"),
        ("wrong-type.json", "{\"base\": {\"a\": \"5\"}}\n"),
    ];
    let mut rendered = String::new();
    for (file, text) in cases {
        ws.write(file, text);
        // `--registry` gives no environment: the params are checked before that error.
        let out = ws
            .wtc([
                "run",
                "chain/spec.yaml",
                "-q",
                "--registry",
                "registry.json",
            ])
            .args(["--params", file, "--results", "r"])
            .output();
        assert_eq!(out.status.code(), Some(1), "{file}: {out:?}");
        assert!(!ws.root.join("r").exists(), "{file}: something ran");
        rendered.push_str(&format!("=== {file}\n{}", out.stderr));
    }
    expect![[r#"
        === wrong-type.yaml
        error[invalid-param]: invalid param at `base.a`: "five" is not of type "integer"
         --> wrong-type.yaml:2:6
          |
        2 |   a: five
          |      ^^^^ fails the schema's `type`
        For more information about a code, try `wtc explain invalid-param`.
        error: invalid params in `wrong-type.yaml` (1 error); nothing was run
        === unknown-key.yaml
        error[unknown-param]: unknown param `reprot` in the params
         --> unknown-key.yaml:3:1
          |
        3 | reprot:
          | ^^^^^^ not defined by the workflow's params schema
          |
          = note: known here: base, doubled, message, report
          = help: did you mean `report`?
        For more information about a code, try `wtc explain unknown-param`.
        error: invalid params in `unknown-key.yaml` (1 error); nothing was run
        === missing.yaml
        error[missing-param]: missing required param `a` in `base`
         --> missing.yaml:1:1
          |
        1 | base: {}
          | ^^^^ `a` is required here
        For more information about a code, try `wtc explain missing-param`.
        error: invalid params in `missing.yaml` (1 error); nothing was run
        === syntax.yaml
        error[params-syntax]: the params are not valid YAML or JSON: while parsing a flow sequence, expected ',' or ']'
         --> syntax.yaml:2:10
          |
        2 |   a: [1, 2
          |          ^ here
        For more information about a code, try `wtc explain params-syntax`.
        error: invalid params in `syntax.yaml` (1 error); nothing was run
        === wrong-type.json
        error[invalid-param]: invalid param at `base.a`: "5" is not of type "integer"
         --> wrong-type.json:1:16
          |
        1 | {"base": {"a": "5"}}
          |                ^^^ fails the schema's `type`
        For more information about a code, try `wtc explain invalid-param`.
        error: invalid params in `wrong-type.json` (1 error); nothing was run
    "#]]
    .assert_eq(&rendered);
    // Valid params, but `--registry` gives no environment: a clear error naming the options.
    ws.write("ok.yaml", "base:\n  a: 1\n");
    let run_ok_params = || {
        ws.wtc([
            "run",
            "chain/spec.yaml",
            "-q",
            "--registry",
            "registry.json",
        ])
        .args(["--params", "ok.yaml"])
        .output()
    };
    let out = run_ok_params();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr
            .contains("no environment to run `chain/spec.yaml` in"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--python-env PREFIX"), "{}", out.stderr);
    assert!(out.stderr.contains("--refresh-discovery"), "{}", out.stderr);
    // A compile error stops it before the params are even read.
    ws.write(
        "chain/spec.yaml",
        "id: x\nrequirements: []\nworkflow:\n  - id: a\n    task: nope\n",
    );
    let out = run_ok_params();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("nothing was run"), "{}", out.stderr);
}

/// `wtc run --case long` of a `nap` project started in the background; the pids of the
/// workflow and of its grandchild.
fn start_nap(ws: &Workspace, ignore_interrupt: bool) -> Option<(std::process::Child, u32, u32)> {
    let pid_file = ws.root.join("pids");
    let partial = format!("{{pid_file: '{pid_file}', ignore_interrupt: {ignore_interrupt}}}");
    let venv = task_project(ws, "nap", &partial, "long:\n  params: {}\n")?;
    let mut wtc = ws
        .wtc([
            "run",
            "--python-env",
            venv.as_str(),
            "p/spec.yaml",
            "--case",
            "long",
        ])
        .env("PYTHONPATH", ws.root.join("py"))
        .spawn();
    let (python, grandchild) = pids(&pid_file);
    // The workflow's output is streamed while it runs.
    let stdout = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    crate::support::drain_into(wtc.stdout.take().unwrap(), stdout.clone());
    let start = Instant::now();
    while !stdout.lock().unwrap().contains("napping") {
        assert!(start.elapsed() < TIMEOUT, "no output while running");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(alive(python) && alive(grandchild));
    Some((wtc, python, grandchild))
}

/// Send SIGINT to `wtc` (`again`: every 300 ms until it exits) and wait for it; its exit
/// status and stderr.
fn interrupt(mut wtc: std::process::Child, again: bool) -> (std::process::ExitStatus, String) {
    let start = Instant::now();
    let mut sends = 0;
    let status = loop {
        if sends == 0 || again {
            sends += 1;
            let sent = std::process::Command::new("kill")
                .args(["-INT", &wtc.id().to_string()])
                .status()
                .unwrap();
            assert!(sent.success());
        }
        std::thread::sleep(Duration::from_millis(300));
        if let Some(s) = wtc.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > TIMEOUT {
            let _ = wtc.kill();
            panic!("wtc run did not exit after SIGINT");
        }
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(wtc.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    (status, stderr)
}

#[test]
fn sigint_stops_the_workflow_and_everything_it_started() {
    let ws = Workspace::new();
    let Some((wtc, python, grandchild)) = start_nap(&ws, false) else {
        return;
    };
    let (status, stderr) = interrupt(wtc, false);
    assert_ne!(status.code(), Some(0));
    // The workflow got the interrupt; the grandchild that ignores it was killed with its group.
    wait_gone(python);
    wait_gone(grandchild);
    // click answers the interrupt with `Aborted!`: the workflow was interrupted, not killed.
    assert!(stderr.contains("Aborted!"), "{stderr}");
}

#[test]
fn a_second_sigint_kills_a_workflow_that_ignores_the_first() {
    let ws = Workspace::new();
    let Some((wtc, python, grandchild)) = start_nap(&ws, true) else {
        return;
    };
    let (status, stderr) = interrupt(wtc, true);
    // Killed (SIGKILL: 128 + 9), with everything in its group.
    assert_eq!(status.code(), Some(137), "{stderr}");
    wait_gone(python);
    wait_gone(grandchild);
    assert!(stderr.contains("wtc: run cancelled"), "{stderr}");
    assert!(!stderr.contains("Aborted!"), "{stderr}");
}

#[test]
fn a_registry_from_the_lock_file_gives_no_environment() {
    let ws = Workspace::new();
    ws.copy_dir(&repo().join("examples/chain"), "chain");
    let out = ws
        .wtc(["run", "chain/spec.yaml", "--case", "custom", "-q"])
        .output();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    for needle in [
        "no discovery environment is kept for its discovery key",
        "wtc lock --refresh-discovery",
    ] {
        assert!(out.stderr.contains(needle), "{}", out.stderr);
    }
    assert!(!ws.root.join("chain/.wtc").exists());
}

/// The file's (inode, mtime): unchanged means not re-created.
fn stamp(path: &std::path::Path) -> (u64, i64, i64) {
    let m = std::fs::metadata(path).unwrap();
    (m.ino(), m.mtime(), m.mtime_nsec())
}

/// Through the two calls `wtc run` makes (`discovery::obtain` while attaching the
/// registry, then `discovery::kept_env`), on the offline `file://` channel: the binary's
/// discovery always adds the known https channels to a spec's (as the reference does), which
/// an offline test cannot reach.
#[test]
fn the_discovery_environment_is_kept_reused_recreated_and_pruned() {
    let mut world = World::new();
    world.channel.add(Pkg {
        name: "fake-python",
        version: "3.11",
        subdir: "noarch",
        depends: &[],
        files: vec![PkgFile("bin/python", "#!/bin/sh\nexit 0\n".into(), true)],
    });
    world.channel.publish();
    let inputs = world.inputs(&[("demo-tasks", ">=1"), ("fake-python", "*")]);
    let key = discovery_key(&inputs);
    let settings = world.settings_in("cache");
    let root = world.root.join("cache");
    let prefix = env::env_dir(&root, &key);

    // Discovery keeps its environment, complete.
    let (r, warnings) = obtain(&inputs, None, &settings);
    r.unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(env::state(&prefix, &key), env::State::Intact);
    let marker = prefix.join("conda-meta/wtc-env.json");
    let before = (stamp(&marker), stamp(&env::python(&prefix)));

    // A run right after it: reused, nothing solved or installed (same files, no registry run).
    let runs = world.registry_runs();
    let kept = discovery::kept_env(&inputs, &key, &settings, "test").unwrap();
    assert_eq!(kept, Some(KeptEnv::Reused(prefix.clone())));
    assert_eq!((stamp(&marker), stamp(&env::python(&prefix))), before);
    assert_eq!(world.registry_runs(), runs);

    // Damaged (conda-meta deleted, then the Python executable): re-created.
    std::fs::remove_dir_all(prefix.join("conda-meta")).unwrap();
    let kept = discovery::kept_env(&inputs, &key, &settings, "test").unwrap();
    assert!(
        matches!(&kept, Some(KeptEnv::Recreated(p, why)) if *p == prefix && why.contains("conda-meta")),
        "{kept:?}"
    );
    assert_eq!(env::state(&prefix, &key), env::State::Intact);
    std::fs::remove_file(env::python(&prefix)).unwrap();
    let kept = discovery::kept_env(&inputs, &key, &settings, "test").unwrap();
    assert!(
        matches!(&kept, Some(KeptEnv::Recreated(_, why)) if why.contains("Python")),
        "{kept:?}"
    );
    assert_eq!(env::state(&prefix, &key), env::State::Intact);
    assert!(prefix.join("share/helper-lib/data.txt").is_file());
    assert_eq!(
        world.registry_runs(),
        runs,
        "re-creating runs no wt-registry"
    );

    // Another key has none: said so, nothing created.
    let other = world.inputs(&[("demo-tasks", ">=1")]);
    let other_key = discovery_key(&other);
    let kept = discovery::kept_env(&other, &other_key, &settings, "test").unwrap();
    assert_eq!(
        kept,
        Some(KeptEnv::Missing(env::env_dir(&root, &other_key)))
    );

    // An environment without an entry (left by a discovery that failed late) ages out too.
    let orphan = env::env_dir(&root, &other_key);
    std::fs::create_dir_all(orphan.join("conda-meta")).unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(3 * 3600);
    std::fs::File::open(&orphan)
        .unwrap()
        .set_modified(old)
        .unwrap();
    // Pruning the cache entry removes its environment.
    let entry = discovery::cache::entry_path(&root, &key);
    std::fs::File::options()
        .write(true)
        .open(&entry)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let ws = Workspace::new();
    let out = ws
        .wtc(["cache", "prune", "--older-than", "1h", "--cache-dir"])
        .args([root.to_str().unwrap()])
        .output();
    out.ok();
    assert!(!prefix.exists(), "{}", out.stdout);
    assert!(!orphan.exists(), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("removed 1 environment without an entry"),
        "{}",
        out.stdout
    );
}

#[test]
fn usage_errors_exit_2() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    for args in [
        &["run", "chain/spec.yaml"][..],
        &[
            "run",
            "chain/spec.yaml",
            "--case",
            "a",
            "--params",
            "p.yaml",
        ],
        &["run", "--case", "a"],
        &[
            "run",
            "chain/spec.yaml",
            "--spec",
            "chain/spec.yaml",
            "--case",
            "a",
        ],
        &[
            "watch",
            "chain/spec.yaml",
            "--run-case",
            "a",
            "--run-params",
            "p.yaml",
        ],
    ] {
        let out = ws.wtc(args).output();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    }
    // watch runs exactly one spec.
    ws.copy_example("groups", "groups");
    let out = ws
        .wtc([
            "watch",
            ".",
            "--registry",
            "registry.json",
            "--run-case",
            "a",
        ])
        .output();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        out.stderr.contains("exactly one spec file"),
        "{}",
        out.stderr
    );
}

/// The binary's side of the kept environment: a spec whose discovery key has a cache entry
/// and an intact kept environment runs in it, with nothing solved or installed (the
/// environment is made by a real discovery on the `file://` channel, then stored under the
/// key the binary computes for the spec, as a discovery of that spec would have).
#[test]
fn a_run_after_discovery_solves_and_installs_nothing() {
    use crate::support::{CompileArgs, compile};
    use salsa::Setter;
    use std::sync::Arc;
    let mut world = World::new();
    // A `python` that does what the workflow's CLI does: write result.json.
    let python = "#!/bin/sh\ndir=\"${WT_RESULTS#file://}\"\nprintf '{\"result\": {\"ran\": true}, \"error\": null, \"trace\": null}' > \"${dir}result.json\"\necho \"fake python: $*\"\n";
    world.channel.add(Pkg {
        name: "python",
        version: "3.11",
        subdir: "noarch",
        depends: &[],
        files: vec![PkgFile("bin/python", python.into(), true)],
    });
    world.channel.publish();
    let inputs = world.inputs(&[("demo-tasks", ">=1"), ("python", "*")]);
    let (found, _) = obtain(&inputs, None, &world.settings_in("cache"));
    let (discovered, _) = found.unwrap();
    let made = env::env_dir(&world.root.join("cache"), &discovery_key(&inputs));

    let ws = Workspace::new();
    let url = world.channel.url();
    let text = format!(
        "id: kept\nrequirements:\n  - name: demo-tasks\n    version: \">=1\"\n    channel: {url}\nworkflow:\n  - id: step\n    task: add\n"
    );
    ws.write("kept/spec.yaml", &text);
    ws.write("p.yaml", "step:\n  a: 1\n");
    // The key the binary computes for the spec (the channel exists on this host).
    let db = Database::default();
    let registry = crate::support::channel::REGISTRY;
    let spec = ws.root.join("kept/spec.yaml");
    let (wf, _) = compile(&db, &spec, &text, registry, vec![], &CompileArgs::default());
    let mut db = db;
    let host = Host::new(
        &db,
        wtc::discovery::plan::inputs::host_platform().into(),
        Arc::new([url.clone()].into_iter().collect()),
    );
    wf.set_host(&mut db).to(host);
    let key = wtc::discovery::plan::discovery_key(&db, wf).clone();
    let cli_inputs = wtc::discovery::plan::discovery_inputs(&db, wf).clone();
    let cache = ws.cache();
    discovery::cache::store(cache.as_std_path(), &key, &cli_inputs, &discovered).unwrap();
    let prefix = env::env_dir(cache.as_std_path(), &key);
    std::fs::create_dir_all(prefix.parent().unwrap()).unwrap();
    std::fs::rename(&made, &prefix).unwrap();
    env::mark(&prefix, &key).unwrap();
    let marker = prefix.join("conda-meta/wtc-env.json");
    let before = (stamp(&marker), stamp(&env::python(&prefix)));

    let out = ws
        .wtc([
            "run",
            "kept/spec.yaml",
            "--params",
            "p.yaml",
            "--no-progress",
        ])
        .output();
    out.ok();
    for absent in ["Solving", "Downloading and installing", "Discovering tasks"] {
        assert!(!out.stderr.contains(absent), "{}", out.stderr);
    }
    for present in [
        "task registry from the discovery cache",
        "running in the discovery environment",
        "wtc: success: {\"ran\":true}",
    ] {
        assert!(out.stderr.contains(present), "{}", out.stderr);
    }
    assert!(
        out.stdout
            .contains("fake python: -m wt_kept_workflow.cli run"),
        "{}",
        out.stdout
    );
    assert_eq!((stamp(&marker), stamp(&env::python(&prefix))), before);
}
