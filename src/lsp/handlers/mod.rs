//! One module per request kind; [`dispatch`] routes a request to its handler and turns
//! a handler's failure (an error, or a panic) into an error response, so the server goes
//! on.

pub mod code_action;
pub mod completion;
pub mod diagnostics;
pub mod hover;
pub mod navigation;
pub mod symbols;

use super::session::{Document, Snapshot};
use lsp_server::{ErrorCode, Request, RequestId, Response, ResponseError};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentDiagnosticRequest, DocumentSymbolRequest,
    FoldingRangeRequest, GotoDefinition, HoverRequest, PrepareRenameRequest, References, Rename,
};
use lsp_types::{Position, Url};
use std::panic::AssertUnwindSafe;

/// A handler's error: the response's code and message.
pub type Failure = ResponseError;

/// An error response of `code` saying `message`.
#[must_use]
pub fn failure(code: ErrorCode, message: impl Into<String>) -> Failure {
    ResponseError {
        code: code as i32,
        message: message.into(),
        data: None,
    }
}

/// Answer `req` (never panics: a panicking handler answers an internal error).
#[must_use]
pub fn dispatch(snap: &Snapshot, req: Request) -> Response {
    guarded(req.id.clone(), || route(snap, req))
}

/// Run `handler` for request `id`, catching its panic (but not salsa's cancellation,
/// which unwinds on to the background job that runs it).
pub fn guarded(
    id: RequestId,
    handler: impl FnOnce() -> Result<serde_json::Value, Failure>,
) -> Response {
    match std::panic::catch_unwind(AssertUnwindSafe(handler)) {
        Ok(Ok(value)) => Response::new_ok(id, value),
        Ok(Err(e)) => Response {
            id,
            result: None,
            error: Some(e),
        },
        Err(panic) if panic.is::<salsa::Cancelled>() => std::panic::resume_unwind(panic),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("wtc lsp: handler failed: {what}"),
            )
        }
    }
}

fn route(snap: &Snapshot, req: Request) -> Result<serde_json::Value, Failure> {
    use lsp_types::request::Request as _;
    match req.method.as_str() {
        Completion::METHOD => run::<Completion>(snap, req, completion::completion),
        HoverRequest::METHOD => run::<HoverRequest>(snap, req, hover::hover),
        GotoDefinition::METHOD => run::<GotoDefinition>(snap, req, navigation::definition),
        References::METHOD => run::<References>(snap, req, navigation::references),
        PrepareRenameRequest::METHOD => {
            run::<PrepareRenameRequest>(snap, req, navigation::prepare_rename)
        }
        Rename::METHOD => run::<Rename>(snap, req, navigation::rename),
        CodeActionRequest::METHOD => run::<CodeActionRequest>(snap, req, code_action::code_actions),
        DocumentSymbolRequest::METHOD => {
            run::<DocumentSymbolRequest>(snap, req, symbols::document_symbols)
        }
        FoldingRangeRequest::METHOD => {
            run::<FoldingRangeRequest>(snap, req, symbols::folding_ranges)
        }
        DocumentDiagnosticRequest::METHOD => {
            run::<DocumentDiagnosticRequest>(snap, req, diagnostics::pull)
        }
        m => Err(failure(
            ErrorCode::MethodNotFound,
            format!("unsupported request `{m}`"),
        )),
    }
}

fn run<R: lsp_types::request::Request>(
    snap: &Snapshot,
    req: Request,
    handler: fn(&Snapshot, R::Params) -> Result<R::Result, Failure>,
) -> Result<serde_json::Value, Failure> {
    let params: R::Params = serde_json::from_value(req.params)
        .map_err(|e| failure(ErrorCode::InvalidParams, format!("invalid params: {e}")))?;
    let result = handler(snap, params)?;
    serde_json::to_value(result).map_err(|e| failure(ErrorCode::InternalError, e.to_string()))
}

/// The open document `uri` (an error when it is not open).
pub fn document<'s>(snap: &'s Snapshot, uri: &Url) -> Result<&'s Document, Failure> {
    snap.doc(uri).ok_or_else(|| {
        failure(
            ErrorCode::InvalidParams,
            format!("document not open: {uri}"),
        )
    })
}

/// The document and the byte offset of `pos` in it.
pub fn document_at<'s>(
    snap: &'s Snapshot,
    uri: &Url,
    pos: Position,
) -> Result<(&'s Document, usize), Failure> {
    let doc = document(snap, uri)?;
    Ok((doc, doc.lines.offset(snap.text(doc), pos)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_handler_answers_an_error() {
        let r = guarded(RequestId::from(7), || panic!("boom"));
        let e = r.error.expect("an error response");
        assert_eq!(e.code, ErrorCode::InternalError as i32);
        assert!(e.message.contains("boom"), "{}", e.message);
        let ok = guarded(RequestId::from(8), || Ok(serde_json::Value::Null));
        assert!(ok.error.is_none());
    }
}
