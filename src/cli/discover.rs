//! The registry side of the CLI: loading specs, choosing the registry source
//! (`--registry`, `--python-env`, or lock file → cache → discovery per discovery key),
//! attaching the results to the workflows, and the `wtc lock` command.

use super::{DiscoveryArgs, LockArgs, fail, no_spec, render, warn};
use crate::db::{
    Database, Host, Options, RegistryInput, SpecFile, Workflow, discovery_inputs, discovery_key,
    lowered, spec_requirements,
};
use crate::diagnostics::Diagnostic;
use crate::discovery::inputs::{host_platform, local_channel_candidates};
use crate::discovery::key::DiscoveryKey;
use crate::discovery::lock::lock_path;
use crate::discovery::progress::ProgressMode;
use crate::discovery::{self, Discovered};
use camino::{Utf8Path, Utf8PathBuf};
use salsa::Setter;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

/// One spec being compiled.
pub(super) struct Unit {
    pub shown: Utf8PathBuf,
    pub abs: Utf8PathBuf,
    pub wf: Workflow,
    /// Lowering failed (or discovery did): report only the lowering diagnostics.
    pub lowering_only: bool,
}

/// The database with every readable spec loaded, local channels probed.
pub(super) struct Session {
    pub db: Database,
    pub units: Vec<Unit>,
    /// A spec could not be read (reported).
    pub failed: bool,
}

impl Session {
    /// Load the specs into `db` (compiled with `options`) and probe their local channels.
    pub fn open(specs: &[Utf8PathBuf], mut db: Database, options: Options) -> Self {
        let placeholder = RegistryInput::new(&db, Arc::default(), Arc::default());
        let host = Host::new(&db, host_platform().to_string(), Arc::default());
        let mut failed = false;
        let units = load_specs(&db, specs, placeholder, options, host, &mut failed);
        probe_local_channels(&mut db, host, options, &units);
        Self { db, units, failed }
    }
}

/// Read the specs into the database (errors reported; `failed` set).
fn load_specs(
    db: &Database,
    specs: &[Utf8PathBuf],
    registry: RegistryInput,
    options: Options,
    host: Host,
    failed: &mut bool,
) -> Vec<Unit> {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|p| Utf8PathBuf::from_path_buf(p).ok());
    let mut units = Vec::new();
    for spec in specs {
        let abs = match &cwd {
            Some(cwd) if spec.is_relative() => cwd.join(spec),
            _ => spec.clone(),
        };
        match std::fs::metadata(&abs) {
            Ok(m) if m.is_file() => {}
            Ok(_) => {
                *failed = true;
                let _ = fail(format!("spec path is not a file: {abs}"));
                continue;
            }
            Err(_) => {
                *failed = true;
                let _ = fail(format!("spec file not found: {abs}"));
                continue;
            }
        }
        let text = match std::fs::read_to_string(&abs) {
            Ok(t) => t,
            Err(e) => {
                *failed = true;
                let _ = fail(format!("cannot read spec `{abs}`: {e}"));
                continue;
            }
        };
        let file = SpecFile::new(db, abs.clone(), text);
        units.push(Unit {
            shown: spec.clone(),
            abs,
            wf: Workflow::new(db, file, registry, options, host),
            lowering_only: false,
        });
    }
    units
}

/// Record which local `file://` channels exist (they are dropped from discovery otherwise).
fn probe_local_channels(db: &mut Database, host: Host, options: Options, units: &[Unit]) {
    let wt_conda_channel = options.wt_conda_channel(db).clone();
    let candidates: Vec<String> = units
        .iter()
        .flat_map(|u| local_channel_candidates(spec_requirements(db, u.wf), &wt_conda_channel))
        .collect();
    let present = discovery::existing_local_channels(candidates);
    if present != **host.local_channels(db) {
        host.set_local_channels(db).to(Arc::new(present));
    }
}

/// The registry source chosen on the command line.
pub(super) enum Source {
    /// `--registry` / `--python-env`: one result for every spec.
    Fixed(Discovered),
    /// Lock file → cache → fresh discovery, per discovery key.
    Discover(discovery::Settings),
}

pub(super) fn source(args: &DiscoveryArgs, locked: bool, quiet: bool) -> Result<Source, String> {
    let mode = ProgressMode::detect(args.no_progress, quiet);
    if let Some(r) = &args.registry {
        return discovery::from_files(
            r.as_std_path(),
            args.solved.as_deref().map(Utf8Path::as_std_path),
        )
        .map(Source::Fixed);
    }
    if let Some(p) = &args.python_env {
        return discovery::from_python_env(p.as_std_path(), mode)
            .map(Source::Fixed)
            .map_err(|e| e.to_string());
    }
    let mut settings = discovery::Settings::new(args.cache_dir.clone().map(Into::into), mode);
    settings.refresh = args.refresh_discovery;
    settings.locked = locked;
    Ok(Source::Discover(settings))
}

/// Obtain each unit's registry (once per discovery key) and point its workflow at it.
/// Returns `false` if any discovery failed (reported).
pub(super) fn attach_registries(
    db: &mut Database,
    units: &mut [Unit],
    source: &Source,
    quiet: bool,
) -> bool {
    let settings = match source {
        Source::Fixed(d) => {
            let input = RegistryInput::new(db, d.registry.clone(), d.solved.clone());
            for unit in units.iter() {
                update_workflow_registry(db, unit.wf, input);
            }
            return true;
        }
        Source::Discover(settings) => settings,
    };
    let mut ok = true;
    let mut by_key: HashMap<DiscoveryKey, RegistryInput> = HashMap::new();
    // Keys whose discovery failed, with the spec that reported it (not retried).
    let mut failed_keys: HashMap<DiscoveryKey, Utf8PathBuf> = HashMap::new();
    for unit in units.iter_mut() {
        if lowered(db, unit.wf)
            .diagnostics
            .iter()
            .any(Diagnostic::is_error)
        {
            // Report the spec's own errors first; discovery would be wasted.
            unit.lowering_only = true;
            continue;
        }
        let key = discovery_key(db, unit.wf).clone();
        if let Some(input) = by_key.get(&key) {
            update_workflow_registry(db, unit.wf, *input);
            continue;
        }
        if let Some(first) = failed_keys.get(&key) {
            ok = false;
            let _ = fail(format!(
                "{}: task discovery failed (same discovery inputs as `{first}`, see above)",
                unit.shown
            ));
            unit.lowering_only = true;
            continue;
        }
        let inputs = discovery_inputs(db, unit.wf).clone();
        let lock = lock_path(unit.abs.as_std_path());
        let req = discovery::Request {
            inputs: &inputs,
            key: &key,
            lock: Some(&lock),
            label: unit.shown.as_str(),
        };
        match discovery::obtain(&req, settings, &mut |w| warn(w)) {
            Ok((d, origin)) => {
                if !quiet {
                    report_origin(&unit.shown, &key, &origin);
                }
                let input = RegistryInput::new(db, d.registry.clone(), d.solved.clone());
                by_key.insert(key, input);
                update_workflow_registry(db, unit.wf, input);
            }
            Err(e) => {
                ok = false;
                let _ = fail(format!("{}: {e}", unit.shown));
                if !e.is_lock_problem() {
                    // Another spec's own lock file may still answer for this key.
                    failed_keys.insert(key, unit.shown.clone());
                }
                unit.lowering_only = true;
            }
        }
    }
    ok
}

/// Point a workflow at a registry input unless it already has an equal one (a setter
/// always bumps the revision, so unchanged results are not set again).
fn update_workflow_registry(db: &mut Database, wf: Workflow, input: RegistryInput) {
    let current = *wf.registry(db);
    if current == input {
        return;
    }
    let same = current.registry(db) == input.registry(db) && current.solved(db) == input.solved(db);
    if !same {
        wf.set_registry(db).to(input);
    }
}

fn report_origin(spec: &Utf8Path, key: &DiscoveryKey, origin: &discovery::Origin) {
    let what = match origin {
        discovery::Origin::Lock(p) => format!("from lock file {}", p.display()),
        discovery::Origin::Cache(_) => "from the discovery cache".to_string(),
        discovery::Origin::Fresh => "discovered".to_string(),
        discovery::Origin::PythonEnv(p) => format!("from environment {}", p.display()),
    };
    eprintln!("wtc: {spec}: task registry {what} (key {})", key.short());
}

/// `wtc lock`: write `wtc.lock` beside each spec.
pub(super) fn lock(args: &LockArgs) -> ExitCode {
    let specs = args.specs.all();
    if specs.is_empty() {
        return no_spec("lock");
    }
    let source = match source(&args.discovery, false, args.quiet) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let Session {
        db,
        units,
        mut failed,
    } = {
        let db = Database::default();
        let options = Options::new(
            &db,
            "wt".into(),
            "WT_RESULTS".into(),
            std::env::var("WT_CONDA_CHANNEL").unwrap_or_default(),
        );
        Session::open(&specs, db, options)
    };
    for unit in &units {
        let lowering = &lowered(&db, unit.wf).diagnostics;
        if lowering.iter().any(Diagnostic::is_error) {
            let text = unit.wf.spec(&db).text(&db);
            let styled = std::io::stderr().is_terminal();
            for d in lowering {
                eprintln!("{}", render::render(d, unit.shown.as_str(), text, styled));
            }
            failed = true;
            continue;
        }
        let key = discovery_key(&db, unit.wf).clone();
        let inputs = discovery_inputs(&db, unit.wf).clone();
        let discovered = match &source {
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
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
