//! The state of a watch session, and one rebuild round per batch of changes.
//!
//! A round re-reads what changed (setting an input only when its contents differ),
//! re-attaches registries where a spec's discovery key changed (a `workflow:` edit never
//! changes it), recompiles the specs concerned in parallel, writes each package in place
//! (only files whose bytes changed) and prints one line per spec.

use super::super::WatchArgs;
use super::super::discover::Registered;
use super::super::driver::{Driver, Unit, plural, read_spec};
use super::super::overrides::{reload_env_overrides, watched_pyprojects};
use super::super::specs::{self, Input, expand};
use super::super::templates::reload_template_dir;
use super::super::term::{clock, fail, millis};
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
        }
    }
}

/// The current bytes of `unit`'s lock file.
fn read_lock(unit: &Unit) -> Option<Vec<u8>> {
    std::fs::read(lock_path(unit.abs.as_std_path())).ok()
}

/// Why a spec is rebuilt (its line says so).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Why {
    Start,
    Changed,
    New,
    Recreated,
}

pub(super) struct Session<'a> {
    pub driver: Driver,
    pub specs: Vec<Watched>,
    /// Spec trees (`wtc watch DIR`): canonical root, and the root as the user wrote it.
    pub trees: Vec<(Utf8PathBuf, Utf8PathBuf)>,
    args: &'a WatchArgs,
}

impl<'a> Session<'a> {
    /// Load the specs named on the command line (a spec file that cannot be read is an
    /// error), attach their registries; nothing is compiled yet.
    pub fn start(args: &'a WatchArgs) -> Result<Self, ExitCode> {
        let inputs = args.check.specs.inputs();
        let paths = expand(&inputs).map_err(fail)?;
        let mut driver = Driver::new(&args.check, Some(&args.output))?;
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

    /// The watch set: every spec (and its lock file when registries are discovered), the
    /// env-overrides file and the `pyproject.toml` files it names, the template directory,
    /// the registry files, and the spec trees.
    pub fn targets(&self) -> Vec<Target> {
        let mut out = Vec::new();
        for (i, w) in self.specs.iter().enumerate() {
            out.push(Target::file(&w.unit.abs, Reload::Spec(i)));
            if self.driver.registries.discovers()
                && let Ok(lock) = Utf8PathBuf::from_path_buf(lock_path(w.unit.abs.as_std_path()))
            {
                out.push(Target::file(&lock, Reload::Lock(i)));
            }
        }
        if let Some(file) = self.driver.overrides {
            let db = &self.driver.db;
            out.push(Target::file(file.path(db), Reload::Overrides));
            for p in watched_pyprojects(db, file) {
                out.push(Target::file(&p, Reload::Overrides));
            }
        }
        if let Some(dir) = self.driver.templates {
            out.push(Target::recursive(
                dir.path(&self.driver.db),
                Reload::Templates,
            ));
        }
        let discovery = &self.args.check.discovery;
        for p in discovery.registry.iter().chain(&discovery.solved) {
            out.push(Target::file(p, Reload::RegistryFiles));
        }
        for (root, _) in &self.trees {
            out.push(Target::spec_tree(root));
        }
        out
    }

    /// One round: apply `reloads`, then rebuild what they concern.
    pub fn apply(&mut self, reloads: &[Reload]) {
        let start = Instant::now();
        self.driver.registries.retry_failed();
        let mut dirty: Vec<(usize, Why)> = Vec::new();
        let mut rekey: Vec<usize> = Vec::new();
        self.reload_shared(reloads, &mut dirty, &mut rekey);
        let mut reread: Vec<usize> = reloads
            .iter()
            .filter_map(|r| match r {
                Reload::Spec(i) => Some(*i),
                _ => None,
            })
            .collect();
        for r in reloads {
            if let Reload::Rescan(root) = r {
                self.rescan(root, &mut reread, &mut dirty, &mut rekey);
            }
        }
        reread.sort_unstable();
        reread.dedup();
        for i in reread {
            if let Some(why) = self.reread(i) {
                dirty.push((i, why));
                rekey.push(i);
            }
        }
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
                    dirty.push((*i, Why::Changed));
                }
            }
        }
        self.reattach(rekey);
        // Each spec once, with the most telling reason.
        let mut once: Vec<(usize, Why)> = Vec::new();
        for (i, why) in dirty {
            match once.iter_mut().find(|(j, _)| *j == i) {
                Some(entry) if entry.1 == Why::Changed => entry.1 = why,
                Some(_) => {}
                None => once.push((i, why)),
            }
        }
        once.sort_by_key(|(i, _)| *i);
        self.build(once, start);
    }

    /// The files every spec shares (registry files, env-overrides, template directory),
    /// read again when `reloads` names them: every live spec is dirty when one changed.
    fn reload_shared(
        &mut self,
        reloads: &[Reload],
        dirty: &mut Vec<(usize, Why)>,
        rekey: &mut Vec<usize>,
    ) {
        let all_live = |specs: &[Watched]| -> Vec<usize> {
            (0..specs.len()).filter(|&i| !specs[i].deleted).collect()
        };
        if reloads.contains(&Reload::RegistryFiles) {
            let discovery = &self.args.check.discovery;
            match self
                .driver
                .registries
                .reload_files(&mut self.driver.db, discovery)
            {
                Ok(true) => {
                    dirty.extend(all_live(&self.specs).into_iter().map(|i| (i, Why::Changed)))
                }
                Ok(false) => {}
                Err(e) => {
                    let _ = fail(format!("{e}\n  (still using the previous registry)"));
                }
            }
        }
        if reloads.contains(&Reload::Overrides)
            && let Some(file) = self.driver.overrides
        {
            match reload_env_overrides(&mut self.driver.db, file) {
                Ok(true) => {
                    let live = all_live(&self.specs);
                    dirty.extend(live.iter().map(|&i| (i, Why::Changed)));
                    // The merged default feature is part of the discovery inputs.
                    rekey.extend(live);
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
            match reload_template_dir(&mut self.driver.db, dir) {
                Ok(true) => {
                    dirty.extend(all_live(&self.specs).into_iter().map(|i| (i, Why::Changed)))
                }
                Ok(false) => {}
                Err(e) => {
                    let _ = fail(format!("{e}\n  (still using its previous templates)"));
                }
            }
        }
    }

    /// Attach the specs of `rekey` again (their discovery key may have changed).
    fn reattach(&mut self, mut rekey: Vec<usize>) {
        rekey.sort_unstable();
        rekey.dedup();
        if !rekey.is_empty() {
            let wfs: Vec<_> = rekey.iter().map(|&i| self.specs[i].unit.wf).collect();
            self.driver.probe_local_channels(&wfs);
            for &i in &rekey {
                let unit = &self.specs[i].unit;
                let attachment = self.driver.registries.attach(
                    &mut self.driver.db,
                    unit.spec_ref(),
                    &unit.attachment,
                );
                self.specs[i].unit.attachment = attachment;
            }
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
                } else {
                    changed.then_some(Why::Changed)
                }
            }
        }
    }

    /// Compile `dirty` in parallel, then write each package in place and print its line.
    fn build(&mut self, dirty: Vec<(usize, Why)>, start: Instant) {
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
            let msg = match result {
                Ok(report) => {
                    let summary = describe(w, why, &release, &report, package.files.len());
                    format!("{prefix}{summary}")
                }
                Err(e) => {
                    // Some files may hold the new contents: remember both sets.
                    files.extend(previous.iter().cloned());
                    files.sort();
                    files.dedup();
                    let _ = fail(&e);
                    format!("{prefix}could not write the package (see above)")
                }
            };
            w.last = Some((release, files));
            line(quiet, &w.unit, msg, Some(start));
        }
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
