//! `wtc watch --run-case ID`: the workflow runs after every successful recompile, and an
//! edit during a run cancels it (its processes are gone) and starts over. Real Python,
//! the test tasks of `run.rs`.

#![cfg(unix)]

use crate::run::{alive, pids, task_project, wait_gone};
use crate::support::{Workspace, drain_into};
use camino::Utf8Path;
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(60);

/// A running `wtc watch --run-case c` on `p/spec.yaml`, with everything it prints.
struct Watching {
    child: Child,
    output: Arc<Mutex<String>>,
}

impl Watching {
    fn start(ws: &Workspace, venv: &Utf8Path) -> Self {
        let mut child = ws
            .wtc(["watch", "p/spec.yaml", "--python-env", venv.as_str()])
            .args(["--run-case", "c"])
            .env("PYTHONPATH", ws.root.join("py"))
            .spawn();
        let output = Arc::new(Mutex::new(String::new()));
        drain_into(child.stdout.take().unwrap(), output.clone());
        drain_into(child.stderr.take().unwrap(), output.clone());
        Self { child, output }
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Wait until `needle` occurs `times` times in the output.
    fn wait_for(&self, needle: &str, times: usize) {
        let start = Instant::now();
        while self.output().matches(needle).count() < times {
            assert!(
                start.elapsed() < TIMEOUT,
                "never saw {needle:?} {times} times:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Ctrl-C: watch stops (exit 0).
    fn interrupt(mut self) -> String {
        let sent = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0), "{}", self.output());
                return self.output();
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "did not stop:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Rewrite `path` with `from` replaced by `to`.
fn edit(path: &Utf8Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {path}");
    crate::support::save(path, &text.replace(from, to));
}

#[test]
fn watch_runs_the_case_again_after_each_edit() {
    let ws = Workspace::new();
    let cases = "c:\n  params:\n    step:\n      value: one\n";
    let Some(venv) = task_project(&ws, "echo", "{}", cases) else {
        return;
    };
    let (spec, cases) = (
        ws.root.join("p/spec.yaml"),
        ws.root.join("p/test-cases.yaml"),
    );
    let watch = Watching::start(&ws, &venv);
    watch.wait_for(r#"wtc: success: {"echo":"one"}"#, 1);
    // The case's params are watched: an edit runs again.
    edit(&cases, "value: one", "value: two");
    watch.wait_for(r#"wtc: success: {"echo":"two"}"#, 1);
    // A spec edit recompiles, then runs.
    edit(&spec, "task: echo", "task: echo\n    name: Step");
    watch.wait_for(r#"wtc: success: {"echo":"two"}"#, 2);
    // A broken spec runs nothing, not even for a params edit; fixing it runs again.
    edit(&spec, "task: echo", "task: ech");
    watch.wait_for("kept the last good package", 1);
    edit(&cases, "value: two", "value: three");
    edit(&spec, "task: ech", "task: echo");
    watch.wait_for(r#"wtc: success: {"echo":"three"}"#, 1);
    let out = watch.interrupt();
    // Four rounds wrote the package or changed the params: four runs finished. A save
    // can arrive as several file events; a round for the second one cancels the run the
    // first started and starts it over, so every cancelled run is followed by another.
    let (started, finished, cancelled) = (
        out.matches("wtc: running ").count(),
        out.matches("wtc: result: ").count(),
        out.matches("wtc: run cancelled").count(),
    );
    assert_eq!(finished, 4, "{out}");
    assert_eq!(started, finished + cancelled, "{out}");
}

#[test]
fn an_edit_cancels_the_run_in_progress_and_starts_over() {
    let ws = Workspace::new();
    let pid_file = ws.root.join("pids");
    let Some(venv) = task_project(
        &ws,
        "nap",
        &format!("{{pid_file: '{pid_file}', seconds: 100}}"),
        "c:\n  params: {}\n",
    ) else {
        return;
    };
    let watch = Watching::start(&ws, &venv);
    let (python, grandchild) = pids(&pid_file);
    std::fs::remove_file(&pid_file).unwrap();
    edit(&ws.root.join("p/spec.yaml"), "seconds: 100", "seconds: 101");
    watch.wait_for("wtc: run cancelled", 1);
    wait_gone(python);
    wait_gone(grandchild);
    // It started over.
    let (python2, grandchild2) = pids(&pid_file);
    assert_ne!(python, python2);
    assert!(alive(python2));
    // Stopping watch cancels the run in progress too.
    let out = watch.interrupt();
    wait_gone(python2);
    wait_gone(grandchild2);
    assert_eq!(out.matches("wtc: run cancelled").count(), 2, "{out}");
}
