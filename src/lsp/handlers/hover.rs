//! `textDocument/hover`: a task name → its signature, description and module; an
//! argument → its schema (type, default, description, enum values); a reference → the
//! instance it names and that instance's task.

use super::completion::{parameters, task_doc};
use super::{Failure, document_at};
use crate::front::spec_model;
use crate::lsp::find::{self, Hit};
use crate::lsp::session::Snapshot;
use crate::registry::KnownTask;
use crate::syntax::span::Span;
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use serde_json::Value as Json;

/// `textDocument/hover`.
pub fn hover(snap: &Snapshot, params: HoverParams) -> Result<Option<Hover>, Failure> {
    let pos = params.text_document_position_params;
    let (doc, offset) = document_at(snap, &pos.text_document.uri, pos.position)?;
    let text = snap.text(doc);
    let spec = spec_model(&snap.db, doc.wf);
    let registry = snap.registry(doc);
    let known = |name: &str| {
        registry
            .as_deref()
            .and_then(|r| r.lookup(name).ok())
            .cloned()
    };
    let Some(hit) = find::at(spec, text, offset) else {
        return Ok(None);
    };
    let (value, span): (String, Span) = match hit {
        Hit::Task(t) => match known(&t.task.value) {
            Some(k) => (task_doc(&k), t.task.span),
            None => return Ok(None),
        },
        Hit::Condition(c) => match known(&c.value) {
            Some(k) => (task_doc(&k), c.span),
            None => return Ok(None),
        },
        Hit::Argument(t, arg) => match known(&t.task.value) {
            Some(k) => match argument_doc(&k, &arg.value) {
                Some(d) => (d, arg.span),
                None => return Ok(None),
            },
            None => return Ok(None),
        },
        Hit::Reference { id, span } => match find::instance(spec, id) {
            Some(t) => {
                let mut s = format!("task instance `{id}`");
                if !t.name.is_empty() {
                    s.push_str(&format!(" — {}", t.name));
                }
                s.push_str(&format!("\n\ntask `{}`", t.task.value));
                if let Some(k) = known(&t.task.value) {
                    s.push_str(&format!("\n\n{}", task_doc(&k)));
                }
                (s, span)
            }
            None => return Ok(None),
        },
        Hit::Id(t) => (
            format!("task instance `{}` of task `{}`", t.id.value, t.task.value),
            t.id.span,
        ),
    };
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(doc.lines.range(text, span)),
    }))
}

/// An argument's schema as Markdown.
fn argument_doc(known: &KnownTask, name: &str) -> Option<String> {
    let p = parameters(known).into_iter().find(|p| p.name == name)?;
    let mut s = format!(
        "`{}`: `{}`{}",
        p.name,
        p.ty,
        if p.required { " (required)" } else { "" }
    );
    if let Some(d) = &p.default {
        s.push_str(&format!("\n\ndefault: `{d}`"));
    }
    if let Some(d) = p.schema.get("description").and_then(Json::as_str) {
        s.push_str(&format!("\n\n{d}"));
    }
    if let Some(e) = p.schema.get("enum").and_then(Json::as_array) {
        let values: Vec<String> = e.iter().map(|v| format!("`{v}`")).collect();
        s.push_str(&format!("\n\none of: {}", values.join(", ")));
    }
    s.push_str(&format!("\n\nargument of `{}`", known.importable_reference));
    Some(s)
}
