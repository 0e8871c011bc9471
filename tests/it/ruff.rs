//! Generated Python is ruff-clean exactly as emitted: `ruff format --check` and
//! `ruff check --select E,F,I,UP,B006` (ruff 0.16.6 from the project's venv), for every
//! example and every compiling corpus spec (and the pydantic models of the synthetic
//! schema document `tests/data/pydantic_constructs.json`).

use crate::support::*;
use camino::Utf8Path;
use std::process::Command;
use wtc::artifacts::package_without_images;
use wtc::db::Database;

fn write_python_files(compiled: &wtc::artifacts::Compiled, root: &Utf8Path, name: &str) -> usize {
    let pkg = compiled.package.as_ref().expect("compiled");
    let mut n = 0;
    for (rel, text) in &pkg.files {
        if rel.ends_with(".py") {
            let path = root.join(name).join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text[..]).unwrap();
            n += 1;
        }
    }
    n
}

fn run_ruff(ruff: &Utf8Path, root: &Utf8Path, args: &[&str]) {
    let out = Command::new(ruff)
        .args(args)
        .args([
            "--isolated",
            "--line-length",
            "88",
            "--target-version",
            "py310",
            "--no-cache",
            ".",
        ])
        .current_dir(root)
        .output()
        .expect("ruff runs");
    assert!(
        out.status.success(),
        "ruff {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn generated_python_is_ruff_clean() {
    let Some(ruff) = ruff() else {
        eprintln!("skipped: ruff not found (run scripts/setup-venv.sh or set WTC_RUFF)");
        return;
    };
    let ws = Workspace::new();
    let root = &ws.root;
    let db = Database::default();
    let mut files = 0;
    for &example in EXAMPLES {
        let (_, compiled) = compile_example(&db, example);
        files += write_python_files(&compiled, root, example);
    }
    // The models generated for the synthetic document of tests/it/pydantic_models.rs.
    let constructs =
        std::fs::read_to_string(repo().join("tests/data/pydantic_constructs.json")).unwrap();
    let constructs: serde_json::Value = serde_json::from_str(&constructs).unwrap();
    std::fs::create_dir_all(root.join("constructs")).unwrap();
    for (name, text) in [
        ("params.py", wtc::pydantic_gen::params_module(&constructs)),
        (
            "formdata.py",
            wtc::pydantic_gen::formdata_module(&constructs),
        ),
    ] {
        std::fs::write(root.join("constructs").join(name), text).unwrap();
        files += 1;
    }
    if let Some(corpus) = corpus_dir() {
        for entry in std::fs::read_dir(&corpus).unwrap().flatten() {
            let dir = camino::Utf8PathBuf::from_path_buf(entry.path()).unwrap();
            let spec = dir.join("spec.yaml");
            if !spec.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&spec).unwrap();
            let registry = std::fs::read_to_string(dir.join("fixture/registry.json")).unwrap();
            let args = CompileArgs::parse(
                &std::fs::read_to_string(dir.join("compile-args")).unwrap_or_default(),
            );
            let compiled =
                package_without_images(&db, workflow(&db, &spec, &text, &registry, vec![], &args))
                    .clone();
            if compiled.package.is_some() {
                files += write_python_files(&compiled, root, dir.file_name().unwrap());
            }
        }
    } else {
        eprintln!("note: WTC_CORPUS not set; checking the examples only");
    }
    eprintln!("checking {files} generated Python files with {ruff}");
    run_ruff(&ruff, root, &["format", "--check"]);
    run_ruff(&ruff, root, &["check", "--select", "E,F,I,UP,B006"]);
}
