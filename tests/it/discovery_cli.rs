//! The discovery side of the `wtc` binary, offline: `wtc lock`, `--locked`, the lock file
//! and the cache answering instead of a solve, `--python-env`.

#![cfg(unix)]

use crate::support::{CompileArgs, Workspace, compile};
use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;
use wtc::db::{Database, Host};
use wtc::discovery::plan::inputs::local_channel_candidates;
use wtc::discovery::plan::{discovery_inputs, discovery_key};
use wtc::front::spec_requirements;

#[test]
fn lock_then_compile_locked_offline_and_stale_lock() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let (root, cache) = (&ws.root, ws.cache());
    let out = ws
        .wtc([
            "lock",
            "--spec",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
        ])
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let lock = root.join("chain/wtc.lock");
    assert!(
        out.stdout.starts_with(&format!("wrote {lock} (")),
        "{}",
        out.stdout
    );
    let out = ws
        .wtc([
            "lock",
            "--spec",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
        ])
        .output();
    assert!(out.stdout.starts_with("up to date:"), "{}", out.stdout);

    // The lock answers: no network, no cache.
    for args in [
        &["compile", "--spec", "chain/spec.yaml", "--locked"][..],
        &["compile", "--spec", "chain/spec.yaml", "--clobber"][..],
        &["check", "chain/spec.yaml", "--locked"][..],
    ] {
        let out = ws.wtc(args).output();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("task registry from lock file"),
            "{}",
            out.stderr
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
    let out = ws.wtc(["check", "chain/spec.yaml", "--locked"]).output();
    assert_eq!(out.status.code(), Some(1));
    let err = &out.stderr;
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
    let ws2 = Workspace::with_examples(&[("chain", "chain")]);
    let root2 = &ws2.root;
    let out = ws2
        .wtc(["lock", "chain/spec.yaml", "--registry", "registry.json"])
        .output();
    assert_eq!(out.status.code(), Some(0));
    let spec = root2.join("chain/spec.yaml");
    let edited = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("name: Doubled", "name: Twice");
    std::fs::write(&spec, edited).unwrap();
    let out = ws2.wtc(["check", "chain/spec.yaml", "--locked"]).output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);

    // --locked without a lock file.
    std::fs::remove_file(root2.join("chain/wtc.lock")).unwrap();
    let out = ws2.wtc(["check", "chain/spec.yaml", "--locked"]).output();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("no lock file"), "{}", out.stderr);
    // Usage errors.
    let out = ws2
        .wtc([
            "check",
            "chain/spec.yaml",
            "--locked",
            "--registry",
            "registry.json",
        ])
        .output();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_cache_answers_without_a_solve() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let (root, cache) = (&ws.root, ws.cache());
    let spec = root.join("chain/spec.yaml");
    // Seed the cache entry for this spec's key, computed as the CLI computes it.
    let db = Database::default();
    let text_ = std::fs::read_to_string(&spec).unwrap();
    let (wf, _) = compile(
        &db,
        &spec,
        &text_,
        r#"{"entries":{}}"#,
        vec![],
        &CompileArgs::default(),
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

    let out = ws.wtc(["compile", "chain/spec.yaml"]).output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("task registry from the discovery cache"),
        "{}",
        out.stderr
    );
    // `--cache-dir` wins over WTC_CACHE_DIR.
    let out = ws
        .wtc(["check", "chain/spec.yaml", "--cache-dir", cache.as_str()])
        .env("WTC_CACHE_DIR", root.join("elsewhere"))
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);

    // `wtc lock` without --registry takes the cached discovery.
    let out = ws.wtc(["lock", "chain/spec.yaml"]).output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert!(root.join("chain/wtc.lock").is_file());
}

#[test]
fn existing_environment_mode() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let prefix = root.join("env");
    std::fs::create_dir_all(prefix.join("bin")).unwrap();
    let exe = prefix.join("bin/wt-registry");
    std::fs::write(
        &exe,
        format!("#!/bin/sh\ncat '{}'\n", root.join("registry.json")),
    )
    .unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = ws
        .wtc(["compile", "chain/spec.yaml", "--python-env", "env"])
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert!(root.join("chain/wt-greeting-chain-workflow").is_dir());

    std::fs::write(&exe, "#!/bin/sh\necho 'Traceback: boom' >&2\nexit 1\n").unwrap();
    let out = ws
        .wtc(["check", "chain/spec.yaml", "--python-env", "env"])
        .output();
    assert_eq!(out.status.code(), Some(1));
    let err = &out.stderr;
    assert!(
        err.contains("error: wt-registry CLI failed with exit code 1"),
        "{err}"
    );
    assert!(err.contains("Traceback: boom"), "{err}");

    let out = ws
        .wtc(["check", "chain/spec.yaml", "--python-env", "nope"])
        .output();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("not a directory"));
}

#[test]
fn spec_errors_are_reported_before_any_discovery() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    std::fs::write(root.join("chain/spec.yaml"), "id: x\nworkflow: [\n").unwrap();
    // No --registry and no lock: discovery would need the network, but the syntax error
    // is reported first and discovery is skipped.
    let out = ws.wtc(["check", "chain/spec.yaml"]).output();
    assert_eq!(out.status.code(), Some(1));
    let err = &out.stderr;
    assert!(err.contains("error[yaml-syntax]"), "{err}");
    assert!(!err.contains("Solving"), "{err}");
}
