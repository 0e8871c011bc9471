//! The registry side of the CLI: choosing the registry source (`--registry`,
//! `--python-env`, or lock file → cache → shared cache → discovery per discovery key) and attaching the
//! results to workflows. [`Registries::attach`] and [`Registries::refresh`] return an
//! [`Attachment`] (where the spec's registry stands); the caller keeps it with its spec.

use super::reads::{Reads, Role};
use super::term::{fail, warn};
use super::{DiscoveryArgs, SharedCacheArgs};
use crate::db::{Database, RegistryInput, Workflow, update_registry};
use crate::diagnostics::Diagnostic;
use crate::discovery::lock::lock_path;
use crate::discovery::plan::key::DiscoveryKey;
use crate::discovery::plan::{discovery_inputs, discovery_key};
use crate::discovery::progress::ProgressMode;
use crate::discovery::shared::SharedCache;
use crate::discovery::{self, Discovered};
use crate::front::lowered;
use camino::{Utf8Path, Utf8PathBuf};
use salsa::Setter;
use std::collections::HashMap;
use std::sync::Arc;

pub(super) use crate::discovery::probe_local_channels;

/// Where a spec's registry stands for its current text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Registered {
    /// Compiled against the attached registry.
    Yes,
    /// The spec does not lower, so discovery was not asked: report the lowering errors.
    LoweringErrors,
    /// Discovery failed (reported): report the lowering diagnostics only.
    DiscoveryFailed,
}

/// The outcome of attaching a spec to its registry, kept by the caller with the spec and
/// handed back on the next attach (so an unchanged key is not obtained again).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Attachment {
    pub registered: Registered,
    /// The discovery key the attached registry was obtained for (discovery only).
    pub key: Option<DiscoveryKey>,
}

impl Default for Attachment {
    fn default() -> Self {
        Self {
            registered: Registered::LoweringErrors,
            key: None,
        }
    }
}

impl Attachment {
    fn yes(key: Option<DiscoveryKey>) -> Self {
        Self {
            registered: Registered::Yes,
            key,
        }
    }

    fn with(&self, registered: Registered) -> Self {
        Self {
            registered,
            key: self.key.clone(),
        }
    }

    /// Whether discovery failed for this spec.
    pub fn failed(&self) -> bool {
        self.registered == Registered::DiscoveryFailed
    }
}

/// The spec being attached: its workflow, its absolute path (where its lock file is) and
/// the path as shown to the user.
#[derive(Clone, Copy)]
pub(super) struct SpecRef<'a> {
    pub wf: Workflow,
    pub abs: &'a Utf8Path,
    pub shown: &'a Utf8Path,
}

/// The registry source chosen on the command line.
pub(super) enum Source {
    /// `--registry` / `--python-env`: one result for every spec.
    Fixed(Discovered),
    /// Lock file → cache → fresh discovery, per discovery key.
    Discover(discovery::Settings),
}

/// Why the registry source named on the command line cannot be used.
#[derive(Debug, thiserror::Error)]
pub(super) enum SourceError {
    #[error(transparent)]
    Files(#[from] discovery::RegistryFilesError),
    #[error(transparent)]
    PythonEnv(#[from] discovery::DiscoveryError),
}

pub(super) fn source(
    args: &DiscoveryArgs,
    locked: bool,
    quiet: bool,
    reads: &Reads,
) -> Result<Source, SourceError> {
    let mode = ProgressMode::detect(args.no_progress, quiet);
    if let Some(r) = &args.given.registry {
        record_registry_files(args, reads);
        return discovery::from_files(
            r.as_std_path(),
            args.given.solved.as_deref().map(Utf8Path::as_std_path),
        )
        .map(Source::Fixed)
        .map_err(SourceError::from);
    }
    if let Some(p) = &args.given.python_env {
        return discovery::from_python_env(p.as_std_path(), mode)
            .map(Source::Fixed)
            .map_err(SourceError::from);
    }
    let mut settings = discovery::Settings::new(args.given.cache_dir.clone().map(Into::into), mode);
    settings.refresh = args.refresh_discovery;
    settings.locked = locked;
    settings.no_discover = args.no_discover;
    settings.shared = open_shared(&args.shared);
    Ok(Source::Discover(settings))
}

/// The shared cache of `--cache-url`, if any; one that cannot be opened is a warning
/// (discovery proceeds without it).
pub(super) fn open_shared(args: &SharedCacheArgs) -> Option<Arc<SharedCache>> {
    let config = args.config()?;
    match SharedCache::open(&config) {
        Ok(s) => Some(Arc::new(s)),
        Err(e) => {
            warn(format!("shared discovery cache not used: {e}"));
            None
        }
    }
}

/// The registry source and what it answered: one input for `--registry` /
/// `--python-env`, else one input per discovery key (specs with the same requirements
/// share it, and discovery runs once per key).
pub(super) struct Registries {
    source: Source,
    /// The input of a fixed source.
    fixed: Option<RegistryInput>,
    /// Registries from the cache or a fresh discovery, shared by every spec of the key.
    by_key: HashMap<DiscoveryKey, RegistryInput>,
    /// Registries read from a spec's own lock file. Two specs with the same discovery
    /// inputs may have been locked at different times (a channel moved on in between), so
    /// each lock file's registry is its own input, never shared through the key.
    by_lock: HashMap<Utf8PathBuf, RegistryInput>,
    /// Where the lock files consulted are recorded.
    reads: Reads,
    /// Keys whose discovery failed, with the spec that reported it (not retried until
    /// [`Registries::retry_failed`]).
    failed_keys: HashMap<DiscoveryKey, Utf8PathBuf>,
    quiet: bool,
}

impl Registries {
    pub fn new(db: &Database, source: Source, quiet: bool, reads: Reads) -> Self {
        let fixed = match &source {
            Source::Fixed(d) => Some(RegistryInput::new(db, d.registry.clone(), d.solved.clone())),
            Source::Discover(_) => None,
        };
        Self {
            source,
            fixed,
            by_key: HashMap::new(),
            by_lock: HashMap::new(),
            reads,
            failed_keys: HashMap::new(),
            quiet,
        }
    }

    /// The source chosen on the command line.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Point `spec` at the registry for its current text: the fixed one, or the one of its
    /// discovery key (discovered when the key is new). A spec that does not lower is not
    /// discovered for. `prev` is the spec's previous attachment. A failed discovery is
    /// reported, and the outcome says so.
    pub fn attach(
        &mut self,
        db: &mut Database,
        spec: SpecRef<'_>,
        prev: &Attachment,
    ) -> Attachment {
        let settings = match &self.source {
            Source::Fixed(_) => {
                if let Some(input) = self.fixed {
                    update_workflow_registry(db, spec.wf, input);
                }
                return Attachment::yes(prev.key.clone());
            }
            Source::Discover(settings) => settings,
        };
        if lowered(db, spec.wf)
            .diagnostics
            .iter()
            .any(Diagnostic::is_error)
        {
            // Report the spec's own errors first; discovery would be wasted.
            return prev.with(Registered::LoweringErrors);
        }
        let key = discovery_key(db, spec.wf).clone();
        if prev.key.as_ref() == Some(&key) && !prev.failed() {
            // Still attached to this key's registry.
            return Attachment::yes(Some(key));
        }
        // A spec with its own lock file is answered by it (see `by_lock`).
        let has_lock = self.record_lock(spec).exists();
        if let Some(input) = self.by_key.get(&key).filter(|_| !has_lock) {
            update_workflow_registry(db, spec.wf, *input);
            return Attachment::yes(Some(key));
        }
        if let Some(first) = self.failed_keys.get(&key).filter(|_| !has_lock) {
            let _ = fail(format!(
                "{}: task discovery failed (same discovery inputs as `{first}`, see above)",
                spec.shown
            ));
            return prev.with(Registered::DiscoveryFailed);
        }
        match obtain(db, spec, &key, settings) {
            Ok((d, origin)) => {
                let (input, news) = self.input_for(db, spec, &key, &origin, d);
                if news && !self.quiet {
                    report_origin(spec.shown, &key, &origin);
                }
                update_workflow_registry(db, spec.wf, input);
                Attachment::yes(Some(key))
            }
            Err(e) => {
                let _ = fail(format!("{}: {e}", spec.shown));
                if !e.is_lock_problem() {
                    // Another spec's own lock file may still answer for this key.
                    self.failed_keys.insert(key, spec.shown.to_owned());
                }
                prev.with(Registered::DiscoveryFailed)
            }
        }
    }

    /// Record (and return) `spec`'s lock file, which registries from discovery consult.
    fn record_lock(&self, spec: SpecRef<'_>) -> std::path::PathBuf {
        let lock = lock_path(spec.abs.as_std_path());
        if let Some(path) = Utf8Path::from_path(&lock) {
            self.reads.record(path, Role::Lock(spec.abs.to_owned()));
        }
        lock
    }

    /// Forget failed discoveries, so the next [`Registries::attach`] tries again (watch:
    /// the network or a local channel may be back).
    pub fn retry_failed(&mut self) {
        self.failed_keys.clear();
    }

    /// `spec`'s lock file changed: obtain its key's registry again (lock file → cache →
    /// discovery) and give the key's input the result unless it is equal. Returns the new
    /// attachment and whether the registry changed (`true` after reporting a failure, so
    /// the failure is shown for the spec).
    pub fn refresh(
        &mut self,
        db: &mut Database,
        spec: SpecRef<'_>,
        prev: &Attachment,
    ) -> (Attachment, bool) {
        let (Source::Discover(settings), Some(key)) = (&self.source, prev.key.clone()) else {
            let attached = self.attach(db, spec, prev);
            let changed = attached.registered == Registered::Yes;
            return (attached, changed);
        };
        self.record_lock(spec);
        match obtain(db, spec, &key, settings) {
            Ok((d, origin)) => {
                let before = *spec.wf.registry(db);
                let (registry, solved) = (before.registry(db).clone(), before.solved(db).clone());
                let (input, _) = self.input_for(db, spec, &key, &origin, d);
                update_workflow_registry(db, spec.wf, input);
                let changed = *input.registry(db) != registry || *input.solved(db) != solved;
                if changed && !self.quiet {
                    report_origin(spec.shown, &key, &origin);
                }
                (Attachment::yes(Some(key)), changed)
            }
            Err(e) => {
                let _ = fail(format!("{}: {e}", spec.shown));
                (prev.with(Registered::DiscoveryFailed), true)
            }
        }
    }

    /// The input that holds `d` for `spec`: its lock file's own input when `d` came from
    /// the lock file, else the key's shared one (created, or updated unless equal). Also
    /// whether that is news (a new input, or a changed registry).
    fn input_for(
        &mut self,
        db: &mut Database,
        spec: SpecRef<'_>,
        key: &DiscoveryKey,
        origin: &discovery::Origin,
        d: Discovered,
    ) -> (RegistryInput, bool) {
        let slot = match origin {
            discovery::Origin::Lock(_) => self.by_lock.get(spec.abs).copied(),
            _ => self.by_key.get(key).copied(),
        };
        let (input, news) = match slot {
            Some(input) => (input, update_registry(db, input, d.registry, d.solved)),
            None => (RegistryInput::new(db, d.registry, d.solved), true),
        };
        match origin {
            discovery::Origin::Lock(_) => self.by_lock.insert(spec.abs.to_owned(), input),
            _ => self.by_key.insert(key.clone(), input),
        };
        (input, news)
    }

    /// `--registry` / `--solved` changed on disk: read them again and give the fixed input
    /// the result unless it is equal. Returns whether it changed; an unreadable or invalid
    /// document is an error (the previous one stays in use).
    pub fn reload_files(
        &mut self,
        db: &mut Database,
        args: &DiscoveryArgs,
    ) -> Result<bool, discovery::RegistryFilesError> {
        let (Some(registry), Some(input)) = (&args.given.registry, self.fixed) else {
            return Ok(false);
        };
        record_registry_files(args, &self.reads);
        let d = discovery::from_files(
            registry.as_std_path(),
            args.given.solved.as_deref().map(Utf8Path::as_std_path),
        )?;
        let changed = update_registry(db, input, d.registry.clone(), d.solved.clone());
        self.source = Source::Fixed(d);
        Ok(changed)
    }
}

/// Record `--registry` / `--solved` as read.
fn record_registry_files(args: &DiscoveryArgs, reads: &Reads) {
    for p in args.given.registry.iter().chain(&args.given.solved) {
        reads.record(&super::specs::absolute(p), Role::RegistryFile);
    }
}

/// Obtain the registry for `spec`'s discovery `key`: its lock file → the cache → fresh
/// discovery.
fn obtain(
    db: &Database,
    spec: SpecRef<'_>,
    key: &DiscoveryKey,
    settings: &discovery::Settings,
) -> Result<(Discovered, discovery::Origin), discovery::DiscoveryError> {
    let inputs = discovery_inputs(db, spec.wf).clone();
    let lock = lock_path(spec.abs.as_std_path());
    let req = discovery::Request {
        inputs: &inputs,
        key,
        lock: Some(&lock),
        label: spec.shown.as_str(),
    };
    discovery::obtain(&req, settings, &mut |w| warn(w))
}

/// Point a workflow at a registry input unless it already has an equal one (a setter
/// always bumps the revision, so unchanged results are not set again).
fn update_workflow_registry(db: &mut Database, wf: Workflow, input: RegistryInput) {
    let current = *wf.registry(db);
    if current == input {
        return;
    }
    let same = current.registry(db) == input.registry(db) && current.solved(db) == input.solved(db);
    if !same {
        wf.set_registry(db).to(input);
    }
}

pub(super) fn report_origin(spec: &Utf8Path, key: &DiscoveryKey, origin: &discovery::Origin) {
    let what = match origin {
        discovery::Origin::Lock(p) => format!("from lock file {}", p.display()),
        discovery::Origin::Cache(_) => "from the discovery cache".to_string(),
        discovery::Origin::Shared(url) => format!("from the shared cache {url}"),
        discovery::Origin::Fresh => "discovered".to_string(),
        discovery::Origin::PythonEnv(p) => format!("from environment {}", p.display()),
    };
    eprintln!("wtc: {spec}: task registry {what} (key {})", key.short());
}
