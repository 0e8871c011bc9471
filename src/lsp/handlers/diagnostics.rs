//! Diagnostics: what `wtc check` reports for the open text (only what needs no registry
//! until one answers for the spec; the same query as `check` once one does), as LSP diagnostics with range, severity, code, the
//! code's `wtc explain` text (in `data.explain`, and as a file `codeDescription.href` links)
//! and secondary labels as related
//! information. Pushed by the server loop after a debounce; pulled by
//! `textDocument/diagnostic`.

use super::{Failure, document};
use crate::artifacts::check_diagnostics;
use crate::diagnostics::{Diagnostic, Severity, Source};
use crate::front::lowered;
use crate::lsp::explain;
use crate::lsp::session::{Document, Snapshot};
use crate::syntax::span::within_content;
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DocumentDiagnosticParams,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FullDocumentDiagnosticReport,
    Location, NumberOrString, RelatedFullDocumentDiagnosticReport, Url,
};

/// The compiler's diagnostics for `doc`'s current text: those of the front end until a
/// registry answers for the spec, then exactly what `wtc check` reports (the memoized
/// [`check_diagnostics`] query, which builds no package, so an edit recomputes only what
/// it touches).
#[must_use]
pub fn of_document(snap: &Snapshot, doc: &Document) -> Vec<Diagnostic> {
    let db = &snap.db;
    if !doc.registered {
        return lowered(db, doc.wf).diagnostics.clone();
    }
    check_diagnostics(db, doc.wf).as_ref().clone()
}

/// `d` as an LSP diagnostic of the document `uri`.
#[must_use]
pub fn to_lsp(snap: &Snapshot, doc: &Document, uri: &Url, d: &Diagnostic) -> lsp_types::Diagnostic {
    let text = snap.text(doc);
    let in_spec = d.source == Source::Spec;
    let range = match (&d.primary, in_spec) {
        (Some(l), true) => doc.lines.range(text, within_content(text, l.span)),
        _ => lsp_types::Range::default(),
    };
    let mut message = d.message.clone();
    if let Some(l) = d
        .primary
        .as_ref()
        .filter(|l| !l.message.is_empty() && l.message != "here")
    {
        message.push_str(&format!(" ({})", l.message));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter(|_| in_spec)
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(
                uri.clone(),
                doc.lines.range(text, within_content(text, l.span)),
            ),
            message: l.message.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        code_description: snap
            .explain
            .as_ref()
            .and_then(|dir| explain::href(dir, d.code))
            .map(|href| CodeDescription { href }),
        source: Some("wtc".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({ "explain": d.code.explanation() })),
    }
}

/// The LSP diagnostics of the open document `uri`.
#[must_use]
pub fn for_uri(snap: &Snapshot, uri: &Url) -> Vec<lsp_types::Diagnostic> {
    let Some(doc) = snap.doc(uri) else {
        return Vec::new();
    };
    of_document(snap, doc)
        .iter()
        .map(|d| to_lsp(snap, doc, uri, d))
        .collect()
}

/// `textDocument/diagnostic`.
pub fn pull(
    snap: &Snapshot,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult, Failure> {
    document(snap, &params.text_document.uri)?;
    Ok(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items: for_uri(snap, &params.text_document.uri),
            },
        }),
    ))
}
