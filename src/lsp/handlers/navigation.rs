//! Go to definition (a reference → `id: X`), references (every `${{ workflow.X.return }}`
//! of an id, with its declaration when asked) and rename (every reference and the id in
//! one workspace edit; a new id the compiler would reject is refused).

use super::{Failure, document_at, failure};
use crate::front::spec_model;
use crate::lsp::find::{self, Hit};
use crate::lsp::session::{Document, Snapshot};
use crate::spec::lower::check_task_id;
use crate::spec::model::Spec;
use crate::syntax::span::Span;
use lsp_server::ErrorCode;
use lsp_types::{
    GotoDefinitionParams, GotoDefinitionResponse, Location, Position, PrepareRenameResponse,
    ReferenceParams, RenameParams, TextDocumentPositionParams, TextEdit, Url, WorkspaceEdit,
};
use std::collections::HashMap;

/// The id under the cursor (in a reference or an `id:`), with its span there.
fn id_at<'a>(spec: &'a Spec, text: &str, offset: usize) -> Option<(&'a str, Span)> {
    match find::at(spec, text, offset)? {
        Hit::Reference { id, span } => Some((id, span)),
        Hit::Id(t) => Some((t.id.value.as_str(), find::unquoted(text, t.id.span))),
        _ => None,
    }
}

/// What the navigation requests start from: the document, its text and model, and the id
/// under the cursor with its span there (`None` when the cursor is on no id).
struct IdAt<'s> {
    doc: &'s Document,
    text: &'s str,
    spec: &'s Spec,
    id: Option<(&'s str, Span)>,
}

fn id_under<'s>(snap: &'s Snapshot, uri: &Url, pos: Position) -> Result<IdAt<'s>, Failure> {
    let (doc, offset) = document_at(snap, uri, pos)?;
    let spec = spec_model(&snap.db, doc.wf);
    let text = snap.text(doc);
    let id = id_at(spec, text, offset);
    Ok(IdAt {
        doc,
        text,
        spec,
        id,
    })
}

fn location(snap: &Snapshot, doc: &Document, uri: &Url, span: Span) -> Location {
    Location::new(uri.clone(), doc.lines.range(snap.text(doc), span))
}

/// `textDocument/definition`.
pub fn definition(
    snap: &Snapshot,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>, Failure> {
    let pos = params.text_document_position_params;
    let uri = &pos.text_document.uri;
    let IdAt { doc, spec, id, .. } = id_under(snap, uri, pos.position)?;
    let Some((id, _)) = id else {
        return Ok(None);
    };
    Ok(find::instance(spec, id)
        .map(|t| GotoDefinitionResponse::Scalar(location(snap, doc, uri, t.id.span))))
}

/// `textDocument/references`.
pub fn references(
    snap: &Snapshot,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>, Failure> {
    let pos = params.text_document_position;
    let uri = &pos.text_document.uri;
    let IdAt {
        doc,
        text,
        spec,
        id,
    } = id_under(snap, uri, pos.position)?;
    let Some((id, _)) = id else {
        return Ok(None);
    };
    let mut spans = Vec::new();
    if params.context.include_declaration
        && let Some(t) = find::instance(spec, id)
    {
        spans.push(find::unquoted(text, t.id.span));
    }
    spans.extend(find::references(spec, text, id));
    Ok(Some(
        spans
            .into_iter()
            .map(|s| location(snap, doc, uri, s))
            .collect(),
    ))
}

/// `textDocument/prepareRename`.
pub fn prepare_rename(
    snap: &Snapshot,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, Failure> {
    let IdAt { doc, text, id, .. } = id_under(snap, &params.text_document.uri, params.position)?;
    Ok(
        id.map(|(id, span)| PrepareRenameResponse::RangeWithPlaceholder {
            range: doc.lines.range(text, span),
            placeholder: id.to_string(),
        }),
    )
}

/// `textDocument/rename`.
pub fn rename(snap: &Snapshot, params: RenameParams) -> Result<Option<WorkspaceEdit>, Failure> {
    let pos = params.text_document_position;
    let uri = &pos.text_document.uri;
    let IdAt {
        doc,
        text,
        spec,
        id,
    } = id_under(snap, uri, pos.position)?;
    let Some((id, _)) = id else {
        return Err(failure(
            ErrorCode::InvalidParams,
            "no task instance id or reference here",
        ));
    };
    let new = params.new_name.trim();
    let refuse = |m: String| Err(failure(ErrorCode::InvalidParams, m));
    if let Err(p) = check_task_id(new) {
        return refuse(match p.help {
            Some(h) => format!("{} ({h})", p.message),
            None => p.message,
        });
    }
    if new == spec.id.value {
        return refuse(format!("`{new}` is the workflow id"));
    }
    if new != id && spec.flat_tasks().any(|t| t.id.value == new) {
        return refuse(format!("a task instance `{new}` already exists"));
    }
    let mut spans: Vec<Span> = spec
        .flat_tasks()
        .filter(|t| t.id.value == id)
        .map(|t| find::unquoted(text, t.id.span))
        .collect();
    spans.extend(find::references(spec, text, id));
    let edits = spans
        .into_iter()
        .map(|s| TextEdit::new(doc.lines.range(text, s), new.to_string()))
        .collect();
    Ok(Some(WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }))
}
