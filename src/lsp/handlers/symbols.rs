//! `textDocument/documentSymbol` (task groups with their instances, each instance with
//! its task) and `textDocument/foldingRange` (every block mapping or sequence that spans
//! lines, from the text's YAML tree).

use super::{Failure, document};
use crate::front::spec_model;
use crate::lsp::session::{Document, Snapshot};
use crate::spec::model::{TaskInstance, WorkflowEntry};
use crate::syntax::span::Span;
use crate::syntax::yaml::{self, Node, NodeKind};
use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, FoldingRange, FoldingRangeParams,
    SymbolKind,
};

/// `textDocument/documentSymbol`.
pub fn document_symbols(
    snap: &Snapshot,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>, Failure> {
    let doc = document(snap, &params.text_document.uri)?;
    let spec = spec_model(&snap.db, doc.wf);
    let symbols = spec
        .workflow
        .iter()
        .map(|entry| match entry {
            WorkflowEntry::Task(t) => instance(snap, doc, t),
            WorkflowEntry::Group(g) => {
                let children: Vec<DocumentSymbol> =
                    g.tasks.iter().map(|t| instance(snap, doc, t)).collect();
                let end = g
                    .tasks
                    .iter()
                    .map(|t| t.span.end)
                    .max()
                    .unwrap_or(g.title.span.end);
                let span = Span::new(g.title.span.start, end.max(g.title.span.end));
                symbol(
                    snap,
                    doc,
                    (g.title.value.clone(), None, SymbolKind::NAMESPACE),
                    span,
                    g.title.span,
                    Some(children),
                )
            }
        })
        .collect();
    Ok(Some(DocumentSymbolResponse::Nested(symbols)))
}

fn instance(snap: &Snapshot, doc: &Document, t: &TaskInstance) -> DocumentSymbol {
    let span = Span::new(
        t.span.start.min(t.id.span.start),
        t.span.end.max(t.id.span.end),
    );
    symbol(
        snap,
        doc,
        (
            t.id.value.clone(),
            Some(t.task.value.clone()),
            SymbolKind::FUNCTION,
        ),
        span,
        t.id.span,
        None,
    )
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written out.
fn symbol(
    snap: &Snapshot,
    doc: &Document,
    (name, detail, kind): (String, Option<String>, SymbolKind),
    span: Span,
    selection: Span,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    let text = snap.text(doc);
    DocumentSymbol {
        name: if name.is_empty() {
            "(unnamed)".into()
        } else {
            name
        },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: doc.lines.range(text, span),
        selection_range: doc.lines.range(text, selection),
        children,
    }
}

/// `textDocument/foldingRange`.
pub fn folding_ranges(
    snap: &Snapshot,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>, Failure> {
    let doc = document(snap, &params.text_document.uri)?;
    let Ok(root) = yaml::parse(snap.text(doc)) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    fold(doc, &root, &mut out);
    out.sort_by_key(|r| (r.start_line, r.end_line));
    out.dedup_by_key(|r| (r.start_line, r.end_line));
    Ok(Some(out))
}

fn fold(doc: &Document, node: &Node, out: &mut Vec<FoldingRange>) {
    let children: Vec<&Node> = match &node.kind {
        NodeKind::Map(entries) => entries.iter().map(|(_, v)| v).collect(),
        NodeKind::Seq(items) => items.iter().collect(),
        NodeKind::Scalar(_) => Vec::new(),
    };
    if let NodeKind::Map(entries) = &node.kind {
        for (k, v) in entries {
            push(doc, k.span.start, v.span.end, out);
        }
    }
    if let NodeKind::Seq(items) = &node.kind {
        for item in items {
            push(doc, item.span.start, item.span.end, out);
        }
    }
    for c in children {
        fold(doc, c, out);
    }
}

fn push(doc: &Document, start: usize, end: usize, out: &mut Vec<FoldingRange>) {
    let (a, b) = (doc.lines.line_of(start), doc.lines.line_of(end.max(start)));
    if b > a {
        out.push(FoldingRange {
            start_line: u32::try_from(a).unwrap_or(u32::MAX),
            end_line: u32::try_from(b).unwrap_or(u32::MAX),
            ..FoldingRange::default()
        });
    }
}
