//! `scripts/synthetic-spec.py`, the generator of the large specs that BENCHMARKS.md's scale
//! series measures: what it writes is a valid spec over the examples' registry, of about
//! the size asked for, and the same for the same size.

use crate::support::{Workspace, repo, venv_python};
use std::process::Command;

/// The generator's output for `--mb mb`.
pub(crate) fn generate(python: &camino::Utf8Path, mb: &str) -> String {
    let out = Command::new(python)
        .arg(repo().join("scripts/synthetic-spec.py"))
        .args(["--mb", mb])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn generated_specs_check_cleanly_and_are_deterministic() {
    let Some(python) = venv_python() else {
        eprintln!("skipped: no venv Python (run scripts/setup-venv.sh)");
        return;
    };
    let spec = generate(&python, "0.1");
    // About the size asked for: it stops at the first task past 100 kB.
    assert!(
        (100_000..101_000).contains(&spec.len()),
        "{} bytes",
        spec.len()
    );
    assert_eq!(spec, generate(&python, "0.1"), "not deterministic");
    assert!(spec.contains("type: task-group"), "no task group");
    assert!(spec.contains("    map:\n"), "no map");
    let ws = Workspace::with_examples(&[]);
    ws.write("big/spec.yaml", &spec);
    let run = ws
        .wtc(["check", "big/spec.yaml", "--registry", "registry.json"])
        .output();
    let stdout = run.ok();
    assert!(stdout.contains("big/spec.yaml: ok"), "{stdout}");
    assert!(run.stderr.is_empty(), "warnings:\n{}", run.stderr);
}
