//! `compile --clobber` over a release directory its stamp says is up to date (same inputs,
//! files untouched since) answers "Up to date" without building the package; any change
//! to an input or to the files on disk makes it compile (and repair the directory) as
//! before. The real binary on copies of the examples.

use crate::support::{Workspace, repo};
use camino::Utf8PathBuf;
use std::os::unix::fs::MetadataExt;

const CHAIN: &str = "chain/wt-greeting-chain-workflow";

fn workspace() -> Workspace {
    let ws = Workspace::new();
    ws.copy_example("chain", "chain");
    ws
}

/// `wtc compile chain/spec.yaml --registry examples/registry.json ARGS`: (exit, stdout,
/// stderr).
fn compile(ws: &Workspace, args: &[&str]) -> (Option<i32>, String, String) {
    let registry = repo().join("examples/registry.json");
    let out = ws
        .wtc([
            "compile",
            "chain/spec.yaml",
            "--registry",
            registry.as_str(),
        ])
        .args(args)
        .output();
    (out.status.code(), out.stdout, out.stderr)
}

/// `wtc compile --all . --clobber --registry examples/registry.json`.
fn compile_all(ws: &Workspace) -> crate::support::Run {
    let registry = repo().join("examples/registry.json");
    ws.wtc([
        "compile",
        "--all",
        ".",
        "--clobber",
        "--registry",
        registry.as_str(),
    ])
    .output()
}

/// The only stamp in the workspace's cache, if any.
fn stamp(ws: &Workspace) -> Option<Utf8PathBuf> {
    let dir = ws.cache().join("stamps");
    let mut found: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().collect())
        .unwrap_or_default();
    assert!(found.len() <= 1, "one spec, one stamp: {found:?}");
    found
        .pop()
        .map(|e| Utf8PathBuf::from_path_buf(e.path()).unwrap())
}

/// A stamp file's inode: a save replaces the file (a new inode), an answer leaves it.
fn stamp_inode(ws: &Workspace) -> u64 {
    let path = stamp(ws).expect("a stamp");
    std::fs::metadata(path).unwrap().ino()
}

/// Every file below the release directory: path → (inode, ctime ns).
fn files(ws: &Workspace) -> Vec<(String, u64, i64)> {
    let root = ws.root.join(CHAIN);
    let mut out: Vec<_> = walkdir::WalkDir::new(&root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            let rel = e.path().strip_prefix(&root).unwrap().to_string_lossy();
            (
                rel.into_owned(),
                m.ino(),
                m.ctime() * 1_000_000_000 + m.ctime_nsec(),
            )
        })
        .collect();
    out.sort();
    out
}

fn up_to_date(ws: &Workspace) -> String {
    format!("Up to date: {}/{CHAIN}\n", ws.root)
}

fn compiled(ws: &Workspace) -> String {
    format!("Compiled workflow to: {}/{CHAIN}\n", ws.root)
}

/// Let the clock move on, so a rewrite shows in the times.
fn tick() {
    std::thread::sleep(std::time::Duration::from_millis(20));
}

#[test]
fn an_untouched_package_is_answered_by_its_stamp() {
    let ws = workspace();
    assert_eq!(compile(&ws, &[]).1, compiled(&ws));
    let first = stamp_inode(&ws);
    let before = files(&ws);
    tick();
    let (code, stdout, stderr) = compile(&ws, &["--clobber"]);
    assert_eq!((code, stdout), (Some(0), up_to_date(&ws)), "{stderr}");
    assert_eq!(
        files(&ws),
        before,
        "nothing below the release directory was written"
    );
    assert_eq!(
        stamp_inode(&ws),
        first,
        "answered by the stamp (not saved again)"
    );

    // A batch says so in its line, with the package's file count.
    let out = compile_all(&ws);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let line = out.stdout.lines().next().unwrap_or_default().to_string();
    let count = before.len();
    assert!(
        line.starts_with(&format!(
            "  up to date chain/spec.yaml → wt-greeting-chain-workflow ({count} files) in "
        )),
        "{line}"
    );
    assert_eq!(stamp_inode(&ws), first);
}

#[test]
fn a_touched_file_is_compared_and_repaired() {
    let ws = workspace();
    compile(&ws, &[]);
    let readme = format!("{CHAIN}/README.md");
    let original = ws.read(&readme);
    let stamped = stamp_inode(&ws);

    // The same bytes written again: a miss, the compile compares and finds it up to date.
    tick();
    ws.write(&readme, &original);
    assert_eq!(compile(&ws, &["--clobber"]).1, up_to_date(&ws));
    assert_ne!(stamp_inode(&ws), stamped, "compared, then stamped again");

    // Edited, deleted, an extra file: each is repaired.
    ws.write(&readme, "edited\n");
    assert_eq!(compile(&ws, &["--clobber"]).1, compiled(&ws));
    assert_eq!(ws.read(&readme), original);
    std::fs::remove_file(ws.root.join(&readme)).unwrap();
    assert_eq!(compile(&ws, &["--clobber"]).1, compiled(&ws));
    assert_eq!(ws.read(&readme), original);
    ws.write(&format!("{CHAIN}/notes.txt"), "mine\n");
    assert_eq!(compile(&ws, &["--clobber"]).1, compiled(&ws));
    assert!(!ws.root.join(CHAIN).join("notes.txt").exists());
    assert_eq!(compile(&ws, &["--clobber"]).1, up_to_date(&ws));
}

#[test]
fn changed_inputs_compile_again() {
    let ws = workspace();
    compile(&ws, &[]);
    let stamped = stamp_inode(&ws);
    let readme = format!("{CHAIN}/README.md");
    let before = ws.read(&readme);

    // An option that changes the files (not the release name).
    let other_var = ["--clobber", "--results-env-var", "OTHER_RESULTS"];
    assert_eq!(compile(&ws, &other_var).1, compiled(&ws));
    assert_ne!(ws.read(&readme), before);
    assert_ne!(stamp_inode(&ws), stamped);
    assert_eq!(compile(&ws, &other_var).1, up_to_date(&ws));

    // Back to the default: compiled again, to the first package.
    assert_eq!(compile(&ws, &["--clobber"]).1, compiled(&ws));
    assert_eq!(ws.read(&readme), before);

    // The spec edited: a comment changes no file (the compile compares, finds the package
    // up to date and stamps it for the new text); a new value changes the files.
    let stamped = stamp_inode(&ws);
    let spec = ws.read("chain/spec.yaml");
    ws.write("chain/spec.yaml", format!("{spec}# a comment\n"));
    assert_eq!(compile(&ws, &["--clobber"]).1, up_to_date(&ws));
    assert_ne!(stamp_inode(&ws), stamped);
    let stamped = stamp_inode(&ws);
    assert_eq!(compile(&ws, &["--clobber"]).1, up_to_date(&ws));
    assert_eq!(stamp_inode(&ws), stamped);
    let edited = spec.replacen("label: Total", "label: Sum", 1);
    assert_ne!(edited, spec, "the example has the label");
    ws.write("chain/spec.yaml", edited);
    assert_eq!(compile(&ws, &["--clobber"]).1, compiled(&ws));
}

#[test]
fn force_rewrites_even_when_stamped() {
    let ws = workspace();
    compile(&ws, &[]);
    let before = files(&ws);
    tick();
    let (code, stdout, stderr) = compile(&ws, &["--clobber", "--force"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, compiled(&ws));
    let after = files(&ws);
    assert_eq!(after.len(), before.len());
    for (b, a) in before.iter().zip(&after) {
        assert_ne!(b.1, a.1, "{} not rewritten", b.0);
    }
}

#[test]
fn a_compile_with_warnings_keeps_no_stamp() {
    let ws = workspace();
    ws.write(
        "overrides.toml",
        "[feature.default.pypi-dependencies]\ngone = { path = \"/nonexistent/dir\" }\n",
    );
    let args = ["--env-overrides", "overrides.toml"];
    let (code, _, stderr) = compile(&ws, &args);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("warning[path-source-not-a-directory]"),
        "{stderr}"
    );
    assert_eq!(stamp(&ws), None);
    // Every run reports it again.
    let (_, stdout, stderr) = compile(&ws, &[&args[..], &["--clobber"]].concat());
    assert_eq!(stdout, up_to_date(&ws));
    assert!(
        stderr.contains("warning[path-source-not-a-directory]"),
        "{stderr}"
    );
    // Without the warning, a stamp; a warning again forgets it.
    compile(&ws, &["--clobber"]);
    assert!(stamp(&ws).is_some());
    compile(&ws, &[&args[..], &["--clobber"]].concat());
    assert_eq!(stamp(&ws), None);
}

#[test]
fn a_damaged_stamp_is_a_miss() {
    let ws = workspace();
    compile(&ws, &[]);
    std::fs::write(stamp(&ws).unwrap(), "{ not json").unwrap();
    let (code, stdout, stderr) = compile(&ws, &["--clobber"]);
    assert_eq!((code, stdout), (Some(0), up_to_date(&ws)), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let saved = std::fs::read_to_string(stamp(&ws).unwrap()).unwrap();
    assert!(saved.starts_with("{\"key\":"), "saved again: {saved}");
}

/// A batch writes each package while later specs still compile, yet reports every spec in
/// order: compiled, unreadable, up to date (stamped), failed, compiled.
#[test]
fn a_batch_reports_every_spec_in_order_while_it_writes() {
    let ws = Workspace::new();
    for dir in ["a", "c", "e"] {
        ws.copy_example("chain", dir);
    }
    ws.write("b/spec.yaml", b"x: \xff\n");
    ws.write("d/spec.yaml", "id: broken\nworkflow: 3\n");
    let registry = repo().join("examples/registry.json");
    let stamped = ws
        .wtc(["compile", "c/spec.yaml", "--registry", registry.as_str()])
        .output();
    assert_eq!(stamped.status.code(), Some(0), "{}", stamped.stderr);
    let out = compile_all(&ws);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    let heads: Vec<String> = out
        .stdout
        .lines()
        .map(|l| {
            let head = l.split(" →").next().unwrap_or(l);
            let head = head.split(':').next().unwrap_or(head);
            head.split(" in ").next().unwrap_or(head).to_string()
        })
        .collect();
    assert_eq!(
        heads,
        [
            "  compiled a/spec.yaml",
            "  failed   b/spec.yaml",
            "  up to date c/spec.yaml",
            "  failed   d/spec.yaml",
            "  compiled e/spec.yaml",
            "Compiled 5 specs (1 up to date, 2 failed)",
        ]
        .map(String::from),
        "{}",
        out.stdout
    );
    for dir in ["a", "c", "e"] {
        let init = ws
            .root
            .join(dir)
            .join("wt-greeting-chain-workflow/pyproject.toml");
        assert!(init.is_file(), "{dir}'s package was written");
    }
}
