//! The front end as queries: the spec parsed and lowered, split into its workflow and
//! requirements parts (each backdating when only the other changes), resolved against the
//! registry, and cut into one tracked [`TaskNode`] per task instance.

use crate::db::{Db, Workflow};
use crate::diagnostics::{Code, Diagnostic};
use crate::registry::KnownTask;
use crate::resolve::{Resolution, ResolvedTask, resolve};
use crate::schema::{Fragment, FragmentError, task_fragment as build_fragment};
use crate::spec::lower::{Lowered, lower};
use crate::spec::model::Spec;
use crate::spec::requirements::Requirement;
use crate::syntax::yaml;
use std::sync::Arc;

mod pieces;
pub use pieces::{LoweredItem, Piece, PlacedItem, item_lowered, item_placed, skeleton_tree};

/// Parse and lower the spec text (syntax + registry-independent rules): piece by piece
/// when it has the plain shape (`front::pieces`: one memoized parse per `workflow:` item)
/// unless the command is one-shot (`Options::whole_parse`), else whole; the result is the
/// same.
#[salsa::tracked(returns(ref))]
pub fn lowered(db: &dyn Db, wf: Workflow) -> Arc<Lowered> {
    let text = wf.spec(db).text(db);
    let options = wf.options(db);
    let channel = options.wt_conda_channel(db);
    let pieces = match options.whole_parse(db) {
        true => None,
        false => pieces::lowered_in_pieces(db, text, channel),
    };
    Arc::new(pieces.unwrap_or_else(|| lowered_whole(text, channel)))
}

/// The spec text parsed whole and lowered (what [`lowered`] always equals).
#[must_use]
pub fn lowered_whole(text: &str, wt_conda_channel: &str) -> Lowered {
    match yaml::parse(text) {
        Ok(root) => lower(&root, wt_conda_channel),
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
                Diagnostic::error(Code::YamlSyntax, format!("invalid YAML: {}", e.message))
                    .at(e.span, "here"),
            ],
        },
    }
}

/// The workflow part of the spec. Unchanged (backdated) when only `requirements:` changes.
#[salsa::tracked(returns(ref))]
pub fn spec_model(db: &dyn Db, wf: Workflow) -> Arc<Spec> {
    Arc::new(lowered(db, wf).spec.clone())
}

/// The spec's `id` (backdates on every edit that keeps it).
#[salsa::tracked(returns(ref))]
pub fn spec_id(db: &dyn Db, wf: Workflow) -> String {
    spec_model(db, wf).id.value.clone()
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
    /// The resolved task, equal across edits that only move it (see [`SpanFree`]).
    #[tracked]
    #[returns(ref)]
    pub task: SpanFree,
}

/// A resolved task compared without its spans, so a [`TaskNode`] keeps its old value
/// (salsa backdates) when an edit only moves the task in the file. It shares the lowered
/// instance instead of holding a span-free copy of it (a large spec has hundreds of
/// thousands), so its spans are those of the revision that last changed the task: the
/// per-task queries that read it never look at spans, and nothing should.
#[derive(Clone, Debug)]
pub struct SpanFree(pub ResolvedTask);

impl PartialEq for SpanFree {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        (Arc::ptr_eq(&a.instance, &b.instance) || a.instance.same_but_spans(&b.instance))
            && a.known == b.known
            && a.conditions == b.conditions
    }
}

impl Eq for SpanFree {}

impl std::ops::Deref for SpanFree {
    type Target = ResolvedTask;
    fn deref(&self) -> &ResolvedTask {
        &self.0
    }
}

impl AsRef<ResolvedTask> for SpanFree {
    fn as_ref(&self) -> &ResolvedTask {
        &self.0
    }
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
            TaskNode::new(
                db,
                t.instance.id.value.clone(),
                Arc::new(input),
                SpanFree(t.clone()),
            )
        })
        .collect()
}

/// The parameter-schema fragment of one task.
#[salsa::tracked(returns(ref))]
pub fn task_fragment<'db>(
    db: &'db dyn Db,
    node: TaskNode<'db>,
) -> Result<Option<Arc<Fragment>>, FragmentError> {
    let input = node.fragment_input(db);
    build_fragment(&input.name, &input.omit, &input.known).map(|f| f.map(Arc::new))
}
