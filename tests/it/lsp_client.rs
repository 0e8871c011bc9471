//! `wtc lsp` end to end: a real LSP client (pytest-lsp, from the project venv) drives the
//! built binary over stdio: initialize, didOpen → diagnostics, didChange → updated
//! diagnostics, completion, hover, definition, rename, shutdown/exit
//! (`tests/python/test_lsp_client.py`). Skips, saying so, when the venv lacks pytest-lsp.

use crate::support::{Workspace, python_with, repo};

#[test]
fn pytest_lsp_drives_wtc_lsp_over_stdio() {
    let Some(python) = python_with("pytest_lsp") else {
        return;
    };
    let ws = Workspace::new();
    let out = std::process::Command::new(python.as_str())
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "asyncio_mode=auto",
            "-o",
            "asyncio_default_fixture_loop_scope=function",
        ])
        .arg(repo().join("tests/python/test_lsp_client.py").as_str())
        .env("WTC_BIN", env!("CARGO_BIN_EXE_wtc"))
        .env(
            "WTC_REGISTRY",
            repo().join("examples/registry.json").as_str(),
        )
        .env("WTC_SPEC_DIR", ws.root.as_str())
        .current_dir(ws.root.as_str())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

#[test]
fn lsp_flags_are_those_of_the_issue() {
    let ws = Workspace::new();
    // `--registry` and `--python-env` exclude each other; `--solved` needs `--registry`.
    for args in [
        &["lsp", "--registry", "r.json", "--python-env", "env"][..],
        &["lsp", "--solved", "s.json"][..],
    ] {
        let run = ws.wtc(args).output();
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", run.stderr);
    }
    let help = ws.wtc(["lsp", "--help"]).output().ok();
    for flag in [
        "--registry <FILE>",
        "--solved <FILE>",
        "--python-env <PREFIX>",
        "--cache-dir <DIR>",
    ] {
        assert!(help.contains(flag), "{help}");
    }
}
