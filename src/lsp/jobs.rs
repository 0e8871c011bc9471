//! The background jobs the main loop is waiting for: which request or document each is
//! for, its cancellation token, and the request ids still to be answered — so every
//! request is answered exactly once (a job's result for a request already answered, e.g.
//! cancelled by the client, is dropped).

use super::background::{Finished, Hook, Pool, Work};
use super::session::Snapshot;
use crossbeam_channel::Receiver;
use lsp_server::{Request, RequestId};
use lsp_types::Url;
use salsa::CancellationToken;
use std::collections::HashMap;
use std::sync::Arc;

/// What a running job is for.
pub enum Purpose {
    /// Answering `req` (kept to run it again after a write, when it is still valid); the
    /// version of its document when it started (`None`: no such document).
    Request { req: Request, version: Option<i32> },
    /// Pushing the diagnostics of `uri` at `version`.
    Publish { uri: Url, version: i32 },
}

struct Running {
    purpose: Purpose,
    token: CancellationToken,
}

/// The pool and what runs on it.
pub struct Jobs {
    pool: Pool,
    /// Finished jobs, for the main loop's `select!`.
    pub finished: Receiver<Finished>,
    running: HashMap<u64, Running>,
    requests: HashMap<RequestId, u64>,
    next: u64,
}

impl Jobs {
    #[must_use]
    pub fn new(hook: Option<Arc<dyn Hook>>) -> Self {
        let (done, finished) = crossbeam_channel::unbounded();
        Self {
            pool: Pool::new(&done, hook),
            finished,
            running: HashMap::new(),
            requests: HashMap::new(),
            next: 0,
        }
    }

    /// Answer `req` in the background on `snap`.
    pub fn request(&mut self, snap: Snapshot, req: Request) {
        let version = document_of(&req)
            .and_then(|uri| snap.doc(&uri))
            .map(|d| d.version);
        let id = req.id.clone();
        let number = self.start(
            snap,
            Work::Request(req.clone()),
            Purpose::Request { req, version },
        );
        self.requests.insert(id, number);
    }

    /// Compute the diagnostics of `uri` in the background on `snap`.
    pub fn publish(&mut self, snap: Snapshot, uri: Url) {
        let Some(version) = snap.doc(&uri).map(|d| d.version) else {
            return;
        };
        let work = Work::Publish(uri.clone());
        self.start(snap, work, Purpose::Publish { uri, version });
    }

    fn start(&mut self, snap: Snapshot, work: Work, purpose: Purpose) -> u64 {
        self.next += 1;
        let token = self.pool.submit(self.next, work, snap);
        self.running.insert(self.next, Running { purpose, token });
        self.next
    }

    /// Whether request `id` is still to be answered (running in the background).
    #[must_use]
    pub fn is_pending(&self, id: &RequestId) -> bool {
        self.requests.contains_key(id)
    }

    /// `$/cancelRequest` of `id`: cancel its job and forget it (its result is dropped).
    /// Returns whether it was still to be answered.
    pub fn cancel(&mut self, id: &RequestId) -> bool {
        let Some(number) = self.requests.remove(id) else {
            return false;
        };
        if let Some(r) = self.running.remove(&number) {
            r.token.cancel();
        }
        true
    }

    /// A job finished: what it was for (`None`: nobody waits for it any more).
    pub fn finish(&mut self, job: u64) -> Option<Purpose> {
        let r = self.running.remove(&job)?;
        if let Purpose::Request { req, .. } = &r.purpose
            && self.requests.get(&req.id) == Some(&job)
        {
            self.requests.remove(&req.id);
        }
        Some(r.purpose)
    }

    /// Cancel everything (the server stops).
    pub fn cancel_all(&mut self) {
        for r in self.running.values() {
            r.token.cancel();
        }
        self.running.clear();
        self.requests.clear();
    }
}

impl Drop for Jobs {
    fn drop(&mut self) {
        // Then the pool joins its threads (the jobs unwind at their next query).
        self.cancel_all();
    }
}

/// The document a request is about (its params' `textDocument.uri`).
#[must_use]
pub fn document_of(req: &Request) -> Option<Url> {
    let uri = req.params.get("textDocument")?.get("uri")?.as_str()?;
    Url::parse(uri).ok()
}

/// Whether a request cancelled by a write is run again (on the new revision) rather than
/// answered `ContentModified`: those about a whole document (pulled diagnostics, symbols,
/// folding ranges) always, the others (a position, a range) only when their document's
/// text did not change (the write was another document's, or a registry's).
#[must_use]
pub fn run_again(method: &str, started: Option<i32>, now: Option<i32>) -> bool {
    use lsp_types::request::{
        DocumentDiagnosticRequest, DocumentSymbolRequest, FoldingRangeRequest, Request as _,
    };
    let whole = [
        DocumentDiagnosticRequest::METHOD,
        DocumentSymbolRequest::METHOD,
        FoldingRangeRequest::METHOD,
    ];
    whole.contains(&method) || started == now
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_cancelled_requests_run_again() {
        // About the whole document: always.
        assert!(run_again("textDocument/diagnostic", Some(1), Some(2)));
        assert!(run_again("textDocument/foldingRange", Some(1), None));
        // About a position: only while the document's text is the one it was asked about.
        assert!(run_again("textDocument/hover", Some(1), Some(1)));
        assert!(!run_again("textDocument/hover", Some(1), Some(2)));
        assert!(!run_again("textDocument/completion", Some(1), None));
    }

    #[test]
    fn the_document_a_request_is_about() {
        let req = Request::new(
            RequestId::from(1),
            "textDocument/hover".into(),
            serde_json::json!({"textDocument": {"uri": "file:///a/spec.yaml"}, "position": {"line": 0, "character": 0}}),
        );
        assert_eq!(
            document_of(&req).map(|u| u.to_string()),
            Some("file:///a/spec.yaml".to_string())
        );
        let none = Request::new(
            RequestId::from(2),
            "shutdown".into(),
            serde_json::Value::Null,
        );
        assert_eq!(document_of(&none), None);
    }
}
