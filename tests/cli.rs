//! The `wtc` binary: exit codes, output directory handling, diagnostics on stderr.

mod common;

use camino::{Utf8Path, Utf8PathBuf};
use common::repo;
use std::process::{Command, Output};

fn wtc(args: &[&str], cwd: &Utf8Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wtc"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("wtc runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A temp dir with a copy of an example spec and the registry.
fn workspace(example: &str) -> (tempfile::TempDir, Utf8PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
    std::fs::create_dir_all(root.join(example)).unwrap();
    std::fs::copy(
        repo().join("examples").join(example).join("spec.yaml"),
        root.join(example).join("spec.yaml"),
    )
    .unwrap();
    std::fs::copy(
        repo().join("examples/registry.json"),
        root.join("registry.json"),
    )
    .unwrap();
    (tmp, root)
}

#[test]
fn compile_check_clobber_and_errors() {
    let (_tmp, root) = workspace("chain");
    let out = wtc(
        &[
            "compile",
            "--spec",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let dir = root.join("chain/wt-greeting-chain-workflow");
    assert_eq!(
        text(&out.stdout).trim(),
        format!("Compiled workflow to: {dir}")
    );
    let dag = dir.join("wt_greeting_chain_workflow/dags/run_sequential.py");
    assert!(dag.is_file());

    // Existing output without --clobber: exit 1, nothing touched.
    let before = std::fs::metadata(&dag).unwrap().modified().unwrap();
    let out = wtc(
        &["compile", "chain/spec.yaml", "--registry", "registry.json"],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("--clobber"));

    // --clobber with identical output rewrites nothing.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = wtc(
        &[
            "compile",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
            "--clobber",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(std::fs::metadata(&dag).unwrap().modified().unwrap(), before);

    // An invalid edit fails with a located diagnostic and keeps the previous package.
    let spec = root.join("chain/spec.yaml");
    let good = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, good.replace("task: shout", "task: shuot")).unwrap();
    let out = wtc(
        &[
            "compile",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
            "--clobber",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("error[unknown-task]: task `shuot` is not a known task"),
        "{err}"
    );
    assert!(err.contains("chain/spec.yaml:24:11"), "{err}");
    assert!(err.contains("did you mean `shout`?"), "{err}");
    assert!(dag.is_file(), "previous package kept");

    // `check` validates without writing.
    let out = wtc(
        &["check", "chain/spec.yaml", "--registry", "registry.json"],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
    std::fs::write(&spec, &good).unwrap();
    let out = wtc(
        &["check", "chain/spec.yaml", "--registry", "registry.json"],
        &root,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn several_specs_in_one_call() {
    let (_tmp, root) = workspace("chain");
    std::fs::create_dir_all(root.join("groups")).unwrap();
    std::fs::copy(
        repo().join("examples/groups/spec.yaml"),
        root.join("groups/spec.yaml"),
    )
    .unwrap();
    let out = wtc(
        &[
            "compile",
            "chain/spec.yaml",
            "--spec",
            "groups/spec.yaml",
            "--registry",
            "registry.json",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 2);
    assert!(
        root.join("groups/wt-grouped-words-workflow/wt_grouped_words_workflow/rjsf.json")
            .is_file()
    );
}

#[test]
fn deny_warnings_turns_warnings_into_errors() {
    let (_tmp, root) = workspace("chain");
    let spec = root.join("chain/spec.yaml");
    let text_ = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, text_.replace("      b: 10", "      bb: 10")).unwrap();
    let out = wtc(
        &["check", "chain/spec.yaml", "--registry", "registry.json"],
        &root,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("warning[unknown-argument]"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("did you mean `b`?"));
    let out = wtc(
        &[
            "check",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
            "--deny-warnings",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error[unknown-argument]"));
}

#[test]
fn usage_and_input_errors() {
    let (_tmp, root) = workspace("chain");
    assert_eq!(wtc(&["compile", "--bogus"], &root).status.code(), Some(2));
    assert_eq!(
        wtc(&["compile", "--registry", "registry.json"], &root)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(wtc(&[], &root).status.code(), Some(2));
    let out = wtc(
        &["compile", "nope.yaml", "--registry", "registry.json"],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("spec file not found"));
    // Without --registry, discovery runs; with --locked and no lock file it cannot.
    let out = wtc(&["compile", "chain/spec.yaml", "--locked"], &root);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("wtc lock"),
        "{}",
        text(&out.stderr)
    );
    std::fs::write(root.join("bad.json"), "{\"entries\": 3}").unwrap();
    let out = wtc(
        &["compile", "chain/spec.yaml", "--registry", "bad.json"],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("bad.json"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(wtc(&["--version"], &root).status.code(), Some(0));
}
