//! The base layer: every salsa input and the database. Nothing here imports a module
//! above it (the layer order is in `ARCHITECTURE.md` and enforced by `tests/it/layers.rs`);
//! the queries over these inputs live in the layers above (`front`, `dependencies`,
//! `discovery::plan`, `artifacts`, ...). The query graph is drawn once, in `ARCHITECTURE.md`.
//!
//! Inputs are set only at the edges (the CLI, tests, benches), through [`WorkflowBuilder`]
//! or the setters; every query is a pure function of them.

mod digest;

pub use digest::input_digest;

use crate::registry::Registry;
use camino::Utf8PathBuf;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// One spec.yaml file and its current text.
#[salsa::input(debug)]
pub struct SpecFile {
    #[returns(ref)]
    pub path: Utf8PathBuf,
    #[returns(ref)]
    pub text: String,
}

/// The discovery result a workflow is compiled against.
#[salsa::input(debug)]
pub struct RegistryInput {
    #[returns(ref)]
    pub registry: Arc<Registry>,
    /// Solved conda records `{name, version, channel}` (used by the README fingerprint).
    #[returns(ref)]
    pub solved: Arc<Vec<SolvedRecord>>,
}

/// Give a registry input new content unless it already holds an equal one. Salsa setters
/// always bump the revision, so an unchanged rediscovery result must not be set again
/// (it would re-validate everything downstream). Returns whether the input changed.
pub fn update_registry(
    db: &mut Database,
    input: RegistryInput,
    registry: Arc<Registry>,
    solved: Arc<Vec<SolvedRecord>>,
) -> bool {
    use salsa::Setter;
    let mut changed = false;
    if **input.registry(db) != *registry {
        input.set_registry(db).to(registry);
        changed = true;
    }
    if **input.solved(db) != *solved {
        input.set_solved(db).to(solved);
        changed = true;
    }
    changed
}

/// A record of the solved discovery environment.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
pub struct SolvedRecord {
    pub name: String,
    pub version: String,
    pub channel: String,
}

/// Compile options that influence generated files.
#[salsa::input(debug)]
pub struct Options {
    #[returns(ref)]
    pub pkg_name_prefix: String,
    #[returns(ref)]
    pub results_env_var: String,
    /// Value of `$WT_CONDA_CHANNEL` (read once at start-up).
    #[returns(ref)]
    pub wt_conda_channel: String,
    /// `--variant`: the default `wt-task` / `wt-runner` become `<name>-<variant>` (empty: none).
    #[returns(ref)]
    #[default]
    pub variant: String,
    /// `--env-overrides`: layer C of the pixi.toml dependencies.
    #[default]
    pub env_overrides: Option<OverridesFile>,
    /// `--template-dir`: user templates replacing embedded ones of the same name.
    #[default]
    pub template_dir: Option<TemplateDir>,
    /// `$PIXI_VERSION` at compile time (the Dockerfile installs that pixi; empty: latest).
    #[returns(ref)]
    #[default]
    pub pixi_version: String,
    /// Parse specs whole instead of one `workflow:` item at a time (`front::pieces`, which
    /// lets an edit re-parse only its item but keeps every item's text and parse). One-shot
    /// commands (`check`, `compile`, `run`) set it: every item is new to them, and a whole
    /// parse is faster and smaller. The result is the same either way.
    #[default]
    pub whole_parse: bool,
}

/// Facts about the machine discovery runs on (probed once by the CLI).
#[salsa::input(debug)]
pub struct Host {
    /// The conda platform discovery solves for (`linux-64`, `osx-arm64`, ...).
    #[returns(ref)]
    pub platform: String,
    /// The local `file://` channel base URLs that exist on disk (others are dropped from
    /// the discovery channels).
    #[returns(ref)]
    pub local_channels: Arc<BTreeSet<String>>,
}

/// An env-overrides file and what the file system says about the paths it names.
#[salsa::input(debug)]
pub struct OverridesFile {
    /// Absolute path of the file (symlinks resolved); relative `path` entries are
    /// resolved against its directory.
    #[returns(ref)]
    pub path: Utf8PathBuf,
    #[returns(ref)]
    pub text: String,
    /// Filled in by the CLI after reading the file (see [`path_entries`]).
    #[returns(ref)]
    #[default]
    pub fs: Arc<FsFacts>,
}

/// File-system facts about the `path` entries of an env-overrides file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FsFacts {
    /// A `path` value as written → the absolute path it denotes (relative values joined to
    /// the file's directory and canonicalized, absolute ones kept as written).
    pub resolved: BTreeMap<String, String>,
    /// A resolved path → the text of `<path>/pyproject.toml` (`None`: no such file).
    pub pyprojects: BTreeMap<String, Option<String>>,
    /// A resolved path that is not a directory → what it is instead ("does not exist",
    /// "is a file, not a directory", "is a symbolic link loop", ...).
    pub path_problems: BTreeMap<String, String>,
}

/// The `--template-dir` directory: its (absolute) path and every file below it, by
/// relative name with `/` separators.
#[salsa::input(debug)]
pub struct TemplateDir {
    #[returns(ref)]
    pub path: Utf8PathBuf,
    #[returns(ref)]
    pub files: Arc<BTreeMap<String, String>>,
}

/// A spec compiled against a registry with options: the root of every artifact query.
#[salsa::input(debug)]
pub struct Workflow {
    pub spec: SpecFile,
    pub registry: RegistryInput,
    pub options: Options,
    pub host: Host,
}

/// The database trait every query takes.
#[salsa::db]
pub trait Db: salsa::Database {}

/// The concrete database (cheap to clone; clones share storage, for parallel compiles).
#[salsa::db]
#[derive(Clone)]
pub struct Database {
    storage: salsa::Storage<Self>,
    log: Option<Arc<Mutex<Vec<String>>>>,
}

impl Default for Database {
    fn default() -> Self {
        Self {
            storage: salsa::Storage::new(None),
            log: None,
        }
    }
}

impl Database {
    /// A database that records the name of every query it executes (for incrementality tests).
    pub fn with_execution_log() -> Self {
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink = log.clone();
        Self {
            storage: salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
                if let salsa::EventKind::WillExecute { database_key } = event.kind {
                    let name = format!("{database_key:?}");
                    let name = name.split('(').next().unwrap_or(&name).to_string();
                    if let Ok(mut l) = sink.lock() {
                        l.push(name);
                    }
                }
            }))),
            log: Some(log),
        }
    }

    /// Drain the names of the queries executed since the last call.
    pub fn take_execution_log(&self) -> Vec<String> {
        self.log
            .as_ref()
            .and_then(|l| l.lock().ok().map(|mut l| std::mem::take(&mut *l)))
            .unwrap_or_default()
    }
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {}

/// How the edges (CLI, tests, benches) create workflows: the options and host every
/// workflow of one command shares, and a registry (empty until discovery attaches one).
///
/// ```
/// # use wtc::db::{Database, WorkflowBuilder};
/// let db = Database::default();
/// let wf = WorkflowBuilder::new().prefix("acme").build(&db, "spec.yaml".into(), "id: x\n".into());
/// assert_eq!(wf.options(&db).pkg_name_prefix(&db), "acme");
/// ```
#[derive(Clone, Debug)]
pub struct WorkflowBuilder {
    prefix: String,
    results_env_var: String,
    wt_conda_channel: String,
    variant: String,
    env_overrides: Option<OverridesFile>,
    template_dir: Option<TemplateDir>,
    pixi_version: String,
    platform: String,
    registry: Option<(Arc<Registry>, Arc<Vec<SolvedRecord>>)>,
}

impl Default for WorkflowBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl WorkflowBuilder {
    /// The defaults of `wtc compile`: prefix `wt`, `WT_RESULTS`, no channel override, no
    /// variant, no overrides or templates, platform `linux-64`, an empty registry.
    #[must_use]
    pub fn new() -> Self {
        Self {
            prefix: "wt".into(),
            results_env_var: "WT_RESULTS".into(),
            wt_conda_channel: String::new(),
            variant: String::new(),
            env_overrides: None,
            template_dir: None,
            pixi_version: String::new(),
            platform: "linux-64".into(),
            registry: None,
        }
    }

    /// `--pkg-name-prefix`.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// `--results-env-var`.
    #[must_use]
    pub fn results_env_var(mut self, name: impl Into<String>) -> Self {
        self.results_env_var = name.into();
        self
    }

    /// `$WT_CONDA_CHANNEL`.
    #[must_use]
    pub fn wt_conda_channel(mut self, channel: impl Into<String>) -> Self {
        self.wt_conda_channel = channel.into();
        self
    }

    /// `--variant` (empty: none).
    #[must_use]
    pub fn variant(mut self, variant: impl Into<String>) -> Self {
        self.variant = variant.into();
        self
    }

    /// `--env-overrides`, loaded.
    #[must_use]
    pub fn env_overrides(mut self, file: Option<OverridesFile>) -> Self {
        self.env_overrides = file;
        self
    }

    /// `--template-dir`, loaded.
    #[must_use]
    pub fn template_dir(mut self, dir: Option<TemplateDir>) -> Self {
        self.template_dir = dir;
        self
    }

    /// `$PIXI_VERSION`.
    #[must_use]
    pub fn pixi_version(mut self, version: impl Into<String>) -> Self {
        self.pixi_version = version.into();
        self
    }

    /// The conda platform discovery solves for.
    #[must_use]
    pub fn platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = platform.into();
        self
    }

    /// The registry (and solved records) every workflow starts with.
    #[must_use]
    pub fn registry(mut self, registry: Arc<Registry>, solved: Arc<Vec<SolvedRecord>>) -> Self {
        self.registry = Some((registry, solved));
        self
    }

    /// Create the shared inputs once (for many workflows).
    pub fn shared(self, db: &Database) -> SharedInputs {
        let options = Options::builder(self.prefix, self.results_env_var, self.wt_conda_channel)
            .variant(self.variant)
            .env_overrides(self.env_overrides)
            .template_dir(self.template_dir)
            .pixi_version(self.pixi_version)
            .new(db);
        let host = Host::new(db, self.platform, Arc::default());
        let (registry, solved) = self.registry.unwrap_or_default();
        SharedInputs {
            options,
            host,
            registry: RegistryInput::new(db, registry, solved),
        }
    }

    /// One workflow for the spec at `path` with `text`.
    pub fn build(self, db: &Database, path: Utf8PathBuf, text: String) -> Workflow {
        self.shared(db).workflow(db, path, text)
    }
}

/// The inputs shared by the workflows of one command (see [`WorkflowBuilder::shared`]).
#[derive(Clone, Copy, Debug)]
pub struct SharedInputs {
    pub options: Options,
    pub host: Host,
    /// The registry a new workflow starts with (a placeholder until discovery attaches one).
    pub registry: RegistryInput,
}

impl SharedInputs {
    /// A new workflow for the spec at `path` with `text`.
    pub fn workflow(&self, db: &Database, path: Utf8PathBuf, text: String) -> Workflow {
        let file = SpecFile::new(db, path, text);
        Workflow::new(db, file, self.registry, self.options, self.host)
    }
}
