//! Running the `wtc` binary ([`Wtc`]) in a temporary directory ([`Workspace`]).

use super::{copy_dir, example_registry, repo, text};
use camino::{Utf8Path, Utf8PathBuf};
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};

/// The `PATH` of every run: the system's tools (`sh`, `cat`, `kill`), nothing of the
/// user's (no `dot`, `pixi` or venv that would change what wtc does).
const SYSTEM_PATH: &str = "/usr/bin:/bin";

/// One run of the `wtc` binary, built up like a [`Command`].
///
/// The environment is its own: `PATH` = `/usr/bin:/bin`, `HOME` = `<workspace>/home` (not
/// created), `WTC_CACHE_DIR` = `<workspace>/cache`, `NO_COLOR`, and what the test adds
/// with [`Wtc::env`]; nothing of the test process's (`WT_CONDA_CHANNEL`, `PIXI_VERSION`,
/// `XDG_*`...). It runs in the workspace's root unless [`Wtc::current_dir`] says otherwise.
pub struct Wtc {
    command: Command,
}

impl Wtc {
    /// `wtc args...` in `ws`.
    pub fn new<I, S>(ws: &Workspace, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(env!("CARGO_BIN_EXE_wtc"));
        command
            .env_clear()
            .env("PATH", SYSTEM_PATH)
            .env("HOME", ws.root.join("home"))
            .env("WTC_CACHE_DIR", ws.cache())
            .env("NO_COLOR", "1")
            .current_dir(&ws.root)
            .args(args);
        Self { command }
    }

    /// More arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// Run in `dir` instead of the workspace's root.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Set (or replace) one environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    /// Set (or replace) several environment variables.
    pub fn envs<I, K, V>(mut self, vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.command.envs(vars);
        self
    }

    /// Run to completion, stdin closed (not a terminal); the exit status and the output.
    pub fn output(mut self) -> Run {
        let out = self
            .command
            .stdin(Stdio::null())
            .output()
            .expect("wtc runs");
        Run {
            status: out.status,
            stdout: text(&out.stdout),
            stderr: text(&out.stderr),
        }
    }

    /// Start it (a long-running `wtc watch`): stdin closed, stdout and stderr piped.
    pub fn spawn(mut self) -> Child {
        self.command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wtc runs")
    }

    /// The command, for a runner of its own (a pseudo-terminal).
    pub fn into_command(self) -> Command {
        self.command
    }
}

/// A finished run: exit status and output as text.
#[derive(Debug)]
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Assert exit code 0 (showing both streams when not); the stdout.
    #[track_caller]
    pub fn ok(&self) -> String {
        assert_eq!(
            self.status.code(),
            Some(0),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self.stdout.clone()
    }
}

/// A temporary directory (removed when dropped) that `wtc` runs in.
pub struct Workspace {
    _tmp: tempfile::TempDir,
    /// Its canonical path.
    pub root: Utf8PathBuf,
}

impl Workspace {
    /// An empty one.
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8PathBuf::from_path_buf(tmp.path().canonicalize().unwrap()).unwrap();
        Self { _tmp: tmp, root }
    }

    /// One with the examples' registry as `registry.json` and, for each `(example, dir)`,
    /// `examples/<example>/spec.yaml` at `<dir>/spec.yaml`.
    pub fn with_examples(specs: &[(&str, &str)]) -> Self {
        let ws = Self::new();
        ws.write("registry.json", example_registry());
        for (example, dir) in specs {
            ws.copy_example(example, dir);
        }
        ws
    }

    /// Copy `examples/<example>/spec.yaml` to `<dir>/spec.yaml`.
    pub fn copy_example(&self, example: &str, dir: &str) {
        std::fs::create_dir_all(self.root.join(dir)).unwrap();
        std::fs::copy(
            repo().join("examples").join(example).join("spec.yaml"),
            self.root.join(dir).join("spec.yaml"),
        )
        .unwrap();
    }

    /// Copy the directory `from` into `dir` (relative to the root; `""` is the root).
    pub fn copy_dir(&self, from: &Utf8Path, dir: &str) {
        copy_dir(from, &self.root.join(dir));
    }

    /// Write a file (relative to the root), creating its directory.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// The text of a file (relative to the root).
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// The discovery cache `wtc` runs use (`WTC_CACHE_DIR`).
    pub fn cache(&self) -> Utf8PathBuf {
        self.root.join("cache")
    }

    /// `wtc args...` here (see [`Wtc`]).
    pub fn wtc<I, S>(&self, args: I) -> Wtc
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Wtc::new(self, args)
    }
}
