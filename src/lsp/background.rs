//! Background jobs of the language server (as rust-analyzer's and ruff's servers run
//! requests): a small pool of worker threads, each job on a [`Snapshot`] (a salsa handle on
//! the main loop's database, and the documents). The main loop never waits for a job; a
//! job reports back through [`Finished`].
//!
//! Cancellation is salsa's: a write on the main loop (an edit, a registry arriving, a
//! watched file) makes every running query of every snapshot unwind with
//! `salsa::Cancelled` (the write waits until the snapshots are dropped, which is soon:
//! queries check at every call); `$/cancelRequest` cancels one job through its handle's
//! [`CancellationToken`]. Either way the job reports [`Outcome::Cancelled`] and the main
//! loop decides what the client is told.

use super::handlers::{self, diagnostics};
use super::session::Snapshot;
use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Request, Response};
use lsp_types::Url;
use salsa::{CancellationToken, Database as _};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::thread::JoinHandle;

/// How many worker threads run jobs (requests are short; two keep one free for typing
/// while a big spec's diagnostics are computed).
pub const WORKERS: usize = 2;

/// The name a [`Hook`] sees for a pushed-diagnostics job.
pub const PUBLISH: &str = "wtc/publishDiagnostics";

/// A test seam (never set by `wtc lsp` itself): called by the worker before it runs a
/// job and after it reported it. Tests use it to hold a job "in flight" deterministically:
/// `before` may wait, calling `checkpoint` (it unwinds when the job is cancelled) while it
/// does.
pub trait Hook: Send + Sync {
    /// Before the job `method` (a request's method, or [`PUBLISH`]) runs.
    fn before(&self, method: &str, checkpoint: &dyn Fn());
    /// After the job `method` was reported to the main loop.
    fn after(&self, method: &str);
}

/// What a job computes.
pub enum Work {
    /// Answer a request.
    Request(Request),
    /// The diagnostics of an open document, to push.
    Publish(Url),
}

/// The result of a job.
pub enum Outcome {
    /// A request's response.
    Response(Response),
    /// A document's diagnostics.
    Diagnostics(Vec<lsp_types::Diagnostic>),
    /// Cancelled (by a write, or by `$/cancelRequest`) before it finished.
    Cancelled,
}

/// A finished job: its number (see [`Pool::submit`]) and outcome.
pub struct Finished {
    pub job: u64,
    pub outcome: Outcome,
}

struct Job {
    number: u64,
    work: Work,
    snap: Snapshot,
}

/// The worker threads.
pub struct Pool {
    jobs: Option<Sender<Job>>,
    threads: Vec<JoinHandle<()>>,
}

impl Pool {
    /// Start [`WORKERS`] threads that report to `done`.
    #[must_use]
    pub fn new(done: &Sender<Finished>, hook: Option<Arc<dyn Hook>>) -> Self {
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        let threads = (0..WORKERS)
            .map(|i| {
                let (queue, done, hook) = (queue.clone(), done.clone(), hook.clone());
                std::thread::Builder::new()
                    .name(format!("wtc-lsp-worker-{i}"))
                    .spawn(move || work(&queue, &done, hook.as_deref()))
                    .expect("spawn an LSP worker thread")
            })
            .collect();
        Self {
            jobs: Some(jobs),
            threads,
        }
    }

    /// Run `work` on `snap` as job `number`; the token cancels it.
    pub fn submit(&self, number: u64, work: Work, snap: Snapshot) -> CancellationToken {
        let token = snap.db.cancellation_token();
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Job { number, work, snap });
        }
        token
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.jobs = None;
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn work(queue: &Receiver<Job>, done: &Sender<Finished>, hook: Option<&dyn Hook>) {
    for Job { number, work, snap } in queue {
        let method = match &work {
            Work::Request(r) => r.method.clone(),
            Work::Publish(_) => PUBLISH.to_string(),
        };
        let run = || {
            if let Some(h) = hook {
                h.before(&method, &|| snap.db.unwind_if_revision_cancelled());
            }
            match work {
                Work::Request(req) => Outcome::Response(handlers::dispatch(&snap, req)),
                Work::Publish(uri) => Outcome::Diagnostics(diagnostics::for_uri(&snap, &uri)),
            }
        };
        let outcome = match std::panic::catch_unwind(AssertUnwindSafe(run)) {
            Ok(outcome) => outcome,
            Err(payload) if payload.is::<salsa::Cancelled>() => Outcome::Cancelled,
            // A panic outside a request's handler (those answer an error): nothing to push.
            Err(_) => Outcome::Diagnostics(Vec::new()),
        };
        // Reported before the snapshot is dropped: a write waiting for it comes after, so
        // the main loop sees every job of an older revision finish before the write's.
        let _ = done.send(Finished {
            job: number,
            outcome,
        });
        drop(snap);
        if let Some(h) = hook {
            h.after(&method);
        }
    }
}
