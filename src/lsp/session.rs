//! The server's state: one salsa database holding every open spec (the editor's unsaved
//! text, never the disk's), each spec's line index, its last model that parsed (for
//! completion on half-typed YAML), and where its registry stands.

use super::positions::Lines;
use super::registry::{Attach, Config, Loaded, Registries, placeholder};
use crate::db::{Database, OverridesFile, RegistryInput, SharedInputs, Workflow, WorkflowBuilder};
use crate::dependencies::load::{load, reload};
use crate::diagnostics::Code;
use crate::discovery::plan::inputs::host_platform;
use crate::discovery::plan::key::DiscoveryKey;
use crate::discovery::plan::{discovery_inputs, discovery_key};
use crate::discovery::probe_local_channels;
use crate::discovery::progress::ProgressMode::Silent;
use crate::front::{lowered, spec_model};
use crate::registry::Registry;
use crate::spec::model::Spec;
use crossbeam_channel::Sender;
use lsp_types::{TextDocumentContentChangeEvent, Url};
use salsa::Setter;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// One open spec.
#[derive(Clone)]
pub struct Document {
    pub wf: Workflow,
    pub version: i32,
    pub lines: Lines,
    /// The file the spec is (its lock file is beside it).
    pub path: PathBuf,
    /// A registry answers for the spec: registry-dependent features and diagnostics are on.
    pub registered: bool,
    /// The discovery key the spec was last attached for.
    pub key: Option<DiscoveryKey>,
    /// The model of the last text that parsed as YAML.
    pub last_good: Option<Arc<Spec>>,
}

/// What a request reads: a handle on the database and the open documents. The session
/// keeps one ([`Session::view`], for the main loop); [`Session::snapshot`] clones it for a
/// background job (a salsa handle on the same storage: a write on the main loop cancels
/// the job's queries, which unwind with `salsa::Cancelled`).
#[derive(Clone)]
pub struct Snapshot {
    pub db: Database,
    docs: BTreeMap<Url, Arc<Document>>,
    /// Where the `wtc explain` texts were written (see [`super::explain`]).
    pub explain: Option<Url>,
}

impl Snapshot {
    #[must_use]
    pub fn doc(&self, uri: &Url) -> Option<&Document> {
        self.docs.get(uri).map(AsRef::as_ref)
    }

    /// The open documents' URIs.
    #[must_use]
    pub fn uris(&self) -> Vec<Url> {
        self.docs.keys().cloned().collect()
    }

    /// The task registry of `doc`, once one is attached (`None` until then).
    #[must_use]
    pub fn registry(&self, doc: &Document) -> Option<Arc<Registry>> {
        doc.registered
            .then(|| doc.wf.registry(&self.db).registry(&self.db).clone())
    }

    /// The current text of `doc`.
    #[must_use]
    pub fn text<'a>(&'a self, doc: &Document) -> &'a str {
        doc.wf.spec(&self.db).text(&self.db)
    }
}

/// The database and the open documents.
pub struct Session {
    view: Snapshot,
    shared: SharedInputs,
    empty: RegistryInput,
    pub registries: Registries,
    /// The env-overrides file once it could be read.
    overrides: Option<OverridesFile>,
    /// Why the env-overrides file could not be read at start-up (for the user).
    pub overrides_error: Option<String>,
}

impl Session {
    #[must_use]
    pub fn new(config: Config, done: Sender<Loaded>) -> Self {
        let mut db = Database::default();
        let loaded = config
            .env_overrides
            .as_deref()
            .map(|p| load(&mut db, &overrides_path(p)).map_err(|e| e.to_string()));
        let (overrides, overrides_error) = match loaded {
            Some(Ok(file)) => (Some(file), None),
            Some(Err(e)) => (None, Some(e)),
            None => (None, None),
        };
        // As `compile` does, so discovery keys (and lock files) agree with it.
        let shared = WorkflowBuilder::new()
            .wt_conda_channel(std::env::var("WT_CONDA_CHANNEL").unwrap_or_default())
            .pixi_version(std::env::var("PIXI_VERSION").unwrap_or_default())
            .platform(host_platform())
            .env_overrides(overrides)
            .shared(&db);
        let empty = placeholder(&db);
        let cache = crate::discovery::Settings::new(config.cache_dir.clone(), Silent).cache_root;
        let explain = cache.as_deref().and_then(super::explain::write_all);
        Self {
            view: Snapshot {
                db,
                docs: BTreeMap::new(),
                explain,
            },
            shared,
            empty,
            registries: Registries::new(config, done),
            overrides,
            overrides_error,
        }
    }

    /// The env-overrides file's absolute path, if one is configured.
    #[must_use]
    pub fn overrides_path(&self) -> Option<camino::Utf8PathBuf> {
        self.registries
            .config()
            .env_overrides
            .as_deref()
            .map(overrides_path)
    }

    /// The env-overrides file changed on disk: read it again (or for the first time).
    /// Returns whether the database changed, or why the file could not be read (the
    /// previous contents stay in place).
    pub fn reload_overrides(&mut self) -> Result<bool, String> {
        let Some(path) = self.overrides_path() else {
            return Ok(false);
        };
        if let Some(file) = self.overrides {
            return reload(&mut self.view.db, file).map_err(|e| e.to_string());
        }
        let file = load(&mut self.view.db, &path).map_err(|e| e.to_string())?;
        self.shared
            .options
            .set_env_overrides(&mut self.view.db)
            .to(Some(file));
        self.overrides = Some(file);
        Ok(true)
    }

    /// What the main loop reads (no clone).
    #[must_use]
    pub fn view(&self) -> &Snapshot {
        &self.view
    }

    /// A handle for a background job (drop it before the main loop writes again, or the
    /// write waits for it: a job's queries unwind at the write, so that wait is short).
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        self.view.clone()
    }

    #[must_use]
    pub fn doc(&self, uri: &Url) -> Option<&Document> {
        self.view.doc(uri)
    }

    /// The open documents' URIs.
    #[must_use]
    pub fn uris(&self) -> Vec<Url> {
        self.view.uris()
    }

    /// The document `uri`, to change (cloned first when a snapshot still shares it).
    fn doc_mut(&mut self, uri: &Url) -> Option<&mut Document> {
        self.view.docs.get_mut(uri).map(Arc::make_mut)
    }

    /// A spec was opened with `text`.
    pub fn open(&mut self, uri: Url, text: String, version: i32) {
        let path = uri
            .to_file_path()
            .unwrap_or_else(|()| PathBuf::from(uri.path()));
        let shown = camino::Utf8PathBuf::from(path.to_string_lossy().into_owned());
        let lines = Lines::new(&text);
        let wf = self.shared.workflow(&self.view.db, shown, text);
        wf.set_registry(&mut self.view.db).to(self.empty);
        let doc = Document {
            wf,
            version,
            lines,
            path,
            registered: false,
            key: None,
            last_good: None,
        };
        self.view.docs.insert(uri.clone(), Arc::new(doc));
        self.after_edit(&uri);
    }

    /// Apply the editor's changes (whole text or ranges) to a spec.
    pub fn change(
        &mut self,
        uri: &Url,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) {
        let Some(doc) = self.view.docs.get(uri) else {
            return;
        };
        let mut text = doc.wf.spec(&self.view.db).text(&self.view.db).clone();
        let mut lines = doc.lines.clone();
        for change in changes {
            match change.range {
                Some(range) => {
                    let span = lines.span(&text, range);
                    text.replace_range(span.start..span.end, &change.text);
                }
                None => text = change.text,
            }
            lines = Lines::new(&text);
        }
        let wf = doc.wf;
        wf.spec(&self.view.db).set_text(&mut self.view.db).to(text);
        if let Some(doc) = self.doc_mut(uri) {
            doc.version = version;
            doc.lines = lines;
        }
        self.after_edit(uri);
    }

    /// A spec was closed.
    pub fn close(&mut self, uri: &Url) {
        self.view.docs.remove(uri);
    }

    /// Remember the model when the text parses.
    fn after_edit(&mut self, uri: &Url) {
        let Some(doc) = self.view.docs.get(uri) else {
            return;
        };
        let parsed = !lowered(&self.view.db, doc.wf)
            .diagnostics
            .iter()
            .any(|d| d.code == Code::YamlSyntax);
        if parsed {
            let spec = spec_model(&self.view.db, doc.wf).clone();
            if let Some(doc) = self.doc_mut(uri) {
                doc.last_good = Some(spec);
            }
        }
    }

    /// Point the spec at its registry (starting a load when needed); `Attach` says how it
    /// stands. A spec whose text does not lower keeps its previous registry.
    pub fn attach(&mut self, uri: &Url) -> Option<Attach> {
        let doc = self.view.docs.get(uri)?;
        let wf = doc.wf;
        let attach = if self.registries.is_fixed() {
            self.registries.fixed()
        } else {
            if lowered(&self.view.db, wf)
                .diagnostics
                .iter()
                .any(|d| d.is_error())
            {
                return None;
            }
            // The local `file://` channels that exist, as `compile` probes them (so the
            // key, and the lock file it finds, agree with `compile`'s).
            probe_local_channels(&mut self.view.db, self.shared.host, &[wf]);
            let key = discovery_key(&self.view.db, wf).clone();
            let inputs = discovery_inputs(&self.view.db, wf).clone();
            let path = doc.path.clone();
            if let Some(doc) = self.doc_mut(uri) {
                doc.key = Some(key.clone());
            }
            self.registries.for_key(&key, &inputs, &path)
        };
        if let Attach::Ready(input) = &attach {
            if *wf.registry(&self.view.db) != *input {
                wf.set_registry(&mut self.view.db).to(*input);
            }
            if let Some(doc) = self.doc_mut(uri) {
                doc.registered = true;
            }
        }
        Some(attach)
    }

    /// Give the spec `uri` the registry `d` for its discovery key as if discovery had
    /// answered it (benchmarks and tests of many specs, without the network).
    pub fn preload(&mut self, uri: &Url, d: crate::discovery::Discovered) {
        let Some(doc) = self.view.docs.get(uri) else {
            return;
        };
        let wf = doc.wf;
        probe_local_channels(&mut self.view.db, self.shared.host, &[wf]);
        let key = discovery_key(&self.view.db, wf).clone();
        let loaded = Loaded {
            want: super::registry::Want::Key(key),
            result: Ok(d),
        };
        self.registries.finish(&mut self.view.db, loaded);
        self.attach(uri);
    }

    /// A background load finished: attach every spec it answers for. Returns the specs
    /// whose registry changed and the failure message, if it failed.
    pub fn loaded(&mut self, loaded: Loaded) -> (Vec<Url>, Option<String>) {
        let failure = loaded.result.as_ref().err().cloned();
        let (input, _) = self.registries.finish(&mut self.view.db, loaded);
        if input.is_none() {
            return (Vec::new(), failure);
        }
        let uris = self.uris();
        let mut touched = Vec::new();
        for uri in uris {
            if matches!(self.attach(&uri), Some(Attach::Ready(_))) {
                touched.push(uri);
            }
        }
        (touched, None)
    }

    /// The specs whose lock file is `lock` (a changed `wtc.lock`): forget their key's
    /// registry so the next attach reads the lock file again.
    pub fn lock_changed(&mut self, lock: &std::path::Path) -> Vec<Url> {
        let mut out = Vec::new();
        for (uri, doc) in &self.view.docs {
            if doc.path.parent() == lock.parent() {
                if let Some(key) = &doc.key {
                    self.registries.forget_key(key);
                }
                out.push(uri.clone());
            }
        }
        out
    }
}

/// `path` absolute (from the server's working directory) with symlinks resolved, as
/// `compile` takes `--env-overrides`.
fn overrides_path(path: &std::path::Path) -> camino::Utf8PathBuf {
    let path = camino::Utf8PathBuf::from(path.to_string_lossy().into_owned());
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| camino::Utf8PathBuf::from_path_buf(d).ok())
        .unwrap_or_else(|| "/".into());
    crate::dependencies::load::resolve_from(&path, &cwd)
}
