//! `wtc watch --run-case ID` / `--run-params FILE`: after every round that wrote the
//! spec's package, run the workflow (`cli::run`) in the background and print its summary;
//! a new round first cancels the run in progress (its process group is killed). The
//! params (`test-cases.yaml` beside the spec, or the `--run-params` file) are watched: an
//! edit runs again when the package is good.

use super::super::reads::Role;
use super::super::run::cases::CASES_FILE;
use super::super::run::child::Handle;
use super::super::run::{ParamsFrom, Runner, environment};
use super::super::specs::absolute;
use super::super::term::fail;
use super::session::Session;
use crate::cli::WatchArgs;
use std::process::ExitCode;
use std::thread::JoinHandle;

/// A run in progress: what stops it, and the thread that waits for it.
struct Live {
    handle: Handle,
    waiter: JoinHandle<u8>,
}

/// The runs of one watch session.
pub(super) struct Runs {
    /// `None`: no `--run-case` / `--run-params`, nothing to run.
    params: Option<ParamsFrom>,
    mock_io: bool,
    /// The environment, found at the first run.
    runner: Option<Runner>,
    live: Option<Live>,
    /// Whether the spec's last rebuild wrote its package (a params edit reruns only then).
    good: bool,
    /// Whether `cancel` stopped a run before it finished: the round starts it over even
    /// when it changes nothing (an editor's save can arrive as several events).
    interrupted: bool,
}

impl Runs {
    /// The runs `args` ask for (none without `--run-case` / `--run-params`); a usage
    /// error (exit code 2) unless the session watches exactly one spec.
    pub fn new(args: &WatchArgs, session: &Session<'_>) -> Result<Self, ExitCode> {
        let params = match (&args.run_case, &args.run_params) {
            (Some(id), _) => Some(ParamsFrom::Case(id.clone())),
            (None, Some(file)) => Some(ParamsFrom::File(file.clone())),
            (None, None) => None,
        };
        if params.is_some() && session.specs.len() != 1 {
            eprintln!("error: --run-case and --run-params watch exactly one spec file");
            return Err(ExitCode::from(2));
        }
        // Their params are watched too: an edit runs again.
        let watched = match &params {
            Some(ParamsFrom::Case(_)) => Some(session.specs[0].unit.parent().join(CASES_FILE)),
            Some(ParamsFrom::File(file)) => Some(absolute(file)),
            None => None,
        };
        if let Some(path) = watched {
            session.driver.reads.record(&path, Role::RunParams);
        }
        Ok(Self {
            params,
            mock_io: !args.no_mock_io,
            runner: None,
            live: None,
            good: false,
            interrupted: false,
        })
    }

    /// Cancel the run in progress, if any (waits until it is gone).
    pub fn cancel(&mut self) {
        if let Some(live) = self.live.take() {
            if !live.waiter.is_finished() {
                live.handle.kill();
                self.interrupted = true;
            }
            let _ = live.waiter.join();
        }
    }

    /// Start a run if the last round wrote the package of the (single) spec, or if
    /// `params_changed` or a run was cancelled, and its last rebuild was good.
    pub fn after_round(&mut self, session: &Session<'_>, args: &WatchArgs, params_changed: bool) {
        let Some(params) = &self.params else {
            return;
        };
        let wrote = session.wrote.contains(&0);
        if session.rebuilt.contains(&0) {
            self.good = wrote;
        }
        let restart = std::mem::take(&mut self.interrupted);
        if !(wrote || (params_changed || restart) && self.good) {
            return;
        }
        let (driver, unit) = (&session.driver, &session.specs[0].unit);
        if self.runner.is_none() {
            match environment(
                driver,
                unit,
                args.check.build.discovery.given.python_env.as_deref(),
            ) {
                Ok(python) => {
                    self.runner = Some(Runner {
                        python,
                        params: params.clone(),
                        mock_io: self.mock_io,
                        results: None,
                        quiet: driver.quiet,
                    });
                }
                Err(e) => {
                    let _ = fail(e);
                    return;
                }
            }
        }
        let Some(runner) = &self.runner else {
            return;
        };
        match runner.start(driver, unit) {
            Ok(started) => {
                let handle = started.handle();
                let waiter = std::thread::spawn(move || started.finish());
                self.live = Some(Live { handle, waiter });
            }
            Err(e) => {
                let _ = fail(e);
            }
        }
    }
}
