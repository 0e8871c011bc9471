//! `workflow:` entries: task groups and task instances (`id`, `name`, `task`, `partial`,
//! `map`/`mapvalues`, `skipif`), with the checks that need the whole instance.

use super::ids::{NameKind, check_name};
use super::map::lower_map;
use super::skipif::lower_skipif;
use super::value::lower_partial;
use crate::diagnostics::{Code, Diagnostic};
use crate::spec::fields::{Fields, Sink};
use crate::spec::model::*;
use crate::syntax::yaml::{Node, NodeKind};
use std::sync::Arc;

pub const TASK_KEYS: &[&str] = &[
    "id",
    "name",
    "task",
    "partial",
    "map",
    "mapvalues",
    "skipif",
];
pub const GROUP_KEYS: &[&str] = &["type", "title", "description", "tasks"];

pub(super) fn lower_entry(
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

pub(super) fn lower_group(
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

pub(super) fn lower_task(
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
    let partial = match f.take("partial") {
        Some(p) if !p.is_null() => lower_partial(sink, p),
        _ => Vec::new(),
    };
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
