//! The salsa database: inputs and the tracked queries that connect them.
//!
//! ```text
//! SpecFile{path,text} ─┐
//! Options ─────────────┤
//! Host ────────────────┼─ Workflow ── lowered ──┬─ spec_model ──┐
//! RegistryInput ───────┘                        └─ spec_requirements (backdates on workflow edits)
//!                                                    └─ merged_default_feature ─ discovery_inputs ─ discovery_key
//!                                 resolution(spec_model, registry) ─ task_nodes ─ task_fragment (per task)
//! TemplateDir{path,files} ─ templates::user::user_source (per template name) ─ templated artifacts
//! OverridesFile{path,text,fs} ─ overrides::parsed ─ overrides::resolved ─┐
//!                 spec_requirements × solved × variant ───── merge::layers ─ pixi_toml
//!                                 artifacts::* (one tracked fn per file) ─ package
//! ```
//! Every tracked function is pure; the file system and subprocesses stay in `cli`/`output`.

use crate::dependencies::overrides::OverridesFile;
use crate::diagnostics::Diagnostic;
use crate::discovery::inputs::{DefaultFeature, DiscoveryInputs, FeatureConda};
use crate::discovery::key::{DiscoveryKey, discovery_key as hash_inputs};
use crate::registry::{KnownTask, Registry};
use crate::resolve::{Resolution, ResolvedTask, resolve};
use crate::schema::{Fragment, task_fragment as build_fragment};
use crate::spec::lower::{Lowered, lower};
use crate::spec::model::Spec;
use crate::spec::requirements::Requirement;
use crate::syntax::yaml;
use crate::templates::user::TemplateDir;
use camino::Utf8PathBuf;
use std::collections::BTreeSet;
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

/// The requirements without spans: what the dependency layers, pixi.toml, the
/// Dockerfile and discovery read, so an edit that only moves `requirements:` (a comment
/// above it) recomputes none of them.
#[salsa::tracked(returns(ref))]
pub fn requirement_values(db: &dyn Db, wf: Workflow) -> Arc<Vec<Requirement>> {
    Arc::new(
        spec_requirements(db, wf)
            .iter()
            .map(Requirement::without_span)
            .collect(),
    )
}

/// The merged `default` feature folded into discovery (`dependencies.md` §1.2): Layer A
/// `default` minus the spec's requirement names, then the `--env-overrides` `default`
/// section; no variant. It does not read the solved records, so discovery's own result
/// never re-keys discovery.
#[salsa::tracked(returns(ref))]
pub fn merged_default_feature(db: &dyn Db, wf: Workflow) -> Arc<DefaultFeature> {
    use crate::dependencies::{Feature, defaults::defaults, merge, overrides};
    let requirements = requirement_values(db, wf);
    let empty = crate::dependencies::FeatureDeps::default();
    let declared = wf.options(db).env_overrides(db).map(|f| {
        overrides::resolved(db, f)
            .file
            .feature(Feature::Default)
            .clone()
    });
    let merged = merge::merge_feature(
        defaults().feature(Feature::Default),
        declared.as_ref().unwrap_or(&empty),
        &merge::suppressed(requirements, &[], Feature::Default),
        "",
    );
    Arc::new(DefaultFeature {
        conda: merged
            .conda
            .into_iter()
            .map(|d| FeatureConda {
                name: d.name,
                version: d.version,
                channel: d.channel,
            })
            .collect(),
        pypi: merged.pypi,
    })
}

/// What discovery solves, installs and runs (`discovery.md` §2). Depends only on the
/// requirements, the merged default feature, `$WT_CONDA_CHANNEL` and the host, so edits
/// to `workflow:` never reach it.
#[salsa::tracked(returns(ref))]
pub fn discovery_inputs(db: &dyn Db, wf: Workflow) -> Arc<DiscoveryInputs> {
    let host = wf.host(db);
    let present = host.local_channels(db);
    Arc::new(crate::discovery::inputs::discovery_inputs(
        requirement_values(db, wf),
        merged_default_feature(db, wf),
        wf.options(db).wt_conda_channel(db),
        host.platform(db),
        &|url| present.contains(url),
    ))
}

/// The discovery key: the hash of [`discovery_inputs`]; the cache and lock file index.
#[salsa::tracked(returns(ref))]
pub fn discovery_key(db: &dyn Db, wf: Workflow) -> DiscoveryKey {
    hash_inputs(discovery_inputs(db, wf))
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
    /// The resolved task without spans: equal across edits that only move it.
    #[tracked]
    #[returns(ref)]
    pub task: Arc<ResolvedTask>,
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
            let task = ResolvedTask {
                instance: Arc::new(t.instance.without_spans()),
                known: t.known.clone(),
                conditions: t.conditions.clone(),
            };
            TaskNode::new(
                db,
                t.instance.id.value.clone(),
                Arc::new(input),
                Arc::new(task),
            )
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
