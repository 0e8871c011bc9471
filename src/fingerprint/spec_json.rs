//! The `spec_sha256` input: the validated spec as the reference's pydantic `Spec` model
//! dumps it (`model_dump_json(exclude={"requirements", "metadata"})`), rebuilt from the
//! wtc model.
//!
//! Shape (field order matters, the JSON is hashed as written):
//!
//! ```text
//! {id, rjsf_overrides: {properties, definitions, uiSchema},
//!  task_instance_defaults: {skipif},
//!  workflow: [instance | {title, description, tasks: [instance], type: "task-group"}],
//!  flat_workflow: [instance], task_instance_dependencies: {id: [task ids]}}
//! instance = {name, id, known_task_name, skipif, partial, map, mapvalues, known_task, method}
//! skipif   = {conditions: [as written], unpack_depth, known_tasks: [known task]} | null
//! map      = {argnames: [..], argvalues: vars}          (empty: [] and {asstr: "[]", aslist: []})
//! vars     = {asstr: "<one>" | "[<a>, <b>]", aslist: ["<a>", ...]}
//! known task = {importable_reference: {anchor, function, statement, is_mocked: false},
//!               tags, registry_ref, json_schema, description}
//! ```
//!
//! Partial values take the reference's template forms (see [`value_json`]). Every instance
//! carries its `skipif` with the `task-instance-defaults` already applied (the reference
//! writes the default into each instance while validating), in `workflow` and
//! `flat_workflow` alike.
//!
//! `rjsf_overrides` holds the override values *after* they were applied to `rjsf.json`: the
//! reference inserts each value object into the schema by reference, so a later override
//! whose path runs through an earlier override's value mutates that value, and the spec
//! dump shows the mutation (see [`applied_overrides`]).

use super::FingerprintError;
use crate::pyfmt::py_repr_str;
use crate::pyjson::py_float_repr;
use crate::registry::{KnownTask, Registry};
use crate::spec::model::{
    MapBlock, Override, Reference, SkipIf, Spanned, Spec, TaskInstance, Value, WorkflowEntry,
};
use indexmap::IndexMap;
use serde_json::{Map, Value as J, json};
use std::sync::Arc;

/// The spec as the reference's pydantic model dumps it (see the module docs).
pub fn spec_json(spec: &Spec, registry: &Registry) -> Result<J, FingerprintError> {
    let mut cache = KnownTasks {
        registry,
        by_reference: IndexMap::new(),
    };
    let default_skipif = match &spec.default_skipif {
        Some(s) => skipif_json(s, &mut cache)?,
        None => J::Null,
    };
    let mut flat = Vec::new();
    let mut workflow = Vec::with_capacity(spec.workflow.len());
    for entry in &spec.workflow {
        match entry {
            WorkflowEntry::Task(t) => {
                let v = instance_json(t, &mut cache)?;
                flat.push(v.clone());
                workflow.push(v);
            }
            WorkflowEntry::Group(g) => {
                let mut tasks = Vec::with_capacity(g.tasks.len());
                for t in &g.tasks {
                    let v = instance_json(t, &mut cache)?;
                    flat.push(v.clone());
                    tasks.push(v);
                }
                workflow.push(json!({
                    "title": g.title.value,
                    "description": g.description,
                    "tasks": tasks,
                    "type": "task-group",
                }));
            }
        }
    }
    let dependencies: Map<String, J> = spec
        .flat_tasks()
        .map(|t| {
            let deps: Vec<&str> = t.task_refs().iter().map(|r| r.task_id).collect();
            (t.id.value.clone(), json!(deps))
        })
        .collect();
    let o = &spec.rjsf_overrides;
    Ok(json!({
        "id": spec.id.value,
        "rjsf_overrides": {
            "properties": applied_overrides(&o.properties),
            "definitions": applied_overrides(&o.defs),
            "uiSchema": applied_overrides(&o.ui_schema),
        },
        "task_instance_defaults": {"skipif": default_skipif},
        "workflow": workflow,
        "flat_workflow": flat,
        "task_instance_dependencies": dependencies,
    }))
}

/// Known tasks resolved from `task:` / condition text, each serialized once.
struct KnownTasks<'a> {
    registry: &'a Registry,
    by_reference: IndexMap<String, J>,
}

impl KnownTasks<'_> {
    fn get(&mut self, reference: &str) -> Result<J, FingerprintError> {
        if let Some(v) = self.by_reference.get(reference) {
            return Ok(v.clone());
        }
        let known =
            self.registry
                .lookup(reference)
                .map_err(|_| FingerprintError::UnresolvedTask {
                    reference: reference.to_string(),
                })?;
        let v = known_task_json(known);
        self.by_reference.insert(reference.to_string(), v.clone());
        Ok(v)
    }
}

/// A `KnownTask` as the reference serializes it outside the mock-io context.
fn known_task_json(k: &Arc<KnownTask>) -> J {
    let alias = k.safe_reference();
    json!({
        "importable_reference": {
            "anchor": k.anchor,
            "function": alias,
            "statement": format!("from {} import {} as {alias}", k.anchor, k.function_name),
            "is_mocked": false,
        },
        "tags": k.tags,
        "registry_ref": k.registry_ref,
        "json_schema": k.json_schema.0,
        "description": k.description,
    })
}

fn skipif_json(s: &SkipIf, cache: &mut KnownTasks<'_>) -> Result<J, FingerprintError> {
    let known = s
        .conditions
        .iter()
        .map(|c| cache.get(&c.value))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({
        "conditions": s.conditions.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(),
        "unpack_depth": s.unpack_depth,
        "known_tasks": known,
    }))
}

fn instance_json(t: &TaskInstance, cache: &mut KnownTasks<'_>) -> Result<J, FingerprintError> {
    let skipif = match &t.skipif {
        Some(s) => skipif_json(s, cache)?,
        None => J::Null,
    };
    let partial: Map<String, J> = t
        .partial
        .iter()
        .map(|(k, v)| (k.value.clone(), value_json(v)))
        .collect();
    Ok(json!({
        "name": t.name,
        "id": t.id.value,
        "known_task_name": t.task.value,
        "skipif": skipif,
        "partial": partial,
        "map": map_json(t.map.as_ref()),
        "mapvalues": map_json(t.mapvalues.as_ref()),
        "known_task": cache.get(&t.task.value)?,
        "method": t.method().as_str(),
    }))
}

/// A `map`/`mapvalues` block; an absent block dumps as the reference's empty default.
fn map_json(block: Option<&MapBlock>) -> J {
    match block {
        None => json!({"argnames": [], "argvalues": vars_json(&[])}),
        Some(b) => json!({
            "argnames": b.argnames.iter().map(|a| a.value.as_str()).collect::<Vec<_>>(),
            "argvalues": vars_json(&b.argvalues),
        }),
    }
}

/// A variable as generated code spells it: a task id, or `os.environ["NAME"]`.
fn reference_text(r: &Reference) -> String {
    match r {
        Reference::Task(id) => id.clone(),
        Reference::Env(name) => format!("os.environ[\"{name}\"]"),
    }
}

/// A list of variables: `asstr` is the single item, or all of them in brackets.
fn vars_json(refs: &[Spanned<Reference>]) -> J {
    let texts: Vec<String> = refs.iter().map(|r| reference_text(&r.value)).collect();
    let asstr = match texts.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    json!({"asstr": asstr, "aslist": texts})
}

/// A partial value in the reference's template form:
///
/// * a reference: `{"asstr": "<id>", "aslist": ["<id>"]}`;
/// * a scalar: `{"asstr": <Python repr/str>, "is_inline_value": true}` (`'text'`, `3`,
///   `1.5`, `True`, `None`);
/// * a list (always, with or without references):
///   `{"asstr": "[a, b]", "aslist": [...], "has_variable_values": true}`;
/// * a mapping: `{"asstr": "{'k': v}", "asdict": {...}, "has_variable_values": true}`
///   (keys quoted verbatim, as the reference does).
#[must_use]
pub fn value_json(v: &Value) -> J {
    let inline = |asstr: String| json!({"asstr": asstr, "is_inline_value": true});
    match v {
        Value::Ref(r) => vars_json(std::slice::from_ref(r)),
        Value::Str(s) => inline(py_repr_str(s)),
        Value::Int(i) => inline(i.to_string()),
        Value::Float(f) => inline(py_float_repr(f.0)),
        Value::Bool(b) => inline(if *b { "True" } else { "False" }.to_string()),
        Value::Null => inline("None".to_string()),
        Value::List(items) => {
            let items: Vec<J> = items.iter().map(value_json).collect();
            let asstr = items.iter().map(asstr_of).collect::<Vec<_>>().join(", ");
            json!({"asstr": format!("[{asstr}]"), "aslist": items, "has_variable_values": true})
        }
        Value::Dict(entries) => {
            let items: Map<String, J> = entries
                .iter()
                .map(|(k, v)| (k.clone(), value_json(v)))
                .collect();
            let asstr = items
                .iter()
                .map(|(k, v)| format!("'{k}': {}", asstr_of(v)))
                .collect::<Vec<_>>()
                .join(", ");
            json!({"asstr": format!("{{{asstr}}}"), "asdict": items, "has_variable_values": true})
        }
    }
}

fn asstr_of(v: &J) -> &str {
    v.get("asstr").and_then(J::as_str).unwrap_or_default()
}

/// The override values of one section after the reference applied them in order.
///
/// The reference walks each dotted path with `dict.setdefault(key, {})` and assigns the
/// value object itself (no copy). When a later path runs through an earlier value (or
/// through a mapping nested in it), that value object is mutated in place, and since the
/// spec model holds the same object, its dump shows the mutation. This replays the
/// section on a tree that starts empty (only override values can be mutated, so the
/// schema's own content does not matter) and reads the values back.
pub(super) fn applied_overrides(section: &[Override]) -> Map<String, J> {
    let mut arena = Arena::default();
    let root = arena.push(Slot::Object(IndexMap::new()));
    let ids: Vec<usize> = section.iter().map(|o| arena.add(&o.value)).collect();
    for (o, &id) in section.iter().zip(&ids) {
        let parts: Vec<&str> = o.path.value.split('.').collect();
        let Some((last, parents)) = parts.split_last() else {
            continue;
        };
        let mut cur = Some(root);
        for key in parents {
            cur = cur.and_then(|c| arena.child_or_new(c, key));
        }
        // A path through a non-mapping is an error of the compile (`invalid-override`).
        if let Some(Slot::Object(m)) = cur.map(|c| &mut arena.slots[c]) {
            m.insert((*last).to_string(), id);
        }
    }
    section
        .iter()
        .zip(&ids)
        .map(|(o, &id)| (o.path.value.clone(), arena.read(id)))
        .collect()
}

/// Mutable JSON with shared mappings (Python object identity), for [`applied_overrides`].
#[derive(Default)]
struct Arena {
    slots: Vec<Slot>,
}

enum Slot {
    Object(IndexMap<String, usize>),
    /// Anything a path cannot descend into (scalars, lists).
    Leaf(J),
}

impl Arena {
    fn push(&mut self, slot: Slot) -> usize {
        self.slots.push(slot);
        self.slots.len() - 1
    }

    fn add(&mut self, v: &J) -> usize {
        match v {
            J::Object(m) => {
                let children = m.iter().map(|(k, v)| (k.clone(), self.add(v))).collect();
                self.push(Slot::Object(children))
            }
            other => self.push(Slot::Leaf(other.clone())),
        }
    }

    /// `setdefault(key, {})` on the mapping at `id`; `None` if it is not a mapping.
    fn child_or_new(&mut self, id: usize, key: &str) -> Option<usize> {
        let Slot::Object(m) = &self.slots[id] else {
            return None;
        };
        if let Some(&child) = m.get(key) {
            return Some(child);
        }
        let child = self.push(Slot::Object(IndexMap::new()));
        if let Slot::Object(m) = &mut self.slots[id] {
            m.insert(key.to_string(), child);
        }
        Some(child)
    }

    fn read(&self, id: usize) -> J {
        match &self.slots[id] {
            Slot::Leaf(v) => v.clone(),
            Slot::Object(m) => {
                J::Object(m.iter().map(|(k, &c)| (k.clone(), self.read(c))).collect())
            }
        }
    }
}
