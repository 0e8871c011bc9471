//! `pixi.toml` against wt-compiler 0.10.3: every compiling corpus spec (`WTC_CORPUS`) and
//! the golden vectors v1/v2 (`WTC_GOLDEN`). Equal as parsed TOML with the same key order is
//! required; byte-identity is reported and required too (we emulate tomli-w's layout).

use crate::support::*;
use camino::{Utf8Path, Utf8PathBuf};
use wtc::cli::overrides::load_env_overrides;
use wtc::db::Database;

/// Compare our pixi.toml with the reference's: `Err` when they differ as data or key order;
/// `Ok(true)` when byte-identical.
fn compare(got: &str, want: &str) -> Result<bool, String> {
    if parse_toml(got) != parse_toml(want) {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        return Err(format!(
            "differs as TOML; first differing line {}:\n  got:  {:?}\n  want: {:?}",
            line + 1,
            got.lines().nth(line),
            want.lines().nth(line)
        ));
    }
    Ok(got == want)
}

#[test]
fn corpus_pixi_toml_matches_the_reference() {
    let Some(corpus) = corpus_dir() else {
        eprintln!(
            "skipped: set WTC_CORPUS to the corpus directory (../shared/corpus) to compare pixi.toml with the reference"
        );
        return;
    };
    let mut dirs: Vec<Utf8PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| Utf8PathBuf::from_path_buf(e.ok()?.path()).ok())
        .filter(|d| d.join("expected-0.10.3/pixi.toml").is_file())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 36,
        "expected 36 compiling corpus specs, found {}",
        dirs.len()
    );
    let db = Database::default();
    let (mut equal, mut identical, mut failures) = (0, 0, Vec::new());
    for dir in &dirs {
        let name = dir.file_name().unwrap();
        let spec = dir.join("spec.yaml");
        let text = std::fs::read_to_string(&spec).unwrap();
        let (registry, solved, args) = corpus_inputs(dir);
        let (_, compiled) = compile(&db, &spec, &text, &registry, solved, &args);
        if compiled.package.is_none() {
            failures.push(format!(
                "{name}: did not compile:\n{}",
                rendered_diagnostics(&compiled, "spec.yaml", &text)
            ));
            continue;
        }
        let want = std::fs::read_to_string(dir.join("expected-0.10.3/pixi.toml")).unwrap();
        match compare(file(&compiled, "pixi.toml"), &want) {
            Ok(same_bytes) => {
                equal += 1;
                if same_bytes {
                    identical += 1;
                } else {
                    failures.push(format!("{name}: equal as TOML but not byte-identical"));
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    eprintln!(
        "pixi.toml: {equal}/{} equal as parsed TOML (same key order), {identical}/{} byte-identical",
        dirs.len(),
        dirs.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn golden_vectors_pixi_toml() {
    let Some(golden) = golden_dir() else {
        eprintln!(
            "skipped: set WTC_GOLDEN to ../shared/reference/golden to compare pixi.toml with the golden vectors"
        );
        return;
    };
    for vector in ["v1", "v2"] {
        // Replay in a temporary copy of `input/`, which stands for `@VECTOR_DIR@`.
        let ws = Workspace::new();
        let root = &ws.root;
        ws.copy_dir(&golden.join(vector).join("input"), "");
        std::fs::create_dir_all(root.join("local-wt-task")).unwrap();
        let mut db = Database::default();
        let mut args = golden_args(vector);
        if vector == "v2" {
            args.env_overrides = Some(
                load_env_overrides(
                    &mut db,
                    Utf8Path::new("overrides/wt-compiler-env-overrides.toml"),
                    root,
                    &Default::default(),
                )
                .unwrap(),
            );
        }
        let spec = root.join("spec.yaml");
        let text = std::fs::read_to_string(&spec).unwrap();
        let registry = std::fs::read_to_string(root.join("registry.json")).unwrap();
        let (_, compiled) = compile(&db, &spec, &text, &registry, vec![], &args);
        assert!(
            compiled.package.is_some(),
            "{vector} failed:\n{}",
            rendered_diagnostics(&compiled, "spec.yaml", &text)
        );
        let got = file(&compiled, "pixi.toml").replace(root.as_str(), "@VECTOR_DIR@");
        let want = std::fs::read_to_string(golden.join(vector).join("expected/pixi.toml")).unwrap();
        assert_eq!(compare(&got, &want), Ok(true), "{vector}");
        assert_eq!(got, want, "{vector} byte for byte");
    }
}
