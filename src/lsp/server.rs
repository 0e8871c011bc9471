//! The main loop (synchronous, as in rust-analyzer and ruff): messages from the client,
//! finished background registry loads and jobs, and the diagnostics debounce, on one
//! thread. It alone writes to the database (notifications, registries); requests and
//! pushed diagnostics run as background jobs on a snapshot taken when the request is read
//! (so a request sees every notification sent before it) — see [`super::background`].
//!
//! Cancellation: a write cancels the running jobs (salsa); a cancelled request is run
//! again when it still means the same ([`jobs::run_again`]), else answered
//! `ContentModified`; cancelled diagnostics are computed again after the debounce.
//! `$/cancelRequest` answers `RequestCancelled` at once (queued or running: the job is
//! cancelled and its result dropped). Each request id is answered exactly once.

use super::background::{Finished, Hook, Outcome};
use super::jobs::{self, Jobs, Purpose};
use super::registry::{Attach, Config, Loaded};
use super::session::Session;
use crossbeam_channel::{Receiver, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    Cancel, DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
    DidOpenTextDocument, Notification as _, Progress, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{RegisterCapability, WorkDoneProgressCreate};
use lsp_types::{
    CancelParams, ClientCapabilities, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, FileSystemWatcher, GlobPattern, MessageType, NumberOrString,
    ProgressParams, ProgressParamsValue, PublishDiagnosticsParams, Registration,
    RegistrationParams, ShowMessageParams, Url, WorkDoneProgress, WorkDoneProgressBegin,
    WorkDoneProgressCreateParams, WorkDoneProgressEnd,
};
use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long diagnostics wait after the last change before they are pushed.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// The progress token of task discovery.
const DISCOVERY_TOKEN: &str = "wtc/discovery";

/// The server state around the session.
pub struct Server<'c> {
    conn: &'c Connection,
    session: Session,
    loaded: Receiver<Loaded>,
    /// Messages read ahead (to see cancellations).
    backlog: VecDeque<Message>,
    dirty: BTreeSet<Url>,
    deadline: Option<Instant>,
    progress: bool,
    watch_dynamic: bool,
    /// Background loads in flight (progress shown while > 0).
    loading: usize,
    next_id: i32,
    jobs: Jobs,
}

/// What woke the loop.
enum Event {
    Message(Message),
    Loaded(Loaded),
    Finished(Finished),
    Tick,
    Closed,
}

impl<'c> Server<'c> {
    /// A server on `conn`; `hook` is a test seam ([`Hook`]; `None` in `wtc lsp`).
    pub fn new(
        conn: &'c Connection,
        config: Config,
        caps: &ClientCapabilities,
        hook: Option<Arc<dyn Hook>>,
    ) -> Self {
        let (done, loaded) = crossbeam_channel::unbounded();
        let progress = caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        let watch_dynamic = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files)
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        Self {
            conn,
            session: Session::new(config, done),
            loaded,
            backlog: VecDeque::new(),
            dirty: BTreeSet::new(),
            deadline: None,
            progress,
            watch_dynamic,
            loading: 0,
            next_id: 0,
            jobs: Jobs::new(hook),
        }
    }

    /// Serve until `shutdown` + `exit` (or the client hangs up).
    pub fn run(mut self) -> Result<(), lsp_server::ProtocolError> {
        // `initialized` was consumed by `Connection::initialize_finish`.
        self.register_watchers();
        if let Some(e) = self.session.overrides_error.take() {
            self.notify::<ShowMessage>(ShowMessageParams {
                typ: MessageType::WARNING,
                message: format!("wtc: {e}"),
            });
        }
        loop {
            match self.next_event() {
                Event::Closed => return Ok(()),
                Event::Tick => self.publish_dirty(),
                Event::Loaded(l) => self.on_loaded(l),
                Event::Finished(f) => self.on_finished(f),
                Event::Message(Message::Request(req)) => {
                    if self.conn.handle_shutdown(&req)? {
                        return Ok(());
                    }
                    self.on_request(req);
                }
                Event::Message(Message::Notification(n)) => self.on_notification(n),
                Event::Message(Message::Response(_)) => {}
            }
        }
    }

    fn next_event(&mut self) -> Event {
        if let Some(m) = self.backlog.pop_front() {
            return Event::Message(m);
        }
        let timeout = self.deadline.map_or(Duration::from_secs(3600), |d| {
            d.saturating_duration_since(Instant::now())
        });
        select! {
            recv(self.conn.receiver) -> m => m.map_or(Event::Closed, Event::Message),
            recv(self.loaded) -> l => l.map_or(Event::Tick, Event::Loaded),
            recv(self.jobs.finished) -> f => f.map_or(Event::Tick, Event::Finished),
            default(timeout) => Event::Tick,
        }
    }

    fn send(&self, m: impl Into<Message>) {
        let _ = self.conn.sender.send(m.into());
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn request<R: lsp_types::request::Request>(&mut self, params: R::Params) {
        self.next_id += 1;
        let id = RequestId::from(format!("wtc-{}", self.next_id));
        self.send(Request::new(id, R::METHOD.to_string(), params));
    }

    fn on_request(&mut self, req: Request) {
        // Read what has arrived meanwhile: a cancellation of this request is honoured.
        while let Ok(m) = self.conn.receiver.try_recv() {
            self.backlog.push_back(m);
        }
        let cancelled = self.backlog.iter().any(|m| match m {
            Message::Notification(n) => cancelled_id(n).is_some_and(|id| id == req.id),
            _ => false,
        });
        if cancelled {
            self.send(request_cancelled(req.id));
            return;
        }
        self.jobs.request(self.session.snapshot(), req);
    }

    /// `$/cancelRequest`: a request still running is answered `RequestCancelled` now.
    fn on_cancel(&mut self, n: &Notification) {
        if let Some(id) = cancelled_id(n)
            && self.jobs.cancel(&id)
        {
            self.send(request_cancelled(id));
        }
    }

    /// A background job finished: answer its request, or push its diagnostics, unless that
    /// is no longer wanted.
    fn on_finished(&mut self, f: Finished) {
        match (self.jobs.finish(f.job), f.outcome) {
            (None, _) => {}
            (Some(Purpose::Request { .. }), Outcome::Response(r)) => self.send(r),
            (Some(Purpose::Request { req, version }), Outcome::Cancelled) => {
                let now = jobs::document_of(&req)
                    .and_then(|uri| self.session.doc(&uri))
                    .map(|d| d.version);
                if jobs::run_again(&req.method, version, now) {
                    self.jobs.request(self.session.snapshot(), req);
                } else {
                    self.send(Response::new_err(
                        req.id,
                        ErrorCode::ContentModified as i32,
                        "the document changed while the request ran".to_string(),
                    ));
                }
            }
            (Some(Purpose::Request { req, .. }), Outcome::Diagnostics(_)) => {
                self.send(Response::new_err(
                    req.id,
                    ErrorCode::InternalError as i32,
                    "wtc lsp: the request's job failed".to_string(),
                ));
            }
            (Some(Purpose::Publish { uri, version }), Outcome::Diagnostics(items)) => {
                if self.session.doc(&uri).is_some_and(|d| d.version == version) {
                    self.notify::<PublishDiagnostics>(PublishDiagnosticsParams::new(
                        uri,
                        items,
                        Some(version),
                    ));
                }
            }
            (Some(Purpose::Publish { uri, .. }), Outcome::Cancelled) => {
                if self.session.doc(&uri).is_some() {
                    self.mark_dirty(uri);
                }
            }
            (Some(Purpose::Publish { .. }), Outcome::Response(_)) => {}
        }
    }

    fn on_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            Cancel::METHOD => self.on_cancel(&n),
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    self.session
                        .open(uri.clone(), p.text_document.text, p.text_document.version);
                    self.attach(&uri);
                    self.mark_dirty(uri);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    self.session
                        .change(&uri, p.text_document.version, p.content_changes);
                    self.attach(&uri);
                    self.mark_dirty(uri);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    self.session.close(&p.text_document.uri);
                    self.dirty.remove(&p.text_document.uri);
                    self.notify::<PublishDiagnostics>(PublishDiagnosticsParams::new(
                        p.text_document.uri,
                        Vec::new(),
                        None,
                    ));
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeWatchedFilesParams>(n.params) {
                    self.on_watched(p);
                }
            }
            _ => {}
        }
    }

    fn mark_dirty(&mut self, uri: Url) {
        self.dirty.insert(uri);
        self.deadline = Some(Instant::now() + DEBOUNCE);
    }

    fn publish_dirty(&mut self) {
        if self.deadline.is_some_and(|d| d > Instant::now()) {
            return;
        }
        self.deadline = None;
        for uri in std::mem::take(&mut self.dirty) {
            self.publish(uri);
        }
    }

    /// Compute `uri`'s diagnostics in the background, then push them.
    fn publish(&mut self, uri: Url) {
        self.jobs.publish(self.session.snapshot(), uri);
    }

    /// Attach `uri` to its registry; a load started now shows progress.
    fn attach(&mut self, uri: &Url) {
        match self.session.attach(uri) {
            Some(Attach::Pending { started: true }) => self.load_started(),
            Some(Attach::Failed(_) | Attach::Ready(_) | Attach::Pending { .. }) | None => {}
        }
    }

    /// A background load started: progress begins with the first one.
    fn load_started(&mut self) {
        self.loading += 1;
        if self.loading == 1 && self.progress {
            self.request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                token: NumberOrString::String(DISCOVERY_TOKEN.into()),
            });
            self.progress_value(WorkDoneProgress::Begin(WorkDoneProgressBegin {
                title: "wtc: task discovery".into(),
                cancellable: Some(false),
                message: Some("obtaining the task registry".into()),
                percentage: None,
            }));
        }
    }

    fn progress_value(&self, value: WorkDoneProgress) {
        self.notify::<Progress>(ProgressParams {
            token: NumberOrString::String(DISCOVERY_TOKEN.into()),
            value: ProgressParamsValue::WorkDone(value),
        });
    }

    fn on_loaded(&mut self, loaded: Loaded) {
        self.loading = self.loading.saturating_sub(1);
        if self.loading == 0 && self.progress {
            self.progress_value(WorkDoneProgress::End(WorkDoneProgressEnd {
                message: Some("done".into()),
            }));
        }
        let (uris, failure) = self.session.loaded(loaded);
        if let Some(e) = failure {
            self.notify::<ShowMessage>(ShowMessageParams {
                typ: MessageType::WARNING,
                message: format!("wtc: no task registry: {e}"),
            });
        }
        for uri in uris {
            self.publish(uri);
        }
    }

    /// The env-overrides file changed: read it again and re-check every open spec.
    fn overrides_changed(&mut self, reattach: &mut Vec<Url>) {
        match self.session.reload_overrides() {
            Ok(true) => reattach.extend(self.session.uris()),
            Ok(false) => {}
            Err(e) => self.notify::<ShowMessage>(ShowMessageParams {
                typ: MessageType::WARNING,
                message: format!("wtc: {e}"),
            }),
        }
    }

    fn register_watchers(&mut self) {
        if !self.watch_dynamic {
            return;
        }
        let mut globs = vec!["**/wtc.lock".to_string()];
        globs.extend(self.session.overrides_path().map(String::from));
        globs.extend(
            self.session
                .registries
                .config()
                .registry_files()
                .iter()
                .map(|p| p.to_string_lossy().into_owned()),
        );
        let watchers = globs
            .into_iter()
            .map(|g| FileSystemWatcher {
                glob_pattern: GlobPattern::String(g),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        self.request::<RegisterCapability>(RegistrationParams {
            registrations: vec![Registration {
                id: "wtc-watched-files".into(),
                method: DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        });
    }

    fn on_watched(&mut self, p: DidChangeWatchedFilesParams) {
        let files = self.session.registries.config().registry_files();
        let overrides = self.session.overrides_path();
        let mut reattach = Vec::new();
        for change in p.changes {
            let Ok(path) = change.uri.to_file_path() else {
                continue;
            };
            if overrides.as_ref().is_some_and(|o| o.as_std_path() == path) {
                self.overrides_changed(&mut reattach);
            } else if files.contains(&path) {
                if self.session.registries.reload_fixed() {
                    self.load_started();
                }
            } else if path.file_name().is_some_and(|n| n == "wtc.lock") {
                reattach.extend(self.session.lock_changed(&path));
            }
        }
        for uri in reattach {
            self.attach(&uri);
            self.mark_dirty(uri);
        }
    }
}

/// The request id a `$/cancelRequest` notification names.
fn cancelled_id(n: &Notification) -> Option<RequestId> {
    if n.method != Cancel::METHOD {
        return None;
    }
    let p = serde_json::from_value::<CancelParams>(n.params.clone()).ok()?;
    Some(match p.id {
        NumberOrString::Number(n) => RequestId::from(n),
        NumberOrString::String(s) => RequestId::from(s),
    })
}

fn request_cancelled(id: RequestId) -> Response {
    Response::new_err(
        id,
        ErrorCode::RequestCanceled as i32,
        "cancelled".to_string(),
    )
}
