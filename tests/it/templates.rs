//! `--template-dir` and `wtc templates`: user templates replacing embedded ones, their
//! errors and warnings, and the `--dump` round trip.

use crate::support::{Run, Workspace, files_below, repo};
use std::collections::BTreeMap;

const PKG: &str = "chain/wt-greeting-chain-workflow";

/// `wtc compile chain/spec.yaml` with `extra` arguments (replacing the package).
fn compile(ws: &Workspace, extra: &[&str]) -> Run {
    let mut args = vec![
        "compile",
        "chain/spec.yaml",
        "--registry",
        "registry.json",
        "--clobber",
    ];
    args.extend_from_slice(extra);
    ws.wtc(&args).output()
}

/// The package compiled with the embedded templates.
fn default_package(ws: &Workspace) -> BTreeMap<String, Vec<u8>> {
    let out = compile(ws, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    files_below(&ws.root.join(PKG))
}

/// Write `text` to `tpl/name`.
fn template(ws: &Workspace, name: &str, text: &str) {
    ws.write(&format!("tpl/{name}"), text);
}

/// The README's lines that do not hold an artifact hash (the hashes cover every file).
fn readme_without_artifact_hashes(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.contains("artifacts_sha256"))
        .map(str::to_string)
        .collect()
}

#[test]
fn an_overriding_template_changes_only_its_file() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let default = default_package(&ws);
    let embedded = ws.wtc(["templates", "--dump", "embedded", "-q"]).output();
    assert_eq!(embedded.status.code(), Some(0), "{}", embedded.stderr);
    let dockerfile = std::fs::read_to_string(root.join("embedded/packaging/Dockerfile.j2"))
        .unwrap()
        .replacen(
            "\nFROM ",
            "\nLABEL org.opencontainers.image.title={{ release_name }}\nFROM ",
            1,
        );
    template(&ws, "packaging/Dockerfile.j2", &dockerfile);

    let out = compile(&ws, &["--template-dir", "tpl"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(out.stderr, "");
    let custom = files_below(&root.join(PKG));
    assert_eq!(
        custom.keys().collect::<Vec<_>>(),
        default.keys().collect::<Vec<_>>()
    );
    let text = String::from_utf8(custom["Dockerfile"].clone()).unwrap();
    assert!(
        text.contains("\nLABEL org.opencontainers.image.title=wt-greeting-chain-workflow\nFROM "),
        "{text}"
    );
    assert_ne!(custom["README.md"], default["README.md"]);
    assert_eq!(
        readme_without_artifact_hashes(&custom["README.md"]),
        readme_without_artifact_hashes(&default["README.md"])
    );
    for (path, bytes) in &default {
        if path != "Dockerfile" && path != "README.md" {
            assert!(custom[path] == *bytes, "{path} differs");
        }
    }
}

#[test]
fn dumped_templates_compile_to_the_default_package() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let default = default_package(&ws);
    let out = ws.wtc(["templates", "--dump", "tpl"]).output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(out.stdout.trim(), "Wrote 11 templates to tpl");
    let out = compile(&ws, &["--template-dir", "tpl"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(out.stderr, "");
    assert!(
        files_below(&root.join(PKG)) == default,
        "the packages differ"
    );

    // A second dump does not overwrite (edits would be lost) unless forced.
    let out = ws.wtc(["templates", "--dump", "tpl"]).output();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    let out = ws
        .wtc(["templates", "--dump", "tpl", "--force", "-q"])
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn templates_lists_the_embedded_names() {
    let out = Workspace::new()
        .wtc(["templates"])
        .current_dir(repo())
        .output();
    assert_eq!(out.status.code(), Some(0));
    let names: Vec<String> = out.stdout.lines().map(str::to_string).collect();
    assert_eq!(names.len(), 11, "{names:?}");
    for name in [
        "package/cli.py.j2",
        "packaging/Dockerfile.j2",
        "packaging/dockerignore.j2",
        "tests/test_results.py.j2",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    // Each is a file of `templates/` in the repository.
    for name in &names {
        assert!(repo().join("templates").join(name).is_file(), "{name}");
    }
}

/// A broken template: exit 1, the error names the template file and line, and nothing is
/// written (not even the release directory).
fn assert_fails_with(ws: &Workspace, name: &str, text: &str, expected: &[&str]) {
    let root = &ws.root;
    template(ws, name, text);
    // `compile` and `check` report the same.
    for command in ["compile", "check"] {
        let args = [
            command,
            "chain/spec.yaml",
            "--registry",
            "registry.json",
            "--template-dir",
            "tpl",
        ];
        let out = ws.wtc(args).output();
        assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
        let err = &out.stderr;
        for e in expected {
            assert!(err.contains(e), "{command}: {e:?} not in:\n{err}");
        }
        assert!(
            err.contains("could not compile `chain/spec.yaml` due to 1 previous error"),
            "{err}"
        );
        assert!(!root.join(PKG).exists());
    }
    std::fs::remove_file(root.join("tpl").join(name)).unwrap();
}

#[test]
fn broken_templates_fail_the_compile_and_point_into_the_file() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let tpl = root.join("tpl");
    assert_fails_with(
        &ws,
        "packaging/Dockerfile.j2",
        "FROM scratch\n{% if local_artifacts %}\nCOPY . .\n{% endfor %}\n",
        &[
            "error[template]: template `packaging/Dockerfile.j2` failed: syntax error",
            &format!("--> {tpl}/packaging/Dockerfile.j2:4:"),
            "4 | {% endfor %}",
            "wtc templates --dump DIR",
        ],
    );
    assert_fails_with(
        &ws,
        "package/dispatch.py.j2",
        "{{ header }}\nNAME = {{ pakage_name | pystr }}\n",
        &[
            "error[template]: template `package/dispatch.py.j2` failed: undefined value",
            &format!("--> {tpl}/package/dispatch.py.j2:2:11"),
            "2 | NAME = {{ pakage_name | pystr }}",
            "help: did you mean `package_name`?",
            "`header`, `package_name`, `release_name`, `results_env_var`",
        ],
    );
    // A constant template fails the same way.
    assert_fails_with(
        &ws,
        "packaging/dockerignore.j2",
        ".pixi/\n{{ missing }}\n",
        &[
            "template `packaging/dockerignore.j2` failed: undefined value",
            &format!("--> {tpl}/packaging/dockerignore.j2:2:4"),
        ],
    );
}

#[test]
fn unknown_files_are_warnings_with_a_suggestion() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    template(&ws, "packaging/Dockerfle.j2", "FROM scratch\n");
    template(&ws, "cli.py.j2", "x\n");
    let out = compile(&ws, &["--template-dir", "tpl"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let err = &out.stderr;
    assert!(
        err.contains(
            "warning[unknown-template]: `packaging/Dockerfle.j2` in the template directory replaces no embedded template"
        ),
        "{err}"
    );
    assert!(
        err.contains("did you mean `packaging/Dockerfile.j2`?"),
        "{err}"
    );
    // A file in the wrong folder: its name says which template was meant.
    assert!(err.contains("did you mean `package/cli.py.j2`?"), "{err}");
    assert_eq!(err.matches("warning[unknown-template]").count(), 2, "{err}");
    // The embedded templates were used.
    let dockerfile = std::fs::read_to_string(root.join(PKG).join("Dockerfile")).unwrap();
    assert!(!dockerfile.starts_with("FROM scratch"));
    // With --deny-warnings they fail the compile.
    let out = compile(&ws, &["--template-dir", "tpl", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
}

#[test]
fn a_shared_template_problem_is_shown_once_per_run() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    ws.copy_example("chain", "other");
    template(&ws, "package/cli.py.j2", "{{ nope }}\n");
    template(&ws, "package/cli.py", "x\n");
    let out = ws
        .wtc([
            "check",
            "chain/spec.yaml",
            "other/spec.yaml",
            "--registry",
            "registry.json",
            "--template-dir",
            "tpl",
        ])
        .output();
    assert_eq!(out.status.code(), Some(1));
    let err = &out.stderr;
    assert_eq!(err.matches("error[template]").count(), 1, "{err}");
    assert_eq!(err.matches("warning[unknown-template]").count(), 1, "{err}");
    assert!(err.contains("could not compile `chain/spec.yaml`"), "{err}");
    assert!(err.contains("could not compile `other/spec.yaml`"), "{err}");
}

#[test]
fn a_missing_template_directory_is_an_error() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let out = compile(&ws, &["--template-dir", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr
            .contains(&format!("template directory not found: {root}/nowhere")),
        "{}",
        out.stderr
    );
}
