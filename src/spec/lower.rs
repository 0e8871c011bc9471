//! Lowering: spanned YAML tree → [`Spec`] + requirements, checking every registry-independent
//! rule of the spec grammar. All independent errors are collected, not just the first.

use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::spec::fields::{Fields, Sink, scalar_text};
use crate::spec::model::*;
use crate::spec::python_names::{
    NameProblem, check_variable_name, identifier_suggestion, is_identifier, is_keyword,
};
use crate::spec::requirements::{Requirement, lower_requirements};
use crate::syntax::span::Span;
use crate::syntax::yaml::{Node, NodeKind, Scalar};
use std::sync::Arc;

pub const TOP_LEVEL_KEYS: &[&str] = &[
    "id",
    "requirements",
    "metadata",
    "rjsf-overrides",
    "task-instance-defaults",
    "workflow",
];
const TASK_KEYS: &[&str] = &[
    "id",
    "name",
    "task",
    "partial",
    "map",
    "mapvalues",
    "skipif",
];
const GROUP_KEYS: &[&str] = &["type", "title", "description", "tasks"];
const SKIPIF_KEYS: &[&str] = &["conditions", "unpack_depth"];
const MAP_KEYS: &[&str] = &["argnames", "argvalues"];

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
        && let Some(items) = sink.seq(wf, "`workflow`")
    {
        for item in items {
            if let Some(entry) = lower_entry(&mut sink, item, spec.default_skipif.as_ref(), true) {
                spec.workflow.push(entry);
            }
        }
    }
    top.finish(&mut sink, "the spec", TOP_LEVEL_KEYS);
    Lowered {
        spec,
        requirements,
        has_requirements,
        diagnostics: sink.diags,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum NameKind {
    Spec,
    Task,
}

fn check_name(sink: &mut Sink, id: &Spanned<String>, kind: NameKind) {
    if let Err(p) = check_id(&id.value, kind) {
        sink.push(
            Diagnostic::error(Code::InvalidId, p.message)
                .at(id.span, p.label)
                .with_help_opt(p.help),
        );
    }
}

/// Why a workflow or task instance id is invalid: the message, a short label for the
/// span, and a suggestion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdProblem {
    pub message: String,
    pub label: &'static str,
    pub help: Option<String>,
}

/// The rules of the spec's `id:` (a Python identifier, not a keyword or built-in, at most
/// [`MAX_SPEC_ID_LEN`] characters), for other places that name a workflow (`wtc scaffold`).
pub fn check_spec_id(v: &str) -> Result<(), IdProblem> {
    check_id(v, NameKind::Spec)
}

fn check_id(v: &str, kind: NameKind) -> Result<(), IdProblem> {
    let (what, max) = match kind {
        NameKind::Spec => ("workflow id", MAX_SPEC_ID_LEN),
        NameKind::Task => ("task instance id", MAX_TASK_ID_LEN),
    };
    let problem = |message: String, label, help| {
        Err(IdProblem {
            message,
            label,
            help,
        })
    };
    match check_variable_name(v) {
        Some(NameProblem::NotIdentifier) => problem(
            format!("{what} `{v}` is not a valid Python identifier"),
            "not an identifier",
            identifier_suggestion(v)
                .map(|s| format!("use letters, digits and `_` only, e.g. `{s}`")),
        ),
        Some(NameProblem::Keyword) => problem(
            format!("{what} `{v}` is a Python keyword"),
            "reserved keyword",
            Some(format!("choose another name, e.g. `{v}_`")),
        ),
        Some(NameProblem::Builtin) => problem(
            format!("{what} `{v}` is a built-in Python name"),
            "shadows a Python built-in",
            Some(format!("choose another name, e.g. `{v}_value`")),
        ),
        None if v.chars().count() > max => problem(
            format!(
                "{what} `{v}` is too long: {} characters, the maximum is {max}",
                v.chars().count()
            ),
            "too long",
            None,
        ),
        None => Ok(()),
    }
}

fn lower_entry(
    sink: &mut Sink,
    node: &Node,
    default_skipif: Option<&SkipIf>,
    allow_group: bool,
) -> Option<WorkflowEntry> {
    let NodeKind::Map(entries) = &node.kind else {
        sink.push(
            Diagnostic::error(
                Code::InvalidWorkflowEntry,
                format!(
                    "a workflow entry must be a task instance or a task group, found {}",
                    node.kind_name()
                ),
            )
            .at(node.span, "expected a mapping")
            .with_help(
                "a task instance is a mapping with `id` and `task`; a group has `type: task-group`",
            ),
        );
        return None;
    };
    let fields = Fields::new(entries, node.span);
    if let Some(t) = fields.key_node("type") {
        let type_node = node.get("type").unwrap_or(t);
        if type_node.as_str() == Some("task-group") {
            if !allow_group {
                sink.push(
                    Diagnostic::error(Code::NestedGroup, "task groups cannot be nested")
                        .at(type_node.span, "a group inside a group")
                        .with_help("move the inner group's tasks into the outer group"),
                );
                return None;
            }
            return lower_group(sink, fields, default_skipif).map(WorkflowEntry::Group);
        }
        if !fields.has("id") || !fields.has("task") {
            sink.push(
                Diagnostic::error(
                    Code::InvalidWorkflowEntry,
                    "unknown workflow entry `type`; the only entry type is `task-group`",
                )
                .at(type_node.span, "expected `task-group`"),
            );
            return None;
        }
    }
    if !fields.has("id") || !fields.has("task") {
        let missing = if fields.has("id") { "task" } else { "id" };
        let mut d = Diagnostic::error(
            Code::InvalidWorkflowEntry,
            format!("a task instance needs both `id` and `task`; this entry has no `{missing}`"),
        )
        .at(fields.first_line_span(), format!("`{missing}` missing"));
        if fields.has("title") || fields.has("tasks") {
            d = d.with_help("to declare a task group, add `type: task-group`");
        }
        sink.push(d);
        return None;
    }
    lower_task(sink, fields, default_skipif).map(|t| WorkflowEntry::Task(Arc::new(t)))
}

fn lower_group(
    sink: &mut Sink,
    mut f: Fields<'_>,
    default_skipif: Option<&SkipIf>,
) -> Option<TaskGroup> {
    f.take("type");
    let title = f
        .require(sink, "title", "a task group")
        .and_then(|n| sink.str(n, "`title`"));
    let description = f
        .require(sink, "description", "a task group")
        .and_then(|n| sink.str(n, "`description`"));
    let mut tasks = Vec::new();
    if let Some(t) = f.require(sink, "tasks", "a task group")
        && let Some(items) = sink.seq(t, "`tasks`")
    {
        for item in items {
            match lower_entry(sink, item, default_skipif, false) {
                Some(WorkflowEntry::Task(t)) => tasks.push(t),
                Some(WorkflowEntry::Group(_)) | None => {}
            }
        }
    }
    f.finish(sink, "a task group", GROUP_KEYS);
    Some(TaskGroup {
        title: title?,
        description: description?.value,
        tasks,
    })
}

fn lower_task(
    sink: &mut Sink,
    mut f: Fields<'_>,
    default_skipif: Option<&SkipIf>,
) -> Option<TaskInstance> {
    let span = f.span;
    let id = f.take("id").and_then(|n| sink.str(n, "task instance `id`"));
    if let Some(id) = &id {
        check_name(sink, id, NameKind::Task);
    }
    let name = match f.take("name") {
        None => String::new(),
        Some(n) if n.is_null() => String::new(),
        Some(n) => sink.str(n, "`name`").map(|s| s.value).unwrap_or_default(),
    };
    let task = f.take("task").and_then(|n| sink.str(n, "`task`"));
    let mut partial = Vec::new();
    if let Some(p) = f.take("partial")
        && !p.is_null()
        && let Some(pf) = sink.map(p, "`partial`")
    {
        for (k, v) in pf.rest() {
            let Some(key) = sink.str(k, "an argument name") else {
                continue;
            };
            if !is_identifier(&key.value) {
                sink.push(
                    Diagnostic::error(
                        Code::InvalidArgumentName,
                        format!(
                            "argument name `{}` is not a valid Python identifier",
                            key.value
                        ),
                    )
                    .at(key.span, "not an identifier"),
                );
                continue;
            }
            if is_keyword(&key.value) {
                sink.push(
                    Diagnostic::error(
                        Code::InvalidArgumentName,
                        format!("argument name `{}` is a Python keyword and cannot be passed as a keyword argument", key.value),
                    )
                    .at(key.span, "reserved keyword"),
                );
                continue;
            }
            if let Some(value) = lower_value(sink, v) {
                partial.push((key, value));
            }
        }
    }
    let map = f.take("map").and_then(|n| lower_map(sink, n, "map"));
    let mapvalues = f
        .take("mapvalues")
        .and_then(|n| lower_map(sink, n, "mapvalues"));
    let skipif = match f.take("skipif") {
        Some(n) if !n.is_null() => lower_skipif(sink, n),
        _ => default_skipif.cloned(),
    };
    let mapvalues_key = f.key_node("mapvalues").map(|k| k.span);
    f.finish(sink, "a task instance", TASK_KEYS);

    let id = id?;
    if map.is_some() && mapvalues.is_some() {
        sink.push(
            Diagnostic::error(
                Code::MapAndMapvalues,
                format!("task `{}` cannot have both `map` and `mapvalues`", id.value),
            )
            .at(mapvalues_key.unwrap_or(id.span), "second mapping block")
            .with_help("choose one: `map` calls the task once per element, `mapvalues` once per value of (key, value) pairs"),
        );
    }
    let instance = TaskInstance {
        id,
        name,
        task: task?,
        partial,
        map,
        mapvalues,
        skipif,
        span,
    };
    for r in instance.task_refs() {
        if r.task_id == instance.id.value {
            sink.push(
                Diagnostic::error(
                    Code::SelfReference,
                    format!(
                        "task `{}` depends on its own return value",
                        instance.id.value
                    ),
                )
                .at(r.span, "refers to the task itself")
                .with_help("a task instance cannot use `${{ workflow.<its own id>.return }}`"),
            );
        }
    }
    Some(instance)
}

/// Parse `${{ ... }}`; `None` when the string is not a reference at all.
pub fn parse_reference(s: &str) -> Option<Result<Reference, String>> {
    if !(s.starts_with("${{") && s.ends_with("}}")) {
        return None;
    }
    let inner = s.replace("${{", "").replace("}}", "");
    let parts: Vec<&str> = inner.trim().split('.').collect();
    Some(match parts.as_slice() {
        ["workflow", id, "return"] => Ok(Reference::Task(id.to_string())),
        ["env", name] => Ok(Reference::Env(name.to_string())),
        ["workflow", id, _] => Err(format!(
            "unrecognized variable `{s}`; a task output is written `${{{{ workflow.{id}.return }}}}`"
        )),
        _ => Err(format!(
            "unrecognized variable `{s}`; expected `${{{{ workflow.<task_id>.return }}}}` or `${{{{ env.<ENV_VAR_NAME> }}}}`"
        )),
    })
}

fn lower_ref_str(sink: &mut Sink, node: &Node, s: &str) -> Option<Option<Spanned<Reference>>> {
    match parse_reference(s) {
        None => Some(None),
        Some(Ok(r)) => Some(Some(Spanned::new(r, node.span))),
        Some(Err(msg)) => {
            let mut d =
                Diagnostic::error(Code::InvalidReference, msg).at(node.span, "invalid reference");
            if s.matches("${{").count() > 1 {
                d = d.with_help(
                    "a value holds exactly one reference; there is no string interpolation",
                );
            }
            sink.push(d);
            None
        }
    }
}

fn lower_value(sink: &mut Sink, node: &Node) -> Option<Value> {
    Some(match &node.kind {
        NodeKind::Scalar(Scalar::Str(s)) => match lower_ref_str(sink, node, s)? {
            Some(r) => Value::Ref(r),
            None => Value::Str(s.clone()),
        },
        NodeKind::Scalar(Scalar::Int(i)) => Value::Int(*i),
        NodeKind::Scalar(Scalar::Float(f)) => Value::Float(F64(*f)),
        NodeKind::Scalar(Scalar::Bool(b)) => Value::Bool(*b),
        NodeKind::Scalar(Scalar::Null) => Value::Null,
        NodeKind::Scalar(Scalar::Timestamp(t)) => {
            sink.push(
                Diagnostic::error(
                    Code::UnquotedDate,
                    format!("unquoted date `{t}` is not a valid argument value"),
                )
                .at(node.span, "YAML reads this as a date")
                .with_help(format!("quote it to pass a string: \"{t}\"")),
            );
            return None;
        }
        NodeKind::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut ok = true;
            for i in items {
                match lower_value(sink, i) {
                    Some(v) => out.push(v),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            Value::List(out)
        }
        NodeKind::Map(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            let mut ok = true;
            for (k, v) in entries {
                let Some(key) = k.as_str() else {
                    sink.wrong_type(k, "a key of a mapping value", "a string");
                    ok = false;
                    continue;
                };
                match lower_value(sink, v) {
                    Some(v) => out.push((key.to_string(), v)),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            Value::Dict(out)
        }
    })
}

fn lower_map(sink: &mut Sink, node: &Node, key: &str) -> Option<MapBlock> {
    if node.is_null() {
        return None;
    }
    let what = format!("`{key}`");
    let mut f = sink.map(node, &what)?;
    let names_node = f.take("argnames");
    let values_node = f.take("argvalues");
    let errors_before = sink.diags.len();
    f.finish(sink, &what, MAP_KEYS);

    let mut argnames = Vec::new();
    if let Some(n) = names_node {
        let items: Vec<&Node> = match &n.kind {
            NodeKind::Seq(items) => items.iter().collect(),
            NodeKind::Scalar(Scalar::Null) => Vec::new(),
            _ => vec![n],
        };
        for i in items {
            if let Some(s) = sink.str(i, "an argname") {
                if !is_identifier(&s.value) || is_keyword(&s.value) {
                    sink.push(
                        Diagnostic::error(
                            Code::InvalidArgumentName,
                            format!("argname `{}` is not a valid Python identifier", s.value),
                        )
                        .at(s.span, "not an identifier"),
                    );
                } else {
                    argnames.push(s);
                }
            }
        }
    }
    let mut argvalues = Vec::new();
    let mut single_argvalue = false;
    if let Some(n) = values_node {
        let items: Vec<&Node> = match &n.kind {
            NodeKind::Seq(items) => items.iter().collect(),
            NodeKind::Scalar(Scalar::Null) => Vec::new(),
            _ => {
                single_argvalue = true;
                vec![n]
            }
        };
        for i in items {
            let r = match i.as_str() {
                Some(s) => match lower_ref_str(sink, i, s) {
                    Some(Some(r)) => Some(r),
                    Some(None) => None,
                    None => continue,
                },
                None => None,
            };
            match r {
                Some(r) => argvalues.push(r),
                None => {
                    let shown = match &i.kind {
                        NodeKind::Scalar(s) => format!("`{}`", scalar_text(s)),
                        _ => i.kind_name().to_string(),
                    };
                    sink.push(
                        Diagnostic::error(
                            Code::InvalidArgvalues,
                            format!("`{key}.argvalues` must hold references, found {shown}"),
                        )
                        .at(i.span, "not a reference")
                        .with_help("use `${{ workflow.<task_id>.return }}` (or `${{ env.NAME }}`); inline values are not supported here"),
                    );
                }
            }
        }
    }
    if sink.diags.len() > errors_before {
        return None;
    }
    match (argnames.is_empty(), argvalues.is_empty()) {
        (true, true) => None,
        (false, false) => Some(MapBlock {
            argnames,
            argvalues,
            single_argvalue,
        }),
        (names_missing, _) => {
            let (missing, present) = if names_missing {
                ("argnames", "argvalues")
            } else {
                ("argvalues", "argnames")
            };
            sink.push(
                Diagnostic::error(
                    Code::IncompleteMap,
                    format!("`{key}` has `{present}` but no `{missing}`; both must be given"),
                )
                .at(node.span, format!("`{missing}` missing")),
            );
            None
        }
    }
}

fn lower_skipif(sink: &mut Sink, node: &Node) -> Option<SkipIf> {
    if node.is_null() {
        return None;
    }
    let mut f = sink.map(node, "`skipif`")?;
    let mut conditions = Vec::new();
    if let Some(c) = f.take("conditions")
        && !c.is_null()
        && let Some(items) = sink.seq(c, "`skipif.conditions`")
    {
        conditions = items
            .iter()
            .filter_map(|i| sink.str(i, "a skipif condition"))
            .collect();
    }
    let unpack_depth = f
        .take("unpack_depth")
        .and_then(|n| sink.int(n, "`skipif.unpack_depth`"))
        .unwrap_or(1);
    f.finish(sink, "`skipif`", SKIPIF_KEYS);
    Some(SkipIf {
        conditions,
        unpack_depth,
    })
}

fn lower_overrides(sink: &mut Sink, node: &Node) -> RjsfOverrides {
    let mut out = RjsfOverrides::default();
    if node.is_null() {
        return out;
    }
    let Some(f) = sink.map(node, "`rjsf-overrides`") else {
        return out;
    };
    for (k, v) in f.rest() {
        let section = match k.as_str() {
            Some("properties") => &mut out.properties,
            Some("$defs") => &mut out.defs,
            Some("uiSchema") => &mut out.ui_schema,
            other => {
                let name = other.map_or_else(|| "?".to_string(), str::to_string);
                let mut d = Diagnostic::warning(
                    Code::IgnoredOverrideSection,
                    format!("`rjsf-overrides.{name}` is not a known section and is ignored"),
                )
                .at(k.span, "ignored");
                d = d.with_help_opt(if name == "definitions" {
                    Some("did you mean `$defs`?".to_string())
                } else {
                    did_you_mean(&name, ["properties", "$defs", "uiSchema"])
                });
                sink.push(d.with_note("the sections are `properties`, `$defs` and `uiSchema`"));
                continue;
            }
        };
        if v.is_null() {
            continue;
        }
        let Some(entries) = sink.map(v, "an rjsf-overrides section") else {
            continue;
        };
        for (path, value) in entries.rest() {
            let Some(path) = sink.str(path, "an override path") else {
                continue;
            };
            if let Some(value) = yaml_to_json(sink, value) {
                section.push(Override { path, value });
            }
        }
    }
    out
}

/// Convert a YAML value to JSON for `rjsf.json` (dates and non-finite floats are refused).
pub fn yaml_to_json(sink: &mut Sink, node: &Node) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match &node.kind {
        NodeKind::Scalar(Scalar::Null) => J::Null,
        NodeKind::Scalar(Scalar::Bool(b)) => J::Bool(*b),
        NodeKind::Scalar(Scalar::Str(s)) => J::String(s.clone()),
        NodeKind::Scalar(Scalar::Int(i)) => {
            if let Ok(v) = i64::try_from(*i) {
                J::from(v)
            } else if let Ok(v) = u64::try_from(*i) {
                J::from(v)
            } else {
                sink.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("integer {i} is too large for JSON"),
                    )
                    .at(node.span, "too large"),
                );
                return None;
            }
        }
        NodeKind::Scalar(Scalar::Float(f)) => match serde_json::Number::from_f64(*f) {
            Some(n) => J::Number(n),
            None => {
                sink.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        "infinite or NaN numbers cannot be written to JSON",
                    )
                    .at(node.span, "not valid JSON"),
                );
                return None;
            }
        },
        NodeKind::Scalar(Scalar::Timestamp(t)) => {
            sink.push(
                Diagnostic::error(
                    Code::UnquotedDate,
                    format!("unquoted date `{t}` cannot be written to JSON"),
                )
                .at(node.span, "YAML reads this as a date")
                .with_help(format!("quote it: \"{t}\"")),
            );
            return None;
        }
        NodeKind::Seq(items) => J::Array(
            items
                .iter()
                .map(|i| yaml_to_json(sink, i))
                .collect::<Option<_>>()?,
        ),
        NodeKind::Map(entries) => {
            let mut m = serde_json::Map::new();
            for (k, v) in entries {
                let key = match &k.kind {
                    NodeKind::Scalar(Scalar::Str(s)) => s.clone(),
                    NodeKind::Scalar(Scalar::Null) => "null".into(),
                    NodeKind::Scalar(s) => scalar_text(s),
                    _ => {
                        sink.wrong_type(k, "a mapping key", "a string");
                        return None;
                    }
                };
                m.insert(key, yaml_to_json(sink, v)?);
            }
            J::Object(m)
        }
    })
}

fn check_metadata(sink: &mut Sink, node: &Node) {
    if node.is_null() {
        return;
    }
    let Some(mut f) = sink.map(node, "`metadata`") else {
        return;
    };
    for key in ["name", "description", "license"] {
        if let Some(n) = f.require(sink, key, "`metadata`") {
            sink.str(n, &format!("`metadata.{key}`"));
        }
    }
    for key in ["repository", "documentation", "readme"] {
        if let Some(n) = f.take(key)
            && !n.is_null()
        {
            sink.str(n, &format!("`metadata.{key}`"));
        }
    }
    if let Some(k) = f.take("keywords")
        && let Some(items) = sink.seq(k, "`metadata.keywords`")
    {
        for i in items {
            sink.str(i, "a keyword");
        }
    }
    if let Some(m) = f.require(sink, "maintainers", "`metadata`")
        && let Some(items) = sink.seq(m, "`metadata.maintainers`")
    {
        if items.is_empty() {
            sink.push(
                Diagnostic::error(
                    Code::InvalidMetadata,
                    "`metadata.maintainers` must list at least one maintainer",
                )
                .at(m.span, "empty list"),
            );
        }
        for i in items {
            if let Some(mut mf) = sink.map(i, "a maintainer") {
                for key in ["name", "email"] {
                    if let Some(n) = mf.require(sink, key, "a maintainer") {
                        sink.str(n, &format!("maintainer `{key}`"));
                    }
                }
            }
        }
    }
    // Extra metadata keys are allowed and kept (they are never used).
}
