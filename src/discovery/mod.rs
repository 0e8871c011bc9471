//! Task discovery: learn the task signatures from the task packages themselves
//! (`discovery.md`), without importing task code into the compiler.
//!
//! Two halves, kept apart:
//!
//! * **pure** — [`plan`]: the discovery inputs and their key, salsa queries in the analysis
//!   layer (`plan::discovery_inputs`, `plan::discovery_key`);
//! * **I/O** — everything else here, at the edge: obtaining the result for a key.
//!
//! | module | does |
//! |---|---|
//! | `plan::inputs` | discovery inputs from requirements + merged default feature (pure) |
//! | `plan::key` | the discovery key, a hash of the inputs (pure) |
//! | `lock` | `wtc.lock` beside the spec: read when its key matches, written by `wtc lock` |
//! | `cache` | `<cache>/discovery/<key>.json`, atomic, verified on read |
//! | `shared` | the shared cache behind it: an object store (`--cache-url`), create-only writes |
//! | `solve` | repodata (rattler gateway) + virtual packages + resolvo |
//! | `install` | rattler installer into a prefix (shared package cache) |
//! | `env` | the kept environments `<cache>/envs/<key>/`: state, marker, lock, removal |
//! | `build` | solve + install + PyPI into a prefix (fresh discovery); `kept_env`: reuse or re-create |
//! | `pypi` | one bulk `uv pip install` |
//! | `registry_cmd` | `wt-registry --format json`, validated against the contract |
//! | `progress` | spinner / plain lines |
//!
//! Lookup order without `--registry`: lock file (key match) → cache → shared cache (a hit
//! is copied into the cache) → fresh discovery (which fills both; `--no-discover` fails
//! instead). `--python-env PREFIX` instead runs the registry of an
//! existing environment.

mod build;
pub mod cache;
pub mod env;
pub mod error;
pub mod install;
pub mod lock;
pub mod plan;
pub mod progress;
pub mod pypi;
pub mod registry_cmd;
pub mod shared;
pub mod solve;

use crate::db::SolvedRecord;
use crate::registry::{Registry, RegistryError};
pub use build::{KeptEnv, kept_env};
use build::{build_env, lock_env, temp_env_dir};
use cache::Payload;
pub use error::{DiscoveryError, EnvPhase, RegistryFilesError};
use plan::inputs::{DiscoveryInputs, record_channel_name};
use plan::key::DiscoveryKey;
use progress::{Phase, Progress, ProgressMode};
use rattler_conda_types::{PrefixRecord, RepoDataRecord};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A discovery result: the registry document, its known tasks and the solved records.
#[derive(Clone, Debug, PartialEq)]
pub struct Discovered {
    pub document: serde_json::Value,
    pub registry: Arc<Registry>,
    pub solved: Arc<Vec<SolvedRecord>>,
}

impl Discovered {
    /// Validate a stored payload.
    pub fn from_payload(payload: Payload) -> Result<Self, RegistryError> {
        Ok(Self {
            registry: Arc::new(Registry::from_value(payload.registry.clone())?),
            document: payload.registry,
            solved: Arc::new(payload.solved),
        })
    }
}

/// Where a result came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Lock(PathBuf),
    Cache(PathBuf),
    /// The shared cache, with the entry's URL.
    Shared(String),
    Fresh,
    PythonEnv(PathBuf),
}

/// How discovery runs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Root of wtc's cache (`<root>/discovery/<key>.json`); `None` disables the cache.
    pub cache_root: Option<PathBuf>,
    /// rattler's repodata and package cache.
    pub rattler_cache: PathBuf,
    /// Ignore the lock file and the cache (`--refresh-discovery`).
    pub refresh: bool,
    /// Only the lock file may answer (`--locked`).
    pub locked: bool,
    pub progress: ProgressMode,
    /// Extra arguments for `uv pip install` (tests pass `--offline`).
    pub uv_extra_args: Vec<String>,
    /// The shared cache behind the local one (`--cache-url`).
    pub shared: Option<Arc<shared::SharedCache>>,
    /// Fail instead of discovering when no lock file or cache has the key
    /// (`--no-discover`).
    pub no_discover: bool,
}

impl Settings {
    /// Cache locations from `--cache-dir`, else `$WTC_CACHE_DIR`, else the user cache
    /// directory (`$XDG_CACHE_HOME/wtc`). rattler's package cache is `<dir>/rattler` when a
    /// directory was given, else rattler's own default (shared with pixi).
    pub fn new(cache_dir: Option<PathBuf>, progress: ProgressMode) -> Self {
        let explicit = cache_dir.or_else(|| {
            std::env::var_os("WTC_CACHE_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        let cache_root = explicit
            .clone()
            .or_else(|| dirs::cache_dir().map(|d| d.join("wtc")));
        let rattler_cache = match &explicit {
            Some(root) => root.join("rattler"),
            None => rattler_cache::default_cache_dir().unwrap_or_else(|_| {
                cache_root
                    .clone()
                    .unwrap_or_else(std::env::temp_dir)
                    .join("rattler")
            }),
        };
        Self {
            cache_root,
            rattler_cache,
            refresh: false,
            locked: false,
            progress,
            uv_extra_args: Vec::new(),
            shared: None,
            no_discover: false,
        }
    }
}

/// One discovery to perform.
pub struct Request<'a> {
    pub inputs: &'a DiscoveryInputs,
    pub key: &'a DiscoveryKey,
    /// The spec's lock file, if it may be consulted.
    pub lock: Option<&'a Path>,
    /// Names the discovery in progress output (e.g. the spec path).
    pub label: &'a str,
}

/// What one source of [`obtain`] answered.
enum Step {
    /// The registry, from this source.
    Found(Discovered, Origin),
    /// Not here: ask the next source.
    Next,
}

/// Obtain a registry: lock file (key match) → cache → shared cache → fresh discovery.
/// Non-fatal problems (stale lock, corrupt cache entry, failure to write the cache, an
/// unreachable shared cache) go to `warn`.
pub fn obtain(
    req: &Request<'_>,
    settings: &Settings,
    warn: &mut dyn FnMut(String),
) -> Result<(Discovered, Origin), DiscoveryError> {
    if !settings.refresh
        && let Some(path) = req.lock
        && let Step::Found(d, origin) = from_lock(path, req, settings, warn)?
    {
        return Ok((d, origin));
    }
    if settings.locked {
        // Without a usable lock file path there is nothing `--locked` may use.
        return Err(DiscoveryError::LockMissing {
            path: req
                .lock
                .map_or_else(|| PathBuf::from(lock::LOCK_FILE_NAME), Path::to_path_buf),
        });
    }
    if !settings.refresh
        && let Some(root) = &settings.cache_root
        && let Step::Found(d, origin) = from_cache(root, req, settings, warn)
    {
        return Ok((d, origin));
    }
    // A bad shared entry is replaced by the fresh result (create-only would keep it).
    let mut replace_shared = settings.refresh;
    if !settings.refresh
        && let Some(shared) = &settings.shared
        && let Step::Found(d, origin) =
            from_shared(shared, req, settings, &mut replace_shared, warn)
    {
        return Ok((d, origin));
    }
    if settings.no_discover {
        return Err(DiscoveryError::NotCached {
            key: req.key.to_string(),
            label: req.label.to_string(),
            lock: req.lock.map(Path::to_path_buf),
            local: settings
                .cache_root
                .as_ref()
                .map(|root| cache::entry_path(root, req.key)),
            shared: settings.shared.as_ref().map(|s| s.url_of(req.key)),
        });
    }
    let discovered = discover_fresh(req.inputs, settings, req.label)?;
    let bytes = cache::entry_bytes(req.key, req.inputs, &discovered);
    store_locally(settings, req.key, &bytes, warn);
    if let Some(shared) = &settings.shared
        && !shared.read_only()
        && shared.available()
        && let Err(e) = shared.put(req.key, &bytes, replace_shared)
    {
        warn(e.to_string());
    }
    Ok((discovered, Origin::Fresh))
}

/// The spec's lock file, when its key matches; with `--locked` every problem is an error.
fn from_lock(
    path: &Path,
    req: &Request<'_>,
    settings: &Settings,
    warn: &mut dyn FnMut(String),
) -> Result<Step, DiscoveryError> {
    match lock::read(path, req.key, req.inputs) {
        Ok(d) => return Ok(Step::Found(d, Origin::Lock(path.to_path_buf()))),
        Err(lock::LockProblem::Missing) if settings.locked => {
            return Err(DiscoveryError::LockMissing {
                path: path.to_path_buf(),
            });
        }
        Err(lock::LockProblem::Missing) => {}
        Err(lock::LockProblem::Stale(changes)) if settings.locked => {
            return Err(DiscoveryError::LockStale {
                path: path.to_path_buf(),
                changes,
            });
        }
        Err(lock::LockProblem::Stale(changes)) => warn(format!(
            "{} is stale (the discovery inputs changed since it was written); discovering instead\n{changes}  help: run `wtc lock` to update it",
            path.display()
        )),
        Err(lock::LockProblem::Invalid(reason)) if settings.locked => {
            return Err(DiscoveryError::LockInvalid {
                path: path.to_path_buf(),
                reason,
            });
        }
        Err(lock::LockProblem::Invalid(reason)) => {
            warn(format!("ignoring lock file {}: {reason}", path.display()))
        }
    }
    Ok(Step::Next)
}

/// The local discovery cache.
fn from_cache(
    root: &Path,
    req: &Request<'_>,
    settings: &Settings,
    warn: &mut dyn FnMut(String),
) -> Step {
    match cache::load(root, req.key, req.inputs) {
        cache::Lookup::Hit(d) => {
            return Step::Found(d, Origin::Cache(cache::entry_path(root, req.key)));
        }
        cache::Lookup::Miss => {}
        cache::Lookup::Outdated(source) => {
            if settings.progress != ProgressMode::Silent {
                eprintln!("wtc: {source} changed since the cached discovery; rediscovering");
            }
        }
        cache::Lookup::Corrupt(reason) => {
            warn(format!(
                "discarded a corrupt discovery cache entry: {reason}"
            ));
        }
    }
    Step::Next
}

/// The shared cache; a hit is copied into the local cache. A bad entry sets `replace`.
fn from_shared(
    shared: &shared::SharedCache,
    req: &Request<'_>,
    settings: &Settings,
    replace: &mut bool,
    warn: &mut dyn FnMut(String),
) -> Step {
    match shared.lookup(req.key, req.inputs) {
        shared::SharedLookup::Hit {
            discovered,
            bytes,
            url,
        } => {
            store_locally(settings, req.key, &bytes, warn);
            return Step::Found(discovered, Origin::Shared(url));
        }
        shared::SharedLookup::Miss => {}
        shared::SharedLookup::Outdated(source) => {
            if settings.progress != ProgressMode::Silent {
                eprintln!(
                    "wtc: {source} changed since the shared cache entry was written; rediscovering"
                );
            }
        }
        shared::SharedLookup::Bad { url, reason } => {
            warn(format!(
                "ignored a bad shared discovery cache entry {url}: {reason}"
            ));
            *replace = true;
        }
        shared::SharedLookup::Unavailable(warning) => warn(warning.to_string()),
    }
    Step::Next
}

/// Write an entry's bytes into the local cache, if there is one (a failure is a warning).
fn store_locally(
    settings: &Settings,
    key: &DiscoveryKey,
    bytes: &[u8],
    warn: &mut dyn FnMut(String),
) {
    if let Some(root) = &settings.cache_root
        && let Err(e) = cache::store_bytes(root, key, bytes)
    {
        warn(format!(
            "could not write the discovery cache under {}: {e}",
            root.display()
        ));
    }
}

/// Solve, install, `uv pip install` and run `wt-registry`. With a cache root the
/// environment is kept as the key's (`env`: `<cache>/envs/<key>/`, marked complete before
/// `wt-registry` runs); without one it lives in a temporary directory, removed afterwards.
pub fn discover_fresh(
    inputs: &DiscoveryInputs,
    settings: &Settings,
    label: &str,
) -> Result<Discovered, DiscoveryError> {
    let progress = Progress::new(settings.progress, label);
    let (prefix, records, _hold) = match &settings.cache_root {
        Some(root) => {
            let key = plan::key::discovery_key(inputs);
            let guard = lock_env(root, &key)?;
            let prefix = env::env_dir(root, &key);
            let records = build_env(inputs, settings, &prefix, &progress)?;
            env::mark(&prefix, &key).map_err(|e| DiscoveryError::Io {
                what: "cannot mark the environment complete:",
                path: prefix.clone(),
                source: e,
            })?;
            (prefix, records, Hold::Lock(guard))
        }
        None => {
            let tmp = temp_env_dir(settings)?;
            let prefix = tmp.path().join("env");
            let records = build_env(inputs, settings, &prefix, &progress)?;
            (prefix, records, Hold::Temp(tmp))
        }
    };
    progress.phase(Phase::Discover);
    let output = registry_cmd::run_registry(&prefix, &inputs.spec_texts())?;
    progress.finish();
    Ok(Discovered {
        document: output.document,
        registry: Arc::new(output.registry),
        solved: Arc::new(solved_records(&records)),
    })
}

/// What keeps a fresh discovery's environment alive until `wt-registry` has run.
enum Hold {
    Lock(#[allow(dead_code)] env::EnvLock),
    Temp(#[allow(dead_code)] tempfile::TempDir),
}

/// `{name, version, channel}` of each solved record, sorted by name.
fn solved_records(records: &[RepoDataRecord]) -> Vec<SolvedRecord> {
    let mut out: Vec<SolvedRecord> = records
        .iter()
        .map(|r| SolvedRecord {
            name: r.package_record.name.as_normalized().to_string(),
            version: r.package_record.version.to_string(),
            channel: r
                .channel
                .as_deref()
                .map(record_channel_name)
                .unwrap_or_default(),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Existing-environment mode (`--python-env PREFIX`): run the environment's
/// `wt-registry`; no solve, no install, no cache. Solved records come from the prefix's
/// `conda-meta` (empty for a plain venv).
pub fn from_python_env(prefix: &Path, mode: ProgressMode) -> Result<Discovered, DiscoveryError> {
    if !prefix.is_dir() {
        return Err(DiscoveryError::PythonEnv {
            prefix: prefix.to_path_buf(),
            reason: "not a directory".into(),
        });
    }
    let progress = Progress::new(mode, prefix.display().to_string());
    progress.phase(Phase::Discover);
    let output = registry_cmd::run_registry(prefix, &[])?;
    progress.finish();
    let records: Vec<PrefixRecord> = PrefixRecord::collect_from_prefix(prefix).unwrap_or_default();
    let records: Vec<RepoDataRecord> = records.into_iter().map(|r| r.repodata_record).collect();
    Ok(Discovered {
        document: output.document,
        registry: Arc::new(output.registry),
        solved: Arc::new(solved_records(&records)),
    })
}

/// Which of the given `file://` channel URLs exist as directories on disk.
pub fn existing_local_channels(
    candidates: impl IntoIterator<Item = String>,
) -> std::collections::BTreeSet<String> {
    candidates
        .into_iter()
        .filter(|url| {
            url::Url::parse(url)
                .ok()
                .and_then(|u| u.to_file_path().ok())
                .is_some_and(|p| p.is_dir())
        })
        .collect()
}

/// Record which local `file://` channels exist (they are dropped from discovery
/// otherwise): those named by `wfs`' requirements, and those already recorded (checked
/// again, so a channel that disappeared is dropped). Set only when the answer changed.
/// `compile`, `lock`, `watch` and `lsp` probe the same way, so their discovery keys agree.
pub fn probe_local_channels(
    db: &mut crate::db::Database,
    host: crate::db::Host,
    wfs: &[crate::db::Workflow],
) {
    let mut candidates: std::collections::BTreeSet<String> =
        host.local_channels(db).iter().cloned().collect();
    for wf in wfs {
        let channel = wf.options(db).wt_conda_channel(db);
        candidates.extend(plan::inputs::local_channel_candidates(
            crate::front::spec_requirements(db, *wf),
            channel,
        ));
    }
    let present = existing_local_channels(candidates);
    if present != **host.local_channels(db) {
        salsa::Setter::to(host.set_local_channels(db), Arc::new(present));
    }
}

/// A registry document given on the command line (`--registry FILE [--solved FILE]`).
pub fn from_files(
    registry: &Path,
    solved: Option<&Path>,
) -> Result<Discovered, RegistryFilesError> {
    let path = || registry.to_path_buf();
    let text =
        crate::files::read_text(registry).map_err(|source| RegistryFilesError::ReadRegistry {
            path: path(),
            source,
        })?;
    let output = registry_cmd::parse_registry(&text).map_err(|source| {
        RegistryFilesError::InvalidRegistry {
            path: path(),
            source,
        }
    })?;
    let solved: Vec<SolvedRecord> = match solved {
        None => Vec::new(),
        Some(p) => {
            let text =
                crate::files::read_text(p).map_err(|source| RegistryFilesError::ReadSolved {
                    path: p.to_path_buf(),
                    source,
                })?;
            serde_json::from_str(&text).map_err(|source| RegistryFilesError::InvalidSolved {
                path: p.to_path_buf(),
                source,
            })?
        }
    };
    Ok(Discovered {
        document: output.document,
        registry: Arc::new(output.registry),
        solved: Arc::new(solved),
    })
}
