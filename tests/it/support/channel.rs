//! Real discovery, offline: tiny conda packages built in the test (rattler_package_streaming)
//! into a `file://` channel with hand-written repodata (linux-64 + noarch), and a
//! `bin/wt-registry` shell script that logs its runs and prints a registry document.

use rattler_conda_types::compression_level::CompressionLevel;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use wtc::discovery::plan::inputs::{CondaSpec, DiscoveryInputs};
use wtc::discovery::plan::key::discovery_key;
use wtc::discovery::progress::ProgressMode;
use wtc::discovery::{self, DiscoveryError, Origin, Request, Settings};

/// The registry document `demo-tasks`' `wt-registry` prints: one IO task, `add`.
pub const REGISTRY: &str = r#"{"entries":{"demo._impl.add":{"metadata":{"title":"Add","description":"Add two ints.","tags":["io"],"deprecated":false,"deprecation_message":null},"module_path":"demo._impl","public_module_path":"demo","function_name":"add","import_statement":"from demo import add as add","json_schema":{"additionalProperties":false,"properties":{"a":{"title":"A","type":"integer"}},"required":["a"],"type":"object"}}},"version":"1.0.0"}"#;

/// A file inside a package: relative path, content, executable?
pub struct PkgFile<'a>(pub &'a str, pub String, pub bool);

/// A package to build: `<name>-<version>-0.tar.bz2` in `subdir`.
pub struct Pkg<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub subdir: &'a str,
    pub depends: &'a [&'a str],
    pub files: Vec<PkgFile<'a>>,
}

/// A channel directory with `linux-64` and `noarch` repodata.
pub struct Channel {
    pub dir: PathBuf,
    /// `(subdir, file name, repodata entry)` of each package added.
    pub entries: Vec<(String, String, Value)>,
}

impl Channel {
    pub fn new(dir: PathBuf) -> Self {
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            dir,
            entries: Vec::new(),
        }
    }

    /// Its `file://` URL.
    pub fn url(&self) -> String {
        url::Url::from_directory_path(&self.dir)
            .unwrap()
            .to_string()
    }

    /// Build `<name>-<version>-0.tar.bz2` into the channel and record its repodata entry
    /// (call [`Channel::publish`] after the last one).
    pub fn add(&mut self, pkg: Pkg<'_>) -> &mut Self {
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

    /// Write `repodata.json` for linux-64 and noarch (every package added so far).
    pub fn publish(&self) {
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

/// A `bin/wt-registry` that logs each run to `log`, checks it is called with
/// `--format json`, prints `stdout` and `stderr` and exits with `code`.
pub fn registry_script(log: &Path, stdout: &str, stderr: &str, code: i32) -> PkgFile<'static> {
    PkgFile(
        "bin/wt-registry",
        format!(
            "#!/bin/sh\necho run >> '{}'\n[ \"$1 $2\" = '--format json' ] || {{ echo bad args >&2; exit 9; }}\ncat <<'WTC_EOF'\n{stdout}\nWTC_EOF\nprintf '%s' '{stderr}' >&2\nexit {code}\n",
            log.display()
        ),
        true,
    )
}

/// A temporary directory with a published channel (`<root>/channel`) holding `demo-tasks`
/// 1.0 (noarch, a [`registry_script`] printing [`REGISTRY`]) that depends on `helper-lib`
/// 1.2 (linux-64, needs the `__unix` virtual package); the registry runs are logged to
/// `<root>/registry-runs.log`.
pub struct World {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub channel: Channel,
    pub log: PathBuf,
}

impl World {
    pub fn new() -> Self {
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
            });
        channel.publish();
        Self {
            _tmp: tmp,
            root,
            channel,
            log,
        }
    }

    /// Linux-64 inputs asking this channel for each `(name, version)`.
    pub fn inputs(&self, specs: &[(&str, &str)]) -> DiscoveryInputs {
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

    /// Silent, offline settings with the local cache `<root>/<cache>` (one per "machine").
    pub fn settings_in(&self, cache: &str) -> Settings {
        let mut s = Settings::new(Some(self.root.join(cache)), ProgressMode::Silent);
        s.uv_extra_args = vec!["--offline".into()];
        s
    }

    /// How many times a `wt-registry` of this world ran.
    pub fn registry_runs(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .map(|t| t.lines().count())
            .unwrap_or(0)
    }
}

/// [`discovery::obtain`] for `inputs` (their key; `lock`, if any): the result and the
/// warnings.
pub fn obtain(
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
