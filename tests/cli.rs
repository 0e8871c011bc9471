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
    let out = wtc(&["compile", "chain/spec.yaml"], &root);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--registry"));
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

/// `wtc` with `PATH` replaced.
fn wtc_with_path(args: &[&str], cwd: &Utf8Path, path: &Utf8Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wtc"))
        .args(args)
        .current_dir(cwd)
        .env("PATH", path)
        .output()
        .expect("wtc runs")
}

#[cfg(unix)]
#[test]
fn graph_engines() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, root) = workspace("chain");
    let release = root.join("chain/wt-greeting-chain-workflow");
    let compile = |engine: &str, path: &Utf8Path| {
        wtc_with_path(
            &[
                "compile",
                "chain/spec.yaml",
                "--registry",
                "registry.json",
                "--clobber",
                "--graph-engine",
                engine,
            ],
            &root,
            path,
        )
    };
    let read = |name: &str| std::fs::read(release.join(name)).unwrap();

    // Built-in (the default): a real PNG and an SVG beside the DOT source.
    let empty = root.join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let out = compile("builtin", &empty);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(read("graph.png").starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(text(&read("graph.svg")).contains("<svg"));
    assert!(text(&read("graph.dot")).starts_with("graph greeting_chain {\nrankdir=LR;\n"));
    let builtin_png = read("graph.png");

    // Graphviz without `dot` on PATH: a warning, and the built-in images.
    let out = compile("graphviz", &empty);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("`dot` not found"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(read("graph.png"), builtin_png);

    // Graphviz with a `dot` on PATH: its output, fed graph.dot on stdin.
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let dot = bin.join("dot");
    std::fs::write(
        &dot,
        format!(
            "#!/bin/sh\ncat > \"{root}/dot-input-$1\"\ncase \"$1\" in\n  -Tsvg) printf '<svg>from dot</svg>' ;;\n  -Tpng) printf 'png from dot' ;;\n  *) exit 3 ;;\nesac\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = Utf8PathBuf::from(format!("{bin}:/usr/bin:/bin"));
    let out = compile("graphviz", &path);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(read("graph.svg"), b"<svg>from dot</svg>");
    assert_eq!(read("graph.png"), b"png from dot");
    assert_eq!(
        std::fs::read(root.join("dot-input--Tpng")).unwrap(),
        read("graph.dot")
    );

    // A failing `dot`: a warning, and the built-in images.
    std::fs::write(&dot, "#!/bin/sh\necho broken >&2\nexit 1\n").unwrap();
    let out = compile("graphviz", &path);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("broken"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(read("graph.png"), builtin_png);

    // Unknown engines are usage errors.
    let out = wtc(
        &["compile", "--graph-engine", "nope", "chain/spec.yaml"],
        &root,
    );
    assert_eq!(out.status.code(), Some(2));
}
