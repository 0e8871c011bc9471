//! `--template-dir` and `wtc templates`: user templates replacing embedded ones, their
//! errors and warnings, and the `--dump` round trip.

mod common;

use camino::{Utf8Path, Utf8PathBuf};
use common::{copy_example, repo};
use std::collections::BTreeMap;
use std::process::{Command, Output};

const PKG: &str = "chain/wt-greeting-chain-workflow";

fn wtc(args: &[&str], cwd: &Utf8Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wtc"))
        .args(args)
        .current_dir(cwd)
        .env_remove("PIXI_VERSION")
        .output()
        .expect("wtc runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A temp dir with the `chain` example and the registry.
fn workspace() -> (tempfile::TempDir, Utf8PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = Utf8PathBuf::from_path_buf(tmp.path().canonicalize().unwrap()).unwrap();
    copy_example(&root, "chain", "chain");
    std::fs::copy(
        repo().join("examples/registry.json"),
        root.join("registry.json"),
    )
    .unwrap();
    (tmp, root)
}

/// `wtc compile chain/spec.yaml` with `extra` arguments (replacing the package).
fn compile(root: &Utf8Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "compile",
        "chain/spec.yaml",
        "--registry",
        "registry.json",
        "--clobber",
    ];
    args.extend_from_slice(extra);
    wtc(&args, root)
}

/// Every file below `dir`: relative path → bytes.
fn tree(dir: &Utf8Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let path = Utf8Path::from_path(entry.path()).unwrap();
            let rel = path.strip_prefix(dir).unwrap().to_string();
            out.insert(rel, std::fs::read(path).unwrap());
        }
    }
    out
}

/// The package compiled with the embedded templates.
fn default_package(root: &Utf8Path) -> BTreeMap<String, Vec<u8>> {
    let out = compile(root, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    tree(&root.join(PKG))
}

/// Write `text` to `root/tpl/name`.
fn template(root: &Utf8Path, name: &str, text: &str) {
    let path = root.join("tpl").join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
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
    let (_tmp, root) = workspace();
    let default = default_package(&root);
    let embedded = wtc(&["templates", "--dump", "embedded", "-q"], &root);
    assert_eq!(embedded.status.code(), Some(0), "{}", stderr(&embedded));
    let dockerfile = std::fs::read_to_string(root.join("embedded/packaging/Dockerfile.j2"))
        .unwrap()
        .replacen(
            "\nFROM ",
            "\nLABEL org.opencontainers.image.title={{ release_name }}\nFROM ",
            1,
        );
    template(&root, "packaging/Dockerfile.j2", &dockerfile);

    let out = compile(&root, &["--template-dir", "tpl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let custom = tree(&root.join(PKG));
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
    let (_tmp, root) = workspace();
    let default = default_package(&root);
    let out = wtc(&["templates", "--dump", "tpl"], &root);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Wrote 11 templates to tpl"
    );
    let out = compile(&root, &["--template-dir", "tpl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(tree(&root.join(PKG)) == default, "the packages differ");

    // A second dump does not overwrite (edits would be lost) unless forced.
    let out = wtc(&["templates", "--dump", "tpl"], &root);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    let out = wtc(&["templates", "--dump", "tpl", "--force", "-q"], &root);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}

#[test]
fn templates_lists_the_embedded_names() {
    let out = wtc(&["templates"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
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
fn assert_fails_with(root: &Utf8Path, name: &str, text: &str, expected: &[&str]) {
    template(root, name, text);
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
        let out = wtc(&args, root);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
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
    let (_tmp, root) = workspace();
    let tpl = root.join("tpl");
    assert_fails_with(
        &root,
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
        &root,
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
        &root,
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
    let (_tmp, root) = workspace();
    template(&root, "packaging/Dockerfle.j2", "FROM scratch\n");
    template(&root, "cli.py.j2", "x\n");
    let out = compile(&root, &["--template-dir", "tpl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
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
    let out = compile(&root, &["--template-dir", "tpl", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_shared_template_problem_is_shown_once_per_run() {
    let (_tmp, root) = workspace();
    copy_example(&root, "chain", "other");
    template(&root, "package/cli.py.j2", "{{ nope }}\n");
    template(&root, "package/cli.py", "x\n");
    let out = wtc(
        &[
            "check",
            "chain/spec.yaml",
            "other/spec.yaml",
            "--registry",
            "registry.json",
            "--template-dir",
            "tpl",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.matches("error[template]").count(), 1, "{err}");
    assert_eq!(err.matches("warning[unknown-template]").count(), 1, "{err}");
    assert!(err.contains("could not compile `chain/spec.yaml`"), "{err}");
    assert!(err.contains("could not compile `other/spec.yaml`"), "{err}");
}

#[test]
fn a_missing_template_directory_is_an_error() {
    let (_tmp, root) = workspace();
    let out = compile(&root, &["--template-dir", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("template directory not found: {root}/nowhere")),
        "{}",
        stderr(&out)
    );
}
