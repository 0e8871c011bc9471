//! `wtc watch` as a subprocess on a temp dir: every change is made the way a user (or an
//! editor) makes it, and the test reads the printed lines and looks at the files.

#![cfg(unix)]

use crate::support::Workspace;
use camino::Utf8Path;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::MetadataExt;
use std::process::{Child, Command};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// How long any expected output may take before the test fails (with what it saw).
const TIMEOUT: Duration = Duration::from_secs(30);

/// A running `wtc watch`, its stdout lines and its stderr.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    seen: Vec<String>,
}

impl Watch {
    fn start(ws: &Workspace, args: &[&str]) -> Self {
        let mut child = ws.wtc(["watch"]).args(args).spawn();
        let (tx, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        crate::support::drain_into(child.stderr.take().unwrap(), stderr.clone());
        Self {
            child,
            lines,
            stderr,
            seen: Vec::new(),
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn fail(&self, what: &str) -> ! {
        panic!(
            "{what}\n--- stdout so far:\n{}\n--- stderr:\n{}",
            self.seen.join("\n"),
            self.stderr()
        );
    }

    /// The next stdout line.
    fn line(&mut self) -> String {
        match self.lines.recv_timeout(TIMEOUT) {
            Ok(line) => {
                self.seen.push(line.clone());
                line
            }
            Err(RecvTimeoutError::Timeout) => self.fail("timed out waiting for a line"),
            Err(RecvTimeoutError::Disconnected) => self.fail("wtc watch exited"),
        }
    }

    /// The next line, which must be about `spec`: its message without the clock and the
    /// duration.
    fn message(&mut self, spec: &str) -> String {
        let line = self.line();
        let Some(rest) =
            line.strip_prefix('[')
                .and_then(|l| l.split_once("] "))
                .map(|(clock, rest)| {
                    assert_eq!(clock.len(), 8, "HH:MM:SS in {line}");
                    rest
                })
        else {
            self.fail(&format!("not a spec line: {line}"))
        };
        let Some(msg) = rest.strip_prefix(&format!("{spec}: ")) else {
            self.fail(&format!("expected a line about {spec}: {line}"))
        };
        // `(12 ms)` ends rebuild lines.
        match msg.rsplit_once(" (") {
            Some((msg, took)) if took.ends_with(" ms)") => msg.to_string(),
            _ => msg.to_string(),
        }
    }

    /// Wait for the start-up: one line per spec, then `Watching N specs…`.
    fn started(&mut self, specs: usize) -> Vec<String> {
        let lines: Vec<String> = (0..specs).map(|_| self.line()).collect();
        let watching = self.line();
        let plural = if specs == 1 { "" } else { "s" };
        assert_eq!(
            watching,
            format!("Watching {specs} spec{plural}… (Ctrl-C to stop)")
        );
        lines
    }

    /// Wait until stderr contains `needle`.
    fn stderr_contains(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let err = self.stderr();
            if err.contains(needle) {
                return err;
            }
            if start.elapsed() > TIMEOUT {
                self.fail(&format!("stderr never contained {needle:?}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// No line arrives within `wait` (a change that must not print anything).
    fn quiet_for(&mut self, wait: Duration) {
        if let Ok(line) = self.lines.recv_timeout(wait) {
            self.seen.push(line.clone());
            self.fail(&format!("unexpected line: {line}"));
        }
    }

    /// Ctrl-C: the process says so and exits with 0.
    fn interrupt(mut self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(self.line(), "Stopped watching.");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0), "{}", self.stderr());
                return;
            }
            if start.elapsed() > TIMEOUT {
                self.fail("did not exit after SIGINT");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read(path: &Utf8Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Replace `from` (which must occur) by `to` in the file, in place (truncate and write).
fn edit(path: &Utf8Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "{from:?} not in {path}");
    crate::support::save(path, &text.replacen(from, to, 1));
}

/// An editor's save: write a temporary file beside it, then rename it over the file.
fn rename_save(path: &Utf8Path, text: &str) {
    let tmp = path.with_file_name(".spec.yaml.swp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// The workspace's registry document without the task `function`.
fn registry_without(ws: &Workspace, function: &str) -> String {
    let mut registry: serde_json::Value = serde_json::from_str(&ws.read("registry.json")).unwrap();
    registry["entries"]
        .as_object_mut()
        .unwrap()
        .retain(|_, e| e["function_name"] != function);
    registry.to_string()
}

/// (inode, modification time) of a file.
fn stamp(path: &Utf8Path) -> (u64, SystemTime) {
    let m = std::fs::metadata(path).unwrap();
    (m.ino(), m.modified().unwrap())
}

/// Every file below `dir` whose name says it is one of wtc's temporary files.
fn temporaries(dir: &Utf8Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            let path = d.join(&name);
            if name.contains(".wtc-") {
                out.push(path.to_string());
            }
            if e.file_type().unwrap().is_dir() {
                stack.push(path);
            }
        }
    }
    out
}

/// The files a `rewrote a, b, c` message names, sorted.
fn rewritten(msg: &str) -> Vec<String> {
    let Some(list) = msg.strip_prefix("rewrote ") else {
        panic!("not a rewrite: {msg}");
    };
    let mut files: Vec<String> = list.split(", ").map(str::to_string).collect();
    files.sort();
    files
}

const CHAIN: &str = "chain/spec.yaml";
const PKG: &str = "chain/wt-greeting-chain-workflow";

#[test]
fn edits_rebuild_exactly_what_changed() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let spec = root.join(CHAIN);
    let pkg = root.join(PKG);
    let mut w = Watch::start(&ws, &[CHAIN, "--registry", "registry.json"]);
    let first = w.started(1);
    assert!(
        first[0].contains(&format!(
            "] {CHAIN}: compiled to {PKG} (25 files, 25 written) ("
        )),
        "{first:?}"
    );
    let dag = pkg.join("wt_greeting_chain_workflow/dags/run_sequential.py");
    let params = pkg.join("wt_greeting_chain_workflow/params.json");
    let png = pkg.join("graph.png");
    let (params_before, png_before) = (stamp(&params), stamp(&png));
    assert!(read(&dag).contains("b=10"), "{}", read(&dag));
    // Modification times must be able to differ.
    std::thread::sleep(Duration::from_millis(50));

    // One task's partial argument: the DAGs and the README (its spec hash) change, nothing
    // else; untouched files keep their inode and modification time.
    edit(&spec, "b: 10", "b: 11");
    let msg = w.message(CHAIN);
    assert_eq!(
        rewritten(&msg),
        [
            "README.md",
            "wt_greeting_chain_workflow/dags/run_sequential.py",
            "wt_greeting_chain_workflow/dags/run_sequential_mock_io.py",
        ]
    );
    assert!(read(&dag).contains("b=11"), "{}", read(&dag));
    assert_eq!(stamp(&params), params_before);
    assert_eq!(stamp(&png), png_before);

    // A comment: the spec's text changes, no generated byte does.
    let dag_before = stamp(&dag);
    edit(&spec, "# A chain of tasks", "# A chain of four tasks");
    assert_eq!(w.message(CHAIN), "no changes");
    assert_eq!(stamp(&dag), dag_before);

    // Saving identical bytes prints nothing.
    std::fs::write(&spec, read(&spec)).unwrap();
    w.quiet_for(Duration::from_millis(600));

    // An editor's rename-save; a new title changes the schemas (and their models), not
    // the DAGs or the graph.
    let text = read(&spec).replace("name: Doubled", "name: Twice");
    rename_save(&spec, &text);
    assert_eq!(
        rewritten(&w.message(CHAIN)),
        [
            "README.md",
            "wt_greeting_chain_workflow/formdata.py",
            "wt_greeting_chain_workflow/params.json",
            "wt_greeting_chain_workflow/params.py",
            "wt_greeting_chain_workflow/rjsf.json",
        ]
    );
    assert!(read(&params).contains("Twice"));
    assert_eq!(stamp(&png), png_before);

    // An invalid edit: diagnostics, and the last good package stays as it is.
    let good = read(&spec);
    let dag_text = read(&dag);
    let dag_before = stamp(&dag);
    edit(&spec, "task: shout", "task: shuot");
    assert_eq!(w.message(CHAIN), "1 error; kept the last good package");
    let err = w.stderr_contains("could not compile");
    assert!(
        err.contains("error[unknown-task]: task `shuot` is not a known task"),
        "{err}"
    );
    assert!(err.contains("chain/spec.yaml:25:11"), "{err}");
    assert_eq!(read(&dag), dag_text);
    assert_eq!(stamp(&dag), dag_before);

    // Recovery: back to the good text, which is what is on disk.
    std::fs::write(&spec, &good).unwrap();
    assert_eq!(w.message(CHAIN), "no changes");
    // A valid edit after the recovery is written.
    edit(&spec, "b: 11", "b: 12");
    assert!(w.message(CHAIN).starts_with("rewrote "));
    assert!(read(&dag).contains("b=12"));

    // Deleted: reported, the package stays; re-created: compiled again.
    std::fs::remove_file(&spec).unwrap();
    assert_eq!(
        w.message(CHAIN),
        "deleted; watching for it to come back (its package is left as it is)"
    );
    assert!(dag.is_file());
    std::fs::write(&spec, good.replace("b: 11", "b: 13")).unwrap();
    let msg = w.message(CHAIN);
    assert!(msg.starts_with("re-created, rewrote "), "{msg}");
    assert!(read(&dag).contains("b=13"));

    w.interrupt();
    assert_eq!(temporaries(root), Vec::<String>::new());
}

#[test]
fn directories_pick_up_new_specs() {
    let ws = Workspace::with_examples(&[("chain", "specs/chain")]);
    let root = &ws.root;
    let mut w = Watch::start(&ws, &["specs", "--registry", "registry.json"]);
    let first = w.started(1);
    assert!(
        first[0].contains("specs/chain/spec.yaml: compiled to"),
        "{first:?}"
    );

    // A new directory with a spec, and the package dirs never count as changes.
    ws.copy_example("groups", "specs/more/groups");
    let msg = w.message("specs/more/groups/spec.yaml");
    assert_eq!(
        msg,
        "new spec, compiled to specs/more/groups/wt-grouped-words-workflow (25 files, 25 written)"
    );
    let rjsf = root
        .join("specs/more/groups/wt-grouped-words-workflow/wt_grouped_words_workflow/rjsf.json");
    assert!(rjsf.is_file());

    // Edits to the new spec are watched too; the other spec is not rebuilt.
    edit(
        &root.join("specs/more/groups/spec.yaml"),
        "id: grouped_words",
        "id: grouped_words2",
    );
    let msg = w.message("specs/more/groups/spec.yaml");
    assert!(
        msg.starts_with(
            "compiled to specs/more/groups/wt-grouped-words2-workflow (25 files, 25 written); the previous release directory specs/more/groups/wt-grouped-words-workflow was left in place"
        ),
        "{msg}"
    );
    w.quiet_for(Duration::from_millis(600));

    // A whole directory removed, then created again.
    std::fs::remove_dir_all(root.join("specs/more")).unwrap();
    assert!(
        w.message("specs/more/groups/spec.yaml")
            .starts_with("deleted; ")
    );
    ws.copy_example("groups", "specs/more/groups");
    // (Its id is the original one again; the directory of the other id went with it.)
    let msg = w.message("specs/more/groups/spec.yaml");
    assert_eq!(
        msg,
        "re-created, compiled to specs/more/groups/wt-grouped-words-workflow (25 files, 25 written)"
    );
    w.interrupt();
}

/// `wtc lock` for the chain spec from a registry document.
fn lock(ws: &Workspace, registry: &str) {
    let out = ws.wtc(["lock", CHAIN, "--registry", registry]).output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
}

#[test]
fn requirements_edits_rediscover_and_workflow_edits_do_not() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let spec = root.join(CHAIN);
    // A lock file, so `--locked` can answer without network.
    lock(&ws, "registry.json");
    let mut w = Watch::start(&ws, &[CHAIN, "--locked"]);
    w.started(1);
    let origin = "task registry from lock file";
    assert_eq!(w.stderr().matches(origin).count(), 1, "{}", w.stderr());

    // A workflow edit: no discovery at all.
    edit(&spec, "b: 10", "b: 11");
    assert!(w.message(CHAIN).starts_with("rewrote "));
    assert_eq!(w.stderr().matches(origin).count(), 1, "{}", w.stderr());

    // A requirements edit changes the discovery key: discovery runs (and `--locked`
    // refuses the stale lock file).
    edit(&spec, "version: \">=0.1\"", "version: \">=0.2\"");
    assert_eq!(
        w.message(CHAIN),
        "task discovery failed; kept the last good package"
    );
    w.stderr_contains("stale");

    // Back to the locked requirements: the key's registry is still known.
    edit(&spec, "version: \">=0.2\"", "version: \">=0.1\"");
    assert_eq!(w.message(CHAIN), "no changes");
    assert_eq!(w.stderr().matches(origin).count(), 1, "{}", w.stderr());

    // A new lock file (from a registry without `shout`) is picked up.
    std::fs::write(root.join("small.json"), registry_without(&ws, "shout")).unwrap();
    lock(&ws, "small.json");
    assert_eq!(w.message(CHAIN), "1 error; kept the last good package");
    w.stderr_contains("task `shout` is not a known task");
    w.interrupt();
}

#[test]
fn env_overrides_and_registry_files_are_watched() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let overrides = root.join("overrides.toml");
    std::fs::write(
        &overrides,
        "[feature.default.dependencies]\nnumpy = \">=1\"\n",
    )
    .unwrap();
    let mut w = Watch::start(
        &ws,
        &[
            CHAIN,
            "--registry",
            "registry.json",
            "--env-overrides",
            "overrides.toml",
        ],
    );
    w.started(1);
    let pixi = root.join(PKG).join("pixi.toml");
    assert!(read(&pixi).contains("numpy"), "{}", read(&pixi));

    // The overrides file: pixi.toml (and the README's hashes) change.
    edit(&overrides, "numpy", "scipy");
    let files = rewritten(&w.message(CHAIN));
    assert!(files.contains(&"pixi.toml".to_string()), "{files:?}");
    assert!(read(&pixi).contains("scipy"));
    assert!(!files.iter().any(|f| f.ends_with(".py")), "{files:?}");

    // A broken overrides file is reported with its location; the spec is not rebuilt
    // into a broken package.
    edit(&overrides, "scipy = \">=1\"", "scipy = 3");
    let msg = w.message(CHAIN);
    assert!(msg.ends_with("kept the last good package"), "{msg}");
    w.stderr_contains("overrides.toml:2");

    // The registry document: a task disappears.
    edit(&overrides, "scipy = 3", "scipy = \">=1\"");
    assert_eq!(w.message(CHAIN), "no changes");
    let smaller = registry_without(&ws, "shout");
    rename_save(&root.join("registry.json"), &smaller);
    assert_eq!(w.message(CHAIN), "1 error; kept the last good package");
    w.stderr_contains("task `shout` is not a known task");
    w.interrupt();
}

#[test]
fn the_template_directory_is_watched() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let tpl = root.join("tpl");
    let dockerfile_j2 = tpl.join("packaging/Dockerfile.j2");
    std::fs::create_dir_all(dockerfile_j2.parent().unwrap()).unwrap();
    let embedded = wtc::templates::embedded("packaging/Dockerfile.j2").unwrap();
    std::fs::write(&dockerfile_j2, embedded).unwrap();
    let mut w = Watch::start(
        &ws,
        &[
            CHAIN,
            "--registry",
            "registry.json",
            "--template-dir",
            "tpl",
        ],
    );
    w.started(1);
    let pkg = root.join(PKG);
    let dockerfile = pkg.join("Dockerfile");
    let cli = pkg.join("wt_greeting_chain_workflow/cli.py");
    let png = pkg.join("graph.png");
    let (cli_before, png_before) = (stamp(&cli), stamp(&png));
    std::thread::sleep(Duration::from_millis(50));

    // Editing the overriding template rewrites the Dockerfile and the README (its
    // artifact hashes), nothing else.
    crate::support::save(&dockerfile_j2, &format!("{embedded}LABEL watched=yes\n"));
    assert_eq!(rewritten(&w.message(CHAIN)), ["Dockerfile", "README.md"]);
    assert!(read(&dockerfile).ends_with("LABEL watched=yes\n"));
    assert_eq!(stamp(&cli), cli_before);
    assert_eq!(stamp(&png), png_before);

    // A new template in a new folder (an editor's rename-save) replaces another file.
    let dispatch_j2 = tpl.join("package/dispatch.py.j2");
    std::fs::create_dir_all(dispatch_j2.parent().unwrap()).unwrap();
    let dispatch = wtc::templates::embedded("package/dispatch.py.j2").unwrap();
    let swap = tpl.join("package/.dispatch.py.j2.swp");
    std::fs::write(&swap, format!("{dispatch}# customised\n")).unwrap();
    std::fs::rename(&swap, &dispatch_j2).unwrap();
    assert_eq!(
        rewritten(&w.message(CHAIN)),
        ["README.md", "wt_greeting_chain_workflow/dispatch.py"]
    );
    assert_eq!(stamp(&cli), cli_before);

    // A broken template: the error names the file and line; the package stays.
    let good = read(&dockerfile);
    crate::support::save(&dockerfile_j2, "FROM scratch\n{{ nope }}\n");
    assert_eq!(w.message(CHAIN), "1 error; kept the last good package");
    let err = w.stderr_contains("could not compile");
    assert!(err.contains(&format!("{dockerfile_j2}:2:4")), "{err}");
    assert_eq!(read(&dockerfile), good);

    // Removing the override goes back to the embedded template.
    std::fs::remove_file(&dockerfile_j2).unwrap();
    assert_eq!(rewritten(&w.message(CHAIN)), ["Dockerfile", "README.md"]);
    assert_eq!(read(&dockerfile), good.replace("LABEL watched=yes\n", ""));
    w.interrupt();
}

#[test]
fn never_writes_through_a_symlinked_directory_of_the_package() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let spec = ws.root.join(CHAIN);
    let mut w = Watch::start(&ws, &[CHAIN, "--registry", "registry.json"]);
    w.started(1);
    // `dags` becomes a link to a directory of the user's, outside the release directory.
    let dags = ws.root.join(PKG).join("wt_greeting_chain_workflow/dags");
    let outside = ws.root.join("outside");
    std::fs::create_dir(&outside).unwrap();
    for name in [
        "__init__.py",
        "run_sequential.py",
        "run_sequential_mock_io.py",
    ] {
        std::fs::write(outside.join(name), "mine\n").unwrap();
    }
    std::fs::remove_dir_all(&dags).unwrap();
    std::os::unix::fs::symlink(&outside, &dags).unwrap();
    edit(&spec, "b: 10", "b: 12");
    let msg = w.message(CHAIN);
    assert!(msg.starts_with("rewrote "), "{msg}");
    w.stderr_contains("was a symbolic link; replaced it with a directory");
    for name in [
        "__init__.py",
        "run_sequential.py",
        "run_sequential_mock_io.py",
    ] {
        assert_eq!(
            read(&outside.join(name)),
            "mine\n",
            "{name} outside was written"
        );
        assert_ne!(read(&dags.join(name)), "mine\n");
    }
    assert!(!std::fs::symlink_metadata(&dags).unwrap().is_symlink());
    w.interrupt();
}

#[test]
fn a_failed_write_is_retried_on_the_next_event_of_the_spec() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let spec = ws.root.join(CHAIN);
    let mut w = Watch::start(&ws, &[CHAIN, "--registry", "registry.json"]);
    w.started(1);
    // Writing fails: a file stands where the package has a directory.
    let dags = ws.root.join(PKG).join("wt_greeting_chain_workflow/dags");
    std::fs::remove_dir_all(&dags).unwrap();
    std::fs::write(&dags, "in the way").unwrap();
    edit(&spec, "b: 10", "b: 12");
    let msg = w.message(CHAIN);
    assert!(msg.contains("could not write the package"), "{msg}");
    assert!(msg.contains("retries"), "{msg}");
    // The cause goes away; a save with the same bytes is enough to write what is owed.
    std::fs::remove_file(&dags).unwrap();
    std::fs::write(&spec, read(&spec)).unwrap();
    let msg = w.message(CHAIN);
    assert!(
        msg.starts_with("retried the failed write: rewrote "),
        "{msg}"
    );
    assert!(dags.join("run_sequential.py").is_file());
    // Nothing is owed any more: the next same-bytes save does nothing.
    std::fs::write(&spec, read(&spec)).unwrap();
    w.quiet_for(Duration::from_millis(600));
    w.interrupt();
}

/// The editor saves wtc watch must see as one change each (watch's debounce is short, so
/// the save reaches the disk soon, but not shorter than such a burst): a rename over the
/// spec (a temporary written beside it, then renamed), and a save that moves the spec
/// aside, writes it anew and deletes the backup (vim's default), during which the spec
/// does not exist. Each is exactly one rebuild of the final text: no "deleted" line, no
/// second line, and the edit is in the package.
#[test]
fn an_editor_save_burst_is_one_rebuild_and_arrives() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let spec = ws.root.join(CHAIN);
    let dag = ws
        .root
        .join(PKG)
        .join("wt_greeting_chain_workflow/dags/run_sequential.py");
    let mut w = Watch::start(&ws, &[CHAIN, "--registry", "registry.json"]);
    w.started(1);

    rename_save(&spec, &read(&spec).replace("b: 10", "b: 21"));
    assert!(w.message(CHAIN).starts_with("rewrote "));
    w.quiet_for(Duration::from_millis(300));
    assert!(read(&dag).contains("b=21"), "{}", read(&dag));

    let backup = spec.with_file_name("spec.yaml~");
    let text = read(&spec).replace("b: 21", "b: 22");
    std::fs::rename(&spec, &backup).unwrap();
    std::fs::write(&spec, &text).unwrap();
    std::fs::remove_file(&backup).unwrap();
    assert!(w.message(CHAIN).starts_with("rewrote "));
    w.quiet_for(Duration::from_millis(300));
    assert!(read(&dag).contains("b=22"), "{}", read(&dag));
    w.interrupt();
}

/// An idle watch sleeps: nothing ticks while no file changes (the quiet window is a
/// timeout started by an event). Counted as the context switches of all its threads over
/// half a second of idleness; a timer-driven debouncer waking every few milliseconds makes
/// a hundred or more.
#[test]
fn an_idle_watch_does_not_wake() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let mut w = Watch::start(&ws, &[CHAIN, "--registry", "registry.json"]);
    w.started(1);
    let switches = |pid: u32| -> u64 {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap();
        tasks
            .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("status")).ok())
            .flat_map(|s| {
                s.lines()
                    .filter_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
                    .map(|n| n.trim().parse::<u64>().unwrap())
                    .collect::<Vec<_>>()
            })
            .sum()
    };
    let pid = w.child.id();
    let before = switches(pid);
    std::thread::sleep(Duration::from_millis(500));
    let woke = switches(pid) - before;
    assert!(woke < 20, "an idle watch woke {woke} times in 0.5 s");
    w.interrupt();
}
