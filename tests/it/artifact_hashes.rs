//! `artifacts_sha256_basic` / `_strict` are what coreutils compute over the files `wtc
//! compile` writes: `sha256sum <covered files, sorted> | sha256sum`, the basic hash without
//! `Dockerfile` and `pixi.toml`. The covered files are listed here apart from the
//! compiler's own list, so a file dropped from (or renamed in) either fails. The command
//! the project README gives for checking a package is run too.

use crate::support::*;
use std::process::Command;

/// The files the strict hash covers, `{pkg}` standing for the package directory.
const STRICT: &[&str] = &[
    ".dockerignore",
    "Dockerfile",
    "hatch_build.py",
    "pixi.toml",
    "pyproject.toml",
    "tests/conftest.py",
    "tests/test_metadata.py",
    "tests/test_results.py",
    "{pkg}/__init__.py",
    "{pkg}/cli.py",
    "{pkg}/dags/__init__.py",
    "{pkg}/dags/run_sequential.py",
    "{pkg}/dags/run_sequential_mock_io.py",
    "{pkg}/dispatch.py",
    "{pkg}/metadata.py",
    "{pkg}/params.json",
    "{pkg}/response.py",
    "{pkg}/rjsf.json",
];

/// `LC_ALL=C sha256sum FILES | sha256sum` in `dir`, the files in byte order.
fn sha256sum_of_sums(dir: &camino::Utf8Path, files: &[String]) -> String {
    let mut files = files.to_vec();
    files.sort();
    let out = Command::new("sh")
        .args(["-c", "LC_ALL=C sha256sum -- \"$@\" | sha256sum", "sh"])
        .args(&files)
        .current_dir(dir)
        .output()
        .expect("sh and coreutils' sha256sum");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// The value of `key` in the README's fingerprint block.
fn fingerprint_value(readme: &str, key: &str) -> String {
    readme
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("no {key} in\n{readme}"))
        .to_string()
}

/// The project README's command that checks `artifacts_sha256_strict`, for `release`.
fn readme_command(release: &camino::Utf8Path, pkg: &str) -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme
        .find("cd my-release-dir;")
        .expect("the README's command");
    let end = start + readme[start..].find("```").unwrap();
    readme[start..end]
        .replace("my-release-dir", release.as_str())
        .replace("my_release_dir", pkg)
}

#[test]
fn artifact_hashes_are_sha256sum_of_the_written_files() {
    let registry = repo().join("examples/registry.json");
    for &example in EXAMPLES {
        let ws = Workspace::with_examples(&[(example, "w")]);
        ws.wtc(["compile", "spec.yaml", "--registry", registry.as_str()])
            .current_dir(ws.root.join("w"))
            .output()
            .ok();
        let release = std::fs::read_dir(ws.root.join("w"))
            .unwrap()
            .flatten()
            .map(|e| camino::Utf8PathBuf::from_path_buf(e.path()).unwrap())
            .find(|p| p.join("README.md").is_file())
            .expect("a release directory");
        let pkg = release.file_name().unwrap().replace('-', "_");
        let strict: Vec<String> = STRICT.iter().map(|f| f.replace("{pkg}", &pkg)).collect();
        let basic: Vec<String> = strict
            .iter()
            .filter(|f| *f != "Dockerfile" && *f != "pixi.toml")
            .cloned()
            .collect();
        let readme = std::fs::read_to_string(release.join("README.md")).unwrap();
        assert_eq!(
            fingerprint_value(&readme, "artifacts_sha256_strict"),
            sha256sum_of_sums(&release, &strict),
            "{example}: strict"
        );
        let out = Command::new("sh")
            .args(["-c", &readme_command(&release, &pkg)])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        assert_eq!(
            fingerprint_value(&readme, "artifacts_sha256_strict"),
            String::from_utf8(out.stdout).unwrap()[..64],
            "{example}: the README's command"
        );
        assert_eq!(
            fingerprint_value(&readme, "artifacts_sha256_basic"),
            sha256sum_of_sums(&release, &basic),
            "{example}: basic"
        );
    }
}
