//! The record of every file a command reads, kept by the code that reads it (typst's
//! `World::dependencies`, salsa's `lazy-input` example): the spec loader, the lock-file
//! lookup, the env-overrides loader (and the `pyproject.toml` of its `path` entries), the
//! template-directory reader, the `--registry` / `--solved` reader, and the spec-tree walk.
//!
//! `wtc watch` derives its watch set from this record ([`super::watch`]), so an input that
//! is read is an input that is watched: a new kind of input cannot be forgotten by the
//! watcher, only by its reader.

use camino::{Utf8Path, Utf8PathBuf};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// What a file (or directory) was read as, i.e. what to redo when it changes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A spec file (its absolute path).
    Spec,
    /// The lock file of the spec at this absolute path (recorded even while missing: its
    /// creation matters).
    Lock(Utf8PathBuf),
    /// The `--env-overrides` file.
    Overrides,
    /// The `pyproject.toml` of an env-overrides `path` entry (recorded even while missing).
    Pyproject,
    /// The `--template-dir` directory (everything below it is read).
    TemplateDir,
    /// `--registry` or `--solved`.
    RegistryFile,
    /// A directory walked for `spec.yaml` files (`--all DIR`, `wtc watch DIR`).
    SpecTree,
    /// The params of `wtc watch --run-case` (the `test-cases.yaml`) or `--run-params`.
    RunParams,
}

/// The shared record (cheap to clone; clones share it).
#[derive(Clone, Debug, Default)]
pub struct Reads(Arc<Mutex<BTreeMap<Utf8PathBuf, Role>>>);

impl Reads {
    /// Record that `path` was read as `role`.
    pub fn record(&self, path: &Utf8Path, role: Role) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(path.to_owned(), role);
        }
    }

    /// Replace every record of `role` with `paths` (a reader that reads a new set of
    /// files, e.g. the `pyproject.toml` files of a re-read env-overrides file).
    pub fn replace(&self, role: &Role, paths: impl IntoIterator<Item = Utf8PathBuf>) {
        if let Ok(mut map) = self.0.lock() {
            map.retain(|_, r| r != role);
            for p in paths {
                map.insert(p, role.clone());
            }
        }
    }

    /// Every record, sorted by path.
    pub fn all(&self) -> Vec<(Utf8PathBuf, Role)> {
        self.0.lock().map_or_else(
            |_| Vec::new(),
            |map| map.iter().map(|(p, r)| (p.clone(), r.clone())).collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_shared_by_clones_and_replaced_per_role() {
        let reads = Reads::default();
        let other = reads.clone();
        reads.record(Utf8Path::new("/a/spec.yaml"), Role::Spec);
        other.replace(&Role::Pyproject, [Utf8PathBuf::from("/p/pyproject.toml")]);
        other.replace(&Role::Pyproject, [Utf8PathBuf::from("/q/pyproject.toml")]);
        let all = reads.all();
        assert_eq!(
            all,
            vec![
                (Utf8PathBuf::from("/a/spec.yaml"), Role::Spec),
                (Utf8PathBuf::from("/q/pyproject.toml"), Role::Pyproject),
            ]
        );
    }
}
