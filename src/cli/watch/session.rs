//! The state of a watch session, and one rebuild round per batch of changes.
//!
//! A round re-reads what changed (setting an input only when its contents differ),
//! re-attaches registries where a spec's discovery key changed (a `workflow:` edit never
//! changes it), recompiles the specs concerned in parallel, writes each package in place
//! (only files whose bytes changed) and prints one line per spec.

use super::super::WatchArgs;
use super::super::discover::Registered;
use super::super::driver::{Driver, Unit, plural, read_spec};
use super::super::overrides::reload_env_overrides;
use super::super::reads::{Reads, Role};
use super::super::specs::{self, Input, expand};
use super::super::templates::reload_template_dir;
use super::super::term::{clock, fail, millis, warn};
use super::targets::{Reload, Target, canonical};
use crate::discovery::lock::lock_path;
use crate::output::{WriteReport, update_in_place};
use camino::{Utf8Path, Utf8PathBuf};
use salsa::Setter;
use std::fmt::Display;
use std::process::ExitCode;
use std::time::Instant;

/// One spec being watched.
pub(super) struct Watched {
    pub unit: Unit,
    /// The spec's path as the watcher reports it.
    pub watch_path: Utf8PathBuf,
    /// The file is gone (reported); its package stays until it comes back.
    pub deleted: bool,
    /// The release directory last written and the files written there (what the next
    /// in-place update may delete).
    pub last: Option<(String, Vec<String>)>,
    /// The bytes of the spec's lock file when its registry was last obtained (`None`: no
    /// lock file).
    pub lock: Option<Vec<u8>>,
    /// The last write of its package failed: the next event of the spec (even a save with
    /// the same bytes, or a `touch`) retries it.
    pub owed: bool,
}

impl Watched {
    fn new(unit: Unit, watch_path: Utf8PathBuf) -> Self {
        let lock = read_lock(&unit);
        Self {
            unit,
            watch_path,
            deleted: false,
            last: None,
            lock,
            owed: false,
        }
    }
}

/// The current bytes of `unit`'s lock file.
fn read_lock(unit: &Unit) -> Option<Vec<u8>> {
    crate::files::read_bytes(&lock_path(unit.abs.as_std_path())).ok()
}

/// Why a spec is rebuilt (its line says so).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Why {
    Start,
    Changed,
    New,
    Recreated,
    /// Nothing changed, but the last write failed: write again.
    Retry,
}

/// What one round found to do: the specs to rebuild (with why) and those whose
/// discovery key may have changed.
#[derive(Default)]
struct Round {
    dirty: Vec<(usize, Why)>,
    rekey: Vec<usize>,
}

impl Round {
    /// Every spec in `specs` changed.
    fn changed(&mut self, specs: Vec<usize>) {
        self.dirty
            .extend(specs.into_iter().map(|i| (i, Why::Changed)));
    }

    /// Each dirty spec once, with the most telling reason, in spec order.
    fn once(self) -> Vec<(usize, Why)> {
        let mut once: Vec<(usize, Why)> = Vec::new();
        for (i, why) in self.dirty {
            match once.iter_mut().find(|(j, _)| *j == i) {
                Some(entry) if entry.1 == Why::Changed => entry.1 = why,
                Some(_) => {}
                None => once.push((i, why)),
            }
        }
        once.sort_by_key(|(i, _)| *i);
        once
    }
}

pub(super) struct Session<'a> {
    pub driver: Driver,
    pub specs: Vec<Watched>,
    /// Spec trees (`wtc watch DIR`): canonical root, and the root as the user wrote it.
    pub trees: Vec<(Utf8PathBuf, Utf8PathBuf)>,
    /// The specs the last round rebuilt, and those whose package it wrote (what
    /// `--run-case` runs).
    pub rebuilt: Vec<usize>,
    pub wrote: Vec<usize>,
    args: &'a WatchArgs,
}

impl<'a> Session<'a> {
    /// Load the specs named on the command line (a spec file that cannot be read is an
    /// error), attach their registries; nothing is compiled yet.
    pub fn start(args: &'a WatchArgs) -> Result<Self, ExitCode> {
        let inputs = args.check.specs.inputs();
        let reads = Reads::default();
        let paths = expand(&inputs, &reads).map_err(fail)?;
        let mut driver = Driver::new(&args.check, &args.output, true, reads)?;
        let mut specs = Vec::new();
        for path in &paths {
            let unit = driver.load(path).map_err(fail)?;
            let watch_path = canonical(&unit.abs);
            specs.push(Watched::new(unit, watch_path));
        }
        driver.attach(specs.iter_mut().map(|w| &mut w.unit).collect());
        let trees = inputs
            .iter()
            .filter_map(|i| match i {
                Input::Tree(root) => Some((canonical(root), root.clone())),
                Input::File(_) => None,
            })
            .collect();
        Ok(Self {
            driver,
            specs,
            trees,
            rebuilt: Vec::new(),
            wrote: Vec::new(),
            args,
        })
    }

    /// Compile and write every spec (the first round).
    pub fn build_all(&mut self) {
        let start = Instant::now();
        let all = (0..self.specs.len()).map(|i| (i, Why::Start)).collect();
        self.build(all, start);
    }

    /// The specs currently present.
    pub fn live(&self) -> usize {
        self.specs.iter().filter(|w| !w.deleted).count()
    }

    /// The indices of the specs that are gone.
    pub fn deleted(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.specs.len()).filter(|&i| self.specs[i].deleted)
    }

    /// The watch set, derived from the record of every file the session has read
    /// ([`Reads`](super::super::reads::Reads)): each spec, the lock files consulted, the
    /// env-overrides file and the `pyproject.toml` files it names, the template directory,
    /// the registry files, and the spec trees walked.
    pub fn targets(&self) -> Vec<Target> {
        let index = |abs: &Utf8Path| self.specs.iter().position(|w| w.unit.abs == abs);
        let mut out = Vec::new();
        for (path, role) in self.driver.reads.all() {
            let target = match role {
                Role::Spec => index(&path).map(|i| Target::file(&path, Reload::Spec(i))),
                Role::Lock(spec) => index(&spec).map(|i| Target::file(&path, Reload::Lock(i))),
                Role::Overrides | Role::Pyproject => Some(Target::file(&path, Reload::Overrides)),
                Role::TemplateDir => Some(Target::recursive(&path, Reload::Templates)),
                Role::RegistryFile => Some(Target::file(&path, Reload::RegistryFiles)),
                Role::RunParams => Some(Target::file(&path, Reload::RunParams)),
                Role::SpecTree => Some(Target::spec_tree(&path)),
            };
            out.extend(target);
        }
        out
    }

    /// One round: apply `reloads`, then rebuild what they concern.
    pub fn apply(&mut self, reloads: &[Reload]) {
        let start = Instant::now();
        self.driver.registries.retry_failed();
        let mut round = Round::default();
        self.reload_shared(reloads, &mut round);
        self.reload_specs(reloads, &mut round);
        self.refresh_locks(reloads, &mut round);
        self.reattach(&mut round.rekey);
        self.build(round.once(), start);
    }

    /// The indices of the specs that are present.
    fn all_live(&self) -> Vec<usize> {
        (0..self.specs.len())
            .filter(|&i| !self.specs[i].deleted)
            .collect()
    }

    /// Re-read the inputs every spec shares: registry files, the env-overrides file, the
    /// template directory. A change dirties every live spec (overrides also re-key them:
    /// the merged default feature is part of the discovery inputs); a failure keeps the
    /// previous contents.
    fn reload_shared(&mut self, reloads: &[Reload], round: &mut Round) {
        if reloads.contains(&Reload::RegistryFiles) {
            let discovery = &self.args.check.build.discovery;
            match self
                .driver
                .registries
                .reload_files(&mut self.driver.db, discovery)
            {
                Ok(true) => round.changed(self.all_live()),
                Ok(false) => {}
                Err(e) => {
                    let _ = fail(format!("{e}\n  (still using the previous registry)"));
                }
            }
        }
        if reloads.contains(&Reload::Overrides)
            && let Some(file) = self.driver.overrides
        {
            match reload_env_overrides(&mut self.driver.db, file, &self.driver.reads) {
                Ok(true) => {
                    let live = self.all_live();
                    round.rekey.extend(live.iter().copied());
                    round.changed(live);
                }
                Ok(false) => {}
                Err(e) => {
                    let _ = fail(format!("{e}\n  (still using its previous contents)"));
                }
            }
        }
        if reloads.contains(&Reload::Templates)
            && let Some(dir) = self.driver.templates
        {
            match reload_template_dir(&mut self.driver.db, dir, &self.driver.reads) {
                Ok(true) => round.changed(self.all_live()),
                Ok(false) => {}
                Err(e) => {
                    let _ = fail(format!("{e}\n  (still using its previous templates)"));
                }
            }
        }
    }

    /// Re-read the specs named by `reloads` and those the rescanned trees found.
    fn reload_specs(&mut self, reloads: &[Reload], round: &mut Round) {
        let mut reread: Vec<usize> = reloads
            .iter()
            .filter_map(|r| match r {
                Reload::Spec(i) => Some(*i),
                _ => None,
            })
            .collect();
        for r in reloads {
            if let Reload::Rescan(root) = r {
                self.rescan(root, &mut reread, &mut round.dirty, &mut round.rekey);
            }
        }
        reread.sort_unstable();
        reread.dedup();
        for i in reread {
            if let Some(why) = self.reread(i) {
                round.dirty.push((i, why));
                round.rekey.push(i);
            }
        }
    }

    /// Obtain the registry again for specs whose lock file changed.
    fn refresh_locks(&mut self, reloads: &[Reload], round: &mut Round) {
        for r in reloads {
            if let Reload::Lock(i) = r
                && self.lock_changed(*i)
            {
                let unit = &self.specs[*i].unit;
                let (attachment, changed) = self.driver.registries.refresh(
                    &mut self.driver.db,
                    unit.spec_ref(),
                    &unit.attachment,
                );
                self.specs[*i].unit.attachment = attachment;
                if changed {
                    round.dirty.push((*i, Why::Changed));
                }
            }
        }
    }

    /// Attach the specs in `rekey` to the registry of their (possibly new) discovery key.
    fn reattach(&mut self, rekey: &mut Vec<usize>) {
        rekey.sort_unstable();
        rekey.dedup();
        if rekey.is_empty() {
            return;
        }
        let wfs: Vec<_> = rekey.iter().map(|&i| self.specs[i].unit.wf).collect();
        self.driver.probe_local_channels(&wfs);
        for &i in rekey.iter() {
            let unit = &self.specs[i].unit;
            let attachment = self.driver.registries.attach(
                &mut self.driver.db,
                unit.spec_ref(),
                &unit.attachment,
            );
            self.specs[i].unit.attachment = attachment;
        }
    }

    /// Look for specs below `root`: new ones are loaded and attached, known ones re-read
    /// (a directory that was deleted and created again may have come back with its spec
    /// before it was watched again; re-reading an unchanged spec costs a comparison).
    fn rescan(
        &mut self,
        root: &Utf8Path,
        reread: &mut Vec<usize>,
        dirty: &mut Vec<(usize, Why)>,
        rekey: &mut Vec<usize>,
    ) {
        let Some((_, shown_root)) = self.trees.iter().find(|(r, _)| r == root).cloned() else {
            return;
        };
        let Ok(tree) = specs::walk(root) else {
            return;
        };
        for path in tree.specs {
            if let Some(i) = self.specs.iter().position(|w| w.watch_path == path) {
                reread.push(i);
                continue;
            }
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let shown = if shown_root.as_str() == "." {
                rel.to_owned()
            } else {
                shown_root.join(rel)
            };
            match self.driver.load(&shown) {
                Ok(unit) => {
                    self.specs.push(Watched::new(unit, path));
                    let i = self.specs.len() - 1;
                    dirty.push((i, Why::New));
                    rekey.push(i);
                }
                Err(e) => {
                    let _ = fail(e);
                }
            }
        }
    }

    /// Whether the lock file of spec `i` (present) has other bytes than when its
    /// registry was last obtained; they are recorded.
    fn lock_changed(&mut self, i: usize) -> bool {
        let w = &mut self.specs[i];
        let now = read_lock(&w.unit);
        if w.deleted || now == w.lock {
            return false;
        }
        w.lock = now;
        true
    }

    /// Read spec `i` again. Its input is set only when the text differs; a spec that is
    /// gone is reported once. Returns why it must be rebuilt, if it must.
    fn reread(&mut self, i: usize) -> Option<Why> {
        let quiet = self.driver.quiet;
        let w = &mut self.specs[i];
        match read_spec(&w.unit.abs) {
            Err(_) if !w.unit.abs.exists() => {
                if !w.deleted {
                    w.deleted = true;
                    line(
                        quiet,
                        &w.unit,
                        "deleted; watching for it to come back (its package is left as it is)",
                        None,
                    );
                }
                None
            }
            Err(e) => {
                line(quiet, &w.unit, format!("{e}; {}", kept(w)), None);
                None
            }
            Ok(text) => {
                let was_deleted = std::mem::take(&mut w.deleted);
                let db = &mut self.driver.db;
                let file = w.unit.wf.spec(db);
                let changed = *file.text(db) != text;
                if changed {
                    file.set_text(db).to(text);
                }
                if was_deleted {
                    Some(Why::Recreated)
                } else if changed {
                    Some(Why::Changed)
                } else {
                    w.owed.then_some(Why::Retry)
                }
            }
        }
    }

    /// Compile `dirty` in parallel, then write each package in place and print its line.
    fn build(&mut self, dirty: Vec<(usize, Why)>, start: Instant) {
        self.wrote.clear();
        self.rebuilt = dirty.iter().map(|(i, _)| *i).collect();
        if dirty.is_empty() {
            return;
        }
        let units: Vec<&Unit> = dirty.iter().map(|(i, _)| &self.specs[*i].unit).collect();
        let built = self.driver.compile(&units);
        let quiet = self.driver.quiet;
        let mut reported = Vec::new();
        for ((i, why), b) in dirty.into_iter().zip(built) {
            let errors = self
                .driver
                .report(&self.specs[i].unit, &b.compiled, &mut reported);
            let w = &mut self.specs[i];
            let prefix = match why {
                Why::New => "new spec, ",
                Why::Recreated => "re-created, ",
                Why::Retry => "retried the failed write: ",
                Why::Start | Why::Changed => "",
            };
            if errors > 0 {
                let msg = format!("{prefix}{errors} error{}; {}", plural(errors), kept(w));
                line(quiet, &w.unit, msg, Some(start));
                continue;
            }
            let Some(package) = b.package else {
                let why = match w.unit.attachment.registered {
                    Registered::DiscoveryFailed => "task discovery failed",
                    _ => "nothing to write",
                };
                line(
                    quiet,
                    &w.unit,
                    format!("{prefix}{why}; {}", kept(w)),
                    Some(start),
                );
                continue;
            };
            let release = package.release_name.clone();
            let previous: &[String] = match &w.last {
                Some((name, files)) if *name == release => files,
                _ => &[],
            };
            let result = update_in_place(w.unit.parent(), &package, previous);
            let mut files: Vec<String> = package.files.iter().map(|(p, _)| p.clone()).collect();
            let owed = std::mem::take(&mut w.owed);
            let msg = match result {
                Ok(report) => {
                    self.wrote.push(i);
                    if let Some(line) = &report.recovery {
                        eprintln!("wtc: {line}");
                    }
                    for link in &report.replaced_links {
                        warn(format!(
                            "{}: `{link}` in {release} was a symbolic link; replaced it with a directory (wtc never writes through links; the link's target is untouched)",
                            w.unit.shown
                        ));
                    }
                    let summary = describe(w, why, &release, &report, package.files.len());
                    let prefix = if owed && why != Why::Retry {
                        "wrote the package owed since the failed write: "
                    } else {
                        prefix
                    };
                    format!("{prefix}{summary}")
                }
                Err(e) => {
                    w.owed = true;
                    // Some files may hold the new contents: remember both sets.
                    files.extend(previous.iter().cloned());
                    files.sort();
                    files.dedup();
                    let _ = fail(&e);
                    format!(
                        "{prefix}could not write the package (see above); the next change or save of the spec retries"
                    )
                }
            };
            w.last = Some((release, files));
            line(quiet, &w.unit, msg, Some(start));
        }
        // Once per session: later builds find it printed.
        self.driver.footer.print();
    }
}

/// The release directory as the user sees it (beside the spec as they named it).
fn shown_dir(unit: &Unit, release: &str) -> Utf8PathBuf {
    match unit.shown.parent() {
        Some(p) if !p.as_str().is_empty() => p.join(release),
        _ => Utf8PathBuf::from(release),
    }
}

/// What a successful write did, for the spec's line.
fn describe(w: &Watched, why: Why, release: &str, report: &WriteReport, total: usize) -> String {
    let moved_from = match &w.last {
        Some((old, _)) if old != release => Some(old.clone()),
        _ => None,
    };
    let old_still_there = moved_from
        .as_ref()
        .is_some_and(|old| w.unit.parent().join(old).is_dir());
    let everything = total > 0 && report.written.len() == total;
    if w.last.is_none() || moved_from.is_some() || why == Why::Start || everything {
        let mut s = format!(
            "compiled to {} ({total} files, {} written)",
            shown_dir(&w.unit, release),
            report.written.len()
        );
        if let Some(old) = moved_from.filter(|_| old_still_there) {
            s.push_str(&format!(
                "; the previous release directory {} was left in place",
                shown_dir(&w.unit, &old)
            ));
        }
        return s;
    }
    if report.written.is_empty() && report.removed.is_empty() {
        return "no changes".to_string();
    }
    let mut parts = Vec::new();
    if !report.written.is_empty() {
        parts.push(format!("rewrote {}", report.written.join(", ")));
    }
    if !report.removed.is_empty() {
        parts.push(format!("removed {}", report.removed.join(", ")));
    }
    parts.join("; ")
}

/// What happened to the package on disk after a failed rebuild.
fn kept(w: &Watched) -> &'static str {
    if w.last.is_some() {
        "kept the last good package"
    } else {
        "nothing written"
    }
}

/// Print `[HH:MM:SS] SPEC: MESSAGE (N ms)` (the time since `start`) unless `quiet`.
fn line(quiet: bool, unit: &Unit, msg: impl Display, start: Option<Instant>) {
    if quiet {
        return;
    }
    let took = start.map_or_else(String::new, |s| format!(" ({})", millis(s.elapsed())));
    println!("[{}] {}: {msg}{took}", clock(), unit.shown);
}
