//! The salsa database: inputs and the tracked queries that connect them.
//!
//! ```text
//! SpecFile{path,text} ─┐
//! Options ─────────────┼─ Workflow ── lowered ──┬─ spec_model ──┐
//! RegistryInput ───────┘                        └─ spec_requirements (backdates on workflow edits)
//!                                 resolution(spec_model, registry) ─ task_nodes ─ task_fragment (per task)
//! OverridesFile{path,text,fs} ─ overrides::parsed ─ overrides::resolved ─┐
//!                 spec_requirements × solved × variant ───── merge::layers ─ pixi_toml
//!                                 artifacts::* (one tracked fn per file) ─ package
//! ```
//! Every tracked function is pure; the file system and subprocesses stay in `cli`/`output`.

use crate::dependencies::overrides::OverridesFile;
use crate::diagnostics::Diagnostic;
use crate::registry::{KnownTask, Registry};
use crate::resolve::{Resolution, resolve};
use crate::schema::{Fragment, task_fragment as build_fragment};
use crate::spec::lower::{Lowered, lower};
use crate::spec::model::Spec;
use crate::spec::requirements::Requirement;
use crate::syntax::yaml;
use camino::Utf8PathBuf;
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
    /// `$PIXI_VERSION` at compile time (the Dockerfile installs that pixi; empty: latest).
    #[returns(ref)]
    #[default]
    pub pixi_version: String,
}

/// A spec compiled against a registry with options: the root of every artifact query.
#[salsa::input(debug)]
pub struct Workflow {
    pub spec: SpecFile,
    pub registry: RegistryInput,
    pub options: Options,
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

/// Parse and lower the spec text (syntax + registry-independent rules).
#[salsa::tracked(returns(ref))]
pub fn lowered(db: &dyn Db, wf: Workflow) -> Arc<Lowered> {
    let text = wf.spec(db).text(db);
    let channel = wf.options(db).wt_conda_channel(db);
    Arc::new(match yaml::parse(text) {
        Ok(root) => lower(&root, channel),
        Err(e) => Lowered {
            spec: Spec {
                id: crate::spec::model::Spanned::new(String::new(), Default::default()),
                rjsf_overrides: Default::default(),
                default_skipif: None,
                workflow: Vec::new(),
            },
            requirements: Vec::new(),
            has_requirements: true,
            diagnostics: vec![
                Diagnostic::error("yaml-syntax", format!("invalid YAML: {}", e.message))
                    .at(e.span, "here"),
            ],
        },
    })
}

/// The workflow part of the spec. Unchanged (backdated) when only `requirements:` changes.
#[salsa::tracked(returns(ref))]
pub fn spec_model(db: &dyn Db, wf: Workflow) -> Arc<Spec> {
    Arc::new(lowered(db, wf).spec.clone())
}

/// The requirements. Unchanged (backdated) when only `workflow:` changes, so discovery is
/// not re-keyed by workflow edits.
#[salsa::tracked(returns(ref))]
pub fn spec_requirements(db: &dyn Db, wf: Workflow) -> Arc<Vec<Requirement>> {
    Arc::new(lowered(db, wf).requirements.clone())
}

/// The spec resolved against the registry, with whole-workflow checks.
#[salsa::tracked(returns(ref))]
pub fn resolution(db: &dyn Db, wf: Workflow) -> Arc<Resolution> {
    let spec = spec_model(db, wf);
    let registry = wf.registry(db).registry(db);
    Arc::new(resolve(spec, registry))
}

/// Span-free inputs of one task's parameter-schema fragment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FragmentInput {
    pub name: String,
    pub omit: Vec<String>,
    pub known: Arc<KnownTask>,
}

/// One task instance, identified by its id across revisions.
#[salsa::tracked(debug)]
pub struct TaskNode<'db> {
    #[returns(ref)]
    pub id: String,
    #[tracked]
    #[returns(ref)]
    pub fragment_input: Arc<FragmentInput>,
}

/// Tracked per-task nodes, in flat order.
#[salsa::tracked(returns(ref))]
pub fn task_nodes(db: &dyn Db, wf: Workflow) -> Vec<TaskNode<'_>> {
    resolution(db, wf)
        .tasks
        .iter()
        .map(|t| {
            let input = FragmentInput {
                name: t.instance.name.clone(),
                omit: t
                    .instance
                    .omit_args()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                known: t.known.clone(),
            };
            TaskNode::new(db, t.instance.id.value.clone(), Arc::new(input))
        })
        .collect()
}

/// The parameter-schema fragment of one task.
#[salsa::tracked(returns(ref))]
pub fn task_fragment<'db>(
    db: &'db dyn Db,
    node: TaskNode<'db>,
) -> Result<Option<Arc<Fragment>>, String> {
    let input = node.fragment_input(db);
    build_fragment(&input.name, &input.omit, &input.known).map(|f| f.map(Arc::new))
}
