//! Lowering: spanned YAML tree → [`Spec`] + requirements, checking every registry-independent
//! rule of the spec grammar. All independent errors are collected, not just the first.
//!
//! One module per part of the grammar: `ids`, `entry` (groups and task instances),
//! `value` (arguments and references), `map`, `skipif`, `overrides` (`rjsf-overrides`),
//! `metadata`.

use crate::diagnostics::{Code, Diagnostic};
use crate::spec::fields::{Fields, Sink};
use crate::spec::model::*;
use crate::spec::requirements::{Requirement, lower_requirements};
use crate::syntax::span::Span;
use crate::syntax::yaml::{Node, NodeKind};

mod entry;
mod ids;
mod map;
mod metadata;
mod overrides;
mod skipif;
mod value;

use entry::lower_entry;
/// The keys of a task instance and of a task group.
pub use entry::{GROUP_KEYS, TASK_KEYS};
pub use ids::{IdProblem, check_spec_id, check_task_id};
use ids::{NameKind, check_name};
/// The keys of a `map` / `mapvalues` block.
pub use map::MAP_KEYS;
use metadata::check_metadata;
use overrides::lower_overrides;
pub use overrides::yaml_to_json;
/// The keys of a `skipif` block.
pub use skipif::SKIPIF_KEYS;
use skipif::lower_skipif;
pub use value::{ReferenceError, parse_reference};

pub const TOP_LEVEL_KEYS: &[&str] = &[
    "id",
    "requirements",
    "metadata",
    "rjsf-overrides",
    "task-instance-defaults",
    "workflow",
];

pub const MAX_SPEC_ID_LEN: usize = 64;
pub const MAX_TASK_ID_LEN: usize = 32;

/// Result of lowering one spec file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lowered {
    pub spec: Spec,
    pub requirements: Vec<Requirement>,
    /// `requirements:` is present (the reference refuses to discover tasks without it).
    pub has_requirements: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lower a parsed YAML document.
pub fn lower(root: &Node, wt_conda_channel: &str) -> Lowered {
    lower_with(
        root,
        wt_conda_channel,
        &mut |items, default_skipif, diags| {
            let mut sink = Sink {
                diags: std::mem::take(diags),
            };
            let entries = items
                .iter()
                .filter_map(|item| lower_entry(&mut sink, item, default_skipif, true))
                .collect();
            *diags = sink.diags;
            entries
        },
    )
}

/// How [`lower_with`] lowers the `workflow:` items: given the items, the default `skipif`
/// and the diagnostics so far (to append to), the entries.
pub type ItemsLowering<'a> =
    dyn FnMut(&[Node], Option<&SkipIf>, &mut Vec<Diagnostic>) -> Vec<WorkflowEntry> + 'a;

/// One top-level `workflow:` item lowered on its own, as [`lower`] lowers it in the
/// document: its entry (none if it is invalid) and its diagnostics. `default_skipif` is
/// what instances without a `skipif` of their own get.
pub fn lower_item(
    node: &Node,
    default_skipif: Option<&SkipIf>,
) -> (Option<WorkflowEntry>, Vec<Diagnostic>) {
    let mut sink = Sink::default();
    let entry = lower_entry(&mut sink, node, default_skipif, true);
    (entry, sink.diags)
}

/// [`lower`] with the `workflow:` items lowered by `items` (the front end lowers them one
/// by one, memoized): the rest of the document is lowered here, in the same order.
pub fn lower_with(root: &Node, wt_conda_channel: &str, items: &mut ItemsLowering<'_>) -> Lowered {
    let mut sink = Sink::default();
    let mut spec = Spec {
        id: Spanned::new(String::new(), Span::default()),
        rjsf_overrides: RjsfOverrides::default(),
        default_skipif: None,
        workflow: Vec::new(),
    };
    let mut requirements = Vec::new();
    let mut has_requirements = false;

    let Some(mut top) = (match &root.kind {
        NodeKind::Map(entries) => Some(Fields::new(entries, root.span)),
        _ => None,
    }) else {
        sink.push(
            Diagnostic::error(
                Code::InvalidType,
                format!("a spec must be a mapping, found {}", root.kind_name()),
            )
            .at(
                root.span,
                "expected keys such as `id`, `requirements` and `workflow`",
            ),
        );
        return Lowered {
            spec,
            requirements,
            has_requirements,
            diagnostics: sink.diags,
        };
    };

    if let Some(id) = top.require(&mut sink, "id", "the spec")
        && let Some(id) = sink.str(id, "`id`")
    {
        check_name(&mut sink, &id, NameKind::Spec);
        spec.id = id;
    }
    if let Some(reqs) = top.take("requirements") {
        has_requirements = true;
        requirements = lower_requirements(&mut sink, reqs, wt_conda_channel);
    } else {
        sink.push(
            Diagnostic::error(Code::MissingKey, "the spec is missing required key `requirements`")
                .at(top.first_line_span(), "`requirements` is required")
                .with_help("requirements are needed to discover tasks; write `requirements: []` if there are none"),
        );
    }
    if let Some(meta) = top.take("metadata") {
        check_metadata(&mut sink, meta);
    }
    if let Some(o) = top.take("rjsf-overrides") {
        spec.rjsf_overrides = lower_overrides(&mut sink, o);
    }
    if let Some(d) = top.take("task-instance-defaults")
        && !d.is_null()
        && let Some(mut f) = sink.map(d, "`task-instance-defaults`")
    {
        if let Some(s) = f.take("skipif") {
            spec.default_skipif = lower_skipif(&mut sink, s);
        }
        f.finish(&mut sink, "`task-instance-defaults`", &["skipif"]);
    }
    if let Some(wf) = top.require(&mut sink, "workflow", "the spec")
        && let Some(nodes) = sink.seq(wf, "`workflow`")
    {
        spec.workflow = items(nodes, spec.default_skipif.as_ref(), &mut sink.diags);
    }
    top.finish(&mut sink, "the spec", TOP_LEVEL_KEYS);
    Lowered {
        spec,
        requirements,
        has_requirements,
        diagnostics: sink.diags,
    }
}
