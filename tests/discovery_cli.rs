//! The discovery side of the `wtc` binary, offline: `wtc lock`, `--locked`, the lock file
//! and the cache answering instead of a solve, `--python-env`.

#![cfg(unix)]

mod common;

use camino::{Utf8Path, Utf8PathBuf};
use common::repo;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};
use std::sync::Arc;
use wtc::db::{Database, Host};
use wtc::discovery::plan::inputs::local_channel_candidates;
use wtc::discovery::plan::{discovery_inputs, discovery_key};
use wtc::front::spec_requirements;

fn wtc(args: &[&str], cwd: &Utf8Path, cache: &Utf8Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wtc"))
        .args(args)
        .current_dir(cwd)
        .env("WTC_CACHE_DIR", cache)
        .env_remove("WT_CONDA_CHANNEL")
        .output()
        .expect("wtc runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A temp dir with `chain/spec.yaml`, `registry.json` and an empty cache dir.
fn workspace() -> (tempfile::TempDir, Utf8PathBuf, Utf8PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
    std::fs::create_dir_all(root.join("chain")).unwrap();
    std::fs::copy(
        repo().join("examples/chain/spec.yaml"),
        root.join("chain/spec.yaml"),
    )
    .unwrap();
    std::fs::copy(
        repo().join("examples/registry.json"),
        root.join("registry.json"),
    )
    .unwrap();
    let cache = root.join("cache");
    (tmp, root, cache)
}

#[test]
fn lock_then_compile_locked_offline_and_stale_lock() {
    let (_tmp, root, cache) = workspace();
    let out = wtc(
        &[
            "lock",
            "--spec",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
        ],
        &root,
        &cache,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lock = root.join("chain/wtc.lock");
    assert!(
        text(&out.stdout).starts_with(&format!("wrote {lock} (")),
        "{}",
        text(&out.stdout)
    );
    let out = wtc(
        &[
            "lock",
            "--spec",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
        ],
        &root,
        &cache,
    );
    assert!(
        text(&out.stdout).starts_with("up to date:"),
        "{}",
        text(&out.stdout)
    );

    // The lock answers: no network, no cache.
    for args in [
        &["compile", "--spec", "chain/spec.yaml", "--locked"][..],
        &["compile", "--spec", "chain/spec.yaml", "--clobber"][..],
        &["check", "chain/spec.yaml", "--locked"][..],
    ] {
        let out = wtc(args, &root, &cache);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("task registry from lock file"),
            "{}",
            text(&out.stderr)
        );
    }
    assert!(root.join("chain/wt-greeting-chain-workflow").is_dir());
    assert!(!cache.join("discovery").exists());

    // A requirements edit makes the lock stale: --locked fails and says what changed.
    let spec = root.join("chain/spec.yaml");
    let edited = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("version: \">=0.1\"", "version: \">=0.2\"");
    std::fs::write(&spec, edited).unwrap();
    let out = wtc(&["check", "chain/spec.yaml", "--locked"], &root, &cache);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("chain/wtc.lock is stale"), "{err}");
    assert!(
        err.contains("- conda https://repo.prefix.dev/wtc-examples/::wtc-example-tasks >=0.1"),
        "{err}"
    );
    assert!(
        err.contains("+ conda https://repo.prefix.dev/wtc-examples/::wtc-example-tasks >=0.2"),
        "{err}"
    );
    assert!(err.contains("wtc lock"), "{err}");

    // A workflow-only edit does not: the key covers only the discovery inputs.
    let (_tmp2, root2, cache2) = workspace();
    let out = wtc(
        &["lock", "chain/spec.yaml", "--registry", "registry.json"],
        &root2,
        &cache2,
    );
    assert_eq!(out.status.code(), Some(0));
    let spec = root2.join("chain/spec.yaml");
    let edited = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("name: Doubled", "name: Twice");
    std::fs::write(&spec, edited).unwrap();
    let out = wtc(&["check", "chain/spec.yaml", "--locked"], &root2, &cache2);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // --locked without a lock file.
    std::fs::remove_file(root2.join("chain/wtc.lock")).unwrap();
    let out = wtc(&["check", "chain/spec.yaml", "--locked"], &root2, &cache2);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no lock file"),
        "{}",
        text(&out.stderr)
    );
    // Usage errors.
    let out = wtc(
        &[
            "check",
            "chain/spec.yaml",
            "--locked",
            "--registry",
            "registry.json",
        ],
        &root2,
        &cache2,
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_cache_answers_without_a_solve() {
    let (_tmp, root, cache) = workspace();
    let spec = root.join("chain/spec.yaml");
    // Seed the cache entry for this spec's key, computed as the CLI computes it.
    let db = Database::default();
    let text_ = std::fs::read_to_string(&spec).unwrap();
    let (wf, _) = common::compile(
        &db,
        &spec,
        &text_,
        r#"{"entries":{}}"#,
        vec![],
        &common::CompileArgs::default(),
    );
    let present = wtc::discovery::existing_local_channels(local_channel_candidates(
        spec_requirements(&db, wf),
        "",
    ));
    let mut db = db;
    let host = Host::new(
        &db,
        wtc::discovery::plan::inputs::host_platform().into(),
        Arc::new(present),
    );
    use salsa::Setter;
    wf.set_host(&mut db).to(host);
    let key = discovery_key(&db, wf).clone();
    let inputs = discovery_inputs(&db, wf).clone();
    let d = wtc::discovery::from_files(root.join("registry.json").as_std_path(), None).unwrap();
    wtc::discovery::cache::store(cache.as_std_path(), &key, &inputs, &d).unwrap();

    let out = wtc(&["compile", "chain/spec.yaml"], &root, &cache);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("task registry from the discovery cache"),
        "{}",
        text(&out.stderr)
    );
    // `--cache-dir` wins over WTC_CACHE_DIR.
    let out = wtc(
        &["check", "chain/spec.yaml", "--cache-dir", cache.as_str()],
        &root,
        &root.join("elsewhere"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // `wtc lock` without --registry takes the cached discovery.
    let out = wtc(&["lock", "chain/spec.yaml"], &root, &cache);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(root.join("chain/wtc.lock").is_file());
}

#[test]
fn existing_environment_mode() {
    let (_tmp, root, cache) = workspace();
    let prefix = root.join("env");
    std::fs::create_dir_all(prefix.join("bin")).unwrap();
    let exe = prefix.join("bin/wt-registry");
    std::fs::write(
        &exe,
        format!("#!/bin/sh\ncat '{}'\n", root.join("registry.json")),
    )
    .unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = wtc(
        &["compile", "chain/spec.yaml", "--python-env", "env"],
        &root,
        &cache,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(root.join("chain/wt-greeting-chain-workflow").is_dir());

    std::fs::write(&exe, "#!/bin/sh\necho 'Traceback: boom' >&2\nexit 1\n").unwrap();
    let out = wtc(
        &["check", "chain/spec.yaml", "--python-env", "env"],
        &root,
        &cache,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("error: wt-registry CLI failed with exit code 1"),
        "{err}"
    );
    assert!(err.contains("Traceback: boom"), "{err}");

    let out = wtc(
        &["check", "chain/spec.yaml", "--python-env", "nope"],
        &root,
        &cache,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not a directory"));
}

#[test]
fn spec_errors_are_reported_before_any_discovery() {
    let (_tmp, root, cache) = workspace();
    std::fs::write(root.join("chain/spec.yaml"), "id: x\nworkflow: [\n").unwrap();
    // No --registry and no lock: discovery would need the network, but the syntax error
    // is reported first and discovery is skipped.
    let out = wtc(&["check", "chain/spec.yaml"], &root, &cache);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("error[yaml-syntax]"), "{err}");
    assert!(!err.contains("Solving"), "{err}");
}
