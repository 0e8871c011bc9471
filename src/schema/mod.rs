//! Parameter schemas: per-task fragments and their assembly into `params.json` (flat) and
//! `rjsf.json` (grouped, with `rjsf-overrides` applied). See `artifacts.md` §1.

pub mod metaschema;

use crate::diagnostics::{Code, Diagnostic};
use crate::registry::KnownTask;
use crate::spec::model::{Override, Spec, WorkflowEntry};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// The user-facing parameter schema of one task instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fragment {
    /// The task's schema minus omitted args, with `title` = instance name and no `$defs`.
    pub schema: Map<String, Value>,
    /// Remaining property names, in order.
    pub property_names: Vec<String>,
    /// Definitions referenced from the remaining properties, in the schema's `$defs` order.
    pub defs: Vec<(String, Value)>,
}

/// Why a task's registry schema cannot give a fragment; both name the task (`task`, its
/// importable reference). Part of a salsa query's value (`front::task_fragment`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum FragmentError {
    #[error("the registry schema of `{task}` is not a JSON object")]
    NotAnObject { task: String },
    /// A `$ref` (`reference`, as written) to a definition missing from `$defs`.
    #[error("the registry schema of `{task}` refers to `{reference}`, which is not in its `$defs`")]
    MissingDef { task: String, reference: String },
}

/// Build the fragment of one task instance (`name` = its title, `omit` = its omitted
/// arguments); `Ok(None)` when no user-facing argument remains. Errors name the task.
pub fn task_fragment(
    name: &str,
    omit: &[String],
    known: &KnownTask,
) -> Result<Option<Fragment>, FragmentError> {
    let Value::Object(mut schema) = known.json_schema.0.clone() else {
        return Err(FragmentError::NotAnObject {
            task: known.importable_reference.clone(),
        });
    };
    if let Some(desc) = &known.description
        && !schema.contains_key("description")
    {
        schema.insert("description".into(), Value::String(desc.clone()));
    }
    if let Some(Value::Object(props)) = schema.get("properties") {
        let kept: Map<String, Value> = props
            .iter()
            .filter(|(k, _)| !omit.iter().any(|o| o == *k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let required: Vec<Value> = match schema.get("required") {
            Some(Value::Array(r)) => r
                .iter()
                .filter(|v| !v.as_str().is_some_and(|s| omit.iter().any(|o| o == s)))
                .cloned()
                .collect(),
            _ => Vec::new(),
        };
        schema.insert("properties".into(), Value::Object(kept));
        schema.insert("required".into(), Value::Array(required));
    }
    schema.insert("title".into(), Value::String(name.to_string()));

    let mut defs = Vec::new();
    if let Some(all_defs) = schema.shift_remove("$defs") {
        let all_defs = all_defs.as_object().cloned().unwrap_or_default();
        let mut referenced = Vec::new();
        if let Some(props) = schema.get("properties") {
            collect_refs(props, &all_defs, &mut referenced, known)?;
        }
        defs = all_defs
            .iter()
            .filter(|(k, _)| referenced.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
    }
    let property_names: Vec<String> = match schema.get("properties") {
        Some(Value::Object(p)) if !p.is_empty() => p.keys().cloned().collect(),
        _ => return Ok(None),
    };
    Ok(Some(Fragment {
        // Collected again at its exact size: the clone and the inserts left room to grow,
        // and every task instance keeps its fragment.
        schema: schema.into_iter().collect(),
        property_names,
        defs,
    }))
}

/// Walk `v` for `$ref`s into `#/$defs/`; a referenced definition's `properties` is walked too.
fn collect_refs(
    v: &Value,
    defs: &Map<String, Value>,
    out: &mut Vec<String>,
    known: &KnownTask,
) -> Result<(), FragmentError> {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref") {
                let name = r
                    .as_str()
                    .unwrap_or_default()
                    .trim_start_matches("#/$defs/")
                    .to_string();
                if out.contains(&name) {
                    return Ok(());
                }
                let Some(def) = defs.get(&name) else {
                    return Err(FragmentError::MissingDef {
                        task: known.importable_reference.clone(),
                        reference: r.as_str().unwrap_or_default().to_string(),
                    });
                };
                out.push(name);
                if let Some(props @ Value::Object(_)) = def.get("properties") {
                    collect_refs(props, defs, out, known)?;
                }
                return Ok(());
            }
            for v in m.values() {
                collect_refs(v, defs, out, known)?;
            }
        }
        Value::Array(items) => {
            for v in items {
                collect_refs(v, defs, out, known)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Fragments of the included tasks, by task id.
pub type Fragments = HashMap<String, Arc<Fragment>>;

fn merge_defs(target: &mut Map<String, Value>, frag: &Fragment) {
    for (k, v) in &frag.defs {
        target.insert(k.clone(), v.clone());
    }
}

fn ui_order(names: &[String]) -> Value {
    json!({ "ui:order": names })
}

/// One level of a schema being assembled: properties, their `uiSchema` entries, their order.
#[derive(Default)]
struct Level {
    props: Map<String, Value>,
    ui: Map<String, Value>,
    order: Vec<String>,
}

impl Level {
    /// Add a task's fragment under its id (and its definitions to `defs`).
    fn add_task(&mut self, id: &str, frag: &Fragment, defs: &mut Map<String, Value>) {
        self.props
            .insert(id.to_string(), Value::Object(frag.schema.clone()));
        merge_defs(defs, frag);
        if frag.property_names.len() > 1 {
            self.ui
                .insert(id.to_string(), ui_order(&frag.property_names));
        }
        self.order.push(id.to_string());
    }

    /// The finished top level: `uiSchema` gets `ui:order` last.
    fn into_schema(mut self, defs: Map<String, Value>) -> (Value, Value, Value) {
        self.ui.insert("ui:order".into(), strings(self.order));
        (
            Value::Object(self.props),
            Value::Object(defs),
            Value::Object(self.ui),
        )
    }
}

/// The schema document. Built from the moved values: `json!` would serialise each of them
/// into a copy (a large spec's schema is several times the size of its YAML).
fn document(props: Value, defs: Value, ui: Value) -> Value {
    let mut doc = Map::with_capacity(4);
    doc.insert("properties".into(), props);
    doc.insert("$defs".into(), defs);
    doc.insert("uiSchema".into(), ui);
    doc.insert("additionalProperties".into(), Value::Bool(false));
    Value::Object(doc)
}

/// A JSON array of the strings, moved (what `json!(strings)` gives, without the copy).
fn strings(strings: Vec<String>) -> Value {
    Value::Array(strings.into_iter().map(Value::String).collect())
}

/// `params.json`: the flat schema, tasks in flat-workflow order.
pub fn params_schema(ordered: &[(String, Option<Arc<Fragment>>)]) -> Value {
    let mut level = Level::default();
    let mut defs = Map::new();
    for (id, frag) in ordered {
        if let Some(frag) = frag {
            level.add_task(id, frag, &mut defs);
        }
    }
    let (props, defs, ui) = level.into_schema(defs);
    document(props, defs, ui)
}

/// `rjsf.json`: grouped like `workflow:`, with overrides applied.
pub fn rjsf_schema(spec: &Spec, fragments: &Fragments) -> Result<Value, Vec<Diagnostic>> {
    let mut top = Level::default();
    let mut defs = Map::new();
    for entry in &spec.workflow {
        match entry {
            WorkflowEntry::Task(t) => {
                if let Some(frag) = fragments.get(&t.id.value) {
                    top.add_task(&t.id.value, frag, &mut defs);
                }
            }
            WorkflowEntry::Group(g) => {
                let mut members = Level::default();
                for t in &g.tasks {
                    if let Some(frag) = fragments.get(&t.id.value) {
                        members.add_task(&t.id.value, frag, &mut defs);
                    }
                }
                if members.order.is_empty() {
                    continue;
                }
                let title = g.title.value.clone();
                let mut group_ui = Map::new();
                if members.order.len() > 1 {
                    group_ui.insert("ui:order".into(), strings(members.order));
                }
                group_ui.extend(members.ui);
                if !group_ui.is_empty() {
                    top.ui.insert(title.clone(), Value::Object(group_ui));
                }
                let mut group = Map::with_capacity(4);
                group.insert("type".into(), Value::String("object".into()));
                group.insert("description".into(), Value::String(g.description.clone()));
                group.insert("ecoscope:task_group".into(), Value::Bool(true));
                group.insert("properties".into(), Value::Object(members.props));
                top.props.insert(title.clone(), Value::Object(group));
                top.order.push(title);
            }
        }
    }
    let (mut props, mut defs, mut ui) = top.into_schema(defs);
    let mut errors = Vec::new();
    let o = &spec.rjsf_overrides;
    for (section, target, list) in [
        ("properties", &mut props, &o.properties),
        ("$defs", &mut defs, &o.defs),
        ("uiSchema", &mut ui, &o.ui_schema),
    ] {
        for ov in list {
            if let Err(d) = apply_override(section, target, ov) {
                errors.push(*d);
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(document(props, defs, ui))
}

fn apply_override(section: &str, target: &mut Value, ov: &Override) -> Result<(), Box<Diagnostic>> {
    let parts: Vec<&str> = ov.path.value.split('.').collect();
    let (last, parents) = parts.split_last().expect("split yields at least one part");
    let mut cur = target;
    for (depth, p) in parents.iter().enumerate() {
        let Value::Object(m) = cur else {
            return Err(Box::new(not_a_mapping(section, ov, &parts[..depth])));
        };
        cur = m
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    let Value::Object(m) = cur else {
        return Err(Box::new(not_a_mapping(section, ov, parents)));
    };
    m.insert(last.to_string(), ov.value.clone());
    Ok(())
}

fn not_a_mapping(section: &str, ov: &Override, prefix: &[&str]) -> Diagnostic {
    Diagnostic::error(
        Code::InvalidOverride,
        format!(
            "cannot apply override `{}`: `{section}.{}` is not a mapping",
            ov.path.value,
            prefix.join(".")
        ),
    )
    .at(ov.path.span, "path goes through a non-mapping value")
    .with_help("an override path can only descend through mappings (objects)")
}

/// Strip `title`, `description`, `default` and `uiSchema` keys at any depth (for `params_sha256`).
pub fn strip_for_params_hash(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "title" | "description" | "default" | "uiSchema")
                })
                .map(|(k, v)| (k.clone(), strip_for_params_hash(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_for_params_hash).collect()),
        other => other.clone(),
    }
}
