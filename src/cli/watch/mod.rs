//! `wtc watch`: compile specs, then recompile on every change.
//!
//! The loop: file-system events (notify) and Ctrl-C arrive on one channel. Events are
//! gathered until the file system has been quiet for [`QUIET`] ([`next_batch`]); the batch
//! is mapped to reloads through the watch set ([`targets`]); a [`session::Session`] round
//! applies them and prints a line per spec rebuilt. Between rounds the loop blocks on the
//! channel: an idle watch never wakes. Writing happens inside the round, so the loop never sees a half-done write of
//! its own, and its writes land in release directories it does not watch.
//!
//! Ctrl-C (or SIGTERM/SIGHUP) stops the loop between rounds and exits with 0; a second
//! Ctrl-C exits at once (130), e.g. while a long discovery runs.
//!
//! With `--run-case ID` / `--run-params FILE` ([`runs`]) the workflow runs after every
//! round that wrote the package; a new round cancels the run in progress first, and
//! stopping cancels it too.

mod runs;
mod session;
mod targets;

use super::WatchArgs;
use super::driver::plural;
use super::term::{fail, no_spec, warn};
use camino::{Utf8Path, Utf8PathBuf};
use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};
use session::Session;
use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use targets::{Reload, Target, directories, reloads};

/// How long the file system must be quiet before a batch of events is handled. An
/// editor's save is a burst of a few system calls (write a temporary file and rename it
/// over the spec, or move the spec aside, write it anew and delete the backup) that takes
/// well under a millisecond, so 10 ms sees it as one change and keeps the wait small next
/// to a rebuild (BENCHMARKS.md, watch latency). The timer is the channel's own timeout,
/// started by an event: nothing ticks while the file system is idle.
const QUIET: Duration = Duration::from_millis(10);

/// The longest a batch waits for quiet: a file written without a pause (a long copy, a
/// generator appending) still gets a round every `MAX_WAIT`.
const MAX_WAIT: Duration = Duration::from_millis(500);

/// What wakes the loop.
enum Msg {
    Fs(notify::Result<Event>),
    Stop,
}

pub(super) fn run(args: &WatchArgs) -> ExitCode {
    if args.check.specs.is_empty() {
        return no_spec("watch");
    }
    let mut session = match Session::start(args) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut runs = match runs::Runs::new(args, &session) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let (tx, rx) = mpsc::channel::<Msg>();
    let stop = tx.clone();
    let presses = AtomicUsize::new(0);
    if let Err(e) = ctrlc::set_handler(move || {
        if presses.fetch_add(1, Ordering::SeqCst) == 0 {
            let _ = stop.send(Msg::Stop);
        } else {
            std::process::exit(130);
        }
    }) {
        return fail(format!("cannot handle Ctrl-C: {e}"));
    }
    let notify = match notify::recommended_watcher(move |r: notify::Result<Event>| {
        let _ = tx.send(Msg::Fs(r));
    }) {
        Ok(w) => w,
        Err(e) => return fail(format!("cannot watch the file system: {e}")),
    };
    let mut watcher = Watcher {
        notify,
        registered: HashSet::new(),
    };
    // Watch first, so a change made during the first compile is not missed.
    watcher.register(&session.targets(), true);
    session.build_all();
    runs.after_round(&session, args, false);
    let quiet = session.driver.quiet;
    if !quiet {
        let n = session.live();
        println!("Watching {n} spec{}… (Ctrl-C to stop)", plural(n));
    }

    while let Some(paths) = next_batch(&rx) {
        let todo = reloads(&session.targets(), paths.iter().map(Utf8PathBuf::as_path));
        if todo.is_empty() {
            continue;
        }
        let rescans = todo.iter().any(|r| matches!(r, Reload::Rescan(_)));
        watcher.forget_missing();
        runs.cancel();
        let rerun = todo.contains(&Reload::RunParams);
        session.apply(&todo);
        if watcher.register(&session.targets(), rescans) {
            // Directories that appeared were not watched while they were being filled:
            // look at them again now that they are.
            let mut again: Vec<Reload> = todo
                .into_iter()
                .filter(|r| matches!(r, Reload::Rescan(_)))
                .collect();
            again.extend(session.deleted().map(Reload::Spec));
            session.apply(&again);
        }
        runs.after_round(&session, args, rerun);
    }
    runs.cancel();
    drop(watcher);
    if !quiet {
        println!("Stopped watching.");
    }
    ExitCode::SUCCESS
}

/// Wait for the next batch of changed paths: block until an event that can mean new
/// contents arrives, then take events until none has come for [`QUIET`] (or [`MAX_WAIT`]
/// has passed since the first). `None` when the loop must stop (Ctrl-C, or the watcher
/// is gone).
fn next_batch(rx: &mpsc::Receiver<Msg>) -> Option<Vec<Utf8PathBuf>> {
    let mut paths: Vec<Utf8PathBuf> = Vec::new();
    let mut first: Option<Instant> = None;
    loop {
        let msg = match first {
            None => rx.recv().ok()?,
            Some(start) => {
                let left = (start + MAX_WAIT).saturating_duration_since(Instant::now());
                match rx.recv_timeout(QUIET.min(left)) {
                    Ok(m) => m,
                    Err(mpsc::RecvTimeoutError::Timeout) => return Some(paths),
                    Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                }
            }
        };
        match msg {
            Msg::Stop => return None,
            Msg::Fs(Ok(event)) if changes_contents(&event.kind) => {
                paths.extend(
                    event
                        .paths
                        .iter()
                        .filter_map(|p| Utf8Path::from_path(p).map(Utf8Path::to_owned)),
                );
                first.get_or_insert_with(Instant::now);
            }
            Msg::Fs(Ok(_)) => {}
            Msg::Fs(Err(e)) => warn(format!("file watcher: {e}")),
        }
    }
}

/// Whether an event can mean new contents: not a mere read (wtc's own reads of a spec
/// would otherwise wake the loop again).
fn changes_contents(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// The notify watcher and the directories registered with it.
struct Watcher {
    notify: RecommendedWatcher,
    registered: HashSet<(Utf8PathBuf, bool)>,
}

impl Watcher {
    /// Register the directories `targets` need (walking spec trees only when `trees`).
    /// Returns whether a new directory was registered.
    fn register(&mut self, targets: &[Target], trees: bool) -> bool {
        let wanted: Vec<Target> = targets
            .iter()
            .filter(|t| trees || t.scope != targets::Scope::SpecTree)
            .cloned()
            .collect();
        let mut added = false;
        for (dir, recursive) in directories(&wanted) {
            if self.registered.contains(&(dir.clone(), recursive)) {
                continue;
            }
            let mode = if recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            match self.notify.watch(dir.as_std_path(), mode) {
                Ok(()) => {
                    self.registered.insert((dir, recursive));
                    added = true;
                }
                Err(e) => warn(format!("cannot watch `{dir}`: {e}")),
            }
        }
        added
    }

    /// Drop directories that no longer exist (the OS dropped their watches), so they are
    /// registered again if they come back.
    fn forget_missing(&mut self) {
        let gone: Vec<(Utf8PathBuf, bool)> = self
            .registered
            .iter()
            .filter(|(d, _)| !d.is_dir())
            .cloned()
            .collect();
        for entry in gone {
            let _ = self.notify.unwatch(entry.0.as_std_path());
            self.registered.remove(&entry);
        }
    }
}
