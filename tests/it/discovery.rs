//! Real discovery, offline: tiny conda packages built here (rattler_package_streaming), a
//! `file://` channel with hand-written repodata (linux-64 + noarch), the real solve and
//! install, and a `bin/wt-registry` shell script that prints a registry document.

#![cfg(unix)]

use rattler_conda_types::compression_level::CompressionLevel;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use wtc::discovery::plan::inputs::{CondaSpec, DiscoveryInputs, PypiSpec};
use wtc::discovery::plan::key::discovery_key;
use wtc::discovery::progress::ProgressMode;
use wtc::discovery::{self, DiscoveryError, Origin, Request, Settings};

const REGISTRY: &str = r#"{"entries":{"demo._impl.add":{"metadata":{"title":"Add","description":"Add two ints.","tags":["io"],"deprecated":false,"deprecation_message":null},"module_path":"demo._impl","public_module_path":"demo","function_name":"add","import_statement":"from demo import add as add","json_schema":{"additionalProperties":false,"properties":{"a":{"title":"A","type":"integer"}},"required":["a"],"type":"object"}}},"version":"1.0.0"}"#;

/// A file inside a package: relative path, content, executable?
struct PkgFile<'a>(&'a str, String, bool);

struct Pkg<'a> {
    name: &'a str,
    version: &'a str,
    subdir: &'a str,
    depends: &'a [&'a str],
    files: Vec<PkgFile<'a>>,
}

/// A channel directory with `linux-64` and `noarch` repodata.
struct Channel {
    dir: PathBuf,
    entries: Vec<(String, String, Value)>,
}

impl Channel {
    fn new(dir: PathBuf) -> Self {
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            dir,
            entries: Vec::new(),
        }
    }

    fn url(&self) -> String {
        url::Url::from_directory_path(&self.dir)
            .unwrap()
            .to_string()
    }

    /// Build `<name>-<version>-0.tar.bz2` into the channel and record its repodata entry.
    fn add(&mut self, pkg: Pkg<'_>) -> &mut Self {
        let staging = tempfile::tempdir().unwrap();
        let root = staging.path();
        let mut paths = Vec::new();
        let mut path_entries = Vec::new();
        for PkgFile(rel, content, exec) in &pkg.files {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, content).unwrap();
            if *exec {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
            paths.push(root.join(rel));
            path_entries.push(json!({
                "_path": rel,
                "path_type": "hardlink",
                "sha256": hex(&Sha256::digest(content.as_bytes())),
                "size_in_bytes": content.len(),
            }));
        }
        let noarch = pkg.subdir == "noarch";
        let mut index = json!({
            "name": pkg.name,
            "version": pkg.version,
            "build": "0",
            "build_number": 0,
            "depends": pkg.depends,
            "subdir": pkg.subdir,
        });
        if noarch {
            index["noarch"] = json!("generic");
        }
        for (rel, value) in [
            ("info/index.json", index.clone()),
            (
                "info/paths.json",
                json!({"paths": path_entries, "paths_version": 1}),
            ),
        ] {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, value.to_string()).unwrap();
            paths.push(root.join(rel));
        }
        let file_name = format!("{}-{}-0.tar.bz2", pkg.name, pkg.version);
        let subdir_dir = self.dir.join(pkg.subdir);
        std::fs::create_dir_all(&subdir_dir).unwrap();
        let archive = subdir_dir.join(&file_name);
        let out = std::fs::File::create(&archive).unwrap();
        rattler_package_streaming::write::write_tar_bz2_package(
            out,
            root,
            &paths,
            CompressionLevel::Lowest,
            None,
            None,
        )
        .unwrap();
        let bytes = std::fs::read(&archive).unwrap();
        let mut entry = index;
        entry["sha256"] = json!(hex(&Sha256::digest(&bytes)));
        entry["size"] = json!(bytes.len());
        self.entries
            .push((pkg.subdir.to_string(), file_name, entry));
        self
    }

    /// Write `repodata.json` for linux-64 and noarch.
    fn publish(&self) {
        for subdir in ["linux-64", "noarch"] {
            let packages: serde_json::Map<String, Value> = self
                .entries
                .iter()
                .filter(|(s, _, _)| s == subdir)
                .map(|(_, f, e)| (f.clone(), e.clone()))
                .collect();
            let doc = json!({
                "info": {"subdir": subdir},
                "packages": packages,
                "packages.conda": {},
                "repodata_version": 1,
            });
            std::fs::create_dir_all(self.dir.join(subdir)).unwrap();
            std::fs::write(self.dir.join(subdir).join("repodata.json"), doc.to_string()).unwrap();
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A `bin/wt-registry` that logs each run to `log` and prints `stdout` (exit `code`).
fn registry_script(log: &Path, stdout: &str, stderr: &str, code: i32) -> PkgFile<'static> {
    PkgFile(
        "bin/wt-registry",
        format!(
            "#!/bin/sh\necho run >> '{}'\n[ \"$1 $2\" = '--format json' ] || {{ echo bad args >&2; exit 9; }}\ncat <<'WTC_EOF'\n{stdout}\nWTC_EOF\nprintf '%s' '{stderr}' >&2\nexit {code}\n",
            log.display()
        ),
        true,
    )
}

/// The test world: a channel with a task package (noarch, with wt-registry) depending on a
/// linux-64 library (which needs the `__unix` virtual package), plus broken variants.
struct World {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    channel: Channel,
    log: PathBuf,
}

impl World {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let log = root.join("registry-runs.log");
        let mut channel = Channel::new(root.join("channel"));
        channel
            .add(Pkg {
                name: "demo-tasks",
                version: "1.0",
                subdir: "noarch",
                depends: &["helper-lib >=1.2"],
                files: vec![registry_script(&log, REGISTRY, "", 0)],
            })
            .add(Pkg {
                name: "helper-lib",
                version: "1.2",
                subdir: "linux-64",
                depends: &["__unix"],
                files: vec![PkgFile("share/helper-lib/data.txt", "data\n".into(), false)],
            })
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
        channel.publish();
        Self {
            _tmp: tmp,
            root,
            channel,
            log,
        }
    }

    fn inputs(&self, specs: &[(&str, &str)]) -> DiscoveryInputs {
        DiscoveryInputs {
            platform: "linux-64".into(),
            channels: vec![self.channel.url()],
            conda: specs
                .iter()
                .map(|(name, version)| CondaSpec {
                    name: name.to_string(),
                    version: Some(version.to_string()),
                    channel: Some(self.channel.url()),
                })
                .collect(),
            pypi: vec![],
        }
    }

    fn settings(&self) -> Settings {
        let mut s = Settings::new(Some(self.root.join("cache")), ProgressMode::Silent);
        s.uv_extra_args = vec!["--offline".into()];
        s
    }

    fn registry_runs(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .map(|t| t.lines().count())
            .unwrap_or(0)
    }
}

fn obtain(
    inputs: &DiscoveryInputs,
    lock: Option<&Path>,
    settings: &Settings,
) -> (
    Result<(discovery::Discovered, Origin), DiscoveryError>,
    Vec<String>,
) {
    let key = discovery_key(inputs);
    let mut warnings = Vec::new();
    let req = Request {
        inputs,
        key: &key,
        lock,
        label: "test",
    };
    let r = discovery::obtain(&req, settings, &mut |w| warnings.push(w));
    (r, warnings)
}

#[test]
fn fresh_discovery_then_cache_hits_refresh_and_local_channel_changes() {
    let mut world = World::new();
    let settings = world.settings();
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
    // The temporary environment is gone.
    let tmp_envs = std::fs::read_dir(world.root.join("cache/tmp"))
        .unwrap()
        .count();
    assert_eq!(tmp_envs, 0);

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
    let world = World::new();
    let settings = world.settings();
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
    let world = World::new();
    let settings = world.settings();
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
    let world = World::new();
    let settings = world.settings();

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
    let world = World::new();
    let settings = world.settings();
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

/// `uv` for the PyPI test: `WTC_UV`, else next to `WTC_PYTHON`, else the project venv.
fn uv() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("WTC_UV").map(PathBuf::from),
        std::env::var_os("WTC_PYTHON").map(|p| PathBuf::from(p).with_file_name("uv")),
        Some(
            crate::support::repo()
                .join(".venv/bin/uv")
                .into_std_path_buf(),
        ),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
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
    let settings = world.settings();
    let d = discovery::discover_fresh(&inputs, &settings, "test").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.registry.len(), 1);
    let argv: Vec<String> = std::fs::read_to_string(&uv_log)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(argv[..3], ["pip", "install", "--python"]);
    assert!(argv[3].ends_with("/env/bin/python"), "{argv:?}");
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
