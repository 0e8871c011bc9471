//! `wtc lock`: obtain each spec's registry (never from its own lock file, which is what is
//! being written) and write `wtc.lock` beside it.

use super::discover::{Source, source};
use super::driver::{Driver, SpecReadError, Unit};
use super::reads::Reads;
use super::specs::expand;
use super::term::{fail, no_spec, styled_stderr, warn};
use super::{LockArgs, render};
use crate::db::Workflow;
use crate::diagnostics::Diagnostic;
use crate::discovery;
use crate::discovery::lock::lock_path;
use crate::discovery::plan::{discovery_inputs, discovery_key};
use crate::front::lowered;
use std::process::ExitCode;

/// `wtc lock`: write `wtc.lock` beside each spec.
pub(super) fn run(args: &LockArgs) -> ExitCode {
    if args.specs.is_empty() {
        return no_spec("lock");
    }
    let reads = Reads::default();
    let specs = match expand(&args.specs.inputs(), &reads) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let source = match source(&args.discovery, false, args.quiet, &reads) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let mut driver = Driver::open(source, reads, args.quiet);
    let loaded: Vec<Result<Unit, SpecReadError>> = specs.iter().map(|s| driver.load(s)).collect();
    let wfs: Vec<Workflow> = loaded.iter().flatten().map(|u| u.wf).collect();
    driver.probe_local_channels(&wfs);
    let db = &driver.db;
    let mut failed = false;
    for unit in loaded {
        let unit = match unit {
            Ok(u) => u,
            Err(e) => {
                failed = true;
                let _ = fail(e);
                continue;
            }
        };
        let lowering = &lowered(db, unit.wf).diagnostics;
        if lowering.iter().any(Diagnostic::is_error) {
            let text = unit.wf.spec(db).text(db);
            for d in lowering {
                driver.footer.shown(d);
                eprintln!(
                    "{}",
                    render::render(d, unit.shown.as_str(), text, styled_stderr())
                );
            }
            failed = true;
            continue;
        }
        let key = discovery_key(db, unit.wf).clone();
        let inputs = discovery_inputs(db, unit.wf).clone();
        let discovered = match driver.registries.source() {
            Source::Fixed(d) => d.clone(),
            Source::Discover(settings) => {
                let req = discovery::Request {
                    inputs: &inputs,
                    key: &key,
                    // The lock file is what is being written: never read it.
                    lock: None,
                    label: unit.shown.as_str(),
                };
                match discovery::obtain(&req, settings, &mut |w| warn(w)) {
                    Ok((d, _)) => d,
                    Err(e) => {
                        failed = true;
                        let _ = fail(format!("{}: {e}", unit.shown));
                        continue;
                    }
                }
            }
        };
        let path = lock_path(unit.abs.as_std_path());
        match discovery::lock::write(&path, &key, &inputs, &discovered) {
            Ok(changed) => {
                if !args.quiet {
                    let state = if changed { "wrote" } else { "up to date:" };
                    println!(
                        "{state} {} ({} tasks, key {})",
                        path.display(),
                        discovered.registry.len(),
                        key.short()
                    );
                }
            }
            Err(e) => {
                failed = true;
                let _ = fail(format!("cannot write {}: {e}", path.display()));
            }
        }
    }
    driver.footer.print();
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
