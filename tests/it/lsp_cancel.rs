//! `wtc lsp` background requests and their cancellation, in process. A request is held
//! "in flight" deterministically by a [`Gate`] (the server's test seam,
//! `wtc::lsp::background::Hook`, which `wtc lsp` itself never sets): the gate holds the
//! next job of one method on its worker thread, polling the job's cancellation, until the
//! test opens it — or the job is cancelled, which unwinds it. No timing is asserted.

use crate::lsp::{GOOD, at, client, show_diagnostics};
use crate::support::lsp::{Client, uri};
use crate::support::repo;
use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, RequestId, Response};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::Duration;
use wtc::lsp::background::Hook;

/// Holds the next background job of an armed method until opened or cancelled.
struct Gate {
    armed: Mutex<Option<&'static str>>,
    open: AtomicBool,
    /// The worker thread holding a job (its `after` reports it left).
    holder: Mutex<Option<ThreadId>>,
    entered: (Sender<()>, Receiver<()>),
    left: (Sender<()>, Receiver<()>),
}

/// How long the test waits for the gate's signals before failing (not a timing assert: a
/// server that never runs the job fails the test instead of hanging it).
const PATIENCE: Duration = Duration::from_secs(60);

impl Gate {
    fn new() -> Arc<Gate> {
        Arc::new(Gate {
            armed: Mutex::new(None),
            open: AtomicBool::new(false),
            holder: Mutex::new(None),
            entered: crossbeam_channel::unbounded(),
            left: crossbeam_channel::unbounded(),
        })
    }

    /// Hold the next job of `method`.
    fn arm(&self, method: &'static str) {
        self.open.store(false, Ordering::SeqCst);
        *self.armed.lock().unwrap() = Some(method);
    }

    /// Wait until the held job runs (it is in flight).
    fn entered(&self) {
        self.entered.1.recv_timeout(PATIENCE).expect("the job runs");
    }

    /// Wait until the held job was reported to the main loop.
    fn left(&self) {
        self.left.1.recv_timeout(PATIENCE).expect("the job ends");
    }
}

impl Hook for Gate {
    fn before(&self, method: &str, checkpoint: &dyn Fn()) {
        {
            let mut armed = self.armed.lock().unwrap();
            if *armed != Some(method) {
                return;
            }
            *armed = None;
        }
        *self.holder.lock().unwrap() = Some(std::thread::current().id());
        self.entered.0.send(()).unwrap();
        while !self.open.load(Ordering::SeqCst) {
            checkpoint();
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn after(&self, _method: &str) {
        let mut holder = self.holder.lock().unwrap();
        if *holder == Some(std::thread::current().id()) {
            *holder = None;
            self.left.0.send(()).unwrap();
        }
    }
}

/// A server whose jobs `gate` sees, with GOOD open as `path`.
fn gated(gate: &Arc<Gate>, path: &str) -> (Client, lsp_types::Url) {
    let flags = wtc::lsp::Config {
        registry: Some(repo().join("examples/registry.json").into()),
        ..Default::default()
    };
    let hook: Arc<dyn Hook> = gate.clone();
    let mut c = Client::start_with(flags, Value::Null, Vec::new(), Some(hook));
    let u = uri(path);
    c.open(&u, GOOD);
    (c, u)
}

fn number(id: &RequestId) -> Value {
    serde_json::from_str(&id.to_string()).unwrap()
}

fn answers(c: &Client, id: &RequestId) -> Vec<Response> {
    c.responses
        .iter()
        .filter(|r| &r.id == id)
        .cloned()
        .collect()
}

fn error_code(r: &Response) -> Option<i32> {
    r.error.as_ref().map(|e| e.code)
}

/// A hover of GOOD's `total`, held in flight by `gate`; its id.
fn held_hover(gate: &Gate, c: &mut Client, u: &lsp_types::Url) -> RequestId {
    gate.arm("textDocument/hover");
    let id = c.send("textDocument/hover", at(u, GOOD, "task: total", 7));
    gate.entered();
    id
}

/// `id` is answered with the error `code`.
fn answered_with(c: &mut Client, id: &RequestId, code: ErrorCode) {
    let r = c.response(id.clone());
    assert_eq!(error_code(&r), Some(code as i32), "{r:?}");
}

fn hover_text(c: &mut Client, u: &lsp_types::Url, text: &str, needle: &str) -> String {
    let h = c.request("textDocument/hover", at(u, text, needle, 7));
    h["contents"]["value"].as_str().unwrap_or("").to_string()
}

/// (a) `$/cancelRequest` of a request in flight: `RequestCancelled`, and nothing else is
/// ever sent for it (its job unwinds: the gate is never opened).
#[test]
fn cancel_request_in_flight() {
    let gate = Gate::new();
    let (mut c, u) = gated(&gate, "/ws/cancel/spec.yaml");
    let id = held_hover(&gate, &mut c, &u);
    c.notify("$/cancelRequest", json!({ "id": number(&id) }));
    answered_with(&mut c, &id, ErrorCode::RequestCanceled);
    gate.left();
    // The job's result reached the main loop before this request's did (one channel):
    // had it been sent, it would have been read by now.
    assert!(hover_text(&mut c, &u, GOOD, "task: total").contains("total("));
    assert_eq!(answers(&c, &id).len(), 1, "{:?}", answers(&c, &id));
    c.shutdown();
}

/// (b) An edit while a request runs: a request at a position answers `ContentModified`,
/// one about the whole document is run again on the new text; later requests see it.
#[test]
fn an_edit_cancels_a_running_request() {
    let gate = Gate::new();
    let (mut c, u) = gated(&gate, "/ws/edit/spec.yaml");
    let edited = GOOD.replace("task: total", "task: totl");
    let id = held_hover(&gate, &mut c, &u);
    c.edit(&u, 2, &edited);
    answered_with(&mut c, &id, ErrorCode::ContentModified);
    gate.left();
    // The next request sees the new text: `totl` is no task.
    let h = c.request("textDocument/hover", at(&u, &edited, "task: totl", 7));
    assert_eq!(h, Value::Null);
    // Pulled diagnostics are about the whole document: run again, on the edited text.
    gate.arm("textDocument/diagnostic");
    let id = c.send(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": u}}),
    );
    gate.entered();
    c.edit(&u, 3, GOOD);
    let r = c.response(id.clone());
    assert!(r.error.is_none(), "{r:?}");
    assert_eq!(show_diagnostics(&r.result.unwrap()["items"]), "");
    gate.left();
    assert_eq!(answers(&c, &id).len(), 1);
    c.shutdown();
}

/// A write that leaves the request's document as it was (here: another spec opened, which
/// attaches its registry) cancels the running request too; it is run again and answers.
#[test]
fn a_write_elsewhere_runs_the_request_again() {
    let gate = Gate::new();
    let (mut c, u) = gated(&gate, "/ws/elsewhere/spec.yaml");
    let id = held_hover(&gate, &mut c, &u);
    let other = uri("/ws/elsewhere/other/spec.yaml");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": other, "languageId": "yaml", "version": 1, "text": GOOD}}),
    );
    gate.left();
    let r = c.response(id.clone());
    assert!(r.error.is_none(), "{r:?}");
    assert!(
        r.result.unwrap()["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("total(")
    );
    assert_eq!(answers(&c, &id).len(), 1);
    c.shutdown();
}

/// Pushed diagnostics are computed in the background: a held computation does not hold
/// up requests, and one cancelled by an edit is computed again for the new version.
#[test]
fn pushed_diagnostics_run_in_the_background() {
    let gate = Gate::new();
    let (mut c, u) = gated(&gate, "/ws/push/spec.yaml");
    gate.arm(wtc::lsp::background::PUBLISH);
    let edited = GOOD.replace("task: total", "task: totl");
    c.edit(&u, 2, &edited);
    gate.entered();
    // The main loop and the other worker go on while it is held.
    assert!(hover_text(&mut c, &u, &edited, "task: multiply").contains("multiply("));
    c.edit(&u, 3, &edited.replace("factor: 3", "factor: 4"));
    gate.left();
    let d = show_diagnostics(&c.diagnostics(&u, 3));
    assert!(d.contains("unknown-task"), "{d}");
    c.shutdown();
}

/// (c) Many requests of every kind interleaved with edits and cancellations: every id is
/// answered exactly once — with a result, `ContentModified`, or (only those cancelled)
/// `RequestCancelled`.
#[test]
fn every_request_is_answered_once() {
    let mut c = client();
    let u = uri("/ws/many/spec.yaml");
    c.open(&u, GOOD);
    let texts = [GOOD.to_string(), GOOD.replace("factor: 3", "factor: 33")];
    let mut ids = Vec::new();
    let mut cancelled = Vec::new();
    for round in 0..40usize {
        let text = &texts[round % 2];
        let position = at(&u, text, "task: total", 7);
        let requests = [
            ("textDocument/hover", position.clone()),
            ("textDocument/completion", position.clone()),
            (
                "textDocument/definition",
                at(&u, text, "workflow.tripled", 10),
            ),
            (
                "textDocument/diagnostic",
                json!({"textDocument": {"uri": u}}),
            ),
            (
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": u}}),
            ),
            (
                "textDocument/foldingRange",
                json!({"textDocument": {"uri": u}}),
            ),
        ];
        for (method, params) in requests.iter().skip(round % 3).step_by(2) {
            ids.push(c.send(method, params.clone()));
        }
        if round % 4 == 1 {
            let id = ids[ids.len() - 2].clone();
            c.notify("$/cancelRequest", json!({ "id": number(&id) }));
            cancelled.push(id);
        }
        let next = &texts[(round + 1) % 2];
        c.edit(&u, i32::try_from(round + 2).unwrap(), next);
    }
    c.await_all(&ids);
    // One more round trip: anything still owed to the ids above has been sent by now.
    assert!(hover_text(&mut c, &u, &texts[0], "task: total").contains("total("));
    for id in &ids {
        let a = answers(&c, id);
        assert_eq!(a.len(), 1, "{id}: {a:?}");
        match error_code(&a[0]) {
            None => {}
            Some(code) if code == ErrorCode::ContentModified as i32 => {}
            Some(code) if code == ErrorCode::RequestCanceled as i32 => {
                assert!(cancelled.contains(id), "{id} was not cancelled");
            }
            Some(_) => panic!("{id}: {a:?}"),
        }
    }
    c.shutdown();
}
