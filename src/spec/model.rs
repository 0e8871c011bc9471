//! The validated, registry-independent model of a spec.yaml.
//!
//! Produced by [`crate::spec::lower`] from the spanned YAML tree. Every name that a later
//! pass may need to point at keeps its source [`Span`]. Nothing here knows about the task
//! registry; resolving `task:` references happens in [`crate::resolve`].

use crate::syntax::span::Span;
use std::sync::Arc;

/// A value with the span of the YAML node it came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// An `f64` compared and hashed by its bits, so models can be `Eq` (salsa backdating).
#[derive(Clone, Copy, Debug)]
pub struct F64(pub f64);

impl PartialEq for F64 {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}
impl Eq for F64 {}
impl std::hash::Hash for F64 {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state)
    }
}

/// The whole spec (requirements are kept apart, see [`crate::spec::requirements`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub id: Spanned<String>,
    pub rjsf_overrides: RjsfOverrides,
    /// `task-instance-defaults.skipif` (applied to every instance without its own `skipif`).
    pub default_skipif: Option<SkipIf>,
    pub workflow: Vec<WorkflowEntry>,
}

impl Spec {
    /// All task instances in document order, group members spliced in place.
    pub fn flat_tasks(&self) -> impl Iterator<Item = &Arc<TaskInstance>> {
        self.workflow.iter().flat_map(|entry| match entry {
            WorkflowEntry::Task(t) => std::slice::from_ref(t).iter(),
            WorkflowEntry::Group(g) => g.tasks.iter(),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkflowEntry {
    Task(Arc<TaskInstance>),
    Group(TaskGroup),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskGroup {
    pub title: Spanned<String>,
    pub description: String,
    pub tasks: Vec<Arc<TaskInstance>>,
}

/// One `workflow:` entry that calls a task.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TaskInstance {
    pub id: Spanned<String>,
    /// Human title (`name:`), `""` when absent or null.
    pub name: String,
    /// The `task:` reference, short (`get_events`) or qualified (`pkg.mod.get_events`).
    pub task: Spanned<String>,
    /// Fixed keyword arguments in document order.
    pub partial: Vec<(Spanned<String>, Value)>,
    pub map: Option<MapBlock>,
    pub mapvalues: Option<MapBlock>,
    /// The instance's own `skipif`, or the default from `task-instance-defaults`.
    pub skipif: Option<SkipIf>,
    /// Span of the whole instance mapping.
    pub span: Span,
}

/// How the task is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Call,
    Map,
    MapValues,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Call => "call",
            Method::Map => "map",
            Method::MapValues => "mapvalues",
        }
    }
}

impl TaskInstance {
    /// Equal but for the spans: true for two revisions of the spec that differ only in
    /// where the instance sits (per-task queries compare instances this way, so an edit
    /// elsewhere in the file does not invalidate them, without a span-free copy of each).
    #[must_use]
    pub fn same_but_spans(&self, other: &TaskInstance) -> bool {
        // Destructured, so a new field cannot be forgotten here.
        let TaskInstance {
            id,
            name,
            task,
            partial,
            map,
            mapvalues,
            skipif,
            span: _,
        } = self;
        id.value == other.id.value
            && *name == other.name
            && task.value == other.task.value
            && partial.len() == other.partial.len()
            && partial
                .iter()
                .zip(&other.partial)
                .all(|((k, v), (ok, ov))| k.value == ok.value && v.same_but_spans(ov))
            && same_opt(map, &other.map, MapBlock::same_but_spans)
            && same_opt(mapvalues, &other.mapvalues, MapBlock::same_but_spans)
            && same_opt(skipif, &other.skipif, |a, b| {
                a.unpack_depth == b.unpack_depth && same_values(&a.conditions, &b.conditions)
            })
    }

    pub fn method(&self) -> Method {
        if self.map.is_some() {
            Method::Map
        } else if self.mapvalues.is_some() {
            Method::MapValues
        } else {
            Method::Call
        }
    }

    /// The active map/mapvalues block, if any.
    pub fn map_block(&self) -> Option<&MapBlock> {
        self.map.as_ref().or(self.mapvalues.as_ref())
    }

    /// Arguments that are never user-facing: `return`, partial keys, map(values) argnames.
    pub fn omit_args(&self) -> Vec<&str> {
        let mut out = vec!["return"];
        out.extend(self.partial.iter().map(|(k, _)| k.value.as_str()));
        for block in [&self.map, &self.mapvalues].into_iter().flatten() {
            out.extend(block.argnames.iter().map(|a| a.value.as_str()));
        }
        out
    }

    /// Task-output references in dependency order: partial (key order, depth-first),
    /// then map argvalues, then mapvalues argvalues. Duplicates kept.
    pub fn task_refs(&self) -> Vec<RefUse<'_>> {
        let mut out = Vec::new();
        for (_, v) in &self.partial {
            v.collect_task_refs(&mut out);
        }
        for block in [&self.map, &self.mapvalues].into_iter().flatten() {
            for r in &block.argvalues {
                if let Some(u) = RefUse::of(r) {
                    out.push(u);
                }
            }
        }
        out
    }

    /// For each argument (every partial key, then map/mapvalues argnames), the task ids it
    /// depends on: the reference's `all_dependencies_dict` (used by the graph). It is a
    /// dict union (`partial | map | mapvalues`), so an argument named twice (a partial key
    /// that is also an argname) appears once, at its first position, with the
    /// dependencies of its last occurrence.
    pub fn arg_dependencies(&self) -> Vec<(&str, Vec<&str>)> {
        fn set<'a>(out: &mut Vec<(&'a str, Vec<&'a str>)>, name: &'a str, deps: Vec<&'a str>) {
            match out.iter_mut().find(|(a, _)| *a == name) {
                Some(slot) => slot.1 = deps,
                None => out.push((name, deps)),
            }
        }
        let mut out = Vec::new();
        for (k, v) in &self.partial {
            let mut refs = Vec::new();
            v.collect_task_refs(&mut refs);
            set(&mut out, &k.value, refs.iter().map(|r| r.task_id).collect());
        }
        for block in [&self.map, &self.mapvalues].into_iter().flatten() {
            let deps: Vec<&str> = block
                .argvalues
                .iter()
                .filter_map(RefUse::of)
                .map(|r| r.task_id)
                .collect();
            for name in &block.argnames {
                set(&mut out, &name.value, deps.clone());
            }
        }
        out
    }

    /// Does any partial value or map block use an `${{ env.X }}` reference?
    pub fn uses_env(&self) -> bool {
        self.partial.iter().any(|(_, v)| v.uses_env())
            || [&self.map, &self.mapvalues]
                .into_iter()
                .flatten()
                .flat_map(|b| &b.argvalues)
                .any(|r| matches!(r.value, Reference::Env(_)))
    }
}

/// One use of a `${{ workflow.<id>.return }}` reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefUse<'a> {
    pub task_id: &'a str,
    pub span: Span,
}

impl<'a> RefUse<'a> {
    fn of(r: &'a Spanned<Reference>) -> Option<Self> {
        match &r.value {
            Reference::Task(id) => Some(RefUse {
                task_id: id,
                span: r.span,
            }),
            Reference::Env(_) => None,
        }
    }
}

/// `map:` / `mapvalues:` block.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MapBlock {
    pub argnames: Vec<Spanned<String>>,
    pub argvalues: Vec<Spanned<Reference>>,
    /// `argvalues` was written as a single reference (rendered bare, not as a list).
    pub single_argvalue: bool,
}

impl MapBlock {
    fn same_but_spans(&self, other: &MapBlock) -> bool {
        self.single_argvalue == other.single_argvalue
            && same_values(&self.argnames, &other.argnames)
            && same_values(&self.argvalues, &other.argvalues)
    }
}

/// Both absent, or both present and `same`.
fn same_opt<T>(a: &Option<T>, b: &Option<T>, same: impl Fn(&T, &T) -> bool) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => same(a, b),
        _ => false,
    }
}

/// The same values in the same order, whatever their spans.
fn same_values<T: PartialEq>(a: &[Spanned<T>], b: &[Spanned<T>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.value == b.value)
}

/// A `${{ ... }}` variable reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Reference {
    /// `${{ workflow.<task_id>.return }}`
    Task(String),
    /// `${{ env.<NAME> }}`
    Env(String),
}

/// `skipif:` block.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SkipIf {
    pub conditions: Vec<Spanned<String>>,
    pub unpack_depth: i64,
}

/// A `partial` argument value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    Ref(Spanned<Reference>),
    Str(String),
    Int(i128),
    Float(F64),
    Bool(bool),
    Null,
    List(Vec<Value>),
    Dict(Vec<(String, Value)>),
}

impl Value {
    fn same_but_spans(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Ref(a), Value::Ref(b)) => a.value == b.value,
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.same_but_spans(b))
            }
            (Value::Dict(a), Value::Dict(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, a), (kb, b))| ka == kb && a.same_but_spans(b))
            }
            (a, b) => a == b,
        }
    }

    fn collect_task_refs<'a>(&'a self, out: &mut Vec<RefUse<'a>>) {
        match self {
            Value::Ref(r) => out.extend(RefUse::of(r)),
            Value::List(items) => items.iter().for_each(|v| v.collect_task_refs(out)),
            Value::Dict(items) => items.iter().for_each(|(_, v)| v.collect_task_refs(out)),
            _ => {}
        }
    }

    pub fn uses_env(&self) -> bool {
        match self {
            Value::Ref(r) => matches!(r.value, Reference::Env(_)),
            Value::List(items) => items.iter().any(Value::uses_env),
            Value::Dict(items) => items.iter().any(|(_, v)| v.uses_env()),
            _ => false,
        }
    }
}

/// `rjsf-overrides:`: dotted paths → JSON values, per section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RjsfOverrides {
    pub properties: Vec<Override>,
    pub defs: Vec<Override>,
    pub ui_schema: Vec<Override>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    pub path: Spanned<String>,
    pub value: serde_json::Value,
    /// Where the value is written in the spec.
    pub value_span: Span,
}
