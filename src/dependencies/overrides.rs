//! Layer C: the `--env-overrides` file as a salsa input, and the queries that parse it,
//! resolve its relative `path` entries and run the leaf-only path-source [`guard`].
//!
//! The file system is only touched by the CLI (`cli::overrides`): it reads the file into
//! [`OverridesFile`], asks [`path_entries`] which `path` values the file names, resolves
//! them and reads their `pyproject.toml`, and stores the answers in [`OverridesFile::fs`].
//! Editing the file re-parses it; a changed `pyproject.toml` only re-runs the guard.
//!
//! [`guard`]: super::guard

use super::DependencyFile;
use super::loader::{Loaded, load};
use crate::db::{Db, FsFacts, OverridesFile};
use camino::{Utf8Component, Utf8Path, Utf8PathBuf};
use std::sync::Arc;

/// The file, parsed and validated (paths as written).
#[salsa::tracked(returns(ref))]
pub fn parsed(db: &dyn Db, file: OverridesFile) -> Arc<Loaded> {
    Arc::new(load(file.text(db)))
}

/// Every PyPI `path` value the file declares, as written, in file order, without repeats.
#[salsa::tracked(returns(ref))]
pub fn path_entries(db: &dyn Db, file: OverridesFile) -> Arc<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for (_, deps) in parsed(db, file).file.iter() {
        for p in deps.pypi.iter().filter_map(|r| r.path.as_ref()) {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
    }
    Arc::new(out)
}

/// The file with its `path` entries resolved and the path-source guard applied: what the
/// merge uses. Diagnostics: the loader's, then the guard's.
#[salsa::tracked(returns(ref))]
pub fn resolved(db: &dyn Db, file: OverridesFile) -> Arc<Loaded> {
    let parsed = parsed(db, file);
    let fs = file.fs(db);
    let dir = file.path(db).parent().unwrap_or(Utf8Path::new("/"));
    let mut out: Loaded = parsed.as_ref().clone();
    resolve_paths(&mut out.file, dir, fs);
    out.diagnostics.extend(path_problems(&out.file, fs));
    if !parsed.has_errors() {
        out.diagnostics
            .extend(super::guard::check(&out.file, &fs.pyprojects));
    }
    Arc::new(out)
}

/// A warning at each `path` entry whose (resolved) path is not a directory: pixi would
/// fail on it much later, far from the cause.
fn path_problems(file: &DependencyFile, fs: &FsFacts) -> Vec<crate::diagnostics::Diagnostic> {
    use crate::diagnostics::{Code, Diagnostic};
    let mut out = Vec::new();
    for (_, deps) in file.iter() {
        for req in &deps.pypi {
            let Some(path) = &req.path else { continue };
            let Some(problem) = fs.path_problems.get(path) else {
                continue;
            };
            out.push(
                Diagnostic::warning(
                    Code::PathSourceNotADirectory,
                    format!("the path source of `{}` ({path}) {problem}", req.name),
                )
                .at(req.span, "declared here")
                .with_help(
                    "a PyPI `path` source is a directory holding a Python project (with a pyproject.toml); fix the path or remove the entry",
                )
                .in_overrides(),
            );
        }
    }
    out
}

/// Replace every `path` value with the absolute path it denotes.
fn resolve_paths(file: &mut DependencyFile, dir: &Utf8Path, fs: &FsFacts) {
    for feature in super::Feature::ALL {
        for req in &mut file.feature_mut(feature).pypi {
            if let Some(p) = &mut req.path {
                *p = fs
                    .resolved
                    .get(p.as_str())
                    .cloned()
                    .unwrap_or_else(|| lexical_resolve(dir, p).into_string());
            }
        }
    }
}

/// `dir`/`path` with `.` and `..` removed lexically (no symlinks resolved); an absolute
/// `path` is kept as written. The CLI resolves symlinks too; this is the fallback when no
/// file-system facts were gathered.
pub fn lexical_resolve(dir: &Utf8Path, path: &str) -> Utf8PathBuf {
    let path = Utf8Path::new(path);
    if path.is_absolute() {
        return path.to_owned();
    }
    normalize(&dir.join(path))
}

/// `path` with `.` and `..` components removed lexically.
pub fn normalize(path: &Utf8Path) -> Utf8PathBuf {
    let mut out = Utf8PathBuf::new();
    for c in path.components() {
        match c {
            Utf8Component::CurDir => {}
            Utf8Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_resolution() {
        let dir = Utf8Path::new("/tmp/g/v2/overrides");
        assert_eq!(
            lexical_resolve(dir, "../local-wt-task"),
            "/tmp/g/v2/local-wt-task"
        );
        assert_eq!(lexical_resolve(dir, "./a/./b"), "/tmp/g/v2/overrides/a/b");
        assert_eq!(lexical_resolve(dir, "/abs/../x"), "/abs/../x");
    }
}
