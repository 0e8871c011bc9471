//! `compile`'s up-to-date stamps (`output::stamp`): a `--clobber` compile whose inputs
//! (spec, registry, options, env-overrides file, templates, host, this build of wtc) are
//! those that wrote the release directory, and whose files on disk are untouched since,
//! reports "up to date" without building the package.
//!
//! They apply only where the answer cannot differ from a compile's: `--clobber` without
//! `--force`, `--update` or `--install` (which do more than write the package), with the
//! built-in graph engine (Graphviz's output depends on the installed `dot`), and a stamp
//! is only saved by a compile that reported no diagnostic at all (so a hit has none to
//! repeat).

use super::driver::{Driver, Mode, Unit};
use super::{CheckArgs, ReleaseArgs};
use crate::db::input_digest;
use crate::output::stamp::{self, Stamp};
use camino::Utf8PathBuf;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;

/// Where this run keeps stamps, and the identity of the compiler that makes them.
pub(super) struct Stamps {
    root: PathBuf,
    identity: String,
    /// Whether a fresh stamp may answer (else stamps are only saved).
    answer: bool,
    /// Each spec's input digest, computed once: a stale stamp's compile saves the digest
    /// its freshness test computed (the inputs cannot change within one run).
    keys: RefCell<HashMap<Utf8PathBuf, String>>,
}

impl Stamps {
    /// `None` when the run writes no package or there is no cache directory.
    pub fn new(check: &CheckArgs, release: &ReleaseArgs, mode: &Mode) -> Option<Self> {
        if release.check || release.update {
            return None;
        }
        Some(Self {
            root: super::cache::cache_root(&check.build.discovery.given.cache_dir)?,
            identity: identity()?,
            answer: matches!(mode, Mode::Builtin)
                && release.clobber
                && !release.force
                && !release.install,
            keys: RefCell::default(),
        })
    }

    fn key(&self, driver: &Driver, unit: &Unit) -> String {
        self.keys
            .borrow_mut()
            .entry(unit.abs.clone())
            .or_insert_with(|| input_digest(&driver.db, unit.wf, &[&self.identity, "builtin"]))
            .clone()
    }

    /// The stamp that says `unit`'s release directory is up to date, if there is one.
    pub fn fresh(&self, driver: &Driver, unit: &Unit) -> Option<Stamp> {
        if !self.answer || !unit.registered() {
            return None;
        }
        let stamp = stamp::load(&stamp::stamp_path(&self.root, &unit.abs))?;
        stamp
            .is_fresh(unit.parent(), &self.key(driver, unit))
            .then_some(stamp)
    }

    /// After `unit`'s package was written as `release_name`: save its stamp when the
    /// compile reported nothing (`clean`), else forget any previous one.
    pub fn record(&self, driver: &Driver, unit: &Unit, release_name: &str, clean: bool) {
        let path = stamp::stamp_path(&self.root, &unit.abs);
        let taken = clean
            .then(|| Stamp::take(unit.parent(), release_name, &self.key(driver, unit)).ok())
            .flatten();
        match taken {
            Some(s) => {
                if stamp::save(&path, &s).is_err() {
                    stamp::remove(&path);
                }
            }
            None => stamp::remove(&path),
        }
    }
}

/// This build of wtc: its version and its executable's path, size and modification time
/// (a rebuilt compiler may write different files; stamps of another build never match).
fn identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "{} {} {} {}",
        env!("CARGO_PKG_VERSION"),
        exe.display(),
        meta.len(),
        mtime.as_nanos()
    ))
}
