//! An in-process LSP client for `wtc::lsp::serve` over `lsp_server::Connection::memory()`.

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use wtc::lsp::Config;
use wtc::lsp::background::Hook;

/// How long a test waits for any one message before failing (never a timing assert: a
/// hung server fails the test instead of hanging it).
const PATIENCE: Duration = Duration::from_secs(60);

pub struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next: i32,
    /// Messages read while waiting for something else.
    seen: VecDeque<Message>,
    /// Background loads in flight (from `$/progress` begin/end).
    in_flight: i32,
    /// Requests the server sent to the client (method names).
    pub server_requests: Vec<Request>,
    /// `window/showMessage` texts.
    pub messages: Vec<String>,
    /// Every response received, in order.
    pub responses: Vec<Response>,
    /// Every `$/progress` kind seen (`begin`, `end`).
    pub progress: Vec<String>,
}

pub fn uri(path: &str) -> lsp_types::Url {
    lsp_types::Url::from_file_path(path).unwrap()
}

impl Client {
    /// Initialize a server with `flags` and `init_options`; `early` messages are queued
    /// before the server thread starts (so their order relative to each other is fixed).
    pub fn start(flags: Config, init_options: Value, early: Vec<Message>) -> Client {
        Client::start_with(flags, init_options, early, None)
    }

    /// [`Client::start`] with a [`Hook`] that sees the server's background jobs.
    pub fn start_with(
        mut flags: Config,
        init_options: Value,
        early: Vec<Message>,
        hook: Option<Arc<dyn Hook>>,
    ) -> Client {
        // In process, the server would otherwise fall back to `$WTC_CACHE_DIR` or the user's
        // cache: its discovery entries and the explain files it writes stay in the build's
        // scratch directory instead (`cacheDir` in `init_options` still wins).
        if flags.cache_dir.is_none() {
            flags.cache_dir =
                Some(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("lsp-cache"));
        }
        let (server, client) = Connection::memory();
        let init = json!({
            "processId": null,
            "rootUri": null,
            "capabilities": {
                "window": { "workDoneProgress": true },
                "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
            },
            "initializationOptions": init_options,
        });
        client
            .sender
            .send(Request::new(RequestId::from(0), "initialize".into(), init).into())
            .unwrap();
        client
            .sender
            .send(Notification::new("initialized".into(), json!({})).into())
            .unwrap();
        for m in early {
            client.sender.send(m).unwrap();
        }
        let handle = std::thread::spawn(move || {
            wtc::lsp::serve_with(&server, flags, hook).map_err(|e| e.to_string())
        });
        let mut c = Client {
            conn: client,
            server: Some(handle),
            next: 100,
            seen: VecDeque::new(),
            in_flight: 0,
            server_requests: Vec::new(),
            messages: Vec::new(),
            responses: Vec::new(),
            progress: Vec::new(),
        };
        let init = c.response(RequestId::from(0));
        assert!(init.error.is_none(), "{init:?}");
        c
    }

    /// A server given the examples' registry file (`--registry`).
    pub fn with_registry(registry: &str) -> Client {
        let flags = Config {
            registry: Some(registry.into()),
            ..Config::default()
        };
        Client::start(flags, Value::Null, Vec::new())
    }

    fn recv(&mut self) -> Message {
        let m = self
            .conn
            .receiver
            .recv_timeout(PATIENCE)
            .expect("the server answers");
        match &m {
            Message::Request(r) => self.server_requests.push(r.clone()),
            Message::Response(r) => self.responses.push(r.clone()),
            Message::Notification(n) if n.method == "$/progress" => {
                let kind = n.params["value"]["kind"].as_str().unwrap_or("").to_string();
                match kind.as_str() {
                    "begin" => self.in_flight += 1,
                    "end" => self.in_flight -= 1,
                    _ => {}
                }
                self.progress.push(kind);
            }
            Message::Notification(n) if n.method == "window/showMessage" => {
                self.messages
                    .push(n.params["message"].as_str().unwrap_or("").to_string());
            }
            _ => {}
        }
        m
    }

    /// The response to `id` (read now, or already).
    pub fn response(&mut self, id: RequestId) -> Response {
        if let Some(Message::Response(r)) =
            self.take_seen(|m| matches!(m, Message::Response(r) if r.id == id))
        {
            return r;
        }
        loop {
            match self.recv() {
                Message::Response(r) if r.id == id => return r,
                other => self.seen.push_back(other),
            }
        }
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Notification::new(method.into(), params).into())
            .unwrap();
    }

    /// Send a request; its raw response.
    pub fn raw(&mut self, method: &str, params: Value) -> Response {
        let id = self.send(method, params);
        self.response(id)
    }

    /// Send a request without waiting for its response; its id.
    pub fn send(&mut self, method: &str, params: Value) -> RequestId {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn
            .sender
            .send(Request::new(id.clone(), method.into(), params).into())
            .unwrap();
        id
    }

    /// Read until every request of `ids` has been answered.
    pub fn await_all(&mut self, ids: &[RequestId]) {
        while !ids
            .iter()
            .all(|id| self.responses.iter().any(|r| &r.id == id))
        {
            let m = self.recv();
            self.seen.push_back(m);
        }
    }

    /// Send a request; its result (panics on an error response).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.raw(method, params);
        assert!(r.error.is_none(), "{method}: {:?}", r.error);
        r.result.unwrap_or(Value::Null)
    }

    /// `textDocument/didOpen` with version 1; the settled diagnostics.
    pub fn open(&mut self, uri: &lsp_types::Url, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
        self.diagnostics(uri, 1)
    }

    /// A whole-text `textDocument/didChange` to `version`; the settled diagnostics.
    pub fn change(&mut self, uri: &lsp_types::Url, version: i32, text: &str) -> Value {
        self.edit(uri, version, text);
        self.diagnostics(uri, version)
    }

    /// A whole-text `textDocument/didChange` to `version` (not waiting for anything).
    pub fn edit(&self, uri: &lsp_types::Url, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// The first diagnostics pushed for `uri` at `version` once no registry load is in
    /// flight.
    pub fn diagnostics(&mut self, uri: &lsp_types::Url, version: i32) -> Value {
        let mut pending: VecDeque<Message> = std::mem::take(&mut self.seen);
        loop {
            let m = match pending.pop_front() {
                Some(m) => m,
                None => self.recv(),
            };
            if let Message::Notification(n) = &m
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == json!(uri)
                && n.params["version"] == json!(version)
                && self.in_flight == 0
            {
                self.seen.extend(pending);
                return n.params["diagnostics"].clone();
            }
        }
    }

    /// `shutdown` + `exit`; the server thread must end without error.
    pub fn shutdown(mut self) {
        let r = self.raw("shutdown", Value::Null);
        assert!(r.error.is_none());
        self.notify("exit", Value::Null);
        let handle = self.server.take().unwrap();
        assert_eq!(handle.join().unwrap(), Ok(()));
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.server.is_some() && !std::thread::panicking() {
            let _ = self
                .conn
                .sender
                .send(Notification::new("exit".into(), Value::Null).into());
        }
    }
}

impl Client {
    /// Remove and return the first message already read that `pred` accepts.
    pub fn take_seen(&mut self, pred: impl Fn(&Message) -> bool) -> Option<Message> {
        let i = self.seen.iter().position(pred)?;
        self.seen.remove(i)
    }
}
