//! `textDocument/completion`: task names after `task:`, argument names in `partial` and
//! `argnames` (unbound ones, required first, with type and default), `${{ workflow.`
//! ids (only instances above, so never a cycle) then `return`, skipif conditions, and
//! the grammar's keys at the cursor. The place comes from the text's indentation
//! (`lsp::context`), so half-typed YAML completes too.

use super::{Failure, document_at};
use crate::lsp::context::{self, Place};
use crate::lsp::session::Snapshot;
use crate::registry::{KnownTask, Registry};
use crate::spec::lower::{GROUP_KEYS, MAP_KEYS, SKIPIF_KEYS, TASK_KEYS, TOP_LEVEL_KEYS};
use crate::spec::model::Spec;
use crate::spec::requirements::CONDA_KEYS;
use crate::syntax::span::Span;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    Documentation, MarkupContent, MarkupKind, TextEdit,
};
use serde_json::Value as Json;

/// `textDocument/completion`.
pub fn completion(
    snap: &Snapshot,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>, Failure> {
    let pos = params.text_document_position;
    let (doc, offset) = document_at(snap, &pos.text_document.uri, pos.position)?;
    let text = snap.text(doc);
    let cursor = context::at(text, &doc.lines, offset);
    let range = doc
        .lines
        .range(text, Span::new(cursor.word_start.min(offset), offset));
    let registry = snap.registry(doc);
    let items: Vec<Candidate> = match cursor.place {
        Place::TaskName => registry.as_deref().map(task_names).unwrap_or_default(),
        Place::Condition => registry
            .as_deref()
            .map(|r| {
                let mut c = task_names(r);
                c.iter_mut()
                    .for_each(|c| c.kind = CompletionItemKind::FUNCTION);
                c
            })
            .unwrap_or_default(),
        Place::Argument {
            task,
            bound,
            key_position,
            own,
        } => registry
            .as_deref()
            .and_then(|r| {
                // The task as written, else (being retyped) the one of the last good parse.
                let known = task.and_then(|t| r.lookup(&t).ok());
                known.or_else(|| {
                    let spec = doc.last_good.as_deref()?;
                    r.lookup(
                        &crate::lsp::find::instance(spec, own.as_deref()?)?
                            .task
                            .value,
                    )
                    .ok()
                })
            })
            .map(|k| arguments(k, &bound, key_position))
            .unwrap_or_default(),
        Place::ReferenceId { ids, own } => {
            reference_ids(ids, own.as_deref(), doc.last_good.as_deref())
                .into_iter()
                .enumerate()
                .map(|(i, id)| Candidate {
                    sort: format!("{i:05}"),
                    insert: id.clone(),
                    label: id,
                    kind: CompletionItemKind::REFERENCE,
                    detail: Some("task instance".into()),
                    doc: None,
                })
                .collect()
        }
        Place::ReferenceReturn => vec![Candidate::simple("return", CompletionItemKind::PROPERTY)],
        Place::Key { path, present } => keys(&path, &present),
        Place::Nothing => Vec::new(),
    };
    let items = items
        .into_iter()
        .map(|c| CompletionItem {
            label: c.label,
            kind: Some(c.kind),
            detail: c.detail,
            documentation: c.doc.map(|value| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                })
            }),
            sort_text: Some(c.sort),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, c.insert))),
            ..CompletionItem::default()
        })
        .collect();
    Ok(Some(CompletionResponse::Array(items)))
}

/// The ids `${{ workflow.` may name: those written above the instance (from the text),
/// then those the last good parse has before it (instances the text scan cannot see, e.g.
/// flow mappings, or above a part that does not parse). Never the instance itself nor one
/// after it (a reference must come after its target, so never a cycle).
fn reference_ids(mut ids: Vec<String>, own: Option<&str>, model: Option<&Spec>) -> Vec<String> {
    let Some(model) = model else {
        return ids;
    };
    let order: Vec<&str> = model.flat_tasks().map(|t| t.id.value.as_str()).collect();
    let position = |id: &str| order.iter().position(|o| *o == id);
    // Where the instance is in the model; a new one: after the last id written above it.
    let end = match own.and_then(position) {
        Some(p) => p,
        None => ids
            .iter()
            .filter_map(|i| position(i))
            .max()
            .map_or(0, |m| m + 1),
    };
    for id in &order[..end] {
        if Some(*id) != own && !ids.iter().any(|i| i == id) {
            ids.push((*id).to_string());
        }
    }
    ids
}

/// One completion before conversion.
struct Candidate {
    label: String,
    insert: String,
    kind: CompletionItemKind,
    detail: Option<String>,
    doc: Option<String>,
    sort: String,
}

impl Candidate {
    fn simple(label: &str, kind: CompletionItemKind) -> Self {
        Candidate {
            label: label.to_string(),
            insert: label.to_string(),
            kind,
            detail: None,
            doc: None,
            sort: label.to_string(),
        }
    }
}

/// Every task: its function name (qualified when two modules have it).
fn task_names(registry: &Registry) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (name, modules) in &registry.by_name {
        for (module, known) in modules {
            let label = if modules.len() == 1 {
                name.clone()
            } else {
                format!("{module}.{name}")
            };
            out.push(Candidate {
                insert: label.clone(),
                sort: label.clone(),
                label,
                kind: CompletionItemKind::CLASS,
                detail: Some(known.importable_reference.clone()),
                doc: Some(task_doc(known)),
            });
        }
    }
    out
}

/// A task's documentation: description, module, signature.
#[must_use]
pub fn task_doc(known: &KnownTask) -> String {
    let mut s = format!("```python\n{}\n```\n", signature(known));
    if let Some(d) = &known.description {
        s.push_str(&format!("\n{d}\n"));
    }
    s.push_str(&format!("\nmodule `{}`", known.anchor));
    s
}

/// `name(a: integer, b: integer = 0)`; required parameters first as in the schema.
#[must_use]
pub fn signature(known: &KnownTask) -> String {
    let params: Vec<String> = parameters(known)
        .into_iter()
        .map(|p| {
            let mut s = format!("{}: {}", p.name, p.ty);
            if let Some(d) = &p.default {
                s.push_str(&format!(" = {d}"));
            }
            s
        })
        .collect();
    format!("{}({})", known.function_name, params.join(", "))
}

/// A task parameter, from its JSON schema.
pub struct Param {
    pub name: String,
    pub required: bool,
    pub ty: String,
    pub default: Option<String>,
    pub schema: Json,
}

/// The task's parameters in schema order.
#[must_use]
pub fn parameters(known: &KnownTask) -> Vec<Param> {
    let schema = &known.json_schema.0;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Json::as_array)
        .map(|r| r.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let Some(props) = schema.get("properties").and_then(Json::as_object) else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(name, p)| Param {
            name: name.clone(),
            required: required.contains(&name.as_str()),
            ty: type_of(p),
            default: p.get("default").map(ToString::to_string),
            schema: p.clone(),
        })
        .collect()
}

/// A short type of a property schema (`integer`, `string | null`, `array`, `Ref`, `any`).
#[must_use]
pub fn type_of(p: &Json) -> String {
    if let Some(t) = p.get("type") {
        return match t {
            Json::String(s) => s.clone(),
            Json::Array(a) => a
                .iter()
                .filter_map(Json::as_str)
                .collect::<Vec<_>>()
                .join(" | "),
            _ => "any".into(),
        };
    }
    if let Some(r) = p.get("$ref").and_then(Json::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    for k in ["anyOf", "oneOf"] {
        if let Some(a) = p.get(k).and_then(Json::as_array) {
            return a.iter().map(type_of).collect::<Vec<_>>().join(" | ");
        }
    }
    "any".into()
}

/// The parameters not bound yet, required first.
fn arguments(known: &KnownTask, bound: &[String], key_position: bool) -> Vec<Candidate> {
    parameters(known)
        .into_iter()
        .filter(|p| !bound.contains(&p.name))
        .enumerate()
        .map(|(i, p)| Candidate {
            insert: if key_position {
                format!("{}: ", p.name)
            } else {
                p.name.clone()
            },
            sort: format!("{}{i:04}", if p.required { 0 } else { 1 }),
            detail: Some(match (&p.default, p.required) {
                (_, true) => format!("{} (required)", p.ty),
                (Some(d), false) => format!("{} = {d}", p.ty),
                (None, false) => p.ty.clone(),
            }),
            doc: p
                .schema
                .get("description")
                .and_then(Json::as_str)
                .map(str::to_string),
            label: p.name,
            kind: CompletionItemKind::FIELD,
        })
        .collect()
}

/// The grammar's keys for the mapping at `path`, without those `present`.
fn keys(path: &[String], present: &[String]) -> Vec<Candidate> {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    let is_group = present.iter().any(|k| k == "type" || k == "tasks");
    let keys: &[&str] = match p.as_slice() {
        [] => TOP_LEVEL_KEYS,
        ["workflow", "-"] if is_group => GROUP_KEYS,
        ["workflow", "-"] | ["workflow", "-", "tasks", "-"] => TASK_KEYS,
        [.., "map" | "mapvalues"] => MAP_KEYS,
        [.., "skipif"] => SKIPIF_KEYS,
        ["task-instance-defaults"] => &["skipif"],
        ["requirements", "-"] => CONDA_KEYS,
        ["rjsf-overrides"] => &["properties", "$defs", "uiSchema"],
        _ => &[],
    };
    keys.iter()
        .filter(|k| !present.iter().any(|p| p == *k))
        .enumerate()
        .map(|(i, k)| Candidate {
            label: (*k).to_string(),
            insert: format!("{k}: "),
            kind: CompletionItemKind::KEYWORD,
            detail: None,
            doc: None,
            sort: format!("{i:04}"),
        })
        .collect()
}
