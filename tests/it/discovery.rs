//! Real discovery, offline: tiny conda packages built here (rattler_package_streaming), a
//! `file://` channel with hand-written repodata (linux-64 + noarch), the real solve and
//! install, and a `bin/wt-registry` shell script that prints a registry document.

#![cfg(unix)]

use crate::support::channel::{Channel, Pkg, PkgFile, REGISTRY, World, obtain, registry_script};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use wtc::discovery::plan::inputs::{CondaSpec, DiscoveryInputs, PypiSpec};
use wtc::discovery::plan::key::discovery_key;
use wtc::discovery::progress::ProgressMode;
use wtc::discovery::{self, DiscoveryError, Origin};

/// The channel world plus broken variants: a package without `wt-registry`, one whose
/// `wt-registry` fails, one whose `wt-registry` prints before the document.
fn world() -> World {
    let mut world = World::new();
    let log = world.log.clone();
    world
        .channel
        .add(Pkg {
            name: "no-registry",
            version: "1.0",
            subdir: "linux-64",
            depends: &[],
            files: vec![PkgFile("share/no-registry.txt", "x\n".into(), false)],
        })
        .add(Pkg {
            name: "failing-registry",
            version: "1.0",
            subdir: "noarch",
            depends: &[],
            files: vec![registry_script(&log, "", "boom: task module exploded", 3)],
        })
        .add(Pkg {
            name: "noisy-registry",
            version: "1.0",
            subdir: "noarch",
            depends: &[],
            files: vec![registry_script(
                &log,
                &format!("importing stuff...\n{REGISTRY}"),
                "",
                0,
            )],
        });
    world.channel.publish();
    world
}

#[test]
fn fresh_discovery_then_cache_hits_refresh_and_local_channel_changes() {
    let mut world = world();
    let settings = world.settings_in("cache");
    let inputs = world.inputs(&[("demo-tasks", ">=1.0")]);

    // Fresh: solve (noarch + linux-64, virtual package), install, run wt-registry.
    let (r, warnings) = obtain(&inputs, None, &settings);
    let (d, origin) = r.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(origin, Origin::Fresh);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(d.registry.len(), 1);
    assert!(d.registry.lookup("add").unwrap().is_io);
    let solved: Vec<(String, String)> = d
        .solved
        .iter()
        .map(|s| (s.name.clone(), s.version.clone()))
        .collect();
    assert_eq!(
        solved,
        [
            ("demo-tasks".to_string(), "1.0".to_string()),
            ("helper-lib".to_string(), "1.2".to_string())
        ]
    );
    assert_eq!(d.solved[0].channel, world.channel.url());
    assert_eq!(world.registry_runs(), 1);
    // The environment is kept as the key's, complete (for `wtc run`); no temporary one.
    let kept = wtc::discovery::env::env_dir(
        &world.root.join("cache"),
        &wtc::discovery::plan::key::discovery_key(&inputs),
    );
    assert!(kept.join("conda-meta/wtc-env.json").is_file());
    assert!(kept.join("share/helper-lib/data.txt").is_file());
    assert!(!world.root.join("cache/tmp").exists());

    // Cache hit: no solve, no install, no registry run (the package archives and the
    // package cache are removed to be sure nothing could be installed).
    std::fs::remove_dir_all(world.root.join("cache/rattler")).unwrap();
    for subdir in ["noarch", "linux-64"] {
        for f in std::fs::read_dir(world.channel.dir.join(subdir)).unwrap() {
            let p = f.unwrap().path();
            if p.extension().is_some_and(|e| e == "bz2") {
                std::fs::remove_file(p).unwrap();
            }
        }
    }
    let (r, _) = obtain(&inputs, None, &settings);
    let (cached, origin) = r.unwrap();
    assert!(matches!(origin, Origin::Cache(_)), "{origin:?}");
    assert_eq!(cached, d);
    assert_eq!(world.registry_runs(), 1);

    // --refresh-discovery ignores the cache (and now fails: the archives are gone).
    let mut refresh = settings.clone();
    refresh.refresh = true;
    let (r, _) = obtain(&inputs, None, &refresh);
    let e = r.unwrap_err();
    assert!(
        matches!(
            e,
            DiscoveryError::EnvironmentCreation {
                phase: discovery::EnvPhase::Install,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("install phase"), "{e}");

    // A changed local channel (new package version) makes the cached entry outdated.
    world.channel.entries.clear();
    world.channel.add(Pkg {
        name: "demo-tasks",
        version: "1.1",
        subdir: "noarch",
        depends: &[],
        files: vec![registry_script(
            &world.log,
            &REGISTRY.replace("Add two ints.", "Add two ints, v1.1."),
            "",
            0,
        )],
    });
    world.channel.publish();
    let (r, _) = obtain(&inputs, None, &settings);
    let (d2, origin) = r.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(origin, Origin::Fresh);
    assert_eq!(d2.solved[0].version, "1.1");
    assert_eq!(
        d2.registry.lookup("add").unwrap().description.as_deref(),
        Some("Add two ints, v1.1.")
    );
}

#[test]
fn corrupt_cache_entries_are_reported_and_replaced() {
    let world = world();
    let settings = world.settings_in("cache");
    let inputs = world.inputs(&[("demo-tasks", "*")]);
    let key = discovery_key(&inputs);
    let entry = discovery::cache::entry_path(settings.cache_root.as_ref().unwrap(), &key);
    for garbage in [
        "{not json".to_string(),
        // Valid JSON, tampered payload: the checksum catches it.
        {
            let (r, _) = obtain(&inputs, None, &settings);
            r.unwrap();
            std::fs::read_to_string(&entry)
                .unwrap()
                .replace("Add two ints.", "Tampered.")
        },
    ] {
        std::fs::write(&entry, garbage).unwrap();
        let runs = world.registry_runs();
        let (r, warnings) = obtain(&inputs, None, &settings);
        let (d, origin) = r.unwrap();
        assert_eq!(origin, Origin::Fresh);
        assert_eq!(
            d.registry.lookup("add").unwrap().description.as_deref(),
            Some("Add two ints.")
        );
        assert_eq!(world.registry_runs(), runs + 1);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("corrupt discovery cache entry"),
            "{warnings:?}"
        );
        // Replaced by a valid entry.
        let (r, _) = obtain(&inputs, None, &settings);
        assert!(matches!(r.unwrap().1, Origin::Cache(_)));
    }
}

#[test]
fn unsatisfiable_specs_are_named() {
    let world = world();
    let settings = world.settings_in("cache");
    for (specs, needle) in [
        (vec![("does-not-exist", "*")], "does-not-exist"),
        (vec![("demo-tasks", ">=5")], "demo-tasks"),
    ] {
        let inputs = world.inputs(&specs);
        let (r, _) = obtain(&inputs, None, &settings);
        let e = r.unwrap_err();
        assert!(
            matches!(
                e,
                DiscoveryError::EnvironmentCreation {
                    phase: discovery::EnvPhase::Solve,
                    ..
                }
            ),
            "{e}"
        );
        let msg = e.to_string();
        assert!(
            msg.starts_with("environment creation failed during the solve phase"),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("    - {}::{needle}", world.channel.url())),
            "{msg}"
        );
        assert!(msg.contains("cause:") && msg.contains(needle), "{msg}");
        assert!(
            msg.contains(&format!("    - {}", world.channel.url())),
            "{msg}"
        );
    }
}

#[test]
fn registry_failures() {
    let world = world();
    let settings = world.settings_in("cache");

    let (r, _) = obtain(&world.inputs(&[("no-registry", "*")]), None, &settings);
    let msg = r.unwrap_err().to_string();
    assert!(
        msg.starts_with("wt-registry executable not found at '"),
        "{msg}"
    );
    assert!(msg.contains("/bin/wt-registry'"), "{msg}");
    assert!(msg.contains("::no-registry *"), "{msg}");
    assert!(msg.contains("depend on `wt-registry`"), "{msg}");

    let (r, _) = obtain(&world.inputs(&[("failing-registry", "*")]), None, &settings);
    let e = r.unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(e, DiscoveryError::RegistryExecution { code: Some(3), .. }),
        "{msg}"
    );
    assert!(
        msg.starts_with("wt-registry CLI failed with exit code 3"),
        "{msg}"
    );
    assert!(msg.contains("wt-registry --format json"), "{msg}");
    assert!(msg.contains("boom: task module exploded"), "{msg}");
    assert!(msg.contains("stdout: (empty)"), "{msg}");

    let (r, _) = obtain(&world.inputs(&[("noisy-registry", "*")]), None, &settings);
    let e = r.unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, DiscoveryError::InvalidRegistry { .. }), "{msg}");
    assert!(
        msg.starts_with("wt-registry printed an invalid registry document"),
        "{msg}"
    );
    assert!(msg.contains("importing stuff..."), "{msg}");
    assert!(msg.contains("prints when imported"), "{msg}");

    // Nothing failed was cached.
    let cached = std::fs::read_dir(world.root.join("cache/discovery"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(cached, 0);
}

#[test]
fn lock_file_read_write_stale_and_locked() {
    let world = world();
    let settings = world.settings_in("cache");
    let inputs = world.inputs(&[("demo-tasks", "*")]);
    let key = discovery_key(&inputs);
    let lock = world.root.join("spec-dir").join("wtc.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();

    // --locked without a lock file.
    let mut locked = settings.clone();
    locked.locked = true;
    let (r, _) = obtain(&inputs, Some(&lock), &locked);
    let msg = r.unwrap_err().to_string();
    assert!(
        msg.contains("no lock file") && msg.contains("wtc lock"),
        "{msg}"
    );

    // Write it from a discovery; read it back (no discovery: the registry does not run).
    let (r, _) = obtain(&inputs, None, &settings);
    let (d, _) = r.unwrap();
    assert!(discovery::lock::write(&lock, &key, &inputs, &d).unwrap());
    assert!(
        !discovery::lock::write(&lock, &key, &inputs, &d).unwrap(),
        "unchanged"
    );
    let text = std::fs::read_to_string(&lock).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["wtc-lock"], 1);
    assert_eq!(doc["key"], key.as_str());
    assert_eq!(doc["inputs"]["platform"], "linux-64");
    assert_eq!(
        doc["registry"],
        serde_json::from_str::<Value>(REGISTRY).unwrap()
    );
    let runs = world.registry_runs();
    for s in [&settings, &locked] {
        let (r, warnings) = obtain(&inputs, Some(&lock), s);
        let (from_lock, origin) = r.unwrap();
        assert_eq!(origin, Origin::Lock(lock.clone()));
        assert_eq!(from_lock, d);
        assert!(warnings.is_empty());
    }
    assert_eq!(world.registry_runs(), runs);

    // Stale: the inputs changed. --locked fails and says what changed; otherwise a
    // warning, then discovery.
    let changed = world.inputs(&[("demo-tasks", ">=1.0")]);
    let (r, _) = obtain(&changed, Some(&lock), &locked);
    let e = r.unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, DiscoveryError::LockStale { .. }), "{msg}");
    assert!(msg.contains("is stale"), "{msg}");
    assert!(
        msg.contains("- conda ") && msg.contains("::demo-tasks *"),
        "{msg}"
    );
    assert!(
        msg.contains("+ conda ") && msg.contains("::demo-tasks >=1.0"),
        "{msg}"
    );
    let (r, warnings) = obtain(&changed, Some(&lock), &settings);
    assert_eq!(r.unwrap().1, Origin::Fresh);
    assert!(warnings[0].contains("is stale"), "{warnings:?}");

    // A damaged lock file is a warning (an error with --locked).
    std::fs::write(&lock, "{").unwrap();
    let (r, _) = obtain(&inputs, Some(&lock), &locked);
    assert!(r.unwrap_err().to_string().contains("cannot use lock file"));
    let (r, warnings) = obtain(&inputs, Some(&lock), &settings);
    assert!(matches!(r.unwrap().1, Origin::Cache(_)));
    assert!(warnings[0].contains("ignoring lock file"), "{warnings:?}");
}

#[test]
fn existing_python_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let prefix = tmp.path().join("venv");
    let log = tmp.path().join("log");
    let PkgFile(rel, script, _) = registry_script(&log, REGISTRY, "", 0);
    std::fs::create_dir_all(prefix.join("bin")).unwrap();
    std::fs::write(prefix.join(rel), script).unwrap();
    std::fs::set_permissions(prefix.join(rel), std::fs::Permissions::from_mode(0o755)).unwrap();
    let d = discovery::from_python_env(&prefix, ProgressMode::Silent).unwrap();
    assert_eq!(d.registry.len(), 1);
    assert!(d.solved.is_empty());

    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let msg = discovery::from_python_env(&empty, ProgressMode::Silent)
        .unwrap_err()
        .to_string();
    assert!(msg.starts_with("wt-registry executable not found"), "{msg}");
    let msg = discovery::from_python_env(&tmp.path().join("nope"), ProgressMode::Silent)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("not a directory"), "{msg}");
}

/// `uv` for the PyPI test: `WTC_UV`, else the project venv's.
fn uv() -> Option<PathBuf> {
    std::env::var_os("WTC_UV")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| crate::support::venv_tool("uv").map(|p| p.into_std_path_buf()))
}

#[test]
fn pypi_step_with_real_uv_offline() {
    let (Some(uv), Some(python)) = (uv(), crate::support::venv_python()) else {
        eprintln!("skipped: no uv (set WTC_UV, or add uv to the project venv)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // The "environment": a venv with the environment's own `uv`, as a conda prefix has.
    let prefix = tmp.path().join("env");
    let status = std::process::Command::new(&python)
        .args(["-m", "venv", "--without-pip"])
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink(&uv, prefix.join("bin/uv")).unwrap();
    // A local wheel (built with the zipfile module; no build backend needed offline).
    let wheel = tmp.path().join("tinypkg-0.1.0-py3-none-any.whl");
    let script = r#"
import sys, zipfile, hashlib, base64
files = {
    "tinypkg/__init__.py": "VALUE = 42\n",
    "tinypkg-0.1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: tinypkg\nVersion: 0.1.0\n",
    "tinypkg-0.1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for name, text in files.items():
        data = text.encode()
        z.writestr(name, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append("tinypkg-0.1.0.dist-info/RECORD,,")
    z.writestr("tinypkg-0.1.0.dist-info/RECORD", "\n".join(record) + "\n")
"#;
    let status = std::process::Command::new(&python)
        .args(["-c", script])
        .arg(&wheel)
        .status()
        .unwrap();
    assert!(status.success());

    let wheel_arg = wheel.to_string_lossy().into_owned();
    let mut inputs = DiscoveryInputs {
        platform: "linux-64".into(),
        channels: vec![],
        conda: vec![],
        pypi: vec![PypiSpec {
            name: "tinypkg".into(),
            args: vec![wheel_arg.clone()],
            path: None,
        }],
    };
    let uv_cache = tmp.path().join("uv-cache").to_string_lossy().into_owned();
    let offline = ["--offline".to_string(), "--cache-dir".into(), uv_cache];
    wtc::discovery::pypi::install_pypi(&inputs, &prefix, &offline)
        .unwrap_or_else(|e| panic!("{e}"));
    let out = std::process::Command::new(prefix.join("bin/python"))
        .args(["-c", "import tinypkg; print(tinypkg.VALUE)"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "42");

    // A failing batch names every requirement and shows uv's output.
    inputs.pypi.push(PypiSpec {
        name: "missing".into(),
        args: vec![
            tmp.path()
                .join("missing.whl")
                .to_string_lossy()
                .into_owned(),
        ],
        path: None,
    });
    let e = wtc::discovery::pypi::install_pypi(&inputs, &prefix, &offline).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("pip install failed for PyPI requirements [tinypkg, missing] (exit code "),
        "{msg}"
    );
    assert!(msg.contains(&format!("    - {wheel_arg}")), "{msg}");
    assert!(msg.contains("missing.whl"), "{msg}");
}

#[test]
fn pypi_step_in_the_pipeline_runs_the_environments_uv() {
    let world = World::new();
    let mut channel = Channel::new(world.root.join("py-channel"));
    let uv_log = world.root.join("uv-argv.log");
    channel
        .add(Pkg {
            name: "python",
            version: "3.11.0",
            subdir: "linux-64",
            depends: &[],
            files: vec![PkgFile("bin/python", "#!/bin/sh\nexit 0\n".into(), true)],
        })
        .add(Pkg {
            name: "uv",
            version: "0.13.9",
            subdir: "linux-64",
            depends: &[],
            files: vec![PkgFile(
                "bin/uv",
                format!(
                    "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\ncase \"$*\" in *broken*) echo 'no such package' >&2; exit 2;; esac\n",
                    uv_log.display()
                ),
                true,
            )],
        })
        .add(Pkg {
            name: "demo-tasks",
            version: "1.0",
            subdir: "noarch",
            depends: &[],
            files: vec![registry_script(&world.log, REGISTRY, "", 0)],
        });
    channel.publish();
    let any = |name: &str| CondaSpec {
        name: name.into(),
        version: None,
        channel: None,
    };
    let mut inputs = DiscoveryInputs {
        platform: "linux-64".into(),
        channels: vec![channel.url()],
        conda: vec![
            any("python"),
            CondaSpec {
                name: "demo-tasks".into(),
                version: Some("*".into()),
                channel: Some(channel.url()),
            },
            any("uv"),
        ],
        pypi: vec![PypiSpec {
            name: "helper".into(),
            args: vec!["helper @ git+https://example.com/helper.git@v1".into()],
            path: None,
        }],
    };
    let settings = world.settings_in("cache");
    let d = discovery::discover_fresh(&inputs, &settings, "test").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.registry.len(), 1);
    let argv: Vec<String> = std::fs::read_to_string(&uv_log)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(argv[..3], ["pip", "install", "--python"]);
    let key = wtc::discovery::plan::key::discovery_key(&inputs);
    assert!(
        argv[3].ends_with(&format!("/envs/{key}/bin/python")),
        "{argv:?}"
    );
    assert_eq!(
        argv[4..],
        [
            "--reinstall-package",
            "helper",
            "helper @ git+https://example.com/helper.git@v1",
            "--offline"
        ]
    );

    inputs.pypi[0].args = vec!["broken".into()];
    let e = discovery::discover_fresh(&inputs, &settings, "test").unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("pip install failed for PyPI requirements [helper] (exit code 2)"),
        "{msg}"
    );
    assert!(
        msg.contains("    - broken") && msg.contains("no such package"),
        "{msg}"
    );
}
