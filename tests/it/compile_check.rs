//! `wtc compile --check` (compare, write nothing), `Up to date` on an unchanged package,
//! `--force`, and `wtc check` taking the output flags: the real binary on copies of the
//! examples.

use crate::support::{Workspace, repo};
use camino::Utf8Path;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;

const CHAIN: &str = "chain/wt-greeting-chain-workflow";

/// A workspace with `examples/<name>/spec.yaml` copied to `<name>/spec.yaml` per name.
fn specs(names: &[&str]) -> Workspace {
    let ws = Workspace::new();
    for name in names {
        ws.copy_example(name, name);
    }
    ws
}

/// `wtc ARGS --registry examples/registry.json` in `ws`: (exit code, stdout, stderr).
fn run(ws: &Workspace, args: &[&str]) -> (Option<i32>, String, String) {
    let registry = repo().join("examples/registry.json");
    let out = ws
        .wtc(args)
        .args(["--registry", registry.as_str()])
        .output();
    (out.status.code(), out.stdout, out.stderr)
}

/// Every entry below `root`: relative path → (inode, mtime).
fn listing(root: &Utf8Path) -> BTreeMap<String, (u64, i64, i64)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            let rel = e.path().strip_prefix(root).unwrap().to_string_lossy();
            (rel.into_owned(), (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

/// Run `args` on the chain example's package: exit 0, `Up to date: DIR`, and nothing below
/// `root` changed (same entries, inodes and mtimes: no file written, no temporary).
fn untouched_and_up_to_date(ws: &Workspace, args: &[&str]) {
    let root = &ws.root;
    let before = listing(root);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (code, stdout, stderr) = run(ws, args);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_eq!(stdout, format!("Up to date: {root}/{CHAIN}\n"));
    assert_eq!(listing(root), before, "{args:?} touched something");
}

/// Stdout lines without the ` in N ms` timings.
fn lines(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .map(|l| match l.rsplit_once(" in ") {
            Some((line, took)) if took.ends_with(" ms") => line,
            _ => l,
        })
        .collect()
}

#[test]
fn check_on_an_up_to_date_package_writes_nothing() {
    let ws = specs(&["chain"]);
    let root = &ws.root;
    assert_eq!(run(&ws, &["compile", "chain/spec.yaml"]).0, Some(0));
    std::fs::write(root.join(CHAIN).join("pixi.lock"), "version: 6\n").unwrap();
    std::fs::create_dir_all(root.join(CHAIN).join(".pixi/envs/default")).unwrap();
    std::fs::write(root.join(CHAIN).join(".pixi/envs/default/x"), "").unwrap();
    untouched_and_up_to_date(&ws, &["compile", "--check", "chain/spec.yaml"]);
    let (code, stdout, _) = run(&ws, &["compile", "--check", "-q", "chain/spec.yaml"]);
    assert_eq!((code, stdout.as_str()), (Some(0), ""));
    // --check writes nothing: the flags that write are usage errors with it.
    for flag in ["--clobber", "--install", "--force"] {
        let (code, _, _) = run(&ws, &["compile", "--check", flag, "chain/spec.yaml"]);
        assert_eq!(code, Some(2), "{flag}");
    }
}

#[test]
fn check_names_an_edited_file_and_shows_the_diff() {
    let ws = specs(&["chain"]);
    let root = &ws.root;
    assert_eq!(run(&ws, &["compile", "chain/spec.yaml"]).0, Some(0));
    let toml = root.join(CHAIN).join("pyproject.toml");
    let original = std::fs::read_to_string(&toml).unwrap();
    let first = original.lines().next().unwrap().to_string();
    std::fs::write(&toml, original.replacen(&first, "# edited by hand", 1)).unwrap();

    let (code, stdout, stderr) = run(&ws, &["compile", "--check", "chain/spec.yaml"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let out = lines(&stdout);
    assert_eq!(out[0], format!("Out of date: {root}/{CHAIN}"));
    assert_eq!(out[1], "  differs pyproject.toml");
    assert_eq!(out[2], format!("--- {CHAIN}/pyproject.toml (on disk)"));
    assert_eq!(out[3], format!("+++ {CHAIN}/pyproject.toml (compiled)"));
    assert!(out[4].starts_with("@@ -1,"), "{stdout}");
    assert!(out.contains(&"-# edited by hand"), "{stdout}");
    assert!(out.contains(&format!("+{first}").as_str()), "{stdout}");
    assert!(!stdout.contains('\x1b'), "no colour without a terminal");

    let (code, stdout, _) = run(&ws, &["compile", "--check", "-q", "chain/spec.yaml"]);
    assert_eq!(code, Some(1));
    assert_eq!(stdout, format!("differs {CHAIN}/pyproject.toml\n"));

    // A binary file is named, never diffed.
    let png = root.join(CHAIN).join("graph.png");
    let mut bytes = std::fs::read(&png).unwrap();
    bytes.push(0);
    std::fs::write(&png, bytes).unwrap();
    let (_, stdout, _) = run(&ws, &["compile", "--check", "-q", "chain/spec.yaml"]);
    assert!(
        stdout.contains(&format!("differs {CHAIN}/graph.png (binary)\n")),
        "{stdout}"
    );
}

#[test]
fn check_reports_missing_and_extra_files_but_not_pixis() {
    let ws = specs(&["chain"]);
    let root = &ws.root;
    assert_eq!(run(&ws, &["compile", "chain/spec.yaml"]).0, Some(0));
    let dir = root.join(CHAIN);
    std::fs::remove_file(dir.join("tests/conftest.py")).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    std::fs::write(dir.join("pixi.lock"), "version: 6\n").unwrap();
    std::fs::create_dir_all(dir.join(".pixi/envs")).unwrap();
    std::fs::write(dir.join(".pixi/envs/x"), "").unwrap();
    let (code, stdout, stderr) = run(&ws, &["compile", "--check", "chain/spec.yaml"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert_eq!(
        lines(&stdout),
        [
            format!("Out of date: {root}/{CHAIN}"),
            "  missing tests/conftest.py".into(),
            "  extra   notes.txt".into(),
        ]
    );
}

#[test]
fn check_without_a_package_says_the_release_directory_is_missing() {
    let ws = specs(&["chain"]);
    let root = &ws.root;
    let (code, stdout, _) = run(&ws, &["compile", "--check", "chain/spec.yaml"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        stdout,
        format!("Out of date: {root}/{CHAIN}: the release directory is missing\n")
    );
    assert_eq!(listing(root).len(), 3, "still only the spec: {root}");
}

#[test]
fn check_a_batch_names_only_the_stale_package() {
    let ws = specs(&["chain", "groups"]);
    let root = &ws.root;
    assert_eq!(run(&ws, &["compile", "--all", "."]).0, Some(0));
    let readme = root.join("groups/wt-grouped-words-workflow/README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    std::fs::write(&readme, format!("{text}stale\n")).unwrap();
    let (code, stdout, stderr) = run(&ws, &["compile", "--check", "--all", "."]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let out = lines(&stdout);
    assert_eq!(
        out[..3],
        [
            "  up to date chain/spec.yaml → wt-greeting-chain-workflow",
            "  out of date groups/spec.yaml → wt-grouped-words-workflow",
            "    differs README.md",
        ]
    );
    assert!(out.contains(&"-stale"), "{stdout}");
    assert_eq!(
        out.last().unwrap(),
        &"Checked 2 specs (1 up to date, 1 out of date)"
    );
    let (_, stdout, _) = run(&ws, &["compile", "--check", "-q", "--all", "."]);
    assert_eq!(
        stdout,
        "differs groups/wt-grouped-words-workflow/README.md\n"
    );
}

#[test]
fn check_and_compile_check_take_the_output_flags() {
    let ws = specs(&["chain"]);
    let root = &ws.root;
    let acme = ["--pkg-name-prefix", "acme", "--results-env-var", "ACME"];
    let (code, stdout, stderr) = run(&ws, &[&["check", "chain/spec.yaml"], &acme[..]].concat());
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_eq!(stdout, "chain/spec.yaml: ok\n");
    let graphviz = ["check", "chain/spec.yaml", "--graph-engine", "graphviz"];
    assert_eq!(run(&ws, &graphviz).0, Some(0));

    assert_eq!(
        run(&ws, &[&["compile", "chain/spec.yaml"], &acme[..]].concat()).0,
        Some(0)
    );
    let dir = root.join("chain/acme-greeting-chain-workflow");
    assert!(dir.is_dir());
    let check = [&["compile", "--check", "chain/spec.yaml"], &acme[..]].concat();
    let (code, stdout, _) = run(&ws, &check);
    assert_eq!((code, stdout), (Some(0), format!("Up to date: {dir}\n")));
    // Another results variable: another package.
    let other = [&check[..check.len() - 1], &["OTHER"]].concat();
    let (code, stdout, _) = run(&ws, &other);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("differs"), "{stdout}");
    // Without the prefix, the `wt-` package is checked (and missing).
    let (code, stdout, _) = run(&ws, &["compile", "--check", "chain/spec.yaml"]);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("the release directory is missing"),
        "{stdout}"
    );
}

#[test]
fn clobber_over_an_equal_package_is_up_to_date_and_touches_nothing() {
    let ws = specs(&["chain", "groups"]);
    let root = &ws.root;
    let chain = ["compile", "--clobber", "chain/spec.yaml"];
    assert_eq!(run(&ws, &chain).0, Some(0));
    std::fs::write(root.join(CHAIN).join("pixi.lock"), "version: 6\n").unwrap();
    untouched_and_up_to_date(&ws, &chain);

    // A batch: a line per spec and the counts.
    let (code, stdout, _) = run(&ws, &["compile", "--clobber", "--all", "."]);
    assert_eq!(code, Some(0));
    assert_eq!(
        lines(&stdout),
        [
            "  up to date chain/spec.yaml → wt-greeting-chain-workflow (25 files)",
            "  compiled groups/spec.yaml → wt-grouped-words-workflow (25 files, 25 written)",
            "Compiled 2 specs (1 up to date)",
        ]
    );
    let (_, stdout, _) = run(&ws, &["compile", "--clobber", "--all", "."]);
    assert_eq!(
        lines(&stdout).last().unwrap(),
        &"Compiled 2 specs (2 up to date)"
    );
    let (_, stdout, _) = run(&ws, &["compile", "--clobber", "-q", "--all", "."]);
    assert_eq!(stdout, "");
}

#[test]
fn force_rewrites_every_file() {
    let ws = specs(&["chain"]);
    let root = &ws.root;
    assert_eq!(run(&ws, &["compile", "chain/spec.yaml"]).0, Some(0));
    let dir = root.join(CHAIN);
    let files = |dir: &Utf8Path| -> BTreeMap<String, (u64, Vec<u8>)> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let ino = e.metadata().unwrap().ino();
                (rel, (ino, std::fs::read(e.path()).unwrap()))
            })
            .collect()
    };
    let before = files(&dir);
    // --force needs --clobber.
    assert_eq!(
        run(&ws, &["compile", "--force", "chain/spec.yaml"]).0,
        Some(2)
    );
    let (code, stdout, stderr) = run(&ws, &["compile", "--clobber", "--force", "chain/spec.yaml"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, format!("Compiled workflow to: {dir}\n"));
    let after = files(&dir);
    assert_eq!(before.len(), after.len());
    for ((rel, (old_ino, old)), (_, (new_ino, new))) in before.iter().zip(&after) {
        assert_ne!(old_ino, new_ino, "{rel} keeps its inode");
        assert_eq!(old, new, "{rel}");
    }
    let beside = std::fs::read_dir(root.join("chain")).unwrap().count();
    assert_eq!(beside, 2, "the spec and the package, no temporary");
}
