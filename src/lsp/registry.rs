//! Where the open specs' registries come from: `--registry`/`--solved` files or
//! `--python-env` (one registry for every spec), else per discovery key as `compile`
//! obtains it (the spec's `wtc.lock` → the cache → discovery). Everything slow runs on a
//! background thread that reports back through [`Loaded`]; the main loop never waits.

use crate::db::{Database, RegistryInput, update_registry};
use crate::discovery::lock::lock_path;
use crate::discovery::plan::inputs::DiscoveryInputs;
use crate::discovery::plan::key::DiscoveryKey;
use crate::discovery::progress::ProgressMode;
use crate::discovery::{self, Discovered};
use crossbeam_channel::Sender;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The options of `wtc lsp` (flags, or `initializationOptions` with the keys `registry`,
/// `solved`, `pythonEnv`, `cacheDir`, `envOverrides`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// A `wt-registry --format json` document (no discovery).
    pub registry: Option<PathBuf>,
    /// The solved records that go with `registry`.
    pub solved: Option<PathBuf>,
    /// An environment whose `wt-registry` is run.
    pub python_env: Option<PathBuf>,
    /// The discovery cache directory.
    pub cache_dir: Option<PathBuf>,
    /// An env-overrides file, as `compile --env-overrides` takes it.
    pub env_overrides: Option<PathBuf>,
}

impl Config {
    /// `self` with every option `other` sets (initializationOptions over flags).
    #[must_use]
    pub fn merged(self, other: Config) -> Config {
        Config {
            registry: other.registry.or(self.registry),
            solved: other.solved.or(self.solved),
            python_env: other.python_env.or(self.python_env),
            cache_dir: other.cache_dir.or(self.cache_dir),
            env_overrides: other.env_overrides.or(self.env_overrides),
        }
    }

    /// The files whose changes reload the fixed registry.
    #[must_use]
    pub fn registry_files(&self) -> Vec<PathBuf> {
        self.registry.iter().chain(&self.solved).cloned().collect()
    }
}

/// What a background load was for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Want {
    /// The one registry of `--registry` / `--python-env`.
    Fixed,
    /// The registry of a discovery key.
    Key(DiscoveryKey),
}

/// A background load finished.
#[derive(Debug)]
pub struct Loaded {
    pub want: Want,
    pub result: Result<Discovered, String>,
}

/// The registries obtained so far, and those being obtained.
pub struct Registries {
    config: Config,
    fixed: Option<RegistryInput>,
    by_key: HashMap<DiscoveryKey, RegistryInput>,
    pending: HashSet<Want>,
    failed: HashMap<Want, String>,
    done: Sender<Loaded>,
}

/// How a spec stands with its registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attach {
    /// This input answers for the spec.
    Ready(RegistryInput),
    /// Being obtained (a load was started now when `started`).
    Pending { started: bool },
    /// Obtaining it failed (the message).
    Failed(String),
}

impl Registries {
    #[must_use]
    pub fn new(config: Config, done: Sender<Loaded>) -> Self {
        Self {
            config,
            fixed: None,
            by_key: HashMap::new(),
            pending: HashSet::new(),
            failed: HashMap::new(),
            done,
        }
    }

    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether one registry answers for every spec.
    #[must_use]
    pub fn is_fixed(&self) -> bool {
        self.config.registry.is_some() || self.config.python_env.is_some()
    }

    /// The fixed registry, started (in the background) when not there yet.
    pub fn fixed(&mut self) -> Attach {
        if let Some(input) = self.fixed {
            return Attach::Ready(input);
        }
        if let Some(e) = self.failed.get(&Want::Fixed) {
            return Attach::Failed(e.clone());
        }
        let started = self.pending.insert(Want::Fixed);
        if started {
            let config = self.config.clone();
            self.spawn(Want::Fixed, move || load_fixed(&config));
        }
        Attach::Pending { started }
    }

    /// The registry of discovery `key` for the spec at `spec_path`, started (lock file →
    /// cache → discovery, in the background) when not there yet.
    pub fn for_key(
        &mut self,
        key: &DiscoveryKey,
        inputs: &DiscoveryInputs,
        spec_path: &Path,
    ) -> Attach {
        if let Some(input) = self.by_key.get(key) {
            return Attach::Ready(*input);
        }
        let want = Want::Key(key.clone());
        if let Some(e) = self.failed.get(&want) {
            return Attach::Failed(e.clone());
        }
        let started = self.pending.insert(want.clone());
        if started {
            let mut settings =
                discovery::Settings::new(self.config.cache_dir.clone(), ProgressMode::Silent);
            settings.progress = ProgressMode::Silent;
            let (inputs, key) = (inputs.clone(), key.clone());
            let lock = lock_path(spec_path);
            let label = spec_path.display().to_string();
            self.spawn(want, move || {
                let req = discovery::Request {
                    inputs: &inputs,
                    key: &key,
                    lock: Some(&lock),
                    label: &label,
                };
                discovery::obtain(&req, &settings, &mut |_| {})
                    .map(|(d, _)| d)
                    .map_err(|e| e.to_string())
            });
        }
        Attach::Pending { started }
    }

    fn spawn(
        &self,
        want: Want,
        load: impl FnOnce() -> Result<Discovered, String> + Send + 'static,
    ) {
        let done = self.done.clone();
        std::thread::spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(load))
                .unwrap_or_else(|_| Err("task discovery panicked".to_string()));
            let _ = done.send(Loaded { want, result });
        });
    }

    /// Record a finished load; returns the input that now answers for `want` (`None`: it
    /// failed) and whether its registry changed.
    pub fn finish(&mut self, db: &mut Database, loaded: Loaded) -> (Option<RegistryInput>, bool) {
        self.pending.remove(&loaded.want);
        let d = match loaded.result {
            Ok(d) => d,
            Err(e) => {
                self.failed.insert(loaded.want, e);
                return (None, true);
            }
        };
        self.failed.remove(&loaded.want);
        let existing = match &loaded.want {
            Want::Fixed => self.fixed,
            Want::Key(k) => self.by_key.get(k).copied(),
        };
        let (input, changed) = match existing {
            Some(input) => (input, update_registry(db, input, d.registry, d.solved)),
            None => (RegistryInput::new(db, d.registry, d.solved), true),
        };
        match loaded.want {
            Want::Fixed => self.fixed = Some(input),
            Want::Key(k) => {
                self.by_key.insert(k, input);
            }
        }
        (Some(input), changed)
    }

    /// Forget what answers for `key` (its lock file changed), so the next attach obtains it
    /// again.
    pub fn forget_key(&mut self, key: &DiscoveryKey) {
        self.by_key.remove(key);
        self.failed.remove(&Want::Key(key.clone()));
    }

    /// The registry files changed: load them again (in the background).
    /// Returns whether a load was started (none when one is running).
    pub fn reload_fixed(&mut self) -> bool {
        self.failed.remove(&Want::Fixed);
        let started = self.pending.insert(Want::Fixed);
        if started {
            let config = self.config.clone();
            self.spawn(Want::Fixed, move || load_fixed(&config));
        }
        started
    }
}

fn load_fixed(config: &Config) -> Result<Discovered, String> {
    if let Some(r) = &config.registry {
        return discovery::from_files(r, config.solved.as_deref()).map_err(|e| e.to_string());
    }
    match &config.python_env {
        Some(p) => discovery::from_python_env(p, ProgressMode::Silent).map_err(|e| e.to_string()),
        None => Err("no registry source".to_string()),
    }
}

/// An empty registry (for specs not attached yet).
#[must_use]
pub fn placeholder(db: &Database) -> RegistryInput {
    RegistryInput::new(db, Arc::default(), Arc::default())
}
