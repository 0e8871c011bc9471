//! `textDocument/codeAction`: the fixes the compiler's diagnostics already suggest, as
//! quick fixes: a did-you-mean replacement (task, argument, reference id, key), removing
//! an unknown `partial` argument, quoting an unquoted date.

use super::diagnostics::{of_document, to_lsp};
use super::{Failure, document};
use crate::diagnostics::{Code, Diagnostic};
use crate::front::spec_model;
use crate::lsp::find;
use crate::lsp::session::{Document, Snapshot};
use crate::syntax::span::Span;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    TextEdit, Url, WorkspaceEdit,
};
use std::collections::HashMap;

/// `textDocument/codeAction`.
pub fn code_actions(
    snap: &Snapshot,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>, Failure> {
    let uri = &params.text_document.uri;
    let doc = document(snap, uri)?;
    let text = snap.text(doc);
    let want = doc.lines.span(text, params.range);
    let mut out = Vec::new();
    for d in of_document(snap, doc) {
        let Some(primary) = &d.primary else { continue };
        let span = primary.span;
        if span.end < want.start || span.start > want.end {
            continue;
        }
        if let Some((title, edit)) = fix(snap, doc, &d, span) {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![to_lsp(snap, doc, uri, &d)]),
                edit: Some(edit_of(snap, doc, uri, edit)),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
    }
    Ok(Some(out))
}

fn edit_of(
    snap: &Snapshot,
    doc: &Document,
    uri: &Url,
    (span, new): (Span, String),
) -> WorkspaceEdit {
    let edit = TextEdit::new(doc.lines.range(snap.text(doc), span), new);
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
        ..WorkspaceEdit::default()
    }
}

/// The name a "did you mean `x`?" help suggests.
fn suggestion(help: &str) -> Option<&str> {
    let rest = help.strip_prefix("did you mean `")?;
    rest.strip_suffix("`?")
}

/// The fix of one diagnostic: its title and the edit.
fn fix(
    snap: &Snapshot,
    doc: &Document,
    d: &Diagnostic,
    span: Span,
) -> Option<(String, (Span, String))> {
    let text = snap.text(doc);
    let spanned = text.get(span.start..span.end)?;
    match d.code {
        Code::UnquotedDate => Some((
            format!("Quote `{spanned}`"),
            (span, format!("\"{spanned}\"")),
        )),
        Code::UnknownReference => {
            let new = suggestion(d.help.as_deref()?)?;
            let spec = spec_model(&snap.db, doc.wf);
            let old = spec
                .flat_tasks()
                .flat_map(|t| t.task_refs())
                .find(|r| r.span == span)?
                .task_id;
            Some((
                format!("Replace `{old}` with `{new}`"),
                (find::id_span(text, span, old), new.to_string()),
            ))
        }
        Code::UnknownArgument => match d.help.as_deref().and_then(suggestion) {
            Some(new) => Some((
                format!("Replace `{spanned}` with `{new}`"),
                (find::unquoted(text, span), new.to_string()),
            )),
            None => remove_partial(snap, doc, span)
                .map(|s| (format!("Remove argument `{spanned}`"), (s, String::new()))),
        },
        Code::UnknownTask | Code::UnknownKey => {
            let new = suggestion(d.help.as_deref()?)?;
            Some((
                format!("Replace `{spanned}` with `{new}`"),
                (find::unquoted(text, span), new.to_string()),
            ))
        }
        _ => None,
    }
}

/// The lines of the `partial` entry whose key is at `key`: from its line's start to the
/// next line indented no deeper than the key.
fn remove_partial(snap: &Snapshot, doc: &Document, key: Span) -> Option<Span> {
    let spec = spec_model(&snap.db, doc.wf);
    spec.flat_tasks()
        .flat_map(|t| &t.partial)
        .find(|(k, _)| k.span == key)?;
    let text = snap.text(doc);
    let line = doc.lines.line_of(key.start);
    let start = doc.lines.line_span(line).start;
    let indent = key.start - start;
    let mut end_line = line + 1;
    while end_line < doc.lines.count() {
        let s = doc.lines.line_span(end_line);
        let l = &text[s.start..s.end];
        let content = l.trim_start();
        if !content.is_empty() && l.len() - content.len() <= indent {
            break;
        }
        end_line += 1;
    }
    let end = if end_line < doc.lines.count() {
        doc.lines.line_span(end_line).start
    } else {
        text.len()
    };
    Some(Span::new(start, end))
}
