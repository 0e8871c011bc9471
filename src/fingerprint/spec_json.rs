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
use crate::pyjson::{push_compact_utf8, py_float_repr};
use crate::registry::{KnownTask, Registry};
use crate::resolve::ResolvedTask;
use crate::spec::model::{
    MapBlock, Override, Reference, SkipIf, Spanned, Spec, TaskInstance, Value, WorkflowEntry,
};
use indexmap::IndexMap;
use serde_json::{Map, Value as J, json};
use std::collections::HashMap;
use std::sync::Arc;

/// The spec as the reference's pydantic model dumps it (see the module docs), as compact
/// JSON text, resolving every task through `registry`.
pub fn spec_json(spec: &Spec, registry: &Registry) -> Result<String, FingerprintError> {
    let dump = spec_dump(spec, registry, &mut |t| {
        Ok(Arc::new(instance_json(&resolve_instance(t, registry)?)))
    })?;
    let mut out = String::new();
    dump.stream(&mut |text| out.push_str(text));
    Ok(out)
}

/// `t` with its task and skipif conditions looked up in `registry`.
pub fn resolve_instance(
    t: &Arc<TaskInstance>,
    registry: &Registry,
) -> Result<ResolvedTask, FingerprintError> {
    Ok(ResolvedTask {
        instance: t.clone(),
        known: lookup(registry, &t.task.value)?,
        conditions: match &t.skipif {
            Some(s) => s
                .conditions
                .iter()
                .map(|c| lookup(registry, &c.value))
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        },
    })
}

/// Gives one instance's text (see [`spec_dump`]).
pub type InstanceText<'a> =
    dyn FnMut(&Arc<TaskInstance>) -> Result<Arc<InstanceJson>, FingerprintError> + 'a;

/// The spec dump with its task instances by reference: the texts around them, in order.
/// It holds no spans, so it is equal across edits that only move things in the file, and
/// an instance's text is shared with its memo, not copied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecDump(Vec<DumpPiece>);

#[derive(Clone, Debug, PartialEq, Eq)]
enum DumpPiece {
    Text(Box<str>),
    Instance(Arc<InstanceJson>),
}

impl SpecDump {
    /// Feed the text to `sink` in pieces (a hasher never needs it whole: for a large spec
    /// it is several times the size of the YAML).
    pub fn stream(&self, sink: &mut dyn FnMut(&str)) {
        let mut known = KnownTexts::default();
        for piece in &self.0 {
            match piece {
                DumpPiece::Text(t) => sink(t),
                DumpPiece::Instance(i) => i.stream(&mut known, sink),
            }
        }
    }
}

/// The [`SpecDump`] of `spec`, each instance's text ([`instance_json`]) taken from
/// `instance`, so a caller can memoize it per task.
pub fn spec_dump(
    spec: &Spec,
    registry: &Registry,
    instance: &mut InstanceText<'_>,
) -> Result<SpecDump, FingerprintError> {
    let default_skipif = match &spec.default_skipif {
        Some(s) => {
            let known = s
                .conditions
                .iter()
                .map(|c| lookup(registry, &c.value))
                .collect::<Result<Vec<_>, _>>()?;
            let mut pieces = Pieces::default();
            skipif_json(&mut pieces, s, &known);
            pieces.finish().to_text()
        }
        None => "null".to_string(),
    };
    let mut texts = Vec::new();
    for t in spec.flat_tasks() {
        texts.push(instance(t)?);
    }
    let mut pieces = Vec::with_capacity(4 * texts.len() + 4);
    let mut out = String::new();
    let mut put = |out: &mut String, t: Option<&Arc<InstanceJson>>| {
        if let Some(t) = t {
            pieces.push(DumpPiece::Text(std::mem::take(out).into_boxed_str()));
            pieces.push(DumpPiece::Instance(t.clone()));
        }
    };
    let o = &spec.rjsf_overrides;
    out.push_str("{\"id\":");
    push_compact_utf8(&mut out, &J::String(spec.id.value.clone()));
    out.push_str(",\"rjsf_overrides\":");
    push_compact_utf8(
        &mut out,
        &json!({
            "properties": applied_overrides(&o.properties),
            "definitions": applied_overrides(&o.defs),
            "uiSchema": applied_overrides(&o.ui_schema),
        }),
    );
    out.push_str(",\"task_instance_defaults\":{\"skipif\":");
    out.push_str(&default_skipif);
    out.push_str("},\"workflow\":[");
    let mut flat = texts.iter();
    for (i, entry) in spec.workflow.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match entry {
            WorkflowEntry::Task(_) => put(&mut out, flat.next()),
            WorkflowEntry::Group(g) => {
                out.push_str("{\"title\":");
                push_compact_utf8(&mut out, &J::String(g.title.value.clone()));
                out.push_str(",\"description\":");
                push_compact_utf8(&mut out, &J::String(g.description.clone()));
                out.push_str(",\"tasks\":[");
                for j in 0..g.tasks.len() {
                    if j > 0 {
                        out.push(',');
                    }
                    put(&mut out, flat.next());
                }
                out.push_str("],\"type\":\"task-group\"}");
            }
        }
    }
    out.push_str("],\"flat_workflow\":[");
    for (i, t) in texts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        put(&mut out, Some(t));
    }
    out.push_str("],\"task_instance_dependencies\":");
    let mut ids = std::collections::HashSet::with_capacity(texts.len());
    if spec.flat_tasks().all(|t| ids.insert(t.id.value.as_str())) {
        // Unique ids (always, in a spec that compiles): the instances' entries in order.
        out.push('{');
        for (i, t) in texts.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&t.dependencies);
        }
        out.push('}');
    } else {
        // A repeated id keeps its first place and its last value, as in a Python dict.
        let dependencies: Map<String, J> = spec
            .flat_tasks()
            .map(|t| {
                let deps: Vec<&str> = t.task_refs().iter().map(|r| r.task_id).collect();
                (t.id.value.clone(), json!(deps))
            })
            .collect();
        push_compact_utf8(&mut out, &J::Object(dependencies));
    }
    out.push('}');
    pieces.push(DumpPiece::Text(out.into_boxed_str()));
    Ok(SpecDump(pieces))
}

fn lookup(registry: &Registry, reference: &str) -> Result<Arc<KnownTask>, FingerprintError> {
    registry
        .lookup(reference)
        .cloned()
        .map_err(|_| FingerprintError::UnresolvedTask {
            reference: reference.to_string(),
        })
}

/// A `KnownTask` as the reference serializes it outside the mock-io context, appended to
/// `out` (the JSON schema is written from the registry's value, not copied).
fn push_known_task(out: &mut String, k: &KnownTask) {
    let alias = k.safe_reference();
    push_compact_utf8(
        out,
        &json!({
            "importable_reference": {
                "anchor": k.anchor,
                "function": alias,
                "statement": format!("from {} import {} as {alias}", k.anchor, k.function_name),
                "is_mocked": false,
            },
            "tags": k.tags,
            "registry_ref": k.registry_ref,
        }),
    );
    out.pop();
    out.push_str(",\"json_schema\":");
    push_compact_utf8(out, &k.json_schema.0);
    out.push_str(",\"description\":");
    push_compact_utf8(out, &json!(k.description));
    out.push('}');
}

/// A `skipif` block with its conditions' known tasks (`known`, in condition order).
fn skipif_json(out: &mut Pieces, s: &SkipIf, known: &[Arc<KnownTask>]) {
    push_compact_utf8(
        &mut out.text,
        &json!({
            "conditions": s.conditions.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(),
            "unpack_depth": s.unpack_depth,
        }),
    );
    out.text.pop();
    out.text.push_str(",\"known_tasks\":[");
    for (i, k) in known.iter().enumerate() {
        if i > 0 {
            out.text.push(',');
        }
        out.known(k);
    }
    out.text.push_str("]}");
}

/// One instance's JSON text with each embedded known task (its JSON schema included) left
/// as a reference: a memo holds only the instance's own text, and each known task is
/// written once per spec ([`KnownTexts`]), not once per instance and skipif condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceJson {
    pieces: Vec<Piece>,
    /// Its entry of `task_instance_dependencies`: `"<id>":["<task id>",...]`.
    dependencies: Box<str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(Box<str>),
    Known(Arc<KnownTask>),
}

/// The text of each known task met so far, by identity (the registry shares one `Arc`
/// per task).
#[derive(Default)]
pub struct KnownTexts(HashMap<*const KnownTask, (Arc<KnownTask>, String)>);

impl KnownTexts {
    fn text(&mut self, k: &Arc<KnownTask>) -> &str {
        let (_, text) = self.0.entry(Arc::as_ptr(k)).or_insert_with(|| {
            let mut text = String::new();
            push_known_task(&mut text, k);
            (k.clone(), text)
        });
        text
    }
}

impl InstanceJson {
    /// Append the text to `out`, known tasks from (or into) `known`.
    pub fn write(&self, out: &mut String, known: &mut KnownTexts) {
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Known(k) => out.push_str(known.text(k)),
            }
        }
    }

    /// Feed the text to `sink` piece by piece, known tasks from (or into) `known`.
    pub fn stream(&self, known: &mut KnownTexts, sink: &mut dyn FnMut(&str)) {
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => sink(t),
                Piece::Known(k) => sink(known.text(k)),
            }
        }
    }

    /// The whole text.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, &mut KnownTexts::default());
        out
    }
}

/// Builds an [`InstanceJson`].
#[derive(Default)]
struct Pieces {
    pieces: Vec<Piece>,
    text: String,
}

impl Pieces {
    fn known(&mut self, k: &Arc<KnownTask>) {
        if !self.text.is_empty() {
            self.pieces
                .push(Piece::Text(std::mem::take(&mut self.text).into_boxed_str()));
        }
        self.pieces.push(Piece::Known(k.clone()));
    }

    fn finish(mut self) -> InstanceJson {
        if !self.text.is_empty() {
            self.pieces.push(Piece::Text(self.text.into_boxed_str()));
        }
        InstanceJson {
            pieces: self.pieces,
            dependencies: Box::from(""),
        }
    }
}

/// One task instance as compact JSON text (an item of `workflow` / `flat_workflow`).
#[must_use]
pub fn instance_json(task: &ResolvedTask) -> InstanceJson {
    let t = &task.instance;
    let partial: Map<String, J> = t
        .partial
        .iter()
        .map(|(k, v)| (k.value.clone(), value_json(v)))
        .collect();
    let mut out = Pieces::default();
    out.text.push_str("{\"name\":");
    push_compact_utf8(&mut out.text, &J::String(t.name.clone()));
    out.text.push_str(",\"id\":");
    push_compact_utf8(&mut out.text, &J::String(t.id.value.clone()));
    out.text.push_str(",\"known_task_name\":");
    push_compact_utf8(&mut out.text, &J::String(t.task.value.clone()));
    out.text.push_str(",\"skipif\":");
    match &t.skipif {
        Some(s) => skipif_json(&mut out, s, &task.conditions),
        None => out.text.push_str("null"),
    }
    out.text.push_str(",\"partial\":");
    push_compact_utf8(&mut out.text, &J::Object(partial));
    out.text.push_str(",\"map\":");
    push_compact_utf8(&mut out.text, &map_json(t.map.as_ref()));
    out.text.push_str(",\"mapvalues\":");
    push_compact_utf8(&mut out.text, &map_json(t.mapvalues.as_ref()));
    out.text.push_str(",\"known_task\":");
    out.known(&task.known);
    out.text.push_str(",\"method\":");
    push_compact_utf8(&mut out.text, &J::String(t.method().as_str().to_string()));
    out.text.push('}');
    let mut json = out.finish();
    let mut dependencies = String::new();
    push_compact_utf8(&mut dependencies, &J::String(t.id.value.clone()));
    dependencies.push(':');
    let deps: Vec<&str> = t.task_refs().iter().map(|r| r.task_id).collect();
    push_compact_utf8(&mut dependencies, &json!(deps));
    json.dependencies = dependencies.into_boxed_str();
    json
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
